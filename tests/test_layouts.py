"""Layout rules, each on the pattern it handles: titles, metadata, furniture, run-on text.

Every case is a small report written the way portals and offices publish them; the rule
under test is named in the test, and none is keyed to one document's wording.
"""

from __future__ import annotations

import io

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate

from retrieval.furniture import is_furniture
from retrieval.layout import split_run_on
from retrieval.model import Block, Document, RawDocument
from retrieval.readers import read_bytes
from retrieval.structure import build_document
from retrieval.title import clean_hint, title_score

BODY = (
    "2022年，全县坚持以习近平法治思想为指导，扎实推进依法行政，法治政府建设取得新成效。",
    "一、主要工作及成效",
    "（一）强化组织领导。县政府常务会议专题研究法治政府建设工作6次。",
    "（二）深化放管服改革。全县政务服务事项网上可办率达到98.6%。",
)


BAISHA = "白沙县2022年法治政府建设情况报告"
LINJIANG = "临江市人民政府关于2022年度法治政府建设情况的报告"


def report(*lines: str, fmt: str = "txt", hints: tuple[str, ...] = ()) -> Document:
    blocks = tuple(Block(line) for line in lines)
    return build_document(RawDocument("r." + fmt, fmt, blocks, title_hints=hints))


# --- titles ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "furniture",
    [
        "今天是:2019年10月31日 星期三 农历十月初七",  # a portal's date-of-today line
        "首页 > 政务公开 > 工作报告",  # a breadcrumb
        "您所在的位置:政务公开 > 工作报告",
        "字号：大 中 小",  # a widget
        "Menu",  # a lone menu label
        "专注分享国内外新闻资讯",  # a news site's slogan
        "工作报告",  # the section a portal files the page under
    ],
)
def test_lines_above_the_title_never_become_the_title_or_a_section(furniture: str) -> None:
    document = report(furniture, BAISHA, *BODY)
    headings = {h for p in document.passages for h in p.section_path}
    assert (document.meta.title, furniture in headings) == (
        BAISHA,
        False,
    )


def test_a_title_printed_over_two_lines_is_joined() -> None:
    document = report(
        "临江市人民政府关于2022年度", "法治政府建设情况的报告", "临府〔2023〕2号", *BODY
    )
    assert (document.meta.title, document.meta.doc_number) == (
        LINJIANG,
        "临府〔2023〕2号",
    )


def test_a_metadata_box_above_the_title_is_read_not_taken_for_the_title() -> None:
    document = report(
        "信息索引号：11350400MB0000000X/2023-00012",
        "主题分类：政务公开",
        "发文字号：无",
        "发布机构：南屏镇人民政府",
        "南屏镇人民政府2022年政府信息公开工作年度报告",
        *BODY,
    )
    meta = document.meta
    assert (meta.title, meta.doc_number, meta.publisher, meta.topic, meta.kind) == (
        "南屏镇人民政府2022年政府信息公开工作年度报告",
        "",
        "南屏镇人民政府",
        "政务公开",
        "xxgk",
    )


def test_the_file_name_is_the_title_only_when_nothing_else_exists() -> None:
    document = report(*BODY[1:])
    assert (document.meta.title, document.meta.title_from) == ("r.txt", "name")


def test_the_pages_own_title_stands_in_when_the_text_has_no_title_line() -> None:
    document = report(*BODY, fmt="html", hints=(BAISHA + "-白沙县人民政府",))
    assert (document.meta.title, document.meta.title_from) == (
        BAISHA,
        "file",
    )


@pytest.mark.parametrize(
    ("hint", "expected"),
    [
        (BAISHA + "_白沙县人民政府网", BAISHA),
        ("白沙县人民政府 - " + BAISHA, BAISHA),
        ("Word 文档", ""),
    ],
)
def test_a_hint_loses_the_sites_name_and_placeholders(hint: str, expected: str) -> None:
    assert clean_hint(hint) == expected


def test_report_titles_score_above_other_lines() -> None:
    titles = (
        "商城县人民政府关于2022年法治政府建设情况的报告",
        "石桥县人民政府2022年政府信息公开工作年度报告",
    )
    others = ("2020年主要工作", "首页 > 政务公开", "省人民政府：", "发布时间：2023-03-01")
    assert min(map(title_score, titles)) > 4 > max(map(title_score, others))


