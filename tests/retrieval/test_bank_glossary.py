"""A bank adds its own terms of art: glossary.yaml beside its documents, or the file
BANKPM_GLOSSARY_PATH names; a broken file is reported, not half-used."""

from __future__ import annotations

from pathlib import Path

import pytest

from bankpm_core.config import load_settings
from bankpm_core.errors import ConfigError
from bankpm_core.knowledge_qa import KnowledgeBase
from bankpm_core.retrieval.embeddings import HashingEmbedder
from bankpm_core.retrieval.glossary import Glossary

MANUAL = (
    "---\ntitle: 安居房贷产品手册\nkind: product\nowner: 零售信贷部\n---\n\n"
    "## 申请条件\n\n首套房首付不低于 20%，借款人年满 18 周岁。\n\n"
    "## 还款方式\n\n等额本息或等额本金，按月还款。\n"
)


def _kb(tmp_path: Path, glossary: str | None, named: bool = False) -> KnowledgeBase:
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    (knowledge / "home.md").write_text(MANUAL, "utf-8")
    extra: dict[str, Path] = {}
    if glossary is not None:
        path = (tmp_path / "terms.yaml") if named else (knowledge / "glossary.yaml")
        path.write_text(glossary, "utf-8")
        if named:
            extra["glossary_path"] = path
    settings = load_settings(data_dir=tmp_path / "data", knowledge_dir=knowledge, **extra)
    kb = KnowledgeBase.open(settings, embedder=HashingEmbedder())
    assert not kb.ingest([str(knowledge / "home.md")]).problems
    return kb


QUESTION = "安居房贷可以办理接力贷吗？"  # 接力贷: a parent and child repay one mortgage


def test_the_banks_own_term_is_refused_when_no_document_uses_it(tmp_path: Path) -> None:
    kb = _kb(tmp_path, "terms:\n  - [接力贷, 父母子女接力还款, relay mortgage]\n")
    assert kb.searcher.absent_names(QUESTION) == ["接力贷"]
    answer = kb.answer(QUESTION, "zh")
    assert answer.grounded is False
    assert answer.result["not_in_knowledge_base"] == ["接力贷"]
    # the bundled terms still count beside the bank's
    assert kb.searcher.absent_names("拨备覆盖率是多少？") == ["拨备覆盖率"]


def test_without_the_banks_glossary_the_term_is_not_known(tmp_path: Path) -> None:
    kb = _kb(tmp_path, None)
    assert kb.searcher.absent_names(QUESTION) == []
    assert len(kb.searcher.glossary) == len(Glossary.bundled())


def test_the_setting_names_the_file(tmp_path: Path) -> None:
    kb = _kb(tmp_path, "terms:\n  - [接力贷, relay mortgage]\n", named=True)
    assert kb.searcher.absent_names(QUESTION) == ["接力贷"]
    assert kb.searcher.glossary.synonyms("Relay Mortgage") == ("接力贷", "relay mortgage")


def test_a_name_in_two_entries_joins_them() -> None:
    glossary = Glossary([["首付", "down payment"], ["首付比例", "首付"]])
    assert set(glossary.synonyms("down payment")) == {"首付", "down payment", "首付比例"}


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("terms: [接力贷, relay mortgage]\n", "terms:"),  # a list of names, not of entries
        ("terms:\n  - [接力贷\n", "cannot read"),  # not YAML at all
        ("- [接力贷]\n", "terms:"),  # no terms key
    ],
)
def test_a_broken_glossary_is_reported_not_half_used(tmp_path: Path, text: str, said: str) -> None:
    with pytest.raises(ConfigError) as err:
        _kb(tmp_path, text)
    assert said in err.value.message_en
    assert "术语表" in err.value.message_zh
