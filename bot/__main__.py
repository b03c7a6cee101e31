"""``python -m bot [--workers N] [-v]``: run the Telegram bot (as ``bankpm serve``)."""

import argparse
import sys

from bankpm_core.errors import BankpmError
from bot.app import main


def run() -> None:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="answer in N worker processes (BANKPM_BOT_WORKERS)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    args = parser.parse_args()
    try:
        main(args.verbose, args.workers)
    except BankpmError as exc:
        sys.exit(exc.message_en)


if __name__ == "__main__":  # not in worker processes, which re-import this module
    run()
