"""The Bot API transport over aiohttp, against the fake Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
import io
import time

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, TimedOut

from botkit.transport import AiohttpRequest
from tests.fakes import TOKEN, FakeBotApi


def _bot(fake: FakeBotApi, pool_size: int = 4, timeout: float = 5.0) -> Bot:
    return Bot(
        TOKEN,
        base_url=f"{fake.root}/bot",
        base_file_url=f"{fake.root}/file/bot",
        request=AiohttpRequest(pool_size, timeout),
    )


async def test_a_message_arrives_with_its_fields(fake: FakeBotApi) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("原文", callback_data="src")]])
    async with _bot(fake) as bot:
        sent = await bot.send_message(7, "共<b>3532件</b>", parse_mode="HTML", reply_markup=markup)
    (call,) = fake.calls("sendMessage")
    assert call.params["text"] == "共<b>3532件</b>"
    assert call.params["reply_markup"]["inline_keyboard"][0][0]["text"] == "原文"
    assert sent.text == "共3532件"


async def test_a_document_is_uploaded_as_multipart(fake: FakeBotApi) -> None:
    content = "指标,数值\n12345热线诉求,3532件\n".encode("utf-8-sig")
    async with _bot(fake) as bot:
        sent = await bot.send_document(7, io.BytesIO(content), filename="数字.csv", caption="导出")
    (call,) = fake.calls("sendDocument")
    assert call.params["document"] == content
    assert call.params["caption"] == "导出"
    assert sent.document is not None and sent.document.file_size == len(content)


async def test_a_file_downloads(fake: FakeBotApi) -> None:
    file_id = fake.add_file("清流县".encode(), ".txt")
    async with _bot(fake) as bot:
        telegram_file = await bot.get_file(file_id)
        assert bytes(await telegram_file.download_as_bytearray()) == "清流县".encode()


async def test_telegram_errors_keep_their_meaning(fake: FakeBotApi) -> None:
    fake.fail_next("sendMessage", "Bad Request: chat not found")
    async with _bot(fake) as bot:
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await bot.send_message(7, "问")


async def test_a_hang_times_out_and_names_no_token(fake: FakeBotApi) -> None:
    fake.hang_next("sendMessage", 3)
    async with _bot(fake, timeout=0.5) as bot:
        started = time.monotonic()
        with pytest.raises(TimedOut) as raised:
            await bot.send_message(7, "问")
    assert time.monotonic() - started < 2.5
    assert TOKEN not in str(raised.value) and TOKEN not in repr(raised.value.__cause__)


async def test_a_dropped_connection_is_a_network_error_without_the_token(
    fake: FakeBotApi,
) -> None:
    fake.drop_next("sendMessage")
    async with _bot(fake) as bot:
        with pytest.raises(NetworkError) as raised:
            await bot.send_message(7, "问")
        assert TOKEN not in str(raised.value) and TOKEN not in repr(raised.value.__cause__)
        await bot.send_message(7, "再问")  # the pool recovers
    assert [call.error for call in fake.calls("sendMessage")] == ["drop", ""]


async def test_many_sends_over_few_connections_each_arrive_once(fake: FakeBotApi) -> None:
    async with _bot(fake, pool_size=4) as bot:
        await asyncio.gather(*(bot.send_message(chat, f"答{chat}") for chat in range(200)))
    texts = [call.params["text"] for call in fake.calls("sendMessage")]
    assert sorted(texts) == sorted(f"答{chat}" for chat in range(200))


async def test_an_uninitialized_transport_says_so() -> None:
    request = AiohttpRequest(1, 1.0)
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request("http://127.0.0.1:9/", "POST")
