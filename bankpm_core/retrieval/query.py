"""Understanding a search query: its language, content words, concepts and cues.

The cues are general, not question-specific: whether the user asks about Chinese or
US rules (jurisdiction), whether they want an interpretation/model form rather than
the rule itself, and which document they name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bankpm_core.retrieval.lexicon import Concept, Lexicon
from bankpm_core.retrieval.text import CJK_RE, TextAnalyzer, text_language
from bankpm_core.retrieval.thesaurus import Thesaurus

_ZH_JURISDICTION = re.compile(
    r"中国|我国|国内|境内|人民银行|央行|人行|银保监|银监|金融监管总局|中华人民共和国|国务院|最高人民法院|"
    r"\bChina\b|\bChinese\b|\bPRC\b|\bPBOC\b|\bPBoC\b|\bCBIRC\b|\bNFRA\b|\bPIPL\b|People's Bank|"
    r"Commercial Banking Law|Personal Information Protection Law|Consumer Rights (?:and Interests )?Protection|"
    r"Banking Supervision|Credit Reporting Industry|Non-?bank Payment|Supreme People's Court|State Council|\bRMB\b|\byuan\b",
    re.I,
)
_US_JURISDICTION = re.compile(
    r"美国|美联储|联邦|消费者金融保护局|[BEPV]条例|DD条例|\bU\.?S\.?\b|\bUSA?\b|\bAmerican?\b|\bfederal\b|\bCFPB\b|\bBureau\b|\bCFR\b|"
    r"\bReg(?:ulation)?\.?\s+(?:B|E|DD|V|P|Z)\b|\bECOA\b|\bFCRA\b|\bEFTA\b|\bGLBA\b|\bTISA\b|"
    r"Truth in Savings|Equal Credit Opportunity|Fair Credit Reporting|Electronic Fund Transfer",
    re.I,
)
_ASKS_SECONDARY = re.compile(
    r"interpret|comment|commentary|official staff|model (?:form|clause|notice)|sample (?:form|notice)|"
    r"appendix|supplement|template|示范|范本|样本|样式|模板|格式文本|官方解释|解释说明|附录|附件",
    re.I,
)


#: Prefix of the catalog products' concept ids (knowledge_qa._catalog_concepts builds them).
PRODUCT_CONCEPT = "catalog:product:"

#: Words that only say which jurisdiction is meant; they steer ranking, not coverage.
_CUE_TERMS = frozenset(
    [
        "中国",
        "我国",
        "国内",
        "美国",
        "联邦",
        "境内",
        "china",
        "chines",
        "prc",
        "us",
        "usa",
        "america",
        "american",
        "feder",
        "u.s",
    ]
)


#: English verbs that carry no topic of their own ("run a focus group", "carry out a
#: review"): stems, as the analyzer emits them. A passage need not contain them, and no
#: Chinese text does — counting them as uncovered held a cross-lingual answer under the
#: refusal threshold.
_LIGHT_VERBS = frozenset(["run", "conduct", "carri", "perform", "hold", "make", "get", "go"])


@dataclass
class QueryUnit:
    """One thing the question asks about: a lexicon concept or a leftover content word."""

    label: str
    terms: list[list[str]]  # alternatives, each a list of index terms that must all occur
    weight: float
    concept: bool


@dataclass
class QueryAnalysis:
    text: str
    language: str
    own_terms: list[str]
    concepts: list[Concept]
    weighted_terms: dict[str, float]
    units: list[QueryUnit] = field(default_factory=list)
    jurisdiction: str | None = None  # "zh" (China) | "en" (US) | None
    asks_secondary: bool = False
    # concepts found only inside a catalog product's name (理财 in 稳盈理财): see
    # inside_product_names
    name_parts: frozenset[str] = frozenset()


#: Weight of a thesaurus synonym relative to the user's own word (before sharing among senses).
SYNONYM_WEIGHT = 0.4
#: Synonyms kept per word: the ones the knowledge base uses most (the statute's word).
SYNONYM_LIMIT = 6


def analyse(
    query: str,
    analyzer: TextAnalyzer,
    lexicon: Lexicon,
    idf: Callable[[str], float],
    thesaurus: Thesaurus | None = None,
    known: Callable[[str], bool] | None = None,
) -> QueryAnalysis:
    """Everything retrieval and the refusal score need to know about the question.

    With a ``thesaurus`` and ``known`` (is this a term of the index?), a leftover word
    — one no lexicon concept claimed — also matches its synonyms the index uses.
    """
    own = analyzer.content_terms(query)
    expansion = lexicon.expand(query, analyzer)
    weighted = {t: 1.0 for t in own}
    for t, w in expansion.terms.items():
        weighted[t] = max(weighted.get(t, 0.0), w)
    units: list[QueryUnit] = []
    claimed: set[str] = set()
    for concept in expansion.concepts:
        alternatives = [lexicon.tokens(t, analyzer) for t in concept.terms]
        alternatives = [a for a in alternatives if a]
        members = {t for a in alternatives for t in a}
        mine = [
            t for t in own if t in members or any(t in m or m in t for m in members if len(m) > 1)
        ]
        claimed.update(mine)
        w = max((idf(t) for t in mine), default=0.0) or max(idf(t) for a in alternatives for t in a)
        units.append(QueryUnit(concept.id, alternatives, w, True))
    for t in own:
        if t in claimed or t in _CUE_TERMS or t in _LIGHT_VERBS:
            continue
        # single CJK characters ("最", "多") are segmentation debris, not content
        if len(t) == 1 and CJK_RE.match(t):
            continue
        # a piece of a longer word the question already has ("信用" in "信用报告")
        if CJK_RE.match(t) and any(t != o and t in o for o in own):
            continue
        alternatives = [[t]]
        if thesaurus and known and CJK_RE.match(t):
            for toks, share in _synonym_terms(t, thesaurus, analyzer, known, idf):
                alternatives.append(toks)
                for tok in toks:
                    weighted[tok] = max(weighted.get(tok, 0.0), SYNONYM_WEIGHT * share)
        units.append(QueryUnit(t, alternatives, idf(t), False))
    return QueryAnalysis(
        text=query,
        language=text_language(query),
        own_terms=own,
        concepts=list(expansion.concepts),
        weighted_terms=weighted,
        units=units,
        jurisdiction=jurisdiction_of(query),
        asks_secondary=bool(_ASKS_SECONDARY.search(query)),
        name_parts=inside_product_names(query, expansion.concepts),
    )


def inside_product_names(query: str, concepts: Sequence[Concept]) -> frozenset[str]:
    """The concepts whose Chinese terms occur in the question only inside a longer name of
    a catalog product: 理财 in 稳盈理财, 房贷 in 安居房贷. They name the product's kind,
    which the product's manual describes in its overview — they do not say what the
    question asks of it ("稳盈理财会亏本吗" asks about losses, not about wealth products)."""
    names = [t for c in concepts if c.id.startswith(PRODUCT_CONCEPT) for t in c.zh]
    spans = [(m.start(), m.end()) for n in names for m in re.finditer(re.escape(n), query)]
    if not spans:
        return frozenset()
    out = set()
    for c in concepts:
        if c.id.startswith(PRODUCT_CONCEPT):
            continue
        found = [(m.start(), m.end()) for t in c.zh for m in re.finditer(re.escape(t), query)]
        if found and all(
            any(s <= a and b <= e and e - s > b - a for s, e in spans) for a, b in found
        ):
            out.add(c.id)
    return frozenset(out)


def jurisdiction_of(query: str) -> str | None:
    """ "zh" when the question names China (中国, 央行, PBOC…), "en" when it names the US
    (美国, CFPB, Reg E…), None when it names neither or both."""
    zh_cue = bool(_ZH_JURISDICTION.search(query))
    us_cue = bool(_US_JURISDICTION.search(query))
    if zh_cue != us_cue:
        return "zh" if zh_cue else "en"
    return None


def _synonym_terms(
    word: str,
    thesaurus: Thesaurus,
    analyzer: TextAnalyzer,
    known: Callable[[str], bool],
    idf: Callable[[str], float],
) -> list[tuple[list[str], float]]:
    """The index terms of ``word``'s usable synonyms (all terms known to the index), most
    used in the knowledge base first — that is the statute's word — at most SYNONYM_LIMIT."""
    terms: dict[str, list[str]] = {}

    def usable(synonym: str) -> bool:
        toks = terms.setdefault(synonym, analyzer.content_terms(synonym))
        return bool(toks) and all(known(tok) for tok in toks)

    found = [(terms[syn], share) for syn, share in thesaurus.synonyms(word, usable)]
    found.sort(key=lambda pair: max(idf(tok) for tok in pair[0]))
    return found[:SYNONYM_LIMIT]
