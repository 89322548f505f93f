"""The Telegram bot: python-telegram-bot handlers over the answer engine.

This is the only module that imports `telegram`. Every answer comes from the engine and
every message is rendered by `answers.telegram`; the handlers only route updates.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import sys
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast
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
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackContext,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from answers.model import Answer, ShortAnswer
from answers.telegram import (
    ADMIN_ONLY_RELOAD,
    ADMIN_ONLY_UPLOAD,
    BUTTON_EXPIRED,
    DEFAULT_EXAMPLE,
    INLINE_NOT_FOUND,
    NO_MORE_ANSWERS,
    NON_TEXT_HINT,
    SOMETHING_WENT_WRONG,
    citation_line,
    html_to_text,
    page_count,
    render_answer,
    render_ask_usage,
    render_documents,
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
    render_upload_refused,
    split_message,
)
from config import MissingSetting, Settings
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
_CALLBACK_DATA_BYTES = 64
_TYPING_SECONDS = 4.5

T = TypeVar("T")


class _Payloads(Generic[T]):
    """The most recent button payloads by short token: callback data holds only 64 bytes."""

    def __init__(self, capacity: int = 4096) -> None:
        self._items: OrderedDict[str, T] = OrderedDict()
        self._capacity = capacity
        self._next = 0
        # Payloads live in memory: a per-process prefix keeps buttons sent before a restart
        # from pointing at whatever the new process stored under the same counter.
        self._prefix = secrets.token_hex(2)

    def put(self, item: T) -> str:
        """Store `item` and return its token."""
        token = f"{self._prefix}{self._next:x}"
        self._next += 1
        self._items[token] = item
        if len(self._items) > self._capacity:
            self._items.popitem(last=False)
        return token

    def get(self, token: str) -> T | None:
        """The item stored under `token`, or None once it has been evicted."""
        return self._items.get(token)


@dataclass(slots=True)
class BotState:
    """Typed `bot_data`: the engine, the settings and what the inline buttons point at."""

    engine: Engine
    settings: Settings
    answers: _Payloads[ShortAnswer] = field(default_factory=_Payloads)
    questions: _Payloads[str] = field(default_factory=_Payloads)
    keywords: _Payloads[str] = field(default_factory=_Payloads)


Context = CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotState]
BotApplication = Application[ExtBot[None], Context, dict[Any, Any], dict[Any, Any], BotState, None]


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
    """Run engine work in a thread, showing "typing…" until it is done.

    Telegram shows a chat action for about five seconds; a reload can take longer.
    """
    task = asyncio.ensure_future(asyncio.to_thread(work, *args))
    while True:
        await bot.send_chat_action(chat_id, ChatAction.TYPING)
        done, _ = await asyncio.wait({task}, timeout=_TYPING_SECONDS)
        if done:
            return task.result()


def _reply_to(message: Message) -> int | None:
    # In groups the answer quotes the question; in a private chat the order is enough.
    return None if message.chat.type == ChatType.PRIVATE else message.message_id


# --- keyboards -------------------------------------------------------------------------------


def _question_button(state: BotState, question: str) -> InlineKeyboardButton:
    data = f"q:{question}"
    if len(data.encode()) > _CALLBACK_DATA_BYTES:
        data = f"qt:{state.questions.put(question)}"
    return InlineKeyboardButton(question, callback_data=data)


def _examples_markup(state: BotState, questions: tuple[str, ...]) -> InlineKeyboardMarkup | None:
    if not questions:
        return None
    return InlineKeyboardMarkup([[_question_button(state, question)] for question in questions])


def _answer_markup(
    state: BotState, answer: Answer, start: int, requested: int
) -> InlineKeyboardMarkup:
    """原文 for the first answer shown, 更多 when the engine may hold further answers."""
    row = [
        InlineKeyboardButton(
            "原文", callback_data=f"src:{state.answers.put(answer.answers[start])}"
        )
    ]
    if len(answer.answers) >= requested and requested < MAX_TOP_K:
        token = state.questions.put(answer.question)
        row.append(InlineKeyboardButton("更多", callback_data=f"more:{token}:{requested}"))
    return InlineKeyboardMarkup([row])


def _pager_markup(token: str, page: int, pages: int) -> InlineKeyboardMarkup | None:
    row = []
    if page > 0:
        row.append(InlineKeyboardButton("上一页", callback_data=f"fig:{token}:{page - 1}"))
    if page < pages - 1:
        row.append(InlineKeyboardButton("下一页", callback_data=f"fig:{token}:{page + 1}"))
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
    """Ask the engine off the event loop and send the answer, or a refusal with examples."""
    state = context.bot_data
    top_k = state.settings.top_k
    answer = await _while_typing(context.bot, chat_id, state.engine.ask, question, top_k)
    if answer.found and answer.answers:
        text = render_answer(answer)
        markup: InlineKeyboardMarkup | None = _answer_markup(state, answer, 0, top_k)
    else:
        examples = await asyncio.to_thread(state.engine.example_questions, EXAMPLE_QUESTIONS)
        text = render_not_answered(answer, _titles(state), bool(examples))
        markup = _examples_markup(state, examples)
    await _send_html(context.bot, chat_id, text, markup, reply_to)


# --- handlers --------------------------------------------------------------------------------


async def start(update: Update, context: Context) -> None:
    """Say what the bot knows: the loaded reports, with example questions as buttons."""
    message = update.effective_message
    if message is None:
        return
    state = context.bot_data
    examples = await asyncio.to_thread(state.engine.example_questions, EXAMPLE_QUESTIONS)
    text = render_start(_titles(state), bool(examples))
    await _send_html(context.bot, message.chat_id, text, _examples_markup(state, examples))


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
    if message is None or message.text is None:
        return
    question = message.text
    if context.args is not None:  # set by CommandHandler: the question follows /ask
        parts = message.text.split(maxsplit=1)
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
    markup = _pager_markup(state.keywords.put(keyword), 0, pages)
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
    """Handle the inline buttons: 原文, 更多, example questions and fact pages."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None:
        return
    kind, _, payload = (query.data or "").partition(":")
    state = context.bot_data
    if kind == "src":
        short = state.answers.get(payload)
        if short is None:
            await query.answer(BUTTON_EXPIRED, show_alert=True)
            return
        await query.answer()
        await _send_html(context.bot, chat.id, render_passage(short))
    elif kind == "more":
        await _show_more(update, context, payload)
    elif kind in ("q", "qt"):
        question = payload if kind == "q" else state.questions.get(payload)
        if question is None:
            await query.answer(BUTTON_EXPIRED, show_alert=True)
            return
        await query.answer()
        await _answer_question(context, chat.id, question, None)
    elif kind == "fig":
        token, _, page_text = payload.partition(":")
        keyword = state.keywords.get(token)
        if keyword is None or not page_text.isdigit():
            await query.answer(BUTTON_EXPIRED, show_alert=True)
            return
        await query.answer()
        text, pages = await _facts_page(state, keyword, int(page_text))
        page = min(int(page_text), pages - 1)
        await query.edit_message_text(
            split_message(text)[0],
            parse_mode=ParseMode.HTML,
            reply_markup=_pager_markup(token, page, pages),
            link_preview_options=_NO_PREVIEW,
        )
    else:
        await query.answer()


