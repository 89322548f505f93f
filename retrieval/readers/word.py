"""Word (.docx) files: paragraphs and tables in the order they stand in the body."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import docx
from docx.document import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.types import ProvidesStoryPart
from lxml import etree

from retrieval.errors import CorruptDocument, EmptyDocument
from retrieval.limits import check_zip
from retrieval.model import Block, RawDocument
from retrieval.readers._blocks import clean_cell, line_blocks, table_block

_PARAGRAPH = qn("w:p")
# No real table spans more grid columns than this.
_MAX_SPAN = 64
# Body text of reports is 三号 (16 pt) at most; a title is 二号 (22 pt) or 小二 (18 pt).
_TITLE_POINTS = 18
_TABLE = qn("w:tbl")
_CONTENT_CONTROL = qn("w:sdt")
_CONTENT_CONTROL_BODY = qn("w:sdtContent")


def read_docx(name: str, content: bytes) -> RawDocument:
    """Read a .docx file: each paragraph line a block, each data table a table block."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            check_zip(name, archive)  # before anything is inflated
        document = docx.Document(io.BytesIO(content))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, etree.LxmlError) as exc:
        raise CorruptDocument(f"{name}: not a readable Word .docx file ({exc})") from exc
    blocks = list(_body_blocks(document))
    if not blocks:
        raise EmptyDocument(f"{name}: the Word file holds no text")
    properties = document.core_properties
    hints = tuple(
        h
        for h in (" ".join((v or "").split()) for v in (properties.title, properties.subject))
        if h
    )
    return RawDocument(source=name, format="docx", blocks=tuple(blocks), title_hints=hints)


def _body_blocks(document: WordDocument) -> Iterator[Block]:
    """Yield the blocks of the document body in order."""
    yield from _element_blocks(document.element.body, document)


def _element_blocks(parent: etree._Element, owner: ProvidesStoryPart) -> Iterator[Block]:
    """Yield blocks for the paragraphs and tables directly under `parent`."""
    for child in parent.iterchildren():
        if child.tag == _PARAGRAPH:
            paragraph = Paragraph(child, owner)
            emphasized = _emphasized(paragraph)
            # Soft line breaks (Shift+Enter) split header and signature lines in reports.
            for block in line_blocks(paragraph.text):
                yield Block(block.text, emphasized=emphasized) if emphasized else block
        elif child.tag == _TABLE:
            yield from _table_blocks(Table(child, owner))
        elif child.tag == _CONTENT_CONTROL:
            body = child.find(_CONTENT_CONTROL_BODY)
            if body is not None:
                yield from _element_blocks(body, owner)


def _emphasized(paragraph: Paragraph) -> bool:
    """Printed as a title: a heading or title style, or large, bold and centred type."""
    style = (paragraph.style.name if paragraph.style is not None else "") or ""
    if style.lower().startswith(("title", "heading 1")) or style in ("标题", "标题 1"):
        return True
    runs = [r for r in paragraph.runs if r.text.strip()]
    if not runs:
        return False
    sizes = [r.font.size.pt for r in runs if r.font.size is not None]
    large = bool(sizes) and min(sizes) >= _TITLE_POINTS
    bold = all(r.bold for r in runs)
    centred = paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
    return large or (bold and centred)


def _table_blocks(table: Table) -> Iterator[Block]:
    """Yield a data table as one table block, a one-column layout table as its paragraphs."""
    if all(len(_row_cells(row)) <= 1 for row in table.rows):
        # Pages pasted into Word often sit in a one-cell frame; its content is the report.
        for row in table.rows:
            for cell in _row_cells(row):
                yield from _element_blocks(cell._tc, cell)
        return
    block = table_block(_grid(table))
    if block is not None:
        yield block


def _grid(table: Table) -> list[list[str]]:
    """A table's cells on its grid: a merged cell repeated over every place it spans.

    A horizontal merge is one cell with a grid span; a vertical merge is a cell that
    continues the one above it (vMerge), whose text is the first cell's.
    """
    grid: list[list[str]] = []
    for tr in table._tbl.tr_lst:
        row: list[str] = []
        for tc in tr.tc_lst:
            span = max(1, min(tc.grid_span, _MAX_SPAN))
            if tc.vMerge == "continue":
                above = grid[-1] if grid else []
                texts = [
                    above[len(row) + i] if len(row) + i < len(above) else "" for i in range(span)
                ]
            else:
                text = clean_cell(" ".join(p.text for p in _Cell(tc, table).paragraphs))
                texts = [text] * span
            row.extend(texts)
        grid.append(row)
    return grid


def _row_cells(row: _Row) -> list[_Cell]:
    """Return a row's cells with each horizontally merged cell once."""
    cells: list[_Cell] = []
    skip = 0
    for cell in row.cells:
        if skip:
            skip -= 1
            continue
        cells.append(cell)
        skip = cell.grid_span - 1
    return cells
