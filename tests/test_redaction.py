"""Secrets masked in every log line, argument and traceback."""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import Iterator

import pytest

from config import Settings, redaction

_TOKEN = "987654:redaction-test-secret-token"


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(redaction.RedactingFormatter(logging.Formatter("%(message)s")))
    log = logging.getLogger("tests.redaction")
    log.addHandler(handler)
    log.propagate = False
    try:
        yield log, stream
    finally:
        log.removeHandler(handler)


def test_reading_the_settings_registers_the_token(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    log, stream = captured
    Settings(telegram_token=_TOKEN, webhook_secret="webhook-redaction-secret")
    log.warning("Set Bot API URL: http://x/bot%s/getMe", _TOKEN)
    log.warning("encoded %s", _TOKEN.replace(":", "%3A"))
    log.warning("half %s", _TOKEN.split(":")[1])
    log.warning("webhook %s", "webhook-redaction-secret")
    text = stream.getvalue()
    assert "redaction-test-secret-token" not in text
    assert "webhook-redaction-secret" not in text
    assert text.count(redaction.MASK) == 4


def test_a_traceback_is_masked(captured: tuple[logging.Logger, io.StringIO]) -> None:
    log, stream = captured
    redaction.add_secret(_TOKEN)
    try:
        raise RuntimeError(f"The token `{_TOKEN}` was rejected by the server.")
    except RuntimeError:
        log.exception("failed")
    text = stream.getvalue()
    assert "Traceback" in text and "redaction-test-secret-token" not in text


def test_an_uncaught_exception_is_printed_masked(capsys: pytest.CaptureFixture[str]) -> None:
    redaction.add_secret(_TOKEN)
    try:
        raise ValueError(_TOKEN)
    except ValueError:
        kind, error, tb = sys.exc_info()
        assert kind is not None and error is not None
        redaction._print_redacted(kind, error, tb)
    assert "redaction-test-secret-token" not in capsys.readouterr().err


def test_short_values_are_not_secrets() -> None:
    redaction.add_secret("1:ab")
    assert redaction.redact("1:ab and ab") == "1:ab and ab"
