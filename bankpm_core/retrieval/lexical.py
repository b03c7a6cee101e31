"""BM25 over pre-tokenised chunks, with weighted query terms.

Why not a library call: query expansion gives each term a weight (the user's own
words count fully, lexicon synonyms partly), and the answer stage needs each chunk's
term set to measure how much of the question a passage covers. Postings are plain
numpy arrays (CSR), so scoring a query is one ``bincount`` over the touched postings.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass
class BM25Index:
    vocab: dict[str, int]
    idf: np.ndarray  # (V,)
    term_ptr: np.ndarray  # (V+1,) postings per term
    post_doc: np.ndarray  # doc index per posting
    post_weight: np.ndarray  # BM25 term weight per posting (idf folded in)
    doc_ptr: np.ndarray  # (N+1,) distinct terms per doc
    doc_terms: np.ndarray
    n_docs: int

    @classmethod
    def build(cls, docs: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.6) -> BM25Index:
        """Index token lists; ``b`` is mild because article lengths vary legitimately."""
        vocab: dict[str, int] = {}
        rows: list[tuple[int, int, int]] = []  # (term, doc, tf)
        lengths = np.zeros(len(docs), dtype=np.float32)
        doc_ptr = [0]
        doc_terms: list[int] = []
        for d, tokens in enumerate(docs):
            lengths[d] = len(tokens)
            counts = Counter(tokens)
            for term, tf in counts.items():
                t = vocab.setdefault(term, len(vocab))
                rows.append((t, d, tf))
                doc_terms.append(t)
            doc_ptr.append(len(doc_terms))
        n = len(docs)
        v = len(vocab)
        if not rows:
            empty = np.zeros(0, dtype=np.int32)
            return cls(
                vocab,
                np.zeros(0, np.float32),
                np.zeros(1, np.int64),
                empty,
                np.zeros(0, np.float32),
                np.asarray(doc_ptr, np.int64),
                empty,
                n,
            )
        arr = np.asarray(rows, dtype=np.int64)
        order = np.lexsort((arr[:, 1], arr[:, 0]))
        arr = arr[order]
        df = np.bincount(arr[:, 0], minlength=v).astype(np.float32)
        idf = np.log(1.0 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
        avgdl = float(lengths.mean()) or 1.0
        tf = arr[:, 2].astype(np.float32)
        dl = lengths[arr[:, 1]]
        weight = idf[arr[:, 0]] * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))
        term_ptr = np.zeros(v + 1, dtype=np.int64)
        np.cumsum(df.astype(np.int64), out=term_ptr[1:])
        return cls(
            vocab=vocab,
            idf=idf,
            term_ptr=term_ptr,
            post_doc=arr[:, 1].astype(np.int32),
            post_weight=weight.astype(np.float32),
            doc_ptr=np.asarray(doc_ptr, dtype=np.int64),
            doc_terms=np.asarray(doc_terms, dtype=np.int32),
            n_docs=n,
        )

    def score(self, weighted_terms: Mapping[str, float]) -> np.ndarray:
        """BM25 score of every doc for a weighted bag of query terms."""
        docs: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for term, qw in weighted_terms.items():
            t = self.vocab.get(term)
            if t is None or qw <= 0:
                continue
            lo, hi = self.term_ptr[t], self.term_ptr[t + 1]
            docs.append(self.post_doc[lo:hi])
            weights.append(self.post_weight[lo:hi] * qw)
        if not docs:
            return np.zeros(self.n_docs, dtype=np.float32)
        return np.bincount(
            np.concatenate(docs), weights=np.concatenate(weights), minlength=self.n_docs
        ).astype(np.float32)

    def term_idf(self, term: str) -> float:
        t = self.vocab.get(term)
        return float(self.idf[t]) if t is not None else float(np.log(1.0 + self.n_docs + 0.5))

    def doc_term_ids(self, doc: int) -> np.ndarray:
        return self.doc_terms[self.doc_ptr[doc] : self.doc_ptr[doc + 1]]

    def term_id(self, term: str) -> int | None:
        return self.vocab.get(term)
