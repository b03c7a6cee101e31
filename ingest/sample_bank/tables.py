"""Turn the simulation's integer-coded columns into the rows of ``ingest.schema`` tables.

Each function returns ``{column name: numpy array}`` in the table's column order:
dimension codes as strings, dates as datetime64[D] (NaT for NULL), money rounded to
cents, NaN for NULL numbers and None for NULL text. The loader does the rest.
"""

from __future__ import annotations

import numpy as np

from ingest.sample_bank import reference as ref
from ingest.sample_bank.credit import Book
from ingest.sample_bank.origination import Columns
from ingest.sample_bank.timeline import Timeline

CODES = {
    "product": np.array(ref.PRODUCTS, dtype=object),
    "segment": np.array(ref.SEGMENTS, dtype=object),
    "channel": np.array(ref.CHANNELS, dtype=object),
    "region": np.array(ref.REGIONS, dtype=object),
}
DIMS = ("product", "segment", "channel", "region")


def decode(columns: Columns, dims: tuple[str, ...] = DIMS) -> Columns:
    """Dimension columns from integer codes to member codes."""
    return {
        name: CODES[name][values.astype(np.int64)] if name in dims else values
        for name, values in columns.items()
    }


def monthly(columns: Columns, timeline: Timeline) -> Columns:
    """Month index to the first day of the month, for monthly tables."""
    out = dict(columns)
    out["month"] = timeline.month_starts[columns["month"]]
    return out


def dim_members(members: tuple[ref.Member, ...]) -> Columns:
    return {
        "dimension": np.array([m.dimension for m in members], dtype=object),
        "code": np.array([m.code for m in members], dtype=object),
        "name_zh": np.array([m.name("zh") for m in members], dtype=object),
        "name_en": np.array([m.name("en") for m in members], dtype=object),
        "kind": np.array([m.kind for m in members], dtype=object),
    }


def applications(apps: Columns) -> Columns:
    return decode(
        {
            "application_id": apps["application_id"],
            **{d: apps[d] for d in DIMS},
            "applied_on": apps["applied_on"],
            "amount_requested": apps["amount_requested"],
            "decision": np.where(apps["approved"], "APPROVED", "REJECTED").astype(object),
            "decision_hours": apps["decision_hours"],
        }
    )


def loans(rng: np.random.Generator, loans: Columns, book: Book, timeline: Timeline) -> Columns:
    """Loans with their default outcome: defaulted_on is the last day of the first month
    that ended at 91+ dpd; ead the balance then; recovered a product-typical share of it."""
    defaulted = book.default_month >= 0
    month_end = timeline.month_ends[np.maximum(book.default_month, 0)]
    low = np.zeros(defaulted.size)
    high = np.zeros(defaulted.size)
    for product, spec in ref.LOAN_SPECS.items():
        mask = loans["product"] == ref.P[product]
        low[mask], high[mask] = spec.recovery
    ead = np.round(book.ead, 2)
    recovered = np.round(ead * rng.uniform(low, high), 2)
    return decode(
        {
            "loan_id": loans["loan_id"],
            "customer_id": loans["customer_id"],
            **{d: loans[d] for d in DIMS},
            "disbursed_on": loans["disbursed_on"],
            "amount": loans["amount"],
            "rate": loans["rate"],
            "term_months": loans["term_months"],
            "defaulted_on": np.where(defaulted, month_end, np.datetime64("NaT")),
            "ead": np.where(defaulted, ead, np.nan),
            "recovered": np.where(defaulted, recovered, np.nan),
        }
    )


def _classification(bucket: np.ndarray, dpd: np.ndarray, secured: np.ndarray) -> np.ndarray:
    """Five-tier classification from dpd; unsecured 181+ accounts await write-off: LOSS."""
    labels = np.array(["PASS", "SPECIAL", "SUBSTANDARD", "DOUBTFUL", "LOSS"], dtype=object)
    tier = np.select(
        [dpd == 0, dpd <= 90, dpd <= 180, (dpd <= 360) & secured],
        [0, 1, 2, 3],
        default=4,
    )
    return labels[tier]


def loan_snapshots(book: Book, timeline: Timeline) -> Columns:
    acc, a = book.accounts, book.snap_account
    dpd = book.snap_dpd
    status = np.array(["CURRENT", "OVERDUE", "DEFAULT"], dtype=object)[
        np.select([dpd == 0, dpd <= 90], [0, 1], default=2)
    ]
    return decode(
        {
            "month": timeline.month_starts[book.snap_month],
            "account_id": acc.account_id[a],
            "product": acc.product[a],
            "segment": acc.segment[a],
            "channel": acc.channel[a],
            "region": acc.region[a],
            "balance": np.round(book.snap_balance, 2),
            "dpd": dpd,
            "status": status,
            "classification": _classification(book.snap_bucket, dpd, acc.secured[a]),
            "rate": acc.rate[a],
        }
    )


def cards(cards: Columns) -> Columns:
    return decode(
        {
            "card_id": cards["card_id"],
            "customer_id": cards["customer_id"],
            **{d: cards[d] for d in DIMS},
            "issued_on": cards["issued_on"],
            "activated_on": cards["activated_on"],
            "activated_30d": cards["activated_30d"],
            "credit_limit": cards["credit_limit"],
        }
    )
