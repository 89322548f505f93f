"""Split a passage into sentences and clauses, keeping their offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A table passage holds one row per line: a row reads as a sentence.
_SENTENCE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]*")
_CLAUSE = re.compile(r"[^，,]+[，,]*")


@dataclass(frozen=True, slots=True)
class Span:
    """A piece of a passage's text: `text == passage_text[start:end]`."""

    start: int
    end: int
    text: str


def _pieces(pattern: re.Pattern[str], text: str, offset: int) -> list[Span]:
    spans = []
    for match in pattern.finditer(text):
        piece = match.group(0)
        stripped = piece.strip()
        if not stripped:
            continue
        start = offset + match.start() + (len(piece) - len(piece.lstrip()))
        spans.append(Span(start, start + len(stripped), stripped))
    return spans


def sentences(text: str) -> list[Span]:
    """The sentences of a text, ended by 。！？, ； or a line break."""
    return _pieces(_SENTENCE, text, 0)


def clauses(sentence: Span) -> list[Span]:
    """The comma-separated clauses of a sentence."""
    return _pieces(_CLAUSE, sentence.text, sentence.start)
