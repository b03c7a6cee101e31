"""Complaint fixtures: the bundled taxonomy (the small sample bank is shared, tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bankpm_core.complaints import Taxonomy, load_taxonomy

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def taxonomy() -> Taxonomy:
    return load_taxonomy(REPO / "knowledge" / "complaint_themes.yaml")
