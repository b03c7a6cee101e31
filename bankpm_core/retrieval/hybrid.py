"""Hybrid retrieval: dense (Chroma) + BM25 (expanded query), fused per article/section.

Design choices, each against a failure of the plain setup:

* Fusion works on *units* (article / § section), not windows: a long US section
  split into windows is scored by its best window and cited once.
* Scores, not ranks, are fused. Rank fusion lets BM25's top ranks — full of
  same-language passages that merely share words — bury a cross-lingual article
  that dense search found; here BM25 is normalised *within each document language*,
  so each language's best lexical match competes on dense similarity and coverage.
* Coverage — the IDF-weighted share of the question's concepts a unit contains,
  where a concept matches in either language and any wording (lexicon) — rewards
  articles that answer the whole question, and is the backbone of the refusal score.
* Priors: official interpretations, appendices and model forms restate the rule;
  they rank below it unless the question asks for them. A document named in the
  question, or a jurisdiction cue (中国/央行 vs US/CFPB/Reg E), shifts the ranking.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from bankpm_core.retrieval.answer_types import answer_type
from bankpm_core.retrieval.entities import named_things
from bankpm_core.retrieval.glossary import Glossary, is_acronym
from bankpm_core.retrieval.index import KnowledgeIndex, Snapshot
from bankpm_core.retrieval.lexicon import Lexicon
from bankpm_core.retrieval.query import (
    PRODUCT_CONCEPT,
    QueryAnalysis,
    QueryUnit,
    analyse,
    jurisdiction_of,
)
from bankpm_core.retrieval.scope import ScopeExclusion, find_exclusions
from bankpm_core.retrieval.text import (
    ARTICLE_LABEL,
    TextAnalyzer,
    normalize_label,
    text_language,
    whole_word,
)
from bankpm_core.retrieval.thesaurus import Thesaurus
from bankpm_core.retrieval.types import SECONDARY_UNITS, Passage

PERMISSION_QUESTION = re.compile(
    r"能否|能不能|可不可以|可以.{0,12}吗|能.{0,12}吗|是否(?:可以|允许|能)|允许|"
    r"\b(?:can|may|could|is it (?:ok|allowed|permitted)|are we allowed|allowed to)\b",
    re.IGNORECASE,
)
"""A question about what is permitted: its answer is a rule (不得/仅可/must/may not)."""
INSTITUTION = re.compile(
    r"银行|机构|我们|我行|本行|公司|平台|\b(?:banks?|we|lenders?|creditors?|institutions?|"
    r"issuers?|companies|company)\b",
    re.IGNORECASE,
)
"""The one a permission question asks about is a bank (or "we"), not a product or customer."""
NORMATIVE = re.compile(
    r"不得|禁止|严禁|应当|必须|须|仅可|可以|不应|\b(?:must|shall|may not|prohibited|required)\b",
    re.IGNORECASE,
)
# a Chinese definitions article ("本办法所称…是指"); English "means" sections are left alone,
# since US definitions sections often are the answer
DEFINITIONAL = re.compile(r"(?:本办法|本制度|本规定|本细则)所称.{0,40}是指")
#: A chapter of penalties (法律责任, 罚则): its articles restate the rules they punish
#: ("违反本法第四十三条规定…"), so they answer what happens to a breach, not what is allowed.
LIABILITY_CHAPTER = re.compile(r"法律责任|罚则|\b(?:penalties|liability)\b", re.IGNORECASE)
CONSEQUENCE_QUESTION = re.compile(
    r"罚|处分|处理|处罚|惩|责任|后果|赔|追究|吊销|撤销|会怎[样么]|怎么办|违反|违规|违法|"
    r"\b(?:penalt|fine[sd]?\b|sanction|liab|compensat|damages|consequence|happens? if|violat|breach)",
    re.IGNORECASE,
)
#: A question about what is required — a deadline, a duty: its answer is a rule in a
#: policy, not the methodology note that defines how a related metric is measured
#: ("投诉多少天内必须答复" is 第十一条 of the complaint policy, not the resolution-time KPI).
OBLIGATION_QUESTION = re.compile(
    r"必须|务必|应当|应该在|要在|需要在|[多几][少长]?(?:天|日|小时|时间|个?工作日|个?月)内|期限|时限|"
    r"\b(?:must|have to|has to|required|deadline|within how)\b",
    re.IGNORECASE,
)
DEFINITION_QUESTION = re.compile(
    r"是什么|什么是|定义|含义|指的是|什么意思|\b(?:what is|what are|define|definition|meaning)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SearchConfig:
    dense_k: int = 80
    lexical_k: int = 80
    pool: int = 60  # units scored in full
    w_dense: float = 1.0
    w_lex: float = 0.25
    w_cov: float = 0.45
    secondary_penalty: float = 0.25
    preamble_penalty: float = 0.25
    jurisdiction_bonus: float = 0.5  # the question names China / the US: near-filter
    # no cue: a question is about its own language's rules (a Chinese PM asking about US
    # rules says 美国…); nearly as strong as a named jurisdiction. For external law only:
    # the bank's own documents (front matter names an owner) bind it in any language —
    # an English question about the Chinese card manual is still about that manual
    same_language_bonus: float = 0.4
    title_bonus: float = 0.1
    heading_bonus: float = 0.15  # share of the question found in the unit's own heading
    product_bonus: float = 0.25  # the question names a catalog product the document is about
    # question type vs passage type: "may we …?" is answered by a rule, not by a definition
    normative_bonus: float = 0.12
    definition_penalty: float = 0.15
    # an article of a penalties chapter, for a question that asks no consequence: it
    # restates the rule it punishes, and the rule is the answer (LIABILITY_CHAPTER)
    liability_penalty: float = 0.15
    # a methodology note, for a question about what is required (OBLIGATION_QUESTION)
    methodology_penalty: float = 0.25
    # the question asks for a value (多少天, "how long"): a unit that states none of that kind
    answer_type_penalty: float = 0.2
    jurisdiction_dense_query: bool = False  # filtered ANN query is slow on big indexes
    expanded_query: bool = True  # second dense query enriched with the concepts' statutory terms
    cross_neutral: float = 0.35  # credit for untranslatable words in another-language unit
    # dense similarity is discounted by a unit's within-document hubness (index.unit_hubness):
    # an overview section must not answer every question about its document
    hub_penalty: float = 0.2
    thesaurus: bool = True  # expand leftover Chinese words with their Cilin synonyms
    # the question cites the article by its label ("催收管理办法第七条", "§ 8 of the policy"):
    # a lookup, not a search — the title bonus then picks among documents with that label
    citation_bonus: float = 0.6
    # below this many chunks, dense candidates come from an exact scan of the snapshot's
    # vectors (a few ms at 20k chunks) rather than Chroma's HNSW query: the ANN returned a
    # different top-80 for 1 question in 10 from one process to the next, so the same
    # question could be answered differently after a restart. Above it, Chroma's index.
    exact_dense_max_rows: int = 200_000
    # the mean similarity of the unit's two sentences closest to the question (the user's own
    # words): a long article states several rules and its embedding blurs them; the question
    # is about one. Chosen on the tuning set (weights 0.2–1.0, max or mean of the best two)
    sentence_weight: float = 0.4


class HybridSearcher:
    def __init__(
        self,
        index: KnowledgeIndex,
        lexicon: Lexicon,
        config: SearchConfig | None = None,
        glossary: Glossary | None = None,
    ) -> None:
        self.index = index
        self.lexicon = lexicon
        self.config = config or SearchConfig()
        self.glossary = glossary or Glossary.bundled()
        self._thesaurus: Thesaurus | None = None  # loaded on first use (~0.8 s)

    def analyse(self, query: str) -> QueryAnalysis:
        snap = self.index.snapshot()
        return self._analyse(snap, query)

    def _analyse(self, snap: Snapshot, query: str) -> QueryAnalysis:
        return analyse(
            query,
            self.index.analyzer,
            self.lexicon,
            snap.bm25.term_idf,
            thesaurus=self.thesaurus,
            known=lambda t: snap.bm25.term_id(t) is not None,
        )

    @property
    def thesaurus(self) -> Thesaurus:
        if self._thesaurus is None:
            self._thesaurus = Thesaurus.cilin() if self.config.thesaurus else Thesaurus.empty()
        return self._thesaurus

    def warm_up(self) -> None:
        """Load what the first question would otherwise wait for: the thesaurus, the
        part-of-speech tagger, the index snapshot (with the text named things are looked
        up in) and the embedding model."""
        _ = self.thesaurus
        named_things("助学贷款")
        _lower_text(self.index.snapshot())
        _scope_exclusions(self.index.snapshot())
        self.index.embedder.embed(["warm-up"])

    def scope_exclusions(self, query: str | None = None) -> list[ScopeExclusion]:
        """Subjects the question names that an indexed document says it does not cover
        (retrieval/scope.py): that document cannot answer it, its border can be quoted.
        Without a question: every such border in the index (`bankpm knowledge status`)."""
        found = _scope_exclusions(self.index.snapshot())
        return [e for e in found if query is None or e.named_in(query)]

    def absent_names(self, query: str) -> list[str]:
        """Named things in the question (entities.named_things) the index never mentions,
        by that name or by another name of the same term of art (glossary.yaml) or lexicon
        concept: a question about them cannot be answered here.

        Another name counts in the languages the question is about: its own and the
        jurisdiction it names. "存款保险最多赔多少" over Chinese laws that never mention
        存款保险 is not answered because US rules speak of "deposit insurance"; "Does the
        PBOC cap collection calls?" is about China, so 中国人民银行 counts for PBOC. The
        bank's own documents bind in any language: "down payment" finds the manual's 首付."""
        names = named_things(query, self._terms_count(query), self.glossary)
        if not names:
            return []
        snap = self.index.snapshot()
        langs = {text_language(query), jurisdiction_of(query)}

        def occurs(name: str, owned_only: bool = False) -> bool:
            if is_acronym(name):  # as written: "CARD" is no "card"
                cased = _cased_text(snap, owned_only)
                return _acronym_used(cased, name) or _acronym_used(cased, name.rstrip("s"))
            # as a word, and not only inside another term's longer name: "deposit insurance"
            # in "Federal Deposit Insurance Corporation" names the agency
            corpus, name = _lower_text(snap, owned_only), name.lower()
            return self.glossary.used(corpus, name) or self.glossary.used(corpus, name.rstrip("s"))

        def mentioned(name: str) -> bool:
            if occurs(name):
                return True
            others = [
                *self.glossary.synonyms(name),
                *(
                    o
                    for c in self.lexicon.concepts_with(name)
                    # an acronym is a member as written: CARD is no "card"
                    if not is_acronym(name) or name in (*c.zh, *c.en)
                    for o in (*c.zh, *c.en)
                ),
            ]
            # another language's name counts in the bank's own documents, which bind in
            # any language, and in external texts only where the question is about them
            return any(
                occurs(o, owned_only=("en" if o.isascii() else "zh") not in langs)
                for o in others
                if o != name
            )

        return [n for n in names if not mentioned(n)]

    def terms_of_art(self, query: str) -> list[tuple[str, ...]]:
        """The terms of art the question is about (retrieval/glossary.py), each as all its
        names: an answer must come from a passage that uses one of them."""
        if not self._terms_count(query):
            return []
        return [self.glossary.synonyms(t) for t in self.glossary.terms(query)]

    @staticmethod
    def _terms_count(query: str) -> bool:
        # "may a bank trade futures?" is answered by the list of what a bank may do, which
        # need not name futures: a term of art counts only in other questions ("房贷可以
        # 转按揭吗" asks about the loan, whose manual would have to say so)
        return not (PERMISSION_QUESTION.search(query) and INSTITUTION.search(query))

    def _heading_coverage(
        self, snap: Snapshot, u: int, qa: QueryAnalysis, unit_ids: list[list[list[int]]]
    ) -> float:
        return _heading_share(_heading_terms(snap, u, self.index.analyzer), qa, unit_ids)

    def search(self, query: str, k: int = 5, kind: str | None = None) -> list[Passage]:
        snap = self.index.snapshot()
        if not snap.ids or not query.strip():
            return []
        qa = self._analyse(snap, query)
        cfg = self.config
        allowed = _kind_mask(snap, kind)

        lex_scores = snap.bm25.score(_lexical_query(snap, qa))
        if allowed is not None:
            lex_scores = np.where(allowed, lex_scores, 0.0)
        # lexical candidates per document language: for the other language only the
        # lexicon's translations can match, and those must not be crowded out
        lex_parts = []
        for lang_mask in _language_masks(snap).values():
            part = _top(np.where(lang_mask, lex_scores, 0.0), cfg.lexical_k // 2)
            lex_parts.append(part[lex_scores[part] > 0])
        lex_top = np.concatenate(lex_parts) if lex_parts else np.zeros(0, dtype=np.int64)
        lex_top = lex_top[np.argsort(-lex_scores[lex_top], kind="stable")]

        texts = [query]
        if cfg.expanded_query and qa.concepts:
            texts.append(query + " " + " ".join(_hint_terms(snap, qa)))
        qvecs = self.index.embedder.embed(texts)
        where = {"kind": kind} if kind else None
        dense_sim: dict[int, float] = {}  # best over the plain and the expanded query
        plain_sim: dict[int, float] = {}  # the user's words only (used by the refusal score)
        searches = [(qvec, where, i == 0) for i, qvec in enumerate(qvecs)]
        if cfg.jurisdiction_dense_query and qa.jurisdiction and qa.jurisdiction != qa.language:
            # the question asks about the other language's rules: search those directly too
            lang_where = {"language": qa.jurisdiction}
            searches.append(
                (qvecs[0], {"$and": [where, lang_where]} if where else lang_where, True)
            )
        exact = snap.vectors is not None and len(snap.ids) <= cfg.exact_dense_max_rows
        for qvec, clause, plain in searches:
            if exact:
                hits = _exact_top(snap, qvec, min(cfg.dense_k, len(snap.ids)), clause)
            else:
                hits = self.index.store.query(qvec, min(cfg.dense_k, len(snap.ids)), clause)
            for cid, sim in hits:
                row = snap.row_of.get(cid)
                if row is not None:
                    dense_sim[row] = max(dense_sim.get(row, -1.0), sim)
                    if plain:
                        plain_sim[row] = max(plain_sim.get(row, -1.0), sim)

        # ranks per retriever (unit level) for the agreement feature
        dense_unit_rank = _unit_ranks(snap, sorted(dense_sim, key=dense_sim.get, reverse=True))
        lex_unit_rank = _unit_ranks(snap, list(lex_top))

        units = list(dict.fromkeys([*dense_unit_rank, *lex_unit_rank]))
        # keep the pool bounded: best of each retriever first
        units = sorted(
            units, key=lambda u: min(dense_unit_rank.get(u, 999), lex_unit_rank.get(u, 999))
        )
        units = units[: cfg.pool]
        # an article the question cites ("第七条", "§ 8") is looked up, found or not
        cited = [
            u
            for u in _cited_units(snap, query)
            if allowed is None or any(allowed[r] for r in snap.unit_chunks[u])
        ]
        # with the document named too ("个人信息保护管理办法第十五条"), only its article
        named = [u for u in cited if _unit_title_named(snap, u, query)]
        cited = named or cited
        units += [u for u in cited if u not in units]
        # an official interpretation's evidence also speaks for the rule it interprets
        interprets = _interpretation_links(snap, units)
        units += [rule for rule in interprets if rule not in units]

        # exact dense similarity of every window of every candidate unit, from the snapshot's
        # copy of the vectors: the plain query's (the refusal score reads the user's own
        # words) and the best of plain and expanded — whatever windows the ANN query returned
        if snap.vectors is not None and snap.has_vector is not None:
            rows = [r for u in units for r in snap.unit_chunks[u] if snap.has_vector[r]]
            if rows:
                sims = snap.vectors[rows] @ np.asarray(qvecs, dtype=np.float32).T
                for r, row_sims in zip(rows, sims, strict=True):
                    dense_sim[r] = max(dense_sim.get(r, -1.0), float(row_sims.max()))
                    plain_sim[r] = float(row_sims[0])

        unit_lang = {u: snap.meta[snap.unit_chunks[u][0]].get("language", "zh") for u in units}
        unit_lex = {u: float(max(lex_scores[r] for r in snap.unit_chunks[u])) for u in units}
        group_max: dict[str, float] = {}
        for u in units:
            group_max[unit_lang[u]] = max(group_max.get(unit_lang[u], 0.0), unit_lex[u])
        global_max = max(group_max.values(), default=0.0)

        unit_ids = _unit_term_ids(snap, qa)
        sentence_sim = _sentence_similarity(snap, qvecs[0], units, plain_sim)
        feats: dict[int, dict[str, float]] = {}
        for u in units:
            rows = snap.unit_chunks[u]
            lang = unit_lang[u]
            denom = max(group_max.get(lang, 0.0), 0.3 * global_max, 1e-6)
            # coverage is judged on the unit's best windows, so a long section does not
            # "cover" a question merely by being long
            best_rows = sorted(
                rows, key=lambda r: -(dense_sim.get(r, 0.0) + lex_scores[r] / max(global_max, 1e-6))
            )[:2]
            cov, missing = _coverage(snap, best_rows, qa, unit_ids, lang, cfg.cross_neutral)
            feats[u] = {
                "dense": max((dense_sim[r] for r in rows if r in dense_sim), default=0.0)
                - cfg.hub_penalty * float(snap.hub[u]),
                "dense_plain": max((plain_sim[r] for r in rows if r in plain_sim), default=0.0),
                "lex": unit_lex[u] / denom,
                "coverage": cov,
                "missing": missing,
                "dense_rank": float(dense_unit_rank.get(u, 999)),
                "lex_rank": float(lex_unit_rank.get(u, 999)),
                "sentence": sentence_sim.get(u, 0.0),
            }
        for rule, comments in interprets.items():
            f = feats[rule]
            for c in comments:
                g = feats[c]
                for key in ("dense", "dense_plain", "lex", "coverage"):
                    f[key] = max(f[key], g[key])
                for key in ("missing", "dense_rank", "lex_rank"):
                    f[key] = min(f[key], g[key])

        products = {
            c.id.removeprefix(PRODUCT_CONCEPT)
            for c in qa.concepts
            if c.id.startswith(PRODUCT_CONCEPT)
        }
        permission = bool(PERMISSION_QUESTION.search(query))
        wants_definition = bool(DEFINITION_QUESTION.search(query))
        asks_consequence = bool(CONSEQUENCE_QUESTION.search(query))
        asks_obligation = bool(OBLIGATION_QUESTION.search(query))
        wanted = answer_type(query)
        passages = []
        for u in units:
            rows = snap.unit_chunks[u]
            head = snap.meta[rows[0]]
            f = feats[u]
            lang = unit_lang[u]
            unit_type = head.get("unit_type", "section")
            prior = 0.0
            if unit_type in SECONDARY_UNITS and not qa.asks_secondary:
                prior -= cfg.preamble_penalty if unit_type == "preamble" else cfg.secondary_penalty
            if qa.jurisdiction:
                prior += cfg.jurisdiction_bonus if lang == qa.jurisdiction else 0.0
            elif lang == qa.language or head.get("owner"):
                prior += cfg.same_language_bonus
            if _unit_title_named(snap, u, query):
                prior += cfg.title_bonus
            if products and head.get("product") in products:
                prior += cfg.product_bonus
                f = {**f, "named_product": 1.0}
            if permission and NORMATIVE.search(snap.texts[rows[0]]):
                prior += cfg.normative_bonus
            if not wants_definition and DEFINITIONAL.search(snap.texts[rows[0]]):
                prior -= cfg.definition_penalty
            if not asks_consequence and LIABILITY_CHAPTER.search(head.get("chapter", "")):
                prior -= cfg.liability_penalty
            if asks_obligation and head.get("kind") == "methodology":
                prior -= cfg.methodology_penalty
            if wanted and not snap.states_value(u, wanted):
                prior -= cfg.answer_type_penalty
            heading_cov = self._heading_coverage(snap, u, qa, unit_ids)
            prior += cfg.heading_bonus * heading_cov
            if u in cited:
                prior += cfg.citation_bonus
            # the retrieval evidence the refusal weights were fitted on (confidence "fused"):
            # without the priors and without the sentence term, which only ranks
            evidence = cfg.w_dense * f["dense"] + cfg.w_lex * f["lex"] + cfg.w_cov * f["coverage"]
            score = evidence + cfg.sentence_weight * f["sentence"] + prior
            best_row = max(
                rows,
                key=lambda r: dense_sim.get(r, -1.0) + 0.02 * lex_scores[r] / max(global_max, 1e-6),
            )
            if products and head.get("product") and head.get("product") not in products:
                # another product's manual: its facts are not this product's (read by ground)
                f = {**f, "other_product": 1.0}
            passages.append(
                Passage(
                    source=head.get("source", ""),
                    section=head.get("section", ""),
                    title=head.get("title", ""),
                    text=snap.texts[best_row],
                    score=score,
                    kind=head.get("kind", ""),
                    chapter=head.get("chapter", ""),
                    unit_type=unit_type,
                    language=lang,
                    chunk_ids=[snap.ids[r] for r in rows],
                    features={
                        **f,
                        "prior": prior,
                        "evidence": evidence,
                        "unit": float(u),
                    },
                    product=head.get("product", ""),
                )
            )
        oov = _oov_share(snap, qa)
        passages.sort(key=lambda p: p.score, reverse=True)
        passages = passages[:k]
        for p in passages:
            p.features["oov"] = oov
            p.features["answer_type"] = (
                1.0 if wanted is None or snap.states_value(int(p.features["unit"]), wanted) else 0.0
            )
        return passages


def _lower_text(snap: Snapshot, owned_only: bool = False) -> str:
    """The whole index (or the bank's own documents: front matter names an owner) as one
    lower-cased text, where named things are looked up."""
    name = "owned_lower_text" if owned_only else "lower_text"
    return snap.derived(name, lambda: _joined(snap, owned_only).lower())


def _cased_text(snap: Snapshot, owned_only: bool = False) -> str:
    """The same, as written: acronyms are looked up here (built on first use)."""
    return snap.derived("owned_text" if owned_only else "text", lambda: _joined(snap, owned_only))


def _joined(snap: Snapshot, owned_only: bool) -> str:
    if owned_only:
        return "\n".join(t for t, m in zip(snap.texts, snap.meta, strict=True) if m.get("owner"))
    return "\n".join(snap.texts)


def _acronym_used(text: str, acronym: str, context: int = 15) -> bool:
    """``acronym`` occurs as a word in running text — not only in a line set in capitals
    ("USE YOUR [NAME OF CARD] CARD" in a model form is no mention of the CARD Act)."""
    if acronym not in text:
        return False
    for m in whole_word(acronym).finditer(text):
        around = text[max(0, m.start() - context) : m.end() + context]
        if re.search(r"[a-z\u4e00-\u9fff]", around):
            return True
    return False


_ARTICLE_REF = re.compile(ARTICLE_LABEL)  # anywhere in a question
_LABEL_HEAD = re.compile(rf"^(?:{ARTICLE_LABEL})")  # the label that opens a section name


def _cited_units(snap: Snapshot, query: str) -> list[int]:
    """Units whose article/section label the question cites (第七条, § 8, § 1002.9)."""
    refs = [normalize_label(m.group(0)) for m in _ARTICLE_REF.finditer(query)]
    if not refs:
        return []
    by_label = snap.derived("units_by_label", lambda: _units_by_label(snap))
    return [u for ref in dict.fromkeys(refs) for u in by_label.get(ref, [])]


def _units_by_label(snap: Snapshot) -> dict[str, list[int]]:
    by_label: dict[str, list[int]] = {}
    for u, rows in enumerate(snap.unit_chunks):
        m = _LABEL_HEAD.match(snap.meta[rows[0]].get("section", ""))
        if m:
            by_label.setdefault(normalize_label(m.group(0)), []).append(u)
    return by_label


def _unit_title_named(snap: Snapshot, u: int, query: str) -> bool:
    head = snap.meta[snap.unit_chunks[u][0]]
    return _title_named(head.get("title", ""), query) or _title_named(
        head.get("title_en", ""), query
    )


def _scope_exclusions(snap: Snapshot) -> list[ScopeExclusion]:
    """Every scope exclusion in the index, found once per snapshot."""
    units = (
        (snap.meta[rows[0]], "\n".join(snap.texts[r] for r in rows)) for rows in snap.unit_chunks
    )
    return snap.derived("scope_exclusions", lambda: find_exclusions(units))


def _oov_share(snap: Snapshot, qa: QueryAnalysis) -> float:
    """Share of the question's weight carried by words that occur nowhere in the index."""
    total = sum(max(u.weight, 0.1) for u in qa.units)
    if not total:
        return 0.0
    missing = sum(
        max(u.weight, 0.1)
        for u in qa.units
        if not u.concept and snap.bm25.term_id(u.label) is None and len(u.terms) == 1
    )
    return missing / total


def _heading_share(heading: set[int], qa: QueryAnalysis, unit_ids: list[list[list[int]]]) -> float:
    """Weighted share of the question's units named in a heading ("年费规则" for 年费)."""
    if not heading or not qa.units:
        return 0.0
    total = got = 0.0
    for unit, alternatives in zip(qa.units, unit_ids, strict=True):
        w = max(unit.weight, 0.1)
        total += w
        if any(all(i in heading for i in ids) for ids in alternatives):
            got += w
    return got / total if total else 0.0


def _hint_terms(snap: Snapshot, qa: QueryAnalysis) -> list[str]:
    """Statutory wording of the matched concepts, in both languages, for the dense query —
    not of a named product's kind, found inside its name (see _lexical_query)."""
    skip = qa.name_parts if _manual_named(snap, qa) else frozenset()
    out: list[str] = []
    for concept in qa.concepts:
        if concept.id in skip:
            continue
        out.extend(concept.zh[:2])
        out.extend(concept.en[:1])
    return list(dict.fromkeys(out))


_INTERP_SECTION = re.compile(r"Section (\d+\.\d+[a-z]?)$")


def _heading_terms(snap: Snapshot, u: int, analyzer: TextAnalyzer) -> set[int]:
    cache: dict[int, set[int]] = snap.derived("heading_terms", dict)
    got = cache.get(u)
    if got is None:
        meta = snap.meta[snap.unit_chunks[u][0]]
        label = meta.get("heading") or meta.get("section", "")
        ids = (snap.bm25.term_id(t) for t in analyzer.terms(label))
        got = {i for i in ids if i is not None}
        cache[u] = got
    return got


def _interpretation_links(snap: Snapshot, units: list[int]) -> dict[int, list[int]]:
    """Rule unit (§ X) -> its official-interpretation units (Supplement I, Section X) in the pool."""

    def build() -> dict[tuple[str, str, str], int]:
        keys = (snap.meta[rows[0]] for rows in snap.unit_chunks)
        return {
            (m.get("source", ""), m.get("section", ""), m.get("unit_type", "")): u
            for u, m in enumerate(keys)
        }

    index = snap.derived("unit_index", build)
    links: dict[int, list[int]] = {}
    for u in units:
        m = snap.meta[snap.unit_chunks[u][0]]
        if m.get("unit_type") != "interpretation":
            continue
        hit = _INTERP_SECTION.search(m.get("section", ""))
        if not hit:
            continue
        rule = index.get((m.get("source", ""), f"§ {hit.group(1)}", "section"))
        if rule is not None:
            links.setdefault(rule, []).append(u)
    return links


def _language_masks(snap: Snapshot) -> dict[str, np.ndarray]:
    def build() -> dict[str, np.ndarray]:
        langs = np.array([m.get("language", "zh") for m in snap.meta])
        return {lang: langs == lang for lang in np.unique(langs).tolist()}

    return snap.derived("language_masks", build)


def _kind_mask(snap: Snapshot, kind: str | None) -> np.ndarray | None:
    if not kind:
        return None
    return np.fromiter((m.get("kind") == kind for m in snap.meta), dtype=bool, count=len(snap.meta))


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    if scores.size == 0:
        return np.zeros(0, dtype=np.int64)
    k = min(k, scores.size)
    idx = np.argpartition(-scores, k - 1)[:k]
    return idx[np.argsort(-scores[idx], kind="stable")]


def _sentence_similarity(
    snap: Snapshot, qvec: np.ndarray, units: list[int], plain_sim: dict[int, float]
) -> dict[int, float]:
    """Per candidate unit, the mean similarity of its two sentences closest to ``qvec``
    (the one sentence's, for a unit of one). A unit without indexed sentences (an
    interpretation, appendix or model form) reads its whole-passage similarity to the
    same words (``plain_sim``, per chunk row). Empty without a sentence index."""
    vectors, offsets = snap.sentence_vectors, snap.sentence_offsets
    if vectors is None or offsets is None:
        return {}
    q = np.asarray(qvec, dtype=np.float32)
    out: dict[int, float] = {}
    for u in units:
        lo, hi = int(offsets[u]), int(offsets[u + 1])
        if hi > lo:
            out[u] = float(np.sort(vectors[lo:hi] @ q)[-2:].mean())
        else:
            rows = snap.unit_chunks[u]
            out[u] = max((plain_sim[r] for r in rows if r in plain_sim), default=0.0)
    return out


def _manual_named(snap: Snapshot, qa: QueryAnalysis) -> QueryUnit | None:
    """The one catalog product the question names, when its manual is indexed."""
    named = [u for u in qa.units if u.label.startswith(PRODUCT_CONCEPT)]
    if len(named) != 1:
        return None
    manuals = snap.derived(
        "products", lambda: {m["product"] for m in snap.meta if m.get("product")}
    )
    return named[0] if named[0].label.removeprefix(PRODUCT_CONCEPT) in manuals else None


def _lexical_query(snap: Snapshot, qa: QueryAnalysis) -> dict[str, float]:
    """The BM25 query: the question's weighted terms, less the name of the one catalog
    product it names when that product's manual is indexed.

    The name picks the manual (product_bonus); all over the manual's overview, it must not
    also pick the section — BM25 over "青春卡 … minimum age" ranked the overview above
    申请条件 on the name alone. Over laws alone "房贷" is a topic, so it stays; comparing
    two products, the names weigh the two manuals' sections against each other, and each
    must stand on its own (KnowledgeBase.ground)."""
    product = _manual_named(snap, qa)
    if product is None:
        return qa.weighted_terms
    name_terms = {t for alternative in product.terms for t in alternative}
    # so is the product's kind, found inside its name (理财 in 稳盈理财): the overview
    # says what kind of product it is, and the question asks something else of it
    kind_terms = {
        t
        for u in qa.units
        if u.label in qa.name_parts
        for alternative in u.terms
        for t in alternative
    }
    kept = {
        t
        for u in qa.units
        if u.label not in qa.name_parts and u is not product
        for alternative in u.terms
        for t in alternative
    }
    drop = name_terms | (kind_terms - kept)
    rest = {t: w for t, w in qa.weighted_terms.items() if t not in drop}
    return rest or qa.weighted_terms


def _exact_top(
    snap: Snapshot, qvec: np.ndarray, k: int, where: dict | None
) -> list[tuple[str, float]]:
    """The k chunks most similar to ``qvec`` (cosine; vectors are unit length), exactly,
    honouring the same metadata filters the Chroma query takes (kind, language)."""
    assert snap.vectors is not None and snap.has_vector is not None
    sims = snap.vectors @ np.asarray(qvec, dtype=np.float32)
    mask = snap.has_vector.copy()
    for key, value in _where_items(where):
        mask &= snap.derived(
            f"where_{key}={value}",
            lambda key=key, value=value: np.array(
                [m.get(key) == value for m in snap.meta], dtype=bool
            ),
        )
    sims = np.where(mask, sims, -np.inf)
    top = _top(sims, k)
    return [(snap.ids[r], float(sims[r])) for r in top if np.isfinite(sims[r])]


def _where_items(where: dict | None) -> list[tuple[str, str]]:
    """A Chroma ``where`` of equalities (optionally under "$and") as (key, value) pairs."""
    if not where:
        return []
    if "$and" in where:
        return [item for clause in where["$and"] for item in _where_items(clause)]
    return [(k, v) for k, v in where.items()]


def _unit_ranks(snap: Snapshot, rows: Iterable[int]) -> dict[int, int]:
    ranks: dict[int, int] = {}
    for r in rows:
        u = int(snap.unit_of[r])
        if u not in ranks:
            ranks[u] = len(ranks)
    return ranks


def _unit_term_ids(snap: Snapshot, qa: QueryAnalysis) -> list[list[list[int]]]:
    """Per query unit, its alternatives as index term ids (alternatives with unknown terms dropped)."""
    out = []
    for unit in qa.units:
        alts = []
        for alternative in unit.terms:
            ids = [snap.bm25.term_id(t) for t in alternative]
            if ids and all(i is not None for i in ids):
                alts.append(ids)
        out.append(alts)
    return out


def _coverage(
    snap: Snapshot,
    rows: list[int],
    qa: QueryAnalysis,
    unit_ids: list[list[list[int]]],
    lang: str,
    neutral: float,
) -> tuple[float, float]:
    """IDF-weighted share of the question's units (concepts / words) found in the unit,
    and the weight of the most specific unit it misses (0 = misses nothing important)."""
    if not qa.units:
        return 0.0, 0.0
    bm = snap.bm25
    present: set[int] = set()
    for r in rows:
        present.update(bm.doc_term_ids(r).tolist())
    total = got = 0.0
    worst_missing = 0.0
    cross = lang != qa.language
    scale = float(np.log(1.0 + bm.n_docs + 0.5)) or 1.0
    for unit, alternatives in zip(qa.units, unit_ids, strict=True):
        w = max(unit.weight, 0.1)
        total += w
        if any(all(i in present for i in ids) for ids in alternatives):
            got += w
        elif cross and not unit.concept:
            got += neutral * w
        else:
            worst_missing = max(worst_missing, w / scale)
    return (got / total if total else 0.0), worst_missing


_OWN_BANK_PREFIX = re.compile(
    r"^.{1,6}?银行([\u4e00-\u9fff].{3,})$|^[A-Z][\w.]*(?: [A-Z][\w.]*)? Bank (\w+ \w+.*)$"
)
_TITLE_NOISE = re.compile(r"^中华人民共和国|^12 CFR Part \d+ — |\(.*?\)|（.*?）")


def _title_named(title: str, query: str) -> bool:
    """The question names this document (e.g. '个人信息保护法', 'Regulation E')."""
    if not title:
        return False
    core = _TITLE_NOISE.sub("", title).strip()
    if len(core) >= 4 and core.lower() in query.lower():
        return True
    # the bank's own documents are named without the bank: "个人信息保护管理办法" for
    # 示例银行个人信息保护管理办法, "Customer Data Policy" for Example Bank Customer Data Policy
    own = _OWN_BANK_PREFIX.match(core)
    if own and (own.group(1) or own.group(2)).lower() in query.lower():
        return True
    m = re.search(r"Regulation\s+([A-Z]{1,2})\b", title)
    if m and re.search(rf"\bReg(?:ulation)?\.?\s+{m.group(1)}\b", query):
        return True
    m = re.search(r"Part (\d{4})", title)
    return bool(m and m.group(1) in query)
