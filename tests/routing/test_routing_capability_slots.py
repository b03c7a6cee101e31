"""Slots handed to pricing and complaints: product kinds, negative overrides."""

from __future__ import annotations

import pytest


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


@pytest.mark.parametrize(
    ("question", "overrides", "shifts"),
    [
        ("给小微企业主的经营贷定价，资金成本上调50个基点", {}, {"ftp": 0.005}),
        ("Price FlashLoan for young professionals with FTP up 50bp", {}, {"ftp": 0.005}),
        ("闪借定价，ROE提高2个点", {}, {"roe": 0.02}),
        ("闪借定价，资金成本下降0.2%", {}, {"ftp": -0.002}),
        # "提高到" sets the value
        ("闪借定价，ROE提高到18%", {"roe": 0.18}, {}),
        ("闪借建议定价 FTP 2.2%", {"ftp": 0.022}, {}),
    ],
)
def test_a_change_to_a_pricing_assumption_is_not_its_new_value(
    router, question: str, overrides: dict, shifts: dict
) -> None:
    route = router.route(question)
    assert route.intent == "pricing", route.reason
    assert route.slots["overrides"] == pytest.approx(overrides)
    assert route.slots["shifts"] == pytest.approx(shifts)


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


def test_a_product_the_catalog_does_not_have_goes_to_the_documents(router) -> None:
    """ "助学贷款利率" answered with the average rate of every *other* loan is wrong: the
    data has no such product, so the documents answer — or bankpm says they do not."""
    for question in (
        "示例银行的助学贷款利率是多少？",
        "大额存单的起存金额和利率是多少？",
        "基金定投的申购费率是多少？",
    ):
        assert router.route(question).intent == "knowledge", question


def test_product_categories_still_ask_for_data(router) -> None:
    for question in ("消费贷款上个月的逾期率是多少？", "个人住房贷款余额是多少？"):
        route = router.route(question)
        assert route.intent in ("metric_query", "clarify"), (question, route.intent)
    # a time or a comparison asks for numbers even about an unknown product name
    assert router.route("助学贷款上个月的放款金额环比").intent != "knowledge"


@pytest.mark.parametrize(
    ("question", "named", "offered"),
    [
        ("助学贷款上月放款金额", "助学贷款", ["闪借消费贷", "安居房贷", "小微经营贷", "易车贷"]),
        ("美元存款余额上月多少", "美元存款", ["定期存款"]),
        ("上个月美元理财规模", "美元理财", ["稳盈理财"]),
    ],
)
def test_data_about_a_product_the_catalog_lacks_is_no_figure_of_other_products(
    router, question: str, named: str, offered: list[str]
) -> None:
    """With a period the question asks for data — but the figure over the bank's other
    products (every loan for 助学贷款, the RMB deposits for 美元存款) would answer another
    question under the user's words. bankpm says the product is not in the data and offers
    the same question about the products that are; each option runs as a metric query."""
    route = router.route(question)
    assert route.intent == "clarify"
    assert f"数据里没有「{named}」" in route.prompt
    assert [o.label for o in route.options] == offered
    for option in route.options:
        chosen = router.route(option.question)
        assert chosen.intent == "metric_query", option.question
        assert chosen.query is not None and "上" in option.question


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("foreign currency deposits balance last month", "foreign currency deposits"),
        ("USD deposit balance last month", "USD deposit"),
        ("What was the US dollar deposit balance in October?", "US dollar deposit"),
    ],
)
def test_the_same_question_in_english_names_the_product_as_written(
    router, question: str, named: str
) -> None:
    route = router.route(question)
    assert route.intent == "clarify"
    assert route.prompt.startswith(f"The data has no product '{named}'")
    assert "deposit balance" in route.prompt
    assert [o.label for o in route.options] == ["Time Deposit"]
    assert router.route(route.options[0].question).intent == "metric_query"


def test_a_frequency_inside_a_rule_is_not_a_monthly_series(router) -> None:
    """ "每月/per month" in a rule ("每月抽查几次", "calls per month") is part of the rule."""
    for question in (
        "贷款广告每月要抽查多少比例？",
        "How many collection calls may we make per month to one borrower?",
    ):
        assert router.route(question).intent == "knowledge", question
    # without a rule cue, "每月" still asks for a monthly series
    route = router.route("闪借每月的逾期率")
    assert route.intent == "metric_query"
    assert route.query is not None


