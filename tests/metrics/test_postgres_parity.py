"""The same sample bank on PostgreSQL answers every metric case exactly as SQLite does."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy.engine import Engine

from bankpm_core.db import make_engine
from bankpm_core.metrics.engine import MetricEngine
from bankpm_core.metrics.periods import Period
from bankpm_core.metrics.query import MetricQuery
from bankpm_core.metrics.rollups import build_rollups

pytestmark = pytest.mark.postgres

CASES = yaml.safe_load((Path(__file__).parent / "metric_cases.yaml").read_text(encoding="utf-8"))[
    "cases"
]
TODAY = date(2026, 11, 29)


@pytest.fixture(scope="module")
def pg_engine(pg_url: str, catalog) -> Iterator[Engine]:
    from ingest.sample_bank import generate

    engine = make_engine(pg_url)
    generate(engine, seed=7, today=TODAY, scale=0.1, months=36)  # same as the SQLite fixture
    build_rollups(engine, catalog)
    yield engine
    engine.dispose()


def _values(engine: Engine, catalog, case: dict, rollups: bool) -> dict:
    period = Period(case["start"], case["end"] + timedelta(days=1), case.get("grain", "all"))
    query = MetricQuery.build(
        case["metric"], period, case.get("filters"), breakdown=tuple(case.get("breakdown", ()))
    )
    frame = MetricEngine(engine, catalog, use_rollups=rollups).run(query).frame
    dims = list(case.get("breakdown", ()))
    return {
        (str(r["bucket_start"]), *(r[d] for d in dims)): r["value"]
        for r in frame.to_dict(orient="records")
        if not (isinstance(r["value"], float) and math.isnan(r["value"]))
    }


@pytest.mark.parametrize("rollups", [False, True], ids=["raw", "rollup"])
@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_postgres_matches_sqlite(
    case: dict, rollups: bool, pg_engine, sample_engine, catalog
) -> None:
    pg = _values(pg_engine, catalog, case, rollups)
    lite = _values(sample_engine, catalog, case, rollups)
    assert set(pg) == set(lite) and pg
    for key, value in lite.items():
        assert pg[key] == pytest.approx(value, rel=1e-9, abs=1e-9), key


def test_postgres_period_over_period(pg_engine, catalog) -> None:
    oct_ = Period(date(2026, 10, 1), date(2026, 11, 1), "month")
    metrics = MetricEngine(pg_engine, catalog)
    mom = metrics.run(
        MetricQuery.build("overdue_rate", oct_, {"product": ["FLASH"]}, comparison="mom")
    )
    sep = metrics.run(
        MetricQuery.build("overdue_rate", oct_.shifted(months=-1), {"product": ["FLASH"]})
    )
    row = mom.frame.iloc[0]
    assert row["compare_value"] == pytest.approx(sep.frame["value"].iloc[0])
    assert row["change"] == pytest.approx(row["value"] - row["compare_value"])
