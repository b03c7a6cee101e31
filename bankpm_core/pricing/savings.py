"""Deposits and wealth products: the pricing decision is the customer rate, not a risk price.

For a deposit or wealth product "how should we price it" is answered with the customer
rate against a benchmark (competitor or official rates, when the pricing config has
``benchmarks``), the balance trend and the market-share trend. Balance and the
balance-weighted customer rate are read from the configured savings table (SQLAlchemy
Core, bound values); market share comes through the metric semantic layer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Date, Float, String, and_, func, select, table
from sqlalchemy import column as col

from bankpm_core.errors import BankpmError, NoDataError
from bankpm_core.metrics.engine import MetricEngine
from bankpm_core.metrics.periods import Period, add_months, month_start
from bankpm_core.metrics.query import MetricQuery
from bankpm_core.pricing.config import Benchmark, SavingsTable

log = logging.getLogger(__name__)
SHARE_METRIC = "market_share"


@dataclass(frozen=True)
class SavingsFacts:
    product: str
    kind: str
    months: list[date]
    balance: list[float | None]
    rate: list[float | None]  # balance-weighted customer rate / yield, annual fraction
    share: list[float | None]
    benchmark: Benchmark | None
    as_of: date

    @staticmethod
    def change(series: list[float | None]) -> float | None:
        values = [v for v in series if v is not None]
        if len(values) < 2:
            return None
        return values[-1] - values[0]


def _share(engine: MetricEngine, period: Period, product: str) -> dict[date, float | None]:
    if SHARE_METRIC not in engine.catalog.metrics:
        return {}
    try:
        result = engine.run(MetricQuery.build(SHARE_METRIC, period, {"product": [product]}))
    except BankpmError:
        return {}
    except Exception:  # the share is context, not the answer: log and carry on without it
        log.exception("market share unavailable for %s", product)
        return {}
    frame = result.frame
    return {
        pd.Timestamp(b).date(): (None if pd.isna(v) else float(v))
        for b, v in zip(frame["bucket_start"], frame["value"], strict=True)
    }


def savings_facts(
    engine: MetricEngine,
    mapping: SavingsTable,
    product: str,
    kind: str,
    segment: str | None,
    benchmark: Benchmark | None,
    months: int = 12,
) -> SavingsFacts:
    """Balance, customer rate and market share over the last ``months`` months of data."""
    m = mapping
    month = col(m.month, Date)
    conds = [col(m.product, String) == product]
    if segment:
        conds.append(col(m.segment, String) == segment)
    balance, rate = col(m.balance, Float), col(m.rate, Float)
    last_stmt = select(func.max(month)).select_from(table(m.table)).where(and_(*conds))
    with engine.engine.connect() as conn:
        last = conn.execute(last_stmt).scalar()
        if last is None:
            raise NoDataError(
                f"没有 {product} 的余额数据。", f"There is no balance data for {product}."
            )
        last_month = month_start(pd.Timestamp(last).date())
        start = add_months(last_month, -(months - 1))
        stmt = (
            select(
                month.label("month"),
                func.sum(balance).label("balance"),
                func.sum(balance * rate).label("weighted"),
            )
            .select_from(table(m.table))
            .where(and_(*conds, month >= start))
            .group_by(month)
        )
        frame = pd.DataFrame(conn.execute(stmt).mappings().all())
    frame["month"] = [pd.Timestamp(v).date() for v in frame["month"]]
    by_month = {r.month: r for r in frame.itertuples(index=False)}
    buckets = [add_months(start, i) for i in range(months)]
    end = add_months(last_month, 1)
    share = _share(engine, Period(start, end, "month"), product)
    bal = [float(by_month[b].balance) if b in by_month else None for b in buckets]
    rates = [
        float(by_month[b].weighted) / float(by_month[b].balance)
        if b in by_month and by_month[b].balance
        else None
        for b in buckets
    ]
    return SavingsFacts(
        product=product,
        kind=kind,
        months=buckets,
        balance=bal,
        rate=rates,
        share=[share.get(b) for b in buckets],
        benchmark=benchmark,
        as_of=end - timedelta(days=1),
    )
