"""Numbers for people: one place decides how values, changes and units read.

Values stay raw floats in results; renderers call these so the bot, the console and
charts agree. Percent metrics are stored as fractions and their changes are shown in
percentage points (pp / 个百分点), never as a relative percent of a percent.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

UNIT_LABELS = {
    "zh": {
        "percent": "%",
        "amount": "元",
        "count": "",
        "hours": "小时",
        "days": "天",
        "rate": "%",
        "points": "分",
        "score": "分",
        "per_10k": "件/万户",
    },
    "en": {
        "percent": "%",
        "amount": "CNY",
        "count": "",
        "hours": "h",
        "days": "days",
        "rate": "%",
        "points": "pts",
        "score": "/10",
        "per_10k": "per 10k",
    },
}


def is_missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _round(value: float, places: int) -> Decimal:
    quant = Decimal(1).scaleb(-places)
    return Decimal(str(value)).quantize(quant, rounding=ROUND_HALF_UP)


def format_amount(value: float, lang: str) -> str:
    """Money in the scale a PM reads: 亿/万 in Chinese, M/bn in English."""
    if lang == "zh":
        if abs(value) >= 1e8:
            return f"{_round(value / 1e8, 2)}亿元"
        if abs(value) >= 1e4:
            return f"{_round(value / 1e4, 1)}万元"
        return f"{_round(value, 2)}元"
    if abs(value) >= 1e9:
        return f"CNY {_round(value / 1e9, 2)}bn"
    if abs(value) >= 1e6:
        return f"CNY {_round(value / 1e6, 2)}M"
    return f"CNY {_round(value, 0):,}"


def format_value(value: float | None, unit: str, lang: str) -> str:
    if is_missing(value):
        return "—"
    assert value is not None
    if unit in ("percent", "rate"):
        return f"{_round(value * 100, 2)}%"
    if unit == "amount":
        return format_amount(value, lang)
    if unit == "count":
        return f"{round(value):,}"
    label = UNIT_LABELS[lang].get(unit, "")
    places = 1 if unit in ("hours", "days", "points", "per_10k") else 2
    sep = "" if lang == "zh" else " "
    return f"{_round(value, places)}{sep}{label}".strip()


def format_change(change: float | None, rel: float | None, unit: str, lang: str) -> str:
    """'+0.12pp' for percent metrics, '+3.4%' for everything else."""
    if is_missing(change):
        return "—"
    assert change is not None
    if unit in ("percent", "rate"):
        pp = _round(change * 100, 2)
        sign = "+" if pp > 0 else ("−" if pp < 0 else "±")
        return f"{sign}{abs(pp)}pp"
    if is_missing(rel):  # no base to divide by (it was 0): the change itself, in its unit
        sign = "+" if change > 0 else ("−" if change < 0 else "±")
        return f"{sign}{format_value(abs(change), unit, lang)}"
    assert rel is not None
    return format_relative(rel)


def format_relative(rel: float | None) -> str:
    """A relative change: '+61.4%'."""
    if is_missing(rel):
        return "—"
    assert rel is not None
    pct = _round(rel * 100, 1)
    sign = "+" if pct > 0 else ("−" if pct < 0 else "±")
    return f"{sign}{abs(pct)}%"


def chart_scale(unit: str) -> tuple[float, str]:
    """Multiplier and axis label for plotting a unit."""
    if unit in ("percent", "rate"):
        return 100.0, "%"
    return 1.0, ""


def format_cell(value: object, unit: str | None, lang: str) -> str:
    """One table cell for people; a Table's ``units`` say how (``change:<unit>`` = a change
    in that unit, ``change_rel`` = a relative change).

    Shared by every renderer so the console and the bot read numbers the same way."""
    if value is None:
        return "—"
    if unit == "change_rel" and isinstance(value, int | float):
        return format_relative(float(value))
    if unit and unit.startswith("change:") and isinstance(value, int | float):
        return format_change(float(value), None, unit.split(":", 1)[1], lang)
    if unit and isinstance(value, int | float) and not isinstance(value, bool):
        return format_value(float(value), unit, lang)
    return str(value)
