"""The engine: a documents folder served, reloaded without downtime, and uploads taken in."""

from __future__ import annotations

import random
import shutil
import threading
import unicodedata
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from answers.engine import Engine, ReloadReport
from config import Settings
from retrieval.errors import (
    CorruptDocument,
    DocsFolderError,
    DocumentError,
    EmptyDocument,
    UnsupportedFormat,
)
from retrieval.ingest import TooLarge
from retrieval.tokenize import JiebaTokenizer
from tests.report_fixtures import BUNDLED_REPORT, write_bad_files

QINGLIU = BUNDLED_REPORT.name
QINGLIU_TITLE = "清流县2020年法治政府建设情况报告"
QINGLIU_QUESTION = "县直部门权责清单事项共多少项"
# Section of 4808项: part 三, subsection (一).
QINGLIU_SECTION = ("三、推进互联网+政务服务，优化营商环境", "（一）加快“放管服”改革")

NINGHUA = "ninghua-2020.txt"
NINGHUA_TITLE = "宁化县2020年法治政府建设情况报告"
NINGHUA_QUESTION = "宁化县公共法律服务中心接待来访群众多少人次"
# Another county's report in the bundled report's layout, with figures found nowhere else.
NINGHUA_REPORT = """• 索 引 号: SM05200-0100-2021-00003
  • 备注/文号: 宁政文〔2021〕8号
  • 发布机构: 宁化县人民政府
  • 公文生成日期: 2021-02-03
宁化县2020年法治政府建设情况报告
宁政文〔2021〕8号

  2020年主要工作

  2020年，宁化县坚持依法行政，扎实推进法治政府建设，各项工作取得新进展。

  一、深化行政审批制度改革

  （一）推进“一网通办”。全县政务服务事项网上可办率达到97.6%，全年网上办件共58214件。

  （二）规范涉企收费。清理涉企收费项目23项，为企业减负1270万元。

  二、加强公共法律服务

  （一）建设公共法律服务中心。县公共法律服务中心全年接待来访群众6372人次，办理法律援助案件418件。

  （二）开展人民调解。全县人民调解组织调处矛盾纠纷927件，调解成功率98.5%。

  在看到成绩的同时，我县法治政府建设还存在一些不足，需要在今后工作中加以改进。

  宁化县人民政府
  2021年2月3日
"""


def _settings(docs_dir: Path, data_dir: Path, max_upload_mb: int = 20) -> Settings:
    """Settings for a test folder, independent of the environment and of any `.env`."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        docs_dir=docs_dir,
        data_dir=data_dir,
        top_k=3,
        min_confidence=0.5,
        max_upload_mb=max_upload_mb,
    )


@pytest.fixture(scope="module")
def tokenizer(built: tuple[Engine, list[warnings.WarningMessage]]) -> JiebaTokenizer:
    """The built engine's tokenizer, for the module's engines: jieba loads once."""
    return built[0].tokenizer


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One index cache for the module: entries are keyed by content, so sharing is safe."""
    return tmp_path_factory.mktemp("data")


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A documents folder holding a copy of the bundled report."""
    folder = tmp_path / "reports"
    folder.mkdir()
    shutil.copy(BUNDLED_REPORT, folder / QINGLIU)
    return folder


@pytest.fixture
def make_engine(docs: Path, data_dir: Path, tokenizer: JiebaTokenizer) -> Callable[..., Engine]:
    """Build an engine over `docs` with the shared tokenizer (cheaper than from_settings)."""

    def make(max_upload_mb: int = 20) -> Engine:
        engine = Engine(_settings(docs, data_dir, max_upload_mb), tokenizer=tokenizer)
        first = engine.reload()
        assert (first.kept_previous, first.failures) == (False, ())
        return engine

    return make


@pytest.fixture
def engine(make_engine: Callable[..., Engine]) -> Engine:
    return make_engine()


def _answer(engine: Engine, question: str) -> tuple[bool, str, str, tuple[str, ...]]:
    """(found, figure, report title, section path) of the best answer."""
    answer = engine.ask(question)
    if not answer.found:
        return (False, "", "", ())
    best = answer.answers[0]
    return (True, best.figure, best.citation.document.title, best.citation.section_path)


QINGLIU_ANSWER = (True, "4808项", QINGLIU_TITLE, QINGLIU_SECTION)
NINGHUA_ANSWER = (
    True,
    "6372人次",
    NINGHUA_TITLE,
    ("二、加强公共法律服务", "（一）建设公共法律服务中心"),
)


def _listing(folder: Path) -> dict[str, bytes]:
    """Every file of a folder, hidden ones included, with its bytes."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# --- from_settings ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Engine, list[warnings.WarningMessage]]:
    """An engine as the bot and the CLI build it, and the warnings the build raised."""
    root = tmp_path_factory.mktemp("built")
    (root / "reports").mkdir()
    shutil.copy(BUNDLED_REPORT, root / "reports" / QINGLIU)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        engine = Engine.from_settings(_settings(root / "reports", root / "data"))
        engine.ask(QINGLIU_QUESTION)
    return engine, caught


