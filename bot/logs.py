"""Logging for the bot process: personal numbers and the bot token never reach a log line."""

from __future__ import annotations

import logging

from bankpm_core.masking import mask_pii

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class MaskingFilter(logging.Filter):
    """Masks ID/phone/card numbers and secrets in the message and the traceback."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)

    def _clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return mask_pii(text)

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self._clean(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._clean(logging.Formatter().formatException(record.exc_info))
        return True


def configure_logging(level: int = logging.INFO, secrets: tuple[str, ...] = ()) -> None:
    """Root logging with the masking filter on every handler; httpx quietened (its INFO
    lines carry request URLs, which contain the bot token)."""
    logging.basicConfig(level=level, format=FORMAT)
    mask = MaskingFilter(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(mask)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("matplotlib").setLevel(logging.WARNING)
