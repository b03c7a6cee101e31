"""An independent pandas computation of catalog metrics, for checking the engine.

It reads whole tables with pandas and applies the catalog's declared semantics in
the most direct way: filter rows, take the last snapshot for non-additive columns,
aggregate, evaluate the expression. It shares no code with the compiler or engine.
"""

from __future__ import annotations

import operator
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import MetaData, Table, select
from sqlalchemy.engine import Engine

OPS = {
    "=": operator.eq,
    "!=": operator.ne,
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
}


class Oracle:
    def __init__(self, engine: Engine, catalog) -> None:
        self.engine = engine
        self.catalog = catalog
        self._tables: dict[str, pd.DataFrame] = {}

    def table(self, name: str) -> pd.DataFrame:
        if name not in self._tables:
            spec = self.catalog.tables[name]
            with self.engine.connect() as conn:
                tbl = Table(name, MetaData(), autoload_with=conn)
                df = pd.read_sql(select(tbl), conn)
            df[spec.time] = pd.to_datetime(df[spec.time]).dt.date
            self._tables[name] = df
        return self._tables[name]

    def _measure(
        self, measure, filters, start: date, end_incl: date, breakdown, bucket
    ) -> pd.Series:
        spec = self.catalog.tables[measure.table]
        df = self.table(measure.table)
        lo = start.replace(day=1) if spec.grain == "month" else start
        df = df[(df[spec.time] >= lo) & (df[spec.time] <= end_incl)]
        for dim, members in filters.items():
            df = df[df[dim].isin(members)]
        for cond in measure.where:
            if cond.op == "in":
                df = df[df[cond.column].isin(list(cond.value))]
            else:
                df = df[OPS[cond.op](df[cond.column], cond.value)]
        df = df.assign(_bucket=df[spec.time].map(bucket))
        if measure.column in spec.non_additive:
            last = self.table(measure.table)
            last = last[(last[spec.time] >= lo) & (last[spec.time] <= end_incl)]
            last_by_bucket = (
                last.assign(_bucket=last[spec.time].map(bucket)).groupby("_bucket")[spec.time].max()
            )
            df = df[df[spec.time] == df["_bucket"].map(last_by_bucket)]
        keys = ["_bucket", *breakdown]
        grouped = df.groupby(keys)
        if measure.agg == "count":
            if measure.column == "*":
                return grouped.size().astype(float)
            return grouped[measure.column].count().astype(float)
        column = grouped[measure.column]
        return {"sum": column.sum, "avg": column.mean, "min": column.min, "max": column.max}[
            measure.agg
        ]().astype(float)

    def compute(
        self, metric_code, filters, start: date, end_incl: date, grain: str, breakdown
    ) -> pd.Series:
        metric = self.catalog.metrics[metric_code]
        filters = dict(filters)
        if metric.applies_to and "product" not in filters:
            filters["product"] = [
                m.code
                for m in self.catalog.dimensions["product"].members.values()
                if m.kind in metric.applies_to
            ]

        def bucket(day: date) -> date:
            if grain == "all":
                return start
            if grain == "month":
                return day.replace(day=1)
            if grain == "quarter":
                return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
            if grain == "year":
                return date(day.year, 1, 1)
            return day

        parts = {
            name: self._measure(m, filters, start, end_incl, breakdown, bucket)
            for name, m in metric.measures.items()
        }
        frame = pd.concat(parts, axis=1)
        for name, m in metric.measures.items():
            if m.agg in ("sum", "count"):  # a group with no matching rows sums to zero
                frame[name] = frame[name].fillna(0.0)
        env = {name: frame[name] for name in parts}
        # the expression grammar is + - * / over names and numbers: evaluate directly
        value = eval(metric.expr, {"__builtins__": {}}, env)
        return value.replace([float("inf"), -float("inf")], float("nan"))


def inclusive(end: date) -> date:
    return end - timedelta(days=1)
