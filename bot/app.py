"""The composition root of the bot: services, the Application, and how it runs.

``build_services`` opens the core once; ``build_application`` wires handlers the way
python-telegram-bot's examples do (one place, in order); ``run_polling`` /
``run_webhook`` run it. ``polling`` is an async context manager for callers that
own the event loop (the sandbox command, tests, the benchmark).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import logging
import os
from collections.abc import AsyncIterator
from typing import Any

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bankpm_core.access import AccessPolicy, RateLimiter
from bankpm_core.assistant import Assistant
from bankpm_core.audit import AuditLog
from bankpm_core.clock import Clock
from bankpm_core.config import Settings
from bankpm_core.errors import ConfigError
from bankpm_core.uploads import Uploads
from bot import handlers
from bot.context import SERVICES_KEY, BotContext, BoundedStore, FollowUps, Services
from bot.safebot import make_bot
from bot.texts import COMMANDS
from bot.workers import AnswerPool, ProcessAnswers, ThreadAnswers

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
CONCURRENT_UPDATES = 64
BotApplication = Application[Any, BotContext, Any, Any, Any, Any]


def build_services(
    settings: Settings,
    assistant: Assistant | None = None,
    *,
    clock: Clock | None = None,
    access: AccessPolicy | None = None,
    workers: int = 0,
) -> Services:
    """Open the core once: assistant, access policy, rate limiter, audit log, uploads.

    ``workers`` > 0 answers questions in that many worker processes (see bot.workers);
    the in-process assistant still serves uploads.
    """
    if assistant is None:
        from bankpm_core.bootstrap import build_assistant

        assistant = build_assistant(settings, clock)
    answers: AnswerPool = (
        ProcessAnswers(settings, workers) if workers > 0 else ThreadAnswers(assistant)
    )
    return Services(
        settings=settings,
        assistant=assistant,
        access=access or AccessPolicy.from_settings(settings),
        limiter=RateLimiter(settings.rate_limit_per_minute),  # real time, even with --today
        audit=AuditLog.from_url(settings.resolved_database_url),
        uploads=Uploads(
            settings.data_dir / "uploads",
            assistant.capabilities,
            default_language=settings.language,
        ),
        followups=FollowUps(),
        last_answers=BoundedStore(10_000),
        answers=answers,
    )


def _command_lists() -> dict[str, list[BotCommand]]:
    return {
        lang: [BotCommand(c.name, c.description(lang)) for c in COMMANDS] for lang in ("zh", "en")
    }


async def on_startup(application: BotApplication) -> None:
    """post_init: register the commands and warm the assistant up in the background."""
    services: Services = application.bot_data[SERVICES_KEY]
    # A plain task (the Application is not running yet); keep a reference so it is not lost.
    application.bot_data["warm_up"] = asyncio.get_running_loop().create_task(warm_up(services))
    await register_commands(application)


async def on_shutdown(application: BotApplication) -> None:
    """post_shutdown: a still-running warm-up must not outlive the application."""
    task = application.bot_data.get("warm_up")
    if task is not None and not task.done():
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


async def warm_up(services: Services) -> None:
    """Warm the answer pool off the loop, so the first users do not pay for loading the
    segmenter, the embedding model, the index and the chart font (seconds)."""
    try:
        await services.answers.warm_up()
    except Exception:
        log.exception("warm-up failed")


async def register_commands(application: BotApplication) -> None:
    """setMyCommands in Chinese and English (and the default language); never fatal."""
    services: Services = application.bot_data[SERVICES_KEY]
    lists = _command_lists()
    try:
        for lang, commands in lists.items():
            await application.bot.set_my_commands(commands, language_code=lang)
        await application.bot.set_my_commands(lists[services.settings.language])
    except TelegramError as exc:
        log.warning("could not register the command list: %s", exc)


def build_application(
    settings: Settings,
    services: Services,
    *,
    base_url: str | None = None,
    base_file_url: str | None = None,
    concurrent_updates: int = CONCURRENT_UPDATES,
) -> BotApplication:
    """The Application with every handler registered; nothing is started."""
    token = require_token(settings)
    # Opt in to PTB's future timedelta durations (RetryAfter.retry_after): no deprecation
    # warning on every flood-control answer; bot.send.retry_seconds reads both forms.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    base_url = base_url or settings.telegram_base_url
    bot = make_bot(
        token,
        base_url,
        base_file_url or (_file_url(base_url) if base_url else None),
    )
    builder = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(ContextTypes(context=BotContext))
        .concurrent_updates(concurrent_updates)
        .post_init(on_startup)
        .post_shutdown(on_shutdown)
    )
    application: BotApplication = builder.build()  # type: ignore[assignment]
    application.bot_data[SERVICES_KEY] = services
    add_handlers(application)
    return application


def require_token(settings: Settings) -> str:
    if settings.telegram_token is None or not settings.telegram_token.get_secret_value():
        raise ConfigError(
            "未设置 BANKPM_TELEGRAM_TOKEN（机器人令牌）。",
            "BANKPM_TELEGRAM_TOKEN (the bot token) is not set.",
        )
    return settings.telegram_token.get_secret_value()


def _file_url(base_url: str) -> str:
    """``http://host/bot`` → ``http://host/file/bot`` (the Bot API's file route)."""
    head, sep, tail = base_url.rstrip("/").rpartition("/")
    return f"{head}/file/{tail}" if sep else base_url + "/file"


