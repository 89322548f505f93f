"""Tests for retrieval.structure: the bundled report's layout and synthetic variants of it."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from retrieval.metadata import parse_fields
from retrieval.model import Block, Document, RawDocument
from retrieval.structure import (
    METADATA_SECTION,
    SHORTCOMINGS_SECTION,
    SIGNATURE_SECTION,
    build_document,
)

PARTS = (
    "一、坚持党的领导，认真履行推进法治建设第一责任人职责",
    "二、推进行政决策科学化、民主化、法治化",
    "三、推进互联网+政务服务，优化营商环境",
    "四、坚持严格规范公正文明执法",
    "五、坚持运用法治思维和方式化解社会矛盾纠纷",
    "六、坚持有权必有责，强化责任落实",
)

# Every subsection of the bundled report, as its heading reads up to the first 。.
SUBSECTIONS = (
    (PARTS[0], "（一）党的领导贯穿法治政府建设各方面"),
    (PARTS[0], "（二）主要领导认真履行推进法治建设第一责任人职责"),
    (PARTS[0], "（三）全面落实领导干部学法制度"),
    (PARTS[0], "（四）强化法治政府建设工作的督查考核"),
    (PARTS[1], "（一）严格依照法定程序作出行政决策"),
    (PARTS[1], "（二）完善政府法律顾问制度"),
    (PARTS[1], "（三）强化行政决策合法性审查"),
    (PARTS[2], "（一）加快“放管服”改革"),
    (PARTS[2], "（二）着力优化法治化营商环境"),
    (PARTS[2], "（三）抓好12345便民服务工作"),
    (PARTS[3], "（一）持续深化综合行政执法改革"),
    (PARTS[3], "（二）加强行政执法队伍建设和管理"),
    (PARTS[3], "（三）全面推行行政执法“三项制度”"),
    (PARTS[3], "（四）健全行政执法和刑事司法街接机制"),
    (PARTS[3], "（五）坚持依法防控，为疫情防控和复工复产提供法治保障"),
    (PARTS[4], "（一）做好矛盾纠纷排查化解工作"),
    (PARTS[4], "（二）纵深推进扫黑除恶斗争"),
    (PARTS[4], "（三）强化行政复议和应诉工作"),
    (PARTS[4], "（四）推进信访工作法治化"),
    (PARTS[4], "（五）加强普法宣传教育"),
    (PARTS[5], "（一）强化行政权力监督"),
    (PARTS[5], "（二）深入推进政务公开"),
)

LEFTOVERS = (
    "附件下载",
    "扫一扫在手机上查看当前页面",
    "相关解读",
    "此件主动公开",
    "来源:清流县公开办",
)


def raw(*lines: str, source: str = "report.txt", **hints: Any) -> RawDocument:
    """A RawDocument with one block per line, as the text reader would give."""
    fmt = hints.pop("format", "txt")
    return RawDocument(
        source=source, format=fmt, blocks=tuple(Block(line) for line in lines), **hints
    )


def sections(document: Document) -> list[tuple[tuple[str, ...], str]]:
    """Each body passage's section path and text (the metadata passage left out)."""
    return [(p.section_path, p.text) for p in document.passages[1:]]


# --- the bundled report ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("index_number", "SM05100-0100-2021-00001"),
        ("doc_number", "清政文〔2021〕1号"),
        ("publisher", "清流县人民政府"),
        ("date", "2021-01-05"),
        ("title", "清流县2020年法治政府建设情况报告"),
        ("source", "qingliu-2020-fazhi-report.txt"),
        ("format", "txt"),
    ],
)
def test_bundled_metadata(bundled_document: Document, field: str, expected: str) -> None:
    assert getattr(bundled_document.meta, field) == expected


def test_bundled_parts_in_order_with_lost_numerals_restored(bundled_document: Document) -> None:
    parts = [p.section_path[0] for p in bundled_document.passages if len(p.section_path) == 2]
    assert list(dict.fromkeys(parts)) == list(PARTS)


