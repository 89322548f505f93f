"""What a question asks about: its words, the report words that count for them, weights."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from retrieval.index import Index
from retrieval.normalize import compact
from retrieval.thesaurus import synonyms as cilin_synonyms
from retrieval.tokenize import JiebaTokenizer

# A word's inner words all found stand for most of it; one inner word for a share.
_ALL_INNER = 0.8
_ONE_INNER = 0.5
_COMMON_UNKNOWN = 0.5
# A Cilin synonym of a word the reports lack stands for part of it: Cilin's groups are
# wider than the domain thesaurus (团伙 with 集团 and 团体).
_CILIN_SHARE = 0.6
_GAP = "[^，。；、,;：:！？!?\\s]{0,3}"
_YEAR_TERM = re.compile(r"^\d{4}年$")
_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


@dataclass(frozen=True, slots=True)
class Concept:
    """One thing a question asks about, and the report words that count for it.

    `options` pairs words that must all be present with the share of the concept they
    stand for: the word itself or a synonym (1), its inner words (less). A word no
    report holds may still be written with a few characters between its own (县委书记
    in 县委池芝发书记): `gapped` finds it so.
    """

    options: tuple[tuple[tuple[str, ...], float], ...]
    weight: float
    gapped: re.Pattern[str] | None = None
    idf: float = 0.0
    topical: bool = True
    year: bool = False

    def coverage(self, terms: set[str] | frozenset[str], text: str) -> float:
        """How much of the concept a text holds, from 0 to 1."""
        word = self.options[0][0]  # the question's own word, credit 1
        if len(word) == 1:
            if word[0] in terms:
                return 1.0
            if len(word[0]) > 1 and word[0] in text:
                return 1.0  # the text holds the word, cut otherwise (学法用法 → 学 + 法用法)
        if self.gapped is not None and self.gapped.search(text):
            return 1.0
        best = 0.0
        for option, credit in self.options:
            if credit > best and all(t in terms for t in option):
                best = credit
                if best >= 1.0:
                    break
        return best


# How a concept is looked for in a span: a word to find in its text, a pattern, and the
# options as the bits of their words with their credit.
_Plan = tuple[str, re.Pattern[str] | None, tuple[tuple[int, float], ...]]


class SpanCoverage:
    """The coverage of a question's concepts in the spans of one passage.

    Equal to `Concept.coverage` of each span's terms and text, computed with the words
    the concepts look for as bits: a passage's spans share its terms, and only the words
    some concept looks for can change a coverage. A concept the passage lacks is never
    looked for in its spans (a span holds no more than its passage).
    """

    def __init__(
        self,
        concepts: Sequence[Concept],
        passage_cover: Sequence[float],
        located: tuple[Sequence[str], Sequence[int], Sequence[int]],
        text: str,
    ) -> None:
        bits: dict[str, int] = {}
        for concept, cover in zip(concepts, passage_cover, strict=True):
            if cover and not concept.year:
                for option, _ in concept.options:
                    for term in option:
                        bits.setdefault(term, 1 << len(bits))
        self._starts: list[int] = []
        self._ends: list[int] = []
        self._bits: list[int] = []
        for term, start, end in zip(*located, strict=True):
            bit = bits.get(term)
            if bit:
                self._starts.append(start)
                self._ends.append(end)
                self._bits.append(bit)
        # Per concept in order: its weight, and how to weigh it (None: it counts whole,
        # a year; else the word to find in the text, the pattern, and the options as bits).
        self._plans: list[tuple[float, _Plan | None]] = []
        for concept, cover in zip(concepts, passage_cover, strict=True):
            if concept.year:
                self._plans.append((concept.weight, None))
            elif cover:
                word = concept.options[0][0]
                literal = word[0] if len(word) == 1 and len(word[0]) > 1 else ""
                found = concept.gapped is not None and concept.gapped.search(text) is not None
                options = tuple(
                    (sum(bits[t] for t in set(option)), credit)
                    for option, credit in concept.options
                )
                plan = (literal, concept.gapped if found else None, options)
                self._plans.append((concept.weight, plan))

    def weighted(self, start: int, end: int, text: str) -> float:
        """The weighted sum of the concepts' coverage in the span `text` (start to end),
        a year counting whole."""
        first, last = bisect_left(self._starts, start), bisect_left(self._starts, end)
        held = 0
        for n in range(first, last):
            if self._ends[n] <= end:
                held |= self._bits[n]
        total = 0.0
        for weight, plan in self._plans:
            if plan is None:
                total += weight
                continue
            literal, gapped, options = plan
            if (literal and literal in text) or (gapped is not None and gapped.search(text)):
                total += weight
                continue
            best = 0.0
            for mask, credit in options:
                if credit > best and held & mask == mask:
                    best = credit
                    if best >= 1.0:
                        break
            if best:
                total += weight * best
        return total


def read_concepts(
    terms: list[str],
    topicality: dict[str, float],
    question: str,
    index: Index,
    tokenizer: JiebaTokenizer,
) -> list[Concept]:
    """The question's words, each with the report words that count for it and a weight.

    Search mode yields a word and the shorter words inside it (不动产登记 → 不动, 动产,
    不动产, 登记): one concept stands for the outermost word so a long word does not
    count five times, and its inner words found in a passage count for part of it.
    A word weighs its idf times its topicality: a noun the reports lack (护照) costs a
    question its coverage, a colloquial verb they lack (收, 走) costs little.
    """
    unique = list(dict.fromkeys(terms))
    outer = [t for t in unique if not any(t != o and t in o for o in unique)]
    concepts = []
    for term in outer:
        known = index.has_term(term)
        inner = tuple(p for p in unique if p != term and p in term and index.has_term(p))
        options: list[tuple[tuple[str, ...], float]] = [((term,), 1.0)]
        domain = tokenizer.synonyms.get(term, ())
        options += [(tuple(tokenizer(word)), 1.0) for word in domain]
        if not known and not domain:
            options += [
                ((word,), _CILIN_SHARE)
                for word in cilin_synonyms(term)
                if len(word) > 1 and index.has_term(word)  # 天 for 天气 is another word
            ]
        gapped = None
        if inner:
            if len(inner) > 1 and set("".join(inner)) >= set(term):
                options.append((inner, _ALL_INNER))  # 不动产 + 登记 spell 不动产登记
            options += [((p,), _ONE_INNER * len(p) / len(term)) for p in inner]
            if not known and _CJK_WORD.match(term):
                # Written with a few characters between its own (县委池芝发书记).
                gapped = re.compile(_GAP.join(map(re.escape, term)))
        elif not known and _CJK_WORD.match(term):
            # The question may be cut differently from the report (多少个乱点 → 个乱点,
            # 评查查出来 → 评/查查): the report's words overlapping it stand for part of it.
            options += [
                ((w,), share) for w, share in _overlapping_words(term, question, index, tokenizer)
            ]
        options = [(o, credit) for o, credit in options if o]
        known_options = [
            max(index.weight(t) for t in option)
            for option, credit in options
            if credit >= 1.0 and all(index.has_term(t) for t in option)
        ]
        if known_options:
            idf = min(known_options)
        elif inner:
            idf = max(index.weight(p) for p in inner)
        else:
            idf = index.weight(term)
            if tokenizer.is_common_word(term):
                # An everyday word the reports lack (出来, 后来) says little.
                idf *= _COMMON_UNKNOWN
        weight = topicality.get(term, 1.0)
        concepts.append(
            Concept(
                tuple(options),
                idf * weight,
                gapped,
                idf,
                weight >= 1.0 and not _YEAR_TERM.match(term),
                bool(_YEAR_TERM.match(term)),
            )
        )
    return concepts


def _overlapping_words(
    term: str, question: str, index: Index, tokenizer: JiebaTokenizer
) -> list[tuple[str, float]]:
    """Indexed words of two to four characters that overlap `term` in the question,
    each with the share of `term` it overlaps."""
    text = compact(question).lower()
    found: dict[str, float] = {}
    position = text.find(term)
    while position >= 0:
        term_end = position + len(term)
        low, high = max(0, position - 2), min(len(text), term_end + 2)
        for start in range(low, high):
            for end in range(start + 2, min(start + 4, high) + 1):
                overlap = min(end, term_end) - max(start, position)
                word = text[start:end]
                if overlap > 0 and word != term and index.has_term(word):
                    found[word] = max(found.get(word, 0.0), overlap / len(term))
        position = text.find(term, position + 1)
    question_words = tokenizer.question_words
    return [(w, share) for w, share in found.items() if w not in question_words]


def adjacent_pairs(terms: Sequence[str]) -> tuple[str, ...]:
    """Pairs of words that stand next to each other in the question, joined."""
    words = [t for t in terms if not any(t != o and t in o for o in terms)]
    return tuple(a + b for a, b in pairwise(words))
