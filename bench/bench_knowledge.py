"""What a PM gets from `bankpm ask` on the bundled knowledge: knowledge/QUESTIONS.md end to end.

Run:  .venv/bin/python bench/bench_knowledge.py [--show]

Every question in knowledge/QUESTIONS.md (section A: answerable, with the document
and heading/article that answers it; section B: not answered by the documents) goes
through ``Assistant.ask`` — routing, retrieval, the refusal score and the answer —
on a fresh index of the bundled knowledge. Reported: how many answerable questions
reach the knowledge capability, are answered (not refused), cite the right passage
first / among the citations; how many unanswerable ones are refused; latency.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from datetime import datetime  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

from bankpm_core.bootstrap import build_assistant  # noqa: E402
from bankpm_core.clock import FixedClock  # noqa: E402
from bankpm_core.config import BUNDLED_KNOWLEDGE, Settings  # noqa: E402
from bankpm_core.retrieval.calibration import assess, cross_validate, rates  # noqa: E402
from bankpm_core.retrieval.question_sets import (  # noqa: E402
    LabelledQuestion,
    answers_it,
    load_question_set,
)
from bankpm_core.setup import initialise  # noqa: E402

QUESTIONS_MD = BUNDLED_KNOWLEDGE / "QUESTIONS.md"


def _rel(source: str) -> str:
    return source.split("knowledge/")[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show", action="store_true", help="print every question's outcome")
    args = parser.parse_args(argv)
    questions = load_question_set(QUESTIONS_MD)
    clock = FixedClock(datetime(2026, 11, 29, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    with tempfile.TemporaryDirectory(prefix="bankpm-kbench-") as work:
        # what `bankpm init` does: a small sample bank and the bundled knowledge, indexed
        settings = Settings(data_dir=Path(work))
        report = initialise(settings, clock, scale=0.05, seed=7)
        print(f"indexed the bundled knowledge: {report['knowledge']}")
        return _run(questions, build_assistant(settings, clock), args.show)


def _run(questions: list[LabelledQuestion], assistant, show: bool) -> int:
    assistant.warm_up()

    answerable = [q for q in questions if q.document]
    unanswerable = [q for q in questions if not q.document]
    kb = assistant.capabilities["knowledge"].kb
    chapters = {
        (_rel(m.get("source", "")), m.get("section", "")): m.get("chapter", "")
        for m in kb.index.snapshot().meta
    }
    routed = answered = first = anywhere = refused = 0
    ranks: list[int | None] = []
    latencies = []
    for q in questions:
        t = time.perf_counter()
        answer = assistant.ask(q.text, draw_charts=False)
        latencies.append(time.perf_counter() - t)
        cited = [(_rel(c.source), c.section or "") for c in answer.citations]
        hits = [
            i
            for i, (doc, sec) in enumerate(cited)
            if answers_it(q, doc, sec, chapters.get((doc, sec), ""))
        ]
        if q.document:
            found = [(_rel(p.source), p.section, p.chapter) for p in kb.search(q.text, k=10)]
            rank = next(
                (i for i, (doc, sec, chap) in enumerate(found, 1) if answers_it(q, doc, sec, chap)),
                None,
            )
            ranks.append(rank)
            routed += answer.intent == "knowledge"
            answered += bool(answer.grounded)
            first += bool(answer.grounded) and hits[:1] == [0]
            anywhere += bool(answer.grounded) and bool(hits)
        else:
            # a refusal says it is not in the knowledge base; a number from the data or a
            # clarifying question is not one
            refused += answer.grounded is False
        if show:
            ok = (
                (bool(answer.grounded) and hits[:1] == [0])
                if q.document
                else answer.grounded is False
            )
            print(
                f"{'ok ' if ok else 'BAD'} {q.number:>3} rank={ranks[-1] if q.document else '-'} "
                f"[{answer.intent}, grounded={answer.grounded}] "
                f"{q.text[:40]} -> {cited[:2]}"
            )
    n = len(answerable)
    print(f"answerable questions: {n}")
    r1 = sum(r == 1 for r in ranks) / n
    r5 = sum(r is not None and r <= 5 for r in ranks) / n
    mrr = sum(1 / r for r in ranks if r) / n
    print(f"  search alone: R@1 {r1:.3f}  R@5 {r5:.3f}  MRR@10 {mrr:.3f}")
    print(f"  routed to knowledge       {routed}/{n} = {routed / n:.0%}")
    print(f"  answered (not refused)    {answered}/{n} = {answered / n:.0%}")
    print(f"  right passage cited first {first}/{n} = {first / n:.0%}")
    print(f"  right passage among cited {anywhere}/{n} = {anywhere / n:.0%}")
    print(
        f"unanswerable questions refused: {refused}/{len(unanswerable)} = "
        f"{refused / len(unanswerable):.0%}"
    )
    _print_calibration(kb, questions)
    print(
        f"Assistant.ask latency: p50 {1000 * statistics.median(latencies):.0f} ms, "
        f"p95 {1000 * statistics.quantiles(latencies, n=20)[-1]:.0f} ms"
    )
    return 0


def _print_calibration(kb, questions: list[LabelledQuestion]) -> None:
    """The refusal score alone (no routing), at the built-in threshold and at one a bank
    would fit on this list with `bankpm knowledge calibrate` — cross-validated, since a
    threshold measured on the questions it was fitted to flatters itself."""
    scores = [score for score, _rank in assess(kb, questions)]
    ans = [s for s, q in zip(scores, questions, strict=True) if q.answerable]
    unans = [s for s, q in zip(scores, questions, strict=True) if not q.answerable]
    refused, false_ref = rates(kb.threshold, ans, unans)
    print(
        f"refusal score alone, built-in threshold {kb.threshold:.3f}: "
        f"unanswerable refused {refused:.0%}, false refusals {false_ref:.0%}"
    )
    cv = cross_validate(ans, unans, 0.05)
    if cv and cv[0] is not None:
        print(
            f"  calibrated on this list (5-fold cross-validated): "
            f"unanswerable refused {cv[0]:.0%}, false refusals {cv[1]:.0%}"
        )


if __name__ == "__main__":
    raise SystemExit(main())
