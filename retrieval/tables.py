"""Tables as data: every cell with the path of its row headers and its column headers.

Readers give a table as a rectangular grid in which a merged cell repeats its text over
every position it spans (HTML rowspan/colspan, Word merges, PDF ruled cells). From the
grid alone this module finds the header rows (rows with no figure), the row header
columns (columns with no figure), sub-table titles (one text across the whole row, as the
national 政府信息公开 format's `第二十条第（一）项`), a header repeated where a table goes on
over a page break, and the unit a caption or header gives (`（单位：万元）`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.model import Block

Grid = tuple[tuple[str, ...], ...]

# A data cell: a number with its unit words, a share, or a dash for none.
_FIGURE_CELL = re.compile(
    r"^[-+−—–]?\s*[0-9０-９][0-9０-９,，.．]*\s*[%％‰]?\s*[\u4e00-\u9fff]{0,5}$|^[—–\-－/／]+$|^无$"
)
# A column header that names a year (2021年, 2021年度, 2022): header, not data.
_YEAR_CELL = re.compile(r"^(?:19|20)\d{2}\s*年?度?$")
_MARKER = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]|\d{1,2}[.、．](?!\d))\s*"
)
_UNIT_NOTE = re.compile(
    r"[（(]?\s*(?:金额)?单位\s*[:：]\s*(?P<unit>[^（()）\s,，;；]{1,6})\s*[）)]?"
)
_LIST_ITEM = re.compile(r"^\d{1,2}\s*[.、．](?!\d)")
_TOTAL = re.compile(r"^(?:总计|合计|总数|小计|共计|总量)$")
_EMPTY = ("", "—", "–", "-", "－", "/", "／")


@dataclass(frozen=True, slots=True)
class TableRow:
    """One data row: its header path, and each data cell with its column's header path."""

    path: tuple[str, ...]
    cells: tuple[tuple[tuple[str, ...], str], ...]
    group: str = ""
    # The row headers as the table writes them, list markers included (`（七）总计`).
    written: tuple[str, ...] = ()
    index: int = 0  # the row's place in the grid


@dataclass(frozen=True, slots=True)
class TableModel:
    """A table read as data: its caption, unit note and data rows."""

    caption: str
    unit: str
    rows: tuple[TableRow, ...]
    header_rows: int


def is_figure_cell(text: str) -> bool:
    """Whether a cell holds a figure (or a dash for none), not words (`2.重复申请`)."""
    text = text.strip()
    if not text or _YEAR_CELL.match(text) or _LIST_ITEM.match(text):
        return False
    return bool(_FIGURE_CELL.match(text))


def clean_label(text: str) -> str:
    """A header as a label: its list marker (`三、`, `（一）`, `1.`) and spaces dropped."""
    return " ".join(_MARKER.sub("", text).split())


def is_total(label: str) -> bool:
    """Whether a column or row header names the total (总计, 合计)."""
    return bool(_TOTAL.match(clean_label(label)))


def unit_note(text: str) -> str:
    """The unit a caption or header names (`（单位：万元）` gives 万元), or ""."""
    found = _UNIT_NOTE.search(text)
    return found.group("unit") if found else ""


def rectangular(rows: Sequence[Sequence[str]]) -> Grid:
    """The rows padded with empty cells to the widest row."""
    width = max((len(r) for r in rows), default=0)
    return tuple(tuple(r) + ("",) * (width - len(r)) for r in rows)


