"""Small helpers shared by the format readers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from retrieval.model import Block


def clean_cell(text: str) -> str:
    """Collapse a table cell's inner line breaks and runs of spaces into single spaces."""
    return " ".join(text.split())


def table_block(rows: Iterable[Sequence[str]], page: int | None = None) -> Block | None:
    """Build a table block from rows of cell texts, or None when every cell is blank."""
    kept = tuple(tuple(clean_cell(cell) for cell in row) for row in rows)
    kept = tuple(row for row in kept if any(row))
    if not kept:
        return None
    text = "\n".join(" | ".join(row) for row in kept)
    return Block(text=text, page=page, rows=kept)


def line_blocks(text: str, page: int | None = None) -> list[Block]:
    """Turn each non-blank line of `text` into a block, stripped at both ends only."""
    return [Block(text=line.strip(), page=page) for line in text.splitlines() if line.strip()]
