"""Metadata fields as portals and offices print them, in all their common spellings.

A report's header box (索引号, 文号, 发布机构, 成文日期 …) comes in many forms: one field a
line (`文号：渝府〔2024〕5号`), several on one line (`来源：县司法局 时间：2021-03-02 10:12`), or a
flattened table with no colons (`信息索引号 0010/2025-20657 文件编号`). Each spelling maps to
one field; a value of `无` means the field is empty.
"""

from __future__ import annotations

import re

from retrieval.model import Passage
from retrieval.normalize import to_simplified

# Spellings of each field, as the header boxes of government sites write them.
FIELD_NAMES: dict[str, str] = {
    **dict.fromkeys(("索引号", "信息索引号", "索 引 号", "内容索引号"), "index_number"),
    **dict.fromkeys(
        ("文号", "发文字号", "文件编号", "备注/文号", "文件文号", "发文文号", "文 号"),
        "doc_number",
    ),
    **dict.fromkeys(
        (
            "发布机构",
            "发文机关",
            "发文机构",
            "发布单位",
            "发文单位",
            "发布机关",
            "制发机关",
            "公开主体",
        ),
        "publisher",
    ),
    **dict.fromkeys(("来源", "文章来源", "信息来源", "责任部门"), "source_org"),
    **dict.fromkeys(("成文日期", "印发日期", "签发日期", "发文日期"), "date"),
    # When the portal generated its page of the document, not the document's own date.
    **dict.fromkeys(("公文生成日期", "生成日期"), "generated"),
    **dict.fromkeys(
        ("发布日期", "发布时间", "公开日期", "公开时间", "更新时间", "时间", "日期"), "published"
    ),
    **dict.fromkeys(("主题分类", "分类", "主题词", "体裁分类", "组配分类", "信息分类"), "topic"),
    **dict.fromkeys(("标题", "名称", "信息名称", "文件名称"), "title"),
    # Fields read only so that the line is known as header furniture.
    **dict.fromkeys(
        (
            "公开形式",
            "公开范围",
            "公开时限",
            "公开方式",
            "责任科室",
            "浏览次数",
            "阅读次数",
            "访问次数",
            "点击数",
            "字号",
            "作者",
            "编辑",
            "服务对象",
            "关键词",
            "发布人",
            "公开目录",
            "公文时效",
            "时效",
            "有效性",
            "浏览量",
            "访问量",
        ),
        "other",
    ),
}
# The values that say a field is empty.
_NONE_VALUES = {"无", "暂无", "空", "-", "—", "/", "／", "无文号", "null", "None"}
_NAMES = sorted(FIELD_NAMES, key=len, reverse=True)
# A field name at the start of a line or after white space, then a colon or white space.
# A field name at the start of a line or after white space, then a colon or white space;
# boxes space a name's characters out (`标 题`, `文   号`).
_FIELD = re.compile(
    r"(?:^|(?<=[\s|｜,，;；]))\s*(?P<name>"
    + "|".join(r"\s*".join(map(re.escape, n.replace(" ", ""))) for n in _NAMES)
    + r")\s*(?P<colon>[:：]|\s|$)"
)
_BULLETS = "•·●◆■▪-*>【】[] \t|｜"
PUBLISHED = re.compile(r"(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}日?(?:\s+\d{1,2}:\d{2})?)")
_DOC_NUMBER = re.compile(r"\S{1,14}?[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*第?\s*\d+\s*号")


def is_none(value: str) -> bool:
    """Whether a field's value says there is none (`文号：无`)."""
    return value.strip(" 　:：") in _NONE_VALUES or not value.strip(" 　:：")


