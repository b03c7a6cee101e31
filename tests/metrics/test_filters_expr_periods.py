"""The catalog's small languages (filters, expressions) and period arithmetic."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from bankpm_core.metrics.expr import ExprError, evaluate, names_in
from bankpm_core.metrics.filters import Condition, FilterSyntaxError, parse_where
from bankpm_core.metrics.periods import Period, add_months, month_period, period_label


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dpd > 30", (Condition("dpd", ">", 30),)),
        ("decision = APPROVED", (Condition("decision", "=", "APPROVED"),)),
        ("score >= 9 and score <= 10", (Condition("score", ">=", 9), Condition("score", "<=", 10))),
        (
            "classification in (SUBSTANDARD, LOSS)",
            (Condition("classification", "in", ("SUBSTANDARD", "LOSS")),),
        ),
        ("rate < 0.05", (Condition("rate", "<", 0.05),)),
        ("name = 'a b'", (Condition("name", "=", "a b"),)),
        ("", ()),
    ],
    ids=["gt", "eq-word", "and", "in", "float", "quoted", "empty"],
)
def test_parse_where(text: str, expected: tuple) -> None:
    assert parse_where(text) == expected


@pytest.mark.parametrize(
    "text", ["dpd >> 30", "x in ()", "x in A, B", "1 = 1", "dpd > 30; DROP TABLE loans", "a = b c"]
)
def test_parse_where_rejects(text: str) -> None:
    with pytest.raises(FilterSyntaxError):
        parse_where(text)


def test_expression_over_series_divides_by_zero_as_nan() -> None:
    values = {"a": pd.Series([1.0, 2.0]), "b": pd.Series([2.0, 0.0])}
    out = evaluate("a / b * 100", values)
    assert out.iloc[0] == 50.0
    assert np.isnan(out.iloc[1])
    assert names_in("(promoters - detractors) / responses") == {
        "promoters",
        "detractors",
        "responses",
    }
    with pytest.raises(ExprError):
        evaluate("a ** 2", {"a": 1})


def test_add_months_clamps_day() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 3, 1), -12) == date(2025, 3, 1)
    assert add_months(date(2026, 1, 1), -1) == date(2025, 12, 1)


def test_buckets_and_labels() -> None:
    period = Period(date(2026, 1, 1), date(2026, 11, 1), "quarter")
    assert period.buckets() == [
        (date(2026, 1, 1), date(2026, 4, 1)),
        (date(2026, 4, 1), date(2026, 7, 1)),
        (date(2026, 7, 1), date(2026, 10, 1)),
        (date(2026, 10, 1), date(2026, 11, 1)),
    ]
    assert month_period(2026, 10).label("zh") == "2026年10月"
    assert month_period(2026, 10).label("en") == "Oct 2026"
    assert period_label(date(2026, 7, 1), date(2026, 10, 1), "quarter", "en") == "Q3 2026"
    assert Period(date(2026, 10, 31), date(2026, 11, 30)).label("zh") == "2026-10-31 ~ 2026-11-29"
    assert Period(date(2026, 10, 31), date(2026, 11, 1), "day").label("en") == "2026-10-31"


def test_the_latest_period_of_the_same_shape_the_data_covers() -> None:
    october = date(2026, 10, 31)
    # this month (to date), asked on 29 November of data through October: October
    this_month = Period(date(2026, 11, 1), date(2026, 11, 30), "month")
    assert this_month.latest_complete(october) == month_period(2026, 10)
    # two months (Nov–Dec) step back two at a time: Sep–Oct
    two = Period(date(2026, 11, 1), date(2027, 1, 1), "month")
    assert two.latest_complete(october) == Period(date(2026, 9, 1), date(2026, 11, 1), "month")
    # 7 days: the 7 days to the last day the data covers
    week = Period(date(2026, 11, 23), date(2026, 11, 30), "all")
    assert week.latest_complete(october) == Period(date(2026, 10, 25), date(2026, 11, 1), "all")
    # this quarter (to date), data through last year: last year's fourth quarter
    q1_to_date = Period(date(2027, 1, 1), date(2027, 1, 6), "quarter")
    assert q1_to_date.latest_complete(date(2026, 12, 31)) == Period(
        date(2026, 10, 1), date(2027, 1, 1), "quarter"
    )
    # a period the data covers already is itself
    assert month_period(2026, 9).latest_complete(october) == month_period(2026, 9)
    # data years behind: no stand-in
    assert this_month.latest_complete(date(2020, 1, 31)) is None
    assert month_period(2026, 10).to_json() == {
        "start": "2026-10-01",
        "end": "2026-10-31",
        "grain": "month",
    }
    with pytest.raises(ValueError):
        Period(date(2026, 1, 1), date(2026, 1, 1))
