"""Every hand-edited YAML file fails the same way: the file and every problem, both languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from bankpm_core.complaints import load_taxonomy
from bankpm_core.errors import ConfigError
from bankpm_core.pricing.config import load_pricing_config


@pytest.mark.parametrize(
    ("load", "name"),
    [(load_taxonomy, "Complaint taxonomy"), (load_pricing_config, "Pricing config")],
)
def test_missing_malformed_and_invalid_files_are_named(tmp_path: Path, load, name: str) -> None:
    with pytest.raises(ConfigError, match="not found") as missing:
        load(tmp_path / "missing.yaml")
    assert name in missing.value.message_en and "找不到" in missing.value.message_zh
    bad = tmp_path / "bad.yaml"
    bad.write_text("themes: [unclosed", encoding="utf-8")
    with pytest.raises(ConfigError, match="malformed") as malformed:
        load(bad)
    assert str(bad) in malformed.value.message_en
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("just: a string\n", encoding="utf-8")
    with pytest.raises(ConfigError) as invalid:
        load(wrong)
    assert "problem(s)" in invalid.value.message_en and "个问题" in invalid.value.message_zh
