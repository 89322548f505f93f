"""Tests for answers.routing: a question naming a county or a 文号 picks that report."""

from __future__ import annotations

import pytest

from answers.routing import Router
from retrieval.model import DocumentMeta
from retrieval.tokenize import JiebaTokenizer

QINGLIU = DocumentMeta(
    doc_id="qingliu",
    title="清流县2020年法治政府建设情况报告",
    doc_number="清政文〔2021〕1号",
    publisher="清流县人民政府",
)
TONGXI = DocumentMeta(
    doc_id="tongxi",
    title="桐溪县2020年法治政府建设情况报告",
    doc_number="桐政〔2021〕5号",
    publisher="桐溪县人民政府",
)
TONGXI_2019 = DocumentMeta(
    doc_id="tongxi-2019",
    title="桐溪县2019年法治政府建设情况报告",
    doc_number="桐政〔2020〕3号",
    publisher="桐溪县人民政府",
)


@pytest.fixture(scope="module")
def router(tokenizer: JiebaTokenizer) -> Router:
    return Router.build([QINGLIU, TONGXI], tokenizer)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("桐溪县的群众诉求有多少件", {"tongxi"}),
        ("桐溪诉求多少", {"tongxi"}),
        ("清流县调解中心面积", {"qingliu"}),
        ("在清流办不动产登记要几天", {"qingliu"}),
        ("桐溪县人民政府发布了什么", {"tongxi"}),
        ("清政文〔2021〕1号讲了什么", {"qingliu"}),
        ("桐政〔2021〕5号", {"tongxi"}),
        ("桐政 〔２０２１〕５号说了什么", {"tongxi"}),
        pytest.param(
            "桐政[2021]5号说了什么",
            {"tongxi"},
            id="文号 with keyboard brackets",
        ),
    ],
)
def test_question_naming_a_report_routes_to_it(
    router: Router, question: str, expected: set[str]
) -> None:
    assert router.route(question) == frozenset(expected)


@pytest.mark.parametrize(
    "question",
    [
        "群众诉求有多少件",
        "2020年群众诉求有多少件",  # every report is about 2020
        "法治政府建设情况报告的文号",  # every title says so
        "县人民政府",
        "",
    ],
)
def test_question_naming_no_single_report_is_not_routed(router: Router, question: str) -> None:
    assert router.route(question) is None


def test_a_question_naming_every_report_by_its_place_is_routed_to_each(router: Router) -> None:
    # 清流和桐溪的…: a comparison, answered by the best of each named report.
    assert router.route("清流和桐溪的调解中心") == frozenset(doc_id for doc_id, _ in router.keys)


def test_places_hold_both_forms_of_each_county(router: Router) -> None:
    assert {"清流县", "清流", "桐溪县", "桐溪"} <= router.places
    assert not router.places & {"2020年", "法治", "法治政府", "报告", "人民政府"}


def test_keys_shared_by_every_report_are_dropped(router: Router) -> None:
    keys = dict(router.keys)
    assert {"桐溪县", "桐溪", "桐政[2021]5号"} <= keys["tongxi"]  # brackets folded
    assert not (keys["tongxi"] & keys["qingliu"])
    assert "2020年" not in keys["tongxi"] | keys["qingliu"]


def test_year_routes_between_two_reports_of_one_county(tokenizer: JiebaTokenizer) -> None:
    router = Router.build([QINGLIU, TONGXI, TONGXI_2019], tokenizer)
    assert router.route("桐溪县2019年群众诉求") == frozenset({"tongxi-2019"})
    assert router.route("2019年群众诉求") == frozenset({"tongxi-2019"})
    assert router.route("桐溪县群众诉求") == frozenset({"tongxi", "tongxi-2019"})
    assert router.route("2020年群众诉求") == frozenset({"qingliu", "tongxi"})


def test_one_report_routes_nothing(tokenizer: JiebaTokenizer) -> None:
    router = Router.build([QINGLIU], tokenizer)
    assert router.route("清流县调解中心面积") is None
    assert {"清流县", "清流"} <= router.places


MEILIN = DocumentMeta(
    doc_id="meilin",
    title="梅林县2020年法治政府建设情况报告",
    doc_number="梅政文〔2021〕3号",
    publisher="梅林县人民政府",
)


def test_county_name_jieba_cuts_in_two_still_routes(tokenizer: JiebaTokenizer) -> None:
    router = Router.build([QINGLIU, MEILIN], tokenizer)
    assert router.route("梅林县群众诉求有多少件") == frozenset({"meilin"})
    assert router.route("梅林的群众诉求有多少件") == frozenset({"meilin"})


def test_places_hold_a_county_name_jieba_cuts_in_two(tokenizer: JiebaTokenizer) -> None:
    router = Router.build([QINGLIU, MEILIN], tokenizer)
    assert {"梅林县", "梅林"} <= router.places


def test_without_places_blanks_places_and_doc_numbers(tokenizer: JiebaTokenizer) -> None:
    router = Router.build([QINGLIU, TONGXI], tokenizer)
    blanked = router.without_places("桐政[2021]5号里桐溪县的诉求有多少")
    assert ("桐溪" in blanked, "5号" in blanked, "诉求" in blanked) == (False, False, True)


def test_places_read_past_the_government_between_two_units() -> None:
    from answers.routing import place_names

    names = place_names("2023年上海市黄浦区人民政府打浦桥街道办事处政府信息公开工作年度报告")
    assert {"上海市", "黄浦区", "打浦桥街道", "打浦桥"} <= names
