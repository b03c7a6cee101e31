"""Score a router on a YAML case file (tuned or held-out); used by tests and the bench.

A case is correct when the intent matches and, for ``metric_query``, the metric,
filters (as sets), period start/end/grain, comparison, breakdown (as a set), top_n
and order all match (omitted keys mean the defaults). For pricing and complaints
only the slot keys the case lists are compared; for every other intent only the
intent. The file's ``today`` becomes a fixed clock at 10:00 Asia/Shanghai.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bankpm_core.clock import FixedClock
from bankpm_core.metrics.catalog import Catalog, load_catalog
from bankpm_core.routing import Route, Router

REPO = Path(__file__).resolve().parents[2]
CATALOG_PATH = REPO / "knowledge" / "catalog.yaml"
TZ = ZoneInfo("Asia/Shanghai")
SLOT_INTENTS = ("pricing", "complaints")


@dataclass(frozen=True)
class Case:
    id: str
    q: str
    lang: str
    category: str
    intent: str
    query: dict[str, Any] | None
    slots: dict[str, Any] | None


def _plain(value: Any) -> Any:
    """YAML dates to ISO strings, recursively, so expectations compare with to_json()."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def load_cases(path: Path) -> tuple[date, list[Case]]:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    today = raw["today"]
    if isinstance(today, str):
        today = date.fromisoformat(today)
    cases = [
        Case(
            id=str(c["id"]),
            q=str(c["q"]),
            lang=str(c.get("lang", "")),
            category=str(c.get("category", "other")),
            intent=str(c["intent"]),
            query=_plain(c.get("query")),
            slots=_plain(c.get("slots")),
        )
        for c in raw["cases"]
    ]
    return today, cases


def clock_for(today: date) -> FixedClock:
    return FixedClock(datetime(today.year, today.month, today.day, 10, tzinfo=TZ))


def router_for(today: date, catalog: Catalog | None = None) -> Router:
    return Router(catalog or load_catalog(CATALOG_PATH), clock_for(today))


def _query_problems(expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    problems = []
    if expected.get("metric") != got["metric"]:
        problems.append(f"metric {got['metric']} != {expected.get('metric')}")
    want_filters = {d: set(v) for d, v in (expected.get("filters") or {}).items() if v}
    got_filters = {d: set(v) for d, v in got["filters"].items() if v}
    if want_filters != got_filters:
        problems.append(f"filters {got['filters']} != {expected.get('filters') or {}}")
    want_period = expected.get("period") or {}
    for key in ("start", "end", "grain"):
        if str(want_period.get(key)) != str(got["period"][key]):
            problems.append(f"period {got['period']} != {want_period}")
            break
    if expected.get("comparison") != got["comparison"]:
        problems.append(f"comparison {got['comparison']} != {expected.get('comparison')}")
    if set(expected.get("breakdown") or []) != set(got["breakdown"]):
        problems.append(f"breakdown {got['breakdown']} != {expected.get('breakdown') or []}")
    if expected.get("top_n") != got["top_n"]:
        problems.append(f"top_n {got['top_n']} != {expected.get('top_n')}")
    if expected.get("order") != got["order"]:
        problems.append(f"order {got['order']} != {expected.get('order')}")
    return problems


def _same(want: Any, got: Any) -> bool:
    if isinstance(want, dict) and isinstance(got, dict):
        return set(want) == set(got) and all(_same(want[k], got[k]) for k in want)
    if isinstance(want, float | int) and isinstance(got, float | int):
        return abs(float(want) - float(got)) < 1e-9
    return want == got


def check(case: Case, route: Route) -> list[str]:
    """Every way the route differs from the case; empty when correct."""
    if route.intent != case.intent:
        return [f"intent {route.intent} != {case.intent}"]
    if case.intent == "metric_query":
        if route.query is None:
            return ["no query"]
        return _query_problems(case.query or {}, route.query.to_json())
    if case.intent in SLOT_INTENTS and case.slots:
        return [
            f"slot {key} {route.slots.get(key)!r} != {want!r}"
            for key, want in case.slots.items()
            if not _same(want, route.slots.get(key))
        ]
    return []


def score(
    router: Router | None, path: Path, make: Callable[[date], Router] | None = None
) -> tuple[float, list[str], dict[str, tuple[int, int]]]:
    """(accuracy, failure descriptions, {category: (correct, total)}).

    Pass a router whose clock says the file's ``today``, or None to build one.
    """
    today, cases = load_cases(path)
    if router is None:
        router = (make or router_for)(today)
    failures: list[str] = []
    per_category: dict[str, tuple[int, int]] = {}
    for case in cases:
        problems = check(case, router.route(case.q))
        right, total = per_category.get(case.category, (0, 0))
        per_category[case.category] = (right + (not problems), total + 1)
        if problems:
            failures.append(f"{case.id} [{case.category}] {case.q!r}: " + "; ".join(problems))
    accuracy = 1 - len(failures) / len(cases) if cases else 0.0
    return accuracy, failures, per_category
