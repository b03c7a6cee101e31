"""The rule-based router: a question in, a typed :class:`Route` out, offline.

Each capability is scored from what the question fills: a metric query from a metric
name plus members, time, comparison, breakdown and ranking slots; knowledge,
pricing, complaint themes and help from their cue words (:mod:`.cues`). The best
reading wins. A product named without a metric, or words that fit two metrics,
yield a clarifying question whose options are runnable questions. Nothing here
raises on user input: the worst answer is ``help`` with low confidence.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from bankpm_core.clock import Clock
from bankpm_core.language import detect_language
from bankpm_core.metrics.catalog import Catalog
from bankpm_core.metrics.periods import Period
from bankpm_core.metrics.query import MetricQuery
from bankpm_core.routing import clarify
from bankpm_core.routing.cues import PRICING_STRONG_SCORE, Cues, Ranking, read_cues, read_ranking
from bankpm_core.routing.slots import (
    Facts,
    MetricChoice,
    also_asked,
    breakdown_for,
    choose_metric,
    filters_for,
    foreign_currency_products,
    gather,
    implied_kinds,
    is_time_metric,
    narrowing_metrics,
    new_of_stock,
    per_head_of_total,
    product_kinds,
    share_reading,
    unfiltered_qualifiers,
    unknown_english_products,
    unknown_products,
)
from bankpm_core.routing.text import MAX_CHARS, fold, mask, normalize
from bankpm_core.routing.timeparse import TimeParse, parse_time
from bankpm_core.routing.types import Route, RouteIntent
from bankpm_core.routing.vocabulary import Vocabulary

log = logging.getLogger(__name__)

_MEANINGFUL = re.compile(r"[A-Za-z0-9\u3400-\u9fff]")
_CJK = re.compile(r"[\u3400-\u9fff]")
_EN_WORD = re.compile(r"[a-z]{2,}")


@dataclass(frozen=True)
class _Parsed:
    """Everything read from one question, before an intent is chosen."""

    text: str  # normalised
    original: str  # folded, case kept (to quote the user's words)
    lang: Literal["zh", "en"]
    time: TimeParse
    facts: Facts
    cues: Cues
    choice: MetricChoice
    ranking: Ranking
    breakdown: list[str]
    unknown_products: list[str]
    # the split was read from "哪些/which" alone, not from 按X / by X / compared members
    breakdown_from_which: bool = False
    # English ones ("student loan"): enough to stop a metric answer, too weak to send a
    # question to the documents
    unknown_english: list[str] = field(default_factory=list)
    # words narrowing a product to what the data cannot filter by (买商铺的房贷: 商铺)
    unfiltered: list[str] = field(default_factory=list)
    # the new part of a stock the catalog holds only whole ("新增客户数")
    new_of_stock: str = ""
    # a total asked per customer or card ("人均交易金额")
    per_head: str = ""

    @property
    def unknown_in_data(self) -> list[str]:
        """Every product named that the data does not have."""
        return [*self.unknown_products, *self.unknown_english]

    @property
    def time_words(self) -> str:
        """The user's own words for the period ("上个月"), to repeat in options."""
        spans = self.time.period_spans
        return self.original[spans[0][0] : spans[0][1]].strip() if spans else ""


def _as_written(text: str, name: str) -> str:
    """``name`` as the user wrote it ("USD deposit", not the folded "usd deposit")."""
    at = text.lower().find(name.lower())
    return text[at : at + len(name)] if at >= 0 else name


