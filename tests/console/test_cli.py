"""The `bankpm` command: ask (one-shot, JSON, batch, exit codes), catalog check, init."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from console.cli import app

runner = CliRunner()


@pytest.fixture()
def env(sample_db, tmp_path) -> dict[str, str]:
    return {"BANKPM_DATA_DIR": str(tmp_path), "BANKPM_DATABASE_URL": sample_db}


def test_ask_json_is_the_documented_contract(env) -> None:
    result = runner.invoke(
        app, ["ask", "FLASH overdue rate 2026-10", "--json", "--today", "2026-11-29"], env=env
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    for key in ("intent", "text", "query", "result", "definitions", "citations", "as_of"):
        assert key in data
    assert data["query"]["metric"] == "overdue_rate"
    assert data["query"]["period"]["start"] == "2026-10-01"
    assert data["result"]["rows"][0]["value"] == data["result"]["value"]


def test_ask_explain_shows_bound_sql(env) -> None:
    result = runner.invoke(
        app, ["ask", "FLASH overdue rate 2026-10", "--explain", "--today", "2026-11-29"], env=env
    )
    assert result.exit_code == 0, result.output
    assert "SELECT" in result.stdout and "FROM loan_snapshot" in result.stdout
    assert "'FLASH'" not in result.stdout  # values are parameters


def test_ask_exits_non_zero_on_error(env) -> None:
    result = runner.invoke(
        app, ["ask", "FLASH overdue rate 2027-03", "--today", "2026-11-29"], env=env
    )
    assert result.exit_code == 1
    assert "2026-10-31" in result.stdout


def test_batch_loads_once_and_answers_each_line(env, tmp_path: Path) -> None:
    batch = tmp_path / "q.jsonl"
    lines = [
        json.dumps({"id": 1, "question": "FLASH overdue rate 2026-10"}),
        "not json at all",
        json.dumps({"question": "闪借消费贷 2026年10月 逾期率"}),
        "",
    ]
    batch.write_text("\n".join(lines), encoding="utf-8")
    result = runner.invoke(app, ["ask", "--batch", str(batch), "--today", "2026-11-29"], env=env)
    out = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(out) == 3
    assert out[0]["id"] == 1 and out[0]["intent"] == "metric_query"
    assert out[1]["error"]["code"] == "bad_input" and "line 2" in out[1]["error"]["message"]
    assert out[2]["result"]["value"] == out[0]["result"]["value"]
    assert result.exit_code == 1  # one bad line


def test_catalog_check_reports_every_problem(tmp_path: Path, env) -> None:
    ok = runner.invoke(app, ["catalog", "check"], env=env)
    assert ok.exit_code == 0 and "OK" in ok.stdout
    import yaml

    raw = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "knowledge" / "catalog.yaml").read_text()
    )
    raw["metrics"]["overdue_rate"]["unit"] = "bogus"
    raw["metrics"]["nps"]["table"] = "nowhere"
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(app, ["catalog", "check", str(bad)], env=env)
    assert result.exit_code == 1
    assert "bogus" in result.stdout and "nowhere" in result.stdout


def test_uninitialised_data_dir_says_run_init(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["ask", "FLASH overdue rate 2026-10"], env={"BANKPM_DATA_DIR": str(tmp_path)}
    )
    assert result.exit_code == 1
    assert "bankpm init" in result.output


def test_invalid_setting_is_named(tmp_path: Path) -> None:
    result = runner.invoke(app, ["catalog", "check"], env={"BANKPM_TIMEZONE": "Nowhere/City"})
    assert result.exit_code == 2
    assert "BANKPM_TIMEZONE" in result.output


def test_two_data_dirs_coexist(tmp_path: Path) -> None:
    answers = []
    for seed, name in ((1, "a"), (2, "b")):
        env = {"BANKPM_DATA_DIR": str(tmp_path / name)}
        init = runner.invoke(
            app,
            [
                "init",
                "--scale",
                "0.02",
                "--seed",
                str(seed),
                "--skip-docs",
                "--today",
                "2026-11-29",
            ],
            env=env,
        )
        assert init.exit_code == 0, init.output
        assert (tmp_path / name / "bankpm.sqlite3").exists()
        ask = runner.invoke(
            app,
            ["ask", "FLASH disbursed amount 2026-10", "--json", "--today", "2026-11-29"],
            env=env,
        )
        assert ask.exit_code == 0, ask.output
        answers.append(json.loads(ask.stdout)["result"]["value"])
    assert answers[0] != answers[1]
