"""Route a question to the documents it names: a place, a year, a 文号 or a title word.

The names come from each document's own title, publisher and 文号, never from a list of
places: a key routes when the question contains it and not every document shares it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from retrieval.model import DocumentMeta
from retrieval.normalize import compact

# Administrative suffixes people drop when naming a place (桐溪县 → 桐溪).
_PLACE = re.compile(r"^(.{2,8}?)(自治县|自治州|特别行政区|县|市|区|省|镇|乡|旗)(人民政府)?$")
# One administrative unit of a name: 重庆市, 九龙坡区, 二郎街道, 杨柳乡.
_UNIT = re.compile(
    r"([\u4e00-\u9fff]{2,5}?)(特别行政区|自治区|自治州|自治县|地区|街道|苏木|省|市|州|盟|县|区|旗|镇|乡)"
)
_LEADING_YEAR = re.compile(r"^(?:\d{4}|[〇零一二三四五六七八九]{4})年度?")
_YEAR = re.compile(r"^\d{4}年$")
# 文号 brackets come in several forms: 〔2021〕, [2021], ［2021］, 【2021】.
_BRACKETS = str.maketrans("〔［【〕］】", "[[[]]]")


@dataclass(frozen=True, slots=True)
class Router:
    """For each document, the keys that name it and not every other document.

    `places` are the place names of all documents (清流县, 清流): a question names them
    to pick a report, so they say nothing about which passage answers it.
    """

    keys: tuple[tuple[str, frozenset[str]], ...]
    places: frozenset[str] = frozenset()
    doc_numbers: frozenset[str] = frozenset()

    @classmethod
    def build(
        cls, documents: Sequence[DocumentMeta], tokenize: Callable[[str], list[str]]
    ) -> Router:
        """Derive the routing keys from the documents' metadata."""
        per_doc = [(meta.doc_id, _keys(meta, tokenize)) for meta in documents]
        shared = Counter(k for _, keys in per_doc for k in keys)
        total = len(per_doc)
        places: set[str] = set()
        for meta in documents:
            for field in (meta.title, meta.publisher):
                # Read the places off the text, not off jieba's words: an unknown county
                # name may be cut in two (梅林县 → 梅林, 县).
                places |= place_names(field)
                places |= {t for t in tokenize(field) if _PLACE.match(t)}
        places |= {match.group(1) for p in list(places) if (match := _PLACE.match(p))}
        return cls(
            tuple(
                (doc_id, frozenset(k for k in keys if shared[k] < total))
                for doc_id, keys in per_doc
            ),
            frozenset(places),
            frozenset(_key(meta.doc_number) for meta in documents if meta.doc_number),
        )

    def without_places(self, question: str) -> str:
        """The question with the documents' place names and 文号 blanked out."""
        question = question.translate(_BRACKETS)
        for number in self.doc_numbers:
            question = question.replace(number, " ")
        for place in sorted(self.places, key=lambda p: (-len(p), p)):
            question = question.replace(place, " ")
        return question

    def route(self, question: str) -> frozenset[str] | None:
        """The documents a question names, or None when it names none (or every one)."""
        text = _key(question)
        # A place named outranks a year or a title word: 2020年江屿… asks about 江屿 even
        # when another report is the 2020 one.
        named = {
            doc_id: sum(len(k) for k in keys if k in text and k in self.places)
            for doc_id, keys in self.keys
        }
        if any(named.values()):
            top = max(named.values())
            candidates = {d for d, s in named.items() if s == top}
        else:
            candidates = {doc_id for doc_id, _ in self.keys}
        scores = {
            doc_id: sum(len(k) for k in keys if k in text)
            for doc_id, keys in self.keys
            if doc_id in candidates
        }
        best = max(scores.values(), default=0)
        if best == 0:
            return None
        chosen = frozenset(d for d, s in scores.items() if s == best)
        # Every report named by its place (清流和桐溪…) is a choice; every report matched by
        # a shared word is none.
        if len(chosen) == len(self.keys) and not any(named.values()):
            return None
        return chosen


def place_names(text: str) -> set[str]:
    """The places a title or publisher opens with, each with and without its suffix.

    `重庆市九龙坡区二郎街道办事处…` gives 重庆市, 重庆, 九龙坡区, 九龙坡, 二郎街道, 二郎: the units
    that follow each other from the start (after a leading year), and no word further on.
    """
    text = _LEADING_YEAR.sub("", compact(text))
    names: set[str] = set()
    position = 0
    while (unit := _UNIT.match(text, position)) is not None:
        names |= {unit.group(1) + unit.group(2), unit.group(1)}
        position = unit.end()
        # 黄浦区人民政府打浦桥街道办事处: the government's name between two units.
        for between in ("人民政府", "政府"):
            if text.startswith(between, position) and _UNIT.match(text, position + len(between)):
                position += len(between)
                break
    return names


def _key(text: str) -> str:
    return compact(text).translate(_BRACKETS)


def _keys(meta: DocumentMeta, tokenize: Callable[[str], list[str]]) -> set[str]:
    keys: set[str] = set()
    for field in (meta.title, meta.publisher):
        keys |= place_names(field)
    for field in (meta.title, meta.publisher):
        for term in tokenize(field):
            if len(term) < 2 or (term.isdigit() and not _YEAR.match(term)):
                continue
            keys.add(term)
            place = _PLACE.match(term)
            if place:
                keys.add(place.group(1))
    if meta.doc_number:
        keys.add(meta.doc_number)
    return {_key(k) for k in keys}
