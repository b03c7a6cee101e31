"""The rate build-up, RAROC, sensitivity and checks on hand-computed cases (pure Decimal)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from bankpm_core.pricing import Money, Rate, build_up, raroc, sensitivity
from bankpm_core.pricing.config import Assumptions, ProductAssumptions, Source
from bankpm_core.pricing.history import (
    Binomial,
    BookFacts,
    Cell,
    LGDEstimate,
    PDEstimate,
    RiskEstimate,
)
from bankpm_core.pricing.model import lifetime_pd
from bankpm_core.pricing.service import price_from

CASES = yaml.safe_load((Path(__file__).parent / "arithmetic_cases.yaml").read_text("utf-8"))


def assumptions(inputs: dict) -> Assumptions:
    product = ProductAssumptions(
        code="X",
        ftp=Rate(inputs["ftp"]),
        opex_ratio=Rate(inputs["opex"]),
        capital_ratio=Decimal(inputs["capital_ratio"]),
        lgd_default=Decimal(inputs["lgd"]),
        term_months=24,
    )
    return Assumptions(
        product, Rate(inputs["roe"]), Rate(inputs["risk_free"]), Rate(inputs["margin"])
    )


def risk_estimate(
    pd_events: int, pd_trials: int, lgd: str, current: str | None = None
) -> RiskEstimate:
    cell = Cell("FLASH", "YOUNG_PRO")
    binomial = Binomial(pd_events, pd_trials)
    pd_est = PDEstimate(("segment",), ("segment",), binomial, binomial, 300, None, "loans")
    book = BookFacts(Rate(current) if current else None, 10, None, None, None, None)
    return RiskEstimate(
        cell, pd_est, LGDEstimate(Decimal(lgd), 50, ("segment",)), book, date(2026, 10, 31)
    )


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_build_up_matches_hand_computation(case: dict) -> None:
    a = assumptions(case["inputs"])
    pd, lgd = Decimal(case["inputs"]["pd"]), Decimal(case["inputs"]["lgd"])
    b = build_up(a, pd, lgd)
    exp = case["expected"]
    assert b.expected_loss == Rate(exp["expected_loss"])
    assert b.capital == Rate(exp["capital"])
    assert b.total == Rate(exp["model"])
    assert isinstance(b.total.value, Decimal)
    for rate, expected in exp["raroc_at"].items():
        assert raroc(Rate(rate), a, pd, lgd) == Rate(expected)
    per_10k = Money(10_000, "CNY")
    assert (per_10k * b.total).rounded() == Money(exp["per_10k_total"], "CNY")
    assert (per_10k * b.expected_loss).rounded() == Money(exp["per_10k_expected_loss"], "CNY")


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_raroc_at_cost_rate_equals_target_roe(case: dict) -> None:
    a = assumptions(case["inputs"])
    pd, lgd = Decimal(case["inputs"]["pd"]), Decimal(case["inputs"]["lgd"])
    b = build_up(a, pd, lgd)
    cost_rate = b.ftp + b.expected_loss + b.opex + b.capital  # no margin
    assert raroc(cost_rate, a, pd, lgd) == a.target_roe


def test_sensitivity_moves_by_the_shocks() -> None:
    a = assumptions(CASES[0]["inputs"])
    scenarios = {s.key: s for s in sensitivity(a, Decimal("0.02"), Decimal("0.75"), Rate("0.12"))}
    assert scenarios["base"].change_bp == 0
    assert scenarios["ftp_up"].change_bp == Decimal("50.00")
    assert scenarios["ftp_down"].change_bp == Decimal("-50.00")
    # PD ± 50 %: EL moves by 0.5 × 0.02 × 0.75 = 0.0075 = 75 bp (rates quoted to 1 bp)
    assert scenarios["pd_up"].change_bp == Decimal("75.00")
    assert scenarios["pd_down"].change_bp == Decimal("-75.00")
    assert scenarios["pd_up"].raroc_at_current < scenarios["base"].raroc_at_current


def test_units_are_explicit() -> None:
    assert Rate.percent("2.2") == Rate("0.022")
    assert Rate.bp(50) == Rate("0.005")
    assert Rate("0.0865").as_bp == Decimal("865")
    with pytest.raises(ValueError):
        Money(1, "CNY") + Money(1, "USD")
    assert lifetime_pd(Decimal("0.1"), 24) == Decimal("0.19")


def test_range_comes_from_the_pd_interval(pricing_config) -> None:
    a = assumptions(CASES[0]["inputs"])
    result = price_from(
        pricing_config, Cell("FLASH", "YOUNG_PRO"), a, risk_estimate(20, 1000, "0.75", "0.12")
    )
    assert result.low < result.model_rate < result.high
    _lo, hi = Binomial(20, 1000).wilson
    assert (
        result.high
        == build_up(a, Decimal(repr(hi)).quantize(Decimal("0.000001")), Decimal("0.75")).total
    )
    assert result.raroc_current == raroc(Rate("0.12"), a, Decimal("0.02"), Decimal("0.75"))


def test_constraint_breach_is_flagged_with_its_source(pricing_config) -> None:
    product = replace(pricing_config.product("FLASH"), apr_band=None)
    a = Assumptions(
        product, pricing_config.target_roe, pricing_config.risk_free, pricing_config.target_margin
    )
    # PD 30 % × LGD 90 % = 27 % expected loss: the model rate breaks the 24 % cap
    result = price_from(
        pricing_config, Cell("FLASH", "NEW_URBAN"), a, risk_estimate(300, 1000, "0.9")
    )
    assert result.model_rate > Rate("0.24")
    [breach] = result.breaches
    assert breach.constraint.id == "max_comprehensive_cost_consumer"
    assert breach.constraint.source == Source(
        "knowledge/regulations/fair_lending_policy_en.md", "§ 3"
    )
    disclosure = [c for c in result.checks if c.what == "disclosure"]
    assert disclosure and not disclosure[0].breached


def test_band_clips_the_recommendation(pricing_config) -> None:
    a = Assumptions(
        pricing_config.product("FLASH"),
        pricing_config.target_roe,
        pricing_config.risk_free,
        pricing_config.target_margin,
    )
    low = price_from(pricing_config, Cell("FLASH"), a, risk_estimate(5, 1000, "0.75"))
    assert low.band is not None and low.band.position == "below"
    assert low.recommended == Rate("0.07")
    high = price_from(pricing_config, Cell("FLASH"), a, risk_estimate(200, 1000, "0.75"))
    assert high.band.position == "above" and high.recommended == Rate("0.18")
    assert high.raroc_recommended < a.target_roe
