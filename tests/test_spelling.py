"""Tests for answers.spelling and answers.scope: plain speech, and what is not covered."""

from __future__ import annotations

import pytest

from answers.engine import Engine
from answers.figure_fit import plain_number
from answers.scope import small_talk, unknown_places
from answers.spelling import Speller, numerals_as_digits


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("百分之九十九点八是什么满意率", "99.8%是什么满意率"),
        ("三千五百件", "3500件"),
        ("过十万的村", "过10万的村"),
        ("一网通办率是多少", "一网通办率是多少"),  # a lone numeral is part of a word
        ("一次都不用跑", "一次都不用跑"),
    ],
)
def test_numerals_as_digits(text: str, expected: str) -> None:
    assert numerals_as_digits(text) == expected


def test_a_homophone_typo_is_read_as_the_reports_word() -> None:
    speller = Speller({"嫌疑人": 1, "行政复议": 3, "市级": 5}, lambda w: w in {"行政", "是", "几"})
    assert speller.correct(["抓了", "多少", "嫌", "移人"]) == "抓了多少嫌疑人"
    assert speller.correct(["行政", "服议", "几件"]) == "行政复议几件"
    # 是 + 几 sounds like 市级, but they are words of the question, not a typo.
    assert speller.correct(["是", "几", "个"]) == "是几个"


def test_typos_and_numerals_through_the_engine(engine: Engine) -> None:
    assert engine.ask("扫黑除恶抓了多少嫌移人").answers[0].figure == "118人"
    assert engine.ask("行政服议受理了几件").answers[0].figure == "2件"


@pytest.mark.parametrize(
    ("message", "kind"),
    [("你好", "greeting"), ("谢谢！", "thanks"), ("帮助", "help"), ("what is this", "language"),
     ("12345热线收到多少诉求", "")],
)  # fmt: skip
def test_small_talk(message: str, kind: str) -> None:
    assert small_talk(message) == kind


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["三明市", "2020年", "12345", "热线"], ["三明市"]),
        (["永安", "市", "的", "诉求"], ["永安市"]),
        (["县政府", "向", "市政府", "和", "县", "人大"], []),  # no place across words
        (["两个", "县", "哪个", "高"], []),
        (["城区", "开办", "企业"], []),
        (["清流县", "诉求"], []),  # a loaded place
        (["想", "问", "下将", "乐县", "将乐县", "的"], ["将乐县"]),  # a character cut onto it
    ],
)
def test_unknown_places(words: list[str], expected: list[str]) -> None:
    assert unknown_places(words, {"清流县", "清流"}) == expected


def test_numbers_written_two_ways_are_one() -> None:
    assert plain_number("99.80%") == plain_number("99.8%") == "99.8%"
    assert plain_number("3531") == "3531"


def test_a_place_the_reports_do_not_cover_is_said_so_when_a_year_routed_elsewhere(
    engine: Engine,
) -> None:
    answer = engine.ask("三明市2020年12345热线受理了多少诉求")
    assert (answer.found, answer.reason, answer.note) == (
        False,
        "place",
        "已加载的报告里没有三明市的报告。",
    )
