"""The knowledge index: Chroma (vectors, metadata, manifest) + an in-memory lexical view.

Chroma is the single source of truth; the BM25 postings and the chunk table are a
derived snapshot rebuilt from it (and cached on disk by the index fingerprint), so
the embedded and the client/server modes behave the same and a second process sees
what the first one ingested.
"""

from __future__ import annotations

import logging
import pickle
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from bankpm_core.retrieval.answer_types import VALUE_KINDS, holds_value
from bankpm_core.retrieval.embeddings import Embedder
from bankpm_core.retrieval.lexical import BM25Index
from bankpm_core.retrieval.store import ChromaStore, ManifestEntry
from bankpm_core.retrieval.text import TextAnalyzer, unit_sentences
from bankpm_core.retrieval.types import SECONDARY_UNITS, Chunk

_T = TypeVar("_T")

log = logging.getLogger(__name__)
_SNAPSHOT_VERSION = 6


@dataclass
class Snapshot:
    """Every chunk's id, text and citation fields, aligned with the BM25 doc numbers."""

    fingerprint: str
    ids: list[str]
    texts: list[str]
    meta: list[dict[str, str]]
    unit_of: np.ndarray  # chunk -> unit number
    unit_chunks: list[list[int]]
    bm25: BM25Index
    row_of: dict[str, int]
    hub: np.ndarray  # unit -> within-document hubness (see unit_hubness)
    # unit -> states a value of each kind in answer_types.VALUE_KINDS (a duration, a
    # quantity): read for every candidate unit of every question that asks for one, so
    # computed once here rather than by a regular-expression scan per search
    unit_values: np.ndarray
    # every chunk's embedding, row-aligned (zeros where Chroma had none: has_vector False).
    # Search scores its candidate units against all their chunks exactly, so a unit's
    # dense score does not depend on which of its windows the ANN query happened to return
    vectors: np.ndarray | None = None
    has_vector: np.ndarray | None = None
    # every unit's sentences embedded (retrieval.text.unit_sentences): unit u's are rows
    # sentence_offsets[u]:sentence_offsets[u + 1] of sentence_vectors (see attach_sentences)
    sentence_vectors: np.ndarray | None = None
    sentence_offsets: np.ndarray | None = None

    def states_value(self, u: int, kind: str) -> bool:
        """Unit ``u`` states a value of this kind (answer_types.holds_value)."""
        return bool(self.unit_values[u, VALUE_KINDS.index(kind)])

    def derived(self, name: str, build: Callable[[], _T]) -> _T:
        """A value computed from this snapshot on first use and kept with it: a snapshot
        never changes (a changed index is a new snapshot), so neither does the value."""
        attr = f"_{name}"  # kept as a plain attribute: snap._lower_text
        if attr not in self.__dict__:
            self.__dict__[attr] = build()
        return self.__dict__[attr]

    def attach_sentences(self, embed: Callable[[list[str]], np.ndarray]) -> None:
        """Embed every unit's sentences (once per snapshot; cached with it on disk)."""
        sentences: list[str] = []
        offsets = np.zeros(len(self.unit_chunks) + 1, dtype=np.int64)
        for u, rows in enumerate(self.unit_chunks):
            # interpretations, appendices and model forms rank below the rule they restate
            # (hybrid.SECONDARY_UNITS): half of a US regulation's sentences, not indexed —
            # search reads such a unit's whole-passage similarity instead
            if self.meta[rows[0]].get("unit_type") not in SECONDARY_UNITS:
                sentences += unit_sentences(self.texts[r] for r in rows)
            offsets[u + 1] = len(sentences)
        self.sentence_offsets = offsets
        self.sentence_vectors = (
            np.asarray(embed(sentences), dtype=np.float32) if sentences else None
        )

    def texts_of(self, chunk_ids: Iterable[str]) -> list[str]:
        """The texts of these chunks (those still in the index), in the order given."""
        return [self.texts[self.row_of[c]] for c in chunk_ids if c in self.row_of]

    @classmethod
    def build(
        cls,
        fingerprint: str,
        records: Sequence[tuple[str, str, dict]],
        vectors: Iterable[tuple[str, np.ndarray]] = (),
    ) -> Snapshot:
        ids, texts, metas, lex = [], [], [], []
        unit_ids: dict[tuple[str, str, str], int] = {}
        unit_of = np.zeros(len(records), dtype=np.int32)
        unit_chunks: list[list[int]] = []
        for i, (cid, text, meta) in enumerate(records):
            ids.append(cid)
            texts.append(text)
            lex.append(str(meta.get("lex", "")).split())
            keep = {k: str(v) for k, v in meta.items() if k != "lex"}
            metas.append(keep)
            key = (keep.get("source", ""), keep.get("section", ""), keep.get("unit_type", ""))
            u = unit_ids.setdefault(key, len(unit_ids))
            if u == len(unit_chunks):
                unit_chunks.append([])
            unit_chunks[u].append(i)
            unit_of[i] = u
        for members in unit_chunks:
            members.sort(key=lambda j: int(metas[j].get("span_start", 0) or 0))
        row_of = {cid: i for i, cid in enumerate(ids)}
        docs = [metas[members[0]].get("source", "") for members in unit_chunks]
        matrix: np.ndarray | None = None
        has_vector = np.zeros(len(ids), dtype=bool)
        for cid, vec in vectors:
            row = row_of.get(cid)
            if row is None:
                continue
            if matrix is None:
                matrix = np.zeros((len(ids), vec.shape[0]), dtype=np.float32)
            matrix[row] = vec
            has_vector[row] = True
        stored = (
            ((ids[r], matrix[r]) for r in np.flatnonzero(has_vector)) if matrix is not None else ()
        )
        return cls(
            fingerprint=fingerprint,
            ids=ids,
            texts=texts,
            meta=metas,
            unit_of=unit_of,
            unit_chunks=unit_chunks,
            bm25=BM25Index.build(lex),
            row_of=row_of,
            hub=unit_hubness(stored, row_of, unit_of, docs),
            vectors=matrix,
            has_vector=has_vector,
            unit_values=np.array(
                [
                    [holds_value(kind, (texts[r] for r in members)) for kind in VALUE_KINDS]
                    for members in unit_chunks
                ],
                dtype=bool,
            ).reshape(len(unit_chunks), len(VALUE_KINDS)),
        )


