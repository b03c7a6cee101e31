"""Benchmark: the risk-based pricing model on real loans (Lending Club samples).

    .venv/bin/python bench/bench_pricing.py [--data ../shared/data/loans]

Imports ``lending_club_sample_2000.csv`` and ``lending_club_sample_1000_completed.csv``
through the documented import path (:mod:`bankpm_core.pricing.lending_club`: grade A–G →
segment GRADE_A…G, Charged Off / Default / Late 31-120 → default), estimates the
12-month PD and the LGD of every grade with the same :class:`LoanHistory` the bot uses,
builds the model rate with illustrative US-consumer-loan assumptions (below), and prints:

* whether the estimated PD ranks the grades monotonically (A lowest … G highest);
* the Spearman rank correlation between the model rates and Lending Club's actual
  average ``int_rate`` per grade (1.0 = same order);
* the gap per grade (model − actual, percentage points).

Per-grade cells are used as they are (``min_sample=1``) so that every grade gets its own
estimate; the column ``<300`` marks grades the bank policy (§ 4.3) would send to the
product-level fallback. Exits 0 with a notice when the shared data is absent.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


from bankpm_core.db import make_engine  # noqa: E402
from bankpm_core.pricing import (  # noqa: E402
    Binomial,
    Cell,
    LoanHistory,
    Overrides,
    assumptions_for,
    parse_pricing_config,
    price_from,
)
from bankpm_core.pricing.lending_club import (  # noqa: E402
    GRADES,
    PRODUCT,
    import_lending_club,
    segment_of,
)
from bankpm_core.pricing.stats import monotone_rates  # noqa: E402

FILES = ("lending_club_sample_2000.csv", "lending_club_sample_1000_completed.csv")
# Illustrative assumptions for US unsecured personal loans, 2012-2018 (annual fractions):
# wholesale funding ~2.5%, servicing + acquisition ~3% of balance, 8% capital, 12% ROE.
LC_CONFIG = {
    "currency": "USD",
    "target_roe": 0.12,
    "risk_free": 0.02,
    "target_margin": 0.005,
    "min_sample_loans": 300,
    "products": {
        PRODUCT: {
            "ftp": 0.025,
            "opex_ratio": 0.03,
            "capital_ratio": 0.08,
            "lgd_default": 0.85,
            "term_months": 36,
        }
    },
}


def spearman(a: list[float], b: list[float]) -> float:
    def ranks(x: list[float]) -> np.ndarray:
        arr = np.asarray(x, dtype=float)
        order = arr.argsort(kind="stable")
        r = np.empty(len(arr))
        r[order] = np.arange(len(arr), dtype=float)
        for value in np.unique(arr):  # average ranks for ties
            tie = arr == value
            r[tie] = r[tie].mean()
        return r

    ra, rb = ranks(a), ranks(b)
    return float(np.corrcoef(ra, rb)[0, 1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data" / "loans")
    args = parser.parse_args()
    paths = [args.data / f for f in FILES if (args.data / f).exists()]
    if not paths:
        print(f"SKIP: no Lending Club samples under {args.data} (shared data absent)")
        return 0
    started = time.perf_counter()
    engine = make_engine("sqlite://")
    frame = import_lending_club(engine, paths)
    config, problems = parse_pricing_config(LC_CONFIG)
    assert config is not None, problems
    history = LoanHistory(engine, config.data)
    a = assumptions_for(config, PRODUCT, Overrides())
    print(f"Lending Club: {len(frame)} loans from {', '.join(p.name for p in paths)}")
    print(
        f"assumptions: FTP {a.ftp.as_percent:.2f}%, opex {a.opex.as_percent:.2f}%, capital "
        f"{a.capital_ratio * 100:.0f}%, ROE {a.target_roe.as_percent:.0f}%, rf "
        f"{a.risk_free.as_percent:.0f}%, margin {a.target_margin.as_percent:.2f}%"
    )
    header = (
        f"{'grade':>5} {'loans':>6} {'obs12m':>6} {'def12m':>6} {'PD12m':>7} {'95% CI':>15} "
        f"{'LGD':>6} {'model':>7} {'LC rate':>7} {'gap pp':>7} {'<300':>5} "
        f"{'PDlife/yr':>9} {'model(life)':>11} {'gap pp':>7}"
    )
    print(header)
    pds, models, actual, life_models = [], [], [], []
    events: list[int] = []
    trials: list[int] = []
    for grade in GRADES:
        seg = segment_of(grade)
        rows = frame[frame["segment"] == seg]
        risk = history.estimate(Cell(PRODUCT, seg), min_sample=1, lgd_default=a.product.lgd_default)
        result = price_from(config, Cell(PRODUCT, seg), a, risk)
        lc_rate = float(rows["rate"].mean())
        lo, hi = risk.pd.used.wilson
        pd_value = float(risk.pd.value)
        pds.append(pd_value)
        events.append(risk.pd.used.events)
        trials.append(risk.pd.used.trials)
        models.append(float(result.model_rate.value))
        actual.append(lc_rate)
        gap = (float(result.model_rate.value) - lc_rate) * 100
        # context: lifetime default rate of resolved loans, annualised over the term
        done = rows[rows["status"].isin(["Fully Paid", "Charged Off", "Default"])]
        life = float(done["defaulted_on"].notna().mean()) if len(done) else 0.0
        years = float(done["term_months"].mean() / 12) if len(done) else 3.0
        life_annual = 1 - (1 - life) ** (1 / years)
        life_risk = replace(
            risk, pd=replace(risk.pd, used=Binomial(round(life_annual * 10_000), 10_000))
        )
        life_rate = float(price_from(config, Cell(PRODUCT, seg), a, life_risk).model_rate.value)
        life_models.append(life_rate)
        print(
            f"{grade:>5} {len(rows):>6} {risk.pd.used.trials:>6} {risk.pd.used.events:>6} "
            f"{pd_value * 100:>6.2f}% {lo * 100:>6.2f}–{hi * 100:>5.2f}% "
            f"{float(risk.lgd.value) * 100:>5.1f}% {float(result.model_rate.value) * 100:>6.2f}% "
            f"{lc_rate * 100:>6.2f}% {gap:>+7.2f} {'yes' if risk.pd.used.trials < 300 else '':>5} "
            f"{life_annual * 100:>8.2f}% {life_rate * 100:>10.2f}% {(life_rate - lc_rate) * 100:>+7.2f}"
        )
    monotonic = all(x <= y for x, y in itertools.pairwise(pds))
    violations = [
        f"{GRADES[i]}>{GRADES[i + 1]}" for i in range(len(pds) - 1) if pds[i] > pds[i + 1]
    ]
    rho_pd = spearman(list(range(len(GRADES))), pds)
    rho_rate = spearman(models, actual)
    gaps = np.array(models) - np.array(actual)
    print()
    print(
        f"PD ranks grades monotonically (A→G): {'YES' if monotonic else 'NO'}"
        + ("" if monotonic else f" (inversions: {', '.join(violations)})")
    )
    print(f"Spearman(grade order, PD)              = {rho_pd:+.3f}")
    # a master scale must rank grades: pool adjacent inversions (weighted by loans observed)
    calibrated = monotone_rates(events, trials)
    print(
        "monotone-calibrated PD (pool-adjacent-violators): "
        + ", ".join(f"{g} {p * 100:.2f}%" for g, p in zip(GRADES, calibrated, strict=True))
        + f" -> monotonic: {'YES' if all(x <= y for x, y in itertools.pairwise(calibrated)) else 'NO'}"
    )
    print(f"Spearman(model rate, LC int_rate)      = {rho_rate:+.3f}")
    print(
        f"gap model − LC: mean {gaps.mean() * 100:+.2f} pp, mean |gap| "
        f"{np.abs(gaps).mean() * 100:.2f} pp, range {gaps.min() * 100:+.2f}..{gaps.max() * 100:+.2f} pp"
    )
    life_gaps = np.array(life_models) - np.array(actual)
    print(
        f"with annualised lifetime PD: Spearman {spearman(life_models, actual):+.3f}, mean |gap| "
        f"{np.abs(life_gaps).mean() * 100:.2f} pp, range {life_gaps.min() * 100:+.2f}.."
        f"{life_gaps.max() * 100:+.2f} pp"
    )
    print(f"elapsed {time.perf_counter() - started:.2f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
