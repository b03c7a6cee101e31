"""Handlers: parse the update → call the core off the event loop → render and send.

No business logic lives here. :func:`gate` runs first for every update (handler
group -1): it drops what is not addressed to the bot, refuses unknown users and
chats, and resolves the caller's role. Every update that gets a reply also gets an
audit row (see :func:`audit`).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time

from telegram import Update
from telegram.constants import ChatAction
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bankpm_core.access import AccessDecision, refusal_text
from bankpm_core.answer import Answer
from bankpm_core.audit import AuditEntry, Outcome
from bankpm_core.language import detect_language
from bankpm_core.uploads import UploadRequest, wants_ingest
from bankpm_core.users import UserContext
from bot import texts
from bot.addressing import addressed, question_text, telegram_language
from bot.context import BotContext, Caller
from bot.render import (
    Button,
    chart_photos,
    keyboard,
    parse_callback,
    plain_text,
    render_answer,
    sources_html,
)
from bot.send import ack, send_html, send_photo, send_rendered, typing, with_retry

log = logging.getLogger(__name__)


# -- helpers (not handlers) ---------------------------------------------------------------


def _reply_to(update: Update, caller: Caller) -> int | None:
    """In groups, answers quote the message they answer; private chats need no quote."""
    if caller.chat_type == "private":
        return None
    if update.callback_query and update.callback_query.message:
        return update.callback_query.message.message_id
    return update.effective_message.message_id if update.effective_message else None


def _update_text(update: Update) -> str:
    message = update.effective_message
    if update.callback_query is not None:
        return f"[button] {update.callback_query.data or ''}"
    if message is None:
        return ""
    return message.text or message.caption or ""


async def audit(context: BotContext, update: Update, outcome: Outcome, **fields: object) -> int:
    """Write one audit row off the event loop (masking happens inside AuditLog)."""
    user, chat = update.effective_user, update.effective_chat
    started = context.caller.started if context.has_caller else time.perf_counter()
    entry = AuditEntry(
        user_id=user.id if user else "?",
        chat_id=chat.id if chat else None,
        chat_type=chat.type if chat else None,
        outcome=outcome,
        latency_ms=(time.perf_counter() - started) * 1000,
        **fields,  # type: ignore[arg-type]
    )
    return await asyncio.to_thread(context.services.audit.record, entry)


def outcome_of(answer: Answer) -> Outcome:
    if answer.error is None:
        return "answered"
    return "forbidden" if answer.error.code == "forbidden" else "error"


def _sources(answer: Answer) -> list[str]:
    out = list(answer.sources)
    if answer.query and answer.query.get("metric"):
        out.append(f"metric:{answer.query['metric']}")
    out += [c.source for c in answer.citations]
    return list(dict.fromkeys(out))


async def deliver(
    update: Update,
    context: BotContext,
    answer: Answer,
    outcome: Outcome | None = None,
    *,
    feedback: bool = True,
) -> None:
    """Audit, render and send an Answer (with 👍/👎 unless told not to); keep it for /sources."""
    caller, services = context.caller, context.services
    outcome = outcome or outcome_of(answer)
    row = await audit(
        context,
        update,
        outcome,
        question=answer.question or _update_text(update),
        intent=answer.intent,
        sources=_sources(answer),
        answer_text=answer.text,
        language=answer.language,
    )
    rendered = render_answer(answer)
    markup = keyboard(
        rendered.buttons, services.followups.register, feedback_ref=row if feedback else None
    )
    sent = await send_rendered(
        context.bot, caller.chat_id, rendered, markup, reply_to=_reply_to(update, caller)
    )
    services.last_answers.put(caller.key, answer)
    if any(not c.png for c in answer.charts):
        await send_charts(context, answer, reply_to=sent[0].message_id if sent else None)


async def send_charts(context: BotContext, answer: Answer, *, reply_to: int | None) -> None:
    """Draw the answer's charts (after every waiting question) and send them as photos."""
    chat_id = context.caller.chat_id
    try:
        async with typing(context.bot, chat_id, ChatAction.UPLOAD_PHOTO):
            drawn = await context.services.answers.draw(answer)
        for photo in chart_photos(drawn):
            await send_photo(context.bot, chat_id, photo.png, photo.caption, reply_to=reply_to)
    except Exception:  # the user already has the numbers: a lost picture is only logged
        log.exception("chart for %r could not be drawn or sent", answer.question[:80])


