"""The small filter grammar of the catalog (``dpd > 30``, ``decision = APPROVED``,
``classification in (SUBSTANDARD, LOSS)``).

Parsed once into :class:`Condition` objects; the compiler turns each into a
SQLAlchemy expression with the value as a bound parameter. Nothing here ever
concatenates SQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPS = ("=", "!=", ">", ">=", "<", "<=", "in")
Scalar = int | float | str


@dataclass(frozen=True)
class Condition:
    column: str
    op: str
    value: Scalar | tuple[Scalar, ...]

    def __str__(self) -> str:
        if isinstance(self.value, tuple):
            return f"{self.column} in ({', '.join(map(str, self.value))})"
        return f"{self.column} {self.op} {self.value}"


class FilterSyntaxError(ValueError):
    pass


_COND = re.compile(
    r"^\s*(?P<col>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op>!=|>=|<=|=|>|<|\bin\b)\s*(?P<val>.+?)\s*$",
    re.IGNORECASE,
)
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)


def _scalar(text: str) -> Scalar:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        pass
    if not re.fullmatch(r"[A-Za-z0-9_\-.]+", text):
        raise FilterSyntaxError(f"bad value {text!r}")
    return text


def parse_where(text: str | None) -> tuple[Condition, ...]:
    """Parse ``a > 1 and b in (X, Y)``; raises FilterSyntaxError on anything else."""
    if not text or not text.strip():
        return ()
    conditions = []
    for part in _AND.split(text.strip()):
        match = _COND.match(part)
        if not match:
            raise FilterSyntaxError(f"cannot parse condition {part!r}")
        op = match["op"].lower()
        raw = match["val"]
        if op == "in":
            if not (raw.startswith("(") and raw.endswith(")")):
                raise FilterSyntaxError(f"'in' needs a parenthesised list: {part!r}")
            items = [item for item in raw[1:-1].split(",") if item.strip()]
            if not items:
                raise FilterSyntaxError(f"empty 'in' list: {part!r}")
            value: Scalar | tuple[Scalar, ...] = tuple(_scalar(item) for item in items)
        else:
            value = _scalar(raw)
        conditions.append(Condition(match["col"], op, value))
    return tuple(conditions)
