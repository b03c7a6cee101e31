"""The Bot API methods the sandbox implements, each checked as Telegram checks it.

Every method takes the world, the calling bot and its parameters, and returns
the ``result`` value or raises ``ApiError``. Method names are matched without
regard to case, as Telegram does. Unknown methods are the server's 404.
"""

from __future__ import annotations

import json
import mimetypes
import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from bot.sandbox.errors import ApiError, bad_request
from bot.sandbox.html import HtmlParseError, parse_html
from bot.sandbox.models import Json, Message, StoredFile
from bot.sandbox.params import Params, Upload
from bot.sandbox.text import CAPTION_LIMIT, TEXT_LIMIT, Entity, strip_with_entities, utf16_len
from bot.sandbox.world import BotAccount, Conversation, World

Method = Callable[[World, BotAccount, Params], Awaitable[Any]]

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
SCOPE_TYPES = frozenset(
    {
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    }
)
COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
DOWNLOAD_LIMIT = 20 * 1024 * 1024
UPLOAD_LIMIT = 50 * 1024 * 1024
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"

METHODS: dict[str, Method] = {}


def method(name: str) -> Callable[[Method], Method]:
    """Register a Bot API method under its lower-cased name."""

    def register(func: Method) -> Method:
        METHODS[name.lower()] = func
        return func

    return register


# ------------------------------------------------------------------ formatting
def format_text(
    world: World,
    raw: str,
    parse_mode: str | None,
    explicit_entities: Any,
    *,
    limit: int,
    too_long: str,
) -> tuple[str, list[Entity]]:
    """Apply ``parse_mode`` (or explicit entities) and Telegram's length limit.

    The limit counts the text *after* entity parsing, in UTF-16 code units.
    """
    mode = (parse_mode or "").strip().lower()
    if mode == "html":
        try:
            text, entities = parse_html(raw, strict=world.strict_html)
        except HtmlParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
    elif mode in ("", "markdown", "markdownv2"):
        # Markdown is passed through unparsed: bankpm renders HTML only.
        entities = _check_entities(raw, explicit_entities) if not mode else []
        text, entities = strip_with_entities(raw, entities)
    else:
        raise bad_request("unsupported parse_mode")
    if utf16_len(text) > limit:
        raise bad_request(too_long)
    return text, entities


def _check_entities(text: str, entities: Any) -> list[Entity]:
    if entities is None:
        return []
    if not isinstance(entities, list) or not all(isinstance(e, dict) for e in entities):
        raise bad_request("can't parse entities JSON object")
    size = utf16_len(text)
    for entity in entities:
        offset, length = entity.get("offset"), entity.get("length")
        if not isinstance(offset, int) or not isinstance(length, int) or "type" not in entity:
            raise bad_request('can\'t parse MessageEntity: Field "type" must be of type String')
        if offset < 0 or length <= 0 or offset + length > size:
            raise bad_request("entity beginning or end is out of range")
    return [dict(entity) for entity in entities]


