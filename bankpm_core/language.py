"""Which language a question is written in: the bot answers in the same one."""

from __future__ import annotations

import re
from typing import Literal

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Words with a lowercase letter: product codes and acronyms (FLASH, APP, NPS) are
# language-neutral and do not make a Chinese question English.
_ENGLISH_WORD = re.compile(r"\b[A-Za-z]*[a-z][A-Za-z]*\b")


def detect_language(text: str, default: Literal["zh", "en"] = "zh") -> Literal["zh", "en"]:
    """'zh' or 'en' by weight of Han characters vs English words (a Chinese word ≈ 1.5 chars)."""
    han = len(_CJK.findall(text))
    english = len([w for w in _ENGLISH_WORD.findall(text) if len(w) >= 2])
    if han == 0 and english == 0:
        return default
    return "en" if english > han / 1.5 else "zh"
