"""Both capabilities reachable through Assistant.ask with the real router, zh and en."""

from __future__ import annotations

from pathlib import Path

import pytest

from bankpm_core.assistant import Assistant
from bankpm_core.capabilities import complaints as complaints_capability
from bankpm_core.capabilities import pricing as pricing_capability
from bankpm_core.config import Settings
from bankpm_core.metrics.catalog import load_catalog
from bankpm_core.metrics.engine import MetricEngine
from bankpm_core.users import UserContext

REPO = Path(__file__).resolve().parents[2]
parser = pytest.importorskip(
    "bankpm_core.routing.parser", reason="the rule router is not installed"
)


@pytest.fixture(scope="module")
def assistant(small_bank, clock) -> Assistant:
    catalog = load_catalog(REPO / "knowledge" / "catalog.yaml")
    metrics = MetricEngine(small_bank, catalog, use_rollups=False)
    a = Assistant(
        catalog=catalog,
        metrics=metrics,
        router=parser.Router(catalog, clock),
        clock=clock,
    )
    settings = Settings(_env_file=None)
    a.capabilities["pricing"] = pricing_capability.build(settings, a)
    a.capabilities["complaints"] = complaints_capability.build(settings, a)
    return a


@pytest.mark.parametrize(
    ("question", "intent", "lang"),
    [
        ("给青年白领客群的闪借建议定价", "pricing", "zh"),
        ("suggest pricing for SME owners on the SME loan", "pricing", "en"),
        ("经营贷给小微企业主利率定多少合适 ROE按15%算", "pricing", "zh"),
        ("定期存款怎么定价", "pricing", "zh"),
        ("本月信用卡投诉主要是什么问题？", "complaints", "zh"),
        ("what are people complaining about on FlashLoan?", "complaints", "en"),
    ],
)
def test_questions_reach_the_capabilities(assistant, question: str, intent: str, lang: str) -> None:
    answer = assistant.ask(question, UserContext(user_id="t", role="pm"))
    assert answer.intent == intent, answer.text
    assert answer.language == lang and answer.error is None
    assert answer.tables and answer.charts


def test_roe_override_from_the_question(assistant) -> None:
    answer = assistant.ask(
        "经营贷给小微企业主利率定多少合适 ROE按15%算", UserContext(user_id="t", role="pm")
    )
    assert answer.result["assumptions"]["target_roe"] == 0.15


@pytest.mark.parametrize(
    ("question", "theme", "products"),
    [
        ("催收相关的投诉上个月有多少", "collection_conduct", []),
        ("利率太高的投诉上个月有多少件", "high_interest", []),
        (
            "How many complaints about collection calls did FlashLoan get last month?",
            "collection_conduct",
            ["FLASH"],
        ),
    ],
)
def test_a_complaint_count_about_one_theme_counts_that_theme(
    assistant, question: str, theme: str, products: list[str]
) -> None:
    """ "催收相关的投诉有多少" was answered with every complaint (240): the catalog has no
    theme, the complaints analysis classifies them — so it answers, with the same count
    its theme ranking shows."""
    answer = assistant.ask(question)
    assert answer.intent == "complaints", answer.text
    focus = answer.result["focus"]
    assert focus["theme"] == theme
    ranked = {t["theme"]: t["count"] for t in answer.result["themes"]}
    assert focus["count"] == ranked[theme] < answer.result["total"]
    assert answer.result["products"] == products
    assert str(focus["count"]) in answer.blocks[0].text


def test_a_complaint_count_without_a_theme_stays_a_metric(assistant) -> None:
    answer = assistant.ask("闪借上月投诉量")
    assert answer.intent == "metric_query" and answer.query["metric"] == "complaints"
