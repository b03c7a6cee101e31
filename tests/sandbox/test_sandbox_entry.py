"""Entry points: the public names, ``python -m bot.sandbox``, and the testing helpers."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import httpx

import bot.sandbox
from bot.sandbox import SandboxServer
from bot.sandbox.testing import application_builder, polling

REPO = Path(__file__).resolve().parents[2]
PUBLIC = {
    "DEFAULT_TOKEN",
    "ApiError",
    "BotAccount",
    "CallbackQuery",
    "Chat",
    "Event",
    "Fault",
    "FaultPlan",
    "Message",
    "SandboxServer",
    "StoredFile",
    "User",
    "World",
    "run_sandbox",
    "seed_demo",
    "serve",
}


def test_public_api_is_pinned() -> None:
    assert set(bot.sandbox.__all__) == PUBLIC
    assert all(hasattr(bot.sandbox, name) for name in PUBLIC)


async def test_module_entry_point_serves_page_and_api() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.sandbox",
        "--port",
        "0",
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        assert process.stdout is not None
        first = (await asyncio.wait_for(process.stdout.readline(), 20)).decode()
        url = first.split(" : ", 1)[1].strip().rstrip("/")
        async with httpx.AsyncClient(base_url=url, timeout=5) as client:
            assert 'id="send"' in (await client.get("/")).text
            me = (await client.get(f"/bot{bot.sandbox.DEFAULT_TOKEN}/getMe")).json()
            assert me["result"]["username"] == "bankpm_sandbox_bot"
            state = (await client.get("/_sandbox/state")).json()
            assert [u["first_name"] for u in state["users"]] == ["王芳", "Alice"]
            assert state["chats"][0]["type"] == "group"
    finally:
        process.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(process.wait(), 10) == 0


async def test_testing_helpers_run_an_application() -> None:
    async with SandboxServer() as server:
        app = application_builder(server).build()
        async with polling(app):
            assert app.bot.username == server.bot.username
            assert app.updater.running
        assert not app.updater.running
