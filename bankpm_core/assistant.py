"""The one entry point every front end calls: ``Assistant.ask(question, user) -> Answer``.

The assistant routes the question, hands it to the capability whose slots it fills,
and turns any failure into an Answer: user errors carry their bilingual message and
suggestions, unexpected errors are logged with the traceback and answered with an
apology. It never raises to a front end.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from bankpm_core import charts
from bankpm_core.answer import Answer, ErrorInfo, Suggestion, TextBlock
from bankpm_core.clock import Clock, today
from bankpm_core.errors import BadInputError, BankpmError, PeriodAfterDataError
from bankpm_core.language import detect_language
from bankpm_core.masking import mask_pii
from bankpm_core.metrics.catalog import Catalog
from bankpm_core.metrics.engine import MetricEngine, MetricResult
from bankpm_core.metrics.present import (
    append_metric,
    metric_answer,
    note_new_of_stock,
    note_per_head,
    note_unfiltered,
)
from bankpm_core.metrics.query import MetricQuery
from bankpm_core.metrics.shares import shares_of
from bankpm_core.routing.cues import METHOD_QUESTION
from bankpm_core.routing.types import Route
from bankpm_core.users import CONSOLE_USER, UserContext

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 2000

EXAMPLES = {
    "zh": [
        "闪借上个月逾期率是多少？环比呢？",
        "青春卡今年以来每月发卡量",
        "哪个渠道的闪借不良率最高",
        "稳盈理财规模近12个月趋势",
        "信用卡催收时能联系借款人的同事吗？",
        "给青年白领客群的闪借建议定价",
        "本月信用卡投诉主要是什么问题？",
    ],
    "en": [
        "FlashLoan overdue rate by segment last quarter",
        "Compare approval time of FLASH and AUTO over the past 6 months",
        "What is the annual fee policy of the Youth card?",
        "suggest pricing for SME owners on the SME loan",
        "what are people complaining about on FlashLoan?",
    ],
}


class Router(Protocol):
    def route(self, text: str) -> Route: ...


class Capability(Protocol):
    """Knowledge, pricing, complaints: each answers a routed question."""

    def answer(self, question: str, route: Route, user: UserContext) -> Answer: ...


#: 占比 asked of a figure that nothing narrows ("理财规模占比"): of what total is unsaid.
_NO_SHARE = {
    "zh": "问的是占比，但没有说占哪部分：请指明产品、客群、渠道或区域（如“高净值客户的理财规模占比”），或按它拆分（如“各渠道放款金额占比”）。",
    "en": "You asked for a share, but not of which part: name a product, segment, channel or region ('share of AUM held by high net worth customers'), or split by one ('disbursements by channel, share of total').",
}


@dataclass
class Assistant:
    catalog: Catalog
    metrics: MetricEngine
    router: Router
    clock: Clock
    default_language: str = "zh"
    capabilities: dict[str, Capability] = field(default_factory=dict)
    on_answer: Callable[[Answer, UserContext], None] | None = None
    # why a capability could not be built, when the reason is the deployment's to fix
    # (a malformed glossary file…): said to the user instead of "not enabled"
    unavailable: dict[str, BankpmError] = field(default_factory=dict)

    def warm_up(self) -> None:
        """Load what the first question would otherwise wait for: the segmenter, the chart
        font, and each capability's models and indexes (failures are logged, not raised)."""
        parts: list[tuple[str, object]] = [("router", getattr(self.router, "warm_up", None))]
        parts.append(("charts", charts._font_family))
        parts += [(name, getattr(cap, "warm_up", None)) for name, cap in self.capabilities.items()]
        for name, warm in parts:
            if not callable(warm):
                continue
            try:
                warm()
            except Exception:
                log.exception("warm-up of %s failed", name)

    def ask(
        self, question: str, user: UserContext | None = None, *, draw_charts: bool = True
    ) -> Answer:
        """Answer ``question`` for ``user``; never raises.

        With ``draw_charts=False`` charts come back as specs only (``Chart.png`` empty):
        the bot sends the numbers at once and draws the pictures with
        :func:`bankpm_core.charts.render_charts` when the CPU is free.
        """
        user = user or CONSOLE_USER
        started = time.perf_counter()
        text = (question or "").strip()
        lang = user.language or detect_language(text, self.default_language)  # type: ignore[arg-type]
        try:
            answer = self._answer(text, lang, user)
        except BankpmError as exc:
            answer = self.error_answer(text, lang, exc)
        except Exception:
            log.exception("unexpected error answering %r", mask_pii(text[:200]))
            answer = Answer(
                question=text,
                language=lang,  # type: ignore[arg-type]
                intent="error",
                blocks=[TextBlock(kind="warning", text=_APOLOGY[lang])],
                error=ErrorInfo(code="internal_error", message=_APOLOGY[lang]),
            )
        answer = _masked(answer)
        if draw_charts:
            charts.render_charts(answer)
        answer.timings_ms["total"] = round((time.perf_counter() - started) * 1000, 2)
        if self.on_answer:
            self.on_answer(answer, user)
        return answer

    def _answer(self, text: str, lang: str, user: UserContext) -> Answer:
        if len(text) > MAX_QUESTION_CHARS:
            raise BadInputError(
                f"问题太长了（{len(text)} 字）。请精简到 {MAX_QUESTION_CHARS} 字以内，一次问一件事。",
                f"That question is too long ({len(text)} characters). Please keep it under "
                f"{MAX_QUESTION_CHARS} characters and ask one thing at a time.",
            )
        if not text:
            return self.help_answer(text, lang, empty=True)
        route = self.router.route(text)
        lang = user.language or route.language
        if not user.may(route.intent):
            return self._refuse_role(text, lang, route, user)
        if route.intent == "metric_query" and route.query is not None:
            themed = self._complaint_theme_route(text, route)
            if themed is not None and user.may("complaints"):
                # "催收相关的投诉有多少": the theme's count, not every complaint
                return self.capabilities["complaints"].answer(text, themed, user)
            return self._metric_answer(text, lang, route.query, route.confidence)
        if route.intent == "clarify":
            return Answer(
                question=text,
                language=lang,  # type: ignore[arg-type]
                intent="clarify",
                blocks=[TextBlock(kind="headline", text=route.prompt)],
                options=[Suggestion(label=o.label, question=o.question) for o in route.options],
            )
        if route.intent in self.capabilities:
            return self.capabilities[route.intent].answer(text, route, user)
        if route.intent in ("knowledge", "pricing", "complaints"):
            return self._unavailable(text, lang, route.intent)
        return self.help_answer(text, lang)

    def _metric_answer(self, text: str, lang: str, query: MetricQuery, confidence: float) -> Answer:
        """The figure, and what the question asked of it beyond the query: a share, a
        second metric, qualifiers the data cannot filter by, the new part of a stock, a
        period the data does not reach yet, the method to read it."""
        query, result, moved = self._run_latest(query, lang)
        shares = shares_of(self.metrics, result) if query.extra.get("share") else None
        answer = metric_answer(self.catalog, result, text, lang, shares)
        if query.extra.get("share") and shares is None:
            answer.blocks.insert(1, TextBlock(kind="note", text=_NO_SHARE[lang]))
        for code in query.extra.get("also_asked", ()):
            self._add_metric(answer, query, code, lang)
        note_unfiltered(answer, query.extra.get("not_filtered", []))
        note_new_of_stock(answer, self.catalog, query, query.extra.get("new_of_stock", ""))
        note_per_head(answer, query.extra.get("per_head", ""))
        if moved is not None:  # first: what follows is about another period
            answer.blocks.insert(0, TextBlock(kind="warning", text=moved))
        answer.timings_ms["route_confidence"] = confidence
        if METHOD_QUESTION.search(text.lower()):
            self._add_method(answer, text, lang)
        return answer

    def _run_latest(
        self, query: MetricQuery, lang: str
    ) -> tuple[MetricQuery, MetricResult, str | None]:
        """Run ``query``; when its period has begun but the data does not reach it yet
        ("本月新增客户数" while the data runs to last month's end), run it for the latest
        period of the same shape the data covers, and say so. A period still to come gets
        the no-data message: last month's figure is no answer about next month."""
        try:
            return query, self.metrics.run(query), None
        except PeriodAfterDataError as exc:
            earlier = query.period.latest_complete(exc.as_of)
            if query.period.start > today(self.clock) or earlier is None:
                raise
            query = replace(query, period=earlier)
            result = self.metrics.run(query)
            if lang == "zh":
                said = f"{exc.message('zh')}以下是数据覆盖的最近一期（{earlier.label('zh')}）。"
            else:
                said = (
                    f"{exc.message('en')} Below is the latest period the data covers "
                    f"({earlier.label('en')})."
                )
            return query, result, said

    def _complaint_theme_route(self, text: str, route: Route) -> Route | None:
        """A complaint count about one theme goes to the complaints analysis, whose
        classifier knows themes; the catalog counts all complaints. None otherwise."""
        query = route.query
        complaints = self.capabilities.get("complaints")
        theme_named = getattr(complaints, "theme_named", None)
        if query is None or query.metric != "complaints" or theme_named is None:
            return None
        theme = theme_named(text)
        if theme is None:
            return None
        products = list(query.filter_map.get("product", ()))
        slots = {
            "product": products[0] if len(products) == 1 else (products or None),
            "period": query.period.to_json(),
            "theme": theme,
        }
        return Route("complaints", route.language, slots=slots, confidence=route.confidence)

    def _add_metric(self, answer: Answer, query: MetricQuery, code: str, lang: str) -> None:
        """A second metric the question names gets its figure too, for the same products,
        period and comparison — it used to be dropped without a word. One that cannot be
        computed so (通过率 of a deposit) says why instead."""
        try:
            result = self.metrics.run(replace(query, metric=code, extra={}))
        except BankpmError as exc:
            answer.blocks.append(TextBlock(kind="note", text=exc.message(lang)))
            return
        append_metric(answer, metric_answer(self.catalog, result, answer.question, lang))

    def _add_method(self, answer: Answer, text: str, lang: str) -> None:
        """The numbers answer "which channel?"; the methodology notes answer "how to tell"."""
        knowledge = self.capabilities.get("knowledge")
        note = getattr(knowledge, "method_note", None)
        if note is None:
            return
        found = note(text, lang)
        if found is None:
            return
        block, citation = found
        n = len(answer.citations) + 1
        answer.blocks.append(block.model_copy(update={"text": f"{block.text} [{n}]"}))
        answer.citations.append(citation.model_copy(update={"n": n}))

    # -- canned answers ------------------------------------------------------------
    def help_answer(self, text: str, lang: str, empty: bool = False) -> Answer:
        if lang == "zh":
            head = "请输入一个问题。" if empty else "我是产品经理的数据与知识助手。可以这样问我："
            body = "我能回答：产品指标（逾期率、发卡量、放款金额、市占率、NPS……，支持环比/同比、拆分、排名、趋势）；产品与合规制度问题（附出处）；定价建议；投诉主题分析。"
        else:
            head = (
                "Please type a question."
                if empty
                else "I answer product managers' data and knowledge questions. Try:"
            )
            body = "I can answer: product metrics (overdue rate, cards issued, disbursements, market share, NPS… with MoM/YoY, breakdowns, rankings and trends); product and compliance policy questions (with citations); pricing suggestions; complaint themes."
        examples = EXAMPLES[lang]
        return Answer(
            question=text,
            language=lang,  # type: ignore[arg-type]
            intent="help",
            blocks=[TextBlock(kind="headline", text=head), TextBlock(text=body)],
            suggestions=[Suggestion(label=q, question=q) for q in examples[:5]],
        )

    def error_answer(self, text: str, lang: str, exc: BankpmError) -> Answer:
        message = exc.message(lang)
        blocks = [TextBlock(kind="warning", text=message)]
        if exc.suggestions:
            lead = "您是不是想问：" if lang == "zh" else "Did you mean: "
            names = [self._catalog_name(code, lang) for code in exc.suggestions]
            blocks.append(TextBlock(text=lead + ("、" if lang == "zh" else ", ").join(names)))
        return Answer(
            question=text,
            language=lang,  # type: ignore[arg-type]
            intent="error",
            blocks=blocks,
            error=ErrorInfo(code=exc.code, message=message),
        )

    def _catalog_name(self, code: str, lang: str) -> str:
        """Suggestions in errors are catalog codes (metrics, members); show their names."""
        if code in self.catalog.metrics:
            return self.catalog.metrics[code].name(lang)
        for dim in self.catalog.dimensions.values():
            if code in dim.members:
                return dim.members[code].name(lang)
        return code

    def _unavailable(self, text: str, lang: str, intent: str) -> Answer:
        what = {
            "knowledge": ("知识库问答", "knowledge answers"),
            "pricing": ("定价建议", "pricing suggestions"),
            "complaints": ("投诉主题分析", "complaint analysis"),
        }[intent]
        reason = self.unavailable.get(intent)
        if reason is not None:
            msg = (
                f"“{what[0]}”功能暂不可用：{reason.message(lang)}。请联系管理员。"
                if lang == "zh"
                else f"{what[1].capitalize()} are unavailable: {reason.message(lang)}. "
                "Please tell the administrator."
            )
        else:
            msg = (
                f"“{what[0]}”功能尚未在此部署中启用（知识库为空或未安装）。"
                if lang == "zh"
                else f"{what[1].capitalize()} are not enabled in this deployment "
                "(empty or missing index)."
            )
        return Answer(
            question=text,
            language=lang,  # type: ignore[arg-type]
            intent="error",
            blocks=[TextBlock(kind="warning", text=msg)],
            error=ErrorInfo(code="capability_unavailable", message=msg),
        )

    def _refuse_role(self, text: str, lang: str, route: Route, user: UserContext) -> Answer:
        msg = (
            f"抱歉，您的角色（{user.role}）无权查看此类信息。如需权限请联系管理员。"
            if lang == "zh"
            else f"Sorry, your role ({user.role}) may not see this kind of information. "
            "Ask an administrator for access."
        )
        return Answer(
            question=text,
            language=lang,  # type: ignore[arg-type]
            intent="error",
            blocks=[TextBlock(kind="warning", text=msg)],
            error=ErrorInfo(code="forbidden", message=msg),
        )


_APOLOGY = {
    "zh": "抱歉，处理这个问题时出了点意外，已记录日志。请换个说法再试，或稍后再问。",
    "en": "Sorry, something went wrong while answering; it has been logged. Please rephrase or try again later.",
}


def _masked(answer: Answer) -> Answer:
    """ID, phone and card numbers never leave the core in an answer, whatever the front end."""
    return answer.model_copy(
        update={
            "question": mask_pii(answer.question),
            "blocks": [b.model_copy(update={"text": mask_pii(b.text)}) for b in answer.blocks],
            "citations": [
                c.model_copy(update={"quote": mask_pii(c.quote)}) for c in answer.citations
            ],
            "tables": [
                t.model_copy(
                    update={
                        "rows": [
                            [mask_pii(v) if isinstance(v, str) else v for v in row]
                            for row in t.rows
                        ]
                    }
                )
                for t in answer.tables
            ],
        }
    )


def describe_route(route: Route) -> dict[str, Any]:
    return {
        "intent": route.intent,
        "confidence": route.confidence,
        "reason": route.reason,
        "query": route.query.to_json() if route.query else None,
        "slots": route.slots,
    }
