"""Overview sections are discounted: they resemble their whole document, not the question."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from bankpm_core.config import load_settings
from bankpm_core.knowledge_qa import KnowledgeBase
from bankpm_core.retrieval.hybrid import SearchConfig
from bankpm_core.retrieval.index import unit_hubness


def _unit(v: list[float]) -> np.ndarray:
    a = np.asarray(v, dtype=np.float32)
    return a / np.linalg.norm(a)


def test_the_unit_that_resembles_all_its_siblings_is_the_hub() -> None:
    fees, points, limits = _unit([1, 0, 0, 0]), _unit([0, 1, 0, 0]), _unit([0, 0, 1, 0])
    overview = _unit([1, 1, 1, 0])
    other_doc = _unit([0, 0, 0, 1])
    vectors = [("f", fees), ("p", points), ("l", limits), ("o", overview), ("x", other_doc)]
    row_of = {cid: i for i, (cid, _) in enumerate(vectors)}
    unit_of = np.arange(len(vectors))
    docs = ["manual.md"] * 4 + ["other.md"]
    hub = unit_hubness(iter(vectors), row_of, unit_of, docs)
    assert int(np.argmax(hub[:4])) == 3  # the overview
    assert hub[:4].sum() == pytest.approx(0.0, abs=1e-6)  # only ranks within a document
    assert hub[4] == 0.0  # a one-unit document has no siblings to be compared with
    assert hub[0] == pytest.approx(hub[1]) == pytest.approx(hub[2])


def test_several_chunks_of_one_unit_are_pooled() -> None:
    a, b = _unit([1, 0]), _unit([0, 1])
    vectors = [("a1", a), ("a2", a), ("b1", b), ("mix", _unit([1, 1]))]
    row_of = {cid: i for i, (cid, _) in enumerate(vectors)}
    unit_of = np.array([0, 0, 1, 2])
    hub = unit_hubness(iter(vectors), row_of, unit_of, ["d.md"] * 3)
    assert hub.shape == (3,) and int(np.argmax(hub)) == 2


def test_no_vectors_means_no_discount() -> None:
    hub = unit_hubness(iter(()), {}, np.zeros(0, dtype=np.int32), ["a.md", "a.md"])
    assert hub.tolist() == [0.0, 0.0]


MANUAL = """---
title: 示例银行青春信用卡产品手册
kind: product
owner: 信用卡部
version: "1.0"
effective_date: 2026-01-01
language: zh
---

# 示例银行青春信用卡产品手册

## 产品概述

青春信用卡面向 18–30 岁的年轻客群，介绍卡片的年费、积分、额度、分期和还款安排，首年免年费，消费可累积积分，额度灵活，支持账单分期。

## 年费规则

主卡年费每年 100 元，首年免年费；一个年费年度内刷卡消费满 6 次，免收次年年费。

## 积分规则

每消费 1 元累积 1 分，积分自累积当月起 24 个月有效，到期月末清零。

## 额度与期限

初始额度 3,000 元至 30,000 元，卡片有效期 5 年。
"""


def test_real_index_marks_the_overview_section_as_the_hub(tmp_path: Path, use_embedder) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "cc_youth.md").write_text(MANUAL, "utf-8")
    kb = KnowledgeBase.open(load_settings(data_dir=tmp_path / "data"), embedder=use_embedder)
    assert not kb.ingest([str(docs)]).problems
    snap = kb.index.snapshot()
    hub = {
        snap.meta[rows[0]]["section"]: float(snap.hub[u]) for u, rows in enumerate(snap.unit_chunks)
    }
    assert max(hub, key=hub.get) == "产品概述"
    # the discount reaches the score: same question, same unit, with and without it
    question = "What is the Youth card's credit limit?"
    discounted = {p.section: p.features["dense"] for p in kb.search(question, k=4)}
    kb.searcher.config = replace(kb.searcher.config, hub_penalty=0.0)
    plain = {p.section: p.features["dense"] for p in kb.search(question, k=4)}
    penalty = SearchConfig().hub_penalty
    assert discounted["产品概述"] == pytest.approx(plain["产品概述"] - penalty * hub["产品概述"])