def test_bundled_subsection_counts_per_part(bundled_document: Document) -> None:
    paths = {p.section_path for p in bundled_document.passages if len(p.section_path) == 2}
    counts = Counter(part for part, _ in paths)
    assert [counts[part] for part in PARTS] == [4, 3, 3, 5, 5, 2]


def test_bundled_inline_subsection_headings(bundled_document: Document) -> None:
    paths = [p.section_path for p in bundled_document.passages if len(p.section_path) == 2]
    assert paths == list(SUBSECTIONS)


def test_bundled_sections_in_reading_order(bundled_document: Document) -> None:
    paths = list(dict.fromkeys(p.section_path for p in bundled_document.passages))
    expected = [
        (METADATA_SECTION,),
        ("2020年主要工作",),
        *SUBSECTIONS,
        (SHORTCOMINGS_SECTION,),
        ("2021年工作思路",),
        (SIGNATURE_SECTION,),
    ]
    assert paths == expected


def test_bundled_shortcomings_paragraph_is_its_own_section(bundled_document: Document) -> None:
    texts = [
        p.text for p in bundled_document.passages if p.section_path == (SHORTCOMINGS_SECTION,)
    ]
    assert len(texts) == 1
    assert texts[0].startswith("在看到成绩的同时")
    assert "短板和弱项" in texts[0]


def test_bundled_plans_for_next_year_are_their_own_section(bundled_document: Document) -> None:
    texts = [p.text for p in bundled_document.passages if p.section_path == ("2021年工作思路",)]
    assert len(texts) == 2
    assert texts[0].startswith("2021年,我县法治政府建设的总的指导思想是")
    assert texts[1].startswith("总的工作要求是:一是贯彻市委市政府")


def test_bundled_signature_and_date_without_day(bundled_document: Document) -> None:
    last = bundled_document.passages[-1]
    assert (last.section_path, last.text) == ((SIGNATURE_SECTION,), "清流县人民政府 2021年1月5")


def test_bundled_signature_is_not_a_body_paragraph(bundled_document: Document) -> None:
    body = [p.text for p in bundled_document.passages if p.section_path != (SIGNATURE_SECTION,)]
    assert "清流县人民政府" not in body
    assert not any(text.endswith("2021年1月5") for text in body)


@pytest.mark.parametrize("leftover", LEFTOVERS)
def test_bundled_web_leftovers_are_not_passages(bundled_document: Document, leftover: str) -> None:
    assert not any(leftover in p.text for p in bundled_document.passages)


def test_bundled_header_lines_are_not_body_passages(bundled_document: Document) -> None:
    body = [p.text for p in bundled_document.passages[1:]]
    assert "清流县2020年法治政府建设情况报告" not in body
    assert "清政文〔2021〕1号" not in body
    assert not any(text.startswith("•") for text in body)


def test_bundled_passages_know_document_section_and_paragraph(
    bundled_document: Document,
) -> None:
    passages = bundled_document.passages
    assert len(passages) == 28
    assert {p.doc_id for p in passages} == {bundled_document.meta.doc_id}
    assert all(p.section_path for p in passages)
    assert [p.paragraph for p in passages] == list(range(len(passages)))


def test_bundled_paragraph_zero_is_the_metadata(bundled_document: Document) -> None:
    first = bundled_document.passages[0]
    assert first.section_path == (METADATA_SECTION,)
    assert first.text == (
        "标题：清流县2020年法治政府建设情况报告；文号：清政文〔2021〕1号；"
        "发布机构：清流县人民政府；成文日期：2021-01-05；发布时间：2021-01-05 16:23；"
        "索引号：SM05100-0100-2021-00001"
    )


def test_bundled_passage_text_is_kept_as_written(bundled_document: Document) -> None:
    passage = next(p for p in bundled_document.passages if "10000余份" in p.text)
    assert passage.section_path == (PARTS[4], "（五）加强普法宣传教育")
    assert passage.text.startswith("(五)加强普法宣传教育。以严格落实")
    assert passage.text.endswith("现场咨询解答300余人。")


