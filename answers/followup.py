"""Follow-ups: a short question that only changes the place, the year or the topic of the
chat's last question (那桐溪呢, 那前年呢, 那2021年呢, 那治安案件呢) is completed from it.

A message that asks on its own (它有 多少, 几, 什么 …) starts anew; so does one longer
than a follow-up is ever written.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass

from answers.model import Answer

_MAX_CHARS = 16
_OPENING = re.compile(r"^(?:那么|那|还有|另外|再看看|再问一下|换成)")
_CLOSING = re.compile(r"(?:的情况|情况|的)?(?:呢|怎么样|如何|咋样)?[？?。！!~～\s]*$")
# A message with its own question word is a question of its own.
_ASKS = re.compile(r"多少|几|什么|哪|谁|是否|有没有|吗|怎么|如何办|为什么|是不是|多大|多久|多长")
_YEAR = re.compile(r"(?:19|20)\d{2}(?=年|$)")
_YEAR_TEXT = re.compile(r"(?:19|20)\d{2}年(?:度)?|去年|前年|今年|大前年|上一年|上年")
_RELATIVE = {"今年": 0, "去年": 0, "上年": 0, "上一年": 0, "前年": -1, "大前年": -2}
_PLACE_SUFFIX = re.compile(r"[\u4e00-\u9fff]{1,6}(?:县|区|市|镇|乡|街道)$")


@dataclass(frozen=True, slots=True)
class FollowUp:
    """A follow-up completed into a question, and what it changed ("place", "year", "topic")."""

    question: str
    changed: str


def complete(
    previous: str,
    message: str,
    report_year: str,
    places: Collection[str],
    nouns: Callable[[str], list[tuple[int, int]]],
) -> FollowUp | None:
    """The question `message` asks as a follow-up of `previous`, or None when it asks anew.

    `report_year` is the year of the report that answered `previous` (去年 in a question is
    that year, 前年 the one before); `places` the places the loaded reports name;
    `nouns(text)` the spans of `text`'s noun phrases, first to last.
    """
    text = message.strip()
    if not previous or len(text) > _MAX_CHARS or _ASKS.search(text):
        return None
    opened, closed = bool(_OPENING.search(text)), bool(re.search(r"呢[？?。！!\s]*$", text))
    if not (opened or closed):
        return None
    body = _CLOSING.sub("", _OPENING.sub("", text)).strip("，,、 ")
    if not body:
        return None
    year = _year_of(body, report_year)
    if year:
        return FollowUp(_with_year(previous, year), "year")
    place = _place_of(body, places)
    if place:
        return FollowUp(_with_place(previous, place, places), "place")
    return FollowUp(_with_topic(previous, body, places, nouns), "topic")


def _year_of(body: str, report_year: str) -> str:
    """The year a follow-up asks about, as 2019年, or ""."""
    match = _YEAR.fullmatch(body.removesuffix("年").removesuffix("度")) if body else None
    if match:
        return f"{match.group(0)}年"
    if body in _RELATIVE:
        if not report_year:
            return body
        return f"{int(report_year) + _RELATIVE[body]}年"
    return ""


def _place_of(body: str, places: Collection[str]) -> str:
    if body in places or _PLACE_SUFFIX.fullmatch(body):
        return body
    return ""


def _with_year(previous: str, year: str) -> str:
    if _YEAR_TEXT.search(previous):
        return _YEAR_TEXT.sub(year, previous, count=1)
    return year + previous


def _with_place(previous: str, place: str, places: Collection[str]) -> str:
    for known in sorted(places, key=len, reverse=True):
        if known in previous:
            return previous.replace(known, place, 1)
    return place + previous


def _with_topic(
    previous: str,
    topic: str,
    places: Collection[str],
    nouns: Callable[[str], list[tuple[int, int]]],
) -> str:
    """`previous` with its first noun phrase that is no place and no year made `topic`."""
    for start, end in nouns(previous):
        phrase = previous[start:end]
        if phrase in places or _YEAR_TEXT.fullmatch(phrase) or len(phrase) < 2:
            continue
        return previous[:start] + topic + previous[end:]
    return topic + previous


def report_year(answer: Answer) -> str:
    """The year of the report that gave an answer's first passage (2020), or ""."""
    if not answer.answers:
        return ""
    found = _YEAR.search(answer.answers[0].citation.document.title)
    return found.group(0) if found else ""
