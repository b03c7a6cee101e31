"""The HTTP server: Bot API routes, the file route, the control API and the page.

Routes (all on 127.0.0.1 by default):

- ``/bot<token>/<method>``         the Bot API (GET or POST; query, form, multipart, JSON)
- ``/file/bot<token>/<file_path>`` file downloads, as PTB's ``File.download_*`` expect
- ``/_sandbox/...``                control API for tests and the page (see control.py)
- ``/``                            the web chat page

python-telegram-bot appends the token to ``base_url`` itself, so the builder
takes ``server.api_prefix`` (``http://127.0.0.1:PORT/bot``) and
``server.file_prefix`` (``http://127.0.0.1:PORT/file/bot``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import threading
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from typing import Any, TypeVar

from aiohttp import web

from bot.sandbox import control
from bot.sandbox.errors import NOT_FOUND, UNAUTHORIZED, ApiError, too_many_requests
from bot.sandbox.faults import Fault, FaultPlan
from bot.sandbox.methods import METHODS, UPLOAD_LIMIT
from bot.sandbox.params import Params, Upload
from bot.sandbox.webhook import WebhookDelivery
from bot.sandbox.world import BotAccount, World

T = TypeVar("T")

DEFAULT_TOKEN = "1000001:SANDBOX-bankpm-token"
TOKEN_RE = re.compile(r"\d+:[A-Za-z0-9_-]+")
_dumps = partial(json.dumps, ensure_ascii=False)


def json_response(body: Any, status: int = 200) -> web.Response:
    return web.json_response(body, status=status, dumps=_dumps)


def api_error(error: ApiError) -> web.Response:
    return json_response(error.body(), status=error.code)


async def read_params(request: web.Request) -> Params:
    """Merge the query string and the body (JSON, URL-encoded form or multipart)."""
    values: dict[str, Any] = dict(request.query)
    if not request.body_exists:
        return Params(values)
    if request.content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise ApiError(400, "Bad Request: can't parse JSON encoded request") from None
        if not isinstance(body, dict):
            raise ApiError(400, "Bad Request: JSON request must be an object")
        values.update(body)
        return Params(values)
    try:
        form = await request.post()
    except web.HTTPRequestEntityTooLarge:
        raise ApiError(413, "Request Entity Too Large") from None
    for name, value in form.items():
        if isinstance(value, web.FileField):
            values[name] = Upload(value.filename, value.content_type, value.file.read())
        elif isinstance(value, bytes | bytearray):
            values[name] = Upload(None, None, bytes(value))
        else:
            values[name] = value
    return Params(values)


class SandboxServer:
    """An in-memory Telegram Bot API server with a control API and a chat page.

    Use ``async with SandboxServer() as server`` (or ``await start()`` /
    ``await stop()``) inside an event loop, or ``start_in_thread()`` from
    synchronous code. ``server.world`` simulates users and reads what bots
    did; ``server.faults`` queues failures.
    """

    def __init__(
        self,
        tokens: str | Iterable[str] = DEFAULT_TOKEN,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        world: World | None = None,
        strict_html: bool = False,
        bot_username: str | None = None,
        privacy_mode: bool = False,
    ) -> None:
        self.host = host
        self.port = port
        self.world = world or World(strict_html=strict_html)
        for index, token in enumerate([tokens] if isinstance(tokens, str) else list(tokens)):
            self.world.add_bot(
                token,
                username=bot_username if index == 0 else None,
                privacy_mode=privacy_mode,
            )
        self.faults = FaultPlan()
        self.calls: deque[tuple[str, dict[str, Any]]] = deque(maxlen=10_000)
        self._runner: web.AppRunner | None = None
        self._webhooks = WebhookDelivery(self.world)
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    # ---------------------------------------------------------------- address
    @property
    def url(self) -> str:
        """Root URL, e.g. ``http://127.0.0.1:8081`` (the chat page lives here)."""
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._runner is not None

    @property
    def token(self) -> str:
        """The first (default) bot's token."""
        return self.world.bot().token

    @property
    def bot(self) -> BotAccount:
        """The first (default) bot account."""
        return self.world.bot()

    @property
    def api_prefix(self) -> str:
        """What to give ``ApplicationBuilder().base_url()``: PTB appends the token."""
        return f"{self.url}/bot"

    @property
    def file_prefix(self) -> str:
        """What to give ``ApplicationBuilder().base_file_url()``: PTB appends the token."""
        return f"{self.url}/file/bot"

    # Names used in the wording.
    base_url_prefix = api_prefix
    base_file_url_prefix = file_prefix

    def base_url(self, token: str | None = None) -> str:
        """Full Bot API root for a token, e.g. ``http://127.0.0.1:PORT/bot<token>``."""
        return f"{self.api_prefix}{token or self.token}"

    def base_file_url(self, token: str | None = None) -> str:
        """Full file root for a token, e.g. ``http://127.0.0.1:PORT/file/bot<token>``."""
        return f"{self.file_prefix}{token or self.token}"

    # -------------------------------------------------------------- lifecycle
    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=UPLOAD_LIMIT + 2 * 1024 * 1024)
        control.add_routes(app, self)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._handle_unknown)
        return app

    async def start(self) -> SandboxServer:
        """Bind and serve; with ``port=0`` the OS picks a free port (see ``url``)."""
        self.world.closing = False
        self._runner = web.AppRunner(
            self.make_app(), shutdown_timeout=1.0, handler_cancellation=True, access_log=None
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = getattr(site, "_server", None)
        if self.port == 0 and server is not None and server.sockets:
            self.port = server.sockets[0].getsockname()[1]
        self._webhooks.start()
        return self

    async def stop(self) -> None:
        """Release long polls, stop webhook delivery and close the socket."""
        self.world.closing = True
        for bot in self.world.bots.values():
            bot.arrived.fire()
        await self._webhooks.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> SandboxServer:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def reset(self) -> None:
        """Forget users, chats, messages, files, updates, faults and recorded calls."""
        self.world.reset()
        self.faults.clear()
        self.calls.clear()

    # ----------------------------------------------------- background thread
    def start_in_thread(self, timeout: float = 10.0) -> SandboxServer:
        """Run the server on its own event loop in a daemon thread (for sync callers)."""
        ready = threading.Event()
        failure: list[BaseException] = []

        def main() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self.start())
            except BaseException as exc:  # reported to the caller below
                failure.append(exc)
                ready.set()
                return
            ready.set()
            loop.run_forever()
            loop.run_until_complete(self.stop())
            loop.close()

        self._thread = threading.Thread(target=main, name="bankpm-sandbox", daemon=True)
        self._thread.start()
        if not ready.wait(timeout):
            raise TimeoutError("sandbox did not start")
        if failure:
            raise failure[0]
        return self

    def stop_thread(self, timeout: float = 10.0) -> None:
        """Stop a server started with ``start_in_thread``."""
        if self._loop and self._thread:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout)
            self._thread = None

    def run(self, coro: Awaitable[T], timeout: float = 30.0) -> T:
        """From another thread: run a coroutine (e.g. a ``world.wait_*``) on the server loop."""
        if self._loop is None:
            raise RuntimeError("start_in_thread() first")

        async def wrapper() -> T:
            return await coro

        return asyncio.run_coroutine_threadsafe(wrapper(), self._loop).result(timeout)

    def call(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """From another thread: call a ``world`` method on the server loop and return its result."""

        async def invoke() -> T:
            return func(*args, **kwargs)

        return self.run(invoke())

    # ------------------------------------------------------------------ routes
    def _bot_for(self, token: str) -> BotAccount:
        if not TOKEN_RE.fullmatch(token):
            raise NOT_FOUND
        bot = self.world.bots.get(token)
        if bot is None:
            raise UNAUTHORIZED
        return bot

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["method"]
        try:
            bot = self._bot_for(request.match_info["token"])
            handler = METHODS.get(name.lower())
            if handler is None:
                raise NOT_FOUND
            fault = self.faults.take(name, bot.id)
            if fault is not None:
                faulty = await self._apply_fault(request, fault)
                if faulty is not None:
                    return faulty
            params = await read_params(request)
            self.calls.append((name, _loggable(params)))
            result = await handler(self.world, bot, params)
        except ApiError as error:
            return api_error(error)
        return json_response({"ok": True, "result": result})

    async def _apply_fault(self, request: web.Request, fault: Fault) -> web.StreamResponse | None:
        if fault.kind == "flood":
            return api_error(too_many_requests(fault.retry_after))
        if fault.kind == "server_error":
            return api_error(ApiError(500, "Internal Server Error"))
        if fault.kind == "error":
            return api_error(ApiError(fault.status, fault.description))
        if fault.kind == "bad_gateway":
            return web.Response(
                status=502,
                text="<html><body><h1>502 Bad Gateway</h1></body></html>",
                content_type="text/html",
            )
        if fault.kind == "garbage":
            return web.Response(status=200, text="<html>not json {", content_type="text/html")
        if fault.kind == "drop":
            with contextlib.suppress(Exception):
                await request.read()
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError
        await asyncio.sleep(fault.delay)
        return None

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        try:
            bot = self._bot_for(request.match_info["token"])
            fault = self.faults.take("downloadFile", bot.id)
            if fault is not None:
                faulty = await self._apply_fault(request, fault)
                if faulty is not None:
                    return faulty
        except ApiError as error:
            return api_error(error)
        stored = self.world.file_by_path(request.match_info["path"])
        if stored is None:
            return api_error(NOT_FOUND)
        return web.Response(body=stored.data, content_type=stored.mime_type or "image/jpeg")

    async def _handle_unknown(self, request: web.Request) -> web.StreamResponse:
        return api_error(NOT_FOUND)


def _loggable(params: Params) -> dict[str, Any]:
    """Parameters as recorded in ``server.calls``: uploads shown by name and size."""
    return {
        name: (
            f"<upload {value.filename!r} {len(value.data)} bytes>"
            if isinstance(value, Upload)
            else value
        )
        for name, value in params.values.items()
    }
