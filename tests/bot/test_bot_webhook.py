"""Webhook mode, end to end: the REAL Application started by ``bot.app.run_webhook`` (what
`bankpm serve` runs when BANKPM_WEBHOOK_URL is set), the sandbox delivering updates to it
over HTTP with the secret token header, and the REAL Assistant answering.

``run_webhook`` is blocking and installs signal handlers, which only works in the main
thread, so here the sandbox runs in a thread of its own (``start_in_thread``) and the
simulated user is a driver thread; the bot runs on a fresh event loop in the test's
thread, exactly as in production, until the driver stops it. Every wait is on a
condition with a timeout, never on time.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
from pydantic import SecretStr

from bankpm_core.config import Settings
from bot.app import ALLOWED_UPDATES, build_application, build_services, run_webhook
from bot.sandbox import SandboxServer
from tests.bot.conftest import BOT_USERNAME, TIMEOUT, TOKEN, LongAnswers

SECRET = "bankpm-webhook_S3cret"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
METRIC_QUESTION = "闪借近12个月逾期率趋势"


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def fresh_event_loop() -> Iterator[asyncio.AbstractEventLoop]:
    """A new current event loop for PTB's ``run_webhook`` (which closes it), so the
    session loop of the other end-to-end tests is neither reused nor closed."""
    # The thread's current loop, read without creating one (get_event_loop() would).
    local = getattr(asyncio.get_event_loop_policy(), "_local", None)
    previous: asyncio.AbstractEventLoop | None = getattr(local, "_loop", None)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        if not loop.is_closed():
            loop.close()
        asyncio.set_event_loop(previous)


def forged_update(user_id: int, text: str, update_id: int) -> dict[str, Any]:
    """A well-formed private-chat command update, as Telegram would POST it."""
    person = {"id": user_id, "first_name": "王芳", "language_code": "zh-hans"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": 900_000 + update_id % 1000,
            "date": int(time.time()),
            "chat": {**person, "type": "private"},
            "from": {**person, "is_bot": False},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


def test_webhook_mode_end_to_end(bot_settings: Settings, assistant: LongAnswers) -> None:
    port = free_loopback_port()
    webhook_url = f"http://127.0.0.1:{port}/telegram/webhook"
    settings = bot_settings.model_copy(
        update={
            "webhook_url": webhook_url,
            "webhook_port": port,
            "webhook_secret": SecretStr(SECRET),
        }
    )
    sandbox = SandboxServer(TOKEN, bot_username=BOT_USERNAME, strict_html=True)
    sandbox.start_in_thread()
    services = build_services(settings, assistant)  # type: ignore[arg-type]
    world = sandbox.world
    results: dict[str, Any] = {}
    errors: list[BaseException] = []
    bot_finished = threading.Event()

    def wait(predicate: Callable[[], Any], what: str) -> Any:
        return sandbox.run(world.wait_for(predicate, TIMEOUT, what), timeout=TIMEOUT + 5)

    def replies(chat_id: int, count: int, after: Any) -> list[Any]:
        return sandbox.run(
            world.wait_for_bot_messages(chat_id, count, timeout=TIMEOUT, after=after),
            timeout=TIMEOUT + 5,
        )

    def user_story(app: Any, loop: asyncio.AbstractEventLoop) -> None:
        try:
            wait(lambda: sandbox.bot.webhook and app.running, "the bot's webhook to be set")
            user = sandbox.call(world.create_user, "王芳", id=30_001, language_code="zh-hans")
            uid = int(user.id)
            services.access = services.access.with_users({uid: "pm"})

            sent = sandbox.call(world.post_message, uid, METRIC_QUESTION)
            results["metric"] = replies(uid, 2, sent)
            sent = sandbox.call(world.post_message, uid, "/start")
            (results["start"],) = replies(uid, 1, sent)

            # Straight to the bot's webhook server: without / with a wrong secret → 403.
            statuses = []
            for headers in ({}, {SECRET_HEADER: "not-the-secret"}):
                response = httpx.post(
                    webhook_url,
                    json=forged_update(uid, "/help", 1),
                    headers=headers,
                    timeout=TIMEOUT,
                )
                statuses.append(response.status_code)
            results["rejected"] = statuses
            # The same update with the right secret is accepted and answered: the header
            # was the only difference.
            response = httpx.post(
                webhook_url,
                json=forged_update(uid, "/help", 2),
                headers={SECRET_HEADER: SECRET},
                timeout=TIMEOUT,
            )
            results["accepted"] = response.status_code
            (results["help"],) = replies(uid, 1, results["start"])
            # One more round trip through the sandbox, so a wrongly accepted /help would
            # have been answered by now.
            sent = sandbox.call(world.post_message, uid, "/whoami")
            (results["whoami"],) = replies(uid, 1, sent)
            results["after_start"] = sandbox.call(world.bot_messages, uid, after=results["start"])
            results["uid"] = uid
            # Let on_startup's warm-up question finish, so the loop does not close on it.
            wait(lambda: app.bot_data["warm_up"].done(), "the warm-up question")
        except BaseException as exc:
            errors.append(exc)
        finally:
            # Stop run_webhook (Application.stop_running must run on the bot's loop).
            deadline = time.monotonic() + TIMEOUT
            while not bot_finished.wait(0.2) and time.monotonic() < deadline:
                if loop.is_running() and app.running:
                    loop.call_soon_threadsafe(app.stop_running)
                    bot_finished.wait(TIMEOUT)

    started = time.monotonic()
    try:
        app = build_application(
            settings, services, base_url=sandbox.api_prefix, base_file_url=sandbox.file_prefix
        )
        with fresh_event_loop() as loop:
            driver = threading.Thread(target=user_story, args=(app, loop), name="webhook-user")
            driver.start()
            try:
                run_webhook(app, settings)  # blocks until the driver stops it
            finally:
                bot_finished.set()
                driver.join(TIMEOUT + 10)
        calls = list(sandbox.calls)
        webhook_error = sandbox.bot.webhook_error
        audit = [r for r in services.audit.rows() if r["user_id"] == str(results.get("uid"))]
    finally:
        services.close()
        sandbox.stop_thread()
    assert not errors, errors
    assert time.monotonic() - started < 4 * TIMEOUT

    # The bot registered its webhook with the secret and never polled.
    names = [name for name, _ in calls]
    assert "getUpdates" not in names
    (set_webhook,) = [params for name, params in calls if name == "setWebhook"]
    assert set_webhook["url"] == webhook_url
    assert set_webhook["secret_token"] == SECRET
    assert sorted(json.loads(set_webhook["allowed_updates"])) == sorted(ALLOWED_UPDATES)
    assert webhook_error is None  # every sandbox delivery was accepted

    # Replies arrived through the webhook path.
    text, photo = results["metric"]
    assert "逾期率" in text.text and "数据截至" in text.text
    assert photo.photo and "逾期率" in (photo.caption or "")
    assert "您好，王芳" in (results["start"].text or "")

    # Without the right secret token: 403 and no reply; with it: exactly one reply.
    assert results["rejected"] == [403, 403]
    assert results["accepted"] == 200
    assert "/whoami" in (results["help"].text or "")
    after_start = results["after_start"]
    assert [m.message_id for m in after_start] == [
        results["help"].message_id,
        results["whoami"].message_id,
    ]
    questions = [r["question"] for r in audit]
    assert questions.count("/help") == 1
    assert questions[-1] == "/whoami"