def read_table(rows: Sequence[Sequence[str]], caption: str = "") -> TableModel:
    """Read a grid into data rows with row and column header paths."""
    grid = rectangular(rows)
    unit = unit_note(caption)
    if not grid:
        return TableModel(caption, unit, (), 0)
    width = len(grid[0])
    # A unit note anywhere in the table (`单位：件` in a row of its own) holds for all of it.
    notes = (unit_note(r[0]) for r in grid if len({c for c in r if c.strip()}) == 1)
    unit = unit or next((n for n in notes if n), "")
    data = {i for i, row in enumerate(grid) if _has_figures(row)}
    row_headers = _row_header_columns(grid, data, width)
    headers: list[tuple[str, ...]] = []
    seen: set[tuple[str, ...]] = set()
    group = ""
    header_count = 0
    out: list[TableRow] = []
    last_was_data = False
    for index, row in enumerate(grid):
        texts = {c.strip() for c in row if c.strip()}
        if index not in data and len(texts) == 1 and width > 1:
            # One text across the row: a sub-table's title, or a unit note.
            text = next(iter(texts))
            note = unit_note(text)
            unit = note or unit
            if not note or len(text) > 12:
                group = text
            headers, last_was_data = [], False
            continue
        if index not in data:
            if last_was_data and row in seen:
                continue  # the header printed again where the table goes on over a page
            if last_was_data:
                headers = []  # a header after data opens a new sub-table
            headers.append(row)
            seen.add(row)
            header_count += 1
            last_was_data = False
            continue
        last_was_data = True
        out.append(dataclasses.replace(_data_row(row, headers, row_headers, group), index=index))
    return TableModel(caption, unit, tuple(out), header_count)


def _data_row(
    row: tuple[str, ...], headers: list[tuple[str, ...]], row_headers: int, group: str
) -> TableRow:
    width = len(row)
    path = _dedupe([clean_label(row[c]) for c in range(row_headers)])
    columns = [_dedupe([clean_label(h[c]) for h in headers]) for c in range(width)]
    shared = _shared_prefix(columns[row_headers:])
    cells = []
    for column in range(row_headers, width):
        cell = row[column].strip()
        repeated = column > row_headers and row[column] == row[column - 1]
        if repeated and cell and columns[column] == columns[column - 1]:
            continue  # one cell spanning two columns of one header
        cells.append((columns[column][shared:] or columns[column], cell))
    written = _dedupe([" ".join(row[c].split()) for c in range(row_headers)])
    return TableRow(path, tuple(cells), group, written)


def _has_figures(row: Sequence[str]) -> bool:
    return any(is_figure_cell(c) for c in row)


def _row_header_columns(grid: Grid, data: set[int], width: int) -> int:
    """How many leading columns hold row headers: none of their data-row cells a figure."""
    if not data:
        return 1
    count = 0
    for column in range(width - 1):
        if any(is_figure_cell(grid[i][column]) for i in data):
            break
        count += 1
    return count


def _dedupe(parts: Sequence[str]) -> tuple[str, ...]:
    """Header texts of a path, empty ones and repeats of a merged cell left out."""
    out: list[str] = []
    for part in parts:
        if part and part not in _EMPTY and (not out or out[-1] != part):
            out.append(part)
    return tuple(out)


def _shared_prefix(paths: Sequence[tuple[str, ...]]) -> int:
    """How many leading headers every column shares (申请人情况 over all of them)."""
    if len(paths) < 2:
        return 0
    shortest = min(len(p) for p in paths)
    count = 0
    while count < shortest - 1 and len({p[count] for p in paths}) == 1:
        count += 1
    return count


def join_continued(blocks: Sequence[Block]) -> list[Block]:
    """Join a table that goes on over a page break.

    A table block on the page after another table of the same width is the same table
    when nothing but a repeated unit note (`单位：件`) stands between them; its first row
    is dropped when it repeats the header.
    """
    out: list[Block] = []
    for block in blocks:
        between = out[-1:] if out and not out[-1].rows and _is_note(out[-1].text) else []
        previous = out[-1 - len(between)] if len(out) > len(between) else None
        if (
            previous is not None
            and previous.rows
            and block.rows
            and len(previous.rows[0]) == len(block.rows[0])
            and previous.page is not None
            and block.page == previous.page + 1
        ):
            rows = block.rows[1:] if block.rows[0] == previous.rows[0] else block.rows
            # A unit note between the two parts is kept, as a row of its own at the end.
            notes = tuple((b.text,) * len(block.rows[0]) for b in between)
            joined = previous.rows + rows + notes
            text = "\n".join(" | ".join(row) for row in joined)
            # For a table, page_starts counts rows: where each later page's rows begin.
            starts = (*previous.page_starts, (len(previous.rows), block.page))
            del out[len(out) - len(between) :]
            out[-1] = Block(text, previous.page, joined, page_starts=starts)
            continue
        out.append(block)
    return out


def _is_note(text: str) -> bool:
    return bool(unit_note(text)) and len("".join(text.split())) <= 12
