"""Calendar arithmetic for metric periods: half-open date ranges split into buckets.

A :class:`Period` is ``[start, end)`` plus a grain. Grains are calendar-aligned
(month, quarter, year) or ``day``; ``all`` means the whole range is one bucket
(近30天, a custom range). Comparisons shift by whole months where the period is
month-aligned, by days otherwise.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Grain = Literal["day", "month", "quarter", "year", "all"]
GRAIN_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def add_months(day: date, months: int) -> date:
    total = day.year * 12 + (day.month - 1) + months
    year, month = divmod(total, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def month_start(day: date) -> date:
    return day.replace(day=1)


def grain_start(day: date, grain: Grain) -> date:
    if grain == "day":
        return day
    if grain == "month":
        return day.replace(day=1)
    if grain == "quarter":
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if grain == "year":
        return date(day.year, 1, 1)
    raise ValueError(f"no calendar start for grain {grain!r}")


def grain_next(day: date, grain: Grain) -> date:
    if grain == "day":
        return day + timedelta(days=1)
    return add_months(grain_start(day, grain), GRAIN_MONTHS[grain])


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # exclusive
    grain: Grain = "all"

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"empty period {self.start}..{self.end}")

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def month_aligned(self) -> bool:
        return self.start.day == 1 and self.end.day == 1

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month

    def buckets(self) -> list[tuple[date, date]]:
        if self.grain == "all":
            return [(self.start, self.end)]
        out = []
        cursor = grain_start(self.start, self.grain)
        while cursor < self.end:
            nxt = grain_next(cursor, self.grain)
            out.append((max(cursor, self.start), min(nxt, self.end)))
            cursor = nxt
        return out

    def shifted(self, months: int = 0, days: int = 0) -> Period:
        if months:
            return Period(add_months(self.start, months), add_months(self.end, months), self.grain)
        return Period(
            self.start + timedelta(days=days), self.end + timedelta(days=days), self.grain
        )

    def latest_complete(self, as_of: date, limit: int = 36) -> Period | None:
        """The latest period of the same shape that the data (through ``as_of``) covers
        whole: "本月" (to date) asked in November of data through 31 October is October —
        calendar months, as many as the period spans or has begun; "近7天" is the 7 days
        to ``as_of``. None when that is more than ``limit`` periods back."""
        end = as_of + timedelta(days=1)
        if self.start.day != 1:
            length = self.end - self.start
            if (self.start - end).days > limit * length.days:
                return None
            return Period(end - length, end, self.grain)
        months = self.months + (0 if self.end.day == 1 else 1)
        # a quarter or year to date stands for the whole quarter or year
        months = max(months, GRAIN_MONTHS.get(self.grain, 0))
        candidate = Period(self.start, add_months(self.start, months), self.grain)
        for _ in range(limit):
            if candidate.end <= end:
                return candidate
            candidate = candidate.shifted(months=-months)
        return None

    def clamp_end(self, end: date) -> Period:
        return Period(self.start, min(self.end, end), self.grain)

    def label(self, lang: str) -> str:
        return period_label(self.start, self.end, self.grain, lang)

    def to_json(self) -> dict[str, str]:
        return {
            "start": self.start.isoformat(),
            "end": self.last_day.isoformat(),
            "grain": self.grain,
        }


def period_label(start: date, end: date, grain: str, lang: str) -> str:
    """'2026年10月' / 'Oct 2026', '2026年Q3' / 'Q3 2026', or a date range."""
    last = end - timedelta(days=1)
    if start.day == 1 and end == add_months(start, 1):
        return f"{start.year}年{start.month}月" if lang == "zh" else start.strftime("%b %Y")
    if start.day == 1 and start.month % 3 == 1 and end == add_months(start, 3):
        q = (start.month - 1) // 3 + 1
        return f"{start.year}年Q{q}" if lang == "zh" else f"Q{q} {start.year}"
    if start.day == 1 and start.month == 1 and end == add_months(start, 12):
        return f"{start.year}年" if lang == "zh" else str(start.year)
    if start.day == 1 and end.day == 1:
        if lang == "zh":
            return f"{start.year}年{start.month}月–{last.year}年{last.month}月"
        return f"{start.strftime('%b %Y')}–{last.strftime('%b %Y')}"
    if last == start:  # one day: "2026-10-31", not "2026-10-31 ~ 2026-10-31"
        return start.isoformat()
    return f"{start.isoformat()} ~ {last.isoformat()}"


def month_period(year: int, month: int, grain: Grain = "month") -> Period:
    start = date(year, month, 1)
    return Period(start, add_months(start, 1), grain)
