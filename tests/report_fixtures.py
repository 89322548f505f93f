"""One report written in every supported format, plus a folder of broken files.

The report is a shortened copy of the bundled Qingliu report with a table added, so the
readers can be checked against each other: whatever the format, they must give the same
paragraphs and the same table rows.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from html import escape as html_escape
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

from docx import Document as new_docx
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from retrieval.errors import (
    CorruptDocument,
    DocumentError,
    EmptyDocument,
    NoTextLayer,
    UndecodableText,
    UnsupportedFormat,
)

BUNDLED_REPORT = (
    Path(__file__).resolve().parents[1] / "config" / "reports" / "qingliu-2020-fazhi-report.txt"
)

# A CID font built into reportlab: Chinese PDFs without shipping a font file.
_PDF_FONT = "STSong-Light"

REPORT_FILES = {
    "utf8_txt": "report-utf8.txt",
    "bom_txt": "report-bom.txt",
    "gbk_txt": "report-gbk.txt",
    "md": "report.md",
    "html": "report.html",
    "docx": "report.docx",
    "pdf": "report.pdf",
}

BAD_FILES: dict[str, type[DocumentError]] = {
    "empty.txt": EmptyDocument,
    "truncated.docx": CorruptDocument,
    "renamed-image.pdf": CorruptDocument,
    "truncated.pdf": CorruptDocument,
    "scan.pdf": NoTextLayer,
    "navigation-only.html": EmptyDocument,
    "binary.txt": UndecodableText,
    "report.xyz": UnsupportedFormat,
}


@dataclass(frozen=True, slots=True)
class ReportText:
    """The report's content, independent of any file format."""

    header: tuple[str, ...]
    title: str
    preamble: tuple[str, ...]
    body: tuple[str, ...]
    table_caption: str
    table: tuple[tuple[str, ...], ...]
    closing: tuple[str, ...]

    def paragraphs(self) -> tuple[str, ...]:
        """Return every non-table text in reading order."""
        return (
            *self.header,
            self.title,
            *self.preamble,
            *self.body,
            self.table_caption,
            *self.closing,
        )


def _is_marker_heading(line: str) -> bool:
    """Tell whether a line opens a part (一、) of the report."""
    return len(line) > 1 and line[1] == "、" and line[0] in "一二三四五六七八九十"


def load_report() -> ReportText:
    """Cut the bundled report down to a header, a title, two parts and a closing block."""
    lines = [
        line.strip() for line in BUNDLED_REPORT.read_text("utf-8").splitlines() if line.strip()
    ]
    title_at = next(i for i, line in enumerate(lines) if line.endswith("法治政府建设情况报告"))
    # The header bullets are list markup on the site; each format writes its own bullet.
    header = tuple(line.removeprefix("•").strip() for line in lines[:title_at])
    first_part = next(i for i, line in enumerate(lines) if _is_marker_heading(line))
    third_part = next(i for i, line in enumerate(lines) if line.startswith("三、"))
    signature = lines.index("清流县人民政府")
    return ReportText(
        header=header,
        title=lines[title_at],
        preamble=tuple(lines[title_at + 1 : first_part]),
        body=tuple(lines[first_part:third_part]),
        table_caption="表1 2020年主要工作数据",
        table=(
            ("指标", "数量", "单位"),
            ("县直部门权责清单事项", "4808", "项"),
            ("受理群众诉求", "3531", "件"),
            ("排查调处矛盾纠纷", "364", "件"),
        ),
        closing=tuple(lines[signature : signature + 3]),
    )


def write_report_files(directory: Path, report: ReportText | None = None) -> dict[str, Path]:
    """Write the report in every format into `directory`; keys are those of REPORT_FILES."""
    report = report or load_report()
    paths = {key: directory / name for key, name in REPORT_FILES.items()}
    plain = "\n".join(_plain_lines(report)) + "\n"
    paths["utf8_txt"].write_text(plain, encoding="utf-8")
    paths["bom_txt"].write_bytes(plain.replace("\n", "\r\n").encode("utf-8-sig"))
    paths["gbk_txt"].write_bytes(plain.encode("gbk"))
    paths["md"].write_text(_markdown(report), encoding="utf-8")
    paths["html"].write_bytes(_html_page(report).encode("gbk"))
    paths["docx"].write_bytes(_docx_bytes(report))
    paths["pdf"].write_bytes(_pdf_bytes(report))
    return paths


