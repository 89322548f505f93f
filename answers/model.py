"""The nouns of an answer: citations, short answers, and the answer to one question."""

from __future__ import annotations

from dataclasses import dataclass

from retrieval.model import DocumentMeta, Fact, Passage


@dataclass(frozen=True, slots=True)
class Citation:
    """Where an answer comes from, down to the paragraph."""

    document: DocumentMeta
    section_path: tuple[str, ...]
    paragraph: int
    page: int | None = None


@dataclass(frozen=True, slots=True)
class AnswerRef:
    """A short answer by where it stands, small enough to keep behind a button for long:
    the document's id (its content digest), the passage and the clause shown."""

    doc_id: str
    paragraph: int
    row_path: tuple[str, ...]
    text: str
    figure: str
    figure_at: int
    page: int | None


@dataclass(frozen=True, slots=True)
class ShortAnswer:
    """The sentence or clause that answers, with the passage it comes from.

    `figure` is the figure in `text` to show in bold, exactly as written, or "";
    `figure_at` where it stands in `text` (-1: its first occurrence).
    """

    text: str
    passage: Passage
    score: float
    citation: Citation
    figure: str = ""
    figure_at: int = -1

    def ref(self) -> AnswerRef:
        """This answer by where it stands (for a 原文 button)."""
        passage = self.passage
        return AnswerRef(
            passage.doc_id,
            passage.paragraph,
            passage.row_path,
            self.text,
            self.figure,
            self.figure_at,
            self.citation.page,
        )

    def figure_span(self) -> tuple[int, int] | None:
        """Where the bold figure stands in `text`, or None when there is none."""
        if not self.figure:
            return None
        at = self.figure_at
        if not (at >= 0 and self.text[at : at + len(self.figure)] == self.figure):
            at = self.text.find(self.figure)
        return (at, at + len(self.figure)) if at >= 0 else None


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
    # Why a question is not answered, when it is more than "not found": "place" or "year"
    # (the reports do not cover it), or "greeting", "thanks", "help", "language" (no
    # question); `note` says it in one line.
    reason: str = ""
    note: str = ""
