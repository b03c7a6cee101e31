"""The console chat: questions in, rendered answers out, numbered follow-ups run."""

from __future__ import annotations

from typer.testing import CliRunner

from console.cli import app

runner = CliRunner()


def test_chat_answers_and_runs_a_numbered_follow_up(sample_db, tmp_path) -> None:
    env = {"BANKPM_DATA_DIR": str(tmp_path), "BANKPM_DATABASE_URL": sample_db, "COLUMNS": "120"}
    script = "闪借消费贷 2026年10月 逾期率\n1\n\nhello\nexit\n"
    result = runner.invoke(app, ["chat", "--today", "2026-11-29"], env=env, input=script)
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "闪借消费贷 2026年10月 逾期率" in out
    assert "可以继续问" in out
    assert "» 闪借消费贷2026年10月逾期率按渠道" in out  # follow-up 1 ran as a question
    assert "合作平台" in out  # ... and was answered by channel
    assert "Try:" in out or "I answer" in out  # 'hello' got the English help


def test_chat_ends_cleanly_on_eof(sample_db, tmp_path) -> None:
    env = {"BANKPM_DATA_DIR": str(tmp_path), "BANKPM_DATABASE_URL": sample_db}
    result = runner.invoke(app, ["chat", "--today", "2026-11-29"], env=env, input="")
    assert result.exit_code == 0
