"""The side of a change a figure stands on: 由X压缩至Y, 从X提高到Y, X增长到Y.

The level before a change is its origin, the level after its result; a question about
now (现在, 压缩到多少) asks for the result, one about before (原来) for the origin.
"""

from __future__ import annotations

import dataclasses
import re

from retrieval.facts.patterns import CLAUSE_END, SENTENCE_END
from retrieval.model import Fact

# A verb of change right before a figure: the figure is the new level.
_TO = re.compile(
    r"(?:压缩|缩短|缩减|减少|下降|降低|降|提高|提升|增长|增加|增|上升|精简|减|扩大|攀升|跃升|变)"
    r"(?:了)?(?:至|到|为)\s*$"
)
# 由 or 从 right before a figure, with the year or 原来的 between: the level before.
_FROM = re.compile(r"(?:由|从)(?:原来的?|原先的?|过去的?|(?:19|20)\d{2}\s*年(?:的|底的?)?)?\s*$")
_REACH = 12  # how far before a figure its verb may stand


def with_roles(text: str, facts: tuple[Fact, ...]) -> tuple[Fact, ...]:
    """The facts of a passage, each figure that is a side of a change marked as such."""
    marked = []
    for fact in facts:
        before = text[max(0, fact.start - _REACH) : fact.start]
        cut = max(before.rfind(c) for c in CLAUSE_END + SENTENCE_END)
        before = before[cut + 1 :]
        role = "result" if _TO.search(before) else "origin" if _FROM.search(before) else ""
        marked.append(dataclasses.replace(fact, role=role) if role else fact)
    return tuple(marked)
