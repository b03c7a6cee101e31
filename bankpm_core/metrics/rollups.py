"""Build the catalog's rollup tables from their source, with the same compiler.

A rollup is a derived copy: it is dropped and rebuilt whole, inside one transaction,
so a failed build never leaves a half-filled rollup that queries would trust.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, Float, Index, MetaData, String, Table, insert
from sqlalchemy.engine import Engine

from bankpm_core.metrics.catalog import Catalog, Rollup
from bankpm_core.metrics.compile import compile_rollup_build


def rollup_table(catalog: Catalog, rollup: Rollup, metadata: MetaData | None = None) -> Table:
    source = catalog.tables[rollup.source]
    metadata = metadata or MetaData()
    cols = [Column(source.time, Date, nullable=False)]
    cols += [Column(d, String(32)) for d in rollup.dimensions]
    cols += [Column(name, Float) for name in rollup.measures]
    first_dim = rollup.dimensions[:1]
    index = Index(f"ix_{rollup.name}_{'_'.join(first_dim) or 't'}", *first_dim, source.time)
    return Table(rollup.name, metadata, *cols, index)


def build_rollups(engine: Engine, catalog: Catalog) -> dict[str, int]:
    """(Re)build every rollup; returns row counts."""
    counts: dict[str, int] = {}
    for rollup in catalog.rollups.values():
        metadata = MetaData()
        target = rollup_table(catalog, rollup, metadata)
        select_stmt = compile_rollup_build(catalog.tables[rollup.source], rollup)
        with engine.begin() as conn:
            target.drop(conn, checkfirst=True)
            target.create(conn)
            names = [c.name for c in target.columns]
            result = conn.execute(insert(target).from_select(names, select_stmt))
            counts[rollup.name] = result.rowcount
    return counts
