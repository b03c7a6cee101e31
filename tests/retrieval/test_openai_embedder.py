"""A bank's own embedding model behind an OpenAI-compatible endpoint, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError

from bankpm_core.config import Settings, load_settings
from bankpm_core.errors import ConfigError
from bankpm_core.knowledge_qa import KnowledgeBase
from bankpm_core.retrieval.embeddings import HashingEmbedder, OpenAIEmbedder, make_embedder
from tests.http_fakes import JsonEndpoint


def embeddings_reply(path: str, body: dict[str, Any]) -> tuple[int, Any]:
    """``/embeddings`` answered with hashing vectors (lexical, deterministic), out of order
    on purpose: clients must sort by index."""
    vectors = HashingEmbedder(dim=64).embed(body["input"])
    data = [
        {"object": "embedding", "index": i, "embedding": v.tolist()}
        for i, v in reversed(list(enumerate(vectors)))
    ]
    return 200, {"object": "list", "data": data}


@pytest.fixture()
def endpoint() -> Iterator[JsonEndpoint]:
    fake = JsonEndpoint(embeddings_reply)
    yield fake
    fake.close()


def test_the_index_uses_the_banks_own_model(
    endpoint: JsonEndpoint, corpus: Path, tmp_path: Path
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
    assert {c["path"] for c in endpoint.requests} == {"/v1/embeddings"}
    assert all(
        c["model"] == "bank-embed-v2" and c["auth"] == "Bearer sk-emb" for c in endpoint.requests
    )
    embedded = [t for c in endpoint.requests for t in c["input"]]
    assert len(embedded) >= report.chunks_written and "催收 联系 同事" in embedded


def test_openai_embedder_needs_an_endpoint_and_bad_specs_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="LLM_BASE_URL"):
        make_embedder("openai:bank-embed-v2", None)
    with pytest.raises(ValidationError):
        Settings(data_dir=tmp_path, embedder="word2vec", _env_file=None)  # type: ignore[call-arg]
