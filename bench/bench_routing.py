"""Routing benchmark: accuracy by category on the case files, and parse latency.

Run from the repository root: ``python bench/bench_routing.py``. Prints accuracy per
category for tests/routing/cases_tuned.yaml and, when it exists, the held-out file
(its failures are not printed: it is not for tuning), then p50/p95/max latency of
``Router.route`` over every question after a warm-up pass.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CASES = REPO / "tests" / "routing"
sys.path[:0] = [str(REPO), str(CASES)]

from evalset import load_cases, router_for, score  # noqa: E402

FILES = (("tuned", CASES / "cases_tuned.yaml"), ("held-out", CASES / "cases_heldout.yaml"))


def _accuracy(name: str, path: Path) -> list[str]:
    today, cases = load_cases(path)
    accuracy, failures, per_category = score(router_for(today), path)
    print(f"\n{name}: {path.name}  {len(cases)} cases  accuracy {accuracy:.1%}")
    for category, (right, total) in sorted(per_category.items()):
        print(f"  {category:<16} {right:>4}/{total:<4} {right / total:6.1%}")
    if name == "tuned" and failures:
        print("  failures:")
        for failure in failures:
            print(f"    {failure}")
    return [c.q for c in cases]


def _latency(questions: list[str], today_path: Path) -> None:
    today, _ = load_cases(today_path)
    router = router_for(today)
    started = time.perf_counter()
    router.warm_up()
    print(f"\nwarm-up (jieba + lexicon): {time.perf_counter() - started:.2f} s")
    for q in questions:  # warm caches and regex engines
        router.route(q)
    timings = []
    for q in questions:
        t0 = time.perf_counter()
        router.route(q)
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(0.95 * len(timings)))]
    print(
        f"latency over {len(timings)} questions: p50 {statistics.median(timings):.2f} ms, "
        f"p95 {p95:.2f} ms, max {timings[-1]:.2f} ms"
    )
    long_q = "闪借上个月逾期率是多少？" * 500
    t0 = time.perf_counter()
    router.route(long_q)
    print(f"5,000+ character question: {(time.perf_counter() - t0) * 1000:.2f} ms")


def main() -> None:
    questions: list[str] = []
    for name, path in FILES:
        if path.exists():
            questions += _accuracy(name, path)
        else:
            print(f"\n{name}: {path.name} not found, skipped")
    _latency(questions, FILES[0][1])


if __name__ == "__main__":
    main()
