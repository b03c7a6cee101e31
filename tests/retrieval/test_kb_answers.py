"""Grounded answers and refusals end to end, on the real embedder and a real Chroma dir."""

from __future__ import annotations

import pytest

from bankpm_core.knowledge_qa import KnowledgeBase


def test_grounded_answer_cites_the_right_article(real_kb: KnowledgeBase) -> None:
    answer = real_kb.answer("催收的时候可以打电话给欠款人的同事吗？", "zh")
    assert answer.intent == "knowledge"
    assert answer.grounded is True
    first = answer.citations[0]
    assert first.section == "第三条"
    assert first.title == "示例银行催收行为管理办法"
    assert first.source.endswith("collection_policy.md")
    assert "同事" in first.quote
    assert "[1]" in answer.text
    payload = answer.to_json_dict()
    assert payload["grounded"] is True and payload["citations"][0]["section"] == "第三条"


def test_english_question_about_chinese_policy_says_source_language(real_kb: KnowledgeBase) -> None:
    answer = real_kb.answer("What hours of the day may collectors phone a debtor?", "en")
    assert answer.grounded is True
    assert answer.citations[0].section == "第四条"
    assert answer.language == "en"
    assert "source is in Chinese" in answer.text


def test_product_manual_answer(real_kb: KnowledgeBase) -> None:
    answer = real_kb.answer("青春信用卡的年费怎么收？", "zh")
    assert answer.grounded is True
    assert answer.citations[0].section == "年费规则"
    assert answer.citations[0].kind == "product"


@pytest.mark.parametrize(
    "question",
    [
        "公司食堂的午餐几点开始供应？",
        "What is the capital requirement for insurance companies in Brazil?",
    ],
)
def test_unanswerable_question_is_refused(real_kb: KnowledgeBase, question: str) -> None:
    answer = real_kb.answer(question)
    assert answer.grounded is False
    assert answer.intent == "knowledge"
    text = answer.text
    assert ("没有找到" in text) or ("did not find" in text)
    assert ("合规部" in text) or ("Compliance" in text) or ("owner" in text) or ("负责人" in text)


def test_search_kind_filter_and_json_shape(real_kb: KnowledgeBase) -> None:
    passages = real_kb.search("积分怎么算", k=3, kind="product")
    assert passages and all(p.kind == "product" for p in passages)
    assert passages[0].section == "积分规则"
    # tables stay whole with their header
    assert "| 消费类型 | 积分比例 |" in passages[0].text and "线下消费" in passages[0].text
    assert set(passages[0].to_json_dict()) >= {"source", "section", "title", "text", "score"}


def test_empty_index_answer(fake_kb: KnowledgeBase) -> None:
    answer = fake_kb.answer("年费怎么收？", "zh")
    assert answer.grounded is False
    assert "bankpm init" in answer.text
