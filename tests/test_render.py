"""Tests for answers.render: the JSON contract and the terminal text."""

from __future__ import annotations

import json

import pytest

from answers.engine import Engine
from answers.model import Answer, Citation, ShortAnswer
from answers.render import answer_to_json, answer_to_text, citation_line
from retrieval.model import DocumentMeta, Fact, Passage

# The contract scripts (eval/score.py) read; the extra keys are the richer citation and the
# engine's own judgement, documented on Answer and ShortAnswer.
ANSWER_KEYS = {"question", "found", "answers", "facts", "ambiguous", "confidence"}
SHORT_ANSWER_KEYS = {"text", "passage", "score", "citation", "figure"}
CITATION_KEYS = {
    "document",
    "doc_number",
    "section",
    "paragraph",
    "source",
    "publisher",
    "date",
    "page",
}
FACT_KEYS = {"raw", "value", "unit", "label", "kind", "qualifier", "approximate", "citation"}
CONTRACT = {
    "answer": {"question", "found", "answers", "facts"},
    "short_answer": {"text", "passage", "score", "citation"},
    "citation": {"document", "doc_number", "section", "paragraph", "source"},
}

QINGLIU = DocumentMeta(
    doc_id="qingliu",
    title="清流县2020年法治政府建设情况报告",
    doc_number="清政文〔2021〕1号",
    publisher="清流县人民政府",
    date="2021-01-05",
    source="qingliu-2020-fazhi-report.txt",
    format="txt",
)
MEILIN = DocumentMeta(
    doc_id="meilin", title="梅林县2020年法治政府建设情况报告", source="meilin.pdf"
)
SECTION = ("五、坚持运用法治思维和方式化解社会矛盾纠纷", "（五）加强普法宣传教育")
PASSAGE = Passage("qingliu", SECTION, 21, "据统计,发放宣传品10000余份,悬挂宣传横幅30余幅。")
FACT = Fact(
    raw="10000余份",
    value=10000.0,
    unit="份",
    label="发放宣传品",
    kind="count",
    passage=PASSAGE,
    start=9,
    end=16,
    approximate=True,
)
SHORT = ShortAnswer(
    text="发放宣传品10000余份",
    passage=PASSAGE,
    score=12.3456,
    citation=Citation(QINGLIU, SECTION, 21),
    figure="10000余份",
)
ANSWER = Answer(
    question="宣传品发了多少份<b>？",
    found=True,
    answers=(SHORT,),
    facts=(FACT,),
    confidence=0.87654,
)
REFUSAL = Answer(question="社保卡怎么补办", found=False, answers=())


def test_fact_offsets_in_the_fixture_are_right() -> None:
    assert PASSAGE.text[FACT.start : FACT.end] == FACT.raw


def test_answer_json_keys() -> None:
    record = answer_to_json(ANSWER)
    assert set(record) == ANSWER_KEYS
    assert set(record["answers"][0]) == SHORT_ANSWER_KEYS
    assert set(record["answers"][0]["citation"]) == CITATION_KEYS
    assert set(record["facts"][0]) == FACT_KEYS
    assert set(record["facts"][0]["citation"]) == CITATION_KEYS


def test_answer_json_keeps_the_scripts_contract() -> None:
    record = answer_to_json(ANSWER)
    assert CONTRACT["answer"] <= set(record)
    assert CONTRACT["short_answer"] <= set(record["answers"][0])
    assert CONTRACT["citation"] <= set(record["answers"][0]["citation"])


def test_answer_json_values() -> None:
    record = answer_to_json(ANSWER)
    assert record == {
        "question": "宣传品发了多少份<b>？",
        "found": True,
        "ambiguous": False,
        "confidence": 0.877,
        "answers": [
            {
                "text": "发放宣传品10000余份",
                "figure": "10000余份",
                "passage": "据统计,发放宣传品10000余份,悬挂宣传横幅30余幅。",
                "score": 12.3456,
                "citation": {
                    "document": "清流县2020年法治政府建设情况报告",
                    "doc_number": "清政文〔2021〕1号",
                    "publisher": "清流县人民政府",
                    "date": "2021-01-05",
                    "section": list(SECTION),
                    "paragraph": 21,
                    "page": None,
                    "source": "qingliu-2020-fazhi-report.txt",
                },
            }
        ],
        "facts": [
            {
                "raw": "10000余份",
                "value": 10000.0,
                "unit": "份",
                "label": "发放宣传品",
                "kind": "count",
                "qualifier": "",
                "approximate": True,
                "citation": record["answers"][0]["citation"],
            }
        ],
    }


