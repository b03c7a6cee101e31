"""Retrieval: Passage + Retriever protocol; Chroma dense + BM25 lexical + hybrid fusion.

Importing this package loads no model and opens nothing; see
:class:`bankpm_core.knowledge_qa.KnowledgeBase` for the service that does.
"""

from bankpm_core.retrieval.types import Chunk, Hit, Passage, Retriever

__all__ = ["Chunk", "Hit", "Passage", "Retriever"]
