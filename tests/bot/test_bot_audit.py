"""The audit trail: masking before storage, feedback, CSV export."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bankpm_core.audit import CSV_COLUMNS, AuditEntry, AuditLog, digest


def id_with_check_digit(first17: str) -> str:
    """A resident ID number with a valid GB 11643 check digit."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(first17, weights, strict=True))
    return first17 + "10X98765432"[total % 11]


def luhn(partial: str) -> str:
    digits = [int(d) for d in partial]
    for i in range(len(digits) - 1, -1, -2):
        digits[i] = digits[i] * 2 - 9 if digits[i] * 2 > 9 else digits[i] * 2
    return partial + str((10 - sum(digits) % 10) % 10)


RESIDENT_ID = id_with_check_digit("11010519491231002")  # ends in X
RESIDENT_ID_2 = id_with_check_digit("44030419900307123")
MOBILE = "13812345678"
CARD = luhn("622202100112345678")  # 19 digits, UnionPay-style


@dataclass
class SteppedClock:
    at: datetime

    def now(self) -> datetime:
        return self.at


@pytest.fixture
def audit(tmp_path: Path) -> AuditLog:
    clock = SteppedClock(datetime(2026, 11, 29, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    log = AuditLog.from_url(f"sqlite:///{tmp_path / 'audit.sqlite3'}", clock)
    yield log  # type: ignore[misc]
    log.close()


def test_test_numbers_are_realistic() -> None:
    assert RESIDENT_ID == "11010519491231002X" and len(RESIDENT_ID_2) == 18
    assert len(CARD) == 19


def test_personal_numbers_never_reach_the_database(audit: AuditLog, tmp_path: Path) -> None:
    question = (
        f"客户身份证 {RESIDENT_ID}、{RESIDENT_ID_2}，手机 {MOBILE} 和 +86 139-8765-4321，"
        f"卡号 {CARD[:4]} {CARD[4:8]} {CARD[8:12]} {CARD[12:16]} {CARD[16:]} 的逾期情况？"
    )
    answer = f"已查询 {MOBILE} 名下卡 {CARD} 的情况。"
    row_id = audit.record(
        AuditEntry(
            user_id=10001,
            chat_id=10001,
            chat_type="private",
            outcome="answered",
            question=question,
            intent="metric_query",
            sources=[f"note about {MOBILE}", "loan_snapshots"],
            answer_text=answer,
            latency_ms=123.4,
            language="zh",
        )
    )
    row = audit.get(row_id)
    assert row is not None
    stored = f"{row['question']} {row['answer_excerpt']} {row['sources']}"
    for secret in (RESIDENT_ID, RESIDENT_ID_2, MOBILE, "13987654321", "139-8765-4321", CARD):
        assert secret not in stored
    assert "110105********002X" in row["question"] and "138****5678" in row["question"]
    assert f"{CARD[:4]} **** **** {CARD[-4:]}" in row["question"]
    assert row["answer_digest"] == digest(answer) and len(row["answer_digest"]) == 64
    assert row["latency_ms"] == 123 and row["outcome"] == "answered"
    assert row["ts"] == datetime(2026, 11, 29, 2, 0, tzinfo=UTC)  # stored in UTC
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("audit.sqlite3*"))
    for secret in (RESIDENT_ID, MOBILE, CARD):
        assert secret.encode() not in raw  # not even in free pages of the file


def test_digest_is_of_the_masked_text_and_excerpt_is_short(audit: AuditLog) -> None:
    long_answer = "结论：" + "很长的回答" * 100
    row = audit.get(
        audit.record(AuditEntry(user_id=1, outcome="answered", answer_text=long_answer))
    )
    assert row is not None and len(row["answer_excerpt"]) == 200
    assert digest(f"手机 {MOBILE}") == digest("手机 138****5678")


def test_feedback_updates_the_row_of_that_chat_only(audit: AuditLog) -> None:
    row_id = audit.record(AuditEntry(user_id=1, chat_id=-100, outcome="answered", question="q"))
    assert not audit.set_feedback(row_id, "up", user_id=2, chat_id=-999)
    assert audit.set_feedback(row_id, "down", user_id=2, chat_id=-100)
    row = audit.get(row_id)
    assert row is not None and row["feedback"] == "👎" and row["feedback_user"] == "2"
    assert not audit.set_feedback(row_id + 100, "up", user_id=2)
    with pytest.raises(ValueError):
        audit.set_feedback(row_id, "meh", user_id=2)


def test_export_csv_since_with_header_and_formula_guard(audit: AuditLog) -> None:
    clock: SteppedClock = audit.clock  # type: ignore[assignment]
    audit.record(AuditEntry(user_id=1, outcome="answered", question="old"))
    clock.at += timedelta(days=2)
    audit.record(AuditEntry(user_id=2, outcome="refused", question='=HYPERLINK("x")'))
    audit.record(
        AuditEntry(user_id=3, outcome="rate_limited", question=f"call {MOBILE}", sources=["a", "b"])
    )
    out = io.StringIO()
    since = datetime(2026, 11, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert audit.export_csv(out, since) == 2
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == CSV_COLUMNS
    by = {r[CSV_COLUMNS.index("user_id")]: dict(zip(CSV_COLUMNS, r, strict=True)) for r in rows[1:]}
    assert set(by) == {"2", "3"}
    assert by["2"]["question"].startswith("'=")  # no formula injection in spreadsheets
    assert by["3"]["question"] == "call 138****5678" and by["3"]["sources"] == "a; b"
    assert by["3"]["ts"].endswith("+00:00")
    with pytest.raises(ValueError):
        list(audit.rows(datetime(2026, 1, 1)))  # noqa: DTZ001 - naive on purpose


def test_table_is_created_once_and_reused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    first = AuditLog.from_url(url)
    first.record(AuditEntry(user_id=1, outcome="error"))
    first.close()
    second = AuditLog.from_url(url)
    assert [r["outcome"] for r in second.rows()] == ["error"]
    second.close()
