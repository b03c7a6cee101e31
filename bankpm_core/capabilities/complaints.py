"""Complaints capability: "本月信用卡投诉主要是什么问题？", "what are people complaining about on FlashLoan?".

``build(settings, assistant)`` loads ``complaint_themes.yaml`` from the knowledge folder
and reads complaints through ``assistant.metrics.engine``. ``answer(question, route,
user)`` takes the router's slots — ``product`` (a code, a list of codes, or none for all
products) and ``period`` ({"start", "end" (inclusive), "grain"} as ISO dates, or a
:class:`Period`; none = the last complete month) — and answers with a ranked list of
themes and their change against the previous period, a channel split, emerging themes
found among the unclassified complaints, masked quotes, and two charts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bankpm_core.answer import Answer, Chart, Definition, Suggestion, Table, TextBlock
from bankpm_core.charts import bar_spec, line_spec
from bankpm_core.clock import Clock
from bankpm_core.complaints.analysis import (
    ComplaintReport,
    ComplaintStore,
    ThemeCount,
    analyse,
    default_period,
)
from bankpm_core.complaints.classify import RuleScorer
from bankpm_core.complaints.taxonomy import Taxonomy, load_taxonomy
from bankpm_core.errors import BadInputError, NoDataError, UnknownMemberError
from bankpm_core.i18n import t as _t
from bankpm_core.metrics.catalog import Catalog
from bankpm_core.metrics.periods import Period, add_months, month_start
from bankpm_core.routing.types import Route
from bankpm_core.users import UserContext

#: The words that say "complaint" — not what the complaint is about.
_COMPLAINT_WORDS = re.compile(r"投诉|客诉|complain\w*", re.IGNORECASE)


def parse_period(raw: Any) -> Period | None:
    """The router's period slot: a Period, or {"start", "end" (inclusive), "grain"}."""
    if raw is None or raw == {}:
        return None
    if isinstance(raw, Period):
        return raw
    if not isinstance(raw, Mapping) or "start" not in raw or "end" not in raw:
        raise BadInputError(
            "无法识别统计区间。", "The period could not be understood.", suggestions=[]
        )
    try:
        start = raw["start"] if isinstance(raw["start"], date) else date.fromisoformat(raw["start"])
        last = raw["end"] if isinstance(raw["end"], date) else date.fromisoformat(raw["end"])
    except (TypeError, ValueError):
        raise BadInputError(
            f"统计区间的日期无效：{raw}", f"The period has an invalid date: {raw}"
        ) from None
    if last < start:
        raise BadInputError("统计区间的结束日早于开始日。", "The period ends before it starts.")
    grain = raw.get("grain") or "all"
    return Period(start, last + timedelta(days=1), grain if grain != "day" else "all")


