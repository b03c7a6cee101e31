"""The pricing configuration (``knowledge/pricing.yaml``) as typed, validated values.

Every rate in the file is an annual decimal fraction and becomes a :class:`Rate`; terms
are months. :func:`load_pricing_config` reports *all* problems of a file at once.
:class:`Overrides` carries what a question changes ("ROE 15%", "FTP 2.2%" arrive from
the router as fractions) and is validated with bilingual messages, because it is user
input. The optional ``data`` section maps the model onto a bank's own tables; it
defaults to the sample bank's ``loans`` and ``loan_snapshots``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from bankpm_core.errors import BadInputError
from bankpm_core.pricing.units import Rate, to_decimal
from bankpm_core.yamlconfig import load_yaml_config


@dataclass(frozen=True)
class Source:
    document: str
    section: str = ""

    def label(self) -> str:
        return f"{self.document} {self.section}".strip()


@dataclass(frozen=True)
class ProductAssumptions:
    code: str
    ftp: Rate
    opex_ratio: Rate
    capital_ratio: Decimal  # capital held per unit of exposure (a ratio, not a rate)
    lgd_default: Decimal  # fallback loss given default, fraction of EAD
    term_months: int
    apr_band: tuple[Rate, Rate] | None = None
    source: Source | None = None


@dataclass(frozen=True)
class Constraint:
    """A policy rule: a cap/floor on the annualised rate, or a disclosure duty (no limit)."""

    id: str
    description_zh: str
    description_en: str
    products: tuple[str, ...]
    source: Source
    max_apr: Rate | None = None
    min_apr: Rate | None = None

    def description(self, lang: str) -> str:
        return self.description_zh if lang == "zh" else self.description_en

    @property
    def is_limit(self) -> bool:
        return self.max_apr is not None or self.min_apr is not None

    def applies(self, product: str) -> bool:
        return not self.products or product in self.products


@dataclass(frozen=True)
class LoanTable:
    """Where loan-level history lives; column names of one row per loan at origination."""

    table: str = "loans"
    product: str = "product"
    segment: str = "segment"
    channel: str = "channel"
    disbursed_on: str = "disbursed_on"
    amount: str = "amount"
    rate: str = "rate"
    defaulted_on: str = "defaulted_on"
    ead: str = "ead"
    recovered: str = "recovered"


@dataclass(frozen=True)
class SnapshotTable:
    """Month-end account snapshots (balance, days past due, contract rate)."""

    table: str = "loan_snapshots"
    month: str = "month"
    account: str = "account_id"
    product: str = "product"
    segment: str = "segment"
    channel: str = "channel"
    balance: str = "balance"
    dpd: str = "dpd"
    rate: str = "rate"
    default_dpd: int = 90  # "reached 90+ days past due"


@dataclass(frozen=True)
class SavingsTable:
    """Month-end deposit / wealth balances with the customer rate or yield."""

    table: str = "deposit_balances"
    month: str = "month"
    product: str = "product"
    segment: str = "segment"
    channel: str = "channel"
    balance: str = "balance"
    rate: str = "rate"


@dataclass(frozen=True)
class DataMapping:
    loans: LoanTable = field(default_factory=LoanTable)
    snapshots: SnapshotTable = field(default_factory=SnapshotTable)
    savings: SavingsTable = field(default_factory=SavingsTable)
    performance_months: int = 12  # default within this many months of origination
    lgd_workout_months: int = 12  # defaults younger than this are still being worked out


@dataclass(frozen=True)
class Benchmark:
    """A reference rate for a deposit/wealth product (competitor or official benchmark)."""

    rate: Rate
    name_zh: str
    name_en: str
    source: Source | None = None


@dataclass(frozen=True)
class PricingConfig:
    currency: str
    target_roe: Rate
    risk_free: Rate
    target_margin: Rate
    min_sample_loans: int
    products: Mapping[str, ProductAssumptions]
    constraints: tuple[Constraint, ...] = ()
    data: DataMapping = field(default_factory=DataMapping)
    benchmarks: Mapping[str, Benchmark] = field(default_factory=dict)
    as_of: str | None = None
    path: str | None = None

    def product(self, code: str) -> ProductAssumptions:
        return self.products[code]

    def constraints_for(self, product: str) -> tuple[Constraint, ...]:
        return tuple(c for c in self.constraints if c.applies(product))


# --- overrides ---------------------------------------------------------------------------

OVERRIDE_KEYS = ("roe", "ftp", "margin", "opex", "capital_ratio")
_LIMITS = {  # (low, high, inclusive low) for each override, as fractions
    "roe": (Decimal(0), Decimal("0.6"), False),
    "ftp": (Decimal(0), Decimal("0.3"), True),
    "margin": (Decimal("-0.05"), Decimal("0.2"), True),
    "opex": (Decimal(0), Decimal("0.3"), True),
    "capital_ratio": (Decimal(0), Decimal(1), False),
}
_OVERRIDE_NAMES = {
    "roe": ("目标ROE", "target ROE"),
    "ftp": ("FTP", "FTP"),
    "margin": ("目标利差", "target margin"),
    "opex": ("运营成本率", "opex ratio"),
    "capital_ratio": ("资本占用比例", "capital ratio"),
}


@dataclass(frozen=True)
class Overrides:
    """Assumptions a question changes; every field is an annual fraction or a ratio."""

    roe: Rate | None = None
    ftp: Rate | None = None
    margin: Rate | None = None
    opex: Rate | None = None
    capital_ratio: Decimal | None = None

    @classmethod
    def from_slots(cls, raw: Mapping[str, Any] | None) -> Overrides:
        """Validate the router's ``overrides`` slot; raises :class:`BadInputError`."""
        if not raw:
            return cls()
        unknown = [k for k in raw if k not in OVERRIDE_KEYS]
        if unknown:
            raise BadInputError(
                f"无法识别的定价假设：{', '.join(unknown)}。可调整：ROE、FTP、利差、运营成本率、资本占用比例。",
                f"Unknown pricing assumption(s): {', '.join(unknown)}. You can set ROE, FTP, "
                "margin, opex and capital ratio.",
            )
        values: dict[str, Any] = {}
        for key, value in raw.items():
            if value is None:
                continue
            zh, en = _OVERRIDE_NAMES[key]
            try:
                number = to_decimal(value)
            except (InvalidOperation, TypeError, ValueError):
                raise BadInputError(
                    f"{zh}需要一个数字，收到的是“{value}”。",
                    f"The {en} must be a number, got '{value}'.",
                ) from None
            low, high, inclusive = _LIMITS[key]
            if number < 0 and key in ("roe", "ftp", "opex", "capital_ratio"):
                raise BadInputError(
                    f"{zh}不能为负数（收到 {number * 100:g}%）。请给出一个正的年化比例，例如 ROE 15%。",
                    f"The {en} cannot be negative (got {number * 100:g}%). Give a positive "
                    "annual figure, e.g. ROE 15%.",
                )
            too_low = number < low or (number == low and not inclusive)
            if too_low or number > high:
                hint_zh = "（是否把 15% 写成了 15？）" if number > 1 else ""
                hint_en = " (did you write 15 for 15%?)" if number > 1 else ""
                raise BadInputError(
                    f"{zh} {number * 100:g}% 超出合理范围（{low * 100:g}%–{high * 100:g}%）{hint_zh}。",
                    f"The {en} of {number * 100:g}% is outside the plausible range "
                    f"({low * 100:g}%–{high * 100:g}%){hint_en}.",
                )
            values[key] = number if key == "capital_ratio" else Rate(number)
        return cls(**values)

    def shifted(
        self, config: PricingConfig, product: str, shifts: Mapping[str, Any] | None
    ) -> Overrides:
        """These overrides with the question's changes applied ("资金成本上调50个基点":
        FTP = the product's FTP + 0.50pp), checked against the same limits."""
        if not shifts:
            return self
        unknown = [k for k in shifts if k not in OVERRIDE_KEYS]
        if unknown:
            raise BadInputError(
                f"无法识别的定价假设：{', '.join(unknown)}。",
                f"Unknown pricing assumption(s): {', '.join(unknown)}.",
            )
        prod = config.product(product)
        base: dict[str, Decimal] = {
            "roe": config.target_roe.value,
            "ftp": prod.ftp.value,
            "margin": config.target_margin.value,
            "opex": prod.opex_ratio.value,
            "capital_ratio": prod.capital_ratio,
        }
        values: dict[str, Any] = self.as_dict()
        for key, change in shifts.items():
            start = to_decimal(values[key]) if key in values else base[key]
            values[key] = start + to_decimal(change)
        return Overrides.from_slots(values)

    def is_empty(self) -> bool:
        return all(getattr(self, k) is None for k in OVERRIDE_KEYS)

    def as_dict(self) -> dict[str, float]:
        return {k: float(getattr(self, k)) for k in OVERRIDE_KEYS if getattr(self, k) is not None}


