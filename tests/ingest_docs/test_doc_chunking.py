"""Structure-aware chunking, including the real Chinese and US regulation files."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import pytest

from ingest.documents.chunking import MAX_UNITS, chunk_document, weight
from ingest.documents.loaders import LoadedDocument, load_document

# Article counts from SOURCES.md (lines starting with 第…条 / numbered items).
ZH_ARTICLES = {
    "commercial_banking_law_2015.md": 95,
    "credit_reporting_industry_regulation_2013.md": 47,
    "personal_information_protection_law_2021.md": 74,
    "consumer_rights_protection_law_2013.md": 63,
    "banking_supervision_law_2006.md": 52,
    "pboc_law_2003.md": 53,
    "non_bank_payment_institutions_regulation_2023.md": 60,
    "spc_bank_card_civil_disputes_provisions_2021.md": 16,
    "pboc_credit_reporting_business_measures_2021.txt": 53,
    "pboc_financial_consumer_protection_measures_2020.txt": 68,
    "pboc_credit_reporting_complaint_procedures_2024.txt": 26,
    "pboc_credit_card_business_notice_2016.txt": 9,
}


def _chunks(path: Path):
    return chunk_document(load_document(path), path, str(path), "regulation", "h")


@pytest.mark.shared_data
@pytest.mark.parametrize("name", sorted(ZH_ARTICLES))
def test_every_chinese_article_is_one_unit(shared_regulations: Path, name: str) -> None:
    chunks = _chunks(shared_regulations / "zh" / name)
    articles = {c.section for c in chunks if c.unit_type == "article"}
    assert len(articles) == ZH_ARTICLES[name]
    for c in chunks:
        if c.unit_type == "article" and c.part == 0:
            assert c.text.lstrip().startswith(c.section.rstrip("、")), c.section
        assert weight(c.text) <= MAX_UNITS * 1.05 or c.text.startswith("|")


@pytest.mark.shared_data
def test_chinese_articles_keep_chapter_and_title(shared_regulations: Path) -> None:
    chunks = _chunks(shared_regulations / "zh" / "commercial_banking_law_2015.md")
    art = next(c for c in chunks if c.section == "第三十五条")
    assert art.title == "中华人民共和国商业银行法"
    assert art.chapter.startswith("第四章")
    assert "贷款" in art.text
    notice = _chunks(shared_regulations / "zh" / "pboc_credit_card_business_notice_2016.txt")
    assert notice[0].title == "中国人民银行关于信用卡业务有关事项的通知"


@pytest.mark.shared_data
def test_us_sections_interpretations_and_appendices(shared_regulations: Path) -> None:
    chunks = _chunks(shared_regulations / "en" / "reg_b_ecoa_12cfr1002.md")
    sections = {c.section for c in chunks if c.unit_type == "section"}
    assert sections == {f"§ 1002.{i}" for i in range(1, 17)}
    interp = {c.section for c in chunks if c.unit_type == "interpretation"}
    assert "Supplement I, Section 1002.9" in interp
    assert any(c.unit_type == "appendix" and c.section.startswith("Appendix C") for c in chunks)
    # a long section is split into overlapping windows that share its label
    windows = [c for c in chunks if c.section == "§ 1002.9"]
    assert len(windows) > 3
    assert [c.part for c in windows] == list(range(len(windows)))
    reg_e = _chunks(shared_regulations / "en" / "reg_e_eft_12cfr1005.md")
    assert any(c.section == "§ 1005.11" and "error" in c.text.lower() for c in reg_e)


def test_english_policy_sections_and_manual_headings(tmp_path: Path) -> None:
    policy = LoadedDocument(
        text="# Data Policy\n\n§ 1 Purpose. Why.\n\n§ 2 Retention. Keep five years.\n\n§ 3 Sharing. Never sell.\n",
        fmt="md",
    )
    chunks = chunk_document(policy, tmp_path / "p.md", "p.md", "regulation", "h")
    assert [c.section for c in chunks] == ["§ 1", "§ 2", "§ 3"]
    manual = LoadedDocument(
        text="# 手册\n\n## 费用\n\n### 年费\n\n首年免年费。\n\n### 取现费\n\n每笔10元。\n", fmt="md"
    )
    chunks = chunk_document(manual, tmp_path / "m.md", "m.md", "product", "h")
    by = {c.section: c for c in chunks}
    assert set(by) == {"年费", "取现费"}
    assert by["年费"].chapter == "费用" and by["年费"].title == "手册"


def test_long_unit_split_with_overlap_and_table_header_repeated(tmp_path: Path) -> None:
    sentences = "".join(f"第{i}句说明了一项具体的规则内容，需要完整保留。" for i in range(60))
    rows = "\n".join(f"| 项目{i} | {i}元 |" for i in range(80))
    text = (
        f"# 规则\n\n## 长段落\n\n{sentences}\n\n## 价目表\n\n| 项目 | 价格 |\n|---|---|\n{rows}\n"
    )
    chunks = chunk_document(
        LoadedDocument(text=text, fmt="md"), tmp_path / "x.md", "x.md", "product", "h"
    )
    long_parts = [c for c in chunks if c.section == "长段落"]
    assert len(long_parts) >= 3
    table_parts = [c for c in chunks if c.section == "价目表"]
    assert len(table_parts) >= 2
    assert all("| 项目 | 价格 |\n|---|---|" in c.text for c in table_parts)
    # consecutive windows of a long paragraph overlap by a sentence or so
    for a, b in pairwise(long_parts):
        assert b.text[:12] in a.text
    for c in chunks:
        assert c.span[1] > c.span[0]
        assert (
            text[c.span[0] : c.span[1]].strip()[:5] == c.text.strip()[:5] or c.section == "价目表"
        )
    assert re.search(r"第59句", long_parts[-1].text)
