"""The structured Answer every front end renders.

The JSON form (:meth:`Answer.to_json_dict`) is a public contract documented in the
README; a test pins its keys. Numbers stay numbers here: formatting for people
happens in renderers (``bankpm_core.formatting`` helps them agree).
"""

from __future__ import annotations

import base64
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Intent = Literal["metric_query", "knowledge", "pricing", "complaints", "help", "clarify", "error"]


class TextBlock(BaseModel):
    model_config = ConfigDict(frozen=True)
    kind: Literal["headline", "paragraph", "note", "warning"] = "paragraph"
    text: str


class Table(BaseModel):
    """A small table: columns are display headers, rows are cell values (numbers raw)."""

    title: str = ""
    columns: list[str]
    rows: list[list[Any]]
    units: list[str | None] = Field(default_factory=list)


class ChartSpec(BaseModel):
    """What to draw: the data of a chart, cheap to build and to pickle.

    Answers carry specs so a front end can send the numbers first and draw the
    picture after (drawing costs several times more than computing the answer).
    """

    kind: Literal["line", "bar"]
    title: str
    labels: list[str]
    series: dict[str, list[float | None]]  # a bar chart has one series
    unit: str


class Chart(BaseModel):
    title: str
    png: bytes = Field(default=b"", repr=False)  # empty until drawn (see charts.render_charts)
    alt: str = ""
    spec: ChartSpec | None = Field(default=None, repr=False)


class Citation(BaseModel):
    n: int
    source: str
    title: str
    section: str | None = None
    quote: str = ""
    kind: str | None = None
    score: float | None = None


class Definition(BaseModel):
    """Where a number came from: the metric's definition, formula and unit."""

    metric: str
    name: str
    description: str
    formula: str
    unit: str


class Suggestion(BaseModel):
    """A follow-up or a clarifying option; ``question`` is what runs when it is chosen."""

    label: str
    question: str


class ErrorInfo(BaseModel):
    code: str
    message: str


class Answer(BaseModel):
    question: str
    language: Literal["zh", "en"]
    intent: Intent
    blocks: list[TextBlock] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    charts: list[Chart] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    definitions: list[Definition] = Field(default_factory=list)
    suggestions: list[Suggestion] = Field(default_factory=list)
    options: list[Suggestion] = Field(default_factory=list)
    query: dict[str, Any] | None = None
    result: dict[str, Any] | None = None
    as_of: date | None = None
    grounded: bool | None = None
    sources: list[str] = Field(default_factory=list)
    sql: list[str] = Field(default_factory=list)
    timings_ms: dict[str, float] = Field(default_factory=dict)
    error: ErrorInfo | None = None

    @property
    def text(self) -> str:
        return "\n\n".join(block.text for block in self.blocks)

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_json_dict(self, include_charts: bool = False) -> dict[str, Any]:
        """The stable JSON form: see README "JSON answer"."""
        charts = []
        for chart in self.charts:
            item: dict[str, Any] = {"title": chart.title, "alt": chart.alt, "bytes": len(chart.png)}
            if include_charts:
                item["png_base64"] = base64.b64encode(chart.png).decode("ascii")
            charts.append(item)
        return {
            "question": self.question,
            "language": self.language,
            "intent": self.intent,
            "text": self.text,
            "blocks": [b.model_dump() for b in self.blocks],
            "query": self.query,
            "result": self.result,
            "definitions": [d.model_dump() for d in self.definitions],
            "citations": [c.model_dump() for c in self.citations],
            "grounded": self.grounded,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "tables": [t.model_dump() for t in self.tables],
            "charts": charts,
            "suggestions": [s.model_dump() for s in self.suggestions],
            "options": [s.model_dump() for s in self.options],
            "sources": self.sources,
            "sql": self.sql,
            "timings_ms": self.timings_ms,
            "error": self.error.model_dump() if self.error else None,
        }
