"""A fake Telegram Bot API on 127.0.0.1 for offline end-to-end tests of the real Application.

`FakeBotApi` serves `{root}/bot<token>/<method>` and `{root}/file/bot<token>/<path>` from a
thread (`http.server.ThreadingHTTPServer`, keeping connections alive as the real API does),
records every call with its parameters (JSON, form-encoded or multipart), keeps sent
documents as files, hands updates queued by a test to long-polling `getUpdates`, and lets
async tests wait for the calls an update causes. Like Telegram, it rejects messages over
4,096 characters, malformed HTML and callback data over 64 bytes, so those bugs fail here.

Fault modes, per method: `fail_next` (any error, 429 with `retry_after` included),
`flood` (429 for every call during a window), `fail_share` (a share of calls fail with a
given error, 502 say), `hang_next` (no answer for some seconds, then the connection is
closed unprocessed, as a gateway timeout) and `drop_next` (the connection closed at once).
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import random
import re
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

TOKEN = "123456789:TEST-fake-token"
BOT_ID = 123456789
BOT_USERNAME = "reportqa_test_bot"
GROUP_ID = -100200300

# Free-text parameters: kept as strings even when they look like JSON (`"123"`).
_TEXT_FIELDS = frozenset(
    {"text", "caption", "query", "data", "description", "file_id", "callback_query_id"}
    | {"inline_query_id", "parse_mode", "action", "secret_token", "next_offset", "url"}
)
_HTML_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "span"}
    | {"tg-spoiler", "tg-emoji", "blockquote"}
)
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


class ApiError(Exception):
    """A Bot API error the fake answers with, like Telegram's `ok: false` replies."""

    def __init__(self, description: str, error_code: int = 400, retry_after: int = 0) -> None:
        super().__init__(description)
        self.description = description
        self.error_code = error_code
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


@dataclass(frozen=True)
class Hang:
    """No answer for `seconds`, then the connection closed without running the call."""

    seconds: float


@dataclass(frozen=True)
class Drop:
    """The connection closed at once, the call not run."""


def too_many_requests(retry_after: int = 1) -> ApiError:
    """Telegram's flood-control answer."""
    return ApiError(f"Too Many Requests: retry after {retry_after}", 429, retry_after)


@dataclass
class Call:
    """One recorded Bot API call: the method, its decoded parameters and what it returned."""

    method: str
    params: dict[str, Any]
    result: Any = None
    error: str = ""
    at: float = field(default_factory=time.monotonic)  # when the call arrived


@dataclass
class _State:
    calls: list[Call] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    failures: dict[str, list[ApiError | Hang | Drop]] = field(default_factory=dict)
    floods: dict[str, tuple[float, int]] = field(default_factory=dict)  # until, retry_after
    shares: dict[str, tuple[float, ApiError]] = field(default_factory=dict)
    delivered: int = 0  # highest update_id handed out by getUpdates


class _HtmlChecker(HTMLParser):
    """Reject HTML Telegram would reject: unknown or unbalanced tags, bare `&` or `<`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _HTML_TAGS:
            raise ApiError(f'Bad Request: can\'t parse entities: Unsupported start tag "{tag}"')
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            raise ApiError(f'Bad Request: can\'t parse entities: Unmatched end tag "{tag}"')


def check_html(text: str) -> None:
    """Raise `ApiError` when Telegram's HTML parse mode would reject `text`."""
    for at in (m.start() for m in re.finditer("&", text)):
        if not _ENTITY.match(text, at):
            raise ApiError("Bad Request: can't parse entities: Unsupported entity")
    checker = _HtmlChecker()
    checker.feed(text)
    checker.close()
    if checker.stack:
        raise ApiError(f"Bad Request: can't parse entities: Unclosed tag {checker.stack[-1]!r}")
    if re.search(r"<(?![a-zA-Z/])", text):
        raise ApiError("Bad Request: can't parse entities: Unexpected '<'")