class Router:
    """Understands PMs' questions from the catalog's vocabulary; deterministic."""

    def __init__(self, catalog: Catalog, clock: Clock, default_language: str = "zh") -> None:
        self.catalog = catalog
        self.clock = clock
        self.default_language: Literal["zh", "en"] = "en" if default_language == "en" else "zh"
        self.vocabulary = Vocabulary(catalog)

    def warm_up(self) -> None:
        """Build the lazy parts (jieba) now rather than on the first question."""
        self.vocabulary.tokenizer()

    def route(self, text: str) -> Route:
        """Never raises: an unexpected error is logged and answered with ``help``."""
        try:
            return self._route(text if isinstance(text, str) else "")
        except Exception:  # the boundary: one odd question must not break the bot
            log.exception("router failed on a question of %d characters", len(str(text)))
            return Route("help", self.default_language, confidence=0.1, reason="internal error")

    # --- reading ------------------------------------------------------------------------

    def _route(self, text: str) -> Route:
        clipped = text[:MAX_CHARS]
        lang = detect_language(clipped, self.default_language)
        if not _MEANINGFUL.search(clipped):
            return Route("help", lang, confidence=0.1, reason="no words to read")
        parsed = self._parse(clipped, lang)
        return self._decide(parsed)

    def _parse(self, clipped: str, lang: Literal["zh", "en"]) -> _Parsed:
        norm = normalize(clipped)
        original = fold(clipped)
        time = parse_time(norm, self.clock.now().date())
        masked = mask(norm, list(time.spans))
        mentions = self.vocabulary.find(masked, original)
        facts = gather(mentions)
        exact_metrics = [(m.start, m.end) for m in facts.metrics if m.term.weight >= 1.0]
        cues = read_cues(norm, mask(norm, exact_metrics))
        choice = choose_metric(self.catalog, facts, masked)
        spec = self.catalog.metrics.get(choice.code or "")
        ranking = read_ranking(
            masked,
            spec.higher_is_better if spec else True,
            is_time_metric(self.catalog, choice.code),
        )
        breakdown = breakdown_for(facts, masked, ranking.which or ranking.asked)
        from_which = bool(breakdown) and not breakdown_for(facts, masked, False)
        named_product = bool(facts.members.get("product"))
        unknown = unknown_products(masked, mentions) if not named_product else []
        # a currency the catalog cannot filter by, whatever product it names
        unknown += foreign_currency_products(masked)
        unknown = [_as_written(clipped, name) for name in unknown]
        english = unknown_english_products(masked, mentions) if not named_product else []
        return _Parsed(
            norm,
            original,
            lang,
            time,
            facts,
            cues,
            choice,
            ranking,
            breakdown,
            unknown,
            from_which,
            [_as_written(clipped, n) for n in english],
            [_as_written(clipped, w) for w in unfiltered_qualifiers(masked, mentions)],
            _as_written(clipped, new_of_stock(self.catalog, masked, choice.mention, choice.code)),
            _as_written(
                clipped, per_head_of_total(self.catalog, masked, choice.mention, choice.code)
            ),
        )

    # --- deciding -----------------------------------------------------------------------

    def _metric_score(self, p: _Parsed) -> float:
        if p.choice.mention is None:
            return 0.0
        base = 3.0 if p.choice.mention.term.weight >= 0.8 else 2.0
        slots = (
            p.facts.named,
            p.time.explicit,
            p.time.comparison is not None,
            bool(p.breakdown),
            p.ranking.asked and bool(p.breakdown),
            p.time.trend,
        )
        return base + 0.5 * sum(slots) + (0.3 if p.cues.number_ask else 0.0)

    def _scores(self, p: _Parsed) -> dict[RouteIntent, float]:
        """One score per capability; help is decided by rules, not by score."""
        knowledge = p.cues.knowledge
        if knowledge and "product" in p.facts.members and p.cues.knowledge_kind == "product":
            knowledge += 0.5
        if p.cues.bare_definition and not p.time.explicit and not p.facts.named:
            knowledge += 4.0
        # "每月/per month" alone is a frequency in a rule ("每月抽查比例", "calls per month"),
        # a series only when nothing says the question is about a rule
        # "哪些" in a rule question asks which approvals or steps, not which products
        # ("新产品上线前要经过哪些审批"): a split read from it alone is no request for data
        split = bool(p.breakdown) and not (p.cues.rule and (p.breakdown_from_which or p.cues.means))
        asks_data = (
            p.time.explicit
            or p.time.comparison is not None
            or split
            or (p.time.trend and not p.cues.rule)
        )
        if p.cues.rule and not asks_data:
            knowledge += 5.0  # "投诉要在多长时间内办结" is a rule, not complaint_resolution_days
        elif (
            p.cues.permission
            or (p.cues.feature and p.cues.domain and not (p.cues.help or p.cues.off_topic))
        ) and not (asks_data or p.cues.number_ask or p.cues.status or p.cues.growth):
            # "Can we call a customer's emergency contact?" is a rule too, and
            # "白金卡境外消费有返现吗" a feature of the product, not its spending
            knowledge += 5.0
        if p.unknown_products and not asks_data:
            knowledge += 5.0  # the data has no 助学贷款: the documents may, or bankpm says so
        pricing = p.cues.pricing
        if not pricing and p.cues.charge_ask and p.facts.named:
            # "What should we charge young professionals for FlashLoan?": a price to set;
            # for a customer segment, no document sets one — the pricing model does
            segment = 2.0 if "segment" in p.facts.members else 0.0
            pricing = PRICING_STRONG_SCORE + segment
        changes = p.cues.overrides or p.cues.shifts
        if not p.cues.pricing_strong and not changes and not p.facts.named:
            pricing = 0.0  # "price" alone ("bitcoin price") is not a pricing request
        elif (p.cues.how_to or p.cues.rule or p.cues.definition) and not (changes or p.facts.named):
            # "怎么给新产品定价", "What does RAROC below target ROE trigger?", "RAROC怎么算":
            # the method or the rule, from the documents — nothing is named to price
            knowledge = max(knowledge, pricing + 0.5)
            pricing = 0.0
        return {
            "metric_query": self._metric_score(p),
            "knowledge": knowledge,
            "pricing": pricing,
            # "how / where can customers complain" asks for the procedure, not the themes
            "complaints": max(
                0.0, p.cues.complaint_theme - (3.0 if p.cues.rule and not asks_data else 0.0)
            ),
        }

    def _decide(self, p: _Parsed) -> Route:
        """The metric reading wins ties; without a metric, cue words, then names, decide."""
        scores = self._scores(p)
        others = {k: v for k, v in scores.items() if k != "metric_query"}
        best_other = max(others, key=lambda k: others[k])
        has_metric = p.choice.mention is not None
        if has_metric and scores["metric_query"] >= others[best_other]:
            if p.time.invalid:
                return self._impossible_date(p)
            if p.choice.code is None:
                return self._clarify_metric(p, scores)
            if p.unknown_in_data:
                return self._clarify_unknown_product(p)
            return self._metric_route(p, scores)
        if p.cues.help >= 5 and not p.facts.named and others[best_other] < 5:
            return Route("help", p.lang, confidence=0.8, reason="asks what the bot can do")
        if p.cues.off_topic and not p.facts.named and others[best_other] < 4:
            return Route("help", p.lang, confidence=0.7, reason="off-topic")
        if others[best_other] >= 2.5:
            return self._capability(p, best_other, scores)
        # an attribute asked by a name that is no metric ("稳盈理财的业绩比较基准是多少"):
        # the documents may state it; a time, a trend or a split would ask for data instead
        attribute = p.cues.attribute and not (
            p.cues.status or p.cues.growth or p.time.explicit or p.time.trend or p.breakdown
        )
        if p.facts.named:
            if p.cues.knowledge >= 1 and not (
                p.cues.status or p.cues.number_ask or p.time.explicit
            ):
                return self._capability(p, "knowledge", scores)
            if attribute:
                return self._capability(p, "knowledge", scores, confidence=0.35)
            return self._clarify_metric(p, scores)
        if p.cues.help:
            return Route("help", p.lang, confidence=0.75, reason="greeting, thanks or off-topic")
        timed = (p.time.explicit or p.time.trend) and (p.cues.status or p.cues.number_ask)
        # a split read from 哪些/which alone, with no metric named, asks which steps or
        # parties ("新产品上线前需要哪些部门会签"), not for figures
        split = bool(p.breakdown) and not p.breakdown_from_which
        if timed or split or (p.ranking.asked and p.facts.dimensions):
            return self._clarify_metric(p, scores)
        if attribute and p.cues.domain and self._substantial(p.text):
            return self._capability(p, "knowledge", scores, confidence=0.3)
        if p.cues.knowledge >= 1 and p.cues.domain and self._substantial(p.text):
            return self._capability(p, "knowledge", scores, confidence=0.35)
        return Route("help", p.lang, confidence=0.2, reason="no metric, product or question cue")

    @staticmethod
    def _substantial(text: str) -> bool:
        return len(_CJK.findall(text)) >= 4 or len(_EN_WORD.findall(text)) >= 3

    @staticmethod
    def _confidence(scores: dict[RouteIntent, float], winner: RouteIntent) -> float:
        best = scores[winner]
        second = max((v for k, v in scores.items() if k != winner), default=0.0)
        return round(max(0.05, min(0.99, best / (best + second + 1.0))), 2)

    # --- building routes -------------------------------------------------------------------

    def _comparison(self, p: _Parsed, period: Period) -> str | None:
        wanted = p.time.comparison
        if wanted is None and p.cues.growth and not p.time.trend:
            wanted = "prev"
        if wanted == "prev":
            return {"month": "mom", "quarter": "qoq"}.get(period.grain, "prev_period")
        return wanted

    def _metric_route(self, p: _Parsed, scores: dict[RouteIntent, float]) -> Route:
        # "逾期余额占比" is the overdue rate; "高净值客户的理财规模占比" adds a share
        chosen, share = share_reading(self.catalog, p.text, p.choice.code)
        code = chosen or ""
        period = p.time.period
        breakdown = p.breakdown
        order, top_n = p.ranking.order, p.ranking.top_n
        if order is not None and not breakdown:
            single_product = len(p.facts.codes("product")) == 1
            if p.ranking.which and not single_product:
                breakdown = ["product"]
            else:
                order, top_n = None, None
        narrowing = narrowing_metrics(self.catalog, p.facts, p.choice, p.text)
        filters = filters_for(
            self.catalog, p.facts, code, implied_kinds(self.catalog, p.choice, narrowing)
        )
        spec = self.catalog.metrics.get(code)
        if spec and spec.per_product and "product" not in filters and "product" not in breakdown:
            breakdown = [*breakdown, "product"]  # "我们的市场份额": one per product, not a blend
        comparison = self._comparison(p, period)
        if p.new_of_stock and comparison is None and not p.time.trend:
            # "新增客户数": the stock's change over the period is the net increase
            comparison = {"month": "mom", "quarter": "qoq"}.get(period.grain, "prev_period")
        query = MetricQuery.build(
            code,
            period,
            filters,
            comparison=comparison,
            breakdown=tuple(breakdown),
            top_n=top_n,
            order=order,
        )
        also = also_asked(self.catalog, p.facts, p.choice, p.text)
        also = [c for c in also if c not in {m.term.code for m in narrowing}]
        if also:
            query.extra["also_asked"] = also
        if p.unfiltered:
            query.extra["not_filtered"] = p.unfiltered
        if p.new_of_stock:
            query.extra["new_of_stock"] = p.new_of_stock
        if p.per_head:
            query.extra["per_head"] = p.per_head
        if share:
            query.extra["share"] = True
        reason = f"metric {code} from '{p.original[p.choice.mention.start : p.choice.mention.end]}'"
        return Route(
            "metric_query",
            p.lang,
            query=query,
            confidence=self._confidence(scores, "metric_query"),
            reason=reason,
        )

    def _first(self, p: _Parsed, dimension: str) -> str | None:
        codes = p.facts.codes(dimension)
        return codes[0] if codes else None

    def _capability(
        self,
        p: _Parsed,
        intent: RouteIntent,
        scores: dict[RouteIntent, float],
        confidence: float | None = None,
    ) -> Route:
        slots: dict[str, Any]
        if intent == "pricing":
            slots = {
                "product": self._first(p, "product"),
                "segment": self._first(p, "segment"),
                "channel": self._first(p, "channel"),
                "overrides": dict(p.cues.overrides),
                "shifts": dict(p.cues.shifts),
            }
        elif intent == "complaints":
            # "信用卡投诉" names a product kind: all products of that kind
            products = p.facts.codes("product") or list(
                self.catalog.products_of_kind(tuple(p.facts.kinds))
            )
            product: str | list[str] | None = (
                products[0] if len(products) == 1 else (products or None)
            )
            slots = {"product": product, "period": p.time.period.to_json()}
        else:
            slots = {"kind": self._knowledge_kind(p), "product": self._first(p, "product")}
        conf = confidence if confidence is not None else self._confidence(scores, intent)
        return Route(intent, p.lang, slots=slots, confidence=conf, reason=f"{intent} cue words")

    @staticmethod
    def _knowledge_kind(p: _Parsed) -> str | None:
        """regulation / product / methodology; a named product breaks ties toward product."""
        scores = p.cues.kind_scores
        kind = p.cues.knowledge_kind
        named_product = "product" in p.facts.members
        if named_product and (kind is None or scores.get("product") == scores.get(kind)):
            kind = "product"
        if kind is None and p.cues.bare_definition:
            kind = "methodology"
        named_metric = p.choice.mention is not None and p.choice.mention.term.weight >= 0.8
        only_definition = scores.get("methodology", 0.0) <= 4.0
        if kind == "methodology" and named_product and not named_metric and only_definition:
            kind = "product"  # "闪借的审批流程是什么" asks about the product, not a metric
        return kind

    def _subject(self, p: _Parsed) -> clarify.Subject:
        zh_words: list[str] = []
        en_words: list[str] = []
        for dim in ("region", "segment", "channel", "product"):
            for m in p.facts.members.get(dim, []):
                member = self.catalog.dimensions[dim].members[m.term.code]
                written = p.original[m.start : m.end]
                exact = not m.fuzzy
                zh_words.append(written if exact and p.lang == "zh" else member.name("zh"))
                en_words.append(written if exact and p.lang == "en" else member.name("en"))
        kinds = sorted(product_kinds(self.catalog, p.facts))
        if not p.facts.members.get("product") and p.facts.kinds:
            zh_words.append("信用卡")
            en_words.append("credit card")
        return clarify.Subject("".join(zh_words), " ".join(en_words), kinds[0] if kinds else None)

    def _impossible_date(self, p: _Parsed) -> Route:
        """ "闪借 逾期率 2026-13": no such month. Read as no period, the question got last
        month's figure without a word; say what cannot be, and ask again."""
        written = [_as_written(p.original, d) for d in p.time.invalid]
        said = ("、" if p.lang == "zh" else ", ").join(written)
        prompt = (
            f"「{said}」不是有效的日期（月份为 1–12，季度为 1–4）。请换一个时间再问。"
            if p.lang == "zh"
            else f"'{said}' is not a valid date (months run 1–12, quarters 1–4). "
            "Please ask again with another period."
        )
        return Route("clarify", p.lang, prompt=prompt, confidence=0.3, reason="impossible date")

    def _clarify_unknown_product(self, p: _Parsed) -> Route:
        """Data asked about a product the catalog lacks ("助学贷款上月放款金额", "美元存款
        余额"): the metric over the bank's other products would answer another question
        with the user's words on it, so say so and offer the products the data has."""
        metric = self.catalog.metrics[p.choice.code or ""]
        kinds = product_kinds(self.catalog, p.facts)
        options = clarify.unknown_product_options(self.catalog, metric, kinds, p.time_words, p.lang)
        return Route(
            "clarify",
            p.lang,
            options=options,
            prompt=clarify.unknown_product_prompt(p.unknown_in_data, metric, p.lang),
            confidence=0.4,
            reason=f"no product {', '.join(p.unknown_in_data)} in the data",
        )

    def _clarify_metric(self, p: _Parsed, scores: dict[RouteIntent, float]) -> Route:
        subject = self._subject(p)
        time_words = p.time_words
        metrics = None
        if p.choice.candidates:
            metrics = [self.catalog.metrics[c] for c in p.choice.candidates]
        options = clarify.options_for(self.catalog, subject, time_words, p.lang, metrics)
        if len(options) < 2:
            return Route("help", p.lang, confidence=0.2, reason="nothing to offer")
        return Route(
            "clarify",
            p.lang,
            options=options,
            prompt=clarify.prompt_for(
                subject, p.lang, metrics, "" if metrics else clarify.not_in_catalog(p.original)
            ),
            confidence=0.4,
            reason="several metrics fit" if metrics else "no metric named",
        )
