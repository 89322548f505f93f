"""The Telegram bot: python-telegram-bot handlers over the answer engine.

This is the only module that imports `telegram`. Every answer comes from the engine and
every message is rendered by `answers.telegram`; the handlers only route updates.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import logging
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast
from urllib.parse import urlsplit

from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackContext,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
    InlineQueryHandler,
    InvalidCallbackData,
    MessageHandler,
    filters,
)

from answers.followup import report_year
from answers.model import Answer, AnswerRef
from answers.telegram import (
    ADMIN_ONLY_RELOAD,
    ADMIN_ONLY_UPLOAD,
    BUTTON_EXPIRED,
    DEFAULT_EXAMPLE,
    INLINE_NOT_FOUND,
    NO_MORE_ANSWERS,
    NON_TEXT_HINT,
    SOMETHING_WENT_WRONG,
    UNKNOWN_COMMAND,
    citation_line,
    html_to_text,
    page_count,
    render_answer,
    render_ask_usage,
    render_documents,
    render_error_report,
    render_facts,
    render_help,
    render_ingest,
    render_ingest_error,
    render_inline_answer,
    render_not_answered,
    render_passage,
    render_refusal,
    render_reload,
    render_start,
    render_understood,
    render_upload_refused,
    split_message,
)
from botkit import startup
from botkit.delivery import PatientRateLimiter
from botkit.ordering import ChatOrderedUpdateProcessor
from botkit.persistence import AtomicJsonPersistence
from botkit.transport import AiohttpRequest
from config import BadSetting, MissingSetting, Settings
from retrieval.errors import DocumentError

if TYPE_CHECKING:
    from answers.engine import Engine

logger = logging.getLogger(__name__)

PUBLIC_COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "介绍和示例问题"),
    ("help", "全部命令和提问方法"),
    ("ask", "提问（群组中使用）：/ask 问题"),
    ("docs", "已加载的报告"),
    ("figures", "按关键词查数字：/figures 关键词"),
)
ADMIN_COMMANDS: tuple[tuple[str, str], ...] = (("reload", "重新加载报告目录（仅管理员）"),)

UPLOAD_SUFFIXES = frozenset({".txt", ".md", ".html", ".htm", ".docx", ".pdf"})
EXAMPLE_QUESTIONS = 3
INLINE_ANSWERS = 5
MAX_TOP_K = 30
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
_TYPING_SECONDS = 4.5
# A chat action only when an answer takes longer than this: most take milliseconds.
_TYPING_AFTER = 0.3
# Button data lives in the persistence file (arbitrary_callback_data): this many keyboards.
_KEYBOARDS_KEPT = 8192
# Updates handled at once (across chats).
_CONCURRENT_UPDATES = 256
# Connections to the Bot API for sends; calls beyond them wait for a free one.
_CONNECTIONS = 64
# Presses of one chat remembered, so a second quick tap does nothing.
_PRESSES_KEPT = 256
# Error reports to administrators: at most one per this many seconds.
_ERROR_REPORT_SECONDS = 300.0
_DEEP_LINK_PREFIX = "ask_"

T = TypeVar("T")


@dataclass(slots=True)
class _ErrorReports:
    """When administrators last heard of an error, and how many went unreported since."""

    last: float = float("-inf")
    skipped: int = 0


@dataclass(slots=True)
class BotState:
    """Typed `bot_data`: the engine and the settings (never persisted)."""

    engine: Engine
    settings: Settings
    errors: _ErrorReports = field(default_factory=_ErrorReports)


Context = CallbackContext[ExtBot[int], dict[Any, Any], dict[Any, Any], BotState]
BotApplication = Application[ExtBot[int], Context, dict[Any, Any], dict[Any, Any], BotState, None]


class _ReplyToBot(filters.MessageFilter):
    """Messages that reply to one of this bot's own messages."""

    def filter(self, message: Message) -> bool:
        """True when `message` replies to a message the bot sent."""
        replied = message.reply_to_message
        return bool(replied and replied.from_user and replied.from_user.id == message.get_bot().id)


