"""The Bot API over raw HTTP: shapes, errors, long polling, offsets, files, webhooks."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest
from aiohttp import web
from sandbox_helpers import TOKEN, png_bytes

from bot.sandbox import SandboxServer


def api(token: str = TOKEN) -> str:
    return f"/bot{token}"


async def test_get_me_has_every_required_field(http: httpx.AsyncClient) -> None:
    response = await http.get(f"{api()}/getMe")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    me = body["result"]
    assert me["id"] == 1000001 and me["is_bot"] is True
    assert me["username"] == "bankpm_test_bot" and me["first_name"]
    assert me["can_read_all_group_messages"] is True


async def test_method_names_are_case_insensitive_and_json_bodies_work(
    http: httpx.AsyncClient,
) -> None:
    assert (await http.post(f"{api()}/getme", json={})).json()["ok"] is True


@pytest.mark.parametrize(
    ("path", "status", "description"),
    [
        (f"/bot{TOKEN}/noSuchMethod", 404, "Not Found"),
        ("/bot999:wrong-token/getMe", 401, "Unauthorized"),
        ("/botnot-a-token/getMe", 404, "Not Found"),
        ("/elsewhere", 404, "Not Found"),
    ],
)
async def test_errors_are_shaped_like_telegram(
    http: httpx.AsyncClient, path: str, status: int, description: str
) -> None:
    response = await http.post(path)
    assert response.status_code == status
    assert response.json() == {"ok": False, "error_code": status, "description": description}


async def test_send_to_unknown_or_unstarted_chat(
    sandbox: SandboxServer, http: httpx.AsyncClient
) -> None:
    response = await http.post(f"{api()}/sendMessage", data={"chat_id": 424242, "text": "hi"})
    assert response.json()["description"] == "Bad Request: chat not found"
    user = sandbox.world.create_user("Bob")
    response = await http.post(f"{api()}/sendMessage", data={"chat_id": user.id, "text": "hi"})
    assert response.status_code == 403
    assert (
        response.json()["description"] == "Forbidden: bot can't initiate conversation with a user"
    )


async def test_message_date_is_int_seconds(sandbox: SandboxServer, http: httpx.AsyncClient) -> None:
    user = sandbox.world.create_user("Bob")
    sandbox.world.post_message(user.id, "hi")
    before = int(time.time())
    response = await http.post(f"{api()}/sendMessage", data={"chat_id": user.id, "text": "hello"})
    message = response.json()["result"]
    assert isinstance(message["date"], int) and before - 1 <= message["date"] <= before + 1
    assert message["chat"] == {"id": user.id, "type": "private", "first_name": "Bob"}
    assert message["from"]["is_bot"] is True


async def poll(http: httpx.AsyncClient, **params: object) -> list[dict]:
    response = await http.post(f"{api()}/getUpdates", data=params)
    assert response.status_code == 200, response.text
    return response.json()["result"]


async def test_offset_confirms_and_drops_earlier_updates(
    sandbox: SandboxServer, http: httpx.AsyncClient
) -> None:
    user = sandbox.world.create_user("Bob")
    for text in ("one", "two", "three"):
        sandbox.world.post_message(user.id, text)
    updates = await poll(http)
    assert [u["update_id"] for u in updates] == [1, 2, 3]
    assert [u["message"]["text"] for u in updates] == ["one", "two", "three"]
    assert [u["update_id"] for u in await poll(http, offset=2)] == [2, 3]
    assert await poll(http, offset=4) == []
    assert await poll(http) == []  # confirmed ones are gone for good
    assert [u["update_id"] for u in await poll(http, limit=1)] == []


async def test_limit_and_negative_offset(sandbox: SandboxServer, http: httpx.AsyncClient) -> None:
    user = sandbox.world.create_user("Bob")
    for index in range(5):
        sandbox.world.post_message(user.id, f"m{index}")
    assert [u["update_id"] for u in await poll(http, limit=2)] == [1, 2]
    assert [u["update_id"] for u in await poll(http, offset=-2)] == [4, 5]
    assert [u["update_id"] for u in await poll(http)] == [4, 5]


async def test_long_poll_waits_for_timeout_when_idle(http: httpx.AsyncClient) -> None:
    started = time.monotonic()
    assert await poll(http, timeout=0.4) == []
    assert time.monotonic() - started >= 0.35


async def test_long_poll_returns_as_soon_as_an_update_arrives(
    sandbox: SandboxServer, http: httpx.AsyncClient
) -> None:
    user = sandbox.world.create_user("Bob")
    loop = asyncio.get_running_loop()
    loop.call_later(0.1, sandbox.world.post_message, user.id, "wake up")
    started = time.monotonic()
    updates = await poll(http, timeout=10)
    assert [u["message"]["text"] for u in updates] == ["wake up"]
    assert time.monotonic() - started < 2


async def test_second_poller_gets_conflict(http: httpx.AsyncClient) -> None:
    first = asyncio.create_task(http.post(f"{api()}/getUpdates", data={"timeout": 5}))
    await asyncio.sleep(0)  # let the first request start before the second one
    while not first.done():
        second = await http.post(f"{api()}/getUpdates", data={"timeout": 0})
        assert second.status_code == 200
        await asyncio.wait({first}, timeout=0.2)
    response = first.result()
    assert response.status_code == 409
    assert "terminated by other getUpdates request" in response.json()["description"]


async def test_allowed_updates_filters_kinds(
    sandbox: SandboxServer, http: httpx.AsyncClient
) -> None:
    user = sandbox.world.create_user("Bob")
    await poll(http, allowed_updates=json.dumps(["callback_query"]))
    sandbox.world.post_message(user.id, "ignored")
    assert await poll(http) == []


async def test_multipart_photo_file_route_and_get_file(
    sandbox: SandboxServer, http: httpx.AsyncClient
) -> None:
    user = sandbox.world.create_user("Bob")
    sandbox.world.post_message(user.id, "hi")
    picture = png_bytes(800, 600)
    response = await http.post(
        f"{api()}/sendPhoto",
        data={"chat_id": str(user.id), "caption": "<i>chart</i>", "parse_mode": "HTML"},
        files={"photo": ("chart.png", picture, "image/png")},
    )
    message = response.json()["result"]
    sizes = message["photo"]
    assert [(s["width"], s["height"]) for s in sizes] == [(320, 240), (800, 600)]
    assert all({"file_id", "file_unique_id", "file_size"} <= set(s) for s in sizes)
    assert message["caption_entities"] == [{"offset": 0, "length": 5, "type": "italic"}]
    file = (await http.post(f"{api()}/getFile", data={"file_id": sizes[-1]["file_id"]})).json()[
        "result"
    ]
    assert file["file_size"] == len(picture)
    download = await http.get(f"/file/bot{TOKEN}/{file['file_path']}")
    assert download.content == picture
    assert (await http.get(f"/file/bot{TOKEN}/photos/nope.jpg")).status_code == 404
    assert (await http.get(f"/file/bot999:x/{file['file_path']}")).status_code == 401


async def test_attach_uri_and_bad_photo(sandbox: SandboxServer, http: httpx.AsyncClient) -> None:
    user = sandbox.world.create_user("Bob")
    sandbox.world.post_message(user.id, "hi")
    response = await http.post(
        f"{api()}/sendDocument",
        data={"chat_id": str(user.id), "document": "attach://report"},
        files={"report": ("report.pdf", b"%PDF-1.4 tiny", "application/pdf")},
    )
    document = response.json()["result"]["document"]
    assert document["file_name"] == "report.pdf" and document["mime_type"] == "application/pdf"
    assert document["file_size"] == len(b"%PDF-1.4 tiny")
    response = await http.post(
        f"{api()}/sendPhoto",
        data={"chat_id": str(user.id)},
        files={"photo": ("x.png", b"not a picture", "image/png")},
    )
    assert response.json()["description"] == "Bad Request: IMAGE_PROCESS_FAILED"


async def test_inline_keyboard_validation(sandbox: SandboxServer, http: httpx.AsyncClient) -> None:
    user = sandbox.world.create_user("Bob")
    sandbox.world.post_message(user.id, "hi")

    async def send(markup: object) -> dict:
        data = {"chat_id": user.id, "text": "x", "reply_markup": json.dumps(markup)}
        return (await http.post(f"{api()}/sendMessage", data=data)).json()

    assert (await send({"inline_keyboard": [[{"text": "a", "callback_data": "x" * 65}]]}))[
        "description"
    ] == ("Bad Request: BUTTON_DATA_INVALID")
    assert (
        "Text buttons are unallowed"
        in (await send({"inline_keyboard": [[{"text": "a"}]]}))["description"]
    )
    assert (await send({"inline_keyboard": [[{"text": "a", "callback_data": "ok"}]]}))["ok"] is True


async def test_edit_rules(sandbox: SandboxServer, http: httpx.AsyncClient) -> None:
    user = sandbox.world.create_user("Bob")
    mine = sandbox.world.post_message(user.id, "hi")
    markup = json.dumps({"inline_keyboard": [[{"text": "a", "callback_data": "a"}]]})
    sent = (
        await http.post(
            f"{api()}/sendMessage", data={"chat_id": user.id, "text": "v1", "reply_markup": markup}
        )
    ).json()["result"]

    async def edit(**data: object) -> dict:
        payload = {"chat_id": user.id, **data}
        return (await http.post(f"{api()}/editMessageText", data=payload)).json()

    assert (
        "message is not modified"
        in (await edit(message_id=sent["message_id"], text="v1", reply_markup=markup))[
            "description"
        ]
    )
    assert (await edit(message_id=mine.message_id, text="x"))[
        "description"
    ] == "Bad Request: message can't be edited"
    assert (await edit(message_id=999, text="x"))[
        "description"
    ] == "Bad Request: message to edit not found"
    edited = (await edit(message_id=sent["message_id"], text="v2"))["result"]
    assert edited["text"] == "v2" and isinstance(edited["edit_date"], int)
    assert "reply_markup" not in edited  # Telegram drops the keyboard on an edit without one


async def test_http_fault_endpoints_drop_and_garbage(
    sandbox: SandboxServer, http: httpx.AsyncClient
) -> None:
    queued = await http.post("/_sandbox/faults", json={"method": "getMe", "kind": "garbage"})
    assert queued.json()["queued"] == 1
    garbage = await http.get(f"{api()}/getMe")
    assert garbage.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        garbage.json()
    await http.post("/_sandbox/faults", json={"method": "getMe", "kind": "drop"})
    with pytest.raises(httpx.RemoteProtocolError):
        await http.get(f"{api()}/getMe")
    await http.post(
        "/_sandbox/faults", json={"method": "getMe", "kind": "flood", "retry_after": 7, "count": 2}
    )
    flood = await http.get(f"{api()}/getMe")
    assert flood.status_code == 429
    assert flood.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }
    assert len((await http.get("/_sandbox/faults")).json()["pending"]) == 1
    await http.delete("/_sandbox/faults")
    assert (await http.get(f"{api()}/getMe")).status_code == 200


async def test_webhook_delivery_to_loopback(
    sandbox: SandboxServer, http: httpx.AsyncClient
) -> None:
    received: asyncio.Queue[tuple[dict, str | None]] = asyncio.Queue()

    async def hook(request: web.Request) -> web.Response:
        await received.put(
            (await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        )
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        url = f"http://127.0.0.1:{port}/hook"
        response = await http.post(
            f"{api()}/setWebhook", data={"url": url, "secret_token": "s3cret"}
        )
        assert response.json()["result"] is True
        assert (await http.post(f"{api()}/getUpdates")).status_code == 409
        user = sandbox.world.create_user("Bob")
        sandbox.world.post_message(user.id, "via webhook")
        update, secret = await asyncio.wait_for(received.get(), 5)
        assert update["message"]["text"] == "via webhook" and secret == "s3cret"
        info = (await http.get(f"{api()}/getWebhookInfo")).json()["result"]
        assert info["url"] == url and info["pending_update_count"] == 0
        bad = await http.post(f"{api()}/setWebhook", data={"url": "https://example.com/hook"})
        assert bad.status_code == 400
        await http.post(f"{api()}/deleteWebhook")
        assert (await http.post(f"{api()}/getUpdates")).status_code == 200
    finally:
        await runner.cleanup()


def test_background_thread_for_sync_callers() -> None:
    server = SandboxServer(TOKEN).start_in_thread()
    try:
        user = server.call(server.world.create_user, "Sync", username="sync_user")
        with httpx.Client(base_url=server.url, timeout=5) as client:
            assert client.get(f"{api()}/getMe").json()["ok"] is True
            client.post("/_sandbox/messages", json={"user_id": user.id, "text": "hi"})
            client.post(f"{api()}/sendMessage", data={"chat_id": user.id, "text": "reply"})
        replies = server.run(server.world.wait_for_bot_messages(user.id, 1, timeout=2))
        assert replies[0].text == "reply"
    finally:
        server.stop_thread()
