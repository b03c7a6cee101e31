"""Assistant.ask end to end on the sample bank: numbers equal a direct SQL computation."""

from __future__ import annotations

import pytest
from rich.console import Console
from sqlalchemy import text

from bankpm_core.bootstrap import build_assistant
from bankpm_core.config import Settings
from bankpm_core.formatting import format_value
from bankpm_core.users import UserContext
from console.render import render

FLASH_OCT_M1 = """
SELECT SUM(CASE WHEN dpd > 30 THEN balance ELSE 0 END) * 1.0 / SUM(balance)
FROM loan_snapshots WHERE product = 'FLASH' AND month = :m
"""


@pytest.fixture(scope="module")
def assistant(sample_db, clock, tmp_path_factory):
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), database_url=sample_db)
    return build_assistant(settings, clock)


def _direct(engine, sql: str, **params) -> float:
    with engine.connect() as conn:
        return float(conn.execute(text(sql), params).scalar())


@pytest.mark.parametrize("question", ["FLASH overdue rate 2026-10", "闪借消费贷 2026年10月 逾期率"])
def test_plain_metric_question_matches_sql(assistant, sample_engine, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.intent == "metric_query", answer.text
    expected = _direct(sample_engine, FLASH_OCT_M1, m="2026-10-01")
    assert answer.result["value"] == pytest.approx(expected, rel=1e-12)
    assert answer.query["metric"] == "overdue_rate"
    assert answer.query["filters"] == {"product": ["FLASH"]}
    assert answer.query["period"] == {"start": "2026-10-01", "end": "2026-10-31", "grain": "month"}
    assert answer.as_of.isoformat() == "2026-10-31"
    assert answer.definitions and answer.definitions[0].metric == "overdue_rate"


def test_answer_states_definition_period_filters_and_as_of(assistant) -> None:
    zh = assistant.ask("闪借消费贷 2026年10月 逾期率").text
    for needle in ("口径", "期间", "筛选", "数据截至 ", "2026-10-31", "闪借消费贷"):
        assert needle.strip() in zh
    en = assistant.ask("FLASH overdue rate 2026-10").text
    for needle in ("Definition", "Period", "Filters", "Data as of", "2026-10-31"):
        assert needle in en


def test_mom_change_is_in_percentage_points(assistant, sample_engine) -> None:
    answer = assistant.ask("闪借上个月逾期率是多少？环比呢？")
    now = _direct(sample_engine, FLASH_OCT_M1, m="2026-10-01")
    before = _direct(sample_engine, FLASH_OCT_M1, m="2026-09-01")
    assert answer.result["change"] == pytest.approx(now - before)
    assert "pp" in answer.blocks[0].text and "环比" in answer.blocks[0].text


HOME_BALANCE = "SELECT SUM(balance) FROM loan_snapshots WHERE product = 'HOME' AND month = :m"


@pytest.mark.parametrize(
    "question", ["安居房贷余额同比增长多少", "Home loan balance YoY last month"]
)
def test_a_change_in_money_reads_as_a_percentage_in_the_table_too(
    assistant, sample_engine, question: str
) -> None:
    """The table's 同比 column says what the headline says (+61.4%), not the raw change in
    yuan, which it printed as "+1,020,568,566.80"."""
    answer = assistant.ask(question)
    now = _direct(sample_engine, HOME_BALANCE, m="2026-10-01")
    before = _direct(sample_engine, HOME_BALANCE, m="2025-10-01")
    pct = f"+{round((now / before - 1) * 100, 1)}%"
    table = answer.tables[0]
    assert table.units[-1] == "change_rel"
    assert table.rows[0][-1] == pytest.approx(now / before - 1)
    assert pct in answer.blocks[0].text
    out = Console(record=True, width=120)
    render(answer, out)
    assert pct in out.export_text().split(table.title)[-1]  # the console's table cell


FLASH_OCT_APPROVAL = """
SELECT SUM(CASE WHEN decision = 'APPROVED' THEN 1 ELSE 0 END) * 1.0 / COUNT(*)
FROM applications WHERE product = 'FLASH' AND applied_on BETWEEN :a AND :b
"""


@pytest.mark.parametrize(
    "question", ["闪借上月逾期率和通过率", "FlashLoan overdue rate and approval rate last month"]
)
def test_a_second_metric_named_gets_its_figure_too(assistant, sample_engine, question: str) -> None:
    """It used to be dropped without a word: only the overdue rate came back."""
    answer = assistant.ask(question)
    assert answer.intent == "metric_query", answer.text
    assert answer.result["value"] == pytest.approx(
        _direct(sample_engine, FLASH_OCT_M1, m="2026-10-01"), rel=1e-12
    )
    (also,) = answer.result["also"]
    assert also["metric"] == "approval_rate"
    assert also["value"] == pytest.approx(
        _direct(sample_engine, FLASH_OCT_APPROVAL, a="2026-10-01", b="2026-10-31"), rel=1e-12
    )
    assert [d.metric for d in answer.definitions] == ["overdue_rate", "approval_rate"]
    assert ("通过率" if answer.language == "zh" else "approval rate") in answer.text


def test_a_second_metric_that_does_not_apply_says_so(assistant) -> None:
    answer = assistant.ask("定期存款上月余额和通过率")
    assert answer.query["metric"] == "deposit_balance"
    assert "also" not in answer.result
    assert "指标“审批通过率”不适用于定期存款" in answer.text
    assert "贷款余额" not in answer.text  # 余额 of a deposit is one metric, not also a loan's


@pytest.mark.parametrize(
    ("question", "word", "notice"),
    [
        ("买商铺的房贷利率是多少？", "商铺", "数据里没有可按「商铺」区分的字段"),
        ("What is the mortgage rate for buying a shop?", "shop", "nothing to filter by 'shop'"),
    ],
)
def test_a_figure_not_narrowed_by_the_question_says_so(assistant, question, word, notice) -> None:
    """The sample data has no property type: the rate is every home loan's, and the
    answer says so right under the figure instead of letting 商铺 pass unread."""
    answer = assistant.ask(question)
    assert answer.query["filters"] == {"product": ["HOME"]}
    assert answer.blocks[1].kind == "warning" and notice in answer.blocks[1].text
    assert answer.result["not_filtered"] == [word]


@pytest.mark.parametrize(
    ("question", "code"),
    [
        ("", None),
        ("   ", None),
        ("🤔🤔🤔", None),
        ("x" * 5000, "bad_input"),
        ("闪借" * 2500, "bad_input"),
    ],
    ids=["empty", "blank", "emoji", "5000-latin", "5000-cjk"],
)
def test_bad_input_gets_a_clear_answer(assistant, question: str, code: str | None) -> None:
    answer = assistant.ask(question)
    assert answer.text.strip()
    if code:
        assert answer.error is not None and answer.error.code == code
        assert "2000" in answer.text
    else:
        assert answer.intent in ("help", "clarify")


def test_future_period_gets_a_clear_message(assistant) -> None:
    answer = assistant.ask("FLASH overdue rate 2027-03")
    assert answer.error is not None and answer.error.code == "no_data"
    assert "2026-10-31" in answer.text


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("闪借本月逾期率是多少", "以下是数据覆盖的最近一期（2026年10月）"),
        (
            "FlashLoan overdue rate this month",
            "Below is the latest period the data covers (Oct 2026)",
        ),
    ],
)
def test_a_period_the_data_does_not_reach_yet_gets_the_latest_one_and_says_so(
    assistant, sample_engine, question: str, said: str
) -> None:
    """本月 on 29 November, data through 31 October: October's figure, under a warning —
    not a bare "no data" that leaves the PM to guess which month there is."""
    answer = assistant.ask(question)
    assert answer.intent == "metric_query", answer.text
    assert answer.blocks[0].kind == "warning" and said in answer.blocks[0].text
    assert answer.query["period"] == {"start": "2026-10-01", "end": "2026-10-31", "grain": "month"}
    expected = _direct(sample_engine, FLASH_OCT_M1, m="2026-10-01")
    assert answer.result["value"] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("question", ["下个月闪借逾期率", "FlashLoan overdue rate next month"])
