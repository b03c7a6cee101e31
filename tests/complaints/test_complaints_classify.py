"""Taxonomy, classification on a labelled set, masking, and the CFPB mapping table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import bankpm_core.complaints as complaints
from bankpm_core.complaints import Classifier, mask_text, parse_taxonomy
from bankpm_core.complaints.taxonomy import compile_term

HERE = Path(__file__).parent
REPO = HERE.parents[1]
CASES = yaml.safe_load((HERE / "labelled_cases.yaml").read_text("utf-8"))
MASKING = yaml.safe_load((HERE / "masking_cases.yaml").read_text("utf-8"))


def test_public_api_is_pinned() -> None:
    assert sorted(complaints.__all__) == [
        "Classifier", "Cluster", "ComplaintReport", "ComplaintStore", "ComplaintTable",
        "Emerging", "Prediction", "Taxonomy", "Theme", "ThemeCount", "analyse",
        "classify_texts", "default_period", "discover", "load_taxonomy", "mask_names",
        "mask_text", "parse_taxonomy", "previous_period",
    ]  # fmt: skip


def test_taxonomy_is_bilingual_and_complete(taxonomy) -> None:
    assert set(taxonomy.themes) == {
        "high_interest", "fees", "points_redemption", "collection_conduct", "app_digital",
        "service_attitude", "disputed_transaction", "fraud", "credit_reporting",
    }  # fmt: skip
    for theme in taxonomy.themes.values():
        assert re.search(r"[\u4e00-\u9fff]", theme.name_zh) and theme.name_en.isascii()
        assert theme.description_zh and theme.description_en and theme.examples
        assert any(t.latin for t in theme.terms) and any(not t.latin for t in theme.terms)


def test_taxonomy_problems_are_listed_together() -> None:
    raw = {
        "themes": {"a": {"names": {"zh": "甲"}, "keywords": {"zh": {"x": -1}}}},
        "cfpb_mapping": [{"issue": "X", "themes": ["nope"]}],
    }
    taxonomy, problems = parse_taxonomy(raw)
    assert taxonomy is None
    assert len(problems) >= 4


@pytest.mark.parametrize(
    ("term", "text", "hit"),
    [("app", "the app crashed", True), ("app", "i will apply", False), ("refund*", "refunded late", True),
     ("APP", "APP闪退了", True), ("积分", "我的积分没了", True), ("log in", "cannot log  in", True)],
)  # fmt: skip
def test_term_matching(term: str, text: str, hit: bool) -> None:
    t = compile_term(term, 1)
    low = text.lower()
    assert t.found(low, bool(re.search("[a-z]", low))) is hit


@pytest.mark.parametrize("learned", [False, True], ids=["rules", "rules+model"])
def test_labelled_set(taxonomy, learned: bool) -> None:
    preds = Classifier(taxonomy, learned=learned).classify([c["text"] for c in CASES])
    wrong = [
        (c["id"], c["theme"], p.theme)
        for c, p in zip(CASES, preds, strict=True)
        if p.theme != c["theme"]
    ]
    assert not wrong


def test_classifier_is_deterministic_and_handles_empty(taxonomy) -> None:
    texts = [c["text"] for c in CASES]
    assert Classifier(taxonomy).classify(texts) == Classifier(taxonomy).classify(texts)
    assert Classifier(taxonomy).classify([]) == []
    assert Classifier(taxonomy).classify([""])[0].theme is None


@pytest.mark.parametrize("case", MASKING, ids=[c["id"] for c in MASKING])
def test_quotes_are_masked(case: dict) -> None:
    masked = mask_text(case["text"])
    for secret in case["secret"]:
        assert secret not in masked, masked
    for keep in case["keep"]:
        assert keep in masked, masked


def test_docs_table_matches_the_cfpb_mapping(taxonomy) -> None:
    """docs/complaints.md shows the mapping the benchmark uses, row for row."""
    doc = (REPO / "docs" / "complaints.md").read_text("utf-8").split("## CFPB → theme mapping")[1]
    rows = set()
    for line in doc.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if (
            len(cells) == 3
            and cells[0]
            and not set(cells[0]) <= set("-: ")
            and cells[0] != "CFPB Issue"
        ):
            rows.add((cells[0], cells[1] or None, tuple(t.strip() for t in cells[2].split(","))))
    expected = {(r.issue, r.sub_issue, r.themes) for r in taxonomy.cfpb}
    assert rows == expected
    assert taxonomy.cfpb_themes("Fees or interest", "Charged too much interest") == (
        "high_interest",
    )
    assert taxonomy.cfpb_themes("Fees or interest", "Other") == ("fees", "high_interest")
    assert taxonomy.cfpb_themes("Trouble during payment process", None) == ()
