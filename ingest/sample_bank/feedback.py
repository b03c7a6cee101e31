"""Complaints and NPS answers, tied to the customers and events of the simulated bank.

Complaint volume follows each product's active customers; the theme mix follows the
product, and three storylines move it: collection complaints grow with the FLASH x
PARTNER deterioration, a Youth card app release produces an ``app_digital`` spike, and
``marketing_harassment`` (a theme outside the known taxonomy) emerges in the last four
months. Complaining credit customers are drawn from that month's open accounts, with
delinquent accounts far more likely to complain about collection. NPS scores move with
the same events.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ingest.sample_bank import complaint_text, survey_text
from ingest.sample_bank import reference as ref
from ingest.sample_bank.credit import Book
from ingest.sample_bank.origination import Columns, CustomerPool
from ingest.sample_bank.timeline import Timeline

N_PRODUCTS = len(ref.PRODUCTS)
THEME_INDEX = {theme: i for i, theme in enumerate(ref.ALL_THEMES)}
RESOLUTION_DAYS = {  # median days to resolve, per theme
    "high_interest": 5,
    "fees": 4,
    "points_redemption": 4,
    "collection_conduct": 6,
    "app_digital": 2,
    "service_attitude": 3,
    "disputed_transaction": 10,
    "fraud": 12,
    "credit_reporting": 9,
    "marketing_harassment": 3,
}


def customers_by_product(base: Columns, timeline: Timeline) -> np.ndarray:
    """Active customers per (month, product) from customer_base rows."""
    totals = np.zeros((timeline.months, N_PRODUCTS))
    np.add.at(totals, (base["month"], base["product"]), base["active_customers"])
    return totals


def _expected_complaints(timeline: Timeline, customers: np.ndarray, scale: float) -> np.ndarray:
    """Expected complaints per (month, product, theme), storylines included."""
    expected = np.zeros((timeline.months, N_PRODUCTS, len(ref.ALL_THEMES)))
    for product, mix in ref.THEME_MIX.items():
        p = ref.P[product]
        rate = ref.COMPLAINT_RATE[product] / 1e4 * customers[:, p]
        for theme, weight in mix.items():
            expected[:, p, THEME_INDEX[theme]] = rate * weight
    _app_upgrade(expected, timeline)
    collection = THEME_INDEX["collection_conduct"]
    expected[:, ref.P["FLASH"], collection] *= 1.0 + 1.5 * timeline.ramp(ref.DETERIORATION_MONTHS)
    weights = np.array([ref.EMERGING_PRODUCT_WEIGHT[p] for p in ref.PRODUCTS])
    emerging = np.full(timeline.months, ref.EMERGING_BACKGROUND)
    recent = np.array(ref.EMERGING_MONTHLY)[-min(4, timeline.months) :]
    emerging[timeline.months - recent.size :] = recent
    expected[:, :, THEME_INDEX[ref.EMERGING_THEME]] = (
        emerging[:, None] * scale * weights[None, :] / weights.sum()
    )
    return expected


def _app_upgrade(expected: np.ndarray, timeline: Timeline) -> None:
    """The app release: every product's app complaints rise a little, Youth card's a lot."""
    spike = timeline.index_of(ref.APP_UPGRADE_MONTHS_BEFORE_END)
    if spike is None:
        return
    app = THEME_INDEX["app_digital"]
    youth = ref.P["CC_YOUTH"]
    others = [p for p in range(N_PRODUCTS) if p != youth]
    expected[spike, others, app] *= 1.3
    for offset, factor in enumerate(ref.APP_UPGRADE_SPIKE):
        if spike + offset < timeline.months:
            expected[spike + offset, youth, app] *= factor


class _AccountSampler:
    """Draws open accounts of a (month, product) with theme-dependent weights."""

    def __init__(self, book: Book):
        acc = book.accounts
        self.book = book
        key = book.snap_month.astype(np.int64) * N_PRODUCTS + acc.product[book.snap_account]
        self.order = np.argsort(key, kind="stable")
        self.bounds = np.searchsorted(key[self.order], np.arange(key.max() + 2 if key.size else 1))

    def rows(self, t: int, p: int) -> np.ndarray:
        g = t * N_PRODUCTS + p
        if g + 1 >= self.bounds.size:
            return self.order[:0]
        return self.order[self.bounds[g] : self.bounds[g + 1]]

    def weights(self, rows: np.ndarray, theme: str) -> np.ndarray:
        late = self.book.snap_dpd[rows] > 0
        if theme == "collection_conduct":
            return 1.0 + 40.0 * late
        if theme == "credit_reporting":
            return 1.0 + 10.0 * late
        if theme == "high_interest":
            return self.book.accounts.rate[self.book.snap_account[rows]] ** 2
        return np.ones(rows.size)


def _weighted(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    cum = np.cumsum(weights)
    return np.minimum(np.searchsorted(cum, rng.random(size) * cum[-1], side="right"), cum.size - 1)


def _complaint_rows(rng, counts, book: Book, deposits: Columns, pool: CustomerPool) -> Columns:
    """Who complained: dims and customer_id per complaint, grouped by month/product/theme."""
    sampler = _AccountSampler(book)
    acc = book.accounts
    dep_key = deposits["month"].astype(np.int64) * N_PRODUCTS + deposits["product"]
    out: dict[str, list[np.ndarray]] = {
        k: [] for k in ("month", "product", "segment", "channel", "region", "customer", "theme")
    }
    for t, p in zip(*np.nonzero(counts.sum(axis=2)), strict=True):
        product = ref.PRODUCTS[p]
        credit_rows = sampler.rows(t, p) if product in ref.CREDIT_PRODUCTS else None
        dep_rows = np.flatnonzero(dep_key == t * N_PRODUCTS + p) if credit_rows is None else None
        for theme_i in np.flatnonzero(counts[t, p]):
            k = int(counts[t, p, theme_i])
            theme = ref.ALL_THEMES[theme_i]
            if credit_rows is not None and credit_rows.size:
                pick = credit_rows[_weighted(rng, sampler.weights(credit_rows, theme), k)]
                a = book.snap_account[pick]
                dims = acc.segment[a], acc.channel[a], acc.region[a], acc.customer[a]
            elif dep_rows is not None and dep_rows.size:
                pick = dep_rows[_weighted(rng, deposits["customers"][dep_rows], k)]
                seg, reg = deposits["segment"][pick], deposits["region"][pick]
                dims = seg, deposits["channel"][pick], reg, pool.draw(rng, seg, reg)
            else:
                continue
            for name, values in zip(
                ("segment", "channel", "region", "customer"), dims, strict=True
            ):
                out[name].append(np.asarray(values, dtype=np.int64))
            out["month"].append(np.full(k, t))
            out["product"].append(np.full(k, p))
            out["theme"].append(np.full(k, theme_i))
    return {k: np.concatenate(v) if v else np.zeros(0, dtype=np.int64) for k, v in out.items()}


def _resolved_days(rng, timeline: Timeline, themes: np.ndarray, received: np.ndarray):
    """Days to resolution, or NaN while still open at the end of the window."""
    median = np.array([RESOLUTION_DAYS[t] for t in ref.ALL_THEMES])[themes]
    days = np.clip(np.round(median * np.exp(0.6 * rng.standard_normal(themes.size))), 1, 60)
    still_open = (received + days.astype("timedelta64[D]") >= timeline.end) | (
        rng.random(themes.size) < 0.035
    )
    return np.where(still_open, np.nan, days)


def complaints(
    rng: np.random.Generator,
    timeline: Timeline,
    scale: float,
    book: Book,
    deposits: Columns,
    base: Columns,
    pool: CustomerPool,
    product_names: Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]],
) -> Columns:
    """complaints rows ordered by date, ``complaint_id`` 1..n."""
    customers = customers_by_product(base, timeline)
    counts = rng.poisson(_expected_complaints(timeline, customers, scale))
    rows = _complaint_rows(rng, counts, book, deposits, pool)
    n = rows["month"].size
    received = timeline.random_days(rng, rows["month"], np.full(n, 0.8))
    order = np.lexsort((rng.random(n), received))
    rows = {k: v[order] for k, v in rows.items()}
    received = received[order]
    language = np.where(rng.random(n) < 0.15, "en", "zh").astype(object)
    themes = np.array(ref.ALL_THEMES, dtype=object)[rows["theme"]]
    products = np.array(ref.PRODUCTS, dtype=object)[rows["product"]]
    text = complaint_text.compose(rng, themes, language, products, received, product_names)
    return {
        "complaint_id": np.arange(1, n + 1, dtype=np.int64),
        "customer_id": rows["customer"],
        "product": rows["product"],
        "segment": rows["segment"],
        "channel": rows["channel"],
        "region": rows["region"],
        "received_on": received,
        "theme": themes,
        "language": language,
        "text": np.array(text, dtype=object),
        "resolved_days": _resolved_days(rng, timeline, rows["theme"], received),
    }


# --- NPS ----------------------------------------------------------------------------------


def _score_shift(timeline: Timeline, rows: Columns) -> tuple[np.ndarray, np.ndarray]:
    """Event effects on the mean score, and the incident a comment may mention."""
    t, p, c = rows["month"], rows["product"], rows["channel"]
    shift = -0.25 * timeline.ramp(4)[t] + 0.2 * timeline.trend()[t]
    incident = np.full(t.size, None, dtype=object)
    marketing = timeline.ramp(4)[t] > 0
    incident[marketing] = "marketing"
    flash_partner = (p == ref.P["FLASH"]) & (c == ref.C["PARTNER"])
    story = timeline.ramp(ref.DETERIORATION_MONTHS)[t]
    shift = shift - 0.8 * story * flash_partner
    incident[flash_partner & (story > 0)] = "collection"
    for name, months_before_end, product, effects in (
        ("app_upgrade", ref.APP_UPGRADE_MONTHS_BEFORE_END, "CC_YOUTH", (-2.0, -0.8)),
        ("wobble", ref.WM_WOBBLE_MONTHS_BEFORE_END, "WM_STABLE", (-0.9, -0.5)),
    ):
        start = timeline.index_of(months_before_end)
        if start is None:
            continue
        for offset, effect in enumerate(effects):
            hit = (t == start + offset) & (p == ref.P[product])
            shift = shift + effect * hit
            incident[hit] = name
    return shift, incident


def nps(rng: np.random.Generator, timeline: Timeline, base: Columns) -> Columns:
    """nps_responses rows ordered by date, ``response_id`` 1..n."""
    customers = customers_by_product(base, timeline)
    counts = rng.poisson(ref.NPS_RESPONSES_PER_10K / 1e4 * customers)
    key = base["month"].astype(np.int64) * N_PRODUCTS + base["product"]
    picked = []
    for t, p in zip(*np.nonzero(counts), strict=True):
        cells = np.flatnonzero(key == t * N_PRODUCTS + p)
        picked.append(cells[_weighted(rng, base["active_customers"][cells], counts[t, p])])
    pick = np.concatenate(picked) if picked else np.zeros(0, dtype=np.int64)
    rows = {k: base[k][pick] for k in ("month", "product", "segment", "channel", "region")}
    n = pick.size
    shift, incident = _score_shift(timeline, rows)
    mean = (
        np.array([ref.NPS_MEAN[p] for p in ref.PRODUCTS])[rows["product"]]
        + ref.NPS_SEGMENT[rows["segment"]]
        + ref.NPS_CHANNEL[rows["channel"]]
        + shift
    )
    score = np.round(mean + 1.8 * rng.standard_normal(n))
    angry = rng.random(n) < 0.03  # a tail of very unhappy customers
    score = np.clip(np.where(angry, rng.integers(0, 4, n), score), 0, 10).astype(np.int64)
    responded = timeline.random_days(rng, rows["month"], np.full(n, 1.0))
    order = np.lexsort((rng.random(n), responded))
    rows = {k: v[order] for k, v in rows.items()}
    score, incident, responded = score[order], incident[order], responded[order]
    marketing_only_some = (incident == "marketing") & (rng.random(n) < 0.7)
    incident[marketing_only_some] = None
    language = np.where(rng.random(n) < 0.15, "en", "zh")
    products = np.array(ref.PRODUCTS)[rows["product"]]
    comment = survey_text.comments(rng, score, language.tolist(), products.tolist(), incident)
    return {
        "response_id": np.arange(1, n + 1, dtype=np.int64),
        "product": rows["product"],
        "segment": rows["segment"],
        "channel": rows["channel"],
        "region": rows["region"],
        "responded_on": responded,
        "score": score,
        "comment": np.array(comment, dtype=object),
    }
