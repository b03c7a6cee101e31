"""`bankpm ingest docs` and `bankpm search`: the knowledge index from the command line.

Thin: parse options, call :class:`bankpm_core.knowledge_qa.KnowledgeBase`, render.
The JSON shapes printed here are public (README: "Search JSON").
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from bankpm_core.errors import BankpmError

if TYPE_CHECKING:
    from bankpm_core.knowledge_qa import KnowledgeBase
    from bankpm_core.retrieval.types import Passage

ingest_app = typer.Typer(help="Load documents and data into bankpm.", no_args_is_help=True)


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


def register(app: typer.Typer) -> None:
    """Add `search` to the main `bankpm` app (the lead mounts `ingest_app` as `ingest`)."""
    app.command("search")(search)
