"""Tables as data: grids from every format, header paths, cell facts, the chosen cell.

The national 政府信息公开 format is the model: a 申请人情况 header over 自然人, 法人或其他组织
(商业企业 …) and 总计, row groups such as 三、本年度办理结果 › （三）不予公开 › 1.属于国家秘密.
"""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

from answers.engine import Engine
from answers.telegram import render_passage
from config import Settings
from retrieval.facts import extract_facts
from retrieval.model import Block, Document, RawDocument
from retrieval.readers import read_bytes
from retrieval.structure import build_document
from retrieval.tables import join_continued, read_table

TITLE = "南屏县人民政府2022年政府信息公开工作年度报告"
# The applications table as a grid: a merged cell repeats its text over what it spans.
APPLICATIONS = (
    ("本年度情况", "本年度情况", "申请人情况", "申请人情况", "申请人情况", "申请人情况"),
    ("本年度情况", "本年度情况", "自然人", "法人或其他组织", "法人或其他组织", "总计"),
    ("本年度情况", "本年度情况", "自然人", "商业企业", "科研机构", "总计"),
    (
        "一、本年新收政府信息公开申请数量",
        "一、本年新收政府信息公开申请数量",
        "412",
        "80",
        "18",
        "510",
    ),
    ("三、本年度办理结果", "（一）予以公开", "200", "40", "10", "250"),
    ("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", "0", "0", "0"),
)


def _document(*blocks: Block) -> Document:
    head = (Block(TITLE), Block("三、收到和处理政府信息公开申请情况"))
    return build_document(RawDocument("r.txt", "txt", (*head, *blocks)))


def test_header_paths_of_a_multi_level_header() -> None:
    model = read_table(APPLICATIONS[:5])
    first = model.rows[0]
    assert first.path == ("本年新收政府信息公开申请数量",)
    # 申请人情况 is over every column, so it says nothing about any one of them.
    assert [column for column, _ in first.cells] == [
        ("自然人",),
        ("法人或其他组织", "商业企业"),
        ("法人或其他组织", "科研机构"),
        ("总计",),
    ]
    assert model.rows[1].path == ("本年度办理结果", "予以公开")


def test_each_row_is_a_passage_and_each_cell_a_fact_with_its_row_and_column() -> None:
    document = _document(Block("", rows=APPLICATIONS[:5]))
    rows = [p for p in document.passages if p.cells]
    facts = [f for p in rows for f in extract_facts(p)]
    first = [(f.raw, f.label, f.qualifier) for f in facts[:4]]
    assert first == [
        ("412", "本年新收政府信息公开申请数量", "自然人"),
        ("80", "本年新收政府信息公开申请数量", "法人或其他组织 商业企业"),
        ("18", "本年新收政府信息公开申请数量", "法人或其他组织 科研机构"),
        ("510", "本年新收政府信息公开申请数量", "总计"),
    ]
    assert rows[0].section_path[-1] == "一、本年新收政府信息公开申请数量"  # cited by its row


def test_a_sub_table_title_and_its_own_header() -> None:
    grid = (
        ("第二十条第（一）项",) * 4,
        ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"),
        ("行政规范性文件", "15", "6", "94"),
        ("第二十条第（八）项",) * 4,
        ("信息内容", *("本年收费金额（单位：万元）",) * 3),
        ("行政事业性收费", "2385.62", "2385.62", "2385.62"),
    )  # fmt: skip
    document = _document(Block("", rows=grid))
    rows = [p for p in document.passages if p.cells]
    facts = [extract_facts(p) for p in rows]
    assert [(f.qualifier, f.unit) for f in facts[0]] == [
        ("本年制发件数", ""),
        ("本年废止件数", ""),
        ("现行有效件数", ""),
    ]
    # A unit in the header, and a cell spanning the sub-table's three columns counted once.
    assert [(f.raw, f.unit, f.value) for f in facts[1]] == [("2385.62", "元", 23856200.0)]
    assert rows[1].section_path[-2:] == ("第二十条第（八）项", "行政事业性收费")