def test_from_settings_serves_the_folder(
    built: tuple[Engine, list[warnings.WarningMessage]],
) -> None:
    engine, _ = built
    actual = [
        (i.meta.title, i.meta.doc_number, i.meta.source, i.passages) for i in engine.documents()
    ]
    # 28 passages: the header, the preamble, 4+3+3+5+5+2 subsections of parts 一 to 六,
    # the shortcomings paragraph, the two paragraphs of 2021年工作思路 and the signature.
    assert actual == [(QINGLIU_TITLE, "清政文〔2021〕1号", QINGLIU, 28)]


def test_from_settings_answers_with_figure_and_citation(
    built: tuple[Engine, list[warnings.WarningMessage]],
) -> None:
    engine, _ = built
    assert _answer(engine, QINGLIU_QUESTION) == QINGLIU_ANSWER


def test_from_settings_leaves_no_file_open(
    built: tuple[Engine, list[warnings.WarningMessage]],
) -> None:
    _, caught = built
    assert [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)] == []


def test_from_settings_raises_for_an_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "reports").mkdir()
    with pytest.raises(DocsFolderError, match="no report could be loaded"):
        Engine.from_settings(_settings(tmp_path / "reports", tmp_path / "data"))


# --- reload -------------------------------------------------------------------------------


def _changes(report: ReloadReport) -> tuple[object, ...]:
    return (
        report.added,
        report.removed,
        report.updated,
        report.failures,
        report.duplicates,
        report.documents,
        report.kept_previous,
    )


def test_reload_adds_a_new_report_and_answers_from_it(engine: Engine, docs: Path) -> None:
    (docs / NINGHUA).write_text(NINGHUA_REPORT, encoding="utf-8")
    report = engine.reload()
    actual = (_changes(report), _answer(engine, NINGHUA_QUESTION))
    assert actual == (((NINGHUA,), (), (), (), (), 2, False), NINGHUA_ANSWER)


def test_reload_keeps_answering_from_the_first_report(engine: Engine, docs: Path) -> None:
    (docs / NINGHUA).write_text(NINGHUA_REPORT, encoding="utf-8")
    engine.reload()
    assert _answer(engine, "清流县" + QINGLIU_QUESTION) == QINGLIU_ANSWER


def test_documents_lists_each_report_in_file_name_order(engine: Engine, docs: Path) -> None:
    (docs / NINGHUA).write_text(NINGHUA_REPORT, encoding="utf-8")
    engine.reload()
    actual = [
        (i.meta.title, i.meta.doc_number, i.meta.date, i.passages) for i in engine.documents()
    ]
    # 宁化: header, preamble, 2+2 subsections, shortcomings, signature.
    assert actual == [
        (NINGHUA_TITLE, "宁政文〔2021〕8号", "2021年2月3日", 8),  # signed, over 生成日期
        (QINGLIU_TITLE, "清政文〔2021〕1号", "2021-01-05", 28),
    ]