def test_a_period_still_to_come_is_not_answered_with_an_earlier_one(assistant, question) -> None:
    answer = assistant.ask(question)
    assert answer.error is not None and answer.error.code == "no_data", answer.text
    assert "2026-10-31" in answer.text and answer.result is None


TD_BALANCE = "SELECT SUM(balance) FROM deposit_balances WHERE product = 'TD' AND month = :m"


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("定期存款上月新增存款", "注意：数据里没有「新增存款」这一指标"),
        (
            "How much new deposits did the time deposit get last month?",
            "no figure for 'new deposits'",
        ),
    ],
)
def test_the_new_part_of_a_stock_is_answered_as_its_net_increase_and_says_so(
    assistant, sample_engine, question: str, said: str
) -> None:
    """The data holds month-end balances, not inflows: the answer is the balance and its
    change — the net increase, stated under the figure — not the balance passed off as
    what is new."""
    answer = assistant.ask(question)
    assert answer.intent == "metric_query", answer.text
    now = _direct(sample_engine, TD_BALANCE, m="2026-10-01")
    before = _direct(sample_engine, TD_BALANCE, m="2026-09-01")
    assert answer.result["value"] == pytest.approx(now)
    assert answer.result["change"] == pytest.approx(now - before)
    note = answer.blocks[1]
    assert note.kind == "warning" and said in note.text
    assert format_value(now - before, "amount", answer.language) in note.text
    assert answer.result["new_of_stock"]


