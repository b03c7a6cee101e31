"""Monotone (pooled) default rates over an ordered rating scale."""

from __future__ import annotations

import pytest

from bankpm_core.pricing.stats import monotone_rates


def test_an_inversion_is_pooled_by_weight() -> None:
    # E: 15/186 = 8.06 %, F: 5/63 = 7.94 % -> pooled 20/249 = 8.03 % for both
    rates = monotone_rates([4, 17, 15, 5, 5], [476, 759, 186, 63, 25])
    assert rates[2] == pytest.approx(20 / 249) and rates[3] == pytest.approx(20 / 249)
    assert rates == sorted(rates)
    assert rates[0] == pytest.approx(4 / 476) and rates[-1] == pytest.approx(5 / 25)


def test_already_monotone_rates_are_unchanged() -> None:
    assert monotone_rates([1, 2, 3], [100, 100, 100]) == pytest.approx([0.01, 0.02, 0.03])


def test_cascading_violations_pool_into_one_block() -> None:
    rates = monotone_rates([10, 5, 1], [100, 100, 100])
    assert rates == pytest.approx([16 / 300] * 3)


def test_bad_input() -> None:
    with pytest.raises(ValueError):
        monotone_rates([1], [0])
    with pytest.raises(ValueError):
        monotone_rates([1, 2], [10])
