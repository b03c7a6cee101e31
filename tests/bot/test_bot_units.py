"""Small pure pieces: retries, addressing in groups, command texts, log masking."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from telegram import Chat, Message, MessageEntity, Update, User
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot import send
from bot.addressing import addressed, question_text, telegram_language
from bot.logs import MaskingFilter
from bot.texts import COMMANDS, EXAMPLES, command_question, help_html, message, usage

BOT_ID, BOT_NAME = 1000001, "bankpm_bot"
NOW = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


class Flaky:
    """A call that fails with the given errors, then returns "ok"."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


@pytest.fixture
def no_sleep(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []

    async def fake_sleep(delay: float) -> None:
        slept.append(delay)

    monkeypatch.setattr(send.asyncio, "sleep", fake_sleep)
    return slept


async def test_retry_honours_retry_after_and_backs_off(no_sleep: list[float]) -> None:
    call = Flaky(RetryAfter(3), NetworkError("Internal Server Error (500)"), TimedOut())
    assert await send.with_retry(call) == "ok"
    assert call.calls == 4
    assert no_sleep[0] == pytest.approx(3.05)  # what Telegram asked for, plus a little
    assert 0.3 < no_sleep[1] < 0.7 and 0.7 < no_sleep[2] < 1.3  # exponential with jitter


async def test_retry_also_survives_a_garbled_body(no_sleep: list[float]) -> None:
    call = Flaky(TelegramError("Invalid server response"))
    assert await send.with_retry(call) == "ok"


@pytest.mark.parametrize("error", [BadRequest("Message is too long"), Forbidden("bot was blocked")])
async def test_retry_gives_up_at_once_on_client_errors(
    no_sleep: list[float], error: Exception
) -> None:
    call = Flaky(error)
    with pytest.raises(type(error)):
        await send.with_retry(call)
    assert call.calls == 1 and no_sleep == []


async def test_retry_is_bounded(no_sleep: list[float]) -> None:
    call = Flaky(*[NetworkError("down")] * 10)
    with pytest.raises(NetworkError):
        await send.with_retry(call, attempts=4)
    assert call.calls == 4 and len(no_sleep) == 3


def test_retry_seconds_reads_int_and_timedelta() -> None:
    assert send.retry_seconds(RetryAfter(7)) == 7.0


def _update(
    text: str,
    chat_type: str = "group",
    entities: tuple[MessageEntity, ...] = (),
    reply_from: User | None = None,
) -> Update:
    chat = Chat(-100, chat_type) if chat_type != "private" else Chat(5, "private")
    user = User(5, "王芳", is_bot=False)
    reply = Message(1, NOW, chat, from_user=reply_from, text="earlier") if reply_from else None
    message = Message(
        2, NOW, chat, from_user=user, text=text, entities=entities, reply_to_message=reply
    )
    return Update(1, message=message)


def _mention(text: str, who: str) -> tuple[MessageEntity, ...]:
    start = text.index(who)
    return (MessageEntity(MessageEntity.MENTION, start, len(who)),)


@pytest.mark.parametrize(
    ("update", "expected"),
    [
        (_update("闪借逾期率", "private"), True),
        (_update("闪借逾期率"), False),
        (
            _update(
                "@bankpm_bot 闪借逾期率", entities=_mention("@bankpm_bot 闪借逾期率", "@bankpm_bot")
            ),
            True,
        ),
        (_update("@BANKPM_BOT hi", entities=_mention("@BANKPM_BOT hi", "@BANKPM_BOT")), True),
        (_update("@other_bot 闪借", entities=_mention("@other_bot 闪借", "@other_bot")), False),
        (_update("/ask 闪借"), True),
        (_update("/ask@bankpm_bot 闪借"), True),
        (_update("/ask@other_bot 闪借"), False),
        (_update("环比呢", reply_from=User(BOT_ID, "bot", is_bot=True)), True),
        (_update("环比呢", reply_from=User(9, "someone", is_bot=False)), False),
    ],
)
def test_addressing_in_groups(update: Update, expected: bool) -> None:
    assert addressed(update, BOT_NAME, BOT_ID) is expected


def test_text_mention_of_the_bot_counts() -> None:
    entity = MessageEntity(MessageEntity.TEXT_MENTION, 0, 3, user=User(BOT_ID, "bot", is_bot=True))
    assert addressed(_update("助手 闪借", entities=(entity,)), BOT_NAME, BOT_ID)


def test_question_text_and_language() -> None:
    assert question_text("@BankPM_bot  闪借 逾期率\n环比", BOT_NAME) == "闪借 逾期率 环比"
    assert telegram_language("zh-hans") == "zh" and telegram_language("en-GB") == "en"
    assert telegram_language(None, "en") == "en"


def test_every_command_has_help_in_both_languages() -> None:
    for c in COMMANDS:
        assert c.zh and c.en and re.fullmatch(r"[a-z]{1,32}", c.name)
        assert 3 <= len(c.en) <= 256 and len(c.zh) <= 256
    for lang in ("zh", "en"):
        text = help_html(lang, BOT_NAME)
        assert all(f"/{c.name}" in text for c in COMMANDS)
        for kind in EXAMPLES:
            assert EXAMPLES[kind][lang]
        for key in ("digest_unavailable", "apology", "rate_limited", "unsupported"):
            assert message(key, lang, seconds=3)
    assert "&lt;问题&gt;" in usage("ask", "zh")


def test_command_questions_carry_the_intent() -> None:
    assert command_question("price", "闪借 青年白领", "zh") == "闪借 青年白领建议定价"
    assert command_question("price", "闪借利率建议", "zh") == "闪借利率建议"
    assert (
        command_question("complaints", "FlashLoan this month", "en")
        == "FlashLoan this month complaints"
    )
    assert command_question("metric", "闪借逾期率", "zh") == "闪借逾期率"


def test_logs_never_carry_personal_numbers_or_the_token(caplog: pytest.LogCaptureFixture) -> None:
    log = logging.getLogger("bankpm.test")
    record_filter = MaskingFilter(secrets=("123:SECRET",))
    records: list[Any] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Keep()
    handler.addFilter(record_filter)
    log.addHandler(handler)
    try:
        try:
            raise ValueError("card 6222021001123456789 for 13812345678")
        except ValueError:
            log.exception("asked %s via https://api/bot123:SECRET/x", "11010519491231002X")
    finally:
        log.removeHandler(handler)
    (line,) = records
    for secret in ("6222021001123456789", "13812345678", "11010519491231002X", "123:SECRET"):
        assert secret not in line
    assert "138****5678" in line and "Traceback" in line


def test_bot_package_stays_a_thin_adapter() -> None:
    """bot/ never imports the heavy layers directly (STYLE: thin adapter)."""
    import ast
    from pathlib import Path

    forbidden = {"sqlalchemy", "pandas", "chromadb", "langchain", "langchain_core"}
    root = Path(__file__).resolve().parents[2] / "bot"
    for path in root.glob("*.py"):  # bot/sandbox/ is a separate server
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] not in forbidden, f"{path.name} imports {name}"
