"""Shared fixtures: the catalog, a fixed clock, a small sample bank, PostgreSQL.

The sample bank is generated once per session into a temp directory at a small
scale; tests that write build their own.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from bankpm_core.clock import FixedClock
from bankpm_core.metrics.catalog import Catalog, load_catalog

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CATALOG_PATH = REPO / "knowledge" / "catalog.yaml"
TZ = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 29)
SAMPLE_SCALE = 0.1
SAMPLE_SEED = 7
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(CATALOG_PATH)


@pytest.fixture(scope="session")
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 29, 10, 0, tzinfo=TZ))


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog) -> str:
    """URL of a SQLite sample bank (scale 0.1) with rollups, built once per session."""
    from bankpm_core.db import make_engine
    from bankpm_core.metrics.rollups import build_rollups
    from ingest.sample_bank import generate

    path = tmp_path_factory.mktemp("bank") / "bankpm.sqlite3"
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    generate(engine, seed=SAMPLE_SEED, today=TODAY, scale=SAMPLE_SCALE, months=36)
    build_rollups(engine, catalog)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def small_bank(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A scale-0.05 sample bank without rollups (about 1,300 loans): the pricing and
    complaint models read its raw tables. Read-only, like every shared bank."""
    from bankpm_core.db import make_engine
    from ingest.sample_bank import generate

    path = tmp_path_factory.mktemp("small_bank") / "bank.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    generate(engine, seed=SAMPLE_SEED, today=TODAY, scale=0.05, months=36)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def sample_engine(sample_db: str) -> Iterator[Engine]:
    from bankpm_core.db import make_engine

    engine = make_engine(sample_db)
    yield engine
    engine.dispose()


def _pg_admin_url() -> str:
    return os.environ.get("BANKPM_TEST_PG_URL") or DEFAULT_PG


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this session, dropped afterwards.

    Skips when no server answers, unless BANKPM_REQUIRE_PG=1 (CI), where it fails.
    """
    admin_url = _pg_admin_url()
    try:
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        if os.environ.get("BANKPM_REQUIRE_PG") == "1":
            pytest.fail(f"PostgreSQL required but unreachable at {admin_url}: {exc}")
        pytest.skip(f"no PostgreSQL at {admin_url} ({exc.__class__.__name__})")
    name = f"bankpm_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n"),
                {"n": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
