"""`reportqa serve` as a process: secrets never printed, a bad setting is one line, and a
Bot API that is down at start is waited for."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from scripts.benchmark import reportqa_command
from tests.fakes import TOKEN, FakeBotApi

_SECRET_HALF = TOKEN.split(":", 1)[1]
_WEBHOOK_SECRET = "webhook-secret-value-42"


def _env(tmp_path: Path, api_root: str, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("REPORTQA_")}
    env.update(
        REPORTQA_TELEGRAM_TOKEN=TOKEN,
        REPORTQA_TELEGRAM_API_ROOT=api_root,
        REPORTQA_DATA_DIR=str(tmp_path / "data"),
        REPORTQA_WEBHOOK_SECRET=_WEBHOOK_SECRET,
    )
    env.update({f"REPORTQA_{k.upper()}": v for k, v in settings.items()})
    return env


def _run(tmp_path: Path, api_root: str, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*reportqa_command(), "serve"],
        env=_env(tmp_path, api_root, **settings),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )


class _Served:
    """A `reportqa serve` process writing its console output to a file."""

    def __init__(self, tmp_path: Path, api_root: str, **settings: str) -> None:
        self.log = tmp_path / "console.log"
        with self.log.open("w") as console:
            self.process = subprocess.Popen(
                [*reportqa_command(), "serve"],
                env=_env(tmp_path, api_root, **settings),
                cwd=tmp_path,
                stdout=console,
                stderr=subprocess.STDOUT,
            )

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> str:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=60)
        return self.output()


def _assert_no_secret(output: str) -> None:
    assert _SECRET_HALF not in output
    assert _SECRET_HALF.replace(":", "%3A") not in output
    assert _WEBHOOK_SECRET not in output


def _one_error_line(output: str, setting: str) -> None:
    errors = [line for line in output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and setting in errors[0], output
    assert "Traceback" not in output


def _wait_for(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _free_port() -> int:
    """A port nobody listens on (for now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _answered(fake: FakeBotApi) -> str:
    """Once the bot has started, ask it a question and return its answer's text."""
    _wait_for(lambda: bool(fake.calls("setMyCommands")), 120)
    mark = fake.mark()
    fake.send_text("12345热线诉求有多少件？", 7)
    _wait_for(lambda: bool(fake.calls("sendMessage", mark)), 60)
    return str(fake.calls("sendMessage", mark)[0].params["text"])


def test_a_rejected_token_is_one_line_without_the_token(tmp_path: Path) -> None:
    with FakeBotApi(token="123456:another-token-the-server-knows").running() as fake:
        finished = _run(tmp_path, fake.root)
    assert finished.returncode == 2
    _one_error_line(finished.stderr, "REPORTQA_TELEGRAM_TOKEN")
    _assert_no_secret(finished.stdout + finished.stderr)


def test_an_api_root_that_answers_404_is_one_line(tmp_path: Path) -> None:
    with FakeBotApi().running() as fake:
        finished = _run(tmp_path, f"{fake.root}/somewhere-else")
    assert finished.returncode == 2
    _one_error_line(finished.stderr, "REPORTQA_TELEGRAM_API_ROOT")
    _assert_no_secret(finished.stdout + finished.stderr)


@pytest.mark.parametrize("root", ["ftp://api.example.org", "not a url", "http://"])
def test_an_api_root_that_is_not_a_web_url_is_one_line(tmp_path: Path, root: str) -> None:
    finished = _run(tmp_path, root)
    assert finished.returncode == 2
    _one_error_line(finished.stderr, "REPORTQA_TELEGRAM_API_ROOT")
    _assert_no_secret(finished.stdout + finished.stderr)


def test_a_refused_connection_is_retried_and_names_no_secret(tmp_path: Path) -> None:
    served = _Served(tmp_path, f"http://127.0.0.1:{_free_port()}", log_level="DEBUG")
    _wait_for(lambda: "Connecting to the Bot API" in served.output(), 120)
    time.sleep(4)  # a few refused attempts
    assert served.process.poll() is None  # still waiting for the Bot API, not exited
    output = served.stop()
    assert served.process.returncode == 0
    _assert_no_secret(output)


def test_at_debug_level_the_token_is_never_logged(tmp_path: Path) -> None:
    with FakeBotApi().running() as fake:
        served = _Served(tmp_path, fake.root, log_level="DEBUG")
        try:
            assert "3531件" in _answered(fake)
        finally:
            output = served.stop()
    assert "DEBUG" in output and "getUpdates" in output  # the debug lines were there
    _assert_no_secret(output)


def test_the_bot_waits_for_an_api_down_at_start_then_serves(tmp_path: Path) -> None:
    port = _free_port()
    served = _Served(tmp_path, f"http://127.0.0.1:{port}")
    try:
        _wait_for(lambda: "Connecting to the Bot API" in served.output(), 120)
        time.sleep(10)  # the API is down for 10 s
        assert served.process.poll() is None
        with FakeBotApi(port=port).running() as fake:
            assert "3531件" in _answered(fake)
    finally:
        output = served.stop()
    assert "Traceback" not in output


def test_502s_from_getme_and_deletewebhook_are_waited_out(tmp_path: Path) -> None:
    with FakeBotApi().running() as fake:
        for method in ("getMe", "deleteWebhook"):
            for _ in range(2):
                fake.fail_next(method, "Bad Gateway", 502)
        served = _Served(tmp_path, fake.root)
        try:
            assert "3531件" in _answered(fake)
        finally:
            output = served.stop()
    assert served.process.returncode == 0
    assert "Traceback" not in output
