"""Access policy from settings, refusals, and the per-user rate limit (stepped clock)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bankpm_core.access import AccessPolicy, RateLimiter, parse_pairs, refusal_text
from bankpm_core.config import Settings
from bankpm_core.errors import ConfigError


@dataclass
class SteppedClock:
    at: datetime

    def now(self) -> datetime:
        return self.at

    def step(self, seconds: float) -> None:
        self.at += timedelta(seconds=seconds)


def test_pairs_parse_and_fail_loudly() -> None:
    assert parse_pairs(" 1:pm, -100:viewer ,", "X") == {1: "pm", -100: "viewer"}
    with pytest.raises(ConfigError, match="unknown role"):
        parse_pairs("1:boss", "BANKPM_ALLOWED_USERS")
    with pytest.raises(ConfigError, match="id:role"):
        parse_pairs("17", "BANKPM_ALLOWED_USERS")
    with pytest.raises(ConfigError, match="not a numeric id"):
        parse_pairs("abc:pm", "BANKPM_ALLOWED_USERS")


def test_policy_from_file_and_settings(tmp_path: Path) -> None:
    access = tmp_path / "access.yaml"
    access.write_text(
        "users:\n  - {id: 1, role: admin, name: 王芳}\n  - {id: 2, role: viewer}\n"
        "chats:\n  -1001: pm\n",
        encoding="utf-8",
    )
    settings = Settings(
        access_file=access, allowed_users="3:compliance,2:pm", allowed_chats="-5:viewer"
    )
    policy = AccessPolicy.from_settings(settings)
    assert dict(policy.users) == {1: "admin", 2: "pm", 3: "compliance"}  # settings override file
    assert dict(policy.chats) == {-1001: "pm", -5: "viewer"}


def test_bad_access_file_names_the_problem(tmp_path: Path) -> None:
    access = tmp_path / "access.yaml"
    access.write_text("users: [{role: pm}]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"users\[0\]: needs an id"):
        AccessPolicy.from_settings(Settings(access_file=access))
    with pytest.raises(ConfigError, match="Cannot read"):
        AccessPolicy.from_settings(Settings(access_file=tmp_path / "missing.yaml"))


POLICY = AccessPolicy(users={1: "admin", 2: "viewer", 3: "pm"}, chats={-100: "compliance"})


@pytest.mark.parametrize(
    ("user", "chat", "kind", "allowed", "role", "reason"),
    [
        (1, 1, "private", True, "admin", "user"),
        (2, 2, "private", True, "viewer", "user"),
        (9, 9, "private", False, None, "unknown_user"),
        (1, -100, "supergroup", True, "compliance", "chat"),  # the group caps an admin
        (2, -100, "group", True, "viewer", "user"),  # a viewer stays a viewer
        (9, -100, "group", True, "compliance", "chat"),  # unlisted member of a listed group
        (1, -200, "group", False, None, "unknown_chat"),  # even admins: unlisted group
        (1, -300, "channel", False, None, "unsupported_chat"),
    ],
)
def test_decisions(
    user: int, chat: int, kind: str, allowed: bool, role: str | None, reason: str
) -> None:
    decision = POLICY.decide(user, chat, kind)
    assert (decision.allowed, decision.role, decision.reason) == (allowed, role, reason)


def test_empty_policy_refuses_everyone() -> None:
    assert not AccessPolicy().decide(1, 1, "private").allowed


def test_refusal_shows_the_id_and_nothing_else() -> None:
    decision = POLICY.decide(424242, 424242, "private")
    zh = refusal_text(decision, 424242, 424242, "zh")
    en = refusal_text(decision, 424242, 424242, "en")
    assert "424242" in zh and "424242" in en
    for text in (zh, en):
        assert not re.search(r"逾期|overdue|/help|\b(pm|viewer|compliance)\b", text)
    group = refusal_text(POLICY.decide(1, -200, "group"), 1, -200, "en")
    assert "-200" in group and "1" in group


def test_rate_limit_sliding_window_with_stepped_clock() -> None:
    clock = SteppedClock(datetime(2026, 11, 29, 10, 0, tzinfo=UTC))
    limiter = RateLimiter(3, clock)
    assert [limiter.check("u") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.check("u") == pytest.approx(60.0)
    assert limiter.check("other") == 0.0  # per user
    clock.step(30)
    assert limiter.check("u") == pytest.approx(30.0)
    clock.step(30)
    assert limiter.check("u") == 0.0  # the first hits left the window
    clock.step(1)
    assert [limiter.check("u"), limiter.check("u")] == [0.0, 0.0]  # 3 hits at t=60, 61, 61
    assert limiter.check("u") == pytest.approx(59.0)
    with pytest.raises(ValueError):
        RateLimiter(0)


def test_rate_limit_forgets_idle_users() -> None:
    clock = SteppedClock(datetime(2026, 11, 29, tzinfo=UTC))
    limiter = RateLimiter(1, clock)
    for user in range(10_001):
        limiter.check(user)
    clock.step(61)
    limiter.check("fresh")
    assert len(limiter._hits) < 10
