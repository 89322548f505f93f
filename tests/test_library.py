"""The library: one report in every format gives one document; a folder loads without raising."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from pdfminer.high_level import extract_text

from retrieval.errors import DocsFolderError
from retrieval.facts import extract_facts
from retrieval.library import Duplicate, LoadResult, analyse, load_folder
from retrieval.model import Document, Passage
from retrieval.tokenize import JiebaTokenizer
from tests.report_fixtures import (
    BAD_FILES,
    REPORT_FILES,
    ReportText,
    write_bad_files,
)

TITLE = "清流县2020年法治政府建设情况报告"
DOC_NUMBER = "清政文〔2021〕1号"
PART_ONE = "一、坚持党的领导，认真履行推进法治建设第一责任人职责"
PART_TWO = "二、推进行政决策科学化、民主化、法治化"
# A table stays with its caption, in the subsection it follows: part 二, subsection (三).
TABLE_SECTION = (PART_TWO, "（三）强化行政决策合法性审查")

# (fixture key, DocumentMeta.format)
FORMATS = [
    ("utf8_txt", "txt"),
    ("bom_txt", "txt"),
    ("gbk_txt", "txt"),
    ("md", "md"),
    ("html", "html"),
    ("docx", "docx"),
    ("pdf", "pdf"),
]
KEYS = [key for key, _ in FORMATS]

# The reason each bad file fails, as a fragment of its Failure.reason.
BAD_FILE_REASONS = {
    "empty.txt": "empty",
    "truncated.docx": "not a readable Word .docx file",
    "renamed-image.pdf": "not a PDF file",
    "truncated.pdf": "damaged",
    "scan.pdf": "no text layer",
    "navigation-only.html": "no article text",
    "binary.txt": "not text in any encoding",
    "report.xyz": "unsupported format .xyz",
}


def _normalized(text: str) -> str:
    """Collapse whitespace and table cell separators, which differ between formats."""
    return " ".join(text.replace("|", " ").split())


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def tokenizer() -> JiebaTokenizer:
    """The default tokenizer, loaded once for the module."""
    return JiebaTokenizer()


@pytest.fixture(scope="module")
def documents(report_files: dict[str, Path], tokenizer: JiebaTokenizer) -> dict[str, Document]:
    """Each format's file analysed into a document."""
    return {
        key: analyse(path.name, path.read_bytes(), tokenizer, extract_facts).document
        for key, path in report_files.items()
    }


def _expected_passages(report: ReportText) -> list[tuple[tuple[str, ...], str]]:
    """The passages every format must give, read off the report text."""
    header = (
        f"标题：{TITLE}；文号：{DOC_NUMBER}；发布机构：清流县人民政府；成文日期：2021-01-05；"
        "发布时间：2021-01-05 16:23；索引号：SM05100-0100-2021-00001"
    )
    # The preamble as cut: the 文号 and source lines (header), a chapter heading, a paragraph.
    preamble_heading, preamble = report.preamble[-2:]
    subsections = [line for line in report.body if line.startswith("(")]
    assert len(subsections) == 7  # the report as cut: 4 subsections in part 一, 3 in part 二
    titles = [
        line[: line.index("。")].replace("(", "（").replace(")", "）") for line in subsections
    ]
    parts = [PART_ONE] * 4 + [PART_TWO] * 3
    return [
        (("文件信息",), header),
        ((preamble_heading,), _normalized(preamble)),
        *(
            ((part, title), _normalized(line))
            for part, title, line in zip(parts, titles, subsections, strict=True)
        ),
        # A passage per table row, cited by the caption and the row; the 单位 column gives
        # the figures their unit and is no cell of its own.
        *(
            ((*TABLE_SECTION, report.table_caption, row[0]), f"{row[0]}：数量 {row[1]}")
            for row in report.table[1:]
        ),
        (("落款",), "清流县人民政府 2021年1月5"),
    ]


@pytest.mark.parametrize(("key", "document_format"), FORMATS)
def test_every_format_gives_the_same_metadata(
    documents: dict[str, Document], key: str, document_format: str
) -> None:
    meta = documents[key].meta
    actual = (
        meta.title,
        meta.doc_number,
        meta.publisher,
        meta.date,
        meta.index_number,
        meta.source,
        meta.format,
    )
    expected = (
        TITLE,
        DOC_NUMBER,
        "清流县人民政府",
        "2021-01-05",
        "SM05100-0100-2021-00001",
        REPORT_FILES[key],
        document_format,
    )
    assert actual == expected


@pytest.mark.parametrize("key", KEYS)
def test_every_format_gives_the_same_passages(
    documents: dict[str, Document], report: ReportText, key: str
) -> None:
    actual = [(p.section_path, _normalized(p.text)) for p in documents[key].passages]
    assert actual == _expected_passages(report)


@pytest.mark.parametrize("key", KEYS)
def test_every_format_numbers_passages_from_the_header(
    documents: dict[str, Document], key: str
) -> None:
    passages = documents[key].passages
    assert [p.paragraph for p in passages] == list(range(len(passages)))


@pytest.mark.parametrize("key", KEYS)
def test_every_format_keeps_the_table_rows(
    documents: dict[str, Document], report: ReportText, key: str
) -> None:
    rows = [p for p in documents[key].passages if p.rows]
    actual = ({p.rows for p in rows}, [p.row_path for p in rows])
    assert actual == ({report.table}, [(row[0],) for row in report.table[1:]])


def _pdf_page_texts(path: Path) -> list[str]:
    """Each page's text, whitespace removed, read straight from the PDF."""
    content = path.read_bytes()
    pages = []
    for number in range(10):
        text = extract_text(io.BytesIO(content), page_numbers=[number])
        if not text.strip():
            break
        pages.append(_compact(text))
    return pages


