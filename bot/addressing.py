"""Is a message meant for the bot, and what is the question in it? Pure functions.

In a private chat everything is for the bot. In a group the bot answers only when
it is commanded (``/ask`` or ``/ask@thisbot``), mentioned (``@thisbot``), or replied
to — the same rule Telegram's privacy mode applies, so the bot behaves the same
with privacy mode on or off.
"""

from __future__ import annotations

import re

from telegram import Message, MessageEntity, Update

__all__ = ["addressed", "question_text", "telegram_language"]


def _entities(message: Message) -> tuple[str, list[tuple[MessageEntity, str]]]:
    if message.text is not None:
        return message.text, list(message.parse_entities().items())
    if message.caption is not None:
        return message.caption, list(message.parse_caption_entities().items())
    return "", []


def _command_target(text: str) -> str | None:
    """For ``/cmd@name args`` the bot ``name`` (lower case), '' without @, None if no command."""
    m = re.match(r"/[A-Za-z0-9_]+(?:@([A-Za-z0-9_]+))?(?:\s|$)", text)
    if not m:
        return None
    return (m.group(1) or "").lower()


def addressed(update: Update, bot_username: str, bot_id: int) -> bool:
    """True if the update is for this bot (see module doc)."""
    if update.callback_query is not None:
        return True
    message = update.message
    if message is None:
        return False
    if message.chat.type == "private":
        return True
    text, entities = _entities(message)
    target = _command_target(text)
    if target is not None:
        return target in ("", bot_username.lower())
    name = "@" + bot_username.lower()
    for entity, value in entities:
        if entity.type == MessageEntity.MENTION and value.lower() == name:
            return True
        if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot_id:
            return True
    reply = message.reply_to_message
    return bool(reply and reply.from_user and reply.from_user.id == bot_id)


def question_text(text: str, bot_username: str) -> str:
    """The question with the bot's @mention removed."""
    if bot_username:
        text = re.sub(rf"@{re.escape(bot_username)}\b", " ", text, flags=re.IGNORECASE)
    return " ".join(text.split())


def telegram_language(language_code: str | None, default: str = "zh") -> str:
    """'zh' or 'en' for the bot's own messages, from Telegram's ``language_code``."""
    if not language_code:
        return default
    return "zh" if language_code.lower().startswith("zh") else "en"
