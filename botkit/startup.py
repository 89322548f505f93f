"""Start-up: run the Application through a flaky network, and stop only for a bad setting.

`run_polling` and `run_webhook` get PTB's `bootstrap_retries=-1`: getMe, deleteWebhook
and setWebhook are retried with PTB's backoff (1 s growing to 30 s) while the network or
the Bot API is down, and getUpdates errors are retried by PTB's updater while serving.
A rejected token or an API root that does not answer as a Bot API cannot get better by
waiting: `run` raises `Rejected`, with one line naming the setting, and PTB's own
traceback of that error is not logged (the caller reports the line). The transport's
connections are closed on every way out.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application

logger = logging.getLogger(__name__)

# PTB logs its network retry loop here, with a traceback for an invalid token.
_PTB_LOGGER = "telegram.ext"


class Rejected(Exception):
    """The Bot API rejected a setting: the message names it."""


class _InvalidTokenTraceback(logging.Filter):
    """Drops PTB's traceback of an invalid token: `run` reports it as one line."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, InvalidToken)


def run(
    application: Application[Any, Any, Any, Any, Any, Any],
    api_root: str,
    start: Callable[[], None],
) -> None:
    """Run `start` (the application's run_polling or run_webhook, given
    bootstrap_retries=-1 and close_loop=False) on a fresh event loop.

    Raises Rejected for a token the Bot API refuses or an API root that is not one.
    """
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    quiet = _InvalidTokenTraceback()
    logging.getLogger(_PTB_LOGGER).addFilter(quiet)
    logger.info("Connecting to the Bot API at %s (retrying while it is unreachable)", api_root)
    try:
        start()
    except InvalidToken as error:
        raise Rejected(_rejection(error, api_root)) from None
    finally:
        logging.getLogger(_PTB_LOGGER).removeFilter(quiet)
        # A start that failed leaves the transport open: PTB shuts down only what it
        # finished initializing.
        loop.run_until_complete(application.bot.request.shutdown())
        loop.close()


def _rejection(error: InvalidToken, api_root: str) -> str:
    causes: list[BaseException] = []
    cause: BaseException | None = error
    while cause is not None and len(causes) < 8:
        causes.append(cause)
        cause = cause.__cause__
    # PTB's innermost InvalidToken begins with the HTTP status: "Not Found (404). …".
    inner = next((c for c in reversed(causes) if isinstance(c, InvalidToken)), error)
    status = inner.message.split(".", 1)[0][:40]
    if any(type(c) is TelegramError and "Invalid server response" in c.message for c in causes):
        # A 401/404 that is not a Bot API's JSON: the URL points elsewhere.
        return (
            f"REPORTQA_TELEGRAM_API_ROOT {api_root} does not answer as a Bot API ({status}): "
            "check the URL"
        )
    return (
        f"REPORTQA_TELEGRAM_TOKEN was rejected by the Bot API at {api_root} ({status}): "
        "check the token @BotFather gave"
    )
