"""The nouns of an answer: facts, short answers, and the answer to one question."""

from __future__ import annotations

from dataclasses import dataclass

from retrieval.model import DocumentMeta, Passage


@dataclass(frozen=True, slots=True)
class Fact:
    """One figure of a report, kept exactly as written next to its parsed value.

    `raw` is the figure as the report writes it (`10000余份`, `1.44万元`, `第24位`);
    `value` the number it stands for (14400.0 for `1.44万元`), None for dates and spans;
    `start`/`end` locate `raw` in `passage.text`.
    """

    raw: str
    value: float | None
    unit: str
    label: str
    kind: str
    passage: Passage
    start: int
    end: int
    qualifier: str = ""
    approximate: bool = False


@dataclass(frozen=True, slots=True)
class Citation:
    """Where an answer comes from, down to the paragraph."""

    document: DocumentMeta
    section_path: tuple[str, ...]
    paragraph: int
    page: int | None = None


@dataclass(frozen=True, slots=True)
class ShortAnswer:
    """The sentence or clause that answers, with the passage it comes from.

    `figure` is the figure in `text` to show in bold, exactly as written, or "".
    """

    text: str
    passage: Passage
    score: float
    citation: Citation
    figure: str = ""


@dataclass(frozen=True, slots=True)
class Answer:
    """The engine's answer to one question.

    `found` is False when the loaded reports do not cover the question. `ambiguous`
    is True when several reports fit equally and `answers` holds the best of each.
    """

    question: str
    found: bool
    answers: tuple[ShortAnswer, ...]
    facts: tuple[Fact, ...] = ()
    ambiguous: bool = False
    confidence: float = 0.0
