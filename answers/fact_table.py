"""Fact tables for staff: CSV for Excel, JSON Lines for tools, aligned text for a terminal."""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from retrieval.facts import sentence_of
from retrieval.model import Fact

__all__ = [
    "COLUMNS",
    "display_width",
    "fact_row",
    "facts_to_csv",
    "facts_to_jsonl",
    "facts_to_text_table",
    "write_facts_csv",
]

COLUMNS = (
    "document",
    "section",
    "paragraph",
    "value_as_written",
    "number",
    "unit",
    "label",
    "qualifier",
    "approximate",
    "sentence",
)
# Excel only reads a CSV file as UTF-8 when it starts with a byte order mark.
_BOM = "\ufeff"
_TEXT_COLUMNS = ("paragraph", "value_as_written", "number", "unit", "label", "qualifier")


def _format_number(value: float | None) -> str:
    """Return `value` without a trailing `.0` for whole numbers, "" for None."""
    if value is None:
        return ""
    return str(int(value)) if value.is_integer() else repr(value)


def fact_row(fact: Fact, titles: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return one fact as a row of COLUMNS; `titles` maps doc_id to a document title."""
    passage = fact.passage
    return {
        "document": (titles or {}).get(passage.doc_id, passage.doc_id),
        "section": " > ".join(passage.section_path),
        "paragraph": str(passage.paragraph),
        "value_as_written": fact.raw,
        "number": _format_number(fact.value),
        "unit": fact.unit,
        "label": fact.label,
        "qualifier": fact.qualifier,
        "approximate": "true" if fact.approximate else "false",
        "sentence": sentence_of(fact),
    }


def facts_to_csv(facts: Iterable[Fact], titles: Mapping[str, str] | None = None) -> str:
    """Return the facts as CSV text starting with a BOM, one row per fact."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(fact_row(fact, titles) for fact in facts)
    return _BOM + buffer.getvalue()


def write_facts_csv(
    path: Path, facts: Iterable[Fact], titles: Mapping[str, str] | None = None
) -> None:
    """Write the facts to `path` as a CSV file Excel opens as UTF-8."""
    # newline="" keeps the csv module's \r\n row ends as they are.
    path.write_text(facts_to_csv(facts, titles), encoding="utf-8", newline="")


def facts_to_jsonl(facts: Iterable[Fact], titles: Mapping[str, str] | None = None) -> str:
    """Return the facts as JSON Lines with the CSV columns plus kind, doc_id and offsets."""
    lines = []
    for fact in facts:
        record: dict[str, object] = {
            **fact_row(fact, titles),
            "paragraph": fact.passage.paragraph,
            "number": fact.value,
            "approximate": fact.approximate,
            "kind": fact.kind,
            "doc_id": fact.passage.doc_id,
            "start": fact.start,
            "end": fact.end,
        }
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    return "".join(lines)


def display_width(text: str) -> int:
    """Return how many terminal columns `text` takes: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _fit(text: str, width: int) -> str:
    """Cut `text` to `width` columns, marking a cut with `…`, and pad it to `width`."""
    if display_width(text) > width:
        kept = ""
        for char in text:
            if display_width(kept + char) > width - 1:
                break
            kept += char
        text = kept + "…"
    return text + " " * (width - display_width(text))


def facts_to_text_table(facts: Iterable[Fact], max_width: int = 40) -> str:
    """Return the facts as an aligned table for a terminal, no column wider than `max_width`."""
    rows = [_TEXT_COLUMNS] + [
        tuple(fact_row(fact)[column] for column in _TEXT_COLUMNS) for fact in facts
    ]
    widths = [
        min(max_width, max(display_width(row[index]) for row in rows))
        for index in range(len(_TEXT_COLUMNS))
    ]
    lines = [
        "  ".join(_fit(cell, width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines) + "\n"


def aligned_grid(rows: Sequence[Sequence[str]], max_width: int = 12, max_rows: int = 40) -> str:
    """A table's grid as aligned text, for a fixed-width font: a merged cell shown once,
    columns no wider than `max_width`, at most `max_rows` rows."""
    shown = [
        [cell if index == 0 or cell != row[index - 1] else "" for index, cell in enumerate(row)]
        for row in rows[:max_rows]
    ]
    if not shown:
        return ""
    width = max(len(row) for row in shown)
    shown = [row + [""] * (width - len(row)) for row in shown]
    widths = [
        min(max_width, max(display_width(row[index]) for row in shown)) for index in range(width)
    ]
    lines = [
        " ".join(_fit(cell, w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in shown
    ]
    if len(rows) > max_rows:
        lines.append(f"…（共{len(rows)}行）")
    return "\n".join(lines)
