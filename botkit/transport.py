"""Transport: the Bot API calls over aiohttp, through PTB's `BaseRequest` seam.

PTB's default `HTTPXRequest` goes through httpcore's connection pool. Under load that pool
hands a freed HTTP/1.1 connection to every request waiting for one; all but one of them
fail with `ConnectionNotAvailable` and go round again (encode/httpcore#822). With 256
updates in flight a send took about nine attempts and 4–7 ms of the event loop's time;
over aiohttp's connector it takes one attempt and about 1 ms, whatever the concurrency.

Timeouts keep PTB's meaning: `connect` (TCP connect), `read` (between bytes of the answer;
`None` for no limit, as PTB's long poll asks) and `pool` (waiting for a free connection).
aiohttp has no write timeout of its own, so the write timeout bounds the whole call as a
last resort. Failures become PTB's own errors: `TimedOut` for a timeout, `NetworkError`
for everything else on the way. Neither names the URL, which holds the bot's token.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.request import BaseRequest, RequestData


class AiohttpRequest(BaseRequest):
    """A `BaseRequest` over one `aiohttp.ClientSession` with a bounded connection pool."""

    def __init__(
        self,
        pool_size: int,
        timeout: float,
        media_write_timeout: float = 20.0,
    ) -> None:
        self._pool_size = pool_size
        self._timeout = timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size),
                # Proxies from HTTPS_PROXY and friends, as PTB's httpx client reads them.
                trust_env=True,
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        # Idempotent: PTB shuts down its two requests at once, and they may be this one.
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        """The Bot API's JSON answer; an answer that is not JSON (a web page where the API
        root points elsewhere) is an error, without PTB's log of the whole payload."""
        try:
            parsed = json.loads(payload.decode("utf-8", "replace"))
        except ValueError:
            raise TelegramError("Invalid server response: not JSON") from None
        if not isinstance(parsed, dict):
            raise TelegramError("Invalid server response: not a JSON object")
        return parsed

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized")
        files = request_data.multipart_data if request_data else None
        read = self._given(read_timeout, self._timeout)
        connect = self._given(connect_timeout, self._timeout)
        pool = self._given(pool_timeout, self._timeout)
        write = self._given(write_timeout, self._media_write_timeout if files else self._timeout)
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=None if pool is None or connect is None else pool + connect,
            sock_connect=connect,
            sock_read=read,
        )
        body = _body(request_data, files)
        try:
            async with asyncio.timeout(None if read is None or write is None else read + write):
                async with self._session.request(
                    method, url, data=body, timeout=timeout
                ) as response:
                    return response.status, await response.read()
        except TimeoutError as error:  # aiohttp's timeouts are TimeoutErrors too
            raise TimedOut(f"aiohttp: {type(error).__name__}") from error
        except aiohttp.InvalidURL as error:
            raise NetworkError("aiohttp: the Bot API URL is not valid") from error
        except (aiohttp.ClientError, OSError) as error:
            raise NetworkError(f"aiohttp.{type(error).__name__}: {error}") from error

    @staticmethod
    def _given(value: ODVInput[float], default: float) -> float | None:
        return default if isinstance(value, DefaultValue) else value


def _body(request_data: RequestData | None, files: dict[str, Any] | None) -> Any:
    """Form fields as PTB encodes them; a multipart form when the call uploads files."""
    if request_data is None:
        return None
    fields = request_data.json_parameters
    if not files:
        return fields
    form = aiohttp.FormData()
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mime_type) in files.items():
        form.add_field(name, content, filename=filename, content_type=mime_type)
    return form
