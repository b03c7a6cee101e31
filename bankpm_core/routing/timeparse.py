"""Time expressions in Chinese and English, resolved against the injected clock's date.

The conventions live in docs/understanding.md; this module is their executable form.
Parsing works on normalised text (see :mod:`bankpm_core.routing.text`) in three
passes, each blanking what it consumed so the next one cannot misread it:

1. comparison phrases ("比上月", "去年同期", "vs last year") — they contain period
   words that must not become the period;
2. period atoms ("上季度", "2026年10月", "past 6 months"), then ranges ("1月到10月")
   and unions ("9月和10月") of adjacent atoms;
3. trend words ("趋势", "每月", "monthly") that set the grain.

Every period is calendar-based and never ends after today.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from bankpm_core.metrics.periods import GRAIN_MONTHS, Grain, Period, add_months, grain_start
from bankpm_core.routing.text import NUM, mask, to_int

Comparison = Literal["prev", "qoq", "yoy"]
"""``prev`` is "the previous period": mom/qoq/prev_period once the grain is known."""

_MONTH_NAMES = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTHS_RE = "|".join(sorted(_MONTH_NAMES, key=len, reverse=True))
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3}
_ORDINALS["4th"] = 4

_L = r"(?<![a-z0-9])"  # ASCII word boundaries that also work next to Chinese
_R = r"(?![a-z0-9])"
_Y4 = r"(?:19|20)\d{2}"
_YEAR = (
    rf"({_Y4}\s*年?度?(?:的)?|\d{{2}}年|今年|去年|前年|本年|上年|"
    r"this year'?s?|last year'?s?|the previous year'?s?)"
)
_QNUM = r"([1-4一二三四])"


# --- comparison phrases ------------------------------------------------------------

_VS = r"(?:vs\.?|versus|compared (?:to|with)|against|relative to)"
_COMPARISONS: tuple[tuple[Comparison, re.Pattern[str]], ...] = (
    (
        "yoy",
        re.compile(
            r"去年同期|上年同期|同期相比|同比|(?:比|较|跟|和|与|相比|对比)去年(?:相比|比)?|"
            rf"{_L}(?:yoy|y-o-y|y/y){_R}|year[- ](?:over|on)[- ]year|"
            rf"{_VS} (?:the )?(?:same (?:month|period|quarter|time) )?(?:of |in )?"
            r"(?:a year ago|a year earlier|last year|the previous year|the prior year|prior year)|"
            r"(?:the )?same (?:month|period|quarter|time) (?:of |in )?(?:last year|a year ago)|"
            r"(?:from|than) (?:a year ago|last year)|"
            rf"{_VS} (?:the )?year before"
        ),
    ),
    (
        "qoq",
        re.compile(
            r"季度环比|环比上(?:个|一)?季度?|(?:比|较|跟|和|与|相比|对比)上(?:个|一)?季度?(?:相比|比)?|"
            rf"{_L}(?:qoq|q-o-q|q/q){_R}|quarter[- ](?:over|on)[- ]quarter|"
            rf"{_VS} (?:the )?(?:(?:last|previous|prior) quarter|quarter before)"
        ),
    ),
    (
        "prev",
        re.compile(
            r"环比|(?:比|较|跟|和|与|相比|对比)上(?:个|一)?月(?:相比|比)?|(?:比|较|与)上期|上期相比|"
            rf"{_L}(?:mom|m-o-m|m/m){_R}|month[- ](?:over|on)[- ]month|"
            rf"{_VS} (?:the )?(?:(?:last|previous|prior) (?:month|period)|(?:month|period) before)|"
            r"(?:from|than) (?:the )?(?:last|previous|prior) month"
        ),
    ),
)


# --- trend words ---------------------------------------------------------------------

_TRENDS: tuple[tuple[Grain, re.Pattern[str]], ...] = (
    (
        "day",
        re.compile(
            r"每天|每日|按天|按日|逐日|日度|分日|"
            rf"{_L}(?:daily|per day|by day|each day|every day|day[- ]by[- ]day){_R}"
        ),
    ),
    (
        "quarter",
        re.compile(
            r"每个?季度?|按季度?|分季度?|逐季|各季度?|季度(?:走势|趋势|变化)|"
            rf"{_L}(?:quarterly|by quarter|per quarter|each quarter|quarter[- ]by[- ]quarter){_R}"
        ),
    ),
    (
        "year",
        re.compile(
            r"每年|按年(?!化)|逐年|各年|分年|历年|"
            rf"{_L}(?:yearly|annually|by year|per year|each year|year[- ]by[- ]year){_R}"
        ),
    ),
    (
        "month",
        re.compile(
            r"趋势|走势|每个?月|按月|分月|月度|逐月|各月|月均|月平均|"
            rf"{_L}(?:trends?|trending|trended|monthly|month[- ]by[- ]month|by month|"
            rf"per month|each month|every month|over time|time series){_R}"
        ),
    ),
)
_WEAK_TREND = re.compile(
    rf"变化|变动|波动|{_L}(?:changes?|changed|evolution|evolved?|move|moved|movement|trajectory){_R}"
)
"""Change words are trend words only when no comparison was asked: "环比变化" is a
month-on-month comparison, "逾期率变化" a trend."""


# --- period atoms ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Atom:
    """One period expression before ranges and unions are resolved."""

    start: date
    end: date  # exclusive
    grain: Grain
    span: tuple[int, int]
    unit: str = ""  # month / quarter / half when the year was not given
    index: int = 0  # the month, quarter or half number for ``unit``
    year_given: bool = True


@dataclass(frozen=True)
class TimeParse:
    """What the question says about time.

    ``period`` is always set (the default when nothing was said); ``explicit`` tells
    whether a period expression was found. ``comparison`` is ``prev`` / ``qoq`` /
    ``yoy`` or None; the router turns ``prev`` into mom / qoq / prev_period by grain.
    """

    period: Period
    explicit: bool
    trend: bool
    trend_grain: Grain | None
    comparison: Comparison | None
    period_spans: tuple[tuple[int, int], ...]
    comparison_spans: tuple[tuple[int, int], ...]
    trend_spans: tuple[tuple[int, int], ...]
    # dates that cannot be ("2026-13", "2026年14月", "Q5"), as written: read as no period,
    # they would silently give the default one
    invalid: tuple[str, ...] = ()

    @property
    def spans(self) -> tuple[tuple[int, int], ...]:
        """Everything this parser consumed (periods, comparisons, trend words)."""
        return self.period_spans + self.comparison_spans + self.trend_spans


def _month(year: int, month: int) -> tuple[date, date]:
    start = date(year, month, 1)
    return start, add_months(start, 1)


def _quarter(year: int, q: int) -> tuple[date, date]:
    start = date(year, 3 * (q - 1) + 1, 1)
    return start, add_months(start, 3)


def _half(year: int, h: int) -> tuple[date, date]:
    start = date(year, 1 if h == 1 else 7, 1)
    return start, add_months(start, 6)


def _year_of(token: str, today: date) -> int | None:
    token = token.strip().removesuffix("的").strip()
    digits = re.match(r"\d+", token)
    if digits:
        value = int(digits.group())
        return value if value >= 1900 else 2000 + value
    if token.startswith(("今年", "本年", "this year")):
        return today.year
    if token.startswith(("去年", "上年", "last year", "the previous year")):
        return today.year - 1
    if token.startswith("前年"):
        return today.year - 2
    return None


def _unit_atom(unit: str, index: int, year: int | None, span: tuple[int, int], today: date):
    """A month / quarter / half atom; without a year, the latest one not after today."""
    build = {"month": _month, "quarter": _quarter, "half": _half}[unit]
    grain: Grain = "quarter" if unit == "quarter" else ("all" if unit == "half" else "month")
    given = year is not None
    if year is None:
        year = today.year
        if build(year, index)[0] > today:
            year -= 1
    start, end = build(year, index)
    return _Atom(start, end, grain, span, unit, index, given)


def _month_shift(today: date, months: int) -> tuple[date, date]:
    start = add_months(today.replace(day=1), months)
    return start, add_months(start, 1)


def _quarter_shift(today: date, quarters: int) -> tuple[date, date]:
    start = add_months(grain_start(today, "quarter"), 3 * quarters)
    return start, add_months(start, 3)


def _complete_months(n: int, today: date) -> tuple[date, date]:
    end = today.replace(day=1)
    return add_months(end, -n), end


def _complete_quarters(n: int, today: date) -> tuple[date, date]:
    end = grain_start(today, "quarter")
    return add_months(end, -3 * n), end


def _days(n: int, today: date) -> tuple[date, date]:
    return today - timedelta(days=n - 1), today + timedelta(days=1)


Handler = Callable[[re.Match[str], date], "_Atom | None"]


def _span(m: re.Match[str]) -> tuple[int, int]:
    return m.span()


def _h_date(m: re.Match[str], today: date) -> _Atom | None:
    try:
        day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return _Atom(day, day + timedelta(days=1), "day", _span(m))


def _h_date_sep(m: re.Match[str], today: date) -> _Atom | None:
    try:
        day = date(int(m.group(1)), int(m.group(3)), int(m.group(4)))
    except ValueError:
        return None
    return _Atom(day, day + timedelta(days=1), "day", _span(m))


def _h_year_quarter(m: re.Match[str], today: date) -> _Atom | None:
    year = _year_of(m.group(1), today)
    q = to_int(m.group(2))
    if year is None or q is None or not 1 <= q <= 4:
        return None
    return _unit_atom("quarter", q, year, _span(m), today)


def _h_quarter_year(m: re.Match[str], today: date) -> _Atom | None:
    q = _ORDINALS.get(m.group(1)) or to_int(m.group(1))
    if q is None or not 1 <= q <= 4:
        return None
    return _unit_atom("quarter", q, int(m.group(2)), _span(m), today)


def _h_quarter(m: re.Match[str], today: date) -> _Atom | None:
    q = _ORDINALS.get(m.group(1)) or to_int(m.group(1))
    if q is None or not 1 <= q <= 4:
        return None
    return _unit_atom("quarter", q, None, _span(m), today)


def _h_half(m: re.Match[str], today: date) -> _Atom | None:
    year = _year_of(m.group(1), today) if m.group(1) else None
    word = m.group(2)
    h = 1 if word in ("上半年", "h1", "first") else 2
    return _unit_atom("half", h, year, _span(m), today)


def _h_half_en(m: re.Match[str], today: date) -> _Atom | None:
    h = 1 if m.group(1) in ("first", "1") else 2
    year = int(m.group(2)) if m.group(2) else None
    return _unit_atom("half", h, year, _span(m), today)


def _h_month_range(m: re.Match[str], today: date) -> _Atom | None:
    year = _year_of(m.group(1), today) if m.group(1) else None
    a, b = to_int(m.group(2)), to_int(m.group(3))
    if a is None or b is None or not 1 <= a <= b <= 12:
        return None
    first = _unit_atom("month", a, year, _span(m), today)
    year = first.start.year
    last_end = _month(year, b)[1]
    return _Atom(first.start, last_end, "all", _span(m))


def _h_year_month(m: re.Match[str], today: date) -> _Atom | None:
    year = _year_of(m.group(1), today)
    month = to_int(m.group(2))
    if year is None or month is None or not 1 <= month <= 12:
        return None
    return _unit_atom("month", month, year, _span(m), today)


def _h_numeric_month(m: re.Match[str], today: date) -> _Atom | None:
    month = int(m.group(2))
    if not 1 <= month <= 12:
        return None
    return _unit_atom("month", month, int(m.group(1)), _span(m), today)


def _h_month_slash_year(m: re.Match[str], today: date) -> _Atom | None:
    month = int(m.group(1))
    if not 1 <= month <= 12:
        return None
    return _unit_atom("month", month, int(m.group(2)), _span(m), today)


def _h_name_year(m: re.Match[str], today: date) -> _Atom | None:
    return _unit_atom("month", _MONTH_NAMES[m.group(1)], int(m.group(2)), _span(m), today)


def _h_year_name(m: re.Match[str], today: date) -> _Atom | None:
    return _unit_atom("month", _MONTH_NAMES[m.group(2)], int(m.group(1)), _span(m), today)


def _h_month(m: re.Match[str], today: date) -> _Atom | None:
    month = to_int(m.group(1))
    if month is None or not 1 <= month <= 12:
        return None
    return _unit_atom("month", month, None, _span(m), today)


def _h_month_name(m: re.Match[str], today: date) -> _Atom | None:
    return _unit_atom("month", _MONTH_NAMES[m.group(1)], None, _span(m), today)


def _h_ytd_first_months(m: re.Match[str], today: date) -> _Atom | None:
    year = _year_of(m.group(1), today)
    n = to_int(m.group(2))
    if year is None or n is None or not 1 <= n <= 12:
        return None
    return _Atom(date(year, 1, 1), _month(year, n)[1], "all", _span(m))


def _h_first_quarters(m: re.Match[str], today: date) -> _Atom | None:
    """前三季度 / 今年前三季度: Q1 up to Qn of that year."""
    year = _year_of(m.group(2), today) if m.group(2) else today.year
    n = to_int(m.group(3))
    if year is None or n is None or not 1 <= n <= 4:
        return None
    return _Atom(date(year, 1, 1), _quarter(year, n)[1], "all", _span(m))


def _fixed(
    build: Callable[[date], tuple[date, date]], grain: Grain
) -> Callable[[re.Match[str], date], _Atom]:
    def handler(m: re.Match[str], today: date) -> _Atom:
        start, end = build(today)
        return _Atom(start, end, grain, _span(m))

    return handler


def _counted(
    build: Callable[[int, date], tuple[date, date]], factor: int, limit: int
) -> Callable[[re.Match[str], date], _Atom | None]:
    def handler(m: re.Match[str], today: date) -> _Atom | None:
        token = next((g for g in m.groups() if g), "")
        n = 6 if token in ("半", "half a", "half") else to_int(token)
        if n is None or not 1 <= n * factor <= limit:
            return None
        start, end = build(n * factor, today)
        return _Atom(start, end, "all", _span(m))

    return handler


def _h_year(m: re.Match[str], today: date) -> _Atom | None:
    year = int(next(g for g in m.groups() if g))
    year = year if year >= 100 else 2000 + year
    if year > today.year + MAX_YEARS_AHEAD:
        return None
    return _Atom(date(year, 1, 1), date(year + 1, 1, 1), "year", _span(m))


def _this_week(today: date) -> tuple[date, date]:
    return today - timedelta(days=today.weekday()), today + timedelta(days=1)


def _last_week(today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday() + 7)
    return monday, monday + timedelta(days=7)


def _next_week(today: date) -> tuple[date, date]:
    monday = today - timedelta(days=today.weekday() - 7)
    return monday, monday + timedelta(days=7)


_NEAR = r"(?:近|最近|过去|前)\s*"
_NEAR_END = r"(?:内|以内|之内)?"
_EN_NEAR = r"(?:the )?(?:last|past|previous|prior|trailing|recent)\s+"
_PREFIX_MONTH_GUARD = r"(?<![\d上下本这每近个第])"

_PATTERNS: tuple[tuple[re.Pattern[str], Handler], ...] = tuple(
    (re.compile(p), h)
    for p, h in (
        (rf"({_Y4})\s*年\s*(\d{{1,2}})\s*月\s*(\d{{1,2}})\s*[日号]", _h_date),
        (rf"(?<![\d])({_Y4})([-/.])(\d{{1,2}})\2(\d{{1,2}})(?![\d])", _h_date_sep),
        (rf"{_YEAR}\s*第?\s*{_QNUM}\s*个?季度", _h_year_quarter),
        (rf"{_YEAR}\s*q{_QNUM}{_R}", _h_year_quarter),
        (rf"{_L}q([1-4])\s*(?:of\s*)?[,'’-]?\s*({_Y4}){_R}", _h_quarter_year),
        (
            rf"{_L}(first|second|third|fourth|1st|2nd|3rd|4th) quarter (?:of )?({_Y4}){_R}",
            _h_quarter_year,
        ),
        (rf"(?<![上下本这当每各分按近前])第?\s*{_QNUM}\s*季度", _h_quarter),
        (rf"{_L}q([1-4]){_R}", _h_quarter),
        (rf"{_L}(first|second|third|fourth|1st|2nd|3rd|4th) quarter{_R}", _h_quarter),
        (rf"{_YEAR}?\s*(上半年|下半年)", _h_half),
        (rf"{_L}(?:the )?(first|second) half(?: of (?:the year|({_Y4})))?{_R}", _h_half_en),
        (rf"{_L}h([12])\s*({_Y4})?{_R}", _h_half_en),
        (rf"{_YEAR}\s*前\s*({NUM})\s*个?月", _h_ytd_first_months),
        (rf"({_YEAR})?\s*前\s*{_QNUM}\s*季度", _h_first_quarters),
        (
            rf"{_YEAR}?\s*{_PREFIX_MONTH_GUARD}({NUM})\s*月?份?\s*(?:-|~|～|到|至|—|–)\s*({NUM})\s*月",
            _h_month_range,
        ),
        (rf"{_YEAR}\s*({NUM})\s*月份?", _h_year_month),
        (rf"(?<![\d])({_Y4})\s*[-/.]\s*(\d{{1,2}})(?![\d])", _h_numeric_month),
        (rf"(?<![\d])(\d{{1,2}})\s*/\s*({_Y4})(?![\d])", _h_month_slash_year),
        (rf"{_L}({_MONTHS_RE})\.?\s*,?\s*(?:of\s+)?({_Y4}){_R}", _h_name_year),
        (rf"{_L}({_Y4})\s*({_MONTHS_RE}){_R}", _h_year_name),
        (r"上上个?月|the month before last", _fixed(lambda t: _month_shift(t, -2), "month")),
        (
            r"本月至今|月初至今|本月以来|本月|这个月|这月|当月|"
            rf"{_L}(?:month[- ]to[- ]date|mtd|this month|current month|so far this month){_R}",
            _fixed(lambda t: (t.replace(day=1), t + timedelta(days=1)), "month"),
        ),
        (
            rf"上一?个?月|{_L}(?:last month|previous month|prior month|the past month){_R}",
            _fixed(lambda t: _month_shift(t, -1), "month"),
        ),
        (
            r"本季度至今|本季度|这个季度|这季度|本季|当季|当前季度|"
            rf"{_L}(?:quarter[- ]to[- ]date|qtd|this quarter|current quarter){_R}",
            _fixed(lambda t: (grain_start(t, "quarter"), t + timedelta(days=1)), "quarter"),
        ),
        (
            rf"上一?个?季度|上季|{_L}(?:last quarter|previous quarter|prior quarter){_R}",
            _fixed(lambda t: _quarter_shift(t, -1), "quarter"),
        ),
        # periods to come: kept, so the engine says the data does not reach them, instead
        # of the default period answering a question about the future
        (
            rf"(?<![以如之剩])下一?个?月|{_L}(?:next month|the coming month){_R}",
            _fixed(lambda t: _month_shift(t, 1), "month"),
        ),
        (
            rf"(?<![以如之剩])(?:下一?个?季度|下季)|{_L}(?:next quarter|the coming quarter){_R}",
            _fixed(lambda t: _quarter_shift(t, 1), "quarter"),
        ),
        (
            rf"明年|下一年度?|{_L}(?:next year|the coming year){_R}",
            _fixed(lambda t: (date(t.year + 1, 1, 1), date(t.year + 2, 1, 1)), "year"),
        ),
        (
            r"(?<![以如之剩])(?:下周|下个?星期|下个?礼拜)|"
            + rf"{_L}(?:next week|the coming week){_R}",
            _fixed(_next_week, "all"),
        ),
        (
            r"今年以来|年初至今|年初以来|今年|本年度?|"
            rf"{_L}(?:year[- ]to[- ]date|ytd|so far this year|this year|current year|"
            rf"since the (?:start|beginning) of (?:the|this) year|the year so far){_R}",
            _fixed(lambda t: (date(t.year, 1, 1), t + timedelta(days=1)), "all"),
        ),
        (
            rf"{_NEAR}({NUM})\s*(?:天|日){_NEAR_END}|{_EN_NEAR}({NUM})\s+days?{_R}",
            _counted(_days, 1, 3660),
        ),
        (
            rf"{_NEAR}({NUM})\s*个?(?:周|星期|礼拜)|{_EN_NEAR}({NUM})\s+weeks?{_R}",
            _counted(_days, 7, 3660),
        ),
        (
            rf"{_NEAR}({NUM}|半)\s*个?季度|{_EN_NEAR}({NUM})\s+quarters?{_R}",
            _counted(_complete_quarters, 1, 40),
        ),
        (
            rf"{_NEAR}({NUM})\s*个\s*月|(?:近|最近|过去)\s*({NUM})\s*月|"
            rf"{_EN_NEAR}({NUM})\s+months?{_R}",
            _counted(_complete_months, 1, 120),
        ),
        (
            rf"(?:近|最近|过去)\s*(半)\s*年|{_EN_NEAR}(half)\s+(?:a\s+)?year{_R}",
            _counted(_complete_months, 1, 120),
        ),
        (
            rf"(?:近|最近|过去)\s*({NUM})\s*年|{_EN_NEAR}({NUM})\s+years?{_R}",
            _counted(_complete_months, 12, 120),
        ),
        (
            rf"{_L}(?:over |in |during )?the (?:last|past) (year|12 months|twelve months){_R}|"
            rf"{_L}(?:past year|ttm|ltm|rolling (?:12|twelve) months?|last twelve months){_R}",
            _fixed(lambda t: _complete_months(12, t), "all"),
        ),
        (
            rf"前年|{_L}the year before last{_R}",
            _fixed(lambda t: (date(t.year - 2, 1, 1), date(t.year - 1, 1, 1)), "year"),
        ),
        (
            rf"去年全年|去年|上一?年度?|{_L}(?:last year|previous year|prior year){_R}",
            _fixed(lambda t: (date(t.year - 1, 1, 1), date(t.year, 1, 1)), "year"),
        ),
        (
            r"本周|这周|这个?星期|本星期|" + rf"{_L}(?:this week|week to date|wtd){_R}",
            _fixed(_this_week, "all"),
        ),
        (
            r"上周|上个?星期|上个?礼拜|" + rf"{_L}(?:last week|previous week){_R}",
            _fixed(_last_week, "all"),
        ),
        (
            rf"昨天|昨日|{_L}yesterday{_R}",
            _fixed(lambda t: (t - timedelta(days=1), t), "day"),
        ),
        (rf"今天|今日|{_L}today{_R}", _fixed(lambda t: (t, t + timedelta(days=1)), "day")),
        (
            rf"({_Y4})\s*(?:年度|年|全年)|(?<![\d近去今前本上])(\d{{2}})年(?![\d以来前后内])|{_L}(?:in|for|during|fy|of|since)\s*({_Y4}){_R}|"
            rf"(?<![\d.\-/q])({_Y4})(?![\d.\-/%万亿元笔张户人个])",
            _h_year,
        ),
        (rf"{_PREFIX_MONTH_GUARD}({NUM})\s*月份?", _h_month),
        (
            rf"{_L}(?:in|for|during|of|since|by)\s+"
            rf"({_MONTHS_RE})\.?{_R}",
            _h_month_name,
        ),
        (
            # bare "apr" is the APR (annual percentage rate) unless a year or day follows:
            # "the APR in loan ads" is no month, "Apr 2026" is
            rf"{_L}(january|february|april|june|july|august|september|october|november|december|"
            rf"jan|feb|mar|apr(?=\.?\s*\d)|jun|jul|aug|sept|sep|oct|nov|dec)\.?{_R}",
            _h_month_name,
        ),
    )
    if p
)

_RANGE_GAP = re.compile(
    r"\s*(?:-|~|～|—|–|到|至|直到|一直到|\bto\b|\bthrough\b|\bthru\b|\buntil\b|\btill\b)\s*"
)
_UNION_GAP = re.compile(
    r"\s*(?:和|与|及|跟|、|,|，|以及|对比|比较|相比|比|\band\b|\bvs\.?|\bversus\b|\bor\b|或)\s*"
)
_SINCE_AFTER = re.compile(r"\s*(?:以来|至今|到现在|到今天|到目前为?止?|迄今)")
_SINCE_BEFORE = re.compile(r"(?:\bsince|自|从)\s*$")


def _find_comparison(text: str) -> tuple[Comparison | None, list[tuple[int, int]]]:
    found: Comparison | None = None
    spans: list[tuple[int, int]] = []
    for kind, pattern in _COMPARISONS:
        for m in pattern.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in spans):
                continue
            spans.append(m.span())
            found = found or kind
        text = mask(text, spans)
    return found, spans


def _find_atoms(text: str, today: date) -> list[_Atom]:
    atoms: list[_Atom] = []
    for pattern, handler in _PATTERNS:
        taken: list[tuple[int, int]] = []
        for m in pattern.finditer(text):
            atom = handler(m, today)
            # an explicit future period ("2027年3月", "下个月") is kept: the answer then says
            # when the data ends; a year-less month ("12月") never points to the future
            if atom is None or (atom.start > today and not _explicit_future(atom, today)):
                continue
            atoms.append(atom)
            taken.append(atom.span)
        text = mask(text, taken)
    return sorted(atoms, key=lambda a: a.span)


MAX_YEARS_AHEAD = 5


def _explicit_future(atom: _Atom, today: date) -> bool:
    return atom.year_given and atom.start.year <= today.year + MAX_YEARS_AHEAD


def _with_year(atom: _Atom, year: int, today: date) -> _Atom:
    """Give a year-less month/quarter the year of the atom it is paired with."""
    if atom.year_given or not atom.unit:
        return atom
    rebuilt = _unit_atom(atom.unit, atom.index, year, atom.span, today)
    return replace(rebuilt, year_given=False)


def _combine(atoms: list[_Atom], text: str, today: date) -> list[_Atom]:
    """Merge "A到B" into one range and "A和B" into one union of the same grain."""
    out: list[_Atom] = []
    for atom in atoms:
        if out:
            prev = out[-1]
            gap = text[prev.span[1] : atom.span[0]]
            is_range = bool(_RANGE_GAP.fullmatch(gap))
            is_union = not is_range and bool(_UNION_GAP.fullmatch(gap))
            if is_range or is_union:
                if atom.year_given and not prev.year_given:
                    prev = _with_year(prev, atom.start.year, today)
                    if prev.start > atom.start:
                        prev = _with_year(prev, atom.start.year - 1, today)
                start, end = min(prev.start, atom.start), max(prev.end, atom.end)
                if is_range:
                    grain: Grain = "all"
                elif prev.grain == atom.grain:
                    grain = prev.grain
                elif {prev.grain, atom.grain} == {"year", "all"}:
                    grain = "year"
                else:
                    grain = "all"
                out[-1] = _Atom(start, end, grain, (prev.span[0], atom.span[1]))
                continue
        out.append(atom)
    return out


def _extend_since(atom: _Atom, text: str, today: date) -> _Atom:
    """ "2025年以来" / "since October": from the atom's start to today."""
    after = _SINCE_AFTER.match(text, atom.span[1])
    before = _SINCE_BEFORE.search(text[: atom.span[0]]) or text.startswith("since", atom.span[0])
    if not after and not before:
        return atom
    end_span = after.end() if after else atom.span[1]
    return _Atom(atom.start, today + timedelta(days=1), "all", (atom.span[0], end_span))


