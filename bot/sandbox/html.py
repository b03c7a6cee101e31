"""Telegram's ``parse_mode=HTML``: turn markup into text + entities, or refuse it.

Telegram does not use a browser-style forgiving parser: an unknown tag, an
unclosed tag or a stray ``<`` makes the whole request fail with 400 "can't
parse entities: ...". The sandbox follows the same rules (tag set, attribute
syntax, entity decoding, error wording, byte offsets into the UTF-8 input) so
that a rendering bug in the bot shows up in tests, not in production.

Two deliberate leniencies copy Telegram's: a bare ``&`` that does not start a
known entity is kept literally, and a bare ``>`` is ordinary text. Pass
``strict=True`` to reject those as well; it catches escaping bugs that Telegram
happens to forgive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.sandbox.text import Entity, strip_with_entities, utf16_len

SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "tg-emoji",
        "tg-time",
        "code",
        "pre",
        "blockquote",
    }
)
_SIMPLE_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TIME_FORMAT_RE = re.compile(r"r|w?[dD]?[tT]?")
_URL_SCHEMES = ("http://", "https://", "tg://", "ton://", "ftp://", "mailto:")


class HtmlParseError(ValueError):
    """The markup was rejected; ``str(error)`` is Telegram's wording after the prefix."""


@dataclass
class _Open:
    tag: str
    start_byte: int
    offset: int
    attrs: dict[str, str] = field(default_factory=dict)


class _Parser:
    """A single pass over the markup, in the order Telegram checks things."""

    def __init__(self, markup: str, *, strict: bool) -> None:
        self.src = markup
        self.strict = strict
        self.pos = 0
        self.out: list[str] = []
        self.offset = 0  # UTF-16 length of the text produced so far
        self.stack: list[_Open] = []
        self.entities: list[Entity] = []

    def byte_at(self, index: int) -> int:
        return len(self.src[:index].encode("utf-8"))

    def fail(self, message: str) -> HtmlParseError:
        return HtmlParseError(message)

    def emit(self, chunk: str) -> None:
        self.out.append(chunk)
        self.offset += utf16_len(chunk)

    def peek(self, index: int) -> str:
        return self.src[index] if index < len(self.src) else ""

    def run(self) -> tuple[str, list[Entity]]:
        src = self.src
        while self.pos < len(src):
            char = src[self.pos]
            if char == "&":
                decoded, end = decode_entity(src, self.pos)
                if decoded is None:
                    if self.strict:
                        raise self.fail(
                            f'Unescaped "&" at byte offset {self.byte_at(self.pos)} '
                            "(sandbox strict mode; write &amp;)"
                        )
                    decoded, end = "&", self.pos + 1
                self.emit(decoded)
                self.pos = end
            elif char == "<":
                if self.peek(self.pos + 1) == "/":
                    self.end_tag()
                else:
                    self.start_tag()
            else:
                if char == ">" and self.strict:
                    raise self.fail(
                        f'Unescaped ">" at byte offset {self.byte_at(self.pos)} '
                        "(sandbox strict mode; write &gt;)"
                    )
                self.emit(char)
                self.pos += 1
        if self.stack:
            raise self.fail(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"'
            )
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.out), self.entities

    def start_tag(self) -> None:
        src = self.src
        begin = self.pos
        index = begin + 1
        while index < len(src) and not src[index].isspace() and src[index] != ">":
            index += 1
        if index >= len(src):
            raise self.fail(f"Unclosed start tag at byte offset {self.byte_at(begin)}")
        tag = src[begin + 1 : index].lower()
        if tag not in SUPPORTED_TAGS:
            raise self.fail(f'Unsupported start tag "{tag}" at byte offset {self.byte_at(begin)}')
        attrs: dict[str, str] = {}
        while True:
            while index < len(src) and src[index].isspace():
                index += 1
            if index >= len(src):
                raise self.fail(f'Unclosed start tag "{tag}" at byte offset {self.byte_at(begin)}')
            if src[index] == ">":
                break
            name_start = index
            while index < len(src) and not src[index].isspace() and src[index] not in "=>/\"'":
                index += 1
            name = src[name_start:index].lower()
            if not name:
                raise self.fail(
                    f'Empty attribute name in the tag "{tag}" at byte offset {self.byte_at(begin)}'
                )
            while index < len(src) and src[index].isspace():
                index += 1
            if self.peek(index) != "=":
                attrs[name] = ""
                continue
            index += 1
            while index < len(src) and src[index].isspace():
                index += 1
            if index >= len(src):
                raise self.fail(f'Unclosed start tag "{tag}" at byte offset {self.byte_at(begin)}')
            value, index = self.attr_value(index, begin)
            attrs[name] = value
        self.pos = index + 1
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise self.fail(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte_at(begin)}'
            )
        self.stack.append(_Open(tag, self.byte_at(begin), self.offset, attrs))

    def attr_value(self, index: int, begin: int) -> tuple[str, int]:
        src = self.src
        quote = src[index]
        if quote not in "\"'":
            token_start = index
            while index < len(src) and (src[index].isalnum() or src[index] in ".-"):
                index += 1
            if index >= len(src):
                raise self.fail(f"Unclosed start tag at byte offset {self.byte_at(begin)}")
            if not src[index].isspace() and src[index] != ">":
                raise self.fail(
                    f"Unexpected end of name token at byte offset {self.byte_at(token_start)}"
                )
            return src[token_start:index].lower(), index
        index += 1
        value: list[str] = []
        while index < len(src) and src[index] != quote:
            if src[index] == "&":
                decoded, end = decode_entity(src, index)
                if decoded is not None:
                    value.append(decoded)
                    index = end
                    continue
            value.append(src[index])
            index += 1
        if index >= len(src):
            raise self.fail(f"Unclosed start tag at byte offset {self.byte_at(begin)}")
        return "".join(value), index + 1

    def end_tag(self) -> None:
        src = self.src
        begin = self.pos
        if not self.stack:
            raise self.fail(f"Unexpected end tag at byte offset {self.byte_at(begin)}")
        index = begin + 2
        while index < len(src) and not src[index].isspace() and src[index] != ">":
            index += 1
        name = src[begin + 2 : index].lower()
        while index < len(src) and src[index].isspace():
            index += 1
        if self.peek(index) != ">":
            raise self.fail(f"Unclosed end tag at byte offset {self.byte_at(begin)}")
        opened = self.stack[-1]
        if name and name != opened.tag:
            raise self.fail(
                f"Unmatched end tag at byte offset {self.byte_at(begin)}, "
                f'expected "</{opened.tag}>", found "</{name}>"'
            )
        self.stack.pop()
        self.pos = index + 1
        self.close(opened, begin)

    def close(self, opened: _Open, end_index: int) -> None:
        """Turn a closed tag into an entity (empty ranges make none, as in Telegram)."""
        length = self.offset - opened.offset
        if length <= 0:
            return
        entity: Entity = {"offset": opened.offset, "length": length}
        tag = opened.tag
        if tag in _SIMPLE_TYPES:
            entity["type"] = _SIMPLE_TYPES[tag]
        elif tag == "a":
            url = opened.attrs.get("href") or self.text_since(opened.offset)
            if not url.startswith(_URL_SCHEMES):
                return  # Telegram silently drops links it cannot use
            entity.update(type="text_link", url=url)
        elif tag == "code":
            language = opened.attrs.get("class", "")
            last = self.entities[-1] if self.entities else None
            if (
                last
                and last["type"] == "pre"
                and (last["offset"], last["length"]) == (opened.offset, length)
            ):
                return
            entity["type"] = "code"
            if language.startswith("language-"):
                entity["language"] = language.removeprefix("language-")
        elif tag == "pre":
            self.close_pre(entity)
            return
        elif tag == "blockquote":
            entity["type"] = (
                "expandable_blockquote" if "expandable" in opened.attrs else "blockquote"
            )
        elif tag == "tg-emoji":
            emoji_id = opened.attrs.get("emoji-id", "")
            if not emoji_id.isdigit():
                raise self.fail("Invalid custom emoji identifier specified")
            entity.update(type="custom_emoji", custom_emoji_id=emoji_id)
        elif tag == "tg-time":
            self.close_time(entity, opened)
        self.entities.append(entity)

    def close_pre(self, entity: Entity) -> None:
        """``<pre><code class="language-x">`` is one ``pre`` entity with a language."""
        last = self.entities[-1] if self.entities else None
        if (
            last
            and last["type"] == "code"
            and (last["offset"], last["length"]) == (entity["offset"], entity["length"])
        ):
            self.entities.pop()
            entity["type"] = "pre"
            if "language" in last:
                entity["language"] = last["language"]
        else:
            entity["type"] = "pre"
        self.entities.append(entity)

    def close_time(self, entity: Entity, opened: _Open) -> None:
        unix = opened.attrs.get("unix", "")
        if not unix.isdigit():
            raise self.fail("Invalid Unix time specified")
        time_format = opened.attrs.get("format", "")
        if not _TIME_FORMAT_RE.fullmatch(time_format):
            raise self.fail("Invalid date-time format specified")
        entity.update(type="date_time", unix_time=int(unix))
        if time_format:
            entity["date_time_format"] = time_format

    def text_since(self, offset: int) -> str:
        produced = "".join(self.out).encode("utf-16-le")
        return produced[offset * 2 :].decode("utf-16-le")


