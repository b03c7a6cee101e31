"""Mask personal data in complaint quotes: numbers (via :func:`mask_pii`) and names.

Names are only masked where the text signals one, so ordinary words are left alone:
a Chinese full name (common surname + one or two characters) after 我叫 / 本人 / 客户 /
找 / 姓名 / 联系人, or right before a phone number, or a surname before 先生 / 女士 /
小姐 with a given name; an English name after "my name is", "name:", "holder",
"this is", "signed". A masked name keeps its first character (孙**, W*** W***) so a
colleague can still tell two quotes apart.
"""

from __future__ import annotations

import re

from bankpm_core.masking import mask_pii

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
COMPOUND = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "慕容", "令狐")
_HAN = "[\u4e00-\u9fff]"
_SURNAME = "(?:" + "|".join(COMPOUND) + f"|[{SURNAMES}])"
_NAME = f"({_SURNAME})({_HAN}{{1,2}})"
_CUE = r"(?:我叫|我是|本人|客户|找|姓名[:：]?\s*|联系人[:：]?\s*|户名[:：]?\s*)"
_PHONE_AHEAD = (
    r"(?=\s*[,，、]?\s*(?:电话|手机)?[:：]?\s*(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4})"
)
_STOP_GIVEN = set("的了是在和也都就说要还被把给让对向从先女小经理行")

_ZH_AFTER_CUE = re.compile(_CUE + _NAME)
_ZH_BEFORE_PHONE = re.compile(r"(?<![\u4e00-\u9fff])" + _NAME + _PHONE_AHEAD)
_ZH_TITLE = re.compile(f"({_SURNAME})({_HAN}{{1,2}})(?=先生|女士|小姐)")
_EN_NAME = re.compile(
    r"(?i:(my name is|name is|name:|holder|this is|signed|regards,?))\s+"
    r"([A-Z][a-z]+(?:[ -][A-Z][a-z]+){0,2})"
)


def _mask_zh(match: re.Match[str], group_offset: int = 0) -> str:
    whole = match.group(0)
    surname, given = match.group(1 + group_offset), match.group(2 + group_offset)
    if given[0] in _STOP_GIVEN:
        return whole
    start = whole.rfind(surname + given)
    return whole[:start] + surname + "*" * len(given)


def _mask_en(match: re.Match[str]) -> str:
    cue, name = match.group(1), match.group(2)
    masked = " ".join(part[0] + "***" for part in re.split(r"[ -]", name))
    return f"{cue} {masked}"


def mask_names(text: str) -> str:
    if not text:
        return text
    text = _ZH_AFTER_CUE.sub(_mask_zh, text)
    text = _ZH_BEFORE_PHONE.sub(_mask_zh, text)
    text = _ZH_TITLE.sub(_mask_zh, text)
    return _EN_NAME.sub(_mask_en, text)


def mask_text(text: str) -> str:
    """Names first (their cues sit next to the numbers), then ID, card, phone, e-mail."""
    return mask_pii(mask_names(text))
