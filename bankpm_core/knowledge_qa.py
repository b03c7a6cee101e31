"""Knowledge answers: search the indexed documents and answer only from them.

``KnowledgeBase`` is the service the Assistant, the CLI and the bench share. Without
an LLM the answer is extractive: the most relevant sentences of the top passage(s),
quoted, with numbered citations. When the evidence is weak the answer says so,
lists the closest passages as "possibly related" and names who to ask — it never
stretches a loosely related article into an answer.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from bankpm_core.answer import Answer, Citation, Suggestion, TextBlock
from bankpm_core.config import Settings
from bankpm_core.language import detect_language
from bankpm_core.retrieval.answer_types import answer_type, holds_value
from bankpm_core.retrieval.confidence import REFUSAL_THRESHOLD, confidence
from bankpm_core.retrieval.text import ARTICLE_LABEL, normalize_label
from bankpm_core.retrieval.types import Passage

if TYPE_CHECKING:
    from bankpm_core.retrieval.embeddings import Embedder
    from bankpm_core.retrieval.hybrid import HybridSearcher
    from bankpm_core.retrieval.index import KnowledgeIndex
    from bankpm_core.retrieval.lexicon import Concept
    from bankpm_core.retrieval.query import QueryAnalysis
    from bankpm_core.retrieval.scope import ScopeExclusion
    from ingest.documents.pipeline import IngestReport

log = logging.getLogger(__name__)

NOT_ANSWERED_TOKEN = "NOT_IN_SOURCES"


class LLMVeto:
    """The LLM read the passages and says they do not answer the question."""


Lang = Literal["zh", "en"]
ThresholdOrigin = Literal["setting", "calibrated", "built-in"]
_SENTENCE = re.compile(r"[^。！？；!?;\n]+[。！？；!?;]?|[^\n]+")
_HAN = re.compile(r"[\u4e00-\u9fff]")
#: A question asking for a list ("禁止使用哪些词", "what are the conditions"): the first
#: citation quotes several of the passage's items, not the two that share most words.
_ENUMERATION = re.compile(
    r"哪些|哪几|有什么(?:要求|规定|条件|限制)|包括什么|包含什么|"
    r"\b(?:what are the|which (?:\w+ ){0,2}(?:are|must|should)|list)\b",
    re.IGNORECASE,
)
_OWNER_BY_KIND = {
    "regulation": ("合规部", "the Compliance department"),
    "product": ("产品负责人", "the product owner"),
    "methodology": ("产品管理团队负责人", "the PM team lead"),
}


@dataclass(frozen=True)
class Grounding:
    """Which passages support an answer and how sure we are."""

    passages: list[Passage]
    confidence: float
    grounded: bool
    absent: tuple[str, ...] = ()  # named things the knowledge base never mentions
    # subjects the question names that a document says it does not cover (scope.py)
    excluded: tuple[ScopeExclusion, ...] = ()


_CLAUSE_END = re.compile(r"[，。；：！？\n,;:!?]")


def _listed(text: str, start: int, end: int) -> bool:
    """The span is one item of a Chinese enumeration: its clause has two or more 、."""
    left = max((m.end() for m in _CLAUSE_END.finditer(text, 0, start)), default=0)
    right = _CLAUSE_END.search(text, end)
    clause = text[left : right.start() if right else len(text)]
    return clause.count("、") >= 2


def _decision_score(
    on_topic: Sequence[Passage], absent: Sequence[str], passages: Sequence[Passage]
) -> float:
    """The refusal score of the best passage that may answer. Its lead is measured over
    every other passage found, not only over those that may answer: one passage left by
    the screens has no runner-up of its own, and must not look unrivalled for it."""
    if absent or not on_topic:
        return 0.0
    top = on_topic[0]
    return confidence([top, *(p for p in passages if p is not top)])


def refusal_threshold(settings: Settings) -> tuple[float, ThresholdOrigin]:
    """An explicit setting wins; then the bank's own calibration; then the built-in one."""
    from bankpm_core.retrieval.calibration import Calibration

    if settings.refusal_threshold is not None:
        return settings.refusal_threshold, "setting"
    calibration = Calibration.load(settings.calibration_file)
    if calibration is not None:
        return calibration.threshold, "calibrated"
    return REFUSAL_THRESHOLD, "built-in"


