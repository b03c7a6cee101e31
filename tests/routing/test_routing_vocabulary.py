"""The lexicon: catalog names, typos within reason, and ordinary words left alone."""

from __future__ import annotations

import jieba
import pytest

from bankpm_core.metrics.catalog import Catalog
from bankpm_core.routing import Router
from bankpm_core.routing.text import fold, normalize
from bankpm_core.routing.vocabulary import Vocabulary


@pytest.fixture(scope="module")
def vocabulary(catalog: Catalog) -> Vocabulary:
    return Vocabulary(catalog)


def _codes(vocabulary: Vocabulary, text: str) -> set[str]:
    return {m.term.code for m in vocabulary.find(normalize(text), fold(text))}


TYPOS = [
    ("overdue rte", "overdue_rate"),
    ("platnum card", "CC_PLAT"),
    ("youth crad", "CC_YOUTH"),
    ("mortage", "HOME"),
    ("aproval rate", "approval_rate"),
    ("dispursed amount", "disbursed_amount"),
    ("delinquncy rate", "overdue_rate"),
    ("青春信用咔", "CC_YOUTH"),
    ("青春咔", "CC_YOUTH"),
    ("白金信用咔", "CC_PLAT"),
    ("小微经营代", "SME"),
    ("易车代", "AUTO"),
    ("稳赢理财规模", "WM_STABLE"),
    ("放款总额", "disbursed_amount"),
]


@pytest.mark.parametrize(("text", "code"), TYPOS, ids=[t for t, _ in TYPOS])
def test_typos_are_forgiven(vocabulary: Vocabulary, text: str, code: str) -> None:
    assert code in _codes(vocabulary, text)


ORDINARY = [
    "the weather is nice today",
    "please tell me",
    "what about that",
    "hello world",
    "我想了解一下",
    "今天天气不错",
    "is it steady",
    "home sweet home",
    "auto mode",
    "the mass of the sun",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_words_match_nothing(vocabulary: Vocabulary, text: str) -> None:
    assert _codes(vocabulary, text) == set()


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("FLASH的逾期率", {"FLASH", "overdue_rate"}),
        ("HOME and AUTO", {"HOME", "AUTO"}),
        ("Steady AUM", {"WM_STABLE", "wealth_aum"}),
        ("youth cards", {"CC_YOUTH"}),
        ("M3+逾期率", {"overdue_rate_m3"}),
        ("稳盈理财规模", {"WM_STABLE", "wealth_aum"}),
    ],
)
def test_exact_names_codes_and_case(vocabulary: Vocabulary, text: str, codes: set[str]) -> None:
    assert _codes(vocabulary, text) == codes


def test_every_catalog_name_is_recognised(catalog: Catalog, vocabulary: Vocabulary) -> None:
    for metric in catalog.metrics.values():
        for name in (*metric.zh, *metric.en):
            assert _codes(vocabulary, name), name
    for dim in catalog.dimensions.values():
        for member in dim.members.values():
            for name in (*member.zh, *member.en):
                assert member.code in _codes(vocabulary, name), name


def test_jieba_is_private(router: Router) -> None:
    router.route("青春信用咔的发卡量")
    assert router.vocabulary.tokenizer() is not jieba.dt
