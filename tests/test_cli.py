"""The `reportqa` command line: ask, index and facts, their output and their exit statuses."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import answers.engine
import cli
import retrieval.tokenize
from answers.fact_table import COLUMNS
from retrieval.tokenize import JiebaTokenizer
from tests.report_fixtures import BUNDLED_REPORT, write_bad_files, write_report_files

TITLE = "清流县2020年法治政府建设情况报告"
DOC_NUMBER = "清政文〔2021〕1号"
CITED = f"《{TITLE}》 {DOC_NUMBER}"
QUESTION = "县直部门权责清单事项共多少项"
# Where 4808项 stands: part 三, subsection (一), the report's 9th passage.
SECTION = ["三、推进互联网+政务服务，优化营商环境", "（一）加快“放管服”改革"]
# The shortened report's table stays in the subsection it follows.
TABLE_SECTION = ["二、推进行政决策科学化、民主化、法治化", "（三）强化行政决策合法性审查"]
# The columns README and answers.fact_table document for `facts --csv`.
CSV_COLUMNS = [
    "document",
    "section",
    "paragraph",
    "value_as_written",
    "number",
    "unit",
    "label",
    "qualifier",
    "approximate",
    "sentence",
]
# The JSON contract of README: these keys are never renamed.
ANSWER_KEYS = {"question", "found", "ambiguous", "confidence", "answers", "facts"}
SHORT_ANSWER_KEYS = {"text", "figure", "passage", "score", "citation"}
CITATION_KEYS = {
    "document",
    "doc_number",
    "publisher",
    "date",
    "section",
    "paragraph",
    "page",
    "source",
}
RUN = "import sys, launcher; sys.exit(launcher.main())"


@pytest.fixture(scope="module")
def tokenizer() -> JiebaTokenizer:
    """One tokenizer for every in-process run, so jieba's dictionary loads once."""
    return JiebaTokenizer()


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One index cache for the module: entries are keyed by content, so sharing is safe."""
    return tmp_path_factory.mktemp("data")


def _clean_environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("REPORTQA_")}


@pytest.fixture(autouse=True)
def environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, data_dir: Path, tokenizer: JiebaTokenizer
) -> None:
    """No REPORTQA_* setting or `.env` from outside; the cache in tmp; a shared tokenizer."""
    for name in os.environ:
        if name.startswith("REPORTQA_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("REPORTQA_DATA_DIR", str(data_dir))
    monkeypatch.chdir(tmp_path)  # Settings reads `.env` from the working folder
    monkeypatch.setattr(answers.engine, "JiebaTokenizer", lambda: tokenizer)
    monkeypatch.setattr(retrieval.tokenize, "JiebaTokenizer", lambda: tokenizer)


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def _folder(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    return folder


@pytest.fixture
def good_folder(tmp_path: Path) -> Path:
    folder = _folder(tmp_path, "good")
    shutil.copy(BUNDLED_REPORT, folder / BUNDLED_REPORT.name)
    return folder


@pytest.fixture
def mixed_folder(good_folder: Path) -> Path:
    (good_folder / "binary.txt").write_bytes(bytes(range(256)) * 16)
    return good_folder


@pytest.fixture
def bad_folder(tmp_path: Path) -> Path:
    folder = _folder(tmp_path, "bad")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 16)
    return folder


# --- ask ----------------------------------------------------------------------------------


def test_ask_prints_the_figure_and_its_citation(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _run(capsys, "ask", QUESTION)
    lines = out.splitlines()
    expected_lines = [
        "1. 调整后公布的县直部门权责清单事项共**4808项**",
        f"   {CITED} · {' › '.join(SECTION)} · 第9段",
    ]
    assert (status, lines[:2], err) == (0, expected_lines, "")


def test_ask_json_prints_one_object_with_the_contract_keys(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, out, _ = _run(capsys, "ask", "--json", QUESTION)
    (line,) = out.splitlines()
    record = json.loads(line)
    best = record["answers"][0]
    citation = best["citation"]
    actual = (
        status,
        set(record),
        set(best),
        set(citation),
        (record["question"], record["found"], best["figure"]),
        (citation["document"], citation["doc_number"], citation["section"]),
        (citation["paragraph"], citation["page"], citation["source"]),
    )
    expected = (
        0,
        ANSWER_KEYS,
        SHORT_ANSWER_KEYS,
        CITATION_KEYS,
        (QUESTION, True, "4808项"),
        (TITLE, DOC_NUMBER, SECTION),
        (9, None, BUNDLED_REPORT.name),
    )
    assert actual == expected


def test_ask_json_reads_questions_from_stdin_in_order(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    questions = [QUESTION, "12345热线去年收到多少诉求", "今天天气怎么样"]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join([questions[0], "", *questions[1:]])))
    status, out, _ = _run(capsys, "ask", "--json", "-")
    records = [json.loads(line) for line in out.splitlines()]
    actual = (
        status,
        [r["question"] for r in records],
        [r["found"] for r in records],
        [[a["figure"] for a in r["answers"][:1]] for r in records],
    )
    expected = (0, questions, [True, True, False], [["4808项"], ["3531件"], []])
    assert actual == expected


@pytest.fixture
def table_folder(tmp_path: Path) -> Path:
    """A folder holding the shortened report as Markdown, whose 3531件 stands in a table."""
    folder = _folder(tmp_path, "short")
    shutil.copy(write_report_files(_folder(tmp_path, "formats"))["md"], folder / "report.md")
    return folder


def test_ask_reads_the_docs_folder_it_is_given(
    capsys: pytest.CaptureFixture[str], table_folder: Path
) -> None:
    status, out, _ = _run(
        capsys, "ask", "--json", "--docs", str(table_folder), "受理群众诉求多少件"
    )
    citation = json.loads(out)["answers"][0]["citation"]
    # A table answer is cited by its table and row.
    expected = (0, "report.md", [*TABLE_SECTION, "表1 2020年主要工作数据", "受理群众诉求"])
    assert (status, citation["source"], citation["section"]) == expected


def test_ask_answers_a_table_row_with_its_figure(
    capsys: pytest.CaptureFixture[str], table_folder: Path
) -> None:
    _, out, _ = _run(capsys, "ask", "--json", "--docs", str(table_folder), "受理群众诉求多少件")
    best = json.loads(out)["answers"][0]
    assert ("受理群众诉求" in best["text"], "3531" in best["text"], best["figure"]) == (
        True,
        True,
        "3531",
    )


def _one_error_line(err: str) -> bool:
    lines = err.splitlines()
    return len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in err


@pytest.mark.parametrize("command", ["ask", "facts"])
@pytest.mark.parametrize("kind", ["missing", "empty", "unreadable"])
def test_a_folder_without_a_report_is_one_error_line_and_status_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, command: str, kind: str
) -> None:
    folder = tmp_path / kind
    if kind != "missing":
        folder.mkdir()
    if kind == "unreadable":
        (folder / "binary.txt").write_bytes(bytes(range(256)) * 16)
    argv = [command, "--docs", str(folder)] + ([QUESTION] if command == "ask" else [])
    status, out, err = _run(capsys, *argv)
    assert (status, out, _one_error_line(err), str(folder) in err) == (2, "", True, True)


# (environment variable, malformed value)
MALFORMED = [
    ("REPORTQA_TOP_K", "abc"),
    ("REPORTQA_TOP_K", "0"),
    ("REPORTQA_MIN_CONFIDENCE", "1.5"),
    ("REPORTQA_MAX_UPLOAD_MB", "50"),
    ("REPORTQA_ADMIN_IDS", "alice"),
    ("REPORTQA_WEBHOOK_PORT", "http"),
]


@pytest.mark.parametrize(("name", "value"), MALFORMED)
def test_a_malformed_setting_is_named_with_status_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    status, out, err = _run(capsys, "ask", QUESTION)
    assert (status, out, _one_error_line(err), name in err) == (2, "", True, True)


def test_a_malformed_setting_in_dot_env_is_named_with_status_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("REPORTQA_TOP_K=many\n", encoding="utf-8")
    status, _, err = _run(capsys, "facts", "4808")
    assert (status, _one_error_line(err), "REPORTQA_TOP_K" in err) == (2, True, True)


# --- index --------------------------------------------------------------------------------

_OK_LINE = re.compile(
    r"^ok +(\S+): (.+?) · [^·]+ · 文号 (\S+〔\d{4}〕\d+号) · .* \((\d+) passages, "
)


def test_index_prints_a_line_per_document_and_exits_0(
    capsys: pytest.CaptureFixture[str], good_folder: Path, tmp_path: Path
) -> None:
    shutil.copy(write_report_files(_folder(tmp_path, "formats"))["docx"], good_folder / "b.docx")
    status, out, _ = _run(capsys, "index", "--docs", str(good_folder))
    documents = [m.groups() for line in out.splitlines() if (m := _OK_LINE.match(line))]
    summary = out.splitlines()[-1]
    actual = (status, documents, summary.startswith("2 documents loaded, 0 failed"))
    expected = (
        0,
        [
            ("b.docx", TITLE, DOC_NUMBER, "13"),
            (BUNDLED_REPORT.name, TITLE, DOC_NUMBER, "28"),
        ],
        True,
    )
    assert actual == expected


def test_index_names_a_bad_file_and_exits_1(
    capsys: pytest.CaptureFixture[str], mixed_folder: Path
) -> None:
    status, out, _ = _run(capsys, "index", "--docs", str(mixed_folder))
    failed = [line for line in out.splitlines() if line.startswith("failed")]
    expected_failed = ["failed  binary.txt: the bytes are not text in any encoding we can detect"]
    assert (status, failed, out.splitlines()[-1].startswith("1 documents loaded, 1 failed")) == (
        1,
        expected_failed,
        True,
    )


def test_index_of_only_bad_files_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = _folder(tmp_path, "bad")
    write_bad_files(folder)
    status, out, _ = _run(capsys, "index", "--docs", str(folder))
    failed = sorted(
        line.split()[1].rstrip(":") for line in out.splitlines() if line.startswith("failed")
    )
    assert (
        status,
        len(failed),
        out.splitlines()[-1].startswith("0 documents loaded, 8 failed"),
    ) == (
        2,
        8,
        True,
    )


def test_index_of_a_missing_folder_is_one_error_line_and_status_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, err = _run(capsys, "index", "--docs", str(tmp_path / "missing"))
    assert (status, out, _one_error_line(err)) == (2, "", True)


# --- facts --------------------------------------------------------------------------------


def test_facts_with_a_keyword_lists_its_figures(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "facts", "诉求")
    rows = [line.split() for line in out.splitlines()]
    # paragraph, value as written, number, unit, label
    assert (status, ["11", "3531件", "3531", "件", "群众诉求"] in [r[:5] for r in rows]) == (
        0,
        True,
    )


def test_facts_csv_starts_with_a_bom_and_round_trips(
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    status = cli.main(["facts", "--csv"])
    out = capsysbinary.readouterr().out
    reader = csv.DictReader(io.StringIO(out.decode("utf-8-sig"), newline=""))
    rows = list(reader)
    row = next(r for r in rows if r["value_as_written"] == "4808项")
    actual = (status, out[:3], reader.fieldnames, list(COLUMNS), row | {"sentence": ""})
    expected = (
        0,
        b"\xef\xbb\xbf",
        CSV_COLUMNS,
        CSV_COLUMNS,
        {
            "document": TITLE,
            "section": " > ".join(SECTION),
            "paragraph": "9",
            "value_as_written": "4808项",
            "number": "4808",
            "unit": "项",
            "label": "县直部门权责清单事项",
            "qualifier": "",
            "approximate": "false",
            "sentence": "",
        },
    )
    assert actual == expected
    assert "4808项" in row["sentence"]


def test_facts_json_is_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "facts", "--json", "3531")
    records = [json.loads(line) for line in out.splitlines()]
    picked = [(r["value_as_written"], r["number"], r["label"], r["document"]) for r in records]
    assert (status, picked) == (0, [("3531件", 3531, "群众诉求", TITLE)])


def test_facts_audit_classifies_every_run(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = _run(capsys, "facts", "--audit")
    lines = out.splitlines()
    summary = re.fullmatch(r"(\d+) runs: (.*)", lines[-1])
    assert summary is not None, lines[-1]
    counts = dict(part.rsplit(" ", 1) for part in summary.group(2).split(", "))
    run_lines = [line for line in lines[1:-1] if line.strip()]
    actual = (
        status,
        lines[0],
        "unclassified" in counts,
        sum(int(n) for n in counts.values()) == int(summary.group(1)) == len(run_lines),
        any("4808项 [count] 县直部门权责清单事项" in line for line in run_lines),
    )
    assert actual == (0, f"# {TITLE} ({BUNDLED_REPORT.name})", False, True, True)


# --- the real console script --------------------------------------------------------------


def _subprocess(tmp_path: Path, data_dir: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    environment = _clean_environment() | {"REPORTQA_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-c", RUN, *argv],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def test_the_console_script_answers_in_a_real_process(tmp_path: Path, data_dir: Path) -> None:
    done = _subprocess(tmp_path, data_dir, "ask", QUESTION)
    lines = done.stdout.splitlines()
    assert (done.returncode, lines[0], lines[1].startswith(f"   {CITED}")) == (
        0,
        "1. 调整后公布的县直部门权责清单事项共**4808项**",
        True,
    )


def test_an_unreadable_folder_is_one_error_line_in_a_real_process(
    tmp_path: Path, data_dir: Path, bad_folder: Path
) -> None:
    done = _subprocess(tmp_path, data_dir, "ask", "--docs", str(bad_folder), QUESTION)
    assert (done.returncode, done.stdout, _one_error_line(done.stderr)) == (2, "", True)
