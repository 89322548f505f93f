"""End to end: the Application `reportqa serve` builds, over the real engine and a fake Bot API."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from telegram.ext import CommandHandler

from answers.engine import Engine
from answers.telegram import NON_TEXT_HINT, SOMETHING_WENT_WRONG
from bot import BotApplication, build_application, serve
from config import BUNDLED_DOCS_DIR, MissingSetting, Settings
from tests.fakes import BOT_ID, GROUP_ID, TOKEN, Call, FakeBotApi

ADMIN = 1001
CITIZEN = 2002
BUNDLED_REPORT = BUNDLED_DOCS_DIR / "qingliu-2020-fazhi-report.txt"
TITLE = "清流县2020年法治政府建设情况报告"
FIGURE_QUESTION = "12345热线去年收到多少诉求？"
FIGURE_CITATION = (
    "《清流县2020年法治政府建设情况报告》 清政文〔2021〕1号"
    " · 三、推进互联网+政务服务，优化营商环境 › （三）抓好12345便民服务工作 · 第11段"
)
BROAD_QUESTIONS = (
    "群众满意率是多少？",
    "全县党政部门受理信访多少件次？",
    "法治宣传教育做了哪些工作？",
)
MINGXI_TITLE = "明溪县2020年法治政府建设情况报告"
MINGXI_QUESTION = "明溪县去年办理了多少件行政复议案件？"
MINGXI_REPORT = """\
  • 索 引 号: TEST-2021-00007
  • 备注/文号: 明政文〔2021〕7号
  • 发布机构: 明溪县人民政府
  • 公文生成日期: 2021-02-01
明溪县2020年法治政府建设情况报告
明政文〔2021〕7号

  一、深化行政复议体制改革

  (一)办理行政复议案件。2020年，县司法局共办理行政复议案件87件，依法纠错9件，行政复议纠错率为10.3%。

  (二)开展法治宣传。全县组织法治宣传活动46场，发放宣传资料12000余份，受教育群众达2.6万人次。