WEALTH_OCT = (
    "SELECT SUM(balance) FROM deposit_balances WHERE product = 'WM_STABLE' AND month = '2026-10-01'"
)
DISBURSED_OCT = (
    "SELECT channel, SUM(amount) FROM loans "
    "WHERE disbursed_on BETWEEN '2026-10-01' AND '2026-10-31' GROUP BY channel"
)


@pytest.mark.parametrize(
    "question", ["高净值客户上月的理财规模占比", "HNW share of wealth AUM last month"]
)
def test_a_share_is_the_figure_over_the_total_across_its_dimension(
    assistant, sample_engine, question: str
) -> None:
    answer = assistant.ask(question)
    assert answer.intent == "metric_query", answer.text
    total = _direct(sample_engine, WEALTH_OCT)
    hnw = _direct(sample_engine, WEALTH_OCT + " AND segment = 'HNW'")
    assert answer.result["value"] == pytest.approx(hnw)
    assert answer.result["share"] == pytest.approx(hnw / total)
    assert answer.result["share_of"] == {"dimension": "segment", "total": pytest.approx(total)}
    assert format_value(hnw / total, "percent", answer.language) in answer.blocks[1].text


def test_a_split_asked_as_shares_gives_each_member_s_share(assistant, sample_engine) -> None:
    answer = assistant.ask("各渠道上月放款金额占比")
    with sample_engine.connect() as conn:
        by_channel = {c: float(v) for c, v in conn.execute(text(DISBURSED_OCT))}
    total = sum(by_channel.values())
    assert answer.result["shares"] == pytest.approx({c: v / total for c, v in by_channel.items()})
    table = answer.tables[0]
    assert table.columns[-1] == "占比" and table.units[-1] == "percent"
    for channel, share in answer.result["shares"].items():
        assert f"占比 {format_value(share, 'percent', 'zh')}" in answer.blocks[1].text, channel


@pytest.mark.parametrize(
    ("question", "metric"),
    [
        ("闪借上月逾期余额占比", "overdue_rate"),
        ("What share of FlashLoan balance is overdue?", "overdue_rate"),
    ],
)
def test_a_share_of_a_balance_that_names_its_part_is_that_part_s_rate(
    assistant, sample_engine, question: str, metric: str
) -> None:
    answer = assistant.ask(question)
    assert answer.query["metric"] == metric, answer.text
    assert answer.result["value"] == pytest.approx(
        _direct(sample_engine, FLASH_OCT_M1, m="2026-10-01"), rel=1e-12
    )
    assert "share" not in answer.result


def test_a_share_of_nothing_named_says_what_is_missing(assistant) -> None:
    answer = assistant.ask("上月理财规模占比")
    assert "share" not in answer.result
    assert any("没有说占哪部分" in b.text for b in answer.blocks)


M1_OF = """
SELECT SUM(CASE WHEN dpd > 30 THEN balance ELSE 0 END) * 1.0 / SUM(balance)
FROM loan_snapshots WHERE product = :p AND month = '2026-10-01'
"""


@pytest.mark.parametrize(
    "question", ["闪借上月的逾期率比车贷高多少", "FlashLoan vs auto loan overdue rate last month"]
)
def test_two_members_side_by_side_say_by_how_much_they_differ(
    assistant, sample_engine, question: str
) -> None:
    answer = assistant.ask(question)
    gap = _direct(sample_engine, M1_OF, p="FLASH") - _direct(sample_engine, M1_OF, p="AUTO")
    pp = f"{abs(round(gap * 100, 2)):.2f}pp"
    assert pp in answer.blocks[0].text, answer.blocks[0].text
    assert ("相差" if answer.language == "zh" else "a gap of") in answer.blocks[0].text


