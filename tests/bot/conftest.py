"""End-to-end fixtures: the REAL bot Application polling the sandbox over HTTP, answering
with the REAL Assistant on a small sample bank (scale 0.05) built once per session.

Each test creates its own users (fresh ids), so tests do not see each other's chats;
faults are cleared after every test.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
from pydantic import SecretStr

from bankpm_core.answer import Answer, TextBlock
from bankpm_core.assistant import Assistant
from bankpm_core.clock import FixedClock
from bankpm_core.config import Settings
from bankpm_core.users import Role, UserContext
from bot.app import build_application, build_services, polling
from bot.context import Services
from bot.sandbox import Message, SandboxServer

os.environ.setdefault("PTB_TIMEDELTA", "true")  # as bot.app sets it: no PTB deprecation noise
TOKEN = "1000001:SANDBOX-bankpm-e2e"
BOT_USERNAME = "bankpm_e2e_bot"
TZ = ZoneInfo("Asia/Shanghai")
CLOCK = FixedClock(datetime(2026, 11, 29, 10, 0, tzinfo=TZ))
LONG_QUESTION = "please give me the long report"
TIMEOUT = 20.0  # generous for a loaded CI machine; waits end as soon as the reply arrives


def knowledge_installed() -> bool:
    return importlib.util.find_spec("bankpm_core.capabilities.knowledge") is not None


def _initialise(settings: Settings) -> None:
    from bankpm_core.setup import initialise

    initialise(settings, CLOCK, scale=0.05, index_docs=knowledge_installed())


@pytest.fixture(scope="session")
def bot_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    data_dir = tmp_path_factory.mktemp("bot-bank")
    settings = Settings(
        data_dir=data_dir,
        telegram_token=SecretStr(TOKEN),
        rate_limit_per_minute=1000,
        language="zh",
        _env_file=None,  # type: ignore[call-arg]
    )
    _initialise(settings)
    return settings


class LongAnswers:
    """The real Assistant, plus one canned 10,000+ character answer for the split test."""

    def __init__(self, inner: Assistant) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def ask(self, question: str, user: UserContext | None = None, **kw: Any) -> Answer:
        if question.strip().lower() != LONG_QUESTION:
            return self._inner.ask(question, user, **kw)
        blocks = [TextBlock(kind="headline", text="Long report <A&B>")]
        blocks += [
            TextBlock(
                text=f"Section {n}: overdue rate 逾期率 < 3% & rising 😀. " + "lorem ipsum " * 40
            )
            for n in range(20)
        ]
        return Answer(question=question, language="en", intent="help", blocks=blocks)


@pytest.fixture(scope="session")
def assistant(bot_settings: Settings) -> LongAnswers:
    from bankpm_core.bootstrap import build_assistant

    return LongAnswers(build_assistant(bot_settings, CLOCK))


@dataclass
class BotHarness:
    sandbox: SandboxServer
    app: Any
    services: Services
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(20_001))
    group_ids: Iterator[int] = field(default_factory=lambda: itertools.count(-100_500, -1))
    username: str = BOT_USERNAME
    long_question: str = LONG_QUESTION
    timeout: float = TIMEOUT

    @property
    def world(self) -> Any:
        return self.sandbox.world

    def user(self, role: Role | None = "pm", *, lang: str = "zh-hans", name: str = "王芳") -> int:
        """A new sandbox user, allowed with ``role`` (None: unknown to the bot)."""
        user = self.world.create_user(name, id=next(self.ids), language_code=lang)
        if role is not None:
            self.services.access = self.services.access.with_users({user.id: role})
        return int(user.id)

    def group(self, members: list[int], role: Role | None = "pm") -> int:
        chat_id = next(self.group_ids)
        self.world.create_chat("PM 团队", id=chat_id, members=members)
        if role is not None:
            chats = {**self.services.access.chats, chat_id: role}
            self.services.access = type(self.services.access)(
                dict(self.services.access.users), chats
            )
        return chat_id

    async def ask(
        self, user_id: int, text: str, count: int = 1, *, chat_id: int | None = None, **kw: Any
    ) -> list[Message]:
        sent = self.world.post_message(user_id, text, chat_id=chat_id, **kw)
        return await self.replies(chat_id or user_id, count, after=sent)

    async def replies(self, chat_id: int, count: int, *, after: Any) -> list[Message]:
        return await self.world.wait_for_bot_messages(chat_id, count, timeout=TIMEOUT, after=after)

    def audit(self, user_id: int) -> list[dict[str, Any]]:
        return [r for r in self.services.audit.rows() if r["user_id"] == str(user_id)]


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def harness(bot_settings: Settings, assistant: LongAnswers) -> AsyncIterator[BotHarness]:
    services = build_services(bot_settings, assistant)  # type: ignore[arg-type]
    async with SandboxServer(TOKEN, bot_username=BOT_USERNAME, strict_html=True) as sandbox:
        app = build_application(
            bot_settings, services, base_url=sandbox.api_prefix, base_file_url=sandbox.file_prefix
        )
        async with polling(app, poll_timeout=2):
            yield BotHarness(sandbox, app, services)
    services.close()


@pytest_asyncio.fixture(loop_scope="session")
async def bot(harness: BotHarness) -> AsyncIterator[BotHarness]:
    """The session's running bot, with faults cleared after each test."""
    yield harness
    harness.sandbox.faults.clear()
