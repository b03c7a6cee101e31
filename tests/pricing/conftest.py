"""Pricing fixtures: a test pricing config (same shape as knowledge/pricing.yaml) and a
small sample bank built once per module (scale 0.05)."""

from __future__ import annotations

import pytest

from bankpm_core.pricing import PricingConfig, parse_pricing_config

TEST_CONFIG = {
    "version": 1,
    "currency": "CNY",
    "target_roe": 0.12,
    "risk_free": 0.018,
    "target_margin": 0.005,
    "min_sample_loans": 300,
    "products": {
        "FLASH": {
            "ftp": 0.022,
            "opex_ratio": 0.015,
            "capital_ratio": 0.06,
            "lgd_default": 0.75,
            "term_months": 24,
            "apr_band": [0.07, 0.18],
            "source": {"document": "knowledge/products/flash.md", "section": "定价与费用"},
        },
        "SME": {
            "ftp": 0.021,
            "opex_ratio": 0.012,
            "capital_ratio": 0.06,
            "lgd_default": 0.45,
            "term_months": 24,
        },
        "CC_YOUTH": {
            "ftp": 0.019,
            "opex_ratio": 0.025,
            "capital_ratio": 0.06,
            "lgd_default": 0.8,
            "term_months": 12,
        },
    },
    "constraints": [
        {
            "id": "max_comprehensive_cost_consumer",
            "description_zh": "综合融资成本（年化）不得超过 24%。",
            "description_en": "The comprehensive annualised cost must not exceed 24% per year.",
            "max_apr": 0.24,
            "products": ["FLASH", "SME", "CC_YOUTH"],
            "source": {
                "document": "knowledge/regulations/fair_lending_policy_en.md",
                "section": "§ 3",
            },
        },
        {
            "id": "disclose_annualised_rate",
            "description_zh": "须以显著方式展示年化利率。",
            "description_en": "The annualised rate must be shown prominently.",
            "source": {
                "document": "knowledge/regulations/marketing_disclosure_policy.md",
                "section": "第十三条",
            },
        },
    ],
}


@pytest.fixture(scope="session")
def pricing_config() -> PricingConfig:
    config, problems = parse_pricing_config(TEST_CONFIG, "tests/pricing/conftest.py")
    assert config is not None, problems
    return config
