"""Measure the bot as a service: answered messages per second through a loopback Bot API.

    python scripts/bot_benchmark.py [--users 50] [--per-user 20] [--reports 0]

`reportqa serve` runs as its own process, configured by environment only, against the
test suite's fake Bot API on 127.0.0.1 (this process). Every user sends its questions at
once; the figures are the answered messages per second from the first question to the
last answer, and each answer's latency from its question. The fake has no flood cap, so
the rate limiter's limit is raised for the run: this measures the bot's own cost.
`--reports N` loads N reports generated from the bundled one instead of the bundled
report alone. Nothing is asserted; the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from config import BUNDLED_DOCS_DIR  # noqa: E402
from scripts.benchmark import (  # noqa: E402
    batch_questions,
    generate_reports,
    questions,
    reportqa_command,
    write_reports,
)
from tests.fakes import TOKEN, FakeBotApi  # noqa: E402

_FIRST_CHAT = 50_000


def _answers(fake: FakeBotApi, after: int) -> dict[int, list[float]]:
    """Per chat, the arrival time of each answer the bot delivered."""
    chats: dict[int, list[float]] = {}
    for call in fake.calls("sendMessage", after):
        chat = int(call.params["chat_id"])
        if call.result is not None and chat >= _FIRST_CHAT:
            chats.setdefault(chat, []).append(call.at)
    return chats


def run(users: int, per_user: int, reports: int, seed: int) -> None:
    with tempfile.TemporaryDirectory(prefix="reportqa-bot-bench-") as scratch:
        work = Path(scratch)
        docs = work / "docs"
        if reports:
            generated = generate_reports(reports, seed)
            write_reports(generated, docs)
            asked = questions(users * per_user, [r.county for r in generated], seed)
            corpus = f"{reports} generated reports"
        else:
            docs.mkdir()
            for path in BUNDLED_DOCS_DIR.iterdir():
                if path.is_file():
                    shutil.copy(path, docs)
            bundled = batch_questions()
            asked = [bundled[n % len(bundled)] for n in range(users * per_user)]
            corpus = "the bundled report"
        with FakeBotApi().running() as fake:
            env = {
                **{k: v for k, v in os.environ.items() if not k.startswith("REPORTQA_")},
                "REPORTQA_TELEGRAM_TOKEN": TOKEN,
                "REPORTQA_TELEGRAM_API_ROOT": fake.root,
                "REPORTQA_DOCS_DIR": str(docs),
                "REPORTQA_DATA_DIR": str(work / "data"),
                "REPORTQA_TELEGRAM_RATE_LIMIT": "1000000",
            }
            started = time.perf_counter()
            command = [*reportqa_command(), "serve"]
            process = subprocess.Popen(
                command,
                env=env,
                cwd=work,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                _wait(lambda: bool(fake.calls("setMyCommands")), 600)
                ready = time.perf_counter() - started
                _warm_up(fake, asked[:20])
                cpu_before = _cpu_seconds(process.pid)
                mark = fake.mark()
                sent: dict[int, list[float]] = {}
                for turn in range(per_user):
                    for user in range(users):
                        chat = _FIRST_CHAT + user
                        fake.send_text(asked[turn * users + user], chat)
                        sent.setdefault(chat, []).append(time.monotonic())
                total = users * per_user
                _wait(lambda: sum(map(len, _answers(fake, mark).values())) >= total, 600)
                cpu = _cpu_seconds(process.pid) - cpu_before if cpu_before >= 0 else -1.0
            finally:
                process.terminate()
                process.wait(timeout=60)
        answered = _answers(fake, mark)
        first = min(t for times in sent.values() for t in times)
        last = max(t for times in answered.values() for t in times)
        latencies = [
            1000 * (answer - question)
            for chat, times in answered.items()
            for question, answer in zip(sent[chat], times, strict=False)
        ]
        count = sum(min(len(times), len(sent[chat])) for chat, times in answered.items())
        extra = sum(max(0, len(times) - len(sent[chat])) for chat, times in answered.items())
        p50, p99 = np.percentile(latencies, [50, 99])
        print(f"reportqa serve over {corpus}, {users} users x {per_user} questions")
        print(f"  {'bot ready (index loaded, menus set)':<44} {ready:.1f} s")
        print(f"  {'answered':<44} {count} / {total}, {extra} answered twice")
        print(f"  {'answered messages per second':<44} {count / (last - first):.0f}")
        print(f"  {'reply latency, ms':<44} p50 {p50:.0f}  p99 {p99:.0f}")
        if cpu >= 0:
            print(f"  {'bot process CPU per answer, ms':<44} {1000 * cpu / max(count, 1):.1f}")


def _cpu_seconds(pid: int) -> float:
    """The process's user and system CPU time (Linux /proc); -1 where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return -1.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _warm_up(fake: FakeBotApi, asked: Sequence[str]) -> None:
    """A few questions first, so jieba's tables and the caches are loaded before timing."""
    mark = fake.mark()
    for question in asked:
        fake.send_text(question, _FIRST_CHAT - 1)
    _wait(lambda: len(fake.calls("sendMessage", mark)) >= len(asked), 300)


def _wait(condition: object, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out after {timeout:.0f} s")
        time.sleep(0.01)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--per-user", type=int, default=20)
    parser.add_argument("--reports", type=int, default=0, help="generated reports (0: bundled)")
    parser.add_argument("--seed", type=int, default=2021)
    args = parser.parse_args(argv)
    run(args.users, args.per_user, args.reports, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
