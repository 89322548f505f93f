"""The document model every file format is read into."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph-like unit read from a file, before any structure is found.

    A table is one block: `rows` holds its cells and `text` its rows, one per line,
    with cells joined by `" | "`.
    """

    text: str
    page: int | None = None
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class RawDocument:
    """What a format reader returns: blocks in reading order plus hints from the file."""

    source: str
    format: str
    blocks: tuple[Block, ...]
    title_hint: str = ""
    encoding: str | None = None


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """Who published a report, under which number and when."""

    doc_id: str
    title: str
    doc_number: str = ""
    publisher: str = ""
    date: str = ""
    index_number: str = ""
    published: str = ""
    source: str = ""
    format: str = ""


@dataclass(frozen=True, slots=True)
class Passage:
    """A paragraph of a report with the place it stands in.

    `section_path` is (part heading, subsection heading) or shorter; `paragraph`
    counts the document's passages from 1.
    """

    doc_id: str
    section_path: tuple[str, ...]
    paragraph: int
    text: str
    page: int | None = None
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed report: its metadata and its passages in order."""

    meta: DocumentMeta
    passages: tuple[Passage, ...]
    content_hash: str = ""


@dataclass(frozen=True, slots=True)
class Fact:
    """One figure of a report, kept exactly as written next to its parsed value.

    `raw` is the figure as the report writes it (`10000余份`, `1.44万元`, `第24位`);
    `value` the number it stands for (14400.0 for `1.44万元`), None for dates and spans;
    `start`/`end` locate `raw` in `passage.text`.
    """

    raw: str
    value: float | None
    unit: str
    label: str
    kind: str
    passage: Passage
    start: int
    end: int
    qualifier: str = ""
    approximate: bool = False
