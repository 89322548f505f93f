"""The bot's persistence file: JSON written whole or not at all, read back as data only."""

from __future__ import annotations

import asyncio
import json
import os
import pickle
from pathlib import Path

import pytest

from answers.model import AnswerRef
from botkit import persistence as module
from botkit.persistence import AtomicJsonPersistence

REF = AnswerRef("doc1", 11, (), "共收到3531件群众诉求", "3531件", 3, None)


def _store(path: Path) -> AtomicJsonPersistence:
    return AtomicJsonPersistence(path, (AnswerRef,))


async def test_buttons_and_chats_come_back_as_they_were(tmp_path: Path) -> None:
    path = tmp_path / "telegram.json"
    store = _store(path)
    await store.update_chat_data(7, {"last": {"question": "桐溪呢", "year": "2020"}})
    keyboards = [("uuid-1", 1700000000.5, {"k1": ("src", REF), "k2": ("more", "问", 6)})]
    await store.update_callback_data((keyboards, {"query-1": "uuid-1"}))
    await store.flush()
    again = _store(path)
    assert await again.get_chat_data() == {7: {"last": {"question": "桐溪呢", "year": "2020"}}}
    assert await again.get_callback_data() == (keyboards, {"query-1": "uuid-1"})


async def test_a_crash_mid_write_leaves_the_last_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "telegram.json"
    store = _store(path)
    await store.update_chat_data(1, {"last": "桐溪"})
    await store.flush()

    class Crash(RuntimeError):
        pass

    def crash(*args: object, **kwargs: object) -> str:
        raise Crash

    await store.update_chat_data(1, {"last": "清流"})
    monkeypatch.setattr(module.os, "fsync", crash)
    with pytest.raises(Crash):
        await store.flush()
    assert await _store(path).get_chat_data() == {1: {"last": "桐溪"}}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["telegram.json"]


async def test_a_round_of_changes_is_written_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _store(tmp_path / "telegram.json")
    writes: list[int] = []
    original = store._write
    monkeypatch.setattr(store, "_write", lambda: (writes.append(1), original())[1])
    for chat in range(50):
        await store.update_chat_data(chat, {"last": str(chat)})
    await asyncio.sleep(0)  # the round is over: the write scheduled after it runs
    assert len(writes) == 1
    assert len(await _store(tmp_path / "telegram.json").get_chat_data()) == 50


class _Planted:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(None, id="a-planted-pickle"),
        pytest.param(b'{"format": "reportqa-telegram-state"', id="truncated"),
        pytest.param(b'{"format": "other", "version": 1}', id="foreign"),
        pytest.param(
            json.dumps(
                {
                    "format": "reportqa-telegram-state",
                    "version": 1,
                    "chat_data": [],
                    "callback_data": [[["u", 1.0, {"k": {"__type__": "Popen", "args": "x"}}]], {}],
                }
            ).encode(),
            id="an-unregistered-type",
        ),
    ],
)
async def test_a_bad_file_is_set_aside_and_never_runs(
    tmp_path: Path, content: bytes | None
) -> None:
    path = tmp_path / "telegram.json"
    marker = tmp_path / "planted-code-ran"
    path.write_bytes(pickle.dumps(_Planted(marker)) if content is None else content)
    store = _store(path)
    assert await store.get_chat_data() == {}
    assert await store.get_callback_data() is None
    assert not marker.exists()
    assert (tmp_path / "telegram.json.bad").exists()
    await store.update_chat_data(1, {"last": "清流"})
    await store.flush()
    assert await _store(path).get_chat_data() == {1: {"last": "清流"}}


async def test_what_cannot_be_stored_as_data_is_refused(tmp_path: Path) -> None:
    store = _store(tmp_path / "telegram.json")
    await store.update_chat_data(1, {"when": object()})
    with pytest.raises(TypeError, match="cannot store"):
        await store.flush()