class KnowledgeBase:
    """Ingest, search and answer over the knowledge index (one per process)."""

    def __init__(
        self,
        index: KnowledgeIndex,
        searcher: HybridSearcher,
        settings: Settings,
        threshold: float = REFUSAL_THRESHOLD,
        threshold_origin: ThresholdOrigin = "built-in",
    ) -> None:
        self.index = index
        self.searcher = searcher
        self.settings = settings
        self.threshold = threshold
        self.threshold_origin = threshold_origin

    @classmethod
    def open(cls, settings: Settings, embedder: Embedder | None = None) -> KnowledgeBase:
        """Connect to the index (embedded dir or ``chroma_url``); models load on first use."""
        from bankpm_core.retrieval.embeddings import make_embedder
        from bankpm_core.retrieval.glossary import Glossary
        from bankpm_core.retrieval.hybrid import HybridSearcher, SearchConfig
        from bankpm_core.retrieval.index import KnowledgeIndex
        from bankpm_core.retrieval.lexicon import default_lexicon
        from bankpm_core.retrieval.store import ChromaStore
        from bankpm_core.retrieval.text import TextAnalyzer

        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        embedder = embedder or make_embedder(settings.embedder, settings.llm_base_url, key)
        catalog = _catalog_concepts(settings)
        lexicon = default_lexicon().with_concepts(catalog)
        analyzer = TextAnalyzer([*lexicon.zh_words(), *(w for c in catalog for w in c.zh)])
        store = ChromaStore.open(
            embedder.name,
            path=None if settings.chroma_url else settings.resolved_index_dir,
            url=settings.chroma_url,
        )
        cache_dir = settings.data_dir / "cache"
        index = KnowledgeIndex(
            store, embedder, analyzer, cache_dir=cache_dir, sentences=settings.sentence_index
        )
        config = SearchConfig(
            thesaurus=settings.thesaurus,
            sentence_weight=SearchConfig.sentence_weight if settings.sentence_index else 0.0,
        )
        threshold, origin = refusal_threshold(settings)
        glossary = Glossary.load(settings.resolved_glossary_path)
        searcher = HybridSearcher(index, lexicon, config, glossary)
        return cls(index, searcher, settings, threshold, origin)

    # ---------- service API ----------
    def is_empty(self) -> bool:
        return self.index.store.count() == 0

    def ingest(
        self, paths: Iterable[str | Path], kind: str | None = None, progress: bool = False
    ) -> IngestReport:
        from ingest.documents.pipeline import ingest_paths

        report = ingest_paths(self.index, paths, kind=kind, progress=progress)
        self.index.invalidate()
        if report.added or report.updated or report.deleted:
            # the read view — BM25 postings, vectors, the sentence index (embedding every
            # unit's sentences) — is built now and cached on disk, so it counts as ingestion
            # and the first question after a restart does not wait for it
            t0 = time.perf_counter()
            self.index.snapshot()
            report.seconds += time.perf_counter() - t0
        return report

    def search(self, query: str, k: int = 5, kind: str | None = None) -> list[Passage]:
        return self.searcher.search(query, k=k, kind=kind)

    def answerability(
        self, question: str, passages: Sequence[Passage]
    ) -> tuple[float, tuple[str, ...]]:
        """The score ``ground`` compares with the refusal threshold (0 when nothing may
        support an answer), and the named things the index never mentions — a question
        about one scores 0, however close its passages look."""
        on_topic, absent, _ = self._screen(question, passages)
        return _decision_score(on_topic, absent, passages), absent

    def _screen(
        self, question: str, passages: Sequence[Passage]
    ) -> tuple[list[Passage], tuple[str, ...], tuple[ScopeExclusion, ...]]:
        """The passages that may support an answer at all.

        * Not another product's manual: the Platinum card's conversion fee is no answer
          about the Youth card's (such passages stay "possibly related").
        * Not a document that says it does not cover the subject ("大额存单另有专门规定，
          不适用本手册"); its border is quoted instead — and since the subject lives in a
          document of its own, only a passage that speaks of it can answer, not the
          next-closest rule about something else.
        """
        excluded = tuple(self.searcher.scope_exclusions(question))
        barred = {e.source for e in excluded}
        on_topic = [
            p for p in passages if not p.features.get("other_product") and p.source not in barred
        ]
        if excluded:
            on_topic = [p for p in on_topic if self._mentions(p, [e.subject for e in excluded])]
        # a question about a term of art (拨备覆盖率, "prepaid account") is answered only
        # from a passage that uses one of its names, not from the next-closest rule
        for names in self.searcher.terms_of_art(question):
            on_topic = [p for p in on_topic if self._speaks_of(p, names)]
        return on_topic, tuple(self.searcher.absent_names(question)), excluded

    def ground(self, question: str, kind: str | None = None) -> Grounding:
        """Retrieve and decide: grounded (with supporting passages) or refuse."""
        passages = self.search(question, k=8, kind=kind)
        on_topic, absent, excluded = self._screen(question, passages)
        conf = _decision_score(on_topic, absent, passages)
        if not on_topic or conf < self.threshold:
            return Grounding(passages[:3], conf, False, absent, excluded)
        top = on_topic[0]
        support = [top]
        for p in on_topic[1:]:
            # a second article joins when it is nearly as strong: multi-article answers
            if (
                len(support) < 3
                and p.score >= top.score - 0.06
                and confidence([p]) >= self.threshold
            ):
                support.append(p)
        # a question about two products ("青春卡和白金卡有什么区别") is answered for each:
        # every named product's best passage joins, if it could support an answer alone
        named = [p for p in on_topic if p.features.get("named_product") and p.product]
        for code in dict.fromkeys(p.product for p in named):
            if len(support) < 4 and not any(s.product == code for s in support):
                best = next(p for p in named if p.product == code)
                if confidence([best]) >= self.threshold:
                    support.append(best)
        return Grounding(support, conf, True, excluded=excluded)

    def answer(self, question: str, language: str | None = None) -> Answer:
        t0 = time.perf_counter()
        lang: Lang = (
            language
            if language in ("zh", "en")
            else detect_language(question, self.settings.language)
        )  # type: ignore[assignment]
        if self.is_empty():
            return _empty_index_answer(question, lang)
        grounding = self.ground(question)
        llm = self._llm_compose(question, lang, grounding.passages) if grounding.grounded else None
        if isinstance(llm, LLMVeto):
            # the model read the passages and found no answer: refuse, as a person would
            answer = _refusal(question, lang, replace(grounding, grounded=False))
            answer.result["checked_by_llm"] = True
        elif grounding.grounded:
            answer = self._grounded_answer(question, lang, grounding, llm)
        else:
            answer = _refusal(question, lang, grounding)
        answer.timings_ms["knowledge"] = round((time.perf_counter() - t0) * 1000, 1)
        return answer

    def _quote(self, p: Passage, question: str, limit: int, qa: QueryAnalysis | None = None) -> str:
        """The sentences to quote from ``p``: chosen from the best-matching window and its
        neighbours in the same article/section — the best window alone can be a section's
        short last list item ("产品无固定到期日，可持续持有。") while the sentence that
        answers sits in the window before it — by the question's words and its lexicon
        expansion, and by the kind of value it asks for."""
        texts = self.index.snapshot().texts_of(p.chunk_ids)
        if p.text in texts:
            i = texts.index(p.text)
            text = "\n".join(texts[max(0, i - 1) : i + 2])
        else:
            text = p.text
        analyzer = self.index.analyzer
        # the user's own words count fully, the lexicon's expansion by its (lower) weight:
        # "稳盈理财的风险等级" expands to 公募/开放式/固定收益类…, which describe the product's
        # first sentence, not the one stating its risk level
        qa = qa or self.searcher.analyse(question)  # an answer quotes several passages
        q_terms = dict(qa.weighted_terms)
        if p.language and p.language != qa.language:
            # an English question over a Chinese passage shares no word with it: the
            # lexicon's translations are all there is to choose the sentence by
            q_terms = dict.fromkeys(q_terms, 1.0)
        q_terms.update(dict.fromkeys(analyzer.terms(question), 1.0))
        return best_sentences(text, q_terms, analyzer.terms, limit, wanted=answer_type(question))

    def _speaks_of(self, p: Passage, names: Sequence[str]) -> bool:
        """The passage uses one of the names other than as one item of a list: "商业银行
        理财子公司、金融资产管理公司、信托公司…参照本办法执行" is about what the listed
        institutions share, not about 理财子公司 — nor inside another term's longer name: "the
        Federal Deposit Insurance Corporation" is not about deposit insurance."""
        text = self._unit_text(p)
        return any(
            not _listed(text, m.start(), m.end())
            for n in names
            for m in self.searcher.glossary.uses(text, n)
        )

    def _mentions(self, p: Passage, subjects: Sequence[str]) -> bool:
        text = self._unit_text(p)
        return any(s.lower() in text for s in subjects)

    def _unit_text(self, p: Passage) -> str:
        """The passage's whole article/section, lower-cased (its best window if it is gone)."""
        return "\n".join(self.index.snapshot().texts_of(p.chunk_ids) or [p.text]).lower()

    def method_note(self, question: str, lang: str) -> tuple[TextBlock, Citation] | None:
        """For a data question that also asks how to analyse it, the methodology passage
        that says how — quoted and cited, to go under the numbers; None when the notes do
        not confidently cover it (the numbers then stand alone, as before)."""
        if self.is_empty():
            return None
        g = self.ground(question, kind="methodology")
        if not g.grounded:
            return None
        p = g.passages[0]
        quote = self._quote(p, question, limit=2)
        zh = lang == "zh"
        intro = (
            "怎么分析，方法论是这样说的："
            if zh
            else "How to analyse it, per the methodology notes:"
        )
        line = _quoted_line(_label(p, "zh" if zh else "en"), quote, "zh" if zh else "en")
        return TextBlock(kind="paragraph", text=f"{intro}\n{line}"), _citation(0, p, quote)

    # ---------- composition ----------
    def _grounded_answer(
        self, question: str, lang: Lang, g: Grounding, llm_text: str | None = None
    ) -> Answer:
        citations: list[Citation] = []
        lines: list[str] = []
        qa = self.searcher.analyse(question)
        first = 4 if _ENUMERATION.search(question) else 2  # "哪些…": several items
        passages = list(g.passages)  # grows by one passage a quote refers to
        for n, p in enumerate(passages, start=1):
            referred = n > len(g.passages)  # the rest of the answer: two sentences
            limit = 2 if referred else (first if n == 1 else 1)
            quote = self._quote(p, question, limit=limit, qa=qa)
            citations.append(_citation(n, p, quote))
            lines.append(f"{_quoted_line(_label(p, lang), quote, lang)} [{n}]")
            if not referred and len(passages) == len(g.passages):
                # a rule quoted defers to another document ("按《催收行为管理办法》的
                # 规定保存"): what that document says is the rest of the answer (one)
                ref = self._referred_to(question, p, quote, passages)
                if ref is not None:
                    passages.append(ref)
        blocks = []
        intro = (
            "根据知识库中的文件："
            if lang == "zh"
            else "According to the documents in the knowledge base:"
        )
        blocks.append(TextBlock(kind="paragraph", text=intro + "\n" + "\n".join(lines)))
        other = [p for p in passages if p.language != lang]
        if other:
            blocks.append(
                TextBlock(kind="note", text=_other_language_note(lang, other[0].language))
            )
        wanted = answer_type(question)
        if wanted and not any(p.features.get("answer_type", 1.0) for p in g.passages):
            # the question asks "how much / how long" and no cited passage states one:
            # say so rather than let the quote pass for the number
            blocks.append(TextBlock(kind="warning", text=_no_value_note(lang, wanted)))
        if llm_text:  # phrased by the model from these passages; the quotes stay below it
            blocks.insert(0, TextBlock(kind="paragraph", text=llm_text))
        _add_exclusions(blocks, citations, g.excluded, lang)
        return Answer(
            question=question,
            language=lang,
            intent="knowledge",
            blocks=blocks,
            citations=citations,
            grounded=True,
            sources=list(dict.fromkeys(p.source for p in passages)),
            result={"confidence": round(g.confidence, 3), "out_of_scope": _borders(g)},
        )

    def _referred_to(
        self, question: str, p: Passage, quote: str, have: Sequence[Passage]
    ) -> Passage | None:
        """The passage of another indexed document that the quote defers to by its title
        (《示例银行公平信贷与定价政策》§ 3): that article when one is named, else that
        document's passage that best answers the question. None when the quote names no
        indexed document, or one already cited."""
        snap = self.index.snapshot()
        titles = snap.derived(
            "titles", lambda: {m.get("title", ""): m.get("source", "") for m in snap.meta}
        )
        cited = {c.source for c in have}
        refs = [(m.group(1), m.group(2)) for m in _REFERENCE.finditer(quote)]
        # "按定价政策 § 8 分级审批": a short name and an article, no 书名号
        refs += [
            (title, m.group(2))
            for m in _SHORT_REFERENCE.finditer(quote)
            if (title := _title_ending(m.group(1), titles)) is not None
        ]
        for title, article in refs:
            source = titles.get(title)
            if not source or source == p.source or source in cited:
                continue
            query = f"{question} 《{title}》{article or ''}"
            for found in self.search(query, k=10):
                if found.source == source and (
                    not article or found.section.startswith(normalize_label(article))
                ):
                    return found
        return None

    def _llm_compose(
        self, question: str, lang: Lang, passages: Sequence[Passage]
    ) -> str | LLMVeto | None:
        """Optional: an LLM phrases the answer strictly from the cited passages — or vetoes it.

        Returns the model's text (kept only if it cites the passages as [n]),
        :class:`LLMVeto` when the model says the passages do not answer the question
        (the retrieval score alone cannot always tell a loosely related article from an
        answer), or None when no model is configured or it fails: the extractive answer
        then stands on its own.
        """
        if not self.settings.llm_base_url or not self.settings.llm_model:
            return None
        try:
            import httpx

            context = "\n\n".join(
                f"[{i}] {p.title} {p.section}\n{p.text}" for i, p in enumerate(passages, 1)
            )
            system = (
                "You answer questions for bank staff strictly from the numbered passages. "
                "Cite the passages you use as [n]. Never add facts that are not in them. "
                f"If the passages do not answer the question, reply exactly {NOT_ANSWERED_TOKEN}. "
                + ("Answer in Chinese." if lang == "zh" else "Answer in English.")
            )
            key = self.settings.llm_api_key.get_secret_value() if self.settings.llm_api_key else ""
            resp = httpx.post(
                self.settings.llm_base_url.rstrip("/") + "/chat/completions",
                headers={"Authorization": f"Bearer {key}"} if key else {},
                json={
                    "model": self.settings.llm_model,
                    "temperature": 0,
                    "messages": [
                        {"role": "system", "content": system},
                        {"role": "user", "content": f"{context}\n\nQuestion: {question}"},
                    ],
                },
                timeout=30,
            )
            resp.raise_for_status()
            text = str(resp.json()["choices"][0]["message"]["content"]).strip()
        except Exception as exc:  # the extractive answer stands on its own
            log.warning("LLM composition failed, using the extractive answer: %s", exc)
            return None
        if NOT_ANSWERED_TOKEN in text:
            return LLMVeto()
        cited = {int(n) for n in re.findall(r"\[(\d+)\]", text)}
        if not cited or not cited <= set(range(1, len(passages) + 1)):
            log.warning("LLM answer without valid citations dropped: %r", text[:200])
            return None
        return text


