"""What kind of value a question asks for, and whether a passage states one.

"存款保险最多赔多少钱？" asks for a quantity, "多少天内要通知？" for a duration. A passage
that answers must state one: a passage about deposit insurance that names no amount
cannot say how much it pays. Question-answering systems have checked this since the
TREC QA track (answer-type matching); here a unit that states no value of the kind asked
for ranks lower (SearchConfig.answer_type_penalty), and an answer whose quotes state none
carries a warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

AnswerType = Literal["duration", "quantity"]
#: The kinds of value, in the order Snapshot.unit_values stores them.
VALUE_KINDS: tuple[AnswerType, ...] = ("duration", "quantity")

_NUM = (
    r"(?:\d[\d,.]*|[一二两三四五六七八九十百千万零]+|\b(?:one|two|three|four|five|six|seven|"
    r"eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|ninety|hundred)"
    r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine|hundred))?)"
)
_ASKS_DURATION = re.compile(
    r"多久|多长时间|几天|多少天|几个?月|多少个?月|几年|多少年|几个工作日|期限|时限|"
    r"\bhow (?:long|soon|quickly)\b|\bhow many (?:days|months|years|hours|business days)\b|"
    r"\bwithin how\b|\bdeadline\b",
    re.IGNORECASE,
)
_ASKS_QUANTITY = re.compile(
    r"多少|几次|几笔|几成|比例|比率|上限|下限|最高(?!人民)|最低|最多|最少|"
    r"\bhow (?:much|many)\b|\bwhat (?:is the )?(?:maximum|minimum|limit|amount|percentage|share|ratio)\b",
    re.IGNORECASE,
)
_DURATION = re.compile(
    rf"{_NUM}\s*(?:个)?(?:日|天|月|年|小时|周|工作日|营业日)|"
    rf"{_NUM}\s*(?:calendar |business )?(?:days?|months?|years?|hours?|weeks?)\b",
    re.IGNORECASE,
)
_QUANTITY = re.compile(
    rf"{_NUM}\s*(?:%|％|元|万|亿|倍|次|笔|成|个百分点|分)|百分之{_NUM}|\$\s?\d|"
    rf"{_NUM}\s*(?:percent|dollars|times)\b|{_NUM}\s*(?:日|天|月|年)|"
    rf"{_NUM}\s*(?:calendar |business )?(?:days?|months?|years?)\b",
    re.IGNORECASE,
)


def answer_type(question: str) -> AnswerType | None:
    """What kind of value the question asks for: a duration, a quantity, or none."""
    if _ASKS_DURATION.search(question):
        return "duration"
    if _ASKS_QUANTITY.search(question):
        return "quantity"
    return None


def holds_value(wanted: AnswerType | str | None, texts: Iterable[str]) -> bool:
    """True when no value was asked for, or one of the texts states one of that kind."""
    if wanted is None:
        return True
    pattern = _DURATION if wanted == "duration" else _QUANTITY
    return any(pattern.search(t) for t in texts)
