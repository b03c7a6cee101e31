"""Bilingual text: pick the Chinese or the English variant for the answer's language."""

from __future__ import annotations


def t(lang: str, zh: str, en: str) -> str:
    """``zh`` when the answer is in Chinese, ``en`` otherwise."""
    return zh if lang == "zh" else en