def best_sentences(
    text: str,
    q_terms: Collection[str] | Mapping[str, float],
    tokenize: Callable[[str], list[str]],
    limit: int = 2,
    wanted: str | None = None,
) -> str:
    """The sentences of ``text`` that share most terms with the question, in text order.

    When the question asks for a duration or an amount (``wanted``, answer_types.py), a
    sentence stating one counts as much as a shared term: "房贷最长贷多少年" is answered by
    "贷款期限：20 年至 30 年", which shares no word with it, not by the amount range above.
    """
    stripped = (_plain(s) for s in _SENTENCE.findall(text))
    # overlapping windows repeat sentences: each is quoted once
    sentences = list(dict.fromkeys(s for s in stripped if s and not s.startswith("#")))
    if not sentences:
        return text.strip()[:300]
    q_weight = q_terms if isinstance(q_terms, Mapping) else dict.fromkeys(q_terms, 1.0)
    term_sets = [{t for t in tokenize(s) if t in q_weight} for s in sentences]
    # a shared word every sentence has (the product's name, 年费 all through 年费规则) says
    # nothing about which sentence answers: words count by their rarity among these
    # sentences, so "风险等级" finds "产品风险等级：R2" in a paragraph about 稳盈理财
    n = len(sentences)
    df: dict[str, int] = {}
    for terms in term_sets:
        for t in terms:
            df[t] = df.get(t, 0) + 1
    weight = {t: math.log(1.0 + n / d) / math.log(1.0 + n) if n > 1 else 1.0 for t, d in df.items()}
    scored = []
    for i, (s, terms) in enumerate(zip(sentences, term_sets, strict=True)):
        overlap = sum(weight[t] * q_weight[t] for t in terms)
        if wanted and holds_value(wanted, [s]):
            overlap += 1
        scored.append((overlap + (0.3 if i == 0 else 0.0), i))
    # ties go to the earlier sentence: a list is quoted from its first items, not its last
    keep = sorted(i for _, i in sorted(scored, key=lambda x: (-x[0], x[1]))[:limit])
    quote = "".join(
        sentences[i] if _is_zh(sentences[i]) else sentences[i] + " " for i in keep
    ).strip()
    return quote if len(quote) <= 600 else quote[:600] + "…"


