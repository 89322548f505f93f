"""Choosing the figure that answers, and reaching back for its year."""

from __future__ import annotations

from answers.figure_fit import best_figure, with_qualifier
from answers.intent import read_intent
from answers.sentences import Span
from retrieval.model import Fact, Passage

TEXT = "2019年、2020年，全县刑事案件同比分别下降18.2%、3.8%；受理案件12件，办结9项。"
PASSAGE = Passage("doc", (), 1, TEXT)


def _fact(raw: str, unit: str, kind: str, label: str, qualifier: str = "") -> Fact:
    start = TEXT.index(raw)
    return Fact(raw, None, unit, label, kind, PASSAGE, start, start + len(raw), qualifier)


FACTS = (
    _fact("18.2%", "%", "percent", "刑事案件同比下降", "2019年"),
    _fact("3.8%", "%", "percent", "刑事案件同比下降", "2020年"),
    _fact("12件", "件", "count", "受理案件"),
    _fact("9项", "项", "count", "办结"),
)
WHOLE = Span(0, len(TEXT), TEXT)


def _label_fit(fact: Fact) -> float:
    return 1.0 if "案件" in fact.label else 0.0


def test_the_year_asked_picks_its_figure_of_a_respectively_pair() -> None:
    for year, raw in (("2019年", "18.2%"), ("2020年", "3.8%")):
        figure, _ = best_figure(FACTS, WHOLE, read_intent(f"{year}刑事案件下降了多少"), _label_fit)
        assert figure is not None and figure.raw == raw


def test_a_figure_in_another_unit_is_not_the_answer() -> None:
    figure, _ = best_figure(FACTS[2:], WHOLE, read_intent("办结了多少件"), lambda _: 1.0)
    assert figure is not None and figure.raw == "12件"


def test_a_who_question_bolds_no_figure() -> None:
    assert best_figure(FACTS, WHOLE, read_intent("县长是谁"), _label_fit) == (None, 0.0)


def test_a_figure_whose_label_names_nothing_asked_is_not_shown() -> None:
    figure, _ = best_figure(FACTS[3:], WHOLE, read_intent("受理率是多少"), _label_fit)
    assert figure is None


def test_the_answer_reaches_back_to_the_year_of_its_figure() -> None:
    clause_start = TEXT.index("全县")
    clause = Span(clause_start, TEXT.index("；"), TEXT[clause_start : TEXT.index("；")])
    widened = with_qualifier(TEXT, clause, FACTS[1])
    assert widened.text.startswith("2019年、2020年")


def test_the_verb_before_the_question_word_picks_its_figure() -> None:
    text = "共清理文件412件，废止27件"
    passage = Passage("doc", (), 1, text)
    facts = tuple(
        Fact(raw, None, "件", label, "count", passage, text.index(raw), text.index(raw) + len(raw))
        for raw, label in (("412件", "清理文件"), ("27件", "废止"))
    )
    span = Span(0, len(text), text)
    # Both labels share words with the question; the one the question ends on answers.
    figure, _ = best_figure(facts, span, read_intent("清理文件废止了多少件"), lambda _: 0.5)
    assert figure is not None and figure.raw == "27件"


def test_a_quantity_asked_without_a_unit_is_not_a_schedule() -> None:
    text = "安排工作人员7×24小时受理群众诉求，共收到3531件群众诉求"
    passage = Passage("doc", (), 1, text)
    facts = tuple(
        Fact(raw, None, unit, label, kind, passage, text.index(raw), text.index(raw) + len(raw))
        for raw, unit, kind, label in (
            ("7×24小时", "", "span", "受理群众诉求"),
            ("3531件", "件", "count", "群众诉求"),
        )
    )
    span = Span(0, len(text), text)
    figure, _ = best_figure(facts, span, read_intent("群众诉求是多少"), lambda _: 1.0)
    assert figure is not None and figure.raw == "3531件"


def _change_facts() -> tuple[tuple[Fact, ...], Span]:
    text = "全程网办率从2021年的71.3%提高到86.5%，力争2023年达到95%"
    passage = Passage("doc", (), 1, text)

    def fact(raw: str, qualifier: str = "", role: str = "", planned: bool = False) -> Fact:
        start = text.index(raw)
        return Fact(
            raw,
            None,
            "%",
            "全程网办率",
            "percent",
            passage,
            start,
            start + len(raw),
            qualifier,
            role=role,
            planned=planned,
        )

    facts = (
        fact("71.3%", "2021年", "origin"),
        fact("86.5%", role="result"),
        fact("95%", "2023年", planned=True),
    )
    return facts, Span(0, len(text), text)


def test_now_asks_the_result_a_year_its_figure_and_a_plan_the_target() -> None:
    facts, span = _change_facts()
    asked = {
        "现在全程网办率是多少": "86.5%",
        "2021年的全程网办率是多少": "71.3%",
        "全程网办率的目标是多少": "95%",
    }
    for question, raw in asked.items():
        figure, _ = best_figure(facts, span, read_intent(question), lambda _: 1.0)
        assert figure is not None and figure.raw == raw, question
