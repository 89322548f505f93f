"""Number facts: every figure of a passage with its value, unit, label and qualifier.

The extractor is rule based. It first masks what only looks like a number (document and
index numbers, titles in 《》, quoted slogans, list markers, ordinals), then scans the rest
for figures, then labels each figure from the clause that holds it.
"""

from __future__ import annotations

from dataclasses import dataclass

from retrieval.facts.labels import label_figures, sentence_span
from retrieval.facts.patterns import RUN
from retrieval.facts.roles import with_roles
from retrieval.facts.scan import mask_zones, scan_figures
from retrieval.facts.tables import (
    cell_facts,
    cell_zones,
    table_facts,
    table_header_zones,
    table_rows,
)
from retrieval.model import Fact, Passage

RUN_CATEGORIES = (
    "fact",
    "doc_number",
    "index_number",
    "list_marker",
    "law_or_title",
    "name_word",
    "ordinal",
    "date_part",
    "time",
    "table_header",
)


@dataclass(frozen=True, slots=True)
class Run:
    """One run of digits or Chinese numerals in a passage and what it turned out to be.

    `category` is one of RUN_CATEGORIES; `fact` is set when the category is "fact".
    """

    text: str
    start: int
    end: int
    category: str
    fact: Fact | None = None


def extract_facts(passage: Passage) -> tuple[Fact, ...]:
    """Return every figure of `passage` as a Fact, in text order."""
    if passage.cells:
        return cell_facts(passage)
    rows = table_rows(passage)
    if rows:
        return table_facts(passage, rows)
    zones = mask_zones(passage.text)
    figures = scan_figures(passage.text, zones)
    return with_roles(passage.text, label_figures(passage, figures, zones))


def classify_runs(passage: Passage) -> tuple[Run, ...]:
    """Return every numeral run of `passage` with the category it fell into."""
    text = passage.text
    facts = extract_facts(passage)
    rows = () if passage.cells else table_rows(passage)
    zones = [] if rows or passage.cells else mask_zones(text)
    header_zones = (
        table_header_zones(text, rows) if rows else cell_zones(passage) if passage.cells else []
    )
    runs = []
    for match in RUN.finditer(text):
        start, end = match.span()
        fact = next((f for f in facts if f.start < end and start < f.end), None)
        if fact is not None:
            runs.append(Run(match.group(), start, end, "fact", fact))
            continue
        zone = next((z for z in zones + header_zones if z.start < end and start < z.end), None)
        # A numeral outside any figure or zone is part of a word: 三明, 一网通办, 12345热线.
        category = zone.category if zone is not None else "name_word"
        runs.append(Run(match.group(), start, end, category))
    return tuple(runs)


def sentence_of(fact: Fact) -> str:
    """Return the sentence of the fact's passage that holds the figure."""
    start, end = sentence_span(fact.passage.text, fact.start)
    return fact.passage.text[start:end].strip()
