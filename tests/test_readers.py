"""The format readers agree on one report written in every format, and fail cleanly."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document as new_docx
from docx.document import Document as DocxDocument

from retrieval.errors import CorruptDocument, DocumentError, EmptyDocument, UnsupportedFormat
from retrieval.model import Block, RawDocument
from retrieval.readers import SUPPORTED_SUFFIXES, read_bytes, read_document
from tests.report_fixtures import (
    BAD_FILES,
    REPORT_FILES,
    ReportText,
    write_bad_files,
)

# (fixture key, RawDocument.format, encoding, whether tables come out as table blocks)
FORMATS = [
    ("utf8_txt", "txt", "utf-8", False),
    ("bom_txt", "txt", "utf-8-sig", False),
    ("gbk_txt", "txt", "gbk", False),
    ("md", "md", "utf-8", True),
    ("html", "html", "gbk", True),
    ("docx", "docx", None, True),
    ("pdf", "pdf", None, True),  # a ruled table, read with pdfplumber
]


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One broken file for each way reading can fail."""
    return write_bad_files(tmp_path_factory.mktemp("bad"))


def _normalized(text: str) -> str:
    """Collapse whitespace so layout differences between formats do not count."""
    return " ".join(text.split())


def _paragraph_texts(document: RawDocument) -> list[str]:
    """The document's non-table block texts, whitespace collapsed."""
    return [_normalized(block.text) for block in document.blocks if not block.rows]


def _expected_texts(report: ReportText, key: str) -> list[str]:
    """What a reader should give: text files keep a table as its tab-separated lines."""
    texts = [_normalized(text) for text in report.paragraphs()]
    if key.endswith("_txt"):
        at = texts.index(report.table_caption) + 1
        texts[at:at] = [" ".join(row) for row in report.table]
    return texts


def _without_table_lines(texts: list[str], report: ReportText) -> list[str]:
    """Drop PDF lines that are only table cells: pdfminer gives no table structure."""
    cells = {cell for row in report.table for cell in row}
    return [text for text in texts if not set(text.split()) <= cells]


@pytest.mark.parametrize(("key", "document_format", "encoding", "has_tables"), FORMATS)
def test_every_format_gives_the_same_paragraphs(
    report_files: dict[str, Path],
    report: ReportText,
    key: str,
    document_format: str,
    encoding: str | None,
    has_tables: bool,
) -> None:
    document = read_document(report_files[key])
    actual = _paragraph_texts(document)
    if document_format == "pdf":
        actual = _without_table_lines(actual, report)
    assert actual == _expected_texts(report, key)
    assert document.format == document_format
    assert document.source == REPORT_FILES[key]


@pytest.mark.parametrize(("key", "document_format", "encoding", "has_tables"), FORMATS)
def test_tables_are_table_blocks(
    report_files: dict[str, Path],
    report: ReportText,
    key: str,
    document_format: str,
    encoding: str | None,
    has_tables: bool,
) -> None:
    document = read_document(report_files[key])
    tables = [(block.text, block.rows) for block in document.blocks if block.rows]
    text = "\n".join(" | ".join(row) for row in report.table)
    assert tables == ([(text, report.table)] if has_tables else [])


@pytest.mark.parametrize(("key", "document_format", "encoding", "has_tables"), FORMATS)
def test_detected_encoding(
    report_files: dict[str, Path],
    key: str,
    document_format: str,
    encoding: str | None,
    has_tables: bool,
) -> None:
    assert read_document(report_files[key]).encoding == encoding


@pytest.mark.parametrize("key", sorted(REPORT_FILES))
def test_read_bytes_equals_read_document(report_files: dict[str, Path], key: str) -> None:
    path = report_files[key]
    assert read_bytes(path.name, path.read_bytes()) == read_document(path)


def test_bom_is_not_part_of_the_first_block(report_files: dict[str, Path]) -> None:
    first = read_document(report_files["bom_txt"]).blocks[0]
    assert first.text == "索 引 号: SM05100-0100-2021-00001"


