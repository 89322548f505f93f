"""Reports as offices publish them: each document's title, kind, 文号, publisher and date.

The fixtures in tests/data/published are real report pages as their sites served them and
fictional reports in each format (see the README there).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.readers import read_document
from retrieval.structure import build_document

PUBLISHED = Path(__file__).parent / "data" / "published"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "jinghai-2020.txt",
            ("2020年静海区法治政府建设情况报告", "fazhi", "", "司法局", "2021/03/29"),
        ),
        (
            "haidian-2020.html",
            (
                "北京市海淀区人民政府2020年法治政府建设年度情况报告",
                "fazhi",
                "",
                "北京市海淀区人民政府",
                "2021-03-31",
            ),
        ),
        (
            "shangcheng-2022.txt",
            (
                "商城县人民政府关于2022年法治政府建设情况的报告",
                "fazhi",
                "",
                "商城县人民政府",
                "2023-03-07",
            ),
        ),
        (
            "erlang-2022.html",
            (
                "重庆市九龙坡区二郎街道办事处2022年政府信息公开工作年度报告",
                "xxgk",
                "",
                "重庆市九龙坡区二郎街道办事处",
                "",
            ),
        ),
        (
            "shiqiao-2022-xxgk-report.html",
            (
                "石桥县人民政府2022年政府信息公开工作年度报告",
                "xxgk",
                "",
                "石桥县人民政府办公室",
                "2023-01-16",
            ),
        ),
        (
            "tongxi-2020-fazhi-report.docx",
            (
                "桐溪县2020年法治政府建设情况报告",
                "fazhi",
                "桐政文〔2021〕3号",
                "桐溪县人民政府",
                "2021年1月20日",  # the signature's date, over the portal's 生成日期
            ),
        ),
        (
            "yuzhou-2023-fazhi-report.pdf",
            (
                "渝州市人民政府关于2023年度法治政府建设情况的报告",
                "fazhi",
                "渝府〔2024〕5号",
                "渝州市人民政府",
                "2024年1月22日",
            ),
        ),
    ],
)
def test_published_document_metadata(name: str, expected: tuple[str, ...]) -> None:
    meta = build_document(read_document(PUBLISHED / name)).meta
    assert (meta.title, meta.kind, meta.doc_number, meta.publisher, meta.date) == expected


def test_no_published_document_is_named_after_its_file() -> None:
    froms = {
        p.name: build_document(read_document(p)).meta.title_from
        for p in sorted(PUBLISHED.iterdir())
        if p.suffix != ".md"
    }
    assert [name for name, origin in froms.items() if origin == "name"] == []


def test_page_furniture_is_no_section_and_no_passage() -> None:
    document = build_document(read_document(PUBLISHED / "jinghai-2020.txt"))
    texts = [p.text for p in document.passages[1:]]
    headings = {h for p in document.passages for h in p.section_path}
    leftovers = ("今天是", "您所在的位置", "工作报告", "文章来源")
    assert [t for t in [*texts, *headings] if t.startswith(leftovers)] == []
    assert document.passages[1].text.startswith("2020年,静海区坚持")


def test_the_printed_closing_block_is_kept_for_the_record_not_as_passages() -> None:
    document = build_document(read_document(PUBLISHED / "yuzhou-2023-fazhi-report.pdf"))
    assert document.record == (
        "（此件公开发布）",
        "抄送：市委办公室，市人大常委会办公室，市政协办公室。",
        "渝州市人民政府办公室 2024年1月22日印发",
    )
    assert not any(p.text.startswith(("抄送", "（此件")) for p in document.passages)
    assert document.meta.addressee == "省人民政府"
    assert document.passages[-1].text == "渝州市人民政府 2024年1月22日"


def test_a_pdf_paragraph_over_a_page_break_knows_where_each_page_starts() -> None:
    document = build_document(read_document(PUBLISHED / "yuzhou-2023-fazhi-report.pdf"))
    running = [p for p in document.passages if p.page_starts]
    assert running, "the fixture has paragraphs that run over a page break"
    passage = running[0]
    offset, page = passage.page_starts[0]
    assert (passage.page_at(0), passage.page_at(offset - 1), passage.page_at(offset)) == (
        passage.page,
        passage.page,
        page,
    )
    assert page == (passage.page or 0) + 1
