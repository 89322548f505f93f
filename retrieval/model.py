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
    # Printed larger, bold or centred in the file: a title or heading, not body text.
    emphasized: bool = False
    # (offset in `text`, page) where a paragraph that runs over a page break goes on.
    page_starts: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True, slots=True)
class RawDocument:
    """What a format reader returns: blocks in reading order plus hints from the file."""

    source: str
    format: str
    blocks: tuple[Block, ...]
    # What the file says its title is (HTML <title> and <h1>, Word and PDF properties),
    # most trusted first; the text decides which, if any, is right.
    title_hints: tuple[str, ...] = ()
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
    # "fazhi" (法治政府建设情况报告), "xxgk" (政府信息公开工作年度报告) or "".
    kind: str = ""
    addressee: str = ""
    topic: str = ""
    # Where the title came from: "text", "file" (the format's own title field) or "name".
    title_from: str = "text"


KIND_NAMES = {"fazhi": "法治政府建设情况报告", "xxgk": "政府信息公开工作年度报告"}


@dataclass(frozen=True, slots=True)
class Cell:
    """A data cell of a table row: its column's header path, its text, and where the text
    stands in the row passage; `unit` is the unit a header or caption gives it."""

    column: tuple[str, ...]
    text: str
    start: int
    unit: str = ""


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
    page_starts: tuple[tuple[int, int], ...] = ()
    # A table row: its header path and data cells; `rows` then holds the whole table.
    row_path: tuple[str, ...] = ()
    cells: tuple[Cell, ...] = ()

    def page_at(self, offset: int) -> int | None:
        """The page on which the character at `offset` of the text is printed."""
        page = self.page
        for start, later in self.page_starts:
            if offset >= start:
                page = later
        return page


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed report: its metadata and its passages in order.

    `record` keeps the closing block (抄送, 印发, 此件公开) for the record: it is not a
    passage and gives no facts.
    """

    meta: DocumentMeta
    passages: tuple[Passage, ...]
    content_hash: str = ""
    record: tuple[str, ...] = ()


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
    # In a change (由3.5个工作日压缩至2个工作日): "origin" for the level before, "result"
    # for the level after; "" for a figure that is no side of a change.
    role: str = ""
    # A target or plan (力争…达到95%以上, a 2023年工作安排 part), not a result achieved.
    planned: bool = False
