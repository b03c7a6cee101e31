"""Complaint themes: a bilingual taxonomy as data, a rules + learned classifier, counts by
period/product/channel with changes, emerging-theme discovery and masked quotes.

Public API (pinned by a test)::

    taxonomy = load_taxonomy(knowledge_dir / "complaint_themes.yaml")
    Classifier(taxonomy).classify(texts) -> [Prediction(theme | None, method, score)]
    analyse(ComplaintStore(engine), taxonomy, period, products) -> ComplaintReport
    mask_text(text)  # names + ID / phone / card / e-mail
"""

from bankpm_core.complaints.analysis import (
    ComplaintReport,
    ComplaintStore,
    ComplaintTable,
    Emerging,
    ThemeCount,
    analyse,
    default_period,
    previous_period,
)
from bankpm_core.complaints.classify import Classifier, Prediction, classify_texts
from bankpm_core.complaints.emerging import Cluster, discover
from bankpm_core.complaints.privacy import mask_names, mask_text
from bankpm_core.complaints.taxonomy import Taxonomy, Theme, load_taxonomy, parse_taxonomy

__all__ = [
    "Classifier",
    "Cluster",
    "ComplaintReport",
    "ComplaintStore",
    "ComplaintTable",
    "Emerging",
    "Prediction",
    "Taxonomy",
    "Theme",
    "ThemeCount",
    "analyse",
    "classify_texts",
    "default_period",
    "discover",
    "load_taxonomy",
    "mask_names",
    "mask_text",
    "parse_taxonomy",
    "previous_period",
]
