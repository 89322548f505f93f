"""Render answers, reports and bot replies as Telegram HTML (no `telegram` import here).

Every piece of user and document text goes through `html.escape`; the only tags emitted are
`<b>`. `split_message` cuts replies longer than Telegram's 4,096 characters between
paragraphs and never inside a tag or an entity.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from answers.fact_table import aligned_grid
from answers.model import Answer, Citation, ShortAnswer
from answers.render import citation_line as plain_citation_line
from retrieval.errors import (
    CorruptDocument,
    DocumentError,
    DuplicateDocument,
    EmptyDocument,
    NameClash,
    NoTextLayer,
    OverLimits,
    ReaderFailed,
    TooLarge,
    UndecodableText,
    UnsupportedFormat,
)
from retrieval.model import DocumentMeta, Fact, Passage

if TYPE_CHECKING:
    from answers.engine import IngestReport, ReloadReport

__all__ = [
    "ADMIN_ONLY_RELOAD",
    "ADMIN_ONLY_UPLOAD",
    "BUTTON_EXPIRED",
    "DEFAULT_EXAMPLE",
    "FACTS_PER_PAGE",
    "MAX_MESSAGE_LENGTH",
    "NON_TEXT_HINT",
    "NO_MORE_ANSWERS",
    "SOMETHING_WENT_WRONG",
    "UNKNOWN_COMMAND",
    "citation_line",
    "document_error_zh",
    "failure_reason_zh",
    "html_to_text",
    "page_count",
    "render_answer",
    "render_ask_usage",
    "render_documents",
    "render_error_report",
    "render_facts",
    "render_help",
    "render_ingest",
    "render_ingest_error",
    "render_inline_answer",
    "render_not_answered",
    "render_passage",
    "render_refusal",
    "render_reload",
    "render_start",
    "render_understood",
    "render_upload_refused",
    "split_message",
    "with_figure",
]

MAX_MESSAGE_LENGTH = 4096

ADMIN_ONLY_RELOAD = "抱歉，只有管理员可以重新加载报告。"
ADMIN_ONLY_UPLOAD = "抱歉，只有管理员可以上传报告。"
BUTTON_EXPIRED = "这个按钮已过期，请重新提问。"
NO_MORE_ANSWERS = "没有更多答案了。"
NON_TEXT_HINT = "我只能读文字，请用文字发送您的问题。"
SOMETHING_WENT_WRONG = "抱歉，处理您的请求时出了点问题，请稍后再试。"
UNKNOWN_COMMAND = "没有这个命令。发送 /help 查看全部命令，或直接用文字提问。"
DEFAULT_EXAMPLE = "12345热线去年收到多少诉求？"
INLINE_NOT_FOUND = "未在已加载的报告中找到相关内容"
FACTS_PER_PAGE = 10
_QUOTE_CHARS = 40

_REASONS_BY_ERROR: dict[type[DocumentError], str] = {
    UnsupportedFormat: "不支持这种文件格式（支持 .txt .md .html .htm .docx .pdf）",
    UndecodableText: "无法识别文件的文字编码",
    NoTextLayer: "这是没有文字层的 PDF（可能是扫描件），无法提取文字",
    EmptyDocument: "文件里没有报告正文",
    CorruptDocument: "文件已损坏，或内容与扩展名不符",
    TooLarge: "文件超过大小上限（20 MB）",
    OverLimits: "文件超出读取上限（解压后过大、页数或文字过多），未载入",
    ReaderFailed: "读取这个文件超出了内存或时间上限，未载入",
    NameClash: "与已有的另一份报告重名",
    DuplicateDocument: "与已加载的一份报告内容相同",
}

# The engine reports failures as English sentences; these keywords map them to Chinese.
_REASONS_BY_KEYWORD: tuple[tuple[tuple[str, ...], str], ...] = (
    (("a reading limit",), _REASONS_BY_ERROR[OverLimits]),
    (
        ("reading the file ran out", "reading the file took", "reader died"),
        _REASONS_BY_ERROR[ReaderFailed],
    ),
    (("unsupported", "extension"), _REASONS_BY_ERROR[UnsupportedFormat]),
    (("decode", "encoding"), _REASONS_BY_ERROR[UndecodableText]),
    (("text layer", "scan"), _REASONS_BY_ERROR[NoTextLayer]),
    (("too large", "too big", "exceeds", "size"), "文件超过大小上限（20 MB）"),
    (("empty", "no text", "no report"), _REASONS_BY_ERROR[EmptyDocument]),
    (("corrupt", "damaged", "invalid", "not a "), _REASONS_BY_ERROR[CorruptDocument]),
    (("same report",), _REASONS_BY_ERROR[DuplicateDocument]),
    (("clash", "already exists", "same name"), _REASONS_BY_ERROR[NameClash]),
    (("permission", "denied"), "没有读取该文件的权限"),
)
_UNKNOWN_REASON = "无法读取该文件"


def with_figure(text: str, figure: str, where: tuple[int, int] | None = None) -> str:
    """Escape `text` for HTML and bold `figure` in it: at `where`, else where it first
    occurs."""
    if where is None:
        at = text.find(figure) if figure else -1
        where = (at, at + len(figure)) if at >= 0 else None
    if where is None:
        return html.escape(text)
    at, end = where
    return f"{html.escape(text[:at])}<b>{html.escape(figure)}</b>{html.escape(text[end:])}"


def citation_line(citation: Citation) -> str:
    """The citation line of `answers.render`, escaped for Telegram HTML."""
    return html.escape(plain_citation_line(citation))


def _short_answer(short: ShortAnswer, number: int | None, label: bool) -> str:
    prefix = f"{number}. " if number is not None else ""
    if label:
        prefix += f"【{html.escape(short.citation.document.title)}】"
    body = with_figure(short.text, short.figure, short.figure_span())
    return f"{prefix}{body}\n{citation_line(short.citation)}"


def render_answer(answer: Answer, start: int = 0, stop: int | None = None) -> str:
    """Render `answer.answers[start:stop]`, numbered, labelled by report when ambiguous."""
    shown = answer.answers[start:stop]
    numbered = len(answer.answers) > 1 or start > 0
    blocks = [
        _short_answer(short, start + i + 1 if numbered else None, answer.ambiguous)
        for i, short in enumerate(shown)
    ]
    if answer.ambiguous and start == 0:
        blocks.insert(0, "多份报告都有相关内容，按报告分别列出：")
    return "\n\n".join(blocks)


def render_understood(question: str) -> str:
    """The line before a follow-up's answer that says how it was read (那桐溪呢 → …)."""
    return f"<i>按“{html.escape(question)}”理解：</i>"


