"""A cache of parsed and tokenized documents, keyed by file content and tokenizer settings.

A restart with unchanged documents loads them instead of parsing and tokenizing again.
An entry is data, never code: one JSON header line (format, version, byte order, the
body's length and SHA-256) and a JSON body, read back through pydantic's validation of
the model's own types. Nothing in the data folder is ever unpickled or executed; a
corrupt, foreign or stale entry is ignored and rebuilt, never trusted. Entries are
written atomically.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import sys
import tempfile
from array import array
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

from pydantic import TypeAdapter, ValidationError
from typing_extensions import TypedDict  # pydantic needs it before Python 3.12

from retrieval.model import Document, Fact

logger = logging.getLogger(__name__)

# Bump when the format of an entry changes; code changes are caught by code_fingerprint.
CACHE_VERSION = "4"
_FORMAT = "reportqa-document-cache"
# An entry larger than this is not one of ours.
_MAX_ENTRY_BYTES = 512 * 1024 * 1024


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


class _StoredFact(TypedDict):
    """A fact as stored: its passage is the one it is listed under."""

    raw: str
    value: float | None
    unit: str
    label: str
    kind: str
    start: int
    end: int
    qualifier: str
    approximate: bool
    role: str
    planned: bool


class _StoredBody(TypedDict):
    key: str
    document: Document
    terms: tuple[tuple[str, ...], ...]
    offsets: tuple[str, ...]  # base64 of each passage's array of unsigned ints
    facts: tuple[tuple[_StoredFact, ...], ...]


_BODY = TypeAdapter(_StoredBody)
_FACT_FIELDS = tuple(f.name for f in fields(Fact) if f.name != "passage")
_OFFSET_TYPE = "I"


def encode_entry(key: str, entry: CachedDocument) -> bytes:
    """An entry as bytes: a JSON header line, then the JSON body it describes."""
    body = {
        "key": key,
        "document": entry.document,
        "terms": entry.terms,
        "offsets": tuple(base64.b64encode(o.tobytes()).decode("ascii") for o in entry.offsets),
        "facts": tuple(
            tuple({name: getattr(fact, name) for name in _FACT_FIELDS} for fact in passage)
            for passage in entry.facts
        ),
    }
    payload = _BODY.dump_json(body)  # type: ignore[arg-type]
    header = {
        "format": _FORMAT,
        "version": CACHE_VERSION,
        "byteorder": sys.byteorder,
        "length": len(payload),
        "sha256": hashlib.sha256(payload).hexdigest(),
    }
    return json.dumps(header).encode("ascii") + b"\n" + payload


def decode_entry(data: bytes, key: str) -> CachedDocument:
    """The entry `data` holds for `key`; ValueError for anything else."""
    line, newline, payload = data.partition(b"\n")
    if not newline or len(line) > 1024:
        raise ValueError("no header line")
    header = json.loads(line)
    expected = {"format": _FORMAT, "version": CACHE_VERSION, "byteorder": sys.byteorder}
    if not isinstance(header, dict) or any(header.get(k) != v for k, v in expected.items()):
        raise ValueError("another format or version")
    if header.get("length") != len(payload):
        raise ValueError("truncated")
    if header.get("sha256") != hashlib.sha256(payload).hexdigest():
        raise ValueError("checksum mismatch")
    try:
        body = _BODY.validate_json(payload)
    except ValidationError as error:
        raise ValueError(f"not a document entry ({error.error_count()} errors)") from None
    if body["key"] != key:
        raise ValueError("stored under another key")
    document = body["document"]
    passages = document.passages
    offsets = tuple(_offsets(text) for text in body["offsets"])
    if not len(body["terms"]) == len(offsets) == len(body["facts"]) == len(passages):
        raise ValueError("one term list, offset list and fact list per passage is required")
    if any(len(o) != 2 * len(t) for o, t in zip(offsets, body["terms"], strict=True)):
        raise ValueError("a start and an end per term are required")
    facts = tuple(
        tuple(Fact(passage=passage, **stored) for stored in stored_facts)
        for passage, stored_facts in zip(passages, body["facts"], strict=True)
    )
    return CachedDocument(document=document, terms=body["terms"], offsets=offsets, facts=facts)


def _offsets(text: str) -> array[int]:
    offsets = array(_OFFSET_TYPE)
    offsets.frombytes(base64.b64decode(text, validate=True))
    return offsets


class DocumentCache:
    """Entries under `<data_dir>/cache/`, one JSON file per file version."""

    def __init__(self, data_dir: Path) -> None:
        self.directory = data_dir / "cache"

    def _path(self, key: str) -> Path:
        return self.directory / f"{key}.json"

    def get(self, key: str) -> CachedDocument | None:
        """The entry for a key, or None when it is missing, corrupt, foreign or stale."""
        path = self._path(key)
        try:
            with path.open("rb") as handle:
                data = handle.read(_MAX_ENTRY_BYTES + 1)
        except FileNotFoundError:
            return None
        except OSError as error:
            logger.warning("cannot read cache entry %s: %s", path.name, error)
            return None
        try:
            if len(data) > _MAX_ENTRY_BYTES:
                raise ValueError("too large")
            return decode_entry(data, key)
        except (ValueError, TypeError, KeyError, UnicodeError) as error:
            logger.warning("ignoring cache entry %s (%s); rebuilding it", path.name, error)
            return None

    def put(self, key: str, entry: CachedDocument) -> None:
        """Store an entry atomically; a failure to write only costs a rebuild later."""
        data = encode_entry(key, entry)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self.directory, prefix=".entry-", suffix=".tmp")
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(data)
                os.replace(temp, self._path(key))
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError as error:
            logger.warning("cannot write the index cache in %s: %s", self.directory, error)
