"""Answer → Telegram: HTML text parts, photos with captions, and buttons. Pure functions.

Telegram's limits are on the text *after* entity parsing: 4096 characters per
message, 1024 per caption, 64 bytes of ``callback_data`` per button. We build one
HTML document for the answer, then :func:`split_html` cuts it into parts by rendered
length — preferring paragraph, line and sentence breaks, never inside a tag or an
entity — closing the open tags at the end of a part and reopening them at the start
of the next, so every part is valid on its own. Lengths are counted in UTF-16 code
units (how Telegram counts), which is never less than the number of characters.

Personal numbers are masked here too (the last boundary before a person reads).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bankpm_core import formatting
from bankpm_core.answer import Answer, Citation, Suggestion, Table
from bankpm_core.audit import FEEDBACK
from bankpm_core.masking import mask_pii

__all__ = [
    "CALLBACK_LIMIT",
    "CAPTION_LIMIT",
    "TEXT_LIMIT",
    "Button",
    "Photo",
    "Rendered",
    "answer_html",
    "callback_data",
    "escape",
    "format_cell",
    "keyboard",
    "parse_callback",
    "plain_text",
    "render_answer",
    "rendered_length",
    "sources_html",
    "split_html",
    "table_html",
    "truncate",
]

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_LIMIT = 64
PHONE_WIDTH = 36  # monospace columns that fit a phone screen in portrait
QUOTE_CHARS = 280
LABEL_CHARS = 48

LEADS = {
    "zh": {"sources": "出处：", "as_of": "数据截至", "definition": "口径", "more": "还有"},
    "en": {
        "sources": "Sources:",
        "as_of": "Data as of",
        "definition": "Definition",
        "more": "more",
    },
}


@dataclass(frozen=True)
class Photo:
    png: bytes = field(repr=False)
    caption: str  # HTML, ≤ CAPTION_LIMIT rendered


@dataclass(frozen=True)
class Button:
    label: str
    question: str


@dataclass(frozen=True)
class Rendered:
    texts: list[str]  # HTML parts, each ≤ TEXT_LIMIT rendered
    photos: list[Photo]
    buttons: list[Button]


# -- escaping and lengths -------------------------------------------------------------


def escape(text: str) -> str:
    """Escape for Telegram HTML text: ``& < >`` (quotes are fine outside attributes)."""
    return html.escape(text, quote=False)


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


_TOKEN = re.compile(r"<[^<>]*>|&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z]+);|[^<&]|[<&]")
_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][\w-]*)")


def rendered_length(html_text: str) -> int:
    """Characters Telegram counts for this HTML (tags dropped, entities decoded)."""
    return _utf16(plain_text(html_text))


def plain_text(html_text: str) -> str:
    """What a reader sees: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^<>]*>", "", html_text))


def truncate(text: str, limit: int) -> str:
    """Plain text cut to ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[: max(0, limit - 1)].rstrip() + "…"


# -- splitting -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tok:
    raw: str
    tag: str | None = None  # tag name for tags
    closing: bool = False
    char: str = ""  # decoded character(s) for text
    width: int = 0


def _tokens(html_text: str) -> list[_Tok]:
    out: list[_Tok] = []
    for m in _TOKEN.finditer(html_text):
        raw = m.group(0)
        if raw.startswith("<") and len(raw) > 1 and raw.endswith(">"):
            tm = _TAG.match(raw)
            if tm:
                out.append(_Tok(raw, tag=tm.group(2).lower(), closing=bool(tm.group(1))))
                continue
        char = html.unescape(raw)
        out.append(_Tok(raw, char=char, width=_utf16(char)))
    return out


def _priority(prev: str, char: str) -> int:
    """How good a place to break *after* ``char`` is (0 = only if nothing else fits)."""
    if char == "\n":
        return 4 if prev == "\n" else 3
    if char in "。！？；!?;":
        return 2
    if char in " ，、,.)）":
        return 1
    return 0


def _close(stack: Sequence[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(stack))


def _open(stack: Sequence[tuple[str, str]]) -> str:
    return "".join(raw for _, raw in stack)


def _apply(stack: list[tuple[str, str]], tok: _Tok) -> None:
    if tok.tag is None:
        return
    if tok.closing:
        for k in range(len(stack) - 1, -1, -1):
            if stack[k][0] == tok.tag:
                del stack[k:]
                break
    else:
        stack.append((tok.tag, tok.raw))


def split_html(html_text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split well-formed Telegram HTML into balanced parts of ≤ ``limit`` rendered chars."""
    if limit < 16:
        raise ValueError("limit too small")
    toks = _tokens(html_text)
    parts: list[str] = []
    stack: list[tuple[str, str]] = []  # tags open at the start of the current part
    i, n = 0, len(toks)
    while i < n:
        while i < n and toks[i].tag is None and toks[i].char == "\n":
            i += 1  # a part never starts with blank lines
        start_stack = list(stack)
        j, used, prev = i, 0, ""
        best: dict[int, tuple[int, list[tuple[str, str]], int]] = {}
        run = list(stack)
        while j < n:
            tok = toks[j]
            if tok.tag is not None:
                _apply(run, tok)
                j += 1
                continue
            if used + tok.width > limit:
                break
            used += tok.width
            j += 1
            best[_priority(prev, tok.char)] = (j, list(run), used)
            best[0] = (j, list(run), used)
            prev = tok.char
        if j >= n:
            end, stack = n, run
        else:
            end, stack = best[0][0], best[0][1]
            for prio in (4, 3, 2, 1):
                if prio in best and best[prio][2] >= limit * (0.5 if prio >= 3 else 0.7):
                    end, stack = best[prio][0], best[prio][1]
                    break
            while end < n and toks[end].tag is not None and toks[end].closing:
                _apply(stack, toks[end])  # closing tags right after the break stay here
                end += 1
        body = "".join(t.raw for t in toks[i:end])
        if "".join(t.char for t in toks[i:end]).strip():
            parts.append(_open(start_stack) + body + _close(stack))
        i = end
    return parts


