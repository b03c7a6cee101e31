"""The interactive console chat: read a line, ask the assistant, render the answer."""

from __future__ import annotations

from rich.console import Console

from bankpm_core.assistant import Assistant
from bankpm_core.config import Settings
from console.render import render

BANNER = (
    "示例银行 产品经理助手 / Example Bank PM assistant\n"
    "输入问题（中文或英文），输入序号运行建议的追问，输入 exit 退出。\n"
    "Type a question (Chinese or English), a number to run a suggestion, or 'exit'."
)


def run_chat(assistant: Assistant, settings: Settings, console: Console | None = None) -> None:
    console = console or Console()
    console.print(BANNER, style="bold cyan", markup=False)
    pending: list[str] = []
    while True:
        try:
            line = console.input("[bold green]> [/]").strip()
        except (EOFError, KeyboardInterrupt):
            console.print()
            return
        if line.lower() in {"exit", "quit", "q", "退出"}:
            return
        if line.isdigit() and 1 <= int(line) <= len(pending):
            line = pending[int(line) - 1]
            console.print(f"» {line}", style="dim", markup=False)
        if not line:
            continue
        answer = assistant.ask(line)
        render(answer, console, chart_dir=settings.data_dir / "charts")
        pending = [s.question for s in (answer.options or answer.suggestions) if s.question]
