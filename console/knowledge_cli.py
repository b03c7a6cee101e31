"""`bankpm ingest docs` and `bankpm search`: the knowledge index from the command line.

Thin: parse options, call :class:`bankpm_core.knowledge_qa.KnowledgeBase`, render.
The JSON shapes printed here are public (README: "Search JSON").
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from bankpm_core.errors import BankpmError

if TYPE_CHECKING:
    from bankpm_core.knowledge_qa import KnowledgeBase
    from bankpm_core.retrieval.calibration import Calibration
    from bankpm_core.retrieval.types import Passage

ingest_app = typer.Typer(help="Load documents and data into bankpm.", no_args_is_help=True)
knowledge_app = typer.Typer(
    help="The knowledge index: status, refusal calibration.", no_args_is_help=True
)


def _open_kb() -> KnowledgeBase:
    from bankpm_core.config import load_settings
    from bankpm_core.knowledge_qa import KnowledgeBase

    return KnowledgeBase.open(load_settings())


def _fail(exc: BankpmError) -> NoReturn:
    typer.echo(f"error: {exc.message_en}", err=True)
    raise typer.Exit(code=1)


@ingest_app.command("docs")
def ingest_docs(
    paths: Annotated[
        list[str], typer.Argument(help="Files or folders (md, txt, pdf, docx, html).")
    ],
    kind: Annotated[
        str | None, typer.Option("--kind", help="product | regulation | methodology | …")
    ] = None,
) -> None:
    """Index documents: unchanged files are skipped, changed replaced, removed deleted."""
    try:
        kb = _open_kb()
        report = kb.ingest(paths, kind=kind, progress=True)
    except BankpmError as exc:
        _fail(exc)
    for problem in report.problems:
        typer.echo(f"skipped {problem.source}: {problem.reason}", err=True)
    s = report.summary()
    rate = report.chunks_written / report.seconds if report.seconds else 0.0
    typer.echo(
        f"added {s['added']}, updated {s['updated']}, skipped {s['skipped']}, "
        f"deleted {s['deleted']}, failed {s['failed']} "
        f"({s['chunks']} chunks in {report.seconds:.1f}s, {rate:.0f} chunks/s)"
    )


def search(
    query: Annotated[str | None, typer.Argument(help="What to look for (中文 or English).")] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=50, help="How many passages.")] = 5,
    kind: Annotated[str | None, typer.Option("--kind", help="Only this document kind.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    batch: Annotated[
        Path | None,
        typer.Option(
            "--batch", help='File with one {"query": …} JSON object per line; "-" = stdin.'
        ),
    ] = None,
) -> None:
    """Search the knowledge index and print ranked passages."""
    if query is None and batch is None:
        typer.echo("error: give a query or --batch FILE", err=True)
        raise typer.Exit(code=2)
    try:
        kb = _open_kb()
        if batch is not None:
            _run_batch(kb, batch, k, kind)
            return
        assert query is not None
        passages = kb.search(query, k=k, kind=kind)
    except BankpmError as exc:
        _fail(exc)
    if as_json:
        typer.echo(json.dumps(_result(query, passages), ensure_ascii=False, indent=2))
        return
    if not passages:
        typer.echo("no results (is the index empty? run `bankpm ingest docs PATH`)")
    for i, p in enumerate(passages, start=1):
        snippet = " ".join(p.text.split())
        snippet = snippet[:160] + ("…" if len(snippet) > 160 else "")
        typer.echo(f"{i}. [{p.score:.3f}] {p.title} {p.section}  ({p.source})\n   {snippet}")


def _result(query: str, passages: list[Passage]) -> dict[str, Any]:
    return {"query": query, "results": [p.to_json_dict() for p in passages]}


def _run_batch(kb: KnowledgeBase, batch: Path, k: int, kind: str | None) -> None:
    """One JSON line in, one JSON line out; a bad line yields an error object, not a crash."""
    stream = sys.stdin if str(batch) == "-" else batch.open(encoding="utf-8")
    with stream:
        for n, line in enumerate(stream, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                q = str(item["query"])
                passages = kb.search(q, k=int(item.get("k", k)), kind=item.get("kind", kind))
                out = _result(q, passages)
            except (ValueError, KeyError, TypeError) as exc:
                out = {"line": n, "error": f"bad input line: {exc}"}
            typer.echo(json.dumps(out, ensure_ascii=False))


@knowledge_app.command("calibrate")
def calibrate(
    questions: Annotated[
        Path,
        typer.Argument(
            help="Your questions labelled answerable or not: .md (knowledge/QUESTIONS.md "
            'tables), .csv (question,answerable) or .jsonl ({"question": …, "answerable": …}).'
        ),
    ],
    max_false_refusals: Annotated[
        float,
        typer.Option("--max-false-refusals", help="Share of answerable questions it may refuse."),
    ] = 0.05,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report only; keep the current threshold.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Fit the answer-or-refuse threshold on your own questions and keep it in the data dir."""
    from bankpm_core.clock import SystemClock
    from bankpm_core.retrieval.calibration import calibrate as fit
    from bankpm_core.retrieval.question_sets import load_question_set

    try:
        labelled = load_question_set(questions)
        kb = _open_kb()
        settings = kb.settings
        before = kb.threshold
        result = fit(kb, labelled, SystemClock(settings.tz), str(questions), max_false_refusals)
    except BankpmError as exc:
        _fail(exc)
    if not dry_run:
        result.save(settings.calibration_file)
    if as_json:
        out = {**asdict(result), "previous_threshold": before, "saved": not dry_run}
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return
    typer.echo(_calibration_report(result, before, saved=not dry_run))
    if settings.refusal_threshold is not None:
        typer.echo(
            f"note: BANKPM_REFUSAL_THRESHOLD={settings.refusal_threshold} is set and wins over "
            "the calibration until you unset it",
            err=True,
        )


