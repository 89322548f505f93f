"""Take one uploaded file into the documents folder: check, parse, then save atomically."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path

from retrieval.errors import (
    DuplicateDocument,
    EmptyDocument,
    NameClash,
    TooLarge,
    UnsupportedFormat,
)
from retrieval.model import Document
from retrieval.readers import SUPPORTED_SUFFIXES, read_bytes
from retrieval.structure import build_document

# File systems cap a name at 255 bytes, not characters (a Chinese character is 3 in
# UTF-8); room is kept for the suffix and a -999 of a renamed copy.
MAX_NAME_BYTES = 255
_COPY_MARK_BYTES = 4
_MB = 1024 * 1024
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")


def sanitize_name(name: str) -> str:
    """A safe file name: no folders, no hidden file, no control or reserved characters."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    cleaned = _UNSAFE.sub("_", base).strip().lstrip(".").strip()
    stem, dot, suffix = cleaned.rpartition(".")
    if not dot:
        stem, suffix = cleaned, ""
    suffix = _cut_bytes(suffix.lower(), 16)
    room = MAX_NAME_BYTES - _COPY_MARK_BYTES - (len(suffix.encode()) + 1 if suffix else 0)
    stem = _cut_bytes(stem, room).strip(" ._") or "document"
    return f"{stem}.{suffix}" if suffix else stem


def _cut_bytes(text: str, limit: int) -> str:
    """`text` cut to at most `limit` bytes of UTF-8, never inside a character."""
    return text.encode()[:limit].decode(errors="ignore")


def check_upload(name: str, size: int, max_bytes: int) -> str:
    """The sanitized name of an upload, or DocumentError when its type or size is wrong."""
    safe = sanitize_name(name)
    suffix = Path(safe).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        raise UnsupportedFormat(f"{safe}: unsupported format (supported: {supported})")
    if size > max_bytes:
        megabytes = size / _MB
        raise TooLarge(f"{safe}: {megabytes:.1f} MB is over the {max_bytes // _MB} MB limit")
    if size == 0:
        raise EmptyDocument(f"{safe}: the file is empty")
    return safe


def _free_name(folder: Path, name: str, content: bytes) -> tuple[Path, bool]:
    """Where to save: the name itself, or name-2, name-3… beside a different document.

    The flag is False when a file of that series already holds these very bytes.
    """
    stem, suffix = Path(name).stem, Path(name).suffix
    for attempt in range(1, 1000):
        candidate = folder / (name if attempt == 1 else f"{stem}-{attempt}{suffix}")
        if not candidate.exists():
            return candidate, True
        if candidate.read_bytes() == content:
            return candidate, False
    raise NameClash(f"{name}: too many documents with this name")


def _parse(name: str, content: bytes) -> Document:
    return build_document(read_bytes(name, content))


def save_upload(
    folder: Path,
    name: str,
    content: bytes,
    max_bytes: int,
    loaded: dict[str, str] | None = None,
    parse: Callable[[str, bytes], Document] | None = None,
) -> tuple[Path, Document]:
    """Check, parse and save an upload; nothing is written unless it parses as a report.

    `parse` reads the bytes into a document (in a worker process, for the engine); by
    default it reads them here.

    The old file of the same name is never overwritten: a different document gets a new
    name. The write goes to a hidden temporary file that is renamed into place, so a
    crash leaves no half-written document.
    """
    safe = check_upload(name, len(content), max_bytes)
    document = (parse or _parse)(safe, content)
    if len(document.passages) <= 1:
        raise EmptyDocument(f"{safe}: no report text found")
    folder.mkdir(parents=True, exist_ok=True)
    target, is_new = _free_name(folder, safe, content)
    if not is_new:
        return target, document
    same = (loaded or {}).get(document.content_hash)
    if same is not None:
        raise DuplicateDocument(f"{safe}: the same report is already loaded from {same}")
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():  # taken meanwhile: keep the other file
            raise NameClash(f"{target.name}: a document with this name appeared meanwhile")
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target, document
