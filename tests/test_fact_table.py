"""Tests for answers.fact_table: CSV for Excel, JSON Lines and the terminal table."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from answers.fact_table import (
    COLUMNS,
    display_width,
    facts_to_csv,
    facts_to_jsonl,
    facts_to_text_table,
    write_facts_csv,
)
from retrieval.facts import extract_facts
from retrieval.model import Fact, Passage

TITLES = {"qingliu": "清流县2020年法治政府建设情况报告"}


def sample_facts() -> tuple[Fact, ...]:
    """Return the facts of two sentences, one with a magnitude and one approximate."""
    passage = Passage(
        doc_id="qingliu",
        section_path=("五、坚持运用法治思维", "(二)纵深推进扫黑除恶斗争"),
        paragraph=54,
        text="查封扣押、冻结涉案资产312.37万元。发放宣传品10000余份，悬挂宣传横幅30余幅。",
    )
    return extract_facts(passage)


def test_csv_round_trip_with_bom() -> None:
    text = facts_to_csv(sample_facts(), TITLES)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert [tuple(row) for row in rows][:1] == [COLUMNS]
    assert rows[0] == {
        "document": "清流县2020年法治政府建设情况报告",
        "section": "五、坚持运用法治思维 > (二)纵深推进扫黑除恶斗争",
        "paragraph": "54",
        "value_as_written": "312.37万元",
        "number": "3123700",
        "unit": "元",
        "label": "冻结涉案资产",
        "qualifier": "",
        "approximate": "false",
        "sentence": "查封扣押、冻结涉案资产312.37万元。",
    }
    assert [
        (row["value_as_written"], row["approximate"], row["sentence"]) for row in rows[1:]
    ] == [
        ("10000余份", "true", "发放宣传品10000余份，悬挂宣传横幅30余幅。"),
        ("30余幅", "true", "发放宣传品10000余份，悬挂宣传横幅30余幅。"),
    ]


def test_csv_without_titles_names_the_doc_id() -> None:
    rows = list(csv.DictReader(io.StringIO(facts_to_csv(sample_facts()).removeprefix("\ufeff"))))
    assert {row["document"] for row in rows} == {"qingliu"}


def test_write_facts_csv_opens_as_utf8_sig(tmp_path: Path) -> None:
    path = tmp_path / "facts.csv"
    write_facts_csv(path, sample_facts(), TITLES)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [row["number"] for row in rows] == ["3123700", "10000", "30"]


def test_jsonl_has_one_object_per_fact() -> None:
    records = [json.loads(line) for line in facts_to_jsonl(sample_facts(), TITLES).splitlines()]
    actual = [
        (r["value_as_written"], r["number"], r["approximate"], r["kind"], r["paragraph"])
        for r in records
    ]
    assert actual == [
        ("312.37万元", 3123700.0, False, "money", 54),
        ("10000余份", 10000.0, True, "count", 54),
        ("30余幅", 30.0, True, "count", 54),
    ]


def test_text_table_aligns_cjk_columns() -> None:
    lines = facts_to_text_table(sample_facts()).splitlines()
    header, rule, *rows = lines
    assert header.split() == [
        "paragraph",
        "value_as_written",
        "number",
        "unit",
        "label",
        "qualifier",
    ]
    label_column = display_width(header[: header.index("label")])
    assert [
        display_width(row[: row.index(label)])
        for row, label in zip(rows, ("冻结涉案资产", "发放宣传品", "悬挂宣传横幅"), strict=True)
    ] == [label_column] * 3
    assert rule.startswith("-" * len("paragraph"))


def test_text_table_cuts_long_cells() -> None:
    table = facts_to_text_table(sample_facts(), max_width=6)
    assert max(display_width(line) for line in table.splitlines()) <= 6 * 6 + 2 * 5


def test_display_width_counts_cjk_as_two() -> None:
    assert display_width("宣传品10") == 8
