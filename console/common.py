"""What every `bankpm` command does the same way: read settings, report a failure."""

from __future__ import annotations

import typer

from bankpm_core.config import Settings, load_settings
from bankpm_core.errors import BankpmError


def _settings() -> Settings:
    """The settings, or exit 2 with the setting's own message (never a traceback)."""
    try:
        return load_settings()
    except BankpmError as exc:
        typer.echo(exc.message_en, err=True)
        raise typer.Exit(2) from exc


def _fail(exc: BankpmError, lang: str = "en") -> None:
    typer.echo(exc.message(lang), err=True)
    raise typer.Exit(1)
