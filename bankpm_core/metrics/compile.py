"""Compile measures to SQLAlchemy Core.

Identifiers come only from the catalog (tables, columns, dimensions); every value a
user could influence — member codes, dates, filter literals — is a bound parameter.
All measures of one table are fused into one SELECT with conditional aggregates
(``SUM(CASE WHEN dpd > 30 THEN balance END)``) so a table is scanned once per query.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from sqlalchemy import Date, Float, String, and_, case, column, func, select, table
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement, Select
from sqlalchemy.sql.functions import FunctionElement

from bankpm_core.metrics.catalog import Catalog, Measure, Rollup, TableSpec
from bankpm_core.metrics.filters import Condition

TimeMode = Literal["native", "month", "day", "none"]


class month_trunc(FunctionElement):
    """First day of the month of a DATE, per dialect."""

    type = Date()
    inherit_cache = True
    name = "month_trunc"


@compiles(month_trunc, "sqlite")
def _month_trunc_sqlite(element: month_trunc, compiler: Any, **kw: Any) -> str:
    (arg,) = list(element.clauses)
    return f"date({compiler.process(arg, **kw)}, 'start of month')"


@compiles(month_trunc, "postgresql")
def _month_trunc_pg(element: month_trunc, compiler: Any, **kw: Any) -> str:
    (arg,) = list(element.clauses)
    return f"CAST(date_trunc('month', {compiler.process(arg, **kw)}) AS DATE)"


@compiles(month_trunc)
def _month_trunc_default(element: month_trunc, compiler: Any, **kw: Any) -> str:
    (arg,) = list(element.clauses)
    return f"CAST(date_trunc('month', {compiler.process(arg, **kw)}) AS DATE)"


@dataclass(frozen=True)
class Source:
    """Where a measure group is read from: the fact table itself or a rollup of it."""

    name: str
    time: str
    dimensions: tuple[str, ...]
    columns: Mapping[str, str]  # measure name -> rollup column (rollups only)
    is_rollup: bool = False


def _col(name: str, kind: str = "value") -> ColumnElement[Any]:
    if kind == "date":
        return column(name, Date)
    if kind == "text":
        return column(name, String)
    return column(name, Float)


def _condition(cond: Condition) -> ColumnElement[bool]:
    is_text = isinstance(cond.value, str) or (
        isinstance(cond.value, tuple) and any(isinstance(v, str) for v in cond.value)
    )
    col = _col(cond.column, "text" if is_text else "value")
    value = cond.value
    if cond.op == "in":
        return col.in_(list(value))  # type: ignore[arg-type]
    ops = {
        "=": col.__eq__,
        "!=": col.__ne__,
        ">": col.__gt__,
        ">=": col.__ge__,
        "<": col.__lt__,
        "<=": col.__le__,
    }
    return ops[cond.op](value)


def _aggregates(name: str, measure: Measure) -> list[ColumnElement[Any]]:
    """Labelled aggregate columns for one measure; avg becomes sum + count so that
    buckets can be re-aggregated exactly in pandas."""
    cond = and_(*[_condition(c) for c in measure.where]) if measure.where else None
    value: ColumnElement[Any] = _col(measure.column) if measure.column != "*" else None  # type: ignore[assignment]

    def guarded(expr: ColumnElement[Any] | None) -> ColumnElement[Any] | None:
        if cond is None:
            return expr
        return case((cond, expr if expr is not None else 1))

    if measure.agg == "count":
        target = guarded(value)
        out = func.count() if target is None else func.count(target)
        return [out.label(f"{name}__count")]
    if measure.agg == "sum":
        return [func.sum(guarded(value)).label(f"{name}__sum")]
    if measure.agg == "avg":
        target = guarded(value)
        return [func.sum(target).label(f"{name}__sum"), func.count(target).label(f"{name}__count")]
    if measure.agg in ("min", "max"):
        fn = func.min if measure.agg == "min" else func.max
        return [fn(guarded(value)).label(f"{name}__{measure.agg}")]
    if measure.agg == "count_distinct":
        return [func.count(guarded(value).distinct()).label(f"{name}__count")]
    raise ValueError(f"unknown aggregate {measure.agg}")


def _rollup_aggregates(name: str, measure: Measure, rollup_col: str) -> list[ColumnElement[Any]]:
    suffix = "count" if measure.agg == "count" else "sum"
    return [func.sum(_col(rollup_col)).label(f"{name}__{suffix}")]


def find_rollup(
    catalog: Catalog,
    table_name: str,
    measures: Mapping[str, Measure],
    dimensions_used: set[str],
) -> Rollup | None:
    """A rollup of ``table_name`` holding every measure and dimension, if one exists."""
    for rollup in catalog.rollups.values():
        if rollup.source != table_name or not dimensions_used <= set(rollup.dimensions):
            continue
        have = {m.signature for m in rollup.measures.values()}
        if all(m.signature in have for m in measures.values()):
            return rollup
    return None


def source_for(
    catalog: Catalog,
    spec: TableSpec,
    measures: Mapping[str, Measure],
    dimensions_used: set[str],
    use_rollups: bool,
) -> Source:
    rollup = find_rollup(catalog, spec.name, measures, dimensions_used) if use_rollups else None
    if rollup is None:
        return Source(spec.name, spec.time, spec.dimensions, {})
    by_signature = {m.signature: col for col, m in rollup.measures.items()}
    mapping = {name: by_signature[m.signature] for name, m in measures.items()}
    return Source(rollup.name, spec.time, rollup.dimensions, mapping, is_rollup=True)


def compile_group(
    source: Source,
    measures: Mapping[str, Measure],
    *,
    filters: Mapping[str, Sequence[str]],
    breakdown: Sequence[str],
    start: date,
    end: date,
    time_mode: TimeMode,
) -> Select[Any]:
    """One SELECT for all measures of one table over ``[start, end)``."""
    time_col = _col(source.time, "date")
    group_cols: list[ColumnElement[Any]] = []
    if time_mode == "native" or time_mode == "day":
        group_cols.append(time_col.label("t"))
    elif time_mode == "month":
        group_cols.append(month_trunc(time_col).label("t"))
    group_cols.extend(_col(dim, "text").label(dim) for dim in breakdown)
    aggregates: list[ColumnElement[Any]] = []
    for name, measure in measures.items():
        if source.is_rollup:
            aggregates.extend(_rollup_aggregates(name, measure, source.columns[name]))
        else:
            aggregates.extend(_aggregates(name, measure))
    conditions: list[ColumnElement[bool]] = [time_col >= start, time_col < end]
    for dim, members in sorted(filters.items()):
        conditions.append(_col(dim, "text").in_(list(members)))
    stmt = select(*group_cols, *aggregates).select_from(table(source.name)).where(*conditions)
    if group_cols:
        stmt = stmt.group_by(*[c.element if hasattr(c, "element") else c for c in group_cols])
    return stmt


def compile_rollup_build(source_spec: TableSpec, rollup: Rollup) -> Select[Any]:
    """The SELECT whose rows fill a rollup table (grouped by native time + dimensions)."""
    time_col = _col(source_spec.time, "date")
    cols: list[ColumnElement[Any]] = [time_col.label(source_spec.time)]
    cols.extend(_col(d, "text").label(d) for d in rollup.dimensions)
    for name, measure in rollup.measures.items():
        (agg,) = _aggregates(name, measure)
        cols.append(agg.label(name))
    group = [time_col, *[_col(d, "text") for d in rollup.dimensions]]
    return select(*cols).select_from(table(source_spec.name)).group_by(*group)


def sql_text(stmt: Select[Any], dialect: Any) -> str:
    """The statement as the database sees it, parameters shown as placeholders."""
    return str(stmt.compile(dialect=dialect))
