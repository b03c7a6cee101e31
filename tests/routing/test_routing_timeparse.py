"""Every time expression of the conventions table (docs/understanding.md), both languages.

today = 2026-11-29. Ends are inclusive here, as in the table and in ``to_json``.
"""

from __future__ import annotations

from datetime import date

import pytest

from bankpm_core.routing.text import normalize
from bankpm_core.routing.timeparse import parse_time

TODAY = date(2026, 11, 29)

LAST_MONTH = ("2026-10-01", "2026-10-31", "month")
MTD = ("2026-11-01", "2026-11-29", "month")
LAST_QUARTER = ("2026-07-01", "2026-09-30", "quarter")
QTD = ("2026-10-01", "2026-11-29", "quarter")
YTD = ("2026-01-01", "2026-11-29", "all")
LAST_YEAR = ("2025-01-01", "2025-12-31", "year")
LAST_30_DAYS = ("2026-10-31", "2026-11-29", "all")
LAST_12_MONTHS = ("2025-11-01", "2026-10-31", "all")
Q3 = ("2026-07-01", "2026-09-30", "quarter")
OCTOBER = ("2026-10-01", "2026-10-31", "month")

TABLE = [
    ("", LAST_MONTH),
    ("上个月", LAST_MONTH),
    ("上月", LAST_MONTH),
    ("last month", LAST_MONTH),
    ("本月", MTD),
    ("这个月", MTD),
    ("this month", MTD),
    ("本月至今", MTD),
    ("month to date", MTD),
    ("MTD", MTD),
    ("上季度", LAST_QUARTER),
    ("上个季度", LAST_QUARTER),
    ("last quarter", LAST_QUARTER),
    ("本季度", QTD),
    ("this quarter", QTD),
    ("QTD", QTD),
    ("今年", YTD),
    ("今年以来", YTD),
    ("年初至今", YTD),
    ("this year", YTD),
    ("YTD", YTD),
    ("year to date", YTD),
    ("今年以来每月", ("2026-01-01", "2026-11-29", "month")),
    ("YTD monthly", ("2026-01-01", "2026-11-29", "month")),
    ("去年", LAST_YEAR),
    ("last year", LAST_YEAR),
    ("近30天", LAST_30_DAYS),
    ("最近30天", LAST_30_DAYS),
    ("过去30天", LAST_30_DAYS),
    ("past 30 days", LAST_30_DAYS),
    ("last 30 days", LAST_30_DAYS),
    ("近三十天", LAST_30_DAYS),
    ("近12个月", LAST_12_MONTHS),
    ("最近一年", LAST_12_MONTHS),
    ("近一年", LAST_12_MONTHS),
    ("past 12 months", LAST_12_MONTHS),
    ("last 12 months", LAST_12_MONTHS),
    ("近十二个月", LAST_12_MONTHS),
    ("近12个月趋势", ("2025-11-01", "2026-10-31", "month")),
    ("past 6 months", ("2026-05-01", "2026-10-31", "all")),
    ("2026年三季度", Q3),
    ("2026Q3", Q3),
    ("Q3 2026", Q3),
    ("2026年第3季度", Q3),
    ("10月", OCTOBER),
    ("十月", OCTOBER),
    ("2026年10月", OCTOBER),
    ("2026-10", OCTOBER),
    ("Oct 2026", OCTOBER),
    ("October", OCTOBER),
    ("12月", ("2025-12-01", "2025-12-31", "month")),
    ("十二月", ("2025-12-01", "2025-12-31", "month")),
    ("2025年", LAST_YEAR),
    ("in 2025", LAST_YEAR),
    ("趋势", ("2025-11-01", "2026-10-31", "month")),
    ("trend", ("2025-11-01", "2026-10-31", "month")),
    ("monthly", ("2025-11-01", "2026-10-31", "month")),
    ("逐月", ("2025-11-01", "2026-10-31", "month")),
    ("去年同期", LAST_MONTH),
    ("same month last year", LAST_MONTH),
    ("same period last year", LAST_MONTH),
]


@pytest.mark.parametrize(("expression", "expected"), TABLE, ids=[e or "(none)" for e, _ in TABLE])
def test_conventions_table(expression: str, expected: tuple[str, str, str]) -> None:
    parsed = parse_time(normalize(expression), TODAY)
    start, end, grain = expected
    assert parsed.period.to_json() == {"start": start, "end": end, "grain": grain}


COMPARISONS = [
    ("去年同期", "yoy"),
    ("same month last year", "yoy"),
    ("same period last year", "yoy"),
    ("同比", "yoy"),
    ("YoY", "yoy"),
    ("year over year", "yoy"),
    ("比去年", "yoy"),
    ("环比", "prev"),
    ("MoM", "prev"),
    ("month over month", "prev"),
    ("vs last month", "prev"),
    ("比上月", "prev"),
    ("季度环比", "qoq"),
    ("QoQ", "qoq"),
    ("上个月", None),
]


