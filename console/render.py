"""Render an Answer for a terminal: the console's thin adapter (no business logic)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from rich.console import Console
from rich.table import Table as RichTable

from bankpm_core.answer import Answer, Table
from bankpm_core.formatting import format_cell

STYLES = {"headline": "bold", "paragraph": "", "note": "dim", "warning": "bold yellow"}


def rich_table(table: Table, lang: str) -> RichTable:
    out = RichTable(title=table.title or None, show_lines=False)
    for i, col in enumerate(table.columns):
        unit = table.units[i] if i < len(table.units) else None
        out.add_column(col, justify="right" if unit else "left")
    for row in table.rows:
        cells = []
        for i, value in enumerate(row):
            unit = table.units[i] if i < len(table.units) else None
            cells.append(format_cell(value, unit, lang))
        out.add_row(*cells)
    return out


def save_charts(answer: Answer, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for chart in answer.charts:
        digest = hashlib.sha256(chart.png).hexdigest()[:12]
        path = folder / f"chart-{digest}.png"
        path.write_bytes(chart.png)
        paths.append(path)
    return paths


def render(answer: Answer, console: Console, chart_dir: Path | None = None) -> None:
    lang = answer.language
    for block in answer.blocks:
        console.print(block.text, style=STYLES.get(block.kind, ""), markup=False, highlight=False)
    for table in answer.tables:
        console.print(rich_table(table, lang))
    if answer.citations:
        console.print("出处：" if lang == "zh" else "Sources:", style="bold")
        for c in answer.citations:
            section = f" {c.section}" if c.section else ""
            console.print(f"[{c.n}] {c.title}{section}", markup=False, highlight=False)
            if c.quote:
                console.print(f"    “{c.quote}”", style="dim", markup=False, highlight=False)
    if answer.charts and chart_dir is not None:
        for path in save_charts(answer, chart_dir):
            label = "图表" if lang == "zh" else "Chart"
            console.print(f"{label}: {path}", style="cyan", markup=False)
    options = answer.options or answer.suggestions
    if options:
        lead = "可以继续问：" if lang == "zh" else "You can ask next:"
        if answer.options:
            lead = "请选择：" if lang == "zh" else "Choose one:"
        console.print(lead, style="bold")
        for i, s in enumerate(options, 1):
            console.print(f"  {i}. {s.label}", markup=False, highlight=False)
