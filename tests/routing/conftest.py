"""Fixtures for routing tests: one router per session on the bundled catalog.

The clock is fixed at 2026-11-29 10:00 Asia/Shanghai, the ``today`` of the case files.
"""

from __future__ import annotations

import pytest

from bankpm_core.clock import FixedClock
from bankpm_core.metrics.catalog import Catalog
from bankpm_core.routing import Router


@pytest.fixture(scope="session")
def router(catalog: Catalog, clock: FixedClock) -> Router:
    built = Router(catalog, clock)
    built.warm_up()
    return built
