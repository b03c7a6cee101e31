"""Metric query latency at benchmark scale, SQLite and PostgreSQL, vs a naive baseline.

    python bench/bench_metrics.py [--scale 12] [--reps 30] [--pg URL] [--rebuild]

Builds (once, cached in bench/.data/) a sample bank with >= 5M loan-month rows, then
times 10 query shapes through MetricEngine with rollups on and off, and a naive
baseline that loads the table into pandas and filters it there (load time reported
separately; per-query times for the baseline exclude the load, which flatters it).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd
from sqlalchemy import MetaData, Table, create_engine, func, select, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bankpm_core.db import has_tables, make_engine
from bankpm_core.metrics.catalog import load_catalog
from bankpm_core.metrics.engine import MetricEngine
from bankpm_core.metrics.periods import Period
from bankpm_core.metrics.query import MetricQuery
from bankpm_core.metrics.rollups import build_rollups

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 29)
OCT = Period(date(2026, 10, 1), date(2026, 11, 1), "month")
Q3 = Period(date(2026, 7, 1), date(2026, 10, 1), "quarter")
M24 = Period(date(2024, 11, 1), date(2026, 11, 1), "month")
M6 = Period(date(2026, 5, 1), date(2026, 11, 1), "all")

SHAPES: dict[str, MetricQuery] = {
    "1 single metric/product/month": MetricQuery.build("overdue_rate", OCT, {"product": ["FLASH"]}),
    "2 MoM": MetricQuery.build("overdue_rate", OCT, {"product": ["FLASH"]}, comparison="mom"),
    "3 YoY (flow, loans)": MetricQuery.build(
        "disbursed_amount", OCT, {"product": ["HOME"]}, comparison="yoy"
    ),
    "4 breakdown by channel": MetricQuery.build(
        "overdue_rate", OCT, {"product": ["FLASH"]}, breakdown=("channel",)
    ),
    "5 24-month trend": MetricQuery.build("overdue_rate", M24, {"product": ["FLASH"]}),
    "6 ranking top-1 channel": MetricQuery.build(
        "npl_ratio", OCT, {"product": ["FLASH"]}, breakdown=("channel",), order="desc", top_n=1
    ),
    "7 segment filter M3+": MetricQuery.build("overdue_rate_m3", OCT, {"segment": ["YOUNG_PRO"]}),
    "8 quarter by segment": MetricQuery.build(
        "overdue_rate", Q3, {"product": ["FLASH"]}, breakdown=("segment",)
    ),
    "9 24-month trend by channel": MetricQuery.build("loan_balance", M24, breakdown=("channel",)),
    "10 compare products 6 months": MetricQuery.build(
        "approval_time", M6, {"product": ["AUTO", "FLASH"]}, breakdown=("product",)
    ),
}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q * (len(ordered) - 1))))
    return ordered[k]


def ensure_bank(url: str, scale: float, rebuild: bool, catalog) -> None:
    from ingest.sample_bank import generate

    engine = make_engine(url)
    ready = has_tables(engine, "loan_snapshots", *catalog.rollups)
    if ready and not rebuild:
        with engine.connect() as conn:
            rows = conn.execute(select(func.count()).select_from(text("loan_snapshots"))).scalar()
        if rows and rows >= 5_000_000:
            print(f"  reusing {url.split('@')[-1]}: {rows:,} loan-month rows", flush=True)
            engine.dispose()
            return
    started = time.perf_counter()
    report = generate(engine, seed=20261129, today=TODAY, scale=scale, months=36)
    build_rollups(engine, catalog)
    print(f"  built in {time.perf_counter() - started:.0f}s: {dict(report.rows)}", flush=True)
    engine.dispose()


def naive(frames: dict[str, pd.DataFrame], shape: str) -> object:
    """The baseline a PM's analyst would write: filter the loaded DataFrame and aggregate."""
    snaps = frames["loan_snapshots"]
    if shape.startswith("10"):
        apps = frames["applications"]
        sel = apps[(apps.applied_on >= date(2026, 5, 1)) & (apps.applied_on < date(2026, 11, 1))]
        return (
            sel[sel["product"].isin(["AUTO", "FLASH"])].groupby("product")["decision_hours"].mean()
        )
    if shape.startswith("3"):
        loans = frames["loans"]
        sel = loans[loans["product"] == "HOME"]
        cur = sel[
            (sel.disbursed_on >= date(2026, 10, 1)) & (sel.disbursed_on < date(2026, 11, 1))
        ].amount.sum()
        prev = sel[
            (sel.disbursed_on >= date(2025, 10, 1)) & (sel.disbursed_on < date(2025, 11, 1))
        ].amount.sum()
        return cur / prev - 1
    months = [date(2026, 10, 1)]
    if shape.startswith(("5", "9")):
        months = [d.date() for d in pd.date_range("2024-11-01", "2026-10-01", freq="MS")]
    if shape.startswith("2"):
        months = [date(2026, 9, 1), date(2026, 10, 1)]
    if shape.startswith("8"):
        months = [date(2026, 9, 1)]
    sel = snaps[snaps["month"].isin(months)]
    if shape.startswith("7"):
        sel = sel[
            (sel["segment"] == "YOUNG_PRO")
            & sel["product"].isin(["FLASH", "HOME", "SME", "AUTO", "CC_YOUTH", "CC_PLAT"])
        ]
    elif not shape.startswith("9"):
        sel = sel[sel["product"] == "FLASH"]
    keys = (
        ["month"]
        + (["channel"] if shape.startswith(("4", "6", "9")) else [])
        + (["segment"] if shape.startswith("8") else [])
    )
    if shape.startswith("9"):
        return sel.groupby(keys)["balance"].sum()
    threshold = 90 if shape.startswith("7") else 30
    bad = sel["balance"].where(sel["dpd"] > threshold, 0.0)
    grouped = sel.assign(bad=bad).groupby(keys)[["bad", "balance"]].sum()
    return grouped["bad"] / grouped["balance"]


