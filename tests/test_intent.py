"""Tests for answers.intent: what kind of figure a question asks for, and in which unit."""

from __future__ import annotations

import pytest

from answers.engine import Engine
from answers.intent import Intent, read_intent
from retrieval.normalize import normalize


def intent(question: str) -> Intent:
    """The intent of a question, normalized as the composer normalizes it."""
    return read_intent(normalize(question))


@pytest.mark.parametrize(
    ("question", "kinds", "unit"),
    [
        ("调解中心有几名调解员", {"count"}, "名"),
        ("疫情期间查了几起案子", {"count"}, "起"),
        ("民法典宣讲搞了多少场次", {"count"}, "场次"),
        ("主动公开信息多少条", {"count"}, "条"),
        ("群众满意率是多少", {"percent"}, ""),
        ("两跑事项占比百分之几", {"percent"}, ""),
        ("刑事案件比上一年降了多少", {"percent"}, ""),
        ("好评率排第几", {"rank"}, ""),
        ("在全市排名怎么样", {"rank"}, ""),
        ("全省第几位", {"rank"}, "位"),
        ("公职律师什么时候开始列席常务会议", {"date"}, ""),
        ("哪一年完成换届选举", {"date"}, ""),
        ("不动产登记发证要多长时间", {"duration"}, ""),
        ("企业开办要几个工作日", {"duration"}, "个工作日"),
        ("调解中心面积有多大", {"measure"}, ""),
        ("复议经费有多少钱", {"money"}, ""),
        ("涉案资产多少万元", {"money"}, "万元"),
        ("县委书记是谁", {"person"}, ""),
        ("法律顾问队伍由哪些人组成", set(), ""),
    ],
)
def test_kinds_and_unit(question: str, kinds: set[str], unit: str) -> None:
    actual = intent(question)
    assert (actual.kinds, actual.unit) == (frozenset(kinds), unit)


@pytest.mark.parametrize(
    ("question", "wants_figure"),
    [
        ("宣传品发了多少份", True),
        ("扫黑除恶好评率", True),
        ("4808", True),
        ("法治政府建设还存在哪些不足", False),
        ("政府法律顾问制度是怎么建立的", False),
    ],
)
def test_wants_figure(question: str, wants_figure: bool) -> None:
    assert intent(question).wants_figure == wants_figure


def test_rank_beats_percent_when_a_rate_is_ranked() -> None:
    assert intent("扫黑除恶好评率排第几").kinds == frozenset({"rank"})
    assert intent("扫黑除恶好评率是多少").kinds == frozenset({"percent"})


def test_date_beats_percent() -> None:
    assert intent("调解成功率什么时候达到100%").kinds == frozenset({"date"})


@pytest.mark.parametrize(
    ("question", "years", "numbers"),
    [
        ("2020年受理了多少件", ("2020",), ()),
        ("２０２０年受理了多少件", ("2020",), ()),
        ("2019年、2020年涉赌案件分别下降多少", ("2019", "2020"), ()),
        ("2020年3月后企业开办要几天", ("2020",), ()),
        ("4808项是什么", (), ("4808",)),
        ("99.52%是指什么", (), ("99.52%",)),
        ("９９．８０％说的是哪个比率", (), ("99.80%",)),
        ("3.5个工作日压缩到了多少", (), ("3.5",)),
        ("2020年的4808项指什么", ("2020",), ("4808",)),
        ("宣传品发了多少份", (), ()),
    ],
)
def test_years_and_numbers(
    question: str, years: tuple[str, ...], numbers: tuple[str, ...]
) -> None:
    actual = intent(question)
    assert (actual.years, actual.numbers) == (years, numbers)


@pytest.mark.parametrize(
    "question",
    [
        "这份报告的文号是什么",
        "该文件是哪天发布的",
        "本报告的索引号",
        "发布机构是哪个",
        "发文机关",
        "成文日期",
        pytest.param(
            "发布单位是哪个",
        ),
    ],
)
def test_questions_about_the_document(question: str) -> None:
    assert intent(question).about_document


@pytest.mark.parametrize(
    "question", ["宣传品发了多少份", "报告期内调解了多少纠纷", "法治政府建设有哪些不足"]
)
def test_questions_about_the_content(question: str) -> None:
    assert not intent(question).about_document


@pytest.mark.parametrize(
    ("question", "unit", "fits"),
    [
        ("驻会调解员有几名", "人", True),
        ("驻会调解员有几名", "名", True),
        ("驻会调解员有几名", "位", True),
        ("驻会调解员有几名", "人次", True),
        ("驻会调解员有几名", "件", False),
        ("查处了几起案件", "件", True),
        ("查处了几起案件", "宗", True),
        ("查处了几起案件", "人", False),
        ("开展了几次宣讲", "场次", True),
        ("有几家律所", "所", True),
        ("要几天", "个工作日", True),
        ("要几个工作日", "天", True),
        ("要几个工作日", "小时", False),
        ("多少元", "万元", True),
        # 几个 is asked of anything counted: it neither fits nor rules out a unit.
        ("有几个部门", "个", None),
        ("有几个常驻调解员", "名", None),
    ],
)
def test_unit_families(question: str, unit: str, fits: bool | None) -> None:
    assert intent(question).unit_fits(unit) is fits


def test_unit_fits_is_none_without_a_named_unit() -> None:
    assert intent("群众满意率是多少").unit_fits("%") is None


@pytest.mark.parametrize(
    ("question", "units"),
    [
        ("群众满意率是多少", ("%", "％")),
        ("复议经费有多少钱", ("元", "万元", "亿元")),
        ("调解员有几名", ("名",)),
        (
            "企业开办要几个工作日",
            ("个工作日", "天", "日", "工作日", "个工作日", "小时", "个月", "年"),
        ),
        ("法律顾问由哪些人组成", ()),
    ],
)
def test_units_a_figure_may_be_written_in(question: str, units: tuple[str, ...]) -> None:
    assert intent(question).units() == units


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("民法典宣讲团有多少个成员", "成员"),
        ("桐溪县扫黑除恶一共抓了多少个犯罪嫌疑人", "犯罪嫌疑人"),
        ("多少个村实现了一肩挑", "村"),
        ("12345热线去年收到多少诉求", ""),
    ],
)
def test_the_noun_a_count_is_of(question: str, counted: str) -> None:
    assert read_intent(question).counted == counted


def test_a_count_of_something_else_is_not_the_answer(engine: Engine) -> None:
    # The clause also counts 涉黑组织 and 涉恶团伙 (个): the figure is the one of 嫌疑人.
    assert engine.ask("扫黑除恶一共抓了多少个犯罪嫌疑人").answers[0].figure == "118人"


@pytest.mark.parametrize(
    ("question", "head"),
    [
        ("规范性文件专项清理废止了多少件", "废止"),
        ("实行告知承诺以后办件量达到了多少", "件量"),
        ("扫黑除恶一共抓获了多少犯罪嫌疑人", "抓获"),
        ("多少件", ""),
    ],
)
def test_the_words_before_the_question_word_name_what_is_asked(question: str, head: str) -> None:
    assert read_intent(question).head == head


def test_a_hotline_number_is_not_a_figure_to_look_up() -> None:
    assert read_intent("12345热线诉求分别是多少").numbers == ()
    assert read_intent("3531是什么").numbers == ("3531",)
