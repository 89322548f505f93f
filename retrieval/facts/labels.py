"""Labelling: what each figure of a sentence counts, and the year it refers to."""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.facts.patterns import CLAUSE_END, SENTENCE_END, YEAR
from retrieval.facts.scan import Figure, Zone
from retrieval.facts.vocabulary import (
    AFTER_STOP,
    CHANGE_LABEL,
    CHANGE_VERBS,
    LEADING_FILLERS,
    PREPOSITION_CUT,
    TRAILING_FILLERS,
)
from retrieval.model import Fact, Passage


def spans(text: str, start: int, end: int, ends: str) -> list[tuple[int, int]]:
    """Split text[start:end] after each character of `ends`, keeping offsets."""
    spans = []
    begin = start
    for index in range(start, end):
        if text[index] in ends:
            spans.append((begin, index + 1))
            begin = index + 1
    if begin < end:
        spans.append((begin, end))
    return spans


def sentence_span(text: str, offset: int) -> tuple[int, int]:
    """Return the bounds of the sentence of `text` holding `offset`."""
    for start, end in spans(text, 0, len(text), SENTENCE_END):
        if start <= offset < end:
            return start, end
    return 0, len(text)


def label_figures(passage: Passage, figures: list[Figure], zones: list[Zone]) -> tuple[Fact, ...]:
    """Label and qualify the figures of one passage, sentence by sentence."""
    text = passage.text
    facts: list[Fact] = []
    for start, end in spans(text, 0, len(text), SENTENCE_END):
        inside = [f for f in figures if start <= f.start < end]
        if inside:
            clauses = _clause_spans(text, start, end, zones)
            facts.extend(_label_sentence(passage, clauses, inside))
    return tuple(facts)


@dataclass(slots=True)
class _Labelled:
    """A figure with its label and the subject its label was built on."""

    figure: Figure
    clause: int
    label: str = ""
    base: str = ""


def _label_sentence(
    passage: Passage, clauses: list[tuple[int, int]], figures: list[Figure]
) -> list[Fact]:
    """Label the figures of one sentence: each from its clause, then qualify by date."""
    text = passage.text
    done: list[_Labelled] = []
    for figure in figures:
        clause = next(i for i, (s, e) in enumerate(clauses) if s <= figure.start < e)
        item = _Labelled(figure, clause)
        _label_one(text, clauses, done, item)
        done.append(item)
    _pair_respectively(text, clauses, done)
    qualifiers = _qualifiers(text, clauses, done)
    return [
        Fact(
            raw=item.figure.raw,
            value=item.figure.value,
            unit=item.figure.unit,
            label=item.label,
            kind=item.figure.kind,
            passage=passage,
            start=item.figure.start,
            end=item.figure.end,
            qualifier=qualifier,
            approximate=item.figure.approximate,
        )
        for item, qualifier in zip(done, qualifiers, strict=True)
    ]


def _clause_spans(text: str, start: int, end: int, zones: list[Zone]) -> list[tuple[int, int]]:
    """Split a sentence into clauses, never inside a masked zone (a quote, a title)."""
    spans = []
    begin = start
    for index in range(start, end):
        if text[index] in CLAUSE_END and not any(z.start <= index < z.end for z in zones):
            spans.append((begin, index + 1))
            begin = index + 1
    if begin < end:
        spans.append((begin, end))
    return spans


