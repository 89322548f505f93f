"""What kind of figure a question asks for, read from its wording."""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.facts.patterns import HOTLINE

# Measure words and units a question may name after 几 / 多少, longest first.
_UNITS = (
    "个工作日",
    "平方米",
    "工作日",
    "件次",
    "人次",
    "场次",
    "批次",
    "万元",
    "亿元",
    "小时",
    "个月",
    "元",
    "件",
    "项",
    "人",
    "名",
    "个",
    "支",
    "起",
    "宗",
    "条",
    "家",
    "次",
    "场",
    "天",
    "日",
    "份",
    "块",
    "卷",
    "所",
    "户",
    "期",
    "篇",
    "年",
    "月",
    "位",
)
_ASKS = re.compile(r"几|多少|多大|多长|多久|多高|百分之几|第几|什么时候|何时|哪一?年|谁|哪位")
_UNIT_AFTER = re.compile(r"(?:几|多少)(" + "|".join(_UNITS) + ")")
# The noun counted after 多少个, 几名 (成员, 犯罪嫌疑人): what the figure must count.
_COUNTED = re.compile(
    r"(?:几|多少)(?:个|名|位|家|所|支|项|件|起|条|户|人)([\u4e00-\u9fff]{1,8}?)"
    r"(?=实现|完成|开展|参加|参与|获得|受理|办理|建成|设立|配备|达到|超过|通过|进行|已经|实施|推行|"
    r"落实|建立|出台|制定|印发|组织|举办|召开|发布|公开|办结|审结|化解|接待|处理|提供|培训|纳入|"
    r"[了的呢吗啊呀？?。，,！!]|$|是|有|被|在|都|还)"
)
# The words right before 多少 / 几 name what is asked (废止了多少件, 办件量达到了多少), less
# the verbs and particles that only link them to the question word.
_HEAD = re.compile(r"([\u4e00-\u9fff]{2,})(?:多少|几|百分之几|第几)")
_LINKS = re.compile(
    r"(?:分别|一共|总共|共计|共|累计|大概|大约|到底|达到|达|为|是|有|要|需要|了|过)+$"
)
_EACH = re.compile(r"各(?:县|区|市|镇|乡|街道|地)|(?:每个|所有|几个|两个)(?:县|区|市|镇|乡|街道)")
_AHEAD = re.compile(r"明年|打算|计划|目标|力争|争取|将要|要达到|下一步|今后|规划|准备")
_KIND_PATTERNS = (
    ("percent", re.compile(r"率|比例|百分之|占比|百分比|降幅|增幅|比上一年|同比|下降|增长|上升")),
    ("rank", re.compile(r"第几|排名|排第|排在|位列|名次")),
    ("date", re.compile(r"什么时候|何时|哪一?年|几月|哪天|什么时间|哪个月|从什么时候")),
    ("duration", re.compile(r"多长时间|多久|多长|几天|多少天|几个工作日|多少个工作日|用时|时限")),
    ("measure", re.compile(r"多大|面积|平方米")),
    ("money", re.compile(r"多少钱|经费|资金|金额|资产|罚没|费用|案值|万元|多少元")),
    ("person", re.compile(r"谁|哪位|姓名|叫什么")),
)
# Measure words that count the same things; a question's 几名 is answered by 10人.
_UNIT_FAMILIES = (
    frozenset({"人", "名", "位", "人次"}),
    frozenset({"件", "起", "宗", "件次", "个"}),
    frozenset({"场", "场次", "次"}),
    frozenset({"个", "家", "所", "支"}),
    frozenset({"天", "日", "工作日", "个工作日"}),
    frozenset({"元", "万元", "亿元"}),
)
_YEAR = re.compile(r"(\d{4})年")
_ABOUT_DOCUMENT = re.compile(
    r"(这|该|本|此)(份|个|篇)?(报告|文件|文档|材料)|文号|索引号|发布机构|发布单位|发文单位|发文机关"
    r"|成文日期|发布日期|哪天发布"
)
_HOW_MANY_OF = re.compile(r"多少(?!钱|时间|年|天|次数)[\u4e00-\u9fff]{2}")
_TOTAL = re.compile(r"一共|总共|合计|总计|共计|总数|总量|加起来|累计|全部")
_EARLIER = re.compile(r"原来|原先|以前|之前|过去|改革前")
_CHANGE = re.compile(r"增减|增长|增加|减少|下降|上升|变化|多了|少了|幅度|同比|环比")
_NUMBER = re.compile(r"\d+(?:\.\d+)?%?(?![\d.年月日])")
_KIND_UNITS = {
    "percent": ("%", "％"),
    "duration": ("天", "日", "工作日", "个工作日", "小时", "个月", "年"),
    "measure": ("平方米", "亩", "公顷", "平方公里"),
    "money": ("元", "万元", "亿元"),
}


