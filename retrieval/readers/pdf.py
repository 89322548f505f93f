"""PDF files: the text layer, lines joined back into paragraphs."""

from __future__ import annotations

import io
import itertools
import re
import statistics
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTContainer, LTItem, LTPage, LTTextLine
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfexceptions import PDFException
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pdfminer.psexceptions import PSException

from retrieval.errors import CorruptDocument, EmptyDocument, NoTextLayer, UndecodableText
from retrieval.limits import MAX_PDF_PAGES, check_pages
from retrieval.model import Block, RawDocument
from retrieval.readers._blocks import table_block
from retrieval.readers.pdf_tables import RuledTable, ruled_tables

# "一、" "（一）" "(一)" "1." "1、" "（1）" "第一章" open a new paragraph even when the line
# before filled the column.
_LIST_MARKER = re.compile(
    r"^(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十百\d]+[)）]|\d+[.、．](?!\d)"
    r"|第[一二三四五六七八九十百\d]+[章节条部分])"
)
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－\s]*\d+[-—–－\s]*|第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?"
    r"|\d+\s*/\s*\d+|(?:page\s*)?\d+\s*of\s*\d+)$",
    re.IGNORECASE,
)
# Running page numbers live in the top or bottom margin.
_MARGIN_BAND = 0.12
# Unmapped glyphs come out as "(cid:123)"; a text layer made of them is unreadable.
_CID = re.compile(r"\(cid:\d+\)")
_MAX_CID_SHARE = 0.3
# A gap wider than this many characters between two glyphs of a line separates cells.
_CELL_GAP = 0.8
# PDFs made from Word often map ideographs to look-alike Kangxi radicals (U+2F00-U+2FDF).
_RADICALS = re.compile(r"[\u2e80-\u2eff\u2f00-\u2fdf]")
# Type this much larger than the body's is a title (二号 22 pt over 三号 16 pt).
_TITLE_SIZE_RATIO = 1.2


@dataclass(frozen=True, slots=True)
class _Line:
    """One text line of a page with its position (PDF points, origin bottom left)."""

    text: str
    page: int
    x0: float
    x1: float
    y0: float
    y1: float
    size: float = 0.0
    # A ruled table standing here, read as a grid (then `text` is empty).
    table: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class _PageFrame:
    """Where the body text of a page starts and ends, and its type size."""

    left: float
    right: float
    em: float
    line_gap: float


def read_pdf(name: str, content: bytes) -> RawDocument:
    """Read a PDF's text layer into paragraph blocks, each with its 1-based page number."""
    if b"%PDF-" not in content[:1024]:
        raise CorruptDocument(f"{name}: not a PDF file (no %PDF header)")
    check_pages(name, _page_count(content))  # before any page is laid out
    tables, info_title = ruled_tables(content)
    try:
        pages = [
            _page_lines(page, number, tables.get(number, []))
            for number, page in enumerate(itertools.islice(_pages(content), MAX_PDF_PAGES + 1), 1)
        ]
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise CorruptDocument(f"{name}: the PDF is encrypted and cannot be read") from exc
    except (PDFException, PSException) as exc:
        raise CorruptDocument(f"{name}: the PDF is damaged ({exc})") from exc
    if not pages:
        raise EmptyDocument(f"{name}: the PDF has no pages")
    check_pages(name, len(pages))  # a page tree that said fewer than it holds
    all_text = "".join(line.text for lines in pages for line in lines)
    if not all_text.strip():
        raise NoTextLayer(
            f"{name}: the PDF has no text layer; it looks like a scan and needs OCR first"
        )
    if len("".join(_CID.findall(all_text))) / len(all_text) > _MAX_CID_SHARE:
        raise UndecodableText(f"{name}: the PDF's fonts have no Unicode map for their text")
    blocks = tuple(_paragraphs(pages))
    if not blocks:
        raise EmptyDocument(f"{name}: the PDF holds no text besides page numbers")
    hints = (info_title,) if info_title else ()
    return RawDocument(source=name, format="pdf", blocks=blocks, title_hints=hints)


