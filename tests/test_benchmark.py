"""scripts/benchmark.py: its report generator, and a run at the smallest sizes (no timings)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from retrieval.readers import read_bytes
from retrieval.structure import build_document

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "benchmark.py"


@pytest.fixture(scope="module")
def benchmark() -> ModuleType:
    """The script loaded as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("benchmark", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["benchmark"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_generated_reports_are_distinct_reports_of_the_bundled_kind(
    benchmark: ModuleType,
) -> None:
    reports = benchmark.generate_reports(4, seed=7)
    documents = [build_document(read_bytes(r.file_name, r.text.encode())) for r in reports]

    assert len({d.content_hash for d in documents}) == 4
    assert len({d.meta.doc_number for d in documents}) == 4
    assert len({d.meta.index_number for d in documents}) == 4
    for report, document in zip(reports, documents, strict=True):
        assert document.meta.title.startswith(f"{report.county}县")
        assert document.meta.publisher == f"{report.county}县人民政府"
        assert "清流" not in report.text
        assert len(document.passages) == 28


def test_generation_is_deterministic(benchmark: ModuleType) -> None:
    assert benchmark.generate_reports(3, seed=11) == benchmark.generate_reports(3, seed=11)
    assert benchmark.generate_reports(3, seed=11) != benchmark.generate_reports(3, seed=12)


def test_main_runs_at_the_smallest_sizes(
    benchmark: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--quick", "--reports", "2", "--passages", "150", "--questions", "12"]
    assert benchmark.main([*argv, "--check-passages", "60"]) == 0

    printed = capsys.readouterr().out
    assert "1. Index cache: 2 generated reports" in printed
    assert "BM25Okapi.get_scores" in printed
    assert "yes on 12 questions" in printed
    assert "40 answers" in printed
