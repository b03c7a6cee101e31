"""Emerging themes: cluster the complaints no taxonomy theme claims.

Unmatched texts become word TF-IDF vectors (jieba words for Chinese, content words for
English) and are grouped by average-linkage agglomerative clustering on cosine
similarity, stopping when the closest two groups are less similar than ``threshold``.
A cluster with at least ``min_size`` texts is reported with its characteristic words,
its size in the recent months against the months before, and the texts closest to its
centre as representative quotes (masked by the caller). Deterministic.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bankpm_core.complaints.vectors import TfidfVectorizer, words

MAX_TEXTS = 800  # most recent unmatched texts clustered (O(n²) memory)


@dataclass(frozen=True)
class Cluster:
    members: tuple[int, ...]  # indices into the texts given
    terms: tuple[str, ...]  # characteristic words, most distinctive first
    representatives: tuple[int, ...]  # member indices closest to the centre
    cohesion: float  # mean similarity of members to the centre

    @property
    def size(self) -> int:
        return len(self.members)


def agglomerate(sim: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-linkage clustering on a similarity matrix (Lance–Williams updates)."""
    n = sim.shape[0]
    groups: list[list[int] | None] = [[i] for i in range(n)]
    s = sim.astype(float).copy()
    np.fill_diagonal(s, -np.inf)
    size = np.ones(n)
    active = np.ones(n, dtype=bool)
    while active.sum() > 1:
        masked = np.where(active[:, None] & active[None, :], s, -np.inf)
        flat = int(np.argmax(masked))
        i, j = divmod(flat, n)
        if masked[i, j] < threshold:
            break
        if j < i:
            i, j = j, i
        merged = (s[i] * size[i] + s[j] * size[j]) / (size[i] + size[j])
        s[i, :] = merged
        s[:, i] = merged
        s[i, i] = -np.inf
        size[i] += size[j]
        active[j] = False
        s[j, :] = -np.inf
        s[:, j] = -np.inf
        groups[i] = (groups[i] or []) + (groups[j] or [])
        groups[j] = None
    return [g for g in groups if g]


def discover(
    texts: Sequence[str],
    *,
    threshold: float = 0.12,
    min_size: int = 3,
    n_terms: int = 5,
    n_quotes: int = 3,
) -> list[Cluster]:
    """Clusters of at least ``min_size`` among ``texts``, largest first."""
    if len(texts) < min_size:
        return []
    texts = list(texts)[-MAX_TEXTS:]
    offset = 0 if len(texts) <= MAX_TEXTS else len(texts) - MAX_TEXTS
    vec = TfidfVectorizer(words, min_df=2).fit(texts)
    if not vec.vocab:
        return []
    x = vec.transform(texts).to_dense()
    sim = x @ x.T
    empty = ~x.any(axis=1)
    sim[empty, :] = 0.0
    sim[:, empty] = 0.0
    terms = vec.terms()
    doc_freq = (x > 0).mean(axis=0)
    out = []
    for group in agglomerate(sim, threshold):
        if len(group) < min_size:
            continue
        members = np.array(sorted(group))
        centre = x[members].mean(axis=0)
        norm = np.linalg.norm(centre) or 1.0
        closeness = x[members] @ (centre / norm)
        in_cluster = (x[members] > 0).mean(axis=0)
        distinct = in_cluster * np.log1p(in_cluster / (doc_freq + 1e-9)) * (centre > 0)
        top_terms = tuple(terms[k] for k in np.argsort(-distinct)[:n_terms] if distinct[k] > 0)
        reps = members[np.argsort(-closeness, kind="stable")[:n_quotes]]
        out.append(
            Cluster(
                members=tuple(int(m) + offset for m in members),
                terms=top_terms,
                representatives=tuple(int(r) + offset for r in reps),
                cohesion=float(closeness.mean()),
            )
        )
    out.sort(key=lambda c: (-c.size, -c.cohesion))
    return out