def test_reload_after_an_edit_reports_it_updated(engine: Engine, docs: Path) -> None:
    (docs / NINGHUA).write_text(NINGHUA_REPORT, encoding="utf-8")
    engine.reload()
    (docs / NINGHUA).write_text(NINGHUA_REPORT.replace("6372", "6408"), encoding="utf-8")
    report = engine.reload()
    actual = (_changes(report), _answer(engine, NINGHUA_QUESTION)[1])
    assert actual == (((), (), (NINGHUA,), (), (), 2, False), "6408人次")


def test_reload_after_a_deletion_reports_it_removed(engine: Engine, docs: Path) -> None:
    (docs / NINGHUA).write_text(NINGHUA_REPORT, encoding="utf-8")
    engine.reload()
    (docs / NINGHUA).unlink()
    report = engine.reload()
    titles = {i.meta.title for i in engine.documents()}
    assert (_changes(report), titles) == (((), (NINGHUA,), (), (), (), 1, False), {QINGLIU_TITLE})


def test_reload_names_a_bad_file_and_serves_the_rest(engine: Engine, docs: Path) -> None:
    (docs / "notes.xyz").write_text("清流县", encoding="utf-8")
    (docs / NINGHUA).write_text(NINGHUA_REPORT, encoding="utf-8")
    report = engine.reload()
    failures = (("notes.xyz", "unsupported format .xyz"),)
    assert _changes(report) == ((NINGHUA,), (), (), failures, (), 2, False)


def _empty(docs: Path) -> None:
    for path in docs.iterdir():
        path.unlink()


def _only_bad_files(docs: Path) -> None:
    _empty(docs)
    write_bad_files(docs)


def _deleted(docs: Path) -> None:
    shutil.rmtree(docs)


@pytest.mark.parametrize("break_folder", [_empty, _only_bad_files, _deleted])
def test_a_failed_reload_keeps_the_previous_index(
    engine: Engine, docs: Path, break_folder: Callable[[Path], None]
) -> None:
    (docs / NINGHUA).write_text(NINGHUA_REPORT, encoding="utf-8")
    engine.reload()
    served = engine.snapshot
    break_folder(docs)
    report = engine.reload()
    actual = (
        report.kept_previous,
        report.documents,
        (report.added, report.removed, report.updated),
        len(report.failures),
        engine.snapshot is served,
        _answer(engine, "清流县" + QINGLIU_QUESTION),
        _answer(engine, NINGHUA_QUESTION),
    )
    assert actual == (True, 2, ((), (), ()), 1, True, QINGLIU_ANSWER, NINGHUA_ANSWER)


def test_a_failed_reload_says_why(engine: Engine, docs: Path) -> None:
    shutil.rmtree(docs)
    report = engine.reload()
    assert report.failures == (("", f"documents folder not found: {docs}"),)


def test_questions_during_reloads_all_get_valid_answers(engine: Engine, docs: Path) -> None:
    """Askers never see a half-built index while another thread reloads repeatedly."""
    errors: list[BaseException] = []
    answers: list[tuple[bool, str, str, tuple[str, ...]]] = []
    counts: list[int] = []
    reloading = threading.Event()
    reloading.set()

    def reloader() -> None:
        try:
            for round_number in range(16):
                if round_number % 2 == 0:
                    (docs / NINGHUA).write_text(NINGHUA_REPORT, encoding="utf-8")
                else:
                    (docs / NINGHUA).unlink()
                engine.reload()
                counts.append(len(engine.documents()))
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            reloading.clear()

    def asker() -> None:
        try:
            asked = 0
            while (reloading.is_set() or asked < 2) and asked < 40:
                answers.append(_answer(engine, QINGLIU_QUESTION))
                asked += 1
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    threads = [threading.Thread(target=asker) for _ in range(4)]
    threads.append(threading.Thread(target=reloader))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    actual = (
        errors,
        any(t.is_alive() for t in threads),
        set(answers),
        set(counts),
        len(answers) >= 8,
    )
    assert actual == ([], False, {QINGLIU_ANSWER}, {1, 2}, True)