def _find_trend(text: str, has_comparison: bool) -> tuple[Grain | None, list[tuple[int, int]]]:
    grain: Grain | None = None
    spans: list[tuple[int, int]] = []
    for g, pattern in _TRENDS:
        for m in pattern.finditer(text):
            spans.append(m.span())
            grain = grain or g
    if not has_comparison:
        for m in _WEAK_TREND.finditer(text):
            spans.append(m.span())
            grain = grain or "month"
    return grain, spans


def default_period(today: date, grain: Grain | None = None) -> Period:
    """No time expression: the last complete month, or a trend window for its grain."""
    if grain == "month":
        start, end = _complete_months(12, today)
    elif grain == "quarter":
        start, end = _complete_quarters(4, today)
    elif grain == "year":
        start, end = date(today.year - 3, 1, 1), date(today.year, 1, 1)
    elif grain == "day":
        start, end = _days(30, today)
    else:
        start, end = _month_shift(today, -1)
        grain = "month"
    return Period(start, end, grain)


_IMPOSSIBLE_MONTH = re.compile(
    r"(?<![\d.])(?:19|20)\d{2}\s*(?:[-/.]|年)\s*(\d{1,2})(?!\d)(?:\s*月)?|(?<![\d.])(\d{1,2})\s*月"
)
_IMPOSSIBLE_QUARTER = re.compile(r"(?<![a-z])q\s*([5-9])(?!\d)|第\s*([5-9五六七八九])\s*季度")


