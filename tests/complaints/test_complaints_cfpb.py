"""The classifier on real CFPB narratives (skipped without ../shared/data)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from bankpm_core.complaints import Classifier

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "complaints"
FILE = DATA / "cfpb_complaints_bank_products_2019_sample.csv"

pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.skipif(
        not FILE.exists(), reason=f"CFPB sample not found under {DATA} (shared data absent)"
    ),
]


def test_mapped_cfpb_narratives_are_mostly_classified_right(taxonomy) -> None:
    raw = pd.read_csv(FILE)
    texts = raw[raw["Consumer complaint narrative"].notna()]
    gold = [
        taxonomy.cfpb_themes(i, s) for i, s in zip(texts["Issue"], texts["Sub-issue"], strict=True)
    ]
    mapped = [(t, g) for t, g in zip(texts["Consumer complaint narrative"], gold, strict=True) if g]
    assert len(mapped) >= 150
    preds = Classifier(taxonomy, learned=False).classify([t for t, _ in mapped])
    accuracy = sum(p.theme in g for p, (_, g) in zip(preds, mapped, strict=True)) / len(mapped)
    assert accuracy > 0.35  # bench/bench_complaints.py reports the full figures
