"""Persistence: button data and per-chat context in one JSON file, written atomically.

PTB's `PicklePersistence` unpickles its file at start, so a file planted in the data
folder would run its code; it also writes in place (a crash mid-write loses every button
and chat) and writes the whole file again for every chat that changed. This persistence
keeps the same data as JSON, which can only ever be data: tuples and the dataclasses the
bot registers (the answer a button points to) are tagged and rebuilt, nothing else is
constructed. It writes once per persistence round, after the round, to a temporary file
renamed into place; `flush` (at stop) writes at once. A damaged or foreign file is set
aside (renamed `.bad`) and the bot starts with no buttons or context rather than not at
all.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import os
import tempfile
from collections.abc import Iterable
from copy import deepcopy
from pathlib import Path
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

logger = logging.getLogger(__name__)

# The engine lives in bot_data and is rebuilt at start; users' data is not kept.
STORED = PersistenceInput(bot_data=False, chat_data=True, user_data=False, callback_data=True)
_FORMAT = "reportqa-telegram-state"
_VERSION = 1
_TUPLE = "__tuple__"
_TYPE = "__type__"


class AtomicJsonPersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Chat data and callback data in one JSON file; `types` are the dataclasses that
    button data may hold."""

    def __init__(
        self, filepath: Path, types: Iterable[type] = (), update_interval: float = 30
    ) -> None:
        super().__init__(store_data=STORED, update_interval=update_interval)
        self.filepath = filepath
        self._types = {t.__name__: t for t in types if dataclasses.is_dataclass(t)}
        self._chat_data: dict[int, dict[Any, Any]] | None = None
        self._callback_data: CDCData | None = None
        self._write_pending = False

    # --- reading ---------------------------------------------------------------------------

    def _load(self) -> None:
        if self._chat_data is not None:
            return
        self._chat_data, self._callback_data = {}, None
        try:
            text = self.filepath.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except (OSError, UnicodeError) as error:
            self._set_aside(f"cannot be read ({error})")
            return
        try:
            stored = json.loads(text)
            if stored.get("format") != _FORMAT or stored.get("version") != _VERSION:
                raise ValueError("another format or version")
            self._chat_data = {int(c): self._decode(d) for c, d in stored["chat_data"]}
            callback = stored["callback_data"]
            if callback is not None:
                keyboards, queries = callback
                self._callback_data = (
                    [(str(k), float(t), self._decode(data)) for k, t, data in keyboards],
                    {str(q): str(k) for q, k in queries.items()},
                )
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            self._chat_data, self._callback_data = {}, None
            self._set_aside(f"is not this bot's state ({error})")

    def _set_aside(self, why: str) -> None:
        bad = self.filepath.with_name(self.filepath.name + ".bad")
        logger.warning("%s %s; set aside as %s, starting afresh", self.filepath, why, bad.name)
        try:
            os.replace(self.filepath, bad)
        except OSError as error:
            logger.warning("cannot set %s aside: %s", self.filepath, error)

    def _decode(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self._decode(v) for v in value]
        if not isinstance(value, dict):
            return value
        if set(value) == {_TUPLE}:
            return tuple(self._decode(v) for v in value[_TUPLE])
        if _TYPE in value:
            kind = self._types.get(value[_TYPE])
            if kind is None:
                raise ValueError(f"unknown stored type {value[_TYPE]!r}")
            fields = {k: self._decode(v) for k, v in value.items() if k != _TYPE}
            return kind(**fields)
        return {k: self._decode(v) for k, v in value.items()}

    # --- writing ---------------------------------------------------------------------------

    def _encode(self, value: Any) -> Any:
        if isinstance(value, tuple):
            return {_TUPLE: [self._encode(v) for v in value]}
        if isinstance(value, list):
            return [self._encode(v) for v in value]
        if isinstance(value, dict):
            if not all(isinstance(k, str) for k in value):
                raise TypeError("only string keys can be stored")
            return {k: self._encode(v) for k, v in value.items()}
        if dataclasses.is_dataclass(value) and type(value).__name__ in self._types:
            fields = {
                f.name: self._encode(getattr(value, f.name)) for f in dataclasses.fields(value)
            }
            return {_TYPE: type(value).__name__, **fields}
        if value is None or isinstance(value, str | int | float | bool):
            return value
        raise TypeError(f"cannot store a {type(value).__name__}")

    def _schedule_write(self) -> None:
        """Write after the current persistence round, once, however many chats changed."""
        if self._write_pending:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self._write()
            return
        self._write_pending = True
        loop.call_soon(self._write)

    def _write(self) -> None:
        self._write_pending = False
        self._load()
        callback = self._callback_data
        state = {
            "format": _FORMAT,
            "version": _VERSION,
            "chat_data": [[c, self._encode(d)] for c, d in (self._chat_data or {}).items()],
            "callback_data": None
            if callback is None
            else [[[k, t, self._encode(d)] for k, t, d in callback[0]], callback[1]],
        }
        text = json.dumps(state, ensure_ascii=False, separators=(",", ":"))
        folder = self.filepath.parent
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{self.filepath.name}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as file:
                file.write(text)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temp, self.filepath)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    # --- PTB's persistence interface -------------------------------------------------------

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        self._load()
        assert self._chat_data is not None
        return deepcopy(self._chat_data)

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        self._load()
        assert self._chat_data is not None
        if self._chat_data.get(chat_id) == data:
            return
        self._chat_data[chat_id] = deepcopy(data)
        self._schedule_write()

    async def drop_chat_data(self, chat_id: int) -> None:
        self._load()
        assert self._chat_data is not None
        if self._chat_data.pop(chat_id, None) is not None:
            self._schedule_write()

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        """Nothing to refresh: this process is the file's only writer."""

    async def get_callback_data(self) -> CDCData | None:
        self._load()
        return deepcopy(self._callback_data)

    async def update_callback_data(self, data: CDCData) -> None:
        self._load()
        if self._callback_data == data:
            return
        self._callback_data = (data[0].copy(), data[1].copy())
        self._schedule_write()

    async def flush(self) -> None:
        """Write now: PTB calls this when the application stops."""
        self._write()

    # Users' data, bot data and conversations are not stored (see STORED).

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        """Not stored."""

    async def drop_user_data(self, user_id: int) -> None:
        """Not stored."""

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        """Not stored."""

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        """Not stored."""

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        """Not stored."""

    async def get_conversations(self, name: str) -> ConversationDict:
        return {}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        """Not stored: the bot has no conversations."""
