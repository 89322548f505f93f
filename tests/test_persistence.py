"""The bot's persistence file: written whole or not at all."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from telegram.ext import ExtBot, PicklePersistence

from botkit import persistence as module
from botkit.persistence import AtomicPicklePersistence
from tests.fakes import TOKEN


async def _stored(path: Path) -> dict[int, dict[str, str]]:
    reader = PicklePersistence(path, single_file=True)
    reader.set_bot(ExtBot(TOKEN))
    return dict(await reader.get_chat_data())


async def test_a_crash_mid_write_leaves_the_last_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "telegram.pickle"
    store = AtomicPicklePersistence(path)
    store.set_bot(ExtBot(TOKEN))
    await store.get_chat_data()
    await store.update_chat_data(1, {"last": "桐溪"})
    await store.flush()

    class Crash(RuntimeError):
        pass

    def crash(self: object, data: object) -> None:
        raise Crash

    monkeypatch.setattr(module._BotPickler, "dump", crash)
    await store.update_chat_data(1, {"last": "清流"})
    with pytest.raises(Crash):
        await store.flush()
    assert await _stored(path) == {1: {"last": "桐溪"}}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["telegram.pickle"]


async def test_a_round_of_changes_is_written_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = AtomicPicklePersistence(tmp_path / "telegram.pickle")
    store.set_bot(ExtBot(TOKEN))
    await store.get_chat_data()
    writes: list[int] = []
    original = store._write
    monkeypatch.setattr(store, "_write", lambda: (writes.append(1), original())[1])
    for chat in range(50):
        await store.update_chat_data(chat, {"last": str(chat)})
    await asyncio.sleep(0)  # the round is over: the write scheduled after it runs
    assert len(writes) == 1
    assert len(await _stored(tmp_path / "telegram.pickle")) == 50
