"""`bankpm serve`, `bankpm sandbox` and `bankpm audit export` (registered by console.cli)."""

from __future__ import annotations

import asyncio
import logging
import sys
from datetime import date, datetime, time
from pathlib import Path
from typing import Annotated

import typer

from bankpm_core.config import Settings
from bankpm_core.errors import BankpmError
from console.common import _fail, _settings

audit_app = typer.Typer(help="Audit trail tools.", no_args_is_help=True)


def _logging(settings: Settings, verbose: bool) -> None:
    from bot.logs import configure_logging

    token = settings.telegram_token.get_secret_value() if settings.telegram_token else ""
    configure_logging(logging.DEBUG if verbose else logging.INFO, secrets=(token,))


def serve(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging.")] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Answer in N worker processes (0 = threads in this process; "
            "default BANKPM_BOT_WORKERS)."
        ),
    ] = None,
) -> None:
    """Run the Telegram bot: long polling, or a webhook when BANKPM_WEBHOOK_URL is set."""
    from bot.app import main

    try:
        main(verbose, workers)
    except BankpmError as exc:
        _fail(exc)


def sandbox(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Debug logging.")] = False,
    port: Annotated[
        int | None, typer.Option(help="Port (default BANKPM_SANDBOX_PORT; 0 = any free one).")
    ] = None,
) -> None:
    """Start the local Bot API sandbox and the real bot against it; open the chat page."""
    from bankpm_core.clock import SystemClock
    from bankpm_core.setup import initialise, is_initialised

    settings = _settings()
    _logging(settings, verbose)
    if not is_initialised(settings):
        try:
            initialise(settings, SystemClock(settings.tz), echo=lambda m: typer.echo(m, err=True))
        except BankpmError as exc:
            _fail(exc)
    try:
        asyncio.run(_run_sandbox(settings, settings.sandbox_port if port is None else port))
    except BankpmError as exc:
        _fail(exc)


async def _run_sandbox(settings: Settings, port: int) -> None:
    from pydantic import SecretStr

    from bankpm_core.access import AccessPolicy
    from bot.app import build_application, build_services, polling
    from bot.sandbox import DEFAULT_TOKEN, SandboxServer, seed_demo
    from bot.sandbox.run import DEMO_USERS, until_stopped

    server = SandboxServer(DEFAULT_TOKEN, port=port, bot_username="bankpm_sandbox_bot")
    seed_demo(server.world)
    local = settings.model_copy(update={"telegram_token": SecretStr(DEFAULT_TOKEN)})
    # The demo users may do everything (the first is an admin); other users are refused.
    demo = {user[0]: ("admin" if n == 0 else "pm") for n, user in enumerate(DEMO_USERS)}
    policy = AccessPolicy.from_settings(local).with_users(demo)  # type: ignore[arg-type]
    chats = {**policy.chats, **dict.fromkeys(server.world.groups, "pm")}
    services = await asyncio.to_thread(
        build_services, local, access=AccessPolicy(dict(policy.users), chats)
    )
    await server.start()
    application = build_application(
        local, services, base_url=server.api_prefix, base_file_url=server.file_prefix
    )
    try:
        async with polling(application):
            typer.echo(f"chat page: {server.url}/   (Ctrl-C to stop)")
            names = ", ".join(f"{u[1]} ({u[0]}, {demo[u[0]]})" for u in DEMO_USERS)
            typer.echo(f"demo users: {names}; their group is allowed; others are refused")
            await until_stopped()
    finally:
        await server.stop()
        services.close()


def audit_export(
    since: Annotated[str, typer.Option("--since", help="First day to include (YYYY-MM-DD).")],
    out: Annotated[Path | None, typer.Option("--out", help="CSV file (default: stdout).")] = None,
) -> None:
    """Write the audit trail since a day (in BANKPM_TIMEZONE) as CSV."""
    from bankpm_core.audit import AuditLog

    settings = _settings()
    try:
        start = datetime.combine(date.fromisoformat(since), time(0), tzinfo=settings.tz)
    except ValueError as exc:
        typer.echo(f"--since must be YYYY-MM-DD, got {since!r}", err=True)
        raise typer.Exit(2) from exc
    if settings.database_url is None and not settings.sqlite_file.exists():
        typer.echo(f"No database in {settings.data_dir}: nothing has been audited yet.", err=True)
        raise typer.Exit(1)
    audit = AuditLog.from_url(settings.resolved_database_url)
    try:
        if out is None:
            count = audit.export_csv(sys.stdout, start)
        else:
            with out.open("w", encoding="utf-8-sig", newline="") as handle:
                count = audit.export_csv(handle, start)
    finally:
        audit.close()
    typer.echo(f"{count} audit row(s) since {start.isoformat()}", err=True)


def register(app: typer.Typer) -> None:
    """Add `serve`, `sandbox` and `audit export` to the `bankpm` command."""
    app.command("serve")(serve)
    app.command("sandbox")(sandbox)
    audit_app.command("export")(audit_export)
    app.add_typer(audit_app, name="audit")


__all__ = ["register"]