def test_a_table_over_a_page_break_is_one_table_without_its_repeated_header() -> None:
    header = ("主要指标", "2022年", "2023年")
    first = Block("", page=4, rows=(header, ("行政复议案件新收数（件）", "1126", "1348")))
    second = Block("", page=5, rows=(header, ("行政诉讼案件败诉率", "8.2%", "5.7%")))
    joined = join_continued([first, Block("单位：件", page=5), second])
    note = (("单位：件",) * 3,)  # kept as a row of its own: it holds for the whole table
    assert [(b.rows, b.page_starts) for b in joined] == [
        (first.rows + second.rows[1:] + note, ((2, 5),))
    ]
    document = _document(first, second)
    assert [(p.row_path, p.page) for p in document.passages if p.cells] == [
        (("行政复议案件新收数（件）",), 4),
        (("行政诉讼案件败诉率",), 5),
    ]


def test_word_merged_cells_horizontal_and_vertical() -> None:
    word = docx.Document()
    word.add_paragraph(TITLE)
    word.add_paragraph("三、收到和处理政府信息公开申请情况")
    table = word.add_table(rows=len(APPLICATIONS), cols=len(APPLICATIONS[0]))
    table.cell(0, 0).merge(table.cell(2, 1)).text = "本年度情况"
    table.cell(0, 2).merge(table.cell(0, 5)).text = "申请人情况"
    table.cell(1, 2).merge(table.cell(2, 2)).text = "自然人"
    table.cell(1, 3).merge(table.cell(1, 4)).text = "法人或其他组织"
    table.cell(1, 5).merge(table.cell(2, 5)).text = "总计"
    table.cell(2, 3).text, table.cell(2, 4).text = "商业企业", "科研机构"
    for r in range(3, len(APPLICATIONS)):
        row = APPLICATIONS[r]
        if row[0] == row[1]:
            table.cell(r, 0).merge(table.cell(r, 1)).text = row[0]
        else:
            table.cell(r, 0).text, table.cell(r, 1).text = row[0], row[1]
        for c in range(2, 6):
            table.cell(r, c).text = row[c]
    buffer = io.BytesIO()
    word.save(buffer)
    raw = read_bytes("r.docx", buffer.getvalue())
    assert [b.rows for b in raw.blocks if b.rows] == [APPLICATIONS]


def test_html_rowspan_and_colspan() -> None:
    page = (
        f"<html><head><meta charset='utf-8'><title>{TITLE}</title></head><body><article>"
        f"<h1>{TITLE}</h1><p>三、收到和处理政府信息公开申请情况</p><table>"
        "<tr><td rowspan='3' colspan='2'>本年度情况</td><td colspan='4'>申请人情况</td></tr>"
        "<tr><td rowspan='2'>自然人</td><td colspan='2'>法人或其他组织</td>"
        "<td rowspan='2'>总计</td></tr>"
        "<tr><td>商业企业</td><td>科研机构</td></tr>"
        "<tr><td colspan='2'>一、本年新收政府信息公开申请数量</td><td>412</td><td>80</td>"
        "<td>18</td><td>510</td></tr>"
        "<tr><td rowspan='2'>三、本年度办理结果</td><td>（一）予以公开</td><td>200</td>"
        "<td>40</td><td>10</td><td>250</td></tr>"
        "<tr><td>（三）不予公开</td><td>1.属于国家秘密</td><td>0</td><td>0</td><td>0</td></tr>"
        "</table><p>全年共公开政府信息5386条，政府信息公开工作取得新进展，群众满意度不断提升。</p>"
        "</article></body></html>"
    )
    raw = read_bytes("r.html", page.encode("utf-8"))
    assert [b.rows for b in raw.blocks if b.rows] == [APPLICATIONS]