def _label_one(
    text: str, clauses: list[tuple[int, int]], done: list[_Labelled], item: _Labelled
) -> None:
    """Set the label and base of `item` from its clause and the figures before it."""
    figure = item.figure
    clause_start, clause_end = clauses[item.clause]
    previous = next((d for d in reversed(done) if d.clause == item.clause), None)
    if previous is not None and previous.figure.kind == "date" and _attributive(text, previous):
        # 全程网办率从2021年的71.3%: the year belongs to the figure, the subject is before it.
        previous = next(
            (d for d in reversed(done) if d.clause == item.clause and d is not previous), None
        )
    chunk_start = max(clause_start, previous.figure.end if previous else clause_start)
    chunk = text[chunk_start : figure.start]
    after = _after_text(text, figure.end, clause_end)
    if figure.kind in ("date", "period"):
        item.label = _date_label(text, clauses, item.clause, figure)
        return
    if previous is not None and chunk.strip(" 、和及与或共") == "":
        # `18.2%、3.8%`, `16件16人`: a list of values of the same thing.
        item.label, item.base = previous.label, previous.base
        return
    before = _clean_label(_last_list_item(chunk))
    if figure.kind == "rank":
        scope = re.sub(r"^(?:位列|位居|排名|排在|居|列|排)", "", before)
        context = _context(text, clauses, done, item, previous)
        item.base = context
        item.label = f"{context}{scope}排名"
        return
    if figure.kind == "span":
        item.label = item.base = before + _clean_label(re.split("[、]", after)[0])
        return
    noun_after = _noun_after(after)
    if figure.kind == "count" and (len(noun_after) >= 2 or (noun_after and not before)):
        item.label = item.base = noun_after
        return
    # What follows up to the next list item or figure (废止27件、修改16件: 修改 is the
    # next figure's label, not part of this one's).
    own_after = re.split(r"[、0-9０-９]", after, maxsplit=1)[0]
    if len(before) <= 2 and not CHANGE_LABEL.match(before) and own_after.strip():
        item.label = item.base = before + _clean_label(own_after)
        return
    if len(before) == 2 and not CHANGE_LABEL.match(before) and after[:1] == "、":
        item.label = item.base = before  # 废止27件、: the verb before it is all it says
        return
    if CHANGE_LABEL.match(before) or (len(before) <= 2 and previous is None):
        context = _context(text, clauses, done, item, previous)
        item.base = context or before
        item.label = context + before
        return
    item.label = item.base = before


def _pair_respectively(text: str, clauses: list[tuple[int, int]], done: list[_Labelled]) -> None:
    """Give each value of a 分别 list its own subject: 代表建议和政协提案分别为148件和196件
    labels 148件 代表建议 and 196件 政协提案."""
    for index, (start, _) in enumerate(clauses):
        values = [d for d in done if d.clause == index and d.figure.kind not in ("date", "period")]
        if len(values) < 2 or len({d.label for d in values}) != 1:
            continue
        if text.find("分别", start, values[0].figure.start) < 0:
            continue
        parts = [p for p in re.split(r"和|、|及|与", values[0].label) if p]
        if len(parts) == len(values):
            for item, part in zip(values, parts, strict=True):
                item.label = item.base = part


def _attributive(text: str, date: _Labelled) -> bool:
    """Whether a date qualifies the figure right after it (2021年的71.3%, 2021年底的)."""
    after = text[date.figure.end : date.figure.end + 4]
    return bool(re.match(r"(?:底|末)?的\s*[0-9０-９]", after))


def _after_text(text: str, start: int, clause_end: int) -> str:
    """Return the text after a figure up to the end of its clause, without punctuation."""
    return text[start:clause_end].rstrip(CLAUSE_END + SENTENCE_END + " 、")


def _noun_after(after: str) -> str:
    """Return the noun right after a measure word (`3531件群众诉求` gives 群众诉求)."""
    if not after or not re.match(r"[\u4e00-\u9fff“\"]", after):
        return ""
    after = re.split(r"[、，,；;：:\s0-9０-９]", after, maxsplit=1)[0]
    stop = AFTER_STOP.search(after)
    noun = after[: stop.start()] if stop else after
    return noun if AFTER_STOP.match(after) is None else ""


def _last_list_item(chunk: str) -> str:
    """Return the last item of a 、 list, or the whole list when one figure covers all."""
    if "、" not in chunk:
        return chunk
    if re.search(r"(?:均|都)(?:为|达|是|达到)?\s*$", chunk):
        # `受理率、回复率、按时办结率均为100%`: the figure is shared by every item.
        return chunk
    return chunk.rsplit("、", 1)[1]


def _clean_label(chunk: str) -> str:
    """Strip fillers, time words and connectives from the ends of a label."""
    label = chunk.strip().strip(CLAUSE_END + SENTENCE_END).strip()
    label = re.sub(r"分别|由原来的|原来的", "", label)
    # 由2021年的 / 从上年的 before the figure: the side of the change, not what it counts.
    label = re.sub(r"(?:由|从)(?:(?:19|20)\d{2}年(?:底|末)?|上年|去年|原先)?的?$", "", label)
    for verb in CHANGE_VERBS:
        # `环节减至“企业登记、申领发票”2个`: what follows the verb names the new state.
        position = label.find(verb)
        if position > 0:
            label = label[: position + len(verb)]
            break
    label = _strip_ends(label, TRAILING_FILLERS, leading=False)
    if "的" in label and len(label.rsplit("的", 1)[1]) >= 3:
        label = label.rsplit("的", 1)[1]
    cut = list(PREPOSITION_CUT.finditer(label))
    if cut and len(label) - cut[-1].end() >= 2:
        label = label[cut[-1].end() :]
    label = _strip_ends(label, LEADING_FILLERS, leading=True)
    return label.strip().strip("、")


