"""Month-end credit book: delinquency as a roll-rate state machine, balances, defaults.

Every open credit account (loans and activated credit cards) sits in a dpd bucket each
month end: 0 = current, k = 30(k-1)+1 .. 30k days past due. A current account misses a
payment with a hazard that depends on product, segment, channel, region, an account
risk factor, its age (seasoning), the calendar (macro drift, post-Spring-Festival) and
the FLASH x PARTNER deterioration storyline; delinquent accounts cure, stay or roll
forward with rates that worsen for riskier accounts. Unsecured accounts are written off
the month after reaching 181+ dpd; secured ones are worked out (resolved) slowly. Loans
amortise and may prepay; cards revolve and may be closed. All of it is vectorised over
accounts, one loop step per month.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ingest.sample_bank import reference as ref
from ingest.sample_bank.origination import Columns
from ingest.sample_bank.timeline import Timeline

N_CARD_CELLS = len(ref.CARD_PRODUCTS) * len(ref.SEGMENTS) * len(ref.CHANNELS) * len(ref.REGIONS)
MAX_BUCKET = 60  # far beyond anything a secured work-out reaches in a few years


def _roll_table() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    cure, back, stay = (np.zeros(ref.WRITE_OFF_BUCKET) for _ in range(3))
    for bucket, (c, b, s) in ref.ROLL_RATES.items():
        cure[bucket], back[bucket], stay[bucket] = c, b, s
    return cure, back, stay


CURE, BACK, STAY = _roll_table()


@dataclass
class Accounts:
    """Per-account attributes of the credit book: loans first, then activated cards."""

    product: np.ndarray
    segment: np.ndarray
    channel: np.ndarray
    region: np.ndarray
    customer: np.ndarray
    account_id: np.ndarray
    rate: np.ndarray
    is_card: np.ndarray
    opened: np.ndarray  # window month the account joins the book
    principal: np.ndarray  # loan amount or card limit
    term: np.ndarray  # loan term in months (0 for cards)
    hazard: np.ndarray  # base monthly probability of missing a payment
    roll: np.ndarray  # multiplier of roll-forward rates
    storyline: np.ndarray  # extra hazard in the FLASH x PARTNER deterioration
    storyline_roll: np.ndarray
    leave: np.ndarray  # monthly prepayment (loans) or closure (cards) probability
    secured: np.ndarray
    resolve: np.ndarray
    ramp_months: np.ndarray  # seasoning: months until the hazard is fully developed
    utilisation: np.ndarray  # cards: typical balance / limit
    active: np.ndarray  # cards: probability of transacting in a month
    txn_rate: np.ndarray  # cards: transactions per active month
    ticket: np.ndarray  # cards: average transaction amount

    @property
    def size(self) -> int:
        return int(self.product.size)


@dataclass(frozen=True)
class Book:
    """The simulated book: accounts, their month-end snapshots and loan outcomes."""

    accounts: Accounts
    n_loans: int
    snap_month: np.ndarray
    snap_account: np.ndarray  # index into ``accounts``
    snap_bucket: np.ndarray
    snap_dpd: np.ndarray
    snap_balance: np.ndarray
    default_month: np.ndarray  # per loan: first month at 91+ dpd, -1 if never
    ead: np.ndarray  # per loan: balance at that month end
    txn_count: np.ndarray  # (months, card cells)
    txn_amount: np.ndarray
    active_cards: np.ndarray


def _storyline(timeline: Timeline, product, channel, segment, opened) -> tuple:
    """Extra hazard/roll weights and vintage factor of FLASH loans booked via partners."""
    flash_partner = (product == ref.P["FLASH"]) & (channel == ref.C["PARTNER"])
    focus = np.isin(segment, [ref.S[s] for s in ref.DETERIORATION_FOCUS])
    det = ref.DETERIORATION
    hazard = np.where(flash_partner, np.where(focus, det["hazard_focus"], det["hazard"]), 0.0)
    roll = np.where(flash_partner, det["roll"], 0.0)
    vintage_ramp = timeline.ramp(ref.DETERIORATION_MONTHS + 4)[opened]
    vintage = 1.0 + np.where(flash_partner, det["vintage"] * vintage_ramp, 0.0)
    return hazard, roll, vintage


def _loan_accounts(timeline: Timeline, loans: Columns) -> dict[str, np.ndarray]:
    n = loans["product"].size
    product = loans["product"]
    specs = [ref.LOAN_SPECS.get(code) for code in ref.PRODUCTS]

    def per_product(field: str) -> np.ndarray:
        values = np.array([getattr(s, field) if s else 0.0 for s in specs], dtype=float)
        return values[product]

    opened = loans["month"].astype(np.int64)
    risk = loans["risk"] ** per_product("risk_power")
    story_hazard, story_roll, vintage = _storyline(
        timeline, product, loans["channel"], loans["segment"], opened
    )
    return {
        "account_id": loans["loan_id"],
        "rate": loans["rate"],
        "is_card": np.zeros(n, dtype=bool),
        "opened": opened,
        "principal": loans["amount"],
        "term": loans["term_months"],
        "hazard": per_product("hazard") * risk * vintage,
        "roll": per_product("roll") * np.minimum(risk, 6.0) ** 0.35,
        "storyline": story_hazard,
        "storyline_roll": story_roll,
        "leave": per_product("prepay"),
        "secured": per_product("secured").astype(bool),
        "resolve": per_product("resolve"),
        "ramp_months": np.where(product == ref.P["HOME"], 6.0, 4.0),
        "utilisation": np.zeros(n),
        "active": np.zeros(n),
        "txn_rate": np.zeros(n),
        "ticket": np.zeros(n),
    }


def _card_accounts(rng, timeline: Timeline, cards: Columns) -> dict[str, np.ndarray]:
    n = cards["product"].size
    specs = [ref.CARD_SPECS.get(code) for code in ref.PRODUCTS]

    def per_product(field: str) -> np.ndarray:
        values = np.array([getattr(s, field) if s else 0.0 for s in specs], dtype=float)
        return values[cards["product"]]

    beta_a = np.array([s.utilisation[0] if s else 1.0 for s in specs])[cards["product"]]
    beta_b = np.array([s.utilisation[1] if s else 1.0 for s in specs])[cards["product"]]
    activity = np.clip(per_product("active") + rng.normal(0.0, 0.12, n), 0.15, 0.99)
    spend_tilt = ref.AMOUNT_SEGMENT[cards["segment"]] * ref.AMOUNT_REGION[cards["region"]] ** 0.5
    return {
        "account_id": cards["card_id"] + ref.CARD_ACCOUNT_OFFSET,
        "rate": cards["rate"],
        "is_card": np.ones(n, dtype=bool),
        "opened": timeline.month_of(cards["activated_on"]).astype(np.int64),
        "principal": cards["credit_limit"],
        "term": np.zeros(n, dtype=np.int64),
        "hazard": per_product("hazard") * cards["risk"],
        "roll": np.minimum(cards["risk"], 6.0) ** 0.35,
        "storyline": np.zeros(n),
        "storyline_roll": np.zeros(n),
        "leave": per_product("attrition"),
        "secured": np.zeros(n, dtype=bool),
        "resolve": np.ones(n),
        "ramp_months": np.full(n, 3.0),
        "utilisation": rng.beta(beta_a, beta_b),
        "active": activity,
        "txn_rate": per_product("txn_per_month") * np.exp(0.4 * rng.standard_normal(n)),
        "ticket": per_product("ticket") * spend_tilt * np.exp(0.3 * rng.standard_normal(n)),
    }


def build_accounts(rng, timeline: Timeline, loans: Columns, cards: Columns) -> Accounts:
    """Loans plus the cards that were activated (only those carry a receivable)."""
    activated = ~np.isnat(cards["activated_on"])
    cards = {name: values[activated] for name, values in cards.items()}
    loan_part = _loan_accounts(timeline, loans)
    card_part = _card_accounts(rng, timeline, cards)
    merged = {name: np.concatenate([loan_part[name], card_part[name]]) for name in loan_part}
    for key in ("product", "segment", "channel", "region"):
        merged[key] = np.concatenate([loans[key], cards[key]])
    merged["customer"] = np.concatenate([loans["customer_id"], cards["customer_id"]])
    return Accounts(**merged)


def card_cells(accounts: Accounts) -> np.ndarray:
    """Index of (card product, segment, channel, region) for card_transactions cells."""
    product = np.clip(accounts.product.astype(np.int64), 0, len(ref.CARD_PRODUCTS) - 1)
    cell = (product * len(ref.SEGMENTS) + accounts.segment) * len(ref.CHANNELS)
    return (cell + accounts.channel) * len(ref.REGIONS) + accounts.region


class _Simulation:
    """Mutable month-by-month state of the book; ``run`` returns the frozen Book."""

    def __init__(self, rng: np.random.Generator, timeline: Timeline, accounts: Accounts):
        self.rng = rng
        self.timeline = timeline
        self.acc = accounts
        n = accounts.size
        self.alive = np.zeros(n, dtype=bool)
        self.bucket = np.zeros(n, dtype=np.int16)
        self.paid = np.zeros(n, dtype=np.int64)
        self.balance = np.zeros(n)
        self.default_month = np.full(n, -1, dtype=np.int16)
        self.ead = np.zeros(n)
        monthly = np.where(accounts.is_card, 0.0, accounts.rate / 12.0)
        self.log_growth = np.log1p(monthly)
        self.growth_term = np.exp(self.log_growth * accounts.term)
        after_festival = np.roll(timeline.spring_festival, 1)
        after_festival[0] = False
        self.calendar = (1.0 + ref.MACRO_DRIFT * timeline.trend()) * np.where(
            after_festival, ref.POST_FESTIVAL_HAZARD, 1.0
        )
        self.storyline = timeline.ramp(ref.DETERIORATION_MONTHS)
        self.snapshots: list[tuple[np.ndarray, ...]] = []
        cells = len(ref.CARD_PRODUCTS), timeline.months, N_CARD_CELLS
        self.txn = np.zeros(cells[1:]), np.zeros(cells[1:]), np.zeros(cells[1:])
        self.card_cell = card_cells(accounts)

    def _seasoning(self, idx: np.ndarray, age: np.ndarray) -> np.ndarray:
        ramp = np.minimum(age / self.acc.ramp_months[idx], 1.0)
        hump = np.where(self.acc.product[idx] == ref.P["HOME"], 1.0, 0.85)
        hump = hump + np.where(
            self.acc.product[idx] == ref.P["HOME"], 0.0, 0.35 * np.exp(-(((age - 9) / 6) ** 2))
        )
        return ramp * hump

    def _miss_probability(self, t: int, idx: np.ndarray, age: np.ndarray) -> np.ndarray:
        acc = self.acc
        storyline = 1.0 + self.storyline[t] * acc.storyline[idx]
        hazard = acc.hazard[idx] * self.calendar[t] * self._seasoning(idx, age) * storyline
        return np.minimum(hazard, 0.5)

    def _roll_thresholds(self, t: int, idx: np.ndarray, bucket: np.ndarray):
        """Cumulative (cure, back, stay) thresholds; above them the account rolls."""
        b = np.clip(bucket, 1, ref.WRITE_OFF_BUCKET - 1)
        cure, back, stay = CURE[b], BACK[b], STAY[b]
        base = 1.0 - cure - back - stay
        worse = self.acc.roll[idx] * (1.0 + self.storyline[t] * self.acc.storyline_roll[idx])
        rolled = np.minimum(base * worse * np.sqrt(self.calendar[t]), 0.97)
        factor = (1.0 - rolled) / (1.0 - base)
        c1 = cure * factor
        return c1, c1 + back * factor, c1 + (back + stay) * factor

    def _step(self, t: int, idx: np.ndarray) -> None:
        """Move the accounts already on the book one month forward."""
        acc, rng = self.acc, self.rng
        age = t - acc.opened[idx]
        b = self.bucket[idx]
        u, u_leave = rng.random(idx.size), rng.random(idx.size)
        new_b = b.copy()
        leaves = np.zeros(idx.size, dtype=bool)
        caught_up = np.minimum(age, np.where(acc.is_card[idx], age, acc.term[idx]))

        current = b == 0
        miss = current & (u < self._miss_probability(t, idx, age))
        new_b[miss] = 1
        pays = current & ~miss
        self.paid[idx[pays]] += 1
        leaves |= pays & (u_leave < acc.leave[idx])

        c1, c2, c3 = self._roll_thresholds(t, idx, b)
        late = (b >= 1) & (b < ref.WRITE_OFF_BUCKET)
        cured = late & (u < c1)
        back = late & (u >= c1) & (u < c2)
        stay = late & (u >= c2) & (u < c3)
        rolls = late & (u >= c3)
        new_b[back] -= 1
        new_b[rolls] += 1
        self.paid[idx[back | stay]] += 1

        worked_out = b >= ref.WRITE_OFF_BUCKET
        secured = acc.secured[idx]
        leaves |= worked_out & ~secured  # written off
        resolved = worked_out & secured & (u < acc.resolve[idx])
        recovered = worked_out & secured & ~resolved & (u < acc.resolve[idx] + 0.02)
        leaves |= resolved
        new_b[worked_out & secured & ~resolved & ~recovered] += 1
        cured |= recovered
        new_b[cured] = 0
        self.paid[idx[cured]] = caught_up[cured]

        loan = ~acc.is_card[idx]
        last_due = np.where(new_b > 0, acc.term[idx] - 1, acc.term[idx])
        self.paid[idx[loan]] = np.minimum(self.paid[idx[loan]], last_due[loan])
        leaves |= loan & (new_b == 0) & (self.paid[idx] >= acc.term[idx])  # matured
        self.bucket[idx] = np.minimum(new_b, MAX_BUCKET)
        self.alive[idx[leaves]] = False
        self._update_balances(t, idx[~leaves])

    def _update_balances(self, t: int, idx: np.ndarray) -> None:
        acc = self.acc
        card = acc.is_card[idx]
        loans = idx[~card]
        paid_growth = np.exp(self.log_growth[loans] * self.paid[loans])
        gn = self.growth_term[loans]
        self.balance[loans] = acc.principal[loans] * (gn - paid_growth) / (gn - 1.0)
        cards = idx[card]
        current = self.bucket[cards] == 0
        self.balance[cards[current]] = self._card_balance(t, cards[current], 1.0)
        late = cards[~current]
        self.balance[late] = np.minimum(self.balance[late] * 1.015, acc.principal[late] * 1.15)

    def _card_balance(self, t: int, idx: np.ndarray, share: float) -> np.ndarray:
        noise = np.exp(0.25 * self.rng.standard_normal(idx.size))
        used = self.acc.utilisation[idx] * np.sqrt(self.timeline.spend_season[t]) * noise * share
        return self.acc.principal[idx] * np.clip(used, 0.02, 0.98)

    def _open(self, t: int, idx: np.ndarray) -> None:
        self.alive[idx] = True
        card = self.acc.is_card[idx]
        self.balance[idx[~card]] = self.acc.principal[idx[~card]]
        self.balance[idx[card]] = self._card_balance(t, idx[card], 0.6)

    def _record(self, t: int) -> None:
        idx = np.flatnonzero(self.alive)
        bucket = self.bucket[idx]
        new_default = (bucket >= 4) & (self.default_month[idx] < 0)
        self.default_month[idx[new_default]] = t
        self.ead[idx[new_default]] = self.balance[idx[new_default]]
        within = self.rng.integers(1, 31, idx.size)
        dpd = np.where(bucket == 0, 0, 30 * (bucket.astype(np.int64) - 1) + within)
        month = np.full(idx.size, t, dtype=np.int16)
        self.snapshots.append((month, idx, bucket, dpd.astype(np.int32), self.balance[idx]))
        self._card_activity(t, idx[self.acc.is_card[idx] & (bucket <= 1)])

    def _card_activity(self, t: int, idx: np.ndarray) -> None:
        """Spending of open, non-blocked cards, summed per card cell."""
        acc, rng = self.acc, self.rng
        first_month = acc.opened[idx] == t
        p_active = acc.active[idx] * np.where(first_month, 0.8, 1.0)
        active = idx[rng.random(idx.size) < p_active]
        season = self.timeline.spend_season[t]
        count = 1 + rng.poisson(np.maximum(acc.txn_rate[active] * season - 1.0, 0.0))
        amount = (
            count * acc.ticket[active] * season * np.exp(0.3 * rng.standard_normal(active.size))
        )
        cell = self.card_cell[active]
        self.txn[0][t] = np.bincount(cell, weights=count, minlength=N_CARD_CELLS)
        self.txn[1][t] = np.bincount(cell, weights=amount, minlength=N_CARD_CELLS)
        self.txn[2][t] = np.bincount(cell, minlength=N_CARD_CELLS)

    def run(self, n_loans: int) -> Book:
        order = np.argsort(self.acc.opened, kind="stable")
        bounds = np.searchsorted(self.acc.opened[order], np.arange(self.timeline.months + 1))
        for t in range(self.timeline.months):
            on_book = np.flatnonzero(self.alive)
            if on_book.size:
                self._step(t, on_book)
            self._open(t, order[bounds[t] : bounds[t + 1]])
            self._record(t)
        month, account, bucket, dpd, balance = (
            np.concatenate(c) for c in zip(*self.snapshots, strict=True)
        )
        return Book(
            accounts=self.acc,
            n_loans=n_loans,
            snap_month=month,
            snap_account=account,
            snap_bucket=bucket,
            snap_dpd=dpd,
            snap_balance=balance,
            default_month=self.default_month[:n_loans],
            ead=self.ead[:n_loans],
            txn_count=self.txn[0],
            txn_amount=self.txn[1],
            active_cards=self.txn[2],
        )


def simulate(rng: np.random.Generator, timeline: Timeline, loans: Columns, cards: Columns) -> Book:
    """Run the book month by month over the window."""
    accounts = build_accounts(rng, timeline, loans, cards)
    return _Simulation(rng, timeline, accounts).run(n_loans=int(loans["product"].size))