def unit_hubness(
    vectors: Iterable[tuple[str, np.ndarray]],
    row_of: dict[str, int],
    unit_of: np.ndarray,
    unit_docs: Sequence[str],
) -> np.ndarray:
    """How much more a unit resembles its whole document than its sibling units do.

    An overview section (产品概述, 第二条 on scope, § 1 Purpose) resembles every other
    section of its document, so it is close to every question about that document and
    outranks the section that answers it by being general — the hubness of embedding
    spaces (Radovanović et al. 2010; CSLS in Conneau et al. 2018 discounts it the same
    way). Measured as the cosine of the unit's mean vector with its document's
    centroid, minus the mean over the document's units, so that only the ranking
    *within* a document changes. Streamed: only one sum per unit is held.
    """
    n_units = len(unit_docs)
    sums: np.ndarray | None = None
    for cid, vec in vectors:
        row = row_of.get(cid)
        if row is None:
            continue
        if sums is None:
            sums = np.zeros((n_units, vec.shape[0]), dtype=np.float64)
        sums[unit_of[row]] += vec
    hub = np.zeros(n_units, dtype=np.float32)
    if sums is None:
        return hub
    unit_vec = sums / (np.linalg.norm(sums, axis=1, keepdims=True) + 1e-12)
    by_doc: dict[str, list[int]] = {}
    for u, doc in enumerate(unit_docs):
        by_doc.setdefault(doc, []).append(u)
    for units in by_doc.values():
        if len(units) < 2:
            continue
        m = unit_vec[units]
        centroid = m.mean(axis=0)
        centroid /= np.linalg.norm(centroid) + 1e-12
        sims = m @ centroid
        hub[units] = sims - sims.mean()
    return hub