_NON_TEXT = (
    filters.Sticker.ALL
    | filters.PHOTO
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.ANIMATION
    | filters.LOCATION
    | filters.CONTACT
)


# --- sending ---------------------------------------------------------------------------------


def _is_parse_error(error: BadRequest) -> bool:
    message = error.message.lower()
    return "entit" in message or "parse" in message


async def _send_html(
    bot: Bot,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    reply_to: int | None = None,
) -> Message:
    """Send HTML split into messages of at most 4,096 characters; buttons go on the last."""
    chunks = split_message(text)
    sent: Message | None = None
    for number, chunk in enumerate(chunks):
        last = number == len(chunks) - 1
        reply = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to else None
        sent = await _send_chunk(bot, chat_id, chunk, markup if last else None, reply)
        reply_to = None
    assert sent is not None  # split_message returns at least one chunk
    return sent


async def _send_chunk(
    bot: Bot,
    chat_id: int,
    chunk: str,
    markup: InlineKeyboardMarkup | None,
    reply: ReplyParameters | None,
) -> Message:
    try:
        return await bot.send_message(
            chat_id,
            chunk,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            reply_parameters=reply,
            link_preview_options=_NO_PREVIEW,
        )
    except BadRequest as error:
        # A rendering slip must not cost the user the answer: retry once without markup.
        if not _is_parse_error(error):
            raise
        logger.warning("Telegram rejected the HTML (%s); resending as plain text", error.message)
        return await bot.send_message(
            chat_id,
            html_to_text(chunk),
            parse_mode=None,
            reply_markup=markup,
            reply_parameters=reply,
            link_preview_options=_NO_PREVIEW,
        )


async def _while_typing(bot: Bot, chat_id: int, work: Callable[..., T], *args: object) -> T:
    """Run engine work in a thread, showing "typing…" while it takes longer than 0.3 s.

    Most answers take milliseconds: a chat action for each would double the calls to
    Telegram. Telegram shows one for about five seconds; a reload can take longer.
    """
    task = asyncio.ensure_future(asyncio.to_thread(work, *args))
    done, _ = await asyncio.wait({task}, timeout=_TYPING_AFTER)
    while not done:
        try:
            await bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError as error:  # a lost chat action costs nothing
            logger.info("No typing action for chat %s: %s", chat_id, error)
        done, _ = await asyncio.wait({task}, timeout=_TYPING_SECONDS)
    return task.result()


def _reply_to(message: Message) -> int | None:
    # In groups the answer quotes the question; in a private chat the order is enough.
    return None if message.chat.type == ChatType.PRIVATE else message.message_id


# --- keyboards -------------------------------------------------------------------------------