def _strip_ends(label: str, fillers: tuple[str, ...], *, leading: bool) -> str:
    """Remove fillers from one end of `label` until none is left there."""
    changed = True
    while changed and label:
        changed = False
        for filler in fillers:
            if leading and label.startswith(filler) and len(label) > len(filler):
                label, changed = label[len(filler) :], True
            elif not leading and label.endswith(filler) and len(label) > len(filler):
                label, changed = label[: -len(filler)], True
    return label


def _context(
    text: str,
    clauses: list[tuple[int, int]],
    done: list[_Labelled],
    item: _Labelled,
    previous: _Labelled | None,
) -> str:
    """Return the subject a short label (`面积`, `案值`, `压缩至`) belongs to."""
    if previous is not None and previous.figure.kind not in ("date", "period"):
        return previous.base
    for clause in range(item.clause - 1, -1, -1):
        in_clause = [
            d for d in done if d.clause == clause and d.figure.kind not in ("date", "period")
        ]
        if in_clause:
            # `出庭应诉率85.7%，败诉1件`: a rate is no subject for a count.
            both_rates = (in_clause[-1].figure.kind == "percent") == (
                item.figure.kind == "percent"
            )
            return in_clause[-1].base if both_rates else ""
        start, end = clauses[clause]
        words = text[start:end]
        if any(d.clause == clause for d in done) or re.match(r"\s*[于在自从经]", words):
            # A clause that only says when (`于8月正式揭牌`) names no subject.
            continue
        return _clean_label(words)
    return ""


def _date_label(text: str, clauses: list[tuple[int, int]], clause: int, figure: Figure) -> str:
    """Return what happened at a date: the rest of its clause, or the next clause."""
    rest = _clean_label(text[figure.end : clauses[clause][1]])
    if not rest and clause + 1 < len(clauses):
        start, end = clauses[clause + 1]
        rest = _clean_label(text[start:end])
    return rest[:24]


def _qualifiers(text: str, clauses: list[tuple[int, int]], done: list[_Labelled]) -> list[str]:
    """Return the year or period each figure of a sentence refers to."""
    # A bare month (`于8月揭牌`) says when something happened, not which year a figure covers.
    dates = [d for d in done if d.figure.kind in ("date", "period") and YEAR.search(d.figure.raw)]
    groups = _date_groups(text, dates)
    qualifiers = []
    for index, item in enumerate(done):
        if item.figure.kind in ("date", "period"):
            qualifiers.append("")
            continue
        group = next((g for g in reversed(groups) if g[-1].figure.end <= item.figure.start), None)
        if group is not None and len(group) == 1 and _attributive(text, group[0]):
            # 从2021年的71.3%提高到86.5%: 2021年 is 71.3%'s year alone.
            following = next((d for d in done if d.figure.start >= group[0].figure.end), None)
            if following is not item:
                group = None
        if group is None:
            qualifiers.append("")
            continue
        qualifiers.append(_respectively(text, clauses, done, index, group))
    return qualifiers


def _date_groups(text: str, dates: list[_Labelled]) -> list[list[_Labelled]]:
    """Group dates written as a list (`2019年、2020年`)."""
    groups: list[list[_Labelled]] = []
    for date in dates:
        if groups and text[groups[-1][-1].figure.end : date.figure.start] in ("、", "和", "及"):
            groups[-1].append(date)
        else:
            groups.append([date])
    return groups


def _respectively(
    text: str,
    clauses: list[tuple[int, int]],
    done: list[_Labelled],
    index: int,
    group: list[_Labelled],
) -> str:
    """Return the date of figure `index`, pairing a 分别 list with a list of dates."""
    names = [d.figure.raw for d in group]
    if len(group) == 1:
        return names[0]
    item = done[index]
    clause_start, _ = clauses[item.clause]
    values = [
        d for d in done if d.clause == item.clause and d.figure.kind not in ("date", "period")
    ]
    marker = text.find("分别", clause_start, values[0].figure.start)
    if marker >= 0 and len(values) == len(group):
        return names[values.index(item)]
    return "、".join(names)