# --- facts --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keyword", "expected"),
    [
        # Figures whose sentence mentions 诉求: paragraph 11 of the report.
        ("诉求", ["两名", "7×24小时", "3531件", "100%", "99.80%"]),
        # A figure is looked up among figures, full-width digits too.
        ("4808", ["4808项"]),
        ("４８０８", ["4808项"]),
        ("3531", ["3531件"]),
        ("不存在的词", []),
    ],
)
def test_facts_finds_figures_by_keyword(
    built: tuple[Engine, list[warnings.WarningMessage]], keyword: str, expected: list[str]
) -> None:
    engine, _ = built
    assert [f.raw for f in engine.facts(keyword)] == expected


def test_a_figure_fact_knows_its_label_and_place(
    built: tuple[Engine, list[warnings.WarningMessage]],
) -> None:
    engine, _ = built
    (fact,) = engine.facts("4808")
    actual = (fact.value, fact.unit, fact.label, fact.passage.section_path, fact.passage.paragraph)
    assert actual == (4808, "项", "县直部门权责清单事项", QINGLIU_SECTION, 9)


def test_facts_without_keyword_gives_every_figure_of_every_report(
    engine: Engine, docs: Path
) -> None:
    (docs / NINGHUA).write_text(NINGHUA_REPORT, encoding="utf-8")
    engine.reload()
    titles = {i.meta.doc_id: i.meta.title for i in engine.documents()}
    ninghua = {f.raw for f in engine.facts() if titles[f.passage.doc_id] == NINGHUA_TITLE}
    figures = {"97.6%", "58214件", "23项", "1270万元", "6372人次", "418件", "927件", "98.5%"}
    assert figures - ninghua == set()


# --- ingest -------------------------------------------------------------------------------


def test_an_upload_is_read_once(engine: Engine) -> None:
    """The reload after an upload takes the upload's reading from the cache."""
    read: list[str] = []
    analyser = engine.analyser

    def counting(name: str, *args: Any) -> Any:
        read.append(name)
        return analyser(name, *args)

    engine.analyser = counting
    report = engine.ingest(NINGHUA, NINGHUA_REPORT.encode("utf-8"))
    assert read == [NINGHUA]
    assert [f.cached for f in engine.load_result.files if f.path.name == NINGHUA] == [True]
    assert report.document.title == NINGHUA_TITLE


def test_a_good_upload_is_saved_and_answered(engine: Engine, docs: Path) -> None:
    content = NINGHUA_REPORT.encode("utf-8")
    report = engine.ingest(NINGHUA, content)
    actual = (
        report.saved_as,
        report.document.title,
        _changes(report.reload),
        _listing(docs),
        _answer(engine, NINGHUA_QUESTION),
    )
    expected = (
        NINGHUA,
        NINGHUA_TITLE,
        ((NINGHUA,), (), (), (), (), 2, False),
        {NINGHUA: content, QINGLIU: BUNDLED_REPORT.read_bytes()},  # no .upload-*.tmp left
        NINGHUA_ANSWER,
    )
    assert actual == expected


def _binary(size: int) -> bytes:
    return random.Random(size).randbytes(size)


