"""Idempotent, incremental sync of files into the knowledge index.

Keyed by content hash (as langchain's indexing API): an unchanged file is skipped, a
changed file's new chunks are written before its old ones are removed, and a file
that disappeared from an ingested folder has its chunks deleted. A file is parsed,
chunked and embedded completely in memory before anything is written, so a bad file
is reported and skipped without touching the index; if a process dies mid-write, the
next run removes chunks that no manifest entry owns.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.documents.chunking import chunk_document
from ingest.documents.loaders import SUPPORTED_SUFFIXES, DocumentError, load_document

if TYPE_CHECKING:
    from bankpm_core.retrieval.index import KnowledgeIndex

CHUNKER_VERSION = "3"
SKIP_NAMES = frozenset({"readme", "questions", "changelog", "license"})
KIND_BY_FOLDER = {"products": "product", "methodology": "methodology", "regulations": "regulation"}


@dataclass(frozen=True)
class FileProblem:
    source: str
    reason: str


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    chunks_written: int = 0
    seconds: float = 0.0

    def summary(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "skipped": len(self.skipped),
            "deleted": len(self.deleted),
            "failed": len(self.problems),
            "chunks": self.chunks_written,
        }


def discover(
    paths: Sequence[str | Path],
) -> tuple[list[tuple[str, Path]], list[str], list[FileProblem]]:
    """Files to ingest as (source-as-given, path), folders scanned, and missing paths."""
    files: list[tuple[str, Path]] = []
    folders: list[str] = []
    missing: list[FileProblem] = []
    for given in paths:
        given_str = str(given)
        path = Path(given_str)
        if path.is_dir():
            folders.append(given_str)
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
                for name in sorted(names):
                    p = Path(root) / name
                    if _wanted(p):
                        files.append((os.path.join(given_str, os.path.relpath(p, path)), p))
        elif path.is_file():
            files.append((given_str, path))
        else:
            missing.append(FileProblem(given_str, "not found"))
    return files, folders, missing


def _wanted(path: Path) -> bool:
    if path.name.startswith((".", "~$")):
        return False
    if path.stem.lower() in SKIP_NAMES:
        return False
    return path.suffix.lower() in SUPPORTED_SUFFIXES


def infer_kind(path: Path, meta_kind: str | None) -> str:
    if meta_kind:
        return meta_kind
    for part in reversed(path.parts[:-1]):
        if part.lower() in KIND_BY_FOLDER:
            return KIND_BY_FOLDER[part.lower()]
    return "document"


def ingest_paths(
    index: KnowledgeIndex,
    paths: Iterable[str | Path],
    kind: str | None = None,
    progress: bool = False,
) -> IngestReport:
    """Bring the index in line with ``paths`` (files and folders); see module docstring."""
    from tqdm import tqdm

    t0 = time.perf_counter()
    report = IngestReport()
    files, folders, missing = discover(list(paths))
    manifest = index.store.manifest()
    index.collect_garbage(manifest)

    # Explicitly named files that vanished, and files gone from scanned folders, are deletions.
    present = {source for source, _ in files}
    for problem in missing:
        if problem.source in manifest:
            index.remove_document(manifest[problem.source])
            report.deleted.append(problem.source)
        else:
            report.problems.append(problem)
    for folder in folders:
        prefix = folder.rstrip("/\\") + os.sep
        for source, entry in manifest.items():
            if source.startswith(prefix) and source not in present and source not in report.deleted:
                index.remove_document(entry)
                report.deleted.append(source)

    bar = tqdm(
        files, desc="ingest", unit="file", file=sys.stderr, disable=not progress, leave=False
    )
    for source, path in bar:
        bar.set_postfix_str(path.name[:30])
        try:
            data = path.read_bytes()
        except OSError as exc:
            report.problems.append(FileProblem(source, f"cannot read: {exc.strerror or exc}"))
            continue
        doc_hash = hashlib.sha256(
            data + f"\x00{kind or ''}\x00{CHUNKER_VERSION}".encode()
        ).hexdigest()[:32]
        old = manifest.get(source)
        if old is not None and old.doc_hash == doc_hash:
            report.skipped.append(source)
            continue
        try:
            doc = load_document(path)
            doc_kind = infer_kind(path, kind or doc.meta.get("kind"))
            chunks = chunk_document(doc, path, source, doc_kind, doc_hash)
            if not chunks:
                raise DocumentError("no text found")
            index.add_document(chunks, replaces=old)
        except DocumentError as exc:
            report.problems.append(FileProblem(source, exc.reason))
            continue
        except Exception as exc:  # one bad file must not stop the run
            report.problems.append(FileProblem(source, f"{type(exc).__name__}: {exc}"))
            continue
        report.chunks_written += len(chunks)
        (report.updated if old is not None else report.added).append(source)
    bar.close()
    report.seconds = time.perf_counter() - t0
    return report