@pytest.mark.parametrize(("expression", "expected"), COMPARISONS, ids=[e for e, _ in COMPARISONS])
def test_comparison_words(expression: str, expected: str | None) -> None:
    assert parse_time(normalize(expression), TODAY).comparison == expected


def test_comparison_words_do_not_become_the_period() -> None:
    parsed = parse_time(normalize("本季度放款比上季度"), TODAY)
    assert parsed.comparison == "qoq"
    assert parsed.period.to_json() == dict(zip(("start", "end", "grain"), QTD, strict=True))


def test_trend_flag_and_span() -> None:
    text = normalize("闪借近12个月逾期率走势")
    parsed = parse_time(text, TODAY)
    assert parsed.trend and parsed.trend_grain == "month"
    (start, end), *_ = parsed.period_spans
    assert text[start:end] == "近12个月"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("1月到10月", ("2026-01-01", "2026-10-31", "all")),
        ("2026年1-10月", ("2026-01-01", "2026-10-31", "all")),
        ("9月和10月", ("2026-09-01", "2026-10-31", "month")),
        ("去年四季度", ("2025-10-01", "2025-12-31", "quarter")),
        ("前三季度", ("2026-01-01", "2026-09-30", "all")),
        ("上上个月", ("2026-09-01", "2026-09-30", "month")),
        ("近7天", ("2026-11-23", "2026-11-29", "all")),
        ("近半年", ("2026-05-01", "2026-10-31", "all")),
        ("from Jan to Oct 2026", ("2026-01-01", "2026-10-31", "all")),
        ("since October", ("2026-10-01", "2026-11-29", "all")),
        ("上个月每天", ("2026-10-01", "2026-10-31", "day")),
        # periods to come are read, so the answer can say the data does not reach them
        ("下个月", ("2026-12-01", "2026-12-31", "month")),
        ("next month", ("2026-12-01", "2026-12-31", "month")),
        ("下季度", ("2027-01-01", "2027-03-31", "quarter")),
        ("明年", ("2027-01-01", "2027-12-31", "year")),
        ("next week", ("2026-11-30", "2026-12-06", "all")),
        ("按季度", ("2025-10-01", "2026-09-30", "quarter")),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_more_expressions(expression: str, expected: tuple[str, str, str]) -> None:
    parsed = parse_time(normalize(expression), TODAY)
    assert parsed.period.to_json() == dict(zip(("start", "end", "grain"), expected, strict=True))


@pytest.mark.parametrize(
    "text", ["30天以上逾期率", "90天以上逾期率", "M3+逾期率", "may I ask", "以下季度数据"]
)
def test_metric_names_are_not_time(text: str) -> None:
    assert not parse_time(normalize(text), TODAY).explicit


@pytest.mark.parametrize(
    ("text", "period", "comparison"),
    [
        # the earlier of two periods set against each other is the comparison
        ("闪借10月逾期率和9月比", OCTOBER, "prev"),
        ("闪借9月逾期率和10月相比", OCTOBER, "prev"),
        ("FLASH overdue rate in October compared with September", OCTOBER, "prev"),
        ("闪借Q3各客群逾期率，和Q2比", Q3, "prev"),
        ("闪借10月逾期率对比去年10月", OCTOBER, "yoy"),
        # not the one before nor a year before: both, with the months between
        ("闪借10月逾期率对比6月", ("2026-06-01", "2026-10-31", "month"), None),
    ],
)
def test_two_periods_set_against_each_other(
    text: str, period: tuple[str, str, str], comparison: str | None
) -> None:
    """The second period used to be dropped: October's figure came without September's."""
    parsed = parse_time(normalize(text), TODAY)
    assert parsed.period.to_json() == dict(zip(("start", "end", "grain"), period, strict=True))
    assert parsed.comparison == comparison


def test_two_periods_without_a_comparison_word_stay_as_they_were() -> None:
    # "9月和10月" is one span of both months, as before
    parsed = parse_time(normalize("9月和10月逾期率"), TODAY)
    assert parsed.period.to_json() == {"start": "2026-09-01", "end": "2026-10-31", "grain": "month"}
    assert parsed.comparison is None


@pytest.mark.parametrize(
    ("text", "invalid"),
    [
        ("闪借 逾期率 2026-13", ("2026-13",)),
        ("闪借2026年14月逾期率", ("2026年14月",)),
        ("flash overdue rate q5 2026", ("q5",)),
        ("闪借第五季度逾期率", ("第五季度",)),
        # real dates and counts of months are no impossible dates
        ("2026年1-10月放款笔数", ()),
        ("近12个月逾期率", ()),
        ("30天以上逾期率", ()),
        ("2026-10-15到2026-10-31", ()),
    ],
)
def test_impossible_dates_are_noticed(text: str, invalid: tuple[str, ...]) -> None:
    """ "2026-13" used to be no period at all, so the question got last month's figure."""
    assert parse_time(normalize(text), TODAY).invalid == invalid