async def notice(
    update: Update,
    context: BotContext,
    html_text: str,
    outcome: Outcome = "answered",
    *,
    intent: str | None = "help",
    buttons: list[Button] | None = None,
) -> None:
    """A message of the bot's own (help, usage, refusals), audited like an answer."""
    caller = context.caller
    await audit(
        context,
        update,
        outcome,
        question=_update_text(update),
        intent=intent,
        answer_text=plain_text(html_text),
    )
    markup = keyboard(buttons or [], context.services.followups.register)
    await send_html(
        context.bot, caller.chat_id, html_text, markup=markup, reply_to=_reply_to(update, caller)
    )


async def respond(update: Update, context: BotContext, question: str) -> None:
    """Rate-limit, ask the core in a worker thread with "typing…", then deliver."""
    caller, services = context.caller, context.services
    wait = services.limiter.check(caller.user_id)
    if wait:
        lang = detect_language(question, caller.lang)  # type: ignore[arg-type]
        text = texts.message("rate_limited", lang, seconds=math.ceil(wait))
        await notice(update, context, text, "rate_limited", intent=None)
        return
    async with typing(context.bot, caller.chat_id):
        answer = await services.answers.ask(question, caller.user)
    await deliver(update, context, answer)


def _examples(kind: str, lang: str) -> list[Button]:
    return [Button(q, q) for q in texts.EXAMPLES[kind][lang]]


# -- the gate -----------------------------------------------------------------------------


async def gate(update: object, context: BotContext) -> None:
    """Admit updates addressed to the bot from allowed users; refuse the rest politely."""
    if not isinstance(update, Update) or not update.effective_user or not update.effective_chat:
        raise ApplicationHandlerStop
    user, chat = update.effective_user, update.effective_chat
    if user.is_bot or not addressed(update, context.bot.username, context.bot.id):
        raise ApplicationHandlerStop
    services = context.services
    lang = telegram_language(user.language_code, services.settings.language)
    decision = services.access.decide(user.id, chat.id, chat.type)
    if not decision.allowed or decision.role is None:
        await refuse(update, context, decision, lang)
        raise ApplicationHandlerStop
    context.caller = Caller(
        user=UserContext(str(user.id), user.full_name, decision.role, str(chat.id)),
        user_id=user.id,
        chat_id=chat.id,
        chat_type=chat.type,
        lang=lang,
        started=time.perf_counter(),
    )


async def refuse(update: Update, context: BotContext, decision: AccessDecision, lang: str) -> None:
    """Tell an unknown user their id (and nothing else); quietly drop floods of those."""
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    if context.services.limiter.check(("refused", user.id)):
        return
    text = refusal_text(decision, user.id, chat.id, lang)
    await audit(context, update, "refused", question=_update_text(update), answer_text=text)
    if update.callback_query is not None:
        await ack(update.callback_query, text, alert=True)
        return
    await with_retry(lambda: context.bot.send_message(chat.id, text), what="refusal")


# -- commands -----------------------------------------------------------------------------


async def on_start(update: Update, context: BotContext) -> None:
    """/start: greet and offer example questions."""
    caller = context.caller
    name = update.effective_user.first_name if update.effective_user else ""
    html_text = texts.start_html(caller.lang, name)
    await notice(update, context, html_text, buttons=_examples("ask", caller.lang))


async def on_help(update: Update, context: BotContext) -> None:
    """/help: every command in the user's language, with examples."""
    caller = context.caller
    html_text = texts.help_html(caller.lang, context.bot.username)
    await notice(update, context, html_text, buttons=_examples("metric", caller.lang))


async def on_ask(update: Update, context: BotContext) -> None:
    """/ask, /metric, /price, /complaints <question>."""
    caller = context.caller
    message = update.effective_message
    command = (
        (message.text or "").split()[0].lstrip("/").split("@")[0].lower() if message else "ask"
    )
    args = " ".join(context.args or [])
    if not args:
        kind = command if command in texts.EXAMPLES else "ask"
        html_text = texts.usage(command, caller.lang)
        await notice(update, context, html_text, buttons=_examples(kind, caller.lang))
        return
    lang = detect_language(args, caller.lang)  # type: ignore[arg-type]
    await respond(update, context, texts.command_question(command, args, lang))


async def on_sources(update: Update, context: BotContext) -> None:
    """/sources: where the caller's last answer in this chat came from."""
    caller = context.caller
    answer = context.services.last_answers.get(caller.key)
    if answer is None:
        await notice(update, context, texts.message("no_last_answer", caller.lang))
        return
    await notice(update, context, sources_html(answer), intent="sources")


async def on_digest(update: Update, context: BotContext) -> None:
    """/subscribe, /unsubscribe: digests are not available yet — say so plainly."""
    await notice(update, context, texts.message("digest_unavailable", context.caller.lang))


