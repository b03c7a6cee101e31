"""The generation window and the random streams, both derived from the inputs only.

Every stage draws from its own child generator, keyed by the stage's name, so adding a
draw in one stage does not shift the random numbers of another: same seed, same
``today`` and same scale give the same tables, whatever the code order of stages.
"""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from ingest.sample_bank.reference import SPEND_SEASON, SPRING_FESTIVAL, SPRING_FESTIVAL_SPEND


def stream(seed: int, name: str) -> np.random.Generator:
    """A child generator of ``seed`` reserved for one stage (crc32 of its name)."""
    key = zlib.crc32(name.encode("utf-8"))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(key,))))


@dataclass(frozen=True)
class Timeline:
    """``months`` full calendar months ending with the month before ``today``'s month."""

    today: dt.date
    months: int

    def __post_init__(self) -> None:
        if self.months < 1:
            raise ValueError("months must be at least 1")

    @cached_property
    def month_starts(self) -> np.ndarray:
        """First day of every month in the window, as datetime64[D]."""
        end = np.datetime64(self.today, "M")
        return (end - self.months + np.arange(self.months)).astype("datetime64[D]")

    @property
    def end(self) -> np.datetime64:
        """First day of ``today``'s month: nothing may be dated on or after it."""
        return np.datetime64(self.today, "M").astype("datetime64[D]")

    @property
    def first_month(self) -> dt.date:
        return self.month_starts[0].astype(dt.date)

    @property
    def last_month(self) -> dt.date:
        return self.month_starts[-1].astype(dt.date)

    @cached_property
    def days_in_month(self) -> np.ndarray:
        nxt = (self.month_starts.astype("datetime64[M]") + 1).astype("datetime64[D]")
        return (nxt - self.month_starts).astype(int)

    @cached_property
    def month_ends(self) -> np.ndarray:
        """Last day of every month, as datetime64[D]."""
        return self.month_starts + (self.days_in_month - 1)

    @cached_property
    def calendar_month(self) -> np.ndarray:
        """Calendar month index 0..11 (0 = January) of every window month."""
        return self.month_starts.astype("datetime64[M]").astype(int) % 12

    @cached_property
    def spring_festival(self) -> np.ndarray:
        """True for the month containing Spring Festival (春节)."""
        years = self.month_starts.astype("datetime64[Y]").astype(int) + 1970
        festival = np.array([SPRING_FESTIVAL.get(int(y), (2, 1))[0] - 1 for y in years])
        return festival == self.calendar_month

    def ramp(self, last_n: int) -> np.ndarray:
        """0 before the last ``last_n`` months, rising linearly to 1 in the last month."""
        t = np.arange(self.months)
        start = self.months - last_n
        return np.clip((t - start + 1) / last_n, 0.0, 1.0)

    def trend(self) -> np.ndarray:
        """0 in the first month, 1 in the last (0 throughout for a one-month window)."""
        return np.arange(self.months) / max(self.months - 1, 1)

    def index_of(self, months_before_end: int) -> int | None:
        """Window index of the month ``months_before_end`` months before ``today``'s."""
        t = self.months - months_before_end
        return t if 0 <= t < self.months else None

    @cached_property
    def spend_season(self) -> np.ndarray:
        """Card spending multiplier per window month."""
        season = np.array(SPEND_SEASON)[self.calendar_month]
        return season * np.where(self.spring_festival, SPRING_FESTIVAL_SPEND, 1.0)

    def month_of(self, days: np.ndarray) -> np.ndarray:
        """Window index of datetime64[D] dates (may fall outside 0..months-1)."""
        first = self.month_starts[0].astype("datetime64[M]").astype(int)
        return days.astype("datetime64[M]").astype(int) - first

    def random_days(
        self, rng: np.random.Generator, month_index: np.ndarray, weekend_weight: np.ndarray
    ) -> np.ndarray:
        """A random day within each given month; weekends weighted per row.

        Rejection-free: draw a day, then redraw once with probability (1 - weight) on
        weekends, which gives a weekend share close enough to the weight asked for.
        """
        starts = self.month_starts[month_index]
        n_days = self.days_in_month[month_index]
        day = starts + np.floor(rng.random(month_index.size) * n_days).astype("timedelta64[D]")
        weekday = (day.astype("datetime64[D]").astype(int) + 3) % 7  # 0 = Monday
        redraw = (weekday >= 5) & (rng.random(month_index.size) > weekend_weight)
        again = starts + np.floor(rng.random(month_index.size) * n_days).astype("timedelta64[D]")
        return np.where(redraw, again, day)
