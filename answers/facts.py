"""Number facts: every figure of a passage with its value, unit, label and qualifier.

The extractor is rule based. It first masks what only looks like a number (document and
index numbers, titles in 《》, quoted slogans, list markers, ordinals), then scans the rest
for figures, then labels each figure from the clause that holds it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from answers.numerals import MAGNITUDES, parse_chinese, parse_decimal
from retrieval.model import Fact, Passage

__all__ = ["RUN_CATEGORIES", "Run", "classify_runs", "extract_facts", "sentence_of"]

RUN_CATEGORIES = (
    "fact",
    "doc_number",
    "index_number",
    "list_marker",
    "law_or_title",
    "name_word",
    "ordinal",
    "date_part",
    "time",
    "table_header",
)


@dataclass(frozen=True, slots=True)
class Run:
    """One run of digits or Chinese numerals in a passage and what it turned out to be.

    `category` is one of RUN_CATEGORIES; `fact` is set when the category is "fact".
    """

    text: str
    start: int
    end: int
    category: str
    fact: Fact | None = None


# --- data lists ---------------------------------------------------------------------------

# Units written after digits, with the kind of figure they make. Longest first in the regex.
_UNIT_KINDS: dict[str, str] = {
    **dict.fromkeys(("%", "％", "个百分点", "百分点"), "percent"),
    **dict.fromkeys(("元", "美元"), "money"),
    **dict.fromkeys(
        ("个工作日", "工作日", "天", "日", "小时", "分钟", "个月", "年", "周", "周年"), "duration"
    ),
    **dict.fromkeys(
        [
            "平方米",
            "平方公里",
            "平方千米",
            "立方米",
            "公里",
            "千米",
            "米",
            "亩",
            "公顷",
            "吨",
            "千克",
            "公斤",
            "千瓦",
            "兆瓦",
            "万千瓦时",
        ],
        "measure",
    ),
    "倍": "multiple",
    **dict.fromkeys(
        [
            "件次",
            "人次",
            "场次",
            "户次",
            "家次",
            "批次",
            "车次",
            "架次",
            "班次",
            "次",
            "项",
            "件",
            "个",
            "人",
            "名",
            "位",
            "宗",
            "起",
            "条",
            "份",
            "块",
            "幅",
            "场",
            "家",
            "户",
            "所",
            "支",
            "种",
            "类",
            "期",
            "篇",
            "卷",
            "台",
            "辆",
            "套",
            "批",
            "张",
            "册",
            "本",
            "部",
            "处",
            "座",
            "栋",
            "间",
            "笔",
            "组",
            "队",
            "床",
            "例",
            "村",
            "轮",
            "课",
            "节",
            "单",
            "封",
            "根",
            "棵",
            "株",
            "头",
            "只",
            "盏",
        ],
        "count",
    ),
}
# Measure words that make a Chinese numeral a count. Narrower than _UNIT_KINDS on purpose:
# 一起 (together), 一类 (first class), 三级 (three-tier), 一周年 are words, not counts.
_CHINESE_UNITS = (
    "个工作日",
    "个百分点",
    "个月",
    "件次",
    "人次",
    "场次",
    "名",
    "个",
    "支",
    "种",
    "项",
    "件",
    "次",
    "家",
    "人",
    "位",
    "批",
    "期",
    "条",
    "场",
    "所",
    "份",
    "宗",
    "块",
    "篇",
    "台",
    "户",
    "年",
    "天",
    "倍",
    "张",
    "处",
    "座",
    "轮",
)
# Set phrases that contain a numeral and a measure word yet count nothing.
_FIXED_TERMS = (
    "三项制度",
    "两个维护",
    "两个确立",
    "四个意识",
    "四个自信",
    "四个全面",
    "五位一体",
    "两学一做",
    "三重一大",
    "三会一课",
    "一件事",
    "一次性",
    "跑一次",
    "跑一趟",
    "一把手",
    "一肩挑",
    "五个一",
)
# A Chinese numeral right after these is part of a word (唯一, 统一个人, 单一).
_WORD_BEFORE_NUMERAL = "之统唯单同逐万第初"
_DATE_SUFFIXES = (
    "上半年",
    "下半年",
    "年底",
    "年初",
    "年度",
    "底前",
    "以来",
    "以后",
    "之前",
    "上旬",
    "中旬",
    "下旬",
    "底",
    "初",
    "末",
    "后",
    "前",
    "起",
    "份",
    "度",
)
# Words stripped from the ends of a label: they say how much or when, not what is counted.
_LEADING_FILLERS = (
    "截至目前",
    "截至年底",
    "今年以来",
    "今年来",
    "全年共",
    "全年",
    "全县",
    "全市",
    "全区",
    "我县",
    "我市",
    "我区",
    "其中",
    "另有",
    "此外",
    "同时",
    "目前",
    "现有",
    "共计",
    "累计",
    "合计",
    "总计",
    "实现",
    "全部",
    "原来",
    "以及",
    "共",
    "另",
)
_TRAILING_FILLERS = (
    "分别为",
    "分别达",
    "均为",
    "均达",
    "共计",
    "累计",
    "合计",
    "总计",
    "达到",
    "约为",
    "共有",
    "有",
    "达",
    "为",
    "是",
    "约",
    "计",
    "共",
    "均",
    "已",
    "的",
    "了",
    "等",
    "由",
    "从",
)
# Verbs of change: a figure after them is the new level of what the clause already named.
_CHANGE_VERBS = (
    "压缩至",
    "压缩到",
    "缩短至",
    "缩短到",
    "缩减至",
    "减少至",
    "减少到",
    "下降至",
    "下降到",
    "降低至",
    "降低到",
    "提高至",
    "提高到",
    "提升至",
    "提升到",
    "增长至",
    "增加到",
    "增至",
    "减至",
    "降至",
)
_CHANGE_LABEL = re.compile(
    r"^(?:同比|环比|较上年|比上年|比去年)?(?:增长|下降|减少|增加|提高|降低|上升|压缩|缩短)"
    r"(?:至|到|了)?$"
)
# Where a noun after a figure (`3531件群众诉求`) ends: particles, verbs, time words.
_AFTER_STOP = re.compile(
    r"的|了|和|与|及|并|均|已|达|为|是|在|被|将|由|对|向|从|于|共|等|中|"
    r"实现|实行|推行|推进|制定|落实|完成|参与|开展|提供|受理|办理|进行|储备|目前|正在|全部|分别|同比|其中"
)
_PREPOSITION_CUT = re.compile(r"(?:将|把)")

# --- patterns -----------------------------------------------------------------------------

_D = "[0-9０-９]"
_NUM = rf"(?:{_D}{{1,3}}(?:,{_D}{{3}})+|{_D}+)(?:[.．]{_D}+)?"
_CN = "零〇一二两三四五六七八九十百千万亿"
_CN_DIGIT = "零〇一二两三四五六七八九十"


def _alternation(words: tuple[str, ...] | list[str]) -> str:
    """Return a regex alternation of `words`, longest first so the longest wins."""
    return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))


_UNITS = _alternation(list(_UNIT_KINDS))
_MAGNITUDE = _alternation(list(MAGNITUDES))
_DAY = rf"{_D}{{1,2}}(?:[日号]|(?![0-9０-９\u4e00-\u9fff]))"
_DATE = (
    rf"(?:(?:19|20){_D}{{2}}|[〇零一二三四五六七八九]{{4}})年(?:{_D}{{1,2}}月(?:{_DAY})?)?"
    rf"|(?<![0-9０-９]){_D}{{1,2}}月(?:{_DAY})?"
    # An ISO date (2021-01-05), as metadata headers write the date of a document.
    rf"|(?<![0-9０-９-])(?:19|20){_D}{{2}}-{_D}{{1,2}}-{_D}{{1,2}}(?![0-9０-９-])"
)
_DATE_SUFFIX = _alternation(_DATE_SUFFIXES)

_FIGURE = re.compile(
    rf"(?P<span>{_NUM}\s*[×xX*]\s*{_NUM}\s*(?:小时|天|h)?)"
    rf"|(?P<period>(?:{_DATE})\s*(?:至|到|—|－|~|～|-)\s*(?:{_DATE})(?:{_DATE_SUFFIX})?)"
    rf"|(?P<date>(?:{_DATE})(?:{_DATE_SUFFIX})?)"
    rf"|(?P<rank>第\s*(?P<rank_num>{_NUM})\s*(?:位|名)?)"
    rf"|(?<![0-9０-９.．])(?P<num>{_NUM})(?P<mag>{_MAGNITUDE})?(?P<approx1>余|多)?"
    rf"(?P<unit>{_UNITS})?(?P<approx2>余|多)?"
    rf"|(?<![{_CN}])(?P<cn>[{_CN}]*[{_CN_DIGIT}][{_CN}]*)(?P<cn_approx>余|多)?"
    rf"(?P<cn_unit>{_alternation(_CHINESE_UNITS)})"
)
# 双 counts as a numeral for the audit (双百计划, 双随机) though it never makes a figure.
_RUN = re.compile(rf"{_D}+(?:[.．]{_D}+)?|[{_CN}]*[{_CN_DIGIT}双][{_CN}]*")

_LIST_NUMERAL = "一二三四五六七八九十"
_MASKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("law_or_title", re.compile(r"《[^》\n]{1,80}》")),
    ("index_number", re.compile(r"[A-Za-z]+[0-9]+(?:-[0-9A-Za-z]+)+|[0-9]+(?:-[0-9]+){3,}")),
    (
        "doc_number",
        re.compile(
            rf"[\u4e00-\u9fff]{{1,12}}[〔［\[【(（]\s*{_D}{{4}}\s*[〕］\]】)）]"
            rf"\s*{_D}+\s*号"
        ),
    ),
    # Dates written with / or . (2021/01/05) are left to the audit; ISO dates are figures.
    ("date_part", re.compile(rf"{_D}{{4}}[/.]{_D}{{1,2}}[/.]{_D}{{1,2}}")),
    ("time", re.compile(rf"(?<![0-9]){_D}{{1,2}}[:：]{_D}{{2}}(?:[:：]{_D}{{2}})?")),
    (
        "list_marker",
        re.compile(
            rf"[（(](?:[{_LIST_NUMERAL}]{{1,3}}|{_D}{{1,2}})[）)]"
            rf"|^\s*(?:[{_LIST_NUMERAL}]{{1,3}}|{_D}{{1,2}})[、.．](?![0-9])"
            rf"|[{_LIST_NUMERAL}]{{1,2}}是",
            re.MULTILINE,
        ),
    ),
    ("name_word", re.compile(r"[“‘「][^“”\"‘’「」\n]{1,30}[”’」\"]")),
    ("ordinal", re.compile(rf"第[{_CN}]+")),
    (
        "name_word",
        re.compile(_alternation(_FIXED_TERMS) + r"|一([\u4e00-\u9fff])一[\u4e00-\u9fff]"),
    ),
)
_MASK_CHAR = "\u25a1"  # stands in for masked text so the figure scan cannot match there
_HOTLINE = re.compile(r"(?:12[0-9]{3}|110|119|120|122)")
_SENTENCE_END = "。！？!?\n"
_CLAUSE_END = "，,；;：:"
_YEAR = re.compile(r"(?:19|20)\d{2}年|[〇零一二三四五六七八九]{4}年")
_HEADER_UNIT = re.compile(r"[（(]\s*(?P<mag>万|亿|千万|百万)?(?P<unit>[^（()）\s]{1,4})\s*[）)]")


@dataclass(frozen=True, slots=True)
class _Figure:
    """A figure found by the scan, before it is labelled."""

    raw: str
    start: int
    end: int
    value: float | None
    unit: str
    kind: str
    approximate: bool = False


@dataclass(frozen=True, slots=True)
class _Zone:
    """A masked stretch of text and why it is not a figure."""

    start: int
    end: int
    category: str


# --- public API ---------------------------------------------------------------------------


def extract_facts(passage: Passage) -> tuple[Fact, ...]:
    """Return every figure of `passage` as a Fact, in text order."""
    rows = _table_rows(passage)
    if rows:
        return _table_facts(passage, rows)
    zones = _mask_zones(passage.text)
    figures = _scan_figures(passage.text, zones)
    return _label_figures(passage, figures, zones)


def classify_runs(passage: Passage) -> tuple[Run, ...]:
    """Return every numeral run of `passage` with the category it fell into."""
    text = passage.text
    facts = extract_facts(passage)
    rows = _table_rows(passage)
    zones = [] if rows else _mask_zones(text)
    header_zones = _table_header_zones(text, rows) if rows else []
    runs = []
    for match in _RUN.finditer(text):
        start, end = match.span()
        fact = next((f for f in facts if f.start < end and start < f.end), None)
        if fact is not None:
            runs.append(Run(match.group(), start, end, "fact", fact))
            continue
        zone = next((z for z in zones + header_zones if z.start < end and start < z.end), None)
        # A numeral outside any figure or zone is part of a word: 三明, 一网通办, 12345热线.
        category = zone.category if zone is not None else "name_word"
        runs.append(Run(match.group(), start, end, category))
    return tuple(runs)


def sentence_of(fact: Fact) -> str:
    """Return the sentence of the fact's passage that holds the figure."""
    start, end = _sentence_span(fact.passage.text, fact.start)
    return fact.passage.text[start:end].strip()


