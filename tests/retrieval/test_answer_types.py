"""A question asking "how much / how long" is warned when no quoted passage states one."""

from __future__ import annotations

import pytest
from kb_corpus import IngestDocs

from bankpm_core.knowledge_qa import KnowledgeBase
from bankpm_core.retrieval.answer_types import answer_type, holds_value


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("投诉要在多长时间内办结？", "duration"),
        ("被拒的申请资料要保存几年？", "duration"),
        ("How many days does the bank have to investigate an error?", "duration"),
        ("存款保险最多能赔付多少钱？", "quantity"),
        ("催收电话每天最多打几次？", "quantity"),
        ("What is the maximum late fee?", "quantity"),
        ("信用卡催收时能联系借款人的同事吗？", None),
        ("最高人民法院关于银行卡纠纷的规定适用于哪些案件？", None),  # a court, not "the highest"
        ("What does the privacy notice have to say?", None),
    ],
)
def test_the_kind_of_value_a_question_asks_for(question: str, expected: str | None) -> None:
    assert answer_type(question) == expected


def test_values_are_read_in_arabic_and_chinese_numerals_and_english_words() -> None:
    assert holds_value("duration", ["应当在三十日内作出答复"])
    assert holds_value("duration", ["records are kept for five years after closing"])
    assert holds_value("duration", ["within 10 business days"])
    assert holds_value("quantity", ["资本充足率不得低于百分之八"])
    assert holds_value("quantity", ["注册资本最低限额为十亿元人民币"])
    assert holds_value("quantity", ["a fee of $25"])
    assert not holds_value("quantity", ["催收人员不得向第三人透露债务人的欠款信息"])
    assert not holds_value("duration", ["The bank does not sell customer information."])
    assert holds_value(None, [])  # nothing asked, nothing to find


def test_answer_warns_when_the_quotes_state_no_value(real_kb: KnowledgeBase) -> None:
    answer = real_kb.answer("催收人员向邻居透露欠款信息要罚多少钱？", "zh")
    assert answer.grounded is True  # the article on disclosure is the right one …
    warnings = [b.text for b in answer.blocks if b.kind == "warning"]
    assert warnings == ["注意：以上引用的条文中没有写明具体数字，请以原文和业务负责人的答复为准。"]
    # … and when the article states the value asked for, no warning
    kept = real_kb.answer("How long are customer records kept after the account is closed?", "en")
    assert kept.grounded is True
    assert not [b for b in kept.blocks if b.kind == "warning"]


def test_a_unit_that_states_no_value_of_the_asked_kind_ranks_lower(
    fake_kb: KnowledgeBase, ingest_docs: IngestDocs
) -> None:
    """ "多少天内" asks for a duration: of two articles about handling complaints, the one
    that states a number of days ranks ahead of the one that states none."""
    from dataclasses import replace

    from bankpm_core.retrieval.hybrid import HybridSearcher

    ingest_docs(
        {
            "complaints.md": (
                "---\ntitle: 投诉处理办法\nkind: regulation\n---\n\n"
                "第一条 客户投诉应当及时受理并办结，投诉处理结果应当告知客户，投诉办结情况纳入考核。\n\n"
                "第二条 投诉应当在十五日内办结。\n"
            ),
        }
    )
    question = "投诉要在多少天内办结？"
    penalty = fake_kb.searcher.config.answer_type_penalty
    assert penalty > 0
    plain = HybridSearcher(
        fake_kb.index,
        fake_kb.searcher.lexicon,
        replace(fake_kb.searcher.config, answer_type_penalty=0),
    )
    with_prior = {p.section: p.score for p in fake_kb.search(question, k=5)}
    without = {p.section: p.score for p in plain.search(question, k=5)}
    assert with_prior["第一条"] == pytest.approx(without["第一条"] - penalty)
    assert with_prior["第二条"] == pytest.approx(without["第二条"])
    assert fake_kb.search(question, k=1)[0].section == "第二条"


def test_every_units_value_kinds_are_computed_once_with_the_snapshot(
    fake_kb: KnowledgeBase, ingest_docs: IngestDocs
) -> None:
    """Search reads them for every candidate unit of a question asking for a value; a
    regular-expression scan per unit per search tripled the 95th-percentile latency on a
    22k-chunk index (bench/bench_retrieval.py)."""
    from bankpm_core.retrieval.answer_types import VALUE_KINDS

    ingest_docs(
        {
            "rules.md": (
                "---\ntitle: 规则\nkind: regulation\n---\n\n"
                "第一条 投诉应当在十五日内办结。\n\n"
                "第二条 单笔转账不超过 5 万元。\n\n"
                "第三条 客户投诉应当及时受理。\n"
            ),
        }
    )
    snap = fake_kb.index.snapshot()
    assert snap.unit_values is not None and snap.unit_values.shape == (
        len(snap.unit_chunks),
        len(VALUE_KINDS),
    )
    for u, rows in enumerate(snap.unit_chunks):
        for kind in VALUE_KINDS:
            expected = holds_value(kind, (snap.texts[r] for r in rows))
            assert snap.states_value(u, kind) is expected
    by_section = {snap.meta[rows[0]]["section"]: u for u, rows in enumerate(snap.unit_chunks)}
    assert snap.states_value(by_section["第一条"], "duration")
    assert snap.states_value(by_section["第二条"], "quantity")
    assert not snap.states_value(by_section["第三条"], "duration")
    assert not snap.states_value(by_section["第三条"], "quantity")