def test_whether_a_discount_applies_or_what_counts_as_are_rules(router) -> None:
    for question in ("闪借新客户有利率优惠吗？", "利率写在第几页才算醒目展示？"):
        assert router.route(question).intent == "knowledge", question


def test_a_fees_amount_is_a_fact_of_the_manual_not_a_spend_metric(router) -> None:
    """ "境外消费的货币转换费" once became the card-spend metric through 消费."""
    for question in (
        "白金信用卡境外消费的货币转换费是多少？",
        "How much is the annual fee on the Platinum card?",
    ):
        assert router.route(question).intent == "knowledge", question
    assert router.route("白金信用卡上个月的消费金额是多少？").intent == "metric_query"


def test_method_cues_in_both_languages() -> None:
    from bankpm_core.routing.cues import METHOD_QUESTION

    for asks_how in (
        "逾期率环比上升，怎么判断是哪个渠道出了问题？",
        "不良率上升如何排查原因",
        "how do we tell which channel caused it?",
        "how should i analyse a drop in activation?",
    ):
        assert METHOD_QUESTION.search(asks_how.lower()), asks_how
    for only_data in ("上个月各渠道的逾期率是多少？", "what was the overdue rate by channel?"):
        assert not METHOD_QUESTION.search(only_data.lower()), only_data


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("student loan balance last month", "student loan"),
        ("debit card transactions last month", "debit card"),
        ("What was the payday loan overdue rate in October?", "payday loan"),
    ],
)
def test_an_english_product_the_catalog_lacks_is_named_too(
    router, question: str, named: str
) -> None:
    """ "student loan balance" was answered with the balance of every loan, "debit card
    transactions" with the credit cards' — the data has neither product."""
    route = router.route(question)
    assert route.intent == "clarify", route.reason
    assert route.prompt.startswith(f"The data has no product '{named}'")


def test_english_categories_and_catalog_products_still_ask_for_data(router) -> None:
    for question, products in (
        ("personal loan overdue rate last month", None),
        ("credit card overdue rate last month", ["CC_YOUTH", "CC_PLAT"]),
        ("car loan balance last month", ["AUTO"]),
        ("business loan disbursements last month", ["SME"]),
        ("how many cards did we issue last month", None),
        # a superlative or participle before "card"/"loan" ranks or describes, names nothing
        ("Which region has the highest card activation rate?", None),
        ("the lowest card activation rate by channel", None),
    ):
        route = router.route(question)
        assert route.intent == "metric_query", question
        assert route.query is not None
        assert route.query.to_json()["filters"].get("product") == products, question


@pytest.mark.parametrize(
    ("question", "also"),
    [
        ("闪借上月逾期率和通过率", ["approval_rate"]),
        ("闪借上月逾期率和余额", ["loan_balance"]),  # 余额 of a loan
        ("定期存款上月余额和通过率", ["approval_rate"]),  # 余额 is the first, read by kind
        ("闪借放款规模", None),  # one metric: 规模 is part of its name
    ],
)
def test_the_other_metrics_a_question_names_are_read_as_the_first_is(
    router, question: str, also: list[str] | None
) -> None:
    route = router.route(question)
    assert route.query is not None
    assert route.query.extra.get("also_asked") == also


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("买商铺的房贷利率是多少？", ["商铺"]),
        ("二手房的房贷余额", ["二手房"]),
        ("What is the mortgage rate for buying a shop or office?", ["shop"]),
    ],
)
def test_a_qualifier_the_data_cannot_filter_by_is_carried_to_the_answer(
    router, question: str, words: list[str]
) -> None:
    """The figure stays the whole product's; the query says which words it ignored."""
    route = router.route(question)
    assert route.intent == "metric_query" and route.query is not None
    assert route.query.extra.get("not_filtered") == words


@pytest.mark.parametrize(
    "question",
    [
        "我们的闪借上月逾期率",  # a pronoun
        "给新市民的闪借逾期率",  # a segment the data has: a filter, not a qualifier
        "上个月的闪借放款金额",  # a time
        "FlashLoan overdue rate for each channel",  # a split
        "What was the FlashLoan overdue rate for October?",
        "overdue rate for young professionals",
    ],
)
def test_names_the_data_knows_are_no_unfiltered_qualifiers(router, question: str) -> None:
    route = router.route(question)
    assert route.query is not None, question
    assert "not_filtered" not in route.query.extra, question


