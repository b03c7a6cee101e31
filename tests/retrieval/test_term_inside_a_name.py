"""A term of art inside another term's longer name is no mention of it: the "Federal
Deposit Insurance Corporation" and the "Federal Deposit Insurance Act" name an agency and
a statute, and a passage naming them says nothing about deposit insurance itself."""

from __future__ import annotations

import pytest
from kb_corpus import IngestDocs

from bankpm_core.knowledge_qa import KnowledgeBase
from bankpm_core.retrieval.glossary import Glossary

REG = """---
title: Regulation DD (Truth in Savings)
kind: regulation
---

## § 1030.1 Authority, purpose, coverage

(a) Authority. This part is issued to implement the Truth in Savings Act, contained in the
Federal Deposit Insurance Corporation Improvement Act of 1991. Terms not defined here have
the meaning given in the Federal Deposit Insurance Act.

## § 1030.4 Account disclosures

(a) Delivery. A depository institution shall provide account disclosures to a consumer
before an account is opened, including the annual percentage yield and the interest rate.
"""

INSURED = """---
title: Deposit insurance guide
kind: regulation
---

## § 1 Coverage

Deposit insurance covers each depositor up to the standard maximum amount per insured bank.
"""

ZH = """---
title: 境外机构名录
kind: regulation
---

第一条 本名录所列境外监管机构包括美国联邦存款保险公司和美国货币监理署。
"""

QUESTION = "How much of a depositor's money does deposit insurance cover?"


def test_a_longer_name_of_another_term_hides_the_shorter_one() -> None:
    glossary = Glossary.bundled()
    assert "Federal Deposit Insurance Corporation" in glossary.containers("deposit insurance")
    assert "联邦存款保险公司" in glossary.containers("存款保险")
    text = "the federal deposit insurance corporation and the federal deposit insurance act"
    assert glossary.uses(text, "deposit insurance") == []
    assert [
        m.group(0) for m in glossary.uses(text + "; deposit insurance", "deposit insurance")
    ] == ["deposit insurance"]
    assert glossary.uses("联邦存款保险公司", "存款保险") == []
    # a name of the same term is no container ("FDIC insurance" is deposit insurance too)
    assert "FDIC insurance" not in glossary.containers("deposit insurance")
    # and Latin names contain whole words only: "mpa" is in no "company"
    assert glossary.containers("MPA") == ()


def test_deposit_insurance_is_refused_where_only_the_agency_is_named(
    ingest_docs: IngestDocs,
) -> None:
    kb: KnowledgeBase = ingest_docs({"reg_dd.md": REG})
    assert kb.searcher.absent_names(QUESTION) == ["deposit insurance"]
    answer = kb.answer(QUESTION, "en")
    assert answer.grounded is False, answer.text
    assert answer.result["not_in_knowledge_base"] == ["deposit insurance"]


def test_the_passage_screen_skips_a_passage_naming_only_the_agency(
    ingest_docs: IngestDocs,
) -> None:
    """Asked with FDIC (the agency's acronym, which the text does name), the term of art
    still decides: only a passage that speaks of the insurance may answer."""
    kb: KnowledgeBase = ingest_docs({"reg_dd.md": REG})
    question = "How much of a depositor's money does FDIC insurance cover?"
    assert kb.searcher.absent_names(question) == []  # the agency is named in § 1030.1
    assert kb.answer(question, "en").grounded is False


def test_the_same_question_is_answered_where_a_text_speaks_of_the_insurance(
    ingest_docs: IngestDocs,
) -> None:
    kb: KnowledgeBase = ingest_docs({"reg_dd.md": REG, "insurance.md": INSURED})
    answer = kb.answer(QUESTION, "en")
    assert answer.grounded is True, answer.text
    assert answer.citations[0].section.startswith("§ 1 ")


@pytest.mark.parametrize("name", ["存款保险", "deposit insurance"])
def test_a_term_used_only_inside_a_name_is_absent_from_the_index(
    ingest_docs: IngestDocs, name: str
) -> None:
    kb: KnowledgeBase = ingest_docs({"reg_dd.md": REG, "zh.md": ZH})
    question = f"{name}最多赔多少？" if name == "存款保险" else f"What does {name} pay out at most?"
    assert name in kb.searcher.absent_names(question)
