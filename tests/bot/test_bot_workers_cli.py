"""Answer pools (threads, worker processes) and the `serve` / `audit export` commands."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from bankpm_core.answer import Answer, Chart, Suggestion, TextBlock
from bankpm_core.audit import AuditEntry, AuditLog
from bankpm_core.config import Settings
from bankpm_core.users import UserContext
from bot.workers import CHART, QUESTION, PrioritySlots, ProcessAnswers, ThreadAnswers
from console.bot_cli import register

PM = UserContext(user_id="1", role="pm")


class Echo:
    def ask(self, question: str, user: UserContext | None = None, **_: object) -> str:
        return f"{question}:{user.role if user else '-'}"


async def test_thread_answers_run_off_the_loop() -> None:
    pool = ThreadAnswers(Echo(), threads=2)
    try:
        assert await pool.ask("q", PM) == "q:pm"  # type: ignore[comparison-overlap]
        pool.refresh()
    finally:
        pool.close()


class Canned:
    """What a worker process builds instead of the real Assistant (module-level: picklable)."""

    def __init__(self, settings: Settings) -> None:
        self.language = self.default_language = settings.language

    def warm_up(self) -> None:
        """Nothing to load."""

    def ask(
        self, question: str, user: UserContext | None = None, *, draw_charts: bool = True
    ) -> Answer:
        import os

        return Answer(
            question=question,
            language=self.language,  # type: ignore[arg-type]
            intent="metric_query",
            blocks=[TextBlock(kind="headline", text=f"{question} from {os.getpid()}")],
            charts=[Chart(title="t", png=b"\x89PNG" + bytes(range(256)))],
            suggestions=[Suggestion(label="同比", question=f"{question} 同比")],
        )


async def test_process_answers_return_whole_answers(tmp_path: Path) -> None:
    import os

    pool = ProcessAnswers(Settings(data_dir=tmp_path, _env_file=None), 1, factory=Canned)  # type: ignore[call-arg]
    try:
        answer = await pool.ask("闪借逾期率", PM)
        assert answer.charts[0].png.endswith(bytes(range(256))) and answer.suggestions
        first_pid = answer.blocks[0].text.rsplit(" ", 1)[1]
        assert first_pid != str(os.getpid())  # computed in another process
        pool.refresh()  # new workers, e.g. after an upload
        again = await pool.ask("q", PM)
        assert again.blocks[0].text.rsplit(" ", 1)[1] != first_pid
    finally:
        pool.close()


def _cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """bankpm (test)"""

    register(app)
    return app


def test_commands_are_registered() -> None:
    result = CliRunner().invoke(_cli(), ["--help"])
    assert result.exit_code == 0
    for name in ("serve", "sandbox", "audit"):
        assert name in result.output


def test_audit_export_writes_csv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BANKPM_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("BANKPM_DATABASE_URL", raising=False)
    audit = AuditLog.from_url(f"sqlite:///{(tmp_path / 'bankpm.sqlite3').resolve()}")
    audit.record(AuditEntry(user_id=7, outcome="answered", question="电话 13812345678"))
    audit.close()
    out = tmp_path / "audit.csv"
    result = CliRunner().invoke(
        _cli(), ["audit", "export", "--since", "2020-01-01", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [r["question"] for r in rows] == ["电话 138****5678"]
    bad = CliRunner().invoke(_cli(), ["audit", "export", "--since", "yesterday"])
    assert bad.exit_code == 2


def test_audit_export_without_a_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BANKPM_DATA_DIR", str(tmp_path / "empty"))
    monkeypatch.delenv("BANKPM_DATABASE_URL", raising=False)
    result = CliRunner().invoke(_cli(), ["audit", "export", "--since", "2026-01-01"])
    assert result.exit_code == 1 and "nothing has been audited" in result.output


def test_serve_without_a_token_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BANKPM_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("BANKPM_TELEGRAM_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env
    result = CliRunner().invoke(_cli(), ["serve"])
    assert result.exit_code == 1 and "BANKPM_TELEGRAM_TOKEN" in result.output


async def test_waiting_questions_go_before_waiting_charts() -> None:
    """One slot busy; a chart and then two questions wait: the questions run first."""
    slots = PrioritySlots(1)
    order: list[str] = []
    gate = asyncio.Event()

    async def job(name: str, wait: bool = False) -> str:
        if wait:
            await gate.wait()
        order.append(name)
        return name

    busy = asyncio.create_task(slots.run(QUESTION, lambda: job("busy", wait=True)))
    await asyncio.sleep(0)
    chart = asyncio.create_task(slots.run(CHART, lambda: job("chart")))
    await asyncio.sleep(0)
    questions = [asyncio.create_task(slots.run(QUESTION, lambda n=n: job(f"q{n}"))) for n in (1, 2)]
    await asyncio.sleep(0)
    assert slots.waiting == 3 and order == []
    gate.set()
    await asyncio.gather(busy, chart, *questions)
    assert order == ["busy", "q1", "q2", "chart"]


async def test_a_cancelled_waiter_does_not_lose_the_slot() -> None:
    slots = PrioritySlots(1)
    gate = asyncio.Event()

    async def hold() -> None:
        await gate.wait()

    busy = asyncio.create_task(slots.run(QUESTION, hold))
    await asyncio.sleep(0)
    gone = asyncio.create_task(slots.run(QUESTION, hold))
    await asyncio.sleep(0)
    gone.cancel()
    gate.set()
    await busy
    # the slot is free again: a new job runs at once
    assert await asyncio.wait_for(slots.run(CHART, lambda: asyncio.sleep(0, "ok")), 1) == "ok"


async def test_thread_answers_draw_charts_after_the_answer(bot_settings: Settings) -> None:
    from bankpm_core.bootstrap import build_assistant

    pool = ThreadAnswers(build_assistant(bot_settings), threads=1)
    try:
        answer = await pool.ask("闪借近6个月逾期率趋势", PM)
        assert answer.charts and all(c.spec and not c.png for c in answer.charts)
        drawn = await pool.draw(answer)
        assert all(c.png.startswith(b"\x89PNG") for c in drawn.charts)
    finally:
        pool.close()
