"""Period-over-period, rankings, trends, clamping and the errors users see."""

from __future__ import annotations

from datetime import date

import pytest

from bankpm_core.errors import (
    NoDataError,
    UnknownMemberError,
    UnknownMetricError,
    UnsupportedQueryError,
)
from bankpm_core.metrics.engine import MetricEngine
from bankpm_core.metrics.periods import Period, month_period
from bankpm_core.metrics.query import MetricQuery

OCT = month_period(2026, 10)


@pytest.fixture(scope="module")
def metrics(sample_engine, catalog) -> MetricEngine:
    return MetricEngine(sample_engine, catalog)


def _value(metrics: MetricEngine, metric: str, period: Period, **filters) -> float:
    return float(
        metrics.run(MetricQuery.build(metric, period, filters or None)).frame["value"].iloc[0]
    )


@pytest.mark.parametrize(
    ("comparison", "months_back"), [("mom", 1), ("qoq", 3), ("yoy", 12)], ids=["mom", "qoq", "yoy"]
)
def test_comparisons_use_the_right_period(metrics, comparison: str, months_back: int) -> None:
    result = metrics.run(
        MetricQuery.build("disbursed_amount", OCT, {"product": ["HOME"]}, comparison=comparison)
    )
    row = result.frame.iloc[0]
    expected_prev = _value(
        metrics, "disbursed_amount", OCT.shifted(months=-months_back), product=["HOME"]
    )
    assert row["compare_value"] == pytest.approx(expected_prev)
    assert row["change_rel"] == pytest.approx(row["value"] / expected_prev - 1)
    assert result.compare_period == OCT.shifted(months=-months_back)


def test_prev_period_for_a_rolling_window(metrics) -> None:
    window = Period(date(2026, 10, 2), date(2026, 11, 1))  # 30 days
    result = metrics.run(MetricQuery.build("complaints", window, comparison="prev_period"))
    # like for like: the comparison window has the (clamped) current window's length, 30 days earlier
    length = result.period.end - result.period.start
    assert result.compare_period.end - result.compare_period.start == length
    assert (result.period.start - result.compare_period.start).days == 30
    prev = metrics.run(
        MetricQuery.build(
            "complaints", Period(result.compare_period.start, result.compare_period.end)
        )
    )
    assert result.frame["compare_value"].iloc[0] == prev.frame["value"].iloc[0]


def test_trend_has_one_row_per_month_with_mom(metrics) -> None:
    trend = Period(date(2025, 11, 1), date(2026, 11, 1), "month")
    result = metrics.run(
        MetricQuery.build("overdue_rate", trend, {"product": ["FLASH"]}, comparison="mom")
    )
    frame = result.frame
    assert len(frame) == 12
    assert list(frame["bucket_start"]) == sorted(frame["bucket_start"])
    assert frame["compare_value"].iloc[1] == pytest.approx(frame["value"].iloc[0])  # chained months


def test_ranking_orders_and_limits(metrics) -> None:
    query = MetricQuery.build("disbursed_amount", OCT, breakdown=("region",), order="desc", top_n=3)
    frame = metrics.run(query).frame
    assert len(frame) == 3
    assert list(frame["value"]) == sorted(frame["value"], reverse=True)
    full = metrics.run(MetricQuery.build("disbursed_amount", OCT, breakdown=("region",))).frame
    assert frame["value"].iloc[0] == full["value"].max()
    low = metrics.run(
        MetricQuery.build(
            "npl_ratio", OCT, {"product": ["FLASH"]}, breakdown=("channel",), order="asc", top_n=1
        )
    ).frame
    assert len(low) == 1


def test_flash_deterioration_is_visible(metrics) -> None:
    """The sample bank's planted story: FlashLoan M1+ worsens, PARTNER is the worst channel."""
    now = _value(metrics, "overdue_rate", OCT, product=["FLASH"])
    before = _value(metrics, "overdue_rate", month_period(2026, 2), product=["FLASH"])
    assert now - before > 0.005
    q = Period(date(2026, 8, 1), date(2026, 11, 1), "month")
    by_channel = metrics.run(
        MetricQuery.build("overdue_rate", q, {"product": ["FLASH"]}, breakdown=("channel",))
    )
    table = by_channel.frame.pivot(index="bucket_start", columns="channel", values="value")
    # BRANCH is a small FlashLoan channel at test scale; compare the two big ones
    assert (table["PARTNER"] > table["APP"]).all()


def test_period_is_clamped_to_the_data_with_a_note(metrics) -> None:
    ytd = Period(date(2026, 1, 1), date(2026, 11, 30), "all")
    result = metrics.run(MetricQuery.build("cards_issued", ytd, {"product": ["CC_YOUTH"]}))
    assert result.period.end == date(2026, 11, 1)
    assert result.as_of == date(2026, 10, 31)
    assert any("2026-10-31" in en for _zh, en in result.notes)


def test_future_period_says_when_data_ends(metrics) -> None:
    with pytest.raises(NoDataError) as info:
        metrics.run(MetricQuery.build("overdue_rate", month_period(2026, 11)))
    assert "2026-10-31" in info.value.message_en and "暂无数据" in info.value.message_zh


def test_period_before_history_has_no_data(metrics) -> None:
    with pytest.raises(NoDataError):
        metrics.run(MetricQuery.build("overdue_rate", month_period(2020, 1)))


def test_unknown_metric_suggests_close_names(metrics) -> None:
    with pytest.raises(UnknownMetricError) as info:
        metrics.run(MetricQuery.build("overdue_rte", OCT))
    assert "overdue_rate" in info.value.suggestions


def test_unknown_member_and_inapplicable_product(metrics) -> None:
    with pytest.raises(UnknownMemberError) as info:
        metrics.run(MetricQuery.build("overdue_rate", OCT, {"product": ["FLSH"]}))
    assert "FLASH" in info.value.suggestions
    with pytest.raises(UnsupportedQueryError) as info2:
        metrics.run(MetricQuery.build("overdue_rate", OCT, {"product": ["TD"]}))
    assert "定期存款" in info2.value.message_zh and "Time Deposit" in info2.value.message_en


def test_dimension_missing_from_the_table(metrics) -> None:
    with pytest.raises(UnsupportedQueryError) as info:
        metrics.run(
            MetricQuery.build("market_share", OCT, {"product": ["TD"]}, breakdown=("channel",))
        )
    assert "channel" in info.value.message_en


def test_rollups_and_raw_tables_agree_on_a_trend(sample_engine, catalog) -> None:
    trend = Period(date(2024, 11, 1), date(2026, 11, 1), "month")
    query = MetricQuery.build("overdue_rate", trend, breakdown=("channel",))
    raw = MetricEngine(sample_engine, catalog, use_rollups=False).run(query).frame
    rolled = MetricEngine(sample_engine, catalog, use_rollups=True).run(query).frame
    assert "loan_snapshot_rollup" in MetricEngine(sample_engine, catalog).run(query).sql[0]
    assert list(raw["value"]) == pytest.approx(list(rolled["value"]))