def render_error_report(error: str, where: str, skipped: int) -> str:
    """The message administrators get when handling an update failed."""
    more = f"（此前 {skipped} 次同类错误未单独通知）" if skipped else ""
    return f"⚠️ 处理{html.escape(where)}时出错：<code>{html.escape(error)}</code>{more}，详见日志。"


def render_inline_answer(question: str, short: ShortAnswer) -> str:
    """Render one answer, after the question, as the message an inline result sends."""
    return f"问：{html.escape(question)}\n\n{_short_answer(short, None, label=False)}"


def render_ask_usage(example: str) -> str:
    """Explain `/ask` when it comes without a question."""
    return f"请在 /ask 后面写上问题，例如：/ask {html.escape(example)}"


def render_upload_refused(file_name: str, too_large_mb: int | None = None) -> str:
    """Refuse an upload before downloading it: wrong type, or larger than `too_large_mb`."""
    if too_large_mb is not None:
        reason = f"文件超过 {too_large_mb} MB 上限"
    else:
        reason = "只支持 .txt .md .html .htm .docx .pdf 文件"
    return f"没有添加 {html.escape(file_name)}：{reason}。"


def _clip(text: str, length: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"


def _quote(question: str) -> str:
    return html.escape(_clip(question, _QUOTE_CHARS))


def render_refusal(question: str, titles: Sequence[str], has_examples: bool) -> str:
    """Say in one line that the loaded reports do not cover `question` (and, with examples
    as buttons below, what to try instead)."""
    if not titles:
        return "目前还没有加载任何报告。"
    line = f"抱歉，已加载的报告里没有找到关于“{_quote(question)}”的内容。"
    return line + ("\n可以试试下面的问题：" if has_examples else "")


# Replies to messages that are no question, by Answer.reason.
_SMALL_TALK = {
    "greeting": "您好！我能回答已加载的政府报告里的问题，并给出处。",
    "thanks": "不客气！还有问题可以直接问我。",
    "help": "直接发送问题就行，我会给出报告里的数字和出处。/help 查看全部命令。",
    "language": "请用中文提问。",
}


def render_not_answered(answer: Answer, titles: Sequence[str], has_examples: bool) -> str:
    """The reply to a question the reports do not answer: a greeting or thanks answered
    in kind, a place or year they do not cover said so, else the one-line refusal."""
    try_these = "\n可以试试下面的问题：" if has_examples else ""
    if answer.reason in _SMALL_TALK:
        return _SMALL_TALK[answer.reason] + try_these
    if answer.note:
        return html.escape(answer.note) + try_these
    return render_refusal(answer.question, titles, has_examples)


def render_passage(short: ShortAnswer) -> str:
    """Render the whole passage an answer comes from, figure in bold, with its citation."""
    passage: Passage = short.passage
    if passage.cells:
        # A table row: the table as it stands, aligned in a fixed-width font, then the
        # answer read off it.
        table = html.escape(aligned_grid(passage.rows))
        answer = with_figure(short.text, short.figure, short.figure_span())
        return f"<b>原文</b>\n<pre>{table}</pre>\n{answer}\n\n{citation_line(short.citation)}"
    body = with_figure(passage.text, short.figure)
    return f"<b>原文</b>\n{body}\n\n{citation_line(short.citation)}"


def render_start(titles: Sequence[str], has_examples: bool) -> str:
    """Greet the user with what the bot knows and how to ask."""
    lines = ["您好！我可以回答关于以下政府报告的问题，并给出答案的出处（报告、章节、段落）："]
    lines.extend(f"• 《{html.escape(title)}》" for title in titles)
    if not titles:
        lines.append("（目前还没有加载任何报告）")
    lines.append("")
    lines.append("私聊时直接发送问题即可；在群组里请用 /ask 加问题。/help 查看全部命令。")
    if has_examples:
        lines.append("")
        lines.append("试试这些问题：")
    return "\n".join(lines)


def render_help(
    commands: Sequence[tuple[str, str]],
    admin_commands: Sequence[tuple[str, str]],
    bot_username: str,
    example: str = DEFAULT_EXAMPLE,
) -> str:
    """List every command and explain how to ask, in private, in groups and inline.

    `example` is a question the loaded reports answer, so the help fits whatever is loaded.
    """
    mention = f"@{html.escape(bot_username)}" if bot_username else "@机器人"
    lines = [
        "<b>怎么提问</b>",
        f"私聊：直接发送问题，例如“{html.escape(example)}”。"
        "我会回复答案（数字加粗）和出处；点“原文”看整段原文，点“更多”看其他答案。",
        "群组：发送 /ask 加问题，或直接回复我的消息。",
        f"任意聊天：输入 {mention} 加问题，从弹出的答案中选择一条发送。",
        "",
        "<b>命令</b>",
    ]
    lines.extend(f"/{name} — {html.escape(text)}" for name, text in commands)
    lines.append("")
    lines.append("<b>管理员</b>")
    lines.extend(f"/{name} — {html.escape(text)}" for name, text in admin_commands)
    lines.append("私聊发送报告文件（.txt .md .html .htm .docx .pdf，不超过 20 MB）— 添加新报告")
    return "\n".join(lines)


def render_documents(documents: Sequence[tuple[DocumentMeta, int]]) -> str:
    """List the loaded reports with 文号, date and number of passages."""
    if not documents:
        return "目前还没有加载任何报告。"
    blocks = [f"已加载 {len(documents)} 份报告："]
    for number, (meta, passages) in enumerate(documents, start=1):
        details = [f"文号：{meta.doc_number or '无'}", f"日期：{meta.date or '未知'}"]
        if meta.publisher:
            details.append(f"发布机构：{meta.publisher}")
        details.append(f"段落：{passages}")
        title = html.escape(meta.title)
        blocks.append(f"{number}. 《{title}》\n{html.escape('｜'.join(details))}")
    return "\n\n".join(blocks)


def page_count(total: int, per_page: int = FACTS_PER_PAGE) -> int:
    """How many pages `total` items fill, at least one."""
    return max(1, -(-total // per_page))


def render_facts(
    facts: Sequence[Fact],
    documents: Mapping[str, DocumentMeta],
    keyword: str,
    page: int = 0,
    per_page: int = FACTS_PER_PAGE,
) -> str:
    """Render one page of facts as a compact list: label, figure in bold, report, paragraph."""
    about = f"“{html.escape(keyword)}”相关的" if keyword else ""
    if not facts:
        return f"没有找到{about}数字。"
    pages = page_count(len(facts), per_page)
    page = min(max(page, 0), pages - 1)
    header = f"{about}数字共 {len(facts)} 条"
    if pages > 1:
        header += f"（第 {page + 1}/{pages} 页）"
    lines = [header + "："]
    for fact in facts[page * per_page : (page + 1) * per_page]:
        meta = documents.get(fact.passage.doc_id)
        title = meta.title if meta else fact.passage.doc_id
        label = _clip(fact.label or fact.kind, 40)
        where = html.escape(f"《{title}》第{fact.passage.paragraph}段")
        lines.append(f"• {html.escape(label)}：<b>{html.escape(fact.raw)}</b>（{where}）")
    return "\n".join(lines)


def failure_reason_zh(reason: str) -> str:
    """Turn the engine's English reason for a bad file into a Chinese sentence."""
    lowered = reason.lower()
    for error, sentence in _REASONS_BY_ERROR.items():
        if error.__name__.lower() in lowered:
            return sentence
    for keywords, sentence in _REASONS_BY_KEYWORD:
        if any(keyword in lowered for keyword in keywords):
            return sentence
    return _UNKNOWN_REASON


def document_error_zh(error: DocumentError) -> str:
    """Turn a `DocumentError` raised by `Engine.ingest` into a Chinese sentence."""
    for error_type in type(error).__mro__:
        if error_type in _REASONS_BY_ERROR:
            return _REASONS_BY_ERROR[error_type]
    return failure_reason_zh(str(error))


def _titles(names: Sequence[str]) -> str:
    # The engine names a document by its title, or by its file name when it has none.
    return "、".join(html.escape(name if _is_file_name(name) else f"《{name}》") for name in names)


def _is_file_name(name: str) -> bool:
    return name.rpartition(".")[2].lower() in {"txt", "md", "html", "htm", "docx", "pdf"}


def render_reload(report: ReloadReport) -> str:
    """Say what a reload changed, and each bad file with its reason, in Chinese."""
    if report.kept_previous:
        lines = [f"重新加载没有成功，继续使用之前的索引（{report.documents} 份报告）。"]
    else:
        lines = [f"重新加载完成：现有 {report.documents} 份报告（用时 {report.seconds:.1f} 秒）。"]
    changes = (("新增", report.added), ("更新", report.updated), ("移除", report.removed))
    lines.extend(f"{verb}：{_titles(names)}" for verb, names in changes if names)
    if not (report.added or report.updated or report.removed or report.kept_previous):
        lines.append("报告没有变化。")
    if report.failures:
        lines.append("")
        lines.append("以下文件未能加载：")
        lines.extend(
            f"• {html.escape(name)}：{failure_reason_zh(reason)}"
            for name, reason in report.failures
        )
    if report.duplicates:
        lines.append("")
        lines.append("以下文件与已有文件内容相同，已跳过：")
        lines.extend(
            f"• {html.escape(duplicate)}（与 {html.escape(original)} 相同）"
            for duplicate, original in report.duplicates
        )
    return "\n".join(lines)


def render_ingest(report: IngestReport) -> str:
    """Confirm an uploaded report was saved and indexed."""
    meta = report.document
    head = f"已添加《{html.escape(meta.title)}》"
    if meta.doc_number:
        head += f"（{html.escape(meta.doc_number)}）"
    return f"{head}，保存为 {html.escape(report.saved_as)}。\n\n{render_reload(report.reload)}"


def render_ingest_error(file_name: str, error: DocumentError) -> str:
    """Say why an uploaded file was not added; nothing was saved."""
    return f"没有添加 {html.escape(file_name)}：{document_error_zh(error)}。索引没有变化。"


# Tags, character references, then any single character: the units a split may not cut.
_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|.", re.DOTALL)
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z0-9-]+)")


def _utf16_len(text: str) -> int:
    # Telegram counts message length in UTF-16 code units.
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, limit: int) -> tuple[str, str]:
    """Cut a head of at most `limit` off `text`: at a blank line, else a line end, else a token.

    Blank lines and line ends count only where no tag is open; a cut between tokens closes the
    open tags at the end of the head and reopens them at the start of the rest.
    """
    open_tags: list[tuple[str, str]] = []  # (name, opening tag as written)
    length = 0
    paragraph_end = line_end = 0
    token_end, cut_end, cut_tags = 0, 0, list[tuple[str, str]]()
    for match in _TOKEN.finditer(text):
        token = match.group()
        tags = list(open_tags)
        open_tags_before = open_tags
        if token.startswith("<") and (tag_name := _TAG_NAME.match(token)):
            if token.startswith("</"):
                if tags and tags[-1][0] == tag_name.group(1):
                    tags.pop()
            elif not token.endswith("/>"):
                tags.append((tag_name.group(1), token))
        closing_length = sum(len(name) + 3 for name, _ in tags)
        if token_end and length + _utf16_len(token) + closing_length > limit:
            break
        if token == "\n" and not open_tags:
            line_end = match.start()
            if text.startswith("\n", match.end()):
                paragraph_end = match.start()
        length += _utf16_len(token)
        open_tags, token_end = tags, match.end()
        if not (token.startswith("<") and len(tags) > len(open_tags_before)):
            # Never end a head on an opening tag: it would leave an empty entity.
            cut_end, cut_tags = token_end, tags
    if paragraph_end or line_end:
        at = paragraph_end or line_end
        return text[:at].rstrip("\n"), text[at:].lstrip("\n")
    if not cut_end:
        cut_end, cut_tags = token_end, open_tags
    closing = "".join(f"</{name}>" for name, _ in reversed(cut_tags))
    reopening = "".join(tag for _, tag in cut_tags)
    return text[:cut_end] + closing, reopening + text[cut_end:]


def split_message(text: str, limit: int = MAX_MESSAGE_LENGTH) -> list[str]:
    """Split HTML into messages of at most `limit` characters, between paragraphs if possible.

    The cut falls at the last blank line that fits, else the last line end, else between two
    characters; never inside a tag or an entity, and a tag open at the cut is closed and
    reopened in the next message.
    """
    chunks: list[str] = []
    rest = text
    while _utf16_len(rest) > limit:
        head, rest = _cut(rest, limit)
        if head.strip():
            chunks.append(head)
    if rest.strip() or not chunks:
        chunks.append(rest)
    return chunks


def html_to_text(text: str, bold: str = "") -> str:
    """Turn the HTML this module emits into plain text, marking bold with `bold` (e.g. `**`)."""
    marked = re.sub(r"</?b>", bold, text)
    return html.unescape(re.sub(r"<[^>]*>", "", marked))
