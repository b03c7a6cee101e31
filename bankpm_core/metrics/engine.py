"""Run a typed :class:`MetricQuery`: plan, compile, execute, post-process with pandas.

``explain`` and ``run`` share one path (:meth:`MetricEngine.plan`). Balances are
never summed across time: for a table's non-additive columns each bucket takes its
last snapshot; additive measures are summed; averages are carried as sum + count.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd
from rapidfuzz import process
from sqlalchemy import Date, func, select, table
from sqlalchemy import column as sa_column
from sqlalchemy.engine import Engine
from sqlalchemy.sql import Select

from bankpm_core.errors import (
    NoDataError,
    PeriodAfterDataError,
    UnknownMemberError,
    UnknownMetricError,
    UnsupportedQueryError,
)
from bankpm_core.metrics.catalog import Catalog, Measure, MetricSpec, TableSpec
from bankpm_core.metrics.compile import Source, TimeMode, compile_group, source_for, sql_text
from bankpm_core.metrics.expr import evaluate
from bankpm_core.metrics.periods import Period, add_months, grain_start, month_start
from bankpm_core.metrics.query import MetricQuery

COMPARISON_MONTHS = {"mom": 1, "qoq": 3, "yoy": 12}


@dataclass(frozen=True)
class PlannedStatement:
    table: str
    source: Source
    measures: Mapping[str, Measure]
    window: tuple[date, date]
    time_mode: TimeMode
    statement: Select[Any]
    bucket: date | None  # grain "all": the one bucket this window is; else None (by date)


@dataclass
class Plan:
    query: MetricQuery
    metric: MetricSpec
    period: Period  # after clamping to the data's as-of date
    compare_period: Period | None
    filters: dict[str, tuple[str, ...]]
    statements: list[PlannedStatement]
    as_of: date
    notes: list[tuple[str, str]] = field(default_factory=list)  # (zh, en)


@dataclass
class MetricResult:
    query: MetricQuery
    metric: MetricSpec
    period: Period
    compare_period: Period | None
    filters: dict[str, tuple[str, ...]]
    frame: (
        pd.DataFrame
    )  # bucket_start, bucket_end, *breakdown, value, compare_value, change, change_rel
    as_of: date
    sql: list[str]
    notes: list[tuple[str, str]]
    elapsed_ms: float

    def rows(self) -> list[dict[str, Any]]:
        records = []
        for rec in self.frame.to_dict(orient="records"):
            out = {}
            for key, value in rec.items():
                if isinstance(value, pd.Timestamp | date):
                    out[key] = pd.Timestamp(value).date().isoformat()
                elif isinstance(value, float) and pd.isna(value):
                    out[key] = None
                else:
                    out[key] = value.item() if hasattr(value, "item") else value
            records.append(out)
        return records


def _comparison_shift(comparison: str, period: Period) -> tuple[int, int]:
    """(months, days) to move back for the comparison period."""
    if comparison in COMPARISON_MONTHS:
        return COMPARISON_MONTHS[comparison], 0
    if period.month_aligned:
        return period.months, 0
    return 0, (period.end - period.start).days


class MetricEngine:
    """Answers metric queries against one database, as the catalog describes it."""

    def __init__(self, engine: Engine, catalog: Catalog, *, use_rollups: bool = True) -> None:
        self.engine = engine
        self.catalog = catalog
        self.use_rollups = use_rollups
        self._as_of: dict[str, date | None] = {}

    # -- validation -------------------------------------------------------------
    def metric(self, code: str) -> MetricSpec:
        metric = self.catalog.metrics.get(code)
        if metric is None:
            names = {m.code: m.code for m in self.catalog.metrics.values()}
            for m in self.catalog.metrics.values():
                for n in (*m.zh, *m.en):
                    names[n] = m.code
            close = process.extract(code, list(names), limit=5, score_cutoff=55)
            suggestions = list(dict.fromkeys(names[c[0]] for c in close))[:3]
            raise UnknownMetricError(
                f"没有名为“{code}”的指标。",
                f"There is no metric called '{code}'.",
                suggestions=suggestions,
            )
        return metric

    def _check_members(self, filters: Mapping[str, tuple[str, ...]]) -> None:
        for dim, members in filters.items():
            dimension = self.catalog.dimensions.get(dim)
            if dimension is None:
                raise UnknownMemberError(
                    f"没有“{dim}”这个维度。",
                    f"There is no dimension '{dim}'.",
                    suggestions=list(self.catalog.dimensions),
                )
            for code in members:
                if code not in dimension.members:
                    close = process.extract(code, list(dimension.members), limit=3, score_cutoff=50)
                    raise UnknownMemberError(
                        f"{dimension.name('zh')}中没有“{code}”。",
                        f"'{code}' is not a known {dimension.name('en')}.",
                        suggestions=[c[0] for c in close] or list(dimension.members),
                    )

    def _effective_filters(
        self, metric: MetricSpec, query: MetricQuery
    ) -> dict[str, tuple[str, ...]]:
        filters = dict(query.filters)
        self._check_members(filters)
        if metric.applies_to and "product" in self.catalog.dimensions:
            allowed = self.catalog.products_of_kind(metric.applies_to)
            asked = filters.get("product")
            if asked:
                wrong = [p for p in asked if p not in allowed]
                if wrong:
                    names_zh = "、".join(
                        self.catalog.member("product", p).name("zh") for p in wrong
                    )
                    names_en = ", ".join(
                        self.catalog.member("product", p).name("en") for p in wrong
                    )
                    raise UnsupportedQueryError(
                        f"指标“{metric.name('zh')}”不适用于{names_zh}。",
                        f"The metric '{metric.name('en')}' does not apply to {names_en}.",
                        suggestions=list(allowed),
                    )
            else:
                filters["product"] = allowed
        for m in metric.measures.values():
            spec = self.catalog.tables[m.table]
            for dim in (*filters, *query.breakdown):
                if dim not in spec.dimensions:
                    dimension = self.catalog.dimensions.get(dim)
                    zh = dimension.name("zh") if dimension else dim
                    en = dimension.name("en") if dimension else dim
                    raise UnsupportedQueryError(
                        f"指标“{metric.name('zh')}”的数据没有“{zh}”维度，无法按{zh}筛选或拆分。",
                        f"The data behind '{metric.name('en')}' has no {en} dimension, so it "
                        f"cannot be filtered or broken down by {en}.",
                        suggestions=list(spec.dimensions),
                    )
        return filters

    # -- data freshness ----------------------------------------------------------
    def as_of(self, table_name: str) -> date | None:
        """Last day covered by a table (month tables: the end of their last month)."""
        if table_name not in self._as_of:
            spec = self.catalog.tables[table_name]
            stmt = select(func.max(sa_column(spec.time, Date))).select_from(table(spec.name))
            with self.engine.connect() as conn:
                value = conn.execute(stmt).scalar()
            if isinstance(value, str):
                value = date.fromisoformat(value[:10])
            if value is not None and spec.grain == "month":
                value = add_months(month_start(value), 1) - timedelta(days=1)
            self._as_of[table_name] = value
        return self._as_of[table_name]

    def reset_cache(self) -> None:
        self._as_of.clear()

    # -- planning ----------------------------------------------------------------
    def plan(self, query: MetricQuery, as_of: date | None = None) -> Plan:
        """Resolve, clamp and compile; ``as_of`` skips the freshness lookup (snapshots)."""
        metric = self.metric(query.metric)
        filters = self._effective_filters(metric, query)
        as_of_dates = [as_of or self.as_of(t) for t in metric.tables]
        if any(d is None for d in as_of_dates):
            raise NoDataError(
                "数据库中还没有该指标的数据。", "There is no data for this metric yet."
            )
        as_of = min(d for d in as_of_dates if d is not None)
        notes: list[tuple[str, str]] = []
        period = query.period
        if period.start > as_of:
            raise PeriodAfterDataError(
                f"{period.label('zh')}暂无数据：数据截至 {as_of.isoformat()}。",
                f"No data for {period.label('en')} yet: data runs to {as_of.isoformat()}.",
                as_of,
            )
        if period.end > as_of + timedelta(days=1):
            period = period.clamp_end(as_of + timedelta(days=1))
            notes.append(
                (
                    f"数据截至 {as_of.isoformat()}，统计区间截至该日。",
                    f"Data runs to {as_of.isoformat()}; the period is cut there.",
                )
            )
        compare: Period | None = None
        if query.comparison:
            months, days = _comparison_shift(query.comparison, query.period)
            compare = period.shifted(months=-months, days=-days)
        by_table: dict[str, dict[str, Measure]] = defaultdict(dict)
        for name, measure in metric.measures.items():
            by_table[measure.table][name] = measure
        windows = self._windows(period, compare)
        statements = []
        for table_name, measures in by_table.items():
            spec = self.catalog.tables[table_name]
            used = set(filters) | set(query.breakdown)
            source = source_for(self.catalog, spec, measures, used, self.use_rollups)
            mode = self._time_mode(spec, period)
            for start, end, bucket in windows:
                if spec.grain == "month":
                    start = month_start(start)
                stmt = compile_group(
                    source,
                    measures,
                    filters=filters,
                    breakdown=query.breakdown,
                    start=start,
                    end=end,
                    time_mode=mode,
                )
                statements.append(
                    PlannedStatement(table_name, source, measures, (start, end), mode, stmt, bucket)
                )
        return Plan(query, metric, period, compare, filters, statements, as_of, notes)

    @staticmethod
    def _windows(period: Period, compare: Period | None) -> list[tuple[date, date, date | None]]:
        """(start, end, bucket): with grain "all" each window is one bucket, keyed by its
        start; otherwise one window spans both periods and rows are bucketed by date."""
        if period.grain == "all":
            windows: list[tuple[date, date, date | None]] = [
                (period.start, period.end, period.start)
            ]
            if compare:
                windows.append((compare.start, compare.end, compare.start))
            return windows
        start = min(period.start, compare.start) if compare else period.start
        return [(start, period.end, None)]

    @staticmethod
    def _time_mode(spec: TableSpec, period: Period) -> TimeMode:
        if spec.grain == "month":
            return "native"
        if period.grain == "day":
            return "day"
        if period.grain == "all":
            return "none"
        return "month"

    def explain(self, query: MetricQuery, as_of: date | None = None) -> list[str]:
        plan = self.plan(query, as_of)
        return [sql_text(s.statement, self.engine.dialect) for s in plan.statements]

    # -- execution ---------------------------------------------------------------
    def run(self, query: MetricQuery) -> MetricResult:
        started = time.perf_counter()
        plan = self.plan(query)
        by_table: dict[str, list[pd.DataFrame]] = defaultdict(list)
        with self.engine.connect() as conn:
            for planned in plan.statements:
                raw = pd.DataFrame(conn.execute(planned.statement).mappings().all())
                by_table[planned.table].append(self._bucketise(plan, planned, raw))
        # windows of one table stack (different buckets); tables join on bucket x breakdown
        frames = [pd.concat(parts, ignore_index=True) for parts in by_table.values()]
        values = self._combine(plan, frames)
        frame = self._finish(plan, values)
        if frame.empty or frame["value"].isna().all():
            raise NoDataError(
                f"{plan.period.label('zh')}在所选条件下没有数据。",
                f"No data for {plan.period.label('en')} with the chosen filters.",
            )
        elapsed = (time.perf_counter() - started) * 1000
        sql = [sql_text(s.statement, self.engine.dialect) for s in plan.statements]
        return MetricResult(
            query=query,
            metric=plan.metric,
            period=plan.period,
            compare_period=plan.compare_period,
            filters=plan.filters,
            frame=frame,
            as_of=plan.as_of,
            sql=sql,
            notes=plan.notes,
            elapsed_ms=elapsed,
        )

    def _bucketise(self, plan: Plan, planned: PlannedStatement, raw: pd.DataFrame) -> pd.DataFrame:
        """Rows per bucket x breakdown with one column per measure component."""
        keys = list(plan.query.breakdown)
        spec = self.catalog.tables[planned.table]
        if raw.empty:
            return pd.DataFrame(columns=["bucket", *keys])
        if "t" not in raw.columns:
            raw["t"] = planned.window[0]
        raw["t"] = [date.fromisoformat(v[:10]) if isinstance(v, str) else v for v in raw["t"]]
        grain = plan.period.grain
        raw["bucket"] = [planned.bucket or grain_start(d, grain) for d in raw["t"]]
        pieces = []
        for name, measure in planned.measures.items():
            cols = [c for c in raw.columns if c.startswith(f"{name}__")]
            part = raw[["bucket", "t", *keys, *cols]].copy()
            for c in cols:
                part[c] = pd.to_numeric(part[c], errors="coerce").astype(float)
            non_additive = measure.column in spec.non_additive
            if non_additive:
                last = part.groupby("bucket")["t"].transform("max")
                part = part[part["t"] == last]
            how = {
                c: ("min" if c.endswith("__min") else "max" if c.endswith("__max") else "sum")
                for c in cols
            }
            grouped = part.groupby(["bucket", *keys], dropna=False).agg(how)
            pieces.append(grouped)
        return pd.concat(pieces, axis=1).reset_index()

    def _combine(self, plan: Plan, frames: list[pd.DataFrame]) -> pd.DataFrame:
        keys = ["bucket", *plan.query.breakdown]
        merged: pd.DataFrame | None = None
        # each table's frame has one row per bucket x member and its own measure columns
        for frame in frames:
            if frame.empty:
                continue
            merged = frame if merged is None else merged.merge(frame, on=keys, how="outer")
        if merged is None:
            return pd.DataFrame(columns=[*keys, "value"])
        # a bucket x member present in one table but with no rows in another has a zero
        # count / sum there (no complaints this month), not an unknown one
        for name, measure in plan.metric.measures.items():
            if measure.agg in ("sum", "count", "count_distinct"):
                for col in (f"{name}__sum", f"{name}__count"):
                    if col in merged.columns:
                        merged[col] = merged[col].fillna(0.0)
        env: dict[str, Any] = {}
        for name, measure in plan.metric.measures.items():
            if measure.agg == "avg":
                env[name] = merged[f"{name}__sum"] / merged[f"{name}__count"].where(
                    merged[f"{name}__count"] != 0
                )
            else:
                suffix = {"sum": "sum", "count": "count", "count_distinct": "count"}.get(
                    measure.agg, measure.agg
                )
                env[name] = merged.get(f"{name}__{suffix}", pd.Series(dtype=float))
            merged[name] = env[name]
        merged["value"] = evaluate(plan.metric.expr, env)
        keep = [*keys, "value", *plan.metric.measures.keys()]
        return merged[list(dict.fromkeys(keep))]

    def _finish(self, plan: Plan, values: pd.DataFrame) -> pd.DataFrame:
        keys = list(plan.query.breakdown)
        period = plan.period
        main_buckets = {start: end for start, end in period.buckets()}
        current = values[values["bucket"].isin(list(main_buckets))].copy()
        current["bucket_end"] = [main_buckets[b] - timedelta(days=1) for b in current["bucket"]]
        if plan.query.comparison:
            months, days = _comparison_shift(plan.query.comparison, plan.query.period)
            if period.grain == "all":
                target = {period.start: plan.compare_period.start}  # type: ignore[union-attr]
            else:
                target = {
                    b: (add_months(b, -months) if months else b - timedelta(days=days))
                    for b in main_buckets
                }
            current["compare_bucket"] = current["bucket"].map(target)
            prev = values[["bucket", *keys, "value"]].rename(
                columns={"bucket": "compare_bucket", "value": "compare_value"}
            )
            current = current.merge(prev, on=["compare_bucket", *keys], how="left")
            current["change"] = current["value"] - current["compare_value"]
            current["change_rel"] = (
                current["value"] / current["compare_value"].where(current["compare_value"] != 0) - 1
            )
        current = current.rename(columns={"bucket": "bucket_start"})
        sort_cols = ["bucket_start"]
        if plan.query.order and keys:
            last = current["bucket_start"].max()
            ascending = plan.query.order == "asc"
            latest = current[current["bucket_start"] == last].sort_values(
                "value", ascending=ascending
            )
            if plan.query.top_n:
                latest = latest.head(plan.query.top_n)
            order = {tuple(r): i for i, r in enumerate(latest[keys].itertuples(index=False))}
            current = current[
                [tuple(r) in order for r in current[keys].itertuples(index=False)]
            ].copy()
            current["_rank"] = [order[tuple(r)] for r in current[keys].itertuples(index=False)]
            sort_cols.append("_rank")
        elif keys:
            sort_cols.extend(keys)
        current = current.sort_values(sort_cols).drop(columns=["_rank"], errors="ignore")
        return current.reset_index(drop=True)
