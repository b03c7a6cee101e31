"""Fixtures: a running sandbox, a raw HTTP client, and a real PTB Application on it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sandbox_helpers import (
    BOT_USERNAME,
    TOKEN,
    Harness,
    add_test_handlers,
    build_app,
    run_polling,
    stop_polling,
)

from bot.sandbox import SandboxServer


@pytest.fixture
async def sandbox() -> AsyncIterator[SandboxServer]:
    async with SandboxServer(TOKEN, bot_username=BOT_USERNAME) as server:
        yield server


@pytest.fixture
async def http(sandbox: SandboxServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=sandbox.url, timeout=10) as client:
        yield client


@pytest.fixture
async def harness(sandbox: SandboxServer) -> AsyncIterator[Harness]:
    """A real Application polling the sandbox with the test handlers."""
    app = build_app(sandbox)
    result = Harness(app)
    add_test_handlers(app, result)
    async with app:
        await run_polling(app)
        yield result
        await stop_polling(app)
