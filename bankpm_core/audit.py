"""The audit trail: one row per update answered or refused, in the metrics database.

Personal numbers (ID, phone, card) are masked with :func:`mask_pii` inside
:meth:`AuditLog.record` — before anything is stored — so no caller can forget. The
answer itself is kept as a SHA-256 digest plus its first 200 (masked) characters.
Times are stored in UTC. ``bankpm audit export --since`` writes CSV.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, TextIO, get_args

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    select,
    update,
)

from bankpm_core.clock import Clock, SystemClock
from bankpm_core.db import make_engine
from bankpm_core.masking import mask_pii

__all__ = [
    "CSV_COLUMNS",
    "OUTCOMES",
    "AuditEntry",
    "AuditLog",
    "audit_table",
    "digest",
]

Outcome = Literal["answered", "refused", "error", "rate_limited", "forbidden", "upload"]
OUTCOMES: tuple[str, ...] = get_args(Outcome)
FEEDBACK = {"up": "👍", "down": "👎"}
EXCERPT_CHARS = 200

metadata = MetaData()
audit_table = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("ts", DateTime(timezone=True), nullable=False, index=True),
    Column("user_id", String(64), nullable=False),
    Column("chat_id", String(64)),
    Column("chat_type", String(16)),
    Column("language", String(8)),
    Column("question", Text),
    Column("intent", String(32)),
    Column("sources", Text),
    Column("answer_digest", String(64)),
    Column("answer_excerpt", Text),
    Column("latency_ms", Integer),
    Column("outcome", String(16), nullable=False),
    Column("feedback", String(8)),
    Column("feedback_user", String(64)),
    Column("feedback_at", DateTime(timezone=True)),
)

CSV_COLUMNS: tuple[str, ...] = tuple(c.name for c in audit_table.columns)
_TEXT_COLUMNS = frozenset({"question", "answer_excerpt", "sources"})


def digest(text: str) -> str:
    """SHA-256 of the masked answer text (what was shown, never the raw numbers)."""
    return hashlib.sha256(mask_pii(text or "").encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class AuditEntry:
    """What happened for one update; masked on the way into the database."""

    user_id: str | int
    outcome: Outcome
    chat_id: str | int | None = None
    chat_type: str | None = None
    question: str = ""
    intent: str | None = None
    sources: Sequence[str] = field(default_factory=tuple)
    answer_text: str = ""
    latency_ms: float | None = None
    language: str | None = None


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite hands back what we stored: naive UTC
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _plain(rec: Any) -> dict[str, Any]:
    row = dict(rec)
    row["ts"] = _utc(row["ts"])
    row["feedback_at"] = _utc(row["feedback_at"])
    row["sources"] = json.loads(row["sources"]) if row["sources"] else []
    return row


def _csv_safe(value: str) -> str:
    """Stop spreadsheet formula injection from user text (=, +, -, @ at the start)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class AuditLog:
    """Append-only audit rows (feedback is the one field updated later)."""

    def __init__(self, engine: Engine, clock: Clock | None = None) -> None:
        self.engine = engine
        self.clock = clock or SystemClock(UTC)
        metadata.create_all(engine, tables=[audit_table], checkfirst=True)

    @classmethod
    def from_url(cls, url: str, clock: Clock | None = None) -> AuditLog:
        return cls(make_engine(url), clock)

    def close(self) -> None:
        self.engine.dispose()

    def _now(self) -> datetime:
        return self.clock.now().astimezone(UTC)

    def record(self, entry: AuditEntry) -> int:
        """Store one masked row; returns its id (feedback buttons refer to it)."""
        answer = mask_pii(entry.answer_text or "")
        row = {
            "ts": self._now(),
            "user_id": str(entry.user_id),
            "chat_id": None if entry.chat_id is None else str(entry.chat_id),
            "chat_type": entry.chat_type,
            "language": entry.language,
            "question": mask_pii(entry.question or "")[:4000],
            "intent": entry.intent,
            "sources": json.dumps([mask_pii(s) for s in entry.sources], ensure_ascii=False),
            "answer_digest": digest(answer) if answer else None,
            "answer_excerpt": answer[:EXCERPT_CHARS] if answer else None,
            "latency_ms": None if entry.latency_ms is None else round(entry.latency_ms),
            "outcome": entry.outcome,
        }
        with self.engine.begin() as conn:
            result = conn.execute(audit_table.insert().values(**row))
            return int(result.inserted_primary_key[0])

    def set_feedback(
        self, row_id: int, value: str, user_id: str | int, chat_id: str | int | None = None
    ) -> bool:
        """Record 👍/👎 (``value`` "up"/"down") on a row of this chat; False if none matched."""
        if value not in FEEDBACK:
            raise ValueError(f"feedback must be one of {sorted(FEEDBACK)}")
        stmt = (
            update(audit_table)
            .where(audit_table.c.id == row_id)
            .values(feedback=FEEDBACK[value], feedback_user=str(user_id), feedback_at=self._now())
        )
        if chat_id is not None:
            stmt = stmt.where(audit_table.c.chat_id == str(chat_id))
        with self.engine.begin() as conn:
            return conn.execute(stmt).rowcount > 0

    def rows(
        self, since: datetime | None = None, *, outcome: str | None = None, limit: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """Rows in time order as dicts (times UTC-aware, sources as a list)."""
        stmt = select(audit_table).order_by(audit_table.c.ts, audit_table.c.id)
        if since is not None:
            if since.tzinfo is None:
                raise ValueError("since must be timezone-aware")
            stmt = stmt.where(audit_table.c.ts >= since.astimezone(UTC))
        if outcome is not None:
            stmt = stmt.where(audit_table.c.outcome == outcome)
        if limit is not None:
            stmt = stmt.limit(limit)
        with self.engine.connect() as conn:
            for rec in conn.execution_options(yield_per=500).execute(stmt).mappings():
                yield _plain(rec)

    def get(self, row_id: int) -> dict[str, Any] | None:
        stmt = select(audit_table).where(audit_table.c.id == row_id)
        with self.engine.connect() as conn:
            rec = conn.execute(stmt).mappings().first()
        return None if rec is None else _plain(rec)

    def export_csv(self, out: TextIO, since: datetime | None = None) -> int:
        """Write rows since ``since`` (aware) as CSV with a header; returns the row count."""
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        count = 0
        for row in self.rows(since):
            cells = []
            for name in CSV_COLUMNS:
                value = row[name]
                if isinstance(value, datetime):
                    value = value.isoformat()
                elif name == "sources":
                    value = "; ".join(value)
                value = "" if value is None else str(value)
                cells.append(_csv_safe(value) if name in _TEXT_COLUMNS else value)
            writer.writerow(cells)
            count += 1
        return count
