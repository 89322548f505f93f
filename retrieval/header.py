"""The head of a report: its metadata box, title, 文号 and addressee, and where the body starts.

The header reaches to the first paragraph, table or numbered heading. Its lines before the
title that are not metadata are the page's furniture; after the title come fields, the
文号, the addressee and the title printed again.
"""

from __future__ import annotations

import re

from retrieval.furniture import is_furniture
from retrieval.metadata import box_fields, is_doc_number, is_none, parse_fields
from retrieval.model import Block, RawDocument
from retrieval.title import TITLE_THRESHOLD, best_hint, choose_title, title_score

NUMERALS = "一二三四五六七八九十"
PART = re.compile(rf"^([{NUMERALS}]{{1,3}})?\s*[、.．]\s*(\S.*)$")
SUBSECTION = re.compile(rf"^[（(]\s*([{NUMERALS}]{{1,3}})\s*[）)]\s*(.*)$")
# `省人民政府：`, `各乡镇人民政府，县政府各部门：` — to whom a report is addressed.
_ADDRESSEE = re.compile(r"^[\u4e00-\u9fff、，,（）() ]{2,60}[：:]$")
# How far into a document its header (title, 文号, metadata box) may reach.
_HEADER_BLOCKS = 40
_BODY_CHARS = 40


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u3000", " ")).strip()


def _body_like(block: Block) -> bool:
    """A block that can only be the report itself: a table, a heading or a paragraph."""
    text = clean(block.text)
    if block.rows:
        return not box_fields(block.rows)  # a metadata box laid out as a table is header
    if PART.match(text) or SUBSECTION.match(text):
        return True
    return len(text) > _BODY_CHARS and bool(re.search(r"[。！？；，]", text))


_QUOTED_TITLE = re.compile(
    r"《([^《》]{6,80}(?:报告|年报))》|(?:现公布|现发布|现予公布|特发布|现将)([^《》，,。；]{6,80}?(?:报告|年报))"
)
_ALIAS = re.compile(r"[（(]以下简称[^）)]*[）)]")


def _quoted_title(blocks: list[Block]) -> str:
    """A report's title as its opening sentence names it (`现发布《…年度报告》`, `现公布
    XX市2022年政府信息公开工作年度报告。`), less an alias in brackets (以下简称…)."""
    for block in blocks:
        for match in _QUOTED_TITLE.finditer(_ALIAS.sub("", block.text)):
            title = match.group(1) or match.group(2)
            if title_score(title) >= TITLE_THRESHOLD:
                return title
    return ""


class HeaderReader:
    """Reads a report's header into fields and a title; the structure builder extends it."""

    def __init__(self, raw: RawDocument) -> None:
        self.raw = raw
        self.fields: dict[str, str] = {}
        self.title = ""
        self.title_from = "text"
        self.pending = ""  # a field whose value is on the next line

    def read_fields(self, text: str) -> bool:
        """Keep the fields of a header line (the first value of each wins); False if none."""
        fields = parse_fields(text)
        if not fields:
            if self.pending and len(text) <= 60 and not PART.match(text):
                # The value cell of a box whose name cell came alone (`发文字号：` | `…`).
                field, self.pending = self.pending, ""
                if not is_none(text):
                    self.fields.setdefault(field, text)
                return True
            return False
        self.pending = ""
        for field, value in fields:
            if field == "other":
                continue
            if not value and len(fields) == 1:
                self.pending = field  # its value is on the next line
            elif is_none(value):
                self.fields.setdefault(field, "")
            else:
                self.fields.setdefault(field, value)
        return True

    def _header_line(self, text: str) -> bool:
        """Read a line that belongs to a header (fields, 文号, addressee, furniture)."""
        if self.read_fields(text):
            return True
        if is_doc_number(text):
            self.fields.setdefault("doc_number", text)
            return True
        if _ADDRESSEE.match(text) and not PART.match(text):
            self.fields.setdefault("addressee", text.rstrip("：:"))
            return True
        return is_furniture(text)

    def header(self, blocks: list[Block]) -> int:
        """Read the metadata box, title, 文号 and addressee; return where the body starts.

        The header reaches to the first paragraph, table or numbered heading. Its lines
        before the title that are not metadata are the page's furniture; after the title,
        fields, the 文号, the addressee and the title printed again are read, and the first
        other line opens the body.
        """
        end = next(
            (i for i, b in enumerate(blocks[:_HEADER_BLOCKS]) if _body_like(b)),
            min(len(blocks), _HEADER_BLOCKS),
        )
        for block in blocks[:end]:
            for field, value in box_fields(block.rows) if block.rows else ():
                if field != "other":
                    self.fields.setdefault(field, "" if is_none(value) else value)
        lines = ["" if b.rows else clean(b.text) for b in blocks[:end]]
        headerish = [bool(parse_fields(t)) or is_doc_number(t) or is_furniture(t) for t in lines]
        choosable = ["" if h else t for t, h in zip(lines, headerish, strict=True)]
        for text in lines:
            title_field = next((v for f, v in parse_fields(text) if f == "title"), "")
            if title_field:
                self.fields.setdefault("title", title_field)
        hints = [*self.raw.title_hints, self.fields.get("title", "")]
        chosen = choose_title(choosable, [b.emphasized for b in blocks[:end]], hints)
        if chosen is None:
            start = 0
            while start < end and (blocks[start].rows or self._header_line(lines[start])):
                start += 1
            if sum(self._header_line(line) for line in lines[start:end]):  # reads them all
                # Fields further down (a site's name line above the box): the whole head
                # up to the first paragraph is the header.
                start = end
            quoted = _quoted_title(blocks[start : start + 3])
            if quoted:
                self.title, self.title_from = quoted, "text"
                return start
            hint = best_hint(hints)
            self.title, self.title_from = (hint, "file") if hint else ("", "name")
            return start
        self.title = chosen.text
        for text in lines[: chosen.first]:
            if not self.read_fields(text) and is_doc_number(text):
                self.fields.setdefault("doc_number", text)
        self.pending = ""  # a name cell right above the title has no value
        start = chosen.last + 1
        squeezed = "".join(self.title.split())
        while start < len(blocks) and (not blocks[start].rows or start < end):
            if blocks[start].rows:
                start += 1  # a metadata box below the title, already read
                continue
            text = clean(blocks[start].text)
            if "".join(text.split()) in squeezed and len(text) >= 4:
                start += 1  # the title printed again, or one of its lines
            elif self._header_line(text):
                start += 1
            else:
                break
        return start