@pytest.mark.parametrize(
    "content",
    [
        "清流县人民政府关于2020年法治政府建设情况的报告。".encode("gb18030"),
        "赵钱孙李，周吴郑王。".encode("gbk"),
    ],
)
def test_short_gbk_text_is_not_misdetected(content: bytes) -> None:
    document = read_bytes("short.txt", content)
    assert document.blocks[0].text == content.decode("gb18030")


def test_html_keeps_the_article_and_title_and_drops_the_site(
    report_files: dict[str, Path], report: ReportText
) -> None:
    document = read_document(report_files["html"])
    text = "\n".join(block.text for block in document.blocks)
    boilerplate = [
        "设为首页", "当前位置", "政务服务", "分享到", "打印本页", "关闭窗口", "相关文章",
        "清流县2019年法治政府建设情况报告", "主办单位", "闽ICP备", "统计代码", "访问量",
        "font-family",
    ]  # fmt: skip
    assert [word for word in boilerplate if word in text] == []
    assert document.title_hints[0] == report.title
    assert [block.text for block in document.blocks[:4]] == list(report.header)
    assert [block.text for block in document.blocks[-3:]] == list(report.closing)


def test_html_title_falls_back_to_the_title_element() -> None:
    page = (
        "<html><head><title>桐溪县2020年法治政府建设情况报告</title></head><body><article>"
        + "<p>2020年，桐溪县坚持以习近平法治思想为指导，推进法治政府建设。</p>" * 5
        + "</article></body></html>"
    )
    document = read_bytes("page.htm", page.encode("utf-8"))
    assert "桐溪县2020年法治政府建设情况报告" in document.title_hints


def test_html_line_breaks_split_blocks() -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "</head><body><div class='content'>"
        + "<p>2020年，桐溪县坚持以习近平法治思想为指导，推进法治政府建设。</p>" * 5
        + "<p>桐溪县人民政府<br>2021年1月20日</p></div></body></html>"
    )
    document = read_bytes("page.html", page.encode("gb2312"))
    assert [block.text for block in document.blocks[-2:]] == ["桐溪县人民政府", "2021年1月20日"]
    assert document.encoding == "gbk"


def test_pdf_blocks_carry_pages_and_no_page_numbers(
    report_files: dict[str, Path], report: ReportText
) -> None:
    document = read_document(report_files["pdf"])
    pages = [block.page for block in document.blocks]
    assert pages == sorted(pages)
    assert pages[0] == 1
    assert pages[-1] > 1
    page_numbers = [f"- {page} -" for page in range(1, pages[-1] + 1)]
    assert [block.text for block in document.blocks if block.text in page_numbers] == []
    closing = [block for block in document.blocks if block.text == report.closing[0]]
    assert [block.page for block in closing] == [pages[-1]]


def test_markdown_markup_is_stripped() -> None:
    content = (
        "# 标题\n\n- 索 引 号: X1\n* **发布机构**: 某县\n\n> 引文 _强调_\n\n---\n\n"
        "正文 [链接](http://example.org) 和 `代码` 以及 \\*星号\\*。\n"
        "| 指标 | 数量 |\n|:---|---:|\n| 案件 | 3 |\n"
    )
    document = read_bytes("report.md", content.encode("utf-8"))
    assert document.blocks == (
        Block(text="标题"),
        Block(text="索 引 号: X1"),
        Block(text="发布机构: 某县"),
        Block(text="引文 强调"),
        Block(text="正文 链接 和 代码 以及 *星号*。"),
        Block(text="指标 | 数量\n案件 | 3", rows=(("指标", "数量"), ("案件", "3"))),
    )
    assert document.title_hints == ("标题",)


def test_menu_page_without_semantic_tags_is_empty() -> None:
    page = (
        "<html><head><title>桐溪县人民政府</title></head><body><div class='nav'>"
        "<a href='/'>首页</a>|<a href='/a'>政务公开</a>|<a href='/b'>政务服务</a>"
        "<a href='/c'>互动交流</a></div><div class='foot'>版权所有 桐溪县人民政府</div>"
        "</body></html>"
    )
    with pytest.raises(EmptyDocument):
        read_bytes("menu.html", page.encode("utf-8"))


