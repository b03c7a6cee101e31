"""The sandbox's in-memory Telegram: bots, users, chats, messages, files, updates.

Everything here is synchronous and lives on the server's event loop, except
the ``wait_*`` coroutines that tests and long polls await. Users act through
the ``post_*`` / ``press_button`` methods (the control API); bots act through
the Bot API methods in ``methods.py``, which call the primitives below. Each
visible change is appended to an event log so that tests and the web page can
wait for exactly the thing they expect instead of sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import mimetypes
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from bot.sandbox.errors import ApiError, bad_request, conflict, forbidden
from bot.sandbox.images import photo_sizes
from bot.sandbox.models import (
    CallbackQuery,
    Chat,
    Event,
    Json,
    Message,
    StoredFile,
    Update,
    User,
)
from bot.sandbox.text import detect_entities, entity_text

T = TypeVar("T")

# Updates a bot receives when it has not chosen (Telegram's documented default).
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
FIRST_USER_ID = 10_001
FIRST_GROUP_ID = -1_001
FIRST_SUPERGROUP_ID = -1_001_000_000_001


class _Signal:
    """A broadcast wake-up: every waiter of the current generation is released."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, timeout: float) -> None:
        """Return when fired or after ``timeout`` seconds, whichever is first."""
        if timeout <= 0:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), timeout)


@dataclass
class BotAccount:
    """One bot token and everything Telegram keeps for that bot."""

    token: str
    user: User
    privacy_mode: bool = False
    updates: list[Update] = field(default_factory=list)
    next_update_id: int = 1
    allowed_updates: frozenset[str] | None = None
    webhook: Json | None = None
    webhook_error: Json | None = None
    commands: dict[tuple[str, str], list[Json]] = field(default_factory=dict)
    texts: dict[tuple[str, str], str] = field(default_factory=dict)
    poll_generation: int = 0
    arrived: _Signal = field(default_factory=_Signal)

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def username(self) -> str:
        return self.user.username or ""

    def accepts(self, kind: str) -> bool:
        if self.allowed_updates is None:
            return kind not in DEFAULT_EXCLUDED_UPDATES
        return kind in self.allowed_updates

    def get_me(self) -> Json:
        return {
            **self.user.to_api(),
            "can_join_groups": True,
            "can_read_all_group_messages": not self.privacy_mode,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }


@dataclass
class Group:
    """A group or supergroup and who is in it."""

    chat: Chat
    members: set[int] = field(default_factory=set)
    bots: set[int] = field(default_factory=set)


@dataclass
class Conversation:
    """The messages of one chat as one bot sees them (groups are shared by their bots)."""

    chat: Chat
    messages: dict[int, Message] = field(default_factory=dict)
    next_message_id: int = 1

    def new_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


