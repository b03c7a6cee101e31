"""The real bot, over HTTP, through the sandbox, answering with the real Assistant.

Every test waits for conditions (a reply, a callback answer), never for time, and
checks the audit rows its case wrote.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING, Any

import pytest

from bankpm_core.access import RateLimiter
from bankpm_core.uploads import Uploads
from bot.texts import COMMANDS
from ingest.documents.pipeline import IngestReport

if TYPE_CHECKING:
    from conftest import BotHarness

pytestmark = pytest.mark.asyncio(loop_scope="session")

METRIC_WITH_CHART = "闪借近12个月逾期率趋势"


def buttons(message: Any) -> list[dict[str, Any]]:
    markup = message.reply_markup or {}
    return [b for row in markup.get("inline_keyboard", []) for b in row]


def outcomes(rows: list[dict[str, Any]]) -> list[str]:
    return [r["outcome"] for r in rows]


# -- commands -------------------------------------------------------------------------------


async def test_commands_are_registered_in_both_languages(bot: BotHarness) -> None:
    registered = bot.sandbox.bot.commands
    names = [c.name for c in COMMANDS]
    for key in (("default", "zh"), ("default", "en"), ("default", "")):
        assert [c["command"] for c in registered[key]] == names
    assert registered[("default", "zh")][0]["description"].startswith("开始")
    assert registered[("default", "en")][0]["description"].startswith("Start")


async def test_start_help_whoami(bot: BotHarness) -> None:
    uid = bot.user("pm")
    (start,) = await bot.ask(uid, "/start")
    assert "您好，王芳" in (start.text or "")
    assert len(buttons(start)) >= 2  # example questions to tap
    (help_,) = await bot.ask(uid, "/help")
    for c in COMMANDS:
        assert f"/{c.name}" in help_.text
    assert "/ask <问题>" in help_.text  # escaped in HTML, shown literally
    (who,) = await bot.ask(uid, "/whoami")
    assert str(uid) in who.text and "pm" in who.text
    en = bot.user("viewer", lang="en", name="Alice")
    (who_en,) = await bot.ask(en, "/whoami")
    assert who_en.text.startswith("User id") and "viewer" in who_en.text
    rows = bot.audit(uid)
    assert outcomes(rows) == ["answered"] * 3 and rows[0]["question"] == "/start"


async def test_digest_commands_say_not_available_yet(bot: BotHarness) -> None:
    uid = bot.user("pm")
    (reply,) = await bot.ask(uid, "/subscribe")
    assert "尚未上线" in reply.text
    (reply,) = await bot.ask(uid, "/feedback 图表很清楚 13812345678")
    assert "已收到" in reply.text
    rows = bot.audit(uid)
    assert rows[-1]["intent"] == "feedback" and "138****5678" in rows[-1]["question"]


# -- questions ------------------------------------------------------------------------------


async def test_metric_question_with_chart_buttons_feedback_and_sources(bot: BotHarness) -> None:
    uid = bot.user("pm")
    text, photo = await bot.ask(uid, METRIC_WITH_CHART, 2)
    assert "逾期率" in text.text and "数据截至" in text.text
    assert text.parse_mode == "HTML" and any(e["type"] == "bold" for e in text.entities)
    assert photo.photo and photo.caption and "逾期率" in photo.caption
    # the numbers come first, with the buttons; the chart is drawn after and replies to them
    assert photo.reply_to is not None and photo.reply_to.message_id == text.message_id
    assert {"typing", "upload_photo"} <= set(bot.world.chat_actions(uid))
    labels = [b["text"] for b in buttons(text)]
    assert labels[-2:] == ["👍", "👎"] and len(labels) > 2  # follow-ups, then feedback
    assert all(len(b["callback_data"].encode()) <= 64 for b in buttons(text))
    assert not buttons(photo)
    (row,) = bot.audit(uid)
    assert row["intent"] == "metric_query" and row["outcome"] == "answered"
    assert "metric:overdue_rate" in row["sources"] and row["latency_ms"] >= 0
    assert row["answer_digest"] and len(row["answer_excerpt"]) <= 200

    query = bot.world.press_button(uid, text.message_id, text="👍")
    answer = await bot.world.wait_for_callback_answer(query, timeout=bot.timeout)
    assert "谢谢" in answer.get("text", "")
    assert bot.audit(uid)[0]["feedback"] == "👍"

    (sources,) = await bot.ask(uid, "/sources")
    assert "逾期" in sources.text and any(e["type"] == "pre" for e in sources.entities)


async def test_button_press_runs_the_follow_up(bot: BotHarness) -> None:
    uid = bot.user("pm", lang="en", name="Alice")
    first = await bot.ask(uid, "FlashLoan overdue rate by channel last quarter", 2)
    follow_up = buttons(first[0])[0]
    assert follow_up["callback_data"].startswith("q:")
    query = bot.world.press_button(uid, first[0].message_id, data=follow_up["callback_data"])
    await bot.world.wait_for_callback_answer(query, timeout=bot.timeout)
    replies = await bot.replies(uid, 1, after=first[-1])
    assert replies[0].text
    rows = bot.audit(uid)
    assert len(rows) == 2 and rows[1]["outcome"] == "answered"
    assert (
        rows[1]["question"].lower().startswith("flashloan")
        and rows[1]["question"] != rows[0]["question"]
    )


async def test_knowledge_question_with_citations(bot: BotHarness) -> None:
    if "knowledge" not in bot.services.assistant.capabilities:
        pytest.skip(
            "knowledge capability not installed yet (bankpm_core.capabilities.knowledge): "
            "knowledge answers are 'unavailable' until it lands"
        )
    uid = bot.user("compliance")
    replies = await bot.ask(uid, "信用卡催收时能联系借款人的同事吗？")
    text = "\n".join(m.text or "" for m in replies)
    assert "出处" in text and re.search(r"\[1\]", text)
    assert any(e["type"] == "blockquote" for m in replies for e in m.entities)
    assert bot.audit(uid)[0]["intent"] == "knowledge"


async def test_intent_commands_usage_and_pricing(bot: BotHarness) -> None:
    uid = bot.user("pm")
    (usage,) = await bot.ask(uid, "/price")
    assert usage.text.startswith("用法：/price <产品与客群>") and buttons(usage)
    (nothing,) = await bot.ask(uid, "/sources")
    assert "还没有" in nothing.text
    replies = await bot.ask(uid, "/price 闪借 青年白领")
    assert "建议" in replies[0].text
    rows = bot.audit(uid)
    assert [r["intent"] for r in rows] == ["help", "help", "pricing"]
    assert rows[-1]["question"] == "闪借 青年白领建议定价"


async def test_viewer_gets_no_product_numbers(bot: BotHarness) -> None:
    uid = bot.user("viewer")
    (reply,) = await bot.ask(uid, "闪借上个月逾期率是多少？")
    assert "无权" in reply.text and "%" not in reply.text
    assert outcomes(bot.audit(uid)) == ["forbidden"]


async def test_a_10000_character_answer_arrives_in_valid_parts(bot: BotHarness) -> None:
    uid = bot.user("pm", lang="en", name="Alice")
    sent = bot.world.post_message(uid, bot.long_question)
    answer = bot.services.assistant.ask(bot.long_question)
    expected = answer.text
    assert len(expected) >= 10_000
    n = 0
    while True:  # wait until the last part (the one with the buttons) has arrived
        n += 1
        parts = await bot.replies(uid, n, after=sent)
        if buttons(parts[-1]):
            break
    assert n >= 3
    for part in parts:
        assert len(part.text.encode("utf-16-le")) // 2 <= 4096  # the sandbox enforces it too
    joined = re.sub(r"\s+", "", "".join(p.text for p in parts))
    assert joined == re.sub(r"\s+", "", expected)  # nothing lost, nothing doubled
    assert len(bot.audit(uid)) == 1


# -- groups ---------------------------------------------------------------------------------


async def test_group_answers_only_when_addressed(bot: BotHarness) -> None:
    pm = bot.user("pm")
    stranger = bot.user(None, name="路人")
    chat = bot.group([pm, stranger])
    bot.world.post_message(pm, "大家看看闪借上个月的逾期率", chat_id=chat)  # not for the bot
    bot.world.post_message(pm, "/whoami@someone_else_bot", chat_id=chat)  # another bot's
    mention = bot.world.post_message(pm, f"@{bot.username} 闪借上个月逾期率是多少", chat_id=chat)
    replies = await bot.replies(chat, 1, after=mention)
    assert all(m.reply_to and m.reply_to.message_id == mention.message_id for m in replies)
    # Replying to the bot's message is addressing it too; so is a command.
    reply = bot.world.post_message(pm, "环比呢？", chat_id=chat, reply_to=replies[-1])
    (second,) = await bot.replies(chat, 1, after=reply)
    assert second.reply_to.message_id == reply.message_id
    who = bot.world.post_message(stranger, f"/whoami@{bot.username}", chat_id=chat)
    (third,) = await bot.replies(chat, 1, after=who)
    assert "pm" in third.text  # an unlisted member of an allowed group gets the group's role
    texts = [r["question"] for r in bot.audit(pm)]
    assert texts == [
        "闪借上个月逾期率是多少",
        "环比呢？",
    ]  # the @mention is not part of the question
    mine = [
        m
        for m in bot.world.bot_messages(chat)
        if m.reply_to and m.reply_to.message_id < mention.message_id
    ]
    assert mine == []  # the unaddressed messages got nothing


async def test_unlisted_group_is_refused_with_ids(bot: BotHarness) -> None:
    pm = bot.user("admin")
    chat = bot.group([pm], role=None)
    (reply,) = await bot.ask(pm, f"@{bot.username} 闪借逾期率", chat_id=chat)
    assert str(chat) in reply.text and str(pm) in reply.text and "%" not in reply.text
    assert outcomes(bot.audit(pm)) == ["refused"]


# -- access ---------------------------------------------------------------------------------


async def test_unknown_user_gets_only_a_refusal_with_their_id(bot: BotHarness) -> None:
    uid = bot.user(None, lang="en", name="Mallory")
    (reply,) = await bot.ask(uid, "FlashLoan overdue rate last month 13812345678")
    assert str(uid) in reply.text and reply.text.startswith("Sorry")
    assert not reply.reply_markup and not re.search(r"\d+\.\d+%|/help", reply.text)
    (again,) = await bot.ask(uid, "/start")
    assert str(uid) in again.text
    rows = bot.audit(uid)
    assert outcomes(rows) == ["refused", "refused"] and "138****5678" in rows[0]["question"]


async def test_rate_limit_per_user(bot: BotHarness) -> None:
    uid = bot.user("pm")
    saved = bot.services.limiter
    bot.services.limiter = RateLimiter(1)
    try:
        await bot.ask(uid, "/ask help")
        (limited,) = await bot.ask(uid, "/ask 闪借上个月逾期率")
    finally:
        bot.services.limiter = saved
    assert "太频繁" in limited.text
    assert outcomes(bot.audit(uid)) == ["answered", "rate_limited"]


# -- uploads --------------------------------------------------------------------------------


class FakeKnowledge:
    def __init__(self) -> None:
        self.paths: list[Any] = []

    def ingest(self, paths: list[Any]) -> IngestReport:
        self.paths += paths
        return IngestReport(added=[str(p) for p in paths], chunks_written=1)


async def test_upload_is_downloaded_via_get_file_and_ingested(bot: BotHarness) -> None:
    uid = bot.user("compliance")
    data = "# 催收管理补充规定\n\n第一条 不得向借款人的同事透露欠款信息。\n".encode()
    saved = bot.services.uploads
    fake = FakeKnowledge()
    bot.services.uploads = Uploads(saved.upload_dir, {"knowledge": fake})
    try:
        sent = bot.world.post_document(uid, data, "补充规定.md", caption="加入知识库")
        (reply,) = await bot.replies(uid, 1, after=sent)
    finally:
        bot.services.uploads = saved
    assert "已将“补充规定.md”加入知识库" in reply.text and not buttons(reply)
    (path,) = fake.paths
    assert path.read_bytes() == data and path.is_relative_to(saved.upload_dir)
    (row,) = bot.audit(uid)
    assert row["outcome"] == "upload" and row["sources"] == [str(path)]


async def test_upload_with_the_real_assistant(bot: BotHarness) -> None:
    uid = bot.user("pm", lang="en", name="Alice")
    doc = (
        "# Zephyr pilot card\n\nThe Zephyr pilot card charges a monthly fee of CNY 7 and is "
        "offered only in Chengdu branches during the pilot.\n"
    )
    sent = bot.world.post_document(uid, doc.encode(), "zephyr.md", caption="add to knowledge")
    (reply,) = await bot.replies(uid, 1, after=sent)
    if "knowledge" in bot.services.assistant.capabilities:
        assert "Added “zephyr.md”" in reply.text, reply.text
        answers = await bot.ask(uid, "What is the monthly fee of the Zephyr pilot card?")
        assert "zephyr" in "\n".join(m.text or "" for m in answers).lower()  # it is searchable
        assert outcomes(bot.audit(uid)) == ["upload", "answered"]
    else:
        assert "knowledge base is not available" in reply.text
        assert outcomes(bot.audit(uid)) == ["error"]


async def test_upload_refusals_are_clear(bot: BotHarness) -> None:
    viewer = bot.user("viewer")
    sent = bot.world.post_document(viewer, b"%PDF-1.4", "a.pdf", caption="加入知识库")
    (reply,) = await bot.replies(viewer, 1, after=sent)
    assert "不能向知识库添加" in reply.text
    pm = bot.user("pm")
    sent = bot.world.post_document(pm, b"MZ\x90\x00", "tool.exe", caption="加入知识库")
    (reply,) = await bot.replies(pm, 1, after=sent)
    assert "PDF、DOCX、MD、TXT" in reply.text
    sent = bot.world.post_document(pm, b"hello", "notes.txt")
    (reply,) = await bot.replies(pm, 1, after=sent)
    assert "加入知识库" in reply.text
    sent = bot.world.post_photo(pm, _png())
    (reply,) = await bot.replies(pm, 1, after=sent)
    assert "只能处理文字问题" in reply.text
    assert outcomes(bot.audit(viewer)) == ["forbidden"]
    assert outcomes(bot.audit(pm)) == ["error", "error", "error"]


def _png() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), "steelblue").save(buf, format="PNG")
    return buf.getvalue()


# -- resilience -----------------------------------------------------------------------------


async def test_flood_control_and_server_errors_are_survived(bot: BotHarness) -> None:
    uid = bot.user("pm")
    bot.sandbox.faults.inject("sendMessage", "flood", retry_after=1)
    bot.sandbox.faults.inject("sendMessage", "server_error")
    bot.sandbox.faults.inject("sendMessage", "garbage")
    (reply,) = await bot.ask(uid, "/whoami")
    assert str(uid) in reply.text
    fired = [f.kind for _, f in bot.sandbox.faults.fired]
    assert fired == ["flood", "server_error", "garbage"] and not bot.sandbox.faults.pending
    assert len(bot.world.bot_messages(uid)) == 1  # retried, not duplicated
    assert outcomes(bot.audit(uid)) == ["answered"]


async def test_chart_send_survives_429(bot: BotHarness) -> None:
    uid = bot.user("pm")
    bot.sandbox.faults.inject("sendPhoto", "flood", retry_after=1)
    bot.sandbox.faults.inject("sendPhoto", "bad_gateway")
    _text, photo = await bot.ask(uid, METRIC_WITH_CHART, 2)
    assert photo.photo
    assert [f.kind for _, f in bot.sandbox.faults.fired] == ["flood", "bad_gateway"]


async def test_a_chart_that_cannot_be_drawn_costs_only_the_picture(
    bot: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(answer: Any) -> Any:
        raise RuntimeError("worker process died")

    monkeypatch.setattr(bot.services.answers, "draw", broken)
    uid = bot.user("pm")
    (text,) = await bot.ask(uid, METRIC_WITH_CHART)
    assert "逾期率" in text.text and buttons(text)
    await asyncio.sleep(1.0)  # time for a wrong apology to arrive
    assert len(bot.world.bot_messages(uid)) == 1
    assert outcomes(bot.audit(uid)) == ["answered"]


async def test_polling_survives_errors_and_garbage(bot: BotHarness) -> None:
    uid = bot.user("pm")
    faults = bot.sandbox.faults
    faults.inject("getUpdates", "server_error")
    faults.inject("getUpdates", "garbage")
    (first,) = await bot.ask(uid, "/whoami")  # ends the long poll in flight
    await bot.world.wait_for(lambda: not faults.pending, bot.timeout, "getUpdates faults")
    (second,) = await bot.ask(uid, "/whoami")  # answered by the next successful poll
    assert str(uid) in first.text and second.text == first.text
    assert [f.kind for _, f in faults.fired] == ["server_error", "garbage"]


async def test_a_malformed_update_does_not_stall_polling(bot: BotHarness) -> None:
    uid = bot.user("pm")
    bot.world.enqueue(bot.sandbox.bot, "message", {"message_id": 1, "text": "no chat, no date"})
    bot.world.enqueue(bot.sandbox.bot, "callback_query", "garbage")
    (reply,) = await bot.ask(uid, "/whoami")  # in the same or the next batch
    assert str(uid) in reply.text


async def test_an_expired_button_says_so(bot: BotHarness) -> None:
    uid = bot.user("pm")
    (start,) = await bot.ask(uid, "/start")
    data = buttons(start)[0]["callback_data"]
    bot.services.followups = type(bot.services.followups)()  # as after a restart
    query = bot.world.press_button(uid, start.message_id, data=data)
    answer = await bot.world.wait_for_callback_answer(query, timeout=bot.timeout)
    assert "过期" in answer["text"] and answer.get("show_alert")
    assert outcomes(bot.audit(uid)) == ["answered", "error"]


async def test_error_handler_logs_and_apologises(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    uid = bot.user("pm")
    bot.sandbox.faults.inject(
        "sendMessage", "error", status=400, description="Bad Request: chat is on fire"
    )
    (reply,) = await bot.ask(uid, "/whoami")
    assert "抱歉" in reply.text and "已记录日志" in reply.text
    assert any("error handling update" in r.getMessage() and r.exc_info for r in caplog.records)
    assert outcomes(bot.audit(uid)) == ["answered", "error"]
    (ok,) = await bot.ask(uid, "/whoami")  # and the bot carries on
    assert str(uid) in ok.text
