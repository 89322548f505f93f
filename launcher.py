"""The `reportqa` console command: the command line, whose `serve` runs the bot.

The two front ends, `cli.py` and `bot.py`, never import each other; this module joins
them, importing the bot only when `serve` is asked for.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from config import Settings


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `reportqa` console script."""
    import cli

    return cli.main(argv, run_bot=_run_bot)


def _run_bot(settings: Settings, webhook_url: str | None) -> None:
    import bot  # the bot and its Telegram library load only for `serve`

    bot.serve(settings, webhook_url=webhook_url)


if __name__ == "__main__":
    sys.exit(main())
