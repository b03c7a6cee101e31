"""Classify complaint texts into the taxonomy: keyword rules first, a learned model second.

1. **Rules** (:class:`RuleScorer`): each theme's score is the sum of the weights of its
   distinct keywords found in the text. A clear winner (score ≥ ``min_score`` and at
   least ``margin`` ahead of the runner-up) is taken as is.
2. **Learned** (:class:`CentroidModel`): TF-IDF over character 2–4-grams and one
   centroid per theme, fitted on the taxonomy's example complaints plus the batch's
   clear rule decisions (self-training: no labelled data is needed). It settles ties
   between close rule scores and labels texts the rules miss when their similarity
   clears ``min_similarity``; it only ever chooses among themes with some keyword
   evidence unless the text has none at all.
3. What neither claims stays **unmatched** (``theme=None``): the raw material for
   emerging-theme discovery (:mod:`bankpm_core.complaints.emerging`).

Deterministic: no random initialisation anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np

from bankpm_core.complaints.taxonomy import Taxonomy
from bankpm_core.complaints.vectors import TfidfVectorizer, char_ngrams

_LATIN = re.compile(r"[a-z]")


@dataclass(frozen=True)
class Prediction:
    theme: str | None
    method: str  # "rule", "model", "unmatched"
    score: float  # rule score, or cosine similarity for the model
    rule_scores: tuple[tuple[str, float], ...] = ()


class RuleScorer:
    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self.codes = list(taxonomy.themes)

    def scores(self, text: str) -> np.ndarray:
        low = text.lower()
        latin = _LATIN.search(low) is not None
        out = np.zeros(len(self.codes))
        for i, code in enumerate(self.codes):
            out[i] = sum(t.weight for t in self.taxonomy.themes[code].terms if t.found(low, latin))
        return out


class CentroidModel:
    """Nearest centroid on TF-IDF character n-grams (cosine)."""

    def __init__(self, codes: Sequence[str]) -> None:
        self.codes = list(codes)
        self.vectorizer = TfidfVectorizer(partial(char_ngrams, low=2, high=3), min_df=1)
        self.centroids = np.zeros((0, 0))

    def fit(self, texts: Sequence[str], labels: Sequence[str], corpus: Sequence[str]) -> None:
        """Centroids from labelled ``texts``; idf from ``corpus`` (labelled + unlabelled)."""
        self.vectorizer.fit(list(corpus) + list(texts))
        x = self.vectorizer.transform(texts)
        labels_arr = np.array(labels)
        cents = np.zeros((len(self.codes), x.n_features))
        for i, code in enumerate(self.codes):
            rows = np.flatnonzero(labels_arr == code)
            if rows.size:
                c = x.mean(rows)
                cents[i] = c / (np.linalg.norm(c) or 1.0)
        self.centroids = cents

    def similarities(self, texts: Sequence[str]) -> np.ndarray:
        x = self.vectorizer.transform(texts)
        return x.dot(self.centroids.T)


class Classifier:
    """Rules + nearest-centroid; ``learned=False`` gives the rules alone (for comparison)."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        *,
        learned: bool = True,
        margin: float = 2.0,
        min_similarity: float = 0.22,
        min_self_training: int = 3,
        min_lift: float = 1.5,
    ) -> None:
        self.taxonomy = taxonomy
        self.rules = RuleScorer(taxonomy)
        self.codes = self.rules.codes
        self.learned = learned
        self.margin = margin
        self.min_similarity = min_similarity
        self.min_self_training = min_self_training
        self.min_lift = min_lift  # a text with no keyword must stand out for one centroid

    def classify(self, texts: Sequence[str]) -> list[Prediction]:
        if not texts:
            return []
        scores = np.vstack([self.rules.scores(t) for t in texts])
        order = np.argsort(-scores, axis=1, kind="stable")
        top = scores[np.arange(len(texts)), order[:, 0]]
        second = scores[np.arange(len(texts)), order[:, 1]] if scores.shape[1] > 1 else 0 * top
        clear = (top >= self.taxonomy.min_score) & (top - second >= self.margin)
        sims = self._model_similarities(texts, clear, order[:, 0]) if self.learned else None
        out = []
        for i in range(len(texts)):
            evidence = tuple(
                (self.codes[j], float(scores[i, j])) for j in order[i] if scores[i, j] > 0
            )
            if clear[i]:
                out.append(Prediction(self.codes[order[i, 0]], "rule", float(top[i]), evidence))
                continue
            if top[i] >= self.taxonomy.min_score:
                # close call between themes with real evidence: the model (or the top score) decides
                close = scores[i] >= top[i] - self.margin + 1e-9
                if sims is not None:
                    j = int(np.argmax(np.where(close, sims[i], -np.inf)))
                    out.append(Prediction(self.codes[j], "model", float(sims[i, j]), evidence))
                else:
                    out.append(Prediction(self.codes[order[i, 0]], "rule", float(top[i]), evidence))
                continue
            if sims is not None:
                allowed = scores[i] > 0 if top[i] > 0 else np.ones(len(self.codes), dtype=bool)
                j = int(np.argmax(np.where(allowed, sims[i], -np.inf)))
                threshold = self.min_similarity * (0.8 if top[i] > 0 else 1.0)
                lift = sims[i, j] / (float(np.mean(sims[i])) or 1.0)
                if sims[i, j] >= threshold and (top[i] > 0 or lift >= self.min_lift):
                    out.append(Prediction(self.codes[j], "model", float(sims[i, j]), evidence))
                    continue
            out.append(Prediction(None, "unmatched", float(top[i]), evidence))
        return out

    def _model_similarities(
        self, texts: Sequence[str], clear: np.ndarray, best: np.ndarray
    ) -> np.ndarray:
        train_texts: list[str] = []
        train_labels: list[str] = []
        for code, theme in self.taxonomy.themes.items():
            train_texts.extend(theme.examples)
            train_labels.extend([code] * len(theme.examples))
        for i in np.flatnonzero(clear):
            train_texts.append(texts[i])
            train_labels.append(self.codes[best[i]])
        model = CentroidModel(self.codes)
        model.fit(train_texts, train_labels, texts)
        return model.similarities(texts)


def classify_texts(
    taxonomy: Taxonomy, texts: Sequence[str], learned: bool = True
) -> list[str | None]:
    """Theme codes (None = unmatched) for ``texts``; a convenience for benchmarks."""
    return [p.theme for p in Classifier(taxonomy, learned=learned).classify(texts)]