class World:
    """State and user simulation; see the module docstring."""

    def __init__(
        self, *, clock: Callable[[], float] = time.time, strict_html: bool = False
    ) -> None:
        self.clock = clock
        self.strict_html = strict_html
        self.bots: dict[str, BotAccount] = {}
        self.closing = False
        self.changed = _Signal()
        self.update_arrived = _Signal()
        self.reset()

    # ----------------------------------------------------------------- set-up
    def reset(self) -> None:
        """Forget users, chats, messages, files and updates; keep the bot accounts."""
        self.users: dict[int, User] = {}
        self.groups: dict[int, Group] = {}
        self.started: set[tuple[int, int]] = set()
        self.blocked: set[tuple[int, int]] = set()
        self.conversations: dict[tuple[int, int], Conversation] = {}
        self.files: dict[str, StoredFile] = {}
        self.callbacks: dict[str, CallbackQuery] = {}
        self.events: list[Event] = []
        self._file_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._user_ids = itertools.count(FIRST_USER_ID)
        self._group_ids = itertools.count(FIRST_GROUP_ID, -1)
        self._supergroup_ids = itertools.count(FIRST_SUPERGROUP_ID, -1)
        for bot in self.bots.values():
            bot.updates.clear()
            bot.commands.clear()
            bot.texts.clear()
            bot.webhook = None
            bot.allowed_updates = None
            bot.arrived.fire()
        self.changed.fire()

    def add_bot(
        self,
        token: str,
        *,
        username: str | None = None,
        first_name: str = "bankpm sandbox",
        privacy_mode: bool = False,
    ) -> BotAccount:
        """Register a bot token (``<digits>:<secret>``); its id is the part before the colon."""
        bot_id_text, _, secret = token.partition(":")
        if not bot_id_text.isdigit() or not secret:
            raise ValueError(f"a bot token looks like '123456:secret', got {token!r}")
        user = User(
            id=int(bot_id_text),
            first_name=first_name,
            is_bot=True,
            username=username or f"sandbox_{bot_id_text}_bot",
        )
        bot = BotAccount(token=token, user=user, privacy_mode=privacy_mode)
        self.bots[token] = bot
        return bot

    def bot(self, ref: BotAccount | str | int | None = None) -> BotAccount:
        """Find a bot by account, token, username (with or without @) or id; default: the first."""
        if isinstance(ref, BotAccount):
            return ref
        if not self.bots:
            raise LookupError("the sandbox has no bot; call add_bot first")
        if ref is None:
            return next(iter(self.bots.values()))
        for bot in self.bots.values():
            if ref in (bot.token, bot.id, bot.username, f"@{bot.username}") or str(ref) == str(
                bot.id
            ):
                return bot
        raise LookupError(f"no bot {ref!r}")

    def bot_by_id(self, bot_id: int) -> BotAccount:
        return self.bot(bot_id)

    def create_user(
        self,
        first_name: str,
        *,
        id: int | None = None,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = None,
    ) -> User:
        """Create (or replace) a user; ids are allocated when not given."""
        if id is None:
            taken = {bot.id for bot in self.bots.values()} | set(self.users)
            id = next(user_id for user_id in self._user_ids if user_id not in taken)
        user = User(
            id=id,
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        self.users[id] = user
        return user

    def create_chat(
        self,
        title: str,
        *,
        type: str = "group",
        id: int | None = None,
        members: Iterable[int] = (),
        bots: Iterable[BotAccount | str | int] | None = None,
        username: str | None = None,
    ) -> Chat:
        """Create a group or supergroup with these users; all bots join unless ``bots`` says."""
        if type not in ("group", "supergroup"):
            raise ValueError(
                "use private_chat(user_id) for private chats; type is group|supergroup"
            )
        if id is None:
            ids = self._group_ids if type == "group" else self._supergroup_ids
            id = next(chat_id for chat_id in ids if chat_id not in self.groups)
        if id >= 0:
            raise ValueError("group chat ids are negative in Telegram")
        chat = Chat(id=id, type=type, title=title, username=username)
        chosen = self.bots.values() if bots is None else [self.bot(ref) for ref in bots]
        member_ids = set(members)
        for user_id in member_ids:
            self.user(user_id)
        self.groups[id] = Group(chat=chat, members=member_ids, bots={bot.id for bot in chosen})
        return chat

    def user(self, user_id: int) -> User:
        try:
            return self.users[user_id]
        except KeyError:
            raise LookupError(f"no user {user_id}; create_user first") from None

    def private_chat(self, user_id: int) -> Chat:
        """The private chat of a user with a bot: in Telegram its id is the user's id."""
        user = self.user(user_id)
        return Chat(
            id=user.id,
            type="private",
            username=user.username,
            first_name=user.first_name,
            last_name=user.last_name,
        )

    def block_bot(self, user_id: int, bot: BotAccount | str | int | None = None) -> None:
        """The user blocks the bot: sends to them fail with 403 as in Telegram."""
        self.blocked.add((self.bot(bot).id, user_id))

    # ------------------------------------------------------------ conversations
    def conversation(self, chat_id: int, bot: BotAccount | str | int | None = None) -> Conversation:
        """The conversation a user-side caller means: a group, or a private chat with ``bot``."""
        if chat_id in self.groups:
            key = (0, chat_id)
            chat = self.groups[chat_id].chat
        else:
            key = (self.bot(bot).id, chat_id)
            chat = self.private_chat(chat_id)
        if key not in self.conversations:
            self.conversations[key] = Conversation(chat=chat)
        return self.conversations[key]

    def conversation_for_bot(self, bot: BotAccount, chat_ref: Any) -> Conversation:
        """The conversation a bot addresses with ``chat_id``, with Telegram's refusals."""
        chat_id = self._resolve_chat_id(chat_ref)
        if chat_id in self.groups:
            if bot.id not in self.groups[chat_id].bots:
                raise forbidden("bot is not a member of the group chat")
            return self.conversation(chat_id)
        if chat_id in self.users:
            if (bot.id, chat_id) in self.blocked:
                raise forbidden("bot was blocked by the user")
            if (bot.id, chat_id) not in self.started:
                raise forbidden("bot can't initiate conversation with a user")
            return self.conversation(chat_id, bot)
        if any(other.id == chat_id for other in self.bots.values()):
            raise forbidden("bot can't send messages to bots")
        raise bad_request("chat not found")

    def _resolve_chat_id(self, chat_ref: Any) -> int:
        if isinstance(chat_ref, int):
            return chat_ref
        text = str(chat_ref).strip()
        if text.startswith("@"):
            for group in self.groups.values():
                if group.chat.username and f"@{group.chat.username}" == text:
                    return group.chat.id
            raise bad_request("chat not found")
        try:
            return int(text)
        except ValueError:
            raise bad_request("chat not found") from None

    # ------------------------------------------------------------------ events
    def emit(self, kind: str, chat_id: int, bot_id: int, data: Json) -> Event:
        event = Event(
            seq=len(self.events) + 1, kind=kind, chat_id=chat_id, bot_id=bot_id, data=data
        )
        self.events.append(event)
        self.changed.fire()
        return event

    def now(self) -> int:
        """Current time in int seconds, the Bot API's unit for every date."""
        return int(self.clock())

    # ----------------------------------------------------------------- updates
    def enqueue(self, bot: BotAccount, kind: str, payload: Json) -> Update | None:
        """Queue an update for one bot unless its ``allowed_updates`` excludes the kind."""
        if not bot.accepts(kind):
            return None
        update = Update(update_id=bot.next_update_id, kind=kind, payload=payload)
        bot.next_update_id += 1
        bot.updates.append(update)
        bot.arrived.fire()
        self.update_arrived.fire()
        return update

    def confirm(self, bot: BotAccount, offset: int) -> None:
        """Apply getUpdates ``offset``: forget confirmed updates (negative: keep the last -offset)."""
        if offset > 0:
            bot.updates = [update for update in bot.updates if update.update_id >= offset]
        elif offset < 0:
            bot.updates = bot.updates[offset:]

    async def get_updates(
        self,
        bot: BotAccount,
        *,
        offset: int = 0,
        limit: int = 100,
        timeout: float = 0,
        allowed_updates: list[str] | None = None,
    ) -> list[Update]:
        """Long-poll: return pending updates at once, or wait up to ``timeout`` for one.

        A newer getUpdates call for the same bot ends this one with 409 Conflict,
        as Telegram does when two instances poll with one token.
        """
        if bot.webhook:
            raise conflict(
                "can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first"
            )
        if allowed_updates is not None:
            bot.allowed_updates = frozenset(allowed_updates) if allowed_updates else None
        bot.poll_generation += 1
        generation = bot.poll_generation
        bot.arrived.fire()  # wakes an older poll so that it can give up
        self.confirm(bot, offset)
        deadline = time.monotonic() + timeout
        while True:
            if bot.poll_generation != generation:
                raise conflict(
                    "terminated by other getUpdates request; "
                    "make sure that only one bot instance is running"
                )
            batch = bot.updates[:limit]
            remaining = deadline - time.monotonic()
            if batch or remaining <= 0 or self.closing:
                return batch
            await bot.arrived.wait(remaining)

    # -------------------------------------------------------------------- files
    def store_file(
        self,
        data: bytes,
        *,
        kind: str,
        file_name: str | None = None,
        mime_type: str | None = None,
        width: int | None = None,
        height: int | None = None,
    ) -> StoredFile:
        """Keep bytes under a new ``file_id`` and a ``file_path`` for the download route."""
        number = next(self._file_ids)
        if kind == "photo":
            path = f"photos/file_{number}.jpg"
        else:
            suffix = ""
            if file_name and "." in file_name:
                suffix = "." + file_name.rsplit(".", 1)[1][:10]
            path = f"documents/file_{number}{suffix}"
        prefix = "AgAC" if kind == "photo" else "BQAC"
        stored = StoredFile(
            file_id=f"{prefix}SbX{number:06d}",
            file_unique_id=f"AQADSbX{number:06d}",
            data=data,
            file_path=path,
            kind=kind,
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
        )
        self.files[stored.file_id] = stored
        return stored

    def store_photo(self, data: bytes) -> list[StoredFile]:
        """Store a picture as Telegram's list of sizes, smallest first."""
        return [
            self.store_file(blob, kind="photo", width=width, height=height)
            for blob, width, height in photo_sizes(data)
        ]

    def file_by_path(self, path: str) -> StoredFile | None:
        return next((f for f in self.files.values() if f.file_path == path), None)

    # ---------------------------------------------------------- user simulation
    def _user_message(
        self, user_id: int, chat_id: int | None, bot: BotAccount | str | int | None
    ) -> tuple[User, Conversation, BotAccount | None]:
        user = self.user(user_id)
        if chat_id is None:
            chat_id = user_id
        if chat_id in self.groups:
            self.groups[chat_id].members.add(user_id)
            return user, self.conversation(chat_id), None
        if chat_id != user_id:
            raise LookupError(f"chat {chat_id} is neither a group nor the user's private chat")
        account = self.bot(bot)
        self.started.add((account.id, user_id))
        self.blocked.discard((account.id, user_id))
        return user, self.conversation(chat_id, account), account

    def _deliver(
        self, conv: Conversation, message: Message, private_bot: BotAccount | None
    ) -> None:
        """Record a user's message and queue it for the bots that would receive it."""
        conv.messages[message.message_id] = message
        chat = conv.chat
        bots = [private_bot] if private_bot else [self.bot_by_id(b) for b in self._group_bots(chat)]
        for bot in bots:
            if bot is not None and (not bot.privacy_mode or self._addressed(bot, message)):
                self.enqueue(bot, "message", message.to_api())
        self.emit("message", chat.id, private_bot.id if private_bot else 0, message.view())

    def _group_bots(self, chat: Chat) -> set[int]:
        group = self.groups.get(chat.id)
        return group.bots if group else set()

    def _addressed(self, bot: BotAccount, message: Message) -> bool:
        """Privacy mode: commands, mentions of the bot and replies to it get through."""
        text = message.text or message.caption or ""
        entities = message.entities or message.caption_entities
        for entity in entities:
            piece = entity_text(text, entity)
            if entity["type"] == "bot_command" and (
                "@" not in piece or piece.lower().endswith(f"@{bot.username.lower()}")
            ):
                return True
            if entity["type"] == "mention" and piece.lower() == f"@{bot.username.lower()}":
                return True
        return bool(message.reply_to and message.reply_to.from_user.id == bot.id)

    def _post(
        self,
        user: User,
        conv: Conversation,
        private_bot: BotAccount | None,
        reply_to: int | Message | None,
        **content: Any,
    ) -> Message:
        """The user's next message in ``conv`` (text, document or photo), delivered."""
        message = Message(
            message_id=conv.new_id(),
            date=self.now(),
            chat=conv.chat,
            from_user=user,
            reply_to=self._reply_target(conv, reply_to),
            **content,
        )
        self._deliver(conv, message, private_bot)
        return message

    def _reply_target(self, conv: Conversation, reply_to: int | Message | None) -> Message | None:
        if reply_to is None:
            return None
        message_id = reply_to.message_id if isinstance(reply_to, Message) else reply_to
        try:
            return conv.messages[message_id]
        except KeyError:
            raise LookupError(f"no message {message_id} in chat {conv.chat.id}") from None

    def post_message(
        self,
        user_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        reply_to: int | Message | None = None,
        bot: BotAccount | str | int | None = None,
    ) -> Message:
        """A user sends text; commands and @mentions get their entities as in Telegram.

        ``chat_id`` defaults to the user's private chat with ``bot`` (default: the
        first bot); in a group every member bot receives it (subject to privacy mode).
        """
        if not text.strip():
            raise ValueError("Telegram clients do not send empty messages")
        user, conv, private_bot = self._user_message(user_id, chat_id, bot)
        return self._post(
            user, conv, private_bot, reply_to, text=text, entities=detect_entities(text)
        )

    def post_document(
        self,
        user_id: int,
        data: bytes,
        file_name: str,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
        chat_id: int | None = None,
        reply_to: int | Message | None = None,
        bot: BotAccount | str | int | None = None,
    ) -> Message:
        """A user sends a file as a document (bytes + file name + MIME type)."""
        user, conv, private_bot = self._user_message(user_id, chat_id, bot)
        mime = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        stored = self.store_file(data, kind="document", file_name=file_name, mime_type=mime)
        return self._post(
            user,
            conv,
            private_bot,
            reply_to,
            document=stored,
            caption=caption or None,
            caption_entities=detect_entities(caption) if caption else [],
        )

    def post_photo(
        self,
        user_id: int,
        data: bytes,
        *,
        caption: str | None = None,
        chat_id: int | None = None,
        bot: BotAccount | str | int | None = None,
    ) -> Message:
        """A user sends a picture; the bot sees a list of PhotoSize."""
        try:
            sizes = self.store_photo(data)
        except ApiError as exc:
            raise ValueError(f"not a picture: {exc.description}") from exc
        user, conv, private_bot = self._user_message(user_id, chat_id, bot)
        return self._post(
            user,
            conv,
            private_bot,
            None,
            photo=sizes,
            caption=caption or None,
            caption_entities=detect_entities(caption) if caption else [],
        )

    def edit_user_message(
        self,
        user_id: int,
        message_id: int,
        text: str,
        *,
        chat_id: int | None = None,
        bot: BotAccount | str | int | None = None,
    ) -> Message:
        """A user edits their text message: bots get an ``edited_message`` update."""
        conv = self.conversation(user_id if chat_id is None else chat_id, bot)
        message = conv.messages.get(message_id)
        if message is None or message.from_user.id != user_id or message.text is None:
            raise LookupError(f"user {user_id} has no text message {message_id} here")
        message.text = text
        message.entities = detect_entities(text)
        message.edit_date = self.now()
        bots = (
            [self.bot_by_id(b) for b in self._group_bots(conv.chat)]
            if conv.chat.id in self.groups
            else [self.bot(bot)]
        )
        for account in bots:
            self.enqueue(account, "edited_message", message.to_api())
        self.emit("edit", conv.chat.id, 0, message.view())
        return message

    def press_button(
        self,
        user_id: int,
        message_id: int,
        *,
        data: str | None = None,
        text: str | None = None,
        chat_id: int | None = None,
        bot: BotAccount | str | int | None = None,
    ) -> CallbackQuery:
        """A user presses an inline button (found by ``data`` or by its label ``text``)."""
        user = self.user(user_id)
        conv = self.conversation(user_id if chat_id is None else chat_id, bot)
        message = conv.messages.get(message_id)
        if message is None or message.deleted or not message.from_bot:
            raise LookupError(f"no bot message {message_id} in chat {conv.chat.id}")
        button = _find_button(message, data=data, text=text)
        if "callback_data" not in button:
            raise LookupError(f"button {button.get('text')!r} is not a callback button")
        query = CallbackQuery(
            id=str(4_000_000_000_000_000 + next(self._callback_ids)),
            from_user=user,
            chat_instance=chat_instance(conv.chat.id),
            message=message,
            data=button["callback_data"],
            bot_id=message.from_user.id,
        )
        self.callbacks[query.id] = query
        self.enqueue(self.bot_by_id(query.bot_id), "callback_query", query.to_api())
        return query

    # --------------------------------------------------------------- read back
    def messages(self, chat_id: int, bot: BotAccount | str | int | None = None) -> list[Message]:
        """Every message in a chat, oldest first (deleted ones excluded)."""
        conv = self.conversation(chat_id, bot)
        return [m for m in conv.messages.values() if not m.deleted]

    def bot_messages(
        self,
        chat_id: int,
        bot: BotAccount | str | int | None = None,
        *,
        after: int | Message | None = None,
    ) -> list[Message]:
        """What the bot sent in a chat (current state, edits applied), oldest first."""
        threshold = after.message_id if isinstance(after, Message) else (after or 0)
        sender = self.bot(bot).id if bot is not None else None
        return [
            m
            for m in self.messages(chat_id, bot)
            if m.from_bot and m.message_id > threshold and sender in (None, m.from_user.id)
        ]

    def chat_actions(self, chat_id: int) -> list[str]:
        """The chat actions (``typing``...) bots sent to this chat, in order."""
        return [
            e.data["action"]
            for e in self.events
            if e.kind == "chat_action" and e.chat_id == chat_id
        ]

    def answered_callbacks(self, chat_id: int) -> list[Json]:
        """The bot's answers to button presses in this chat (text, show_alert, url...)."""
        return [e.data for e in self.events if e.kind == "callback_answer" and e.chat_id == chat_id]

    def events_after(self, seq: int = 0, chat_id: int | None = None) -> list[Event]:
        return [e for e in self.events[seq:] if chat_id is None or e.chat_id == chat_id]

    async def wait_for(
        self,
        predicate: Callable[[], T],
        timeout: float = 5.0,
        what: str = "",
        *,
        recheck: float = 0.05,
    ) -> T:
        """Await until ``predicate()`` is truthy and return it; TimeoutError names ``what``.

        The predicate is re-evaluated on every sandbox event and, for conditions
        on state outside the sandbox (a handler's list, say), every ``recheck`` s.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"sandbox: no {what or 'condition'} within {timeout} s")
            await self.changed.wait(min(remaining, recheck))

    async def wait_for_bot_messages(
        self,
        chat_id: int,
        count: int = 1,
        timeout: float = 5.0,
        *,
        after: int | Message | None = None,
        bot: BotAccount | str | int | None = None,
    ) -> list[Message]:
        """Wait until the bot has sent ``count`` messages in the chat (after ``after``).

        Returns exactly the first ``count`` of them, so a test can also check
        that nothing more arrives afterwards with ``bot_messages``.
        """

        def ready() -> list[Message]:
            found = self.bot_messages(chat_id, bot, after=after)
            return found[:count] if len(found) >= count else []

        try:
            return await self.wait_for(ready, timeout, f"{count} bot message(s) in chat {chat_id}")
        except TimeoutError as exc:
            seen = [
                m.text or m.caption or "<media>"
                for m in self.bot_messages(chat_id, bot, after=after)
            ]
            raise TimeoutError(f"{exc}; the bot sent {seen!r}") from None

    async def wait_for_callback_answer(
        self, query: CallbackQuery | str, timeout: float = 5.0
    ) -> Json:
        """Wait until the bot answered a callback query; returns the answer's fields."""
        query_id = query.id if isinstance(query, CallbackQuery) else query
        return await self.wait_for(
            lambda: self.callbacks[query_id].answer, timeout, f"answer to callback query {query_id}"
        )

    async def wait_for_event(
        self, kind: str, chat_id: int | None = None, timeout: float = 5.0, *, after_seq: int = 0
    ) -> Event:
        """Wait for the next event of a kind (``edit``, ``chat_action``, ...) after ``after_seq``."""

        def found() -> Event | None:
            return next((e for e in self.events_after(after_seq, chat_id) if e.kind == kind), None)

        return await self.wait_for(found, timeout, f"{kind} event")

    def snapshot(self) -> Json:
        """A JSON summary of bots, users and chats for the control API and the page."""
        return {
            "bots": [
                {
                    **bot.get_me(),
                    "privacy_mode": bot.privacy_mode,
                    "pending_updates": len(bot.updates),
                    "commands": bot.commands.get(("default", ""), []),
                }
                for bot in self.bots.values()
            ],
            "users": [user.to_api() for user in self.users.values()],
            "chats": [
                {
                    **group.chat.to_api(),
                    "members": sorted(group.members),
                    "bots": sorted(group.bots),
                }
                for group in self.groups.values()
            ],
            "last_seq": len(self.events),
        }


def chat_instance(chat_id: int) -> str:
    """A stable opaque string per chat, as Telegram's ``chat_instance`` is."""
    return str((chat_id * 6_364_136_223_846_793_005 + 1_442_695_040_888_963_407) % (1 << 63))


def _find_button(message: Message, *, data: str | None, text: str | None) -> Json:
    rows = (message.reply_markup or {}).get("inline_keyboard") or []
    buttons = [button for row in rows for button in row]
    for button in buttons:
        if (data is not None and button.get("callback_data") == data) or (
            data is None and text is not None and button.get("text") == text
        ):
            return button
    if data is None and text is None and len(buttons) == 1:
        return buttons[0]
    labels = [(b.get("text"), b.get("callback_data")) for b in buttons]
    raise LookupError(f"no button data={data!r} text={text!r} on message; it has {labels}")
