"""Monthly aggregate tables: deposits and wealth, card spending, customers, the market.

Deposits and wealth are simulated at cell level (segment x channel x region), not per
account: nothing asks for a single deposit. Card spending, the customer base and the
bank's side of the market table are summed from the account-level credit book, so the
tables agree with each other.
"""

from __future__ import annotations

import numpy as np

from ingest.sample_bank import reference as ref
from ingest.sample_bank.credit import N_CARD_CELLS, Book
from ingest.sample_bank.origination import Columns
from ingest.sample_bank.timeline import Timeline

N_SEG, N_CH, N_REG = len(ref.SEGMENTS), len(ref.CHANNELS), len(ref.REGIONS)
N_CELLS = N_SEG * N_CH * N_REG
DIMS = ("product", "segment", "channel", "region")


def _cell_dims() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Segment, channel and region of every cell index (segment-major)."""
    cell = np.arange(N_CELLS)
    return cell // (N_CH * N_REG), (cell // N_REG) % N_CH, cell % N_REG


def _grid(months: int, cells: int) -> tuple[np.ndarray, np.ndarray]:
    """Month and cell index of a (months x cells) grid, flattened month-major."""
    return np.repeat(np.arange(months), cells), np.tile(np.arange(cells), months)


# --- deposits and wealth -----------------------------------------------------------------


def _savings_growth(timeline: Timeline, product: str, channel: np.ndarray) -> np.ndarray:
    """Log customer growth per (month, cell): TD slows as money moves to wealth; WM wobbles."""
    months = timeline.months
    late = timeline.ramp(12)
    if product == "TD":
        monthly = 0.012 - 0.008 * late
    else:
        monthly = np.full(months, 0.02) + 0.005 * timeline.ramp(6)
        wobble = timeline.index_of(ref.WM_WOBBLE_MONTHS_BEFORE_END)
        if wobble is not None:
            monthly[wobble : wobble + 2] = (-0.03, -0.02)[: months - wobble]
            monthly[wobble + 2 : wobble + 6] = 0.008
    tilt = np.array([0.006, -0.004, 0.002])[channel]
    steps = monthly[:, None] + tilt[None, :]
    steps[0] = 0.0
    level = np.cumsum(steps, axis=0)
    return level - level[-1]


def _balance_path(timeline: Timeline, product: str) -> np.ndarray:
    """Log balance per customer over time (0 at the end of the window)."""
    steps = np.full(timeline.months, 0.003 if product == "TD" else 0.0025)
    if product == "WM_STABLE":
        wobble = timeline.index_of(ref.WM_WOBBLE_MONTHS_BEFORE_END)
        if wobble is not None:
            steps[wobble] = -0.03  # NAV drop
            steps[wobble + 1 : wobble + 2] = -0.04  # large holders redeem
            steps[wobble + 2 : wobble + 8] = 0.006
    steps[0] = 0.0
    level = np.cumsum(steps)
    return level - level[-1]


def _savings_rates(rng, timeline: Timeline, product: str, segment, channel) -> np.ndarray:
    """Customer rate (TD, stepping down with rate cuts) or annualised yield (WM)."""
    t = np.arange(timeline.months)
    if product == "TD":
        path = np.full(timeline.months, ref.TD_RATE_START)
        for months_before_end, cut in ref.TD_RATE_CUTS:
            path = path - np.where(t >= timeline.months - months_before_end, cut, 0.0)
        cell = (
            np.array([0.0, 0.0, 0.0003, 0.0005, 0.0015, 0.0])[segment]
            + np.array([0.0005, 0.0, 0.001])[channel]
        )
        noise = 0.0002
    else:
        start, end = ref.WM_YIELD
        path = start + (end - start) * timeline.trend() + rng.normal(0.0, 0.0008, timeline.months)
        wobble = timeline.index_of(ref.WM_WOBBLE_MONTHS_BEFORE_END)
        if wobble is not None:
            path[wobble] -= 0.004
        cell = np.array([0.0, -0.001, 0.0005, 0.0005, 0.002, -0.0005])[segment]
        noise = 0.0003
    rates = path[:, None] + cell[None, :] + rng.normal(0.0, noise, (timeline.months, cell.size))
    if product == "WM_STABLE":
        rates = np.clip(rates, 0.025, 0.035)
    return np.round(rates, 5)


def savings(rng: np.random.Generator, timeline: Timeline, scale: float) -> Columns:
    """deposit_balances rows (month index and dimension codes as integers)."""
    segment, channel, region = _cell_dims()
    parts = []
    for product in ref.SAVINGS_PRODUCTS:
        p = ref.P[product]
        channel_mix = ref.CHANNEL_MIX[p][None, :] * ref.CHANNEL_TILT
        channel_mix = channel_mix / channel_mix.sum(axis=1, keepdims=True)
        share = ref.SEGMENT_MIX[p][segment] * channel_mix[segment, channel]
        share = share * ref.REGION_WEIGHTS[region] * np.exp(0.2 * rng.standard_normal(N_CELLS))
        end_customers = ref.SAVINGS_CUSTOMERS[product] * scale * share / share.sum()
        noise = rng.normal(0.0, 0.01, (timeline.months, N_CELLS))
        growth = _savings_growth(timeline, product, channel)
        customers = np.round(end_customers[None, :] * np.exp(growth + noise)).astype(np.int64)
        per_customer = (
            ref.SAVINGS_BALANCE_PER_CUSTOMER[ref.SAVINGS_PRODUCTS.index(product)][segment]
            * ref.SAVINGS_CHANNEL_BALANCE[channel]
            * ref.SAVINGS_REGION_BALANCE[region]
            * np.exp(0.15 * rng.standard_normal(N_CELLS))
        )
        path = _balance_path(timeline, product)
        wobble = np.exp(path[:, None] + rng.normal(0.0, 0.01, (timeline.months, N_CELLS)))
        balance = np.round(customers * per_customer[None, :] * wobble, 2)
        rates = _savings_rates(rng, timeline, product, segment, channel)
        month, cell = _grid(timeline.months, N_CELLS)
        keep = customers.ravel() > 0
        parts.append(
            {
                "month": month[keep],
                "product": np.full(int(keep.sum()), p, dtype=np.int8),
                "segment": segment[cell][keep],
                "channel": channel[cell][keep],
                "region": region[cell][keep],
                "balance": balance.ravel()[keep],
                "customers": customers.ravel()[keep],
                "rate": rates.ravel()[keep],
            }
        )
    return {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}


# --- from the credit book ---------------------------------------------------------------


def card_transactions(book: Book, timeline: Timeline) -> Columns:
    """Monthly spending per card cell with at least one active card."""
    month, cell = _grid(timeline.months, N_CARD_CELLS)
    active = book.active_cards.ravel().astype(np.int64)
    keep = active > 0
    cell = cell[keep]
    return {
        "month": month[keep],
        "product": (cell // N_CELLS).astype(np.int8),  # card products are codes 0 and 1
        "segment": (cell // (N_CH * N_REG)) % N_SEG,
        "channel": (cell // N_REG) % N_CH,
        "region": cell % N_REG,
        "txn_count": book.txn_count.ravel()[keep].astype(np.int64),
        "txn_amount": np.round(book.txn_amount.ravel()[keep], 2),
        "active_cards": active[keep],
    }


def _full_cell(product, segment, channel, region) -> np.ndarray:
    """Index of (product, segment, channel, region) over all products."""
    cell = (product.astype(np.int64) * N_SEG + segment) * N_CH + channel
    return cell * N_REG + region


def _distinct_per_group(group: np.ndarray, member: np.ndarray):
    """(group, number of distinct members) by sorting packed keys: faster than np.unique."""
    keys = np.sort(group << 32 | member)
    first = np.ones(keys.size, dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    distinct_groups = keys[first] >> 32
    starts = np.flatnonzero(np.r_[True, distinct_groups[1:] != distinct_groups[:-1]])
    return distinct_groups[starts], np.diff(np.r_[starts, distinct_groups.size])


def customer_base(book: Book, deposits: Columns, timeline: Timeline) -> Columns:
    """Active customers per month and cell: distinct borrowers/cardholders, and holders."""
    acc = book.accounts
    a = book.snap_account
    cell = _full_cell(acc.product[a], acc.segment[a], acc.channel[a], acc.region[a])
    group = book.snap_month.astype(np.int64) * (len(ref.PRODUCTS) * N_CELLS) + cell
    groups, counts = _distinct_per_group(group, acc.customer[a].astype(np.int64))
    per_month = len(ref.PRODUCTS) * N_CELLS
    credit_cell = groups % per_month
    credit: Columns = {
        "month": groups // per_month,
        "product": (credit_cell // N_CELLS).astype(np.int8),
        "segment": (credit_cell // (N_CH * N_REG)) % N_SEG,
        "channel": (credit_cell // N_REG) % N_CH,
        "region": credit_cell % N_REG,
        "active_customers": counts.astype(np.int64),
    }
    savings_rows = {key: deposits[key] for key in ("month", *DIMS)}
    savings_rows["active_customers"] = deposits["customers"]
    return {name: np.concatenate([credit[name], savings_rows[name]]) for name in credit}


def _share_path(rng, timeline: Timeline, start_end: tuple[float, float]) -> np.ndarray:
    """Market share per (month, region): a drifting line with a little random walk."""
    start, end = start_end
    line = start + (end - start) * timeline.trend()
    walk = np.cumsum(rng.normal(0.0, 0.01, (timeline.months, N_REG)), axis=0)
    return line[:, None] * ref.MARKET_REGION[None, :] * np.exp(walk - walk[-1])


def _market_size(bank: np.ndarray, share: np.ndarray) -> np.ndarray:
    """Market balance per (month, region) for one product.

    The market follows the bank's *product total* spread over regions as the bank
    originates (REGION_WEIGHTS), not each region's own balance: a region where the bank
    has no account yet still has a market, and the product's overall share stays within
    the plausible range even while a young book ramps up.
    """
    total = bank.sum(axis=1)
    positive = total[total > 0]
    total = np.where(total > 0, total, positive[0] if positive.size else 1e6)
    return total[:, None] * ref.REGION_WEIGHTS[None, :] / share


def market_totals(rng, book: Book, deposits: Columns, cards: Columns, timeline: Timeline):
    """The bank's month-end balance and new cards next to the market's, per product x region."""
    n_products = len(ref.PRODUCTS)
    bank = np.zeros((timeline.months, n_products, N_REG))
    acc, a = book.accounts, book.snap_account
    np.add.at(bank, (book.snap_month, acc.product[a], acc.region[a]), book.snap_balance)
    np.add.at(
        bank, (deposits["month"], deposits["product"], deposits["region"]), deposits["balance"]
    )
    bank = np.round(bank, 2)
    market = np.zeros_like(bank)
    for product in ref.PRODUCTS:
        p = ref.P[product]
        market[:, p] = _market_size(
            bank[:, p], _share_path(rng, timeline, ref.MARKET_SHARE[product])
        )
    new_cards = np.zeros((timeline.months, n_products, N_REG), dtype=np.int64)
    np.add.at(new_cards, (cards["month"], cards["product"], cards["region"]), 1)
    market_cards = np.zeros_like(new_cards)
    for product in ref.CARD_PRODUCTS:
        p = ref.P[product]
        share = _share_path(rng, timeline, ref.CARD_ISSUANCE_SHARE[product])
        market_cards[:, p] = np.round(np.maximum(new_cards[:, p], 1) / share).astype(np.int64)
    month, cell = _grid(timeline.months, n_products * N_REG)
    return {
        "month": month,
        "product": (cell // N_REG).astype(np.int8),
        "region": cell % N_REG,
        "bank_balance": bank.ravel(),
        "market_balance": np.round(market.ravel(), 2),
        "bank_new_cards": new_cards.ravel(),
        "market_new_cards": market_cards.ravel(),
    }
