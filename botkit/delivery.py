"""Delivery: Telegram's flood limits kept, and a send that fails on the way retried.

PTB's `AIORateLimiter` spaces requests to Telegram's limits and, on a 429, waits the
`retry_after` Telegram names and tries again. This subclass also retries the calls that
deliver an answer when the network or Telegram's gateway fails (`NetworkError`, `TimedOut`,
a 502), with exponential backoff, so an answer computed is an answer delivered.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram._utils.types import JSONDict
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter

logger = logging.getLogger(__name__)

# The calls that carry an answer to a user; a lost chat action or menu costs nothing.
RETRIED_ENDPOINTS = frozenset(
    {
        "sendMessage",
        "editMessageText",
        "editMessageReplyMarkup",
        "answerCallbackQuery",
        "setMyCommands",
    }
)
_FIRST_BACKOFF = 0.5
_MAX_BACKOFF = 8.0


class PatientRateLimiter(AIORateLimiter):
    """`AIORateLimiter` that also retries answer-carrying calls after network errors."""

    def __init__(
        self,
        overall_max_rate: float,
        group_max_rate: float,
        retries: int,
        first_backoff: float = _FIRST_BACKOFF,
    ) -> None:
        # A 429 is retried as often as a network error; PTB sleeps retry_after + 0.1 s.
        super().__init__(
            overall_max_rate=overall_max_rate,
            overall_time_period=1,
            group_max_rate=group_max_rate,
            group_time_period=60,
            max_retries=retries,
        )
        self._retries = retries
        self._first_backoff = first_backoff

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Send through the limiter; on a network error or 5xx, back off and send again."""
        backoff = self._first_backoff
        for attempt in range(self._retries + 1):
            try:
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except (BadRequest, RetryAfter):
                raise  # a bad request stays bad; 429s were retried by AIORateLimiter
            except NetworkError as error:  # TimedOut and 5xx (Bad Gateway) are NetworkErrors
                if endpoint not in RETRIED_ENDPOINTS or attempt == self._retries:
                    raise
                logger.warning(
                    "%s failed (%s: %s); retry %d of %d in %.1f s",
                    endpoint,
                    type(error).__name__,
                    error.message,
                    attempt + 1,
                    self._retries,
                    backoff,
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, _MAX_BACKOFF)
        raise AssertionError("unreachable: the last attempt returns or raises")
