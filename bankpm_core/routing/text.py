"""Text helpers shared by the parsers: position-preserving normalisation and numerals.

Every parser works on the same normalised string and reports spans into it. The
normalisation is done character by character and never changes the length, so a
span found in the normalised text also points at the right characters of the
original question (used to quote the user's own time phrase back in options).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

MAX_CHARS = 500
"""Only this many characters of a question are parsed: a pasted 5,000-character
document is not a data question, and the cap keeps the router's work bounded."""

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_EN_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "a": 1,
    "an": 1,
}

NUM = r"(?:\d{1,4}|[零〇一二两三四五六七八九十]{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
"""A cardinal in digits, Chinese numerals (三, 十二, 二十四) or English words."""

ASCII_WORD = re.compile(r"[a-z0-9]")


def _fold_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


def _lower_char(ch: str) -> str:
    lowered = ch.lower()
    return lowered if len(lowered) == 1 else ch


def fold(text: str) -> str:
    """Full-width to half-width (NFKC), keeping case and length."""
    return "".join(_fold_char(ch) for ch in text)


def normalize(text: str) -> str:
    """``fold`` plus lower case, still the same length as the input."""
    return "".join(_lower_char(_fold_char(ch)) for ch in text)


def to_int(token: str) -> int | None:
    """'12' / '十二' / '二十四' / 'twelve' -> int; None when it is not a number."""
    token = token.strip()
    if not token:
        return None
    if token.isdigit():
        return int(token)
    if token in _EN_NUMBERS:
        return _EN_NUMBERS[token]
    if "十" in token:
        tens, _, units = token.partition("十")
        high = _CN_DIGITS.get(tens) if tens else 1
        low = _CN_DIGITS.get(units) if units else 0
        if high is None or low is None:
            return None
        return high * 10 + low
    if len(token) == 1 and token in _CN_DIGITS:
        return _CN_DIGITS[token]
    if all(ch in _CN_DIGITS for ch in token):  # 二〇二六
        return int("".join(str(_CN_DIGITS[ch]) for ch in token))
    return None


def is_ascii_alnum(ch: str) -> bool:
    return bool(ASCII_WORD.fullmatch(ch))


def mask(text: str, spans: list[tuple[int, int]]) -> str:
    """Blank out spans (same length) so later passes do not read them twice."""
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        for i in range(max(0, start), min(len(chars), end)):
            chars[i] = " "
    return "".join(chars)


@cache
def posseg() -> Any:
    """jieba's part-of-speech cut (its global dictionary: no one adds words to it), quiet."""
    import jieba
    import jieba.posseg

    jieba.setLogLevel(60)
    return jieba.posseg.cut
