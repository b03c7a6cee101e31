"""What handlers share: the services (in ``bot_data``) and the caller of one update.

As in python-telegram-bot's ``contexttypesbot.py`` example, a :class:`BotContext`
gives handlers typed access to shared objects — :attr:`BotContext.services` reads
them from ``bot_data`` — and carries the :class:`Caller` the access gate resolved
for the update being handled (one context object serves every handler group of an
update). Nothing here is a module global.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from telegram.ext import Application, CallbackContext, ExtBot

from bankpm_core.access import AccessPolicy, RateLimiter
from bankpm_core.answer import Answer
from bankpm_core.assistant import Assistant
from bankpm_core.audit import AuditLog
from bankpm_core.config import Settings
from bankpm_core.uploads import Uploads
from bankpm_core.users import UserContext
from bot.workers import AnswerPool

SERVICES_KEY = "services"
K = TypeVar("K")
V = TypeVar("V")


class BoundedStore(Generic[K, V]):
    """A small LRU map: follow-up questions and last answers must not grow forever."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._items: OrderedDict[K, V] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)


class FollowUps:
    """Full follow-up questions kept server-side; buttons carry only a short id (≤ 64 B)."""

    def __init__(self, capacity: int = 50_000) -> None:
        self._by_id: BoundedStore[str, str] = BoundedStore(capacity)
        self._by_question: BoundedStore[str, str] = BoundedStore(capacity)

    def register(self, question: str) -> str:
        known = self._by_question.get(question)
        if known is not None and self._by_id.get(known) == question:
            return known
        ident = secrets.token_urlsafe(8)  # 11 characters
        self._by_id.put(ident, question)
        self._by_question.put(question, ident)
        return ident

    def question(self, ident: str) -> str | None:
        return self._by_id.get(ident)


@dataclass
class Services:
    """Everything a handler may use, built once in :func:`bot.app.build_services`."""

    settings: Settings
    assistant: Assistant
    access: AccessPolicy
    limiter: RateLimiter
    audit: AuditLog
    uploads: Uploads
    followups: FollowUps
    last_answers: BoundedStore[tuple[int, int], Answer]
    answers: AnswerPool

    def close(self) -> None:
        """Stop the answer workers and release the audit database."""
        self.answers.close()
        self.audit.close()


@dataclass(frozen=True)
class Caller:
    """Who sent the update being handled, as the access gate resolved it."""

    user: UserContext
    user_id: int
    chat_id: int
    chat_type: str
    lang: str  # for the bot's own messages (Telegram's language_code); answers follow the question
    started: float  # time.perf_counter() when the update arrived

    @property
    def key(self) -> tuple[int, int]:
        return (self.chat_id, self.user_id)


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[str, Any]]):
    """The context every handler receives."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self._caller: Caller | None = None

    @property
    def services(self) -> Services:
        return self.bot_data[SERVICES_KEY]  # type: ignore[no-any-return]

    @property
    def caller(self) -> Caller:
        if self._caller is None:
            raise RuntimeError("no caller: the access gate did not run for this update")
        return self._caller

    @caller.setter
    def caller(self, value: Caller) -> None:
        self._caller = value

    @property
    def has_caller(self) -> bool:
        return self._caller is not None
