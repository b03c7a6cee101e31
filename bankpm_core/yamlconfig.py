"""Reading a YAML configuration file the same way everywhere.

The metric catalog, the pricing parameters and the complaint taxonomy are data a
bank edits by hand; a mistake in one must name the file and *every* problem at once,
in both languages, never surface as a raw YAML traceback.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import yaml

from bankpm_core.errors import BankpmError, ConfigError

T = TypeVar("T")


def load_yaml_config(
    path: Path,
    parse: Callable[[Any], tuple[T | None, list[str]]],
    what: tuple[str, str],
    error: type[BankpmError] = ConfigError,
) -> T:
    """``parse`` the YAML at ``path``; raise ``error`` naming the file and every problem.

    ``what`` names the file for people, e.g. ``("定价参数", "Pricing config")``.
    """
    zh, en = what
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"找不到{zh}文件：{path}", f"{en} not found: {path}") from None
    except yaml.YAMLError as exc:
        raise error(
            f"{zh}文件 {path} 格式错误（不是有效的 YAML）：{exc}",
            f"{en} {path} is malformed (not valid YAML): {exc}",
        ) from None
    value, problems = parse(raw)
    if problems or value is None:
        problems = problems or ["empty or unreadable"]
        listing = "\n".join(f"- {p}" for p in problems)
        raise error(
            f"{zh}文件 {path} 有 {len(problems)} 个问题：\n{listing}",
            f"{en} {path} has {len(problems)} problem(s):\n{listing}",
        )
    return value
