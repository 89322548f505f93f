"""Find a report's structure in its blocks: metadata, title, parts, subsections, closing.

Structure comes from the text alone, so every format yields the same document model.
Government reports of this kind follow one layout: a metadata block (索引号, 文号,
发布机构, 生成日期), the title and 文号, parts numbered `一、`, subsections written inline
at the start of a paragraph (`（一）标题。正文`), a paragraph on shortcomings, the next
year's plans, then the signature and date, and on web pages some leftovers.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re

from retrieval.furniture import is_furniture
from retrieval.header import NUMERALS, PART, SUBSECTION, HeaderReader, clean
from retrieval.layout import split_run_on
from retrieval.metadata import (
    day_of,
    named,
    organization_of,
    report_kind,
)
from retrieval.model import Block, Document, DocumentMeta, Passage, RawDocument
from retrieval.table_rows import group_text_tables, row_passages
from retrieval.tables import join_continued, unit_note

# The closing block of a printed document: who gets copies, who printed it and when.
_RECORD = re.compile(r"^(?:抄送|抄报|分送|发送)[:：]|印发$")
_GLUED_RECORD = re.compile(
    r"^(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*((?:抄送|抄报)[:：].*)$"
)
_NOTES = re.compile(r"^[（(]\s*此件[^）)]*[）)]$")
# `1.` `2、` open subsections in parts that have no （一） level (not 1.5, not 2020年).
_ARABIC_SUBSECTION = re.compile(r"^(\d{1,2})\s*[.．、](?!\d)\s*(\S.*)$")
_DATE_LINE = re.compile(
    r"^(?:\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*(?:\d{1,2}|[一二三四五六七八九十]{1,2})\s*月"
    r"(\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*日?)?$"
)
_SENTENCE_END = re.compile(r"[。！？!?]")
# Page leftovers of government sites: once one of these starts a line the article is over.
_LEFTOVERS = (
    "附件下载",
    "扫一扫在手机上",
    "相关解读",
    "相关链接",
    "打印本页",
    "关闭窗口",
    "【打印】",
    "上一篇",
    "下一篇",
    "分享到",
)
_SHORTCOMINGS = re.compile(r"不足|短板|弱项|差距|问题")
# How the paragraph on shortcomings opens (在看到成绩的同时, 同时也要看到): it closes the
# last part even where no subsection marks where that part's own paragraphs end.
_SHORTCOMINGS_OPENING = re.compile(r"^(在[^，,。]{0,12}的同时|同时[，,]?也?要?看到|但也?要?看到)")
_HEADING_MAX = 40
_ASCII_TO_FULL = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）"})
# How the name of a body that signs a report ends.
_SIGNERS = ("人民政府", "办公室", "办事处", "委员会", "人民政府办公室")
SHORTCOMINGS_SECTION = "存在的问题和不足"
METADATA_SECTION = "文件信息"
SIGNATURE_SECTION = "落款"


_CAPTION = re.compile(r"^(附)?表\s*[0-9一二三四五六七八九十]+")


def _heading(text: str) -> str:
    """A heading as shown in citations: half-width punctuation made full-width."""
    return clean(text).translate(_ASCII_TO_FULL).rstrip("。.")


def _numeral(index: int) -> str:
    if index <= 10:
        return NUMERALS[index - 1]
    tens, ones = divmod(index, 10)
    return ("" if tens == 1 else NUMERALS[tens - 1]) + "十" + (NUMERALS[ones - 1] if ones else "")


def _numeral_value(numeral: str) -> int:
    if numeral == "十":
        return 10
    if "十" in numeral:
        tens, _, ones = numeral.partition("十")
        return (NUMERALS.index(tens) + 1 if tens else 1) * 10 + (
            NUMERALS.index(ones) + 1 if ones else 0
        )
    return NUMERALS.index(numeral) + 1


def _is_short_heading(text: str) -> bool:
    return len(text) <= _HEADING_MAX and not _SENTENCE_END.search(text)


def _clean_offsets(
    text: str, page_starts: tuple[tuple[int, int], ...]
) -> tuple[tuple[int, int], ...]:
    """Page-start offsets of a block's raw text, moved to its cleaned text."""
    moved = []
    for offset, page in page_starts:
        prefix = re.sub(r"\s+", " ", text[:offset].replace("\u3000", " ")).lstrip()
        moved.append((len(prefix), page))
    return tuple(moved)


