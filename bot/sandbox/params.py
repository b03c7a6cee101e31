"""Request parameters as the Bot API accepts them.

Telegram takes parameters from the query string, a URL-encoded or multipart
form, or a JSON body. In forms every value is a string and structured values
(``reply_markup``, ``entities``, ``allowed_updates``...) are JSON-encoded
strings; python-telegram-bot sends exactly that. In a JSON body they may be
objects. ``Params`` hides the difference and raises Telegram-shaped 400s.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.sandbox.errors import bad_request


@dataclass(frozen=True, slots=True)
class Upload:
    """A file part of a multipart request."""

    filename: str | None
    content_type: str | None
    data: bytes


class Params:
    """Typed access to one request's parameters."""

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values

    def __contains__(self, name: str) -> bool:
        return self.values.get(name) not in (None, "")

    def raw(self, name: str) -> Any:
        return self.values.get(name)

    def str(self, name: str) -> str | None:
        value = self.values.get(name)
        if value is None or isinstance(value, Upload):
            return None
        return value if isinstance(value, str) else json.dumps(value)

    def required(self, name: str, missing: str | None = None) -> Any:
        """A parameter that must be present; ``missing`` is Telegram's wording for its absence."""
        value = self.values.get(name)
        if value in (None, ""):
            raise bad_request(missing or f"{name} is empty")
        return value

    def int(self, name: str, default: int | None = None) -> int | None:
        value = self.values.get(name)
        if value in (None, ""):
            return default
        try:
            return int(value)
        except (TypeError, ValueError):
            raise bad_request(f'field "{name}" must be a valid Number') from None

    def float(self, name: str, default: float = 0.0) -> float:
        value = self.values.get(name)
        if value in (None, ""):
            return default
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f'field "{name}" must be a valid Number') from None

    def bool(self, name: str) -> bool:
        value = self.values.get(name)
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1", "yes")
        return bool(value)

    def json(self, name: str, what: str | None = None) -> Any:
        """A structured parameter, JSON-decoded when it arrived as a string."""
        value = self.values.get(name)
        if value in (None, ""):
            return None
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {what or name} JSON object") from None
        return value

    def file(self, name: str) -> Upload | str | None:
        """An InputFile: an uploaded part (directly or via ``attach://``) or a file_id/URL."""
        value = self.values.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            value = self.values.get(value.removeprefix("attach://"))
            if not isinstance(value, Upload):
                raise bad_request(f"can't find attached file for {name}")
        if value in (None, ""):
            return None
        return value if isinstance(value, Upload) else str(value)
