"""Plain text and Markdown files: one block per non-blank line."""

from __future__ import annotations

import re

from retrieval.errors import EmptyDocument
from retrieval.model import Block, RawDocument
from retrieval.readers._blocks import line_blocks, table_block
from retrieval.readers.encoding import decode_text

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")
_BULLET = re.compile(r"^\s*(?:[-*+]|>+)\s+")
_RULE = re.compile(r"^\s{0,3}(?:[-*_=]\s*){3,}$")
_FENCE = re.compile(r"^\s{0,3}(?:```|~~~)")
_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?(?:\s*:?-+:?\s*\|)+\s*:?-*:?\s*\|?\s*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS_STAR = re.compile(r"(?<!\*)\*(?=\S)(.+?)(?<=\S)\*(?!\*)")
_EMPHASIS_UNDERSCORE = re.compile(r"(?<![\w\\])_(?=\S)(.+?)(?<=\S)_(?!\w)")
_CODE = re.compile(r"`([^`]*)`")
_STRIKE = re.compile(r"~~(.+?)~~")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
# Escaped markup characters are parked in a private-use plane while markup is stripped.
_PARKED = 0xF0000
_PARKED_CHAR = re.compile("[\U000f0000-\U000f007f]")


def read_txt(name: str, content: bytes) -> RawDocument:
    """Read a plain text file: each non-blank line becomes a block."""
    text, encoding = decode_text(content, name)
    blocks = line_blocks(text)
    if not blocks:
        raise EmptyDocument(f"{name}: the file holds no text")
    return RawDocument(source=name, format="txt", blocks=tuple(blocks), encoding=encoding)


def read_markdown(name: str, content: bytes) -> RawDocument:
    """Read a Markdown file: markup stripped, each pipe table one table block."""
    text, encoding = decode_text(content, name)
    blocks: list[Block] = []
    table: list[list[str]] = []
    title = ""
    for raw_line in text.splitlines():
        if _TABLE_ROW.match(raw_line):
            if not _TABLE_SEPARATOR.match(raw_line):
                table.append(_table_cells(raw_line))
            continue
        if table:
            _append_table(blocks, table)
            table = []
        heading = _HEADING.match(raw_line)
        if heading and not title and raw_line.lstrip().startswith("# "):
            title = _strip_inline(heading.group(1)).strip()
        line = _strip_line(raw_line)
        if line:
            blocks.append(Block(text=line))
    _append_table(blocks, table)
    if not blocks:
        raise EmptyDocument(f"{name}: the file holds no text")
    return RawDocument(
        source=name,
        format="md",
        blocks=tuple(blocks),
        title_hints=(title,) if title else (),
        encoding=encoding,
    )


def _append_table(blocks: list[Block], rows: list[list[str]]) -> None:
    """Add the collected pipe-table rows as one table block."""
    block = table_block(rows)
    if block is not None:
        blocks.append(block)


def _table_cells(line: str) -> list[str]:
    """Split a pipe-table row into cell texts."""
    inner = line.strip().removeprefix("|").removesuffix("|")
    return [_strip_inline(cell).strip() for cell in _CELL_SPLIT.split(inner)]


def _strip_line(line: str) -> str:
    """Drop a line's block markup (heading marks, bullets, rules, fences), keep its text."""
    if _RULE.match(line) or _FENCE.match(line):
        return ""
    heading = _HEADING.match(line)
    if heading:
        line = heading.group(1)
    line = _BULLET.sub("", line)
    return _strip_inline(line).strip()


def _strip_inline(text: str) -> str:
    """Drop inline markup (emphasis, code, links, images), keep the words."""
    text = _ESCAPE.sub(lambda match: chr(_PARKED + ord(match.group(1))), text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS_STAR.sub(r"\1", text)
    text = _EMPHASIS_UNDERSCORE.sub(r"\1", text)
    text = _STRIKE.sub(r"\1", text)
    return _PARKED_CHAR.sub(lambda match: chr(ord(match.group()) - _PARKED), text)