def add_handlers(application: BotApplication) -> None:
    """Gate first (group -1), then commands, messages, buttons; one error handler."""
    application.add_handler(TypeHandler(Update, handlers.gate), group=-1)
    commands = {
        "start": handlers.on_start,
        "help": handlers.on_help,
        "ask": handlers.on_ask,
        "metric": handlers.on_ask,
        "price": handlers.on_ask,
        "complaints": handlers.on_ask,
        "sources": handlers.on_sources,
        "subscribe": handlers.on_digest,
        "unsubscribe": handlers.on_digest,
        "whoami": handlers.on_whoami,
        "feedback": handlers.on_feedback,
    }
    if set(commands) != {c.name for c in COMMANDS}:
        raise RuntimeError("every command in bot.texts.COMMANDS needs exactly one handler")
    for name, callback in commands.items():
        application.add_handler(CommandHandler(name, callback, filters=filters.UpdateType.MESSAGE))
    new = filters.UpdateType.MESSAGE
    application.add_handler(MessageHandler(new & filters.TEXT & ~filters.COMMAND, handlers.on_text))
    application.add_handler(MessageHandler(new & filters.Document.ALL, handlers.on_document))
    application.add_handler(CallbackQueryHandler(handlers.on_button))
    application.add_handler(MessageHandler(new, handlers.on_other))
    application.add_error_handler(handlers.on_error)


@contextlib.asynccontextmanager
async def polling(application: BotApplication, *, poll_timeout: float = 10) -> AsyncIterator[None]:
    """Run the bot (long polling) while the body runs, on the caller's event loop."""

    def on_poll_error(exc: TelegramError) -> None:
        application.create_task(application.process_error(update=None, error=exc))

    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        assert application.updater is not None
        await application.updater.start_polling(
            timeout=poll_timeout,
            allowed_updates=ALLOWED_UPDATES,
            error_callback=on_poll_error,
        )
        await application.start()
        try:
            yield
        finally:
            if application.updater.running:
                await application.updater.stop()
            if application.running:
                await application.stop()
    finally:
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)


def run_polling(application: BotApplication) -> None:
    """Blocking: long polling until Ctrl-C (PTB handles signals and shutdown)."""
    application.run_polling(allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False)


def run_webhook(application: BotApplication, settings: Settings) -> None:
    """Blocking: a webhook server on 127.0.0.1:webhook_port behind your HTTPS proxy.

    Needs ``python-telegram-bot[webhooks]`` (tornado).
    """
    from urllib.parse import urlsplit

    assert settings.webhook_url
    if importlib.util.find_spec("tornado") is None:
        raise ConfigError(
            "Webhook 模式需要安装 python-telegram-bot[webhooks]。",
            "Webhook mode needs python-telegram-bot[webhooks] (pip install "
            "'python-telegram-bot[webhooks]'), or unset BANKPM_WEBHOOK_URL for polling.",
        )
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    application.run_webhook(
        listen="127.0.0.1",
        port=settings.webhook_port,
        url_path=urlsplit(settings.webhook_url).path.lstrip("/"),
        webhook_url=settings.webhook_url,
        secret_token=secret,
        allowed_updates=ALLOWED_UPDATES,
    )


def main(verbose: bool = False, workers: int | None = None) -> None:
    """`bankpm serve` / `python -m bot`: settings → core → Application → run until stopped."""
    from bankpm_core.config import load_settings
    from bot.logs import configure_logging

    settings = load_settings()
    token = require_token(settings)  # fail before opening anything
    configure_logging(logging.DEBUG if verbose else logging.INFO, secrets=(token,))
    log.info(
        "bankpm bot: %s", f"webhook {settings.webhook_url}" if settings.webhook_url else "polling"
    )
    workers = settings.bot_workers if workers is None else workers
    services = build_services(settings, workers=workers)
    try:
        application = build_application(settings, services)
        if settings.webhook_url:
            run_webhook(application, settings)
        else:
            run_polling(application)
    finally:
        services.close()
