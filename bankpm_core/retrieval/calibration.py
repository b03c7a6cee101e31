"""Fit the refusal threshold on a bank's own list of questions.

The built-in threshold was calibrated on public regulations (2.8k articles). The
score's scale moves with the corpus — a dozen short product manuals give higher
fused scores and smaller margins than thousands of articles — so a threshold
that keeps false refusals at 5 % there refuses too little, or too much, on a
bank's own documents. The fix is the bank's own evidence: a list of questions
its staff ask, labelled answerable or not (``bankpm knowledge calibrate FILE``).

The rule is the one the bench uses: the highest threshold at which at most
``max_false_refusals`` of the answerable questions are refused — lowered as far as
it refuses no fewer of the unanswerable ones (a false refusal that buys no refusal
is no trade; see fit_threshold).
Because a threshold fitted and measured on the same list flatters itself, the
report also gives a k-fold cross-validated estimate: fit on four fifths, measure
on the fifth left out — what to expect on the next question.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bankpm_core.errors import BadInputError
from bankpm_core.retrieval.question_sets import answers_it

if TYPE_CHECKING:
    from bankpm_core.clock import Clock
    from bankpm_core.knowledge_qa import KnowledgeBase
    from bankpm_core.retrieval.question_sets import LabelledQuestion

CALIBRATION_FILE = "refusal_calibration.json"
#: Fewer answerable questions than this cannot place a 5 % quantile anywhere useful.
MIN_ANSWERABLE = 10
FOLDS = 5


@dataclass(frozen=True)
class Calibration:
    """A fitted threshold and the evidence for it (saved as JSON in the data dir)."""

    threshold: float
    max_false_refusals: float
    answerable: int
    unanswerable: int
    refused: float | None  # share of the unanswerable refused, on the list itself
    false_refusals: float  # share of the answerable refused, on the list itself
    cv_refused: float | None  # the same two, cross-validated (None: too few questions)
    cv_false_refusals: float | None
    chunks: int  # size of the index it was fitted on: a much larger index calls for a refit
    source: str
    calibrated_at: str
    # where the list names the passage that answers (QUESTIONS.md tables do): how many,
    # and how often search puts it first / in the top 5 — the bank's own retrieval check
    named: int = 0
    found_first: int = 0
    found_top5: int = 0

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2), "utf-8")
        tmp.replace(path)  # never a half-written file beside a running bot

    @classmethod
    def load(cls, path: Path) -> Calibration | None:
        """The saved calibration, or None when there is none or it cannot be read."""
        try:
            data = json.loads(path.read_text("utf-8"))
            cal = cls(**data)
        except (OSError, ValueError, TypeError):
            return None
        if not 0.0 <= cal.threshold <= 1.0:
            return None
        return cal

    def is_stale(self, chunks_now: int) -> bool:
        """The index changed size by more than a fifth since the fit."""
        return abs(chunks_now - self.chunks) > 0.2 * max(self.chunks, 1)


def fit_threshold(
    answerable_scores: Sequence[float],
    max_false_refusals: float,
    unanswerable_scores: Sequence[float] = (),
) -> float:
    """The highest threshold refusing at most ``max_false_refusals`` of the answerable
    scores (refuse when score < threshold), placed midway to the next score so that a new
    answerable question scoring just under the last one kept is not refused.

    Given unanswerable scores too, the lowest such threshold that refuses as many of them:
    where a higher threshold refuses more answerable questions and no more unanswerable
    ones, it buys nothing — most unanswerable questions are refused for a name the
    documents never use (HybridSearcher.absent_names), whatever the threshold."""
    if not answerable_scores:
        raise ValueError("no answerable scores")
    a = sorted(answerable_scores)
    allowed = math.floor(max_false_refusals * len(a) + 1e-9)

    def at(k: int) -> float:
        if k == 0:
            return a[0]
        if k >= len(a):
            return a[-1]
        return (a[k - 1] + a[k]) / 2.0

    best = at(allowed)
    if not unanswerable_scores:
        return best
    most = sum(s < best for s in unanswerable_scores)
    return next(
        at(k) for k in range(allowed + 1) if sum(s < at(k) for s in unanswerable_scores) >= most
    )


def rates(
    threshold: float, answerable: Sequence[float], unanswerable: Sequence[float]
) -> tuple[float | None, float]:
    """(share of unanswerable refused, share of answerable refused) at this threshold."""
    refused = sum(s < threshold for s in unanswerable) / len(unanswerable) if unanswerable else None
    false_refusals = sum(s < threshold for s in answerable) / len(answerable)
    return refused, false_refusals


def cross_validate(
    answerable: Sequence[float],
    unanswerable: Sequence[float],
    max_false_refusals: float,
    folds: int = FOLDS,
) -> tuple[float | None, float] | None:
    """Pooled out-of-fold rates; folds are every k-th question, so the split is fixed."""
    if len(answerable) < folds * 2:
        return None
    refused = false_ref = 0
    for k in range(folds):
        train = [s for i, s in enumerate(answerable) if i % folds != k]
        held_in = [s for i, s in enumerate(unanswerable) if i % folds != k]
        thr = fit_threshold(train, max_false_refusals, held_in)
        false_ref += sum(s < thr for i, s in enumerate(answerable) if i % folds == k)
        refused += sum(s < thr for i, s in enumerate(unanswerable) if i % folds == k)
    return (refused / len(unanswerable) if unanswerable else None), false_ref / len(answerable)


def assess(
    kb: KnowledgeBase, questions: Sequence[LabelledQuestion]
) -> list[tuple[float, int | None]]:
    """Per question: its answer-or-refuse score, exactly as ``ground`` computes it, and
    the rank (1–8) of the passage the list names as the answer, or None (not named, or
    not among the eight that ``ground`` reads)."""
    out = []
    for q in questions:
        passages = kb.search(q.text, k=8)
        rank = next(
            (i for i, p in enumerate(passages, 1) if answers_it(q, p.source, p.section, p.chapter)),
            None,
        )
        out.append((kb.answerability(q.text, passages)[0], rank))
    return out


def calibrate(
    kb: KnowledgeBase,
    questions: Sequence[LabelledQuestion],
    clock: Clock,
    source: str,
    max_false_refusals: float = 0.05,
) -> Calibration:
    """Score every question on the current index and fit the threshold to them."""
    if not 0.0 <= max_false_refusals < 0.5:
        raise BadInputError(
            "可接受的误拒率应在 0 到 0.5 之间", "max false refusals must be between 0 and 0.5"
        )
    n_ans = sum(q.answerable for q in questions)
    if n_ans < MIN_ANSWERABLE:
        raise BadInputError(
            f"至少需要 {MIN_ANSWERABLE} 个可回答的问题才能校准（现有 {n_ans} 个）",
            f"calibration needs at least {MIN_ANSWERABLE} answerable questions ({n_ans} given)",
            [
                "列出同事实际会问、文件里有答案的问题 / list questions colleagues ask that the "
                "documents answer"
            ],
        )
    if kb.is_empty():
        raise BadInputError(
            "知识库为空：请先 bankpm ingest docs",
            "the index is empty: run bankpm ingest docs first",
        )
    assessed = assess(kb, questions)
    scores = [score for score, _rank in assessed]
    ranks = [rank for (_score, rank), q in zip(assessed, questions, strict=True) if q.document]
    ans = [s for s, q in zip(scores, questions, strict=True) if q.answerable]
    unans = [s for s, q in zip(scores, questions, strict=True) if not q.answerable]
    threshold = round(fit_threshold(ans, max_false_refusals, unans), 4)
    refused, false_refusals = rates(threshold, ans, unans)
    cv = cross_validate(ans, unans, max_false_refusals)
    return Calibration(
        threshold=threshold,
        max_false_refusals=max_false_refusals,
        answerable=len(ans),
        unanswerable=len(unans),
        refused=refused,
        false_refusals=false_refusals,
        cv_refused=cv[0] if cv else None,
        cv_false_refusals=cv[1] if cv else None,
        chunks=kb.index.store.count(),
        source=source,
        calibrated_at=clock.now().isoformat(timespec="seconds"),
        named=len(ranks),
        found_first=sum(r == 1 for r in ranks),
        found_top5=sum(r is not None and r <= 5 for r in ranks),
    )