def _printed(passage: Passage) -> str:
    """What of a passage is printed as it stands: a table row's first cell, else its text."""
    return _compact(passage.row_path[0] if passage.cells else passage.text)


def test_pdf_passages_carry_the_page_they_start_on(
    documents: dict[str, Document], report_files: dict[str, Path]
) -> None:
    pages = _pdf_page_texts(report_files["pdf"])
    assert len(pages) >= 2  # the layout needs more than one page, or pages prove nothing
    body = [p for p in documents["pdf"].passages if p.section_path[0] not in ("文件信息", "落款")]
    actual = [p.page for p in body]
    expected = [
        next(n for n, page in enumerate(pages, start=1) if _printed(p)[:12] in page) for p in body
    ]
    assert actual == expected


def test_pdf_signature_passage_carries_its_page(
    documents: dict[str, Document], report_files: dict[str, Path]
) -> None:
    pages = _pdf_page_texts(report_files["pdf"])
    signature = documents["pdf"].passages[-1]
    expected = next(
        n for n, page in enumerate(pages, start=1) if "清流县人民政府2021年1月5" in page
    )
    assert signature.page == expected


def test_other_formats_carry_no_page(documents: dict[str, Document]) -> None:
    actual = {
        key: {p.page for p in doc.passages} for key, doc in documents.items() if key != "pdf"
    }
    assert actual == {key: {None} for key in KEYS if key != "pdf"}


# --- Loading a folder ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def mixed_folder(tmp_path_factory: pytest.TempPathFactory, report_files: dict[str, Path]) -> Path:
    """Every bad file next to one good report."""
    folder = tmp_path_factory.mktemp("mixed")
    write_bad_files(folder)
    shutil.copy(report_files["docx"], folder / "good.docx")
    return folder


@pytest.fixture(scope="module")
def mixed_load(mixed_folder: Path, tokenizer: JiebaTokenizer) -> LoadResult:
    return load_folder(mixed_folder, tokenizer, extract_facts)


def test_load_folder_loads_the_good_report_among_bad_files(mixed_load: LoadResult) -> None:
    actual = [(f.path.name, f.entry.document.meta.title) for f in mixed_load.files]
    assert actual == [("good.docx", TITLE)]


def test_load_folder_reports_every_bad_file_once(mixed_load: LoadResult) -> None:
    actual = ([f.source for f in mixed_load.failures], mixed_load.duplicates)
    assert actual == (sorted(BAD_FILES), ())


@pytest.mark.parametrize(("source", "reason"), sorted(BAD_FILE_REASONS.items()))
def test_load_folder_gives_each_bad_file_its_reason(
    mixed_load: LoadResult, source: str, reason: str
) -> None:
    failure = next(f for f in mixed_load.failures if f.source == source)
    assert (reason in failure.reason, "\n" in failure.reason) == (True, False), failure.reason


def test_the_same_file_under_two_names_is_one_document(
    tmp_path: Path, report_files: dict[str, Path], tokenizer: JiebaTokenizer
) -> None:
    shutil.copy(report_files["utf8_txt"], tmp_path / "a-report.txt")
    shutil.copy(report_files["utf8_txt"], tmp_path / "b-copy.txt")
    result = load_folder(tmp_path, tokenizer, extract_facts)
    actual = ([f.path.name for f in result.files], result.duplicates, result.failures)
    assert actual == (["a-report.txt"], (Duplicate("b-copy.txt", "a-report.txt"),), ())


def test_the_same_report_in_two_encodings_is_one_document(
    tmp_path: Path, report_files: dict[str, Path], tokenizer: JiebaTokenizer
) -> None:
    shutil.copy(report_files["gbk_txt"], tmp_path / "gbk.txt")
    shutil.copy(report_files["utf8_txt"], tmp_path / "utf8.txt")
    result = load_folder(tmp_path, tokenizer, extract_facts)
    actual = ([f.path.name for f in result.files], result.duplicates)
    assert actual == (["gbk.txt"], (Duplicate("utf8.txt", "gbk.txt"),))


def test_hidden_files_lock_files_and_folders_are_ignored(
    tmp_path: Path, report_files: dict[str, Path], tokenizer: JiebaTokenizer
) -> None:
    shutil.copy(report_files["utf8_txt"], tmp_path / "report.txt")
    # Each would otherwise be a document, a duplicate or a failure.
    shutil.copy(report_files["md"], tmp_path / ".draft.md")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (tmp_path / "~$report.docx").write_bytes(b"\x0bWPS user" + b"\x00" * 150)
    (tmp_path / "old").mkdir()
    shutil.copy(report_files["html"], tmp_path / "old" / "report.html")
    result = load_folder(tmp_path, tokenizer, extract_facts)
    actual = ([f.path.name for f in result.files], result.failures, result.duplicates)
    assert actual == (["report.txt"], (), ())


def test_an_empty_folder_loads_nothing_without_raising(
    tmp_path: Path, tokenizer: JiebaTokenizer
) -> None:
    assert load_folder(tmp_path, tokenizer, extract_facts) == LoadResult((), (), ())


@pytest.mark.parametrize("kind", ["missing", "a file"])
def test_a_folder_that_is_not_there_raises_docs_folder_error(
    tmp_path: Path, tokenizer: JiebaTokenizer, kind: str
) -> None:
    folder = tmp_path / "reports"
    if kind == "a file":
        folder.write_text("not a folder", encoding="utf-8")
    with pytest.raises(DocsFolderError, match="reports"):
        load_folder(folder, tokenizer, extract_facts)
