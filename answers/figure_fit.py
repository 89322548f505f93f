"""Which figure of a clause answers the question, and the year that goes with it."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from answers.intent import Intent
from answers.sentences import MAX_ANSWER_CHARS, Span, sentences
from retrieval.model import Fact

_NUMBERS = re.compile(r"\d+(?:\.\d+)?%?")


def plain_number(number: str) -> str:
    """A number as one string however it is written: 99.80% and 99.8% are one share."""
    if "." in number:
        head, _, tail = number.partition(".")
        tail = tail.rstrip("%").rstrip("0")
        return head + ("." + tail if tail else "") + ("%" if number.endswith("%") else "")
    return number


def counts(fact: Fact, noun: str) -> bool:
    """Whether a figure counts the noun a question names: its label or the words right
    after it (146人 of 抓获犯罪嫌疑人146人, 3531件群众诉求) name it."""
    after = fact.passage.text[fact.end : fact.end + len(noun) + 2]
    return noun[-2:] in fact.label or noun[-2:] in after


def best_figure(
    facts: Sequence[Fact], span: Span, intent: Intent, label_fit: Callable[[Fact], float]
) -> tuple[Fact | None, float]:
    """The figure in a span that best fits what the question asks, and how well (0 to 1)."""
    fits = FigureFits(intent, label_fit)
    return fits.best(facts, span)


class FigureFits:
    """How well each figure fits a question, worked out once per figure: the clauses of a
    passage share their figures."""

    def __init__(self, intent: Intent, label_fit: Callable[[Fact], float]) -> None:
        self.intent = intent
        self.label_fit = label_fit
        self._units = intent.units()
        self._fits: dict[int, float | None] = {}

    def best(self, facts: Sequence[Fact], span: Span) -> tuple[Fact | None, float]:
        """The figure in `span` that fits best (the first of equals), and how well."""
        if not facts or self.intent.kinds == {"person"}:
            return None, 0.0  # a name is not a figure: nothing to bold
        best: tuple[float, Fact | None] = (0.0, None)
        for fact in facts:
            if fact.start < span.start or fact.end > span.end:
                continue
            key = id(fact)
            if key in self._fits:
                fit = self._fits[key]
            else:
                fit = self._fits[key] = self._fit(fact)
            if fit is not None and fit > best[0]:
                best = (fit, fact)
        return best[1], min(best[0], 1.0)

    def _fit(self, fact: Fact) -> float | None:
        """How well a figure fits, or None when it cannot answer."""
        intent, units = self.intent, self._units
        fit = 0.3
        if any(
            plain_number(n) in map(plain_number, _NUMBERS.findall(fact.raw))
            for n in intent.numbers
        ):
            fit += 0.6
        if fact.kind in intent.kinds:
            fit += 0.3
            if intent.about_document:
                fit += 0.5  # 哪天发布: of the header's fields, the date answers
        elif fact.kind == "number" and intent.kinds & {"count", "money", "measure"}:
            fit += 0.15  # a bare number (a table cell) may be the quantity asked for
        elif fact.kind in ("date", "period"):
            if intent.kinds:
                return None  # 学了几次: a count, never the date beside it
            fit -= 0.3  # 诉求是多少 asks a quantity; a date is not one
        elif not intent.kinds and fact.kind == "span":
            fit -= 0.3  # nor is 7×24小时
        unit_fits = intent.unit_fits(fact.unit)
        if unit_fits or (unit_fits is None and units and fact.unit in units):
            fit += 0.3
        elif unit_fits is False:
            fit -= 0.8  # 多少件 is not answered by a count of 项
        if intent.counted and fact.kind == "count" and intent.unit_fits(fact.unit) is not False:
            # 多少个成员: a count of 成员, not of 场 or 集团 beside it in the clause. With 个,
            # which counts anything, only the noun says what is counted.
            if counts(fact, intent.counted):
                fit += 0.3
            elif intent.unit_fits(fact.unit) is None:
                return None
            else:
                fit -= 0.3
        if intent.years and fact.qualifier:
            # 分别 lists and 从2021年的71.3% give a figure its own year: pick the year asked.
            fit += 0.3 if any(year in fact.qualifier for year in intent.years) else -0.3
        if fact.role and not intent.years:
            # 由3.5个工作日压缩至2个工作日: now (or no tense) is the result, 原来 the origin.
            # A year asked decides instead (2021年的网办率: the origin, of 2021).
            wanted = "origin" if intent.earlier else "result"
            fit += 0.4 if fact.role == wanted else -0.4
        if fact.planned or intent.ahead:
            # 力争…98%以上 is a target: the answer to 明年的目标, not to 调解成功率有多高.
            fit += 0.3 if fact.planned == intent.ahead else -0.4
        # Among figures that fit alike, the one whose label names what is asked wins; a
        # figure whose label shares nothing with the question counts a different thing
        # (办结率100% beside 满意度) and is not shown as the answer.
        named = self.label_fit(fact)
        # Only counts and rates come many to a clause; an area, a duration or an amount
        # of the kind asked for is the answer whatever its label says.
        distinctive = fact.kind in intent.kinds and fact.kind not in ("count", "percent")
        excused = intent.numbers or intent.about_document or unit_fits or distinctive
        if named == 0 and not excused:
            return None
        fit += 0.2 * named
        if intent.head and not intent.counted and intent.head in fact.label:
            # 废止了多少件: the figure labelled 废止, not 清理文件 before it. A noun after
            # the question word (承办了多少件提案) says more, and decides above.
            fit += 0.25
        return fit


def with_qualifier(text: str, span: Span, figure: Fact | None) -> Span:
    """Reach back to the sentence start when the figure's year stands there (分别 lists)."""
    if figure is None or not figure.qualifier or figure.qualifier in span.text:
        return span
    for sentence in sentences(text):
        if sentence.start <= span.start < sentence.end:
            widened = text[sentence.start : span.end]
            if figure.qualifier in widened and len(widened) <= MAX_ANSWER_CHARS:
                return Span(sentence.start, span.end, widened)
    return span