def parse_fields(line: str) -> list[tuple[str, str]]:
    """The (field, value) pairs of a header line, or [] when the line is not one.

    A line is a header line when it opens with a field name followed by a colon (or, in a
    flattened box, by white space and a value), and everything on it is field and value.
    """
    original = line.strip().lstrip(_BULLETS).rstrip("】]|｜ ")
    # Names are matched in simplified characters (發布機構 is 发布机构); values stay as
    # written where the conversion keeps the line's length.
    simplified = to_simplified(original)
    text = simplified
    written = original if len(original) == len(simplified) else simplified
    name_only = "".join(text.split()).rstrip(":：")
    if name_only in FIELD_NAMES:
        # A box whose name cells and value cells come on lines of their own.
        return [(FIELD_NAMES[name_only], "")]
    matches = list(_FIELD.finditer(text))
    if not matches:
        return []
    colons = sum(1 for m in matches if m.group("colon") in ":：")
    prefix = text[: matches[0].start("name")]
    if prefix and (colons < 2 or len(prefix) > 40 or re.search(r"[。，,；;！？]", prefix)):
        # `XX门户网站 www.… 时间:… 来源:…`: a site's name may stand before its fields.
        return []
    if colons == 0 and len(matches) < 2 and not _flattened_value(text, matches[0]):
        # `时间就是效率`: a word that is also a field name opens an ordinary sentence.
        return []
    fields = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        value = written[match.end() : end].strip(" 　:：|｜,，;；")
        name = re.sub(r"\s+", "", match.group("name"))
        field = FIELD_NAMES.get(name) or next(
            (f for n, f in FIELD_NAMES.items() if n.replace(" ", "") == name), "other"
        )
        fields.append((field, value))
    if any(len(value) > 60 for _, value in fields):
        return []  # a sentence that happens to open with 时间 or 来源
    return fields


def _flattened_value(text: str, match: re.Match[str]) -> bool:
    """A field name, white space, then a short value with no sentence in it: a box
    without colons (`标 题 县政府办2022年度…报告`, `信息索引号 0010/2025-20657`)."""
    rest = text[match.end() :].strip()
    spaced = match.group("colon").isspace()
    return bool(rest) and spaced and len(rest) <= 60 and not re.search(r"[。，；！？]", rest)


def box_fields(rows: tuple[tuple[str, ...], ...]) -> list[tuple[str, str]]:
    """The fields of a metadata box laid out as a table (`索引号 | … | 发布机构 | …`), or []
    when the table is not one: most of its name cells must be field names."""
    fields = []
    names = 0
    cells = 0
    for row in rows:
        row = tuple(dict.fromkeys(c for c in row))  # a merged cell once
        for index in range(0, len(row) - 1, 2):
            cells += 1
            name = "".join(row[index].split()).rstrip(":：")
            field = FIELD_NAMES.get(name) or next(
                (f for n, f in FIELD_NAMES.items() if n.replace(" ", "") == name), ""
            )
            if field:
                names += 1
                fields.append((field, row[index + 1].strip()))
    return fields if cells and names >= max(2, 0.6 * cells) else []


def is_doc_number(text: str) -> bool:
    """Whether a line is a 文号 on its own (`渝府〔2024〕5号`)."""
    return bool(_DOC_NUMBER.fullmatch(text.strip()))


def find_doc_number(text: str) -> str:
    """The first 文号 written in a text, or ""."""
    found = _DOC_NUMBER.search(text)
    return found.group().strip() if found else ""


def is_header_line(text: str) -> bool:
    """Whether a line belongs to a report's header box: fields, or the 文号 on its own."""
    return bool(parse_fields(text)) or is_doc_number(text)


def named(value: str) -> str:
    """A publisher written as a name, not a system's code (`gyz1`)."""
    return value if re.search(r"[\u4e00-\u9fff]", value) else ""


def organization_of(title: str) -> str:
    """The body a title names as its author (`XX街道办事处2022年…报告`), or ""."""
    found = re.match(r"^([\u4e00-\u9fff]{2,30}?(?:人民政府办公室|人民政府|办事处|委员会))", title)
    return found.group(1) if found else ""


def day_of(published: str) -> str:
    """The day of a publication time (`2021-03-02 10:12` gives `2021-03-02`)."""
    found = PUBLISHED.search(published)
    return found.group(1).split()[0] if found else published


# The parts of the national format of a 政府信息公开工作年度报告.
XXGK_PARTS = re.compile(r"主动公开政府信息情况|收到和处理政府信息公开申请|政府信息公开行政复议")


def report_kind(title: str, passages: list[Passage]) -> str:
    """Which kind of report this is, from its title, else from its parts."""
    title = to_simplified(title)
    if "政府信息公开" in title or "政务公开工作年度报告" in title:
        return "xxgk"
    if re.search(r"法治政府|依法行政|法治建设", title):
        return "fazhi"
    headings = " ".join(" ".join(p.section_path) for p in passages)
    if XXGK_PARTS.search(headings):
        return "xxgk"
    if "法治政府" in headings or sum("法治政府" in p.text for p in passages) >= 3:
        return "fazhi"
    return ""
