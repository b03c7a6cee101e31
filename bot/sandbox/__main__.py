"""``python -m bot.sandbox``: serve the sandbox (and its chat page) until Ctrl-C.

This is the server alone, e.g. for a bot started by hand with
``base_url=<printed api prefix>``; ``bankpm sandbox`` also starts the bot.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.sandbox.run import run_sandbox
from bot.sandbox.server import DEFAULT_TOKEN


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8081, help="port, 0 for any free one")
    parser.add_argument(
        "--token", action="append", help=f"bot token, repeatable (default {DEFAULT_TOKEN})"
    )
    parser.add_argument("--username", default="bankpm_sandbox_bot", help="first bot's username")
    parser.add_argument("--no-seed", action="store_true", help="start without demo users/group")
    parser.add_argument("--strict-html", action="store_true", help="also reject bare & and >")
    args = parser.parse_args(argv)
    run_sandbox(
        args.host,
        args.port,
        args.token or DEFAULT_TOKEN,
        seed=not args.no_seed,
        strict_html=args.strict_html,
        bot_username=args.username,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