def test_doc_id_is_a_digest_of_the_text() -> None:
    first = build_document(raw("某县2020年法治政府建设情况报告", "一、工作", "（一）甲。正文。"))
    renamed = build_document(
        raw("某县2020年法治政府建设情况报告", "一、工作", "（一）甲。正文。", source="other.txt")
    )
    changed = build_document(raw("某县2020年法治政府建设情况报告", "一、工作", "（一）甲。改了。"))
    assert first.meta.doc_id == renamed.meta.doc_id
    assert first.meta.doc_id != changed.meta.doc_id
    assert len(first.meta.doc_id) == 12


# --- metadata lines --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("• 索 引 号: SM05100-0100-2021-00001", [("index_number", "SM05100-0100-2021-00001")]),
        ("  • 备注/文号: 清政文〔2021〕1号", [("doc_number", "清政文〔2021〕1号")]),
        ("发文字号：桐政〔2021〕5号", [("doc_number", "桐政〔2021〕5号")]),
        ("发文机关：桐溪县人民政府", [("publisher", "桐溪县人民政府")]),
        ("成文日期：2021年02月01日", [("date", "2021年02月01日")]),
        ("· 公文生成日期 : 2021-01-05", [("generated", "2021-01-05")]),
        ("来源:清流县公开办", [("source_org", "清流县公开办")]),
        (
            "来源：鹤川县司法局 时间：2021-03-02 10:12",
            [("source_org", "鹤川县司法局"), ("published", "2021-03-02 10:12")],
        ),
        ("文号：无", [("doc_number", "无")]),
        (
            "信息索引号 001008001003040/2025-20657 文件编号",
            [("index_number", "001008001003040/2025-20657"), ("doc_number", "")],
        ),
        (
            "某市人民政府门户网站 www.example.gov.cn 时间:2023-03-07 来源:某县人民政府",
            [("published", "2023-03-07"), ("source_org", "某县人民政府")],
        ),
        ("主题分类：政务公开", [("topic", "政务公开")]),
        ("总的工作要求是:一是贯彻市委市政府争创全国法治政府建设示范市工作要求", []),
        ("时间就是效率，全年办结审批事项1200件", []),
        ("没有冒号的一行", []),
    ],
)
def test_parse_fields(line: str, expected: list[tuple[str, str]]) -> None:
    assert parse_fields(line) == expected


# --- synthetic reports -----------------------------------------------------------------------


def test_report_without_metadata_header_takes_title_from_first_line() -> None:
    document = build_document(
        raw(
            "桐溪县2020年法治政府建设情况报告",
            "一、深化“放管服”改革",
            "（一）优化审批服务。全年办理审批事项1200件。",
            "桐溪县人民政府",
            "2021年2月1日",
        )
    )
    meta = document.meta
    assert (meta.title, meta.doc_number, meta.index_number) == (
        "桐溪县2020年法治政府建设情况报告",
        "",
        "",
    )
    # Without a header, the signature names the publisher and dates the report.
    assert (meta.publisher, meta.date) == ("桐溪县人民政府", "2021年2月1日")
    assert sections(document) == [
        (
            ("一、深化“放管服”改革", "（一）优化审批服务"),
            "（一）优化审批服务。全年办理审批事项1200件。",
        ),
        ((SIGNATURE_SECTION,), "桐溪县人民政府 2021年2月1日"),
    ]


def test_report_without_any_title_falls_back_to_the_file_name() -> None:
    document = build_document(raw("一、工作", "（一）甲。正文。", source="no-title.txt"))
    assert document.meta.title == "no-title.txt"
    assert sections(document) == [(("一、工作", "（一）甲"), "（一）甲。正文。")]


_OWN_LINE_BUG = (
    "bug: a subsection heading of 16 characters or fewer on its own line is taken by "
    "_Builder._part_heading as an unnumbered chapter, so the part heading is dropped "
    "from section_path"
)