async def _show_more(update: Update, context: Context, payload: str) -> None:
    """Re-ask with a larger top_k and send the answers beyond those already shown."""
    query = update.callback_query
    chat = update.effective_chat
    assert query is not None and chat is not None
    state = context.bot_data
    token, _, shown_text = payload.partition(":")
    question = state.questions.get(token)
    if question is None or not shown_text.isdigit():
        await query.answer(BUTTON_EXPIRED, show_alert=True)
        return
    shown = int(shown_text)
    requested = min(shown + state.settings.top_k, MAX_TOP_K)
    await query.answer()
    # The 更多 button has done its job; keep 原文 on the earlier message.
    if isinstance(query.message, Message) and query.message.reply_markup:
        kept = [
            [b for b in row if not str(b.callback_data or "").startswith("more:")]
            for row in query.message.reply_markup.inline_keyboard
        ]
        await query.edit_message_reply_markup(InlineKeyboardMarkup([r for r in kept if r]))
    answer = await _while_typing(context.bot, chat.id, state.engine.ask, question, requested)
    if not answer.found or len(answer.answers) <= shown:
        await _send_html(context.bot, chat.id, NO_MORE_ANSWERS)
        return
    text = render_answer(answer, start=shown)
    await _send_html(context.bot, chat.id, text, _answer_markup(state, answer, shown, requested))


async def non_text(update: Update, context: Context) -> None:
    """Ask for text when a sticker, photo, voice message or the like arrives."""
    message = update.effective_message
    if message is None:
        return
    await _send_html(context.bot, message.chat_id, NON_TEXT_HINT)


async def error_handler(update: object, context: Context) -> None:
    """Log the error with its traceback and tell the user, in Chinese, that it went wrong."""
    logger.error("Error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, SOMETHING_WENT_WRONG)


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
    # Bot API URLs contain the token: keep request logging out of INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    if settings.telegram_token is None or not settings.telegram_token.get_secret_value():
        raise MissingSetting("REPORTQA_TELEGRAM_TOKEN is not set: the bot needs its Bot API token")
    root = settings.telegram_api_root
    # PTB instantiates bot_data without arguments; the partial binds this engine and settings.
    state = cast("type[BotState]", partial(BotState, engine, settings))
    application = (
        ApplicationBuilder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .context_types(ContextTypes(bot_data=state))
        .job_queue(None)
        # Questions run in threads; one slow reload must not hold up everyone else's answers.
        .concurrent_updates(True)
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
    application.add_handler(MessageHandler(filters.ChatType.PRIVATE & _NON_TEXT, non_text))
    application.add_handler(InlineQueryHandler(inline_query))
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
    if webhook_url is None:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
        return
    assert settings.webhook_secret is not None
    application.run_webhook(
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        url_path=urlsplit(webhook_url).path.lstrip("/"),
        webhook_url=webhook_url,
        secret_token=settings.webhook_secret.get_secret_value(),
        allowed_updates=Update.ALL_TYPES,
    )


def main() -> int:
    """`python bot.py` runs the `reportqa` command; with no arguments, `reportqa serve`."""
    from launcher import main as launch

    return launch(sys.argv[1:] or ["serve"])


if __name__ == "__main__":
    sys.exit(main())
