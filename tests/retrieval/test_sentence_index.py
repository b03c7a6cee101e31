"""The sentence index: every unit's sentences embedded, the two closest to the question
ranked in (a long article states several rules; the question is about one of them)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from bankpm_core.config import load_settings
from bankpm_core.knowledge_qa import KnowledgeBase
from bankpm_core.retrieval.confidence import feature_vector
from bankpm_core.retrieval.embeddings import HashingEmbedder
from bankpm_core.retrieval.hybrid import HybridSearcher
from bankpm_core.retrieval.text import unit_sentences


def test_unit_sentences_are_the_distinct_sentences_of_overlapping_windows() -> None:
    windows = [
        "第七条 催收电话每日不超过三次。不得在晚上九点以后联系。",
        "不得在晚上九点以后联系。联系前应当核实身份；短",
        "(a) A creditor shall keep records. (b) Records are kept for 25 months.",
    ]
    got = unit_sentences(windows)
    assert got == [
        "第七条 催收电话每日不超过三次。",
        "不得在晚上九点以后联系。",
        "联系前应当核实身份；",
        "(a) A creditor shall keep records.",
        "(b) Records are kept for 25 months.",
    ]  # the repeated sentence once, the 1-character stub dropped


def test_the_snapshot_holds_each_unit_s_sentence_vectors(
    fake_kb: KnowledgeBase, corpus: Path
) -> None:
    assert not fake_kb.ingest([str(corpus)]).problems
    snap = fake_kb.index.snapshot()
    offsets, vectors = snap.sentence_offsets, snap.sentence_vectors
    assert offsets is not None and vectors is not None
    assert len(offsets) == len(snap.unit_chunks) + 1 and offsets[0] == 0
    assert np.all(np.diff(offsets) >= 0) and offsets[-1] == vectors.shape[0]
    u = int(np.argmax(np.diff(offsets)))  # the unit with most sentences
    texts = [snap.texts[r] for r in snap.unit_chunks[u]]
    expected = fake_kb.index.embedder.embed(unit_sentences(texts))
    assert np.allclose(vectors[offsets[u] : offsets[u + 1]], expected, atol=1e-6)


def test_the_sentence_term_ranks_but_does_not_move_the_refusal_score(
    fake_kb: KnowledgeBase, corpus: Path
) -> None:
    assert not fake_kb.ingest([str(corpus)]).problems
    without = HybridSearcher(
        fake_kb.index, fake_kb.searcher.lexicon, replace(fake_kb.searcher.config, sentence_weight=0)
    )
    question = "催收电话每天可以打几次"
    with_term = {(p.source, p.section): p for p in fake_kb.search(question, k=20)}
    compared = 0
    for p in without.search(question, k=20):
        q = with_term.get((p.source, p.section))
        if q is None:
            continue
        compared += 1
        w = fake_kb.searcher.config.sentence_weight
        assert np.isclose(q.score - p.score, w * q.features["sentence"])
        # the refusal score reads the evidence its weights were fitted on
        assert np.isclose(feature_vector([q])["fused"], feature_vector([p])["fused"])
    assert compared >= 5  # the same passages, ranked with and without the term


def test_the_sentence_index_can_be_turned_off(tmp_path: Path, corpus: Path) -> None:
    settings = load_settings(
        data_dir=tmp_path / "data", knowledge_dir=tmp_path / "knowledge", sentence_index=False
    )
    kb = KnowledgeBase.open(settings, embedder=HashingEmbedder())
    assert not kb.ingest([str(corpus)]).problems
    snap = kb.index.snapshot()
    assert snap.sentence_vectors is None and snap.sentence_offsets is None
    assert kb.searcher.config.sentence_weight == 0
    assert all(p.features["sentence"] == 0 for p in kb.search("催收电话", k=5))