_LIST_MARK = re.compile(r"^(?:[-*+•]|\d+[.)、])\s+")
_EMPHASIS = re.compile(r"\*\*|__|`")


def _plain(sentence: str) -> str:
    """A quote reads as text, not Markdown: no list marks, no bold, no code ticks."""
    s = _EMPHASIS.sub("", sentence.strip())
    s = _LIST_MARK.sub("", s)
    return "" if s in ("-", "*", "|") else s.strip()


def _is_zh(s: str) -> bool:
    return bool(_HAN.search(s))


#: A document named in a quote, and the article after it: 《…管理办法》, 《…政策》§ 3.
_REFERENCE = re.compile(rf"《([^《》]{{2,60}})》\s*({ARTICLE_LABEL})?")


#: A document's short name and an article: "定价政策 § 8", "催收办法第十九条".
_SHORT_REFERENCE = re.compile(
    r"([\u4e00-\u9fff]{2,30}?(?:政策|办法|制度|规定|指引|规则|细则))\s*"
    rf"({ARTICLE_LABEL})"
)


def _title_ending(words: str, titles: Mapping[str, str]) -> str | None:
    """The one indexed title that the end of ``words`` names ("…优惠按定价政策" →
    示例银行公平信贷与定价政策), trying the longest ending first; None if none or several."""
    for start in range(len(words) - 2):
        name = words[start:]
        found = [t for t in titles if name in t]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            return None
    return None


