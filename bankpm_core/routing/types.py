"""What the router hands to the assistant: an intent and typed slots.

The contract between understanding and the capabilities. Whoever fills it (rules,
or an LLM constrained to the same shape), numbers still come from the query engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from bankpm_core.metrics.query import MetricQuery

RouteIntent = Literal["metric_query", "knowledge", "pricing", "complaints", "help", "clarify"]


@dataclass(frozen=True)
class Option:
    """A clarifying choice; ``question`` is the full question that runs when chosen."""

    label: str
    question: str


@dataclass(frozen=True)
class Route:
    intent: RouteIntent
    language: Literal["zh", "en"]
    query: MetricQuery | None = None  # for metric_query
    options: tuple[Option, ...] = ()  # for clarify
    prompt: str = ""  # for clarify: the short clarifying question
    slots: dict[str, Any] = field(default_factory=dict)  # pricing / complaints / knowledge
    confidence: float = 1.0
    reason: str = ""  # why this route won (debugging, `--explain`)
