"""The index cache: unchanged documents load from it; damaged or stale entries are rebuilt."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import shutil
import sys
from pathlib import Path

import pytest

import retrieval.cache
import retrieval.library
from answers.engine import Engine
from config import USER_DICT, Settings
from retrieval.cache import cache_key
from retrieval.tokenize import JiebaTokenizer
from tests.report_fixtures import BUNDLED_REPORT, load_report, write_report_files

FULL = "qingliu-full.txt"
SHORT = "qingliu-short.txt"
QUESTION = "县直部门权责清单事项共多少项"


def _settings(docs_dir: Path, data_dir: Path) -> Settings:
    """Settings for a test folder, independent of the environment and of any `.env`."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        docs_dir=docs_dir,
        data_dir=data_dir,
        top_k=3,
        min_confidence=0.5,
    )


@pytest.fixture(scope="module")
def tokenizer() -> JiebaTokenizer:
    """One tokenizer for the module's engines, so jieba's dictionary loads once."""
    return JiebaTokenizer()


@pytest.fixture(scope="module")
def short_report(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The shortened report (with a table) as a UTF-8 text file."""
    paths = write_report_files(tmp_path_factory.mktemp("formats"), load_report())
    return paths["utf8_txt"].read_bytes()


@pytest.fixture
def docs(tmp_path: Path, short_report: bytes) -> Path:
    """A folder of two different reports: the bundled one and the shortened one."""
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(BUNDLED_REPORT, folder / FULL)
    (folder / SHORT).write_bytes(short_report)
    return folder


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


def _start(docs: Path, data_dir: Path, tokenizer: JiebaTokenizer) -> Engine:
    """Start an engine over the folder as a restart would, with a given tokenizer."""
    engine = Engine(_settings(docs, data_dir), tokenizer=tokenizer)
    report = engine.reload()
    assert (report.kept_previous, report.failures) == (False, ())
    return engine


def _cached(engine: Engine) -> dict[str, bool]:
    return {f.path.name: f.cached for f in engine.load_result.files}


def _served(engine: Engine) -> dict[str, tuple[str, int]]:
    """Each file's title and passage count as served."""
    return {
        f.path.name: (f.entry.document.meta.source, len(f.entry.document.passages))
        for f in engine.load_result.files
    }


# The bundled report has 28 passages, the shortened one 11.
SERVED = {FULL: (FULL, 28), SHORT: (SHORT, 13)}  # the table is a passage per row


def _entries(data_dir: Path) -> list[Path]:
    return sorted((data_dir / "cache").glob("*.json"))


def test_a_second_start_loads_every_document_from_the_cache(
    docs: Path, data_dir: Path, tokenizer: JiebaTokenizer
) -> None:
    first = _start(docs, data_dir, tokenizer)
    second = Engine.from_settings(_settings(docs, data_dir))
    leftovers = sorted(p.name for p in (data_dir / "cache").iterdir() if p.suffix != ".json")
    actual = (_cached(first), _cached(second), _served(second), len(_entries(data_dir)), leftovers)
    assert actual == ({FULL: False, SHORT: False}, {FULL: True, SHORT: True}, SERVED, 2, [])


def test_a_cached_start_answers_like_a_fresh_one(
    docs: Path, data_dir: Path, tokenizer: JiebaTokenizer
) -> None:
    fresh = _start(docs, data_dir, tokenizer)
    cached = _start(docs, data_dir, tokenizer)
    question = "清流县" + QUESTION
    assert (_cached(cached), cached.ask(question)) == (
        {FULL: True, SHORT: True},
        fresh.ask(question),
    )


def test_a_second_start_does_not_analyse_anything(
    docs: Path, data_dir: Path, tokenizer: JiebaTokenizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _start(docs, data_dir, tokenizer)

    def analyse(*args: object) -> None:
        raise AssertionError(f"analysed again: {args[0]}")

    monkeypatch.setattr(retrieval.library, "analyse", analyse)
    assert _served(_start(docs, data_dir, tokenizer)) == SERVED


def test_a_changed_document_is_analysed_again_and_the_other_cached(
    docs: Path, data_dir: Path, tokenizer: JiebaTokenizer
) -> None:
    _start(docs, data_dir, tokenizer)
    edited = (docs / SHORT).read_text(encoding="utf-8").replace("4808", "4903")
    (docs / SHORT).write_text(edited, encoding="utf-8")
    engine = _start(docs, data_dir, tokenizer)
    figures = sorted(f.raw for f in engine.facts("项") if f.raw in ("4808项", "4903项"))
    # The full report still says 4808项; the edited short report's table now says 4903.
    assert (_cached(engine), [f.raw for f in engine.facts("4903")], figures) == (
        {FULL: True, SHORT: False},
        ["4903"],
        ["4808项"],
    )


class _Planted:
    """A pickle that runs code when loaded: it creates the file named."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def _entry_with(body: bytes) -> bytes:
    """An entry whose header is right for `body`: only the body can be wrong."""
    header = {
        "format": "reportqa-document-cache",
        "version": retrieval.cache.CACHE_VERSION,
        "byteorder": sys.byteorder,
        "length": len(body),
        "sha256": hashlib.sha256(body).hexdigest(),
    }
    return json.dumps(header).encode() + b"\n" + body


# Ways a cache file can be damaged: (id, what to write over every entry).
DAMAGE = [
    pytest.param(b"garbage, not an entry", id="garbage"),
    pytest.param(b"", id="empty"),
    pytest.param(b'{"format": "reportqa-document-cache"', id="truncated"),
    pytest.param(pickle.dumps("an entry from nowhere"), id="a-pickle"),
    pytest.param(_entry_with(b'{"key": "k", "document": null}'), id="wrong-shape"),
    pytest.param(_entry_with(b"[1, 2, 3]"), id="wrong-type"),
    pytest.param(_entry_with(b"{}")[:-2] + b"[]", id="checksum"),
]


def test_a_planted_pickle_never_runs_and_the_entry_is_rebuilt(
    docs: Path, data_dir: Path, tokenizer: JiebaTokenizer, tmp_path: Path
) -> None:
    _start(docs, data_dir, tokenizer)
    marker = tmp_path / "planted-code-ran"
    planted = pickle.dumps(_Planted(marker))
    entries = _entries(data_dir)
    for entry in entries:
        entry.write_bytes(planted)
        entry.with_suffix(".pickle").write_bytes(planted)  # the old format's name
    engine = _start(docs, data_dir, tokenizer)
    assert not marker.exists()
    assert (_cached(engine), _served(engine)) == ({FULL: False, SHORT: False}, SERVED)
    assert all(entry.read_bytes().startswith(b'{"format"') for entry in entries)


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_cache_entry_is_ignored_and_rebuilt(
    docs: Path,
    data_dir: Path,
    tokenizer: JiebaTokenizer,
    damage: bytes,
    caplog: pytest.LogCaptureFixture,
) -> None:
    _start(docs, data_dir, tokenizer)
    entries = _entries(data_dir)
    for entry in entries:
        entry.write_bytes(damage)
    with caplog.at_level(logging.WARNING, logger="retrieval.cache"):
        rebuilt = _start(docs, data_dir, tokenizer)
    again = _start(docs, data_dir, tokenizer)
    warned = sum("cache entry" in r.getMessage() for r in caplog.records)
    actual = (_cached(rebuilt), _served(rebuilt), warned, _cached(again), _entries(data_dir))
    expected = ({FULL: False, SHORT: False}, SERVED, 2, {FULL: True, SHORT: True}, entries)
    assert actual == expected


def test_a_truncated_real_entry_is_rebuilt(
    docs: Path, data_dir: Path, tokenizer: JiebaTokenizer
) -> None:
    _start(docs, data_dir, tokenizer)
    for entry in _entries(data_dir):
        content = entry.read_bytes()
        entry.write_bytes(content[: len(content) // 2])
    engine = _start(docs, data_dir, tokenizer)
    assert (_cached(engine), _served(engine)) == ({FULL: False, SHORT: False}, SERVED)


def test_an_entry_stored_under_another_key_is_not_trusted(
    docs: Path, data_dir: Path, tokenizer: JiebaTokenizer
) -> None:
    _start(docs, data_dir, tokenizer)
    full_key = cache_key((docs / FULL).read_bytes(), FULL, tokenizer.fingerprint)
    short_key = cache_key((docs / SHORT).read_bytes(), SHORT, tokenizer.fingerprint)
    cache = data_dir / "cache"
    # The full report's entry now holds the short report, stored under the short one's key.
    shutil.copy(cache / f"{short_key}.json", cache / f"{full_key}.json")
    engine = _start(docs, data_dir, tokenizer)
    assert (_cached(engine), _served(engine)) == ({FULL: False, SHORT: True}, SERVED)


def test_a_new_cache_version_misses_the_cache(
    docs: Path, data_dir: Path, tokenizer: JiebaTokenizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    _start(docs, data_dir, tokenizer)
    monkeypatch.setattr(retrieval.cache, "CACHE_VERSION", "test-next")
    engine = _start(docs, data_dir, tokenizer)
    assert _cached(engine) == {FULL: False, SHORT: False}


def test_a_new_user_dictionary_misses_the_cache(
    docs: Path, data_dir: Path, tokenizer: JiebaTokenizer, tmp_path: Path
) -> None:
    _start(docs, data_dir, tokenizer)
    user_dict = tmp_path / "userdict.txt"
    user_dict.write_text(USER_DICT.read_text(encoding="utf-8") + "便民服务热线 10 n\n", "utf-8")
    other = JiebaTokenizer(user_dict=user_dict)
    engine = _start(docs, data_dir, other)
    actual = (other.fingerprint != tokenizer.fingerprint, _cached(engine), _served(engine))
    assert actual == (True, {FULL: False, SHORT: False}, SERVED)


def test_the_same_user_dictionary_elsewhere_hits_the_cache(
    docs: Path, data_dir: Path, tokenizer: JiebaTokenizer, tmp_path: Path
) -> None:
    _start(docs, data_dir, tokenizer)
    user_dict = tmp_path / "copy-of-userdict.txt"
    shutil.copy(USER_DICT, user_dict)
    engine = _start(docs, data_dir, JiebaTokenizer(user_dict=user_dict))
    assert _cached(engine) == {FULL: True, SHORT: True}


def test_an_unwritable_data_dir_only_logs_a_warning(
    docs: Path, tmp_path: Path, tokenizer: JiebaTokenizer, caplog: pytest.LogCaptureFixture
) -> None:
    # A file where the data folder should be: no cache folder can be made under it.
    data_dir = tmp_path / "data"
    data_dir.write_text("not a folder", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="retrieval.cache"):
        engine = _start(docs, data_dir, tokenizer)
    cannot_write = [
        r.levelname for r in caplog.records if "cannot write the index cache" in r.getMessage()
    ]
    actual = (_served(engine), cannot_write, engine.ask("清流县" + QUESTION).answers[0].figure)
    assert actual == (SERVED, ["WARNING", "WARNING"], "4808项")


def test_a_change_in_the_code_that_reads_files_misses_the_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from retrieval import cache

    before = cache.cache_key(b"report", "a.txt", "tokenizer")
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "another parser")
    assert cache.cache_key(b"report", "a.txt", "tokenizer") != before
