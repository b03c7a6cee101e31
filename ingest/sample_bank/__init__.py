"""The sample bank (示例银行): a deterministic generator of realistic product data.

``generate(engine, seed=..., today=...)`` drops, recreates and fills the tables of
``ingest.schema``; see :mod:`ingest.sample_bank.generator`.
"""

from ingest.sample_bank.generator import GenerationReport, build_tables, generate

__all__ = ["GenerationReport", "build_tables", "generate"]