def plain_length(text: str, parse_mode: str | None) -> int:
    """The message length Telegram counts: after HTML parsing, in UTF-16 code units."""
    if parse_mode and parse_mode.upper() == "HTML":
        text = re.sub(r"<[^>]*>", "", text)
        text = _ENTITY.sub("x", text)
    return len(text.encode("utf-16-le")) // 2


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore clients that hang up first: PTB drops a long poll when it stops."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeBotApi:
    """A Bot API server holding a queue of updates and a record of every call."""

    def __init__(self, token: str = TOKEN, port: int = 0) -> None:
        self.token = token
        self.bot_user: dict[str, Any] = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "报告问答",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        self._state = _State()
        self._random = random.Random(7)
        self._lock = threading.Condition()
        self._ids = itertools.count(1)
        self._stopping = False
        self.last_update: dict[str, Any] = {}
        self._server = _Server(("127.0.0.1", port), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    # --- lifecycle ---------------------------------------------------------------------------

    @property
    def root(self) -> str:
        """The API root to configure as `telegram_api_root`."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        """Serve in a background thread."""
        self._thread.start()

    def stop(self) -> None:
        """Wake any long poll, stop serving and close the socket."""
        with self._lock:
            self._stopping = True
            self._lock.notify_all()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @contextmanager
    def running(self) -> Iterator[FakeBotApi]:
        """Serve for the duration of a `with` block."""
        self.start()
        try:
            yield self
        finally:
            self.stop()

    # --- what tests push ---------------------------------------------------------------------

    def user(self, user_id: int, first_name: str = "测试用户") -> dict[str, Any]:
        """A Telegram `User` object."""
        return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "zh"}

    def chat(self, user_id: int, chat_type: str = "private") -> dict[str, Any]:
        """The private chat with `user_id`, or the test group."""
        if chat_type == "private":
            return {"id": user_id, "type": "private", "first_name": "测试用户"}
        return {"id": GROUP_ID, "type": chat_type, "title": "测试群"}

    def push(self, update: dict[str, Any]) -> int:
        """Queue an update for `getUpdates`; return the call mark to wait after."""
        with self._lock:
            update["update_id"] = next(self._ids)
            message = update.get("message")
            if message:
                self._state.chats[message["chat"]["id"]] = message["chat"]
                self._state.messages[(message["chat"]["id"], message["message_id"])] = message
            self._state.updates.append(update)
            self.last_update = update
            self._lock.notify_all()
            return len(self._state.calls)

    def _new_message(self, user_id: int, chat_type: str, **fields: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": self.chat(user_id, chat_type),
            "from": self.user(user_id),
            **fields,
        }

    def send_text(
        self,
        text: str,
        user_id: int,
        chat_type: str = "private",
        reply_to: dict[str, Any] | None = None,
    ) -> int:
        """A user sends `text`; a leading `/command` gets its bot_command entity."""
        fields: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            length = len(command.encode("utf-16-le")) // 2
            fields["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        if reply_to is not None:
            fields["reply_to_message"] = reply_to
        return self.push({"message": self._new_message(user_id, chat_type, **fields)})

    def add_file(self, content: bytes, suffix: str = "") -> str:
        """Store a file `getFile` and the download URL will serve; return its file_id."""
        file_id = f"file-{next(self._ids)}"
        with self._lock:
            self._state.files[file_id] = (f"documents/{file_id}{suffix}", content)
        return file_id

    def send_document(
        self,
        file_name: str,
        content: bytes,
        user_id: int,
        chat_type: str = "private",
        file_size: int | None = None,
    ) -> int:
        """A user sends a file; `file_size` overrides the announced size."""
        file_id = self.add_file(content, "." + file_name.rpartition(".")[2])
        document = {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_name": file_name,
            "mime_type": "application/octet-stream",
            "file_size": len(content) if file_size is None else file_size,
        }
        return self.push({"message": self._new_message(user_id, chat_type, document=document)})

    def send_sticker(self, user_id: int) -> int:
        """A user sends a sticker."""
        sticker = {
            "file_id": "sticker-1",
            "file_unique_id": "usticker-1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        return self.push({"message": self._new_message(user_id, "private", sticker=sticker)})

    def press(self, message: dict[str, Any], data: str, user_id: int) -> int:
        """A user presses the inline button with callback `data` under the bot's `message`."""
        query = {
            "id": f"cb-{next(self._ids)}",
            "from": self.user(user_id),
            "chat_instance": "fake-instance",
            "message": message,
            "data": data,
        }
        return self.push({"callback_query": query})

    def inline(self, query: str, user_id: int) -> int:
        """A user types `@bot query`."""
        inline_query = {
            "id": f"iq-{next(self._ids)}",
            "from": self.user(user_id),
            "query": query,
            "offset": "",
        }
        return self.push({"inline_query": inline_query})

    def fail_next(
        self, method: str, description: str, error_code: int = 400, retry_after: int = 0
    ) -> None:
        """Make the next call of `method` fail as Telegram would."""
        error = ApiError(description, error_code, retry_after)
        with self._lock:
            self._state.failures.setdefault(method, []).append(error)

    def hang_next(self, method: str, seconds: float) -> None:
        """Make the next call of `method` hang, then drop its connection unprocessed."""
        with self._lock:
            self._state.failures.setdefault(method, []).append(Hang(seconds))

    def drop_next(self, method: str) -> None:
        """Make the next call of `method` lose its connection before it is processed."""
        with self._lock:
            self._state.failures.setdefault(method, []).append(Drop())

    def flood(self, method: str, seconds: float, retry_after: int = 1) -> None:
        """Answer every call of `method` with 429 `retry_after` for the next `seconds`."""
        with self._lock:
            self._state.floods[method] = (time.monotonic() + seconds, retry_after)

    def fail_share(self, method: str, share: float, error: ApiError, seed: int = 7) -> None:
        """Fail a share (0 to 1) of the calls of `method` with `error`, reproducibly."""
        self._random = random.Random(seed)
        with self._lock:
            self._state.shares[method] = (share, error)

    # --- what tests read ---------------------------------------------------------------------

    def mark(self) -> int:
        """The number of calls recorded so far, to read only later ones."""
        with self._lock:
            return len(self._state.calls)

    def calls(self, method: str | None = None, after: int = 0) -> list[Call]:
        """The recorded calls of `method` (all methods when None) after `after`."""
        with self._lock:
            recorded = self._state.calls[after:]
        return [call for call in recorded if method is None or call.method == method]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        """The current state of a message the bot sent (edits applied)."""
        with self._lock:
            return self._state.messages[(chat_id, message_id)]

    async def wait_for(
        self, method: str, count: int = 1, after: int = 0, timeout: float = 15.0
    ) -> list[Call]:
        """Wait until `count` calls of `method` were recorded after `after`; return them."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.calls(method, after)
            if len(found) >= count:
                return found[:count]
            if time.monotonic() > deadline:
                seen = [call.method for call in self.calls(after=after)]
                raise AssertionError(f"waited {timeout}s for {count} {method}; saw {seen}")
            await asyncio.sleep(0.01)

    def all_delivered(self) -> bool:
        """True when getUpdates has handed out every queued update."""
        with self._lock:
            return all(u["update_id"] <= self._state.delivered for u in self._state.updates)

    # --- the Bot API -------------------------------------------------------------------------

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            # Keep-alive, as the real Bot API: PTB's connection pool reuses connections.
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                """Keep test output quiet."""

            def do_GET(self) -> None:
                api._serve(self)

            def do_POST(self) -> None:
                api._serve(self)

        return Handler

    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        # PTB percent-encodes download URLs (the token's colon becomes %3A).
        path = unquote(urlsplit(request.path).path)
        file_prefix = f"/file/bot{self.token}/"
        if path.startswith(file_prefix):
            self._download(request, path.removeprefix(file_prefix))
            return
        prefix, _, method = path.rpartition("/")
        if not path.startswith(("/bot", "/file/bot")):
            # Not a Bot API path: a web server's page, as where an API root points elsewhere.
            page = b"<html><body><h1>404 Not Found</h1></body></html>"
            request.send_response(404)
            request.send_header("Content-Type", "text/html")
            request.send_header("Content-Length", str(len(page)))
            request.end_headers()
            request.wfile.write(page)
            return
        if prefix != f"/bot{self.token}":
            self._reply(
                request, 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
            )
            return
        params = _decode_params(request)
        handler = getattr(self, f"_api_{method}", None)
        call = Call(method, params)
        with self._lock:
            failure = self._failure(method)
            if method != "getUpdates":
                self._state.calls.append(call)
        if isinstance(failure, Hang | Drop):
            call.error = type(failure).__name__.lower()
            if isinstance(failure, Hang):
                time.sleep(failure.seconds)
            request.close_connection = True
            with contextlib.suppress(OSError):
                request.connection.shutdown(socket.SHUT_RDWR)
            return
        try:
            if handler is None:
                raise ApiError("Not Found: method not found", 404)
            if failure is not None:
                raise failure
            call.result = handler(params)
        except ApiError as error:
            call.error = error.description
            self._reply(request, error.error_code, error.body())
            return
        self._reply(request, 200, {"ok": True, "result": call.result})

    def _failure(self, method: str) -> ApiError | Hang | Drop | None:
        """The fault this call of `method` meets, if any (called with the lock held)."""
        failures = self._state.failures.get(method)
        if failures:
            return failures.pop(0)
        until, retry_after = self._state.floods.get(method, (0.0, 0))
        if time.monotonic() < until:
            return too_many_requests(retry_after)
        share, error = self._state.shares.get(method, (0.0, None))
        if error is not None and self._random.random() < share:
            return error
        return None

    def _download(self, request: BaseHTTPRequestHandler, file_path: str) -> None:
        with self._lock:
            self._state.calls.append(Call("download", {"file_path": file_path}))
            content = next((c for p, c in self._state.files.values() if p == file_path), None)
        if content is None:
            self._reply(request, 404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        request.send_response(200)
        request.send_header("Content-Type", "application/octet-stream")
        request.send_header("Content-Length", str(len(content)))
        request.end_headers()
        request.wfile.write(content)

    @staticmethod
    def _reply(request: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
        payload = json.dumps(body, ensure_ascii=False).encode()
        request.send_response(status)
        request.send_header("Content-Type", "application/json")
        request.send_header("Content-Length", str(len(payload)))
        request.end_headers()
        request.wfile.write(payload)

    def _api_getMe(self, params: dict[str, Any]) -> Any:
        return self.bot_user

    def _api_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + timeout
        with self._lock:
            # An offset confirms every update before it, as in the real API.
            self._state.updates = [u for u in self._state.updates if u["update_id"] >= offset]
            while not self._state.updates and not self._stopping:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._lock.wait(remaining)
            updates = self._state.updates[:limit]
            if updates:
                self._state.delivered = max(self._state.delivered, updates[-1]["update_id"])
            return updates

    def _api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        return True

    def _api_setMyCommands(self, params: dict[str, Any]) -> Any:
        return True

    def _api_deleteMyCommands(self, params: dict[str, Any]) -> Any:
        return True

    def _api_sendChatAction(self, params: dict[str, Any]) -> Any:
        return True

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        return True

    def _api_answerInlineQuery(self, params: dict[str, Any]) -> Any:
        results = params.get("results") or []
        if len(results) > 50 or len({r["id"] for r in results}) != len(results):
            raise ApiError("Bad Request: RESULTS_TOO_MUCH or duplicate result ids")
        for result in results:
            content = result.get("input_message_content", {})
            _check_text(content.get("message_text", ""), content.get("parse_mode"))
        return True

    def _api_getFile(self, params: dict[str, Any]) -> Any:
        with self._lock:
            stored = self._state.files.get(str(params.get("file_id")))
        if stored is None:
            raise ApiError("Bad Request: invalid file_id")
        file_path, content = stored
        return {
            "file_id": params["file_id"],
            "file_unique_id": f"u{params['file_id']}",
            "file_size": len(content),
            "file_path": file_path,
        }

    def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        text = str(params.get("text", ""))
        _check_text(text, params.get("parse_mode"))
        _check_markup(params.get("reply_markup"))
        chat_id = int(params["chat_id"])
        with self._lock:
            chat = self._state.chats.get(chat_id, {"id": chat_id, "type": "private"})
            message: dict[str, Any] = {
                "message_id": next(self._ids),
                "date": int(time.time()),
                "chat": chat,
                "from": self.bot_user,
                "text": _plain(text, params.get("parse_mode")),
            }
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            self._state.messages[(chat_id, message["message_id"])] = message
        return message

    def _api_sendDocument(self, params: dict[str, Any]) -> Any:
        content = params.get("document")
        if not isinstance(content, bytes):
            raise ApiError("Bad Request: there is no document in the request")
        chat_id = int(params["chat_id"])
        file_id = f"sent{next(self._ids)}"
        with self._lock:
            self._state.files[file_id] = (f"documents/{file_id}", content)
            message: dict[str, Any] = {
                "message_id": next(self._ids),
                "date": int(time.time()),
                "chat": self._state.chats.get(chat_id, {"id": chat_id, "type": "private"}),
                "from": self.bot_user,
                "document": {
                    "file_id": file_id,
                    "file_unique_id": f"u{file_id}",
                    "file_size": len(content),
                },
            }
            if params.get("caption"):
                message["caption"] = params["caption"]
            self._state.messages[(chat_id, message["message_id"])] = message
        return message

    def _edit(self, params: dict[str, Any], **changes: Any) -> Any:
        key = (int(params["chat_id"]), int(params["message_id"]))
        with self._lock:
            message = self._state.messages.get(key)
            if message is None:
                raise ApiError("Bad Request: message to edit not found")
            message = {**message, **changes}
            if not changes.get("reply_markup"):
                message.pop("reply_markup", None)
            self._state.messages[key] = message
        return message

    def _api_editMessageText(self, params: dict[str, Any]) -> Any:
        text = str(params.get("text", ""))
        _check_text(text, params.get("parse_mode"))
        _check_markup(params.get("reply_markup"))
        plain = _plain(text, params.get("parse_mode"))
        return self._edit(params, text=plain, reply_markup=params.get("reply_markup"))

    def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        _check_markup(params.get("reply_markup"))
        return self._edit(params, reply_markup=params.get("reply_markup"))


def _plain(text: str, parse_mode: Any) -> str:
    if parse_mode and str(parse_mode).upper() == "HTML":
        return html.unescape(re.sub(r"<[^>]*>", "", text))
    return text


def _check_text(text: str, parse_mode: Any) -> None:
    if not text.strip():
        raise ApiError("Bad Request: message text is empty")
    if parse_mode and str(parse_mode).upper() == "HTML":
        check_html(text)
    if plain_length(text, parse_mode) > 4096:
        raise ApiError("Bad Request: message is too long")


def _check_markup(markup: Any) -> None:
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= 64:
                raise ApiError("Bad Request: BUTTON_DATA_INVALID")


def _decode_params(request: BaseHTTPRequestHandler) -> dict[str, Any]:
    """Read a call's parameters from the query string and a JSON, form or multipart body."""
    length = int(request.headers.get("Content-Length") or 0)
    body = request.rfile.read(length) if length else b""
    content_type = request.headers.get("Content-Type", "")
    params: dict[str, Any] = dict(parse_qsl(urlsplit(request.path).query))
    if content_type.startswith("application/json") and body:
        params.update(json.loads(body))
        return params
    if content_type.startswith("application/x-www-form-urlencoded"):
        params.update(parse_qsl(body.decode(), keep_blank_values=True))
    elif content_type.startswith("multipart/form-data"):
        header = f"Content-Type: {content_type}\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(header + body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if not isinstance(payload, bytes):
                payload = b""
            if part.get_filename():
                params[str(name)] = payload
            else:
                params[str(name)] = payload.decode()
    for key, value in params.items():
        if isinstance(value, str) and key not in _TEXT_FIELDS:
            # PTB JSON-encodes every non-string value into its form fields.
            with contextlib.suppress(ValueError):
                params[key] = json.loads(value)
    return params
