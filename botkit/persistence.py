"""Persistence: button data and per-chat context in one pickle file, written atomically.

PTB's `PicklePersistence` writes its file in place, so a crash mid-write would leave half
a file and lose every button and chat; and each persistence round (every
`update_interval` seconds) it writes the whole file again for every chat that changed.
This subclass writes once per round, after the round, to a temporary file renamed into
place; `flush` (at stop) writes at once.
"""

from __future__ import annotations

import asyncio
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from telegram.ext import PersistenceInput, PicklePersistence
from telegram.ext._picklepersistence import _BotPickler

# The engine lives in bot_data and is rebuilt at start; users' data is not kept.
STORED = PersistenceInput(bot_data=False, chat_data=True, user_data=False, callback_data=True)


class AtomicPicklePersistence(PicklePersistence[dict[Any, Any], dict[Any, Any], Any]):
    """`PicklePersistence` (single file) that writes once per round and never half a file."""

    def __init__(self, filepath: Path, update_interval: float = 30) -> None:
        super().__init__(
            filepath, store_data=STORED, single_file=True, update_interval=update_interval
        )
        self._write_pending = False

    def _dump_singlefile(self) -> None:
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

    async def flush(self) -> None:
        """Write now: PTB calls this when the application stops."""
        self._write()

    def _write(self) -> None:
        self._write_pending = False
        data = {
            "conversations": self.conversations,
            "user_data": self.user_data,
            "chat_data": self.chat_data,
            "bot_data": self.bot_data,
            "callback_data": self.callback_data,
        }
        folder = self.filepath.parent
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{self.filepath.name}-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as file:
                _BotPickler(self.bot, file, protocol=pickle.HIGHEST_PROTOCOL).dump(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temp, self.filepath)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
