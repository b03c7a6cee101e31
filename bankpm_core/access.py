"""Who may talk to the bot, with which role, and how often.

The policy comes from settings: the YAML ``access_file`` plus the ``allowed_users`` /
``allowed_chats`` strings (``"id:role,id:role"``). Private chats need a listed user;
group chats need a listed chat, whose role caps every member's (an unlisted member of
a listed group gets the group's role). Everyone else is refused. Nothing here knows
Telegram: ids are plain integers, chat types plain strings.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, cast

import yaml

from bankpm_core.clock import Clock
from bankpm_core.config import Settings
from bankpm_core.errors import ConfigError
from bankpm_core.users import ROLE_INTENTS, Role

__all__ = [
    "ROLE_RANK",
    "AccessDecision",
    "AccessPolicy",
    "RateLimiter",
    "parse_pairs",
    "refusal_text",
]

# Lower rank = fewer rights; a group's role caps its members' roles.
ROLE_RANK: dict[str, int] = {"viewer": 0, "compliance": 1, "pm": 2, "admin": 3}
GROUP_TYPES = frozenset({"group", "supergroup"})

Reason = Literal["user", "chat", "unknown_user", "unknown_chat", "unsupported_chat"]


@dataclass(frozen=True)
class AccessDecision:
    allowed: bool
    role: Role | None
    reason: Reason


def _role(value: object, where: str) -> Role:
    role = str(value).strip().lower()
    if role not in ROLE_INTENTS:
        raise ConfigError(
            f"访问配置 {where}：未知角色 {value!r}（可选 admin、pm、compliance、viewer）。",
            f"Access configuration {where}: unknown role {value!r} "
            "(use admin, pm, compliance or viewer).",
        )
    return cast(Role, role)


def _id(value: object, where: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise ConfigError(
            f"访问配置 {where}：{value!r} 不是数字 id。",
            f"Access configuration {where}: {value!r} is not a numeric id.",
        ) from None


def parse_pairs(text: str, setting: str) -> dict[int, Role]:
    """``"123:pm, -100456:viewer"`` → ``{123: "pm", -100456: "viewer"}``; loud on errors."""
    out: dict[int, Role] = {}
    for item in (part.strip() for part in (text or "").split(",")):
        if not item:
            continue
        ident, sep, role = item.rpartition(":")
        if not sep or not ident:
            raise ConfigError(
                f"{setting}：{item!r} 应写成 id:角色。",
                f"{setting}: {item!r} should be id:role.",
            )
        out[_id(ident, setting)] = _role(role, setting)
    return out


def _entries(raw: Any, key: str, where: str) -> dict[int, Role]:
    """Accept ``{id: role}`` or ``[{id: …, role: …, name: …}, …]`` under ``key``."""
    section = raw.get(key) if isinstance(raw, Mapping) else None
    if section is None:
        return {}
    if isinstance(section, Mapping):
        return {
            _id(k, f"{where} {key}"): _role(v, f"{where} {key}.{k}") for k, v in section.items()
        }
    if isinstance(section, list):
        out: dict[int, Role] = {}
        for n, item in enumerate(section):
            if not isinstance(item, Mapping) or "id" not in item:
                raise ConfigError(
                    f"访问配置 {where} {key}[{n}]：需要 id 和 role。",
                    f"Access configuration {where} {key}[{n}]: needs an id and a role.",
                )
            out[_id(item["id"], f"{where} {key}[{n}]")] = _role(
                item.get("role", "viewer"), f"{where} {key}[{n}]"
            )
        return out
    raise ConfigError(
        f"访问配置 {where}：{key} 应为映射或列表。",
        f"Access configuration {where}: {key} should be a mapping or a list.",
    )


@dataclass(frozen=True)
class AccessPolicy:
    users: Mapping[int, Role] = field(default_factory=dict)
    chats: Mapping[int, Role] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Settings) -> AccessPolicy:
        users: dict[int, Role] = {}
        chats: dict[int, Role] = {}
        if settings.access_file is not None:
            users, chats = cls._load_file(settings.access_file)
        users.update(parse_pairs(settings.allowed_users, "BANKPM_ALLOWED_USERS"))
        chats.update(parse_pairs(settings.allowed_chats, "BANKPM_ALLOWED_CHATS"))
        return cls(users=users, chats=chats)

    @staticmethod
    def _load_file(path: Path) -> tuple[dict[int, Role], dict[int, Role]]:
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigError(
                f"无法读取访问配置 {path}：{exc}", f"Cannot read the access file {path}: {exc}"
            ) from exc
        if not isinstance(raw, Mapping):
            raise ConfigError(
                f"访问配置 {path} 应为 YAML 映射（users:, chats:）。",
                f"The access file {path} should be a YAML mapping (users:, chats:).",
            )
        return _entries(raw, "users", str(path)), _entries(raw, "chats", str(path))

    def with_users(self, extra: Mapping[int, Role]) -> AccessPolicy:
        return AccessPolicy(users={**self.users, **extra}, chats=dict(self.chats))

    def decide(self, user_id: int, chat_id: int | None, chat_type: str) -> AccessDecision:
        """Role of ``user_id`` in this chat, or a refusal with the reason."""
        user_role = self.users.get(user_id)
        if chat_type == "private" or chat_id is None or chat_id == user_id:
            if user_role is None:
                return AccessDecision(False, None, "unknown_user")
            return AccessDecision(True, user_role, "user")
        if chat_type not in GROUP_TYPES:
            return AccessDecision(False, None, "unsupported_chat")
        chat_role = self.chats.get(chat_id)
        if chat_role is None:
            return AccessDecision(False, None, "unknown_chat")
        if user_role is None or ROLE_RANK[user_role] > ROLE_RANK[chat_role]:
            return AccessDecision(True, chat_role, "chat")
        return AccessDecision(True, user_role, "user")


def refusal_text(decision: AccessDecision, user_id: int, chat_id: int | None, lang: str) -> str:
    """The polite refusal: the ids an administrator needs, and nothing else."""
    if decision.reason == "unknown_chat":
        if lang == "zh":
            return (
                f"抱歉，本群尚未开通此助手。请管理员将群 id {chat_id} 加入允许列表。"
                f"（您的用户 id：{user_id}）"
            )
        return (
            f"Sorry, this group is not enabled for this assistant. Ask an administrator to "
            f"allow chat id {chat_id}. (Your user id: {user_id})"
        )
    if lang == "zh":
        return f"抱歉，您还没有使用此助手的权限。请把您的用户 id {user_id} 发给管理员开通。"
    return (
        f"Sorry, you are not authorised to use this assistant. Send your user id {user_id} "
        "to an administrator to get access."
    )


class RateLimiter:
    """At most ``per_minute`` events per key in any sliding 60-second window.

    ``clock`` is injected (a :class:`~bankpm_core.clock.Clock`); tests step a fake one.
    Called from the bot's event loop only, so no lock is needed.
    """

    WINDOW = 60.0

    def __init__(self, per_minute: int, clock: Clock | None = None) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.per_minute = per_minute
        self._clock = clock
        self._hits: dict[object, deque[float]] = {}

    def _now(self) -> float:
        return self._clock.now().timestamp() if self._clock else time.monotonic()

    def check(self, key: object) -> float:
        """Count one event for ``key``: 0.0 if allowed, else seconds until one is allowed."""
        now = self._now()
        hits = self._hits.setdefault(key, deque())
        while hits and now - hits[0] >= self.WINDOW:
            hits.popleft()
        if len(hits) >= self.per_minute:
            return max(0.001, self.WINDOW - (now - hits[0]))
        hits.append(now)
        if len(self._hits) > 10_000:
            self._forget_idle(now)
        return 0.0

    def _forget_idle(self, now: float) -> None:
        idle = [k for k, v in self._hits.items() if not v or now - v[-1] >= self.WINDOW]
        for key in idle:
            del self._hits[key]