def _page_count(content: bytes) -> int:
    """The pages the PDF's page tree declares, read without laying any out; 0 when the
    tree cannot be read (the layout step then reports what is wrong)."""
    try:
        document = PDFDocument(PDFParser(io.BytesIO(content)))
        tree = resolve1(document.catalog.get("Pages"))
        count = resolve1(tree.get("Count")) if isinstance(tree, dict) else None
    except (PDFException, PSException, ValueError, TypeError, KeyError):
        return 0
    if isinstance(count, int):
        return count
    return sum(1 for _ in itertools.islice(PDFPage.create_pages(document), MAX_PDF_PAGES + 1))


def _pages(content: bytes) -> Iterator[LTPage]:
    """Lay out every page; text in form XObjects is analysed too (all_texts)."""
    yield from extract_pages(io.BytesIO(content), laparams=LAParams(all_texts=True))


def _page_lines(page: LTPage, number: int, tables: list[RuledTable]) -> list[_Line]:
    """Return a page's text lines in pdfminer's reading order, without page numbers; the
    lines of a ruled table give way to the table, where its first line stood."""
    lines = []
    for item in _text_lines(page):
        text = _RADICALS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), _line_text(item))
        text = text.strip()
        if not text:
            continue
        in_margin = item.y1 < page.height * _MARGIN_BAND or item.y0 > page.height * (
            1 - _MARGIN_BAND
        )
        if in_margin and _PAGE_NUMBER.match(text):
            continue
        lines.append(_Line(text, number, item.x0, item.x1, item.y0, item.y1, _type_size(item)))
    return _with_tables(_merge_rows(lines), tables, number)


def _with_tables(lines: list[_Line], tables: list[RuledTable], number: int) -> list[_Line]:
    if not tables:
        return lines
    out: list[_Line] = []
    placed: set[int] = set()
    for line in lines:
        inside = next(
            (i for i, t in enumerate(tables) if t.holds(line.x0, line.x1, line.y0, line.y1)),
            None,
        )
        if inside is None:
            out.append(line)
        elif inside not in placed:
            placed.add(inside)
            table = tables[inside]
            out.append(_Line("", number, table.x0, table.x1, table.bottom, table.top,
                             table=table.grid))  # fmt: skip
    return out


def _type_size(line: LTTextLine) -> float:
    """The median size of a line's glyphs, in points."""
    sizes = [item.size for item in line if isinstance(item, LTChar) and item.get_text().strip()]
    return statistics.median(sizes) if sizes else 0.0


def _merge_rows(lines: list[_Line]) -> list[_Line]:
    """Join lines that sit side by side on one baseline (table cells) into one row.

    pdfminer lays table cells out as separate lines; joined with tabs in left-to-right
    order, a row reads like a text table and the structure step finds the table.
    """
    merged: list[_Line] = []
    used: set[int] = set()
    for index, line in enumerate(lines):
        if index in used:
            continue
        height = line.y1 - line.y0
        row = [line]
        for other_index in range(index + 1, len(lines)):
            other = lines[other_index]
            overlap = min(line.y1, other.y1) - max(line.y0, other.y0)
            beside = all(other.x0 >= cell.x1 or other.x1 <= cell.x0 for cell in row)
            if other_index not in used and overlap > 0.6 * height and beside:
                row.append(other)
                used.add(other_index)
        if len(row) == 1:
            merged.append(line)
            continue
        row.sort(key=lambda cell: cell.x0)
        merged.append(
            _Line(
                "\t".join(cell.text for cell in row),
                line.page,
                row[0].x0,
                row[-1].x1,
                min(cell.y0 for cell in row),
                max(cell.y1 for cell in row),
                line.size,
            )
        )
    return merged


def _line_text(line: LTTextLine) -> str:
    """A line's text with a tab where a wide gap separates two characters (table cells)."""
    parts: list[str] = []
    previous: LTChar | None = None
    for item in line:
        if isinstance(item, LTChar):
            if previous is not None:
                gap = item.x0 - previous.x1
                if gap > _CELL_GAP * max(previous.width, item.width, 1.0):
                    while parts and parts[-1] == " ":
                        parts.pop()
                    parts.append("\t")
            parts.append(item.get_text())
            previous = item
        else:
            parts.append(item.get_text())
    return "".join(parts)