# --- masking and scanning -----------------------------------------------------------------


def _mask_zones(text: str) -> list[_Zone]:
    """Return the stretches of `text` whose numerals are not figures, earliest rule first."""
    zones: list[_Zone] = []
    for category, pattern in _MASKS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if not any(z.start < end and start < z.end for z in zones):
                zones.append(_Zone(start, end, category))
    return sorted(zones, key=lambda zone: zone.start)


def _masked(text: str, zones: list[_Zone]) -> str:
    """Return `text` with every zone blanked out, keeping offsets."""
    chars = list(text)
    for zone in zones:
        chars[zone.start : zone.end] = _MASK_CHAR * (zone.end - zone.start)
    return "".join(chars)


def _scan_figures(text: str, zones: list[_Zone]) -> list[_Figure]:
    """Return the figures of `text` outside `zones`."""
    masked = _masked(text, zones)
    figures = []
    for match in _FIGURE.finditer(masked):
        figure = _figure_from_match(masked, match)
        if figure is not None:
            figures.append(figure)
    return figures


def _figure_from_match(text: str, match: re.Match[str]) -> _Figure | None:
    """Turn one match of _FIGURE into a figure, or None when it is part of a word."""
    start, end = match.span()
    raw = text[start:end]
    if match.group("span"):
        return _Figure(raw.rstrip(), start, start + len(raw.rstrip()), None, "", "span")
    if match.group("period"):
        return _Figure(raw, start, end, None, "", "period")
    if match.group("date"):
        return _Figure(raw, start, end, None, "", "date")
    if match.group("rank"):
        return _Figure(raw, start, end, parse_decimal(match.group("rank_num")), "", "rank")
    if match.group("num"):
        return _number_figure(text, match)
    return _chinese_figure(text, match)