# (upload name, its bytes, the DocumentError it raises); the engine allows 1 MB.
BAD_UPLOADS = [
    pytest.param("ninghua.exe", NINGHUA_REPORT.encode("utf-8"), UnsupportedFormat, id="type"),
    pytest.param("ninghua", NINGHUA_REPORT.encode("utf-8"), UnsupportedFormat, id="no-suffix"),
    pytest.param("big.txt", b"\xe5\x8e\xbf" * 384_000, TooLarge, id="1.1MB"),
    pytest.param("empty.txt", b"", DocumentError, id="empty"),
    pytest.param("photo.docx", _binary(4096), CorruptDocument, id="binary-as-docx"),
    pytest.param("photo.pdf", _binary(4096), CorruptDocument, id="binary-as-pdf"),
    pytest.param("notes.txt", "会议纪要".encode(), DocumentError, id="no-report-text"),
]


@pytest.mark.parametrize(("name", "content", "error"), BAD_UPLOADS)
def test_a_bad_upload_raises_and_changes_nothing(
    make_engine: Callable[..., Engine],
    docs: Path,
    name: str,
    content: bytes,
    error: type[DocumentError],
) -> None:
    engine = make_engine(max_upload_mb=1)
    served, before = engine.snapshot, _listing(docs)
    with pytest.raises(DocumentError) as raised:
        engine.ingest(name, content)
    actual = (isinstance(raised.value, error), _listing(docs), engine.snapshot is served)
    assert actual == (True, before, True)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("empty.txt", b"", id="empty"),
        pytest.param("notes.txt", "会议纪要".encode(), id="no-report-text"),
    ],
)
def test_an_empty_upload_raises_empty_document(engine: Engine, name: str, content: bytes) -> None:
    with pytest.raises(DocumentError) as raised:
        engine.ingest(name, content)
    assert type(raised.value) is EmptyDocument


def test_a_too_large_upload_names_the_configured_limit(engine: Engine) -> None:
    with pytest.raises(TooLarge) as raised:
        engine.ingest("big.txt", b"a" * (20 * 1024 * 1024 + 1))
    assert "over the 20 MB limit" in str(raised.value)


@pytest.mark.parametrize(
    ("name", "saved_as"),
    [
        pytest.param("../../etc/evil.txt", "evil.txt", id="parent-folders"),
        pytest.param(".hidden.txt", "hidden.txt", id="hidden"),
        pytest.param("a/b\\c.txt", "c.txt", id="mixed-separators"),
        pytest.param("..\\..\\evil.txt", "evil.txt", id="windows-parents"),
        # Reserved characters become "_", then a stem's trailing "_" goes.
        pytest.param("报告:2020?.TXT", "报告_2020.txt", id="reserved-characters"),
        pytest.param("宁化县报告.txt", "宁化县报告.txt", id="chinese"),
    ],
)
def test_an_upload_name_is_sanitized_into_the_folder(
    engine: Engine, docs: Path, name: str, saved_as: str
) -> None:
    report = engine.ingest(name, NINGHUA_REPORT.encode("utf-8"))
    saved = [p.relative_to(docs.parent).as_posix() for p in docs.parent.rglob("*") if p.is_file()]
    actual = (report.saved_as, sorted(saved), report.reload.added)
    expected = (saved_as, sorted([f"reports/{QINGLIU}", f"reports/{saved_as}"]), (saved_as,))
    assert actual == expected


def test_a_long_chinese_upload_name_is_cut_to_255_bytes_keeping_its_suffix(
    engine: Engine, docs: Path
) -> None:
    name = "宁化县人民政府关于" * 10 + "2020年法治政府建设情况的报告.txt"  # 92 characters
    first = engine.ingest(name, NINGHUA_REPORT.encode("utf-8"))
    second = engine.ingest(
        name, NINGHUA_REPORT.replace("宁化县坚持", "宁化县始终坚持").encode("utf-8")
    )
    for saved in (first.saved_as, second.saved_as):
        assert len(saved.encode()) <= 255 and saved.endswith(".txt") and (docs / saved).exists()
    assert second.saved_as.endswith("-2.txt")


def test_an_upload_name_in_decomposed_unicode_is_saved_composed(
    engine: Engine, docs: Path
) -> None:
    name = unicodedata.normalize("NFD", "résumé.txt")
    report = engine.ingest(name, NINGHUA_REPORT.encode("utf-8"))
    assert (report.saved_as, (docs / "résumé.txt").exists()) == ("résumé.txt", True)


