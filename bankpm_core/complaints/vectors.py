"""Small TF-IDF machinery on numpy (no scikit-learn): sparse rows, char n-grams, words.

Rows are kept as CSR arrays (``indptr``, ``indices``, ``data``) so thousands of
complaints cost a few megabytes; products with a dense matrix (centroids) go through
:meth:`Sparse.dot`. Features: character n-grams of the lower-cased text (robust to
typos, word segmentation and mixed Chinese/English), or words (jieba for Chinese,
letters for English) for readable cluster labels.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_LATIN_WORD = re.compile(r"[a-z][a-z']+")
EN_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "they",
        "this",
        "to",
        "too",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "who",
        "will",
        "with",
        "you",
        "your",
        "yours",
        "am",
        "any",
        "all",
        "also",
        "just",
        "more",
        "very",
        "out",
        "up",
        "still",
        "even",
        "ever",
        "every",
        "after",
        "before",
        "about",
        "again",
        "please",
        "thanks",
        "hello",
        "hi",
    ]
)
ZH_STOP = frozenset(
    [
        "我们",
        "你们",
        "他们",
        "一个",
        "没有",
        "什么",
        "这个",
        "那个",
        "就是",
        "还是",
        "已经",
        "但是",
        "因为",
        "所以",
        "如果",
        "可以",
        "一直",
        "现在",
        "时候",
        "自己",
        "这样",
        "还有",
        "真的",
        "一下",
        "为什么",
        "怎么",
    ]
)


def normalise(text: str) -> str:
    text = _DIGITS.sub("0", text.lower())
    return _SPACE.sub(" ", text).strip()


def char_ngrams(text: str, low: int = 2, high: int = 4) -> list[str]:
    t = normalise(text)
    out = []
    for n in range(low, high + 1):
        out.extend(t[i : i + n] for i in range(max(0, len(t) - n + 1)))
    return out


@cache
def _jieba():  # type: ignore[no-untyped-def]
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def words(text: str) -> list[str]:
    """Content words: jieba tokens of 2+ Han characters, English words of 3+ letters."""
    t = normalise(text)
    out = [w for w in _LATIN_WORD.findall(t) if len(w) >= 3 and w not in EN_STOP]
    jieba = _jieba()
    for run in _CJK_RUN.findall(t):
        out.extend(w for w in jieba.lcut(run) if len(w) >= 2 and w not in ZH_STOP)
    return out


@dataclass
class Sparse:
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    n_features: int

    @property
    def n_rows(self) -> int:
        return self.indptr.size - 1

    def dot(self, dense: np.ndarray) -> np.ndarray:
        """(rows × features) · (features × k) → rows × k."""
        k = dense.shape[1]
        out = np.zeros((self.n_rows, k))
        if self.data.size == 0:
            return out
        contrib = self.data[:, None] * dense[self.indices]
        starts = self.indptr[:-1]
        nonempty = self.indptr[1:] > starts
        sums = np.add.reduceat(contrib, starts[nonempty], axis=0)
        out[nonempty] = sums
        return out

    def rows(self, index: Sequence[int] | np.ndarray) -> Sparse:
        parts_i, parts_d, ptr = [], [], [0]
        for r in index:
            a, b = self.indptr[r], self.indptr[r + 1]
            parts_i.append(self.indices[a:b])
            parts_d.append(self.data[a:b])
            ptr.append(ptr[-1] + b - a)
        indices = np.concatenate(parts_i) if parts_i else np.zeros(0, dtype=np.int64)
        data = np.concatenate(parts_d) if parts_d else np.zeros(0)
        return Sparse(np.array(ptr), indices, data, self.n_features)

    def to_dense(self) -> np.ndarray:
        out = np.zeros((self.n_rows, self.n_features))
        for r in range(self.n_rows):
            a, b = self.indptr[r], self.indptr[r + 1]
            out[r, self.indices[a:b]] = self.data[a:b]
        return out

    def mean(self, index: Sequence[int] | np.ndarray) -> np.ndarray:
        sub = self.rows(index)
        out = np.zeros(self.n_features)
        np.add.at(out, sub.indices, sub.data)
        return out / max(1, len(index))


class TfidfVectorizer:
    """Sub-linear TF-IDF with L2-normalised rows, vocabulary fitted on given texts."""

    def __init__(self, analyzer: Callable[[str], list[str]], min_df: int = 1) -> None:
        self.analyzer = analyzer
        self.min_df = min_df
        self.vocab: dict[str, int] = {}
        self.idf = np.zeros(0)
        self._memo: dict[str, Counter[str]] = {}

    def _counts(self, text: str) -> Counter[str]:
        """Analyzer output per text, memoised: a batch is analysed once, not per pass."""
        found = self._memo.get(text)
        if found is None:
            found = Counter(self.analyzer(text))
            self._memo[text] = found
        return found

    def fit(self, texts: Iterable[str]) -> TfidfVectorizer:
        docs = [self._counts(t) for t in dict.fromkeys(texts)]
        df: Counter[str] = Counter()
        for d in docs:
            df.update(d.keys())
        terms = sorted(t for t, c in df.items() if c >= self.min_df)
        self.vocab = {t: i for i, t in enumerate(terms)}
        n = len(docs)
        dfs = np.fromiter((df[t] for t in terms), dtype=float, count=len(terms))
        self.idf = np.log((1 + n) / (1 + dfs)) + 1.0
        return self

    def transform(self, texts: Iterable[str]) -> Sparse:
        indptr, indices, data = [0], [], []
        vocab = self.vocab
        for text in texts:
            counts = self._counts(text)
            pairs = [(vocab[t], c) for t, c in counts.items() if t in vocab]
            if pairs:
                arr = np.array(pairs, dtype=float)
                idx = arr[:, 0].astype(np.int64)
                w = (1.0 + np.log(arr[:, 1])) * self.idf[idx]
                w /= np.linalg.norm(w) or 1.0
                order = np.argsort(idx)
                indices.append(idx[order])
                data.append(w[order])
                indptr.append(indptr[-1] + idx.size)
            else:
                indptr.append(indptr[-1])
        return Sparse(
            np.array(indptr),
            np.concatenate(indices) if indices else np.zeros(0, dtype=np.int64),
            np.concatenate(data) if data else np.zeros(0),
            len(self.vocab),
        )

    def terms(self) -> list[str]:
        out = [""] * len(self.vocab)
        for t, i in self.vocab.items():
            out[i] = t
        return out


# Words every complaint uses (politeness, demands, exasperation): useless as cluster labels.
EN_STOP = EN_STOP | frozenset(
    [
        "reply",
        "soon",
        "answer",
        "expect",
        "acceptable",
        "disappointed",
        "complaint",
        "file",
        "concern",
        "whom",
        "sort",
        "asap",
        "bank",
        "your",
    ]
)
ZH_STOP = ZH_STOP | frozenset(
    [
        "尽快",
        "回复",
        "处理",
        "麻烦",
        "希望",
        "投诉",
        "说法",
        "谢谢",
        "银行",
        "解决",
        "认真对待",
        "无语",
        "失望",
        "搞什么",
        "领导",
        "您好",
        "你好",
        "用户",
        "老客户",
        "实在",
        "忍不了",
        "气死我了",
        "不然",
        "有人",
        "之后",
        "一天",
        "天天",
    ]
)