@pytest.mark.parametrize("note", ["not_filtered", "new_of_stock"])
def test_no_tuned_metric_case_carries_a_note(router, note: str) -> None:
    """Guards against noise: the notes (an unfiltered qualifier, the new part of a stock)
    must stay rare on ordinary metric questions."""
    from pathlib import Path

    import yaml

    cases = yaml.safe_load((Path(__file__).with_name("cases_tuned.yaml")).read_text("utf-8"))
    noted = [
        c["q"]
        for c in cases["cases"]
        if (route := router.route(c["q"])).query is not None and route.query.extra.get(note)
    ]
    assert noted == []


@pytest.mark.parametrize(
    ("question", "metric", "words", "comparison"),
    [
        ("青春卡上月新增客户数", "active_customers", "新增客户数", "mom"),
        ("上个月净增客户数按产品", "active_customers", "净增客户数", "mom"),
        ("定期存款上月新增存款", "deposit_balance", "新增存款", "mom"),
        (
            "How many new customers did Steady get last month?",
            "active_customers",
            "new customers",
            "mom",
        ),
        # a trend shows the stock month by month; no comparison is added
        ("新增客户数趋势", "active_customers", "新增客户数", None),
    ],
)
def test_the_new_part_of_a_stock_is_read_as_its_change(
    router, question: str, metric: str, words: str, comparison: str | None
) -> None:
    """The catalog holds the stock (active customers, deposit balance), not its inflow: the
    query asks for the stock and its change, and carries the user's words for the note."""
    route = router.route(question)
    assert route.intent == "metric_query" and route.query is not None, route
    assert route.query.metric == metric
    assert route.query.extra.get("new_of_stock") == words
    assert route.query.comparison == comparison


@pytest.mark.parametrize(
    "question",
    [
        "青春卡上月新发卡量",  # a flow with "new" in its own name
        "闪借上月放款金额",  # a flow
        "青春卡上月活跃客户数",  # the stock, asked as the stock
        "新产品的客户数",  # 新 qualifies the product, not the count
        "What was the approval rate for new applicants?",  # a rate, no stock
    ],
)
def test_no_new_of_stock_where_the_metric_answers_as_asked(router, question: str) -> None:
    route = router.route(question)
    assert route.query is None or "new_of_stock" not in route.query.extra, question


@pytest.mark.parametrize(
    ("question", "metric"),
    [
        ("闪借的投诉处理平均多少天", "complaint_resolution_days"),
        ("How long does it take to resolve FlashLoan complaints?", "complaint_resolution_days"),
        ("闪借上月投诉量", "complaints"),
        ("上个月闪借有多少投诉", "complaints"),
    ],
)
def test_a_count_asked_how_long_is_its_duration(router, question: str, metric: str) -> None:
    """ "投诉处理平均多少天" was answered with the number of complaints."""
    route = router.route(question)
    assert route.intent == "metric_query" and route.query is not None, route.reason
    assert route.query.metric == metric


@pytest.mark.parametrize(
    ("question", "metric", "products", "also"),
    [
        # the share is the head; the deposit metric's name says which products
        ("存款的市场份额是多少", "market_share", ["TD"], None),
        ("存款市场份额", "market_share", ["TD"], None),
        ("What's our market share in deposits?", "market_share", ["TD"], None),
        # two figures asked side by side stay two figures
        ("闪借上月逾期率和余额", "overdue_rate", ["FLASH"], ["loan_balance"]),
        ("闪借上月投诉量和逾期率", "complaints", ["FLASH"], ["overdue_rate"]),
    ],
)
def test_a_metric_name_that_says_which_products_narrows_them(
    router, question: str, metric: str, products: list[str], also: list[str] | None
) -> None:
    """ "存款的市场份额" answered the deposit balance (market share underneath, over every
    product); "market share in deposits" the share over every product."""
    route = router.route(question)
    assert route.intent == "metric_query" and route.query is not None, route.reason
    assert route.query.metric == metric
    assert route.query.filter_map.get("product") == tuple(products)
    assert route.query.extra.get("also_asked") == also


