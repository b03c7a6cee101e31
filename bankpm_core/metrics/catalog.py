"""The metric catalog: tables, dimensions and metrics declared as data.

:func:`load_catalog` parses the YAML and runs every validation rule, raising one
:class:`~bankpm_core.errors.CatalogError` that lists *all* problems at once (the
MetricFlow habit), so a bank editing its catalog fixes everything in one pass.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from bankpm_core.errors import CatalogError
from bankpm_core.metrics.expr import ExprError, names_in
from bankpm_core.metrics.filters import Condition, FilterSyntaxError, parse_where
from bankpm_core.yamlconfig import load_yaml_config

AGGREGATES = ("sum", "count", "avg", "min", "max", "count_distinct")
ADDITIVE_AGGREGATES = ("sum", "count")
UNITS = ("percent", "amount", "count", "hours", "days", "rate", "points", "score", "per_10k")
GRAINS = ("day", "month")

Unit = Literal["percent", "amount", "count", "hours", "days", "rate", "points", "score", "per_10k"]


@dataclass(frozen=True)
class Member:
    code: str
    dimension: str
    zh: tuple[str, ...]
    en: tuple[str, ...]
    kind: str | None = None

    def name(self, lang: str) -> str:
        names = self.zh if lang == "zh" else self.en
        return names[0] if names else self.code


@dataclass(frozen=True)
class Dimension:
    code: str
    zh: tuple[str, ...]
    en: tuple[str, ...]
    members: dict[str, Member]

    def name(self, lang: str) -> str:
        names = self.zh if lang == "zh" else self.en
        return names[0] if names else self.code


@dataclass(frozen=True)
class TableSpec:
    name: str
    time: str
    grain: str
    dimensions: tuple[str, ...]
    columns: tuple[str, ...]
    non_additive: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Measure:
    """One aggregate over one table: ``sum(balance) where dpd > 30``."""

    table: str
    agg: str
    column: str
    where: tuple[Condition, ...] = ()

    @property
    def signature(self) -> tuple[str, str, str, tuple[Condition, ...]]:
        return (self.table, self.agg, self.column, tuple(sorted(self.where, key=str)))

    def describe(self) -> str:
        text = f"{self.agg}({self.column})"
        if self.where:
            text += " where " + " and ".join(map(str, self.where))
        return text


@dataclass(frozen=True)
class MetricSpec:
    code: str
    zh: tuple[str, ...]
    en: tuple[str, ...]
    description_zh: str
    description_en: str
    measures: dict[str, Measure]
    expr: str
    unit: str
    higher_is_better: bool
    applies_to: tuple[str, ...] = ()
    # a figure over several product kinds mixes markets that do not add up (a market share
    # of loans and deposits together): without a product named, it is answered per product
    per_product: bool = False

    def name(self, lang: str) -> str:
        names = self.zh if lang == "zh" else self.en
        return names[0] if names else self.code

    def description(self, lang: str) -> str:
        return self.description_zh if lang == "zh" else self.description_en

    @property
    def tables(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(m.table for m in self.measures.values()))

    def formula(self) -> str:
        if len(self.measures) == 1 and self.expr == next(iter(self.measures)):
            return next(iter(self.measures.values())).describe()
        parts = ", ".join(f"{k} = {m.describe()}" for k, m in self.measures.items())
        return f"{self.expr}; {parts}"


@dataclass(frozen=True)
class Rollup:
    name: str
    source: str
    dimensions: tuple[str, ...]
    measures: dict[str, Measure]


@dataclass
class Catalog:
    version: int
    currency: str
    dimensions: dict[str, Dimension]
    tables: dict[str, TableSpec]
    metrics: dict[str, MetricSpec]
    rollups: dict[str, Rollup] = field(default_factory=dict)

    def member(self, dimension: str, code: str) -> Member:
        return self.dimensions[dimension].members[code]

    def is_stock(self, code: str) -> bool:
        """A count or amount held at a point in time (余额, 客户数, 账户数): it has no
        "new" of its own — its change between two month ends is the net increase."""
        metric = self.metrics[code]
        return metric.unit in ("count", "amount") and any(
            m.column in self.tables[m.table].non_additive for m in metric.measures.values()
        )

    def products_of_kind(self, kinds: tuple[str, ...]) -> tuple[str, ...]:
        members = (
            self.dimensions["product"].members.values() if "product" in self.dimensions else ()
        )
        return tuple(m.code for m in members if m.kind in kinds)


def _names(raw: Any, where: str, problems: list[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not isinstance(raw, dict):
        problems.append(f"{where}: 'names' must map zh/en to lists of names")
        return (), ()
    out = []
    for lang in ("zh", "en"):
        values = raw.get(lang) or []
        if isinstance(values, str):
            values = [values]
        if not values:
            problems.append(f"{where}: needs at least one {lang} name")
        out.append(tuple(str(v) for v in values))
    return out[0], out[1]


def _measure(raw: Any, table: str | None, where: str, problems: list[str]) -> Measure | None:
    if not isinstance(raw, dict):
        problems.append(f"{where}: a measure must be a mapping like {{sum: column}}")
        return None
    aggs = [a for a in AGGREGATES if a in raw]
    if len(aggs) != 1:
        problems.append(f"{where}: needs exactly one aggregate of {', '.join(AGGREGATES)}")
        return None
    agg = aggs[0]
    table = raw.get("table", table)
    if not table:
        problems.append(f"{where}: no table given")
        return None
    try:
        conditions = parse_where(raw.get("where"))
    except FilterSyntaxError as exc:
        problems.append(f"{where}: bad filter: {exc}")
        conditions = ()
    return Measure(table=str(table), agg=agg, column=str(raw[agg]), where=conditions)


def _metric(code: str, raw: dict[str, Any], problems: list[str]) -> MetricSpec | None:
    where = f"metric {code}"
    zh, en = _names(raw.get("names"), where, problems)
    desc = raw.get("description") or {}
    if isinstance(desc, dict) and set(desc) - {"zh", "en"}:
        extra = ", ".join(repr(str(k))[:40] for k in set(desc) - {"zh", "en"})
        problems.append(
            f"{where}: description has keys other than zh/en ({extra}); an unquoted comma "
            "in a {zh: …, en: …} mapping splits the text — quote it"
        )
    table = raw.get("table")
    measures: dict[str, Measure] = {}
    expr = ""
    if "ratio" in raw:
        ratio = raw["ratio"] or {}
        for part in ("numerator", "denominator"):
            m = _measure(ratio.get(part), table, f"{where} {part}", problems)
            if m:
                measures[part] = m
        expr = "numerator / denominator"
    elif "measures" in raw:
        for name, spec in (raw["measures"] or {}).items():
            m = _measure(spec, table, f"{where} measure {name}", problems)
            if m:
                measures[str(name)] = m
        expr = str(raw.get("expr") or "")
        if not expr:
            problems.append(f"{where}: 'measures' needs an 'expr'")
    else:
        m = _measure(raw, table, where, problems)
        if m:
            measures["value"] = m
        expr = "value"
    unit = str(raw.get("unit", ""))
    hib = raw.get("higher_is_better")
    if not isinstance(hib, bool):
        problems.append(f"{where}: 'higher_is_better' must be true or false")
        hib = True
    return MetricSpec(
        code=code,
        zh=zh,
        en=en,
        description_zh=str(desc.get("zh", "")),
        description_en=str(desc.get("en", "")),
        measures=measures,
        expr=expr,
        unit=unit,
        higher_is_better=hib,
        applies_to=tuple(raw.get("applies_to") or ()),
        per_product=bool(raw.get("per_product", False)),
    )


def parse_catalog(raw: Any) -> tuple[Catalog, list[str]]:
    """Build the catalog from parsed YAML; returns it with every problem found."""
    problems: list[str] = []
    if not isinstance(raw, dict):
        return Catalog(0, "", {}, {}, {}), ["catalog: the file must be a YAML mapping"]
    dimensions: dict[str, Dimension] = {}
    for code, spec in (raw.get("dimensions") or {}).items():
        spec = spec or {}
        zh, en = _names(spec.get("names"), f"dimension {code}", problems)
        members = {}
        for mcode, mspec in (spec.get("members") or {}).items():
            mspec = mspec or {}
            mzh = tuple(mspec.get("zh") or ())
            men = tuple(mspec.get("en") or ())
            if not mzh or not men:
                problems.append(f"dimension {code} member {mcode}: needs zh and en names")
            members[str(mcode)] = Member(str(mcode), str(code), mzh, men, mspec.get("kind"))
        if not members:
            problems.append(f"dimension {code}: declares no members")
        dimensions[str(code)] = Dimension(str(code), zh, en, members)
    tables: dict[str, TableSpec] = {}
    for name, spec in (raw.get("tables") or {}).items():
        spec = spec or {}
        for key in ("time", "dimensions", "columns"):
            if key not in spec:
                problems.append(f"table {name}: missing '{key}'")
        tables[str(name)] = TableSpec(
            name=str(name),
            time=str(spec.get("time", "")),
            grain=str(spec.get("grain", "day")),
            dimensions=tuple(spec.get("dimensions") or ()),
            columns=tuple(spec.get("columns") or ()),
            non_additive=tuple(spec.get("non_additive") or ()),
            description=str(spec.get("description", "")),
        )
    metrics: dict[str, MetricSpec] = {}
    for code, spec in (raw.get("metrics") or {}).items():
        if not isinstance(spec, dict):
            problems.append(f"metric {code}: must be a mapping")
            continue
        metric = _metric(str(code), spec, problems)
        if metric:
            metrics[str(code)] = metric
    rollups: dict[str, Rollup] = {}
    for name, spec in (raw.get("rollups") or {}).items():
        spec = spec or {}
        source = str(spec.get("source", ""))
        measures = {}
        for mname, mspec in (spec.get("measures") or {}).items():
            m = _measure(mspec, source, f"rollup {name} measure {mname}", problems)
            if m:
                measures[str(mname)] = m
        rollups[str(name)] = Rollup(
            str(name), source, tuple(spec.get("dimensions") or ()), measures
        )
    catalog = Catalog(
        version=int(raw.get("version", 1)),
        currency=str(raw.get("currency", "CNY")),
        dimensions=dimensions,
        tables=tables,
        metrics=metrics,
        rollups=rollups,
    )
    problems.extend(check_catalog(catalog))
    return catalog, problems


def _check_measure(catalog: Catalog, measure: Measure, where: str) -> list[str]:
    problems = []
    table = catalog.tables.get(measure.table)
    if table is None:
        return [f"{where}: unknown table {measure.table!r}"]
    known = set(table.columns) | set(table.dimensions) | {table.time}
    if measure.column != "*" and measure.column not in known:
        problems.append(f"{where}: table {table.name} declares no column {measure.column!r}")
    if measure.column == "*" and measure.agg != "count":
        problems.append(f"{where}: only count may use '*'")
    for cond in measure.where:
        if cond.column not in known:
            problems.append(f"{where}: filter on undeclared column {cond.column!r}")
    if (
        measure.agg in ("sum", "count")
        and measure.column in table.non_additive
        and table.grain != "month"
    ):
        problems.append(
            f"{where}: non-additive column {measure.column} on a table without snapshots"
        )
    return problems


def check_catalog(catalog: Catalog) -> list[str]:
    """Every rule, every problem: returns an empty list for a valid catalog."""
    problems: list[str] = []
    kinds = {m.kind for d in catalog.dimensions.values() for m in d.members.values() if m.kind}
    for table in catalog.tables.values():
        if table.grain not in GRAINS:
            problems.append(f"table {table.name}: grain must be one of {', '.join(GRAINS)}")
        for dim in table.dimensions:
            if dim not in catalog.dimensions:
                problems.append(f"table {table.name}: unknown dimension {dim!r}")
        for col in table.non_additive:
            if col != "*" and col not in table.columns:
                problems.append(f"table {table.name}: non_additive column {col!r} not declared")
    seen_names: dict[str, str] = {}
    for metric in catalog.metrics.values():
        where = f"metric {metric.code}"
        if metric.unit not in UNITS:
            problems.append(f"{where}: unit {metric.unit!r} is not one of {', '.join(UNITS)}")
        if not metric.description_zh or not metric.description_en:
            problems.append(f"{where}: needs a zh and an en description")
        for name, measure in metric.measures.items():
            problems.extend(_check_measure(catalog, measure, f"{where} measure {name}"))
        if metric.expr:
            try:
                unknown = names_in(metric.expr) - set(metric.measures)
                if unknown:
                    problems.append(f"{where}: expr uses unknown measures {sorted(unknown)}")
            except ExprError as exc:
                problems.append(f"{where}: {exc}")
        for kind in metric.applies_to:
            if kind not in kinds:
                problems.append(f"{where}: applies_to names unknown product kind {kind!r}")
        for name in (*metric.zh, *metric.en):
            key = name.casefold()
            other = seen_names.get(key)
            if other and other != metric.code:
                problems.append(f"{where}: name {name!r} is also a name of metric {other}")
            seen_names[key] = metric.code
    for rollup in catalog.rollups.values():
        where = f"rollup {rollup.name}"
        source = catalog.tables.get(rollup.source)
        if source is None:
            problems.append(f"{where}: unknown source table {rollup.source!r}")
            continue
        for dim in rollup.dimensions:
            if dim not in source.dimensions:
                problems.append(f"{where}: source has no dimension {dim!r}")
        for name, measure in rollup.measures.items():
            if measure.agg not in ADDITIVE_AGGREGATES:
                problems.append(f"{where} measure {name}: only sum and count can be rolled up")
            problems.extend(_check_measure(catalog, measure, f"{where} measure {name}"))
    return problems


def load_catalog(path: Path) -> Catalog:
    """Load and validate; raises CatalogError listing every problem."""
    return load_yaml_config(path, parse_catalog, ("指标目录", "Metric catalog"), CatalogError)