def _citation(n: int, p: Passage, quote: str) -> Citation:
    return Citation(
        n=n,
        source=p.source,
        title=p.title,
        section=p.section or None,
        quote=quote,
        kind=p.kind or None,
        score=round(p.score, 4),
    )


def _label(p: Passage, lang: Lang) -> str:
    return _label_of(p.title, p.section, lang)


def _label_of(title: str, section: str, lang: Lang) -> str:
    if lang == "zh" and _is_zh(title):
        return f"《{title}》{section}" if section else f"《{title}》"
    return f"{title}, {section}" if section else title


def _quoted_line(label: str, quote: str, lang: Lang) -> str:
    return f"{label}：“{quote}”" if lang == "zh" else f'{label}: "{quote}"'


def _no_value_note(lang: Lang, wanted: str) -> str:
    if lang == "zh":
        what = "期限或时长" if wanted == "duration" else "具体数字"
        return f"注意：以上引用的条文中没有写明{what}，请以原文和业务负责人的答复为准。"
    what = "a time limit or duration" if wanted == "duration" else "a figure"
    return (
        f"Note: the passages quoted above do not state {what}; check the source and the "
        "owner of the topic before relying on it."
    )


def _other_language_note(lang: Lang, source_lang: str) -> str:
    if lang == "zh":
        return (
            "注：出处原文为英文，以上为原文引用。"
            if source_lang == "en"
            else "注：出处原文为其他语言。"
        )
    return "Note: the source is in Chinese; the quotes above are in the original language."