@pytest.mark.parametrize(
    ("question", "products"),
    [
        # the metric counts deposit and wealth holders; the name the question used says which
        ("理财客户数多少", ["WM_STABLE"]),
        ("How many wealth customers do we have?", ["WM_STABLE"]),
        ("存款客户数", ["TD"]),
        ("持有客户数", None),
    ],
)
def test_a_kind_inside_the_metric_name_used_narrows_the_products(
    router, question: str, products: list[str] | None
) -> None:
    """ "理财客户数" counted every deposit and wealth holder (79,967 instead of 20,062)."""
    route = router.route(question)
    assert route.query is not None and route.query.metric == "deposit_customers", route.reason
    got = route.query.filter_map.get("product")
    assert (list(got) if got else None) == products


@pytest.mark.parametrize(
    ("question", "breakdown", "products"),
    [
        # a market share over loans and deposits together means nothing: one per product
        ("我们的市场份额是多少", ["product"], None),
        ("What's our market share?", ["product"], None),
        ("房贷市场份额", [], ["HOME"]),
        ("信用卡市场份额", [], ["CC_PLAT", "CC_YOUTH"]),
        # "贷款产品 / loan products" is the loan kind: its four products, one figure
        ("贷款产品的市场份额", [], ["AUTO", "FLASH", "HOME", "SME"]),
        ("loan products market share", [], ["AUTO", "FLASH", "HOME", "SME"]),
    ],
)
def test_a_figure_that_does_not_blend_across_products_is_split_by_product(
    router, question: str, breakdown: list[str], products: list[str] | None
) -> None:
    route = router.route(question)
    assert route.query is not None and route.query.metric == "market_share", route.reason
    assert list(route.query.breakdown) == breakdown
    got = route.query.filter_map.get("product")
    assert (sorted(got) if got else None) == products


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("闪借 逾期率 2026-13", "「2026-13」不是有效的日期"),
        ("FLASH overdue rate Q5 2026", "'Q5' is not a valid date"),
    ],
)
def test_an_impossible_date_is_said_not_answered_with_the_default_period(
    router, question: str, said: str
) -> None:
    route = router.route(question)
    assert route.intent == "clarify" and route.query is None
    assert route.prompt.startswith(said)


@pytest.mark.parametrize(
    "question",
    [
        "闪借上月的客户平均借款金额",
        "What's the average loan size of the auto loan?",
        "各产品笔均放款金额",
    ],
)
def test_an_average_loan_amount_is_not_the_total_disbursed(router, question: str) -> None:
    """ "客户平均借款金额" was answered with the total disbursed (1909.4万元, not 3.1万元)."""
    route = router.route(question)
    assert route.query is not None and route.query.metric == "avg_loan_amount", route.reason


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("闪借上月利息收入多少", "数据里没有「利息收入」这个指标。"),
        ("What was FlashLoan's profit last month?", "The data has no figure for 'profit'."),
        ("闪借上个月情况", ""),
    ],
)
def test_a_figure_the_catalog_lacks_is_named_before_the_options(
    router, question: str, said: str
) -> None:
    """ "Which figure would you like?" read as if interest income were among the options."""
    route = router.route(question)
    assert route.intent == "clarify", route.reason
    assert route.prompt.startswith(said)
    if not said:
        assert "没有" not in route.prompt


@pytest.mark.parametrize(
    ("question", "words"),
    [
        ("白金卡人均交易金额", "人均交易金额"),
        ("What is the Platinum card spend per cardholder?", "spend per cardholder"),
        ("白金卡上月交易金额", None),
        ("笔均放款金额", None),  # an average the catalog holds
    ],
)
def test_a_total_asked_per_head_is_carried_to_the_answer(
    router, question: str, words: str | None
) -> None:
    """ "人均交易金额" was answered with the card's total spend, as if it were per head."""
    route = router.route(question)
    assert route.query is not None, route.reason
    assert route.query.extra.get("per_head") == words


@pytest.mark.parametrize(
    ("question", "metric"),
    [
        # a share of a count that names its part is that part's rate
        ("What percentage of FlashLoan applications are approved?", "approval_rate"),
        ("闪借申请中获批的占比", "approval_rate"),
        ("青春卡新发卡中激活的比例", "activation_rate"),
        ("闪借逾期余额占比", "overdue_rate"),
    ],
)
def test_a_share_of_a_count_that_names_its_part_is_that_part_s_rate(
    router, question: str, metric: str
) -> None:
    """ "What percentage of FlashLoan applications are approved?" gave the applications'
    share of all products' applications (40 %), not the approval rate (68 %)."""
    route = router.route(question)
    assert route.query is not None and route.query.metric == metric, route.reason
    assert "share" not in route.query.extra