def _pdf_with_a_table_over_two_pages() -> bytes:
    if "STSong-Light" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("b", fontName="STSong-Light", fontSize=11, leading=18)
    grid = TableStyle([("FONT", (0, 0), (-1, -1), "STSong-Light", 10),
                       ("GRID", (0, 0), (-1, -1), 0.5, "black")])  # fmt: skip
    header = ["主要指标", "2022年", "2023年"]
    story = [
        Paragraph("临江市人民政府2023年度法治政府建设情况的报告", style),
        Paragraph("一、主要工作", style),
        Table([header, ["企业开办平均用时", "1.5个工作日", "4小时"]], style=grid),
        PageBreak(),
        Table([header, ["行政复议案件新收数（件）", "1126", "1348"]], style=grid),
        Paragraph("全年行政复议工作取得新进展，行政争议化解能力进一步提升。", style),
    ]
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4).build(story)
    return buffer.getvalue()


def test_pdf_ruled_table_over_a_page_break() -> None:
    document = build_document(read_bytes("r.pdf", _pdf_with_a_table_over_two_pages()))
    rows = [
        (p.row_path, p.page, [c.column for c in p.cells]) for p in document.passages if p.cells
    ]
    assert rows == [
        (("企业开办平均用时",), 1, [("2022年",), ("2023年",)]),
        (("行政复议案件新收数（件）",), 2, [("2022年",), ("2023年",)]),
    ]


@pytest.fixture(scope="module")
def table_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    folder = tmp_path_factory.mktemp("tables")
    (folder / "linjiang.pdf").write_bytes(_pdf_with_a_table_over_two_pages())
    lines = [TITLE, "三、收到和处理政府信息公开申请情况", "（单位：件）"]
    lines += ["| " + " | ".join(row) + " |" for row in APPLICATIONS]
    lines.append("四、存在的主要问题及改进情况")
    lines.append("全年共公开政府信息5386条，政府信息公开工作取得新进展，群众满意度不断提升。")
    (folder / "nanping.md").write_text("\n".join(lines), encoding="utf-8")
    return Engine.from_settings(Settings(docs_dir=folder, data_dir=tmp_path_factory.mktemp("d")))


@pytest.mark.parametrize(
    ("question", "text", "figure"),
    [
        # A year column: the latest year for 现在, with the other year beside it.
        ("临江现在开办一家企业要多长时间",
         "企业开办平均用时：2023年 4小时（2022年 1.5个工作日）", "4小时"),
        ("临江2022年企业开办平均用时多久",
         "企业开办平均用时：2022年 1.5个工作日（2023年 4小时）", "1.5个工作日"),
        # The total for 一共, with the unit of the table's note and the first column beside it.
        ("南屏县本年新收的申请一共多少件",
         "本年新收政府信息公开申请数量 · 总计：510件（自然人 412）", "510"),
        # A column the question names, with the total beside it.
        ("南屏县商业企业新收申请有多少件",
         "本年新收政府信息公开申请数量 · 法人或其他组织 › 商业企业：80件（总计 510）", "80"),
    ],
)  # fmt: skip
def test_a_table_answer_reads_as_a_sentence(
    table_engine: Engine, question: str, text: str, figure: str
) -> None:
    first = table_engine.ask(question).answers[0]
    assert (first.text, first.figure, first.text[first.figure_at :].startswith(figure)) == (
        text,
        figure,
        True,
    )


def test_the_passage_button_shows_the_table_aligned(table_engine: Engine) -> None:
    first = table_engine.ask("南屏县本年新收的申请一共多少件").answers[0]
    shown = render_passage(first)
    table = shown.split("<pre>")[1].split("</pre>")[0]
    assert "申请人情况" in table and "510" in table
    assert "<b>510</b>件" in shown


def test_published_national_tables() -> None:
    page = Path(__file__).parent / "data" / "published" / "shiqiao-2022-xxgk-report.html"
    document = build_document(read_bytes(page.name, page.read_bytes()))
    facts = {
        (f.label, f.qualifier): f.raw
        for p in document.passages
        if p.cells
        for f in extract_facts(p)
    }
    assert facts[("本年新收政府信息公开申请数量", "总计")] == "166"
    assert facts[("本年新收政府信息公开申请数量", "法人或其他组织 商业企业")] == "9"
    assert facts[("本年度办理结果 无法提供 本机关不掌握相关政府信息", "总计")] == "33"
