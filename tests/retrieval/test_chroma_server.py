"""Client/server mode: a real `chroma run` on 127.0.0.1, reached through BANKPM_CHROMA_URL."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bankpm_core.config import load_settings
from bankpm_core.knowledge_qa import KnowledgeBase
from bankpm_core.retrieval.embeddings import HashingEmbedder

CHROMA_BIN = Path(sys.executable).parent / "chroma"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def chroma_url(tmp_path: Path) -> Iterator[str]:
    binary = str(CHROMA_BIN) if CHROMA_BIN.exists() else shutil.which("chroma")
    if not binary:
        pytest.skip("the chroma CLI is not installed")
    port = _free_port()
    proc = subprocess.Popen(
        [
            binary,
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--path",
            str(tmp_path / "server"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("chroma server did not start")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_ingest_and_search_through_chroma_server(
    chroma_url: str, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BANKPM_CHROMA_URL", chroma_url)
    monkeypatch.setenv("BANKPM_DATA_DIR", str(tmp_path / "data"))
    settings = load_settings()
    assert settings.chroma_url == chroma_url
    kb = KnowledgeBase.open(settings, embedder=HashingEmbedder())
    report = kb.ingest([str(corpus)])
    assert len(report.added) == 3 and not report.problems
    assert not (tmp_path / "data" / "chroma").exists()  # nothing embedded locally
    hit = kb.search("电话催收 每日 八时 二十一时", k=1)[0]
    assert hit.section == "第四条"
    # a second process (fresh client) sees the same index; re-ingest is a no-op
    again = KnowledgeBase.open(settings, embedder=HashingEmbedder())
    assert again.ingest([str(corpus)]).summary()["skipped"] == 3
    assert again.search("电话催收 每日 八时 二十一时", k=1)[0].section == "第四条"


def test_unreachable_server_is_a_clear_error(tmp_path: Path) -> None:
    from bankpm_core.errors import NotReadyError

    settings = load_settings(data_dir=tmp_path, chroma_url=f"http://127.0.0.1:{_free_port()}")
    with pytest.raises(NotReadyError, match="Chroma server"):
        KnowledgeBase.open(settings, embedder=HashingEmbedder())
