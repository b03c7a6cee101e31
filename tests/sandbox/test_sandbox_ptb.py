"""A real python-telegram-bot Application, polling the sandbox over HTTP."""

from __future__ import annotations

import datetime as dtm
import hashlib

import pytest
from sandbox_helpers import (
    BOT_USERNAME,
    PHOTO,
    Harness,
    add_test_handlers,
    build_app,
    run_polling,
    stop_polling,
)
from telegram import BotCommand, BotCommandScopeAllGroupChats, MessageEntity
from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter, TelegramError
from telegram.ext import AIORateLimiter, ApplicationBuilder

from bot.sandbox import SandboxServer


async def test_get_me_and_bot_identity(harness: Harness) -> None:
    bot = harness.app.bot
    assert bot.username == BOT_USERNAME
    assert bot.id == 1000001
    me = await bot.get_me()
    assert me.is_bot and me.can_read_all_group_messages


async def test_commands_round_trip(harness: Harness) -> None:
    bot = harness.app.bot
    commands = [BotCommand("start", "开始 / Start"), BotCommand("ask", "提问 / Ask a question")]
    assert await bot.set_my_commands(commands)
    assert await bot.set_my_commands(commands[:1], language_code="zh")
    assert await bot.get_my_commands() == tuple(commands)
    assert await bot.get_my_commands(language_code="zh") == tuple(commands[:1])
    assert await bot.get_my_commands(scope=BotCommandScopeAllGroupChats()) == ()
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])


async def test_start_command_has_entity_and_html_reply(
    sandbox: SandboxServer, harness: Harness
) -> None:
    user = sandbox.world.create_user("王芳", username="wangfang", language_code="zh-hans")
    sent = sandbox.world.post_message(user.id, "/start")
    (reply,) = await sandbox.world.wait_for_bot_messages(user.id, 1, after=sent)
    assert reply.text == "Welcome, 王芳! 欢迎"
    assert reply.entities == [{"offset": 9, "length": 2, "type": "bold"}]
    assert reply.parse_mode == "HTML" and reply.source == "Welcome, <b>王芳</b>! 欢迎"
    update = harness.received[0]
    assert update.message.entities == (MessageEntity("bot_command", 0, 6),)
    assert update.message.from_user.language_code == "zh-hans"
    assert isinstance(update.message.date, dtm.datetime) and update.message.date.tzinfo is not None


async def test_echo_delivers_each_update_once_without_busy_polling(
    sandbox: SandboxServer, harness: Harness
) -> None:
    user = sandbox.world.create_user("Alice")
    texts = ["one", "two <three> & four", "逾期率是多少？"]
    for text in texts:
        sandbox.world.post_message(user.id, text)
    replies = await sandbox.world.wait_for_bot_messages(user.id, 3)
    assert [r.text for r in replies] == [f"echo: {t}" for t in texts]
    assert sandbox.world.chat_actions(user.id) == ["typing"] * 3
    assert [u.message.text for u in harness.received] == texts
    assert len({u.update_id for u in harness.received}) == 3
    polls = [name for name, _ in sandbox.calls if name == "getUpdates"]
    assert len(polls) <= 2 * len(texts) + 3  # long polling, not a busy loop


async def test_no_redelivery_after_restart(sandbox: SandboxServer, harness: Harness) -> None:
    user = sandbox.world.create_user("Alice")
    sandbox.world.post_message(user.id, "first")
    await sandbox.world.wait_for_bot_messages(user.id, 1)
    await stop_polling(harness.app)
    second = Harness(build_app(sandbox))
    add_test_handlers(second.app, second)
    async with second.app:
        await run_polling(second.app)
        sandbox.world.post_message(user.id, "second")
        await sandbox.world.wait_for_bot_messages(user.id, 2)
        await stop_polling(second.app)
    assert [u.message.text for u in second.received] == ["second"]
    await run_polling(harness.app)  # the fixture stops it again


async def test_photo_upload_get_file_and_download(sandbox: SandboxServer, harness: Harness) -> None:
    user = sandbox.world.create_user("Alice")
    sent = sandbox.world.post_message(user.id, "/photo")
    (reply,) = await sandbox.world.wait_for_bot_messages(user.id, 1, after=sent)
    assert reply.caption == "Overdue rate 逾期率"
    assert reply.reply_markup["inline_keyboard"][0][0]["callback_data"] == "approve"
    assert sandbox.world.chat_actions(user.id) == ["upload_photo"]
    largest = reply.photo[-1]
    assert (largest.width, largest.height) == (400, 300)
    file = await harness.app.bot.get_file(largest.file_id)
    assert file.file_path.startswith(sandbox.file_prefix)
    assert bytes(await file.download_as_bytearray()) == PHOTO


