"""Bad input never raises and never becomes a metric query built from garbage."""

from __future__ import annotations

import random
import time

import pytest

from bankpm_core.routing import Route, Router

rng = random.Random(7)
LONG_MIXED = "".join(rng.choice("闪借逾期率abc 上个月？!\n🤔") for _ in range(5000))

GARBAGE = {
    "empty": "",
    "whitespace": "  \n\t  ",
    "emoji": "🤔🤔",
    "nonsense": "asdfgh",
    "sql": "'; DROP TABLE loans; --",
    "punctuation": "？？？。。。!!!",
    "html": "<script>alert(1)</script>",
    "digits": "1234567890",
    "long_nonsense": "qwerty " * 800,
    "control": "\x00\x01\x02",
}


@pytest.mark.parametrize("text", list(GARBAGE.values()), ids=list(GARBAGE))
def test_garbage_gets_help_or_clarify(router: Router, text: str) -> None:
    route = router.route(text)
    assert isinstance(route, Route)
    assert route.intent in ("help", "clarify")
    assert route.query is None
    assert 0.0 <= route.confidence <= 0.5


def test_five_thousand_characters_are_capped(router: Router) -> None:
    started = time.perf_counter()
    route = router.route(LONG_MIXED)
    assert time.perf_counter() - started < 1.0
    assert isinstance(route, Route)
    assert 0.0 <= route.confidence <= 1.0


def test_long_question_with_the_question_up_front(router: Router) -> None:
    route = router.route("闪借上个月逾期率是多少？" + "补充说明。" * 1000)
    assert route.intent == "metric_query"
    assert route.query is not None and route.query.metric == "overdue_rate"


def test_non_string_input_does_not_raise(router: Router) -> None:
    assert router.route(None).intent == "help"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "question",
    ["闪借上个月逾期率", "FlashLoan overdue rate last month", "给闪借定价", "你好", "青春卡的情况"],
)
def test_confidence_is_a_probability_and_reason_is_set(router: Router, question: str) -> None:
    route = router.route(question)
    assert 0.0 <= route.confidence <= 1.0
    assert route.reason


def test_language_follows_the_question(router: Router) -> None:
    assert router.route("闪借上个月逾期率").language == "zh"
    assert router.route("FlashLoan overdue rate last month").language == "en"
    assert router.route("FLASH的逾期率").language == "zh"
