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
