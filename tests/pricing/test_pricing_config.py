"""Pricing config loading, overrides from the router's slots, and interval maths."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bankpm_core.errors import BadInputError, ConfigError
from bankpm_core.metrics.catalog import load_catalog
from bankpm_core.pricing import (
    Overrides,
    Rate,
    assumptions_for,
    load_pricing_config,
    parse_pricing_config,
)
from bankpm_core.pricing.stats import clopper_pearson, wilson

REPO = Path(__file__).resolve().parents[2]


def test_bundled_config_loads_and_matches_the_catalog() -> None:
    config = load_pricing_config(REPO / "knowledge" / "pricing.yaml")
    catalog = load_catalog(REPO / "knowledge" / "catalog.yaml")
    products = catalog.dimensions["product"].members
    for code, p in config.products.items():
        assert products[code].kind in ("loan", "credit_card"), code
        assert Rate(0) < p.ftp < Rate("0.1")
    caps = [c for c in config.constraints if c.max_apr is not None]
    assert caps and all(c.source.document for c in config.constraints)


def test_config_problems_are_reported_together(tmp_path: Path) -> None:
    path = tmp_path / "pricing.yaml"
    path.write_text(
        "target_roe: 12\nrisk_free: 0.02\nmin_sample_loans: 0\n"
        "products: {FLASH: {ftp: 0.02, opex_ratio: x, capital_ratio: 0.06, term_months: 24}}\n"
        "constraints: [{id: cap, max_apr: 0.24}]\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_pricing_config(path)
    text = info.value.message("en")
    for expected in (
        "target_roe",
        "target_margin",
        "min_sample_loans",
        "opex_ratio",
        "lgd_default",
        "source",
    ):
        assert expected in text


@pytest.mark.parametrize(
    ("slots", "field", "value"),
    [
        ({"roe": 0.15}, "roe", Rate("0.15")),
        ({"ftp": 0.022}, "ftp", Rate("0.022")),
        ({"margin": 0.008, "opex": 0.02}, "margin", Rate("0.008")),
        ({"capital_ratio": 0.08}, "capital_ratio", Decimal("0.08")),
        ({"roe": None}, "roe", None),
    ],
    ids=["roe-15pct", "ftp-2.2pct", "margin-and-opex", "capital-ratio", "none-ignored"],
)
def test_overrides_arrive_as_fractions(slots: dict, field: str, value: object) -> None:
    assert getattr(Overrides.from_slots(slots), field) == value


def test_overrides_change_the_assumptions(pricing_config) -> None:
    a = assumptions_for(pricing_config, "FLASH", Overrides.from_slots({"roe": 0.15, "ftp": 0.025}))
    assert a.target_roe == Rate("0.15") and a.ftp == Rate("0.025")
    assert set(a.overridden) == {"roe", "ftp"}
    assert pricing_config.product("FLASH").ftp == Rate("0.022")  # config untouched


@pytest.mark.parametrize(
    ("slots", "zh", "en"),
    [
        ({"roe": -0.05}, "不能为负数", "cannot be negative"),
        ({"ftp": -0.01}, "不能为负数", "cannot be negative"),
        ({"roe": 15}, "15% 写成了 15", "15 for 15%"),
        ({"roe": "abc"}, "需要一个数字", "must be a number"),
        ({"tax": 0.25}, "无法识别", "Unknown pricing assumption"),
        ({"capital_ratio": 0}, "超出合理范围", "outside the plausible range"),
    ],
    ids=[
        "negative-roe",
        "negative-ftp",
        "percent-as-number",
        "not-a-number",
        "unknown-key",
        "zero-capital",
    ],
)
def test_bad_overrides_get_clear_bilingual_errors(slots: dict, zh: str, en: str) -> None:
    with pytest.raises(BadInputError) as info:
        Overrides.from_slots(slots)
    assert zh in info.value.message("zh")
    assert en in info.value.message("en")


def test_roe_below_risk_free_is_refused(pricing_config) -> None:
    with pytest.raises(BadInputError, match="below the risk-free"):
        assumptions_for(pricing_config, "FLASH", Overrides.from_slots({"roe": 0.01}))


@pytest.mark.parametrize(
    ("k", "n", "wilson_ci", "exact_ci"),
    [
        (10, 100, (0.0552, 0.1744), (0.0490, 0.1762)),
        (0, 50, (0.0, 0.0713), (0.0, 0.0711)),
        (3, 10, (0.1078, 0.6032), (0.0667, 0.6525)),
    ],
)
def test_binomial_intervals(k: int, n: int, wilson_ci: tuple, exact_ci: tuple) -> None:
    assert wilson(k, n) == pytest.approx(wilson_ci, abs=1e-4)
    assert clopper_pearson(k, n) == pytest.approx(exact_ci, abs=1e-4)


def test_parse_accepts_a_constraint_mapping() -> None:
    raw = {
        "target_roe": 0.12,
        "risk_free": 0.02,
        "target_margin": 0.005,
        "min_sample_loans": 300,
        "products": {
            "FLASH": {
                "ftp": 0.02,
                "opex_ratio": 0.01,
                "capital_ratio": 0.06,
                "lgd_default": 0.7,
                "term_months": 24,
            }
        },
        "constraints": {
            "cap": {"max_apr": 0.24, "source": {"document": "policy.md", "section": "§ 3"}}
        },
    }
    config, problems = parse_pricing_config(raw)
    assert not problems and config is not None
    assert config.constraints[0].id == "cap" and config.constraints[0].max_apr == Rate("0.24")


def test_public_api_is_pinned() -> None:
    import bankpm_core.pricing as pricing

    assert sorted(pricing.__all__) == [
        "Assumptions", "Binomial", "BuildUp", "Cell", "Constraint", "LoanHistory", "Money",
        "Overrides", "PricingConfig", "PricingResult", "ProductAssumptions", "Rate",
        "RiskEstimate", "assumptions_for", "build_up", "load_pricing_config",
        "parse_pricing_config", "price", "price_from", "raroc", "sensitivity",
    ]  # fmt: skip
