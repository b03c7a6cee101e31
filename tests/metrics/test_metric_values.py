"""Every catalog metric, computed by the engine, equals an independent pandas result."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from metric_oracle import Oracle  # tests/metrics is on sys.path (pytest prepend mode)

from bankpm_core.metrics.engine import MetricEngine
from bankpm_core.metrics.periods import Period
from bankpm_core.metrics.query import MetricQuery

CASES = yaml.safe_load((Path(__file__).parent / "metric_cases.yaml").read_text(encoding="utf-8"))[
    "cases"
]


def _query(case: dict) -> MetricQuery:
    period = Period(case["start"], case["end"] + timedelta(days=1), case.get("grain", "all"))
    return MetricQuery.build(
        case["metric"], period, case.get("filters"), breakdown=tuple(case.get("breakdown", ()))
    )


def test_every_metric_has_a_case(catalog) -> None:
    covered = {case["metric"] for case in CASES}
    assert set(catalog.metrics) - covered == set()


@pytest.fixture(scope="module")
def oracle(sample_engine, catalog) -> Oracle:
    return Oracle(sample_engine, catalog)


@pytest.mark.parametrize("use_rollups", [False, True], ids=["raw", "rollup"])
@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_metric_matches_pandas(
    case: dict, use_rollups: bool, sample_engine, catalog, oracle
) -> None:
    engine = MetricEngine(sample_engine, catalog, use_rollups=use_rollups)
    result = engine.run(_query(case))
    breakdown = list(case.get("breakdown", ()))
    expected = oracle.compute(
        case["metric"],
        case.get("filters", {}),
        case["start"],
        case["end"],
        case.get("grain", "all"),
        breakdown,
    ).dropna()
    got = {
        (row["bucket_start"], *(row[d] for d in breakdown)): row["value"]
        for row in result.frame.to_dict(orient="records")
        if not (isinstance(row["value"], float) and math.isnan(row["value"]))
    }
    want = {(k if isinstance(k, tuple) else (k,)): v for k, v in expected.items()}
    assert set(got) == set(want)
    assert len(got) > 0
    for key, value in want.items():
        assert got[key] == pytest.approx(value, rel=1e-9, abs=1e-9), key


def test_balances_are_never_summed_across_time(sample_engine, catalog) -> None:
    engine = MetricEngine(sample_engine, catalog)
    q3 = engine.run(
        MetricQuery.build("loan_balance", Period(date(2026, 7, 1), date(2026, 10, 1), "quarter"))
    )
    sep = engine.run(
        MetricQuery.build("loan_balance", Period(date(2026, 9, 1), date(2026, 10, 1), "month"))
    )
    assert q3.frame["value"].iloc[0] == pytest.approx(sep.frame["value"].iloc[0])
