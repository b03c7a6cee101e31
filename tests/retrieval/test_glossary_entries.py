"""Glossary entries are true synonyms, never a broader or a neighbouring term: an answer
about one term must not come from a text about another."""

from __future__ import annotations

from kb_corpus import IngestDocs

from bankpm_core.knowledge_qa import KnowledgeBase
from bankpm_core.retrieval.glossary import Glossary

GIFT_CARDS = """---
title: Regulation E (gift cards)
kind: regulation
---

## § 1005.20 Requirements for gift cards and gift certificates

(c) Dormancy fees. No person may impose a dormancy, inactivity or service fee on a
general-use prepaid card unless there has been no activity for at least 12 months.
"""


def test_a_prepaid_account_is_not_a_prepaid_card() -> None:
    """Regulation E's prepaid account (§ 1005.2(b)(3)) excludes the gift cards and
    general-use prepaid cards of § 1005.20."""
    glossary = Glossary.bundled()
    assert "prepaid account" not in glossary.synonyms("prepaid card")
    assert glossary.synonyms("prepaid accounts") == ("prepaid account", "prepaid accounts")


def test_a_prepaid_account_question_is_not_answered_from_the_gift_card_rule(
    ingest_docs: IngestDocs,
) -> None:
    kb: KnowledgeBase = ingest_docs({"reg_e.md": GIFT_CARDS})
    refused = kb.answer("What short-form disclosure must be given for prepaid accounts?", "en")
    assert refused.grounded is False
    assert refused.result["not_in_knowledge_base"] == ["prepaid accounts"]
    answered = kb.answer("Can a dormancy fee be charged on a prepaid card?", "en")
    assert answered.grounded is True, answered.text
    assert answered.citations[0].section.startswith("§ 1005.20")