# -- tables ------------------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def format_cell(value: object, unit: str | None, lang: str) -> str:
    """A table cell as the core formats it, with personal numbers masked."""
    return mask_pii(formatting.format_cell(value, unit, lang))


def table_html(table: Table, lang: str, width: int = PHONE_WIDTH) -> str:
    """A ``<pre>`` grid when it fits a phone, otherwise one short card per row."""
    units = list(table.units) + [None] * (len(table.columns) - len(table.units))
    cells = [[format_cell(v, units[k], lang) for k, v in enumerate(row)] for row in table.rows]
    head = f"<b>{escape(table.title)}</b>\n" if table.title else ""
    widths = [
        max([_width(col)] + [_width(r[k]) for r in cells if k < len(r)])
        for k, col in enumerate(table.columns)
    ]
    if sum(widths) + 2 * (len(widths) - 1) <= width:
        numeric = [bool(u) for u in units]
        lines = ["  ".join(_pad(c, widths[k], numeric[k]) for k, c in enumerate(table.columns))]
        lines.append("-" * min(width, sum(widths) + 2 * (len(widths) - 1)))
        for r in cells:
            lines.append("  ".join(_pad(c, widths[k], numeric[k]) for k, c in enumerate(r)))
        return head + "<pre>" + escape("\n".join(line.rstrip() for line in lines)) + "</pre>"
    cards = []
    for r in cells:
        labels = [c for k, c in enumerate(r) if not units[k]]
        values = [f"{escape(table.columns[k])} {escape(c)}" for k, c in enumerate(r) if units[k]]
        cards.append(f"<b>{escape(' · '.join(labels))}</b>\n" + " · ".join(values))
    return head + "\n".join(cards)


# -- the answer --------------------------------------------------------------------------


def _block(kind: str, text: str) -> str:
    body = escape(mask_pii(text))
    if kind == "headline":
        return f"<b>{body}</b>"
    if kind == "note":
        return f"<i>{body}</i>"
    if kind == "warning":
        return f"⚠️ {body}"
    return body


def _citation(c: Citation) -> str:
    section = f" · {escape(c.section)}" if c.section else ""
    line = f"[{c.n}] <b>{escape(c.title or c.source)}</b>{section}"
    if c.quote:
        quote = escape(truncate(mask_pii(" ".join(c.quote.split())), QUOTE_CHARS))
        line += f"\n<blockquote>{quote}</blockquote>"
    return line


def answer_html(answer: Answer) -> str:
    """The whole answer as one Telegram HTML document (split it with :func:`split_html`)."""
    lang = answer.language
    lead = LEADS[lang]
    sections = [_block(b.kind, b.text) for b in answer.blocks if b.text.strip()]
    plain = answer.text
    for d in answer.definitions:
        if d.description and d.description not in plain:
            sections.append(
                f"<i>{lead['definition']} · {escape(d.name)}：{escape(d.description)}</i>"
            )
    if answer.as_of and answer.as_of.isoformat() not in plain:
        sections.append(f"<i>{lead['as_of']} {answer.as_of.isoformat()}</i>")
    sections += [table_html(t, lang) for t in answer.tables]
    if answer.citations:
        sections.append(f"<b>{lead['sources']}</b>\n" + "\n".join(map(_citation, answer.citations)))
    return "\n\n".join(sections)


def chart_caption(title: str, alt: str) -> str:
    text = f"<b>{escape(truncate(title, 200))}</b>"
    if alt and alt != title:
        text += "\n" + escape(truncate(alt, CAPTION_LIMIT - 260))
    return text