class _Builder(HeaderReader):
    """Walks the blocks once, keeping the current part and subsection."""

    def __init__(self, raw: RawDocument, doc_id: str) -> None:
        super().__init__(raw)
        self.doc_id = doc_id
        self.passages: list[Passage] = []
        self.part = ""
        self.subsection = ""
        self.parts_seen = 0
        self.inline_subsection = False
        self.numeral_subsections = False
        self.signature: list[str] = []
        self.signature_page: int | None = None
        self.record: list[str] = []
        self.notes: list[str] = []

    def add(self, text: str, block: Block) -> None:
        path = tuple(p for p in (self.part, self.subsection) if p)
        self.passages.append(
            Passage(
                doc_id=self.doc_id,
                section_path=path,
                paragraph=len(self.passages) + 1,
                text=text,
                page=block.page,
                rows=block.rows,
                page_starts=_clean_offsets(block.text, block.page_starts),
            )
        )

    def body(self, blocks: list[Block]) -> None:
        caption = ""
        squeezed_title = "".join(self.title.split())
        for block in join_continued(group_text_tables(blocks)):
            text = clean(block.text)
            if not text and not block.rows:
                continue
            if text.startswith(_LEFTOVERS):
                break
            if self.record or _RECORD.search(text) or _NOTES.match(text):
                # 抄送, 印发, （此件公开发布）: kept for the record, not passages. Only the
                # 抄送/印发 block closes the report: a note stands before the signature.
                if self.record or not _NOTES.match(text):
                    self.record.append(text)
                elif text not in self.notes:
                    self.notes.append(text)
                continue
            if not block.rows and self._furniture(text, squeezed_title):
                continue
            if block.rows:
                # A table keeps its caption (表1 …) for its rows, not as a heading; a first
                # row of one text across the table is a caption too.
                rows = block.rows
                if len(rows) > 1 and len({cell for cell in rows[0] if cell}) == 1:
                    caption = caption or next(cell for cell in rows[0] if cell)
                    rows = rows[1:]
                self.table(rows, caption, block)
                caption = ""
                continue
            if caption:
                self.add(caption, block)
                caption = ""
            if _CAPTION.match(text) and _is_short_heading(text):
                caption = text
                continue
            if unit_note(text) and len(text) <= 16:
                caption = f"{caption} {text}".strip()  # 单位：件, for the table below
                continue
            if self._part_heading(text) or self._closing(text, block):
                continue
            sub = SUBSECTION.match(text)
            if sub:
                self.numeral_subsections = True
                self._subsection(f"（{sub.group(1)}）", sub.group(2), block)
                continue
            arabic = None if self.numeral_subsections else _ARABIC_SUBSECTION.match(text)
            if arabic:
                # Under （一） a `1.` is a third level and stays inside its paragraph.
                self._subsection(f"{arabic.group(1)}.", arabic.group(2), block)
                continue
            closing = self.inline_subsection or _SHORTCOMINGS_OPENING.match(text)
            # The paragraph says so at its start (存在的问题和不足, 还存在一些短板), not in passing
            # (反馈问题136个) as a subsection's paragraphs may.
            opening = _SENTENCE_END.split(text, maxsplit=1)[0][:60]
            if closing and _SHORTCOMINGS.search(opening):
                # A paragraph without a marker after a part's subsections closes the report.
                self.part, self.subsection = SHORTCOMINGS_SECTION, ""
                self.inline_subsection = False
            self.add(text, block)

    def table(self, rows: tuple[tuple[str, ...], ...], caption: str, block: Block) -> None:
        """One passage per data row of a table, cited by its row; a table with no figures
        is one passage of its rows."""
        path = tuple(p for p in (self.part, self.subsection) if p)
        passages = row_passages(rows, caption, block, self.doc_id, path, len(self.passages) + 1)
        if passages:
            self.passages.extend(passages)
            return
        text = "\n".join(" | ".join(row) for row in rows)
        self.add("\n".join(filter(None, (caption, text))), Block(text, block.page, rows))

    def _part_heading(self, text: str) -> bool:
        match = PART.match(text)
        if match and _is_short_heading(text):
            numeral = match.group(1)
            # Restore lost numerals (`、坚持严格规范…`) from the order of the parts.
            self.parts_seen = _numeral_value(numeral) if numeral else self.parts_seen + 1
            self.part = _heading(f"{_numeral(self.parts_seen)}、{match.group(2)}")
        elif (
            _is_short_heading(text)
            and len(text) <= 16
            and not _DATE_LINE.match(text)
            and not SUBSECTION.match(text)
            and not _ARABIC_SUBSECTION.match(text)
        ):
            # An unnumbered short line (`2021年工作思路`) opens a chapter of its own.
            if self._is_signature(text):
                return False
            self.part = _heading(text)
        else:
            return False
        self.subsection = ""
        self.inline_subsection = self.numeral_subsections = False
        return True

    def _furniture(self, text: str, squeezed_title: str) -> bool:
        """Page furniture, a stray metadata line or the title repeated, inside the body."""
        if PART.match(text) or SUBSECTION.match(text):
            return False
        if len(text) <= 60 and is_furniture(text):
            return True
        if len(text) <= 120 and self.read_fields(text):
            return True
        return bool(squeezed_title) and "".join(text.split()) == squeezed_title

    def _is_signature(self, text: str) -> bool:
        publisher = self.fields.get("publisher", "")
        return (bool(publisher) and text == publisher) or text.endswith(_SIGNERS)

    def _closing(self, text: str, block: Block) -> bool:
        glued = _GLUED_RECORD.match(text)
        if glued:
            # `2024年3月12日抄送：…`: a PDF line that ran the date into the copy list.
            self.signature.append(glued.group(1))
            self.signature_page = self.signature_page or block.page
            self.record.append(glued.group(2))
            return True
        if _DATE_LINE.match(text) or (self._is_signature(text) and len(text) <= 30):
            self.signature.append(text)
            self.signature_page = self.signature_page or block.page
            return True
        return False

    def _subsection(self, marker: str, rest: str, block: Block) -> None:
        end = _SENTENCE_END.search(rest)
        title = rest[: end.start()] if end else rest
        if end is None and len(rest) <= _HEADING_MAX:
            # A heading on a line of its own: the paragraphs below belong to it.
            self.subsection = _heading(marker + title)
            self.inline_subsection = False
            return
        self.subsection = _heading(marker + title) if len(title) <= _HEADING_MAX else marker
        # Subsections written inline each open their own paragraph, so an unmarked
        # paragraph after them closes the part (the shortcomings paragraph).
        self.inline_subsection = True
        self.add(clean(block.text), block)

    def finish(self, content_hash: str) -> Document:
        if self.signature:
            self.part, self.subsection = SIGNATURE_SECTION, ""
            signature = " ".join(self.signature)
            self.add(signature, Block(signature, self.signature_page))
        signed_on = next((s for s in reversed(self.signature) if _DATE_LINE.match(s)), "")
        signed_by = next((s for s in self.signature if not _DATE_LINE.match(s)), "")
        published = self.fields.get("published", "")
        title, title_from = self.title, self.title_from
        if not title:
            title, title_from = self.raw.source, "name"
        meta = DocumentMeta(
            doc_id=self.doc_id,
            title=title,
            doc_number=self.fields.get("doc_number", ""),
            publisher=named(self.fields.get("publisher", ""))
            or signed_by
            or self.fields.get("source_org", "")
            or organization_of(title),
            # The 成文日期 the header states, then the signature's date (unless it lost its
            # 日), then the day the portal generated or published the page.
            date=self.fields.get("date", "")
            or (signed_on if signed_on.endswith("日") else "")
            or self.fields.get("generated", "")
            or signed_on
            or day_of(published),
            index_number=self.fields.get("index_number", ""),
            published=published,
            source=self.raw.source,
            format=self.raw.format,
            kind=report_kind(title, self.passages),
            addressee=self.fields.get("addressee", ""),
            topic=self.fields.get("topic", ""),
            title_from=title_from,
        )
        passages = [_metadata_passage(meta), *self.passages]
        renumbered = tuple(dataclasses.replace(p, paragraph=i) for i, p in enumerate(passages))
        record = (*self.notes, *self.record)
        return Document(meta=meta, passages=renumbered, content_hash=content_hash, record=record)


def _metadata_passage(meta: DocumentMeta) -> Passage:
    """The header as a passage (paragraph 0), so 文号 and 发布机构 questions find it."""
    fields = (
        ("标题", meta.title),
        ("文号", meta.doc_number),
        ("发布机构", meta.publisher),
        ("成文日期", meta.date),
        ("发布时间", meta.published),
        ("索引号", meta.index_number),
    )
    text = "；".join(f"{name}：{value}" for name, value in fields if value)
    return Passage(meta.doc_id, (METADATA_SECTION,), 0, text)


def content_hash(raw: RawDocument) -> str:
    """A digest of a document's text, which identifies the same report in two files."""
    digest = hashlib.sha256()
    for block in raw.blocks:
        digest.update(re.sub(r"\s+", "", block.text).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def build_document(raw: RawDocument) -> Document:
    """Parse a file's blocks into a Document whose passages know their section."""
    digest = content_hash(raw)
    builder = _Builder(raw, doc_id=digest[:12])
    blocks = split_run_on(list(raw.blocks))
    start = builder.header(blocks)
    builder.body(blocks[start:])
    return builder.finish(digest)