async def on_whoami(update: Update, context: BotContext) -> None:
    """/whoami: the ids and role an administrator needs."""
    caller = context.caller
    html_text = texts.whoami_html(
        caller.lang, caller.user_id, caller.chat_id, caller.chat_type, caller.user.role
    )
    await notice(update, context, html_text)


async def on_feedback(update: Update, context: BotContext) -> None:
    """/feedback <text>: store a comment in the audit trail."""
    caller = context.caller
    comment = " ".join(context.args or [])
    key = "feedback_saved" if comment else "feedback_usage"
    await notice(update, context, texts.message(key, caller.lang), intent="feedback")


# -- messages -----------------------------------------------------------------------------


async def on_text(update: Update, context: BotContext) -> None:
    """Plain text (in groups: mentioned or replied to) is a question."""
    message = update.effective_message
    assert message is not None
    await respond(update, context, question_text(message.text or "", context.bot.username))


async def on_document(update: Update, context: BotContext) -> None:
    """A document with "add to knowledge" is checked, downloaded via getFile and ingested."""
    caller, services = context.caller, context.services
    message = update.effective_message
    assert message is not None and message.document is not None
    doc, caption = message.document, question_text(message.caption or "", context.bot.username)
    if not wants_ingest(caption):
        await notice(update, context, texts.message("document_no_caption", caller.lang), "error")
        return
    request = UploadRequest(doc.file_name or "", doc.file_size, caption, doc.mime_type)
    refusal = services.uploads.check(request, caller.user)
    if refusal is not None:
        await deliver(update, context, refusal, feedback=False)
        return
    async with typing(context.bot, caller.chat_id):
        file = await with_retry(doc.get_file, what="getFile")
        data = bytes(await with_retry(file.download_as_bytearray, what="download"))
        answer = await asyncio.to_thread(services.uploads.accept, request, data, caller.user)
    if answer.ok:
        services.answers.refresh()  # worker processes reload the index
    await deliver(update, context, answer, "upload" if answer.ok else None, feedback=False)


async def on_other(update: Update, context: BotContext) -> None:
    """Anything else (photos, stickers, voice…) gets a clear reply."""
    await notice(update, context, texts.message("unsupported", context.caller.lang), "error")


async def on_button(update: Update, context: BotContext) -> None:
    """Inline buttons: ``q:<id>`` runs a follow-up, ``f:<row>:up|down`` records feedback."""
    query = update.callback_query
    assert query is not None
    kind, parts = parse_callback(query.data)
    if kind == "q" and parts:
        question = context.services.followups.question(parts[0])
        if question is None:
            text = texts.message("button_expired", context.caller.lang)
            await audit(context, update, "error", question=_update_text(update), answer_text=text)
            await ack(query, text, alert=True)
            return
        await ack(query)
        await respond(update, context, question)
    elif kind == "f" and len(parts) == 2 and parts[0].isdigit() and parts[1] in ("up", "down"):
        await record_feedback(update, context, int(parts[0]), parts[1])
    else:
        await ack(query)


async def record_feedback(update: Update, context: BotContext, row: int, value: str) -> None:
    """Store 👍/👎 on the audit row of the answer the button was under."""
    caller, query = context.caller, update.callback_query
    assert query is not None
    await asyncio.to_thread(
        context.services.audit.set_feedback, row, value, caller.user_id, caller.chat_id
    )
    await ack(query, texts.message("feedback_thanks", caller.lang))


# -- errors -------------------------------------------------------------------------------


def describe(update: object) -> str:
    """Which update failed, without its text (logs must not carry personal data)."""
    if not isinstance(update, Update):
        return repr(type(update).__name__) if update is not None else "no update"
    user = update.effective_user.id if update.effective_user else "?"
    chat = update.effective_chat.id if update.effective_chat else "?"
    return f"update {update.update_id} (user {user}, chat {chat})"


async def on_error(update: object, context: BotContext) -> None:
    """Log with the traceback, then apologise to the chat; never raise anything else."""
    error = context.error
    if update is None and isinstance(error, TelegramError):
        log.warning("Bot API error while polling: %s", error)
        return
    log.error("error handling %s", describe(update), exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    user = update.effective_user
    lang = telegram_language(
        user.language_code if user else None, context.services.settings.language
    )
    try:
        await audit(context, update, "error", question=_update_text(update), intent="error")
        await with_retry(
            lambda: context.bot.send_message(
                update.effective_chat.id,  # type: ignore[union-attr]
                texts.message("apology", lang),
            ),
            what="apology",
        )
    except Exception:
        log.exception("could not apologise for %s", describe(update))
    raise ApplicationHandlerStop
