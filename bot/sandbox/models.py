"""The Bot API objects the sandbox keeps, and their JSON form.

Each type serialises with every field the specification marks required and
omits absent optional ones (Telegram never sends ``null``). Dates are int
seconds since the epoch. Fields only the sandbox needs (how the bot formatted
a message, who sent it) live beside the API fields and are not serialised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.sandbox.text import Entity

Json = dict[str, Any]


def compact(data: Json) -> Json:
    """Drop ``None`` values: the Bot API omits absent fields instead of sending null."""
    return {key: value for key, value in data.items() if value is not None}


@dataclass(slots=True)
class User:
    """A Telegram user or bot account."""

    id: int
    first_name: str
    is_bot: bool = False
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None

    def to_api(self) -> Json:
        return compact(
            {
                "id": self.id,
                "is_bot": self.is_bot,
                "first_name": self.first_name,
                "last_name": self.last_name,
                "username": self.username,
                "language_code": self.language_code,
            }
        )


@dataclass(slots=True)
class Chat:
    """A chat as it appears inside messages (``private``, ``group``, ``supergroup``)."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    last_name: str | None = None

    def to_api(self) -> Json:
        return compact(
            {
                "id": self.id,
                "type": self.type,
                "title": self.title,
                "username": self.username,
                "first_name": self.first_name,
                "last_name": self.last_name,
            }
        )


@dataclass(slots=True)
class StoredFile:
    """Bytes uploaded by the bot or a user, addressable by ``file_id``."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    kind: str  # "photo" or "document"
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None

    @property
    def file_size(self) -> int:
        return len(self.data)

    def photo_size(self) -> Json:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "width": self.width or 0,
            "height": self.height or 0,
            "file_size": self.file_size,
        }

    def document(self) -> Json:
        return compact(
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "file_name": self.file_name,
                "mime_type": self.mime_type,
                "file_size": self.file_size,
            }
        )

    def file(self) -> Json:
        """The ``File`` object getFile returns."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
            "file_path": self.file_path,
        }


@dataclass(slots=True)
class Message:
    """A message in one conversation, sent by a user or by a bot."""

    message_id: int
    date: int
    chat: Chat
    from_user: User
    text: str | None = None
    entities: list[Entity] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[Entity] = field(default_factory=list)
    photo: list[StoredFile] = field(default_factory=list)
    document: StoredFile | None = None
    reply_to: Message | None = None
    reply_markup: Json | None = None
    edit_date: int | None = None
    link_preview_options: Json | None = None
    # Sandbox-only: how the bot asked for it to be formatted, for tests and the page.
    parse_mode: str | None = None
    source: str | None = None
    deleted: bool = False

    @property
    def from_bot(self) -> bool:
        return self.from_user.is_bot

    def to_api(self, *, with_reply: bool = True) -> Json:
        data: Json = {
            "message_id": self.message_id,
            "from": self.from_user.to_api(),
            "date": self.date,
            "chat": self.chat.to_api(),
            "edit_date": self.edit_date,
            "text": self.text,
            "entities": self.entities or None,
            "caption": self.caption,
            "caption_entities": self.caption_entities or None,
            "photo": [size.photo_size() for size in self.photo] or None,
            "document": self.document.document() if self.document else None,
            "link_preview_options": self.link_preview_options,
        }
        if self.reply_to is not None and with_reply:
            # Telegram nests one level only: a reply's reply_to_message has none.
            data["reply_to_message"] = self.reply_to.to_api(with_reply=False)
        # Only inline keyboards are part of a Message; reply keyboards are not echoed.
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            data["reply_markup"] = self.reply_markup
        return compact(data)

    def view(self) -> Json:
        """The API form plus what the sandbox knows, for the control API and the page."""
        data = self.to_api()
        data["sandbox"] = compact(
            {
                "from_bot": self.from_bot,
                "parse_mode": self.parse_mode,
                "source": self.source,
                "reply_markup": self.reply_markup,
                "deleted": self.deleted or None,
                "photo_url": f"/_sandbox/files/{self.photo[-1].file_id}" if self.photo else None,
                "document_url": (
                    f"/_sandbox/files/{self.document.file_id}" if self.document else None
                ),
            }
        )
        return data


@dataclass(slots=True)
class CallbackQuery:
    """A button press, and the bot's answer once it has given one."""

    id: str
    from_user: User
    chat_instance: str
    message: Message
    data: str | None
    bot_id: int
    answer: Json | None = None

    def to_api(self) -> Json:
        return compact(
            {
                "id": self.id,
                "from": self.from_user.to_api(),
                "message": self.message.to_api(),
                "chat_instance": self.chat_instance,
                "data": self.data,
            }
        )


@dataclass(slots=True)
class Update:
    """One update for one bot: ``kind`` is the Update field name (``message``, ...)."""

    update_id: int
    kind: str
    payload: Json

    def to_api(self) -> Json:
        return {"update_id": self.update_id, self.kind: self.payload}


@dataclass(slots=True)
class Event:
    """Something visible happened in a chat; the page and ``wait_*`` helpers follow these."""

    seq: int
    kind: str  # message | edit | delete | chat_action | callback_answer
    chat_id: int
    bot_id: int
    data: Json

    def to_json(self) -> Json:
        return {
            "seq": self.seq,
            "kind": self.kind,
            "chat_id": self.chat_id,
            "bot_id": self.bot_id,
            **self.data,
        }
