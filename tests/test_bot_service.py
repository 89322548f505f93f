"""The bot as a service, against the fake Bot API's fault modes: every answer delivered
once and in order per chat, buttons that survive a restart, follow-ups from context."""

from __future__ import annotations

import asyncio
import base64
import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from answers.engine import Engine
from answers.telegram import UNKNOWN_COMMAND
from config import Settings
from tests.fakes import ApiError, FakeBotApi, too_many_requests
from tests.test_bot import (
    BROAD_QUESTIONS,
    CITIZEN,
    FIGURE_QUESTION,
    MINGXI_REPORT,
    Harness,
    _docs_folder,
    _running,
    _settings,
)

# Questions about the bundled report, each with the figure its answer bolds.
FIGURES = {
    "12345热线去年收到多少诉求？": "3531件",
    "群众满意率是多少？": "99.80%",
    "县直部门权责清单一共有多少项？": "4808项",
    "扫黑除恶抓获了多少犯罪嫌疑人？": "118人",
    "县级调解中心面积有多大？": "260平方米",
    "去年受理了几件行政复议案件？": "2件",
    "民法典宣讲开展了多少场次？": "21场次",
    "政务公开方面主动公开了多少条信息？": "825条",
    "行政复议经费有多少？": "5万元",
    "调解中心有几名驻会调解员？": "10人",
}
QUESTIONS = list(FIGURES)
_BOLD = re.compile(r"<b>(.*?)</b>")


def _service_settings(base: Settings, **changes: object) -> Settings:
    # The fake has no flood cap; the limiter's own limit would only slow the tests down.
    values = {"telegram_rate_limit": 10_000.0, "telegram_timeout": 1.0, **changes}
    return base.model_copy(update=values)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root = tmp_path_factory.mktemp("service")
    return Engine.from_settings(_settings(_docs_folder(root), root / "data", "http://unused"))


@pytest.fixture
async def bot(fake: FakeBotApi, engine: Engine, tmp_path: Path) -> AsyncIterator[Harness]:
    async for harness in _running(_served(engine, tmp_path, fake), engine, fake):
        yield harness


def _served(engine: Engine, tmp_path: Path, fake: FakeBotApi) -> Settings:
    """The service settings for a bot over `engine`, with its data under `tmp_path`."""
    return _service_settings(_settings(engine.settings.docs_dir, tmp_path / "data", fake.root))


def _delivered(fake: FakeBotApi, after: int = 0) -> dict[int, list[str]]:
    """Per chat, the bold figure of each answer delivered (sendMessage that succeeded)."""
    chats: dict[int, list[str]] = {}
    for call in fake.calls("sendMessage", after):
        if call.error or call.result is None:
            continue
        bold = _BOLD.search(call.params["text"])
        chats.setdefault(int(call.params["chat_id"]), []).append(bold.group(1) if bold else "")
    return chats


async def _ask_all(bot: Harness, users: int, per_user: int) -> dict[int, list[str]]:
    """Every user asks `per_user` questions in a row; the figures each should get, in order."""
    expected: dict[int, list[str]] = {}
    for turn in range(per_user):
        for user in range(users):
            chat = 10_000 + user
            question = QUESTIONS[(user + 3 * turn) % len(QUESTIONS)]
            expected.setdefault(chat, []).append(FIGURES[question])
            bot.fake.send_text(question, chat)
    return expected


async def _until_delivered(fake: FakeBotApi, count: int, after: int, timeout: float) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while sum(len(v) for v in _delivered(fake, after).values()) < count:
        if asyncio.get_running_loop().time() > deadline:
            got = sum(len(v) for v in _delivered(fake, after).values())
            raise AssertionError(f"{got} of {count} answers delivered in {timeout} s")
        await asyncio.sleep(0.05)


# --- order and delivery --------------------------------------------------------------------


async def test_fifty_users_twenty_questions_each_answered_once_and_in_order(
    bot: Harness,
) -> None:
    mark = bot.fake.mark()
    expected = await _ask_all(bot, users=50, per_user=20)
    await _until_delivered(bot.fake, 1000, mark, timeout=180)
    await bot.idle()
    assert _delivered(bot.fake, mark) == expected


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(
            lambda fake: fake.fail_share("sendMessage", 0.3, too_many_requests(1)), id="429"
        ),
        pytest.param(lambda fake: fake.flood("sendMessage", 1.5, retry_after=1), id="429-window"),
        pytest.param(
            lambda fake: fake.fail_share("sendMessage", 0.3, ApiError("Bad Gateway", 502)),
            id="502",
        ),
    ],
)
async def test_every_answer_is_delivered_once_through_flood_control_and_5xx(
    bot: Harness, fault: object, caplog: pytest.LogCaptureFixture
) -> None:
    fault(bot.fake)  # type: ignore[operator]
    mark = bot.fake.mark()
    with caplog.at_level(logging.WARNING):
        expected = await _ask_all(bot, users=4, per_user=3)
        await _until_delivered(bot.fake, 12, mark, timeout=60)
        await bot.idle()
    assert _delivered(bot.fake, mark) == expected
    assert any(call.error for call in bot.fake.calls("sendMessage", mark))
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