def _refusal(question: str, lang: Lang, g: Grounding) -> Answer:
    related = [p for p in g.passages if p.score > 0][:3]
    kinds = [p.kind for p in related] or ["regulation"]
    owner_zh, owner_en = _OWNER_BY_KIND.get(
        kinds[0], ("对应业务的负责人", "the owner of the topic")
    )
    if lang == "zh":
        head = "抱歉，知识库中没有找到能回答这个问题的内容，我不作推测。"
        if g.absent:
            head += f"知识库的文件中没有提到：{'、'.join(g.absent)}。"
        ask = f"建议咨询{owner_zh}，或补充相关文件后再问。"
        rel = "可能相关（仅供参考，不构成答案）：" if related else ""
    else:
        head = "Sorry, I did not find this in the knowledge base, and I will not guess."
        if g.absent:
            head += f" The documents never mention: {', '.join(g.absent)}."
        ask = f"Please ask {owner_en}, or add the relevant documents and ask again."
        rel = "Possibly related (for reference only, not an answer):" if related else ""
    blocks = [TextBlock(kind="warning", text=head)]
    citations: list[Citation] = []
    _add_exclusions(blocks, citations, g.excluded, lang)  # the border first: it is the answer
    if related:
        lines = []
        for n, p in enumerate(related, start=len(citations) + 1):
            quote = p.text.strip().replace("\n", " ")
            quote = quote[:160] + ("…" if len(quote) > 160 else "")
            citations.append(_citation(n, p, quote))
            lines.append(f"[{n}] {_label(p, lang)}")
        blocks.append(TextBlock(kind="note", text=rel + "\n" + "\n".join(lines)))
    blocks.append(TextBlock(kind="paragraph", text=ask))
    suggestion = (
        Suggestion(label="换个说法再问", question=question)
        if lang == "zh"
        else Suggestion(label="Rephrase and ask again", question=question)
    )
    return Answer(
        question=question,
        language=lang,
        intent="knowledge",
        blocks=blocks,
        citations=citations,
        grounded=False,
        suggestions=[suggestion],
        sources=list(dict.fromkeys(p.source for p in related)),
        result={
            "confidence": round(g.confidence, 3),
            "possibly_related": len(related),
            "not_in_knowledge_base": list(g.absent),
            "out_of_scope": _borders(g),
        },
    )


