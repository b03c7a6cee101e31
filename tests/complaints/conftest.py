"""Complaint fixtures: the bundled taxonomy and a scale-0.05 sample bank per module."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine

from bankpm_core.clock import FixedClock
from bankpm_core.complaints import Taxonomy, load_taxonomy

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def taxonomy() -> Taxonomy:
    return load_taxonomy(REPO / "knowledge" / "complaint_themes.yaml")


@pytest.fixture(scope="module")
def complaint_bank(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    from bankpm_core.db import make_engine
    from ingest.sample_bank import generate

    path = tmp_path_factory.mktemp("complaint_bank") / "bank.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    generate(engine, seed=7, today=date(2026, 11, 29), scale=0.05, months=36)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def fixed_clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 29, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