def _number_figure(text: str, match: re.Match[str]) -> _Figure | None:
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
        if _HOTLINE.fullmatch(number):
            return None
    value = parse_decimal(number, MAGNITUDES.get(magnitude, 1))
    kind = _UNIT_KINDS.get(unit, "number")
    return _Figure(text[start:end], start, end, value, unit, kind, approximate)


def _chinese_figure(text: str, match: re.Match[str]) -> _Figure | None:
    """Build a count from a Chinese numeral and measure word, or None for a word."""
    start, end = match.span()
    numeral, unit = match.group("cn"), match.group("cn_unit")
    before = text[start - 1] if start else ""
    rest = text[end : end + 4]
    if before in _WORD_BEFORE_NUMERAL:
        return None
    # 一次成功率, 两个率: the measure word starts a term, not a count.
    if re.match(r"^[\u4e00-\u9fff]{0,3}率", rest) or (unit == "年" and rest[:1] in "来内"):
        return None
    kind = _UNIT_KINDS.get(unit, "count")
    return _Figure(
        text[start:end],
        start,
        end,
        float(parse_chinese(numeral)),
        unit,
        kind,
        bool(match.group("cn_approx")),
    )


# --- labelling ----------------------------------------------------------------------------


def _spans(text: str, start: int, end: int, ends: str) -> list[tuple[int, int]]:
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


