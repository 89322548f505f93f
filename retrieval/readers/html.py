"""Web pages saved from government sites: the article without the site around it."""

from __future__ import annotations

import re

import trafilatura
from lxml import etree

from retrieval.errors import CorruptDocument, EmptyDocument
from retrieval.limits import MAX_PAGE_BYTES, check_size
from retrieval.metadata import is_header_line
from retrieval.model import Block, RawDocument
from retrieval.readers._blocks import clean_cell, line_blocks, table_block
from retrieval.readers.encoding import decode_text

# The WHATWG prescan reads the declared charset from the first 1024 bytes; we allow more
# because government pages often put long comments and scripts before the meta tag.
_PRESCAN_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)

# Semantic boilerplate that trafilatura's heuristics may keep when a page has nothing else.
_PRUNE = ["//nav", "//footer", "//aside", "//*[@role='navigation']"]

# A page whose text is mostly link labels is a menu, not a report; an article's own links
# are a few percent of its text.
_MIN_LINK_SHARE = 0.5

_TEXT_TAGS = {"p", "head", "item", "quote", "code"}
_MAX_HEADER_LINE = 120
# No real table spans more rows or columns than this; a bigger value is an error or hostile.
_MAX_SPAN = 200
_BLOCK_TAGS = ("p", "div", "li", "td", "th", "tr", "table", "ul", "ol", "h1", "h2", "h3")
_CONTAINER_TAGS = {"list", "div", "main"}
# Meta tags in which portals' publishing systems name an article.
_TITLE_META = {"articletitle", "title", "og:title", "dc.title", "subject"}


def read_html(name: str, content: bytes) -> RawDocument:
    """Read a saved web page: title hint plus the article's paragraphs, lists and tables."""
    check_size(name, len(content), MAX_PAGE_BYTES, "the page")
    declared = _declared_charset(content)
    page, encoding = decode_text(content, name, declared)
    if not page.strip():
        raise EmptyDocument(f"{name}: the page is empty")
    try:
        extracted = trafilatura.extract(
            page,
            output_format="xml",
            include_tables=True,
            include_comments=False,
            favor_recall=True,
            with_metadata=True,
            prune_xpath=_PRUNE,
        )
    except (ValueError, etree.LxmlError) as exc:
        raise CorruptDocument(f"{name}: the page could not be parsed as HTML ({exc})") from exc
    if not extracted:
        raise EmptyDocument(f"{name}: the page has no article text, only site navigation")
    root = etree.fromstring(extracted.encode("utf-8"))
    main = root.find("main")
    blocks: list[Block] = []
    if main is not None:
        _walk(main, blocks)
    blocks = _with_spans(blocks, _page_tables(page))
    if not blocks or _is_menu(blocks, page):
        raise EmptyDocument(f"{name}: the page has no article text, only site navigation")
    present = {block.text for block in blocks}
    header = [Block(line) for line in _header_lines(page) if line not in present]
    return RawDocument(
        source=name,
        format="html",
        blocks=(*header, *blocks),
        title_hints=_title_hints(page, root),
        encoding=encoding,
    )


def _header_lines(page: str) -> list[str]:
    """The page's metadata lines (索引号, 文号, 发布机构, 生成日期, 来源/时间), wherever they are.

    Government sites print them in a box above the article, which an extractor drops as
    page furniture; the structure step needs them for the citation.
    """
    tree = _tree(page)
    if tree is None:
        return []
    lines: list[str] = []
    for element in tree.iter(*_BLOCK_TAGS, "span"):
        if any(child.tag in _BLOCK_TAGS for child in element.iterdescendants()):
            continue  # a box of several lines: its lines are read one by one
        text = " ".join("".join(element.itertext()).split())
        if len(text) > _MAX_HEADER_LINE or text in lines:
            continue
        if is_header_line(text):
            lines.append(text)
    return lines


def _tree(page: str) -> etree._Element | None:
    """The page parsed leniently, as browsers do, or None when lxml cannot read it."""
    try:
        return etree.HTML(page)
    except (ValueError, etree.LxmlError):
        return None


def _page_tables(page: str) -> list[tuple[tuple[str, ...], ...]]:
    """The page's data tables as grids, a merged cell repeated over every place it spans.

    trafilatura keeps a table's cells but not its rowspan and colspan, without which the
    national tables' headers no longer line up with their data.
    """
    tree = _tree(page)
    if tree is None:
        return []
    grids = []
    for table in tree.iter("table"):
        if table.find(".//table") is not None:
            continue  # a layout table around the page, not data
        grid = _grid(table)
        if len(grid) >= 2:
            grids.append(grid)
    return grids