def decode_entity(src: str, index: int) -> tuple[str | None, int]:
    """Decode ``&lt;``, ``&#123;``, ``&#x1F600;`` at ``index``; ``;`` is optional as in Telegram."""
    end = index + 1
    if src.startswith("&#", index):
        end += 1
        hexadecimal = src[end : end + 1] in ("x", "X")
        if hexadecimal:
            end += 1
        digits_start = end
        allowed = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        while end < len(src) and src[end] in allowed:
            end += 1
        digits = src[digits_start:end]
        if not digits or end - index >= 10:
            return None, index
        code = int(digits, 16 if hexadecimal else 10)
        if code == 0 or code >= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            return None, index
        decoded = chr(code)
    else:
        while end < len(src) and src[end].isascii() and src[end].isalpha():
            end += 1
        decoded = _NAMED_ENTITIES.get(src[index + 1 : end])
        if decoded is None:
            return None, index
    if src[end : end + 1] == ";":
        end += 1
    return decoded, end


def parse_html(markup: str, *, strict: bool = False) -> tuple[str, list[Entity]]:
    """Parse Telegram HTML into (text, entities), stripped as Telegram strips messages.

    Raises:
        HtmlParseError: with the description Telegram puts after "can't parse entities: ".
    """
    text, entities = _Parser(markup, strict=strict).run()
    return strip_with_entities(text, entities)


def escape(text: str) -> str:
    """Escape text for Telegram HTML (the three characters it requires, plus quotes)."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )
