"""Helpers for the sandbox tests: constants, a test picture, and small PTB handlers.

The Application is built exactly as the bot is (``ApplicationBuilder`` with
``base_url`` / ``base_file_url`` pointing at the sandbox) and polls over HTTP;
the handlers below exercise every Bot API feature the sandbox emulates.
Imported as ``sandbox_helpers`` (pytest puts this directory on ``sys.path``).
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
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

from bot.sandbox import SandboxServer
from bot.sandbox.html import escape
from bot.sandbox.testing import application_builder

TOKEN = "1000001:SANDBOX-test-token"
BOT_USERNAME = "bankpm_test_bot"


def png_bytes(width: int = 400, height: int = 300, color: str = "steelblue") -> bytes:
    """A real PNG picture (the sandbox checks photos like Telegram does)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


def build_app(
    sandbox: SandboxServer, configure: Callable[[ApplicationBuilder], None] | None = None
) -> Application:
    """An Application wired to the sandbox, as ``bankpm sandbox`` will wire the real bot."""
    builder = application_builder(sandbox)
    if configure:
        configure(builder)
    return builder.build()


@dataclass
class Harness:
    """A polling Application plus what it saw: updates and errors from the error handler."""

    app: Application
    received: list[Update] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)


PHOTO = png_bytes()
KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Approve 批准", callback_data="approve"),
            InlineKeyboardButton("Reject", callback_data="reject"),
        ]
    ]
)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: greet by name in HTML."""
    name = escape(update.effective_user.first_name)
    await update.effective_message.reply_html(f"Welcome, <b>{name}</b>! 欢迎")


async def photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/photo: a chart-like picture with a caption and two buttons."""
    await update.effective_chat.send_action("upload_photo")
    await update.effective_message.reply_photo(
        PHOTO, caption="<b>Overdue rate</b> 逾期率", parse_mode="HTML", reply_markup=KEYBOARD
    )


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Plain text: echo it back, escaped, with typing first."""
    await update.effective_chat.send_action("typing")
    await update.effective_message.reply_html(f"echo: {escape(update.effective_message.text)}")


async def document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A document: download it through getFile and report its size and digest."""
    doc = update.effective_message.document
    data = await (await doc.get_file()).download_as_bytearray()
    digest = hashlib.sha256(data).hexdigest()[:12]
    await update.effective_message.reply_text(f"{doc.file_name}: {len(data)} bytes sha={digest}")


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button press: answer it, then edit the message it was on."""
    query = update.callback_query
    await query.answer(f"Got {query.data}")
    if query.message.photo:
        await query.edit_message_caption(f"chosen: {query.data}")
    else:
        await query.edit_message_text(f"chosen: {query.data}")


def add_test_handlers(app: Application, harness: Harness) -> None:
    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        harness.received.append(update)

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        harness.errors.append(context.error)

    app.add_handler(TypeHandler(Update, record), group=-1)
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("photo", photo))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(MessageHandler(filters.Document.ALL, document))
    app.add_handler(CallbackQueryHandler(button))
    app.add_error_handler(on_error)


async def run_polling(app: Application) -> None:
    await app.updater.start_polling(poll_interval=0, timeout=5)
    await app.start()


async def stop_polling(app: Application) -> None:
    await app.updater.stop()
    await app.stop()