def _impossible_dates(text: str) -> tuple[str, ...]:
    """Month numbers over 12 and quarters over 4, as written."""
    found = []
    for m in _IMPOSSIBLE_MONTH.finditer(text):
        month = int(m.group(1) or m.group(2))
        if month > 12 or month == 0:
            found.append(m.group(0).strip())
    found += [m.group(0).strip() for m in _IMPOSSIBLE_QUARTER.finditer(text)]
    return tuple(found)


_VERSUS = re.compile(r"比|对比|相比|比较|\bvs\.?|\bversus\b|\bcompared\b|\bagainst\b")


def _compared_periods(
    atoms: list[_Atom], text: str
) -> tuple[Comparison | None, list[_Atom], list[tuple[int, int]]]:
    """Two periods set against each other ("10月逾期率和9月比", "Q3 … compared with Q2"):
    the later one is the period, the earlier one its comparison — the one before it
    (prev) or the same one a year before (yoy). Without this the second was dropped and
    the figure came without the comparison asked for. Two other periods of one grain are
    shown together, with those between them."""
    if len(atoms) < 2 or not _VERSUS.search(mask(text, [a.span for a in atoms])):
        return None, atoms, []
    first, second = atoms[0], atoms[1]
    focus, base = (first, second) if first.start > second.start else (second, first)
    step = GRAIN_MONTHS.get(focus.grain)
    if step is None or base.grain != focus.grain:
        return None, atoms, []
    if (base.start, base.end) == (add_months(focus.start, -step), focus.start):
        found: Comparison = "prev"
    elif base.start == add_months(focus.start, -12) and step < 12:
        found = "yoy"
    else:  # "10月对比6月": both, with the months between, one bucket each
        both = _Atom(base.start, focus.end, focus.grain, first.span)
        return None, [both, *atoms[2:]], [second.span]
    return found, [focus, *atoms[2:]], [base.span]


