"""Turn a :class:`MetricResult` into an :class:`Answer` a PM can act on.

The answer leads with the number and its change, states definition, period, filters
and as-of date, adds a chart when the answer is a trend, breakdown or ranking, and
offers follow-ups as runnable questions.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pandas as pd

from bankpm_core import charts
from bankpm_core.answer import Answer, Chart, Definition, Suggestion, Table, TextBlock
from bankpm_core.formatting import format_change, format_value, is_missing
from bankpm_core.metrics.catalog import Catalog, MetricSpec
from bankpm_core.metrics.engine import MetricResult
from bankpm_core.metrics.periods import period_label
from bankpm_core.metrics.query import MetricQuery
from bankpm_core.metrics.shares import Shares

CMP_LABEL = {
    "zh": {"mom": "环比", "qoq": "环比", "yoy": "同比", "prev_period": "较上期"},
    "en": {"mom": "MoM", "qoq": "QoQ", "yoy": "YoY", "prev_period": "vs previous period"},
}
MAX_CHART_SERIES = 6


def _member_name(catalog: Catalog, dim: str, code: Any, lang: str) -> str:
    dimension = catalog.dimensions.get(dim)
    if dimension and code in dimension.members:
        return dimension.members[code].name(lang)
    return str(code)


def _filters_text(catalog: Catalog, filters: dict[str, tuple[str, ...]], lang: str) -> str:
    parts = []
    for dim, members in filters.items():
        names = [_member_name(catalog, dim, m, lang) for m in members]
        label = catalog.dimensions[dim].name(lang)
        sep = "、" if lang == "zh" else ", "
        parts.append(f"{label}{'：' if lang == 'zh' else ': '}{sep.join(names)}")
    if not parts:
        return "全部" if lang == "zh" else "all"
    return ("；" if lang == "zh" else "; ").join(parts)


def _subject(catalog: Catalog, result: MetricResult, lang: str) -> str:
    """'闪借消费贷' or '青年白领' — the explicitly asked members, for the headline."""
    names = []
    for dim, members in result.query.filters:
        if dim in result.query.breakdown:
            continue
        names.extend(_member_name(catalog, dim, m, lang) for m in members)
    return ("、" if lang == "zh" else ", ").join(names)


def _bucket_label(start: Any, end: Any, grain: str, lang: str) -> str:
    s = pd.Timestamp(start).date()
    e = pd.Timestamp(end).date() + timedelta(days=1)
    return period_label(s, e, grain, lang)


def _headline(catalog: Catalog, result: MetricResult, lang: str) -> str:
    metric = result.metric
    frame = result.frame
    subject = _subject(catalog, result, lang)
    name = metric.name(lang)
    buckets = sorted(frame["bucket_start"].unique())
    last = buckets[-1]
    latest = frame[frame["bucket_start"] == last]
    last_label = _bucket_label(last, latest["bucket_end"].iloc[0], result.period.grain, lang)
    cmp = result.query.comparison
    dims = result.query.breakdown
    if not dims and len(buckets) > 1:
        return _trend_headline(catalog, result, subject, name, buckets, lang)
    head = " ".join(p for p in (subject, last_label, name) if p)
    if not dims:
        row = latest.iloc[0]
        text = f"{head} {format_value(row['value'], metric.unit, lang)}"
        if cmp:
            change = format_change(row.get("change"), row.get("change_rel"), metric.unit, lang)
            text += f"{'，' if lang == 'zh' else ', '}{CMP_LABEL[lang][cmp]} {change}"
            if metric.unit in ("count", "amount") and not (
                is_missing(row.get("change")) or is_missing(row.get("change_rel"))
            ):
                # "比去年同期多多少": the difference itself, next to the percentage
                by = format_change(float(row["change"]), None, metric.unit, lang)
                text += f"（{by}）" if lang == "zh" else f" ({by})"
            if is_missing(row.get("compare_value")):
                text += (
                    "（对比期无数据）" if lang == "zh" else " (no data for the comparison period)"
                )
        return text

    def member(rec: Any) -> str:
        return " / ".join(_member_name(catalog, d, rec[d], lang) for d in dims)

    if result.query.order:
        top = latest.iloc[0]
        value = format_value(top["value"], metric.unit, lang)
        word = {"zh": {"desc": "最高", "asc": "最低"}, "en": {"desc": "highest", "asc": "lowest"}}
        w = word[lang][result.query.order]
        if lang == "zh":
            return f"{head}：{member(top)}{w}，为 {value}"
        return f"{head}: {member(top)} is {w} at {value}"
    ranked = latest.dropna(subset=["value"]).sort_values("value", ascending=False)
    hi, lo = ranked.iloc[0], ranked.iloc[-1]
    hv, lv = (
        format_value(hi["value"], metric.unit, lang),
        format_value(lo["value"], metric.unit, lang),
    )
    by = ("、" if lang == "zh" else ", ").join(catalog.dimensions[d].name(lang) for d in dims)
    if len(ranked) == 1:
        return f"{head}：{member(hi)} {hv}" if lang == "zh" else f"{head}: {member(hi)} {hv}"
    # two members set side by side ("闪借的逾期率比车贷高多少"): say by how much they differ
    gap = ""
    if len(ranked) == 2:
        diff = format_change(hi["value"] - lo["value"], None, metric.unit, lang).lstrip("+")
        if metric.unit not in ("percent", "rate") and lo["value"]:
            rel = format_change(1.0, hi["value"] / lo["value"] - 1, metric.unit, lang)
            diff += f"（{rel}）" if lang == "zh" else f" ({rel})"
        gap = f"，相差 {diff}" if lang == "zh" else f", a gap of {diff}"
    if lang == "zh":
        return f"{head}（按{by}）：最高 {member(hi)} {hv}，最低 {member(lo)} {lv}{gap}"
    return f"{head} by {by}: highest {member(hi)} {hv}, lowest {member(lo)} {lv}{gap}"


#: A mean per bucket, by grain: "月均 461", "monthly average CNY 17.94M".
_PER_BUCKET = {
    "month": ("月均", "monthly"),
    "quarter": ("季均", "quarterly"),
    "day": ("日均", "daily"),
}
_PER_BUCKET_OTHER = ("平均", "per period")


def _trend_headline(
    catalog: Catalog, result: MetricResult, subject: str, name: str, buckets: list[Any], lang: str
) -> str:
    """Latest value, change across the range, and the total for additive flow metrics."""
    metric = result.metric
    frame = result.frame.set_index("bucket_start")
    first, last = buckets[0], buckets[-1]
    v0, v1 = frame.loc[first, "value"], frame.loc[last, "value"]
    grain = result.period.grain
    l0 = _bucket_label(first, frame.loc[first, "bucket_end"], grain, lang)
    l1 = _bucket_label(last, frame.loc[last, "bucket_end"], grain, lang)
    rel = None if is_missing(v0) or v0 == 0 else v1 / v0 - 1
    change = format_change(None if is_missing(v0) else v1 - v0, rel, metric.unit, lang)
    values = frame["value"].dropna()
    peak = values.idxmax() if metric.higher_is_better else values.idxmin()
    additive = metric.unit in ("count", "amount") and not catalog.is_stock(metric.code)
    # a count or an amount per bucket on average ("月均发卡量", "average monthly disbursements");
    # not for a rate, whose mean over months is not the rate of the period
    mean = (
        format_value(values.mean(), metric.unit, lang)
        if metric.unit in ("count", "amount") and len(values) > 1
        else ""
    )
    mean_zh, mean_en = _PER_BUCKET.get(grain, _PER_BUCKET_OTHER)
    if lang == "zh":
        text = f"{subject}{name}（{result.period.label('zh')}）：最新 {l1} 为 {format_value(v1, metric.unit, lang)}，较 {l0} {change}"
        if additive:
            text += f"；区间合计 {format_value(values.sum(), metric.unit, lang)}"
        if mean:
            text += f"；{mean_zh} {mean}"
        best = "最好" if metric.higher_is_better else "最低"
        text += f"；{best}的是 {_bucket_label(peak, frame.loc[peak, 'bucket_end'], grain, lang)}"
        return text
    text = f"{subject} {name} ({result.period.label('en')}): latest {l1} {format_value(v1, metric.unit, lang)}, {change} vs {l0}"
    if additive:
        text += f"; total {format_value(values.sum(), metric.unit, lang)}"
    if mean:
        text += f"; {mean_en} average {mean}"
    best = "best" if metric.higher_is_better else "lowest"
    return text + f"; {best}: {_bucket_label(peak, frame.loc[peak, 'bucket_end'], grain, lang)}"


def _share_line(catalog: Catalog, shares: Shares, metric: MetricSpec, lang: str) -> str:
    dim = catalog.dimensions[shares.dimension].name(lang)
    share = format_value(shares.of[""], "percent", lang)
    total = format_value(shares.total, metric.unit, lang)
    if lang == "zh":
        return f"占全部{dim}合计（{total}）的 {share}。"
    return f"That is {share} of the total across every {dim} ({total})."


def _table(
    catalog: Catalog, result: MetricResult, lang: str, shares: Shares | None = None
) -> Table:
    metric = result.metric
    dims = list(result.query.breakdown)
    cmp = result.query.comparison
    columns = ["期间" if lang == "zh" else "Period"]
    columns += [catalog.dimensions[d].name(lang) for d in dims]
    columns.append(metric.name(lang))
    units: list[str | None] = [None] * (1 + len(dims)) + [metric.unit]
    if cmp:
        columns += [
            ("对比期" if lang == "zh" else "Comparison"),
            CMP_LABEL[lang][cmp],
        ]
        # a rate's change in points (+0.56pp), anything else's relative to its base
        # (+61.4%), as the headline says it: "+1,020,568,566.80" reads as nothing
        in_points = metric.unit in ("percent", "rate")
        units += [metric.unit, "change:" + metric.unit if in_points else "change_rel"]
    rows = []
    for rec in result.frame.to_dict(orient="records"):
        row: list[Any] = [
            _bucket_label(rec["bucket_start"], rec["bucket_end"], result.period.grain, lang)
        ]
        row += [_member_name(catalog, d, rec[d], lang) for d in dims]
        row.append(None if is_missing(rec["value"]) else float(rec["value"]))
        if cmp:
            row.append(
                None if is_missing(rec.get("compare_value")) else float(rec["compare_value"])
            )
            change = rec.get("change") if in_points else rec.get("change_rel")
            row.append(None if is_missing(change) else float(change))
        if shares is not None and dims:  # shares are of the latest bucket's total
            latest = rec["bucket_start"] == result.frame["bucket_start"].max()
            row.append(shares.of.get(str(rec.get(shares.dimension))) if latest else None)
        rows.append(row)
    if shares is not None and dims:
        columns.append("占比" if lang == "zh" else "Share")
        units.append("percent")
    return Table(title=metric.name(lang), columns=columns, rows=rows, units=units)


def _chart(catalog: Catalog, result: MetricResult, lang: str) -> Chart | None:
    frame = result.frame
    metric = result.metric
    dims = list(result.query.breakdown)
    buckets = sorted(frame["bucket_start"].unique())
    subject = _subject(catalog, result, lang)
    title = f"{subject} {metric.name(lang)}".strip()
    unit_note = {"zh": "（%）", "en": " (%)"}[lang] if metric.unit in ("percent", "rate") else ""
    if len(buckets) > 1:
        labels = [pd.Timestamp(b).strftime("%Y-%m") for b in buckets]
        series: dict[str, list[float | None]] = {}
        if dims:
            groups = frame.groupby(dims, sort=False)
            for key, grp in list(groups)[:MAX_CHART_SERIES]:
                key = key if isinstance(key, tuple) else (key,)
                name = " / ".join(
                    _member_name(catalog, d, k, lang) for d, k in zip(dims, key, strict=True)
                )
                by = dict(zip(grp["bucket_start"], grp["value"], strict=True))
                series[name] = [None if is_missing(by.get(b)) else float(by[b]) for b in buckets]
        else:
            by = dict(zip(frame["bucket_start"], frame["value"], strict=True))
            series[metric.name(lang)] = [
                None if is_missing(by.get(b)) else float(by[b]) for b in buckets
            ]
        spec = charts.line_spec(title + unit_note, labels, series, metric.unit)
        alt = ("趋势图：" if lang == "zh" else "Trend: ") + title
        return Chart(title=title, spec=spec, alt=alt)
    if dims and len(frame) > 1:
        labels = [
            " / ".join(_member_name(catalog, d, rec[d], lang) for d in dims)
            for rec in frame.to_dict(orient="records")
        ]
        values = [None if is_missing(v) else float(v) for v in frame["value"]]
        spec = charts.bar_spec(title + unit_note, labels, values, metric.unit)
        alt = ("对比图：" if lang == "zh" else "Breakdown: ") + title
        return Chart(title=title, spec=spec, alt=alt)
    return None


def _follow_ups(catalog: Catalog, result: MetricResult, lang: str) -> list[Suggestion]:
    """Runnable follow-up questions phrased with catalog names the router understands."""
    metric = result.metric
    subject = _subject(catalog, result, lang)
    name = metric.name(lang)
    period = result.period.label(lang)
    out: list[Suggestion] = []
    table_dims = catalog.tables[next(iter(metric.measures.values())).table].dimensions
    for dim in ("channel", "segment", "region"):
        if dim in result.query.breakdown or dim not in table_dims or dim in result.query.filter_map:
            continue
        dname = catalog.dimensions[dim].name(lang)
        if lang == "zh":
            out.append(
                Suggestion(label=f"按{dname}拆分", question=f"{subject}{period}{name}按{dname}")
            )
        else:
            out.append(
                Suggestion(
                    label=f"By {dname}", question=f"{subject} {name} by {dname} {period}".strip()
                )
            )
        if len(out) >= 2:
            break
    if result.period.grain == "all" or len(result.frame["bucket_start"].unique()) == 1:
        if lang == "zh":
            out.append(Suggestion(label="近12个月趋势", question=f"{subject}{name}近12个月趋势"))
        else:
            out.append(
                Suggestion(
                    label="12-month trend",
                    question=f"{subject} {name} trend past 12 months".strip(),
                )
            )
    if result.query.comparison != "yoy":
        if lang == "zh":
            out.append(Suggestion(label="同比", question=f"{subject}{period}{name}同比"))
        else:
            out.append(Suggestion(label="YoY", question=f"{subject} {name} {period} YoY".strip()))
    return out[:4]


def definition_for(metric: MetricSpec, lang: str) -> Definition:
    return Definition(
        metric=metric.code,
        name=metric.name(lang),
        description=metric.description(lang),
        formula=metric.formula(),
        unit=metric.unit,
    )


def metric_answer(
    catalog: Catalog,
    result: MetricResult,
    question: str,
    lang: str,
    shares: Shares | None = None,
) -> Answer:
    """The answer for one metric result; ``shares`` (asked with 占比 / "share of") adds
    each figure's share of the total across one dimension."""
    metric = result.metric
    frame = result.frame
    blocks = [TextBlock(kind="headline", text=_headline(catalog, result, lang))]
    if shares is not None and "" in shares.of:
        blocks.append(TextBlock(kind="paragraph", text=_share_line(catalog, shares, metric, lang)))
    many = len(frame) > 1
    last = frame["bucket_start"].max() if len(frame) else None
    latest_rows = frame[frame["bucket_start"] == last] if last is not None else frame
    if many and len(latest_rows) <= 12 and result.query.breakdown:
        lines = []
        dims = list(result.query.breakdown)
        # over several months, each member's mean per bucket too ("各产品月均放款金额")
        means = (
            frame.groupby(dims)["value"].mean()
            if frame["bucket_start"].nunique() > 1 and metric.unit in ("count", "amount")
            else None
        )
        per = _PER_BUCKET.get(result.period.grain, _PER_BUCKET_OTHER)[0]
        for rec in latest_rows.to_dict(orient="records"):
            member = " / ".join(_member_name(catalog, d, rec[d], lang) for d in dims)
            line = f"• {member}: {format_value(rec['value'], metric.unit, lang)}"
            if means is not None:
                key = tuple(rec[d] for d in dims) if len(dims) > 1 else rec[dims[0]]
                mean = format_value(float(means.loc[key]), metric.unit, lang)
                line += f"（{per} {mean}）" if lang == "zh" else f" (average {mean})"
            if result.query.comparison:
                line += f" ({CMP_LABEL[lang][result.query.comparison]} "
                line += (
                    format_change(rec.get("change"), rec.get("change_rel"), metric.unit, lang) + ")"
                )
            if shares is not None and str(rec.get(shares.dimension)) in shares.of:
                share = format_value(shares.of[str(rec[shares.dimension])], "percent", lang)
                line += f"，占比 {share}" if lang == "zh" else f", share {share}"
            lines.append(line)
        blocks.append(TextBlock(kind="paragraph", text="\n".join(lines)))
    defin = definition_for(metric, lang)
    period = result.period.label(lang)
    filters = _filters_text(catalog, result.filters, lang)
    if lang == "zh":
        source = (
            f"口径：{defin.description}\n期间：{period}（{result.period.start} 至 {result.period.last_day}）"
            f"\n筛选：{filters}\n数据截至：{result.as_of.isoformat()}"
        )
        if result.compare_period:
            source += f"\n对比期：{result.compare_period.label('zh')}"
    else:
        source = (
            f"Definition: {defin.description}\nPeriod: {period} ({result.period.start} to "
            f"{result.period.last_day})\nFilters: {filters}\nData as of: {result.as_of.isoformat()}"
        )
        if result.compare_period:
            source += f"\nCompared with: {result.compare_period.label('en')}"
    blocks.append(TextBlock(kind="note", text=source))
    for zh, en in result.notes:
        blocks.append(TextBlock(kind="note", text=zh if lang == "zh" else en))
    tables = [_table(catalog, result, lang, shares)] if many or result.query.comparison else []
    chart = _chart(catalog, result, lang)
    last_rows = frame[frame["bucket_start"] == frame["bucket_start"].max()]
    summary: dict[str, Any] = {"metric": metric.code, "unit": metric.unit, "rows": result.rows()}
    if len(last_rows) == 1:
        row = last_rows.iloc[0]
        summary["value"] = None if is_missing(row["value"]) else float(row["value"])
        if result.query.comparison:
            for key in ("compare_value", "change", "change_rel"):
                summary[key] = None if is_missing(row.get(key)) else float(row[key])
    if shares is not None:
        summary["share_of"] = {"dimension": shares.dimension, "total": shares.total}
        if "" in shares.of:
            summary["share"] = shares.of[""]
        else:
            summary["shares"] = dict(shares.of)
    return Answer(
        question=question,
        language=lang,  # type: ignore[arg-type]
        intent="metric_query",
        blocks=blocks,
        tables=tables,
        charts=[chart] if chart else [],
        definitions=[defin],
        suggestions=_follow_ups(catalog, result, lang),
        query=result.query.to_json(),
        result=summary,
        as_of=result.as_of,
        sources=[f"metric:{metric.code}", *(f"table:{t}" for t in metric.tables)],
        sql=result.sql,
        timings_ms={"query": round(result.elapsed_ms, 2)},
    )


