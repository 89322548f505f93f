"""Format readers: a report file in, its text blocks in reading order out.

Each reader produces clean blocks only; finding parts, subsections and the metadata header
is left to the structure step, which works on the text so every format is treated alike.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from pathlib import Path, PurePath
from typing import cast

from retrieval.errors import CorruptDocument, DocumentError, EmptyDocument, UnsupportedFormat
from retrieval.limits import MAX_FILE_BYTES, check_size, check_text
from retrieval.model import RawDocument

__all__ = ["SUPPORTED_SUFFIXES", "read_bytes", "read_document"]

logger = logging.getLogger(__name__)

Reader = Callable[[str, bytes], RawDocument]

# Module and function of each format's reader. Imported on first use: trafilatura,
# pdfminer and python-docx take a noticeable part of a second to import, which a
# start-up served from the index cache should not pay.
_READERS: dict[str, tuple[str, str]] = {
    ".txt": ("text", "read_txt"),
    ".md": ("text", "read_markdown"),
    ".html": ("html", "read_html"),
    ".htm": ("html", "read_html"),
    ".docx": ("word", "read_docx"),
    ".pdf": ("pdf", "read_pdf"),
}

SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(_READERS)


def read_document(path: Path) -> RawDocument:
    """Read a report file of any supported format into a RawDocument."""
    _reader_for(path.name)
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{path.name}: the file cannot be read ({exc.strerror})") from exc
    return read_bytes(path.name, content)


def read_bytes(name: str, content: bytes) -> RawDocument:
    """Read a report held in memory (an upload); `name` gives the format by its suffix."""
    reader = _reader_for(name)
    check_size(name, len(content), MAX_FILE_BYTES)
    if not content.strip():
        raise EmptyDocument(f"{name}: the file is empty")
    try:
        raw = reader(name, content)
    except DocumentError:
        raise
    except Exception as exc:
        # Parsers of untrusted files fail in ways their authors never list (pdfminer raises
        # KeyError, TypeError or AssertionError on some broken files); callers must only
        # ever see DocumentError.
        logger.debug("reader for %s failed", name, exc_info=True)
        raise CorruptDocument(
            f"{name}: the file is damaged or not a valid {PurePath(name).suffix} file "
            f"({type(exc).__name__})"
        ) from exc
    check_text(name, sum(len(block.text) for block in raw.blocks))
    return raw


def _reader_for(name: str) -> Reader:
    """Pick the reader for a file name, or raise UnsupportedFormat."""
    suffix = PurePath(name).suffix.lower()
    location = _READERS.get(suffix)
    if location is None:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        raise UnsupportedFormat(
            f"{name}: unsupported file type {suffix or '(none)'}; use one of {supported}"
        )
    module = importlib.import_module(f"{__name__}.{location[0]}")
    return cast(Reader, getattr(module, location[1]))
