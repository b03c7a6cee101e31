"""Knowledge answers as an assistant capability (retrieval + grounded answers).

An adapter between the Assistant's capability protocol and the KnowledgeBase, which
owns the index; opening it is cheap, models load on first use.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bankpm_core.answer import Answer
from bankpm_core.config import Settings
from bankpm_core.routing.types import Route
from bankpm_core.users import UserContext


class KnowledgeCapability:
    def __init__(self, kb: Any) -> None:
        self.kb = kb

    def answer(self, question: str, route: Route, user: UserContext) -> Answer:
        return self.kb.answer(question, route.language)

    def method_note(self, question: str, lang: str) -> Any:
        return self.kb.method_note(question, lang)

    def ingest(self, paths: Iterable[str | Path], kind: str | None = None) -> Any:
        return self.kb.ingest(paths, kind=kind)

    def warm_up(self) -> None:
        """Load the embedding model, the segmenter, the thesaurus and the index snapshot
        (seconds on a big index) before the first user's question rather than during it."""
        if not self.kb.is_empty():
            self.kb.searcher.warm_up()
            self.kb.search("warm-up", k=1)


def _open(settings: Settings) -> Any:
    from bankpm_core.knowledge_qa import KnowledgeBase

    return KnowledgeBase.open(settings)


def build(settings: Settings, assistant: Any = None) -> KnowledgeCapability:
    return KnowledgeCapability(_open(settings))


def index_bundled(settings: Settings) -> dict[str, Any]:
    """Index the knowledge dir (documents only; YAML and QUESTIONS.md are skipped)."""
    report = _open(settings).ingest([settings.knowledge_dir])
    return {
        **report.summary(),
        "chunks": report.chunks_written,
        "seconds": round(report.seconds, 1),
    }
