"""The steps of answering over one index: understand, route, retrieve, compose, judge."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from answers.cells import cell_sentence, choose_cell
from answers.concepts import Concept, SpanCoverage, adjacent_pairs, read_concepts
from answers.figure_fit import FigureFits, plain_number, with_qualifier
from answers.intent import Intent, read_intent
from answers.model import Answer, Citation, ShortAnswer
from answers.routing import Router
from answers.scope import asked_years, place_note, small_talk, unknown_places, year_note
from answers.sentences import Span, candidate_spans
from answers.spelling import Speller, numerals_as_digits
from retrieval.facts import sentence_of
from retrieval.index import Hit, Index
from retrieval.model import Fact
from retrieval.normalize import normalize
from retrieval.structure import METADATA_SECTION
from retrieval.tables import is_total
from retrieval.tokenize import JiebaTokenizer, is_number

_MAX_QUESTION_CHARS = 200
_CANDIDATE_PASSAGES = 12
# Several reports fit "equally" when the runner-up scores at least this share of the best.
_AMBIGUITY_RATIO = 0.85

_CONTEXT_SHARE = 0.3
_PLANNED_COST = 0.15
_RUNNER_UP_SHARE = 0.8
_CACHE_SIZE = 4096
# A clause cut from its sentence ends with the comma that joined it: not worth showing.
_TRAILING = "，,；;、 "

_FIGURE_NUMBER = re.compile(r"\d+(?:\.\d+)?%?")


# A passage's terms, their starts and their ends, in the order of their starts.
_Located = tuple[list[str], list[int], list[int]]

# The reports a question is answered from: doc ids, or None for every loaded report.
Scope = frozenset[str] | None


@dataclass(frozen=True, slots=True)
class Question:
    """A question as the engine understood it: the first step of the pipeline.

    `asked` is the question as it was sent; `text` its first 200 characters; `terms` the
    words searched for, `concepts` the things it names with their synonyms, and `query`
    the terms plus those synonyms.
    """

    asked: str
    text: str
    terms: tuple[str, ...]
    intent: Intent
    concepts: tuple[Concept, ...]
    query: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Choice:
    """The clause and figure chosen from one retrieved passage, and how well they answer."""

    hit: Hit
    span: Span
    figure: Fact | None
    coverage: float
    score: float
    # A table row's answer: `span.text` is a sentence made from its cells.
    cell: bool = False


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
        self._located_cache: dict[int, _Located] = {}
        self._label_cache: dict[str, frozenset[str]] = {}
        self._spans_cache: dict[tuple[int, bool], list[Span]] = {}
        self.by_number: dict[str, list[Fact]] = {}
        for passage_facts in facts:
            for fact in passage_facts:
                for number in _FIGURE_NUMBER.findall(normalize(fact.raw)):
                    self.by_number.setdefault(plain_number(number), []).append(fact)
        self.router = router or Router.build([d.meta for d in index.documents], tokenizer)
        self.tokenizer = tokenizer
        self.min_confidence = min_confidence
        # Built with the snapshot (off the serving path on a reload), not on the first
        # question a citizen asks.
        self._speller = Speller(index.vocabulary(), tokenizer.is_word)

    def understand(self, question: str) -> Question:
        """What a question asks: its terms, the kind of figure, and the concepts it names.

        Only the first 200 characters are read: a longer text is not a question, and
        reading all of it would let one message cost seconds.
        """
        asked_text = self._plain(question[:_MAX_QUESTION_CHARS])
        # The place a question names picks the report (routing); it says nothing about
        # which passage answers, and jieba may leave its 县 behind as a word.
        asked = self.router.without_places(normalize(asked_text))
        terms = [t for t in self.tokenizer.question_terms(asked) if t not in self.router.places]
        # A figure the question quotes (99.8%) is looked up among the facts; as a search
        # term it only costs coverage when the reports write it otherwise (99.80%).
        vocabulary = self.index.vocabulary_terms()
        terms = [t for t in terms if not is_number(t) or t in vocabulary] or terms
        intent = read_intent(normalize(asked_text))
        if not terms:
            return Question(question, asked_text, (), intent, (), ())
        concepts = read_concepts(
            terms, self.tokenizer.topicality(asked), asked, self.index, self.tokenizer
        )
        extra = [t for c in concepts for option, _ in c.options[1:] for t in option]
        if intent.total:
            extra += ["总计", "合计"]  # 一共多少: the total row or column of a table
        query = [*terms, *(t for t in extra if t not in terms)]
        return Question(question, asked_text, tuple(terms), intent, tuple(concepts), tuple(query))

    def _plain(self, text: str) -> str:
        """A question's numerals as digits and its homophone typos as the reports' words."""
        return self._speller.correct(self.tokenizer.words(numerals_as_digits(normalize(text))))

    def route(self, question: Question) -> Scope:
        """The reports a question names (by place, year, 文号 or title), or None for all."""
        if not question.terms:
            return None
        return self.router.route(question.text)

    def retrieve(self, question: Question, scope: Scope) -> list[Hit]:
        """The passages of the reports in scope that rank best for the question."""
        if not question.terms:
            return []
        return self.index.search(list(question.query), _CANDIDATE_PASSAGES, scope)

    def compose(self, question: Question, hits: Sequence[Hit]) -> list[Choice]:
        """For each passage, the clause and figure that answer best, best first."""
        if not hits:
            return []
        top_score = hits[0].score
        phrases = adjacent_pairs(list(question.terms))
        concepts = list(question.concepts)
        return sorted(
            (self._choose(hit, concepts, question.intent, top_score, phrases) for hit in hits),
            key=lambda c: -c.score,
        )

    def judge(
        self, question: Question, scope: Scope, choices: Sequence[Choice], top_k: int = 3
    ) -> Answer:
        """The answer, or found=False when the best choice does not cover the question."""
        intent = question.intent
        talk = small_talk(question.text)
        if talk:
            return Answer(question=question.asked, found=False, answers=(), reason=talk)
        # A place the reports do not cover, named where no loaded place is (a year alone may
        # have routed the question to a report of another place).
        named = any(place in question.text for place in self.router.places)
        words = [] if named else self.tokenizer.words(question.text)
        places = unknown_places(words, self.router.places)
        if places:
            note = place_note(places)
            return Answer(question.asked, False, (), reason="place", note=note)
        if not choices:
            return Answer(question=question.asked, found=False, answers=())
        confidence = choices[0].coverage
        if intent.asks_quantity and choices[0].figure is None:
            # A quantity asked for and no figure that fits it: the passage talks about
            # the topic (持证上岗) without the number, so the reports do not answer.
            confidence = min(confidence, self.min_confidence / 2)
        if confidence < self.min_confidence:
            return Answer(question=question.asked, found=False, answers=(), confidence=confidence)
        missing = self._missing_year(question, choices[0])
        if missing:
            # Another passage that speaks of the year asked and covers the question (a table
            # with that year's column) answers instead.
            covering = [
                c
                for c in choices[1:]
                if c.coverage >= self.min_confidence
                and c.figure is not None
                and missing in c.figure.qualifier  # the figure's own year: a column, 分别
            ]
            if covering:
                choices = [covering[0], *(c for c in choices if c is not covering[0])]
                missing = ""
                confidence = covering[0].coverage
        if missing:
            figure = choices[0].figure.raw if choices[0].figure and intent.wants_figure else ""
            report_year = self._report_year(choices[0].hit.passage.doc_id)
            note = year_note(missing, report_year, figure)
            return Answer(
                question.asked, False, (), confidence=confidence, reason="year", note=note
            )
        picks = list(choices)
        ambiguous = False
        if (scope is None or len(scope) > 1) and len(self.index.documents) > 1:
            named = scope is not None or intent.each  # 清流和桐溪…, 各县…: each report
            picks, ambiguous = self._spread_over_documents(picks, named=named)
        if not ambiguous:
            # Runners-up are shown only when they too cover the question, about as well as
            # the answer does, not as filler.
            floor = max(self.min_confidence, _RUNNER_UP_SHARE * picks[0].coverage)
            picks = [picks[0], *(c for c in picks[1:] if c.coverage >= floor)]
        picked = picks[: max(top_k, 1)] if not ambiguous else picks
        answers = tuple(self._short_answer(c) for c in picked)
        chosen = [c.figure for c in picked if c.figure is not None]
        # A figure asked about by its number (3531是什么) brings every fact written with it.
        looked_up = [f for n in intent.numbers for f in self.by_number.get(plain_number(n), ())]
        facts = tuple(dict.fromkeys([*chosen, *looked_up]))
        return Answer(
            question=question.asked,
            found=True,
            answers=answers,
            facts=facts,
            ambiguous=ambiguous,
            confidence=confidence,
        )

    def _report_year(self, doc_id: str) -> str:
        """The year a report is about, as its title says (2020 of 清流县2020年…报告)."""
        found = asked_years(self.index.document(doc_id).meta.title)
        return found[0] if found else ""

    def _missing_year(self, question: Question, choice: Choice) -> str:
        """A year the question asks about that the chosen answer does not speak of.

        A figure answers for a year its column, its 分别 list or its sentence names, or the
        report's own year; a passage for a year it mentions or the report's.
        """
        passage = choice.hit.passage
        report_year = self._report_year(passage.doc_id)
        said = " ".join((*passage.section_path, choice.span.text))
        if choice.figure is not None:
            said += choice.figure.qualifier + sentence_of(choice.figure)
        else:
            said += passage.text
        for year in question.intent.years:
            if year != report_year and year not in said:
                return year
        return ""

    def _located(self, row: int) -> _Located:
        """A passage's terms with their starts and ends, tokenized once per passage."""
        located = self._located_cache.get(row)
        if located is None:
            # Sorted by start so a span's terms are a slice found by bisection; an index
            # built with its terms' offsets spares tokenizing the passage again.
            found = self.index.located(row)
            if found is None:
                text = self.index.passages[row].text
                found = sorted(self.tokenizer.located(text), key=lambda t: t[1])
            located = (
                [t for t, _, _ in found],
                [start for _, start, _ in found],
                [end for _, _, end in found],
            )
            if len(self._located_cache) >= _CACHE_SIZE:
                self._located_cache.clear()
            self._located_cache[row] = located
        return located

    def _spans(self, row: int, figure: bool) -> list[Span]:
        """A passage's candidate spans, cut once per passage and kind of question."""
        key = (row, figure)
        spans = self._spans_cache.get(key)
        if spans is None:
            spans = candidate_spans(self.index.passages[row].text, figure)
            if len(self._spans_cache) >= _CACHE_SIZE:
                self._spans_cache.clear()
            self._spans_cache[key] = spans
        return spans

    def _label_terms(self, label: str) -> frozenset[str]:
        terms = self._label_cache.get(label)
        if terms is None:
            terms = frozenset(self.tokenizer(label))
            if len(self._label_cache) >= _CACHE_SIZE:
                self._label_cache.clear()
            self._label_cache[label] = terms
        return terms

    def _choose(
        self,
        hit: Hit,
        concepts: list[Concept],
        intent: Intent,
        top_score: float,
        phrases: tuple[str, ...] = (),
    ) -> Choice:
        total = sum(c.weight for c in concepts) or 1.0
        passage_terms = set(self.index.terms[hit.index])
        text = hit.passage.text
        covered = [c.coverage(passage_terms, text) for c in concepts]
        pairs = list(zip(concepts, covered, strict=True))
        passage_cover = sum(c.weight * cover for c, cover in pairs) / total
        # Confidence also asks how much of what the question names (its nouns) is there:
        # a question that names two things and finds one (城区 + 面积) is not covered.
        nouns = [(c, cover) for c, cover in pairs if c.topical] or pairs
        noun_cover = sum(c.idf * cover for c, cover in nouns) / (
            sum(c.idf for c, _ in nouns) or 1.0
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

        if hit.passage.cells:
            return self._choose_cell(
                hit, concepts, intent, facts, top_score, passage_cover, confidence
            )
        # A year is said once at the head of a sentence or paragraph, not in each clause:
        # the passage and the figure's qualifier answer for it, so it counts whole.
        coverage = SpanCoverage(concepts, covered, self._located(hit.index), text)
        fits = FigureFits(intent, label_fit)
        metadata = hit.passage.section_path == (METADATA_SECTION,)
        best: tuple[float, Span, Fact | None] | None = None
        spans = self._spans(hit.index, intent.wants_figure)
        by_start = sorted(facts, key=lambda f: f.start)
        fact_starts = [f.start for f in by_start]
        if intent.asks_quantity and facts:
            # A span without a figure loses to one with the quantity asked for; weigh those
            # only when no span holds a figure.
            holding = [
                span
                for span in spans
                if bisect_left(fact_starts, span.start) < bisect_left(fact_starts, span.end)
            ]
            spans = holding or spans
        for span in spans:
            if metadata:
                # A header field is asked for by its name (文号, 发布机构): the name is
                # what the question covers, the value is the answer.
                terms = set(self._label_terms(span.text.partition("：")[0]))
                cover = (
                    sum(
                        c.weight * (1.0 if c.year else c.coverage(terms, span.text))
                        for c in concepts
                    )
                    / total
                )
            else:
                cover = coverage.weighted(span.start, span.end, span.text) / total
            # A clause inherits some of its passage's subject (县公证处… 全年办理…1846件).
            cover = (1 - _CONTEXT_SHARE) * cover + _CONTEXT_SHARE * passage_cover
            inside = by_start[
                bisect_left(fact_starts, span.start) : bisect_left(fact_starts, span.end)
            ]
            figure, fit = fits.best(inside, span)
            # Shorter spans win ties, the more so for a figure, answered by its clause.
            value = cover - len(span.text) / 4000
            if intent.wants_figure:
                value += 0.35 * fit - len(span.text) / 4000
            if intent.asks_quantity and figure is None:
                value -= 0.5  # a clause without the quantity asked for cannot answer
            if best is None or value > best[0]:
                best = (value, span, figure)
        assert best is not None
        value, span, figure = best
        span = with_qualifier(hit.passage.text, span, figure)
        score = 0.4 * hit.score / top_score + 0.4 * passage_cover + 0.6 * value
        if intent.about_document and hit.passage.section_path == (METADATA_SECTION,):
            score += 0.5
        if figure is not None and figure.planned and not intent.ahead:
            # A target (力争…98%以上) answers a question about results only when no
            # passage reports the result.
            score -= _PLANNED_COST
        return Choice(hit, span, figure, confidence, score)

    def _choose_cell(
        self,
        hit: Hit,
        concepts: list[Concept],
        intent: Intent,
        facts: Sequence[Fact],
        top_score: float,
        passage_cover: float,
        confidence: float,
    ) -> Choice:
        """A table row: the cell whose column the question names, shown as a sentence."""
        idf_total = sum(c.idf for c in concepts) or 1.0

        def column_fit(fact: Fact) -> float:
            terms = self._label_terms(fact.qualifier)
            return sum(c.idf * c.coverage(terms, fact.qualifier) for c in concepts) / idf_total

        figure, fit = choose_cell(facts, intent, column_fit) if intent.wants_figure else (None, 0)
        if figure is None and facts:
            figure, fit = choose_cell(facts, intent, column_fit)
        if figure is None:
            span = Span(0, len(hit.passage.text), hit.passage.text)
        else:
            text, at = cell_sentence(figure, facts)
            span = Span(figure.start - at, figure.start - at + len(text), text)
        value = passage_cover + (0.35 * fit if intent.wants_figure else 0.0)
        if intent.total and hit.passage.row_path and is_total(hit.passage.row_path[-1]):
            value += 0.3  # 总计是多少: the total row of the table, not a row that says 总计
        score = 0.4 * hit.score / top_score + 0.4 * passage_cover + 0.6 * value
        return Choice(hit, span, figure, confidence, score, cell=True)

    def _spread_over_documents(
        self, choices: list[Choice], named: bool = False
    ) -> tuple[list[Choice], bool]:
        """The best answer of each report when several fit alike — or, when the question
        names several reports (清流和桐溪…分别), of each report it names."""
        best_by_doc: dict[str, Choice] = {}
        for choice in choices:
            best_by_doc.setdefault(choice.hit.passage.doc_id, choice)
        leaders = sorted(best_by_doc.values(), key=lambda c: -c.score)
        ratio = 0.0 if named else _AMBIGUITY_RATIO
        close = [
            c
            for c in leaders
            if c.score >= ratio * leaders[0].score and c.coverage >= self.min_confidence
        ]
        if len(close) < 2:
            return choices, False
        return close, True

    def _short_answer(self, choice: Choice) -> ShortAnswer:
        passage = choice.hit.passage
        figure, figure_at = self._bold(choice)
        meta = self.index.document(passage.doc_id).meta
        return ShortAnswer(
            text=choice.span.text.rstrip(_TRAILING),
            passage=passage,
            score=round(choice.hit.score, 4),
            # The page the figure (else the clause) is printed on, for a paragraph that
            # runs over a page break.
            citation=Citation(
                meta,
                passage.section_path,
                passage.paragraph,
                passage.page_at(choice.figure.start if choice.figure else choice.span.start),
            ),
            figure=figure,
            figure_at=figure_at,
        )

    @staticmethod
    def _bold(choice: Choice) -> tuple[str, int]:
        """The figure to bold and where it stands in the answer's text.

        A header field asked for by its name (文号：清政文〔2021〕1号) bolds its value.
        """
        if choice.figure is not None:
            return choice.figure.raw, choice.figure.start - choice.span.start
        if choice.hit.passage.section_path == (METADATA_SECTION,):
            name, colon, value = choice.span.text.rstrip(_TRAILING).partition("：")
            if colon and value.strip():
                return value.strip(), len(name) + 1 + (len(value) - len(value.lstrip()))
        return "", -1
