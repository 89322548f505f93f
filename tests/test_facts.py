"""Tests for retrieval.facts: figures of the bundled report, non-figures, tables, the audit."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from config import BUNDLED_DOCS_DIR
from retrieval.facts import RUN_CATEGORIES, classify_runs, extract_facts, sentence_of
from retrieval.facts.numerals import parse_chinese, parse_decimal
from retrieval.model import Fact, Passage

REPORT = BUNDLED_DOCS_DIR / "qingliu-2020-fazhi-report.txt"
GOLDEN = Path(__file__).parent / "golden" / "qingliu_facts.jsonl"


@cache
def report_passages() -> tuple[Passage, ...]:
    """Return the bundled report with one passage per non-blank line."""
    lines = REPORT.read_text(encoding="utf-8").splitlines()
    return tuple(
        Passage(doc_id="qingliu", section_path=(), paragraph=index, text=line)
        for index, line in enumerate(lines, start=1)
        if line.strip()
    )


@cache
def report_facts() -> tuple[Fact, ...]:
    """Return every fact of the bundled report."""
    return tuple(fact for passage in report_passages() for fact in extract_facts(passage))


def passage(text: str) -> Passage:
    """Return a one-paragraph passage holding `text`."""
    return Passage(doc_id="test", section_path=(), paragraph=1, text=text)


def summary(fact: Fact) -> tuple[str, float | None, str, str, str, bool]:
    """Return the fields of a fact a test compares."""
    return (fact.raw, fact.value, fact.unit, fact.label, fact.qualifier, fact.approximate)


def golden_cases() -> list[Any]:
    """Return the hand-written figures of the bundled report as pytest params."""
    records = [json.loads(line) for line in GOLDEN.read_text(encoding="utf-8").splitlines()]
    return [
        pytest.param(record, id=f"{index:03}-{record['raw']}-{record['label']}")
        for index, record in enumerate(records)
    ]


def test_golden_covers_sixty_figures() -> None:
    assert len(golden_cases()) >= 60


@pytest.mark.parametrize("expected", golden_cases())
def test_golden_figure_is_extracted(expected: dict[str, Any]) -> None:
    candidates = [
        fact
        for fact in report_facts()
        if (fact.raw, fact.value, fact.unit, fact.kind)
        == (expected["raw"], expected["value"], expected["unit"], expected["kind"])
        and expected["label"] in fact.label
        and fact.approximate == expected["approximate"]
    ]
    if "qualifier" in expected:
        candidates = [fact for fact in candidates if fact.qualifier == expected["qualifier"]]
    found = [summary(fact) for fact in candidates][:1]
    assert len(found) == 1, [summary(f) for f in report_facts() if f.raw == expected["raw"]]


def test_raw_is_the_text_at_the_offsets_in_text_order() -> None:
    for fact in report_facts():
        assert fact.passage.text[fact.start : fact.end] == fact.raw
    for item in report_passages():
        starts = [fact.start for fact in extract_facts(item)]
        assert starts == sorted(starts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "2019年、2020年，全县刑事案件同比分别下降18.2%、3.8%；治安案件同比分别下降30.7%、28.9%。",
            [
                ("18.2%", 18.2, "%", "刑事案件同比下降", "2019年", False),
                ("3.8%", 3.8, "%", "刑事案件同比下降", "2020年", False),
                ("30.7%", 30.7, "%", "治安案件同比下降", "2019年", False),
                ("28.9%", 28.9, "%", "治安案件同比下降", "2020年", False),
            ],
            id="two-years-two-clauses",
        ),
        pytest.param(
            "2019年、2020年全县刑事案件立案数分别下降12.5%、7.1%。",
            [
                ("12.5%", 12.5, "%", "刑事案件立案数下降", "2019年", False),
                ("7.1%", 7.1, "%", "刑事案件立案数下降", "2020年", False),
            ],
            id="no-comma-after-years",
        ),
    ],
)
def test_respectively_pairs_values_with_years(
    text: str, expected: list[tuple[str, float, str, str, str, bool]]
) -> None:
    facts = [fact for fact in extract_facts(passage(text)) if fact.kind == "percent"]
    assert [summary(fact) for fact in facts] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "打掉涉黑犯罪组织1个、涉恶犯罪团伙2个、“九类”涉恶团伙9个，破获“九类”涉恶案件43起。",
            [
                ("1个", 1.0, "个", "打掉涉黑犯罪组织", "", False),
                ("2个", 2.0, "个", "涉恶犯罪团伙", "", False),
                ("9个", 9.0, "个", "“九类”涉恶团伙", "", False),
                ("43起", 43.0, "起", "破获“九类”涉恶案件", "", False),
            ],
            id="one-subject-many-items",
        ),
        pytest.param(
            "中心现有驻会调解员10人，其中专职调解员3人，律师调解员5人。",
            [
                ("10人", 10.0, "人", "中心现有驻会调解员", "", False),
                ("3人", 3.0, "人", "专职调解员", "", False),
                ("5人", 5.0, "人", "律师调解员", "", False),
            ],
            id="whole-and-parts",
        ),
        pytest.param(
            "诉求受理率、回复率、按时办结率均为100%。",
            [("100%", 100.0, "%", "诉求受理率、回复率、按时办结率", "", False)],
            id="one-value-for-every-item",
        ),
        pytest.param(
            "查处疫情相关案件9起，案值1.44万元，罚没2.85万元。",
            [
                ("9起", 9.0, "起", "查处疫情相关案件", "", False),
                ("1.44万元", 14400.0, "元", "查处疫情相关案件案值", "", False),
                ("2.85万元", 28500.0, "元", "查处疫情相关案件罚没", "", False),
            ],
            id="short-labels-take-the-subject",
        ),
    ],
)
def test_lists_give_one_fact_per_item(
    text: str, expected: list[tuple[str, float, str, str, str, bool]]
) -> None:
    assert [summary(fact) for fact in extract_facts(passage(text))] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("查封扣押涉案资产312.37万元", ("312.37万元", 3123700.0, "元", "money", False)),
        ("共办理不动产登记业务1.37万件", ("1.37万件", 13700.0, "件", "count", False)),
        ("发放宣传折页2万余份", ("2万余份", 20000.0, "份", "count", True)),
        ("发放宣传品10000余份", ("10000余份", 10000.0, "份", "count", True)),
        ("公示信息2600余条", ("2600余条", 2600.0, "条", "count", True)),
        ("全年投入资金3.5亿元", ("3.5亿元", 350000000.0, "元", "money", False)),
        ("同比增长9.3％", ("9.3％", 9.3, "％", "percent", False)),
        ("共收到３５３１件群众诉求", ("３５３１件", 3531.0, "件", "count", False)),
        ("面积达260平方米", ("260平方米", 260.0, "平方米", "measure", False)),
        ("连续6年未发生涉医闹群体性事件", ("6年", 6.0, "年", "duration", False)),
        ("位列全市第3", ("第3", 3.0, "", "rank", False)),
        ("安排工作人员7×24小时受理群众诉求", ("7×24小时", None, "", "span", False)),
    ],
)
def test_magnitudes_and_approximations(
    text: str, expected: tuple[str, float | None, str, str, bool]
) -> None:
    facts = extract_facts(passage(text))
    actual = [(f.raw, f.value, f.unit, f.kind, f.approximate) for f in facts]
    assert actual == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("安排两名工作人员受理群众诉求", ("两名", 2.0, "名", "工作人员")),
        ("组建民法典宣讲团三支", ("三支", 3.0, "支", "组建民法典宣讲团")),
        ("建立两种模式，实现一窗办结", ("两种", 2.0, "种", "模式")),
        ("抓住五个主要环节", ("五个", 5.0, "个", "主要环节")),
        ("在两个试点乡镇推行", ("两个", 2.0, "个", "试点乡镇")),
        ("新建十二个调解室", ("十二个", 12.0, "个", "调解室")),
    ],
)
def test_chinese_numeral_counts(text: str, expected: tuple[str, float, str, str]) -> None:
    facts = extract_facts(passage(text))
    assert [(f.raw, f.value, f.unit, f.label) for f in facts] == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020年10月起，县司法局指派公职律师", ("2020年10月起", "date")),
        ("于8月正式揭牌投入使用", ("8月", "date")),
        ("2020年3月后实现企业开办提速", ("2020年3月后", "date")),
        ("2018年至2020年，全县集体上访人员持续减少", ("2018年至2020年", "period")),
        ("清流县人民政府 2021年1月5", ("2021年1月5", "date")),
        ("2020年底前完成", ("2020年底前", "date")),
    ],
)
def test_dates_and_periods(text: str, expected: tuple[str, str]) -> None:
    facts = extract_facts(passage(text))
    assert [(f.raw, f.kind) for f in facts] == [expected]
    assert facts[0].value is None


def categories(text: str) -> list[tuple[str, str]]:
    """Return each numeral run of `text` with its category."""
    return [(run.text, run.category) for run in classify_runs(passage(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("清政文〔2021〕1号", [("2021", "doc_number"), ("1", "doc_number")], id="doc"),
        pytest.param(
            "索 引 号: SM05100-0100-2021-00001",
            [
                ("05100", "index_number"),
                ("0100", "index_number"),
                ("2021", "index_number"),
                ("00001", "index_number"),
            ],
            id="index",
        ),
        pytest.param(
            "时间:2021/01/05 16:23",
            [
                ("2021", "date_part"),
                ("01", "date_part"),
                ("05", "date_part"),
                ("16", "time"),
                ("23", "time"),
            ],
            id="timestamp",
        ),
        pytest.param("(一)党的领导", [("一", "list_marker")], id="half-width-marker"),
        pytest.param("（二）完善制度", [("二", "list_marker")], id="full-width-marker"),
        pytest.param("  三、推进政务服务", [("三", "list_marker")], id="heading-marker"),
        pytest.param("一是打击效能持续提升", [("一", "list_marker")], id="yi-shi"),
        pytest.param(
            "研究讨论了《中共清流县委全面依法治县委员会2020年工作要点》",
            [("2020", "law_or_title")],
            id="title",
        ),
        pytest.param("用好e三明平台", [("三", "name_word")], id="sanming"),
        pytest.param("推进一网通办", [("一", "name_word")], id="one-net"),
        pytest.param(
            "十九届五中全会精神",
            [("十九", "name_word"), ("五", "name_word")],
            id="plenum",
        ),
        pytest.param("做到“两个维护”", [("两", "name_word")], id="quoted"),
        pytest.param("坚定四个自信", [("四", "name_word")], id="fixed-term"),
        pytest.param("推行三项制度", [("三", "name_word")], id="three-systems"),
        pytest.param("实现主干一肩挑", [("一", "name_word")], id="one-shoulder"),
        pytest.param("实行一窗受理", [("一", "name_word")], id="one-window"),
        pytest.param("开展民法典“七进”活动", [("七", "name_word")], id="seven-into"),
        pytest.param("促“六稳”", [("六", "name_word")], id="six-stable"),
        pytest.param("实施“双百计划”", [("双百", "name_word")], id="double-hundred"),
        pytest.param("抓好12345便民服务工作", [("12345", "name_word")], id="hotline"),
        pytest.param("通过“12348”法律服务热线", [("12348", "name_word")], id="quoted-hotline"),
        pytest.param(
            "换届选举一次成功率达100%", [("一", "name_word"), ("100", "fact")], id="rate"
        ),
        pytest.param("第三人已上诉", [("三", "ordinal")], id="ordinal"),
        pytest.param("县、乡、村三级调解网络", [("三", "name_word")], id="three-tier"),
    ],
)
def test_runs_that_are_not_figures(text: str, expected: list[tuple[str, str]]) -> None:
    assert categories(text) == expected


def test_non_figures_give_no_facts() -> None:
    text = "清政文〔2021〕1号 SM05100-0100-2021-00001 (一)增强“四个意识”、坚定四个自信"
    assert extract_facts(passage(text)) == ()


ROWS = (
    ("指标", "2019年", "2020年"),
    ("行政复议案件", "3", "2"),
    ("调解成功率", "98.6%", "100%"),
)


@pytest.mark.parametrize(
    "table",
    [
        pytest.param(
            Passage(
                doc_id="t",
                section_path=(),
                paragraph=1,
                text="\n".join(" | ".join(row) for row in ROWS),
                rows=ROWS,
            ),
            id="rows",
        ),
        pytest.param(passage("\n".join(" | ".join(row) for row in ROWS)), id="text-rows"),
    ],
)
def test_table_gives_one_fact_per_cell(table: Passage) -> None:
    facts = extract_facts(table)
    assert [summary(fact) for fact in facts] == [
        ("3", 3.0, "", "行政复议案件 2019年", "2019年", False),
        ("2", 2.0, "", "行政复议案件 2020年", "2020年", False),
        ("98.6%", 98.6, "%", "调解成功率 2019年", "2019年", False),
        ("100%", 100.0, "%", "调解成功率 2020年", "2020年", False),
    ]
    assert [table.text[fact.start : fact.end] for fact in facts] == ["3", "2", "98.6%", "100%"]
    assert {run.category for run in classify_runs(table)} == {"fact", "table_header"}


def test_table_header_unit_scales_cells() -> None:
    rows = (("项目", "金额（万元）"), ("罚没款", "18.6"))
    table = Passage(
        doc_id="t",
        section_path=(),
        paragraph=1,
        text="\n".join(" | ".join(row) for row in rows),
        rows=rows,
    )
    facts = extract_facts(table)
    assert [(f.raw, f.value, f.unit, f.kind) for f in facts] == [("18.6", 186000.0, "元", "money")]


def test_sentence_of_returns_the_sentence_holding_the_figure() -> None:
    item = passage("改扩建县级调解中心。面积达260平方米，中心现有驻会调解员10人。大事不出乡。")
    facts = extract_facts(item)
    assert [sentence_of(fact) for fact in facts] == [
        "面积达260平方米，中心现有驻会调解员10人。",
        "面积达260平方米，中心现有驻会调解员10人。",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("两", 2),
        ("十", 10),
        ("十九", 19),
        ("一百零五", 105),
        ("三万二千", 32000),
        ("二〇二〇", 2020),
    ],
)
def test_parse_chinese(text: str, expected: int) -> None:
    assert parse_chinese(text) == expected


@pytest.mark.parametrize(
    ("text", "scale", "expected"),
    [("99.52", 1, 99.52), ("1.37", 10_000, 13700.0), ("３５", 1, 35.0)],
)
def test_parse_decimal(text: str, scale: int, expected: float) -> None:
    assert parse_decimal(text, scale) == expected


def test_audit_leaves_no_run_of_the_report_unclassified() -> None:
    for item in report_passages():
        runs = classify_runs(item)
        covered = {index for run in runs for index in range(run.start, run.end)}
        digits = {match.start() for match in re.finditer(r"[0-9０-９]", item.text)}
        assert digits <= covered, item.text
        for run in runs:
            assert run.category in RUN_CATEGORIES
            assert (run.category == "fact") == (run.fact is not None)
            assert item.text[run.start : run.end] == run.text
        facts = extract_facts(item)
        assert {run.fact for run in runs if run.fact} == set(facts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("成文日期：2021-01-05", [("2021-01-05", "date")]),
        ("发布时间：2021-1-5 16:23", [("2021-1-5", "date")]),
        ("索引号：SM05100-0100-2021-00001", []),
    ],
)
def test_an_iso_date_is_a_date_fact(text: str, expected: list[tuple[str, str]]) -> None:
    actual = [(f.raw, f.kind) for f in extract_facts(passage(text))]
    assert actual == expected


@pytest.mark.parametrize(
    ("text", "roles"),
    [
        ("企业开办时间由原来的3.5个工作日压缩至2个工作日。",
         {"3.5个工作日": "origin", "2个工作日": "result"}),
        ("出庭应诉率从2020年的76.1%提高到95.3%。", {"76.1%": "origin", "95.3%": "result"}),
        ("关注用户由14.2万人增长到21.6万人。", {"14.2万人": "origin", "21.6万人": "result"}),
        ("全年办理审批事项1200件，平均用时1.5天。", {"1200件": "", "1.5天": ""}),
    ],
)  # fmt: skip
def test_the_sides_of_a_change(text: str, roles: dict[str, str]) -> None:
    facts = extract_facts(Passage("d", (), 1, text))
    assert {f.raw: f.role for f in facts if f.raw in roles} == roles


def test_each_item_of_a_list_is_labelled_by_its_own_verb() -> None:
    facts = extract_facts(passage("共清理文件412件，废止27件、修改16件。"))
    assert [(f.raw, f.label) for f in facts] == [
        ("412件", "清理文件"),
        ("27件", "废止"),
        ("16件", "修改"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("召开了全面依法治县委员会第三次会议", [("第三次", 3.0, "rank")]),
        ("列入第二批试点名单", [("第二批", 2.0, "rank")]),
        ("落实第一责任人职责", []),
    ],
)
def test_ordinals_with_a_measure_word_are_figures(
    text: str, expected: list[tuple[str, float, str]]
) -> None:
    assert [(f.raw, f.value, f.kind) for f in extract_facts(passage(text))] == expected


def test_a_change_from_a_dated_level_keeps_its_subject_and_year() -> None:
    text = "全程网办率从2021年的71.3%提高到86.5%。"
    facts = {f.raw: f for f in extract_facts(passage(text))}
    assert (facts["71.3%"].label, facts["71.3%"].qualifier, facts["71.3%"].role) == (
        "全程网办率",
        "2021年",
        "origin",
    )
    # The level reached is the report year's, not 2021's.
    assert (facts["86.5%"].qualifier, facts["86.5%"].role) == ("", "result")
    assert facts["86.5%"].label.startswith("全程网办率")


def test_a_respectively_list_gives_each_value_its_own_subject() -> None:
    text = "全年承办区人大代表建议和区政协委员提案分别为148件和196件。"
    labels = [(f.raw, f.label) for f in extract_facts(passage(text))]
    assert labels == [("148件", "承办区人大代表建议"), ("196件", "区政协委员提案")]


@pytest.mark.parametrize(
    ("text", "planned"),
    [
        ("力争矛盾纠纷调解成功率稳定在98%以上。", True),
        ("调解成功率达到98.9%。", False),
    ],
)
def test_a_target_is_marked_planned(text: str, planned: bool) -> None:
    assert [f.planned for f in extract_facts(passage(text))] == [planned]


def test_figures_of_a_part_on_next_years_work_are_planned() -> None:
    ahead = Passage("doc", ("五、2023年工作安排",), 1, "全程网办率提高到95%以上。")
    assert [f.planned for f in extract_facts(ahead)] == [True]
