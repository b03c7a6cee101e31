"""A document's own borders ("…另行规定", "does not apply to …") and what they do to answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from bankpm_core.config import Settings
from bankpm_core.knowledge_qa import KnowledgeBase
from bankpm_core.retrieval.scope import exclusions_in, find_exclusions


@pytest.mark.parametrize(
    ("text", "subjects"),
    [
        (
            "产品范围：本手册仅适用于人民币整存整取定期存款；零存整取、大额存单、外币定期存款另有"
            "专门规定，不适用本手册。",
            ["零存整取", "大额存单", "外币定期存款"],
        ),
        (
            "第二条 本办法适用于本行客户个人信息的处理。员工个人信息的处理另行规定。",
            ["员工个人信息"],
        ),
        ("信用卡分期业务不适用本办法。", ["信用卡分期"]),
        (
            "This policy does not apply to business accounts or corporate cards. Mortgage "
            "servicing is governed by a separate procedure.",
            ["business accounts", "corporate cards", "Mortgage servicing"],
        ),
    ],
)
def test_a_document_s_own_exclusions_are_found(text: str, subjects: list[str]) -> None:
    assert [s for s, _ in exclusions_in(text)] == subjects


@pytest.mark.parametrize(
    "text",
    [
        "个人信息的保留期限为最短时间，法律法规另有规定的，从其规定。",  # a deferral to law
        "任何单位不得冻结备付金账户，法律另有规定的除外。",
        "首套住房首付比例不低于 15%；所在城市另有规定的，从其规定。",
        # a long condition is one rule's reach, not a subject
        "为履行职责进行的企业和个人信息的采集、整理、保存、加工和公布，不适用本条例。",
        "Paragraph (b)(1) of this section does not apply to advertisements for overdrafts.",
        "第十条 上门催收仅适用于逾期 90 天以上的账户。",
    ],
)
def test_deferrals_and_exceptions_are_not_borders(text: str) -> None:
    assert exclusions_in(text) == []


def test_only_the_bank_s_own_documents_draw_borders() -> None:
    text = "员工个人信息的处理另行规定。"
    own = {"source": "policy.md", "title": "个人信息办法", "section": "第二条", "owner": "合规部"}
    law = {"source": "law.md", "title": "某法", "section": "第二条"}
    found = find_exclusions([(own, text), (law, text), (own, text)])
    assert [(e.source, e.subject, e.section) for e in found] == [
        ("policy.md", "员工个人信息", "第二条")
    ]
    assert found[0].named_in("员工个人信息的保存期限是多少？")
    assert not found[0].named_in("客户个人信息的保存期限是多少？")


POLICY = """---
title: Example Bank Records Policy
kind: regulation
owner: Compliance
version: "1.0"
effective_date: 2026-01-01
language: en
---

# Example Bank Records Policy

§ 1 Scope. This policy covers the records of retail customers. This policy does not apply to business accounts.

§ 2 Retention. Records of retail customers are kept for five years after the account is closed.

§ 3 Destruction. Records are destroyed securely when the retention period ends.
"""


def test_a_question_about_an_excluded_subject_is_refused_with_the_border_quoted(
    settings: Settings, tmp_path: Path, fake_kb: KnowledgeBase
) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "records_policy.md").write_text(POLICY, "utf-8")
    assert not fake_kb.ingest([str(folder)]).problems

    answer = fake_kb.answer("How long are records of business accounts kept?")
    assert answer.grounded is False
    assert answer.result["out_of_scope"] == [
        {
            "subject": "business accounts",
            "source": str(folder / "records_policy.md"),
            "section": "§ 1",
        }
    ]
    first = answer.citations[0]
    assert first.section == "§ 1" and "does not apply to business accounts" in first.quote
    assert "do not cover this" in answer.text

    retail = fake_kb.answer("How long are records of retail customers kept?")
    assert retail.grounded is True and not retail.result.get("out_of_scope")
    assert retail.citations[0].section == "§ 2"
