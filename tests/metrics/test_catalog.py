"""Catalog parsing and validation: every problem reported at once."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from bankpm_core.errors import CatalogError
from bankpm_core.metrics.catalog import load_catalog, parse_catalog

CATALOG_PATH = Path(__file__).resolve().parents[2] / "knowledge" / "catalog.yaml"


@pytest.fixture()
def raw() -> dict:
    return yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))


def test_bundled_catalog_is_valid(raw: dict) -> None:
    catalog, problems = parse_catalog(raw)
    assert problems == []
    assert len(catalog.metrics) >= 20


def test_catalog_covers_the_seed_areas(catalog) -> None:
    needed = {
        "cards_issued",
        "txn_amount",
        "market_share",  # market performance
        "approval_time",
        "disbursed_amount",
        "overdue_rate",
        "npl_ratio",  # operations
        "complaints",
        "nps",  # customer feedback
        "deposit_balance",
        "wealth_aum",  # deposits / wealth
    }
    assert needed <= set(catalog.metrics)


def test_every_metric_has_names_in_both_languages(catalog) -> None:
    for metric in catalog.metrics.values():
        assert metric.zh and metric.en, metric.code
        assert metric.description_zh and metric.description_en, metric.code


def test_all_problems_are_reported_together(raw: dict) -> None:
    broken = copy.deepcopy(raw)
    broken["metrics"]["overdue_rate"]["table"] = "no_such_table"
    broken["metrics"]["approval_rate"]["ratio"]["numerator"]["where"] = "decision === X"
    broken["metrics"]["nps"]["expr"] = "(promoters - critics) / responses"
    broken["metrics"]["complaints"]["unit"] = "furlongs"
    broken["metrics"]["txn_amount"]["sum"] = "no_such_column"
    broken["metrics"]["cards_issued"]["names"]["en"] = []
    broken["tables"]["loans"]["dimensions"].append("planet")
    broken["metrics"]["applications"]["names"]["zh"].append("逾期率")  # duplicate name
    _, problems = parse_catalog(broken)
    text = "\n".join(problems)
    for needle in (
        "unknown table 'no_such_table'",
        "bad filter",
        "unknown measures ['critics']",
        "unit 'furlongs'",
        "no column 'no_such_column'",
        "needs at least one en name",
        "unknown dimension 'planet'",
        "'逾期率' is also a name of metric",
    ):
        assert needle in text, f"missing problem {needle!r} in:\n{text}"
    assert len(problems) >= 8


def test_rollups_only_hold_additive_measures(raw: dict) -> None:
    broken = copy.deepcopy(raw)
    broken["rollups"]["loan_snapshot_rollup"]["measures"]["avg_rate"] = {"avg": "rate"}
    _, problems = parse_catalog(broken)
    assert any("only sum and count can be rolled up" in p for p in problems)


def test_expression_cannot_run_code(raw: dict) -> None:
    broken = copy.deepcopy(raw)
    broken["metrics"]["nps"]["expr"] = "__import__('os').system('true')"
    _, problems = parse_catalog(broken)
    assert any("unsupported element" in p for p in problems)


def test_load_catalog_raises_with_every_problem(tmp_path, raw: dict) -> None:
    raw["metrics"]["overdue_rate"]["unit"] = "bogus"
    raw["metrics"]["npl_ratio"]["unit"] = "bogus"
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        load_catalog(path)
    assert "2 problem" in info.value.message_en
    assert "个问题" in info.value.message_zh


def test_malformed_yaml_and_missing_file(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("metrics: [unclosed", encoding="utf-8")
    with pytest.raises(CatalogError, match="malformed"):
        load_catalog(bad)
    with pytest.raises(CatalogError, match="not found"):
        load_catalog(tmp_path / "missing.yaml")


def test_an_unquoted_comma_that_splits_a_description_is_a_problem() -> None:
    """ "{zh: …, en: Balance classified substandard, doubtful or loss …}" is YAML for an
    English description cut at the first comma, plus a key "doubtful or loss …": the
    bundled catalog shipped four such descriptions ("Definition: Balance classified
    substandard")."""
    text = CATALOG_PATH.read_text(encoding="utf-8").replace(
        'en: "Balance classified substandard, doubtful or loss at month end."',
        "en: Balance classified substandard, doubtful or loss at month end.",
    )
    _, problems = parse_catalog(yaml.safe_load(text))
    assert any("npl_balance: description has keys other than zh/en" in p for p in problems)


def test_no_english_description_is_cut_short(catalog) -> None:
    for metric in catalog.metrics.values():
        assert metric.description_en.rstrip().endswith("."), (metric.code, metric.description_en)
