"""Pricing on a real (small) sample bank: estimates, fallbacks and the answers, both languages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from bankpm_core.assistant import Assistant
from bankpm_core.capabilities import pricing as pricing_capability
from bankpm_core.charts import render_charts
from bankpm_core.errors import BadInputError
from bankpm_core.metrics.catalog import load_catalog
from bankpm_core.metrics.engine import MetricEngine
from bankpm_core.metrics.periods import add_months
from bankpm_core.pricing import Cell, LoanHistory
from bankpm_core.routing.types import Route
from bankpm_core.users import UserContext

REPO = Path(__file__).resolve().parents[2]
CATALOG = load_catalog(REPO / "knowledge" / "catalog.yaml")
USER = UserContext(user_id="t", role="pm")


@dataclass
class FixedRouter:
    """A fake router: answers every question with the route it was given."""

    routes: dict[str, Route] = field(default_factory=dict)

    def route(self, text: str) -> Route:
        return self.routes[text]


@pytest.fixture(scope="module")
def history(small_bank, pricing_config) -> LoanHistory:
    return LoanHistory(small_bank, pricing_config.data)


@pytest.fixture(scope="module")
def capability(small_bank, pricing_config):
    metrics = MetricEngine(small_bank, CATALOG, use_rollups=False)
    return pricing_capability.PricingCapability(
        pricing_config, LoanHistory(small_bank, pricing_config.data), CATALOG, metrics
    )


def oracle_pd(engine, product: str, segment: str | None) -> tuple[int, int]:
    """Loans with a full 12-month window and those at 90+ dpd within 12 months, by hand."""
    loans = pd.read_sql("select * from loans", engine)
    months = pd.read_sql("select max(month) as m from loan_snapshots", engine)["m"].iloc[0]
    last = date.fromisoformat(str(months)[:10])
    as_of = add_months(last, 1).replace(day=1) - pd.Timedelta(days=1)
    cutoff = add_months(as_of, -12)
    n = k = 0
    for row in loans.itertuples():
        if row.product != product or (segment and row.segment != segment):
            continue
        disbursed = date.fromisoformat(str(row.disbursed_on)[:10])
        if disbursed > cutoff:
            continue
        n += 1
        if isinstance(row.defaulted_on, str) and date.fromisoformat(
            row.defaulted_on[:10]
        ) <= add_months(disbursed, 12):
            k += 1
    return n, k


def test_pd_counts_match_a_hand_count(small_bank, history) -> None:
    risk = history.estimate(Cell("FLASH", "YOUNG_PRO"), min_sample=1, lgd_default=Decimal("0.75"))
    assert not risk.pd.fallback
    assert (risk.pd.used.trials, risk.pd.used.events) == oracle_pd(small_bank, "FLASH", "YOUNG_PRO")
    lo, hi = risk.pd.interval
    assert lo <= risk.pd.value <= hi


def test_small_cell_falls_back_to_the_product_level(small_bank, history) -> None:
    risk = history.estimate(
        Cell("FLASH", "HNW", "BRANCH"), min_sample=300, lgd_default=Decimal("0.75")
    )
    assert risk.pd.cell.trials < 300
    assert risk.pd.fallback and risk.pd.level == ()
    assert (risk.pd.used.trials, risk.pd.used.events) == oracle_pd(small_bank, "FLASH", None)


def test_lgd_falls_back_to_config_when_defaults_are_few(history) -> None:
    risk = history.estimate(Cell("HOME", "HNW"), min_sample=300, lgd_default=Decimal("0.2"))
    assert risk.lgd.from_config and risk.lgd.value == Decimal("0.2")


def test_card_products_are_estimated_from_snapshots(history) -> None:
    risk = history.estimate(Cell("CC_YOUTH"), min_sample=1, lgd_default=Decimal("0.8"))
    assert risk.pd.source == "snapshots" and risk.pd.used.trials > 0
    assert risk.book.current_rate is not None


def ask(capability, lang: str, slots: dict):
    return capability.answer("q", Route(intent="pricing", language=lang, slots=slots), USER)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pricing_answer_has_every_part(capability, lang: str) -> None:
    answer = ask(capability, lang, {"product": "FLASH", "segment": "YOUNG_PRO"})
    assert answer.intent == "pricing" and answer.language == lang and answer.error is None
    titles = [t.title for t in answer.tables]
    assert len(titles) == 5
    build = answer.tables[0]
    assert build.units == [None, "percent", "amount"]
    assert sum(r[1] for r in build.rows[:-1]) == pytest.approx(build.rows[-1][1], abs=1e-4)
    sensitivity = answer.tables[3]
    assert [r[0] for r in sensitivity.rows][1:3] == ["PD −50%", "PD +50%"]
    assert answer.charts and not answer.charts[0].png  # a spec: drawn by whoever shows it
    assert render_charts(answer).charts[0].png.startswith(b"\x89PNG")
    assert {d.metric for d in answer.definitions} >= {"pd_12m", "lgd", "model_rate", "raroc"}
    assert any("fair_lending_policy_en.md" in c.source for c in answer.citations)
    headline = answer.blocks[0].text
    assert (
        ("建议" in headline)
        if lang == "zh"
        else ("suggested" in headline or "recommended" in headline)
    )
    result = answer.result
    assert result["pd_loans"] > 0 and result["current_rate"] is not None
    # at scale 0.05 the cell is small: the answer says so
    warnings = " ".join(b.text for b in answer.blocks if b.kind == "warning")
    assert ("样本不足" in warnings) if lang == "zh" else ("Small sample" in warnings)


def test_overrides_from_slots_reach_the_answer(capability) -> None:
    base = ask(capability, "en", {"product": "SME", "segment": "SME_OWNER"})
    shocked = ask(
        capability,
        "en",
        {"product": "SME", "segment": "SME_OWNER", "overrides": {"roe": 0.15, "ftp": 0.022}},
    )
    assert shocked.result["assumptions"]["target_roe"] == 0.15
    assert shocked.result["assumptions"]["ftp"] == 0.022
    assert set(shocked.result["assumptions"]["overridden"]) == {"roe", "ftp"}
    # +3 pp ROE on 6 % capital = +18 bp, +10 bp FTP: +28 bp
    assert shocked.result["model_rate"] - base.result["model_rate"] == pytest.approx(
        0.0028, abs=1e-4
    )


def test_a_change_to_an_assumption_moves_it_from_the_configured_value(capability) -> None:
    """ "资金成本上调50个基点" is FTP + 50 bp, not FTP = 0.5 % nor ignored."""
    base = ask(capability, "zh", {"product": "SME", "segment": "SME_OWNER"})
    moved = ask(
        capability, "zh", {"product": "SME", "segment": "SME_OWNER", "shifts": {"ftp": 0.005}}
    )
    ftp = base.result["assumptions"]["ftp"]
    assert moved.result["assumptions"]["ftp"] == pytest.approx(ftp + 0.005)
    assert moved.result["assumptions"]["overridden"] == ["ftp"]
    assert moved.result["model_rate"] - base.result["model_rate"] == pytest.approx(0.005, abs=1e-4)
    assert any("上调 0.50pp" in b.text for b in moved.blocks)
    # a change that takes it below zero is a clear error
    with pytest.raises(BadInputError, match="FTP cannot be negative"):
        ask(capability, "en", {"product": "SME", "shifts": {"ftp": -0.5}})


def test_unknown_segment_gets_suggestions(capability) -> None:
    answer = ask(capability, "zh", {"product": "FLASH", "segment": "大学生"})
    assert answer.intent == "error" and answer.error.code == "unknown_member"
    assert answer.suggestions and all(
        "闪借" in s.question and "定价" in s.question for s in answer.suggestions
    )


def test_negative_roe_is_a_clear_error_through_the_assistant(small_bank, capability, clock) -> None:
    question = "闪借建议定价 ROE -5%"
    route = Route(
        intent="pricing", language="zh", slots={"product": "FLASH", "overrides": {"roe": -0.05}}
    )
    assistant = Assistant(
        catalog=CATALOG,
        metrics=MetricEngine(small_bank, CATALOG, use_rollups=False),
        router=FixedRouter({question: route}),
        clock=clock,
        capabilities={"pricing": capability},
    )
    answer = assistant.ask(question, USER)
    assert answer.error is not None and answer.error.code == "bad_input"
    assert "不能为负数" in answer.text
    with pytest.raises(BadInputError):
        ask(capability, "en", {"product": "FLASH", "overrides": {"roe": -0.05}})


@pytest.mark.parametrize(
    ("product", "lang", "word"), [("TD", "zh", "存款"), ("WM_STABLE", "en", "wealth")]
)
def test_deposit_and_wealth_products_get_the_savings_answer(
    capability, product: str, lang: str, word: str
) -> None:
    answer = ask(capability, lang, {"product": product})
    assert answer.intent == "pricing" and answer.error is None
    assert word in answer.blocks[0].text
    [table] = answer.tables
    assert len(table.rows) == 12 and table.units == [None, "amount", "rate", "percent"]
    assert all(row[2] is None or 0 < row[2] < 0.1 for row in table.rows)
    assert answer.charts


def test_no_product_asks_which(capability) -> None:
    answer = ask(capability, "en", {"segment": "YOUNG_PRO"})
    assert answer.intent == "clarify"
    assert {o.label for o in answer.options} >= {"FlashLoan consumer loan", "SME business loan"}
