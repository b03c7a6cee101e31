"""Answer → Telegram HTML: escaping, splitting by rendered length, tables, buttons."""

from __future__ import annotations

import html
import re
from datetime import date
from html.parser import HTMLParser

import pytest

from bankpm_core.answer import Answer, Chart, Citation, Definition, Suggestion, Table, TextBlock
from bot.context import BoundedStore, FollowUps
from bot.render import (
    CALLBACK_LIMIT,
    CAPTION_LIMIT,
    TEXT_LIMIT,
    answer_html,
    callback_data,
    chart_caption,
    escape,
    keyboard,
    parse_callback,
    render_answer,
    rendered_length,
    sources_html,
    split_html,
    table_html,
)
from bot.sandbox.html import parse_html

ALLOWED = {"b", "i", "u", "s", "code", "pre", "blockquote", "a"}


class _Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag in ALLOWED, tag
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def check_part(part: str, limit: int = TEXT_LIMIT) -> str:
    """Balanced, allowed tags; Telegram (the sandbox's strict parser) accepts it; fits."""
    parser = _Balance()
    parser.feed(part)
    parser.close()
    assert parser.stack == [], f"unclosed {parser.stack}"
    text, _entities = parse_html(part, strict=True)
    assert len(text.encode("utf-16-le")) // 2 <= limit
    assert rendered_length(part) <= limit
    return "".join(parser.text)


def answer(**kwargs: object) -> Answer:
    base: dict[str, object] = {"question": "q", "language": "zh", "intent": "metric_query"}
    base.update(kwargs)
    return Answer(**base)  # type: ignore[arg-type]


def test_escaping_of_angle_brackets_and_ampersands() -> None:
    a = answer(blocks=[TextBlock(kind="headline", text="<b>A&B</b> 1 < 2 > 0 &amp;")])
    out = answer_html(a)
    assert out == "<b>&lt;b&gt;A&amp;B&lt;/b&gt; 1 &lt; 2 &gt; 0 &amp;amp;</b>"
    text, entities = parse_html(out, strict=True)
    assert text == "<b>A&B</b> 1 < 2 > 0 &amp;"
    assert entities[0]["type"] == "bold"
    assert escape('"quotes" stay') == '"quotes" stay'


def test_rendered_length_counts_text_after_entities_in_utf16() -> None:
    assert rendered_length("<b>a&amp;b</b>") == 3
    assert rendered_length("😀") == 2  # Telegram counts UTF-16 code units
    assert rendered_length("逾期率") == 3


def _long_answer() -> Answer:
    paragraphs = []
    for n in range(60):
        paragraphs.append(
            TextBlock(
                kind=("headline", "paragraph", "note", "warning")[n % 4],
                text=f"第{n}段 <tag> & “引号” 😀 overdue rate 逾期率 2.31% " * 4,
            )
        )
    paragraphs.append(TextBlock(text="长" * 5000))  # one block longer than a message
    table = Table(
        title="逾期率 <by channel>",
        columns=["期间", "渠道", "逾期率"],
        rows=[[f"2026-{m:02d}", "手机银行", 0.0231 + m / 1000] for m in range(1, 13)],
        units=[None, None, "percent"],
    )
    citations = [
        Citation(
            n=i, source=f"doc{i}.md", title=f"规定 {i} <A&B>", section="第三条", quote="引文" * 80
        )
        for i in range(1, 6)
    ]
    return answer(blocks=paragraphs, tables=[table], citations=citations)


def test_a_10000_character_answer_splits_into_valid_parts() -> None:
    a = _long_answer()
    full = answer_html(a)
    assert rendered_length(full) > 10_000
    parts = render_answer(a).texts
    assert len(parts) >= 3
    seen = "".join(check_part(p) for p in parts)
    original = html.unescape(re.sub(r"<[^>]+>", "", full))
    assert re.sub(r"\s", "", seen) == re.sub(r"\s", "", original)  # nothing lost or doubled


