"""The Chroma side of the index: chunk vectors + metadata, and a per-document manifest.

Embedded (a persistent directory) by default, a Chroma server when a URL is given;
the rest of the code cannot tell which. The manifest collection records each ingested
file's content hash and chunk ids, which is what makes ingestion idempotent and lets a
search-only process fingerprint the index without reading every chunk.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from bankpm_core.errors import NotReadyError
from bankpm_core.retrieval.types import Chunk

_BATCH = 1000


@dataclass(frozen=True)
class ManifestEntry:
    """What the index holds for one source file."""

    source: str
    doc_hash: str
    chunk_ids: tuple[str, ...]
    title: str = ""
    kind: str = ""


def _collection_suffix(embedder_name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", embedder_name.lower()).strip("-")[:40] or "default"


class ChromaStore:
    """Thin wrapper over two Chroma collections; vectors are always supplied by us."""

    def __init__(self, client: Any, embedder_name: str) -> None:
        suffix = _collection_suffix(embedder_name)
        self._client = client
        self.chunks = client.get_or_create_collection(
            f"bankpm-chunks-{suffix}",
            configuration={"hnsw": {"space": "cosine", "ef_search": 200, "ef_construction": 200}},
            embedding_function=None,
        )
        self.docs = client.get_or_create_collection(
            f"bankpm-docs-{suffix}", embedding_function=None
        )

    # ---------- construction ----------
    @classmethod
    def open(
        cls, embedder_name: str, path: Path | None = None, url: str | None = None
    ) -> ChromaStore:
        """Embedded persistent directory at ``path``, or the server at ``url``."""
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        if url:
            parsed = urlparse(url if "://" in url else f"http://{url}")
            try:
                client = chromadb.HttpClient(
                    host=parsed.hostname or "127.0.0.1",
                    port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                    ssl=parsed.scheme == "https",
                    settings=chroma_settings,
                )
                client.heartbeat()
            except Exception as exc:
                raise NotReadyError(
                    f"无法连接向量库服务器 {url}：{exc}",
                    f"Cannot reach the Chroma server at {url}: {exc}",
                ) from exc
        else:
            if path is None:
                raise ValueError("either path or url is required")
            path.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
        return cls(client, embedder_name)

    # ---------- chunks ----------
    def count(self) -> int:
        return int(self.chunks.count())

    def add(self, chunks: Sequence[Chunk], vectors: np.ndarray, lex: Sequence[str]) -> None:
        for start in range(0, len(chunks), _BATCH):
            part = chunks[start : start + _BATCH]
            metas = []
            for chunk, terms in zip(part, lex[start : start + _BATCH], strict=True):
                meta = chunk.metadata()
                meta["lex"] = terms
                metas.append(meta)
            self.chunks.upsert(
                ids=[c.id for c in part],
                embeddings=vectors[start : start + _BATCH],
                documents=[c.text for c in part],
                metadatas=metas,
            )

    def delete(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), _BATCH):
            self.chunks.delete(ids=list(ids[start : start + _BATCH]))

    def query(
        self, vector: np.ndarray, n: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """Nearest chunks as (id, cosine similarity)."""
        if n <= 0:
            return []
        res = self.chunks.query(
            query_embeddings=vector.reshape(1, -1),
            n_results=n,
            where=where,
            include=["distances"],
        )
        return [
            (i, 1.0 - float(d)) for i, d in zip(res["ids"][0], res["distances"][0], strict=True)
        ]

    def iter_records(
        self, include_documents: bool = True
    ) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Every chunk as (id, text, metadata), paged so memory stays flat on big indexes."""
        offset = 0
        include = ["metadatas", "documents"] if include_documents else ["metadatas"]
        while True:
            res = self.chunks.get(include=include, limit=5000, offset=offset)
            ids = res["ids"]
            if not ids:
                return
            docs = res.get("documents") or [""] * len(ids)
            for cid, doc, meta in zip(ids, docs, res["metadatas"], strict=True):
                yield cid, doc or "", dict(meta or {})
            offset += len(ids)

    def iter_vectors(self) -> Iterator[tuple[str, np.ndarray]]:
        """Every chunk's stored embedding, paged like :meth:`iter_records`."""
        offset = 0
        while True:
            res = self.chunks.get(include=["embeddings"], limit=5000, offset=offset)
            ids = res["ids"]
            if not ids:
                return
            for cid, vec in zip(ids, res["embeddings"], strict=True):
                yield cid, np.asarray(vec, dtype=np.float32)
            offset += len(ids)

    def get_chunks(self, ids: Sequence[str]) -> dict[str, Chunk]:
        if not ids:
            return {}
        res = self.chunks.get(ids=list(ids), include=["metadatas", "documents"])
        return {
            cid: Chunk.from_metadata(cid, doc or "", dict(meta or {}))
            for cid, doc, meta in zip(res["ids"], res["documents"], res["metadatas"], strict=True)
        }

    # ---------- manifest ----------
    def manifest(self) -> dict[str, ManifestEntry]:
        res = self.docs.get(include=["metadatas"])
        out = {}
        for meta in res["metadatas"]:
            meta = dict(meta or {})
            ids = tuple(x for x in str(meta.get("chunk_ids", "")).split(",") if x)
            out[str(meta["source"])] = ManifestEntry(
                source=str(meta["source"]),
                doc_hash=str(meta.get("doc_hash", "")),
                chunk_ids=ids,
                title=str(meta.get("title", "")),
                kind=str(meta.get("kind", "")),
            )
        return out

    def put_manifest(self, entry: ManifestEntry) -> None:
        self.docs.upsert(
            ids=[_manifest_id(entry.source)],
            embeddings=[[0.0]],
            metadatas=[
                {
                    "source": entry.source,
                    "doc_hash": entry.doc_hash,
                    "chunk_ids": ",".join(entry.chunk_ids),
                    "title": entry.title,
                    "kind": entry.kind,
                }
            ],
        )

    def delete_manifest(self, source: str) -> None:
        self.docs.delete(ids=[_manifest_id(source)])

    def fingerprint(self) -> str:
        """Changes whenever any document is added, changed or removed."""
        h = hashlib.sha256()
        for source, entry in sorted(self.manifest().items()):
            h.update(f"{source}\x00{entry.doc_hash}\x00{len(entry.chunk_ids)}\n".encode())
        h.update(str(self.count()).encode())
        return h.hexdigest()[:24]


def _manifest_id(source: str) -> str:
    return hashlib.sha1(source.encode("utf-8")).hexdigest()
