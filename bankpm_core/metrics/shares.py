"""Shares of a total: "高净值客户的理财规模占比", "各渠道放款金额占比", "what share of …".

A share is a figure over the same figure without one dimension's narrowing: the segment's
AUM over every segment's, each channel's disbursements over all channels'. The total is
computed by the engine like any other query (same metric, period and other filters), so
it honours the catalog's definitions and the product defaults; nothing here reads SQL.

Only counts and amounts have shares. A rate is already a ratio: "逾期率占比" asks nothing
new, and a share of a loan balance that names its part ("逾期余额占比", "what share of the
balance is overdue") is that part's rate, which the router picks instead.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bankpm_core.formatting import is_missing
from bankpm_core.metrics.engine import MetricEngine, MetricResult
from bankpm_core.metrics.query import MetricQuery


@dataclass(frozen=True)
class Shares:
    """Each figure of the latest bucket as a share of ``total`` across ``dimension``."""

    dimension: str
    total: float
    of: dict[str, float]  # member code → share (breakdown); "" → the single figure's share


def share_dimension(query: MetricQuery) -> str | None:
    """Across which dimension the share is taken: the split, else the last narrowing
    other than the product (the segment of "高净值客户的理财规模占比"), else the product
    ("闪借的放款金额占比": of all loan products). None when nothing narrows the figure."""
    if query.breakdown:
        return query.breakdown[0]
    dims = [d for d, _ in query.filters if d != "product"]
    if dims:
        return dims[-1]
    return "product" if "product" in query.filter_map else None


def shares_of(engine: MetricEngine, result: MetricResult) -> Shares | None:
    """The shares of ``result``'s latest figures, or None when they have none (a rate, or
    a figure narrowed by nothing)."""
    query = result.query
    if result.metric.unit not in ("count", "amount"):
        return None
    dimension = share_dimension(query)
    if dimension is None:
        return None
    filters = tuple((d, m) for d, m in query.filters if d != dimension)
    total_query = replace(
        query,
        filters=filters,
        breakdown=(),
        top_n=None,
        order=None,
        comparison=None,
        extra={},
    )
    totals = engine.run(total_query).frame
    frame = result.frame
    last = frame["bucket_start"].max()
    total_rows = totals[totals["bucket_start"] == last]
    if total_rows.empty:
        return None
    total = float(total_rows["value"].iloc[0])
    if not total:
        return None
    latest = frame[frame["bucket_start"] == last]
    if query.breakdown:
        of = {
            str(rec[dimension]): float(rec["value"]) / total
            for rec in latest.to_dict(orient="records")
            if not is_missing(rec["value"])
        }
    else:
        of = {"": float(latest["value"].iloc[0]) / total}
    return Shares(dimension, total, of)
