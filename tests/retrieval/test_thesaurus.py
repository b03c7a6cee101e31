"""Everyday Chinese words reach the statute's wording through 同义词词林 (Cilin)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bankpm_core.config import load_settings
from bankpm_core.knowledge_qa import KnowledgeBase
from bankpm_core.retrieval.embeddings import HashingEmbedder
from bankpm_core.retrieval.lexicon import Lexicon
from bankpm_core.retrieval.query import SYNONYM_WEIGHT, analyse
from bankpm_core.retrieval.text import TextAnalyzer
from bankpm_core.retrieval.thesaurus import Thesaurus


@pytest.fixture(scope="module")
def cilin() -> Thesaurus:
    return Thesaurus.cilin()


def test_cilin_ships_with_the_package_and_maps_everyday_to_formal_words(cilin: Thesaurus) -> None:
    assert cilin, "the cilin package's data file was not found"

    def words(word: str) -> set[str]:
        return {w for w, _ in cilin.synonyms(word, lambda _w: True)}

    assert "撤回" in words("收回")
    assert "告知" in words("告诉")
    assert "佣金" in words("回扣")
    assert "亲属" in words("亲戚")
    assert "年龄" in words("年纪")


def test_only_true_synonym_sets_and_multi_character_words(cilin: Thesaurus) -> None:
    # 机房 is only in a "#" set (related words: 病房, 产房 …), which must not be used
    assert cilin.synonyms("机房", lambda _w: True) == []
    # single characters (撤, 销 for 收回) are segmentation debris in the index
    assert all(len(w) > 1 for w, _ in cilin.synonyms("收回", lambda _w: True))


def test_senses_share_the_weight_and_unusable_synonyms_are_dropped(cilin: Thesaurus) -> None:
    seen = cilin.synonyms("打招呼", lambda w: w in {"通知", "招呼"})
    assert {w for w, _ in seen} == {"通知", "招呼"}
    # 打招呼 has two synonym sets (greet / notify): each synonym carries half a word
    assert all(share == pytest.approx(1 / len(cilin.senses("打招呼"))) for _, share in seen)
    assert len(cilin.senses("打招呼")) == 2


def test_query_analysis_adds_synonyms_the_index_knows(cilin: Thesaurus) -> None:
    analyzer = TextAnalyzer([])
    lexicon = Lexicon([])
    vocabulary = {"撤回", "同意", "客户"}
    question = "客户能收回之前给的同意吗？"

    plain = analyse(question, analyzer, lexicon, lambda _t: 1.0)
    assert "撤回" not in plain.weighted_terms

    qa = analyse(
        question, analyzer, lexicon, lambda _t: 1.0, thesaurus=cilin, known=vocabulary.__contains__
    )
    unit = next(u for u in qa.units if u.label == "收回")
    assert ["撤回"] in unit.terms
    # only synonyms the index contains: 撤销, 取消 … are not in this vocabulary
    assert all(alt[0] in vocabulary or alt == ["收回"] for alt in unit.terms)
    assert 0 < qa.weighted_terms["撤回"] <= SYNONYM_WEIGHT < qa.weighted_terms["客户"]


DEPOSIT_RULES = """---
title: 示例银行储蓄存款管理规定
kind: regulation
owner: 个人金融部
version: "1.0"
effective_date: 2026-01-01
language: zh
---

# 示例银行储蓄存款管理规定

第一条 本行办理人民币储蓄存款业务，遵循存款自愿、取款自由、为储户保密的原则。

第二条 本行按照公布的挂牌利率计付储蓄存款利息，活期存款按季结息。

第三条 客户办理储蓄存款开户，应当出示本人有效身份证件。
"""


def _kb(tmp_path: Path, thesaurus: bool) -> KnowledgeBase:
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "deposits.md").write_text(DEPOSIT_RULES, "utf-8")
    settings = load_settings(
        data_dir=tmp_path / f"data-{thesaurus}",
        knowledge_dir=tmp_path / "knowledge",
        thesaurus=thesaurus,
    )
    kb = KnowledgeBase.open(settings, embedder=HashingEmbedder())
    assert not kb.ingest([str(docs)]).problems
    return kb


def test_everyday_wording_finds_the_article_through_the_thesaurus(tmp_path: Path) -> None:
    question = "存款的利钱怎么算？"  # the article says 利息
    with_thesaurus = _kb(tmp_path, thesaurus=True)
    assert "利息" in with_thesaurus.searcher.analyse(question).weighted_terms
    top = with_thesaurus.search(question, k=3)
    assert top[0].section == "第二条"

    # BANKPM_THESAURUS=false: the same question no longer reaches 利息 in the article
    without = _kb(tmp_path, thesaurus=False)
    assert "利息" not in without.searcher.analyse(question).weighted_terms
    covered = {p.section: p.features["coverage"] for p in top}
    bare = {p.section: p.features["coverage"] for p in without.search(question, k=3)}
    assert covered["第二条"] > bare["第二条"]