def test_split_keeps_tags_balanced_across_parts() -> None:
    body = "<b>" + ("粗体文字。" * 1000) + "</b>\n\n<i>" + ("x " * 3000) + "</i>"
    parts = split_html(body, 1000)
    assert all(rendered_length(p) <= 1000 for p in parts)
    for part in parts:
        check_part(part, 1000)
    assert parts[0].startswith("<b>") and parts[1].startswith("<b>")  # reopened
    assert any(p.startswith("<i>") for p in parts[1:])


def test_split_never_cuts_an_entity_or_tag() -> None:
    body = "&amp;&lt;&gt;" * 2000 + '<a href="https://example.com/?a=1&amp;b=2">link</a>'
    parts = split_html(body, 500)
    for part in parts:
        assert not re.search(r"&[a-z]*$", part)
        check_part(part, 500)
    assert "".join(html.unescape(re.sub(r"<[^>]+>", "", p)) for p in parts) == html.unescape(
        re.sub(r"<[^>]+>", "", body)
    )


def test_split_prefers_paragraph_breaks() -> None:
    body = "\n\n".join(f"段落{n} " + "字" * 300 for n in range(20))
    parts = split_html(body, 1000)
    for part in parts:
        assert part.startswith("段落"), part[:20]


def test_short_answer_is_one_part_and_an_empty_answer_still_replies() -> None:
    assert len(render_answer(answer(blocks=[TextBlock(text="hi")])).texts) == 1
    assert render_answer(answer(blocks=[])).texts == ["（没有可显示的内容）"]  # never silent
    chart_only = answer(blocks=[], charts=[Chart(title="t", png=b"\x89PNG")])
    assert render_answer(chart_only).texts == []


def test_narrow_table_is_a_pre_block_with_formatted_values() -> None:
    t = Table(
        title="逾期率",
        columns=["期间", "逾期率", "环比"],
        rows=[["2026-10", 0.0231, 0.0012], ["2026-11", None, -0.0003]],
        units=[None, "percent", "change:percent"],
    )
    out = table_html(t, "zh")
    assert "<pre>" in out and "2.31%" in out and "+0.12pp" in out and "—" in out
    check_part(out)
    lines = re.search(r"<pre>(.*)</pre>", out, re.S).group(1).split("\n")  # type: ignore[union-attr]
    assert max(len(line) for line in lines) <= 36


def test_wide_table_becomes_cards() -> None:
    t = Table(
        title="Breakdown",
        columns=["Period", "Channel", "Segment", "Overdue rate", "Comparison", "MoM"],
        rows=[["Q3 2026", "partner platform", "young professionals", 0.0686, 0.05, 0.0186]],
        units=[None, None, None, "percent", "percent", "change:percent"],
    )
    out = table_html(t, "en")
    assert "<pre>" not in out
    assert "<b>Q3 2026 · partner platform · young professionals</b>" in out
    assert "Overdue rate 6.86% · Comparison 5.00% · MoM +1.86pp" in out
    check_part(out)


def test_citations_numbered_with_quotes_and_definitions_shown_once() -> None:
    a = answer(
        intent="knowledge",
        blocks=[TextBlock(text="可以，但须遵守第十条。")],
        citations=[
            Citation(
                n=1,
                source="r.md",
                title="催收管理办法",
                section="第十条",
                quote="不得向借款人的同事 <透露>",
            )
        ],
        definitions=[
            Definition(
                metric="m", name="逾期率", description="M1+ 余额占比", formula="a/b", unit="percent"
            )
        ],
        as_of=date(2026, 11, 28),
    )
    out = answer_html(a)
    assert (
        "[1] <b>催收管理办法</b> · 第十条\n<blockquote>不得向借款人的同事 &lt;透露&gt;</blockquote>"
        in out
    )
    assert out.count("M1+ 余额占比") == 1 and "数据截至 2026-11-28" in out
    check_part(out)


