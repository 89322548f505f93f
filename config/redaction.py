"""Secrets kept out of every log line and every traceback the process prints.

The bot's token is part of every Bot API URL (`…/bot123456:ABC…/getMe`), so PTB and HTTP
libraries name it in debug lines and in error texts (`The token … was rejected`).
`install()` puts a redacting formatter on the root logger's handlers and on the hooks
that print uncaught exceptions; `add_secret()` registers a value as soon as the settings
that hold it are read, before any Bot API call is made. A secret is replaced wherever it
appears, also percent-encoded (`%3A` for the token's colon) and by its part after the
colon, which is the secret half of a token.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from types import TracebackType
from urllib.parse import quote

MASK = "[secret]"
# Shorter values are not secrets worth the false matches (a test token's "1").
_MIN_LENGTH = 6

_secrets: set[str] = set()
_lock = threading.Lock()


def add_secret(value: str | None) -> None:
    """Redact `value` (and its encoded forms) from everything logged from now on."""
    if not value:
        return
    forms = {value, quote(value, safe=""), quote(value)}
    _, colon, secret_half = value.partition(":")
    if colon:
        forms.add(secret_half)
    with _lock:
        _secrets.update(form for form in forms if len(form) >= _MIN_LENGTH)


def redact(text: str) -> str:
    """`text` with every registered secret masked, longest first."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


class RedactingFormatter(logging.Formatter):
    """Formats as the formatter it wraps, then masks secrets in the whole text
    (message, arguments, exception and stack)."""

    def __init__(self, inner: logging.Formatter | None = None) -> None:
        super().__init__()
        self._inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        return redact(self._inner.format(record))


def install() -> None:
    """Redact what the root logger's handlers print, and uncaught exceptions. Call it
    after logging is configured: handlers added later are not covered."""
    for handler in logging.getLogger().handlers:
        if not isinstance(handler.formatter, RedactingFormatter):
            handler.setFormatter(RedactingFormatter(handler.formatter))
    # logging's own last resort, used when no handler is configured.
    last_resort = logging.lastResort
    if last_resort is not None and not isinstance(last_resort.formatter, RedactingFormatter):
        last_resort.setFormatter(RedactingFormatter(last_resort.formatter))
    logging.captureWarnings(True)  # warnings go through the handlers too
    sys.excepthook = _print_redacted
    threading.excepthook = _print_thread_redacted


def _print_redacted(
    kind: type[BaseException], error: BaseException, tb: TracebackType | None
) -> None:
    text = "".join(traceback.format_exception(kind, error, tb))
    sys.stderr.write(redact(text))


def _print_thread_redacted(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None:
        return
    _print_redacted(args.exc_type, args.exc_value, args.exc_traceback)
