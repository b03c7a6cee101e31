"""Which language a question is written in: the bot answers in the same one."""

from __future__ import annotations

import re
from typing import Literal

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def detect_language(text: str, default: Literal["zh", "en"] = "zh") -> Literal["zh", "en"]:
    """Chinese if it has any Han character beyond a stray product code, else English."""
    han = len(_CJK.findall(text))
    latin = len(_LATIN_WORD.findall(text))
    if han == 0 and latin == 0:
        return default
    if han >= 2 or (han >= 1 and latin <= 2):
        return "zh"
    return "en"
