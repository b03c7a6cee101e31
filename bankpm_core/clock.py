"""Time as a dependency: '上个月' and digests resolve from an injected clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


@dataclass(frozen=True)
class SystemClock:
    """The real clock, in the configured time zone."""

    tz: tzinfo

    def now(self) -> datetime:
        return datetime.now(self.tz)


@dataclass(frozen=True)
class FixedClock:
    """A clock that always says the same time; tests and reproducible demos use it."""

    at: datetime

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("FixedClock needs a timezone-aware datetime")

    def now(self) -> datetime:
        return self.at


def today(clock: Clock) -> date:
    return clock.now().date()