def _text_lines(item: LTItem) -> Iterator[LTTextLine]:
    """Yield the text lines under a layout item, depth first."""
    if isinstance(item, LTTextLine):
        yield item
    elif isinstance(item, LTContainer):
        for child in item:
            yield from _text_lines(child)


def _frame(lines: list[_Line]) -> _PageFrame:
    """Estimate a page's text column from its lines."""
    em = statistics.median(line.y1 - line.y0 for line in lines)
    left = min(line.x0 for line in lines)
    widest = max(line.x1 for line in lines)
    # The median end of the long lines is the column's right edge; one overhanging line of
    # punctuation or digits must not move it.
    right = statistics.median(line.x1 for line in lines if line.x1 >= widest - 4 * em)
    gaps = [
        above.y0 - below.y1
        for above, below in itertools.pairwise(lines)
        if 0 <= above.y0 - below.y1 < 3 * em
    ]
    return _PageFrame(left, right, em, statistics.median(gaps) if gaps else em / 2)


def _paragraphs(pages: list[list[_Line]]) -> Iterator[Block]:
    """Join lines into paragraphs, across page breaks when a paragraph runs on.

    A paragraph that goes on over a page break records where the next page starts, so a
    figure is cited by the page it is printed on; lines in type larger than the body's
    (a title) are marked as emphasized.
    """
    sizes = [line.size for lines in pages for line in lines if line.size]
    body_size = statistics.median(sizes) if sizes else 0.0
    text = ""
    page = 0
    page_starts: list[tuple[int, int]] = []
    emphasized = False
    previous: _Line | None = None
    previous_frame: _PageFrame | None = None
    for lines in pages:
        if not lines:
            continue
        frame = _frame(lines)
        for line in lines:
            if line.table:
                if text:
                    yield Block(text, page, emphasized=emphasized, page_starts=tuple(page_starts))
                text, page_starts = "", []
                block = table_block(line.table, line.page)
                if block is not None:
                    yield block
                previous = None
                continue
            large = bool(body_size) and line.size >= _TITLE_SIZE_RATIO * body_size
            if previous is None or previous_frame is None:
                starts = True
            else:
                starts = _starts_paragraph(line, frame, previous, previous_frame)
                # A title line and a body line never make one paragraph.
                starts = starts or large != emphasized
            if starts:
                if text:
                    yield Block(text, page, emphasized=emphasized, page_starts=tuple(page_starts))
                text, page, page_starts, emphasized = line.text, line.page, [], large
            else:
                joined = _join(text, line.text)
                if line.page != (page_starts[-1][1] if page_starts else page):
                    page_starts.append((len(joined) - len(line.text), line.page))
                text = joined
            previous, previous_frame = line, frame
    if text:
        yield Block(text, page, emphasized=emphasized, page_starts=tuple(page_starts))


def _starts_paragraph(line: _Line, frame: _PageFrame, previous: _Line, before: _PageFrame) -> bool:
    """Tell whether `line` opens a paragraph rather than continuing the previous line."""
    if line.x0 > frame.left + 0.8 * frame.em:  # first-line indent, centred or right aligned
        return True
    if "\t" in line.text or "\t" in previous.text:  # a table row stands alone
        return True
    if _LIST_MARKER.match(line.text):
        return True
    if previous.x1 < before.right - 2 * before.em:  # the previous line stopped short
        return True
    if line.page == previous.page:
        if line.y1 > previous.y0 + 0.5 * frame.em:  # moved up: a new column or box
            return True
        if previous.y0 - line.y1 > frame.line_gap + 0.6 * frame.em:  # blank space between
            return True
    return False


def _join(text: str, continuation: str) -> str:
    """Join a wrapped line to its paragraph; a space only between two Latin words."""
    if _script(reversed(text)) == "latin" and _script(iter(continuation)) == "latin":
        return f"{text} {continuation}"
    return text + continuation


def _script(chars: Iterator[str]) -> str:
    """Return "latin" or "cjk" for the first letter found in `chars`, "" if none."""
    for char in chars:
        if char.isascii():
            if char.isalpha():
                return "latin"
        elif char.isalpha() or unicodedata.east_asian_width(char) in ("W", "F"):
            return "cjk"
    return ""
