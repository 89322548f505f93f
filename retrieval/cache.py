"""A cache of parsed and tokenized documents, keyed by file content and tokenizer settings.

A restart with unchanged documents loads them instead of parsing and tokenizing again.
Entries are written atomically and checked on load; a corrupt or stale entry is ignored
and rebuilt, never trusted.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from array import array
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from retrieval.model import Document, Fact

logger = logging.getLogger(__name__)

# Bump when the format of an entry changes; code changes are caught by code_fingerprint.
CACHE_VERSION = "3"


@dataclass(frozen=True, slots=True)
class CachedDocument:
    """Everything built from one file: the document, its passages' terms and facts.

    `offsets[i]` holds, for passage i's terms in order, each one's start and end in the
    passage's indexed text (`passage_text_for_index`), interleaved.
    """

    document: Document
    terms: tuple[tuple[str, ...], ...]
    offsets: tuple[array[int], ...]
    facts: tuple[tuple[Fact, ...], ...]


# The code that decides what an entry holds is the document layer's: any change to it (a
# fixed parser, a new fact rule) makes every entry stale without anyone bumping a version.
_PRODUCER_PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of the source of every module of the document layer (retrieval/)."""
    digest = hashlib.sha256()
    for source in sorted(_PRODUCER_PACKAGE.rglob("*.py")):
        digest.update(source.relative_to(_PRODUCER_PACKAGE).as_posix().encode("utf-8"))
        digest.update(source.read_bytes())
    return digest.hexdigest()[:16]


def cache_key(content: bytes, source: str, fingerprint: str) -> str:
    """The key of a file's entry: its bytes, its name, the tokenizer's settings and the
    code that reads and analyses it."""
    digest = hashlib.sha256(content)
    digest.update(b"\0" + source.encode("utf-8") + b"\0" + fingerprint.encode("ascii"))
    digest.update(b"\0" + CACHE_VERSION.encode("ascii"))
    digest.update(b"\0" + code_fingerprint().encode("ascii"))
    return digest.hexdigest()


class DocumentCache:
    """Entries under `<data_dir>/cache/`, one pickle per file version."""

    def __init__(self, data_dir: Path) -> None:
        self.directory = data_dir / "cache"

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.pickle"

    def get(self, key: str) -> CachedDocument | None:
        """The entry for a key, or None when it is missing, corrupt or of another version."""
        path = self._path(key)
        try:
            with path.open("rb") as handle:
                stored_key, entry = pickle.load(handle)
        except FileNotFoundError:
            return None
        except Exception as error:  # any damage means "rebuild", whatever form it takes
            logger.warning("ignoring corrupt cache entry %s: %s", path.name, error)
            return None
        if stored_key != key or not isinstance(entry, CachedDocument):
            logger.warning("ignoring stale cache entry %s", path.name)
            return None
        return entry

    def put(self, key: str, entry: CachedDocument) -> None:
        """Store an entry atomically; a failure to write only costs a rebuild later."""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.directory, prefix=".entry-", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    pickle.dump((key, entry), handle, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temp, self._path(key))
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError as error:
            logger.warning("cannot write the index cache in %s: %s", self.directory, error)
