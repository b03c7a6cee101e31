"""The control API under ``/_sandbox/``: simulate users, inject faults, read results.

It is the HTTP face of ``server.world`` and ``server.faults`` for the chat
page, for benchmarks that drive the sandbox from another process, and for
anything not written in Python. It never lives under a bot token path, so a
bot cannot reach it by accident. Errors are ``{"error": "..."}`` with 400
(bad input) or 404 (unknown user, chat, message or button).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from bot.sandbox.server import SandboxServer

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
MAX_EVENT_WAIT = 30.0


def _guarded(func: Handler) -> Handler:
    """Turn lookup and validation errors into JSON answers instead of 500s."""

    @functools.wraps(func)
    async def wrapper(request: web.Request) -> web.StreamResponse:
        try:
            return await func(request)
        except LookupError as exc:
            return web.json_response({"error": str(exc).strip("'\"")}, status=404)
        except (ValueError, TypeError, KeyError) as exc:
            return web.json_response({"error": str(exc)}, status=400)

    return wrapper


def _int(value: Any) -> int | None:
    return None if value in (None, "") else int(value)


def _bot_ref(value: Any) -> Any:
    if value in (None, ""):
        return None
    return int(value) if str(value).lstrip("-").isdigit() else value


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.body_exists:
        return {}
    if request.content_type == "application/json":
        body = await request.json()
        if not isinstance(body, dict):
            raise ValueError("the body must be a JSON object")
        return body
    return dict(await request.post())


def add_routes(app: web.Application, server: SandboxServer) -> None:
    """Attach the control API and the chat page to ``app``."""
    world = server.world
    routes = web.RouteTableDef()

    @routes.get("/")
    async def page(request: web.Request) -> web.StreamResponse:
        html = resources.files("bot.sandbox").joinpath("chat.html").read_text("utf-8")
        return web.Response(text=html, content_type="text/html", charset="utf-8")

    @routes.get("/_sandbox/state")
    @_guarded
    async def state(request: web.Request) -> web.StreamResponse:
        return web.json_response(
            {**world.snapshot(), "faults": server.faults.to_json(), "url": server.url}
        )

    @routes.post("/_sandbox/reset")
    @_guarded
    async def reset(request: web.Request) -> web.StreamResponse:
        server.reset()
        return web.json_response({"ok": True})

    @routes.get("/_sandbox/faults")
    @_guarded
    async def list_faults(request: web.Request) -> web.StreamResponse:
        return web.json_response(server.faults.to_json())

    @routes.post("/_sandbox/faults")
    @_guarded
    async def add_fault(request: web.Request) -> web.StreamResponse:
        body = await _body(request)
        bot = body.get("bot")
        faults = server.faults.inject(
            str(body.get("method", "*")),
            str(body.get("kind", "server_error")),
            count=int(body.get("count", 1)),
            retry_after=int(body.get("retry_after", 1)),
            status=int(body.get("status", 400)),
            description=body.get("description"),
            delay=float(body.get("delay", 0.0)),
            bot_id=world.bot(_bot_ref(bot)).id if bot not in (None, "") else None,
        )
        return web.json_response({"queued": len(faults), **server.faults.to_json()})

    @routes.delete("/_sandbox/faults")
    @_guarded
    async def clear_faults(request: web.Request) -> web.StreamResponse:
        server.faults.clear()
        return web.json_response({"ok": True})

    @routes.post("/_sandbox/users")
    @_guarded
    async def create_user(request: web.Request) -> web.StreamResponse:
        body = await _body(request)
        user = world.create_user(
            str(body["first_name"]),
            id=_int(body.get("id")),
            username=body.get("username") or None,
            last_name=body.get("last_name") or None,
            language_code=body.get("language_code") or None,
        )
        return web.json_response(user.to_api())

    @routes.post("/_sandbox/chats")
    @_guarded
    async def create_chat(request: web.Request) -> web.StreamResponse:
        body = await _body(request)
        bots = body.get("bots")
        chat = world.create_chat(
            str(body["title"]),
            type=str(body.get("type", "group")),
            id=_int(body.get("id")),
            members=[int(member) for member in body.get("members", [])],
            bots=None if bots is None else [_bot_ref(b) for b in bots],
            username=body.get("username") or None,
        )
        return web.json_response(chat.to_api())

    @routes.post("/_sandbox/messages")
    @_guarded
    async def post_message(request: web.Request) -> web.StreamResponse:
        body = await _body(request)
        message = world.post_message(
            int(body["user_id"]),
            str(body["text"]),
            chat_id=_int(body.get("chat_id")),
            reply_to=_int(body.get("reply_to")),
            bot=_bot_ref(body.get("bot")),
        )
        return web.json_response(message.view())

    async def _upload(request: web.Request) -> tuple[dict[str, Any], web.FileField]:
        form = await request.post()
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            raise ValueError("send the file as multipart field 'file'")
        return dict(form), upload

    @routes.post("/_sandbox/documents")
    @_guarded
    async def post_document(request: web.Request) -> web.StreamResponse:
        form, upload = await _upload(request)
        message = world.post_document(
            int(form["user_id"]),
            upload.file.read(),
            str(form.get("file_name") or upload.filename),
            mime_type=form.get("mime_type") or upload.content_type,
            caption=form.get("caption") or None,
            chat_id=_int(form.get("chat_id")),
            bot=_bot_ref(form.get("bot")),
        )
        return web.json_response(message.view())

    @routes.post("/_sandbox/photos")
    @_guarded
    async def post_photo(request: web.Request) -> web.StreamResponse:
        form, upload = await _upload(request)
        message = world.post_photo(
            int(form["user_id"]),
            upload.file.read(),
            caption=form.get("caption") or None,
            chat_id=_int(form.get("chat_id")),
            bot=_bot_ref(form.get("bot")),
        )
        return web.json_response(message.view())

    @routes.post("/_sandbox/callbacks")
    @_guarded
    async def press_button(request: web.Request) -> web.StreamResponse:
        body = await _body(request)
        query = world.press_button(
            int(body["user_id"]),
            int(body["message_id"]),
            data=body.get("data"),
            text=body.get("text"),
            chat_id=_int(body.get("chat_id")),
            bot=_bot_ref(body.get("bot")),
        )
        return web.json_response({"callback_query_id": query.id, "data": query.data})

    @routes.post("/_sandbox/block")
    @_guarded
    async def block(request: web.Request) -> web.StreamResponse:
        body = await _body(request)
        world.block_bot(int(body["user_id"]), _bot_ref(body.get("bot")))
        return web.json_response({"ok": True})

    @routes.get("/_sandbox/chats/{chat_id}/messages")
    @_guarded
    async def messages(request: web.Request) -> web.StreamResponse:
        chat_id = int(request.match_info["chat_id"])
        bot = _bot_ref(request.query.get("bot"))
        found = world.messages(chat_id, bot)
        if request.query.get("from") == "bot":
            found = [m for m in found if m.from_bot]
        return web.json_response([message.view() for message in found])

    @routes.get("/_sandbox/events")
    @_guarded
    async def events(request: web.Request) -> web.StreamResponse:
        """Long poll: events after ``after`` (optionally for ``chat_id``), waiting ``timeout`` s."""
        after = int(request.query.get("after", 0))
        chat_id = _int(request.query.get("chat_id"))
        timeout = min(float(request.query.get("timeout", 0)), MAX_EVENT_WAIT)
        if after > len(world.events):
            return web.json_response({"reset": True, "events": [], "last_seq": len(world.events)})
        with_timeout = asyncio.get_running_loop().time() + timeout
        while True:
            found = world.events_after(after, chat_id)
            remaining = with_timeout - asyncio.get_running_loop().time()
            if found or remaining <= 0 or world.closing:
                break
            await world.changed.wait(remaining)
        return web.json_response(
            {"events": [e.to_json() for e in found], "last_seq": len(world.events)}
        )

    @routes.get("/_sandbox/files/{file_id}")
    @_guarded
    async def file(request: web.Request) -> web.StreamResponse:
        stored = world.files.get(request.match_info["file_id"])
        if stored is None:
            raise LookupError("no such file")
        headers = {}
        if stored.file_name:
            headers["Content-Disposition"] = f'inline; filename="{stored.file_name}"'
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "image/jpeg", headers=headers
        )

    @routes.get("/_sandbox/calls")
    @_guarded
    async def calls(request: web.Request) -> web.StreamResponse:
        wanted = request.query.get("method", "").lower()
        return web.json_response(
            [
                {"method": name, "params": params}
                for name, params in server.calls
                if not wanted or name.lower() == wanted
            ]
        )

    app.router.add_routes(routes)
