"""Telegram HTML parsing: entities for valid markup, Telegram's errors for the rest."""

from __future__ import annotations

import pytest

from bot.sandbox.html import HtmlParseError, escape, parse_html
from bot.sandbox.text import detect_entities, entity_text, utf16_len


def types(markup: str) -> list[tuple[str, str]]:
    text, entities = parse_html(markup)
    return [(e["type"], entity_text(text, e)) for e in entities]


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("<b>bold</b>", [("bold", "bold")]),
        (
            "<strong>s</strong><em>e</em><ins>u</ins><del>d</del>",
            [("bold", "s"), ("italic", "e"), ("underline", "u"), ("strikethrough", "d")],
        ),
        (
            '<span class="tg-spoiler">x</span><tg-spoiler>y</tg-spoiler>',
            [("spoiler", "x"), ("spoiler", "y")],
        ),
        ("<span class=tg-spoiler>x</span>", [("spoiler", "x")]),
        ('<a href="https://example.com/?a=1&amp;b=2">link</a>', [("text_link", "link")]),
        ("<code>x = 1</code>", [("code", "x = 1")]),
        ('<pre><code class="language-python">print(1)</code></pre>', [("pre", "print(1)")]),
        ("<blockquote>q</blockquote>", [("blockquote", "q")]),
        ("<blockquote expandable>q</blockquote>", [("expandable_blockquote", "q")]),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', [("custom_emoji", "👍")]),
        ('<tg-time unix="1647531900" format="wDT">22:45</tg-time>', [("date_time", "22:45")]),
        ("<B>upper</B>", [("bold", "upper")]),
        ("<b>a <i>b</i> c</b>", [("bold", "a b c"), ("italic", "b")]),
        ("<b>x</>", [("bold", "x")]),
        ("<b></b>text", []),
    ],
)
def test_valid_markup_gives_entities(markup: str, expected: list[tuple[str, str]]) -> None:
    assert types(markup) == expected


def test_pre_language_and_link_url_are_kept() -> None:
    _, entities = parse_html(
        '<pre><code class="language-sql">SELECT 1</code></pre> <a href="https://x.org/a?b=1&amp;c=2">x</a>'
    )
    assert entities[0] == {"offset": 0, "length": 8, "type": "pre", "language": "sql"}
    assert entities[1]["url"] == "https://x.org/a?b=1&c=2"


@pytest.mark.parametrize(
    ("markup", "text"),
    [
        ("&lt;b&gt; &amp; &quot;", '<b> & "'),
        ("&#65;&#x42;&#X43;", "ABC"),
        ("A & B", "A & B"),  # Telegram keeps a bare & that starts no entity
        ("a > b", "a > b"),
        ("&nbsp;", "&nbsp;"),  # only four named entities are known
        ("  padded  ", "padded"),
    ],
)
def test_entities_decoded_like_telegram(markup: str, text: str) -> None:
    assert parse_html(markup)[0] == text


def test_offsets_are_utf16_code_units() -> None:
    text, entities = parse_html("😀 逾期率 <b>上升</b>")
    assert entities == [{"offset": 7, "length": 2, "type": "bold"}]
    assert entity_text(text, entities[0]) == "上升"
    assert utf16_len("😀") == 2


def test_strip_shifts_entities() -> None:
    text, entities = parse_html("\n\n <i>x</i> ")
    assert (text, entities) == ("x", [{"offset": 0, "length": 1, "type": "italic"}])


@pytest.mark.parametrize(
    ("markup", "error"),
    [
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<p>para</p>", 'Unsupported start tag "p" at byte offset 0'),
        ("line<br>break", 'Unsupported start tag "br" at byte offset 4'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("逾期率<5% 以下", 'Unsupported start tag "5%" at byte offset 9'),
        ("逾期率<5%", "Unclosed start tag at byte offset 9"),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<b>x</b", "Unclosed end tag at byte offset 4"),
        ('<a href="x>y</a>', "Unclosed start tag at byte offset 0"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("<a href=http://x.org/>x</a>", "Unexpected end of name token at byte offset 8"),
        ('<b ="x">y</b>', 'Empty attribute name in the tag "b" at byte offset 0'),
        ('<tg-emoji emoji-id="abc">👍</tg-emoji>', "Invalid custom emoji identifier specified"),
        ("<script>alert(1)</script>", 'Unsupported start tag "script" at byte offset 0'),
    ],
)
def test_malformed_markup_is_refused_with_telegram_wording(markup: str, error: str) -> None:
    with pytest.raises(HtmlParseError) as caught:
        parse_html(markup)
    assert str(caught.value) == error


@pytest.mark.parametrize("markup", ["A & B", "1 > 0"])
def test_strict_mode_catches_what_telegram_forgives(markup: str) -> None:
    with pytest.raises(HtmlParseError, match="strict"):
        parse_html(markup, strict=True)


def test_escape_round_trips() -> None:
    raw = 'if a<b && c>"d" then <b>'
    assert parse_html(escape(raw), strict=True)[0] == raw


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/start", [("bot_command", "/start")]),
        ("/start@bankpm_bot hi", [("bot_command", "/start@bankpm_bot")]),
        ("@bankpm_bot 逾期率是多少？", [("mention", "@bankpm_bot")]),
        ("问 @bankpm_bot /metric 逾期率", [("mention", "@bankpm_bot"), ("bot_command", "/metric")]),
        (
            "mail a@b.com or see https://x.org/a.",
            [("email", "a@b.com"), ("url", "https://x.org/a")],
        ),
        ("#逾期 and 1/2", [("hashtag", "#逾期")]),
        ("😀 /help", [("bot_command", "/help")]),
    ],
)
def test_user_text_entities(text: str, expected: list[tuple[str, str]]) -> None:
    found = detect_entities(text)
    assert [(e["type"], entity_text(text, e)) for e in found] == expected
