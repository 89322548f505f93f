"""Reports that arrive as one long line: split back into title, headings and paragraphs.

Some portals and copy-pastes lose every line break, so a whole report is one block with
its headings inline (`…报告如下：一、主要工作及成效（一）强化组织领导。…`). A part heading
`一、` or a subsection `（一）` that follows the end of a sentence, or that follows a heading
with no sentence of its own, starts a new block; the title before the first sentence and
the signature after the last one stand alone too.
"""

from __future__ import annotations

import re

from retrieval.model import Block
from retrieval.title import TITLE_THRESHOLD, title_score

# A block this long with several inline headings is a run-on report, not a paragraph.
_RUN_ON_CHARS = 1500
_MIN_MARKERS = 2
# Where a page lost its line breaks but kept their indents: two spaces or more, or an
# ideographic space.
_WIDE_GAP = re.compile(r"\s{2,}|\u3000+")
_MARKER = re.compile(r"[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]")
_SENTENCE_END = "。：:；;！？!?"
_HEAD = re.compile(r"^(?P<title>\S.{4,80}?(?:报告|年报)(?:[（(][^（()）]{1,12}[）)])?)\s*(?=\S)")
_SIGNATURE = re.compile(
    r"(?<=[。！？])\s*(?P<signature>[\u4e00-\u9fff（）()]{2,30}"
    r"(?:人民政府|办公室|办事处|委员会|政府)\s*(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日))\s*$"
)


def split_run_on(blocks: list[Block]) -> list[Block]:
    """Split every run-on block into the blocks it would have been with line breaks."""
    out: list[Block] = []
    for block in blocks:
        if block.rows or len(block.text) < _RUN_ON_CHARS:
            out.append(block)
            continue
        gaps = _WIDE_GAP.split(block.text)
        if len(gaps) >= _MIN_MARKERS + 2:
            # Line breaks turned into runs of spaces: each run ends a line.
            out.extend(split_run_on([Block(g.strip(), block.page) for g in gaps if g.strip()]))
            continue
        pieces = _pieces(block.text)
        if len(pieces) < _MIN_MARKERS + 1:
            out.append(block)
            continue
        out.extend(Block(piece, block.page) for piece in pieces)
    return out


def _pieces(text: str) -> list[str]:
    text = text.strip()
    head: list[str] = []
    found = _HEAD.match(text)
    if found and title_score(found.group("title")) >= TITLE_THRESHOLD:
        head.append(found.group("title"))
        text = text[found.end() :]
    tail: list[str] = []
    signature = _SIGNATURE.search(text)
    if signature:
        tail = re.split(r"\s+", signature.group("signature").strip(), maxsplit=1)
        text = text[: signature.start("signature")].rstrip()
    cuts = [0]
    for match in _MARKER.finditer(text):
        start = match.start()
        piece = text[cuts[-1] : start]
        stripped = piece.rstrip()
        if not stripped:
            continue
        # A heading with no sentence of its own (`一、主要工作及成效`) ends at the next marker.
        heading = (
            bool(_MARKER.match(piece))
            and len(stripped) <= 40
            and not any(c in _SENTENCE_END for c in piece)
        )
        if stripped[-1] in _SENTENCE_END or heading:
            cuts.append(start)
    if len(cuts) <= _MIN_MARKERS:
        return [text]
    body = [text[a:b].strip() for a, b in zip(cuts, [*cuts[1:], len(text)], strict=True)]
    return [*head, *(p for p in body if p), *tail]