@dataclass(frozen=True)
class Assumptions:
    """The numbers one pricing run uses: config values with overrides applied."""

    product: ProductAssumptions
    target_roe: Rate
    risk_free: Rate
    target_margin: Rate
    overridden: tuple[str, ...] = ()

    @property
    def ftp(self) -> Rate:
        return self.product.ftp

    @property
    def opex(self) -> Rate:
        return self.product.opex_ratio

    @property
    def capital_ratio(self) -> Decimal:
        return self.product.capital_ratio

    def with_ftp(self, ftp: Rate) -> Assumptions:
        return replace(self, product=replace(self.product, ftp=ftp))


def assumptions_for(config: PricingConfig, product: str, overrides: Overrides) -> Assumptions:
    """Config values for ``product`` with the question's overrides applied and checked."""
    base = config.product(product)
    changed = []
    prod = base
    if overrides.ftp is not None:
        prod = replace(prod, ftp=overrides.ftp)
        changed.append("ftp")
    if overrides.opex is not None:
        prod = replace(prod, opex_ratio=overrides.opex)
        changed.append("opex")
    if overrides.capital_ratio is not None:
        prod = replace(prod, capital_ratio=overrides.capital_ratio)
        changed.append("capital_ratio")
    roe = config.target_roe
    if overrides.roe is not None:
        roe = overrides.roe
        changed.append("roe")
    margin = config.target_margin
    if overrides.margin is not None:
        margin = overrides.margin
        changed.append("margin")
    if roe < config.risk_free:
        raise BadInputError(
            f"目标ROE（{roe.as_percent:g}%）低于无风险利率（{config.risk_free.as_percent:g}%），"
            "资本成本会变成负数。请提高ROE。",
            f"The target ROE ({roe.as_percent:g}%) is below the risk-free rate "
            f"({config.risk_free.as_percent:g}%), which makes capital cost negative. "
            "Use a higher ROE.",
        )
    return Assumptions(prod, roe, config.risk_free, margin, tuple(changed))


