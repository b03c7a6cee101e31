"""The Lending Club import path on the real samples (skipped without ../shared/data)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bankpm_core.db import make_engine
from bankpm_core.pricing import Cell, LoanHistory
from bankpm_core.pricing.lending_club import GRADES, PRODUCT, import_lending_club, segment_of

DATA = Path(__file__).resolve().parents[3] / "shared" / "data" / "loans"
FILES = [DATA / "lending_club_sample_2000.csv", DATA / "lending_club_sample_1000_completed.csv"]

pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.skipif(
        not all(f.exists() for f in FILES),
        reason=f"Lending Club samples not found under {DATA} (shared data absent)",
    ),
]


@pytest.fixture(scope="module")
def lc():
    engine = make_engine("sqlite://")
    frame = import_lending_club(engine, FILES)
    yield engine, frame
    engine.dispose()


def test_mapping(lc) -> None:
    _, frame = lc
    assert len(frame) == 3000
    assert set(frame["segment"]) == {segment_of(g) for g in GRADES}
    assert frame["rate"].between(0.04, 0.32).all()
    charged_off = frame["status"] == "Charged Off"
    assert frame.loc[charged_off, "defaulted_on"].notna().all()
    assert frame.loc[frame["status"] == "Fully Paid", "defaulted_on"].isna().all()
    assert (frame.loc[charged_off, "ead"] >= 0).all()


def test_pd_rises_with_the_grade(lc) -> None:
    engine, _ = lc
    history = LoanHistory(engine)
    pds = [
        float(
            history.estimate(
                Cell(PRODUCT, segment_of(g)), min_sample=1, lgd_default=Decimal("0.85")
            ).pd.value
        )
        for g in GRADES
    ]
    assert pds[0] < pds[2] < pds[3] < pds[-1]  # A < C < D < G (E/F are within noise)
    # under the 300-loan policy F and G fall back to the product level
    fallback = history.estimate(
        Cell(PRODUCT, "GRADE_G"), min_sample=300, lgd_default=Decimal("0.85")
    )
    assert fallback.pd.fallback and fallback.pd.level == ()
