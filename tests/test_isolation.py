"""Hostile documents: refused by the reading limits or contained in a worker process,
while the other documents serve."""

from __future__ import annotations

import resource
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from answers.engine import Engine
from config import Settings
from retrieval.errors import DocumentError, OverLimits, ReaderFailed
from retrieval.facts import extract_facts
from retrieval.isolation import IsolatedReader
from retrieval.library import analyse
from retrieval.tokenize import JiebaTokenizer
from scripts.benchmark import reportqa_command
from tests.conftest import BUNDLED_REPORT
from tests.hostile import deeply_nested_html, docx_bomb, pdf_with_pages, single_line_html

QUESTION = "清流县12345热线诉求有多少件？"


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    shutil.copy(BUNDLED_REPORT, folder)
    docx_bomb(folder / "inflates-to-512-MB.docx")
    pdf_with_pages(folder / "page-objects-100000.pdf")
    single_line_html(folder / "one-line-50-MB.html")
    deeply_nested_html(folder / "nested-100000-deep.html")
    return folder


def test_each_hostile_file_is_one_failure_and_the_report_serves(
    hostile_folder: Path, tmp_path: Path
) -> None:
    engine = Engine.from_settings(Settings(docs_dir=hostile_folder, data_dir=tmp_path))
    failures = {f.source: f.reason for f in engine.load_result.failures}
    assert sorted(failures) == [
        "inflates-to-512-MB.docx",
        "nested-100000-deep.html",
        "one-line-50-MB.html",
        "page-objects-100000.pdf",
    ]
    assert "zip bomb" in failures["inflates-to-512-MB.docx"]
    assert "100,000 pages" in failures["page-objects-100000.pdf"]
    assert "50 MB" in failures["one-line-50-MB.html"]
    assert "3531件" in engine.ask(QUESTION).answers[0].text


def test_the_process_stays_under_1_gb_with_the_hostile_files(
    hostile_folder: Path, tmp_path: Path
) -> None:
    finished = subprocess.run(
        [*reportqa_command(), "ask", "--docs", str(hostile_folder), QUESTION],
        env={"REPORTQA_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert finished.returncode == 0, finished.stderr
    assert "3531件" in finished.stdout
    largest_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert largest_mb < 1024


def test_an_upload_that_is_a_zip_bomb_is_refused_and_nothing_is_saved(
    tmp_path: Path,
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(BUNDLED_REPORT, docs)
    engine = Engine.from_settings(Settings(docs_dir=docs, data_dir=tmp_path / "data"))
    bomb = docx_bomb(tmp_path / "bomb.docx").read_bytes()
    with pytest.raises(OverLimits):
        engine.ingest("报告.docx", bomb)
    assert sorted(p.name for p in docs.iterdir()) == [BUNDLED_REPORT.name]
    assert "3531件" in engine.ask(QUESTION).answers[0].text


# Worker functions: module-level, so the worker process can import them.


def _allocate_too_much(*args: object) -> object:
    return bytearray(1024 * 1024 * 1024)  # 1 GB, over the worker's limit


def _never_finish(*args: object) -> object:
    time.sleep(60)
    return None


def test_a_worker_over_its_memory_limit_is_one_failure(tmp_path: Path) -> None:
    tokenizer = JiebaTokenizer()
    content = BUNDLED_REPORT.read_bytes()
    greedy = IsolatedReader(memory_bytes=768 * 1024 * 1024, work=_allocate_too_much)
    try:
        with pytest.raises(ReaderFailed, match="memory"):
            greedy("a.txt", content, tokenizer, extract_facts)
    finally:
        greedy.close()
    reader = IsolatedReader()
    try:
        entry = reader("a.txt", content, tokenizer, extract_facts)
    finally:
        reader.close()
    assert entry == analyse("a.txt", content, tokenizer, extract_facts)


def test_a_worker_past_its_time_is_killed_and_the_next_file_reads(tmp_path: Path) -> None:
    tokenizer = JiebaTokenizer()
    content = BUNDLED_REPORT.read_bytes()
    slow = IsolatedReader(timeout=2.0, work=_never_finish)
    try:
        started = time.monotonic()
        with pytest.raises(ReaderFailed, match="longer than 2 s"):
            slow("slow.txt", content, tokenizer, extract_facts)
        assert time.monotonic() - started < 30
    finally:
        slow.close()


def test_a_document_error_in_the_worker_arrives_as_itself() -> None:
    reader = IsolatedReader()
    try:
        with pytest.raises(DocumentError, match="empty"):
            reader("empty.txt", b"   ", JiebaTokenizer(), extract_facts)
    finally:
        reader.close()
