"""Sending to Telegram without giving up on the first hiccup.

:func:`with_retry` honours flood control (``RetryAfter``: wait what Telegram says)
and retries network errors and 5xx answers with exponential backoff; it never
retries a 400 (the request itself is wrong) or a 403 (the user blocked the bot).
:func:`send_html` falls back to plain text if Telegram rejects our HTML, so a
rendering bug costs formatting, not the answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import logging
import random
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import TypeVar

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, InputFile, Message, ReplyParameters
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from bot.render import Photo, Rendered, plain_text

log = logging.getLogger(__name__)
T = TypeVar("T")

ATTEMPTS = 5
BASE_DELAY = 0.25
MAX_DELAY = 30.0
MAX_RETRY_AFTER = 120.0
TYPING_EVERY = 4.0  # Telegram shows "typing…" for about 5 seconds


def retry_seconds(exc: RetryAfter) -> float:
    """``retry_after`` in seconds, whether PTB gives an int or a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    if isinstance(value, dtm.timedelta):
        return value.total_seconds()
    return float(value)


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, RetryAfter):
        return True
    if isinstance(exc, BadRequest):
        return False
    if isinstance(exc, NetworkError):
        return True
    # A garbled body ("Invalid server response") from a flaky proxy is worth one more try.
    return type(exc) is TelegramError and "invalid server response" in str(exc).lower()


async def with_retry(
    call: Callable[[], Awaitable[T]],
    *,
    attempts: int = ATTEMPTS,
    base_delay: float = BASE_DELAY,
    what: str = "request",
) -> T:
    """Run ``call()``; on flood control or a transient failure wait and try again."""
    for attempt in range(1, attempts + 1):
        try:
            return await call()
        except TelegramError as exc:
            if attempt == attempts or not _retryable(exc):
                raise
            if isinstance(exc, RetryAfter):
                delay = min(MAX_RETRY_AFTER, retry_seconds(exc)) + 0.05
            else:
                delay = min(MAX_DELAY, base_delay * 2 ** (attempt - 1))
                delay *= 0.75 + random.random() / 2
            log.warning("%s failed (%s); retry %d in %.2f s", what, exc, attempt, delay)
            await asyncio.sleep(delay)
    raise AssertionError("unreachable")


async def send_html(
    bot: Bot,
    chat_id: int,
    html_text: str,
    *,
    markup: InlineKeyboardMarkup | None = None,
    reply_to: int | None = None,
) -> Message:
    """One HTML message (retried); plain text if Telegram cannot parse our HTML."""
    reply = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None

    async def send(text: str, mode: str | None) -> Message:
        return await with_retry(
            lambda: bot.send_message(
                chat_id,
                text,
                parse_mode=mode,
                reply_markup=markup,
                reply_parameters=reply,
                disable_web_page_preview=True,
            ),
            what="sendMessage",
        )

    try:
        return await send(html_text, ParseMode.HTML)
    except BadRequest as exc:
        if "parse" not in str(exc).lower() and "entit" not in str(exc).lower():
            raise
        log.error("Telegram rejected our HTML (%s); sending plain text", exc)
        return await send(plain_text(html_text), None)


async def send_photo(
    bot: Bot,
    chat_id: int,
    png: bytes,
    caption: str,
    *,
    markup: InlineKeyboardMarkup | None = None,
    reply_to: int | None = None,
) -> Message:
    reply = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
    return await with_retry(
        lambda: bot.send_photo(
            chat_id,
            InputFile(png, filename="chart.png"),
            caption=caption,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            reply_parameters=reply,
        ),
        what="sendPhoto",
    )


async def send_rendered(
    bot: Bot,
    chat_id: int,
    rendered: Rendered,
    markup: InlineKeyboardMarkup | None,
    *,
    reply_to: int | None = None,
) -> list[Message]:
    """Text parts, then charts; the buttons go on the last message sent."""
    sent: list[Message] = []
    items: Sequence[str | Photo] = [*rendered.texts, *rendered.photos]
    for n, item in enumerate(items):
        last = n == len(items) - 1
        first = n == 0
        keys = markup if last else None
        target = reply_to if first else None
        if isinstance(item, str):
            sent.append(await send_html(bot, chat_id, item, markup=keys, reply_to=target))
        else:
            sent.append(
                await send_photo(
                    bot,
                    chat_id,
                    item.png,
                    item.caption,
                    markup=keys,
                    reply_to=target,
                )
            )
    return sent


@contextlib.asynccontextmanager
async def typing(bot: Bot, chat_id: int, action: str = ChatAction.TYPING) -> AsyncIterator[None]:
    """Show "typing…" (or ``action``) while the body runs (best effort: failures are logged).

    The first action is sent before the body starts: sent from the background task, a
    quick answer could cancel it in flight, and the user would never see "typing…".
    """

    async def send() -> None:
        try:
            await bot.send_chat_action(chat_id, action)
        except TelegramError as exc:
            log.debug("chat action failed: %s", exc)

    async def keep_typing() -> None:
        while True:
            await asyncio.sleep(TYPING_EVERY)
            await send()

    await send()

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def ack(query: CallbackQuery, text: str | None = None, *, alert: bool = False) -> None:
    """Answer a button press (retried); a query too old to answer is only logged."""
    try:
        await with_retry(lambda: query.answer(text, show_alert=alert), what="answerCallbackQuery")
    except BadRequest as exc:
        log.info("could not answer callback query: %s", exc)