# --- metadata, addressee, signature, closing ---------------------------------------------------


def test_source_and_time_line_gives_publisher_and_date_when_nothing_better_exists() -> None:
    document = report(BAISHA, "来源：白沙县司法局 时间：2023-03-02 10:12", *BODY)
    meta = document.meta
    assert (meta.publisher, meta.published, meta.date) == (
        "白沙县司法局",
        "2023-03-02 10:12",
        "2023-03-02",
    )


def test_addressee_signature_and_the_printed_closing_block() -> None:
    document = report(
        LINJIANG,
        "临府〔2023〕2号",
        "省人民政府：",
        *BODY,
        "临江市人民政府",
        "2023年1月16日",
        "抄送：市委办公室，市人大常委会办公室。",
        "临江市人民政府办公室 2023年1月18日印发",
    )
    meta = document.meta
    assert (meta.addressee, meta.publisher, meta.date) == (
        "省人民政府",
        "临江市人民政府",
        "2023年1月16日",
    )
    assert document.record == (
        "抄送：市委办公室，市人大常委会办公室。",
        "临江市人民政府办公室 2023年1月18日印发",
    )
    assert document.passages[1].section_path == ()  # the preamble, under no heading
    assert "省人民政府" not in {h for p in document.passages for h in p.section_path}


def test_name_cells_and_value_cells_on_lines_of_their_own() -> None:
    document = report("索引号", "01525772-2/20240131-00001", "文      号", "日期", "2024-01-31",
                      "杨柳乡人民政府2023年政府信息公开工作年度报告", *BODY)  # fmt: skip
    meta = document.meta
    assert (meta.index_number, meta.doc_number, meta.published) == (
        "01525772-2/20240131-00001",
        "",
        "2024-01-31",
    )


