"""One pricing run: estimates in, a complete, explainable suggestion out.

:func:`price` joins the history estimates (:mod:`.history`) with the assumptions
(:mod:`.config`) through the build-up (:mod:`.model`). The result carries every number
the answer shows, as values (Rate, Money, counts), so tests can check the arithmetic and
renderers only format.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bankpm_core.pricing.config import Assumptions, PricingConfig
from bankpm_core.pricing.history import Cell, LoanHistory, RiskEstimate
from bankpm_core.pricing.model import (
    Band,
    BuildUp,
    Scenario,
    build_up,
    check_constraints,
    lifetime_pd,
    raroc,
    sensitivity,
)
from bankpm_core.pricing.units import Money, Rate

PER = Decimal(10_000)  # money figures are per 10,000 of balance per year


@dataclass(frozen=True)
class PricingResult:
    cell: Cell
    assumptions: Assumptions
    risk: RiskEstimate
    build: BuildUp
    low: Rate  # model rate at the lower end of the PD interval
    high: Rate  # … and at the upper end
    band: Band | None
    raroc_current: Rate | None
    raroc_model: Rate
    raroc_recommended: Rate
    scenarios: list[Scenario]
    checks: list  # list[model.Check]
    lifetime_pd: Decimal
    currency: str

    @property
    def model_rate(self) -> Rate:
        return self.build.total

    @property
    def recommended(self) -> Rate:
        return self.band.recommended if self.band else self.model_rate

    @property
    def breaches(self) -> list:
        return [c for c in self.checks if c.breached]

    def per_10k(self) -> list[tuple[str, Money]]:
        """Each component in money per 10,000 of average balance per year."""
        unit = Money(PER, self.currency)
        rows = [(name, (unit * rate).rounded()) for name, rate in self.build.items()]
        rows.append(("total", (unit * self.model_rate).rounded()))
        return rows


def price(
    config: PricingConfig,
    history: LoanHistory,
    cell: Cell,
    assumptions: Assumptions,
) -> PricingResult:
    """Estimate PD/LGD for ``cell`` and build the suggested rate with every component."""
    product = assumptions.product
    risk = history.estimate(
        cell, min_sample=config.min_sample_loans, lgd_default=product.lgd_default
    )
    return price_from(config, cell, assumptions, risk)


def price_from(
    config: PricingConfig, cell: Cell, assumptions: Assumptions, risk: RiskEstimate
) -> PricingResult:
    """The arithmetic half of :func:`price`, given the estimates (pure; tests call it)."""
    pd, lgd = risk.pd.value, risk.lgd.value
    pd_lo, pd_hi = risk.pd.interval
    build = build_up(assumptions, pd, lgd)
    low = build_up(assumptions, pd_lo, lgd).total
    high = build_up(assumptions, pd_hi, lgd).total
    product = assumptions.product
    band = Band(product.apr_band[0], product.apr_band[1], build.total) if product.apr_band else None
    current = risk.book.current_rate
    recommended = band.recommended if band else build.total
    checks = check_constraints(config.constraints_for(cell.product), recommended, high, current)
    return PricingResult(
        cell=cell,
        assumptions=assumptions,
        risk=risk,
        build=build,
        low=low,
        high=high,
        band=band,
        raroc_current=raroc(current, assumptions, pd, lgd) if current is not None else None,
        raroc_model=raroc(build.total, assumptions, pd, lgd),
        raroc_recommended=raroc(recommended, assumptions, pd, lgd),
        scenarios=sensitivity(assumptions, pd, lgd, current),
        checks=checks,
        lifetime_pd=lifetime_pd(pd, product.term_months),
        currency=config.currency,
    )
