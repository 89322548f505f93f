"""Example questions the loaded reports answer, made from their own figures."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from answers.model import Answer
from retrieval.model import Fact

_TEMPLATES = {
    "percent": "{label}是多少？",
    "money": "{label}有多少？",
    "count": "{label}有多少{unit}？",
}
# Long enough to name a thing on its own (not 工作人员), short enough to read.
_PLAIN_LABEL = re.compile(r"^[\u4e00-\u9fff]{5,12}$")
_MAX_TRIES = 60


def _question(fact: Fact, is_noun_phrase: Callable[[str], bool]) -> str | None:
    template = _TEMPLATES.get(fact.kind)
    if template is None or not _PLAIN_LABEL.match(fact.label) or fact.qualifier:
        return None
    if not is_noun_phrase(fact.label):  # 拟保留乡镇权责事项 would not read as a question
        return None
    return template.format(label=fact.label, unit=fact.unit)


def example_questions(
    ask: Callable[[str, int], Answer],
    facts: Iterable[Fact],
    is_noun_phrase: Callable[[str], bool],
    count: int = 3,
) -> tuple[str, ...]:
    """Up to `count` questions from different sections that the engine answers with the
    very figure they were made from, so every example shown to a user works."""
    chosen: list[str] = []
    sections: set[tuple[str, ...]] = set()
    tries = 0
    for fact in facts:
        part = fact.passage.section_path[:1]
        question = _question(fact, is_noun_phrase)
        if question is None or part in sections:
            continue
        tries += 1
        if tries > _MAX_TRIES:
            break
        answer = ask(question, 1)
        if answer.found and answer.answers[0].figure == fact.raw:
            chosen.append(question)
            sections.add(part)
            if len(chosen) == count:
                break
    return tuple(chosen)