def _borders(g: Grounding) -> list[dict[str, str]]:
    return [{"subject": e.subject, "source": e.source, "section": e.section} for e in g.excluded]


def _add_exclusions(
    blocks: list[TextBlock],
    citations: list[Citation],
    excluded: Sequence[ScopeExclusion],
    lang: Lang,
) -> None:
    """Quote, and cite, each document's statement that it does not cover the subject."""
    if not excluded:
        return
    lines = []
    for e in excluded:
        n = len(citations) + 1
        citations.append(
            Citation(
                n=n, source=e.source, title=e.title, section=e.section or None, quote=e.sentence
            )
        )
        label = _label_of(e.title, e.section, lang)
        lines.append(
            f"{label}写明：“{e.sentence}” [{n}]"
            if lang == "zh"
            else f'{label} says: "{e.sentence}" [{n}]'
        )
    head = (
        "注意，以下文件明确不涵盖所问内容："
        if lang == "zh"
        else "Note: these documents say they do not cover this:"
    )
    block = TextBlock(kind="note", text=head + "\n" + "\n".join(lines))
    blocks.append(block)


def _empty_index_answer(question: str, lang: Lang) -> Answer:
    text = (
        "知识库还是空的：请先运行 `bankpm init` 或 `bankpm ingest docs <路径>`。"
        if lang == "zh"
        else "The knowledge base is empty: run `bankpm init` or `bankpm ingest docs <path>` first."
    )
    return Answer(
        question=question,
        language=lang,
        intent="knowledge",
        blocks=[TextBlock(kind="warning", text=text)],
        grounded=False,
    )


def _catalog_concepts(settings: Settings) -> list[Concept]:
    """Each catalog member (product, segment, channel …) as a bilingual concept, so that
    "Youth card" finds 青春信用卡's manual and jieba keeps the names whole."""
    from bankpm_core.retrieval.lexicon import Concept

    path = settings.resolved_catalog_path
    if not path.exists():
        return []
    try:
        import yaml

        data: Any = yaml.safe_load(path.read_text("utf-8"))
    except Exception:
        return []
    concepts = []
    dimensions = data.get("dimensions", {}) if isinstance(data, dict) else {}
    for dim_name, dim in (dimensions or {}).items():
        members = dim.get("members", {}) if isinstance(dim, dict) else {}
        for code, names in (members or {}).items():
            if not isinstance(names, dict):
                continue
            zh = tuple(str(x) for x in names.get("zh", []) or [])
            en = tuple(str(x) for x in names.get("en", []) or [] if len(str(x)) > 3)
            if zh or en:
                concepts.append(Concept(id=f"catalog:{dim_name}:{code}", zh=zh, en=en))
    return concepts