"""


def _settings(docs_dir: Path, data_dir: Path, api_root: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]  # a developer's .env must not leak in
        docs_dir=docs_dir,
        data_dir=data_dir,
        telegram_token=SecretStr(TOKEN),
        admin_ids=(ADMIN,),
        telegram_api_root=api_root,
        top_k=3,
    )


def _docs_folder(root: Path) -> Path:
    docs_dir = root / "docs"
    docs_dir.mkdir()
    shutil.copy(BUNDLED_REPORT, docs_dir)
    return docs_dir


@pytest.fixture(scope="module")
def shared_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """One engine over a copy of the bundled report, for the tests that do not change it."""
    root = tmp_path_factory.mktemp("shared")
    return Engine.from_settings(_settings(_docs_folder(root), root / "data", "http://unused"))


@dataclass
class Harness:
    """A running bot and the fake Bot API it talks to."""

    fake: FakeBotApi
    app: BotApplication
    settings: Settings

    async def say(
        self,
        text: str,
        user_id: int = CITIZEN,
        chat_type: str = "private",
        reply_to: dict[str, Any] | None = None,
        count: int = 1,
    ) -> list[Call]:
        """Send `text` as a user and return the first `count` messages the bot sends back."""
        mark = self.fake.send_text(text, user_id, chat_type, reply_to)
        return await self.fake.wait_for("sendMessage", count, after=mark)

    async def press(self, reply: Call, label: str | None = None, user_id: int = CITIZEN) -> int:
        """Press the button of `reply` labelled `label` (the first one when None)."""
        data = next(
            button["callback_data"]
            for row in reply.params["reply_markup"]["inline_keyboard"]
            for button in row
            if label is None or button["text"] == label
        )
        return self.fake.press(reply.result, data, user_id)

    async def idle(self) -> None:
        """Wait until every queued update was fetched and no handler is running."""
        quiet = 0
        while quiet < 10:
            busy = (
                not self.fake.all_delivered()
                or not self.app.update_queue.empty()
                or self.app.update_processor.current_concurrent_updates > 0
            )
            quiet = 0 if busy else quiet + 1
            await asyncio.sleep(0.02)


async def _running(settings: Settings, engine: Engine, fake: FakeBotApi) -> AsyncIterator[Harness]:
    app = build_application(settings, engine)
    # The order of Application.run_polling, which `reportqa serve` uses.
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=1)
    await app.start()
    try:
        yield Harness(fake, app, settings)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


@pytest.fixture
async def bot(fake: FakeBotApi, shared_engine: Engine, tmp_path: Path) -> AsyncIterator[Harness]:
    """The bot over the shared engine."""
    settings = _settings(shared_engine.settings.docs_dir, tmp_path / "data", fake.root)
    async for harness in _running(settings, shared_engine, fake):
        yield harness


@pytest.fixture
async def own_bot(fake: FakeBotApi, tmp_path: Path) -> AsyncIterator[Harness]:
    """The bot over an engine of its own, for tests that add reports."""
    settings = _settings(_docs_folder(tmp_path), tmp_path / "data", fake.root)
    async for harness in _running(settings, Engine.from_settings(settings), fake):
        yield harness


def _buttons(call: Call) -> list[tuple[str, str]]:
    markup = call.params.get("reply_markup") or {"inline_keyboard": []}
    return [(b["text"], b["callback_data"]) for row in markup["inline_keyboard"] for b in row]


def _labels(call: Call) -> list[str]:
    return [text for text, _ in _buttons(call)]


# --- commands ------------------------------------------------------------------------------


async def test_command_menus_for_everyone_and_each_administrator(bot: Harness) -> None:
    menus = bot.fake.calls("setMyCommands")
    public = [c["command"] for c in menus[0].params["commands"]]
    assert "scope" not in menus[0].params
    assert public == ["start", "help", "ask", "docs", "figures"]
    assert menus[1].params["scope"] == {"type": "chat", "chat_id": ADMIN}
    assert [c["command"] for c in menus[1].params["commands"]] == [*public, "reload"]
    assert all(c["description"] for menu in menus for c in menu.params["commands"])


async def test_start_lists_reports_and_example_questions(bot: Harness) -> None:
    (reply,) = await bot.say("/start")
    assert reply.params["parse_mode"] == "HTML"
    assert f"《{TITLE}》" in reply.params["text"]
    examples = _buttons(reply)
    assert 1 <= len(examples) <= 3
    assert all(len(data.encode()) <= 64 for _, data in examples)


async def test_example_button_asks_its_question(bot: Harness) -> None:
    (reply,) = await bot.say("/start")
    mark = await bot.press(reply)
    (answer,) = await bot.fake.wait_for("sendMessage", after=mark)
    assert bot.fake.calls("answerCallbackQuery", after=mark)
    assert "《" in answer.params["text"] and "段" in answer.params["text"]


async def test_help_lists_every_registered_command(bot: Harness) -> None:
    (reply,) = await bot.say("/help")
    commands = {
        command
        for handlers in bot.app.handlers.values()
        for handler in handlers
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }
    assert commands == {"start", "help", "ask", "docs", "figures", "reload"}
    for command in commands:
        assert f"/{command}" in reply.params["text"]
    assert "@reportqa_test_bot" in reply.params["text"]


async def test_docs_lists_reports_with_number_date_and_passages(bot: Harness) -> None:
    (reply,) = await bot.say("/docs")
    text = reply.params["text"]
    assert f"《{TITLE}》" in text
    assert "文号：清政文〔2021〕1号｜日期：2021-01-05｜发布机构：清流县人民政府｜段落：28" in text


async def test_figures_lists_matching_facts_with_citations(bot: Harness) -> None:
    (reply,) = await bot.say("/figures 诉求")
    text = reply.params["text"]
    assert text.startswith("“诉求”相关的数字共")
    assert f"<b>3531件</b>（《{TITLE}》第11段）" in text
    assert _buttons(reply) == []  # one page: no pager


async def test_figures_pages_with_buttons(bot: Harness) -> None:
    (reply,) = await bot.say("/figures")
    assert _labels(reply) == ["下一页"]
    assert "（第 1/" in reply.params["text"]
    mark = await bot.press(reply, "下一页")
    (edit,) = await bot.fake.wait_for("editMessageText", after=mark)
    assert "（第 2/" in edit.params["text"]
    assert edit.params["message_id"] == reply.result["message_id"]
    assert _labels(edit)[0] == "上一页"


# --- questions -----------------------------------------------------------------------------


async def test_figure_question_bolds_the_figure_and_cites_the_paragraph(bot: Harness) -> None:
    mark = bot.fake.mark()
    (reply,) = await bot.say(FIGURE_QUESTION)
    methods = [call.method for call in bot.fake.calls(after=mark)]
    assert "sendChatAction" not in methods  # answered in well under 0.3 s: no typing
    text = reply.params["text"]
    assert reply.params["parse_mode"] == "HTML"
    first_answer = text.split("\n\n")[0]
    assert first_answer.removeprefix("1. ") == f"共收到<b>3531件</b>群众诉求\n{FIGURE_CITATION}"
    assert text.count("\n\n") <= 2  # at most TOP_K answers
    assert _labels(reply)[0] == "原文"


async def test_source_button_shows_the_whole_passage(bot: Harness) -> None:
    (reply,) = await bot.say(FIGURE_QUESTION)
    mark = await bot.press(reply, "原文")
    (passage,) = await bot.fake.wait_for("sendMessage", after=mark)
    text = passage.params["text"]
    assert text.startswith("<b>原文</b>\n(三)抓好12345便民服务工作。")
    assert "今年来,共收到<b>3531件</b>群众诉求" in text
    assert text.endswith(FIGURE_CITATION)
    assert bot.fake.calls("answerCallbackQuery", after=mark)


async def test_more_button_shows_the_next_answers(
    fake: FakeBotApi, shared_engine: Engine, tmp_path: Path
) -> None:
    # 更多 shows when the engine filled every TOP_K place: with TOP_K 1, on a question that
    # has a second answer.
    question = next(q for q in BROAD_QUESTIONS if len(shared_engine.ask(q, 2).answers) == 2)
    settings = _settings(shared_engine.settings.docs_dir, tmp_path / "data", fake.root)
    async for bot in _running(settings.model_copy(update={"top_k": 1}), shared_engine, fake):
        (reply,) = await bot.say(question)
        assert _labels(reply) == ["原文", "更多"]
        assert not reply.params["text"].startswith("1. ")  # a single answer is not numbered
        mark = await bot.press(reply, "更多")
        (more,) = await bot.fake.wait_for("sendMessage", after=mark)
        (edit,) = await bot.fake.wait_for("editMessageReplyMarkup", after=mark)
        assert more.params["text"].startswith("2. ")
        assert "段" in more.params["text"]
        assert _labels(edit) == ["原文"]  # 更多 is spent on the first message
        assert _labels(more)[0] == "原文"


async def test_out_of_scope_question_is_refused_in_one_line_with_examples(bot: Harness) -> None:
    (reply,) = await bot.say("怎么办理护照？")
    text = reply.params["text"]
    assert text == "抱歉，已加载的报告里没有找到关于“怎么办理护照？”的内容。\n可以试试下面的问题："
    assert 2 <= len(_buttons(reply)) <= 3
    assert all(len(data.encode()) <= 64 for _, data in _buttons(reply))


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("你好", "您好！我能回答已加载的政府报告里的问题，并给出处。"),
        ("谢谢！", "不客气！还有问题可以直接问我。"),
        ("How many complaints did the hotline get?", "请用中文提问。"),
        ("桐溪县12345热线收了多少诉求", "已加载的报告里没有桐溪县的报告。"),
        ("2019年12345热线收到多少诉求", "报告没有2019年的数据；2020年为3531件。"),
    ],
)
async def test_what_the_reports_cannot_answer_gets_a_short_fitting_reply(
    bot: Harness, message: str, expected: str
) -> None:
    (reply,) = await bot.say(message)
    assert reply.params["text"] == expected + "\n可以试试下面的问题："
    assert 2 <= len(_buttons(reply)) <= 3


async def test_user_text_is_escaped(bot: Harness) -> None:
    (reply,) = await bot.say("<b>护照</b> & 签证怎么办？")
    assert "“&lt;b&gt;护照&lt;/b&gt; &amp; 签证怎么办？”" in reply.params["text"]
    assert reply.error == ""  # the fake Bot API parsed the HTML


async def test_markup_in_a_found_question_is_escaped(bot: Harness) -> None:
    (reply,) = await bot.say("12345热线<b>去年</b>收到多少诉求 & 回复率？")
    assert reply.error == ""
    assert "<b>去年" not in reply.params["text"]


async def test_very_long_question_gets_replies_within_the_limit(bot: Harness) -> None:
    mark = bot.fake.mark()
    await bot.say("群众诉求" * 1250)
    await bot.idle()
    replies = bot.fake.calls("sendMessage", after=mark)
    assert replies
    assert all(len(call.params["text"]) <= 4096 and not call.error for call in replies)


async def test_rejected_html_is_retried_once_as_plain_text(bot: Harness) -> None:
    bot.fake.fail_next("sendMessage", "Bad Request: can't parse entities: unsupported tag")
    failed, retried = await bot.say(FIGURE_QUESTION, count=2)
    assert failed.error and failed.params["parse_mode"] == "HTML"
    assert "parse_mode" not in retried.params
    assert f"共收到3531件群众诉求\n{FIGURE_CITATION}" in retried.params["text"]
    assert "<b>" not in retried.params["text"]
    assert _labels(retried) == _labels(failed)


async def test_errors_are_logged_and_answered_and_the_bot_keeps_running(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    bot.fake.fail_next("sendMessage", "Bad Request: chat not found")
    with caplog.at_level(logging.ERROR, logger="bot"):
        failed, apology, report = await bot.say(FIGURE_QUESTION, count=3)
    assert failed.error and apology.params["text"] == SOMETHING_WENT_WRONG
    assert any(record.exc_info for record in caplog.records if record.name == "bot")
    # The administrators hear of it, with the error's type only (no text, no token).
    assert report.params["chat_id"] == ADMIN and "BadRequest" in report.params["text"]
    assert TOKEN not in report.params["text"]
    (reply,) = await bot.say(FIGURE_QUESTION)
    assert "<b>3531件</b>" in reply.params["text"]


async def test_sticker_gets_a_hint_to_send_text(bot: Harness) -> None:
    mark = bot.fake.send_sticker(CITIZEN)
    (reply,) = await bot.fake.wait_for("sendMessage", after=mark)
    assert reply.params["text"] == NON_TEXT_HINT


async def test_token_stays_out_of_logs(
    fake: FakeBotApi, shared_engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    settings = _settings(shared_engine.settings.docs_dir, tmp_path / "data", fake.root)
    async for harness in _running(settings, shared_engine, fake):
        await harness.say(FIGURE_QUESTION)
    assert caplog.records
    assert all(TOKEN not in record.getMessage() for record in caplog.records)


# --- groups and inline ---------------------------------------------------------------------


async def test_group_ask_replies_to_the_question(bot: Harness) -> None:
    mark = bot.fake.send_text(f"/ask {FIGURE_QUESTION}", CITIZEN, "group")
    question_id = bot.fake.last_update["message"]["message_id"]
    (reply,) = await bot.fake.wait_for("sendMessage", after=mark)
    assert reply.params["chat_id"] == GROUP_ID
    assert "<b>3531件</b>" in reply.params["text"]
    assert reply.params["reply_parameters"]["message_id"] == question_id


async def test_group_messages_not_for_the_bot_are_ignored(bot: Harness) -> None:
    mark = bot.fake.send_text(FIGURE_QUESTION, CITIZEN, "group")
    await bot.idle()
    assert bot.fake.calls("sendMessage", after=mark) == []
    assert bot.fake.calls("sendChatAction", after=mark) == []


async def test_group_reply_to_the_bot_is_a_question(bot: Harness) -> None:
    (help_reply,) = await bot.say("/help", chat_type="group")
    assert help_reply.result["from"]["id"] == BOT_ID
    (reply,) = await bot.say(FIGURE_QUESTION, chat_type="group", reply_to=help_reply.result)
    assert "<b>3531件</b>" in reply.params["text"]


async def test_inline_query_offers_answers_as_html_articles(bot: Harness) -> None:
    mark = bot.fake.inline(FIGURE_QUESTION, CITIZEN)
    (call,) = await bot.fake.wait_for("answerInlineQuery", after=mark)
    results = call.params["results"]
    assert 1 <= len(results) <= 5
    first = results[0]
    assert first["type"] == "article"
    assert first["input_message_content"]["parse_mode"] == "HTML"
    assert first["input_message_content"]["message_text"].startswith(
        f"问：{FIGURE_QUESTION}\n\n共收到<b>3531件</b>群众诉求"
    )
    assert first["description"] == FIGURE_CITATION


# --- administrators ------------------------------------------------------------------------


async def test_reload_by_an_administrator_serves_a_new_report(own_bot: Harness) -> None:
    (own_bot.settings.docs_dir / "mingxi-2020.txt").write_text(MINGXI_REPORT, encoding="utf-8")
    (before,) = await own_bot.say(MINGXI_QUESTION)
    assert "<b>87件</b>" not in before.params["text"]
    (report,) = await own_bot.say("/reload", user_id=ADMIN)
    assert report.params["text"].startswith("重新加载完成：现有 2 份报告")
    # The engine names a new report by its title or, failing that, its file name.
    assert any(
        f"新增：{name}" in report.params["text"]
        for name in (f"《{MINGXI_TITLE}》", "mingxi-2020.txt")
    )
    (after,) = await own_bot.say(MINGXI_QUESTION)
    assert "<b>87件</b>" in after.params["text"]
    assert f"《{MINGXI_TITLE}》 明政文〔2021〕7号" in after.params["text"]


async def test_reload_reports_bad_files_in_chinese(own_bot: Harness) -> None:
    (own_bot.settings.docs_dir / "scan.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    (report,) = await own_bot.say("/reload", user_id=ADMIN)
    assert "以下文件未能加载：\n• scan.pdf：" in report.params["text"]


async def test_reload_by_anyone_else_is_refused(own_bot: Harness) -> None:
    (own_bot.settings.docs_dir / "mingxi-2020.txt").write_text(MINGXI_REPORT, encoding="utf-8")
    (refusal,) = await own_bot.say("/reload", user_id=CITIZEN)
    assert refusal.params["text"] == "抱歉，只有管理员可以重新加载报告。"
    engine = own_bot.app.bot_data.engine
    assert [info.meta.title for info in engine.documents()] == [TITLE]


async def test_upload_by_an_administrator_is_ingested(own_bot: Harness) -> None:
    content = MINGXI_REPORT.encode()
    mark = own_bot.fake.send_document("mingxi-2020.txt", content, ADMIN)
    (reply,) = await own_bot.fake.wait_for("sendMessage", after=mark, timeout=30)
    assert own_bot.fake.calls("getFile", after=mark)
    assert own_bot.fake.calls("download", after=mark)
    assert reply.params["text"].startswith(f"已添加《{MINGXI_TITLE}》（明政文〔2021〕7号）")
    (after,) = await own_bot.say(MINGXI_QUESTION)
    assert "<b>87件</b>" in after.params["text"]


async def test_upload_by_anyone_else_is_refused_without_download(own_bot: Harness) -> None:
    mark = own_bot.fake.send_document("mingxi-2020.txt", MINGXI_REPORT.encode(), CITIZEN)
    (reply,) = await own_bot.fake.wait_for("sendMessage", after=mark)
    assert reply.params["text"] == "抱歉，只有管理员可以上传报告。"
    assert own_bot.fake.calls("getFile", after=mark) == []
    assert sorted(p.name for p in own_bot.settings.docs_dir.iterdir()) == [BUNDLED_REPORT.name]


@pytest.mark.parametrize(
    ("file_name", "announced_size", "expected"),
    [
        ("payload.exe", 100, "没有添加 payload.exe：只支持 .txt .md .html .htm .docx .pdf 文件。"),
        ("huge.pdf", 21 * 1024 * 1024, "没有添加 huge.pdf：文件超过 20 MB 上限。"),
    ],
)
async def test_upload_of_wrong_type_or_size_is_refused_before_download(
    own_bot: Harness, file_name: str, announced_size: int, expected: str
) -> None:
    mark = own_bot.fake.send_document(file_name, b"x" * 100, ADMIN, file_size=announced_size)
    (reply,) = await own_bot.fake.wait_for("sendMessage", after=mark)
    assert reply.params["text"] == expected
    assert own_bot.fake.calls("getFile", after=mark) == []


async def test_bad_upload_is_explained_and_nothing_is_saved(own_bot: Harness) -> None:
    mark = own_bot.fake.send_document("empty.txt", b"   \n\n  ", ADMIN)
    (reply,) = await own_bot.fake.wait_for("sendMessage", after=mark, timeout=30)
    assert reply.params["text"].startswith("没有添加 empty.txt：")
    assert reply.params["text"].endswith("索引没有变化。")
    assert sorted(p.name for p in own_bot.settings.docs_dir.iterdir()) == [BUNDLED_REPORT.name]


# --- serving -------------------------------------------------------------------------------


def test_missing_token_is_a_clear_error(tmp_path: Path) -> None:
    settings = Settings(_env_file=None, telegram_token=None, data_dir=tmp_path)  # type: ignore[call-arg]
    with pytest.raises(MissingSetting, match="REPORTQA_TELEGRAM_TOKEN"):
        serve(settings)


def test_webhook_without_a_secret_is_a_clear_error(tmp_path: Path) -> None:
    settings = _settings(tmp_path, tmp_path / "data", "http://unused")
    with pytest.raises(MissingSetting, match="REPORTQA_WEBHOOK_SECRET"):
        serve(settings, webhook_url="https://bot.example.org/reportqa")


async def test_reportqa_serve_process_answers_through_the_configured_api_root(
    tmp_path: Path,
) -> None:
    """The console script itself, configured only by environment, against the fake API."""
    # The console script installed beside this interpreter (the venv may not be on PATH).
    script = Path(sys.executable).with_name("reportqa")
    assert script.exists(), f"reportqa is not installed beside {sys.executable}"
    with FakeBotApi().running() as fake:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("REPORTQA_")},
            "REPORTQA_TELEGRAM_API_ROOT": fake.root,
            "REPORTQA_TELEGRAM_TOKEN": TOKEN,
            "REPORTQA_ADMIN_IDS": str(ADMIN),
            "REPORTQA_DATA_DIR": str(tmp_path / "data"),
        }
        process = await asyncio.create_subprocess_exec(
            str(script),
            "serve",
            env=env,
            cwd=tmp_path,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        mark = fake.send_text(FIGURE_QUESTION, CITIZEN)
        replies = []
        try:
            replies = await fake.wait_for("sendMessage", after=mark, timeout=60)
        except AssertionError:
            pass
        finally:
            if process.returncode is None:
                process.terminate()
            _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert replies, f"no answer; the process said: {stderr.decode('utf-8', 'replace')[-3000:]}"
    assert "<b>3531件</b>" in replies[0].params["text"]
    assert TOKEN not in stderr.decode("utf-8", "replace")


async def test_inline_query_without_an_answer_says_so(bot: Harness) -> None:
    mark = bot.fake.inline("怎么办理护照？", CITIZEN)
    (call,) = await bot.fake.wait_for("answerInlineQuery", after=mark)
    (result,) = call.params["results"]
    assert result["title"] == "未在已加载的报告中找到相关内容"
    assert "怎么办理护照？" in result["input_message_content"]["message_text"]
