"""What the loaded reports cannot answer, said in one line: a place or a year they do not
cover, and messages that are no question at all (你好, 谢谢, 帮助, a question in English).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# A place a question names: two to four characters and an administrative suffix.
_PLACE = re.compile(
    r"([\u4e00-\u9fff]{2,4}?)(自治区|自治州|自治县|特别行政区|街道|省|市|县|区|镇|乡|旗)"
)
# Words that end like a place and are none (开发区, 城区, 社区), or stems made of suffixes.
_NOT_PLACES = re.compile(
    r"^(?:自治区|自治州|自治县)$|开发区|高新区|新区|城区|景区|园区|社区|小区|辖区|库区|山区|市区|县区|片区|街区|湾区|功能区|"
    r"示范区|保护区|试验区|实验区|自贸区|服务区|集聚区|商务区|风景区|直辖市|地级市|县级市|"
    r"城市|都市|超市|集市|夜市|股市|楼市|乡镇|城乡|县乡|本市|本县|本区|全市|全县|全区|我市|我县|我区|"
    r"该市|该县|该区|各县|各市|各区|各乡|外省|外市|全省|本省|我省|省市|市县|区县"
)
# A place's stem holds no suffix (省市县), no numeral or pronoun (两个县, 各乡镇, 我县).
_NOT_STEM = set("省市县区镇乡村旗街道个几各每多本该全我这那哪某其")
_NUMERALS = set("一二两三四五六七八九十百千")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")

_END = r"[啊呀吧哈！!。.~～？?\s了您你]*$"
_GREETING = re.compile(
    r"^(?:你好|您好|嗨|哈喽|hello|hi|在吗|在不在|早上好|下午好|晚上好)" + _END, re.I
)
_THANKS = re.compile(
    r"^(?:谢谢|感谢|多谢|谢了|thanks?|thank you|好的|ok|明白了|知道了)" + _END, re.I
)
_HELP = re.compile(
    r"^(?:帮助|菜单|help|怎么用|如何使用|使用说明|你能做什么|你会什么|你是谁)" + _END, re.I
)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def small_talk(text: str) -> str:
    """What kind of message that is no question this is: "greeting", "thanks", "help",
    "language" (no Chinese in it), or "" for a question."""
    message = text.strip()
    if _GREETING.match(message):
        return "greeting"
    if _THANKS.match(message):
        return "thanks"
    if _HELP.match(message):
        return "help"
    if message and not _CJK.search(message) and re.search(r"[A-Za-z]{2,}", message):
        return "language"
    return ""


def unknown_places(words: Sequence[str], known: Iterable[str]) -> list[str]:
    """The places a question names that no loaded report is about.

    `words` are the question's words as the tokenizer cuts them: a place is a word that
    reads as one (三明市), or a word followed by its suffix (三明 市), never a run of
    characters across words (…市政府和县人大… holds no 政府和县).
    """
    known = set(known)
    found = []
    for index, word in enumerate(words):
        name = word
        if not _PLACE.fullmatch(name) and index + 1 < len(words):
            name = word + words[index + 1]
        match = _PLACE.fullmatch(name)
        if match is None:
            continue
        stem = match.group(1)
        if _NOT_PLACES.search(name) or set(stem) & _NOT_STEM or set(stem) <= _NUMERALS:
            continue
        if name in known or stem in known or any(k in name for k in known if len(k) >= 2):
            continue
        found.append(name)
    # A character cut onto a name (问下将乐县 → 下将 + 乐县) leaves a longer name ending
    # in the real one: the real one is named alone.
    unique = list(dict.fromkeys(found))
    return [n for n in unique if not any(o != n and n.endswith(o) for o in unique)]


def asked_years(text: str) -> tuple[str, ...]:
    """The years a question names (2019年 → 2019)."""
    return tuple(_YEAR.findall(text))


def place_note(places: list[str]) -> str:
    """The one line for a place no loaded report is about."""
    return f"已加载的报告里没有{'、'.join(places)}的报告。"


def year_note(year: str, report_year: str, figure: str) -> str:
    """The one line for a year the report has no figure for, with the one it has."""
    if report_year and figure:
        return f"报告没有{year}年的数据；{report_year}年为{figure}。"
    return f"报告没有{year}年的数据。"
