"""Find a report's structure in its blocks: metadata, title, parts, subsections, closing.

Structure comes from the text alone, so every format yields the same document model.
Government reports of this kind follow one layout: a metadata block (索引号, 文号,
发布机构, 生成日期), the title and 文号, parts numbered `一、`, subsections written inline
at the start of a paragraph (`（一）标题。正文`), a paragraph on shortcomings, the next
year's plans, then the signature and date, and on web pages some leftovers.
"""

from __future__ import annotations

import hashlib
import re

from retrieval.model import Block, Document, DocumentMeta, Passage, RawDocument

_NUMERALS = "一二三四五六七八九十"
_META_KEYS = {
    "索引号": "index_number",
    "文号": "doc_number",
    "备注/文号": "doc_number",
    "发文字号": "doc_number",
    "发布机构": "publisher",
    "发文机关": "publisher",
    "公文生成日期": "date",
    "生成日期": "date",
    "成文日期": "date",
    "发布日期": "date",
}
_META_LINE = re.compile(r"^[•·\-*\s]*([^:：]{2,12}?)\s*[:：]\s*(.+)$")
_DOC_NUMBER = re.compile(r"\S{1,12}?[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d+\s*号")
_PUBLISHED = re.compile(r"(\d{4}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2})?)")
_SOURCE_LINE = re.compile(r"^(来源|发布时间|时间|作者|浏览次数)\s*[:：]")
_PART = re.compile(rf"^([{_NUMERALS}]{{1,3}})?\s*[、.．]\s*(\S.*)$")
_SUBSECTION = re.compile(rf"^[（(]\s*([{_NUMERALS}]{{1,3}})\s*[）)]\s*(.*)$")
# `1.` `2、` open subsections in parts that have no （一） level (not 1.5, not 2020年).
_ARABIC_SUBSECTION = re.compile(r"^(\d{1,2})\s*[.．、](?!\d)\s*(\S.*)$")
_DATE_LINE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月(\s*\d{1,2}\s*日?)?$")
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
_NOTES = re.compile(r"^[（(]\s*此件[^）)]*[）)]$")
_SHORTCOMINGS = re.compile(r"不足|短板|弱项|差距|问题")
# How the paragraph on shortcomings opens (在看到成绩的同时, 同时也要看到): it closes the
# last part even where no subsection marks where that part's own paragraphs end.
_SHORTCOMINGS_OPENING = re.compile(r"^(在[^，,。]{0,12}的同时|同时[，,]?也?要?看到|但也?要?看到)")
_HEADING_MAX = 40
_SITE_SUFFIX = re.compile(r"\s*[_｜|]\s*|\s+[-—–]\s+")
_ASCII_TO_FULL = str.maketrans({",": "，", ";": "；", ":": "：", "(": "（", ")": "）"})
SHORTCOMINGS_SECTION = "存在的问题和不足"
METADATA_SECTION = "文件信息"
SIGNATURE_SECTION = "落款"


_CELL_SPLIT = re.compile(r"\t+|\s*[|｜]\s*|\s{2,}")
_CAPTION = re.compile(r"^(附)?表\s*[0-9一二三四五六七八九十]+")


def _cells(text: str) -> list[str]:
    return [c for c in (c.strip() for c in _CELL_SPLIT.split(text.strip())) if c]


def _group_text_tables(blocks: list[Block]) -> list[Block]:
    """Join runs of lines written as table rows (tabs, `|` or wide spaces) into tables.

    Plain text and PDFs carry tables as lines; Word and HTML as real tables. Both end
    up as one table block, so every format gives the same passages.
    """
    grouped: list[Block] = []
    run: list[tuple[Block, list[str]]] = []

    def flush() -> None:
        if len(run) >= 2:
            rows = tuple(tuple(cells) for _, cells in run)
            text = "\n".join(" | ".join(row) for row in rows)
            grouped.append(Block(text, run[0][0].page, rows))
        else:
            grouped.extend(block for block, _ in run)
        run.clear()

    for block in blocks:
        cells = [] if block.rows else _cells(block.text)
        if len(cells) >= 2 and (not run or len(cells) == len(run[0][1])):
            run.append((block, cells))
            continue
        flush()
        if len(cells) >= 2:
            run.append((block, cells))
        else:
            grouped.append(block)
    flush()
    return grouped


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u3000", " ")).strip()


def _heading(text: str) -> str:
    """A heading as shown in citations: half-width punctuation made full-width."""
    return _clean(text).translate(_ASCII_TO_FULL).rstrip("。.")


def _page_title(hint: str) -> str:
    """A page title without the site name after it (…报告_桐溪县人民政府网)."""
    return _SITE_SUFFIX.split(_clean(hint))[0].strip()


def _numeral(index: int) -> str:
    if index <= 10:
        return _NUMERALS[index - 1]
    tens, ones = divmod(index, 10)
    return (
        ("" if tens == 1 else _NUMERALS[tens - 1]) + "十" + (_NUMERALS[ones - 1] if ones else "")
    )


def _numeral_value(numeral: str) -> int:
    if numeral == "十":
        return 10
    if "十" in numeral:
        tens, _, ones = numeral.partition("十")
        return (_NUMERALS.index(tens) + 1 if tens else 1) * 10 + (
            _NUMERALS.index(ones) + 1 if ones else 0
        )
    return _NUMERALS.index(numeral) + 1


def _is_short_heading(text: str) -> bool:
    return len(text) <= _HEADING_MAX and not _SENTENCE_END.search(text)


def parse_metadata_line(text: str) -> tuple[str, str] | None:
    """The (field, value) of a header line such as `• 备注/文号: 清政文〔2021〕1号`."""
    match = _META_LINE.match(text)
    if not match:
        return None
    key = re.sub(r"\s+", "", match.group(1))
    field = _META_KEYS.get(key)
    return (field, match.group(2).strip()) if field else None


