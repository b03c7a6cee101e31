"""Generate the sample bank (示例银行) and load it: the one entry point, :func:`generate`.

The data is a pure function of (seed, today, scale, months): every stage draws from its
own child generator of ``seed`` and nothing reads the wall clock or global random state,
so the same inputs give identical tables on any database.

Sizes: ``scale`` multiplies applications, accounts, customers and feedback. At scale 1
(36 months) there are about 26k loans, 20k cards, 72k applications, 0.51M loan_snapshots
rows, 3.8k complaints and 17k NPS answers. Five million loan_snapshots rows need
``scale=10`` (5.06-5.09M measured over five seeds); ``scale=11`` gives 5.57M with a
safe margin. Note that the credit book starts empty: every loan and card is originated
inside the window, so balances ramp up over the first year (FLASH and cards settle
within about 12 months, mortgages keep growing).

Conventions: monthly tables hold the first day of the month and mean "at month end";
``loans.defaulted_on`` is the *last* day of the first month that ended at 91+ dpd.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from sqlalchemy import Engine, Table

from ingest import schema
from ingest.sample_bank import aggregates, credit, feedback, loader, origination, tables
from ingest.sample_bank import reference as ref
from ingest.sample_bank.origination import Columns
from ingest.sample_bank.timeline import Timeline, stream

TABLE_ORDER = (
    schema.dim_members,
    schema.loans,
    schema.loan_snapshots,
    schema.applications,
    schema.cards,
    schema.card_transactions,
    schema.deposit_balances,
    schema.market_totals,
    schema.customer_base,
    schema.complaints,
    schema.nps_responses,
)


@dataclass(frozen=True)
class GenerationReport:
    """What :func:`generate` wrote: rows per table, the window, and how long it took."""

    seed: int
    scale: float
    first_month: dt.date
    last_month: dt.date
    rows: Mapping[str, int]
    seconds: float

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())


def build_tables(
    *,
    seed: int,
    today: dt.date,
    scale: float = 1.0,
    months: int = 36,
    catalog_path: Path | None = None,
) -> dict[str, Columns]:
    """All sample tables as columns, without touching a database (tests, benchmarks)."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    members = ref.load_dimensions(catalog_path)
    timeline = Timeline(today=today, months=months)
    pool = origination.CustomerPool.build(scale)
    apps = origination.applications(stream(seed, "applications"), timeline, scale)
    loans = origination.loans(stream(seed, "loans"), apps, timeline, pool)
    if loans["loan_id"].size >= ref.CARD_ACCOUNT_OFFSET:
        raise ValueError("scale too large: loan ids would collide with card account ids")
    cards = origination.cards(stream(seed, "cards"), apps, timeline, pool)
    book = credit.simulate(stream(seed, "credit"), timeline, loans, cards)
    deposits = aggregates.savings(stream(seed, "savings"), timeline, scale)
    base = aggregates.customer_base(book, deposits, timeline)
    names = {m.code: (m.zh, m.en) for m in members if m.dimension == "product"}
    complaints = feedback.complaints(
        stream(seed, "complaints"), timeline, scale, book, deposits, base, pool, names
    )
    market = aggregates.market_totals(stream(seed, "market"), book, deposits, cards, timeline)
    return {
        "dim_members": tables.dim_members(members),
        "loans": tables.loans(stream(seed, "recoveries"), loans, book, timeline),
        "loan_snapshots": tables.loan_snapshots(book, timeline),
        "applications": tables.applications(apps),
        "cards": tables.cards(cards),
        "card_transactions": _monthly(aggregates.card_transactions(book, timeline), timeline),
        "deposit_balances": _monthly(deposits, timeline),
        "market_totals": _monthly(market, timeline, dims=("product", "region")),
        "customer_base": _monthly(base, timeline),
        "complaints": tables.decode(complaints),
        "nps_responses": tables.decode(feedback.nps(stream(seed, "nps"), timeline, base)),
    }


def _monthly(columns: Columns, timeline: Timeline, dims=tables.DIMS) -> Columns:
    return tables.decode(tables.monthly(columns, timeline), dims)


def generate(
    engine: Engine,
    *,
    seed: int,
    today: dt.date,
    scale: float = 1.0,
    months: int = 36,
    progress: Callable[[str, int], None] | None = None,
    catalog_path: Path | None = None,
) -> GenerationReport:
    """Drop, recreate and fill the sample tables of ``ingest.schema`` in ``engine``.

    History covers ``months`` full months ending with the month before ``today``'s;
    nothing is dated in ``today``'s month or later. ``progress(table, rows)`` is called
    after each table is loaded. The load is atomic on SQLite and PostgreSQL.
    """
    started = time.perf_counter()
    data = build_tables(
        seed=seed, today=today, scale=scale, months=months, catalog_path=catalog_path
    )
    ordered = [(table, _columns_in_order(table, data[table.name])) for table in TABLE_ORDER]
    loader.load(engine, ordered, progress)
    timeline = Timeline(today=today, months=months)
    return GenerationReport(
        seed=seed,
        scale=scale,
        first_month=timeline.first_month,
        last_month=timeline.last_month,
        rows=MappingProxyType({table.name: _row_count(cols) for table, cols in ordered}),
        seconds=round(time.perf_counter() - started, 3),
    )


def _row_count(columns: Columns) -> int:
    return len(next(iter(columns.values())))


def _columns_in_order(table: Table, columns: Columns) -> Columns:
    """The table's columns, in its order; a mismatch with the schema fails here, loudly."""
    expected = [c.name for c in table.columns]
    if sorted(expected) != sorted(columns):
        raise ValueError(f"{table.name}: generated {sorted(columns)}, schema has {expected}")
    return {name: columns[name] for name in expected}
