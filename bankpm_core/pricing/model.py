"""The risk-based rate build-up, RAROC, sensitivity and policy checks — all in Decimal.

Fair Lending and Pricing Policy § 4.1::

    model rate = FTP + PD × LGD + opex ratio + capital ratio × (target ROE − risk-free) + margin

and, at any contract rate r (the same identity solved for the return)::

    RAROC(r) = (r − FTP − opex − PD × LGD) ÷ capital ratio + risk-free

so RAROC at the model rate without margin is exactly the target ROE. PD is a 12-month
(annual) default probability, so PD × LGD is already an annual loss rate on balance;
the lifetime view over the product's term is ``1 − (1 − PD)^(term/12)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bankpm_core.pricing.config import Assumptions, Constraint
from bankpm_core.pricing.units import BP, Rate

RATE_STEP = Decimal("0.0001")  # the suggested rate is quoted to 0.01 %
COMPONENTS = ("ftp", "expected_loss", "opex", "capital", "margin")


@dataclass(frozen=True)
class BuildUp:
    """Every component of the model rate, annual."""

    ftp: Rate
    expected_loss: Rate
    opex: Rate
    capital: Rate
    margin: Rate
    pd: Decimal
    lgd: Decimal

    @property
    def total(self) -> Rate:
        return (self.ftp + self.expected_loss + self.opex + self.capital + self.margin).quantize(
            RATE_STEP
        )

    def items(self) -> list[tuple[str, Rate]]:
        return [(name, getattr(self, name)) for name in COMPONENTS]


def build_up(a: Assumptions, pd: Decimal, lgd: Decimal) -> BuildUp:
    return BuildUp(
        ftp=a.ftp,
        expected_loss=Rate(pd * lgd).quantize(),
        opex=a.opex,
        capital=Rate(a.capital_ratio * (a.target_roe - a.risk_free).value).quantize(),
        margin=a.target_margin,
        pd=pd,
        lgd=lgd,
    )


def raroc(rate: Rate, a: Assumptions, pd: Decimal, lgd: Decimal) -> Rate:
    """Risk-adjusted return on the capital held, at contract rate ``rate``."""
    net = rate - a.ftp - a.opex - Rate(pd * lgd)
    return Rate(net.value / a.capital_ratio + a.risk_free.value).quantize()


def lifetime_pd(pd: Decimal, term_months: int) -> Decimal:
    """Cumulative PD over the term from an annual PD (constant hazard)."""
    survive = (1 - pd) ** (Decimal(term_months) / 12)
    return (1 - survive).quantize(Decimal("0.000001"))


@dataclass(frozen=True)
class Scenario:
    key: str  # base / pd_down / pd_up / ftp_down / ftp_up
    rate: Rate
    change_bp: Decimal
    raroc_at_current: Rate | None


def sensitivity(a: Assumptions, pd: Decimal, lgd: Decimal, current: Rate | None) -> list[Scenario]:
    """PD ± 50 % (relative) and FTP ± 50 bp around the base case."""
    base = build_up(a, pd, lgd).total
    cases = [
        ("base", a, pd),
        ("pd_down", a, pd * Decimal("0.5")),
        ("pd_up", a, min(pd * Decimal("1.5"), Decimal(1))),
        ("ftp_down", a.with_ftp(a.ftp - Rate.bp(50)), pd),
        ("ftp_up", a.with_ftp(a.ftp + Rate.bp(50)), pd),
    ]
    out = []
    for key, assumptions, p in cases:
        rate = build_up(assumptions, p, lgd).total
        at_current = raroc(current, assumptions, p, lgd) if current is not None else None
        out.append(
            Scenario(key, rate, ((rate - base).value / BP).quantize(Decimal("0.01")), at_current)
        )
    return out


@dataclass(frozen=True)
class Check:
    """One policy rule applied to a rate; ``breached`` only for limits."""

    constraint: Constraint
    rate: Rate
    breached: bool
    what: str  # "suggested", "range_high", "current", "disclosure"


def check_constraints(
    constraints: tuple[Constraint, ...],
    suggested: Rate,
    high: Rate,
    current: Rate | None,
) -> list[Check]:
    out = []
    for rule in constraints:
        if not rule.is_limit:
            out.append(Check(rule, suggested, False, "disclosure"))
            continue
        for what, rate in (("suggested", suggested), ("range_high", high), ("current", current)):
            if rate is None:
                continue
            over = rule.max_apr is not None and rate > rule.max_apr
            under = rule.min_apr is not None and rate < rule.min_apr
            if over or under:
                out.append(Check(rule, rate, True, what))
                break
        else:
            out.append(Check(rule, suggested, False, "suggested"))
    return out


@dataclass(frozen=True)
class Band:
    """The model rate against the product's approved band (policy § 3.5, § 8.4)."""

    floor: Rate
    ceiling: Rate
    model: Rate

    @property
    def position(self) -> str:
        if self.model > self.ceiling:
            return "above"
        if self.model < self.floor:
            return "below"
        return "within"

    @property
    def recommended(self) -> Rate:
        return min(max(self.model, self.floor), self.ceiling)
