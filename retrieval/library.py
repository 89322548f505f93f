"""Load a documents folder: read, parse, tokenize and extract each file, through the cache."""

from __future__ import annotations

import logging
import time
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from retrieval.cache import CachedDocument, DocumentCache, cache_key
from retrieval.errors import DocsFolderError, DocumentError, EmptyDocument
from retrieval.index import passage_text_for_index
from retrieval.model import Fact, Passage
from retrieval.readers import SUPPORTED_SUFFIXES, read_bytes
from retrieval.structure import build_document
from retrieval.tokenize import JiebaTokenizer

logger = logging.getLogger(__name__)

FactExtractor = Callable[[Passage], tuple[Fact, ...]]
# Reads, parses and analyses one file's bytes: `analyse` here, or in a worker process.
Analyser = Callable[[str, bytes, JiebaTokenizer, FactExtractor], CachedDocument]


@dataclass(frozen=True, slots=True)
class LoadedFile:
    """One file that became a document, and how long it took."""

    path: Path
    entry: CachedDocument
    seconds: float
    cached: bool


@dataclass(frozen=True, slots=True)
class Failure:
    """A file that did not load, and why (English, one line)."""

    source: str
    reason: str


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A file whose text is a report already loaded from another file."""

    source: str
    same_as: str


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What a folder held: documents in file-name order, failures and duplicates."""

    files: tuple[LoadedFile, ...]
    failures: tuple[Failure, ...]
    duplicates: tuple[Duplicate, ...]


def document_files(docs_dir: Path) -> list[Path]:
    """The files of a documents folder that may be reports, in name order.

    Raises DocsFolderError when the folder is missing or unreadable.
    """
    if not docs_dir.exists():
        raise DocsFolderError(f"documents folder not found: {docs_dir}")
    if not docs_dir.is_dir():
        raise DocsFolderError(f"not a folder: {docs_dir}")
    try:
        entries = sorted(docs_dir.iterdir())
    except OSError as error:
        raise DocsFolderError(f"cannot read documents folder {docs_dir}: {error}") from error
    return [p for p in entries if p.is_file() and not p.name.startswith((".", "~$"))]


def analyse(
    name: str, content: bytes, tokenizer: JiebaTokenizer, extract: FactExtractor
) -> CachedDocument:
    """Read, parse, tokenize and extract the facts of one file's bytes."""
    document = build_document(read_bytes(name, content))
    if len(document.passages) <= 1:
        raise EmptyDocument(f"{name}: no report text found")
    # Each passage's terms in the order they stand, with where each stands, so answering
    # never tokenizes a passage again.
    located = [
        sorted(tokenizer.located(passage_text_for_index(p)), key=lambda t: t[1])
        for p in document.passages
    ]
    terms = tuple(tuple(term for term, _, _ in passage) for passage in located)
    offsets = tuple(
        array("I", [offset for _, start, end in passage for offset in (start, end)])
        for passage in located
    )
    facts = tuple(extract(p) for p in document.passages)
    return CachedDocument(document=document, terms=terms, offsets=offsets, facts=facts)


def iter_load(
    docs_dir: Path,
    tokenizer: JiebaTokenizer,
    extract: FactExtractor,
    cache: DocumentCache | None,
    analyser: Analyser | None = None,
) -> Iterator[LoadedFile | Failure | Duplicate]:
    """Load a folder file by file, yielding each outcome as it is known.

    Files not in the cache are read by `analyser`, `analyse` in this process by default.
    """
    seen: dict[str, str] = {}
    for path in document_files(docs_dir):
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            yield Failure(path.name, f"unsupported format {path.suffix or '(none)'}")
            continue
        started = time.perf_counter()
        try:
            content = path.read_bytes()
        except OSError as error:
            yield Failure(path.name, f"cannot read the file: {error.strerror or error}")
            continue
        key = cache_key(content, path.name, tokenizer.fingerprint)
        entry = cache.get(key) if cache else None
        cached = entry is not None
        if entry is None:
            try:
                entry = (analyser or analyse)(path.name, content, tokenizer, extract)
            except DocumentError as error:
                # Readers name the file in their messages; the Failure names it already.
                yield Failure(path.name, str(error).removeprefix(f"{path.name}: "))
                continue
            if cache:
                cache.put(key, entry)
        digest = entry.document.content_hash
        if digest in seen:
            yield Duplicate(path.name, seen[digest])
            continue
        seen[digest] = path.name
        yield LoadedFile(path, entry, time.perf_counter() - started, cached)


def load_folder(
    docs_dir: Path,
    tokenizer: JiebaTokenizer,
    extract: FactExtractor,
    cache: DocumentCache | None = None,
    analyser: Analyser | None = None,
) -> LoadResult:
    """Load every report of a folder; bad files become failures, never exceptions."""
    files: list[LoadedFile] = []
    failures: list[Failure] = []
    duplicates: list[Duplicate] = []
    for outcome in iter_load(docs_dir, tokenizer, extract, cache, analyser):
        if isinstance(outcome, LoadedFile):
            files.append(outcome)
        elif isinstance(outcome, Failure):
            logger.warning("skipping %s: %s", outcome.source, outcome.reason)
            failures.append(outcome)
        else:
            duplicates.append(outcome)
    return LoadResult(tuple(files), tuple(failures), tuple(duplicates))