def write_bad_files(directory: Path) -> dict[str, Path]:
    """Write one file for each way a document can fail to read; keys are BAD_FILES' names."""
    paths = {name: directory / name for name in BAD_FILES}
    paths["empty.txt"].write_bytes(b"")
    whole_docx = _docx_bytes(load_report())
    paths["truncated.docx"].write_bytes(whole_docx[: len(whole_docx) // 2])
    png_header = b"\x89PNG\r\n\x1a\n"
    paths["renamed-image.pdf"].write_bytes(png_header + random.Random(1).randbytes(2048))
    whole_pdf = _pdf_bytes(load_report())
    paths["truncated.pdf"].write_bytes(whole_pdf[: len(whole_pdf) // 2])
    paths["scan.pdf"].write_bytes(_scan_pdf_bytes())
    paths["navigation-only.html"].write_bytes(_navigation_page().encode("utf-8"))
    paths["binary.txt"].write_bytes(random.Random(2).randbytes(4096))
    paths["report.xyz"].write_text("清流县2020年法治政府建设情况报告\n", encoding="utf-8")
    return paths


def _plain_lines(report: ReportText) -> list[str]:
    """Lay the report out as a plain text file: a table as tab-separated lines."""
    table = ["\t".join(row) for row in report.table]
    return [
        *report.header,
        report.title,
        *report.preamble,
        *report.body,
        report.table_caption,
        *table,
        *report.closing,
    ]


def _markdown(report: ReportText) -> str:
    """Lay the report out as Markdown with headings, bullets, emphasis and a pipe table."""
    lines = [f"- {line}" for line in report.header]
    lines += ["", f"# {report.title}", ""]
    lines += [f"**{line}**" if len(line) < 20 else line for line in report.preamble]
    for line in report.body:
        lines += ["", f"## {line}" if _is_marker_heading(line) else line]
    lines += ["", f"*{report.table_caption}*", ""]
    lines.append("| " + " | ".join(report.table[0]) + " |")
    lines.append("|" + "---|" * len(report.table[0]))
    lines += ["| " + " | ".join(row) + " |" for row in report.table[1:]]
    lines.append("")
    lines += [f"{line}  " for line in report.closing]
    return "\n".join(lines) + "\n"


def _html_page(report: ReportText) -> str:
    """Lay the report out as a county government page, boilerplate included."""
    e = html_escape
    header = "".join(f"<li>{e(line)}</li>" for line in report.header)
    paragraphs = "\n".join(
        f"<p><strong>{e(line)}</strong></p>"
        if _is_marker_heading(line)
        else f'<p style="text-indent:2em">{e(line)}</p>'
        for line in (*report.preamble, *report.body)
    )
    table = "\n".join(
        "<tr>" + "".join(f"<td>{e(cell)}</td>" for cell in row) + "</tr>" for row in report.table
    )
    closing = "\n".join(f'<p style="text-align:right">{e(line)}</p>' for line in report.closing)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="gbk">
<title>{e(report.title)}_清流县人民政府</title>
<style>body {{ font-family: SimSun; }} .nav li {{ display: inline; }}</style>
<script>var _hmt = _hmt || []; document.write("统计代码");</script>
</head>
<body>
<div class="top-bar">无障碍浏览 | 长者模式 | 设为首页 | 加入收藏</div>
<nav class="nav"><ul>
<li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li>
<li><a href="/zjql/">走进清流</a></li>
</ul></nav>
<div class="breadcrumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a>
 &gt; <a href="/zwgk/fzzf/">法治政府建设</a></div>
<div class="main">
<div class="article">
<ul class="xxgk-info">{header}</ul>
<h1>{e(report.title)}</h1>
{paragraphs}
<p>{e(report.table_caption)}</p>
<table border="1">
{table}
</table>
{closing}
</div>
<div class="share">分享到：<a href="#">微信</a> <a href="#">微博</a> <a href="#">QQ空间</a>
 <a href="javascript:window.print()">【打印本页】</a>
 <a href="javascript:window.close()">【关闭窗口】</a>
</div>
<div class="related"><h3>相关文章</h3><ul>
<li><a href="/a/1.html">清流县2019年法治政府建设情况报告</a></li>
<li><a href="/a/2.html">清流县人民政府关于印发2021年政府工作要点的通知</a></li>
<li><a href="/a/3.html">清流县2018年法治政府建设情况报告</a></li>
</ul></div>
</div>
<footer class="footer"><p>主办单位：清流县人民政府办公室 版权所有</p>
<p>网站标识码：3504230001 闽ICP备05012345号 闽公网安备 35042302000123号</p></footer>
<script>document.getElementById("visits").innerText = "访问量";</script>
</body>
</html>
"""


def _navigation_page() -> str:
    """Return a page that holds only a site's navigation and footer."""
    return """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>清流县人民政府</title></head>
<body>
<nav><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/zwfw/">政务服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul></nav>
<footer><p>主办单位：清流县人民政府办公室</p></footer>
</body></html>
"""


def _docx_bytes(report: ReportText) -> bytes:
    """Lay the report out as a Word file with heading styles and a real table."""
    document = new_docx()
    for line in report.header:
        document.add_paragraph(line)
    document.add_heading(report.title, level=1)
    for line in report.preamble:
        document.add_paragraph(line)
    for line in report.body:
        if _is_marker_heading(line):
            document.add_heading(line, level=2)
        else:
            document.add_paragraph(line)
    document.add_paragraph(report.table_caption)
    table = document.add_table(rows=len(report.table), cols=len(report.table[0]))
    for row, cells in zip(table.rows, report.table, strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    for line in report.closing:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _register_pdf_font() -> None:
    """Register the built-in Chinese CID font once."""
    if _PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(_PDF_FONT))


def _draw_page_number(canvas: Canvas, document: SimpleDocTemplate) -> None:
    """Draw the running page number the way Chinese government PDFs do: "- 3 -"."""
    canvas.setFont(_PDF_FONT, 10)
    canvas.drawCentredString(A4[0] / 2, 12 * mm, f"- {canvas.getPageNumber()} -")


def _pdf_bytes(report: ReportText) -> bytes:
    """Lay the report out as a multi-page PDF with indented, wrapped Chinese paragraphs."""
    _register_pdf_font()
    size = 11
    body = ParagraphStyle(
        "body", fontName=_PDF_FONT, fontSize=size, leading=size * 1.6, wordWrap="CJK",
        firstLineIndent=2 * size, spaceAfter=2,
    )  # fmt: skip
    heading = ParagraphStyle("heading", parent=body, firstLineIndent=0, spaceBefore=6)
    title = ParagraphStyle("title", parent=heading, fontSize=16, leading=24, alignment=TA_CENTER)
    right = ParagraphStyle("right", parent=heading, alignment=TA_RIGHT)

    def para(text: str, style: ParagraphStyle) -> Paragraph:
        return Paragraph(xml_escape(text), style)

    story: list[Paragraph | Spacer | Table] = [para(line, heading) for line in report.header]
    story.append(para(report.title, title))
    story += [para(line, body if len(line) > 40 else heading) for line in report.preamble]
    story += [para(line, heading if _is_marker_heading(line) else body) for line in report.body]
    story.append(para(report.table_caption, heading))
    table = Table([list(row) for row in report.table])
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), _PDF_FONT, size),
        ("GRID", (0, 0), (-1, -1), 0.5, "black"),
    ]))  # fmt: skip
    story += [table, Spacer(1, 12)]
    story += [para(line, right) for line in report.closing]
    buffer = io.BytesIO()
    pdf = SimpleDocTemplate(
        buffer, pagesize=A4, title=report.title, leftMargin=28 * mm, rightMargin=26 * mm,
        topMargin=30 * mm, bottomMargin=25 * mm,
    )  # fmt: skip
    pdf.build(story, onFirstPage=_draw_page_number, onLaterPages=_draw_page_number)
    return buffer.getvalue()


def _scan_pdf_bytes() -> bytes:
    """Return a PDF whose only page is drawn shapes, as a scan is pixels without text."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setFillGray(0.85)
    canvas.rect(20 * mm, 20 * mm, 170 * mm, 257 * mm, fill=1)
    for row in range(40):
        canvas.setFillGray(0.2)
        canvas.rect(30 * mm, (260 - row * 6) * mm, 150 * mm, 2 * mm, fill=1, stroke=0)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
