"""Question language steers towards same-language *law*, not away from the bank's own documents.

Without a jurisdiction cue, an English question is taken to be about US rules and a
Chinese one about Chinese rules — language stands for jurisdiction in external law.
The bank's own documents (front matter names an owner) bind it in any language: an
English question about the Chinese card manual must still find that manual.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bankpm_core.config import load_settings
from bankpm_core.knowledge_qa import KnowledgeBase
from bankpm_core.retrieval.hybrid import HybridSearcher, SearchConfig

MANUAL = """---
title: 示例银行青春信用卡产品手册
kind: product
{owner}version: "1.0"
effective_date: 2026-01-01
language: zh
---

# 示例银行青春信用卡产品手册

## 年费规则

主卡年费每年 100 元，首年免年费；一个年费年度内刷卡消费满 6 次，免收次年年费。

## 积分规则

每消费 1 元累积 1 分，积分自累积当月起 24 个月有效。
"""

POLICY = """---
title: Example Bank Complaint Recording Policy
kind: regulation
{owner}version: "1.0"
effective_date: 2026-01-01
language: en
---

# Example Bank Complaint Recording Policy

§ 1 Purpose. This policy sets out how staff record customer complaints in the case system.

§ 2 Recording. Every complaint is recorded on the day it is received, with the customer's account and the product concerned.
"""


def _kb(root: Path, embedder, internal: bool) -> KnowledgeBase:
    docs = root / "docs"
    docs.mkdir(parents=True)
    (docs / "cc_youth.md").write_text(
        MANUAL.format(owner="owner: 信用卡部\n" if internal else ""), "utf-8"
    )
    (docs / "complaints_en.md").write_text(
        POLICY.format(owner="owner: Compliance\n" if internal else ""), "utf-8"
    )
    kb = KnowledgeBase.open(load_settings(data_dir=root / "data"), embedder=embedder)
    assert not kb.ingest([str(docs)]).problems
    return kb


QUESTION = "How much is the annual fee of the Youth card, and how can it be waived?"


def test_english_question_finds_the_banks_own_chinese_manual(tmp_path: Path, use_embedder) -> None:
    kb = _kb(tmp_path, use_embedder, internal=True)
    top = kb.search(QUESTION, k=3)
    assert (Path(top[0].source).name, top[0].section) == ("cc_youth.md", "年费规则")
    # both of the bank's documents get the same language prior: relevance alone decides
    # (the answer-type prior aside: "how much" is answered by a passage stating an amount)
    same_type = HybridSearcher(
        kb.index, kb.searcher.lexicon, replace(kb.searcher.config, answer_type_penalty=0)
    )
    priors = {Path(p.source).name: p.features["prior"] for p in same_type.search(QUESTION, k=3)}
    assert priors["cc_youth.md"] == pytest.approx(priors["complaints_en.md"])


def test_external_law_keeps_the_question_languages_prior(tmp_path: Path, use_embedder) -> None:
    def priors(kb: KnowledgeBase) -> dict[tuple[str, str], float]:
        return {
            (Path(p.source).name, p.section): p.features["prior"] for p in kb.search(QUESTION, k=5)
        }

    internal = priors(_kb(tmp_path / "internal", use_embedder, internal=True))
    external = priors(_kb(tmp_path / "external", use_embedder, internal=False))
    bonus = SearchConfig().same_language_bonus
    # as law, the Chinese manual loses the bonus an English question gives English law
    assert external[("cc_youth.md", "年费规则")] == pytest.approx(
        internal[("cc_youth.md", "年费规则")] - bonus
    )
    english = [key for key in external if key[0] == "complaints_en.md"]
    assert english and all(external[k] == pytest.approx(internal[k]) for k in english)
