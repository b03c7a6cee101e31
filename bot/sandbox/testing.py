"""Helpers for driving a real python-telegram-bot Application against the sandbox.

They keep tests of the bot short: build the Application exactly as production
does but pointed at the sandbox, and run polling inside an ``async with``.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from telegram.ext import Application, ApplicationBuilder

from bot.sandbox.server import SandboxServer


def application_builder(server: SandboxServer, token: str | None = None) -> ApplicationBuilder:
    """An ``ApplicationBuilder`` with token, ``base_url`` and ``base_file_url`` set for ``server``."""
    return (
        ApplicationBuilder()
        .token(token or server.token)
        .base_url(server.api_prefix)
        .base_file_url(server.file_prefix)
    )


@contextlib.asynccontextmanager
async def polling(app: Application, *, timeout: int = 5) -> AsyncIterator[Application]:
    """Initialise ``app``, poll the sandbox (long polling, no interval), stop cleanly on exit."""
    async with app:
        await app.updater.start_polling(poll_interval=0, timeout=timeout)
        await app.start()
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()