def _sentence_span(text: str, offset: int) -> tuple[int, int]:
    """Return the bounds of the sentence of `text` holding `offset`."""
    for start, end in _spans(text, 0, len(text), _SENTENCE_END):
        if start <= offset < end:
            return start, end
    return 0, len(text)


def _label_figures(
    passage: Passage, figures: list[_Figure], zones: list[_Zone]
) -> tuple[Fact, ...]:
    """Label and qualify the figures of one passage, sentence by sentence."""
    text = passage.text
    facts: list[Fact] = []
    for start, end in _spans(text, 0, len(text), _SENTENCE_END):
        inside = [f for f in figures if start <= f.start < end]
        if inside:
            clauses = _clause_spans(text, start, end, zones)
            facts.extend(_label_sentence(passage, clauses, inside))
    return tuple(facts)


@dataclass(slots=True)
class _Labelled:
    """A figure with its label and the subject its label was built on."""

    figure: _Figure
    clause: int
    label: str = ""
    base: str = ""


def _label_sentence(
    passage: Passage, clauses: list[tuple[int, int]], figures: list[_Figure]
) -> list[Fact]:
    """Label the figures of one sentence: each from its clause, then qualify by date."""
    text = passage.text
    done: list[_Labelled] = []
    for figure in figures:
        clause = next(i for i, (s, e) in enumerate(clauses) if s <= figure.start < e)
        item = _Labelled(figure, clause)
        _label_one(text, clauses, done, item)
        done.append(item)
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


