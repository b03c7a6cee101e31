"""Risk-based pricing: PD/LGD from history, a Decimal rate build-up, RAROC and policy checks.

Public API (pinned by a test)::

    config = load_pricing_config(path)               # knowledge/pricing.yaml
    history = LoanHistory(engine, config.data)        # reads loans / loan_snapshots
    a = assumptions_for(config, "FLASH", Overrides.from_slots({"roe": 0.15}))
    result = price(config, history, Cell("FLASH", "YOUNG_PRO"), a)
    result.model_rate, result.low, result.high, result.raroc_current, result.scenarios
"""

from bankpm_core.pricing.config import (
    Assumptions,
    Constraint,
    Overrides,
    PricingConfig,
    ProductAssumptions,
    assumptions_for,
    load_pricing_config,
    parse_pricing_config,
)
from bankpm_core.pricing.history import Binomial, Cell, LoanHistory, RiskEstimate
from bankpm_core.pricing.model import BuildUp, build_up, raroc, sensitivity
from bankpm_core.pricing.service import PricingResult, price, price_from
from bankpm_core.pricing.units import Money, Rate

__all__ = [
    "Assumptions",
    "Binomial",
    "BuildUp",
    "Cell",
    "Constraint",
    "LoanHistory",
    "Money",
    "Overrides",
    "PricingConfig",
    "PricingResult",
    "ProductAssumptions",
    "Rate",
    "RiskEstimate",
    "assumptions_for",
    "build_up",
    "load_pricing_config",
    "parse_pricing_config",
    "price",
    "price_from",
    "raroc",
    "sensitivity",
]