# --- furniture in the body ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    ["【打印本页】【关闭窗口】", "分享到：微信 微博 QQ空间", "ICP备案号：湘ICP备20200417号-1",
     "主办单位：白沙县人民政府办公室", "首页 政务公开 互动交流 办事服务"],
)  # fmt: skip
def test_furniture_lines(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize("line", [*BODY, "白沙县人民政府", "2023年1月16日", "（一）强化组织领导"])
def test_report_lines_are_not_furniture(line: str) -> None:
    assert not is_furniture(line)


def test_footer_lines_after_the_signature_give_no_passages() -> None:
    document = report(
        BAISHA, *BODY, "白沙县人民政府", "2023年2月26日", "【打印本页】【关闭窗口】",
        "主办单位：白沙县人民政府办公室", "ICP备案号：湘ICP备20200417号-1",
    )  # fmt: skip
    assert document.passages[-1].text == "白沙县人民政府 2023年2月26日"


# --- a report on one line ----------------------------------------------------------------------


def test_a_report_on_one_line_is_split_into_title_headings_paragraphs_and_signature() -> None:
    filler = "坚持依法行政，持续推进法治政府建设。" * 30
    one_line = (
        f"桂溪县2023年法治政府建设情况报告 2023年，桂溪县{filler}现将有关情况报告如下："
        f"一、主要工作及成效（一）强化组织领导。{filler}全年召开专题会议6次。"
        f"（二）深化放管服改革。{filler}网上可办率达到98.6%。"
        f"二、存在的问题{filler}"
        "桂溪县人民政府 2024年1月26日"
    )
    document = report(one_line)
    paths = [p.section_path for p in document.passages[1:]]
    assert document.meta.title == "桂溪县2023年法治政府建设情况报告"
    assert ("一、主要工作及成效", "（一）强化组织领导") in paths
    assert ("一、主要工作及成效", "（二）深化放管服改革") in paths
    assert (document.meta.publisher, document.meta.date) == ("桂溪县人民政府", "2024年1月26日")


def test_an_ordinary_long_paragraph_is_not_split() -> None:
    paragraph = "（一）强化组织领导。" + "全年召开专题会议6次，研究解决重点问题。" * 100
    assert split_run_on([Block(paragraph)]) == [Block(paragraph)]


# --- the file's own signals: Word and PDF -----------------------------------------------------


def test_word_title_in_large_bold_type_over_two_paragraphs_with_a_placeholder_property() -> None:
    document = docx.Document()
    document.core_properties.title = "Word 文档"
    for line in ("主题分类：政务公开", "发文机关：沅江市人民政府", "成文日期：2023年01月16日"):
        document.add_paragraph(line)
    for line in ("沅江市人民政府关于2022年度", "法治政府建设情况的报告"):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(line)
        run.bold, run.font.size = True, Pt(22)
    for line in ("沅政报〔2023〕3号", "省人民政府：", *BODY, "沅江市人民政府", "2023年1月16日"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    meta = build_document(read_bytes("r.docx", buffer.getvalue())).meta
    assert (meta.title, meta.doc_number, meta.publisher, meta.date, meta.topic) == (
        "沅江市人民政府关于2022年度法治政府建设情况的报告",
        "沅政报〔2023〕3号",
        "沅江市人民政府",
        "2023年01月16日",
        "政务公开",
    )


def test_pdf_title_in_large_type_over_two_lines_and_the_page_of_a_figure() -> None:
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("b", fontName="STSong-Light", fontSize=11, leading=18, wordWrap="CJK")
    title = ParagraphStyle("t", parent=body, fontSize=20, leading=30, alignment=TA_CENTER)
    long = "各级行政机关严格依法履职，持续推进法治政府建设。" * 80
    story = [
        Paragraph("云溪市人民政府关于2021年度", title),
        Paragraph("法治政府建设情况的报告", title),
        Paragraph("云府〔2022〕8号", body),
        Paragraph(f"一、主要工作{long}全年办理行政复议案件412件。", body),
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(story)
    document = build_document(read_bytes("r.pdf", buffer.getvalue()))
    passage = next(p for p in document.passages if "412件" in p.text)
    assert document.meta.title == "云溪市人民政府关于2021年度法治政府建设情况的报告"
    assert (passage.page, passage.page_at(passage.text.index("412件"))) == (1, 2)


def test_a_metadata_box_laid_out_as_a_table_is_header_not_body() -> None:
    box = (("信息索引号", "TY-TKZ/2021-00004", "主题分类", "政务公开"),
           ("发布机构", "檀口镇人民政府", "成文日期", "2021年01月22日"),
           ("文 号", "无", "公开方式", "主动公开"))  # fmt: skip
    blocks = (
        Block(" | ".join(box[0]), rows=box),
        Block("汀阳县檀口镇人民政府", emphasized=True),
        Block("2020年政府信息公开工作年度报告", emphasized=True),
        *(Block(line) for line in BODY),
    )
    hint = ("檀口镇2020年政府信息公开工作年度报告",)  # a portal's shortened title
    document = build_document(RawDocument("r.docx", "docx", blocks, title_hints=hint))
    meta = document.meta
    assert (meta.title, meta.index_number, meta.doc_number, meta.date) == (
        "汀阳县檀口镇人民政府2020年政府信息公开工作年度报告",
        "TY-TKZ/2021-00004",
        "",
        "2021年01月22日",
    )
    assert not any(p.rows for p in document.passages)


def test_a_title_only_named_in_the_opening_sentence() -> None:
    opening = (
        "根据条例要求,现发布《临洮县新添镇2022年政府信息公开工作年度报告》。本报告由六部分组成。"
    )
    assert report(opening, *BODY[1:]).meta.title == "临洮县新添镇2022年政府信息公开工作年度报告"


def test_a_box_without_colons_and_with_spaced_names() -> None:
    title = "县政府办2022年度政府信息公开工作年度报告"
    document = report(f"标 题 {title}", "发布机构 县政府办公室 公文时效 有效", title, *BODY)
    assert (document.meta.title, document.meta.publisher) == (
        title,
        "县政府办公室",
    )


def test_a_signature_date_run_into_the_copy_list() -> None:
    document = report(
        LINJIANG, *BODY, "临江市人民政府", "2024年3月12日抄送：省司法厅，市委办公室。"
    )
    assert (document.meta.date, document.record) == (
        "2024年3月12日",
        ("抄送：省司法厅，市委办公室。",),
    )