def test_a_different_document_under_an_existing_name_gets_another_name(
    engine: Engine, docs: Path
) -> None:
    content = NINGHUA_REPORT.encode("utf-8")
    report = engine.ingest(QINGLIU, content)
    renamed = "qingliu-2020-fazhi-report-2.txt"
    actual = (report.saved_as, _listing(docs), report.reload.added, report.document.title)
    expected = (
        renamed,
        {QINGLIU: BUNDLED_REPORT.read_bytes(), renamed: content},
        (renamed,),
        NINGHUA_TITLE,
    )
    assert actual == expected


def test_the_same_bytes_uploaded_again_save_nothing(engine: Engine, docs: Path) -> None:
    before = _listing(docs)
    report = engine.ingest(QINGLIU, BUNDLED_REPORT.read_bytes())
    actual = (report.saved_as, _listing(docs), _changes(report.reload))
    assert actual == (QINGLIU, before, ((), (), (), (), (), 1, False))


def test_the_same_bytes_again_name_the_file_that_holds_them(engine: Engine, docs: Path) -> None:
    content = NINGHUA_REPORT.encode("utf-8")
    first = engine.ingest(QINGLIU, content)
    second = engine.ingest(QINGLIU, content)
    actual = (first.saved_as, second.saved_as, sorted(_listing(docs)))
    renamed = "qingliu-2020-fazhi-report-2.txt"
    assert actual == (renamed, renamed, [renamed, QINGLIU])


def test_a_comparison_of_two_named_reports_answers_from_each(engine: Engine, docs: Path) -> None:
    (docs / NINGHUA).write_text(NINGHUA_REPORT, encoding="utf-8")
    engine.reload()
    answer = engine.ask("清流和宁化的人民调解成功率分别是多少")
    titles = {a.citation.document.title for a in answer.answers}
    assert (answer.ambiguous, titles) == (True, {NINGHUA_TITLE, QINGLIU_TITLE})


@pytest.mark.parametrize("question", ["各县的人民调解成功率", "两个县的人民调解成功率各是多少"])
def test_a_question_about_every_county_answers_from_each_report(
    engine: Engine, docs: Path, question: str
) -> None:
    (docs / NINGHUA).write_text(NINGHUA_REPORT, encoding="utf-8")
    engine.reload()
    answer = engine.ask(question)
    titles = [a.citation.document.title for a in answer.answers]
    assert answer.ambiguous and sorted(titles) == sorted([NINGHUA_TITLE, QINGLIU_TITLE])
    assert all(a.figure.endswith("%") for a in answer.answers)


def test_an_answer_is_reopened_by_its_reference_and_not_after_its_report_goes(
    engine: Engine, docs: Path
) -> None:
    short = engine.ask("12345热线去年收到多少诉求？").answers[0]
    reopened = engine.reopen(short.ref())
    assert reopened is not None
    assert (reopened.text, reopened.figure, reopened.passage) == (
        short.text,
        short.figure,
        short.passage,
    )
    assert reopened.citation == short.citation
    (docs / NINGHUA).write_text(NINGHUA_REPORT, encoding="utf-8")
    (docs / QINGLIU).unlink()
    engine.reload()
    assert engine.reopen(short.ref()) is None


def test_answers_are_cached_per_snapshot(engine: Engine, docs: Path) -> None:
    first = engine.ask("12345热线去年收到多少诉求？")
    assert engine.cached("12345热线去年收到多少诉求？") is first
    assert engine.ask("12345热线去年收到多少诉求？") is first
    (docs / NINGHUA).write_text(NINGHUA_REPORT, encoding="utf-8")
    engine.reload()  # a new snapshot answers afresh
    assert engine.cached("12345热线去年收到多少诉求？") is None