def _grid(table: etree._Element) -> tuple[tuple[str, ...], ...]:
    """A table's cells laid out on its grid, following rowspan and colspan."""
    placed: dict[tuple[int, int], str] = {}
    rows = [tr for tr in table.iter("tr") if tr.getparent() is not None]
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr:
            if cell.tag not in ("td", "th"):
                continue
            while (r, c) in placed:
                c += 1
            text = clean_cell(" ".join("".join(cell.itertext()).split()))
            rowspan = _span(cell.get("rowspan"), _MAX_SPAN)
            colspan = _span(cell.get("colspan"), _MAX_SPAN)
            for dr in range(rowspan):
                for dc in range(colspan):
                    placed.setdefault((r + dr, c + dc), text)
            c += colspan
    if not placed:
        return ()
    height = max(r for r, _ in placed) + 1
    width = max(c for _, c in placed) + 1
    grid = [tuple(placed.get((r, c), "") for c in range(width)) for r in range(height)]
    return tuple(row for row in grid if any(row))


def _span(value: str | None, limit: int) -> int:
    try:
        return max(1, min(int(value or 1), limit))
    except ValueError:
        return 1


def _with_spans(blocks: list[Block], grids: list[tuple[tuple[str, ...], ...]]) -> list[Block]:
    """Each table block replaced by the page's grid of the same table, when one matches."""
    grid_cells = [{c for row in grid for c in row if c} for grid in grids]
    out = []
    for block in blocks:
        if block.rows and grids:
            cells = {c for row in block.rows for c in row if c}
            shared, best = max(
                ((len(cells & g), i) for i, g in enumerate(grid_cells)), default=(0, 0)
            )
            if shared >= 0.8 * len(cells):
                grid = grids[best]
                block = Block("\n".join(" | ".join(row) for row in grid), block.page, grid)
        out.append(block)
    return out


def _declared_charset(content: bytes) -> str | None:
    """Return the charset a page declares in a meta tag, if any."""
    found = _META_CHARSET.search(content[:_PRESCAN_BYTES])
    return found.group(1).decode("ascii") if found else None


def _walk(element: etree._Element, blocks: list[Block]) -> None:
    """Append the blocks of trafilatura's XML under `element` in reading order."""
    for child in element:
        _visit(child, blocks)


def _visit(element: etree._Element, blocks: list[Block]) -> None:
    """Append the blocks of one element of trafilatura's XML."""
    tag = element.tag
    if tag == "table":
        rows = [
            [_own_text(cell) for cell in row if cell.tag == "cell"] for row in element.iter("row")
        ]
        block = table_block(rows)
        if block is not None:
            blocks.append(block)
    elif tag in _TEXT_TAGS:
        # A <br> inside a paragraph usually separates lines of the header block or the
        # signature, so each line is its own block, as in a text file.
        blocks.extend(line_blocks(_own_text(element)))
        for nested in element:
            if nested.tag in ("list", "table"):
                _visit(nested, blocks)
    elif tag in _CONTAINER_TAGS:
        _walk(element, blocks)


def _own_text(element: etree._Element) -> str:
    """Text of an element with <lb/> as line breaks, skipping nested lists and tables."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == "lb":
            parts.append("\n")
        elif child.tag not in ("list", "table"):
            parts.append(_own_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _title_hints(page: str, root: etree._Element) -> tuple[str, ...]:
    """What the page says its title is, most trusted first: the portal's ArticleTitle-style
    meta tags, the article's h1 and h2, then the <title> (which carries the site's name)."""
    hints: list[str] = []
    tree = _tree(page)
    if tree is not None:
        for meta in tree.iter("meta"):
            name = (meta.get("name") or meta.get("property") or "").lower()
            if name in _TITLE_META:
                hints.append(meta.get("content") or "")
        for tag in ("h1", "h2"):
            hints.extend("".join(h.itertext()) for h in tree.iter(tag))
    for head in root.iter("head"):
        if head.get("rend") in ("h1", "h2"):
            hints.append("".join(head.itertext()))
    hints.append(root.get("title") or "")
    if tree is not None:
        hints.extend("".join(t.itertext()) for t in tree.iter("title"))
    cleaned = (" ".join(h.split()) for h in hints)
    return tuple(dict.fromkeys(h for h in cleaned if h))


def _is_menu(blocks: list[Block], page: str) -> bool:
    """Tell whether most of the extracted text is the page's link labels (a bare menu)."""
    tree = _tree(page)
    if tree is None:
        return False
    labels = {"".join("".join(link.itertext()).split()) for link in tree.iter("a")}
    text = "".join("".join(block.text.split()) for block in blocks)
    rest = text
    # Longest first, so a label is not half-removed by a shorter label inside it.
    for label in sorted((label for label in labels if len(label) > 1), key=len, reverse=True):
        rest = rest.replace(label, "")
    return len(text) > 0 and 1 - len(rest) / len(text) >= _MIN_LINK_SHARE
