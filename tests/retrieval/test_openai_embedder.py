"""A bank's own embedding model behind an OpenAI-compatible endpoint, over real HTTP."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from bankpm_core.config import Settings, load_settings
from bankpm_core.errors import ConfigError
from bankpm_core.knowledge_qa import KnowledgeBase
from bankpm_core.retrieval.embeddings import HashingEmbedder, OpenAIEmbedder, make_embedder


class FakeEmbeddings:
    """``POST /v1/embeddings`` answering with hashing vectors (lexical, deterministic)."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        model = HashingEmbedder(dim=64)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.calls.append({"path": self.path, "auth": self.headers.get("Authorization")})
                fake.calls[-1].update(body)
                vectors = model.embed(body["input"])
                # out of order on purpose: clients must sort by index
                data = [
                    {"object": "embedding", "index": i, "embedding": v.tolist()}
                    for i, v in reversed(list(enumerate(vectors)))
                ]
                raw = json.dumps({"object": "list", "data": data}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/v1"


@pytest.fixture()
def endpoint() -> Iterator[FakeEmbeddings]:
    fake = FakeEmbeddings()
    yield fake
    fake.server.shutdown()


def test_the_index_uses_the_banks_own_model(
    endpoint: FakeEmbeddings, corpus: Path, tmp_path: Path
) -> None:
    settings = load_settings(
        data_dir=tmp_path / "data",
        embedder="openai:bank-embed-v2",
        llm_base_url=endpoint.url,
        llm_api_key=SecretStr("sk-emb"),
    )
    kb = KnowledgeBase.open(settings)
    assert isinstance(kb.index.embedder, OpenAIEmbedder)
    report = kb.ingest([str(corpus)])
    assert not report.problems and report.chunks_written > 0
    hits = kb.search("催收 联系 同事", k=3)
    assert hits and "collection" in hits[0].source
    assert {c["path"] for c in endpoint.calls} == {"/v1/embeddings"}
    assert all(
        c["model"] == "bank-embed-v2" and c["auth"] == "Bearer sk-emb" for c in endpoint.calls
    )
    embedded = [t for c in endpoint.calls for t in c["input"]]
    assert len(embedded) >= report.chunks_written and "催收 联系 同事" in embedded


def test_openai_embedder_needs_an_endpoint_and_bad_specs_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="LLM_BASE_URL"):
        make_embedder("openai:bank-embed-v2", None)
    with pytest.raises(ValidationError):
        Settings(data_dir=tmp_path, embedder="word2vec", _env_file=None)  # type: ignore[call-arg]
