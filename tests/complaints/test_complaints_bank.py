"""Complaint analysis on a real small sample bank (scale 0.05): counts, changes, channels,
emerging themes with masked quotes, and the capability's answers in both languages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from bankpm_core.capabilities.complaints import ComplaintsCapability, parse_period
from bankpm_core.charts import render_charts
from bankpm_core.complaints import Classifier, ComplaintStore, analyse, previous_period
from bankpm_core.errors import BadInputError, UnknownMemberError
from bankpm_core.metrics.catalog import load_catalog
from bankpm_core.metrics.periods import Period
from bankpm_core.routing.types import Route
from bankpm_core.users import UserContext

REPO = Path(__file__).resolve().parents[2]
CATALOG = load_catalog(REPO / "knowledge" / "catalog.yaml")
USER = UserContext(user_id="t", role="pm")
OCT = Period(date(2026, 10, 1), date(2026, 11, 1), "month")


@pytest.fixture(scope="module")
def store(small_bank) -> ComplaintStore:
    return ComplaintStore(small_bank)


@pytest.fixture(scope="module")
def raw(small_bank) -> pd.DataFrame:
    frame = pd.read_sql("select * from complaints", small_bank)
    frame["received_on"] = pd.to_datetime(frame["received_on"]).dt.date
    return frame


@pytest.fixture(scope="module")
def capability(store, taxonomy, clock) -> ComplaintsCapability:
    return ComplaintsCapability(taxonomy, store, CATALOG, clock)


def in_period(frame: pd.DataFrame, period: Period) -> pd.DataFrame:
    return frame[(frame["received_on"] >= period.start) & (frame["received_on"] < period.end)]


@pytest.mark.parametrize(
    ("period", "products"),
    [
        (OCT, ()),
        (Period(date(2026, 7, 1), date(2026, 10, 1), "quarter"), ("FLASH",)),
        (OCT, ("CC_YOUTH", "CC_PLAT")),
    ],
    ids=["october-all", "q3-flash", "october-cards"],
)
def test_counts_and_changes_match_a_hand_count(
    store, taxonomy, raw, period: Period, products: tuple
) -> None:
    report = analyse(store, taxonomy, period, products)
    scope = raw[raw["product"].isin(products)] if products else raw
    now, before = in_period(scope, period), in_period(scope, previous_period(period))
    assert report.total == len(now) and report.previous_total == len(before)
    assert sum(t.count for t in report.themes) == report.total
    assert sum(t.previous for t in report.themes) == report.previous_total
    # the counts are the classifier's labels of exactly these texts
    labels = Classifier(taxonomy).classify(now["text"].tolist())
    for t in report.themes:
        assert t.count == sum(p.theme == t.theme for p in labels)
    counts = [t.count for t in report.themes if t.theme]
    assert counts == sorted(counts, reverse=True)
    if report.total:
        assert int(report.by_channel.to_numpy().sum()) == report.total
        assert set(report.by_channel.columns) <= {"APP", "BRANCH", "PARTNER"}
    assert list(report.trend.index)[-1] == date(period.last_day.year, period.last_day.month, 1)


def test_previous_period_is_the_same_length() -> None:
    assert previous_period(OCT) == Period(date(2026, 9, 1), date(2026, 10, 1), "month")
    q3 = Period(date(2026, 7, 1), date(2026, 10, 1), "quarter")
    assert previous_period(q3) == Period(date(2026, 4, 1), date(2026, 7, 1), "quarter")
    days = Period(date(2026, 10, 2), date(2026, 11, 1), "all")
    assert previous_period(days) == Period(date(2026, 9, 2), date(2026, 10, 2), "all")


def test_marketing_harassment_surfaces_as_an_emerging_cluster(store, taxonomy, raw) -> None:
    report = analyse(store, taxonomy, OCT)
    assert report.emerging, "no emerging cluster found"
    top = report.emerging[0]
    window = raw[
        (raw["received_on"] >= date(2026, 5, 1)) & (raw["received_on"] < date(2026, 11, 1))
    ]
    marketing = window[window["theme"] == "marketing_harassment"]
    assert top.cluster.size >= 3 and top.growing
    assert top.recent > top.earlier
    assert set(top.cluster.terms) & {"营销", "推销", "电话", "短信", "退订", "marketing", "calls"}
    assert 2 <= len(top.quotes) <= 3
    known = set(marketing["text"].map(lambda s: s[:20]))
    assert sum(q[:20] in known for q in top.quotes) >= 2  # quotes are marketing complaints
    for quote in top.quotes:  # masked: no mobile or ID number survives
        assert not pd.Series([quote]).str.contains(r"1[3-9]\d{9}|\d{17}[\dXx]").any()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_capability_answers_with_ranking_changes_and_charts(capability, lang: str) -> None:
    route = Route(
        intent="complaints", language=lang, slots={"product": None, "period": OCT.to_json()}
    )
    answer = capability.answer("q", route, USER)
    assert answer.intent == "complaints" and answer.language == lang and answer.error is None
    ranking = answer.tables[0]
    assert ranking.units[2] == "count" and ranking.units[-1] == "change:percent"
    assert ranking.rows[0][0] == 1
    render_charts(answer)
    assert len(answer.charts) == 2 and all(c.png.startswith(b"\x89PNG") for c in answer.charts)
    assert answer.result["total"] == sum(t["count"] for t in answer.result["themes"])
    text = answer.text
    assert ("共收到投诉" in text) if lang == "zh" else ("complaints" in text)
    assert any(b.kind == "warning" for b in answer.blocks)  # the emerging issue
    assert answer.definitions and answer.as_of == date(2026, 10, 31)


def test_product_list_and_aliases(capability) -> None:
    route = Route(intent="complaints", language="zh", slots={"product": ["CC_YOUTH", "白金卡"]})
    answer = capability.answer("q", route, USER)
    assert answer.result["products"] == ["CC_YOUTH", "CC_PLAT"]
    assert answer.result["period"]["start"] == "2026-10-01"  # default: last complete month


def test_a_month_without_data_falls_back_with_a_note(capability) -> None:
    route = Route(
        intent="complaints",
        language="zh",
        slots={"period": {"start": "2026-11-01", "end": "2026-11-29", "grain": "month"}},
    )
    answer = capability.answer("本月投诉主要是什么问题", route, USER)
    assert answer.result["period"]["start"] == "2026-10-01"
    assert any("还没有投诉数据" in b.text for b in answer.blocks)


def test_bad_slots(capability) -> None:
    with pytest.raises(UnknownMemberError):
        capability.answer(
            "q", Route(intent="complaints", language="en", slots={"product": "NOPE"}), USER
        )
    with pytest.raises(BadInputError):
        parse_period({"start": "2026-10-31", "end": "2026-10-01"})
    assert parse_period({"start": "2026-10-01", "end": "2026-10-31", "grain": "month"}) == OCT