async def test_document_from_user_is_downloaded_by_the_bot(
    sandbox: SandboxServer, harness: Harness
) -> None:
    user = sandbox.world.create_user("Alice")
    content = "# 信用卡催收规定\n第十条 ……\n".encode() * 50
    sent = sandbox.world.post_document(user.id, content, "催收规定.md", caption="add to knowledge")
    (reply,) = await sandbox.world.wait_for_bot_messages(user.id, 1, after=sent)
    digest = hashlib.sha256(content).hexdigest()[:12]
    assert reply.text == f"催收规定.md: {len(content)} bytes sha={digest}"
    document = harness.received[0].message.document
    assert document.mime_type == "text/markdown" and document.file_size == len(content)
    assert harness.received[0].message.caption == "add to knowledge"


async def test_callback_query_round_trip(sandbox: SandboxServer, harness: Harness) -> None:
    user = sandbox.world.create_user("Alice")
    sandbox.world.post_message(user.id, "/photo")
    (photo,) = await sandbox.world.wait_for_bot_messages(user.id, 1)
    query = sandbox.world.press_button(user.id, photo.message_id, text="Approve 批准")
    answer = await sandbox.world.wait_for_callback_answer(query)
    assert answer["text"] == "Got approve" and answer["show_alert"] is False
    await sandbox.world.wait_for(lambda: photo.edit_date, what="the caption edit")
    assert photo.caption == "chosen: approve" and photo.reply_markup is None
    update = harness.received[-1]
    assert update.callback_query.data == "approve"
    assert update.callback_query.chat_instance and update.callback_query.from_user.id == user.id
    assert update.callback_query.message.message_id == photo.message_id
    with pytest.raises(LookupError):
        sandbox.world.press_button(user.id, photo.message_id, data="approve")  # keyboard is gone


async def test_answering_twice_or_unknown_query_is_refused(
    sandbox: SandboxServer, harness: Harness
) -> None:
    # PTB capitalizes descriptions (str.capitalize), so "query ID" arrives as "query id".
    with pytest.raises(BadRequest, match=r"(?i)query id is invalid"):
        await harness.app.bot.answer_callback_query("12345")


@pytest.mark.parametrize(
    "markup",
    ["<b>unclosed", "<p>paragraph</p>", "a < b", "<b>x</i>", "line<br>break"],
)
async def test_malformed_html_raises_bad_request(
    sandbox: SandboxServer, harness: Harness, markup: str
) -> None:
    user = sandbox.world.create_user("Alice")
    sandbox.world.post_message(user.id, "hi")
    await sandbox.world.wait_for_bot_messages(user.id, 1)
    with pytest.raises(BadRequest, match="Can't parse entities"):
        await harness.app.bot.send_message(user.id, markup, parse_mode="HTML")


async def test_length_limits_count_text_after_parsing(
    sandbox: SandboxServer, harness: Harness
) -> None:
    user = sandbox.world.create_user("Alice")
    sandbox.world.post_message(user.id, "hi")
    bot = harness.app.bot
    exact = await bot.send_message(user.id, f"<b>{'x' * 4096}</b>", parse_mode="HTML")
    assert len(exact.text) == 4096
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(user.id, "字" * 4097)
    with pytest.raises(BadRequest, match="Message is too long"):
        await bot.send_message(user.id, "😀" * 2049)  # 4098 UTF-16 code units
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await bot.send_photo(user.id, PHOTO, caption="c" * 1025)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await bot.send_message(user.id, "<b> </b>", parse_mode="HTML")


