"""The /_sandbox control API, as the chat page and out-of-process drivers use it."""

from __future__ import annotations

import httpx
from sandbox_helpers import TOKEN, Harness, png_bytes

from bot.sandbox import SandboxServer


async def test_page_is_served_self_contained(http: httpx.AsyncClient) -> None:
    response = await http.get("/")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    page = response.text
    for marker in ('id="input"', 'id="send"', "inline-btn", "/_sandbox/events"):
        assert marker in page
    assert "<script src=" not in page and "https://" not in page  # no CDN, no build step


async def test_users_chats_messages_and_events(
    sandbox: SandboxServer, harness: Harness, http: httpx.AsyncClient
) -> None:
    user = (
        await http.post("/_sandbox/users", json={"first_name": "Ann", "language_code": "en"})
    ).json()
    group = (
        await http.post("/_sandbox/chats", json={"title": "PM Team", "members": [user["id"]]})
    ).json()
    assert group["type"] == "group" and group["id"] < 0
    state = (await http.get("/_sandbox/state")).json()
    seq = state["last_seq"]
    posted = await http.post(
        "/_sandbox/messages", json={"user_id": user["id"], "text": "/photo", "chat_id": group["id"]}
    )
    assert posted.json()["entities"] == [{"offset": 0, "length": 6, "type": "bot_command"}]
    events: list[dict] = []
    while not any(e["kind"] == "message" and e["sandbox"]["from_bot"] for e in events):
        body = (await http.get("/_sandbox/events", params={"after": seq, "timeout": 5})).json()
        assert body["events"], "long poll ended without events"
        events += body["events"]
        seq = body["last_seq"]
    photo = next(e for e in events if e["kind"] == "message" and e["sandbox"]["from_bot"])
    assert photo["chat_id"] == group["id"] and photo["photo"]
    picture = await http.get(photo["sandbox"]["photo_url"])
    assert picture.status_code == 200 and len(picture.content) == photo["photo"][-1]["file_size"]
    pressed = await http.post(
        "/_sandbox/callbacks",
        json={
            "user_id": user["id"],
            "chat_id": group["id"],
            "message_id": photo["message_id"],
            "data": "reject",
        },
    )
    await sandbox.world.wait_for_callback_answer(pressed.json()["callback_query_id"])
    await sandbox.world.wait_for_event("edit", group["id"])  # the answer comes before the edit
    history = (
        await http.get(f"/_sandbox/chats/{group['id']}/messages", params={"from": "bot"})
    ).json()
    assert history[0]["caption"] == "chosen: reject"


async def test_uploads_through_the_control_api(
    sandbox: SandboxServer, harness: Harness, http: httpx.AsyncClient
) -> None:
    user = (await http.post("/_sandbox/users", json={"first_name": "Ann"})).json()
    response = await http.post(
        "/_sandbox/documents",
        data={"user_id": str(user["id"]), "caption": "add to knowledge"},
        files={"file": ("policy.txt", "年费政策\n".encode() * 10, "text/plain")},
    )
    assert response.json()["document"]["file_name"] == "policy.txt"
    (reply,) = await sandbox.world.wait_for_bot_messages(user["id"], 1)
    assert reply.text.startswith("policy.txt: 130 bytes")
    response = await http.post(
        "/_sandbox/photos",
        data={"user_id": str(user["id"])},
        files={"file": ("p.png", png_bytes(), "image/png")},
    )
    assert [size["width"] for size in response.json()["photo"]] == [320, 400]


async def test_errors_and_reset(sandbox: SandboxServer, http: httpx.AsyncClient) -> None:
    missing = await http.post("/_sandbox/messages", json={"user_id": 1, "text": "hi"})
    assert missing.status_code == 404 and "no user 1" in missing.json()["error"]
    bad = await http.post("/_sandbox/faults", json={"kind": "meteor"})
    assert bad.status_code == 400
    await http.post("/_sandbox/users", json={"first_name": "Ann"})
    await http.post(
        f"/bot{TOKEN}/setMyCommands",
        json={"commands": [{"command": "help", "description": "帮助"}]},
    )
    assert (await http.get("/_sandbox/state")).json()["bots"][0]["commands"][0]["command"] == "help"
    assert len((await http.get("/_sandbox/calls", params={"method": "setMyCommands"})).json()) == 1
    await http.post("/_sandbox/reset")
    state = (await http.get("/_sandbox/state")).json()
    assert state["users"] == [] and state["bots"][0]["commands"] == [] and state["last_seq"] == 0