def test_a_change_in_a_count_also_says_how_many(assistant, sample_engine) -> None:
    """ "比去年同期多多少" asks how many more: the headline gives +19.7% and the count."""
    answer = assistant.ask("青春卡上月发卡量比去年同期多多少")
    issued = "SELECT COUNT(*) FROM cards WHERE product = 'CC_YOUTH' AND issued_on BETWEEN :a AND :b"
    now = _direct(sample_engine, issued, a="2026-10-01", b="2026-10-31")
    before = _direct(sample_engine, issued, a="2025-10-01", b="2025-10-31")
    assert answer.query["comparison"] == "yoy"
    diff = round(now - before)
    by = f"{'+' if diff > 0 else '−'}{abs(diff):,}" if diff else "±0"
    assert f"（{by}）" in answer.blocks[0].text, answer.blocks[0].text


def test_a_split_over_several_months_gives_each_member_s_monthly_mean(
    assistant, sample_engine
) -> None:
    """ "近6个月各产品月均放款金额": each product's mean month, not only its latest one (the
    per-product lines were left out altogether once the series passed 12 rows)."""
    answer = assistant.ask("近6个月各产品月均放款金额")
    with sample_engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT product, strftime('%Y-%m', disbursed_on) AS m, SUM(amount) FROM loans "
                "WHERE disbursed_on BETWEEN '2026-05-01' AND '2026-10-31' GROUP BY product, m"
            )
        ).all()
    by_product: dict[str, list[float]] = {}
    for product, _month, amount in rows:
        by_product.setdefault(product, []).append(float(amount))
    lines = answer.blocks[1].text
    for product, months in by_product.items():
        name = assistant.catalog.member("product", product).name("zh")
        mean = format_value(sum(months) / len(months), "amount", "zh")
        assert f"{name}: " in lines and f"（月均 {mean}）" in lines, (name, mean, lines)


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("白金卡人均交易金额", "以上是合计数，不是人均"),
        ("Platinum card spend per cardholder", "not per head"),
    ],
)
def test_a_total_asked_per_head_says_it_is_the_total(assistant, question: str, said: str) -> None:
    answer = assistant.ask(question)
    assert answer.intent == "metric_query", answer.text
    assert answer.blocks[1].kind == "warning" and said in answer.blocks[1].text
    assert answer.result["per_head"]


def test_a_monthly_average_is_the_mean_of_the_months(assistant, sample_engine) -> None:
    """ "月均发卡量" was answered with the year's total (4,614), not about 461 a month."""
    answer = assistant.ask("今年青春卡月均发卡量")
    with sample_engine.connect() as conn:
        per_month = [
            float(n)
            for (n,) in conn.execute(
                text(
                    "SELECT COUNT(*) FROM cards WHERE product = 'CC_YOUTH' "
                    "AND issued_on BETWEEN '2026-01-01' AND '2026-10-31' "
                    "GROUP BY strftime('%Y-%m', issued_on)"
                )
            )
        ]
    assert answer.query["period"]["grain"] == "month"
    mean = format_value(sum(per_month) / len(per_month), "count", "zh")
    assert f"月均 {mean}" in answer.blocks[0].text, answer.blocks[0].text


def test_viewer_gets_no_product_numbers(assistant) -> None:
    answer = assistant.ask("闪借上个月逾期率", UserContext(user_id="v", role="viewer"))
    assert answer.error is not None and answer.error.code == "forbidden"
    assert answer.result is None


def test_unexpected_errors_become_an_apology(assistant, caplog) -> None:
    class Boom:
        def route(self, text: str):
            raise RuntimeError("kaboom")

    original = assistant.router
    assistant.router = Boom()
    try:
        answer = assistant.ask("anything")
    finally:
        assistant.router = original
    assert answer.error is not None and answer.error.code == "internal_error"
    assert "kaboom" not in answer.text
    assert "kaboom" in caplog.text


def test_warm_up_is_safe_and_idempotent(assistant) -> None:
    assistant.warm_up()
    assistant.warm_up()
    assert assistant.ask("FLASH overdue rate 2026-10").intent == "metric_query"


def test_personal_numbers_are_masked_in_every_answer(assistant) -> None:
    answer = assistant.ask("我的手机13812345678，身份证110105194912310025，闪借逾期率？")
    shown = answer.question + answer.text
    assert "13812345678" not in shown and "110105194912310025" not in shown
    assert "138****5678" in answer.question
