"""A tiny bilingual corpus written into tmp_path by tests (real files, real formats)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bankpm_core.knowledge_qa import KnowledgeBase

#: The ``ingest_docs`` fixture (conftest.py): documents by file name -> the ingested KB.
IngestDocs = Callable[[dict[str, str]], "KnowledgeBase"]

COLLECTION_POLICY = """---
title: 示例银行催收行为管理办法
title_en: Example Bank Collection Conduct Policy
kind: regulation
owner: 合规部
version: "1.2"
effective_date: 2026-01-01
language: zh
---

# 示例银行催收行为管理办法

## 第一章 总则

第一条 为规范本行信用卡及个人贷款的逾期催收行为，保护债务人合法权益，制定本办法。

第二条 本办法适用于本行及受托催收机构开展的全部催收活动。

## 第二章 催收行为规范

第三条 催收人员不得向债务人以外的第三人，包括债务人的同事、邻居和亲友，透露债务人的欠款信息，不得以任何方式骚扰与债务无关的人员。

第四条 电话催收应当在每日八时至二十一时之间进行，每日联系同一债务人不得超过三次。

第五条 催收人员不得使用暴力、威胁、恐吓或者侮辱性语言。
"""

PRIVACY_POLICY = """---
title: Example Bank Customer Data Policy
kind: regulation
owner: Data Protection Office
version: "2.0"
effective_date: 2026-03-01
language: en
---

# Example Bank Customer Data Policy

§ 1 Purpose. This policy sets out how the bank handles the personal information of its customers.

§ 2 Retention. Customer records are kept for five years after the account is closed and are then destroyed securely.

§ 3 Sharing. The bank does not sell customer personal information to third parties for marketing purposes.
"""

CARD_MANUAL = """---
title: 青春信用卡产品手册
kind: product
product: CC_YOUTH
owner: 信用卡产品部
version: "3.1"
effective_date: 2026-06-01
---

# 青春信用卡产品手册

## 产品概述

青春信用卡面向22至35岁的青年白领，主打线上消费返现。

## 年费规则

首年免年费；当年刷卡满六次免次年年费，否则收取年费100元。

## 积分规则

| 消费类型 | 积分比例 |
|---|---|
| 线上消费 | 每1元积2分 |
| 线下消费 | 每1元积1分 |
"""


def write_corpus(root: Path) -> Path:
    """Write the corpus under root/knowledge (regulations/ and products/) and return it."""
    base = root / "knowledge"
    (base / "regulations").mkdir(parents=True, exist_ok=True)
    (base / "products").mkdir(parents=True, exist_ok=True)
    (base / "regulations" / "collection_policy.md").write_text(COLLECTION_POLICY, "utf-8")
    (base / "regulations" / "privacy_policy.md").write_text(PRIVACY_POLICY, "utf-8")
    (base / "products" / "youth_card.md").write_text(CARD_MANUAL, "utf-8")
    (base / "catalog.yaml").write_text("version: 1\n", "utf-8")
    (base / "QUESTIONS.md").write_text("# not a document\n", "utf-8")
    return base
