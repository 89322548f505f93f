"""Order: the updates of one chat one after another, different chats at the same time.

PTB's `concurrent_updates(True)` runs every update at once, so a chat's replies came out
in whatever order its answers finished. This processor keeps a lock per chat; asyncio's
locks wake waiters first come, first served, so a chat's updates run in the order PTB
received them. Updates without a chat (inline queries) run at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor


class ChatOrderedUpdateProcessor(BaseUpdateProcessor):
    """Process each chat's updates in order and different chats concurrently."""

    def __init__(self, max_concurrent_updates: int = 512) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._holders: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Await `coroutine` once the chat's earlier updates are done."""
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        key = chat.id
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._holders[key] = self._holders.get(key, 0) + 1
        try:
            async with lock:
                await coroutine
        finally:
            # A chat that went quiet leaves no lock behind.
            self._holders[key] -= 1
            if not self._holders[key]:
                del self._holders[key], self._locks[key]

    async def initialize(self) -> None:
        """Nothing to allocate: locks are made per chat as updates come."""

    async def shutdown(self) -> None:
        """Nothing to free: a lock goes with the last update of its chat."""