def parse_reply_markup(params: Params) -> Json | None:
    """Validate ``reply_markup`` the way Telegram does for the kinds bankpm uses."""
    markup = params.json("reply_markup", "reply keyboard markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        for row in rows:
            for button in row:
                _check_inline_button(button)
        return markup
    if "keyboard" in markup or "remove_keyboard" in markup or "force_reply" in markup:
        return markup
    raise bad_request("can't parse reply keyboard markup JSON object")


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    actions = [name for name in BUTTON_ACTIONS if name in button]
    if len(actions) != 1:
        raise bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
            raise bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = str(button["url"])
        if not url.startswith(("http://", "https://", "tg://")):
            raise bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")


def _reply_target(conv: Conversation, params: Params) -> Message | None:
    """``reply_parameters`` (or the legacy ``reply_to_message_id``) to a message here."""
    reply = params.json("reply_parameters")
    if reply is None and "reply_to_message_id" in params:
        reply = {
            "message_id": params.int("reply_to_message_id"),
            "allow_sending_without_reply": params.bool("allow_sending_without_reply"),
        }
    if reply is None:
        return None
    if not isinstance(reply, dict) or not isinstance(reply.get("message_id"), int):
        raise bad_request("can't parse reply parameters JSON object")
    target = conv.messages.get(reply["message_id"])
    if target is None or target.deleted:
        if reply.get("allow_sending_without_reply"):
            return None
        raise bad_request("message to be replied not found")
    return target


def _record(world: World, bot: BotAccount, conv: Conversation, message: Message) -> Json:
    conv.messages[message.message_id] = message
    world.emit("message", conv.chat.id, bot.id, message.view())
    return message.to_api()


def _new_message(world: World, bot: BotAccount, conv: Conversation, params: Params) -> Message:
    return Message(
        message_id=conv.new_id(),
        date=world.now(),
        chat=conv.chat,
        from_user=bot.user,
        reply_to=_reply_target(conv, params),
        reply_markup=parse_reply_markup(params),
        parse_mode=params.str("parse_mode"),
    )


# ------------------------------------------------------------------- identity
@method("getMe")
async def get_me(world: World, bot: BotAccount, params: Params) -> Json:
    return bot.get_me()


@method("logOut")
async def log_out(world: World, bot: BotAccount, params: Params) -> bool:
    return True


@method("close")
async def close(world: World, bot: BotAccount, params: Params) -> bool:
    return True


# -------------------------------------------------------------------- updates
@method("getUpdates")
async def get_updates(world: World, bot: BotAccount, params: Params) -> list[Json]:
    allowed = params.json("allowed_updates")
    if allowed is not None and not isinstance(allowed, list):
        raise bad_request("can't parse allowed_updates JSON object")
    limit = min(max(params.int("limit", 100) or 100, 1), 100)
    updates = await world.get_updates(
        bot,
        offset=params.int("offset", 0) or 0,
        limit=limit,
        timeout=max(params.float("timeout", 0.0), 0.0),
        allowed_updates=allowed,
    )
    return [update.to_api() for update in updates]


@method("setWebhook")
async def set_webhook(world: World, bot: BotAccount, params: Params) -> bool:
    url = params.str("url") or ""
    if not url:
        bot.webhook = None
        return True
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.hostname not in LOOPBACK_HOSTS:
        raise bad_request("bad webhook: the sandbox delivers webhooks to 127.0.0.1 only")
    secret = params.str("secret_token")
    if secret is not None and not SECRET_RE.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    allowed = params.json("allowed_updates")
    if allowed is not None:
        bot.allowed_updates = frozenset(allowed) if allowed else None
    if params.bool("drop_pending_updates"):
        bot.updates.clear()
    bot.webhook = {
        "url": url,
        "secret_token": secret,
        "max_connections": params.int("max_connections", 40),
    }
    bot.webhook_error = None
    bot.poll_generation += 1
    bot.arrived.fire()
    world.update_arrived.fire()
    return True


@method("deleteWebhook")
async def delete_webhook(world: World, bot: BotAccount, params: Params) -> bool:
    bot.webhook = None
    if params.bool("drop_pending_updates"):
        bot.updates.clear()
    return True


@method("getWebhookInfo")
async def get_webhook_info(world: World, bot: BotAccount, params: Params) -> Json:
    info: Json = {
        "url": bot.webhook["url"] if bot.webhook else "",
        "has_custom_certificate": False,
        "pending_update_count": len(bot.updates),
    }
    if bot.webhook:
        info["max_connections"] = bot.webhook["max_connections"]
        if bot.allowed_updates is not None:
            info["allowed_updates"] = sorted(bot.allowed_updates)
    if bot.webhook_error:
        info.update(bot.webhook_error)
    return info


# ------------------------------------------------------------------- sending
def _message_text(world: World, params: Params) -> tuple[str, str, list[Entity]]:
    """The ``text`` of sendMessage / editMessageText: present, parsed, within 4096.

    Returns the raw text as sent, the parsed text and its entities."""
    raw = params.str("text") or ""
    if not raw.strip():
        raise bad_request("message text is empty")
    text, entities = format_text(
        world,
        raw,
        params.str("parse_mode"),
        params.json("entities"),
        limit=TEXT_LIMIT,
        too_long="message is too long",
    )
    return raw, text, entities


@method("sendMessage")
async def send_message(world: World, bot: BotAccount, params: Params) -> Json:
    conv = world.conversation_for_bot(bot, params.required("chat_id"))
    raw, text, entities = _message_text(world, params)
    if not text:
        raise bad_request("message text is empty")
    message = _new_message(world, bot, conv, params)
    message.text, message.entities, message.source = text, entities, raw
    options = params.json("link_preview_options")
    if options is None and params.bool("disable_web_page_preview"):
        options = {"is_disabled": True}
    message.link_preview_options = options
    return _record(world, bot, conv, message)


def _caption(world: World, params: Params) -> tuple[str | None, list[Entity]]:
    raw = params.str("caption")
    if not raw:
        return None, []
    text, entities = format_text(
        world,
        raw,
        params.str("parse_mode"),
        params.json("caption_entities"),
        limit=CAPTION_LIMIT,
        too_long="message caption is too long",
    )
    return text or None, entities


def _existing_file(world: World, ref: str, kind: str) -> StoredFile:
    stored = world.files.get(ref)
    if stored is None:
        if ref.startswith(("http://", "https://")):
            raise bad_request("failed to get HTTP URL content")
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.kind != kind:
        raise bad_request(f"can't use file of type {stored.kind.title()} as {kind.title()}")
    return stored


@method("sendPhoto")
async def send_photo(world: World, bot: BotAccount, params: Params) -> Json:
    conv = world.conversation_for_bot(bot, params.required("chat_id"))
    photo = params.file("photo")
    if photo is None:
        raise bad_request("there is no photo in the request")
    caption, caption_entities = _caption(world, params)
    if isinstance(photo, Upload):
        if not photo.data:
            raise bad_request("file must be non-empty")
        sizes = world.store_photo(photo.data)
    else:
        sizes = [_existing_file(world, photo, "photo")]
    message = _new_message(world, bot, conv, params)
    message.photo, message.caption, message.caption_entities = sizes, caption, caption_entities
    message.source = params.str("caption")
    return _record(world, bot, conv, message)


@method("sendDocument")
async def send_document(world: World, bot: BotAccount, params: Params) -> Json:
    conv = world.conversation_for_bot(bot, params.required("chat_id"))
    document = params.file("document")
    if document is None:
        raise bad_request("there is no document in the request")
    caption, caption_entities = _caption(world, params)
    if isinstance(document, Upload):
        if not document.data:
            raise bad_request("file must be non-empty")
        if len(document.data) > UPLOAD_LIMIT:
            raise ApiError(413, "Request Entity Too Large")
        name = document.filename or "document"
        mime = document.content_type
        if not mime or mime == "application/octet-stream":
            mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        stored = world.store_file(document.data, kind="document", file_name=name, mime_type=mime)
    else:
        stored = _existing_file(world, document, "document")
    message = _new_message(world, bot, conv, params)
    message.document, message.caption, message.caption_entities = stored, caption, caption_entities
    message.source = params.str("caption")
    return _record(world, bot, conv, message)


@method("sendChatAction")
async def send_chat_action(world: World, bot: BotAccount, params: Params) -> bool:
    conv = world.conversation_for_bot(bot, params.required("chat_id"))
    action = params.str("action") or ""
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    world.emit("chat_action", conv.chat.id, bot.id, {"action": action})
    return True


# ------------------------------------------------------------------- editing
def _own_message(
    world: World, bot: BotAccount, params: Params, missing: str
) -> tuple[Conversation, Message]:
    if "inline_message_id" in params:
        raise bad_request(missing)  # inline mode is not emulated
    conv = world.conversation_for_bot(bot, params.required("chat_id"))
    message_id = params.int("message_id")
    if message_id is None:
        raise bad_request("message identifier is not specified")
    message = conv.messages.get(message_id)
    if message is None or message.deleted:
        raise bad_request(missing)
    if message.from_user.id != bot.id:
        raise bad_request("message can't be edited")
    return conv, message


def _commit_edit(world: World, bot: BotAccount, conv: Conversation, message: Message) -> Json:
    message.edit_date = world.now()
    world.emit("edit", conv.chat.id, bot.id, message.view())
    return message.to_api()


@method("editMessageText")
async def edit_message_text(world: World, bot: BotAccount, params: Params) -> Json:
    conv, message = _own_message(world, bot, params, "message to edit not found")
    if message.text is None:
        raise bad_request("there is no text in the message to edit")
    raw, text, entities = _message_text(world, params)
    # As in Telegram, an edit without reply_markup removes the inline keyboard.
    markup = parse_reply_markup(params)
    if (text, entities, markup) == (message.text, message.entities, message.reply_markup):
        raise bad_request(NOT_MODIFIED)
    message.text, message.entities, message.reply_markup = text, entities, markup
    message.source, message.parse_mode = raw, params.str("parse_mode")
    return _commit_edit(world, bot, conv, message)


@method("editMessageCaption")
async def edit_message_caption(world: World, bot: BotAccount, params: Params) -> Json:
    conv, message = _own_message(world, bot, params, "message to edit not found")
    if message.text is not None:
        raise bad_request("there is no caption in the message to edit")
    caption, entities = _caption(world, params)
    markup = parse_reply_markup(params)
    if (caption, entities, markup) == (
        message.caption,
        message.caption_entities,
        message.reply_markup,
    ):
        raise bad_request(NOT_MODIFIED)
    message.caption, message.caption_entities, message.reply_markup = caption, entities, markup
    message.source = params.str("caption")
    return _commit_edit(world, bot, conv, message)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(world: World, bot: BotAccount, params: Params) -> Json:
    conv, message = _own_message(world, bot, params, "message to edit not found")
    markup = parse_reply_markup(params)
    if markup == message.reply_markup:
        raise bad_request(NOT_MODIFIED)
    message.reply_markup = markup
    return _commit_edit(world, bot, conv, message)


@method("deleteMessage")
async def delete_message(world: World, bot: BotAccount, params: Params) -> bool:
    conv = world.conversation_for_bot(bot, params.required("chat_id"))
    message = conv.messages.get(params.int("message_id") or 0)
    if message is None or message.deleted:
        raise bad_request("message to delete not found")
    message.deleted = True
    world.emit("delete", conv.chat.id, bot.id, {"message_id": message.message_id})
    return True


# ----------------------------------------------------------- callback queries
@method("answerCallbackQuery")
async def answer_callback_query(world: World, bot: BotAccount, params: Params) -> bool:
    query = world.callbacks.get(params.str("callback_query_id") or "")
    if query is None or query.bot_id != bot.id or query.answer is not None:
        raise bad_request(QUERY_INVALID)
    text = params.str("text")
    if text is not None and len(text) > 200:
        raise bad_request("MESSAGE_TOO_LONG")
    query.answer = {
        "text": text,
        "show_alert": params.bool("show_alert"),
        "url": params.str("url"),
        "cache_time": params.int("cache_time", 0),
    }
    world.emit(
        "callback_answer",
        query.message.chat.id,
        bot.id,
        {"callback_query_id": query.id, "message_id": query.message.message_id, **query.answer},
    )
    return True


# ---------------------------------------------------------------------- files
@method("getFile")
async def get_file(world: World, bot: BotAccount, params: Params) -> Json:
    stored = world.files.get(params.str("file_id") or "")
    if stored is None:
        raise bad_request("invalid file_id")
    if stored.file_size > DOWNLOAD_LIMIT:
        raise bad_request("file is too big")
    return stored.file()


# ------------------------------------------------------------------- commands
def _scope_key(params: Params) -> tuple[str, str]:
    scope = params.json("scope") or {"type": "default"}
    if not isinstance(scope, dict) or scope.get("type") not in SCOPE_TYPES:
        raise bad_request("can't parse BotCommandScope JSON object")
    language = params.str("language_code") or ""
    if language and not re.fullmatch(r"[a-z]{2}", language):
        raise bad_request("invalid language code specified")
    scope_key = "default" if scope == {"type": "default"} else json.dumps(scope, sort_keys=True)
    return scope_key, language


@method("setMyCommands")
async def set_my_commands(world: World, bot: BotAccount, params: Params) -> bool:
    commands = params.json("commands")
    if not isinstance(commands, list):
        raise bad_request("can't parse commands JSON object")
    if len(commands) > 100:
        raise bad_request("too many commands specified")
    for command in commands:
        if not isinstance(command, dict) or not COMMAND_RE.fullmatch(str(command.get("command"))):
            raise bad_request("BOT_COMMAND_INVALID")
        description = command.get("description")
        if not isinstance(description, str) or not 1 <= len(description) <= 256:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    bot.commands[_scope_key(params)] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    return True


@method("getMyCommands")
async def get_my_commands(world: World, bot: BotAccount, params: Params) -> list[Json]:
    return bot.commands.get(_scope_key(params), [])


@method("deleteMyCommands")
async def delete_my_commands(world: World, bot: BotAccount, params: Params) -> bool:
    bot.commands.pop(_scope_key(params), None)
    return True


def _text_property(name: str, field: str, limit: int) -> None:
    """setMyX / getMyX pairs that store one string per language."""

    async def setter(world: World, bot: BotAccount, params: Params) -> bool:
        value = params.str(field) or ""
        if len(value) > limit:
            raise bad_request(f"{field} is too long")
        bot.texts[(field, params.str("language_code") or "")] = value
        return True

    async def getter(world: World, bot: BotAccount, params: Params) -> Json:
        language = params.str("language_code") or ""
        value = bot.texts.get((field, language), bot.texts.get((field, ""), ""))
        if field == "name" and not value:
            value = bot.user.first_name
        return {field: value}

    METHODS[f"setmy{name}"] = setter
    METHODS[f"getmy{name}"] = getter


_text_property("description", "description", 512)
_text_property("shortdescription", "short_description", 120)
_text_property("name", "name", 64)


@method("getChat")
async def get_chat(world: World, bot: BotAccount, params: Params) -> Json:
    conv = world.conversation_for_bot(bot, params.required("chat_id"))
    return {
        **conv.chat.to_api(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }
