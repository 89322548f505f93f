"""Split a passage into sentences and clauses, keeping their offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A table passage holds one row per line: a row reads as a sentence.
MAX_ANSWER_CHARS = 200
# A short answer reads best as one clause with its neighbours, well under the 200 limit.
_WINDOW_CHARS = 110
_INLINE_HEADING = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)][^。]{0,40}。?$")
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


def candidate_spans(text: str, figure: bool) -> list[Span]:
    """Sentences that fit a short answer, and windows of consecutive clauses.

    A figure is answered by the clause that holds it; other questions by whole sentences,
    cut into clause windows only when a sentence is too long to read as a short answer.
    """
    spans: list[Span] = []
    all_sentences = sentences(text)
    for sentence in all_sentences:
        if len(all_sentences) > 1 and _INLINE_HEADING.match(sentence.text):
            continue  # the subsection heading: the citation shows it already
        if len(sentence.text) <= (_WINDOW_CHARS if figure else MAX_ANSWER_CHARS):
            spans.append(sentence)
            if not figure:
                continue
        parts = clauses(sentence)
        for first in range(len(parts)):
            for last in range(first, len(parts)):
                start, end = parts[first].start, parts[last].end
                if end - start > _WINDOW_CHARS and last > first:
                    break
                piece = text[start:end]
                spans.append(Span(start, start + len(piece), piece[:MAX_ANSWER_CHARS]))
    return spans or [Span(0, min(len(text), MAX_ANSWER_CHARS), text[:MAX_ANSWER_CHARS])]
