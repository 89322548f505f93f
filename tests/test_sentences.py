"""Tests for answers.sentences: sentences and clauses keep their offsets in the passage."""

from __future__ import annotations

import pytest

from answers.sentences import Span, clauses, sentences
from retrieval.model import Document

TRICKY = (
    "",
    "没有句号的一句话",
    "  前有空格。 后有空格 。",
    "甲，乙。丙！丁？戊；己",
    "问句?叹句!分号;结束.",
    "连续标点。。。再来",
    "逗号,半宽，全宽，，结束。",
    "（一）标题。正文第一句，正文第二句。",
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("没有句号的一句话", ["没有句号的一句话"]),
        ("甲，乙。丙！丁？戊；己", ["甲，乙。", "丙！", "丁？", "戊；", "己"]),
        ("问句?叹句!分号;结束", ["问句?", "叹句!", "分号;", "结束"]),
        ("连续标点。。。再来", ["连续标点。。。", "再来"]),
        ("  前有空格。 后有空格 。", ["前有空格。", "后有空格 。"]),
        (
            "共收到3531件群众诉求,中心已全部批转;群众满意率99.80%。",
            ["共收到3531件群众诉求,中心已全部批转;", "群众满意率99.80%。"],
        ),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert [span.text for span in sentences(text)] == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("甲，乙，丙。", ["甲，", "乙，", "丙。"]),
        ("逗号,半宽，全宽，，结束。", ["逗号,", "半宽，", "全宽，，", "结束。"]),
        ("没有逗号。", ["没有逗号。"]),
    ],
)
def test_clauses(sentence: str, expected: list[str]) -> None:
    assert [span.text for span in clauses(Span(0, len(sentence), sentence))] == expected


def test_clause_offsets_are_in_the_passage_not_the_sentence() -> None:
    text = "第一句。案值1.44万元,罚没2.85万元。"
    second = sentences(text)[1]
    assert [(c.start, c.end, c.text) for c in clauses(second)] == [
        (4, 13, "案值1.44万元,"),
        (13, 22, "罚没2.85万元。"),
    ]


def _spans_hold(text: str) -> None:
    for sentence in sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()
        for clause in clauses(sentence):
            assert text[clause.start : clause.end] == clause.text
            assert sentence.start <= clause.start < clause.end <= sentence.end


@pytest.mark.parametrize("text", TRICKY)
def test_spans_locate_their_text_in_tricky_strings(text: str) -> None:
    _spans_hold(text)


def test_spans_locate_their_text_in_every_passage_of_the_report(
    bundled_document: Document,
) -> None:
    for passage in bundled_document.passages:
        _spans_hold(passage.text)


def test_sentences_cover_every_character_but_spaces(bundled_document: Document) -> None:
    for passage in bundled_document.passages:
        joined = "".join(span.text for span in sentences(passage.text))
        assert joined.replace(" ", "") == passage.text.replace(" ", "")
