"""Slot rules one at a time: overrides, metric by product kind, comparisons, rankings."""

from __future__ import annotations

import pytest

from bankpm_core.routing import Router
from bankpm_core.routing.cues import parse_overrides
from bankpm_core.routing.text import normalize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ROE 15%", {"roe": 0.15}),
        ("目标ROE 12%", {"roe": 0.12}),
        ("FTP 2.2%", {"ftp": 0.022}),
        ("margin 1%", {"margin": 0.01}),
        ("利差120bp", {"margin": 0.012}),
        ("资金成本2.5%，运营成本1.2%", {"ftp": 0.025, "opex": 0.012}),
        ("capital ratio 10.5%", {"capital_ratio": 0.105}),
        ("target ROE 0.15", {"roe": 0.15}),
        ("15% ROE", {"roe": 0.15}),
        ("闪借上个月逾期率", {}),
    ],
)
def test_pricing_overrides_become_fractions(text: str, expected: dict[str, float]) -> None:
    assert parse_overrides(normalize(text)) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("question", "metric"),
    [
        ("稳盈理财规模", "wealth_aum"),
        ("定期存款规模", "deposit_balance"),
        ("房贷规模", "loan_balance"),
        ("青春卡余额", "loan_balance"),
        ("Steady balance", "wealth_aum"),
        ("time deposit balance", "deposit_balance"),
        ("定存利率", "deposit_rate"),
        ("闪借利率", "avg_loan_rate"),
        ("闪借放款规模", "disbursed_amount"),
        ("M3+的逾期率", "overdue_rate_m3"),
        ("发卡的市场份额", "card_market_share"),
    ],
)
def test_generic_words_resolve_by_product_kind(router: Router, question: str, metric: str) -> None:
    route = router.route(question)
    assert route.query is not None and route.query.metric == metric


@pytest.mark.parametrize(
    ("question", "comparison"),
    [
        ("闪借上个月逾期率环比", "mom"),
        ("闪借上季度逾期率环比", "qoq"),
        ("闪借近30天申请量环比", "prev_period"),
        ("闪借今年以来放款同比", "yoy"),
        ("FlashLoan overdue rate QoQ", "qoq"),
    ],
)
def test_previous_period_follows_the_grain(router: Router, question: str, comparison: str) -> None:
    route = router.route(question)
    assert route.query is not None and route.query.comparison == comparison


@pytest.mark.parametrize(
    ("question", "order", "top_n"),
    [
        ("哪个渠道的闪借逾期率最高", "desc", 1),
        ("哪个渠道的闪借逾期率最低", "asc", 1),
        ("哪个渠道的闪借逾期率最好", "asc", 1),  # lower is better for overdue rate
        ("哪个渠道的青春卡激活率最好", "desc", 1),
        ("审批时长最快的渠道", "asc", 1),
        ("top 3 regions by disbursed amount", "desc", 3),
        ("放款金额前3名的区域", "desc", 3),
        ("各区域放款金额排名", "desc", None),
    ],
)
def test_rankings(router: Router, question: str, order: str, top_n: int | None) -> None:
    query = router.route(question).query
    assert query is not None and query.breakdown
    assert (query.order, query.top_n) == (order, top_n)


def test_members_compared_are_filtered_and_broken_down(router: Router) -> None:
    query = router.route("闪借对比车贷的逾期率").query
    assert query is not None
    assert set(query.filter_map["product"]) == {"FLASH", "AUTO"}
    assert query.breakdown == ("product",)


def test_a_member_next_to_its_dimension_name_is_a_filter_not_a_breakdown(router: Router) -> None:
    query = router.route("手机银行渠道的闪借申请量").query
    assert query is not None
    assert query.filter_map == {"channel": ("APP",), "product": ("FLASH",)}
    assert query.breakdown == ()


def test_pricing_slots(router: Router) -> None:
    route = router.route("给青年白领客群的消费贷建议定价，目标ROE 15%，FTP 2.2%")
    assert route.intent == "pricing"
    assert route.slots == {
        "product": "FLASH",
        "segment": "YOUNG_PRO",
        "channel": None,
        "overrides": pytest.approx({"roe": 0.15, "ftp": 0.022}),
        "shifts": {},
    }


def test_complaint_slots_carry_the_period(router: Router) -> None:
    route = router.route("近30天闪借客户主要投诉什么")
    assert route.intent == "complaints"
    assert route.slots["product"] == "FLASH"
    assert route.slots["period"] == {"start": "2026-10-31", "end": "2026-11-29", "grain": "all"}


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("信用卡催收时能联系借款人的同事吗", "regulation"),
        ("青春卡年费是多少", "product"),
        ("如何做焦点小组访谈", "methodology"),
        ("逾期率怎么计算", "methodology"),
    ],
)
def test_knowledge_kind(router: Router, question: str, kind: str) -> None:
    route = router.route(question)
    assert route.intent == "knowledge"
    assert route.slots["kind"] == kind