async def test_injected_429_raises_retry_after(
    sandbox: SandboxServer, harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    user = sandbox.world.create_user("Alice")
    sandbox.world.post_message(user.id, "hi")
    await sandbox.world.wait_for_bot_messages(user.id, 1)
    sandbox.faults.inject("sendMessage", "flood", retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await harness.app.bot.send_message(user.id, "x")
    assert caught.value.retry_after == dtm.timedelta(seconds=3)
    assert (
        await harness.app.bot.send_message(user.id, "after the flood")
    ).text == "after the flood"


async def test_rate_limiter_retries_after_429(
    sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # AIORateLimiter reads RetryAfter.retry_after
    user = sandbox.world.create_user("Alice")
    sandbox.world.post_message(user.id, "hi")
    app = build_app(sandbox, lambda b: b.rate_limiter(AIORateLimiter(max_retries=2)))
    async with app:
        sandbox.faults.inject("sendMessage", "flood", retry_after=1)
        message = await app.bot.send_message(user.id, "retried")
    assert message.text == "retried"
    assert [m.text for m in sandbox.world.bot_messages(user.id)] == ["retried"]
    assert [name for name, _ in sandbox.faults.fired] == ["sendMessage"]


async def test_500_reaches_the_error_handler_and_the_app_keeps_running(
    sandbox: SandboxServer, harness: Harness
) -> None:
    user = sandbox.world.create_user("Alice")
    sandbox.faults.inject("sendMessage", "server_error")
    sandbox.world.post_message(user.id, "first")
    await sandbox.world.wait_for(lambda: harness.errors, what="an error in the error handler")
    assert isinstance(harness.errors[0], NetworkError)
    assert "Internal Server Error" in str(harness.errors[0])
    second = sandbox.world.post_message(user.id, "second")
    (reply,) = await sandbox.world.wait_for_bot_messages(user.id, 1, after=second)
    assert reply.text == "echo: second"


@pytest.mark.parametrize("kind", ["server_error", "garbage", "drop", "bad_gateway"])
async def test_polling_survives_a_broken_get_updates(
    sandbox: SandboxServer, harness: Harness, kind: str
) -> None:
    user = sandbox.world.create_user("Alice")
    sandbox.faults.inject("getUpdates", kind)
    sandbox.world.post_message(user.id, "still there?")
    (reply,) = await sandbox.world.wait_for_bot_messages(user.id, 1, timeout=8)
    assert reply.text == "echo: still there?"
    assert [m.text for m in sandbox.world.bot_messages(user.id)] == ["echo: still there?"]


@pytest.mark.parametrize(
    ("kind", "error"),
    [("garbage", TelegramError), ("drop", NetworkError), ("bad_gateway", NetworkError)],
)
async def test_broken_responses_raise_telegram_errors(
    sandbox: SandboxServer, harness: Harness, kind: str, error: type[Exception]
) -> None:
    user = sandbox.world.create_user("Alice")
    sandbox.world.post_message(user.id, "hi")
    await sandbox.world.wait_for_bot_messages(user.id, 1)
    sandbox.faults.inject("sendMessage", kind)
    with pytest.raises(error):
        await harness.app.bot.send_message(user.id, "x")


async def test_group_messages_carry_chat_type_and_mentions(
    sandbox: SandboxServer, harness: Harness
) -> None:
    alice = sandbox.world.create_user("Alice")
    bob = sandbox.world.create_user("Bob", username="bob_pm")
    group = sandbox.world.create_chat("产品经理团队", members=[alice.id, bob.id])
    text = f"@{BOT_USERNAME} 闪借上个月逾期率？ cc @bob_pm"
    sandbox.world.post_message(alice.id, text, chat_id=group.id)
    sandbox.world.post_message(bob.id, "/start@other_bot", chat_id=group.id)
    await sandbox.world.wait_for_bot_messages(group.id, 1)
    await sandbox.world.wait_for(lambda: len(harness.received) == 2, what="both group updates")
    first = harness.received[0].message
    assert first.chat.type == "group" and first.chat.title == "产品经理团队" and first.chat.id < 0
    mentions = first.parse_entities([MessageEntity.MENTION])
    assert sorted(mentions.values()) == [f"@{BOT_USERNAME}", "@bob_pm"]
    assert (
        harness.received[1].message.parse_entities(["bot_command"])
        and harness.received[1].message.from_user.id == bob.id
    )


async def test_privacy_mode_hides_unaddressed_group_messages(
    sandbox: SandboxServer, harness: Harness
) -> None:
    sandbox.bot.privacy_mode = True
    alice = sandbox.world.create_user("Alice")
    group = sandbox.world.create_chat("Team", type="supergroup", members=[alice.id])
    sandbox.world.post_message(alice.id, "just chatting", chat_id=group.id)
    sandbox.world.post_message(alice.id, f"@{BOT_USERNAME} hi", chat_id=group.id)
    (reply,) = await sandbox.world.wait_for_bot_messages(group.id, 1)
    sandbox.world.post_message(alice.id, "thanks", chat_id=group.id, reply_to=reply)
    await sandbox.world.wait_for_bot_messages(group.id, 2)
    assert [u.message.text for u in harness.received] == [f"@{BOT_USERNAME} hi", "thanks"]
    assert harness.received[1].message.reply_to_message.message_id == reply.message_id
    assert harness.received[0].message.chat.type == "supergroup"


async def test_wrong_token_is_invalid_token(sandbox: SandboxServer) -> None:
    app = ApplicationBuilder().token("999:wrong").base_url(sandbox.api_prefix).build()
    with pytest.raises(InvalidToken):
        await app.bot.get_me()