def append_metric(answer: Answer, other: Answer) -> None:
    """Adds a second metric's answer to the first ("闪借上月逾期率和通过率"): its figure,
    split lines and definition after the first one's, its table beside the first one's,
    and its summary under ``result["also"]``. The chart and follow-ups stay the first's."""
    text = [b for b in other.blocks if b.kind in ("headline", "paragraph")]
    definition = other.definitions[0].description if other.definitions else ""
    lead = "口径：" if other.language == "zh" else "Definition: "
    answer.blocks.extend(b.model_copy(update={"kind": "paragraph"}) for b in text)
    if definition:
        answer.blocks.append(TextBlock(kind="note", text=lead + definition))
    answer.tables.extend(other.tables)
    answer.definitions.extend(other.definitions)
    if answer.result is not None and other.result is not None:
        answer.result.setdefault("also", []).append(other.result)


def note_unfiltered(answer: Answer, words: list[str]) -> None:
    """Says which of the question's qualifiers the figure is *not* narrowed by ("买商铺的
    房贷利率": the data has no property type, so the rate is every home loan's), and lists
    them under ``result["not_filtered"]``."""
    if not words:
        return
    if answer.language == "zh":
        quoted = "、".join(f"「{w}」" for w in words)
        text = f"注意：数据里没有可按{quoted}区分的字段，以上是未按它筛选的整体数字。"
    else:
        quoted = ", ".join(f"'{w}'" for w in words)
        text = f"Note: the data has nothing to filter by {quoted}; the figure above is not narrowed by it."
    _warn_under_figure(answer, text, "not_filtered", list(words))


