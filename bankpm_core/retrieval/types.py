"""The records retrieval passes around: chunks going in, passages coming out.

Kept free of chromadb/numpy imports so that every layer (ingest, CLI, answer
composition) can type against them without loading an index.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

UnitType = Literal["article", "section", "heading", "interpretation", "appendix", "preamble"]

#: Unit types that restate or illustrate a rule rather than state it; ranked below the
#: rule itself unless the question asks for them (see ``hybrid.SECONDARY_PRIOR``).
SECONDARY_UNITS: frozenset[str] = frozenset({"interpretation", "appendix", "preamble"})


@dataclass(frozen=True)
class Chunk:
    """One indexed piece of a document, with the context needed to cite it."""

    id: str
    text: str
    source: str
    title: str
    kind: str
    section: str
    chapter: str = ""
    heading: str = ""
    unit_type: str = "section"
    language: str = "zh"
    version: str = ""
    effective_date: str = ""
    span: tuple[int, int] = (0, 0)
    part: int = 0
    doc_hash: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def unit_key(self) -> str:
        """Chunks of one article/section share a key: answers are about units, not windows."""
        return f"{self.source}\x1f{self.section}\x1f{self.unit_type}"

    def context_header(self) -> str:
        """Short breadcrumb prepended for embedding and BM25 so a bare article knows its law."""
        parts = [self.title, self.chapter, self.heading or self.section]
        return " ".join(p for p in parts if p)

    def metadata(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "title": self.title,
            "kind": self.kind,
            "section": self.section,
            "chapter": self.chapter,
            "heading": self.heading,
            "unit_type": self.unit_type,
            "language": self.language,
            "version": self.version,
            "effective_date": self.effective_date,
            "span_start": self.span[0],
            "span_end": self.span[1],
            "part": self.part,
            "doc_hash": self.doc_hash,
            **self.extra,
        }

    @classmethod
    def from_metadata(cls, chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
        known = {
            "source",
            "title",
            "kind",
            "section",
            "chapter",
            "heading",
            "unit_type",
            "language",
            "version",
            "effective_date",
            "span_start",
            "span_end",
            "part",
            "doc_hash",
        }
        return cls(
            id=chunk_id,
            text=text,
            source=str(meta.get("source", "")),
            title=str(meta.get("title", "")),
            kind=str(meta.get("kind", "")),
            section=str(meta.get("section", "")),
            chapter=str(meta.get("chapter", "")),
            heading=str(meta.get("heading", "")),
            unit_type=str(meta.get("unit_type", "section")),
            language=str(meta.get("language", "zh")),
            version=str(meta.get("version", "")),
            effective_date=str(meta.get("effective_date", "")),
            span=(int(meta.get("span_start", 0)), int(meta.get("span_end", 0))),
            part=int(meta.get("part", 0)),
            doc_hash=str(meta.get("doc_hash", "")),
            extra={k: str(v) for k, v in meta.items() if k not in known and k != "lex"},
        )


@dataclass
class Passage:
    """A ranked search result: one article/section with the evidence behind its score."""

    source: str
    section: str
    title: str
    text: str
    score: float
    kind: str = ""
    chapter: str = ""
    unit_type: str = "section"
    language: str = "zh"
    chunk_ids: list[str] = field(default_factory=list)
    features: dict[str, float] = field(default_factory=dict)
    product: str = ""  # the catalog product a manual is about (front matter), if any

    def to_json_dict(self) -> dict[str, Any]:
        """The public `bankpm search --json` shape (README: "Search JSON")."""
        return {
            "source": self.source,
            "section": self.section,
            "title": self.title,
            "text": self.text,
            "score": round(float(self.score), 4),
            "kind": self.kind,
        }


@dataclass(frozen=True)
class Hit:
    """A chunk-level hit from one retriever, before fusion."""

    chunk_id: str
    score: float


class Retriever(Protocol):
    """Anything that ranks chunk ids for a query; the hybrid fuses several of these."""

    def search(self, query: str, k: int, kind: str | None = None) -> list[Hit]: ...
