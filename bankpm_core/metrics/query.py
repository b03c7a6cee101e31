"""The typed metric query: what the router produces and the compiler consumes.

Filters and breakdowns name dimension *codes* and member *codes* from the catalog;
free text never reaches SQL. ``to_json`` is the ``query`` field of the public JSON
answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

from bankpm_core.metrics.periods import Period

Comparison = Literal["mom", "qoq", "yoy", "prev_period"]
COMPARISONS: tuple[str, ...] = ("mom", "qoq", "yoy", "prev_period")


@dataclass(frozen=True)
class MetricQuery:
    metric: str
    period: Period
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    comparison: Comparison | None = None
    breakdown: tuple[str, ...] = ()
    top_n: int | None = None
    order: Literal["desc", "asc"] | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @staticmethod
    def build(
        metric: str,
        period: Period,
        filters: dict[str, list[str] | tuple[str, ...]] | None = None,
        **kwargs: Any,
    ) -> MetricQuery:
        items = tuple(sorted((d, tuple(v)) for d, v in (filters or {}).items() if v))
        return MetricQuery(metric=metric, period=period, filters=items, **kwargs)

    @property
    def filter_map(self) -> dict[str, tuple[str, ...]]:
        return dict(self.filters)

    def with_filter(self, dimension: str, members: tuple[str, ...]) -> MetricQuery:
        filters = dict(self.filters)
        filters[dimension] = members
        return replace(self, filters=tuple(sorted(filters.items())))

    def to_json(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "filters": {d: list(v) for d, v in self.filters},
            "period": self.period.to_json(),
            "comparison": self.comparison,
            "breakdown": list(self.breakdown),
            "top_n": self.top_n,
            "order": self.order,
        }
