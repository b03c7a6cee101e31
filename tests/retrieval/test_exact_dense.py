"""Dense candidates from an exact scan of the snapshot's vectors: the same question gets
the same passages in every process (Chroma's HNSW query returned a different top-80 for
about one question in ten from one process to the next)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bankpm_core.knowledge_qa import KnowledgeBase
from bankpm_core.retrieval.hybrid import _exact_top


def test_the_snapshot_keeps_every_chunk_s_vector_row_aligned(
    fake_kb: KnowledgeBase, corpus: Path
) -> None:
    assert not fake_kb.ingest([str(corpus)]).problems
    snap = fake_kb.index.snapshot()
    assert snap.vectors is not None and snap.has_vector is not None
    assert snap.vectors.shape[0] == len(snap.ids) and snap.has_vector.all()
    stored = dict(fake_kb.index.store.iter_vectors())
    for row in (0, len(snap.ids) // 2, len(snap.ids) - 1):
        assert np.allclose(snap.vectors[row], stored[snap.ids[row]], atol=1e-6)


def test_exact_top_is_the_brute_force_ranking_and_honours_filters(
    fake_kb: KnowledgeBase, corpus: Path
) -> None:
    assert not fake_kb.ingest([str(corpus)]).problems
    snap = fake_kb.index.snapshot()
    qvec = fake_kb.index.embedder.embed(["催收电话每天可以打几次"])[0]
    hits = _exact_top(snap, qvec, 5, None)
    brute = sorted(
        ((cid, float(np.dot(v, qvec))) for cid, v in fake_kb.index.store.iter_vectors()),
        key=lambda pair: -pair[1],
    )[:5]
    assert [c for c, _ in hits] == [c for c, _ in brute]
    assert np.allclose([s for _, s in hits], [s for _, s in brute], atol=1e-5)

    kinds = {m.get("kind") for m in snap.meta}
    assert len(kinds) > 1
    kind = sorted(k for k in kinds if k)[0]
    only = _exact_top(snap, qvec, 50, {"kind": kind})
    assert only and all(snap.meta[snap.row_of[c]]["kind"] == kind for c, _ in only)
    # the English privacy policy is a regulation: both filters leave it, and only it
    both = _exact_top(snap, qvec, 50, {"$and": [{"kind": "regulation"}, {"language": "en"}]})
    assert both
    assert all(
        snap.meta[snap.row_of[c]].get("language") == "en"
        and snap.meta[snap.row_of[c]]["kind"] == "regulation"
        for c, _ in both
    )


def test_search_is_the_same_in_a_fresh_process_view(fake_kb: KnowledgeBase, corpus: Path) -> None:
    """A second KnowledgeBase over the same directory (a restarted bot) ranks alike."""
    assert not fake_kb.ingest([str(corpus)]).problems
    again = KnowledgeBase.open(fake_kb.settings, embedder=fake_kb.index.embedder)
    for question in ("年费怎么收", "How often may collectors call?", "个人信息保存多久"):
        first = [(p.source, p.section, round(p.score, 9)) for p in fake_kb.search(question, k=8)]
        second = [(p.source, p.section, round(p.score, 9)) for p in again.search(question, k=8)]
        assert first == second


def test_above_the_exact_limit_chroma_s_ann_query_finds_the_same_best_passages(
    fake_kb: KnowledgeBase, corpus: Path
) -> None:
    """A bank with more than exact_dense_max_rows chunks searches through Chroma's HNSW
    index; on a small corpus the ANN is exact enough to agree with the scan at the top."""
    from dataclasses import replace

    from bankpm_core.retrieval.hybrid import HybridSearcher

    assert not fake_kb.ingest([str(corpus)]).problems
    ann = HybridSearcher(
        fake_kb.index,
        fake_kb.searcher.lexicon,
        replace(fake_kb.searcher.config, exact_dense_max_rows=0),
    )
    for question in ("年费怎么收", "How often may collectors call?"):
        exact = fake_kb.search(question, k=3)
        approx = ann.search(question, k=3)
        assert approx, question
        assert (approx[0].source, approx[0].section) == (exact[0].source, exact[0].section)
