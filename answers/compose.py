"""Turn a question and the index into an Answer: rank, choose the clause, judge coverage."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from answers.intent import Intent, read_intent
from answers.model import Answer, Citation, Fact, ShortAnswer
from answers.sentences import Span, clauses, sentences
from retrieval.index import Hit, Index
from retrieval.normalize import compact, normalize
from retrieval.routing import Router
from retrieval.structure import METADATA_SECTION
from retrieval.tokenize import JiebaTokenizer

MAX_ANSWER_CHARS = 200
_MAX_QUESTION_CHARS = 200
# A short answer reads best as one clause with its neighbours, well under the 200 limit.
_WINDOW_CHARS = 110
_CANDIDATE_PASSAGES = 12
# Several reports fit "equally" when the runner-up scores at least this share of the best.
_AMBIGUITY_RATIO = 0.85

# A word's inner words all found stand for most of it; one inner word for a share.
_ALL_INNER = 0.8
_ONE_INNER = 0.5
_COMMON_UNKNOWN = 0.5
_CONTEXT_SHARE = 0.3
_CACHE_SIZE = 4096
# A clause cut from its sentence ends with the comma that joined it: not worth showing.
_TRAILING = "，,；;、 "
_INLINE_HEADING = re.compile(r"^[（(][一二三四五六七八九十]{1,3}[）)][^。]{0,40}。?$")
_GAP = "[^，。；、,;：:！？!?\\s]{0,3}"
_YEAR_TERM = re.compile(r"^\d{4}年$")
_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{2,4}$")

_FIGURE_NUMBER = re.compile(r"\d+(?:\.\d+)?%?")


@dataclass(frozen=True, slots=True)
class _Concept:
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
        if self.gapped is not None and self.gapped.search(text):
            return 1.0
        return max(
            (credit for option, credit in self.options if all(t in terms for t in option)),
            default=0.0,
        )


@dataclass(frozen=True, slots=True)
class _Choice:
    hit: Hit
    span: Span
    figure: Fact | None
    coverage: float
    score: float


class Composer:
    """Answers questions over one index; cheap to build, safe to share between threads."""

    def __init__(
        self,
        index: Index,
        tokenizer: JiebaTokenizer,
        facts: Sequence[Sequence[Fact]],
        min_confidence: float,
        router: Router | None = None,
    ) -> None:
        self.index = index
        self.facts = facts
        # Plain dicts: a lost race between threads only recomputes an entry.
        self._located_cache: dict[int, list[tuple[str, int, int]]] = {}
        self._label_cache: dict[str, frozenset[str]] = {}
        self.by_number: dict[str, list[Fact]] = {}
        for passage_facts in facts:
            for fact in passage_facts:
                for number in _FIGURE_NUMBER.findall(normalize(fact.raw)):
                    self.by_number.setdefault(number, []).append(fact)
        self.router = router or Router.build([d.meta for d in index.documents], tokenizer)
        self.tokenizer = tokenizer
        self.min_confidence = min_confidence

    def answer(self, question: str, top_k: int = 3) -> Answer:
        """The best short answers to a question, or found=False when nothing covers it.

        Only the first 200 characters are read: a longer text is not a question, and
        reading all of it would let one message cost seconds.
        """
        asked_text = question[:_MAX_QUESTION_CHARS]
        # The place a question names picks the report (routing); it says nothing about
        # which passage answers, and jieba may leave its 县 behind as a word.
        asked = self.router.without_places(asked_text)
        terms = [t for t in self.tokenizer.question_terms(asked) if t not in self.router.places]
        if not terms:
            return Answer(question=question, found=False, answers=())
        intent = read_intent(normalize(asked_text))
        doc_ids = self.router.route(asked_text)
        concepts = self._concepts(terms, self.tokenizer.topicality(asked), asked)
        extra = (t for c in concepts for option, _ in c.options[1:] for t in option)
        query = [*terms, *(t for t in extra if t not in terms)]
        hits = self.index.search(query, _CANDIDATE_PASSAGES, doc_ids)
        if not hits:
            return Answer(question=question, found=False, answers=())
        top_score = hits[0].score
        phrases = _phrases(terms)
        choices = sorted(
            (self._choose(hit, concepts, intent, top_score, phrases) for hit in hits),
            key=lambda c: -c.score,
        )
        confidence = choices[0].coverage
        if confidence < self.min_confidence:
            return Answer(question=question, found=False, answers=(), confidence=confidence)
        ambiguous = False
        if doc_ids is None and len(self.index.documents) > 1:
            choices, ambiguous = self._spread_over_documents(choices)
        if not ambiguous:
            # Runners-up are shown only when they too cover the question, not as filler.
            choices = [choices[0], *(c for c in choices[1:] if c.coverage >= self.min_confidence)]
        picked = choices[: max(top_k, 1)] if not ambiguous else choices
        answers = tuple(self._short_answer(c) for c in picked)
        chosen = [c.figure for c in picked if c.figure is not None]
        # A figure asked about by its number (3531是什么) brings every fact written with it.
        looked_up = [f for n in intent.numbers for f in self.by_number.get(n, ())]
        facts = tuple(dict.fromkeys([*chosen, *looked_up]))
        return Answer(
            question=question,
            found=True,
            answers=answers,
            facts=facts,
            ambiguous=ambiguous,
            confidence=confidence,
        )

    def _concepts(
        self, terms: list[str], topicality: dict[str, float], question: str = ""
    ) -> list[_Concept]:
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
            known = self.index.has_term(term)
            inner = tuple(p for p in unique if p != term and p in term and self.index.has_term(p))
            options: list[tuple[tuple[str, ...], float]] = [((term,), 1.0)]
            options += [
                (tuple(self.tokenizer(word)), 1.0)
                for word in self.tokenizer.synonyms.get(term, ())
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
                options += [((w,), share) for w, share in self._overlapping_words(term, question)]
            options = [(o, credit) for o, credit in options if o]
            known_options = [
                max(self.index.weight(t) for t in option)
                for option, credit in options
                if credit >= 1.0 and all(self.index.has_term(t) for t in option)
            ]
            if known_options:
                idf = min(known_options)
            elif inner:
                idf = max(self.index.weight(p) for p in inner)
            else:
                idf = self.index.weight(term)
                if self.tokenizer.is_common_word(term):
                    # An everyday word the reports lack (出来, 后来) says little.
                    idf *= _COMMON_UNKNOWN
            weight = topicality.get(term, 1.0)
            concepts.append(
                _Concept(
                    tuple(options),
                    idf * weight,
                    gapped,
                    idf,
                    weight >= 1.0 and not _YEAR_TERM.match(term),
                    bool(_YEAR_TERM.match(term)),
                )
            )
        return concepts

    def _located(self, row: int) -> list[tuple[str, int, int]]:
        """A passage's terms with their offsets, tokenized once per passage."""
        located = self._located_cache.get(row)
        if located is None:
            # Sorted by start so a span's terms are a slice found by bisection.
            located = sorted(
                self.tokenizer.located(self.index.passages[row].text), key=lambda t: t[1]
            )
            if len(self._located_cache) >= _CACHE_SIZE:
                self._located_cache.clear()
            self._located_cache[row] = located
        return located

    def _label_terms(self, label: str) -> frozenset[str]:
        terms = self._label_cache.get(label)
        if terms is None:
            terms = frozenset(self.tokenizer(label))
            if len(self._label_cache) >= _CACHE_SIZE:
                self._label_cache.clear()
            self._label_cache[label] = terms
        return terms

    def _overlapping_words(self, term: str, question: str) -> list[tuple[str, float]]:
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
                    if overlap > 0 and word != term and self.index.has_term(word):
                        found[word] = max(found.get(word, 0.0), overlap / len(term))
            position = text.find(term, position + 1)
        question_words = self.tokenizer.question_words
        return [(w, share) for w, share in found.items() if w not in question_words]

    def _choose(
        self,
        hit: Hit,
        concepts: list[_Concept],
        intent: Intent,
        top_score: float,
        phrases: tuple[str, ...] = (),
    ) -> _Choice:
        total = sum(c.weight for c in concepts) or 1.0
        passage_terms = set(self.index.terms[hit.index])
        text = hit.passage.text
        passage_cover = sum(c.weight * c.coverage(passage_terms, text) for c in concepts) / total
        # Confidence also asks how much of what the question names (its nouns) is there:
        # a question that names two things and finds one (城区 + 面积) is not covered.
        nouns = [c for c in concepts if c.topical] or concepts
        noun_cover = sum(c.idf * c.coverage(passage_terms, text) for c in nouns) / (
            sum(c.idf for c in nouns) or 1.0
        )
        confidence = (passage_cover + noun_cover) / 2
        facts = self.facts[hit.index]

        idf_total = sum(c.idf for c in concepts) or 1.0

        label_fits: dict[int, float] = {}

        def label_fit(fact: Fact) -> float:
            key = id(fact)
            if key not in label_fits:
                label_fits[key] = _label_fit(fact)
            return label_fits[key]

        def _label_fit(fact: Fact) -> float:
            # Labels tell figures of one passage apart, so the rarer word decides (不予公开
            # over 信息) whatever its part of speech.
            terms = self._label_terms(fact.label)
            cover = sum(c.idf * c.coverage(terms, fact.label) for c in concepts) / idf_total
            # Words next to each other in the question and in the label (不予公开) say
            # more than the same words apart.
            joined = sum(1 for phrase in phrases if phrase in fact.label)
            return cover + (joined / len(phrases) if phrases else 0.0)

        located = self._located(hit.index)
        starts = [start for _, start, _ in located]
        metadata = hit.passage.section_path == (METADATA_SECTION,)
        best: tuple[float, Span, Fact | None] | None = None
        for span in _candidate_spans(hit.passage.text, intent.wants_figure):
            if metadata:
                # A header field is asked for by its name (文号, 发布机构): the name is
                # what the question covers, the value is the answer.
                span_terms = set(self._label_terms(span.text.partition("：")[0]))
            else:
                first, last = bisect_left(starts, span.start), bisect_left(starts, span.end)
                span_terms = {t for t, _, end in located[first:last] if end <= span.end}
            # A year is said once at the head of a sentence or paragraph, not in each
            # clause: the passage and the figure's qualifier answer for it.
            cover = (
                sum(
                    c.weight * (1.0 if c.year else c.coverage(span_terms, span.text))
                    for c in concepts
                )
                / total
            )
            # A clause inherits some of its passage's subject (县公证处… 全年办理…1846件).
            cover = (1 - _CONTEXT_SHARE) * cover + _CONTEXT_SHARE * passage_cover
            figure, fit = _best_figure(facts, span, intent, label_fit)
            # Shorter spans win ties, the more so for a figure, answered by its clause.
            value = cover - len(span.text) / 4000
            if intent.wants_figure:
                value += 0.35 * fit - len(span.text) / 4000
            if best is None or value > best[0]:
                best = (value, span, figure)
        assert best is not None
        value, span, figure = best
        span = _with_qualifier(hit.passage.text, span, figure)
        score = 0.4 * hit.score / top_score + 0.4 * passage_cover + 0.6 * value
        if intent.about_document and hit.passage.section_path == (METADATA_SECTION,):
            score += 0.5
        return _Choice(hit, span, figure, confidence, score)

    def _spread_over_documents(self, choices: list[_Choice]) -> tuple[list[_Choice], bool]:
        best_by_doc: dict[str, _Choice] = {}
        for choice in choices:
            best_by_doc.setdefault(choice.hit.passage.doc_id, choice)
        leaders = sorted(best_by_doc.values(), key=lambda c: -c.score)
        close = [
            c
            for c in leaders
            if c.score >= _AMBIGUITY_RATIO * leaders[0].score and c.coverage >= self.min_confidence
        ]
        if len(close) < 2:
            return choices, False
        return close, True

    def _short_answer(self, choice: _Choice) -> ShortAnswer:
        passage = choice.hit.passage
        meta = self.index.document(passage.doc_id).meta
        return ShortAnswer(
            text=choice.span.text.rstrip(_TRAILING),
            passage=passage,
            score=round(choice.hit.score, 4),
            citation=Citation(meta, passage.section_path, passage.paragraph, passage.page),
            figure=choice.figure.raw if choice.figure else "",
        )


