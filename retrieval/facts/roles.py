"""The side of a change a figure stands on (由X压缩至Y, 从X提高到Y, X增长到Y), and whether
it is a target rather than a result.

The level before a change is its origin, the level after its result; a question about
now (现在, 压缩到多少) asks for the result, one about before (原来) for the origin. A
figure after 力争 or 计划 in its sentence, or in a part on next year's work, is planned.
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
# Words before a figure in its sentence that make it a target (力争…达到95%以上).
_PLANNED = re.compile(r"力争|争取|计划|预计|目标|拟|将达到|将实现|将提高|将提升")
# A part about the work ahead (2023年工作安排, 下一步工作打算, 2021年工作思路).
_AHEAD = re.compile(r"工作(?:安排|计划|打算|思路|重点|设想)|下一步|明年|今后|努力方向")


def with_roles(text: str, facts: tuple[Fact, ...]) -> tuple[Fact, ...]:
    """The facts of a passage, each figure that is a side of a change marked as such."""
    marked = []
    for fact in facts:
        before = text[max(0, fact.start - _REACH) : fact.start]
        cut = max(before.rfind(c) for c in CLAUSE_END + SENTENCE_END)
        before = before[cut + 1 :]
        role = "result" if _TO.search(before) else "origin" if _FROM.search(before) else ""
        sentence = text[: fact.start]
        sentence = sentence[max(sentence.rfind(c) for c in SENTENCE_END) + 1 :]
        planned = bool(_PLANNED.search(sentence)) or any(
            _AHEAD.search(heading) for heading in fact.passage.section_path
        )
        if role or planned:
            fact = dataclasses.replace(fact, role=role, planned=planned)
        marked.append(fact)
    return tuple(marked)