def is_header_line(text: str) -> bool:
    """Whether a line belongs to a report's header: a metadata field, the 来源/时间 line or
    the 文号 on its own."""
    return bool(
        parse_metadata_line(text) or _SOURCE_LINE.match(text) or _DOC_NUMBER.fullmatch(text)
    )


class _Builder:
    """Walks the blocks once, keeping the current part and subsection."""

    def __init__(self, raw: RawDocument, doc_id: str) -> None:
        self.raw = raw
        self.doc_id = doc_id
        self.fields: dict[str, str] = {}
        self.title = ""
        self.passages: list[Passage] = []
        self.part = ""
        self.subsection = ""
        self.parts_seen = 0
        self.inline_subsection = False
        self.numeral_subsections = False
        self.signature: list[str] = []
        self.signature_page: int | None = None

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
            )
        )

    def header(self, blocks: list[Block]) -> int:
        """Read the metadata block, title, 文号 and source lines; return where the body starts."""
        for index, block in enumerate(blocks):
            text = _clean(block.text)
            meta = parse_metadata_line(text)
            if meta and not block.rows:
                self.fields.setdefault(meta[0], meta[1])
                continue
            if _SOURCE_LINE.match(text):
                # 来源:清流县公开办 时间:2021-01-05 16:23 — when the page was published.
                published = _PUBLISHED.search(text)
                if published:
                    self.fields.setdefault("published", published.group(1))
                    self.fields.setdefault("date", published.group(1)[:10])
                continue
            number = _DOC_NUMBER.fullmatch(text)
            if number:
                self.fields.setdefault("doc_number", text)
                continue
            hint = _page_title(self.raw.title_hint)
            if (
                not self.title
                and _is_short_heading(text)
                and self._looks_like_title(text)
                # A page's own title (h1, <title>) decides: a short line that is not it
                # (2020年法治政府建设工作情况) is the first chapter, not the title.
                and (not hint or hint in text or text in hint)
            ):
                self.title = text
                continue
            return index
        return len(blocks)

    def _looks_like_title(self, text: str) -> bool:
        return not _PART.match(text) and not _SUBSECTION.match(text) and len(text) >= 6

    def body(self, blocks: list[Block]) -> None:
        caption = ""
        for block in _group_text_tables(blocks):
            text = _clean(block.text)
            if not text or _NOTES.match(text):
                continue
            if text.startswith(_LEFTOVERS):
                break
            if block.rows:
                # A table keeps its caption (表1 …) as its first line, not as a heading;
                # a first row of one cell spanning the table is a caption too.
                rows = block.rows
                if len(rows) > 1 and sum(1 for cell in rows[0] if cell) == 1:
                    caption = caption or next(cell for cell in rows[0] if cell)
                    rows = rows[1:]
                    block = Block("\n".join(" | ".join(row) for row in rows), block.page, rows)
                self.add("\n".join(filter(None, (caption, block.text))), block)
                caption = ""
                continue
            if caption:
                self.add(caption, block)
                caption = ""
            if _CAPTION.match(text) and _is_short_heading(text):
                caption = text
                continue
            if self._part_heading(text) or self._closing(text, block):
                continue
            sub = _SUBSECTION.match(text)
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
            if closing and _SHORTCOMINGS.search(text):
                # A paragraph without a marker after a part's subsections closes the report.
                self.part, self.subsection = SHORTCOMINGS_SECTION, ""
                self.inline_subsection = False
            self.add(text, block)

    def _part_heading(self, text: str) -> bool:
        match = _PART.match(text)
        if match and _is_short_heading(text):
            numeral = match.group(1)
            # Restore lost numerals (`、坚持严格规范…`) from the order of the parts.
            self.parts_seen = _numeral_value(numeral) if numeral else self.parts_seen + 1
            self.part = _heading(f"{_numeral(self.parts_seen)}、{match.group(2)}")
        elif (
            _is_short_heading(text)
            and len(text) <= 16
            and not _DATE_LINE.match(text)
            and not _SUBSECTION.match(text)
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

    def _is_signature(self, text: str) -> bool:
        publisher = self.fields.get("publisher", "")
        return (bool(publisher) and text == publisher) or text.endswith(("人民政府", "办公室"))

    def _closing(self, text: str, block: Block) -> bool:
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
        self.add(_clean(block.text), block)

    def finish(self, content_hash: str) -> Document:
        if self.signature:
            self.part, self.subsection = SIGNATURE_SECTION, ""
            signature = " ".join(self.signature)
            self.add(signature, Block(signature, self.signature_page))
        date = self.fields.get("date", "")
        if not date and self.signature and _DATE_LINE.match(self.signature[-1]):
            date = self.signature[-1]
        meta = DocumentMeta(
            doc_id=self.doc_id,
            title=self.title or _page_title(self.raw.title_hint) or self.raw.source,
            doc_number=self.fields.get("doc_number", ""),
            publisher=self.fields.get("publisher", "")
            or next((s for s in self.signature if not _DATE_LINE.match(s)), ""),
            date=date,
            index_number=self.fields.get("index_number", ""),
            published=self.fields.get("published", ""),
            source=self.raw.source,
            format=self.raw.format,
        )
        passages = [_metadata_passage(meta), *self.passages]
        renumbered = tuple(
            Passage(p.doc_id, p.section_path, i, p.text, p.page, p.rows)
            for i, p in enumerate(passages)
        )
        return Document(meta=meta, passages=renumbered, content_hash=content_hash)


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
    blocks = list(raw.blocks)
    start = builder.header(blocks)
    builder.body(blocks[start:])
    return builder.finish(digest)
