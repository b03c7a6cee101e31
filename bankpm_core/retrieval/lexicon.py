"""A bilingual concept lexicon: everyday wording ↔ statutory wording, 中文 ↔ English.

A PM types "催收时能找借款人同事吗"; the article says "不得向…无关的第三人…". Each
concept in ``lexicon.yaml`` groups the ways people and statutes name one idea, in
both languages. A question that mentions any member of a concept is expanded with
the others (at a lower weight than the user's own words), which bridges vocabulary
for BM25 and gives cross-lingual questions lexical evidence too. The lexicon is data:
a bank extends it with its own jargon without touching code.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

from bankpm_core.retrieval.text import CJK_RE, EN_STOPWORDS, TextAnalyzer, join_letter_pairs


@dataclass(frozen=True)
class Concept:
    id: str
    zh: tuple[str, ...]
    en: tuple[str, ...]
    hint: str = ""  # a short statutory phrase used to enrich the dense query

    @property
    def terms(self) -> tuple[str, ...]:
        return self.zh + self.en


@dataclass(frozen=True)
class Expansion:
    """What the lexicon added to a query."""

    concepts: tuple[Concept, ...]
    terms: dict[str, float]  # index term -> weight (expansion only)

    def describe(self) -> list[str]:
        return [c.id for c in self.concepts]


class Lexicon:
    def __init__(self, concepts: Iterable[Concept]) -> None:
        self.concepts = tuple(concepts)
        self._stem_cache: dict[str, frozenset[str]] = {}
        self._tokens: dict[str, list[str]] = {}
        self._by_member: dict[str, list[Concept]] = {}
        for c in self.concepts:
            for t in dict.fromkeys(m.lower() for m in c.terms):
                self._by_member.setdefault(t, []).append(c)
        self._match_index: _MatchIndex | None = None

    @classmethod
    def load(cls, path: Path | None = None) -> Lexicon:
        if path is None:
            text = (
                resources.files("bankpm_core.retrieval").joinpath("lexicon.yaml").read_text("utf-8")
            )
        else:
            text = path.read_text("utf-8")
        raw = yaml.safe_load(text) or {}
        concepts = []
        for cid, body in (raw.get("concepts") or {}).items():
            concepts.append(
                Concept(
                    id=str(cid),
                    zh=tuple(str(x) for x in body.get("zh", []) or []),
                    en=tuple(str(x) for x in body.get("en", []) or []),
                    hint=str(body.get("hint", "")),
                )
            )
        return cls(concepts)

    def with_concepts(self, extra: Iterable[Concept]) -> Lexicon:
        """This lexicon plus more concepts (e.g. product names from the metric catalog)."""
        return Lexicon([*self.concepts, *extra])

    def concepts_with(self, term: str) -> list[Concept]:
        """The concepts ``term`` (any case) is a member of."""
        return list(self._by_member.get(term.lower(), ()))

    def zh_words(self) -> list[str]:
        """Chinese terms to add to jieba's dictionary so they segment as one word."""
        return [w for c in self.concepts for w in c.zh if 2 <= len(w) <= 8]

    def match(self, query: str, analyzer: TextAnalyzer) -> list[Concept]:
        """Concepts any of whose terms occur in the query (in lexicon order).

        Chinese terms are found as substrings; an English term when all its stems are
        among the question's and its words stand close together. English terms are
        looked up only through a stem the question has, not tried one by one: with a
        few thousand terms, trying each cost more than the rest of the search.
        """
        q = join_letter_pairs(query).lower()
        q_terms = set(analyzer.terms(query))
        index = self._index(analyzer)
        hit = {ci for term, ci in index.zh if term in query}
        for stem in q_terms:
            for ci, term, stems in index.en_by_stem.get(stem, ()):
                if ci not in hit and stems <= q_terms and _loose_contains(q, term, stems):
                    hit.add(ci)
        return [self.concepts[ci] for ci in sorted(hit)]

    def _index(self, analyzer: TextAnalyzer) -> _MatchIndex:
        index = self._match_index
        if index is None or index.analyzer is not analyzer:
            zh: list[tuple[str, int]] = []
            en: dict[str, list[tuple[int, str, frozenset[str]]]] = {}
            for ci, concept in enumerate(self.concepts):
                for term in concept.terms:
                    if CJK_RE.search(term):
                        zh.append((term, ci))
                        continue
                    stems = self._stems(term, analyzer)
                    if stems:  # filed under one of its stems: all must be present anyway
                        en.setdefault(min(stems), []).append((ci, term, stems))
            index = self._match_index = _MatchIndex(analyzer, tuple(zh), en)
        return index

    def expand(self, query: str, analyzer: TextAnalyzer, weight: float = 0.4) -> Expansion:
        """Index terms of every matched concept, each concept worth about one query word."""
        concepts = self.match(query, analyzer)
        own = set(analyzer.terms(query))
        terms: dict[str, float] = {}
        for concept in concepts:
            bag: set[str] = set()
            for term in concept.terms:
                bag.update(self.tokens(term, analyzer))
            bag -= own
            if not bag:
                continue
            w = weight / max(1.0, len(bag) ** 0.5)
            for t in bag:
                terms[t] = max(terms.get(t, 0.0), w)
        return Expansion(tuple(concepts), terms)

    def tokens(self, term: str, analyzer: TextAnalyzer) -> list[str]:
        """Index terms of one lexicon entry (cached: the lexicon does not change)."""
        cached = self._tokens.get(term)
        if cached is None:
            cached = analyzer.terms(term)
            self._tokens[term] = cached
        return cached

    def _stems(self, term: str, analyzer: TextAnalyzer) -> frozenset[str]:
        cached = self._stem_cache.get(term)
        if cached is None:
            cached = frozenset(analyzer.terms(term))
            self._stem_cache[term] = cached
        return cached


@dataclass(frozen=True)
class _MatchIndex:
    analyzer: TextAnalyzer
    zh: tuple[tuple[str, int], ...]  # (Chinese term, concept index)
    en_by_stem: dict[str, list[tuple[int, str, frozenset[str]]]]


def _loose_contains(query: str, term: str, stems: frozenset[str]) -> bool:
    """Multi-word terms must appear near each other, not scattered across the question.
    Small words do not count. In the term's order, up to two other words may stand between
    neighbours ("repay the auto loan early" has "repay early", "visit a debtor's home"
    "visit the debtor"); in the other order the words must be next to each other ("how many
    points do I earn" has "earn points", but "share customer data with a marketing partner"
    has no "market share")."""
    if len(stems) <= 1:
        return True
    words = [w for w in _WORD.findall(term.lower()) if w not in EN_STOPWORDS]
    tokens = [t for t in _WORD.findall(query) if t not in EN_STOPWORDS]
    positions = [[i for i, t in enumerate(tokens) if t.startswith(w[:4])] for w in words]
    if not words or any(not p for p in positions):
        return False
    in_order = 3 * (len(words) - 1)  # up to two other words between neighbours
    adjacent = len(words) - 1
    for combo in itertools.product(*positions):
        span = max(combo) - min(combo)
        ordered = all(a < b for a, b in itertools.pairwise(combo))
        if span <= (in_order if ordered else adjacent):
            return True
    return False


_WORD = re.compile(r"[a-z0-9]+")


@cache
def default_lexicon() -> Lexicon:
    return Lexicon.load()
