"""Slots handed to pricing and complaints: product kinds, negative overrides."""

from __future__ import annotations


def test_credit_card_complaints_cover_both_card_products(router) -> None:
    route = router.route("本月信用卡投诉主要是什么问题？")
    assert route.intent == "complaints"
    assert sorted(route.slots["product"]) == ["CC_PLAT", "CC_YOUTH"]


def test_single_product_complaints_stay_a_code(router) -> None:
    assert (
        router.route("what are people complaining about on FlashLoan?").slots["product"] == "FLASH"
    )


def test_negative_override_reaches_the_pricing_model(router) -> None:
    route = router.route("给青年白领客群的闪借建议定价，ROE -5%")
    assert route.intent == "pricing"
    assert route.slots["overrides"] == {"roe": -0.05}


def test_explicit_future_month_is_kept(router) -> None:
    route = router.route("闪借 2027年3月 逾期率")
    assert route.query is not None
    assert route.query.to_json()["period"] == {
        "start": "2027-03-01",
        "end": "2027-03-31",
        "grain": "month",
    }


def test_compensation_questions_are_rules_not_metrics(router) -> None:
    """ "存款" is a metric word, but "最多赔多少" asks what a rule pays out."""
    for question in (
        "存款保险最多赔多少钱？",
        "信用卡被盗刷了谁来赔？",
        "Who bears the loss on a cloned card?",
    ):
        assert router.route(question).intent == "knowledge", question
    assert router.route("存款余额上个月多少").intent == "metric_query"
