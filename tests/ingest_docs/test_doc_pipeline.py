"""Idempotent, incremental ingestion into a real Chroma directory (fake embedder)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import minimal_pdf, write_docx, write_encrypted_pdf

from bankpm_core.config import load_settings
from bankpm_core.knowledge_qa import KnowledgeBase
from bankpm_core.retrieval.embeddings import HashingEmbedder
from bankpm_core.retrieval.types import Chunk

POLICY = "# 投诉处理办法\n\n第一条 本行受理客户投诉。\n\n第二条 投诉应当在十五日内答复。\n"


@pytest.fixture()
def kb(tmp_path: Path) -> KnowledgeBase:
    return KnowledgeBase.open(load_settings(data_dir=tmp_path / "data"), embedder=HashingEmbedder())


@pytest.fixture()
def docs(tmp_path: Path) -> Path:
    d = tmp_path / "docs"
    (d / "regulations").mkdir(parents=True)
    (d / "regulations" / "complaints.md").write_text(POLICY, "utf-8")
    (d / "guide.docx").parent.mkdir(exist_ok=True)
    write_docx(d / "guide.docx")
    (d / "policy.pdf").write_bytes(minimal_pdf(["Overdraft Policy", "Customers must opt in."]))
    (d / "faq.html").write_text("<h1>FAQ</h1><h2>Fee</h2><p>No fee.</p>", "utf-8")
    (d / "notes.txt").write_text("Notes\n\nPlain text notes about pricing.\n", "utf-8")
    (d / "catalog.yaml").write_text("version: 1\n", "utf-8")
    (d / "README.md").write_text("# readme\n", "utf-8")
    return d


def test_ingest_each_format_then_idempotent(kb: KnowledgeBase, docs: Path) -> None:
    first = kb.ingest([str(docs)])
    assert first.problems == []
    assert len(first.added) == 5  # md, docx, pdf, html, txt; yaml and README skipped
    assert not any(s.endswith(("README.md", "catalog.yaml")) for s in first.added)
    count = kb.index.store.count()
    second = kb.ingest([str(docs)])
    assert second.summary()["skipped"] == 5
    assert second.added == second.updated == second.deleted == []
    assert kb.index.store.count() == count
    # sources are the paths as given + relative path; kind inferred from the folder
    hit = kb.search("投诉多久答复", k=1)[0]
    assert hit.source == str(docs / "regulations" / "complaints.md")
    assert hit.kind == "regulation" and hit.section == "第二条"


def test_changed_file_replaced_and_removed_file_deleted(kb: KnowledgeBase, docs: Path) -> None:
    kb.ingest([str(docs)])
    target = docs / "regulations" / "complaints.md"
    old_ids = set(kb.index.store.manifest()[str(target)].chunk_ids)
    target.write_text(POLICY.replace("十五日", "七日"), "utf-8")
    report = kb.ingest([str(docs)])
    assert report.updated == [str(target)]
    new_ids = set(kb.index.store.manifest()[str(target)].chunk_ids)
    assert not (old_ids & new_ids)
    assert kb.index.store.get_chunks(sorted(old_ids)) == {}
    assert "七日" in kb.search("投诉多久答复", k=1)[0].text

    (docs / "faq.html").unlink()
    report = kb.ingest([str(docs)])
    assert report.deleted == [str(docs / "faq.html")]
    assert str(docs / "faq.html") not in kb.index.store.manifest()
    assert all(p.source != str(docs / "faq.html") for p in kb.search("FAQ fee", k=10))


def test_bad_files_reported_and_index_intact(kb: KnowledgeBase, docs: Path) -> None:
    kb.ingest([str(docs)])
    before = kb.index.store.count()
    (docs / "empty.md").write_bytes(b"")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 nope")
    write_encrypted_pdf(docs / "locked.pdf")
    (docs / "corrupt.docx").write_bytes(b"not a zip")
    with (docs / "huge.txt").open("wb") as fh:
        fh.truncate(31 * 1024 * 1024)
    report = kb.ingest([str(docs), str(docs / "missing.md")])
    reasons = {Path(p.source).name: p.reason for p in report.problems}
    assert set(reasons) == {
        "empty.md",
        "broken.pdf",
        "locked.pdf",
        "corrupt.docx",
        "huge.txt",
        "missing.md",
    }
    assert "encrypted" in reasons["locked.pdf"] and "too large" in reasons["huge.txt"]
    assert report.summary()["skipped"] == 5
    assert kb.index.store.count() == before
    assert kb.search("投诉多久答复", k=1)[0].section == "第二条"


def test_interrupted_write_is_cleaned_up(kb: KnowledgeBase, docs: Path) -> None:
    kb.ingest([str(docs)])
    count = kb.index.store.count()
    orphan = Chunk(
        id="orphan-1", text="半写入的块", source="x.md", title="x", kind="x", section="第一条"
    )
    kb.index.store.add([orphan], kb.index.embed_chunks([orphan]), ["半 写入"])
    assert kb.index.store.count() == count + 1
    kb.ingest([str(docs)])
    assert kb.index.store.count() == count
    assert kb.index.store.get_chunks(["orphan-1"]) == {}


def test_missing_explicit_file_that_was_ingested_is_deleted(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    f = tmp_path / "one.md"
    f.write_text(POLICY, "utf-8")
    assert kb.ingest([str(f)]).added == [str(f)]
    f.unlink()
    report = kb.ingest([str(f)])
    assert report.deleted == [str(f)] and kb.is_empty()
