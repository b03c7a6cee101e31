"""Customers, credit applications, and the loans and cards they turn into.

Applications come first and accounts follow from them (approved, taken up, booked
before the window closes), so that approvals and bookings are consistent by
construction: every loan and card has an approved application, and approved
applications outnumber accounts by the take-up rate and the booking pipeline.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingest.sample_bank import reference as ref
from ingest.sample_bank.timeline import Timeline

Columns = dict[str, np.ndarray]


def categorical(rng: np.random.Generator, weights: np.ndarray) -> np.ndarray:
    """One draw per row of a (rows x categories) weight matrix (rows need not sum to 1)."""
    cum = np.cumsum(weights, axis=1)
    u = rng.random(weights.shape[0]) * cum[:, -1]
    return (u[:, None] >= cum).sum(axis=1).astype(np.int8)


def take(columns: Columns, mask_or_index: np.ndarray) -> Columns:
    """Rows of a column set selected by a boolean mask or an index array."""
    return {name: values[mask_or_index] for name, values in columns.items()}


@dataclass(frozen=True)
class CustomerPool:
    """Customer ids bucketed by (segment, region), so a customer keeps both everywhere."""

    starts: np.ndarray  # (segments, regions) first id of each bucket
    sizes: np.ndarray

    @classmethod
    def build(cls, scale: float) -> CustomerPool:
        shares = np.outer(ref.POOL_SEGMENT, ref.REGION_WEIGHTS)
        sizes = np.maximum(np.ceil(ref.POOL_CUSTOMERS * scale * shares), 20).astype(np.int64)
        starts = 1 + np.concatenate([[0], np.cumsum(sizes.ravel())[:-1]]).reshape(sizes.shape)
        return cls(starts=starts, sizes=sizes)

    def draw(self, rng: np.random.Generator, segment: np.ndarray, region: np.ndarray):
        """A customer id of the given segment and region for every row."""
        size = self.sizes[segment, region]
        return self.starts[segment, region] + np.floor(rng.random(segment.size) * size).astype(
            np.int64
        )


# --- applications ----------------------------------------------------------------------


def _monthly_counts(rng: np.random.Generator, timeline: Timeline, product: str, scale: float):
    months_to_end = np.arange(timeline.months) - (timeline.months - 1)
    season = np.array(ref.APP_SEASON[product])[timeline.calendar_month]
    mean = ref.MONTHLY_APPLICATIONS[product] * scale * np.exp(ref.MONTHLY_GROWTH * months_to_end)
    return rng.poisson(mean * season)


def _channels(rng, timeline: Timeline, product: str, segment: np.ndarray, month: np.ndarray):
    weights = ref.CHANNEL_MIX[ref.P[product]][None, :] * ref.CHANNEL_TILT[segment]
    if product == "FLASH":
        push = 1.0 + ref.PARTNER_PUSH * timeline.ramp(ref.PARTNER_PUSH_MONTHS)[month]
        weights[:, ref.C["PARTNER"]] *= push
    return categorical(rng, weights)


def _approval_probability(timeline: Timeline, product: str, apps: Columns) -> np.ndarray:
    logit = (
        ref.APPROVAL_BASE[product]
        + ref.APPROVAL_SEGMENT[apps["segment"]]
        + ref.APPROVAL_CHANNEL[apps["channel"]]
        - 0.4 * np.log(ref.REGION_RISK[apps["region"]])
    )
    if product == "FLASH":
        loosening = ref.PARTNER_LOOSENING * timeline.ramp(ref.PARTNER_PUSH_MONTHS)[apps["month"]]
        logit = logit + np.where(apps["channel"] == ref.C["PARTNER"], loosening, 0.0)
    return 1.0 / (1.0 + np.exp(-logit))


def _decision_hours(rng, timeline: Timeline, product: str, apps: Columns, approved):
    medians = np.array([ref.DECISION_HOURS[product][c] for c in ref.CHANNELS])
    hours = medians[apps["channel"]] * np.exp(0.5 * rng.standard_normal(approved.size))
    # Digital decisions get faster as the bank automates; rejections come a bit quicker.
    automation = np.where(
        apps["channel"] == ref.C["BRANCH"], 1.0, 1.0 - 0.3 * timeline.trend()[apps["month"]]
    )
    hours = hours * automation * np.where(approved, 1.0, 0.85)
    return np.round(np.maximum(hours, 0.02), 2)


def _amount_bounds(product: str) -> tuple[float, float, float, float, float]:
    """(median, min, max, rounding step, log-sigma) of the amount or limit asked for."""
    if product in ref.LOAN_SPECS:
        spec = ref.LOAN_SPECS[product]
        sigma = {"FLASH": 0.55, "HOME": 0.35, "SME": 0.7, "AUTO": 0.4}[product]
        return spec.amount_median, spec.amount_min, spec.amount_max, spec.amount_round, sigma
    card = ref.CARD_SPECS[product]
    return card.limit_median, card.limit_min, card.limit_max, 1000.0, 0.45


def _requested_amounts(rng, product: str, apps: Columns) -> np.ndarray:
    """Log-normal around the product median, larger for richer segments and regions."""
    median, low, high, step, sigma = _amount_bounds(product)
    region_weight = 1.0 if product == "HOME" else 0.4  # house prices drive mortgages
    tilt = ref.AMOUNT_SEGMENT[apps["segment"]] * ref.AMOUNT_REGION[apps["region"]] ** region_weight
    raw = median * tilt * np.exp(sigma * rng.standard_normal(tilt.size))
    return np.clip(np.round(raw / step) * step, low, high)


def _product_applications(rng, timeline: Timeline, product: str, scale: float) -> Columns:
    counts = _monthly_counts(rng, timeline, product, scale)
    month = np.repeat(np.arange(timeline.months), counts).astype(np.int16)
    n = month.size
    segment_mix = ref.SEGMENT_MIX[ref.P[product]]
    segment = categorical(rng, np.broadcast_to(segment_mix, (n, segment_mix.size)))
    apps: Columns = {
        "product": np.full(n, ref.P[product], dtype=np.int8),
        "segment": segment,
        "channel": _channels(rng, timeline, product, segment, month),
        "region": categorical(rng, np.broadcast_to(ref.REGION_WEIGHTS, (n, len(ref.REGIONS)))),
        "month": month,
    }
    weekend = np.where(apps["channel"] == ref.C["BRANCH"], 0.35, 1.0)
    apps["applied_on"] = timeline.random_days(rng, month, weekend)
    approved = rng.random(n) < _approval_probability(timeline, product, apps)
    apps["approved"] = approved
    apps["decision_hours"] = _decision_hours(rng, timeline, product, apps, approved)
    apps["amount_requested"] = _requested_amounts(rng, product, apps)
    apps["taken_up"] = approved & (rng.random(n) < ref.TAKE_UP[product])
    low, high = ref.BOOKING_DAYS[product]
    lag = np.ceil(apps["decision_hours"] / 24.0) + rng.integers(low, high + 1, n)
    apps["booked_on"] = apps["applied_on"] + lag.astype("timedelta64[D]")
    apps["tiebreak"] = rng.random(n)
    return apps


def applications(rng: np.random.Generator, timeline: Timeline, scale: float) -> Columns:
    """All credit applications, ordered by date, with ``application_id`` 1..n."""
    parts = [_product_applications(rng, timeline, p, scale) for p in ref.CREDIT_PRODUCTS]
    apps = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    order = np.lexsort((apps["tiebreak"], apps["applied_on"]))
    apps = take(apps, order)
    apps["application_id"] = np.arange(1, order.size + 1, dtype=np.int64)
    return apps


# --- accounts --------------------------------------------------------------------------


def _booked(apps: Columns, timeline: Timeline, products: tuple[str, ...]) -> Columns:
    """Applications that became accounts before the window closed, in booking order."""
    codes = [ref.P[p] for p in products]
    mask = apps["taken_up"] & np.isin(apps["product"], codes) & (apps["booked_on"] < timeline.end)
    booked = take(apps, mask)
    order = np.lexsort((booked["application_id"], booked["booked_on"]))
    return take(booked, order)


def _risk(rng: np.random.Generator, accounts: Columns) -> tuple[np.ndarray, np.ndarray]:
    """Account risk multiplier (mean ~1 per cell) and the part the bank's pricing sees."""
    cell = (
        ref.SEGMENT_RISK[accounts["segment"]]
        * ref.CHANNEL_RISK[accounts["channel"]]
        * ref.REGION_RISK[accounts["region"]]
    )
    sigma = ref.IDIOSYNCRATIC_RISK
    z = rng.standard_normal(cell.size)
    actual = cell * np.exp(sigma * z - sigma**2 / 2)
    seen = cell * np.exp(ref.SCORECARD_SIGHT * sigma * z)
    return actual, seen


