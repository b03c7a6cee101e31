"""Tokenisation shared by indexing and querying: jieba for Chinese, Snowball for English.

Both sides must tokenise identically, so this is the single place that decides what a
"term" is. jieba runs as a private ``Tokenizer`` instance (no global dictionary edits)
and is only initialised on first use, so importing this module stays cheap.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from functools import lru_cache

CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
#: An article or section label as documents and questions write it: 第三十条, § 1002.9.
ARTICLE_LABEL = r"第[一二三四五六七八九十百零〇两\d]{1,6}条|§\s*\d+(?:\.\d+)*[a-z]?"


def normalize_label(label: str) -> str:
    """One spelling per label: "§3" and "§ 3" are the same section."""
    return re.sub(r"§\s*", "§ ", label.strip())


_SEGMENT_RE = re.compile(
    r"(?P<cjk>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)"
    r"|(?P<num>\d+(?:\.\d+)+[a-z]?)"
    r"|(?P<word>[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]|\d+)"
)

ZH_STOPWORDS = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "或",
        "是",
        "在",
        "对",
        "于",
        "为",
        "以",
        "等",
        "其",
        "之",
        "该",
        "此",
        "这",
        "那",
        "有",
        "被",
        "把",
        "将",
        "也",
        "都",
        "而",
        "并",
        "但",
        "就",
        "则",
        "从",
        "由",
        "向",
        "上",
        "下",
        "中",
        "不",
        "吗",
        "呢",
        "吧",
        "啊",
        "呀",
        "么",
        "什么",
        "怎么",
        "怎样",
        "如何",
        "哪些",
        "哪个",
        "哪",
        "谁",
        "多少",
        "是否",
        "能否",
        "可否",
        "可以",
        "能",
        "会",
        "要",
        "需要",
        "应该",
        "应当",
        "需",
        "得",
        "我",
        "我们",
        "你",
        "你们",
        "他",
        "她",
        "它",
        "他们",
        "自己",
        "个",
        "些",
        "一个",
        "一些",
        "有没有",
        "有关",
        "相关",
        "关于",
        "按照",
        "依照",
        "根据",
        "进行",
        "规定",
        "条",
        "本",
        "所",
        "者",
        "时",
        "后",
        "前",
        "里",
        "内",
        "外",
        "如果",
        "若",
        "因",
        "因为",
        "所以",
        "还",
        "又",
        "再",
        "没有",
        "没",
        "吧",
        "嘛",
        "请问",
        "请",
        "一下",
        "情况",
        "问题",
        "方面",
        "一般",
        "通常",
        "现在",
        "目前",
        "法律",
        "法规",
    ]
)

EN_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "do",
        "does",
        "did",
        "doing",
        "have",
        "has",
        "had",
        "having",
        "can",
        "could",
        "may",
        "might",
        "must",
        "shall",
        "should",
        "will",
        "would",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "they",
        "them",
        "their",
        "there",
        "here",
        "i",
        "me",
        "my",
        "we",
        "our",
        "you",
        "your",
        "he",
        "she",
        "his",
        "her",
        "not",
        "no",
        "nor",
        "so",
        "than",
        "too",
        "very",
        "just",
        "any",
        "all",
        "each",
        "every",
        "some",
        "such",
        "own",
        "same",
        "other",
        "into",
        "onto",
        "about",
        "over",
        "under",
        "again",
        "further",
        "then",
        "once",
        "only",
        "also",
        "both",
        "either",
        "neither",
        "more",
        "most",
        "less",
        "much",
        "many",
        "few",
        "up",
        "down",
        "out",
        "off",
        "am",
        "get",
        "gets",
        "got",
        "need",
        "needs",
        "tell",
        "told",
        "say",
        "says",
        "said",
        "does",
        "whether",
        "under",
        "within",
        "without",
        "per",
        "via",
        "us",
    ]
)


#: Irregular past forms the Snowball stemmer leaves alone ("repaid" stays "repaid", so
#: "Can FlashLoan be repaid early?" missed every "repay"/"early repayment" term). Mapped
#: to the present before stemming, in questions and indexed texts alike.
EN_IRREGULAR = {
    "paid": "pay",
    "repaid": "repay",
    "prepaid": "prepay",
    "overpaid": "overpay",
    "underpaid": "underpay",
    "lent": "lend",
    "sold": "sell",
    "bought": "buy",
    "spent": "spend",
    "sent": "send",
    "kept": "keep",
    "held": "hold",
    "told": "tell",
    "gave": "give",
    "given": "give",
    "took": "take",
    "taken": "take",
    "stole": "steal",
    "stolen": "steal",
    "lost": "lose",
    "withdrew": "withdraw",
    "withdrawn": "withdraw",
    "made": "make",
    "chose": "choose",
    "chosen": "choose",
    "wrote": "write",
    "written": "write",
    "froze": "freeze",
    "frozen": "freeze",
}


_LETTER_PAIR = re.compile(r"(?<![A-Za-z])([A-Za-z])/([A-Za-z])(?![A-Za-z])")


def join_letter_pairs(text: str) -> str:
    """ "A/B test" -> "AB test": two letters joined by a slash are one word."""
    return _LETTER_PAIR.sub(r"\1\2", text)


class TextAnalyzer:
    """Turns text into index terms; optional extra vocabulary keeps domain terms whole."""

    def __init__(self, extra_words: Iterable[str] = ()) -> None:
        self._extra = sorted({w.strip() for w in extra_words if w and CJK_RE.search(w)})
        self._jieba = None
        self._stemmer = None
        self._stems: dict[str, str] = {}
        self._lock = threading.Lock()

    def _ensure(self) -> None:
        if self._jieba is not None:
            return
        with self._lock:
            if self._jieba is not None:
                return
            import warnings

            with warnings.catch_warnings():  # jieba imports the deprecated pkg_resources
                warnings.simplefilter("ignore")
                import jieba
            import snowballstemmer

            jieba.setLogLevel(logging.WARNING)
            tok = jieba.Tokenizer()
            tok.initialize()
            for word in self._extra:
                tok.add_word(word, freq=20000)
            self._stemmer = snowballstemmer.stemmer("english")
            self._jieba = tok

    def terms(self, text: str) -> list[str]:
        """Index terms: jieba search-mode words (CJK) and stemmed lowercase words (Latin)."""
        self._ensure()
        # "A/B test" is one word, not two dropped letters: "How do we run an A/B test?"
        # read as just {run, test}
        text = join_letter_pairs(text)
        assert self._jieba is not None and self._stemmer is not None
        out: list[str] = []
        words: list[str] = []
        for m in _SEGMENT_RE.finditer(text):
            if m.group("cjk"):
                for w in self._jieba.cut_for_search(m.group("cjk"), HMM=False):
                    if w not in ZH_STOPWORDS:
                        out.append(w)
            elif m.group("num"):
                out.append(m.group("num").lower())
            else:
                w = m.group("word").lower().replace("’", "'")
                if w.endswith("'s"):
                    w = w[:-2]
                if w in EN_STOPWORDS or (len(w) == 1 and not w.isdigit()):
                    continue
                w = EN_IRREGULAR.get(w, w)
                words.append(w)
                out.append(w)
        if words:
            cache = self._stems
            new = [w for w in set(words) if w not in cache]
            if new:
                if len(cache) > 200_000:
                    cache.clear()
                cache.update(zip(new, self._stemmer.stemWords(new), strict=True))
            out = [cache.get(t, t) for t in out]
        return out

    def content_terms(self, text: str) -> list[str]:
        """Distinct terms of a question, in order: what an answer is expected to cover."""
        seen: dict[str, None] = {}
        for t in self.terms(text):
            if len(t) > 1 or CJK_RE.match(t):
                seen.setdefault(t, None)
        return list(seen)


_SENTENCE_BREAK = re.compile(r"(?<=[。；！？;])|\n+|(?<=[a-z0-9)][.;:])\s+(?=[A-Z(])")


def unit_sentences(texts: Iterable[str], min_chars: int = 8, max_chars: int = 400) -> list[str]:
    """The distinct sentences of a unit's windows, in order (windows overlap: each once).

    A long article or section states several rules; a question is about one of them, and
    a sentence embedding reads that one undiluted by the rest."""
    seen: dict[str, None] = {}
    for text in texts:
        for piece in _SENTENCE_BREAK.split(text):
            piece = (piece or "").strip().lstrip("#").strip()
            if len(piece) >= min_chars:
                seen.setdefault(piece[:max_chars], None)
    return list(seen)


def text_language(text: str) -> str:
    """'zh' when Han characters dominate the letters of the text, else 'en'."""
    han = len(CJK_RE.findall(text))
    latin = len(re.findall(r"[A-Za-z]", text))
    return "zh" if han * 3 >= latin else "en"


@lru_cache(maxsize=4096)
def whole_word(name: str, ignore_case: bool = False) -> re.Pattern[str]:
    """``name`` where it stands as a word of Latin text: "regulation f" is not in
    "regulation for", nor "reg cc" in "reg ccx", nor "SAR" in "disbursar". An end that is
    no letter or digit ("Reg.") needs no edge."""
    head = r"(?<![A-Za-z0-9])" if name[:1].isalnum() else ""
    tail = r"(?![A-Za-z0-9])" if name[-1:].isalnum() else ""
    return re.compile(head + re.escape(name) + tail, re.IGNORECASE if ignore_case else 0)
