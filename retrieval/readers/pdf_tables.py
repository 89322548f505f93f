"""Ruled tables of a PDF, read with pdfplumber from the lines drawn around their cells.

pdfplumber finds a table from its ruling lines, so a merged header cell (`法人或其他组织`
over five columns) is one cell with its own box; the glyph-gap reader of `pdf.py` sees
only text on a baseline and cannot tell a merged cell from an empty one. Each table comes
back as a grid in which a merged cell repeats its text over every place its box covers.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass

import pdfplumber
from pdfminer.pdfexceptions import PDFException
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from retrieval.readers._blocks import clean_cell

logger = logging.getLogger(__name__)

Grid = tuple[tuple[str, ...], ...]
# A line break inside a cell between two ideographs is wrapping, not a space.
_WRAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\n(?=[\u3000-\u9fff\uff00-\uffef])")


@dataclass(frozen=True, slots=True)
class RuledTable:
    """A table of one page: its box (PDF points, origin bottom left) and its grid."""

    x0: float
    x1: float
    bottom: float
    top: float
    grid: Grid

    def holds(self, x0: float, x1: float, y0: float, y1: float) -> bool:
        """Whether a text line's box lies inside the table."""
        middle_y, middle_x = (y0 + y1) / 2, (x0 + x1) / 2
        return self.bottom <= middle_y <= self.top and self.x0 <= middle_x <= self.x1


def ruled_tables(content: bytes) -> tuple[dict[int, list[RuledTable]], str]:
    """The ruled tables of each page (1-based), in reading order, and the title of the
    document information, read in one pass; ({}, "") when neither can be read."""
    found: dict[int, list[RuledTable]] = {}
    try:
        with pdfplumber.open(io.BytesIO(content)) as pdf:
            title = pdf.metadata.get("Title")
            for number, page in enumerate(pdf.pages, start=1):
                tables = []
                for table in page.find_tables():
                    grid = _grid(table)
                    if len(grid) >= 2 and len(grid[0]) >= 2:
                        x0, top, x1, bottom = table.bbox
                        tables.append(
                            RuledTable(x0, x1, page.height - bottom, page.height - top, grid)
                        )
                if tables:
                    found[number] = sorted(tables, key=lambda t: -t.top)
    except (
        PdfminerException,  # how pdfplumber passes pdfminer's errors on
        MalformedPDFException,
        PDFException,
        PSException,
        ValueError,
        KeyError,
        TypeError,
    ) as error:
        # The text layer is still read; only the ruled tables are lost.
        logger.warning("no ruled tables read: %s", error)
        return {}, ""
    return found, " ".join(title.split()) if isinstance(title, str) else ""


def _grid(table: pdfplumber.table.Table) -> Grid:
    """A table's texts on its grid, a merged cell's text over every place it covers."""
    texts = table.extract()
    boxes = [cell for row in table.rows for cell in row.cells if cell is not None]
    if not texts or not boxes:
        return ()
    # Column and row edges: where cells start, and where the last one ends.
    xs = [*sorted({round(b[0], 1) for b in boxes}), max(b[2] for b in boxes)]
    ys = [*sorted({round(b[1], 1) for b in boxes}), max(b[3] for b in boxes)]
    origins = [
        (cell, texts[r][c])
        for r, row in enumerate(table.rows)
        for c, cell in enumerate(row.cells)
        if cell is not None
    ]
    grid = []
    for r, row in enumerate(table.rows):
        line = []
        for c, cell in enumerate(row.cells):
            if cell is not None:
                text = texts[r][c]
            elif c + 1 < len(xs) and r + 1 < len(ys):
                text = _covering(origins, (xs[c] + xs[c + 1]) / 2, (ys[r] + ys[r + 1]) / 2)
            else:
                text = None
            line.append(clean_cell(_WRAP.sub("", text or "")))
        grid.append(tuple(line))
    return tuple(grid)


def _covering(
    origins: list[tuple[tuple[float, float, float, float], str | None]], x: float, y: float
) -> str | None:
    """The text of the merged cell whose box covers a point of the grid."""
    for (x0, top, x1, bottom), text in origins:
        if x0 <= x <= x1 and top <= y <= bottom:
            return text
    return None
