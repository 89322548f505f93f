"""Reading untrusted documents in a worker process, under a memory limit and a timeout.

An administrator's upload or a file dropped in the documents folder is parsed by
libraries (python-docx, pdfminer, pdfplumber, trafilatura and lxml) that were not written
against hostile input. `retrieval.limits` refuses what can be measured up front; this
module bounds the rest: each file is read, tokenized and analysed in a worker process
whose address space is capped (RLIMIT_AS) and which is killed when a file takes longer
than the timeout. A worker that runs out of memory, dies or is killed costs one failed
document (`ReaderFailed`); the serving process and its index are untouched, and the next
file gets a fresh worker.

The worker comes from a fork server (started once, with the readers imported), so a
worker starts in milliseconds and never inherits the bot's threads or event loop.
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import resource
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

from retrieval.errors import ReaderFailed
from retrieval.limits import MB
from retrieval.tokenize import JiebaTokenizer

if TYPE_CHECKING:
    from retrieval.cache import CachedDocument
    from retrieval.library import FactExtractor

logger = logging.getLogger(__name__)

# A worker's address space: the readers, jieba's dictionary and one document's parse.
WORKER_MEMORY_BYTES = 2048 * MB
# Seconds one file may take to read and analyse; the bundled report takes well under one.
READ_TIMEOUT = 120.0
# How often a worker checks that the process it reads for is still there.
_OWNER_CHECK_SECONDS = 0.5


class IsolatedReader:
    """Reads one file at a time in a worker process; callable as `library.analyse` is."""

    def __init__(
        self,
        memory_bytes: int = WORKER_MEMORY_BYTES,
        timeout: float = READ_TIMEOUT,
        work: Callable[..., CachedDocument] | None = None,
    ) -> None:
        """`work` (a module-level function, as `library.analyse`) is what the worker runs."""
        self.memory_bytes = memory_bytes
        self.timeout = timeout
        self._work = work
        self._executor: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()  # one file at a time; a reload may run beside a load

    def __call__(
        self, name: str, content: bytes, tokenizer: JiebaTokenizer, extract: FactExtractor
    ) -> CachedDocument:
        with self._lock:
            executor = self._pool()
            future = executor.submit(
                _analyse, name, content, tokenizer.settings, extract, self._work
            )
            try:
                return future.result(timeout=self.timeout)
            except FutureTimeout:
                self._discard(kill=True)
                raise ReaderFailed(
                    f"{name}: reading the file took longer than {self.timeout:.0f} s"
                ) from None
            except MemoryError:
                self._discard(kill=True)
                raise ReaderFailed(
                    f"{name}: reading the file ran out of memory ({self.memory_bytes // MB} MB)"
                ) from None
            except BrokenProcessPool:
                self._discard(kill=True)
                raise ReaderFailed(
                    f"{name}: the reader died reading the file (out of memory, "
                    f"{self.memory_bytes // MB} MB, or a crash in a parser)"
                ) from None

    def close(self) -> None:
        with self._lock:
            self._discard(kill=False)

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["retrieval.library"])
            self._executor = ProcessPoolExecutor(
                max_workers=1,
                mp_context=context,
                initializer=_start_worker,
                initargs=(self.memory_bytes, os.getpid()),
            )
        return self._executor

    def _discard(self, kill: bool) -> None:
        executor, self._executor = self._executor, None
        if executor is None:
            return
        if kill:
            # The pool has no way to stop a running task: end its worker outright.
            for process in list(getattr(executor, "_processes", {}).values()):
                process.kill()
        executor.shutdown(wait=True, cancel_futures=True)


_shared: IsolatedReader | None = None
_shared_lock = threading.Lock()


def isolated_reader() -> IsolatedReader:
    """The process's one isolated reader, closed at exit."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = IsolatedReader()
            atexit.register(_shared.close)
        return _shared


# --- in the worker -----------------------------------------------------------------------

_tokenizers: dict[tuple[str, ...], JiebaTokenizer] = {}


def _start_worker(memory_bytes: int, owner: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # A worker outlives a process killed outright (SIGKILL, or SIGTERM before its handlers
    # are set), blocked writing a result nobody reads, and keeps the fork server and the
    # owner's stdout open: it ends itself once the owner is gone.
    threading.Thread(target=_exit_without, args=(owner,), daemon=True).start()


def _exit_without(owner: int) -> None:
    while True:
        time.sleep(_OWNER_CHECK_SECONDS)
        try:
            os.kill(owner, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # the pid now belongs to another user's process
            os._exit(1)


def _analyse(
    name: str,
    content: bytes,
    settings: tuple[str, ...],
    extract: FactExtractor,
    work: Callable[..., CachedDocument] | None,
) -> CachedDocument:
    from retrieval.library import analyse

    tokenizer = _tokenizers.get(settings)
    if tokenizer is None:  # jieba's dictionary loads once per worker
        tokenizer = _tokenizers[settings] = JiebaTokenizer.from_settings(settings)
    return (work or analyse)(name, content, tokenizer, extract)
