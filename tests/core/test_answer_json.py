"""The JSON answer is a public contract (README "JSON answer"): pin its keys."""

from __future__ import annotations

import base64
import json
from datetime import date

from bankpm_core.answer import Answer, Chart, Citation, Suggestion, TextBlock

CONTRACT_KEYS = {
    "question",
    "language",
    "intent",
    "text",
    "blocks",
    "query",
    "result",
    "definitions",
    "citations",
    "grounded",
    "as_of",
    "tables",
    "charts",
    "suggestions",
    "options",
    "sources",
    "sql",
    "timings_ms",
    "error",
}


def test_json_keys_are_the_documented_contract() -> None:
    answer = Answer(question="q", language="zh", intent="help")
    assert set(answer.to_json_dict()) == CONTRACT_KEYS


def test_json_round_trips_and_charts_are_optional_base64() -> None:
    png = b"\x89PNG fake"
    answer = Answer(
        question="闪借逾期率",
        language="zh",
        intent="knowledge",
        blocks=[TextBlock(kind="headline", text="标题"), TextBlock(text="正文")],
        citations=[Citation(n=1, source="a.md", title="手册", section="第三条", quote="原文")],
        charts=[Chart(title="趋势", png=png)],
        suggestions=[Suggestion(label="按渠道", question="闪借逾期率按渠道")],
        as_of=date(2026, 10, 31),
        grounded=True,
    )
    data = json.loads(json.dumps(answer.to_json_dict(), ensure_ascii=False))
    assert data["text"] == "标题\n\n正文"
    assert data["as_of"] == "2026-10-31"
    assert data["citations"][0]["section"] == "第三条"
    assert data["charts"] == [{"title": "趋势", "alt": "", "bytes": len(png)}]
    with_png = answer.to_json_dict(include_charts=True)
    assert base64.b64decode(with_png["charts"][0]["png_base64"]) == png