def _loan_rates(rng, timeline: Timeline, loans: Columns, seen: np.ndarray) -> np.ndarray:
    """Risk-based pricing inside each product's range, drifting down with rate cuts."""
    rates = np.empty(seen.size)
    position = np.clip((np.log(seen) - np.log(0.12)) / (np.log(3.5) - np.log(0.12)), 0.0, 1.0)
    later = timeline.trend()[timeline.month_of(loans["disbursed_on"])]
    noise = rng.normal(0.0, 0.04, seen.size)
    for product, spec in ref.LOAN_SPECS.items():
        mask = loans["product"] == ref.P[product]
        if product == "HOME":  # mortgage pricing follows the benchmark, barely the borrower
            level = 0.85 * (1.0 - later[mask]) + 0.15 * position[mask]
        else:
            level = 0.1 + 0.75 * position[mask] + 0.15 * (1.0 - later[mask])
        level = np.clip(level + noise[mask], 0.0, 1.0)
        rates[mask] = spec.rate_min + (spec.rate_max - spec.rate_min) * level
    return np.round(rates, 4)


def loans(rng: np.random.Generator, apps: Columns, timeline: Timeline, pool: CustomerPool):
    """Disbursed loans (``loan_id`` 1..n in disbursement order) with risk attributes."""
    booked = _booked(apps, timeline, ref.LOAN_PRODUCTS)
    n = booked["product"].size
    out: Columns = {key: booked[key] for key in ("product", "segment", "channel", "region")}
    out["application_id"] = booked["application_id"]
    out["loan_id"] = np.arange(1, n + 1, dtype=np.int64)
    out["customer_id"] = pool.draw(rng, booked["segment"], booked["region"])
    out["disbursed_on"] = booked["booked_on"]
    out["month"] = timeline.month_of(booked["booked_on"]).astype(np.int16)
    cut = np.where(rng.random(n) < 0.7, 1.0, rng.uniform(0.6, 0.95, n))
    amount = np.empty(n)
    term = np.empty(n, dtype=np.int64)
    for product, spec in ref.LOAN_SPECS.items():
        mask = out["product"] == ref.P[product]
        granted = np.round(booked["amount_requested"][mask] * cut[mask] / spec.amount_round)
        amount[mask] = np.maximum(granted * spec.amount_round, spec.amount_min)
        weights = np.broadcast_to(np.array(spec.term_weights), (int(mask.sum()), len(spec.terms)))
        term[mask] = np.array(spec.terms)[categorical(rng, weights)]
    out["amount"] = amount
    out["term_months"] = term
    out["risk"], seen = _risk(rng, out)
    out["rate"] = _loan_rates(rng, timeline, out, seen)
    return out


