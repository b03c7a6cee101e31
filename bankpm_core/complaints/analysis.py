"""What customers complain about: classify, count by theme/period/channel, compare, discover.

:func:`analyse` reads the complaints of a period and of the period before (same length),
classifies every text (:mod:`.classify`), ranks themes with their change, splits the
current period by channel, builds a monthly trend for the last six months, clusters the
unmatched texts of the last six months into emerging themes (:mod:`.emerging`) and picks
representative quotes, masked (:mod:`.privacy`). Table and column names come from
:class:`ComplaintTable` (the sample bank's by default); user text is only ever a bound
value. The generator's ``theme`` column is never read here: it is ground truth for
tests and benchmarks only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Date, String, and_, func, select, table
from sqlalchemy import column as col
from sqlalchemy.engine import Engine

from bankpm_core.complaints.classify import Classifier, Prediction
from bankpm_core.complaints.emerging import Cluster, discover
from bankpm_core.complaints.privacy import mask_text
from bankpm_core.complaints.taxonomy import Taxonomy
from bankpm_core.metrics.periods import Period, add_months, month_start

TREND_MONTHS = 6
RECENT_MONTHS = 2  # emerging: the last two months against the four before
QUOTE_CHARS = 140


@dataclass(frozen=True)
class ComplaintTable:
    table: str = "complaints"
    id: str = "complaint_id"
    received_on: str = "received_on"
    product: str = "product"
    channel: str = "channel"
    text: str = "text"


@dataclass(frozen=True)
class ThemeCount:
    theme: str | None  # None = unmatched
    count: int
    share: float
    previous: int
    previous_share: float | None

    @property
    def change(self) -> int:
        return self.count - self.previous

    @property
    def change_rel(self) -> float | None:
        return self.count / self.previous - 1 if self.previous else None


@dataclass(frozen=True)
class Emerging:
    cluster: Cluster
    recent: int  # in the last RECENT_MONTHS months
    earlier: int  # in the months before, within the window
    quotes: tuple[str, ...]
    first_seen: date
    products: tuple[tuple[str, int], ...]

    @property
    def growing(self) -> bool:
        months_earlier = TREND_MONTHS - RECENT_MONTHS
        rate_recent = self.recent / RECENT_MONTHS
        rate_earlier = self.earlier / months_earlier
        return self.recent >= 2 and rate_recent >= 2 * rate_earlier


@dataclass
class ComplaintReport:
    period: Period
    previous: Period
    products: tuple[str, ...]
    as_of: date
    total: int
    previous_total: int
    themes: list[ThemeCount]  # ranked, unmatched last
    by_channel: pd.DataFrame  # rows: theme code ('' = unmatched), columns: channel codes
    trend: pd.DataFrame  # index: month start, columns: theme codes, values: counts
    emerging: list[Emerging]
    quotes: dict[str, tuple[str, ...]]  # theme -> masked representative quotes
    methods: dict[str, int] = field(default_factory=dict)  # rule / model / unmatched counts

    @property
    def top(self) -> list[ThemeCount]:
        return [t for t in self.themes if t.theme is not None and t.count > 0]


class ComplaintStore:
    """Reads complaint rows in a date range (SQLAlchemy Core, bound values)."""

    def __init__(self, engine: Engine, mapping: ComplaintTable | None = None) -> None:
        self.engine = engine
        self.m = mapping or ComplaintTable()

    def as_of(self) -> date | None:
        stmt = select(func.max(col(self.m.received_on, Date))).select_from(table(self.m.table))
        with self.engine.connect() as conn:
            value = conn.execute(stmt).scalar()
        return None if value is None else pd.Timestamp(value).date()

    def fetch(self, start: date, end: date, products: Sequence[str] = ()) -> pd.DataFrame:
        """Rows with ``start <= received_on < end``: id, received_on, product, channel, text."""
        m = self.m
        received = col(m.received_on, Date)
        conds = [received >= start, received < end]
        if products:
            conds.append(col(m.product, String).in_(list(products)))
        stmt = (
            select(
                col(m.id).label("id"),
                received.label("received_on"),
                col(m.product, String).label("product"),
                col(m.channel, String).label("channel"),
                col(m.text, String).label("text"),
            )
            .select_from(table(m.table))
            .where(and_(*conds))
            .order_by(received, col(m.id))
        )
        with self.engine.connect() as conn:
            frame = pd.DataFrame(conn.execute(stmt).mappings().all())
        if frame.empty:
            return pd.DataFrame(columns=["id", "received_on", "product", "channel", "text"])
        frame["received_on"] = pd.to_datetime(frame["received_on"]).dt.date
        frame["text"] = frame["text"].fillna("").astype(str)
        return frame


def previous_period(period: Period) -> Period:
    """The period just before, of the same length (whole months when month-aligned)."""
    if period.month_aligned:
        return period.shifted(months=-period.months)
    return period.shifted(days=-(period.end - period.start).days)


def _quotes(frame: pd.DataFrame, rows: Sequence[int], n: int = 3) -> tuple[str, ...]:
    out = []
    for r in rows:
        text = mask_text(str(frame["text"].iloc[r]).strip())
        if len(text) > QUOTE_CHARS:
            text = text[: QUOTE_CHARS - 1] + "…"
        if text not in out:
            out.append(text)
        if len(out) >= n:
            break
    return tuple(out)


def _theme_quotes(frame: pd.DataFrame, preds: list[Prediction], theme: str, n: int = 2):
    """Clear rule hits of ``theme``, strongest and shortest first: typical, readable."""
    idx = [i for i, p in enumerate(preds) if p.theme == theme]
    idx.sort(key=lambda i: (-preds[i].score, len(frame["text"].iloc[i])))
    return _quotes(frame, idx, n)


def analyse(
    store: ComplaintStore,
    taxonomy: Taxonomy,
    period: Period,
    products: Sequence[str] = (),
    *,
    classifier: Classifier | None = None,
    min_cluster: int = 3,
    as_of: date | None = None,
) -> ComplaintReport:
    """Everything the complaints answer shows, for ``period`` and ``products`` (all if empty)."""
    classifier = classifier or Classifier(taxonomy)
    as_of = as_of or store.as_of() or period.last_day
    previous = previous_period(period)
    trend_start = add_months(month_start(period.last_day), -(TREND_MONTHS - 1))
    start = min(previous.start, trend_start)
    frame = store.fetch(start, period.end, products).reset_index(drop=True)
    preds = classifier.classify(frame["text"].tolist())
    frame["theme"] = [p.theme for p in preds]
    days = frame["received_on"]
    in_current = ((days >= period.start) & (days < period.end)).to_numpy()
    in_previous = ((days >= previous.start) & (days < previous.end)).to_numpy()
    current, before = frame[in_current], frame[in_previous]
    total, prev_total = len(current), len(before)

    counts = current["theme"].value_counts(dropna=False)
    prev_counts = before["theme"].value_counts(dropna=False)
    rows = []
    for code in [*taxonomy.themes, None]:
        c = int(counts.get(code, 0)) if code else int(current["theme"].isna().sum())
        p = int(prev_counts.get(code, 0)) if code else int(before["theme"].isna().sum())
        rows.append(
            ThemeCount(
                theme=code,
                count=c,
                share=c / total if total else 0.0,
                previous=p,
                previous_share=p / prev_total if prev_total else None,
            )
        )
    named = sorted((r for r in rows if r.theme), key=lambda r: (-r.count, -r.previous))
    themes = [*named, rows[-1]]

    by_channel = (
        current.assign(theme=current["theme"].fillna(""))
        .groupby(["theme", "channel"])
        .size()
        .unstack(fill_value=0)
        if total
        else pd.DataFrame()
    )

    months = [add_months(trend_start, i) for i in range(TREND_MONTHS)]
    month_of = frame["received_on"].map(month_start)
    trend = (
        frame.assign(month=month_of, theme=frame["theme"].fillna(""))
        .loc[lambda f: f["month"] >= trend_start]
        .groupby(["month", "theme"])
        .size()
        .unstack(fill_value=0)
        .reindex(months, fill_value=0)
    )

    window = frame[(month_of >= trend_start).to_numpy() & frame["theme"].isna().to_numpy()]
    window = window.reset_index(drop=True)
    recent_start = add_months(trend_start, TREND_MONTHS - RECENT_MONTHS)
    emerging = []
    for cluster in discover(window["text"].tolist(), min_size=min_cluster):
        members = window.iloc[list(cluster.members)]
        recent = int((members["received_on"] >= recent_start).sum())
        mix = members["product"].value_counts()
        emerging.append(
            Emerging(
                cluster=cluster,
                recent=recent,
                earlier=len(members) - recent,
                quotes=_quotes(window, cluster.representatives, 3),
                first_seen=min(members["received_on"]),
                products=tuple((str(k), int(v)) for k, v in mix.items()),
            )
        )
    emerging.sort(key=lambda e: (not e.growing, -e.cluster.size))

    current_preds = [p for p, keep in zip(preds, in_current, strict=True) if keep]
    current_frame = current.reset_index(drop=True)
    quotes = {
        t.theme: _theme_quotes(current_frame, current_preds, t.theme)
        for t in named[:3]
        if t.theme and t.count
    }
    methods: dict[str, int] = {}
    for p in current_preds:
        methods[p.method] = methods.get(p.method, 0) + 1
    return ComplaintReport(
        period=period,
        previous=previous,
        products=tuple(products),
        as_of=as_of,
        total=total,
        previous_total=prev_total,
        themes=themes,
        by_channel=by_channel,
        trend=trend,
        emerging=emerging,
        quotes=quotes,
        methods=methods,
    )


def default_period(today: date, as_of: date | None) -> Period:
    """The last complete month, by the clock and by the data (whichever ends first)."""
    end = month_start(today)
    if as_of is not None:
        end = min(end, month_start(as_of + timedelta(days=1)))
    return Period(add_months(end, -1), end, "month")