# --- loading -------------------------------------------------------------------------------


def _rate(raw: Any, where: str, problems: list[str], *, allow_none: bool = False) -> Rate | None:
    if raw is None:
        if not allow_none:
            problems.append(f"{where}: missing")
        return None
    try:
        value = to_decimal(raw)
    except (InvalidOperation, TypeError, ValueError):
        problems.append(f"{where}: not a number ({raw!r})")
        return None
    if not Decimal(-1) < value < Decimal(1):
        problems.append(f"{where}: {raw!r} is not an annual fraction (0.022 = 2.2%)")
        return None
    return Rate(value)


def _source(raw: Any, where: str, problems: list[str]) -> Source | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or not raw.get("document"):
        problems.append(f"{where}: source needs a document")
        return None
    return Source(str(raw["document"]), str(raw.get("section", "")))


def _product(code: str, raw: Any, problems: list[str]) -> ProductAssumptions | None:
    where = f"products.{code}"
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: expected a mapping")
        return None
    before = len(problems)
    ftp = _rate(raw.get("ftp"), f"{where}.ftp", problems)
    opex = _rate(raw.get("opex_ratio"), f"{where}.opex_ratio", problems)
    capital = _rate(raw.get("capital_ratio"), f"{where}.capital_ratio", problems)
    lgd = _rate(raw.get("lgd_default"), f"{where}.lgd_default", problems)
    term = raw.get("term_months")
    if not isinstance(term, int) or term <= 0:
        problems.append(f"{where}.term_months: a positive whole number of months is required")
    if capital is not None and capital.value <= 0:
        problems.append(f"{where}.capital_ratio: must be positive")
    if lgd is not None and not 0 <= lgd.value <= 1:
        problems.append(f"{where}.lgd_default: must be within 0..1")
    band = None
    if raw.get("apr_band") is not None:
        pair = raw["apr_band"]
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            problems.append(f"{where}.apr_band: expected [floor, ceiling]")
        else:
            lo = _rate(pair[0], f"{where}.apr_band[0]", problems)
            hi = _rate(pair[1], f"{where}.apr_band[1]", problems)
            if lo is not None and hi is not None:
                if lo > hi:
                    problems.append(f"{where}.apr_band: floor above ceiling")
                band = (lo, hi)
    source = _source(raw.get("source"), where, problems)
    if len(problems) > before:
        return None
    assert ftp and opex and capital and lgd
    return ProductAssumptions(code, ftp, opex, capital.value, lgd.value, term, band, source)


