"""The `bankpm` command: init, demo, ask, chat, catalog check (+ plug-in commands).

Like datasette's `serve --get`, `bankpm ask` runs one question through the whole
assistant and exits non-zero on failure, so scripts and CI can rely on it.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from bankpm_core.clock import Clock, FixedClock, SystemClock
from bankpm_core.config import Settings
from bankpm_core.errors import BankpmError
from console.common import _fail, _settings

app = typer.Typer(
    help="bankpm — 银行产品经理的数据与知识助手 / decision support for bank PMs",
    no_args_is_help=True,
)
catalog_app = typer.Typer(help="Metric catalog tools.")
app.add_typer(catalog_app, name="catalog")

TodayOpt = Annotated[
    str | None,
    typer.Option(
        "--today", help="Pretend today is this date (YYYY-MM-DD); default: the real date."
    ),
]


def _clock(settings: Settings, today: str | None) -> Clock:
    if not today:
        return SystemClock(settings.tz)
    try:
        day = date.fromisoformat(today)
    except ValueError as exc:
        typer.echo(f"--today must be YYYY-MM-DD, got {today!r}", err=True)
        raise typer.Exit(2) from exc
    return FixedClock(datetime.combine(day, time(9, 0), tzinfo=settings.tz))


@app.command()
def init(
    scale: Annotated[
        float, typer.Option(help="Sample-bank size multiplier (12 ≈ 5M loan-month rows).")
    ] = 1.0,
    seed: Annotated[
        int | None, typer.Option(help="Generator seed (default: BANKPM_SAMPLE_SEED).")
    ] = None,
    months: Annotated[int, typer.Option(help="Months of history.")] = 36,
    force: Annotated[
        bool, typer.Option("--force", help="Rebuild even if the data dir is initialised.")
    ] = False,
    skip_docs: Annotated[
        bool, typer.Option("--skip-docs", help="Do not index the bundled knowledge.")
    ] = False,
    today: TodayOpt = None,
) -> None:
    """Build the sample bank (示例银行) and index the bundled knowledge in the data dir."""
    from bankpm_core.setup import initialise

    settings = _settings()
    clock = _clock(settings, today)
    try:
        report = initialise(
            settings,
            clock,
            scale=scale,
            seed=seed,
            months=months,
            force=force,
            index_docs=not skip_docs,
            echo=lambda m: typer.echo(m, err=True),
        )
    except BankpmError as exc:
        _fail(exc)
    typer.echo(json.dumps(report, ensure_ascii=False, default=str, indent=2))


def _assistant(settings: Settings, clock: Clock) -> Any:
    from bankpm_core.bootstrap import build_assistant

    try:
        return build_assistant(settings, clock)
    except BankpmError as exc:
        _fail(exc, settings.language)


def _print_answer(answer: Any, as_json: bool, explain: bool, settings: Settings) -> None:
    if as_json:
        typer.echo(json.dumps(answer.to_json_dict(), ensure_ascii=False, default=str))
        return
    from console.render import render

    console = Console()
    render(answer, console, chart_dir=settings.data_dir / "charts")
    if explain and answer.sql:
        console.print("SQL:", style="bold")
        for stmt in answer.sql:
            console.print(stmt, markup=False, highlight=False)


@app.command()
def ask(
    question: Annotated[
        str | None, typer.Argument(help="The question, in Chinese or English.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the JSON answer.")] = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show the SQL that produced the numbers.")
    ] = False,
    batch: Annotated[
        Path | None, typer.Option("--batch", help='JSON-lines file of {"question": …}.')
    ] = None,
    today: TodayOpt = None,
) -> None:
    """Answer one question (or a batch) and exit; non-zero exit if any answer is an error."""
    settings = _settings()
    assistant = _assistant(settings, _clock(settings, today))
    if batch is not None:
        failed = _run_batch(assistant, batch)
        raise typer.Exit(1 if failed else 0)
    if not question:
        typer.echo("Give a question, or --batch FILE.", err=True)
        raise typer.Exit(2)
    answer = assistant.ask(question)
    _print_answer(answer, as_json, explain, settings)
    raise typer.Exit(0 if answer.ok else 1)


def _run_batch(assistant: Any, path: Path) -> int:
    failed = 0
    source = sys.stdin if str(path) == "-" else path.open(encoding="utf-8")
    with source:
        for lineno, line in enumerate(source, 1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                question = item["question"] if isinstance(item, dict) else None
                if not isinstance(question, str):
                    raise ValueError("needs a string field 'question'")
            except (ValueError, KeyError) as exc:
                failed += 1
                err = {
                    "line": lineno,
                    "error": {"code": "bad_input", "message": f"line {lineno}: {exc}"},
                }
                typer.echo(json.dumps(err, ensure_ascii=False))
                continue
            answer = assistant.ask(question)
            failed += 0 if answer.ok else 1
            out = answer.to_json_dict()
            if isinstance(item, dict) and "id" in item:
                out["id"] = item["id"]
            typer.echo(json.dumps(out, ensure_ascii=False, default=str))
    return failed


@app.command()
def chat(today: TodayOpt = None) -> None:
    """Interactive chat in the terminal (type a number to run a suggested follow-up)."""
    from console.chat import run_chat

    settings = _settings()
    run_chat(_assistant(settings, _clock(settings, today)), settings)


@app.command()
def demo(today: TodayOpt = None) -> None:
    """Initialise the data dir if needed, then start the chat."""
    from bankpm_core.setup import initialise, is_initialised

    settings = _settings()
    clock = _clock(settings, today)
    if not is_initialised(settings):
        try:
            initialise(settings, clock, echo=lambda m: typer.echo(m, err=True))
        except BankpmError as exc:
            _fail(exc)
    from console.chat import run_chat

    run_chat(_assistant(settings, clock), settings)


@catalog_app.command("check")
def catalog_check(
    path: Annotated[Path | None, typer.Argument(help="Catalog YAML (default: configured).")] = None,
) -> None:
    """Validate the metric catalog and list every problem at once."""
    import yaml

    from bankpm_core.metrics.catalog import parse_catalog

    settings = _settings()
    target = path or settings.resolved_catalog_path
    try:
        raw = yaml.safe_load(target.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        typer.echo(f"cannot read {target}: {exc}", err=True)
        raise typer.Exit(1) from exc
    catalog, problems = parse_catalog(raw)
    if problems:
        typer.echo(f"{target}: {len(problems)} problem(s)")
        for p in problems:
            typer.echo(f"  - {p}")
        raise typer.Exit(1)
    typer.echo(
        f"{target}: OK — {len(catalog.metrics)} metrics, {len(catalog.tables)} tables, "
        f"{len(catalog.dimensions)} dimensions, {len(catalog.rollups)} rollups"
    )


@catalog_app.command("list")
def catalog_list(lang: Annotated[str, typer.Option(help="zh or en")] = "zh") -> None:
    """List metrics with their names, units and definitions."""
    from bankpm_core.metrics.catalog import load_catalog

    settings = _settings()
    catalog = load_catalog(settings.resolved_catalog_path)
    for metric in catalog.metrics.values():
        typer.echo(
            f"{metric.code:24} {metric.name(lang)} [{metric.unit}] — {metric.description(lang)}"
        )


def _register_plugins() -> None:
    """Commands that live beside their adapters (knowledge, bot) register themselves."""
    from console import bot_cli, knowledge_cli

    app.add_typer(knowledge_cli.ingest_app, name="ingest")
    app.add_typer(knowledge_cli.knowledge_app, name="knowledge")
    knowledge_cli.register(app)
    bot_cli.register(app)


_register_plugins()


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