@pytest.mark.parametrize(
    "heading",
    [
        pytest.param(
            "（一）优化审批",
            id="short",
        ),
        pytest.param("（一）持续优化行政审批服务流程提升群众办事体验", id="long"),
    ],
)
def test_subsection_heading_on_its_own_line(heading: str) -> None:
    document = build_document(
        raw(
            "桐溪县2020年法治政府建设情况报告",
            "一、深化放管服改革",
            heading,
            "全年办理审批事项1200件。",
            "开展双随机抽查30次。",
            "二、化解矛盾纠纷",
            "(二)加强调解工作。调处纠纷80件。",
        )
    )
    assert sections(document) == [
        (("一、深化放管服改革", heading), "全年办理审批事项1200件。"),
        (("一、深化放管服改革", heading), "开展双随机抽查30次。"),
        (("二、化解矛盾纠纷", "（二）加强调解工作"), "(二)加强调解工作。调处纠纷80件。"),
    ]


def test_paragraph_mentioning_problems_under_own_line_heading_stays_in_its_subsection() -> None:
    heading = "（一）持续优化行政审批服务流程提升群众办事体验"
    document = build_document(
        raw(
            "桐溪县2020年法治政府建设情况报告",
            "一、深化放管服改革",
            heading,
            "认真解决企业反映的突出问题，办结率100%。",
        )
    )
    assert sections(document) == [
        (("一、深化放管服改革", heading), "认真解决企业反映的突出问题，办结率100%。")
    ]


def test_part_numerals_beyond_ten_and_lost_ones_after_them() -> None:
    document = build_document(
        raw(
            "某县2020年法治政府建设情况报告",
            "十、第十部分",
            "（一）甲。正文甲。",
            "十一、第十一部分",
            "（一）乙。正文乙。",
            "、第十二部分",
            "（一）丙。正文丙。",
        )
    )
    assert [path for path, _ in sections(document)] == [
        ("十、第十部分", "（一）甲"),
        ("十一、第十一部分", "（一）乙"),
        ("十二、第十二部分", "（一）丙"),
    ]


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("（一）全宽括号。正文。", "（一）全宽括号"),
        ("(二)半宽括号。正文。", "（二）半宽括号"),
        ("(三）左半右全。正文。", "（三）左半右全"),
        ("（四)左全右半。正文。", "（四）左全右半"),
        ("( 五 )括号内有空格。正文。", "（五）括号内有空格"),
        ("(六)标题,带半宽逗号;和分号。正文。", "（六）标题，带半宽逗号；和分号"),
        ("(七)标题问句吗？正文。", "（七）标题问句吗"),
        ("(八)" + "长" * 41 + "。正文。", "（八）"),
    ],
)
def test_inline_subsection_heading(line: str, heading: str) -> None:
    document = build_document(raw("某县2020年法治政府建设情况报告", "一、工作", line))
    assert sections(document) == [(("一、工作", heading), line)]


def test_gbk_style_report_with_full_width_marks() -> None:
    # What a GB18030 text export of a government site looks like once decoded:
    # full-width colons in the header and full-width brackets and commas throughout.
    document = build_document(
        RawDocument(
            source="tongxi-gbk.txt",
            format="txt",
            encoding="gb18030",
            blocks=tuple(
                Block(line)
                for line in (
                    "索引号：TX00200-0100-2021-00005",
                    "发文字号：桐政〔2021〕5号",
                    "发文机关：桐溪县人民政府",
                    "成文日期：2021-02-01",
                    "桐溪县2020年法治政府建设情况报告",
                    "一、坚持党的领导，认真履行第一责任人职责",
                    "（一）党的领导贯穿法治政府建设各方面。县委召开专题会议3次。",
                    "（二）全面落实领导干部学法制度。全年学法12次。",
                    "\u3000\u3000桐溪县人民政府",
                    "2021年2月1日",
                )
            ),
        )
    )
    meta = document.meta
    assert (meta.index_number, meta.doc_number, meta.publisher, meta.date, meta.title) == (
        "TX00200-0100-2021-00005",
        "桐政〔2021〕5号",
        "桐溪县人民政府",
        "2021-02-01",
        "桐溪县2020年法治政府建设情况报告",
    )
    part = "一、坚持党的领导，认真履行第一责任人职责"
    assert sections(document) == [
        (
            (part, "（一）党的领导贯穿法治政府建设各方面"),
            "（一）党的领导贯穿法治政府建设各方面。县委召开专题会议3次。",
        ),
        (
            (part, "（二）全面落实领导干部学法制度"),
            "（二）全面落实领导干部学法制度。全年学法12次。",
        ),
        ((SIGNATURE_SECTION,), "桐溪县人民政府 2021年2月1日"),
    ]


