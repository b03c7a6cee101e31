"""`bankpm ingest docs` and `bankpm search` through typer, honouring BANKPM_DATA_DIR."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from console.knowledge_cli import ingest_app, register


@pytest.fixture()
def app() -> typer.Typer:
    root = typer.Typer()
    root.add_typer(ingest_app, name="ingest")
    register(root)
    return root


def test_ingest_search_json_and_batch(
    app: typer.Typer, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BANKPM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("BANKPM_CHROMA_URL", raising=False)
    runner = CliRunner()
    bad = corpus / "regulations" / "broken.pdf"
    bad.write_bytes(b"%PDF-1.4 broken")
    result = runner.invoke(app, ["ingest", "docs", str(corpus)])
    assert result.exit_code == 0, result.output
    assert "added 3, updated 0, skipped 0, deleted 0, failed 1" in result.output
    assert "broken.pdf" in result.output  # reported (stderr is mixed in by CliRunner)
    assert (tmp_path / "data" / "chroma").is_dir()

    again = runner.invoke(app, ["ingest", "docs", str(corpus)])
    assert "added 0, updated 0, skipped 3" in again.output

    out = runner.invoke(app, ["search", "电话催收的时间限制", "--k", "2", "--json"])
    assert out.exit_code == 0, out.output
    payload = json.loads(out.output)
    top = payload["results"][0]
    assert set(top) >= {"source", "section", "title", "text", "score"}
    assert top["section"] == "第四条"
    assert top["source"] == str(corpus / "regulations" / "collection_policy.md")
    assert len(payload["results"]) == 2

    batch = tmp_path / "queries.jsonl"
    batch.write_text(
        '{"query": "年费怎么收"}\nnot json\n{"query": "How long are customer records kept?", "k": 1}\n',
        "utf-8",
    )
    out = runner.invoke(app, ["search", "--batch", str(batch)])
    lines = [json.loads(line) for line in out.output.strip().splitlines()]
    assert lines[0]["results"][0]["section"] == "年费规则"
    assert "error" in lines[1]
    assert lines[2]["results"][0]["section"] == "§ 2" and len(lines[2]["results"]) == 1