def _question_button(question: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(question, callback_data=("q", question))


def _examples_markup(questions: tuple[str, ...]) -> InlineKeyboardMarkup | None:
    if not questions:
        return None
    return InlineKeyboardMarkup([[_question_button(question)] for question in questions])


def _answer_markup(answer: Answer, start: int, requested: int) -> InlineKeyboardMarkup:
    """原文 for the first answer shown, 更多 when the engine may hold further answers.

    The buttons carry their data (arbitrary_callback_data), kept in the persistence file,
    so they still work after a restart.
    """
    row = [InlineKeyboardButton("原文", callback_data=("src", answer.answers[start].ref()))]
    if len(answer.answers) >= requested and requested < MAX_TOP_K:
        row.append(
            InlineKeyboardButton("更多", callback_data=("more", answer.question, requested))
        )
    return InlineKeyboardMarkup([row])


def _pager_markup(keyword: str, page: int, pages: int) -> InlineKeyboardMarkup | None:
    row = []
    if page > 0:
        row.append(InlineKeyboardButton("上一页", callback_data=("fig", keyword, page - 1)))
    if page < pages - 1:
        row.append(InlineKeyboardButton("下一页", callback_data=("fig", keyword, page + 1)))
    return InlineKeyboardMarkup([row]) if row else None


# --- answering -------------------------------------------------------------------------------


def _titles(state: BotState) -> list[str]:
    return [info.meta.title for info in state.engine.documents()]


def _is_admin(update: Update, state: BotState) -> bool:
    user = update.effective_user
    return user is not None and user.id in state.settings.admin_ids


async def _answer_question(
    context: Context, chat_id: int, question: str, reply_to: int | None
) -> None:
    """Ask the engine off the event loop and send the answer, or a refusal with examples.

    A short follow-up (那桐溪呢) is completed from the chat's last answered question, and
    the reply says how it was read.
    """
    state = context.bot_data
    top_k = state.settings.top_k
    last = context.chat_data.get("last") if context.chat_data is not None else None
    follow_up = state.engine.follow_up(last["question"], question, last["year"]) if last else None
    asked = follow_up.question if follow_up else question
    # An answer given before needs no thread (the example buttons, the hotline question).
    answer = state.engine.cached(asked, top_k)
    if answer is None:
        answer = await _while_typing(context.bot, chat_id, state.engine.ask, asked, top_k)
    if answer.found and answer.answers:
        text = render_answer(answer)
        markup: InlineKeyboardMarkup | None = _answer_markup(answer, 0, top_k)
        if context.chat_data is not None:
            context.chat_data["last"] = {"question": asked, "year": report_year(answer)}
    else:
        examples = await asyncio.to_thread(state.engine.example_questions, EXAMPLE_QUESTIONS)
        text = render_not_answered(answer, _titles(state), bool(examples))
        markup = _examples_markup(examples)
    if follow_up:
        text = f"{render_understood(asked)}\n{text}"
    await _send_html(context.bot, chat_id, text, markup, reply_to)


def share_payload(question: str) -> str | None:
    """The /start payload that opens the bot on `question`, when it fits Telegram's 64."""
    encoded = base64.urlsafe_b64encode(question.encode()).decode().rstrip("=")
    payload = _DEEP_LINK_PREFIX + encoded
    return payload if len(payload) <= 64 else None


def _shared_question(payload: str) -> str | None:
    """The question of a /start ask_… payload, or None when it is not one."""
    if not payload.startswith(_DEEP_LINK_PREFIX):
        return None
    encoded = payload.removeprefix(_DEEP_LINK_PREFIX)
    try:
        text = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    return text.strip() or None


# --- handlers --------------------------------------------------------------------------------


async def start(update: Update, context: Context) -> None:
    """Say what the bot knows: the loaded reports, with example questions as buttons."""
    message = update.effective_message
    if message is None:
        return
    state = context.bot_data
    # A shared link (t.me/bot?start=ask_…) opens the bot on its question.
    shared = _shared_question(context.args[0]) if context.args else None
    if shared:
        await _answer_question(context, message.chat_id, shared, None)
        return
    examples = await asyncio.to_thread(state.engine.example_questions, EXAMPLE_QUESTIONS)
    text = render_start(_titles(state), bool(examples))
    await _send_html(context.bot, message.chat_id, text, _examples_markup(examples))


async def help_command(update: Update, context: Context) -> None:
    """List every command and how to ask."""
    message = update.effective_message
    if message is None:
        return
    examples = await asyncio.to_thread(context.bot_data.engine.example_questions, 1)
    example = examples[0] if examples else DEFAULT_EXAMPLE
    text = render_help(PUBLIC_COMMANDS, ADMIN_COMMANDS, context.bot.username, example)
    await _send_html(context.bot, message.chat_id, text, reply_to=_reply_to(message))


async def ask(update: Update, context: Context) -> None:
    """Answer a question: any private text, `/ask 问题`, or a reply to the bot in a group."""
    message = update.effective_message
    if message is None:
        return
    # A photo or file sent with a question as its caption asks that question.
    question = message.text or message.caption
    if question is None:
        return
    if context.args is not None:  # set by CommandHandler: the question follows /ask
        parts = question.split(maxsplit=1)
        question = parts[1] if len(parts) > 1 else ""
    if not question.strip():
        examples = await asyncio.to_thread(context.bot_data.engine.example_questions, 1)
        usage = render_ask_usage(examples[0] if examples else DEFAULT_EXAMPLE)
        await _send_html(context.bot, message.chat_id, usage, reply_to=_reply_to(message))
        return
    await _answer_question(context, message.chat_id, question.strip(), _reply_to(message))


async def docs_command(update: Update, context: Context) -> None:
    """List the loaded reports with 文号, date and passages."""
    message = update.effective_message
    if message is None:
        return
    documents = [(info.meta, info.passages) for info in context.bot_data.engine.documents()]
    await _send_html(
        context.bot, message.chat_id, render_documents(documents), reply_to=_reply_to(message)
    )


async def _facts_page(state: BotState, keyword: str, page: int) -> tuple[str, int]:
    facts = await asyncio.to_thread(state.engine.facts, keyword)
    documents = {info.meta.doc_id: info.meta for info in state.engine.documents()}
    return render_facts(facts, documents, keyword, page), page_count(len(facts))


async def figures_command(update: Update, context: Context) -> None:
    """List the facts matching a keyword with citations, paged with buttons."""
    message = update.effective_message
    if message is None:
        return
    state = context.bot_data
    keyword = " ".join(context.args or ())
    text, pages = await _facts_page(state, keyword, 0)
    markup = _pager_markup(keyword, 0, pages)
    await _send_html(context.bot, message.chat_id, text, markup, _reply_to(message))


async def reload_command(update: Update, context: Context) -> None:
    """Rebuild the index from the documents folder (administrators only)."""
    message = update.effective_message
    if message is None:
        return
    state = context.bot_data
    if not _is_admin(update, state):
        user_id = update.effective_user.id if update.effective_user else None
        logger.warning("Refused /reload from user %s", user_id)
        await _send_html(context.bot, message.chat_id, ADMIN_ONLY_RELOAD)
        return
    report = await _while_typing(context.bot, message.chat_id, state.engine.reload)
    logger.info("Reload: %s", report)
    await _send_html(context.bot, message.chat_id, render_reload(report))


async def upload(update: Update, context: Context) -> None:
    """Add an uploaded report to the documents folder (administrators, private chat)."""
    message = update.effective_message
    if message is None or message.document is None:
        return
    state = context.bot_data
    document = message.document
    name = document.file_name or "未命名"
    if not _is_admin(update, state):
        user_id = update.effective_user.id if update.effective_user else None
        logger.warning("Refused upload of %r from user %s", name, user_id)
        await _send_html(context.bot, message.chat_id, ADMIN_ONLY_UPLOAD)
        return
    limit = state.settings.max_upload_mb * 1024 * 1024
    refusal = _upload_refusal(name, document.file_size, limit)
    if refusal:
        await _send_html(context.bot, message.chat_id, refusal)
        return
    await context.bot.send_chat_action(message.chat_id, ChatAction.TYPING)
    telegram_file = await document.get_file()
    refusal = _upload_refusal(name, telegram_file.file_size, limit)
    if refusal:
        await _send_html(context.bot, message.chat_id, refusal)
        return
    content = bytes(await telegram_file.download_as_bytearray())
    logger.info("Ingesting %r (%d bytes) from an administrator", name, len(content))
    try:
        report = await _while_typing(
            context.bot, message.chat_id, state.engine.ingest, name, content
        )
    except DocumentError as error:
        logger.info("Upload %r rejected: %s", name, error)
        await _send_html(context.bot, message.chat_id, render_ingest_error(name, error))
        return
    await _send_html(context.bot, message.chat_id, render_ingest(report))


def _upload_refusal(name: str, size: int | None, limit: int) -> str:
    """Why an upload is refused before downloading it, or "" when it may be downloaded."""
    if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
        return render_upload_refused(name)
    if size is not None and size > limit:
        return render_upload_refused(name, too_large_mb=limit // (1024 * 1024))
    return ""


async def inline_query(update: Update, context: Context) -> None:
    """Offer up to five answers to `@bot 问题` as articles."""
    query = update.inline_query
    if query is None:
        return
    question = query.query.strip()
    if not question:
        await query.answer([], cache_time=0)
        return
    answer = await asyncio.to_thread(context.bot_data.engine.ask, question, INLINE_ANSWERS)
    results = []
    if answer.found:
        for number, short in enumerate(answer.answers[:INLINE_ANSWERS]):
            body = split_message(render_inline_answer(question, short))[0]
            results.append(
                InlineQueryResultArticle(
                    id=str(number),
                    title=html_to_text(short.text)[:60],
                    description=html_to_text(citation_line(short.citation)),
                    input_message_content=InputTextMessageContent(
                        body, parse_mode=ParseMode.HTML, link_preview_options=_NO_PREVIEW
                    ),
                )
            )
    else:
        # Say so in the list too: an empty list looks like a bot that did not answer.
        refusal = render_refusal(question, _titles(context.bot_data), has_examples=False)
        results.append(
            InlineQueryResultArticle(
                id="not-found",
                title=INLINE_NOT_FOUND,
                description=html_to_text(refusal).splitlines()[0],
                input_message_content=InputTextMessageContent(
                    split_message(refusal)[0],
                    parse_mode=ParseMode.HTML,
                    link_preview_options=_NO_PREVIEW,
                ),
            )
        )
    await query.answer(results, cache_time=60)


async def button(update: Update, context: Context) -> None:
    """Handle the inline buttons: 原文, 更多, example questions and fact pages.

    A press already handled (a second quick tap on 更多) is acknowledged and does nothing.
    """
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None:
        return
    data = query.data
    if not isinstance(data, tuple) or not data:
        await query.answer(BUTTON_EXPIRED, show_alert=True)
        return
    if _pressed_before(context, query.message, data):
        await query.answer()
        return
    kind = data[0]
    if kind == "src":
        short = context.bot_data.engine.reopen(data[1])
        if short is None:  # its report was removed or replaced since
            await query.answer(BUTTON_EXPIRED, show_alert=True)
            return
        await query.answer()
        await _send_html(context.bot, chat.id, render_passage(short))
    elif kind == "more":
        await _show_more(update, context, data[1], data[2])
    elif kind == "q":
        await query.answer()
        await _answer_question(context, chat.id, data[1], None)
    elif kind == "fig":
        await query.answer()
        keyword, page = data[1], data[2]
        text, pages = await _facts_page(context.bot_data, keyword, page)
        page = min(page, pages - 1)
        await query.edit_message_text(
            split_message(text)[0],
            parse_mode=ParseMode.HTML,
            reply_markup=_pager_markup(keyword, page, pages),
            link_preview_options=_NO_PREVIEW,
        )
    else:
        await query.answer()


def _pressed_before(context: Context, message: object, data: tuple[Any, ...]) -> bool:
    """Record a press of `data` on `message`; True when the same press was handled already.

    A chat's updates run in order, so a second tap is seen after the first is done.
    Pages (fig) may be turned back and forth, and are never a repeat.
    """
    if data[0] == "fig" or context.chat_data is None or not isinstance(message, Message):
        return False
    key = (message.message_id, data[0], repr(data[1:])[:200])
    pressed: list[tuple[int, str, str]] = context.chat_data.setdefault("pressed", [])
    if key in pressed:
        return True
    pressed.append(key)
    del pressed[:-_PRESSES_KEPT]
    return False


async def expired_button(update: Update, context: Context) -> None:
    """A button whose data is no longer kept (older than the last 8,192 keyboards)."""
    if update.callback_query is not None:
        await update.callback_query.answer(BUTTON_EXPIRED, show_alert=True)


async def _show_more(update: Update, context: Context, question: str, shown: int) -> None:
    """Re-ask with a larger top_k and send the answers beyond those already shown."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and chat is not None
    state = context.bot_data
    requested = min(shown + state.settings.top_k, MAX_TOP_K)
    await query.answer()
    # The 更多 button has done its job; keep 原文 on the earlier message.
    if isinstance(query.message, Message) and query.message.reply_markup:
        kept = [
            [b for b in row if b.text != "更多"]
            for row in query.message.reply_markup.inline_keyboard
        ]
        await query.edit_message_reply_markup(InlineKeyboardMarkup([r for r in kept if r]))
    answer = await _while_typing(context.bot, chat.id, state.engine.ask, question, requested)
    if not answer.found or len(answer.answers) <= shown:
        await _send_html(context.bot, chat.id, NO_MORE_ANSWERS)
        return
    text = render_answer(answer, start=shown)
    await _send_html(context.bot, chat.id, text, _answer_markup(answer, shown, requested))


async def non_text(update: Update, context: Context) -> None:
    """Ask for text when a sticker, photo, voice message or the like arrives."""
    message = update.effective_message
    if message is None:
        return
    await _send_html(context.bot, message.chat_id, NON_TEXT_HINT)


async def unknown_command(update: Update, context: Context) -> None:
    """Say so when a command is none of the bot's (/foo, /menu)."""
    message = update.effective_message
    if message is not None:
        await _send_html(context.bot, message.chat_id, UNKNOWN_COMMAND)


async def error_handler(update: object, context: Context) -> None:
    """Log the error, tell the user in Chinese, and tell the administrators (rate-limited).

    Sends have been retried by the rate limiter before an error gets here. A network
    error while polling (no update) is one warning line: PTB's updater polls again.
    """
    if update is None and isinstance(context.error, NetworkError):
        logger.warning("Polling for updates failed (%s); retrying", context.error)
        return
    logger.error("Error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, SOMETHING_WENT_WRONG)
        except TelegramError as error:
            logger.warning(
                "Could not tell chat %s of the error: %s", update.effective_chat.id, error
            )
    await _report_to_admins(update, context)


async def _report_to_admins(update: object, context: Context) -> None:
    state = context.bot_data
    reports = state.errors
    now = time.monotonic()
    if now - reports.last < _ERROR_REPORT_SECONDS:
        reports.skipped += 1
        return
    # The error's type and the kind of update only: messages may hold tokens or user text.
    error = type(context.error).__name__ if context.error else "unknown"
    where = _update_kind(update)
    text = render_error_report(error, where, reports.skipped)
    reports.last, reports.skipped = now, 0
    for admin_id in state.settings.admin_ids:
        try:
            await context.bot.send_message(admin_id, text, parse_mode=ParseMode.HTML)
        except TelegramError as failure:
            logger.warning("Could not report the error to admin %s: %s", admin_id, failure)


def _update_kind(update: object) -> str:
    if not isinstance(update, Update):
        return "后台任务"
    if update.callback_query is not None:
        return "按钮"
    if update.inline_query is not None:
        return "内联查询"
    message = update.effective_message
    if message is not None and message.document is not None:
        return "上传"
    return "消息"


async def set_command_menus(application: BotApplication) -> None:
    """Prepare the examples and set the command menus: everyone's, and each admin's."""
    # Example questions are checked against the index once; do it before the first /start.
    await asyncio.to_thread(application.bot_data.engine.example_questions, EXAMPLE_QUESTIONS)
    public = [BotCommand(name, text) for name, text in PUBLIC_COMMANDS]
    admin = public + [BotCommand(name, text) for name, text in ADMIN_COMMANDS]
    await application.bot.set_my_commands(public)
    for admin_id in application.bot_data.settings.admin_ids:
        try:
            await application.bot.set_my_commands(admin, scope=BotCommandScopeChat(admin_id))
        except BadRequest as error:
            # Telegram refuses chat scopes for users who never opened the bot; not fatal.
            logger.warning("No admin command menu for %s: %s", admin_id, error.message)


def build_application(settings: Settings, engine: Engine) -> BotApplication:
    """Build the bot's `Application` over `engine`; `serve` and the tests run this same one."""
    # PTB's coming default: durations (RetryAfter.retry_after) as timedelta. Without it,
    # every 429 Telegram answers raises a deprecation warning inside PTB itself.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    # Bot API URLs contain the token: keep request logging out of INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    if settings.telegram_token is None or not settings.telegram_token.get_secret_value():
        raise MissingSetting("REPORTQA_TELEGRAM_TOKEN is not set: the bot needs its Bot API token")
    root = settings.telegram_api_root
    # PTB instantiates bot_data without arguments; the partial binds this engine and settings.
    state = cast("type[BotState]", partial(BotState, engine, settings))
    # One pool for getUpdates and the sends: the long poll holds one of its connections.
    transport = AiohttpRequest(_CONNECTIONS, settings.telegram_timeout)
    application = (
        ApplicationBuilder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .context_types(ContextTypes(bot_data=state))
        .job_queue(None)
        # Each chat's updates in order; chats at the same time, questions in threads.
        .concurrent_updates(ChatOrderedUpdateProcessor(_CONCURRENT_UPDATES))
        # Flood limits kept, 429s waited out, network errors and 5xx on sends retried.
        .rate_limiter(
            PatientRateLimiter(
                settings.telegram_rate_limit,
                settings.telegram_group_rate_limit,
                settings.telegram_send_retries,
            )
        )
        # Buttons' answers (AnswerRef) and chats' context as JSON: data, never code.
        .persistence(AtomicJsonPersistence(settings.data_dir / "telegram.json", (AnswerRef,)))
        .arbitrary_callback_data(_KEYBOARDS_KEPT)
        # Bot API calls over aiohttp: httpcore's pool churns under many concurrent sends.
        .request(transport)
        .get_updates_request(transport)
        .post_init(set_command_menus)
        .build()
    )

    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))
    application.add_handler(CommandHandler("ask", ask))
    application.add_handler(CommandHandler("docs", docs_command))
    application.add_handler(CommandHandler("figures", figures_command))
    application.add_handler(CommandHandler("reload", reload_command))
    application.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND, ask)
    )
    application.add_handler(
        MessageHandler(filters.ChatType.GROUPS & filters.TEXT & _ReplyToBot(), ask)
    )
    application.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE & filters.Document.ALL, upload
        )
    )
    application.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.CAPTION & ~filters.COMMAND, ask)
    )
    application.add_handler(MessageHandler(filters.ChatType.PRIVATE & _NON_TEXT, non_text))
    application.add_handler(
        MessageHandler(filters.ChatType.PRIVATE & filters.COMMAND, unknown_command)
    )
    application.add_handler(InlineQueryHandler(inline_query))
    application.add_handler(CallbackQueryHandler(expired_button, pattern=InvalidCallbackData))
    application.add_handler(CallbackQueryHandler(button))
    application.add_error_handler(error_handler)
    return application