def parse_time(text: str, today: date) -> TimeParse:
    """Parse normalised text (see ``text.normalize``) for period, trend and comparison."""
    comparison, comparison_spans = _find_comparison(text)
    rest = mask(text, comparison_spans)
    atoms = _combine(_find_atoms(rest, today), rest, today)
    atoms = [_extend_since(a, rest, today) for a in atoms]
    if comparison is None:
        comparison, atoms, base_spans = _compared_periods(atoms, rest)
        comparison_spans = [*comparison_spans, *base_spans]
    period_spans = [a.span for a in atoms]
    trend_grain, trend_spans = _find_trend(mask(rest, period_spans), comparison is not None)
    tomorrow = today + timedelta(days=1)
    if atoms:
        atom = atoms[0]
        grain = trend_grain or atom.grain
        if atom.start > today:  # explicit future period: keep it whole, the engine explains
            period = Period(atom.start, atom.end, grain)
        else:
            period = Period(atom.start, min(atom.end, tomorrow), grain)
    else:
        period = default_period(today, trend_grain)
    return TimeParse(
        invalid=_impossible_dates(text),
        period=period,
        explicit=bool(atoms),
        trend=trend_grain is not None,
        trend_grain=trend_grain,
        comparison=comparison,
        period_spans=tuple(period_spans[:1]),
        comparison_spans=tuple(comparison_spans),
        trend_spans=tuple(trend_spans),
    )