def note_new_of_stock(answer: Answer, catalog: Catalog, query: MetricQuery, words: str) -> None:
    """Says that the figure is a stock, not the *new* part asked for ("新增客户数" is
    answered with active customers and their change, which is the net increase — stated
    as a number when there is one figure), and records the words under
    ``result["new_of_stock"]``."""
    if not words:
        return
    lang = answer.language
    metric = catalog.metrics[query.metric]
    name = metric.name(lang)
    change = (answer.result or {}).get("change")
    net = "" if is_missing(change) else format_change(change, None, metric.unit, lang)
    money = metric.unit == "amount"
    if lang == "zh":
        why = "流入减流出" if money else "新增减流失"
        lead = f"注意：数据里没有「{words}」这一指标。以上是{name}（时点存量）"
        no_comparison = f"，相邻两期之差即净增（{why}）。"
        with_net = f"，较对比期净增 {net}（{why}）。"
        without_net = f"及其较对比期的变化，变化即净增（{why}）。"
    else:
        why = "inflows minus outflows" if money else "new minus lost"
        lead = f"Note: the data has no figure for '{words}'. Above is {name} (a stock at a point in time)"
        no_comparison = f"; the difference between two periods is the net increase ({why})."
        with_net = f"; its net increase over the comparison period is {net} ({why})."
        without_net = (
            f" and its change from the comparison period: the change is the net increase ({why})."
        )
    tail = no_comparison if not query.comparison else (with_net if net else without_net)
    _warn_under_figure(answer, lead + tail, "new_of_stock", words)


def note_per_head(answer: Answer, words: str) -> None:
    """Says that the figure is a total, not the per-customer or per-card figure asked for
    ("人均交易金额"): the catalog has no denominator for it."""
    if not words:
        return
    if answer.language == "zh":
        text = f"注意：数据里没有「{words}」这一指标，以上是合计数，不是人均。"
    else:
        text = f"Note: the data has no figure for '{words}'; the figure above is the total, not per head."
    _warn_under_figure(answer, text, "per_head", words)


def _warn_under_figure(answer: Answer, text: str, key: str, value: Any) -> None:
    """A warning right after the figure it qualifies, and the same fact in the JSON."""
    answer.blocks.insert(1, TextBlock(kind="warning", text=text))
    if answer.result is not None:
        answer.result[key] = value
