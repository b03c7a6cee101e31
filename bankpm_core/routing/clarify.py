"""Clarifying questions whose options are full questions that run as they are.

When a product is named without a metric ("青春卡的情况", "how is SME doing") the
metrics offered depend on the product's kind, read from ``applies_to`` in the
catalog: card metrics for a card, lending metrics for a loan. Each option repeats
the user's own product and time words so that choosing it gives the query the user
most likely meant; tests route every option and expect a metric query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bankpm_core.metrics.catalog import Catalog, MetricSpec
from bankpm_core.routing.types import Option

PREFERENCE = (
    "cards_issued",
    "disbursed_amount",
    "wealth_aum",
    "deposit_balance",
    "overdue_rate",
    "activation_rate",
    "approval_rate",
    "txn_amount",
    "loan_balance",
    "deposit_rate",
    "deposit_customers",
    "npl_ratio",
    "active_customers",
    "complaints",
)
"""The order in which metrics are offered; those not applying to the product's kind
are skipped. A bank with other metric codes gets its catalog order after these."""

NO_PRODUCT = ("disbursed_amount", "overdue_rate", "cards_issued", "active_customers")
"""Offered when only a segment, channel, region or a period is named."""

LABELS: dict[tuple[str, str], dict[str, str]] = {
    ("deposit_rate", "wealth"): {"zh": "收益率", "en": "yield"},
    ("deposit_customers", "wealth"): {"zh": "持有客户数", "en": "holders"},
    ("deposit_customers", "deposit"): {"zh": "存款客户数", "en": "deposit customers"},
}


@dataclass(frozen=True)
class Subject:
    """What the user named: surface words to repeat, and the product kind if any."""

    words_zh: str
    words_en: str
    kind: str | None


def metric_label(metric: MetricSpec, kind: str | None, lang: str) -> str:
    label = LABELS.get((metric.code, kind or ""))
    return label[lang] if label else metric.name(lang)


def candidate_metrics(catalog: Catalog, kind: str | None, limit: int = 4) -> list[MetricSpec]:
    """Metrics worth offering for a product kind, most useful first."""
    if kind is None:
        codes = [c for c in NO_PRODUCT if c in catalog.metrics]
        return [catalog.metrics[c] for c in codes][:limit]
    ordered = [*PREFERENCE, *(c for c in catalog.metrics if c not in PREFERENCE)]
    chosen = [
        catalog.metrics[c]
        for c in ordered
        if c in catalog.metrics and kind in catalog.metrics[c].applies_to
    ]
    return chosen[:limit]


def question(subject: Subject, time_words: str, metric: MetricSpec, lang: str) -> str:
    """'青春卡上个月发卡量' / 'cards issued for youth card last month'."""
    label = metric_label(metric, subject.kind, lang)
    if lang == "zh":
        return f"{subject.words_zh}{time_words or '上个月'}{label}"
    words = f" for {subject.words_en}" if subject.words_en else ""
    text = f"{label}{words} {time_words or 'last month'}"
    return text[0].upper() + text[1:]


def options_for(
    catalog: Catalog,
    subject: Subject,
    time_words: str,
    lang: str,
    metrics: list[MetricSpec] | None = None,
) -> tuple[Option, ...]:
    chosen = metrics or candidate_metrics(catalog, subject.kind)
    return tuple(
        Option(
            label=metric_label(m, subject.kind, lang),
            question=question(subject, time_words, m, lang),
        )
        for m in chosen
    )


#: Figures banks keep that this catalog does not ("利息收入", "profit"): named back in the
#: prompt, so "which figure?" does not read as if the one asked for were among the options.
_NOT_IN_CATALOG = re.compile(
    r"(?:利息|手续费|中间业务|营业|年费)?收入|(?:净|毛)?利润|营收|毛利|净利|(?:资金|运营|获客)?成本|"
    r"新开户数|开户数|"
    r"\b(?:profit|profits|revenue|revenues|income|earnings|margin|costs?|new accounts opened)\b",
    re.IGNORECASE,
)


def not_in_catalog(text: str) -> str:
    """The first figure the question names that the catalog does not hold, as written."""
    m = _NOT_IN_CATALOG.search(text)
    return m.group(0) if m else ""


def prompt_for(
    subject: Subject, lang: str, metrics: list[MetricSpec] | None = None, missing: str = ""
) -> str:
    """A short clarifying question in the user's language; ``missing`` (a figure the
    catalog does not hold) is said first."""
    if missing:
        lead = (
            f"数据里没有「{missing}」这个指标。"
            if lang == "zh"
            else f"The data has no figure for '{missing}'. "
        )
        return lead + prompt_for(subject, lang, metrics)
    if metrics and len(metrics) == 2:
        a, b = (metric_label(m, subject.kind, lang) for m in metrics)
        return f"您想看{a}还是{b}？" if lang == "zh" else f"Do you mean {a} or {b}?"
    if lang == "zh":
        who = subject.words_zh
        return f"想看{who}的哪个指标？" if who else "想看哪个指标？"
    who = subject.words_en
    return f"Which figure for {who} would you like?" if who else "Which figure would you like?"


def unknown_product_options(
    catalog: Catalog, metric: MetricSpec, kinds: set[str], time_words: str, lang: str
) -> tuple[Option, ...]:
    """The same question about each product the catalog has that the metric applies to
    (of the kind the question names, if it names one)."""
    wanted = tuple(k for k in metric.applies_to if not kinds or k in kinds)
    products = [catalog.member("product", c) for c in catalog.products_of_kind(wanted)]
    return tuple(
        Option(
            label=m.name(lang),
            question=question(
                Subject(m.name("zh"), m.name("en"), m.kind), time_words, metric, lang
            ),
        )
        for m in products[:4]
    )


def unknown_product_prompt(names: list[str], metric: MetricSpec, lang: str) -> str:
    """Says the named product is not in the data, before offering the ones that are."""
    label = metric.name(lang)
    if lang == "zh":
        return f"数据里没有「{'、'.join(names)}」这个产品，不能按它统计{label}。想看哪个产品的？"
    quoted = ", ".join(f"'{n}'" for n in names)
    return f"The data has no product {quoted}, so its {label} cannot be counted. Which product would you like?"