def test_personal_numbers_are_masked_in_what_is_sent() -> None:
    a = answer(blocks=[TextBlock(text="客户 11010519491231002X 手机 13812345678")])
    out = answer_html(a)
    assert "11010519491231002X" not in out and "13812345678" not in out


def test_chart_caption_fits_and_photos_follow_charts() -> None:
    caption = chart_caption("标题 <x>" * 100, "说明 & " * 500)
    check_part(caption, CAPTION_LIMIT)
    a = answer(
        blocks=[TextBlock(text="t")],
        charts=[Chart(title="趋势", png=b"\x89PNG", alt="趋势图：逾期率")],
    )
    assert [p.caption for p in render_answer(a).photos] == ["<b>趋势</b>\n趋势图：逾期率"]


def test_buttons_carry_short_ids_and_feedback() -> None:
    long_q = "闪借消费贷近12个月逾期率按渠道和客群拆分并与去年同期比较" * 3
    a = answer(
        blocks=[TextBlock(text="t")],
        suggestions=[
            Suggestion(label="按渠道拆分", question=long_q),
            Suggestion(label="同比", question="同比"),
        ],
    )
    store = FollowUps()
    rendered = render_answer(a)
    markup = keyboard(rendered.buttons, store.register, feedback_ref=123456789)
    assert markup is not None
    datas = [b.callback_data for row in markup.inline_keyboard for b in row]
    assert all(len(str(d).encode()) <= CALLBACK_LIMIT for d in datas)
    kind, (ident,) = parse_callback(str(datas[0]))
    assert kind == "q" and store.question(ident) == long_q
    assert datas[-2:] == ["f:123456789:up", "f:123456789:down"]
    assert [b.text for b in markup.inline_keyboard[-1]] == ["👍", "👎"]


def test_options_win_over_suggestions_and_empty_questions_are_dropped() -> None:
    a = answer(
        intent="clarify",
        blocks=[TextBlock(text="您指哪个产品？")],
        options=[
            Suggestion(label="闪借", question="闪借逾期率"),
            Suggestion(label="x", question=" "),
        ],
        suggestions=[Suggestion(label="s", question="s")],
    )
    assert [b.label for b in render_answer(a).buttons] == ["闪借"]


def test_callback_data_limit_and_garbage() -> None:
    with pytest.raises(ValueError):
        callback_data("q", "x" * 70)
    assert parse_callback(None) == ("", [])
    assert parse_callback("garbage") == ("", [])
    assert parse_callback("x" * 100 + ":1") == ("", [])


def test_follow_up_store_dedupes_and_is_bounded() -> None:
    store = FollowUps(capacity=3)
    first = store.register("a")
    assert store.register("a") == first
    for q in "bcd":
        store.register(q)
    assert store.question(first) is None  # evicted, oldest first
    assert store.question(store.register("d")) == "d"
    lru: BoundedStore[str, int] = BoundedStore(2)
    lru.put("x", 1)
    lru.put("y", 2)
    lru.get("x")
    lru.put("z", 3)
    assert lru.get("y") is None and lru.get("x") == 1


def test_sources_html_shows_the_trail() -> None:
    a = answer(
        question="闪借逾期率",
        query={
            "metric": "overdue_rate",
            "period": {"start": "2026-10-01", "end": "2026-10-31", "grain": "month"},
            "filters": {"product": ["FLASH"]},
        },
        definitions=[
            Definition(
                metric="overdue_rate",
                name="逾期率",
                description="M1+",
                formula="sum(balance where dpd>30)/sum(balance)",
                unit="percent",
            )
        ],
        sql=["SELECT sum(balance) FROM loan_snapshots WHERE dpd > :p"],
        sources=["loan_snapshots"],
        as_of=date(2026, 10, 31),
    )
    out = sources_html(a)
    check_part(out)
    assert "dpd&gt;30" in out and "<pre>SELECT" in out and "product=FLASH" in out
