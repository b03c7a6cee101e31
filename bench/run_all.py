"""Run every benchmark in turn and print their figures (`make bench`).

Each benchmark is also runnable on its own; see the README's Benchmarks section.
The metric benchmark builds a >= 5M-row bank on first run (several minutes).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = [
    "bench_routing.py",
    "bench_pricing.py",
    "bench_complaints.py",
    "bench_retrieval.py",
    "bench_knowledge.py",
    "bench_bot.py",
    "bench_metrics.py",
]


def main() -> int:
    failed = 0
    for name in BENCHES:
        path = HERE / name
        if not path.exists():
            continue
        print(f"\n===== {name} =====", flush=True)
        failed += subprocess.call([sys.executable, str(path)]) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
