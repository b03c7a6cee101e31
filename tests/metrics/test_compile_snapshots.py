"""Snapshot tests of the SQL the compiler emits, per dialect.

Set BANKPM_UPDATE_SNAPSHOTS=1 to rewrite the files after an intended change, and
review the diff like code.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from bankpm_core.errors import UnknownMemberError
from bankpm_core.metrics.engine import MetricEngine
from bankpm_core.metrics.periods import Period
from bankpm_core.metrics.query import MetricQuery

SNAPSHOTS = Path(__file__).parent / "snapshots"
AS_OF = date(2026, 10, 31)
OCT = Period(date(2026, 10, 1), date(2026, 11, 1), "month")
YTD_MONTHLY = Period(date(2026, 1, 1), date(2026, 11, 1), "month")
Q3 = Period(date(2026, 7, 1), date(2026, 10, 1), "quarter")

SHAPES = {
    "overdue_rate_month": MetricQuery.build("overdue_rate", OCT, {"product": ["FLASH"]}),
    "overdue_rate_mom": MetricQuery.build(
        "overdue_rate", OCT, {"product": ["FLASH"]}, comparison="mom"
    ),
    "overdue_rate_by_channel_ranked": MetricQuery.build(
        "npl_ratio", OCT, {"product": ["FLASH"]}, breakdown=("channel",), order="desc", top_n=1
    ),
    "cards_issued_ytd_monthly": MetricQuery.build(
        "cards_issued", YTD_MONTHLY, {"product": ["CC_YOUTH"]}
    ),
    "approval_time_compare_products": MetricQuery.build(
        "approval_time",
        Period(date(2026, 5, 1), date(2026, 11, 1)),
        {"product": ["AUTO", "FLASH"]},
        breakdown=("product",),
    ),
    "disbursed_yoy": MetricQuery.build(
        "disbursed_amount", OCT, {"product": ["HOME"]}, comparison="yoy"
    ),
    "overdue_segment_quarter": MetricQuery.build(
        "overdue_rate_m3", Q3, {"product": ["FLASH"]}, breakdown=("segment",)
    ),
    "complaint_rate_cross_table": MetricQuery.build(
        "complaint_rate", OCT, {"product": ["CC_YOUTH"]}
    ),
    "nps_expression": MetricQuery.build("nps", Q3, {"segment": ["YOUNG_PRO"]}),
    "market_share_region": MetricQuery.build(
        "market_share", OCT, {"product": ["TD"]}, breakdown=("region",)
    ),
}

DIALECTS = {"sqlite": "sqlite://", "postgresql": "postgresql+psycopg://"}


def _render(catalog, dialect_url: str, query: MetricQuery, rollups: bool) -> str:
    engine = create_engine(dialect_url)  # never connects: plan() gets as_of
    statements = MetricEngine(engine, catalog, use_rollups=rollups).explain(query, as_of=AS_OF)
    return "\n;\n".join(statements) + "\n"


@pytest.mark.parametrize("dialect", sorted(DIALECTS))
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_compiled_sql_matches_snapshot(catalog, shape: str, dialect: str) -> None:
    rendered = ""
    for rollups in (False, True):
        rendered += f"-- use_rollups={rollups}\n" + _render(
            catalog, DIALECTS[dialect], SHAPES[shape], rollups
        )
    path = SNAPSHOTS / f"{shape}.{dialect}.sql"
    if os.environ.get("BANKPM_UPDATE_SNAPSHOTS") == "1":
        path.write_text(rendered, encoding="utf-8")
    assert path.exists(), f"missing snapshot {path.name}: run with BANKPM_UPDATE_SNAPSHOTS=1"
    assert rendered == path.read_text(encoding="utf-8")


def test_values_are_bound_never_inlined(catalog) -> None:
    query = MetricQuery.build("overdue_rate", OCT, {"product": ["FLASH'; DROP TABLE loans; --"]})
    engine = create_engine("sqlite://")
    metrics = MetricEngine(engine, catalog)
    with pytest.raises(UnknownMemberError, match="FLASH'; DROP"):
        metrics.explain(query, as_of=AS_OF)  # unknown member is rejected before SQL exists
    sql = "".join(_render(catalog, "sqlite://", SHAPES["overdue_rate_mom"], False))
    assert "FLASH" not in sql and "30" not in sql  # member code and filter literal are parameters


def test_rollup_used_only_when_it_covers_the_query(catalog) -> None:
    covered = _render(catalog, "sqlite://", SHAPES["overdue_rate_by_channel_ranked"], True)
    assert "loan_snapshot_rollup" in covered
    rate = MetricQuery.build("loan_balance", OCT, {"product": ["FLASH"]})
    assert "loan_snapshot_rollup" in _render(catalog, "sqlite://", rate, True)
    # 'accounts' is in the rollup, but approval_time's table has no rollup at all
    assert "rollup" not in _render(
        catalog, "sqlite://", SHAPES["approval_time_compare_products"], True
    )
