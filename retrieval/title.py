"""A report's title, from every signal its format has, with the text as the final judge.

Candidates are the lines at the head of the report and the joins of consecutive ones (a
printed title runs over two lines), scored by how much they read like the title of a
report of this kind (`…年…报告`, `关于…的报告`, `…工作年度报告`). What the file itself says
its title is — an HTML `<title>` or `<h1>`, a Word document's properties, a PDF's metadata, a
line printed large — counts for a candidate it agrees with, and stands in only when the
text has no title line of its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.furniture import is_furniture
from retrieval.metadata import is_doc_number, parse_fields
from retrieval.normalize import to_simplified

# A score from which a line reads as a report's title.
TITLE_THRESHOLD = 4.0
_MAX_JOINED_LINES = 3
_ENDS_REPORT = re.compile(r"(?:报告|年报)(?:[（(][^（()）]{1,12}[）)])?$")
_KIND_WORDS = re.compile(r"法治政府|依法行政|法治建设|政府信息公开|政务公开|信息公开")
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年|[〇零一二三四五六七八九]{4}\s*年")
_ABOUT = re.compile(r"关于.{2,60}的?(?:报告|年报)")
_ORGANIZATION = re.compile(r"^[\u4e00-\u9fff]{2,20}?(?:省|市|县|区|旗|镇|乡|街道|人民政府|办事处)")
_NOT_TITLE = re.compile(
    r"[。！？；，,]|^[（(]?[一二三四五六七八九十\d]{1,3}[）)、.．]|^第[一二三四五六七八九十]"
)
_LEADING = re.compile(r"^(?:上一篇|下一篇|相关|附件)[:：]")
# What a format's own title field says when nobody filled it in.
_PLACEHOLDER = re.compile(
    r"^(?:Word\s*文档|无标题|新建|文档\d*$|Document\d*$|untitled|Microsoft Word)", re.I
)
_SITE_SEPARATOR = re.compile(r"\s*(?:[_｜|]|[-—–]{1,2})\s*")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A line, or consecutive lines joined, at the head of a report."""

    text: str
    first: int
    last: int
    emphasized: bool = False


def title_score(text: str) -> float:
    """How much a line reads like the title of a report of this kind (0 when it cannot be)."""
    compact = to_simplified("".join(text.split()))
    if not 6 <= len(compact) <= 90 or _NOT_TITLE.search(compact) or _LEADING.match(compact):
        return 0.0
    if is_furniture(text) or parse_fields(text) or is_doc_number(text):
        return 0.0
    score = 0.0
    if _ENDS_REPORT.search(compact):
        score += 3.0
    elif "报告" in compact:
        score += 1.0
    if _KIND_WORDS.search(compact):
        score += 2.0
    if _YEAR.search(compact):
        score += 1.0
    if _ABOUT.search(compact):
        score += 1.0
    if _ORGANIZATION.match(compact):
        score += 0.5
    return score


def clean_hint(hint: str) -> str:
    """A title given by the file (an HTML `<title>`), without the site's name beside it."""
    hint = " ".join(hint.split())
    if not hint or _PLACEHOLDER.match(hint):
        return ""
    parts = [p for p in _SITE_SEPARATOR.split(hint) if p.strip()]
    if len(parts) <= 1:
        return hint
    best = max(parts, key=title_score)
    return best if title_score(best) > 0 else parts[0]


def candidates(lines: Sequence[str], emphasized: Sequence[bool]) -> list[Candidate]:
    """Each line, and each run of up to three consecutive lines joined, as candidates.

    Empty strings stand for lines that cannot be part of a title (fields, furniture).
    A join stops at a line that is itself a whole title, so a title is never glued to the
    line before or after it.
    """
    found = []
    for first, line in enumerate(lines):
        if not line:
            continue  # an empty line stands for one that cannot be part of a title
        found.append(Candidate(line, first, first, emphasized[first]))
        text = line
        for last in range(first + 1, min(first + _MAX_JOINED_LINES, len(lines))):
            if _ENDS_REPORT.search("".join(text.split())) or not lines[last]:
                break
            text += lines[last]
            found.append(Candidate(text, first, last, all(emphasized[first : last + 1])))
    return found


def choose_title(
    lines: Sequence[str], emphasized: Sequence[bool], hints: Sequence[str]
) -> Candidate | None:
    """The candidate that is the report's title, or None when no line reads as one.

    A candidate the file's own title agrees with, or printed large, wins over an equal one.
    """
    cleaned = [c for c in (clean_hint(h) for h in hints) if c]
    best: tuple[float, int, Candidate] | None = None
    for candidate in candidates(lines, emphasized):
        score = title_score(candidate.text)
        if score <= 0:
            continue
        parts = lines[candidate.first : candidate.last + 1]
        if len(parts) > 1 and score <= max(title_score(part) for part in parts):
            continue  # a line glued to a whole title adds nothing to it
        if any(_agrees(candidate.text, hint) for hint in cleaned):
            score += 2.0
        if candidate.emphasized:
            score += 1.0
        # Earlier lines win ties: a page repeats its title lower down.
        key = (score, -candidate.first, candidate)
        if best is None or key[:2] > best[:2]:
            best = key
    if best is None or best[0] < TITLE_THRESHOLD:
        return None
    return best[2]


def best_hint(hints: Sequence[str]) -> str:
    """The file's own title to use when the text has none: the one most like a title."""
    cleaned = [c for c in (clean_hint(h) for h in hints) if c]
    if not cleaned:
        return ""
    return max(cleaned, key=title_score)


def _agrees(text: str, hint: str) -> bool:
    """Whether a line says what the file's title says: it holds the hint's characters in
    order (a portal shortens 汀阳县檀口镇人民政府… to 檀口镇…), or is nearly all of it."""
    line, title = "".join(text.split()), "".join(hint.split())
    if _in_order(title, line) and len(title) >= 0.6 * len(line):
        return True
    return _in_order(line, title) and len(line) >= 0.9 * len(title)


def _in_order(short: str, long: str) -> bool:
    chars = iter(long)
    return all(char in chars for char in short)