def bench_database(label: str, url: str, reps: int, catalog) -> list[dict]:
    engine = make_engine(url)
    rows = []
    for use_rollups in (True, False):
        metrics = MetricEngine(engine, catalog, use_rollups=use_rollups)
        for name, query in SHAPES.items():
            metrics.run(query)  # warm caches / as_of
            times = []
            for _ in range(reps if use_rollups else max(3, reps // 6)):
                started = time.perf_counter()
                metrics.run(query)
                times.append((time.perf_counter() - started) * 1000)
            rows.append(
                {
                    "db": label,
                    "path": "rollups" if use_rollups else "raw table",
                    "shape": name,
                    "p50": statistics.median(times),
                    "p95": pct(times, 0.95),
                    "n": len(times),
                }
            )
    started = time.perf_counter()
    frames = {}
    with engine.connect() as conn:
        for name in ("loan_snapshots", "loans", "applications"):
            tbl = Table(name, MetaData(), autoload_with=conn)
            frames[name] = pd.read_sql(select(tbl), conn)
    for df, col in (
        (frames["loan_snapshots"], "month"),
        (frames["loans"], "disbursed_on"),
        (frames["applications"], "applied_on"),
    ):
        df[col] = pd.to_datetime(df[col]).dt.date
    load_ms = (time.perf_counter() - started) * 1000
    for name in SHAPES:
        times = []
        for _ in range(3):
            started = time.perf_counter()
            naive(frames, name)
            times.append((time.perf_counter() - started) * 1000)
        rows.append(
            {
                "db": label,
                "path": "naive pandas (after load)",
                "shape": name,
                "p50": statistics.median(times),
                "p95": pct(times, 0.95),
                "n": len(times),
            }
        )
    print(
        f"  {label}: naive baseline load of 3 tables into pandas took {load_ms / 1000:.1f}s "
        f"({len(frames['loan_snapshots']):,} loan-month rows)"
    )
    engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=12.0)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument(
        "--pg",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        help="admin URL; the bench uses (and keeps) a database 'bankpm_bench'",
    )
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    catalog = load_catalog(REPO / "knowledge" / "catalog.yaml")
    data = REPO / "bench" / ".data"
    data.mkdir(parents=True, exist_ok=True)
    targets = [("SQLite", f"sqlite:///{data / 'bench.sqlite3'}")]
    if not args.no_pg:
        admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = 'bankpm_bench'")
            ).scalar()
            if not exists:
                conn.execute(text("CREATE DATABASE bankpm_bench"))
        admin.dispose()
        targets.append(
            ("PostgreSQL", make_url(args.pg).set(database="bankpm_bench").render_as_string(False))
        )
    results = []
    for label, url in targets:
        print(f"[{label}] preparing benchmark bank (scale {args.scale}) …", flush=True)
        ensure_bank(url, args.scale, args.rebuild, catalog)
        results.extend(bench_database(label, url, args.reps, catalog))
    frame = pd.DataFrame(results)
    table = frame.pivot_table(index="shape", columns=["db", "path"], values="p95").round(1)
    print("\np95 latency (ms) per query shape")
    print(table.to_string())
    p50 = frame.pivot_table(index="shape", columns=["db", "path"], values="p50").round(1)
    print("\np50 latency (ms) per query shape")
    print(p50.to_string())


if __name__ == "__main__":
    main()