@dataclass(frozen=True, slots=True)
class Intent:
    """A question's wish: a figure or not, of which kinds, counted in which unit."""

    wants_figure: bool
    kinds: frozenset[str] = frozenset()
    unit: str = ""
    numbers: tuple[str, ...] = ()
    about_document: bool = False
    years: tuple[str, ...] = ()
    # 一共, 总计: the total is asked; 原来, 以前: the earlier value; 增长, 变化: the change.
    total: bool = False
    earlier: bool = False
    change: bool = False
    counted: str = ""  # the noun after 多少个 (成员): what a count must be of
    head: str = ""  # the two characters before 多少 that name what is asked (废止, 件量)
    each: bool = False  # 各县的满意率: one answer from every report
    ahead: bool = False  # 明年打算, 目标是多少: a target or plan, not a result

    @property
    def asks_quantity(self) -> bool:
        """Whether only a figure can answer: a count, amount, share, size or duration."""
        quantities = {"count", "percent", "money", "measure", "duration"}
        return self.wants_figure and bool(self.kinds & quantities or self.unit)

    def unit_fits(self, unit: str) -> bool | None:
        """Whether a figure's unit is the one asked for; None when the question names none."""
        if not self.unit or not unit or self.unit == "个":
            # A table cell often leaves its unit to another column; 几个 is asked of
            # anything counted (八名, 三支).
            return None
        if unit == self.unit or unit.endswith(self.unit) or unit.startswith(self.unit):
            return True
        return any(self.unit in family and unit in family for family in _UNIT_FAMILIES)

    def units(self) -> tuple[str, ...]:
        """Units a matching figure may be written in."""
        named = (self.unit,) if self.unit else ()
        return named + tuple(u for k in sorted(self.kinds) for u in _KIND_UNITS.get(k, ()))


def read_intent(question: str) -> Intent:
    """Read whether a question asks for a quantity, date, rank or person, and which unit.

    `question` is normalized (NFKC, simplified), so digits are ASCII.
    """
    kinds = frozenset(kind for kind, pattern in _KIND_PATTERNS if pattern.search(question))
    unit_match = _UNIT_AFTER.search(question)
    unit = unit_match.group(1) if unit_match else ""
    if kinds & {"rank", "date"}:
        # 好评率排第几 asks for a rank: the rate only names what is ranked.
        kinds -= {"percent"}
    # A hotline (12345热线) is named by its number; it is not a figure to look up.
    numbers = tuple(n for n in _NUMBER.findall(question) if not HOTLINE.fullmatch(n))
    wants = bool(_ASKS.search(question) or kinds & {"percent", "rank", "date"} or numbers)
    if wants and not kinds and (unit or _HOW_MANY_OF.search(question)):
        # 多少件, and 多少政府信息公开申请: a count of the noun named.
        kinds = frozenset({"count"})
    return Intent(
        wants_figure=wants,
        kinds=kinds,
        unit=unit,
        numbers=numbers,
        about_document=bool(_ABOUT_DOCUMENT.search(question)),
        years=tuple(_YEAR.findall(question)),
        total=bool(_TOTAL.search(question)),
        earlier=bool(_EARLIER.search(question)),
        change=bool(_CHANGE.search(question)),
        counted=counted.group(1) if (counted := _COUNTED.search(question)) else "",
        head=_asked_head(question),
        each=bool(_EACH.search(question)),
        ahead=bool(_AHEAD.search(question)),
    )


def _asked_head(question: str) -> str:
    """The last two characters of the words right before the question word."""
    match = _HEAD.search(question)
    if match is None:
        return ""
    words = _LINKS.sub("", match.group(1))
    return words[-2:] if len(words) >= 2 else ""