def _clause_spans(text: str, start: int, end: int, zones: list[_Zone]) -> list[tuple[int, int]]:
    """Split a sentence into clauses, never inside a masked zone (a quote, a title)."""
    spans = []
    begin = start
    for index in range(start, end):
        if text[index] in _CLAUSE_END and not any(z.start <= index < z.end for z in zones):
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
    if len(before) <= 2 and not _CHANGE_LABEL.match(before) and after.strip():
        item.label = item.base = before + _clean_label(after)
        return
    if _CHANGE_LABEL.match(before) or (len(before) <= 2 and previous is None):
        context = _context(text, clauses, done, item, previous)
        item.base = context or before
        item.label = context + before
        return
    item.label = item.base = before


def _after_text(text: str, start: int, clause_end: int) -> str:
    """Return the text after a figure up to the end of its clause, without punctuation."""
    return text[start:clause_end].rstrip(_CLAUSE_END + _SENTENCE_END + " 、")


def _noun_after(after: str) -> str:
    """Return the noun right after a measure word (`3531件群众诉求` gives 群众诉求)."""
    if not after or not re.match(r"[\u4e00-\u9fff“\"]", after):
        return ""
    after = re.split(r"[、，,；;：:\s0-9０-９]", after, maxsplit=1)[0]
    stop = _AFTER_STOP.search(after)
    noun = after[: stop.start()] if stop else after
    return noun if _AFTER_STOP.match(after) is None else ""


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
    label = chunk.strip().strip(_CLAUSE_END + _SENTENCE_END).strip()
    label = re.sub(r"分别|由原来的|原来的", "", label)
    for verb in _CHANGE_VERBS:
        # `环节减至“企业登记、申领发票”2个`: what follows the verb names the new state.
        position = label.find(verb)
        if position > 0:
            label = label[: position + len(verb)]
            break
    label = _strip_ends(label, _TRAILING_FILLERS, leading=False)
    if "的" in label and len(label.rsplit("的", 1)[1]) >= 3:
        label = label.rsplit("的", 1)[1]
    cut = list(_PREPOSITION_CUT.finditer(label))
    if cut and len(label) - cut[-1].end() >= 2:
        label = label[cut[-1].end() :]
    label = _strip_ends(label, _LEADING_FILLERS, leading=True)
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


