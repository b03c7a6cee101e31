"""Settings load from the environment, fail loudly, hide secrets; the README keeps up."""

from __future__ import annotations

from pathlib import Path

import pytest

from bankpm_core.config import Settings, load_settings
from bankpm_core.errors import ConfigError

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_setting_is_documented_in_the_readme() -> None:
    text = README.read_text(encoding="utf-8")
    missing = [
        f"BANKPM_{name.upper()}"
        for name in Settings.model_fields
        if f"BANKPM_{name.upper()}" not in text
    ]
    assert missing == []


def test_env_vars_flow_into_settings(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("BANKPM_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BANKPM_TIMEZONE", "Europe/London")
    monkeypatch.setenv("BANKPM_LANGUAGE", "en")
    settings = load_settings()
    assert settings.data_dir == tmp_path
    assert settings.resolved_database_url == f"sqlite:///{(tmp_path / 'bankpm.sqlite3').resolve()}"
    assert settings.resolved_index_dir == tmp_path / "chroma"
    assert settings.tz.key == "Europe/London"


@pytest.mark.parametrize(
    ("var", "value"),
    [
        ("BANKPM_TIMEZONE", "Mars/Olympus"),
        ("BANKPM_LANGUAGE", "fr"),
        ("BANKPM_DATABASE_URL", "not a url"),
        ("BANKPM_USE_ROLLUPS", "perhaps"),
        ("BANKPM_WEBHOOK_SECRET", "has spaces!"),
    ],
)
def test_invalid_values_name_the_setting(monkeypatch, var: str, value: str) -> None:
    monkeypatch.setenv(var, value)
    with pytest.raises(ConfigError) as info:
        load_settings()
    assert var in info.value.message_en


def test_secrets_are_masked(monkeypatch) -> None:
    monkeypatch.setenv("BANKPM_TELEGRAM_TOKEN", "123456:SECRET-TOKEN")
    monkeypatch.setenv("BANKPM_LLM_API_KEY", "sk-very-secret")
    settings = load_settings()
    shown = repr(settings) + str(settings)
    assert "SECRET-TOKEN" not in shown and "sk-very-secret" not in shown
    assert settings.telegram_token is not None
    assert settings.telegram_token.get_secret_value() == "123456:SECRET-TOKEN"


def test_importing_the_core_opens_nothing(tmp_path) -> None:
    """Importing bankpm_core must not create files, open databases or load models."""
    import subprocess
    import sys

    repo = README.parent
    code = (
        f"import sys; sys.path.insert(0, {str(repo)!r});"
        "import bankpm_core.assistant, bankpm_core.bootstrap, bankpm_core.metrics.engine;"
        "heavy = [m for m in ('chromadb', 'matplotlib.pyplot', 'telegram') if m in sys.modules];"
        "print(heavy)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
    assert list(tmp_path.iterdir()) == []
