"""Fixtures for retrieval tests: settings in tmp_path, a KB with a fake or the real embedder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from kb_corpus import IngestDocs, write_corpus

from bankpm_core.config import Settings, load_settings
from bankpm_core.knowledge_qa import KnowledgeBase
from bankpm_core.retrieval.embeddings import HashingEmbedder, USEEmbedder

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "data" / "regulations"


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    return load_settings(data_dir=tmp_path / "data", knowledge_dir=tmp_path / "knowledge")


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    return write_corpus(tmp_path)


@pytest.fixture()
def fake_kb(settings: Settings) -> KnowledgeBase:
    return KnowledgeBase.open(settings, embedder=HashingEmbedder())


@pytest.fixture()
def ingest_docs(tmp_path: Path, fake_kb: KnowledgeBase) -> IngestDocs:
    """Write these documents (file name -> text) to a folder and ingest them into
    ``fake_kb``, which it returns; an ingestion problem fails the test."""

    def ingest(files: dict[str, str]) -> KnowledgeBase:
        folder = tmp_path / "docs"
        folder.mkdir(exist_ok=True)
        for name, text in files.items():
            (folder / name).write_text(text, "utf-8")
        report = fake_kb.ingest([str(folder)])
        assert not report.problems, report.problems
        return fake_kb

    return ingest


@pytest.fixture(scope="session")
def use_embedder() -> USEEmbedder:
    """The real model, loaded once per session (≈3 s)."""
    return USEEmbedder()


@pytest.fixture(scope="module")
def real_kb(
    tmp_path_factory: pytest.TempPathFactory, use_embedder: USEEmbedder
) -> Iterator[KnowledgeBase]:
    root = tmp_path_factory.mktemp("realkb")
    base = write_corpus(root)
    settings = load_settings(data_dir=root / "data", knowledge_dir=base)
    kb = KnowledgeBase.open(settings, embedder=use_embedder)
    report = kb.ingest([str(base)])
    assert not report.problems, report.problems
    yield kb