def test_html_title_hint_is_used_when_the_page_has_no_title_line() -> None:
    document = build_document(
        raw(
            "2020年,我县坚持依法行政,法治政府建设取得新成效。",
            "一、工作",
            "（一）甲。正文。",
            format="html",
            title_hints=("桐溪县2020年法治政府建设情况报告",),
        )
    )
    assert document.meta.title == "桐溪县2020年法治政府建设情况报告"
    assert document.meta.format == "html"
    assert sections(document)[0] == ((), "2020年,我县坚持依法行政,法治政府建设取得新成效。")


def test_title_line_wins_over_html_title_hint() -> None:
    document = build_document(
        raw(
            "桐溪县2020年法治政府建设情况报告",
            "一、工作",
            "（一）甲。正文。",
            format="html",
            title_hints=("桐溪县2020年法治政府建设情况报告_桐溪县人民政府网",),
        )
    )
    assert document.meta.title == "桐溪县2020年法治政府建设情况报告"


def test_leftovers_end_the_article_and_notes_are_skipped() -> None:
    document = build_document(
        raw(
            "某县2020年法治政府建设情况报告",
            "一、工作",
            "（一）甲。正文。",
            "（此件公开发布）",
            "相关链接",
            "（二）乙。这一段在网页的残留之后，不属于正文。",
        )
    )
    assert sections(document) == [(("一、工作", "（一）甲"), "（一）甲。正文。")]


def test_table_row_is_a_passage_cited_by_its_row() -> None:
    rows = (("项目", "数量"), ("行政复议", "2件"))
    document = build_document(
        RawDocument(
            source="t.docx",
            format="docx",
            blocks=(
                Block("某县2020年法治政府建设情况报告"),
                Block("一、工作"),
                Block("（一）甲。正文。"),
                Block("项目 | 数量\n行政复议 | 2件", rows=rows),
            ),
        )
    )
    table = document.passages[-1]
    assert (table.section_path, table.text, table.rows, table.row_path) == (
        ("一、工作", "（一）甲", "行政复议"),
        "行政复议：数量 2件",
        rows,
        ("行政复议",),
    )


def test_arabic_numbered_subsections_where_a_part_has_no_chinese_ones() -> None:
    document = build_document(
        raw(
            "柏山市2020年法治政府建设情况报告",
            "一、深化放管服改革",
            "1.优化审批流程。全年办理审批事项1200件，平均用时1.5天。",
            "2、推进一网通办。网上可办率98%。",
            "二、化解矛盾纠纷",
            "（一）加强调解。调处纠纷80件。",
            "1.人民调解。成功率99%。",
        )
    )
    assert [p.section_path for p in document.passages[1:]] == [
        ("一、深化放管服改革", "1.优化审批流程"),
        ("一、深化放管服改革", "2.推进一网通办"),
        ("二、化解矛盾纠纷", "（一）加强调解"),
        ("二、化解矛盾纠纷", "（一）加强调解"),  # under （一） a 1. is a third level
    ]


def test_the_shortcomings_paragraph_closes_a_part_without_subsections() -> None:
    document = build_document(
        raw(
            "柏山市2020年法治政府建设情况报告",
            "六、自觉接受监督",
            "全年办理人大代表建议286件。",
            "在肯定成绩的同时，我们也清醒认识到，我市法治政府建设还存在一些短板。",
        )
    )
    assert [p.section_path for p in document.passages[1:]] == [
        ("六、自觉接受监督",),
        ("存在的问题和不足",),
    ]
