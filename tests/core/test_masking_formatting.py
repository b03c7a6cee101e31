"""Personal data masking, number formatting and language detection."""

from __future__ import annotations

import pytest

from bankpm_core.formatting import format_change, format_value
from bankpm_core.language import detect_language
from bankpm_core.masking import mask_pii


@pytest.mark.parametrize(
    ("raw", "hidden", "kept"),
    [
        ("我的身份证号是11010519491231002X，请核实", "19491231", "110105********002X"),
        ("客户身份证 440308199001015678 已登记", "19900101", "440308********5678"),
        ("联系电话13812345678，工作日可打", "12345678", "138****5678"),
        ("call me at +86 139-1234-5678 please", "1234-5678", "139****5678"),
        ("卡号6222 0212 3456 7890 123被盗刷", "0212 3456", "6222 **** **** 0123"),
        ("card 4111111111111111 was charged twice", "41111111111", "4111 **** **** 1111"),
        ("邮箱 zhang.wei@example.com", "zhang.wei@", "z***@example.com"),
    ],
    ids=["id-x", "id", "mobile", "mobile-intl", "card-grouped", "card", "email"],
)
def test_mask_pii(raw: str, hidden: str, kept: str) -> None:
    masked = mask_pii(raw)
    assert hidden not in masked
    assert kept in masked


@pytest.mark.parametrize(
    "text",
    ["逾期率2.31%，环比+0.12pp", "2026-10-31 放款 1234567.89 元", "订单号 20261029", "第三十条"],
)
def test_mask_pii_leaves_ordinary_numbers(text: str) -> None:
    assert mask_pii(text) == text


@pytest.mark.parametrize(
    ("value", "unit", "lang", "expected"),
    [
        (0.0231, "percent", "zh", "2.31%"),
        (123_456_789.0, "amount", "zh", "1.23亿元"),
        (56_789.0, "amount", "zh", "5.7万元"),
        (123_456_789.0, "amount", "en", "CNY 123.46M"),
        (12_345.0, "count", "en", "12,345"),
        (5.25, "hours", "zh", "5.3小时"),
        (5.25, "hours", "en", "5.3 h"),
        (None, "percent", "zh", "—"),
        (float("nan"), "count", "en", "—"),
    ],
)
def test_format_value(value, unit: str, lang: str, expected: str) -> None:
    assert format_value(value, unit, lang) == expected


def test_percent_changes_are_percentage_points() -> None:
    assert format_change(0.0012, 0.05, "percent", "zh") == "+0.12pp"
    assert format_change(-0.003, -0.1, "percent", "en") == "−0.30pp"
    assert format_change(1000.0, 0.034, "amount", "zh") == "+3.4%"
    assert format_change(None, None, "count", "en") == "—"
    # no base to divide by: the change itself, in its unit, not a raw float
    assert format_change(1.25e9, None, "amount", "zh") == "+12.50亿元"
    assert format_change(-30.0, None, "count", "en") == "−30"


def test_a_table_cell_of_relative_change_is_a_signed_percentage() -> None:
    from bankpm_core.formatting import format_cell

    assert format_cell(0.6136, "change_rel", "zh") == "+61.4%"
    assert format_cell(-0.05, "change_rel", "en") == "−5.0%"
    assert format_cell(None, "change_rel", "en") == "—"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("闪借上个月逾期率是多少？", "zh"),
        ("FLASH的逾期率", "zh"),
        ("FlashLoan overdue rate by segment last quarter", "en"),
        ("What is the annual fee of 青春卡?", "en"),
        ("🤔🤔", "zh"),
        ("", "zh"),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang
