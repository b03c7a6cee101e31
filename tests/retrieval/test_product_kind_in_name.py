"""A product's kind, found inside its name, is not what the question asks about.

"稳盈理财会亏本吗" contains 理财 only as part of the product's name. Expanding it as the
wealth-management concept (公募, 开放式, 固收类…) drew the manual's overview, which says
what kind of product it is, above the section that answers (收益说明: 不保证本金).
"""

from __future__ import annotations

from bankpm_core.retrieval.lexicon import Concept, Lexicon
from bankpm_core.retrieval.query import inside_product_names
from bankpm_core.retrieval.text import TextAnalyzer

STEADY = Concept(id="catalog:product:WM_STABLE", zh=("稳盈理财", "稳盈"), en=("Steady",))


def _name_parts(question: str) -> frozenset[str]:
    lexicon = Lexicon.load().with_concepts([STEADY])
    return inside_product_names(question, lexicon.match(question, TextAnalyzer()))


def test_a_concept_found_only_inside_the_product_name_is_the_products_kind() -> None:
    assert "wealth_management" in _name_parts("稳盈理财会亏本吗")


def test_the_same_word_outside_the_name_still_counts() -> None:
    # 理财产品 stands on its own here: the question is about wealth products too
    assert "wealth_management" not in _name_parts("稳盈理财和别的理财产品比怎么样")


def test_without_a_named_product_nothing_is_set_aside() -> None:
    assert _name_parts("理财产品会亏本吗") == frozenset()
