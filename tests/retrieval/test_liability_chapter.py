"""An article of a penalties chapter restates the rule it punishes: it answers what
happens to a breach, and yields to the rule for any other question."""

from __future__ import annotations

from dataclasses import replace

import pytest
from kb_corpus import IngestDocs

from bankpm_core.knowledge_qa import KnowledgeBase
from bankpm_core.retrieval.hybrid import CONSEQUENCE_QUESTION, HybridSearcher

LAW = """---
title: 商业银行法
kind: regulation
---

## 第四章 贷款和其他业务的基本规则

第四十三条 商业银行在中华人民共和国境内不得从事信托投资和证券经营业务，不得向非自用不动产投资或者向非银行金融机构和企业投资。

第四十四条 商业银行办理个人储蓄存款业务，应当遵循存款自愿、取款自由、存款有息、为存款人保密的原则。

## 第八章 法律责任

第七十四条 商业银行有下列情形之一，由国务院银行业监督管理机构责令改正，有违法所得的，没收违法所得，并处罚款：（一）违反规定从事信托投资和证券经营业务、向非自用不动产投资或者向非银行金融机构和企业投资的。
"""


@pytest.fixture()
def law_kb(ingest_docs: IngestDocs) -> KnowledgeBase:
    return ingest_docs({"law.md": LAW})


def _scores(searcher: HybridSearcher, question: str) -> dict[str, float]:
    return {p.section: p.score for p in searcher.search(question, k=10)}


def test_a_penalty_article_yields_to_the_rule_it_restates(law_kb: KnowledgeBase) -> None:
    question = "商业银行可以从事证券经营业务或者投资不动产吗？"
    plain = HybridSearcher(
        law_kb.index, law_kb.searcher.lexicon, replace(law_kb.searcher.config, liability_penalty=0)
    )
    penalty = law_kb.searcher.config.liability_penalty
    assert penalty > 0
    with_prior, without = _scores(law_kb.searcher, question), _scores(plain, question)
    assert with_prior["第七十四条"] == pytest.approx(without["第七十四条"] - penalty)
    assert with_prior["第四十三条"] == pytest.approx(without["第四十三条"])
    assert law_kb.search(question, k=1)[0].section == "第四十三条"


@pytest.mark.parametrize(
    "question",
    [
        "商业银行违规从事证券经营业务会受到什么处罚？",
        "What penalty applies if a bank trades securities?",
    ],
)
def test_a_question_about_the_consequence_keeps_the_penalty_article(
    law_kb: KnowledgeBase, question: str
) -> None:
    assert CONSEQUENCE_QUESTION.search(question)
    plain = HybridSearcher(
        law_kb.index, law_kb.searcher.lexicon, replace(law_kb.searcher.config, liability_penalty=0)
    )
    assert _scores(law_kb.searcher, question)["第七十四条"] == pytest.approx(
        _scores(plain, question)["第七十四条"]
    )
