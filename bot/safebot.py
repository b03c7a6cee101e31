"""A Bot that survives a malformed update from the Bot API.

python-telegram-bot parses a ``getUpdates`` batch in one go; if one update in it is
malformed (a missing required field, say), the whole batch fails to parse, the
offset is not advanced, and the next poll fetches the same poison batch — forever.
:class:`SafeBot` parses such a batch one update at a time instead: good updates
are processed, a bad one is logged and replaced by an empty ``Update`` with its id
(the access gate ignores it), so polling moves past it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ExtBot
from telegram.request import HTTPXRequest

log = logging.getLogger(__name__)


class SafeBot(ExtBot[None]):
    async def get_updates(  # type: ignore[override]
        self,
        offset: int | None = None,
        limit: int | None = None,
        timeout: Any = None,
        allowed_updates: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> tuple[Update, ...]:
        try:
            return await super().get_updates(offset, limit, timeout, allowed_updates, **kwargs)
        except TelegramError:
            raise
        except Exception:
            log.error("the Bot API sent a malformed update; parsing the batch one by one")
        raw = await self._post(
            "getUpdates",
            {"offset": offset, "limit": limit, "timeout": 0, "allowed_updates": allowed_updates},
        )
        return tuple(self._one(item) for item in raw or () if _update_id(item) is not None)

    def _one(self, item: dict[str, Any]) -> Update:
        try:
            update = Update.de_json(item, self)
        except Exception:
            log.error("skipping malformed update %s", item.get("update_id"), exc_info=True)
            update = Update(update_id=int(item["update_id"]))
            update.set_bot(self)
        return update


def _update_id(item: object) -> int | None:
    if isinstance(item, dict) and isinstance(item.get("update_id"), int):
        return int(item["update_id"])
    return None


def make_bot(token: str, base_url: str | None, base_file_url: str | None) -> SafeBot:
    """The bot with the timeouts we want (long polls get their own connection)."""
    kwargs: dict[str, Any] = {}
    if base_url:
        kwargs["base_url"] = base_url
    if base_file_url:
        kwargs["base_file_url"] = base_file_url
    return SafeBot(
        token,
        request=HTTPXRequest(
            connection_pool_size=256,
            connect_timeout=10,
            read_timeout=30,
            write_timeout=30,
            pool_timeout=10,
            media_write_timeout=60,
        ),
        get_updates_request=HTTPXRequest(
            connection_pool_size=1, connect_timeout=10, read_timeout=10, pool_timeout=10
        ),
        **kwargs,
    )
