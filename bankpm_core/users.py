"""Who is asking: the user context every capability receives, and what roles may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["admin", "pm", "compliance", "viewer"]

# Which intents a role may receive answers for. Viewers get knowledge, not product P&L.
ROLE_INTENTS: dict[str, frozenset[str]] = {
    "admin": frozenset({"metric_query", "knowledge", "pricing", "complaints", "help", "clarify"}),
    "pm": frozenset({"metric_query", "knowledge", "pricing", "complaints", "help", "clarify"}),
    "compliance": frozenset({"metric_query", "knowledge", "complaints", "help", "clarify"}),
    "viewer": frozenset({"knowledge", "help", "clarify"}),
}


@dataclass(frozen=True)
class UserContext:
    user_id: str = "console"
    display_name: str = ""
    role: Role = "admin"
    chat_id: str | None = None
    language: Literal["zh", "en"] | None = None

    def may(self, intent: str) -> bool:
        return intent in ROLE_INTENTS.get(self.role, frozenset())


CONSOLE_USER = UserContext()
