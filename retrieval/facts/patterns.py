"""The regular expressions that find figures, dates and what only looks like a number."""

from __future__ import annotations

import re

from retrieval.facts.numerals import MAGNITUDES
from retrieval.facts.vocabulary import (
    CHINESE_UNITS,
    DATE_SUFFIXES,
    FIXED_TERMS,
    UNIT_KINDS,
)

DIGIT = "[0-9０-９]"
NUM = rf"(?:{DIGIT}{{1,3}}(?:,{DIGIT}{{3}})+|{DIGIT}+)(?:[.．]{DIGIT}+)?"
CN_NUMERAL = "零〇一二两三四五六七八九十百千万亿"
CN_DIGIT = "零〇一二两三四五六七八九十"
# Pages converted from PDF put a space between a number and its unit (`86 条`, `2023 年`).
SPACE = "[ \u00a0]?"


def alternation(words: tuple[str, ...] | list[str]) -> str:
    """Return a regex alternation of `words`, longest first so the longest wins."""
    return "|".join(re.escape(word) for word in sorted(set(words), key=len, reverse=True))


UNITS = alternation(list(UNIT_KINDS))
MAGNITUDE = alternation(list(MAGNITUDES))
DAY = rf"{DIGIT}{{1,2}}(?:{SPACE}[日号]|(?![0-9０-９\u4e00-\u9fff]))"
DATE = (
    rf"(?:(?:19|20){DIGIT}{{2}}|[〇零一二三四五六七八九]{{4}}){SPACE}年"
    rf"(?:{SPACE}{DIGIT}{{1,2}}{SPACE}月(?:{SPACE}{DAY})?)?"
    rf"|(?<![0-9０-９]){DIGIT}{{1,2}}{SPACE}月(?:{SPACE}{DAY})?"
    # An ISO date (2021-01-05), as metadata headers write the date of a document.
    rf"|(?<![0-9０-９-])(?:19|20){DIGIT}{{2}}-{DIGIT}{{1,2}}-{DIGIT}{{1,2}}(?![0-9０-９-])"
)
DATE_SUFFIX = alternation(DATE_SUFFIXES)

# Measure words after an ordinal that make it a figure (第三次会议, 第二批, 第五届).
ORDINAL_UNITS = ("次", "届", "批", "轮", "期")

FIGURE = re.compile(
    rf"(?P<span>{NUM}\s*[×xX*]\s*{NUM}\s*(?:小时|天|h)?)"
    rf"|(?P<period>(?:{DATE})\s*(?:至|到|—|－|~|～|-)\s*(?:{DATE})(?:{DATE_SUFFIX})?)"
    rf"|(?P<date>(?:{DATE})(?:{DATE_SUFFIX})?)"
    rf"|(?P<rank>第\s*(?P<rank_num>{NUM})\s*(?:位|名)?)"
    # 第三次会议, 第二批: an ordinal with its measure word says which one.
    rf"|(?P<ordinal>第(?P<ordinal_cn>[{CN_NUMERAL}]+)(?:{alternation(ORDINAL_UNITS)}))"
    rf"|(?<![0-9０-９.．])(?P<num>{NUM})(?:{SPACE}(?P<mag>{MAGNITUDE}))?(?P<approx1>余|多)?"
    rf"(?:{SPACE}(?P<unit>{UNITS}))?(?P<approx2>余|多)?"
    rf"|(?<![{CN_NUMERAL}])(?P<cn>[{CN_NUMERAL}]*[{CN_DIGIT}][{CN_NUMERAL}]*)(?P<cn_approx>余|多)?"
    rf"(?P<cn_unit>{alternation(CHINESE_UNITS)})"
)
# 双 counts as a numeral for the audit (双百计划, 双随机) though it never makes a figure.
RUN = re.compile(rf"{DIGIT}+(?:[.．]{DIGIT}+)?|[{CN_NUMERAL}]*[{CN_DIGIT}双][{CN_NUMERAL}]*")

LIST_NUMERAL = "一二三四五六七八九十"
MASKS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("law_or_title", re.compile(r"《[^》\n]{1,80}》")),
    ("index_number", re.compile(r"[A-Za-z]+[0-9]+(?:-[0-9A-Za-z]+)+|[0-9]+(?:-[0-9]+){3,}")),
    (
        "doc_number",
        re.compile(
            rf"[\u4e00-\u9fff]{{1,12}}[〔［\[【(（]\s*{DIGIT}{{4}}\s*[〕］\]】)）]"
            rf"\s*{DIGIT}+\s*号"
        ),
    ),
    # Dates written with / or . (2021/01/05) are left to the audit; ISO dates are figures.
    ("date_part", re.compile(rf"{DIGIT}{{4}}[/.]{DIGIT}{{1,2}}[/.]{DIGIT}{{1,2}}")),
    ("time", re.compile(rf"(?<![0-9]){DIGIT}{{1,2}}[:：]{DIGIT}{{2}}(?:[:：]{DIGIT}{{2}})?")),
    (
        "list_marker",
        re.compile(
            rf"[（(](?:[{LIST_NUMERAL}]{{1,3}}|{DIGIT}{{1,2}})[）)]"
            rf"|^\s*(?:[{LIST_NUMERAL}]{{1,3}}|{DIGIT}{{1,2}})[、.．](?![0-9])"
            rf"|[{LIST_NUMERAL}]{{1,2}}是",
            re.MULTILINE,
        ),
    ),
    ("name_word", re.compile(r"[“‘「][^“”\"‘’「」\n]{1,30}[”’」\"]")),
    # 第一责任人, 第一时间: an ordinal as part of a word (第三次 is left to FIGURE).
    ("ordinal", re.compile(rf"第[{CN_NUMERAL}]+(?!{alternation(ORDINAL_UNITS)})")),
    (
        "name_word",
        re.compile(alternation(FIXED_TERMS) + r"|一([\u4e00-\u9fff])一[\u4e00-\u9fff]"),
    ),
)
MASK_CHAR = "\u25a1"  # stands in for masked text so the figure scan cannot match there
HOTLINE = re.compile(r"(?:12[0-9]{3}|110|119|120|122)")
SENTENCE_END = "。！？!?\n"
CLAUSE_END = "，,；;：:"
YEAR = re.compile(r"(?:19|20)\d{2}\s?年|[〇零一二三四五六七八九]{4}年")
HEADER_UNIT = re.compile(r"[（(]\s*(?P<mag>万|亿|千万|百万)?(?P<unit>[^（()）\s]{1,4})\s*[）)]")
