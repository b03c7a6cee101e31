"""Bulk-load generated columns into the database, all or nothing.

PostgreSQL gets ``COPY ... FROM STDIN`` through psycopg; SQLite gets DBAPI
``executemany`` with the INSERT statement compiled from the Table; any other dialect
gets SQLAlchemy Core ``insert()`` in chunks. Statements only ever come from the Table
objects, values are always bound or streamed, never spliced into SQL text.

Tables are dropped, recreated without indexes, filled, and indexed last (much faster
than maintaining indexes row by row). On PostgreSQL and SQLite all of that runs in one
transaction, so a failure leaves the previous tables untouched; elsewhere a failure
drops the half-written tables.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence

import numpy as np
from sqlalchemy import Connection, Date, Engine, Integer, Table
from sqlalchemy.schema import CreateTable

from ingest.sample_bank.origination import Columns

log = logging.getLogger(__name__)

CHUNK_ROWS = 100_000
Progress = Callable[[str, int], None]


def _python_values(table: Table, name: str, values: np.ndarray) -> list:
    """A column as Python values the drivers bind: ISO date strings, None for NULL.

    Dates go in as 'YYYY-MM-DD' text, which is what SQLAlchemy's SQLite Date type stores
    and what PostgreSQL's COPY parses; NaN/NaT become None (NULL).
    """
    column = table.c[name]
    if isinstance(column.type, Date):
        days = values.astype("datetime64[D]")
        missing = np.isnat(days)
        out = np.datetime_as_string(days)
    elif values.dtype.kind == "f":
        missing = np.isnan(values)
        out = np.where(missing, 0.0, values)
        if isinstance(column.type, Integer):
            out = out.astype(np.int64)
    else:
        return values.tolist()
    if not missing.any():
        return out.tolist()
    nullable = out.astype(object)
    nullable[missing] = None
    return nullable.tolist()


def _row_chunks(table: Table, columns: Columns, names: Sequence[str]) -> Iterator[Iterator[tuple]]:
    """Rows in chunks of CHUNK_ROWS, each an iterator of tuples in ``names`` order.

    Converting a chunk at a time bounds memory: a few million rows as Python tuples
    would need gigabytes.
    """
    n = len(next(iter(columns.values()))) if columns else 0
    for start in range(0, n, CHUNK_ROWS):
        part = [
            _python_values(table, name, columns[name][start : start + CHUNK_ROWS]) for name in names
        ]
        yield zip(*part, strict=True)


def _create(conn: Connection, tables: Sequence[Table]) -> None:
    for table in reversed(tables):
        table.drop(conn, checkfirst=True)
    for table in tables:
        conn.execute(CreateTable(table))


def _index(conn: Connection, tables: Sequence[Table]) -> None:
    for table in tables:
        for index in sorted(table.indexes, key=lambda ix: ix.name or ""):
            index.create(conn)


def _load_sqlite(conn: Connection, table: Table, columns: Columns) -> None:
    compiled = table.insert().compile(dialect=conn.dialect)
    names = compiled.positiontup or [c.name for c in table.columns]
    cursor = conn.connection.driver_connection.cursor()
    try:
        for rows in _row_chunks(table, columns, names):
            cursor.executemany(str(compiled), rows)
    finally:
        cursor.close()


def _load_postgresql(conn: Connection, table: Table, columns: Columns) -> None:
    from psycopg import sql

    names = [c.name for c in table.columns]
    target = sql.Identifier(*[part for part in (table.schema, table.name) if part])
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        target, sql.SQL(", ").join(sql.Identifier(name) for name in names)
    )
    with conn.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for rows in _row_chunks(table, columns, names):
            for row in rows:
                copy.write_row(row)


def _load_generic(conn: Connection, table: Table, columns: Columns) -> None:
    names = [c.name for c in table.columns]
    for rows in _row_chunks(table, columns, names):
        conn.execute(table.insert(), [dict(zip(names, row, strict=True)) for row in rows])


def _fill(conn: Connection, data: Sequence[tuple[Table, Columns]], progress: Progress | None):
    dialect = conn.dialect.name
    load = {"sqlite": _load_sqlite, "postgresql": _load_postgresql}.get(dialect, _load_generic)
    tables = [table for table, _ in data]
    _create(conn, tables)
    for table, columns in data:
        load(conn, table, columns)
        if progress is not None:
            progress(table.name, len(next(iter(columns.values()))))
    _index(conn, tables)


def _begin_sqlite(conn: Connection) -> None:
    """Make pysqlite's DDL transactional: it only opens transactions before DML itself."""
    driver = conn.connection.driver_connection
    if not driver.in_transaction:
        driver.execute("BEGIN")


def load(engine: Engine, data: Sequence[tuple[Table, Columns]], progress: Progress | None = None):
    """Replace ``data``'s tables with the given columns, atomically where the dialect allows."""
    transactional = engine.dialect.name in ("sqlite", "postgresql")
    try:
        with engine.begin() as conn:
            if engine.dialect.name == "sqlite":
                _begin_sqlite(conn)
            _fill(conn, data, progress)
    except Exception:
        if not transactional:
            log.warning("loading the sample bank failed; dropping its tables")
            with engine.begin() as conn:
                for table, _ in reversed(data):
                    table.drop(conn, checkfirst=True)
        raise