def _calibration_report(c: Calibration, before: float, saved: bool) -> str:
    def pct(x: float | None) -> str:
        return "n/a" if x is None else f"{x:.0%}"

    lines = [
        f"{c.answerable} answerable and {c.unanswerable} unanswerable questions, "
        f"index of {c.chunks} chunks",
        f"threshold {c.threshold:.3f} (was {before:.3f}): at most "
        f"{c.max_false_refusals:.0%} of answerable questions refused",
        f"on this list:        unanswerable refused {pct(c.refused)}, "
        f"false refusals {pct(c.false_refusals)}",
    ]
    if c.cv_false_refusals is not None:
        lines.append(
            f"cross-validated:     unanswerable refused {pct(c.cv_refused)}, "
            f"false refusals {pct(c.cv_false_refusals)}  (what to expect on new questions)"
        )
    if c.named:
        lines.append(
            f"retrieval:           the passage your list names comes first for {c.found_first} "
            f"of {c.named}, in the top 5 for {c.found_top5}"
        )
    if c.unanswerable == 0:
        lines.append("add questions the documents do NOT answer to see what the threshold refuses")
    lines.append("saved; the bot uses it from its next start" if saved else "dry run: not saved")
    return "\n".join(lines)


@knowledge_app.command("status")
def status(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """What is indexed and which refusal threshold answers use (and where it came from)."""
    from bankpm_core.retrieval.calibration import Calibration

    try:
        kb = _open_kb()
        settings = kb.settings
        chunks = kb.index.store.count()
        sources = len(kb.index.store.manifest())
        borders = kb.searcher.scope_exclusions() if chunks else []
    except BankpmError as exc:
        _fail(exc)
    calibration = Calibration.load(settings.calibration_file)
    stale = calibration is not None and calibration.is_stale(chunks)
    info: dict[str, Any] = {
        "chunks": chunks,
        "documents": sources,
        "threshold": kb.threshold,
        "threshold_origin": kb.threshold_origin,
        "calibration": asdict(calibration) if calibration else None,
        "calibration_stale": stale,
        "borders": [asdict(b) for b in borders],
        "terms_of_art": len(kb.searcher.glossary),
        "glossary": str(settings.resolved_glossary_path or "") or None,
    }
    if as_json:
        typer.echo(json.dumps(info, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{sources} documents, {chunks} chunks")
    typer.echo(f"refusal threshold {kb.threshold:.3f} ({kb.threshold_origin})")
    bank_terms = info["glossary"]
    typer.echo(
        f"terms of art: {info['terms_of_art']}"
        + (f" (bundled + {bank_terms})" if bank_terms else " (bundled)")
    )
    if calibration:
        typer.echo(
            f"calibrated {calibration.calibrated_at} on {calibration.source} "
            f"({calibration.answerable}+{calibration.unanswerable} questions, "
            f"{calibration.chunks} chunks)"
        )
    if borders:
        typer.echo("what documents say they do not cover (not answered from them):")
        for b in borders:
            typer.echo(f"  {b.subject} — {Path(b.source).name} {b.section}: {b.sentence}")
    if stale:
        typer.echo(
            "warning: the index changed size by more than a fifth since calibration; "
            "run `bankpm knowledge calibrate` again",
            err=True,
        )


def register(app: typer.Typer) -> None:
    """Add `search` to the main `bankpm` app (the lead mounts `ingest_app` as `ingest`)."""
    app.command("search")(search)
