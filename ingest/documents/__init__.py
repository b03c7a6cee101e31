"""Documents → chunks → index: loaders per format, structure-aware chunking, idempotent sync.

``ingest_paths`` is the one entry point; `bankpm ingest docs` and
``KnowledgeBase.ingest`` both call it, so the benchmark measures what users run.
"""

from ingest.documents.chunking import chunk_document
from ingest.documents.loaders import (
    SUPPORTED_SUFFIXES,
    DocumentError,
    LoadedDocument,
    load_document,
)
from ingest.documents.pipeline import FileProblem, IngestReport, ingest_paths

__all__ = [
    "SUPPORTED_SUFFIXES",
    "DocumentError",
    "FileProblem",
    "IngestReport",
    "LoadedDocument",
    "chunk_document",
    "ingest_paths",
    "load_document",
]
