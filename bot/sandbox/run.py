"""Running the sandbox as a program: demo data, serve until stopped.

``bankpm sandbox`` can call ``serve(server)`` after building the server (and
starting the real bot against ``server.api_prefix``); ``run_sandbox`` is the
blocking form used by ``python -m bot.sandbox``.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Sequence

from bot.sandbox.server import DEFAULT_TOKEN, SandboxServer
from bot.sandbox.world import World

DEMO_USERS = (
    (10_001, "王芳", "wangfang_pm", "zh-hans"),
    (10_002, "Alice", "alice_pm", "en"),
)
DEMO_GROUP = "产品经理团队 PM Team"


def seed_demo(world: World) -> None:
    """Two users (Chinese- and English-speaking) and a team group, for the chat page."""
    for user_id, first_name, username, language in DEMO_USERS:
        world.create_user(first_name, id=user_id, username=username, language_code=language)
    world.create_chat(DEMO_GROUP, members=[user_id for user_id, *_ in DEMO_USERS])


def describe(server: SandboxServer) -> str:
    """The lines a person needs to connect a bot or open the page."""
    return "\n".join(
        [
            f"sandbox chat page : {server.url}/",
            f"bot API base_url  : {server.api_prefix}   (PTB appends the token)",
            f"base_file_url     : {server.file_prefix}",
            f"token             : {server.token}",
        ]
    )


async def serve(server: SandboxServer, *, seed: bool = True) -> None:
    """Start ``server`` if needed, print where it is, and run until SIGINT/SIGTERM."""
    if seed and not server.world.users:
        seed_demo(server.world)
    if not server.running:
        await server.start()
    print(describe(server), flush=True)
    try:
        await until_stopped()
    finally:
        await server.stop()


async def until_stopped() -> None:
    """Return on SIGINT or SIGTERM (Ctrl-C), so that callers shut down cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await stop.wait()


def run_sandbox(
    host: str = "127.0.0.1",
    port: int = 8081,
    token: str | Sequence[str] = DEFAULT_TOKEN,
    *,
    seed: bool = True,
    strict_html: bool = False,
    bot_username: str | None = "bankpm_sandbox_bot",
) -> None:
    """Blocking entry point: serve on ``host:port`` with one or more bot tokens."""
    server = SandboxServer(
        token, host=host, port=port, strict_html=strict_html, bot_username=bot_username
    )
    asyncio.run(serve(server, seed=seed))
