"""Fixtures for routing tests: one router per session on the bundled catalog.

The clock is fixed at 2026-11-29 10:00 Asia/Shanghai, the ``today`` of the case files.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bankpm_core.clock import FixedClock
from bankpm_core.metrics.catalog import Catalog
from bankpm_core.routing import Router


@pytest.fixture(scope="session")
def fixed_clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 29, 10, tzinfo=ZoneInfo("Asia/Shanghai")))


@pytest.fixture(scope="session")
def router(catalog: Catalog, fixed_clock: FixedClock) -> Router:
    built = Router(catalog, fixed_clock)
    built.warm_up()
    return built
