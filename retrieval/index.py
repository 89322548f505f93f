"""A BM25 index over passages, scored through an inverted index.

Scores are rank-bm25's BM25Okapi scores, term for term: BM25Okapi supplies the idf
(with its floor for terms in more than half of the passages), the document lengths and
the average length. Instead of BM25Okapi.get_scores, which visits every passage for every
query term, a query visits only the postings of its terms, so a question costs a few
milliseconds at tens of thousands of passages and the ranking is unchanged.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Sequence, Set
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from rank_bm25 import BM25Okapi

from retrieval.model import Document, Passage


def passage_text_for_index(passage: Passage) -> str:
    """What a passage is indexed by: its section headings and its text."""
    return " ".join((*passage.section_path, passage.text))


@dataclass(frozen=True, slots=True)
class Hit:
    """A passage and its BM25 score for one question."""

    passage: Passage
    score: float
    index: int


@dataclass(slots=True)
class _Postings:
    rows: npt.NDArray[np.int32]
    freqs: npt.NDArray[np.float64]


@dataclass(slots=True)
class Index:
    """The passages of the loaded documents, their terms and the BM25 statistics."""

    documents: tuple[Document, ...]
    passages: tuple[Passage, ...]
    terms: tuple[tuple[str, ...], ...]
    # Per passage, each term's start and end in its indexed text, interleaved (or none).
    offsets: tuple[array[int], ...] | None
    idf: dict[str, float]
    k1: float
    b: float
    _norms: npt.NDArray[np.float64]
    _postings: dict[str, _Postings]
    _doc_rows: dict[str, npt.NDArray[np.int32]] = field(default_factory=dict)
    _doc_freq: Counter[str] = field(default_factory=Counter)
    _by_place: dict[tuple[str, int, tuple[str, ...]], Passage] | None = None

    @classmethod
    def build(
        cls,
        documents: Sequence[Document],
        terms: Sequence[Sequence[str]],
        k1: float = 1.5,
        b: float = 0.75,
        offsets: Sequence[array[int]] | None = None,
    ) -> Index:
        """Index the documents' passages; `terms` holds each passage's terms in order.

        `offsets`, when given, holds where each of those terms stands (see `located`).
        """
        passages = tuple(p for d in documents for p in d.passages)
        if len(passages) != len(terms):
            raise ValueError("one term list per passage is required")
        if offsets is not None and [len(o) for o in offsets] != [2 * len(t) for t in terms]:
            raise ValueError("a start and an end per term are required")
        term_lists = tuple(tuple(t) for t in terms)
        # BM25Okapi divides by zero on an empty passage; one placeholder term keeps its maths.
        bm25 = BM25Okapi([list(t) or ["\x00"] for t in term_lists], k1=k1, b=b)
        lengths = np.asarray(bm25.doc_len, dtype=np.float64)
        norms = k1 * (1 - b + b * lengths / bm25.avgdl)
        postings: dict[str, tuple[list[int], list[float]]] = {}
        doc_freq: Counter[str] = Counter()
        for row, freqs in enumerate(bm25.doc_freqs):
            for term, freq in freqs.items():
                rows, counts = postings.setdefault(term, ([], []))
                rows.append(row)
                counts.append(float(freq))
                doc_freq[term] += 1
        doc_rows: dict[str, list[int]] = {}
        for row, passage in enumerate(passages):
            doc_rows.setdefault(passage.doc_id, []).append(row)
        return cls(
            documents=tuple(documents),
            passages=passages,
            terms=term_lists,
            offsets=None if offsets is None else tuple(offsets),
            idf=dict(bm25.idf),
            k1=k1,
            b=b,
            _norms=norms,
            _postings={
                t: _Postings(np.asarray(r, dtype=np.int32), np.asarray(c, dtype=np.float64))
                for t, (r, c) in postings.items()
            },
            _doc_rows={d: np.asarray(r, dtype=np.int32) for d, r in doc_rows.items()},
            _doc_freq=doc_freq,
        )

    def scores(self, query: Sequence[str]) -> npt.NDArray[np.float64]:
        """BM25Okapi scores of every passage for the query terms (repeats count, as there)."""
        scores = np.zeros(len(self.passages), dtype=np.float64)
        for term in query:
            posting = self._postings.get(term)
            idf = self.idf.get(term)
            if posting is None or not idf:
                continue
            freqs = posting.freqs
            scores[posting.rows] += (
                idf * freqs * (self.k1 + 1) / (freqs + self._norms[posting.rows])
            )
        return scores

    def located(self, row: int) -> list[tuple[str, int, int]] | None:
        """A passage's own terms with where each stands in its text, by start; None when
        the index was built without offsets. Terms of its section headings are left out."""
        if self.offsets is None:
            return None
        passage = self.passages[row]
        skip = len(passage_text_for_index(passage)) - len(passage.text)
        offsets = self.offsets[row]
        return [
            (term, offsets[2 * n] - skip, offsets[2 * n + 1] - skip)
            for n, term in enumerate(self.terms[row])
            if offsets[2 * n] >= skip
        ]

    def vocabulary_terms(self) -> Set[str]:
        """The indexed terms, as a set view (no copy)."""
        return self._postings.keys()

    def vocabulary(self) -> dict[str, int]:
        """Every indexed term with the number of passages it occurs in."""
        return {term: len(posting.rows) for term, posting in self._postings.items()}

    def search(
        self, query: Sequence[str], limit: int, doc_ids: frozenset[str] | None = None
    ) -> list[Hit]:
        """The best passages with a positive score, best first, within `doc_ids` if given."""
        scores = self.scores(query)
        if doc_ids is not None:
            mask = np.zeros(len(scores), dtype=bool)
            for doc_id in doc_ids:
                mask[self._doc_rows.get(doc_id, np.empty(0, dtype=np.int32))] = True
            scores = np.where(mask, scores, 0.0)
        candidates = np.flatnonzero(scores > 0)
        if len(candidates) > limit:
            top = np.argpartition(-scores[candidates], limit - 1)[:limit]
            candidates = candidates[top]
        ordered = sorted(candidates.tolist(), key=lambda row: (-scores[row], row))
        return [Hit(self.passages[row], float(scores[row]), row) for row in ordered]

    def weight(self, term: str) -> float:
        """A smoothed, always positive idf for measuring how much of a question is covered.

        BM25Okapi floors or zeroes the idf of terms in half the passages or more, which
        is right for ranking but would make a common term count as nothing covered.
        A term no passage holds weighs as much as the rarest term could.
        """
        total = len(self.passages)
        count = self._doc_freq.get(term, 0)
        return math.log(1 + (total - count + 0.5) / (count + 0.5))

    def has_term(self, term: str) -> bool:
        """Whether any passage holds the term."""
        return term in self._doc_freq

    def passage_at(
        self, doc_id: str, paragraph: int, row_path: tuple[str, ...] = ()
    ) -> Passage | None:
        """The passage of a document at a paragraph (a table row by its path), if any."""
        if self._by_place is None:
            self._by_place = {(p.doc_id, p.paragraph, p.row_path): p for p in self.passages}
        return self._by_place.get((doc_id, paragraph, row_path))

    def document(self, doc_id: str) -> Document:
        """The document with this id."""
        return next(d for d in self.documents if d.meta.doc_id == doc_id)