def serve(settings: Settings, webhook_url: str | None = None) -> None:
    """Run the bot: long polling, or a webhook behind a reverse proxy when `webhook_url` is set."""
    from answers.engine import Engine  # the index loads only when the bot really starts

    if settings.telegram_token is None or not settings.telegram_token.get_secret_value():
        raise MissingSetting("REPORTQA_TELEGRAM_TOKEN is not set: the bot needs its Bot API token")
    if webhook_url and settings.webhook_secret is None:
        raise MissingSetting(
            "REPORTQA_WEBHOOK_SECRET is not set: a webhook needs a secret token "
            "(letters, digits, _ and -)"
        )
    application = build_application(settings, Engine.from_settings(settings))
    # Start-up calls retried while the network is down; startup.run owns the loop.
    common: dict[str, Any] = {
        "allowed_updates": Update.ALL_TYPES,
        "bootstrap_retries": -1,
        "close_loop": False,
    }
    if webhook_url is None:
        start = partial(application.run_polling, **common)
    else:
        assert settings.webhook_secret is not None
        start = partial(
            application.run_webhook,
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlsplit(webhook_url).path.lstrip("/"),
            webhook_url=webhook_url,
            secret_token=settings.webhook_secret.get_secret_value(),
            **common,
        )
    try:
        startup.run(application, settings.telegram_api_root, start)
    except startup.Rejected as error:
        raise BadSetting(str(error)) from None


def main() -> int:
    """`python bot.py` runs the `reportqa` command; with no arguments, `reportqa serve`."""
    from launcher import main as launch

    return launch(sys.argv[1:] or ["serve"])


if __name__ == "__main__":
    sys.exit(main())