def _activation(rng, timeline: Timeline, cards: Columns) -> tuple[np.ndarray, np.ndarray]:
    """activated_on (NaT if not yet) and activated_30d, never dated on or after the end."""
    n = cards["product"].size
    base = np.where(
        cards["product"] == ref.P["CC_PLAT"],
        ref.CARD_SPECS["CC_PLAT"].activation,
        ref.CARD_SPECS["CC_YOUTH"].activation,
    )
    segment_shift = np.where(cards["segment"] == ref.S["HNW"], 0.05, 0.0) - np.where(
        cards["segment"] == ref.S["NEW_URBAN"], 0.03, 0.0
    )
    later = timeline.trend()[timeline.month_of(cards["issued_on"])]
    p = np.clip(
        base + ref.ACTIVATION_CHANNEL[cards["channel"]] + segment_shift + 0.04 * later, 0, 1
    )
    quick = rng.random(n) < p
    slow = ~quick & (rng.random(n) < 0.25)
    delay = np.where(
        quick,
        np.minimum(1 + np.floor(rng.exponential(3.0, n)), 30),
        rng.integers(31, 151, n),
    )
    activated_on = cards["issued_on"] + delay.astype("timedelta64[D]")
    known = (quick | slow) & (activated_on < timeline.end)
    activated_on = np.where(known, activated_on, np.datetime64("NaT"))
    return activated_on, (known & quick).astype(np.int64)


def cards(rng: np.random.Generator, apps: Columns, timeline: Timeline, pool: CustomerPool):
    """Issued credit cards (``card_id`` 1..n in issue order) with risk attributes."""
    booked = _booked(apps, timeline, ref.CARD_PRODUCTS)
    n = booked["product"].size
    out: Columns = {key: booked[key] for key in ("product", "segment", "channel", "region")}
    out["application_id"] = booked["application_id"]
    out["card_id"] = np.arange(1, n + 1, dtype=np.int64)
    out["customer_id"] = pool.draw(rng, booked["segment"], booked["region"])
    out["issued_on"] = booked["booked_on"]
    out["month"] = timeline.month_of(booked["booked_on"]).astype(np.int16)
    out["activated_on"], out["activated_30d"] = _activation(rng, timeline, out)
    out["risk"], seen = _risk(rng, out)
    # Lower limits for riskier applicants than they asked for; never above the maximum.
    limit = booked["amount_requested"] / np.sqrt(np.maximum(seen, 0.3))
    is_plat = out["product"] == ref.P["CC_PLAT"]
    low = np.where(
        is_plat, ref.CARD_SPECS["CC_PLAT"].limit_min, ref.CARD_SPECS["CC_YOUTH"].limit_min
    )
    high = np.where(
        is_plat, ref.CARD_SPECS["CC_PLAT"].limit_max, ref.CARD_SPECS["CC_YOUTH"].limit_max
    )
    out["credit_limit"] = np.clip(np.round(limit / 1000.0) * 1000.0, low, high)
    out["rate"] = np.where(is_plat, np.where(out["segment"] == ref.S["HNW"], 0.146, 0.1642), 0.1825)
    return out