def _candidate_spans(text: str, figure: bool) -> list[Span]:
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


def _phrases(terms: Sequence[str]) -> tuple[str, ...]:
    """Pairs of words that stand next to each other in the question, joined."""
    words = [t for t in terms if not any(t != o and t in o for o in terms)]
    return tuple(a + b for a, b in pairwise(words))


def _with_qualifier(text: str, span: Span, figure: Fact | None) -> Span:
    """Reach back to the sentence start when the figure's year stands there (分别 lists)."""
    if figure is None or not figure.qualifier or figure.qualifier in span.text:
        return span
    for sentence in sentences(text):
        if sentence.start <= span.start < sentence.end:
            widened = text[sentence.start : span.end]
            if figure.qualifier in widened and len(widened) <= MAX_ANSWER_CHARS:
                return Span(sentence.start, span.end, widened)
    return span


def _best_figure(
    facts: Sequence[Fact], span: Span, intent: Intent, label_fit: Callable[[Fact], float]
) -> tuple[Fact | None, float]:
    """The figure in a span that best fits what the question asks, and how well (0 to 1)."""
    best: tuple[float, Fact | None] = (0.0, None)
    units = intent.units()
    for fact in facts:
        if fact.start < span.start or fact.end > span.end:
            continue
        fit = 0.3
        if any(number in fact.raw for number in intent.numbers):
            fit += 0.6
        if fact.kind in intent.kinds:
            fit += 0.3
            if intent.about_document:
                fit += 0.5  # 哪天发布: of the header's fields, the date answers
        elif fact.kind == "number" and intent.kinds & {"count", "money", "area"}:
            fit += 0.15  # a bare number (a table cell) may be the quantity asked for
        unit_fits = intent.unit_fits(fact.unit)
        if unit_fits or (unit_fits is None and units and fact.unit in units):
            fit += 0.3
        elif unit_fits is False:
            fit -= 0.8  # 多少件 is not answered by a count of 项
        if intent.kinds == {"person"}:
            break  # a name is not a figure: nothing to bold
        if intent.years and fact.qualifier:
            # 分别 lists give each figure its own year: pick the year asked about.
            fit += 0.3 if any(year in fact.qualifier for year in intent.years) else -0.3
        # Among figures that fit alike, the one whose label names what is asked wins; a
        # figure whose label shares nothing with the question counts a different thing
        # (办结率100% beside 满意度) and is not shown as the answer.
        named = label_fit(fact)
        if named == 0 and not (intent.numbers or intent.about_document or unit_fits):
            continue
        fit += 0.2 * named
        if fit > best[0]:
            best = (fit, fact)
    return best[1], min(best[0], 1.0)
