"""Masking and scanning: the stretches that are not figures, then the figures in the rest."""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.facts.numerals import MAGNITUDES, parse_chinese, parse_decimal
from retrieval.facts.patterns import FIGURE, HOTLINE, MASK_CHAR, MASKS
from retrieval.facts.vocabulary import UNIT_KINDS, WORD_BEFORE_NUMERAL


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure found by the scan, before it is labelled."""

    raw: str
    start: int
    end: int
    value: float | None
    unit: str
    kind: str
    approximate: bool = False


@dataclass(frozen=True, slots=True)
class Zone:
    """A masked stretch of text and why it is not a figure."""

    start: int
    end: int
    category: str


def mask_zones(text: str) -> list[Zone]:
    """Return the stretches of `text` whose numerals are not figures, earliest rule first."""
    zones: list[Zone] = []
    for category, pattern in MASKS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if not any(z.start < end and start < z.end for z in zones):
                zones.append(Zone(start, end, category))
    return sorted(zones, key=lambda zone: zone.start)


def _masked(text: str, zones: list[Zone]) -> str:
    """Return `text` with every zone blanked out, keeping offsets."""
    chars = list(text)
    for zone in zones:
        chars[zone.start : zone.end] = MASK_CHAR * (zone.end - zone.start)
    return "".join(chars)


def scan_figures(text: str, zones: list[Zone]) -> list[Figure]:
    """Return the figures of `text` outside `zones`."""
    masked = _masked(text, zones)
    figures = []
    for match in FIGURE.finditer(masked):
        figure = _figure_from_match(masked, match)
        if figure is not None:
            figures.append(figure)
    return figures


def _figure_from_match(text: str, match: re.Match[str]) -> Figure | None:
    """Turn one match of FIGURE into a figure, or None when it is part of a word."""
    start, end = match.span()
    raw = text[start:end]
    if match.group("span"):
        return Figure(raw.rstrip(), start, start + len(raw.rstrip()), None, "", "span")
    if match.group("period"):
        return Figure(raw, start, end, None, "", "period")
    if match.group("date"):
        return Figure(raw, start, end, None, "", "date")
    if match.group("rank"):
        return Figure(raw, start, end, parse_decimal(match.group("rank_num")), "", "rank")
    if match.group("ordinal"):
        return Figure(raw, start, end, float(parse_chinese(match.group("ordinal_cn"))), "", "rank")
    if match.group("num"):
        return _number_figure(text, match)
    return _chinese_figure(text, match)


def _number_figure(text: str, match: re.Match[str]) -> Figure | None:
    """Build a figure from digits with optional magnitude, 余 and unit."""
    start, end = match.span()
    number, magnitude = match.group("num"), match.group("mag") or ""
    unit = match.group("unit") or ""
    approximate = bool(match.group("approx1") or match.group("approx2"))
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if not (magnitude or unit or approximate):
        # Codes and hotlines look like numbers: 5G, H7N9, 12345便民服务.
        if (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha()):
            return None
        if HOTLINE.fullmatch(number):
            return None
    value = parse_decimal(number, MAGNITUDES.get(magnitude, 1))
    kind = UNIT_KINDS.get(unit, "number")
    return Figure(text[start:end], start, end, value, unit, kind, approximate)


def _chinese_figure(text: str, match: re.Match[str]) -> Figure | None:
    """Build a count from a Chinese numeral and measure word, or None for a word."""
    start, end = match.span()
    numeral, unit = match.group("cn"), match.group("cn_unit")
    before = text[start - 1] if start else ""
    rest = text[end : end + 4]
    if before in WORD_BEFORE_NUMERAL:
        return None
    # 一次成功率, 两个率: the measure word starts a term, not a count.
    if re.match(r"^[\u4e00-\u9fff]{0,3}率", rest) or (unit == "年" and rest[:1] in "来内"):
        return None
    kind = UNIT_KINDS.get(unit, "count")
    return Figure(
        text[start:end],
        start,
        end,
        float(parse_chinese(numeral)),
        unit,
        kind,
        bool(match.group("cn_approx")),
    )