def test_answer_json_is_serializable_without_escapes() -> None:
    text = json.dumps(answer_to_json(ANSWER), ensure_ascii=False)
    assert "10000余份" in text
    assert "清政文〔2021〕1号" in text
    assert json.loads(text) == answer_to_json(ANSWER)


def test_refusal_json() -> None:
    assert answer_to_json(REFUSAL) == {
        "question": "社保卡怎么补办",
        "found": False,
        "ambiguous": False,
        "confidence": 0.0,
        "answers": [],
        "facts": [],
    }


def test_facts_of_unknown_documents_are_left_out_unless_given() -> None:
    lookup = Answer(question="10000余份", found=True, answers=(), facts=(FACT,))
    assert answer_to_json(lookup)["facts"] == []
    cited = answer_to_json(lookup, {"qingliu": QINGLIU})["facts"]
    assert [(f["raw"], f["citation"]["paragraph"]) for f in cited] == [("10000余份", 21)]


def test_engine_answer_json_round_trips(engine: Engine) -> None:
    documents = {d.meta.doc_id: d.meta for d in engine.documents()}
    record = answer_to_json(engine.ask("宣传品一共发出去多少份"), documents)
    assert set(record) == ANSWER_KEYS
    assert json.loads(json.dumps(record, ensure_ascii=False)) == record
    first = record["answers"][0]
    assert first["citation"]["section"] == list(SECTION)
    assert first["citation"]["paragraph"] == 21
    assert "10000余份" in first["text"]


@pytest.mark.parametrize(
    ("citation", "expected"),
    [
        (
            Citation(QINGLIU, SECTION, 21),
            "《清流县2020年法治政府建设情况报告》 清政文〔2021〕1号 · "
            "五、坚持运用法治思维和方式化解社会矛盾纠纷 › （五）加强普法宣传教育 · 第21段",
        ),
        (Citation(MEILIN, (), 3, page=2), "《梅林县2020年法治政府建设情况报告》 · 第3段 · 第2页"),
        (
            Citation(QINGLIU, ("文件信息",), 0),
            "《清流县2020年法治政府建设情况报告》 清政文〔2021〕1号 · 文件信息 · 第0段",
        ),
    ],
)
def test_citation_line(citation: Citation, expected: str) -> None:
    assert citation_line(citation) == expected


def test_text_bolds_the_figure_and_cites() -> None:
    assert answer_to_text(ANSWER) == (
        "1. 发放宣传品**10000余份**\n"
        "   《清流县2020年法治政府建设情况报告》 清政文〔2021〕1号 · "
        "五、坚持运用法治思维和方式化解社会矛盾纠纷 › （五）加强普法宣传教育 · 第21段"
    )


def test_text_bold_on_a_terminal() -> None:
    assert answer_to_text(ANSWER, bold=True).startswith("1. 发放宣传品\033[1m10000余份\033[0m\n")


def test_text_without_a_figure_is_plain() -> None:
    short = ShortAnswer(
        "文号：清政文〔2021〕1号", PASSAGE, 1.0, Citation(QINGLIU, ("文件信息",), 0)
    )
    text = answer_to_text(Answer("文号", True, (short,)))
    assert text.splitlines()[0] == "1. 文号：清政文〔2021〕1号"
    assert "**" not in text


def test_ambiguous_text_names_each_report() -> None:
    other = ShortAnswer("发放宣传品8000余份", PASSAGE, 9.0, Citation(MEILIN, (), 5), "8000余份")
    text = answer_to_text(Answer("宣传品", True, (SHORT, other), ambiguous=True))
    lines = text.splitlines()
    assert lines[0] == "1. 【清流县2020年法治政府建设情况报告】发放宣传品**10000余份**"
    assert lines[2] == "2. 【梅林县2020年法治政府建设情况报告】发放宣传品**8000余份**"
    assert lines[3] == "   《梅林县2020年法治政府建设情况报告》 · 第5段"


def test_refusal_text() -> None:
    assert answer_to_text(REFUSAL) == "未在已加载的报告中找到相关内容。"
