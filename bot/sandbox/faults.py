"""Fault injection: make the next N calls of a method fail the way Telegram can.

Tests queue faults, the server consumes one per matching request (after the
token and method are known to be valid, so the fault stands in for a real
answer). Kinds:

- ``flood``: 429 with ``parameters.retry_after`` (PTB raises ``RetryAfter``);
- ``server_error``: 500 Internal Server Error (PTB raises ``NetworkError``);
- ``bad_gateway``: 502, as Telegram's front end returns when it is overloaded;
- ``drop``: the connection is closed without an answer;
- ``garbage``: 200 with a body that is not JSON;
- ``error``: any status and description you give (403, 400, ...);
- ``delay``: wait ``delay`` seconds, then answer normally (slow network).
"""

from __future__ import annotations

from collections import deque
from dataclasses import asdict, dataclass
from typing import Any

FAULT_KINDS = frozenset(
    {"flood", "server_error", "bad_gateway", "drop", "garbage", "error", "delay"}
)
ANY_METHOD = "*"
DEFAULT_DESCRIPTION = "Bad Request: injected by the sandbox"


@dataclass(frozen=True, slots=True)
class Fault:
    """One queued failure."""

    kind: str
    method: str = ANY_METHOD
    retry_after: int = 1
    status: int = 400
    description: str = DEFAULT_DESCRIPTION
    delay: float = 0.0
    bot_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class FaultPlan:
    """The queue of pending faults and the record of those that fired."""

    def __init__(self) -> None:
        self.pending: deque[Fault] = deque()
        self.fired: list[tuple[str, Fault]] = []

    def inject(
        self,
        method: str = ANY_METHOD,
        kind: str = "server_error",
        *,
        count: int = 1,
        retry_after: int = 1,
        status: int = 400,
        description: str | None = None,
        delay: float = 0.0,
        bot_id: int | None = None,
    ) -> list[Fault]:
        """Queue ``count`` faults for ``method`` (case-insensitive, ``*`` for any)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {sorted(FAULT_KINDS)}, got {kind!r}")
        if count < 1:
            raise ValueError("count must be at least 1")
        fault = Fault(
            kind=kind,
            method=method.lower(),
            retry_after=retry_after,
            status=status,
            description=description or DEFAULT_DESCRIPTION,
            delay=delay,
            bot_id=bot_id,
        )
        faults = [fault] * count
        self.pending.extend(faults)
        return faults

    def take(self, method: str, bot_id: int) -> Fault | None:
        """Consume the first pending fault that matches this call, if any."""
        name = method.lower()
        for fault in self.pending:
            if fault.method in (name, ANY_METHOD) and fault.bot_id in (None, bot_id):
                self.pending.remove(fault)
                self.fired.append((method, fault))
                return fault
        return None

    def clear(self) -> None:
        self.pending.clear()
        self.fired.clear()

    def to_json(self) -> dict[str, Any]:
        return {
            "pending": [fault.to_json() for fault in self.pending],
            "fired": [{"method": name, **fault.to_json()} for name, fault in self.fired],
        }
