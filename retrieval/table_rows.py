"""Tables into passages: a passage per data row, each cell with where it stands in it.

A table's row reads `行标签：列 值；列 值`, and is cited by its table and row. Plain text
and PDFs without ruling carry tables as lines of cells; those are joined into table
blocks first, so every format gives the same passages.
"""

from __future__ import annotations

import re

from retrieval.facts.vocabulary import UNIT_KINDS
from retrieval.model import Block, Cell, Passage
from retrieval.tables import read_table, unit_note

_CELL_SPLIT = re.compile(r"\t+|\s*[|｜]\s*|\s{2,}")
_UNIT_HEADERS = ("单位", "计量单位", "计算单位")
_BRACKETED_UNIT = re.compile(
    r"[（(]\s*(?:单位\s*[:：]\s*)?(?P<unit>(?:万|亿|千万|百万)?(?:"
    + "|".join(sorted(map(re.escape, UNIT_KINDS), key=len, reverse=True))
    + r"))\s*[）)]"
)


def _row_page(block: Block, index: int) -> int | None:
    """The page a table's row is printed on (a table's page_starts count rows)."""
    page = block.page
    for start, later in block.page_starts:
        if index >= start:
            page = later
    return page


def _header_unit(column: tuple[str, ...], path: tuple[str, ...], note: str) -> str:
    """The unit a column or row header writes in brackets (`金额（万元）`), else the note's."""
    for header in (*column, *path):
        found = _BRACKETED_UNIT.search(header)
        if found:
            return found.group("unit")
    return note


def _cells(text: str) -> list[str]:
    return [c for c in (c.strip() for c in _CELL_SPLIT.split(text.strip())) if c]


def group_text_tables(blocks: list[Block]) -> list[Block]:
    """Join runs of lines written as table rows (tabs, `|` or wide spaces) into tables.

    Plain text and PDFs carry tables as lines; Word and HTML as real tables. Both end
    up as one table block, so every format gives the same passages.
    """
    grouped: list[Block] = []
    run: list[tuple[Block, list[str]]] = []

    def flush() -> None:
        if len(run) >= 2:
            rows = tuple(tuple(cells) for _, cells in run)
            text = "\n".join(" | ".join(row) for row in rows)
            grouped.append(Block(text, run[0][0].page, rows))
        else:
            grouped.extend(block for block, _ in run)
        run.clear()

    for block in blocks:
        cells = [] if block.rows else _cells(block.text)
        if len(cells) >= 2 and (not run or len(cells) == len(run[0][1])):
            run.append((block, cells))
            continue
        flush()
        if len(cells) >= 2:
            run.append((block, cells))
        else:
            grouped.append(block)
    flush()
    return grouped


def row_passages(
    rows: tuple[tuple[str, ...], ...],
    caption: str,
    block: Block,
    doc_id: str,
    path: tuple[str, ...],
    paragraph: int,
) -> list[Passage]:
    """One passage per data row of a table, numbered from `paragraph`, cited by the table's
    place `path`, its caption or sub-table title and its row; [] for a table with no
    figures. `rows` may lack the block's caption row."""
    model = read_table(rows, caption)
    passages: list[Passage] = []
    for row in model.rows:
        label = " ".join(row.written) or row.group or caption
        parts: list[str] = []
        cells: list[Cell] = []
        offset = len(label) + 1
        # A column of units (`单位`: 项, 件) gives its row's figures their unit.
        unit_column = next((v for c, v in row.cells if c and c[-1] in _UNIT_HEADERS and v), "")
        for column, value in row.cells:
            if not value or (column and column[-1] in _UNIT_HEADERS):
                continue
            name = " ".join(column)
            parts.append(f"{name} {value}" if name else value)
            start = offset + (len(name) + 1 if name else 0)
            unit = (
                unit_column
                or next((n for n in map(unit_note, column) if n), "")
                or _header_unit(column, row.path, model.unit)
            )
            cells.append(Cell(column, value, start, unit))
            offset += len(parts[-1]) + 1
        where = tuple(dict.fromkeys(p for p in (row.group or caption, label) if p))
        passages.append(
            Passage(
                doc_id=doc_id,
                section_path=path + where,
                paragraph=paragraph + len(passages),
                text=f"{label}：" + "；".join(parts),
                page=_row_page(block, row.index + (len(block.rows) - len(rows))),
                rows=rows,
                row_path=row.path,
                cells=tuple(cells),
            )
        )
    return passages
