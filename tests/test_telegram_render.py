"""Telegram HTML rendering: escaping, bold figures, citations, labels and message splitting."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import answers.telegram as render
from answers.engine import ReloadReport
from answers.model import Answer, Citation, ShortAnswer
from answers.telegram import (
    citation_line,
    document_error_zh,
    failure_reason_zh,
    html_to_text,
    render_answer,
    render_documents,
    render_facts,
    render_refusal,
    render_reload,
    split_message,
    with_figure,
)
from retrieval.errors import CorruptDocument, DocumentError, NoTextLayer, UnsupportedFormat
from retrieval.model import DocumentMeta, Fact, Passage
from tests.fakes import ApiError, check_html

QINGLIU = DocumentMeta(
    "q", "清流县2020年法治政府建设情况报告", "清政文〔2021〕1号", date="2021-01-05"
)
MINGXI = DocumentMeta("m", "明溪县2020年法治政府建设情况报告", "明政文〔2021〕7号")
SECTION = ("三、推进互联网+政务服务", "（三）抓好12345便民服务工作")


def _short(meta: DocumentMeta, text: str, figure: str, paragraph: int = 11) -> ShortAnswer:
    passage = Passage(meta.doc_id, SECTION, paragraph, f"今年来,{text}")
    return ShortAnswer(text, passage, 1.0, Citation(meta, SECTION, paragraph), figure)


@pytest.mark.parametrize(
    ("text", "figure", "expected"),
    [
        ("共收到3531件群众诉求", "3531件", "共收到<b>3531件</b>群众诉求"),
        ("a<b> & 3531件 <i>", "3531件", "a&lt;b&gt; &amp; <b>3531件</b> &lt;i&gt;"),
        ("满意率99.80%", "", "满意率99.80%"),
        ("满意率99.80%", "100%", "满意率99.80%"),
        ("1<2 & 2>1", "2>1", "1&lt;2 &amp; <b>2&gt;1</b>"),
    ],
)
def test_with_figure_escapes_and_bolds_the_figure(text: str, figure: str, expected: str) -> None:
    assert with_figure(text, figure) == expected


@pytest.mark.parametrize(
    ("citation", "expected"),
    [
        (
            Citation(QINGLIU, SECTION, 11),
            "《清流县2020年法治政府建设情况报告》 清政文〔2021〕1号"
            " · 三、推进互联网+政务服务 › （三）抓好12345便民服务工作 · 第11段",
        ),
        (
            Citation(MINGXI, SECTION[:1], 2, page=3),
            "《明溪县2020年法治政府建设情况报告》 明政文〔2021〕7号"
            " · 三、推进互联网+政务服务 · 第2段 · 第3页",
        ),
        (Citation(DocumentMeta("x", "A&B <报告>"), (), 1), "《A&amp;B &lt;报告&gt;》 · 第1段"),
    ],
)
def test_citation_line(citation: Citation, expected: str) -> None:
    assert citation_line(citation) == expected


def test_a_single_answer_is_not_numbered() -> None:
    answer = Answer("q", True, (_short(QINGLIU, "共收到3531件群众诉求,", "3531件"),))
    assert render_answer(answer) == (
        "共收到<b>3531件</b>群众诉求,\n《清流县2020年法治政府建设情况报告》 清政文〔2021〕1号"
        " · 三、推进互联网+政务服务 › （三）抓好12345便民服务工作 · 第11段"
    )


def test_ambiguous_answers_are_labelled_by_report() -> None:
    answers = (_short(QINGLIU, "设置宣传点14个", "14个"), _short(MINGXI, "宣传活动46场", "46场"))
    text = render_answer(Answer("q", True, answers, ambiguous=True))
    blocks = text.split("\n\n")
    assert blocks[0] == "多份报告都有相关内容，按报告分别列出："
    assert blocks[1].startswith("1. 【清流县2020年法治政府建设情况报告】设置宣传点<b>14个</b>\n")
    assert blocks[2].startswith("2. 【明溪县2020年法治政府建设情况报告】宣传活动<b>46场</b>\n")


def test_later_answers_keep_their_numbers() -> None:
    answers = tuple(_short(QINGLIU, f"第{n}条", "", n) for n in range(1, 6))
    text = render_answer(Answer("q", True, answers), start=3)
    assert [block.split(".")[0] for block in text.split("\n\n")] == ["4", "5"]


def test_refusal_quotes_the_question_escaped_and_clipped() -> None:
    text = render_refusal("<b>护照</b> & 签证" + "啊" * 60, [QINGLIU.title], has_examples=True)
    assert text.startswith("抱歉，已加载的报告里没有找到关于“&lt;b&gt;护照&lt;/b&gt; &amp; 签证")
    assert "啊…”的内容。\n可以试试下面的问题：" in text
    assert text.count("\n") == 1  # one line, and the examples below


def test_documents_and_facts_are_listed_with_citations() -> None:
    assert render_documents([(QINGLIU, 28)]) == (
        "已加载 1 份报告：\n\n1. 《清流县2020年法治政府建设情况报告》\n"
        "文号：清政文〔2021〕1号｜日期：2021-01-05｜段落：28"
    )
    passage = Passage("q", SECTION, 11, "共收到3531件群众诉求")
    facts = [Fact("3531件", 3531.0, "件", "群众诉求", "count", passage, 3, 8)] * 12
    page = render_facts(facts, {"q": QINGLIU}, "诉求", page=1)
    assert page.splitlines() == [
        "“诉求”相关的数字共 12 条（第 2/2 页）：",
        "• 群众诉求：<b>3531件</b>（《清流县2020年法治政府建设情况报告》第11段）",
        "• 群众诉求：<b>3531件</b>（《清流县2020年法治政府建设情况报告》第11段）",
    ]
    assert render_facts([], {}, "<x>") == "没有找到“&lt;x&gt;”相关的数字。"


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        (
            "NoTextLayer: the PDF has no text layer (a scan?)",
            "这是没有文字层的 PDF（可能是扫描件），无法提取文字",
        ),
        (
            "unsupported extension .exe",
            "不支持这种文件格式（支持 .txt .md .html .htm .docx .pdf）",
        ),
        ("could not decode the bytes in any encoding", "无法识别文件的文字编码"),
        ("file is empty", "文件里没有报告正文"),
        ("corrupt docx: bad zip file", "文件已损坏，或内容与扩展名不符"),
        ("something nobody expected", "无法读取该文件"),
    ],
)
def test_failure_reasons_become_chinese(reason: str, expected: str) -> None:
    assert failure_reason_zh(reason) == expected


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (NoTextLayer("scan.pdf"), "这是没有文字层的 PDF（可能是扫描件），无法提取文字"),
        (UnsupportedFormat(".exe"), "不支持这种文件格式（支持 .txt .md .html .htm .docx .pdf）"),
        (CorruptDocument("bad zip"), "文件已损坏，或内容与扩展名不符"),
        (DocumentError("file is too large: 25 MB"), "文件超过大小上限（20 MB）"),
    ],
)
def test_document_errors_become_chinese(error: DocumentError, expected: str) -> None:
    assert document_error_zh(error) == expected


def test_reload_report_says_what_changed_and_what_failed() -> None:
    report = ReloadReport(
        added=("明溪县2020年法治政府建设情况报告",),
        removed=(),
        updated=("old<1>.txt",),
        failures=(("scan.pdf", "NoTextLayer: no text layer"),),
        duplicates=(("copy.txt", "qingliu.txt"),),
        documents=2,
        kept_previous=False,
        seconds=1.25,
    )
    assert render_reload(report) == "\n".join(
        [
            "重新加载完成：现有 2 份报告（用时 1.2 秒）。",
            "新增：《明溪县2020年法治政府建设情况报告》",
            "更新：old&lt;1&gt;.txt",
            "",
            "以下文件未能加载：",
            "• scan.pdf：这是没有文字层的 PDF（可能是扫描件），无法提取文字",
            "",
            "以下文件与已有文件内容相同，已跳过：",
            "• copy.txt（与 qingliu.txt 相同）",
        ]
    )


def test_failed_reload_keeps_the_previous_index() -> None:
    report = ReloadReport((), (), (), (), (), 1, kept_previous=True, seconds=0.1)
    assert render_reload(report) == "重新加载没有成功，继续使用之前的索引（1 份报告）。"


# --- splitting -----------------------------------------------------------------------------


def test_short_messages_are_not_split() -> None:
    assert split_message("共收到<b>3531件</b>") == ["共收到<b>3531件</b>"]


def test_split_falls_between_paragraphs() -> None:
    paragraphs = ["甲" * 30, "乙" * 30, "丙" * 30]
    assert split_message("\n\n".join(paragraphs), limit=70) == [
        f"{paragraphs[0]}\n\n{paragraphs[1]}",
        paragraphs[2],
    ]


def test_split_falls_between_lines_when_a_paragraph_is_too_long() -> None:
    assert split_message("甲" * 30 + "\n" + "乙" * 30, limit=40) == ["甲" * 30, "乙" * 30]


@pytest.mark.parametrize("limit", [9, 10, 13, 50, 4096])
def test_split_never_cuts_a_tag_or_an_entity(limit: int) -> None:
    text = ("前文&amp;<b>3531件</b>后文&lt;" * 700)[: 4 * limit]
    text = text[: text.rfind(";") + 1]  # end on a whole entity
    chunks = split_message(text, limit)
    for chunk in chunks:
        assert len(chunk) <= limit
        check_html(chunk)  # balanced tags, whole entities, as Telegram requires
    assert "".join(html_to_text(chunk) for chunk in chunks) == html_to_text(text)


def test_a_cut_inside_bold_closes_and_reopens_it() -> None:
    assert split_message("<b>" + "数" * 20 + "</b>", limit=15) == [
        "<b>" + "数" * 8 + "</b>",
        "<b>" + "数" * 8 + "</b>",
        "<b>" + "数" * 4 + "</b>",
    ]


def test_check_html_rejects_what_telegram_rejects() -> None:
    for bad in ("<b>未闭合", "a & b", "<script>x</script>", "1 < 2"):
        with pytest.raises(ApiError):
            check_html(bad)


def test_html_to_text_keeps_bold_as_a_marker() -> None:
    assert (
        html_to_text("共收到<b>3531件</b> &amp; &lt;b&gt;", bold="**") == "共收到**3531件** & <b>"
    )


def test_rendering_does_not_import_telegram() -> None:
    tree = ast.parse(Path(render.__file__).read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name.split(".")[0] == "telegram" for name in imported)
