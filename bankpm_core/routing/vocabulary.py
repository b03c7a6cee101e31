"""The router's lexicon: metric, member and dimension names from the catalog.

Names come from the catalog (zh, en and codes), so a bank that edits its catalog
changes what the router understands. A few router-only words are added here because
they are not names of one thing: generic words resolved by product kind (规模, 余额,
利率), weak stems that point at a metric when nothing better is said (逾期, 发卡,
disbursed), product-kind words (信用卡) and extra dimension words (分行, 客层).

Matching is exact first (leftmost-longest, English on word boundaries with an
optional plural), then fuzzy on whatever is left: rapidfuzz on English word windows
and on windows of jieba tokens for Chinese, with cut-offs high enough that ordinary
words do not turn into names.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Literal

from rapidfuzz import fuzz, process

from bankpm_core.metrics.catalog import Catalog
from bankpm_core.routing.text import is_ascii_alnum, mask

TermKind = Literal["metric", "member", "dimension", "kind"]

# Generic words: the metric depends on the product's kind (docs/understanding.md).
FAMILIES: dict[str, dict[str, str]] = {
    "balance": {
        "wealth": "wealth_aum",
        "deposit": "deposit_balance",
        "loan": "loan_balance",
        "credit_card": "loan_balance",
    },
    "rate": {
        "loan": "avg_loan_rate",
        "credit_card": "avg_loan_rate",
        "deposit": "deposit_rate",
        "wealth": "deposit_rate",
    },
}
GENERIC_WORDS: dict[str, tuple[str, str]] = {
    # surface: (family, metric when no product says otherwise)
    "规模": ("balance", "wealth_aum"),
    "余额": ("balance", "loan_balance"),
    "总规模": ("balance", "wealth_aum"),
    "余额规模": ("balance", "wealth_aum"),
    "存量": ("balance", "loan_balance"),
    "存量规模": ("balance", "wealth_aum"),
    "balance": ("balance", "loan_balance"),
    "outstanding": ("balance", "loan_balance"),
    "size": ("balance", "wealth_aum"),
    "book size": ("balance", "loan_balance"),
    "利率": ("rate", "avg_loan_rate"),
    "利率水平": ("rate", "avg_loan_rate"),
    "执行利率": ("rate", "avg_loan_rate"),
    "平均利率": ("rate", "avg_loan_rate"),
    "收益率": ("rate", "deposit_rate"),
    "interest rate": ("rate", "avg_loan_rate"),
    "average rate": ("rate", "avg_loan_rate"),
    "rate": ("rate", "avg_loan_rate"),
}

# Weak stems: a metric when no catalog name is present. A tuple means "one of these,
# ask or decide from hints" (审批 -> approval rate or approval time).
STEMS: dict[str, tuple[str, ...]] = {
    "逾期": ("overdue_rate",),
    "m1+": ("overdue_rate",),
    "m1": ("overdue_rate",),
    "m3+": ("overdue_rate_m3",),
    "m3": ("overdue_rate_m3",),
    "90天以上": ("overdue_rate_m3",),
    "不良": ("npl_ratio",),
    "发卡": ("cards_issued",),
    "办卡": ("cards_issued",),
    "张卡": ("cards_issued",),
    "新卡": ("cards_issued",),
    "放款": ("disbursed_amount",),
    "放贷": ("disbursed_amount",),
    "投放": ("disbursed_amount",),
    "贷了多少": ("disbursed_amount",),
    "进件": ("applications",),
    "申请": ("applications",),
    "激活": ("activation_rate",),
    "刷卡": ("txn_amount",),
    "交易": ("txn_amount",),
    "消费": ("txn_amount",),
    "满意": ("satisfaction",),
    "市占": ("market_share",),
    "审批": ("approval_rate", "approval_time"),
    "批核": ("approval_rate", "approval_time"),
    "审核": ("approval_rate", "approval_time"),
    "overdue": ("overdue_rate",),
    "past due": ("overdue_rate",),
    "delinquent": ("overdue_rate",),
    "delinquencies": ("overdue_rate",),
    "non-performing": ("npl_ratio",),
    "nonperforming": ("npl_ratio",),
    "bad loans": ("npl_ratio",),
    "issued": ("cards_issued",),
    "did we issue": ("cards_issued",),
    "we issue": ("cards_issued",),
    "issue cards": ("cards_issued",),
    "issue new cards": ("cards_issued",),
    "disbursed": ("disbursed_amount",),
    "disburse": ("disbursed_amount",),
    "lent": ("disbursed_amount",),
    "lend": ("disbursed_amount",),
    "发放贷款": ("disbursed_amount",),
    "lending": ("disbursed_amount",),
    "originated": ("disbursed_amount",),
    "origination": ("disbursed_amount",),
    "activated": ("activation_rate",),
    "activations": ("activation_rate",),
    "spending": ("txn_amount",),
    "spent": ("txn_amount",),
    "applied": ("applications",),
    "satisfied": ("satisfaction",),
    "approval": ("approval_rate", "approval_time"),
    "approvals": ("approval_rate", "approval_time"),
    "approved": ("approval_rate",),
    "approves": ("approval_rate", "approval_time"),
    "approve": ("approval_rate", "approval_time"),
}

# Phrasings that name a metric without any of its names ("发了多少张卡").
STEM_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), code)
    for p, code in (
        (r"(?:发|办|开)了?(?:多少|几)张?(?:新)?卡", "cards_issued"),
        (r"放了?(?:多少|几)笔", "disbursed_count"),
        (r"(?:放|贷)(?:出去)?了?(?:多少|几)(?:钱|贷款|款)?", "disbursed_amount"),
        (r"刷了?(?:多少|几)(?:钱)?", "txn_amount"),
        (r"(?:多少|几)(?:个)?人(?:申请|进件)", "applications"),
        (r"(?<![a-z])how many (?:new )?cards (?:did|were|have|we)", "cards_issued"),
        (r"(?<![a-z])how many loans (?:did|were|have|we)", "disbursed_count"),
        (
            r"(?<![a-z])how much (?:did|have|has) (?:we|the bank) (?:lend|lent|disburse)",
            "disbursed_amount",
        ),
    )
)

KIND_WORDS: dict[str, str] = {
    "信用卡": "credit_card",
    "卡产品": "credit_card",
    "credit card": "credit_card",
    "credit cards": "credit_card",
    "card products": "credit_card",
    "贷款产品": "loan",
    "贷款类": "loan",
    "loan products": "loan",
}

DIMENSION_EXTRAS: dict[str, tuple[str, ...]] = {
    "product": ("产品线", "业务线", "卡种", "贷种", "产品类型", "products", "product line"),
    "segment": ("客层", "客户类型", "客户分层", "人群", "customer group", "customer type"),
    "channel": ("获客渠道", "销售渠道", "进件渠道", "sales channel", "acquisition channel"),
    "region": ("分行", "片区", "地域", "省份", "geography", "geo"),
}

# Codes that are ordinary English words match only as written in the catalog.
CASE_SENSITIVE = {"home", "auto", "mass", "mature", "steady"}

_WORD = re.compile(r"[a-z][a-z0-9+\-']*")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_FUNCTION_CHARS = set("的了吗呢吧啊是和与在有多少个么这那哪谁把被给对从到就也都还又")
_EN_STOP = frozenset(
    re.split(
        r"\s+",
        "what whats what's the a an of for in on by is are was were how which show me give our we "
        "and or to with per last this month please did do does vs compare between much many total "
        "it its has have been about",
    )
)


@dataclass(frozen=True)
class Term:
    """One surface form and what it names."""

    text: str  # normalised (lower-case, half-width)
    kind: TermKind
    code: str  # metric code, member code, dimension code or product kind
    dimension: str = ""  # for members
    weight: float = 1.0  # 1 catalog name; generic words and stems weigh less
    family: str = ""  # generic words: the FAMILIES key
    alternatives: tuple[str, ...] = ()  # ambiguous stems: the other metric codes
    case_sensitive: bool = False
    original: str = ""  # as written in the catalog, for case-sensitive matches


@dataclass(frozen=True)
class Mention:
    """A term found in the question."""

    term: Term
    start: int
    end: int
    score: float = 1.0  # 1.0 exact, fuzzy ratio / 100 otherwise

    @property
    def fuzzy(self) -> bool:
        return self.score < 1.0


@dataclass
class Vocabulary:
    """Catalog names indexed for exact and fuzzy matching; build once per router."""

    catalog: Catalog
    terms: dict[str, list[Term]] = field(default_factory=dict)
    _lengths: list[int] = field(default_factory=list)
    _fuzzy_en: list[str] = field(default_factory=list)
    _fuzzy_zh: dict[int, list[str]] = field(default_factory=dict)
    _zh_prefix3: dict[str, set[str]] = field(default_factory=dict)
    _tokenizer: Any = None

    def __post_init__(self) -> None:
        for metric in self.catalog.metrics.values():
            for name in (*metric.zh, *metric.en, metric.code):
                surface = name.lower()
                if surface in GENERIC_WORDS:
                    continue
                self._add(Term(surface, "metric", metric.code))
        for surface, (family, default) in GENERIC_WORDS.items():
            if default in self.catalog.metrics:
                self._add(Term(surface, "metric", default, weight=0.8, family=family))
        for surface, codes in STEMS.items():
            known = tuple(c for c in codes if c in self.catalog.metrics)
            if known and surface not in self.terms:
                self._add(Term(surface, "metric", known[0], weight=0.7, alternatives=known[1:]))
        for dim in self.catalog.dimensions.values():
            for name in (*dim.zh, *dim.en, *DIMENSION_EXTRAS.get(dim.code, ())):
                self._add(Term(name.lower(), "dimension", dim.code))
            for member in dim.members.values():
                for name in (*member.zh, *member.en, *_code_variants(member.code)):
                    surface = name.lower()
                    sensitive = surface in CASE_SENSITIVE
                    self._add(
                        Term(
                            surface,
                            "member",
                            member.code,
                            dimension=dim.code,
                            case_sensitive=sensitive,
                            original=name,
                        )
                    )
        for surface, kind in KIND_WORDS.items():
            if self.catalog.products_of_kind((kind,)):
                self._add(Term(surface, "kind", kind, weight=0.9))
        self._lengths = sorted({len(s) for s in self.terms}, reverse=True)
        self._index_fuzzy()

    def _add(self, term: Term) -> None:
        bucket = self.terms.setdefault(term.text, [])
        if all((t.kind, t.code) != (term.kind, term.code) for t in bucket):
            bucket.append(term)

    def _index_fuzzy(self) -> None:
        en: set[str] = set()
        for surface, bucket in self.terms.items():
            term = bucket[0]
            if term.weight < 1.0 or term.kind == "dimension" or term.case_sensitive:
                continue
            if surface.isascii():
                if len(surface) >= 5 and "_" not in surface:
                    en.add(surface)
            elif len(surface) >= 4 and all("\u3400" <= ch <= "\u9fff" for ch in surface):
                self._fuzzy_zh.setdefault(len(surface), []).append(surface)
            elif len(surface) == 3 and all("\u3400" <= ch <= "\u9fff" for ch in surface):
                self._zh_prefix3.setdefault(surface[:2], set()).add(surface)
        self._fuzzy_en = sorted(en)

    # --- exact ------------------------------------------------------------------------

    def _exact(self, text: str, original: str) -> list[Mention]:
        found: list[Mention] = []
        i, n = 0, len(text)
        while i < n:
            hit = None
            ascii_start = is_ascii_alnum(text[i])
            if ascii_start and i > 0 and is_ascii_alnum(text[i - 1]):
                i += 1
                continue
            if text[i] == " ":
                i += 1
                continue
            for length in self._lengths:
                if length > n - i:
                    continue
                bucket = self.terms.get(text[i : i + length])
                if not bucket:
                    continue
                end = _right_edge(text, i + length)
                if end is None:
                    continue
                term = _pick(bucket, original[i : i + length])
                if term is None:
                    continue
                hit = Mention(term, i, end)
                break
            if hit:
                found.append(hit)
                i = hit.end
            else:
                i += 1
        return found

    # --- fuzzy ------------------------------------------------------------------------

    def tokenizer(self) -> Any:
        """A private jieba tokenizer that knows every Chinese name; built on first use."""
        if self._tokenizer is None:
            words = frozenset(s for s in self.terms if not s.isascii())
            self._tokenizer = _private_tokenizer(words)
        return self._tokenizer

    def _fuzzy_english(self, text: str, taken: list[tuple[int, int]]) -> list[Mention]:
        words = [m for m in _WORD.finditer(text) if not _overlaps(m.span(), taken)]
        found: list[Mention] = []
        used: list[tuple[int, int]] = []
        for size in (4, 3, 2, 1):
            for k in range(len(words) - size + 1):
                window = words[k : k + size]
                if any(w.end() != v.start() - 1 for w, v in pairwise(window)):
                    continue  # not adjacent (punctuation or a consumed span between)
                if window[0].group() in _EN_STOP or window[-1].group() in _EN_STOP:
                    continue
                span = (window[0].start(), window[-1].end())
                if _overlaps(span, used):
                    continue
                phrase = text[span[0] : span[1]]
                singular = size == 1 and (f"{phrase}s" in self.terms or f"{phrase}es" in self.terms)
                if len(phrase) < 5 or singular:
                    continue  # too short, or the singular of a name ("customer"): not a typo
                cutoff = 85 if len(phrase) >= 9 else 88
                best = process.extractOne(
                    phrase, self._fuzzy_en, scorer=fuzz.ratio, score_cutoff=cutoff
                )
                if best:
                    term = self.terms[best[0]][0]
                    found.append(Mention(term, span[0], span[1], best[1] / 100))
                    used.append(span)
        return found

    def _fuzzy_chinese(self, text: str, taken: list[tuple[int, int]]) -> list[Mention]:
        found: list[Mention] = []
        for run in _CJK_RUN.finditer(mask(text, taken)):
            if len(run.group()) < 3:
                continue
            tokens = list(self.tokenizer().tokenize(run.group()))
            used: list[tuple[int, int]] = []
            for size in (3, 2, 1):
                for k in range(len(tokens) - size + 1):
                    start = run.start() + tokens[k][1]
                    end = run.start() + tokens[k + size - 1][2]
                    window = text[start:end]
                    if _overlaps((start, end), used) or not 3 <= len(window) <= 9:
                        continue
                    mention = self._match_zh(window, start, end)
                    if mention:
                        found.append(mention)
                        used.append((start, end))
        return found

    def _match_zh(self, window: str, start: int, end: int) -> Mention | None:
        if len(window) == 3 and window[2] not in _FUNCTION_CHARS:
            names = self._zh_prefix3.get(window[:2], set())
            codes = {self.terms[n][0].code for n in names}
            if len(codes) == 1:
                name = sorted(names)[0]
                return Mention(self.terms[name][0], start, end, 0.67)
        for length in (len(window), len(window) + 1, len(window) - 1):
            choices = self._fuzzy_zh.get(length)
            if not choices:
                continue
            cutoff = 75 if max(length, len(window)) <= 4 else 80
            best = process.extractOne(window, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
            if best:
                return Mention(self.terms[best[0]][0], start, end, best[1] / 100)
        return None

    def _resplit(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """Let a misspelt name take back the start of the next name.

        "稳赢理财规模": the exact pass reads 理财规模 (a metric) and leaves 稳赢. Joining
        the leftover to the first characters of that name gives 稳赢理财 (≈ 稳盈理财),
        and the rest (规模) is still a name: the question is read as member + metric.
        """
        out: list[Mention] = []
        prev_end = 0
        for m in mentions:
            replaced = self._try_resplit(text, prev_end, m) if m.start > prev_end else None
            if replaced:
                out.extend(replaced)
            else:
                out.append(m)
            prev_end = m.end
        return out

    def _try_resplit(self, text: str, prev_end: int, m: Mention) -> list[Mention] | None:
        gap = text[prev_end : m.start]
        name = text[m.start : m.end]
        if _CJK_RUN.fullmatch(name[:1] or " "):
            tail = re.search(r"[\u3400-\u9fff]{1,4}$", gap)
            cuts = [*range(1, len(name)), len(name)]
        else:
            tail = re.search(r"[a-z][a-z0-9'\-]*(?: [a-z][a-z0-9'\-]*)?\s$", gap)
            cuts = [*(i + 1 for i, ch in enumerate(name) if ch == " "), len(name)]
        if not tail or tail.group().strip() in _EN_STOP:
            return None
        for cut in cuts:
            rest = name[cut:].strip()
            rest_terms = self.terms.get(rest) if rest else None
            if rest and not rest_terms:
                continue
            start = prev_end + tail.start()
            window = text[start : m.start + cut].strip()
            if window.isascii():
                best = process.extractOne(
                    window, self._fuzzy_en, scorer=fuzz.ratio, score_cutoff=88
                )
                hit = (
                    Mention(self.terms[best[0]][0], start, start + len(window), best[1] / 100)
                    if best
                    else None
                )
            else:
                hit = self._match_zh(window, start, start + len(window))
            if hit and hit.term.code != m.term.code:
                if not rest_terms:  # "serious delinquency" -> "serious delinquency rate"
                    return [hit]
                return [hit, Mention(rest_terms[0], m.end - len(rest), m.end)]
        return None

    def _patterns(self, text: str, taken: list[tuple[int, int]]) -> list[Mention]:
        found = []
        for pattern, code in STEM_PATTERNS:
            if code not in self.catalog.metrics:
                continue
            for m in pattern.finditer(text):
                if not _overlaps(m.span(), taken):
                    term = Term(m.group(), "metric", code, weight=0.7)
                    found.append(Mention(term, m.start(), m.end()))
                    taken = [*taken, m.span()]
        return found

    def find(self, text: str, original: str, fuzzy: bool = True) -> list[Mention]:
        """All mentions in normalised ``text`` (``original`` keeps case), by position."""
        mentions = self._exact(text, original)
        mentions += self._patterns(text, [(m.start, m.end) for m in mentions])
        if fuzzy:
            mentions = self._resplit(text, mentions)
            taken = [(m.start, m.end) for m in mentions]
            mentions += self._fuzzy_english(text, taken)
            taken = [(m.start, m.end) for m in mentions]
            mentions += self._fuzzy_chinese(text, taken)
        return sorted(mentions, key=lambda m: m.start)


_TOKENIZERS: dict[frozenset[str], Any] = {}
_TOKENIZER_LOCK = threading.Lock()


def _private_tokenizer(words: frozenset[str]) -> Any:
    """One jieba.Tokenizer per vocabulary, never jieba's global one, built quietly.

    Loading jieba's dictionary takes about a second, so routers built on the same
    catalog share the tokenizer (it is read-only once the words are added). jieba
    caches its parsed dictionary in the temp directory, nowhere else.
    """
    with _TOKENIZER_LOCK:
        tok = _TOKENIZERS.get(words)
        if tok is None:
            import jieba

            logger = logging.getLogger("jieba")
            level = logger.level
            logger.setLevel(logging.WARNING)
            try:
                tok = jieba.Tokenizer()
                tok.initialize()
                for word in sorted(words):
                    tok.add_word(word, freq=20000)
            finally:
                logger.setLevel(level)
            _TOKENIZERS[words] = tok
        return tok


def _code_variants(code: str) -> tuple[str, ...]:
    if "_" not in code:
        return (code,)
    return (code, code.replace("_", " "), code.replace("_", "-"))


def _right_edge(text: str, end: int) -> int | None:
    """End of an ASCII term with an optional plural, or None if it stops mid-word."""
    if end == 0 or not is_ascii_alnum(text[end - 1]):
        return end
    for suffix in ("", "s", "es", "'s"):
        stop = end + len(suffix)
        if text.startswith(suffix, end) and (stop >= len(text) or not is_ascii_alnum(text[stop])):
            return stop
    return None


def _pick(bucket: list[Term], written: str) -> Term | None:
    for term in bucket:
        if not term.case_sensitive:
            return term
        if term.original.isupper() and written == term.original:
            return term
        if not term.original.isupper() and written[:1].isupper():
            return term
    return None


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in spans)