async def test_polling_through_502s_and_a_dropped_connection(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    await bot.idle()
    for _ in range(2):
        bot.fake.fail_next("getUpdates", "Bad Gateway", 502)
    bot.fake.drop_next("getUpdates")
    with caplog.at_level(logging.WARNING):
        (reply,) = await bot.say(FIGURE_QUESTION)
    assert "<b>3531件</b>" in reply.params["text"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


@pytest.mark.parametrize("fault", ["hang", "drop"])
async def test_a_send_that_hangs_or_loses_its_connection_is_sent_again(
    bot: Harness, fault: str, caplog: pytest.LogCaptureFixture
) -> None:
    if fault == "hang":
        bot.fake.hang_next("sendMessage", 2.5)  # past the 1 s timeout
    else:
        bot.fake.drop_next("sendMessage")
    with caplog.at_level(logging.WARNING):
        lost, delivered = await bot.say(FIGURE_QUESTION, count=2)
    assert lost.error == fault and lost.result is None
    assert "<b>3531件</b>" in delivered.params["text"]
    await bot.idle()
    answers = [c for c in bot.fake.calls("sendMessage") if c.result is not None]
    assert len(answers) == 1
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_two_quick_taps_on_more_send_the_further_answers_once(
    fake: FakeBotApi, engine: Engine, tmp_path: Path
) -> None:
    # 更多 shows when every top_k place is filled: top_k 1, on a question with a second answer.
    question = next(q for q in BROAD_QUESTIONS if len(engine.ask(q, 2).answers) == 2)
    settings = _served(engine, tmp_path, fake).model_copy(update={"top_k": 1})
    async for bot in _running(settings, engine, fake):
        (reply,) = await bot.say(question)
        mark = await bot.press(reply, "更多")
        await bot.press(reply, "更多")
        await bot.fake.wait_for("sendMessage", after=mark)
        await bot.idle()
        assert len(bot.fake.calls("sendMessage", after=mark)) == 1
        assert len(bot.fake.calls("answerCallbackQuery", after=mark)) == 2


# --- restart ---------------------------------------------------------------------------------


async def test_buttons_and_chat_context_survive_a_restart(
    fake: FakeBotApi, engine: Engine, tmp_path: Path
) -> None:
    settings = _served(engine, tmp_path, fake)
    async for first in _running(settings, engine, fake):
        (reply,) = await first.say(FIGURE_QUESTION)
    assert (tmp_path / "data" / "telegram.json").exists()
    async for second in _running(settings, engine, fake):
        mark = await second.press(reply, "原文")
        (passage,) = await fake.wait_for("sendMessage", after=mark)
        assert "12345" in passage.params["text"] and "过期" not in passage.params["text"]
        (follow_up,) = await second.say("那2019年呢")
        assert "2019年" in follow_up.params["text"]


# --- follow-ups and the rest of the conversation -------------------------------------------


@pytest.fixture
async def two_counties(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[Harness]:
    docs = _docs_folder(tmp_path)
    (docs / "mingxi-2020.txt").write_text(MINGXI_REPORT, encoding="utf-8")
    settings = _service_settings(_settings(docs, tmp_path / "data", fake.root))
    async for harness in _running(settings, Engine.from_settings(settings), fake):
        yield harness


async def test_follow_ups_change_the_place_the_year_or_the_topic(two_counties: Harness) -> None:
    (first,) = await two_counties.say("明溪县去年办理了多少件行政复议案件？")
    assert "<b>87件</b>" in first.params["text"]
    (place,) = await two_counties.say("那清流呢")
    assert "按“清流去年办理了多少件行政复议案件？”理解" in place.params["text"]
    assert "清流县2020年法治政府建设情况报告" in place.params["text"]
    (year,) = await two_counties.say("那前年呢")
    assert "2019年" in year.params["text"]  # read as 2019年, which the report does not cover
    (topic,) = await two_counties.say("那法治宣传活动呢")
    assert "理解" in topic.params["text"]
    (fresh,) = await two_counties.say("群众满意率是多少？")
    assert "理解" not in fresh.params["text"]


async def test_an_unknown_command_is_answered(bot: Harness) -> None:
    (reply,) = await bot.say("/menu")
    assert reply.params["text"] == UNKNOWN_COMMAND


async def test_a_photo_caption_is_read_as_the_question(bot: Harness) -> None:
    mark = bot.fake.push(
        {
            "message": bot.fake._new_message(
                CITIZEN,
                "private",
                photo=[{"file_id": "p1", "file_unique_id": "up1", "width": 9, "height": 9}],
                caption=FIGURE_QUESTION,
            )
        }
    )
    (reply,) = await bot.fake.wait_for("sendMessage", after=mark)
    assert "<b>3531件</b>" in reply.params["text"]


async def test_a_start_link_opens_on_its_question(bot: Harness) -> None:
    payload = "ask_" + base64.urlsafe_b64encode("群众满意率是多少".encode()).decode().rstrip("=")
    (reply,) = await bot.say(f"/start {payload}")
    assert "<b>99.80%</b>" in reply.params["text"]


async def test_stopping_finishes_the_updates_already_taken(
    fake: FakeBotApi, engine: Engine, tmp_path: Path
) -> None:
    settings = _served(engine, tmp_path, fake)
    async for _harness in _running(settings, engine, fake):
        mark = fake.send_text(FIGURE_QUESTION, CITIZEN)
        while not fake.all_delivered():
            await asyncio.sleep(0.01)
    assert [c for c in fake.calls("sendMessage", after=mark) if c.result is not None]