def _date_label(text: str, clauses: list[tuple[int, int]], clause: int, figure: _Figure) -> str:
    """Return what happened at a date: the rest of its clause, or the next clause."""
    rest = _clean_label(text[figure.end : clauses[clause][1]])
    if not rest and clause + 1 < len(clauses):
        start, end = clauses[clause + 1]
        rest = _clean_label(text[start:end])
    return rest[:24]


def _qualifiers(text: str, clauses: list[tuple[int, int]], done: list[_Labelled]) -> list[str]:
    """Return the year or period each figure of a sentence refers to."""
    # A bare month (`于8月揭牌`) says when something happened, not which year a figure covers.
    dates = [d for d in done if d.figure.kind in ("date", "period") and _YEAR.search(d.figure.raw)]
    groups = _date_groups(text, dates)
    qualifiers = []
    for index, item in enumerate(done):
        if item.figure.kind in ("date", "period"):
            qualifiers.append("")
            continue
        group = next((g for g in reversed(groups) if g[-1].figure.end <= item.figure.start), None)
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


# --- tables -------------------------------------------------------------------------------


def _table_rows(passage: Passage) -> tuple[tuple[str, ...], ...]:
    """Return the rows of a table passage, from `rows` or from `a | b | c` lines."""
    if passage.rows:
        return passage.rows
    lines = passage.text.split("\n")
    if all(" | " in line for line in lines) and lines:
        return tuple(tuple(line.split(" | ")) for line in lines)
    return ()


def _cell_offsets(text: str, rows: tuple[tuple[str, ...], ...]) -> list[list[int]]:
    """Return where each cell starts in the passage text."""
    offsets = []
    position = 0
    for row in rows:
        row_offsets = []
        for cell in row:
            found = text.find(cell, position)
            start = found if found >= 0 else position
            row_offsets.append(start)
            position = start + len(cell)
        offsets.append(row_offsets)
    return offsets


def _table_facts(passage: Passage, rows: tuple[tuple[str, ...], ...]) -> tuple[Fact, ...]:
    """Return one fact per numeric cell, labelled by row label and column header."""
    text = passage.text
    offsets = _cell_offsets(text, rows)
    has_header = len(rows) > 1
    header = rows[0] if has_header else ()
    facts = []
    for row_index, row in enumerate(rows):
        if has_header and row_index == 0:
            continue
        for column, cell in enumerate(row):
            if column == 0:
                continue
            column_header = header[column].strip() if column < len(header) else ""
            facts.extend(
                _cell_facts(passage, cell, offsets[row_index][column], row[0], column_header)
            )
    return tuple(facts)


def _cell_facts(
    passage: Passage, cell: str, offset: int, row_label: str, column_header: str
) -> list[Fact]:
    """Return the figures of one table cell."""
    facts = []
    header_unit = _HEADER_UNIT.search(column_header) or _HEADER_UNIT.search(row_label)
    for figure in _scan_figures(cell, _mask_zones(cell)):
        value, unit = figure.value, figure.unit
        kind = figure.kind
        if header_unit and not unit and value is not None:
            # `金额（万元）` puts the unit and magnitude in the header.
            unit = header_unit.group("unit")
            number = re.match(_NUM, figure.raw)
            scale = MAGNITUDES.get(header_unit.group("mag") or "", 1)
            value = parse_decimal(number.group(), scale) if number else value
            kind = _UNIT_KINDS.get(unit, "count")
        label = " ".join(part for part in (row_label.strip(), column_header) if part)
        facts.append(
            Fact(
                raw=figure.raw,
                value=value,
                unit=unit,
                label=label,
                kind=kind,
                passage=passage,
                start=offset + figure.start,
                end=offset + figure.end,
                qualifier=column_header if _YEAR.search(column_header) else "",
                approximate=figure.approximate,
            )
        )
    return facts


def _table_header_zones(text: str, rows: tuple[tuple[str, ...], ...]) -> list[_Zone]:
    """Return the header row and row-label cells of a table as zones."""
    offsets = _cell_offsets(text, rows)
    zones = []
    for row_index, row in enumerate(rows):
        for column, cell in enumerate(row):
            if (row_index == 0 and len(rows) > 1) or column == 0:
                start = offsets[row_index][column]
                zones.append(_Zone(start, start + len(cell), "table_header"))
    return zones
