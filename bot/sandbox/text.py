"""Text measurement and the entities Telegram detects in what users type.

Telegram counts entity offsets and lengths in UTF-16 code units, so every
length here is measured that way; a bot that splits long answers by code
points would disagree with Telegram on emoji, and the sandbox should catch it.
"""

from __future__ import annotations

import re
from typing import Any

Entity = dict[str, Any]

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024

# A command is "/" + up to 32 word characters, optionally "@botusername", at the
# start of the text or after a character that cannot be part of a word or URL.
_COMMAND_RE = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z][A-Za-z0-9_]{3,31})?(?![\w/])")
_MENTION_RE = re.compile(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}(?![\w@])")
_HASHTAG_RE = re.compile(r"(?<![\w#])#\w*[^\W\d]\w*")
_URL_RE = re.compile(r"(?<![\w@/])https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]}]")
_EMAIL_RE = re.compile(
    r"(?<![\w.@])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w@])"
)


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def detect_entities(text: str) -> list[Entity]:
    """Entities the Telegram server adds to a user's plain text message.

    Bots rely on ``bot_command`` entities (``CommandHandler`` only fires when the
    text *starts* with one) and on ``mention`` entities to notice being addressed
    in a group, so these two are exact; hashtags, URLs and e-mails are detected
    simply, for completeness.
    """
    found: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in (
        ("url", _URL_RE),
        ("email", _EMAIL_RE),
        ("bot_command", _COMMAND_RE),
        ("mention", _MENTION_RE),
        ("hashtag", _HASHTAG_RE),
    ):
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            found.append((start, end, kind))
    found.sort()
    return [
        {"offset": utf16_len(text[:start]), "length": utf16_len(text[start:end]), "type": kind}
        for start, end, kind in found
    ]


def strip_with_entities(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Strip surrounding whitespace as Telegram does, keeping entity offsets right.

    Entities that end up empty are dropped; the rest are clipped to the text.
    """
    stripped_left = text.lstrip()
    shift = utf16_len(text) - utf16_len(stripped_left)
    result = stripped_left.rstrip()
    total = utf16_len(result)
    kept: list[Entity] = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, total)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return result, kept


def entity_text(text: str, entity: Entity) -> str:
    """The slice of ``text`` that ``entity`` covers (offsets in UTF-16 units)."""
    encoded = text.encode("utf-16-le")
    start = entity["offset"] * 2
    return encoded[start : start + entity["length"] * 2].decode("utf-16-le")