def chart_photos(answer: Answer) -> list[Photo]:
    """The charts already drawn, as captioned photos (undrawn ones are sent later)."""
    return [Photo(c.png, chart_caption(c.title, c.alt)) for c in answer.charts if c.png]


def render_answer(answer: Answer, limit: int = TEXT_LIMIT) -> Rendered:
    """Everything to send for ``answer``: text parts, chart photos, follow-up buttons."""
    html_text = answer_html(answer)
    texts = split_html(html_text, limit) if html_text.strip() else []
    photos = chart_photos(answer)
    if not texts and not photos and not answer.charts:  # never leave a question without a reply
        texts = ["（没有可显示的内容）" if answer.language == "zh" else "(nothing to show)"]
    chosen: Sequence[Suggestion] = answer.options or answer.suggestions
    buttons = [
        Button(truncate(s.label, LABEL_CHARS), s.question) for s in chosen if s.question.strip()
    ]
    return Rendered(texts=texts, photos=photos, buttons=buttons)


# -- buttons -----------------------------------------------------------------------------


def callback_data(kind: str, *parts: object) -> str:
    """``kind:part:part`` checked against Telegram's 64-byte limit."""
    data = ":".join([kind, *map(str, parts)])
    if len(data.encode("utf-8")) > CALLBACK_LIMIT:
        raise ValueError(f"callback_data over {CALLBACK_LIMIT} bytes: {data!r}")
    return data


def parse_callback(data: str | None) -> tuple[str, list[str]]:
    """``"q:abc"`` → ``("q", ["abc"])``; anything unexpected → ``("", [])``."""
    if not data or len(data.encode("utf-8")) > CALLBACK_LIMIT or ":" not in data:
        return "", []
    kind, *rest = data.split(":")
    return kind, rest


def keyboard(
    buttons: Sequence[Button], register: Callable[[str], str], feedback_ref: int | None = None
) -> InlineKeyboardMarkup | None:
    """Follow-up buttons (questions stored server-side via ``register``) + 👍/👎."""
    rows: list[list[InlineKeyboardButton]] = []
    pending: list[InlineKeyboardButton] = []
    for b in buttons:
        button = InlineKeyboardButton(
            b.label, callback_data=callback_data("q", register(b.question))
        )
        if _width(b.label) > 16:
            rows.append([button])
            continue
        pending.append(button)
        if len(pending) == 2:
            rows.append(pending)
            pending = []
    if pending:
        rows.append(pending)
    if feedback_ref is not None:
        rows.append(
            [
                InlineKeyboardButton(label, callback_data=callback_data("f", feedback_ref, key))
                for key, label in FEEDBACK.items()
            ]
        )
    return InlineKeyboardMarkup(rows) if rows else None


SQL_CHARS = 1500


def sources_html(answer: Answer) -> str:
    """/sources: the trail behind an answer — definitions, period, SQL, citations."""
    zh = answer.language == "zh"
    lines = [f"<b>{'问题' if zh else 'Question'}：</b>{escape(mask_pii(answer.question))}"]
    if answer.query:
        period = answer.query.get("period") or {}
        if period:
            span = f"{period.get('start')} — {period.get('end')} ({period.get('grain')})"
            lines.append(f"<b>{'期间' if zh else 'Period'}：</b>{escape(span)}")
        filters = answer.query.get("filters") or {}
        if filters:
            shown = "; ".join(f"{k}={','.join(map(str, v))}" for k, v in filters.items())
            lines.append(f"<b>{'筛选' if zh else 'Filters'}：</b>{escape(shown)}")
    for d in answer.definitions:
        lines.append(
            f"<b>{escape(d.name)}</b>：{escape(d.description)}\n<code>{escape(d.formula)}</code>"
        )
    if answer.as_of:
        lines.append(f"<i>{LEADS[answer.language]['as_of']} {answer.as_of.isoformat()}</i>")
    if answer.sources:
        lines.append(f"<b>{'数据来源' if zh else 'Used'}：</b>{escape(', '.join(answer.sources))}")
    for stmt in answer.sql:
        lines.append("<pre>" + escape(truncate(stmt, SQL_CHARS)) + "</pre>")
    if answer.citations:
        lines.append(f"<b>{LEADS[answer.language]['sources']}</b>")
        lines += [_citation(c) for c in answer.citations]
    if len(lines) == 1:
        lines.append("没有可展示的出处。" if zh else "This answer has no sources to show.")
    return truncate_html(lines, TEXT_LIMIT)


def truncate_html(sections: Sequence[str], limit: int) -> str:
    """Join sections, dropping whole trailing ones so the result fits one message."""
    out: list[str] = []
    for section in sections:
        candidate = "\n\n".join([*out, section])
        if rendered_length(candidate) > limit - 2:
            out.append("…")
            break
        out.append(section)
    return "\n\n".join(out)
