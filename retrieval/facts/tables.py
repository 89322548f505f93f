"""Table passages: one fact per numeric cell, labelled by its row and column."""

from __future__ import annotations

import re

from retrieval.facts.numerals import MAGNITUDES, parse_decimal
from retrieval.facts.patterns import HEADER_UNIT, NUM, YEAR
from retrieval.facts.scan import Zone, mask_zones, scan_figures
from retrieval.facts.vocabulary import UNIT_KINDS
from retrieval.model import Fact, Passage

_LONGEST_FIRST = sorted((m for m in MAGNITUDES if m), key=len, reverse=True)


def table_rows(passage: Passage) -> tuple[tuple[str, ...], ...]:
    """Return the rows of a table passage, from `rows` or from `a | b | c` lines."""
    if passage.rows:
        return passage.rows
    lines = passage.text.split("\n")
    if all(" | " in line for line in lines) and lines:
        return tuple(tuple(line.split(" | ")) for line in lines)
    return ()


def _cell_offsets(text: str, rows: tuple[tuple[str, ...], ...]) -> list[list[int]]:
    """Return where each cell starts in the passage text."""
    offsets = []
    position = 0
    for row in rows:
        row_offsets = []
        for cell in row:
            found = text.find(cell, position)
            start = found if found >= 0 else position
            row_offsets.append(start)
            position = start + len(cell)
        offsets.append(row_offsets)
    return offsets


def table_facts(passage: Passage, rows: tuple[tuple[str, ...], ...]) -> tuple[Fact, ...]:
    """Return one fact per numeric cell, labelled by row label and column header."""
    text = passage.text
    offsets = _cell_offsets(text, rows)
    has_header = len(rows) > 1
    header = rows[0] if has_header else ()
    facts = []
    for row_index, row in enumerate(rows):
        if has_header and row_index == 0:
            continue
        for column, cell in enumerate(row):
            if column == 0:
                continue
            column_header = header[column].strip() if column < len(header) else ""
            facts.extend(
                _cell_facts(passage, cell, offsets[row_index][column], row[0], column_header)
            )
    return tuple(facts)


def _cell_facts(
    passage: Passage, cell: str, offset: int, row_label: str, column_header: str
) -> list[Fact]:
    """Return the figures of one table cell."""
    header_unit = HEADER_UNIT.search(column_header) or HEADER_UNIT.search(row_label)
    unit = (header_unit.group("mag") or "") + header_unit.group("unit") if header_unit else ""
    label = " ".join(part for part in (row_label.strip(), column_header) if part)
    qualifier = column_header if YEAR.search(column_header) else ""
    return _figures_of(passage, cell, offset, label, qualifier, unit)


def _figures_of(
    passage: Passage, cell: str, offset: int, label: str, qualifier: str, header_unit: str
) -> list[Fact]:
    """The figures of a cell's text standing at `offset` of the passage; a bare number takes
    the unit its header gives (`金额（万元）`: 万 scales the value, 元 is the unit)."""
    facts = []
    for figure in scan_figures(cell, mask_zones(cell)):
        value, unit, kind = figure.value, figure.unit, figure.kind
        if header_unit and not unit and value is not None:
            number = re.match(NUM, figure.raw)
            magnitude = next((m for m in MAGNITUDES if m and header_unit.startswith(m)), "")
            unit = header_unit[len(magnitude) :]
            value = (
                parse_decimal(number.group(), MAGNITUDES.get(magnitude, 1)) if number else value
            )
            kind = UNIT_KINDS.get(unit, "count")
        facts.append(
            Fact(
                raw=figure.raw,
                value=value,
                unit=unit,
                label=label,
                kind=kind,
                passage=passage,
                start=offset + figure.start,
                end=offset + figure.end,
                qualifier=qualifier,
                approximate=figure.approximate,
            )
        )
    return facts


def table_header_zones(text: str, rows: tuple[tuple[str, ...], ...]) -> list[Zone]:
    """Return the header row and row-label cells of a table as zones."""
    offsets = _cell_offsets(text, rows)
    zones = []
    for row_index, row in enumerate(rows):
        for column, cell in enumerate(row):
            if (row_index == 0 and len(rows) > 1) or column == 0:
                start = offsets[row_index][column]
                zones.append(Zone(start, start + len(cell), "table_header"))
    return zones


def cell_facts(passage: Passage) -> tuple[Fact, ...]:
    """One fact per figure of a table row's cells: labelled by the row's header path,
    qualified by the column's, in the unit the cell or its headers give."""
    label = " ".join(passage.row_path)
    return tuple(
        fact
        for cell in passage.cells
        for fact in _figures_of(
            passage, cell.text, cell.start, label, " ".join(cell.column), cell.unit
        )
    )


def cell_zones(passage: Passage) -> list[Zone]:
    """Everything of a table row passage outside its cells: its headers."""
    zones = []
    position = 0
    for cell in passage.cells:
        if cell.start > position:
            zones.append(Zone(position, cell.start, "table_header"))
        position = cell.start + len(cell.text)
    if position < len(passage.text):
        zones.append(Zone(position, len(passage.text), "table_header"))
    return zones
