"""A government web page laid out unlike the bundled report, read end to end.

tests/data/wuling-2020.html is a fictional county's report saved from a site: GBK, the
metadata box and the title above the article, part and subsection headings on lines of
their own, a table comparing two years, site furniture all around.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from answers.engine import Engine
from retrieval.readers import read_document
from retrieval.structure import build_document
from tests.conftest import EngineFactory

PAGE = Path(__file__).parent / "data" / "wuling-2020.html"
TITLE = "梧岭县2020年法治政府建设情况报告"


@pytest.fixture(scope="module")
def wuling_engine(make_engine: EngineFactory, tmp_path_factory: pytest.TempPathFactory) -> Engine:
    folder = tmp_path_factory.mktemp("wuling")
    (folder / PAGE.name).write_bytes(PAGE.read_bytes())
    return make_engine(folder)


def test_metadata_outside_the_article_is_read() -> None:
    meta = build_document(read_document(PAGE)).meta
    assert (meta.title, meta.doc_number, meta.publisher, meta.date, meta.index_number) == (
        TITLE,
        "梧政文〔2021〕7号",
        "梧岭县人民政府",
        "2021年2月3日",  # the signature's date, over the portal's 生成日期
        "WL00123-0100-2021-00007",
    )


def test_headings_on_their_own_lines_become_the_section_path() -> None:
    document = build_document(read_document(PAGE))
    parts = list(dict.fromkeys(p.section_path[0] for p in document.passages if p.section_path))
    assert parts[2:4] == [
        "一、加强组织领导，压实法治政府建设责任",
        "二、坚持依法决策，提升行政决策质量",
    ]
    first = next(p for p in document.passages if p.section_path[:1] == (parts[2],))
    assert first.section_path[1] == "（一）健全党领导法治政府建设的工作机制"
    assert not any("版权所有" in p.text or "首页" in p.text for p in document.passages)


def test_the_table_is_a_passage_per_row_each_with_the_whole_table() -> None:
    document = build_document(read_document(PAGE))
    rows = [p for p in document.passages if p.rows]
    assert (len(rows), len({p.rows for p in rows})) == (4, 1)
    assert rows[0].rows[0][1:] == ("2019年", "2020年")
    assert [c.column for c in rows[0].cells] == [("2019年",), ("2020年",)]


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("梧岭县直部门权责清单有多少项", "4362项"),
        ("梧岭县扫黑除恶抓获多少犯罪嫌疑人", "93人"),
        ("梧岭县2019年刑事案件立案数下降多少", "10.3%"),
        ("梧岭县2020年刑事案件立案数下降多少", "6.4%"),
    ],
)
def test_questions_are_answered_from_the_page(
    wuling_engine: Engine, question: str, figure: str
) -> None:
    answer = wuling_engine.ask(question)
    first = answer.answers[0]
    assert (first.figure, first.citation.document.title) == (figure, TITLE)
