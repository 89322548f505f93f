"""Follow-ups: a short question completed from the chat's last one."""

from __future__ import annotations

import pytest

from answers.followup import complete
from retrieval.tokenize import JiebaTokenizer

PLACES = frozenset({"清流", "清流县", "桐溪", "桐溪县"})


@pytest.fixture(scope="module")
def tokenizer() -> JiebaTokenizer:
    return JiebaTokenizer()


@pytest.mark.parametrize(
    ("previous", "message", "question", "changed"),
    [
        ("清流县12345热线去年收到多少诉求", "那桐溪呢", "桐溪12345热线去年收到多少诉求", "place"),
        ("12345热线去年收到多少诉求", "那桐溪县呢？", "桐溪县12345热线去年收到多少诉求", "place"),
        ("12345热线去年收到多少诉求", "那前年呢", "12345热线2019年收到多少诉求", "year"),
        ("2020年受理了几件行政复议案件", "那2021年呢", "2021年受理了几件行政复议案件", "year"),
        ("群众满意率是多少", "那2019年的呢", "2019年群众满意率是多少", "year"),
        ("刑事案件同比下降了多少", "那治安案件呢", "治安案件同比下降了多少", "topic"),
        ("群众满意率是多少", "宁化县呢", "宁化县群众满意率是多少", "place"),
    ],
)
def test_a_follow_up_changes_one_thing_of_the_last_question(
    tokenizer: JiebaTokenizer, previous: str, message: str, question: str, changed: str
) -> None:
    follow_up = complete(previous, message, "2020", PLACES, tokenizer.noun_phrases)
    assert follow_up is not None
    assert (follow_up.question, follow_up.changed) == (question, changed)


@pytest.mark.parametrize(
    "message",
    [
        "行政复议案件有多少件？",  # a question of its own
        "那行政复议有多少件呢",  # it asks on its own too
        "谢谢",
        "法治政府建设还存在哪些不足和问题呢，请详细说说",  # too long for a follow-up
    ],
)
def test_a_question_of_its_own_starts_anew(tokenizer: JiebaTokenizer, message: str) -> None:
    assert complete("群众满意率是多少", message, "2020", PLACES, tokenizer.noun_phrases) is None


def test_nothing_to_follow_without_a_last_question(tokenizer: JiebaTokenizer) -> None:
    assert complete("", "那桐溪呢", "2020", PLACES, tokenizer.noun_phrases) is None
