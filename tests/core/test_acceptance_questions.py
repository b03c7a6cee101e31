"""The questions PMs must get right, each checked against a hand-written SQL query.

The SQL here is deliberately written by hand (not by the compiler) as the independent
reference; product code never builds SQL from strings.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bankpm_core.bootstrap import build_assistant
from bankpm_core.config import Settings


@pytest.fixture(scope="module")
def ask(sample_db, clock, tmp_path_factory):
    assistant = build_assistant(
        Settings(data_dir=tmp_path_factory.mktemp("d"), database_url=sample_db), clock
    )

    def _ask(question: str):
        answer = assistant.ask(question)
        assert answer.error is None, answer.text
        assert answer.intent == "metric_query", answer.text
        return answer

    return _ask


def rows(engine, sql: str, **params) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


def values_by(answer, *keys: str) -> dict:
    return {tuple(r[k] for k in keys): r["value"] for r in answer.result["rows"]}


def test_flash_last_month_overdue_mom(ask, sample_engine) -> None:
    answer = ask("闪借上个月逾期率是多少？环比呢？")
    sql = """SELECT month, SUM(CASE WHEN dpd > 30 THEN balance ELSE 0 END) / SUM(balance)
             FROM loan_snapshots WHERE product = 'FLASH' AND month IN ('2026-09-01', '2026-10-01')
             GROUP BY month ORDER BY month"""
    (_, sep), (_, oct_) = rows(sample_engine, sql)
    assert answer.result["value"] == pytest.approx(oct_)
    assert answer.result["compare_value"] == pytest.approx(sep)
    assert answer.query["comparison"] == "mom"


def test_youth_card_issuance_ytd_monthly(ask, sample_engine) -> None:
    answer = ask("青春卡今年以来每月发卡量")
    sql = """SELECT substr(issued_on, 1, 7), COUNT(*) FROM cards
             WHERE product = 'CC_YOUTH' AND issued_on >= '2026-01-01' AND issued_on < '2026-11-01'
             GROUP BY 1 ORDER BY 1"""
    expected = {f"{m}-01": n for m, n in rows(sample_engine, sql)}
    got = {r["bucket_start"]: r["value"] for r in answer.result["rows"]}
    assert got == pytest.approx(expected)
    assert len(got) == 10
    assert answer.charts, "a monthly series comes with a chart"


def test_highest_npl_channel_for_flash(ask, sample_engine) -> None:
    answer = ask("哪个渠道的闪借不良率最高")
    sql = """SELECT channel, SUM(CASE WHEN classification IN ('SUBSTANDARD','DOUBTFUL','LOSS')
                 THEN balance ELSE 0 END) / SUM(balance) AS r
             FROM loan_snapshots WHERE product = 'FLASH' AND month = '2026-10-01'
             GROUP BY channel ORDER BY r DESC"""
    best_channel, best_value = rows(sample_engine, sql)[0]
    assert list(values_by(answer, "channel")) == [(best_channel,)]
    assert answer.result["rows"][0]["value"] == pytest.approx(best_value)


def test_flashloan_overdue_by_segment_last_quarter(ask, sample_engine) -> None:
    answer = ask("FlashLoan overdue rate by segment last quarter")
    assert answer.language == "en"
    sql = """SELECT segment, SUM(CASE WHEN dpd > 30 THEN balance ELSE 0 END) / SUM(balance)
             FROM loan_snapshots WHERE product = 'FLASH' AND month = '2026-09-01' GROUP BY segment"""
    expected = {(seg,): v for seg, v in rows(sample_engine, sql)}  # quarter = its last month-end
    assert values_by(answer, "segment") == pytest.approx(expected)
    assert answer.query["period"] == {
        "start": "2026-07-01",
        "end": "2026-09-30",
        "grain": "quarter",
    }


def test_compare_approval_time_flash_auto(ask, sample_engine) -> None:
    answer = ask("Compare approval time of FLASH and AUTO over the past 6 months")
    sql = """SELECT product, AVG(decision_hours) FROM applications
             WHERE product IN ('FLASH', 'AUTO') AND applied_on >= '2026-05-01' AND applied_on < '2026-11-01'
             GROUP BY product"""
    expected = {(p,): v for p, v in rows(sample_engine, sql)}
    assert values_by(answer, "product") == pytest.approx(expected)


def test_mortgage_disbursement_yoy(ask, sample_engine) -> None:
    answer = ask("房贷放款金额同比增长多少")
    sql = """SELECT SUM(amount) FROM loans WHERE product = 'HOME' AND disbursed_on >= :a AND disbursed_on < :b"""
    now = rows(sample_engine, sql, a="2026-10-01", b="2026-11-01")[0][0]
    before = rows(sample_engine, sql, a="2025-10-01", b="2025-11-01")[0][0]
    assert answer.result["value"] == pytest.approx(now)
    assert answer.result["change_rel"] == pytest.approx(now / before - 1)
    assert "同比" in answer.blocks[0].text


def test_wealth_aum_12_month_trend(ask, sample_engine) -> None:
    answer = ask("稳盈理财规模近12个月趋势")
    sql = """SELECT month, SUM(balance) FROM deposit_balances
             WHERE product = 'WM_STABLE' AND month >= '2025-11-01' AND month < '2026-11-01'
             GROUP BY month ORDER BY month"""
    expected = {str(m)[:10]: v for m, v in rows(sample_engine, sql)}
    got = {r["bucket_start"]: r["value"] for r in answer.result["rows"]}
    assert got == pytest.approx(expected)
    assert len(got) == 12 and answer.charts


def test_young_professional_m3_overdue(ask, sample_engine) -> None:
    answer = ask("青年白领客群的M3+逾期率")
    sql = """SELECT SUM(CASE WHEN dpd > 90 THEN balance ELSE 0 END) / SUM(balance)
             FROM loan_snapshots WHERE segment = 'YOUNG_PRO' AND month = '2026-10-01'"""
    assert answer.result["value"] == pytest.approx(rows(sample_engine, sql)[0][0])
    assert answer.query["metric"] == "overdue_rate_m3"
