"""Print a Markdown transcript of the bot answering typical questions, for the README.

Runs the same Application as `reportqa serve`, over the bundled report, against the fake
Bot API of the tests (no network, no token): `python scripts/transcript.py`.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

# Run as a file, the script sees only scripts/ on sys.path; the project root holds bot.py.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pydantic import SecretStr

from answers.telegram import html_to_text
from bot import build_application
from config import Settings
from retrieval.engine import Engine
from tests.fakes import TOKEN, Call, FakeBotApi

QUESTIONS = (
    "12345热线去年收到多少诉求？",
    "群众满意率是多少？",
    "全县党政部门受理信访多少件次？",
    "怎么办理护照？",
)
USER_ID = 4242


def _markdown(question: str, replies: list[Call]) -> list[str]:
    """One exchange: the question, each reply as a quote with bold kept, then its buttons."""
    lines = [f"**用户：** {question}", "", "**机器人：**", ""]
    for reply in replies:
        text = html_to_text(str(reply.params["text"]), bold="**")
        lines.extend(f"> {line}".rstrip() for line in text.splitlines())
        markup = reply.params.get("reply_markup") or {"inline_keyboard": []}
        buttons = [button["text"] for row in markup["inline_keyboard"] for button in row]
        if buttons:
            lines.extend(["", "按钮：" + " ".join(f"[{label}]" for label in buttons)])
        lines.append("")
    return lines


async def transcript(questions: tuple[str, ...] = QUESTIONS) -> str:
    """Ask `questions` through the running bot and return the exchange as Markdown."""
    lines: list[str] = []
    with FakeBotApi().running() as fake, tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]  # the transcript must not depend on .env
            telegram_token=SecretStr(TOKEN),
            telegram_api_root=fake.root,
            data_dir=Path(data_dir),
        )
        application = build_application(settings, Engine.from_settings(settings))
        await application.initialize()
        assert application.post_init is not None and application.updater is not None
        await application.post_init(application)
        await application.updater.start_polling(poll_interval=0, timeout=1)
        await application.start()
        try:
            for question in questions:
                mark = fake.send_text(question, USER_ID)
                lines.extend(_markdown(question, await fake.wait_for("sendMessage", after=mark)))
        finally:
            await application.updater.stop()
            await application.stop()
            await application.shutdown()
    return "\n".join(lines).rstrip() + "\n"


def main() -> None:
    """Print the transcript."""
    print(asyncio.run(transcript()), end="")


if __name__ == "__main__":
    main()
