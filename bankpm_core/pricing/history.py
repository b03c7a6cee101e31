"""PD and LGD from the bank's own history, with counts, intervals and fallbacks.

Definitions (policy § 4.2 asks that they be stated):

* **PD (12-month)**: among loans disbursed at least ``performance_months`` (12) before the
  data's as-of date, the share that first reached 90+ days past due within 12 months of
  disbursement. Loans still inside their first 12 months are not counted (censored).
* **LGD**: over defaults at least ``lgd_workout_months`` old, ``1 − Σ recovered ÷ Σ EAD``;
  with fewer than ``MIN_LGD_DEFAULTS`` worked-out defaults the product's configured
  ``lgd_default`` is used instead.
* **Small samples** (policy § 4.3): a cell with fewer than ``min_sample_loans`` observed
  loans falls back up the ladder (product × segment × channel → product × segment →
  product) and the answer says so.

Card products have no loan-level table: their accounts are read from the month-end
snapshots (first month on book = origination; first month at 90+ dpd = default).
Queries are SQLAlchemy Core with bound values; table and column names come from the
pricing config's ``data`` mapping, never from user text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pandas as pd
from sqlalchemy import Date, Float, String, and_, case, func, select, table
from sqlalchemy import column as col
from sqlalchemy.engine import Engine

from bankpm_core.db import has_tables
from bankpm_core.errors import NoDataError
from bankpm_core.metrics.periods import add_months, month_start
from bankpm_core.pricing.config import DataMapping
from bankpm_core.pricing.stats import clopper_pearson, wilson
from bankpm_core.pricing.units import Rate

MIN_LGD_DEFAULTS = 30
Level = tuple[str, ...]  # dimensions an estimate is conditioned on, besides product


@dataclass(frozen=True)
class Cell:
    """What a question prices: a product, optionally narrowed to a segment and channel."""

    product: str
    segment: str | None = None
    channel: str | None = None

    def filters(self, level: Level | None = None) -> dict[str, str]:
        dims = {"segment": self.segment, "channel": self.channel}
        keep = level if level is not None else tuple(k for k, v in dims.items() if v)
        return {k: v for k, v in dims.items() if k in keep and v}

    @property
    def level(self) -> Level:
        return tuple(k for k in ("segment", "channel") if getattr(self, k))


@dataclass(frozen=True)
class Binomial:
    """``events`` out of ``trials`` with 95 % Wilson and Clopper–Pearson intervals."""

    events: int
    trials: int

    @property
    def rate(self) -> float:
        return self.events / self.trials if self.trials else float("nan")

    @property
    def wilson(self) -> tuple[float, float]:
        return wilson(self.events, self.trials)

    @property
    def exact(self) -> tuple[float, float]:
        return clopper_pearson(self.events, self.trials)


@dataclass(frozen=True)
class PDEstimate:
    asked: Level
    level: Level  # the level actually used
    used: Binomial
    cell: Binomial  # the asked cell on its own (for the record when falling back)
    min_sample: int
    cohort: tuple[date, date] | None  # disbursement dates of the observed cohort
    source: str  # "loans" or "snapshots"

    @property
    def fallback(self) -> bool:
        return self.level != self.asked

    @property
    def thin(self) -> bool:
        """Even the level used has fewer loans than the policy minimum."""
        return self.used.trials < self.min_sample

    @property
    def value(self) -> Decimal:
        return Decimal(repr(self.used.rate)).quantize(Decimal("0.000001"))

    @property
    def interval(self) -> tuple[Decimal, Decimal]:
        lo, hi = self.used.wilson
        q = Decimal("0.000001")
        return Decimal(repr(lo)).quantize(q), Decimal(repr(hi)).quantize(q)


@dataclass(frozen=True)
class LGDEstimate:
    value: Decimal
    defaults: int  # worked-out defaults behind an estimate (0 when configured)
    level: Level | None  # None: the configured fallback was used
    ead_total: float = 0.0
    recovered_total: float = 0.0

    @property
    def from_config(self) -> bool:
        return self.level is None


@dataclass(frozen=True)
class BookFacts:
    """How the segment is priced today and what it earned over the last 12 months."""

    current_rate: Rate | None
    current_loans: int
    realised_yield: Rate | None  # interest accruing on performing balance ÷ average balance
    realised_loss: Rate | None  # defaults in the window × LGD ÷ average balance
    average_balance: float | None
    window: tuple[date, date] | None

    @property
    def net_yield(self) -> Rate | None:
        if self.realised_yield is None or self.realised_loss is None:
            return None
        return self.realised_yield - self.realised_loss


@dataclass(frozen=True)
class RiskEstimate:
    cell: Cell
    pd: PDEstimate
    lgd: LGDEstimate
    book: BookFacts
    as_of: date
    notes: list[tuple[str, str]] = field(default_factory=list)


def _dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, errors="coerce")


class LoanHistory:
    """Reads loan outcomes for a product from the configured tables (cached per product)."""

    def __init__(self, engine: Engine, mapping: DataMapping | None = None) -> None:
        self.engine = engine
        self.mapping = mapping or DataMapping()
        self._frames: dict[str, tuple[pd.DataFrame, str, date]] = {}
        self._snapshots: bool | None = None

    # -- reading --------------------------------------------------------------------
    def _loan_frame(self, product: str) -> pd.DataFrame:
        m = self.mapping.loans
        t = table(m.table)
        stmt = select(
            col(m.segment, String).label("segment"),
            col(m.channel, String).label("channel"),
            col(m.disbursed_on, Date).label("disbursed_on"),
            col(m.amount, Float).label("amount"),
            col(m.rate, Float).label("rate"),
            col(m.defaulted_on, Date).label("defaulted_on"),
            col(m.ead, Float).label("ead"),
            col(m.recovered, Float).label("recovered"),
        ).select_from(t)
        stmt = stmt.where(col(m.product, String) == product)
        with self.engine.connect() as conn:
            frame = pd.DataFrame(conn.execute(stmt).mappings().all())
        return frame

    def _snapshot_frame(self, product: str) -> pd.DataFrame:
        m = self.mapping.snapshots
        month, dpd = col(m.month, Date), col(m.dpd, Float)
        stmt = (
            select(
                col(m.segment, String).label("segment"),
                col(m.channel, String).label("channel"),
                func.min(month).label("disbursed_on"),
                func.min(case((dpd > m.default_dpd, month), else_=None)).label("defaulted_on"),
                func.max(col(m.rate, Float)).label("rate"),
            )
            .select_from(table(m.table))
            .where(col(m.product, String) == product)
            .group_by(col(m.account), col(m.segment), col(m.channel))
        )
        first = select(func.min(month)).select_from(table(m.table))
        with self.engine.connect() as conn:
            frame = pd.DataFrame(conn.execute(stmt).mappings().all())
            table_start = conn.execute(first).scalar()
        if frame.empty:
            return frame
        frame["disbursed_on"] = _dates(frame["disbursed_on"])
        # accounts already on the book in the first month may be older: left-truncated
        frame = frame[frame["disbursed_on"] > pd.Timestamp(table_start)].copy()
        frame["amount"] = float("nan")
        frame["ead"] = float("nan")
        frame["recovered"] = float("nan")
        return frame

    @property
    def has_snapshots(self) -> bool:
        if self._snapshots is None:
            self._snapshots = has_tables(self.engine, self.mapping.snapshots.table)
        return self._snapshots

    def _snapshot_as_of(self) -> date | None:
        if not self.has_snapshots:
            return None
        m = self.mapping.snapshots
        stmt = select(func.max(col(m.month, Date))).select_from(table(m.table))
        with self.engine.connect() as conn:
            value = conn.execute(stmt).scalar()
        if value is None:
            return None
        last = pd.Timestamp(value).date()
        return add_months(month_start(last), 1) - timedelta(days=1)

    def frame(self, product: str) -> tuple[pd.DataFrame, str, date]:
        """(loans of ``product``, source name, as-of date); raises NoDataError if none."""
        if product not in self._frames:
            frame, source = self._loan_frame(product), "loans"
            if frame.empty and self.has_snapshots:
                frame, source = self._snapshot_frame(product), "snapshots"
            if frame.empty:
                raise NoDataError(
                    f"没有找到产品 {product} 的历史贷款数据，无法估计违约率。",
                    f"No loan history for {product}: PD cannot be estimated.",
                )
            for name in ("disbursed_on", "defaulted_on"):
                frame[name] = _dates(frame[name])
            if source == "loans":
                as_of = max(frame["disbursed_on"].max(), frame["defaulted_on"].max()).date()
                snap = self._snapshot_as_of()
                as_of = max(as_of, snap) if snap else as_of
            else:
                as_of = self._snapshot_as_of() or frame["disbursed_on"].max().date()
            self._frames[product] = (frame, source, as_of)
        return self._frames[product]

    # -- estimation -----------------------------------------------------------------
    def estimate(
        self,
        cell: Cell,
        *,
        min_sample: int,
        lgd_default: Decimal,
        as_of: date | None = None,
    ) -> RiskEstimate:
        frame, source, data_as_of = self.frame(cell.product)
        as_of = as_of or data_as_of
        months = self.mapping.performance_months
        horizon_end = pd.Timestamp(add_months(as_of, -months))
        observed = frame[frame["disbursed_on"] <= horizon_end]
        deadline = observed["disbursed_on"] + pd.DateOffset(months=months)
        defaulted = observed["defaulted_on"].notna() & (observed["defaulted_on"] <= deadline)
        observed = observed.assign(default12=defaulted)

        def binomial(level: Level) -> Binomial:
            rows = _subset(observed, cell.filters(level))
            return Binomial(int(rows["default12"].sum()), len(rows))

        ladder = _ladder(cell.level)
        cell_est = binomial(cell.level)
        chosen, used = ladder[-1], binomial(ladder[-1])
        for level in ladder:
            est = binomial(level)
            if est.trials >= min_sample:
                chosen, used = level, est
                break
        if used.trials == 0:
            raise NoDataError(
                f"{cell.product} 还没有满 {months} 个月表现期的贷款，无法估计违约率。",
                f"No {cell.product} loan has a {months}-month performance window yet; "
                "PD cannot be estimated.",
            )
        cohort = None
        if len(observed):
            cohort = (observed["disbursed_on"].min().date(), observed["disbursed_on"].max().date())
        pd_est = PDEstimate(cell.level, chosen, used, cell_est, min_sample, cohort, source)
        lgd = self._lgd(frame, cell, chosen, lgd_default, as_of)
        book = self._book(frame, cell, lgd.value, as_of, source)
        return RiskEstimate(cell, pd_est, lgd, book, as_of)

    def _lgd(
        self, frame: pd.DataFrame, cell: Cell, level: Level, fallback: Decimal, as_of: date
    ) -> LGDEstimate:
        cutoff = pd.Timestamp(add_months(as_of, -self.mapping.lgd_workout_months))
        worked = frame[
            frame["defaulted_on"].notna()
            & (frame["defaulted_on"] <= cutoff)
            & frame["ead"].notna()
            & (frame["ead"] > 0)
        ]
        for lvl in _ladder(level):
            rows = _subset(worked, cell.filters(lvl))
            if len(rows) >= MIN_LGD_DEFAULTS:
                ead = float(rows["ead"].sum())
                rec = float(rows["recovered"].fillna(0).clip(lower=0).sum())
                value = min(max(1 - rec / ead, 0.0), 1.0)
                q = Decimal("0.0001")
                return LGDEstimate(Decimal(repr(value)).quantize(q), len(rows), lvl, ead, rec)
        return LGDEstimate(fallback, 0, None)

    def _book(
        self, frame: pd.DataFrame, cell: Cell, lgd: Decimal, as_of: date, source: str
    ) -> BookFacts:
        start = add_months(month_start(as_of), -11)
        window = (start, as_of)
        rows = _subset(frame, cell.filters())
        recent = rows[rows["disbursed_on"] >= pd.Timestamp(start)]
        current: Rate | None = None
        if source == "loans" and len(recent) and recent["amount"].sum() > 0:
            weighted = (recent["rate"] * recent["amount"]).sum() / recent["amount"].sum()
            current = Rate(Decimal(repr(float(weighted))).quantize(Decimal("0.000001")))
        balance, interest, latest_rate = self._snapshot_yield(cell, start)
        if current is None and latest_rate is not None:
            current = latest_rate
        realised = loss = None
        avg = None
        if balance:
            months = 12
            avg = balance / months
            realised = Rate(Decimal(repr(interest / balance)).quantize(Decimal("0.000001")))
            hit = rows[rows["defaulted_on"].notna() & (rows["defaulted_on"] >= pd.Timestamp(start))]
            if source == "loans":
                lost = float(hit["ead"].fillna(0).sum()) * float(lgd)
                loss = Rate(Decimal(repr(lost / avg)).quantize(Decimal("0.000001")))
        return BookFacts(current, len(recent), realised, loss, avg, window)

    def _snapshot_yield(self, cell: Cell, start: date) -> tuple[float, float, Rate | None]:
        """(Σ balance, Σ balance × rate on performing balance, latest balance-weighted rate)."""
        if not self.has_snapshots:
            return 0.0, 0.0, None
        m = self.mapping.snapshots
        balance, rate, dpd = col(m.balance, Float), col(m.rate, Float), col(m.dpd, Float)
        conds = [col(m.product, String) == cell.product, col(m.month, Date) >= start]
        for dim, value in cell.filters().items():
            conds.append(col(getattr(m, dim), String) == value)
        performing = case((dpd <= m.default_dpd, balance * rate), else_=0.0)
        stmt = (
            select(
                col(m.month, Date).label("month"),
                func.sum(balance).label("balance"),
                func.sum(performing).label("interest"),
                func.sum(balance * rate).label("contract"),
            )
            .select_from(table(m.table))
            .where(and_(*conds))
            .group_by(col(m.month, Date))
        )
        with self.engine.connect() as conn:
            rows = pd.DataFrame(conn.execute(stmt).mappings().all())
        if rows.empty:
            return 0.0, 0.0, None
        rows["month"] = _dates(rows["month"])
        rows = rows.sort_values("month")
        last = rows.iloc[-1]
        latest = None
        if last["balance"]:
            value = float(last["contract"]) / float(last["balance"])
            latest = Rate(Decimal(repr(value)).quantize(Decimal("0.000001")))
        return float(rows["balance"].sum()), float(rows["interest"].sum()), latest


def _ladder(asked: Level) -> list[Level]:
    """Levels to try, most specific first: (segment, channel) → (segment,) → ()."""
    out: list[Level] = [asked]
    if "segment" in asked and "channel" in asked:
        out.append(("segment",))
    if asked:
        out.append(())
    return out


def _subset(frame: pd.DataFrame, filters: dict[str, str]) -> pd.DataFrame:
    mask = pd.Series(True, index=frame.index)
    for dim, value in filters.items():
        mask &= frame[dim] == value
    return frame[mask]
