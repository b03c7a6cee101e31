"""One error vocabulary. Each error carries a user-safe message in both languages and,
where useful, suggestions; every boundary (bot, console, CLI) renders it its own way."""

from __future__ import annotations

from datetime import date


class BankpmError(Exception):
    """Base error whose messages are safe to show to a user."""

    code = "error"

    def __init__(
        self, message_zh: str, message_en: str | None = None, suggestions: list[str] | None = None
    ) -> None:
        self.message_zh = message_zh
        self.message_en = message_en or message_zh
        self.suggestions = list(suggestions or [])
        super().__init__(self.message_en)

    def message(self, lang: str) -> str:
        return self.message_zh if lang == "zh" else self.message_en


class ConfigError(BankpmError):
    code = "config_error"


class CatalogError(BankpmError):
    code = "catalog_error"


class UnknownMetricError(BankpmError):
    code = "unknown_metric"


class UnknownMemberError(BankpmError):
    code = "unknown_member"


class UnsupportedQueryError(BankpmError):
    code = "unsupported_query"


class NoDataError(BankpmError):
    code = "no_data"


class PeriodAfterDataError(NoDataError):
    """The period asked for starts after the last day the data covers (``as_of``)."""

    def __init__(self, message_zh: str, message_en: str, as_of: date) -> None:
        super().__init__(message_zh, message_en)
        self.as_of = as_of


class BadInputError(BankpmError):
    code = "bad_input"


class NotReadyError(BankpmError):
    """The data directory has not been initialised yet (no database / index)."""

    code = "not_ready"
