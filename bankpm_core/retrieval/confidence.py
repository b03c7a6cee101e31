"""The refusal score: how sure are we that the top passage answers the question?

A logistic combination of independent signals about the best passage:

* ``dense_plain`` — cosine similarity to the user's own words (not the expansion);
* ``coverage`` — IDF-weighted share of the question's concepts the passage contains;
* ``missing`` — specificity of the most specific concept it does *not* contain
  (unanswerable questions usually hinge on one term the corpus lacks: 存款保险, FDIC…);
* ``agreement`` — whether dense and lexical retrieval both put it near the top;
* ``margin`` — how far it is ahead of the runner-up;
* ``fused`` — its fused retrieval score (without the ranking priors);
* ``oov`` — share of the question's weight in words the knowledge base never uses.

Weights were fitted and the threshold calibrated on the *dev* split of
bench/retrieval_questions.yaml (`bench/bench_retrieval.py --fit`); the bench reports
the held-out test split.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from bankpm_core.retrieval.types import Passage

FEATURES = ("dense_plain", "coverage", "missing", "agreement", "margin", "fused", "oov")
#: Logistic weights (bias first), fitted on the dev split — see module docstring.
WEIGHTS: dict[str, float] = {
    "bias": -4.3,
    "dense_plain": 0.78,
    "coverage": 2.98,
    "missing": -0.54,
    "agreement": 1.81,
    "margin": 0.5,
    "fused": 1.97,
    "oov": -0.38,
}
#: Calibrated on the dev split: false refusals ≤ 5 % there.
REFUSAL_THRESHOLD = 0.313


def agreement(p: Passage) -> float:
    """1 when both retrievers rank the unit first, falling towards 0 further down."""
    d = p.features.get("dense_rank", 999.0)
    lx = p.features.get("lex_rank", 999.0)
    return 0.5 * (1.0 / (1.0 + d / 2.0)) + 0.5 * (1.0 / (1.0 + lx / 2.0))


def feature_vector(passages: Sequence[Passage]) -> dict[str, float]:
    top = passages[0]
    f = top.features
    runner_up = passages[1].score if len(passages) > 1 else top.score - 0.2
    return {
        "dense_plain": f.get("dense_plain", f.get("dense", 0.0)),
        "coverage": f.get("coverage", 0.0),
        "missing": f.get("missing", 0.0),
        "agreement": agreement(top),
        "margin": max(0.0, min(0.3, top.score - runner_up)),
        "fused": top.score - f.get("prior", 0.0),
        "oov": f.get("oov", 0.0),
    }


def confidence(passages: Sequence[Passage], weights: dict[str, float] | None = None) -> float:
    if not passages:
        return 0.0
    w = weights or WEIGHTS
    x = feature_vector(passages)
    z = w["bias"] + sum(w[k] * x[k] for k in FEATURES)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