def test_big5_text_is_detected() -> None:
    line = (
        "桐溪縣法治政府建設情況報告。依法行政，推進政務公開，加強行政執法監督，化解社會矛盾糾紛。"
    )
    document = read_bytes("report.txt", f"{line}\n{line}\n".encode("big5"))
    assert [block.text for block in document.blocks] == [line, line]


def _docx(build: Callable[[DocxDocument], None]) -> bytes:
    """Save a Word file that `build` filled in."""
    document = new_docx()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_merged_cells_fill_every_place_they_span() -> None:
    def build(document: DocxDocument) -> None:
        table = document.add_table(rows=3, cols=3)
        table.cell(0, 0).merge(table.cell(0, 2)).text = "2020年案件情况"
        table.cell(1, 0).merge(table.cell(2, 0)).text = "行政复议"
        for row, (label, count) in zip((1, 2), (("受理", "2"), ("撤回", "1")), strict=True):
            table.cell(row, 1).text = label
            table.cell(row, 2).text = count

    document = read_bytes("merged.docx", _docx(build))
    # A horizontal merge repeats over its columns, a vertical one down its rows, so every
    # row and column keeps its headers.
    assert [block.rows for block in document.blocks] == [
        (("2020年案件情况",) * 3, ("行政复议", "受理", "2"), ("行政复议", "撤回", "1")),
    ]


def test_docx_one_column_layout_table_gives_paragraphs() -> None:
    def build(document: DocxDocument) -> None:
        document.add_paragraph("前言")
        frame = document.add_table(rows=1, cols=1).cell(0, 0)
        frame.text = "一、坚持党的领导"
        frame.add_paragraph("（一）党的领导贯穿法治政府建设各方面。")
        document.add_paragraph("桐溪县人民政府\n2021年1月20日")

    document = read_bytes("frame.docx", _docx(build))
    assert document.blocks == (
        Block(text="前言"),
        Block(text="一、坚持党的领导"),
        Block(text="（一）党的领导贯穿法治政府建设各方面。"),
        Block(text="桐溪县人民政府"),
        Block(text="2021年1月20日"),
    )


@pytest.mark.parametrize(("name", "error"), sorted(BAD_FILES.items()))
def test_bad_files_raise_the_right_error(
    bad_files: dict[str, Path], name: str, error: type[DocumentError]
) -> None:
    with pytest.raises(error) as raised:
        read_document(bad_files[name])
    assert type(raised.value) is error
    message = str(raised.value)
    assert message.startswith(f"{name}: ")
    assert "\n" not in message


@pytest.mark.parametrize(("name", "error"), sorted(BAD_FILES.items()))
def test_bad_bytes_raise_the_same_error(
    bad_files: dict[str, Path], name: str, error: type[DocumentError]
) -> None:
    with pytest.raises(error):
        read_bytes(name, bad_files[name].read_bytes())


@pytest.mark.parametrize("name", ["report.docx", "report.pdf", "report.html", "report.md"])
def test_whitespace_only_files_are_empty(name: str) -> None:
    with pytest.raises(EmptyDocument):
        read_bytes(name, b" \n\t\n")


def test_missing_suffix_is_unsupported() -> None:
    with pytest.raises(UnsupportedFormat):
        read_bytes("README", b"text")


def test_supported_suffixes() -> None:
    assert SUPPORTED_SUFFIXES == (".txt", ".md", ".html", ".htm", ".docx", ".pdf")


def test_a_pdf_line_that_starts_with_a_decimal_continues_its_paragraph(tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen.canvas import Canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "decimal.pdf"
    canvas = Canvas(str(path), pagesize=A4)
    canvas.setFont("STSong-Light", 12)
    lines = ["全市政务服务事项实现一网通办的比例达到九成以上审批时限平均压缩", "17.5%。下一句话。"]
    for number, line in enumerate(lines):
        canvas.drawString(72, 760 - 16 * number, line)
    canvas.save()
    texts = [block.text for block in read_document(path).blocks]
    assert texts == ["".join(lines)]


def test_a_damaged_pdf_is_one_clear_error_not_a_table_reader_crash() -> None:
    with pytest.raises(CorruptDocument, match="the PDF is damaged"):
        read_bytes("broken.pdf", b"%PDF-1.4 garbage, no objects")