class KnowledgeIndex:
    """Writes chunks (embedding + lexical terms) and serves a consistent read snapshot."""

    def __init__(
        self,
        store: ChromaStore,
        embedder: Embedder,
        analyzer: TextAnalyzer,
        cache_dir: Path | None = None,
        sentences: bool = True,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.analyzer = analyzer
        self._cache_dir = cache_dir
        self._snapshot: Snapshot | None = None
        self._lock = threading.Lock()
        self.sentences = sentences

    # ---------- writing ----------
    def embed_chunks(self, chunks: Sequence[Chunk]) -> np.ndarray:
        return self.embedder.embed([f"{c.context_header()}\n{c.text}" for c in chunks])

    def lex_terms(self, chunk: Chunk) -> str:
        return " ".join(self.analyzer.terms(f"{chunk.context_header()}\n{chunk.text}"))

    def add_document(self, chunks: Sequence[Chunk], replaces: ManifestEntry | None = None) -> None:
        """Write new chunks, then the manifest, then drop the old chunks (crash-safe order)."""
        vectors = self.embed_chunks(chunks)
        lex = [self.lex_terms(c) for c in chunks]
        self.store.add(chunks, vectors, lex)
        first = chunks[0]
        self.store.put_manifest(
            ManifestEntry(
                source=first.source,
                doc_hash=first.doc_hash,
                chunk_ids=tuple(c.id for c in chunks),
                title=first.title,
                kind=first.kind,
            )
        )
        if replaces is not None:
            stale = sorted(set(replaces.chunk_ids) - {c.id for c in chunks})
            self.store.delete(stale)
        self._snapshot = None

    def remove_document(self, entry: ManifestEntry) -> None:
        self.store.delete(list(entry.chunk_ids))
        self.store.delete_manifest(entry.source)
        self._snapshot = None

    def collect_garbage(self, manifest: dict[str, ManifestEntry]) -> int:
        """Delete chunks no manifest entry owns (left by an interrupted write)."""
        owned = {cid for entry in manifest.values() for cid in entry.chunk_ids}
        if self.store.count() == len(owned):
            return 0
        orphans = [
            cid
            for cid, _, _ in self.store.iter_records(include_documents=False)
            if cid not in owned
        ]
        self.store.delete(orphans)
        if orphans:
            log.warning("removed %d orphaned chunks from an interrupted ingest", len(orphans))
            self._snapshot = None
        return len(orphans)

    # ---------- reading ----------
    def snapshot(self) -> Snapshot:
        """The current read view; rebuilt only when the index fingerprint changed."""
        with self._lock:
            if self._snapshot is not None:
                return self._snapshot
            fingerprint = self.store.fingerprint()
            snap = self._load_cached(fingerprint)
            if snap is None:
                snap = Snapshot.build(
                    fingerprint, list(self.store.iter_records()), self.store.iter_vectors()
                )
                if self.sentences:
                    snap.attach_sentences(self.embedder.embed)
                self._save_cached(snap)
            self._snapshot = snap
            return snap

    def invalidate(self) -> None:
        self._snapshot = None

    def _cache_path(self) -> Path | None:
        if self._cache_dir is None:
            return None
        return self._cache_dir / f"lexical-{self.embedder.name}.pkl"

    def _load_cached(self, fingerprint: str) -> Snapshot | None:
        path = self._cache_path()
        if path is None or not path.exists():
            return None
        try:
            with path.open("rb") as fh:
                version, snap = pickle.load(fh)
        except Exception:
            return None
        if version != _SNAPSHOT_VERSION or snap.fingerprint != fingerprint:
            return None
        if self.sentences and snap.sentence_offsets is None:
            return None  # cached before sentences were enabled
        return snap

    def _save_cached(self, snap: Snapshot) -> None:
        path = self._cache_path()
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            with tmp.open("wb") as fh:
                pickle.dump((_SNAPSHOT_VERSION, snap), fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(path)
        except OSError as exc:
            log.warning("could not cache the lexical index: %s", exc)
