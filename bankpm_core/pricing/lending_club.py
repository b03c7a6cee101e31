"""Import path for the Lending Club loan samples: CSV → the ``loans`` table shape.

Lending Club's public "accepted loans" layout (``loan_amnt``, ``int_rate`` in percent,
``grade`` A–G, ``issue_d`` like ``Sep-2016``, ``loan_status``, ``last_pymnt_d``,
``total_rec_prncp``, ``recoveries`` …) is mapped onto the columns the pricing model reads
(:class:`bankpm_core.pricing.config.LoanTable`), so the very same estimator and build-up
run on it:

========================  =========================================================
loans column              from Lending Club
========================  =========================================================
product                   ``LC`` (one product: unsecured personal loans)
segment                   ``GRADE_A`` … ``GRADE_G`` from ``grade``
channel / region          ``ONLINE`` / ``addr_state``
disbursed_on              first day of ``issue_d``
amount                    ``funded_amnt`` (else ``loan_amnt``)
rate                      ``int_rate`` ÷ 100 (a fraction, like the sample bank)
term_months               ``term`` ("36 months" → 36)
defaulted_on              for ``Charged Off`` / ``Default`` / ``Late (31-120 days)``
                          (also under "Does not meet the credit policy. Status:…"):
                          the month-end four months after ``last_pymnt_d`` (missed
                          payment + 90 days), else after ``issue_d``; capped at the
                          data's as-of date. NULL otherwise.
ead                       ``funded_amnt − total_rec_prncp`` for defaults
recovered                 ``recoveries − collection_recovery_fee`` (≥ 0) for defaults
========================  =========================================================

The as-of date is the latest ``last_pymnt_d`` in the files. ``Current``, ``Fully Paid``,
``In Grace Period`` and ``Late (16-30 days)`` are not defaults.

Usage::

    from bankpm_core.db import make_engine
    from bankpm_core.pricing.lending_club import import_lending_club
    engine = make_engine("sqlite://")
    import_lending_club(engine, ["../shared/data/loans/lending_club_sample_2000.csv"])
    # now LoanHistory(engine).estimate(Cell("LC", "GRADE_C"), ...)

Nothing the product runs needs these files: they are benchmark data (bench/bench_pricing.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from sqlalchemy.engine import Engine

PRODUCT = "LC"
GRADES = ("A", "B", "C", "D", "E", "F", "G")
DEFAULT_STATUSES = ("Charged Off", "Default", "Late (31-120 days)")
MONTHS_TO_DEFAULT = 4  # last payment → first missed due date (+1) → 90+ dpd (+3)
COLUMNS = (
    "loan_id",
    "customer_id",
    "product",
    "segment",
    "channel",
    "region",
    "disbursed_on",
    "amount",
    "rate",
    "term_months",
    "defaulted_on",
    "ead",
    "recovered",
)


def segment_of(grade: str) -> str:
    return f"GRADE_{grade}"


def _month(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, format="%b-%Y", errors="coerce")


def read_lending_club(paths: Iterable[str | Path]) -> pd.DataFrame:
    """Lending Club CSVs as rows of the ``loans`` shape (plus ``status`` and ``grade``)."""
    frames = [pd.read_csv(p, low_memory=False) for p in paths]
    raw = pd.concat(frames, ignore_index=True)
    raw = raw[raw["grade"].isin(GRADES)].copy()
    if "id" in raw.columns:
        raw = raw.drop_duplicates(subset="id")
    status = (
        raw["loan_status"]
        .astype(str)
        .str.replace("Does not meet the credit policy. Status:", "", regex=False)
    )
    issued = _month(raw["issue_d"])
    last_paid = _month(raw.get("last_pymnt_d", pd.Series(index=raw.index, dtype=object)))
    as_of = last_paid.max()
    if pd.isna(as_of):
        as_of = issued.max()
    as_of = as_of + pd.offsets.MonthEnd(0)
    defaulted = status.isin(DEFAULT_STATUSES)
    anchor = last_paid.fillna(issued)
    default_day = (anchor + pd.DateOffset(months=MONTHS_TO_DEFAULT)) + pd.offsets.MonthEnd(0)
    default_day = default_day.where(default_day <= as_of, as_of)
    funded = raw["funded_amnt"].fillna(raw["loan_amnt"]).astype(float)
    principal_paid = raw.get("total_rec_prncp", pd.Series(0.0, index=raw.index)).fillna(0.0)
    recoveries = raw.get("recoveries", pd.Series(0.0, index=raw.index)).fillna(0.0)
    fees = raw.get("collection_recovery_fee", pd.Series(0.0, index=raw.index)).fillna(0.0)
    rate = raw["int_rate"]
    if rate.dtype == object:
        rate = rate.astype(str).str.rstrip("%")
    out = pd.DataFrame(
        {
            "loan_id": range(1, len(raw) + 1),
            "customer_id": range(1, len(raw) + 1),
            "product": PRODUCT,
            "segment": raw["grade"].map(segment_of).to_numpy(),
            "channel": "ONLINE",
            "region": raw.get("addr_state", pd.Series("NA", index=raw.index))
            .fillna("NA")
            .to_numpy(),
            "disbursed_on": issued.dt.date.to_numpy(),
            "amount": funded.to_numpy(),
            "rate": (pd.to_numeric(rate, errors="coerce") / 100).to_numpy(),
            "term_months": raw["term"].astype(str).str.extract(r"(\d+)")[0].astype(int).to_numpy(),
            "defaulted_on": default_day.dt.date.where(defaulted, None).to_numpy(),
            "ead": (funded - principal_paid).clip(lower=0).where(defaulted).to_numpy(),
            "recovered": (recoveries - fees).clip(lower=0).where(defaulted).to_numpy(),
        }
    )
    out["status"] = status.to_numpy()
    out["grade"] = raw["grade"].to_numpy()
    return out[out["disbursed_on"].notna()].reset_index(drop=True)


def import_lending_club(
    engine: Engine, paths: Iterable[str | Path], table: str = "loans"
) -> pd.DataFrame:
    """Write the mapped rows into ``table`` (replacing it) and return them."""
    frame = read_lending_club(paths)
    frame[list(COLUMNS)].to_sql(table, engine, if_exists="replace", index=False)
    return frame
