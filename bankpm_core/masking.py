"""Mask personal data (ID, phone and card numbers, e-mail) before it is shown or stored.

Patterns are for mainland-China formats: 18-digit resident ID (last char may be X),
11-digit mobile numbers starting 1[3-9], 16–19 digit bank card numbers (optionally
grouped by spaces or dashes). Masking keeps a few digits so a colleague can still
tell two records apart without learning the number.
"""

from __future__ import annotations

import re

_ID = re.compile(
    r"(?<![0-9A-Za-z])([1-9]\d{5})(?:19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}([0-9Xx])(?![0-9A-Za-z])"
)
_CARD = re.compile(r"(?<!\d)(\d{4})(?:[ -]?\d{4}){2,3}(?:[ -]?\d{1,3})?(?!\d)")
_PHONE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?(1[3-9]\d)[ -]?(\d{4})[ -]?(\d{4})(?!\d)")
_EMAIL = re.compile(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")


def _mask_card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    if not 15 <= len(digits) <= 19:
        return match.group(0)
    return f"{digits[:4]} **** **** {digits[-4:]}"


def mask_pii(text: str) -> str:
    """Return ``text`` with personal numbers masked; safe to call on any string."""
    if not text:
        return text
    text = _ID.sub(lambda m: f"{m.group(1)}********{m.group(0)[-4:]}", text)
    text = _CARD.sub(_mask_card, text)
    text = _PHONE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    text = _EMAIL.sub(lambda m: f"{m.group(1)}***@{m.group(2)}", text)
    return text
