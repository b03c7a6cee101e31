"""Clarifying questions: ambiguous inputs ask back with runnable options; clear ones don't."""

from __future__ import annotations

import re

import pytest

from bankpm_core.routing import Router

CJK = re.compile(r"[\u4e00-\u9fff]")

AMBIGUOUS = [
    ("青春卡的情况", "zh", {"CC_YOUTH"}),
    ("闪借最近怎么样", "zh", {"FLASH"}),
    ("稳盈理财", "zh", {"WM_STABLE"}),
    ("闪借审批情况", "zh", {"FLASH"}),
    ("how is SME doing", "en", {"SME"}),
    ("how's the youth card performing this quarter", "en", {"CC_YOUTH"}),
    ("FlashLoan approvals last quarter", "en", {"FLASH"}),
]


@pytest.mark.parametrize(("question", "lang", "products"), AMBIGUOUS, ids=[a[0] for a in AMBIGUOUS])
def test_ambiguous_questions_ask_back(
    router: Router, question: str, lang: str, products: set[str]
) -> None:
    route = router.route(question)
    assert route.intent == "clarify"
    assert route.language == lang
    assert 2 <= len(route.options) <= 5
    assert route.prompt
    assert bool(CJK.search(route.prompt)) == (lang == "zh")
    metrics = set()
    for option in route.options:
        assert bool(CJK.search(option.question)) == (lang == "zh"), option.question
        chosen = router.route(option.question)
        assert chosen.intent == "metric_query", option.question
        assert chosen.query is not None
        assert set(chosen.query.filter_map.get("product", ())) == products
        metrics.add(chosen.query.metric)
    assert len(metrics) == len(route.options), "each option asks for a different metric"


def test_options_follow_the_product_kind(router: Router) -> None:
    card = {router.route(o.question).query.metric for o in router.route("青春卡的情况").options}
    loan = {router.route(o.question).query.metric for o in router.route("闪借的情况").options}
    wealth = {router.route(o.question).query.metric for o in router.route("稳盈理财的情况").options}
    assert "cards_issued" in card and "disbursed_amount" not in card
    assert "disbursed_amount" in loan and "cards_issued" not in loan
    assert "wealth_aum" in wealth and "overdue_rate" not in wealth


def test_options_keep_the_users_time_words(router: Router) -> None:
    route = router.route("房贷上季度表现如何")
    assert route.intent == "clarify"
    assert all("上季度" in o.question for o in route.options)
    assert all(
        router.route(o.question).query.period.to_json()["grain"] == "quarter" for o in route.options
    )


@pytest.mark.parametrize(
    "question",
    [
        "青春卡上个月发卡量",
        "闪借上个月逾期率是多少",
        "how is the FlashLoan overdue rate doing",
        "稳盈理财规模",
        "房贷的审批要多久",
        "闪借审批通过率",
        "青春卡年费是多少",
        "你好",
    ],
)
def test_clear_questions_do_not_ask_back(router: Router, question: str) -> None:
    assert router.route(question).intent != "clarify"