@dataclass
class ComplaintsCapability:
    taxonomy: Taxonomy
    store: ComplaintStore
    catalog: Catalog
    clock: Clock

    def answer(self, question: str, route: Route, user: UserContext) -> Answer:
        lang = route.language
        slots = route.slots or {}
        products = self._products(slots.get("product"))
        last = self.store.as_of()
        if last is None:
            raise NoDataError("还没有投诉数据。", "There are no complaints in the database yet.")
        # complaints are sparse events: the data covers the month of the latest one
        today = self.clock.now().date()
        as_of = min(add_months(month_start(last), 1) - timedelta(days=1), today - timedelta(days=1))
        as_of = max(as_of, last)
        period = parse_period(slots.get("period")) or default_period(self.clock.now().date(), as_of)
        notes: list[str] = []
        if period.start > as_of:
            asked = period.label(lang)
            period = default_period(as_of + timedelta(days=1), as_of)
            notes.append(
                _t(
                    lang,
                    f"{asked}还没有投诉数据（数据截至 {as_of.isoformat()}），以下是最近一个完整月 {period.label(lang)} 的情况。",
                    f"No complaints for {asked} yet (data runs to {as_of.isoformat()}); "
                    f"here is the latest complete month, {period.label(lang)}.",
                )
            )
        if period.last_day > as_of:
            period = period.clamp_end(as_of + timedelta(days=1))
            notes.append(
                _t(
                    lang,
                    f"数据截至 {as_of.isoformat()}，统计区间截至该日；与上期比较时请注意天数不同。",
                    f"Data runs to {as_of.isoformat()}; the period is cut there, so compare "
                    "with the previous period with care.",
                )
            )
        report = analyse(self.store, self.taxonomy, period, products, as_of=as_of)
        return self._render(question, lang, report, notes, focus=slots.get("theme"))

    def theme_named(self, question: str) -> str | None:
        """The one theme a question is about ("催收相关的投诉有多少": collection conduct),
        by the same keyword rules that classify the complaints, so its count is the one
        the theme ranking shows; None when no theme (or more than one) clears the bar."""
        text = _COMPLAINT_WORDS.sub(" ", question)
        scores = RuleScorer(self.taxonomy).scores(text)
        best = float(scores.max()) if len(scores) else 0.0
        if best < self.taxonomy.min_score or (scores == best).sum() != 1:
            return None
        return list(self.taxonomy.themes)[int(scores.argmax())]

    # -- slots ---------------------------------------------------------------------
    def _products(self, raw: Any) -> tuple[str, ...]:
        if raw in (None, "", [], ()):
            return ()
        values = [raw] if isinstance(raw, str) else list(raw)
        members = self.catalog.dimensions["product"].members
        out = []
        for value in values:
            if value in members:
                out.append(value)
                continue
            match = [
                code
                for code, m in members.items()
                if str(value).lower() in {a.lower() for a in (*m.zh, *m.en)}
            ]
            if not match:
                raise UnknownMemberError(
                    f"产品中没有“{value}”。",
                    f"'{value}' is not a known product.",
                    suggestions=list(members),
                )
            out.extend(match)
        return tuple(dict.fromkeys(out))

    # -- rendering -----------------------------------------------------------------
    def _scope(self, lang: str, products: tuple[str, ...]) -> str:
        if not products:
            return _t(lang, "全行", "All products")
        sep = _t(lang, "、", ", ")
        return sep.join(self.catalog.member("product", p).name(lang) for p in products)

    def _name(self, code: str | None, lang: str) -> str:
        return self.taxonomy.name(code or None, lang)

    def _render(
        self,
        question: str,
        lang: str,
        r: ComplaintReport,
        notes: list[str],
        focus: str | None = None,
    ) -> Answer:
        scope = self._scope(lang, r.products)
        label = r.period.label(lang)
        blocks = [TextBlock(kind="headline", text=self._headline(lang, scope, label, r))]
        focused = next((t for t in r.themes if focus and t.theme == focus), None)
        if focus and focused is None:  # the theme had no complaint in either period
            focused = ThemeCount(focus, 0, 0.0, 0, None)
        if focused is not None:
            blocks.insert(
                0, TextBlock(kind="headline", text=self._focus_text(lang, scope, label, r, focused))
            )
        mover = self._mover_text(lang, r)
        if mover:
            blocks.append(TextBlock(text=mover))
        for e in r.emerging[:2]:
            blocks.append(TextBlock(kind="warning", text=self._emerging_text(lang, e)))
        for theme, quotes in r.quotes.items():
            if quotes:
                lead = _t(
                    lang,
                    f"「{self._name(theme, lang)}」代表性投诉：",
                    f"Typical '{self._name(theme, lang)}' complaints: ",
                )
                blocks.append(
                    TextBlock(kind="note", text=lead + " / ".join(f"“{q}”" for q in quotes))
                )
        for note in notes:
            blocks.append(TextBlock(kind="note", text=note))
        if r.total < 20:
            blocks.append(
                TextBlock(
                    kind="note",
                    text=_t(
                        lang,
                        f"本期投诉只有 {r.total} 件，排名和变化受偶然因素影响较大。",
                        f"Only {r.total} complaints this period: ranks and changes are noisy.",
                    ),
                )
            )
        tables = [self._rank_table(lang, r)]
        if not r.by_channel.empty:
            tables.append(self._channel_table(lang, r))
        if r.emerging:
            tables.append(self._emerging_table(lang, r))
        charts = self._charts(lang, scope, label, r)
        return Answer(
            question=question,
            language=lang,  # type: ignore[arg-type]
            intent="complaints",
            blocks=blocks,
            tables=tables,
            charts=charts,
            definitions=self._definitions(lang, r),
            suggestions=self._follow_ups(lang, r),
            as_of=r.as_of,
            result={
                "period": r.period.to_json(),
                "previous": r.previous.to_json(),
                "products": list(r.products),
                "total": r.total,
                "previous_total": r.previous_total,
                "themes": [
                    {"theme": t.theme, "count": t.count, "previous": t.previous, "share": t.share}
                    for t in r.themes
                ],
                "emerging": [
                    {
                        "terms": list(e.cluster.terms),
                        "size": e.cluster.size,
                        "recent": e.recent,
                        "earlier": e.earlier,
                        "growing": e.growing,
                    }
                    for e in r.emerging
                ],
                "methods": r.methods,
                **(
                    {
                        "focus": {
                            "theme": focused.theme,
                            "count": focused.count,
                            "previous": focused.previous,
                            "share": focused.share,
                        }
                    }
                    if focused is not None
                    else {}
                ),
            },
            sources=[self.store.m.table, "knowledge/complaint_themes.yaml"],
        )

    def _focus_text(
        self, lang: str, scope: str, label: str, r: ComplaintReport, t: ThemeCount
    ) -> str:
        name = self._name(t.theme, lang)
        if lang == "zh":
            return (
                f"{scope}{label}「{name}」相关投诉 {t.count} 件，占全部 {r.total} 件的 "
                f"{t.share * 100:.0f}%（上期 {t.previous} 件）。"
            )
        return (
            f"{scope}, {label}: {t.count} complaints about '{name}', {t.share * 100:.0f}% of "
            f"all {r.total} (previous period {t.previous})."
        )

    def _headline(self, lang: str, scope: str, label: str, r: ComplaintReport) -> str:
        if r.total == 0:
            return _t(lang, f"{scope}{label}没有收到投诉。", f"{scope}: no complaints in {label}.")
        change = ""
        if r.previous_total:
            rel = (r.total / r.previous_total - 1) * 100
            change = _t(
                lang,
                f"（上期 {r.previous_total} 件，{rel:+.0f}%）",
                f" (previous period {r.previous_total}, {rel:+.0f}%)",
            )
        top = r.top[:3]
        if lang == "zh":
            items = "；".join(
                f"{self._name(t.theme, lang)} {t.count} 件（{t.share * 100:.0f}%）" for t in top
            )
            return f"{scope}{label}共收到投诉 {r.total} 件{change}，主要问题：{items}。"
        items = "; ".join(
            f"{self._name(t.theme, lang)} {t.count} ({t.share * 100:.0f}%)" for t in top
        )
        return f"{scope}, {label}: {r.total} complaints{change}. Main issues: {items}."

    def _mover_text(self, lang: str, r: ComplaintReport) -> str:
        if not r.previous_total:
            return ""
        named = [t for t in r.themes if t.theme]
        up = max(named, key=lambda t: t.change, default=None)
        down = min(named, key=lambda t: t.change, default=None)
        parts = []
        if up and up.change > 0:
            parts.append(
                _t(
                    lang,
                    f"增长最多的是「{self._name(up.theme, lang)}」（{up.previous}→{up.count} 件）",
                    f"the biggest rise is '{self._name(up.theme, lang)}' ({up.previous} → {up.count})",
                )
            )
        if down and down.change < 0:
            parts.append(
                _t(
                    lang,
                    f"下降最多的是「{self._name(down.theme, lang)}」（{down.previous}→{down.count} 件）",
                    f"the biggest fall is '{self._name(down.theme, lang)}' ({down.previous} → {down.count})",
                )
            )
        if not parts:
            return ""
        if lang == "zh":
            return "与上期相比，" + "，".join(parts) + "。"
        return "Against the previous period, " + "; ".join(parts) + "."

    def _emerging_text(self, lang: str, e: Any) -> str:
        terms = _t(lang, "、", ", ").join(e.cluster.terms[:5])
        quote = f"“{e.quotes[0]}”" if e.quotes else ""
        trend = _t(lang, "且在快速增长", "and growing fast") if e.growing else ""
        return _t(
            lang,
            f"新出现的问题（现有分类未覆盖）{trend}：关键词「{terms}」，近6个月 {e.cluster.size} 件，其中近2个月 {e.recent} 件、之前4个月 {e.earlier} 件，首次出现于 {e.first_seen}。例：{quote}",
            f"An emerging issue outside the taxonomy {trend}: keywords '{terms}', "
            f"{e.cluster.size} complaints in 6 months ({e.recent} in the last 2 months, "
            f"{e.earlier} in the 4 before), first seen {e.first_seen}. E.g. {quote}",
        )

    def _rank_table(self, lang: str, r: ComplaintReport) -> Table:
        rows = []
        for rank, t in enumerate(r.themes, start=1):
            if t.theme is None and t.count == 0 and t.previous == 0:
                continue
            share_change = None if t.previous_share is None else t.share - t.previous_share
            rows.append(
                [
                    rank if t.theme else None,
                    self._name(t.theme, lang),
                    t.count,
                    t.share,
                    t.previous,
                    t.change,
                    share_change,
                ]
            )
        return Table(
            title=_t(
                lang,
                f"投诉主题排名（{r.period.label(lang)} vs {r.previous.label(lang)}）",
                f"Complaint themes ({r.period.label(lang)} vs {r.previous.label(lang)})",
            ),
            columns=[
                _t(lang, "排名", "Rank"),
                _t(lang, "主题", "Theme"),
                _t(lang, "本期件数", "Count"),
                _t(lang, "占比", "Share"),
                _t(lang, "上期件数", "Previous"),
                _t(lang, "件数变化", "Change"),
                _t(lang, "占比变化", "Share change"),
            ],
            rows=rows,
            units=["count", None, "count", "percent", "count", "count", "change:percent"],
        )

    def _channel_table(self, lang: str, r: ComplaintReport) -> Table:
        frame = r.by_channel
        channels = list(frame.columns)
        order = [t.theme or "" for t in r.themes if (t.theme or "") in frame.index]
        rows = [
            [self._name(code or None, lang), *[int(frame.loc[code, c]) for c in channels]]
            for code in order
        ]
        names = [
            self.catalog.member("channel", c).name(lang)
            if c in self.catalog.dimensions["channel"].members
            else str(c)
            for c in channels
        ]
        return Table(
            title=_t(lang, "按渠道（本期）", "By channel (this period)"),
            columns=[_t(lang, "主题", "Theme"), *names],
            rows=rows,
            units=[None, *["count"] * len(channels)],
        )

    def _emerging_table(self, lang: str, r: ComplaintReport) -> Table:
        rows = [
            [
                _t(lang, "、", ", ").join(e.cluster.terms[:5]),
                e.cluster.size,
                e.recent,
                e.earlier,
                e.first_seen.isoformat(),
                _t(lang, "是", "yes") if e.growing else _t(lang, "否", "no"),
            ]
            for e in r.emerging
        ]
        return Table(
            title=_t(
                lang,
                "未归类投诉中的新问题（近6个月聚类）",
                "Emerging issues among unclassified complaints (6-month clustering)",
            ),
            columns=[
                _t(lang, "关键词", "Keywords"),
                _t(lang, "件数", "Count"),
                _t(lang, "近2个月", "Last 2 months"),
                _t(lang, "之前4个月", "4 months before"),
                _t(lang, "首次出现", "First seen"),
                _t(lang, "增长中", "Growing"),
            ],
            rows=rows,
            units=[None, "count", "count", "count", None, None],
        )

    def _charts(self, lang: str, scope: str, label: str, r: ComplaintReport) -> list[Chart]:
        charts = []
        top = r.top[:8]
        if top:
            title = _t(lang, f"{scope} {label} 投诉主题", f"{scope}, {label}: complaint themes")
            charts.append(
                Chart(
                    title=title,
                    spec=bar_spec(
                        title,
                        [self._name(t.theme, lang) for t in top],
                        [float(t.count) for t in top],
                        "count",
                    ),
                    alt=_t(lang, "各投诉主题件数柱状图", "Bar chart of complaints per theme"),
                )
            )
        if not r.trend.empty:
            months = [m.strftime("%Y-%m") for m in r.trend.index]
            series: dict[str, list[float | None]] = {}
            for t in r.top[:3]:
                if t.theme in r.trend.columns:
                    series[self._name(t.theme, lang)] = [float(v) for v in r.trend[t.theme]]
            if "" in r.trend.columns:
                series[self._name(None, lang)] = [float(v) for v in r.trend[""]]
            if series:
                title = _t(lang, f"{scope} 近6个月投诉主题走势", f"{scope}: themes over 6 months")
                charts.append(
                    Chart(
                        title=title,
                        spec=line_spec(title, months, series, "count"),
                        alt=_t(
                            lang,
                            "主要主题与未归类投诉的月度件数",
                            "Monthly counts of the top themes and unclassified complaints",
                        ),
                    )
                )
        return charts

    def _definitions(self, lang: str, r: ComplaintReport) -> list[Definition]:
        m = r.methods
        return [
            Definition(
                metric="complaint_theme",
                name=_t(lang, "投诉主题", "Complaint theme"),
                description=_t(
                    lang,
                    f"按 knowledge/complaint_themes.yaml 的双语主题分类：先用关键词规则，规则不明确时用字符 n-gram 最近中心模型判别（本期规则 {m.get('rule', 0)} 件、模型 {m.get('model', 0)} 件、未归类 {m.get('unmatched', 0)} 件）。统计期 {r.period.label(lang)}，对比上期 {r.previous.label(lang)}，数据截至 {r.as_of}。",
                    "Bilingual taxonomy in knowledge/complaint_themes.yaml: keyword rules first, a "
                    f"character n-gram nearest-centroid model where the rules are unclear (this "
                    f"period: rules {m.get('rule', 0)}, model {m.get('model', 0)}, unclassified "
                    f"{m.get('unmatched', 0)}). Period {r.period.label(lang)}, compared with "
                    f"{r.previous.label(lang)}; data as of {r.as_of}.",
                ),
                formula="count(complaints) by theme; share = count / total",
                unit="count",
            ),
            Definition(
                metric="emerging_theme",
                name=_t(lang, "新问题（未归类聚类）", "Emerging issue"),
                description=_t(
                    lang,
                    "近6个月未归类投诉按词语 TF-IDF 做平均连接层次聚类，至少3件成簇；近2个月月均件数不低于之前4个月的两倍即为“增长中”。引用已脱敏（姓名、电话、身份证、卡号）。",
                    "Unclassified complaints of the last 6 months, clustered (average linkage on "
                    "word TF-IDF, 3+ texts); 'growing' when the last 2 months' monthly rate is at "
                    "least twice the 4 months before. Quotes are masked (names, phone, ID, card).",
                ),
                formula="cluster(unmatched texts); growing = recent/2 >= 2 x earlier/4",
                unit="count",
            ),
        ]

    def _follow_ups(self, lang: str, r: ComplaintReport) -> list[Suggestion]:
        out = []
        if r.products:
            p = self.catalog.member("product", r.products[0]).name(lang)
            out.append(
                Suggestion(
                    label=_t(lang, f"{p}投诉率趋势", f"{p} complaint rate trend"),
                    question=_t(
                        lang,
                        f"{p}近12个月投诉率趋势",
                        f"{p} complaint rate trend over the past 12 months",
                    ),
                )
            )
        else:
            out.append(
                Suggestion(
                    label=_t(lang, "按产品看投诉量", "complaints by product"),
                    question=_t(lang, "上个月各产品投诉量", "complaints by product last month"),
                )
            )
        out.append(
            Suggestion(
                label=_t(lang, "投诉处理制度", "complaint handling policy"),
                question=_t(
                    lang,
                    "投诉要在多长时间内受理和办结？",
                    "How quickly must complaints be resolved?",
                ),
            )
        )
        return out


def build(settings: Any, assistant: Any) -> ComplaintsCapability:
    """Composition-root hook called by :func:`bankpm_core.bootstrap.build_assistant`."""
    taxonomy = load_taxonomy(settings.knowledge_dir / "complaint_themes.yaml")
    store = ComplaintStore(assistant.metrics.engine)
    return ComplaintsCapability(taxonomy, store, assistant.catalog, assistant.clock)