def _constraints(raw: Any, problems: list[str]) -> tuple[Constraint, ...]:
    if raw is None:
        return ()
    if isinstance(raw, Mapping):  # a mapping id -> rule is accepted too
        raw = [{"id": key, **value} for key, value in raw.items()]
    if not isinstance(raw, list):
        problems.append("constraints: expected a list")
        return ()
    out = []
    for i, item in enumerate(raw):
        where = f"constraints[{i}]"
        if not isinstance(item, Mapping):
            problems.append(f"{where}: expected a mapping")
            continue
        source = _source(item.get("source"), where, problems)
        if source is None:
            problems.append(f"{where}: every constraint needs a source {{document, section}}")
            continue
        max_apr = _rate(item.get("max_apr"), f"{where}.max_apr", problems, allow_none=True)
        min_apr = _rate(item.get("min_apr"), f"{where}.min_apr", problems, allow_none=True)
        zh = str(item.get("description_zh") or item.get("description") or item.get("id", ""))
        en = str(item.get("description_en") or item.get("description") or item.get("id", ""))
        out.append(
            Constraint(
                id=str(item.get("id", f"rule_{i}")),
                description_zh=zh,
                description_en=en,
                products=tuple(item.get("products") or ()),
                source=source,
                max_apr=max_apr,
                min_apr=min_apr,
            )
        )
    return tuple(out)


def _data(raw: Any, problems: list[str]) -> DataMapping:
    if raw is None:
        return DataMapping()
    if not isinstance(raw, Mapping):
        problems.append("data: expected a mapping")
        return DataMapping()
    try:
        return DataMapping(
            loans=LoanTable(**(raw.get("loans") or {})),
            snapshots=SnapshotTable(**(raw.get("snapshots") or {})),
            savings=SavingsTable(**(raw.get("savings") or {})),
            performance_months=int(raw.get("performance_months", 12)),
            lgd_workout_months=int(raw.get("lgd_workout_months", 12)),
        )
    except TypeError as exc:
        problems.append(f"data: {exc}")
        return DataMapping()


def _benchmarks(raw: Any, problems: list[str]) -> dict[str, Benchmark]:
    out: dict[str, Benchmark] = {}
    for code, item in (raw or {}).items():
        where = f"benchmarks.{code}"
        rate = _rate(item.get("rate") if isinstance(item, Mapping) else None, where, problems)
        if rate is None:
            continue
        out[code] = Benchmark(
            rate=rate,
            name_zh=str(item.get("name_zh", "基准")),
            name_en=str(item.get("name_en", "benchmark")),
            source=_source(item.get("source"), where, problems),
        )
    return out


def parse_pricing_config(
    raw: Any, path: str | None = None
) -> tuple[PricingConfig | None, list[str]]:
    """(config, problems); config is None when any problem was found."""
    problems: list[str] = []
    if not isinstance(raw, Mapping):
        return None, ["the pricing config must be a mapping"]
    roe = _rate(raw.get("target_roe"), "target_roe", problems)
    rf = _rate(raw.get("risk_free"), "risk_free", problems)
    margin = _rate(raw.get("target_margin"), "target_margin", problems)
    min_sample = raw.get("min_sample_loans")
    if not isinstance(min_sample, int) or min_sample < 1:
        problems.append("min_sample_loans: a positive whole number is required")
    products: dict[str, ProductAssumptions] = {}
    raw_products = raw.get("products")
    if not isinstance(raw_products, Mapping) or not raw_products:
        problems.append("products: at least one product is required")
    else:
        for code, item in raw_products.items():
            prod = _product(str(code), item, problems)
            if prod is not None:
                products[str(code)] = prod
    constraints = _constraints(raw.get("constraints"), problems)
    data = _data(raw.get("data"), problems)
    benchmarks = _benchmarks(raw.get("benchmarks"), problems)
    if roe is not None and rf is not None and roe < rf:
        problems.append("target_roe: below risk_free")
    if problems:
        return None, problems
    assert roe and rf and margin
    config = PricingConfig(
        currency=str(raw.get("currency", "CNY")),
        target_roe=roe,
        risk_free=rf,
        target_margin=margin,
        min_sample_loans=int(min_sample),  # type: ignore[arg-type]
        products=products,
        constraints=constraints,
        data=data,
        benchmarks=benchmarks,
        as_of=str(raw["as_of"]) if raw.get("as_of") else None,
        path=path,
    )
    return config, []


def load_pricing_config(path: Path) -> PricingConfig:
    """Read and validate; raises :class:`ConfigError` listing every problem."""
    return load_yaml_config(
        path, lambda raw: parse_pricing_config(raw, str(path)), ("定价参数", "Pricing config")
    )
