"""The sample bank generator: determinism, the window, consistency and the storylines.

One SQLite bank at scale 0.5 (big enough for the storylines to stand out of the noise)
is generated once for the module; determinism is checked on tiny banks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url

import ingest.sample_bank
from ingest import schema
from ingest.sample_bank import GenerationReport, generate, loader
from ingest.sample_bank.complaint_text import id_check_digit, luhn_complete
from ingest.sample_bank.reference import ALL_THEMES, CARD_ACCOUNT_OFFSET, EMERGING_THEME

TODAY = dt.date(2026, 11, 29)
FIRST, LAST = dt.date(2023, 11, 1), dt.date(2026, 10, 1)
SEED = 7
SCALE = 0.5
TINY = 0.05
CATALOG = Path(__file__).resolve().parents[2] / "knowledge" / "catalog.yaml"
TABLES = [t for t in schema.metadata.sorted_tables]
MONTHLY = [
    "loan_snapshots",
    "card_transactions",
    "deposit_balances",
    "market_totals",
    "customer_base",
]


def _sqlite(path: Path) -> Engine:
    return create_engine(f"sqlite:///{path}")


def _read(engine: Engine, table: str) -> pd.DataFrame:
    """A table as a frame, dates as datetime64 and NULL as NaN/None.

    SQLite rows are fetched without SQLAlchemy's per-value result processing (dates come
    back as ISO strings and are parsed by pandas in one go): much faster for big tables.
    """
    source = schema.metadata.tables[table]
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            cursor = conn.connection.driver_connection.cursor()
            cursor.execute(str(select(source).compile(dialect=conn.dialect)))
            names = [d[0] for d in cursor.description]
            frame = pd.DataFrame(cursor.fetchall(), columns=names)
            cursor.close()
        else:
            frame = pd.read_sql(select(source), conn)
    for column in source.columns:
        if column.type.python_type is dt.date:
            frame[column.name] = pd.to_datetime(frame[column.name]).astype("datetime64[s]")
    return frame


def _digest(engine: Engine) -> dict[str, str]:
    """sha256 of each table's sorted rows: equal digests mean identical contents."""
    digests = {}
    with engine.connect() as conn:
        for table in TABLES:
            rows = sorted(repr(tuple(row)) for row in conn.execute(select(table)))
            digests[table.name] = hashlib.sha256("\n".join(rows).encode()).hexdigest()
    return digests


def _m1_rate(frame: pd.DataFrame) -> float:
    return frame.loc[frame.dpd > 30, "balance"].sum() / frame.balance.sum() * 100


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, GenerationReport]]:
    engine = _sqlite(tmp_path_factory.mktemp("sample_bank") / "bank.sqlite3")
    report = generate(engine, seed=SEED, today=TODAY, scale=SCALE)
    yield engine, report
    engine.dispose()


@pytest.fixture(scope="module")
def engine(bank: tuple[Engine, GenerationReport]) -> Engine:
    return bank[0]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, GenerationReport]]:
    engine = _sqlite(tmp_path_factory.mktemp("tiny") / "bank.sqlite3")
    report = generate(engine, seed=3, today=TODAY, scale=TINY)
    yield engine, report
    engine.dispose()


@pytest.fixture(scope="module")
def snapshots(engine: Engine) -> pd.DataFrame:
    return _read(engine, "loan_snapshots")


@pytest.fixture(scope="module")
def loans(engine: Engine) -> pd.DataFrame:
    return _read(engine, "loans")


@pytest.fixture(scope="module")
def complaints(engine: Engine) -> pd.DataFrame:
    frame = _read(engine, "complaints")
    frame["month"] = frame.received_on.dt.to_period("M")
    return frame


# --- API, report, determinism ----------------------------------------------------------


def test_public_api_is_pinned() -> None:
    assert ingest.sample_bank.__all__ == ["GenerationReport", "build_tables", "generate"]


def test_report_counts_rows_and_names_the_window(bank: tuple[Engine, GenerationReport]) -> None:
    engine, report = bank
    assert (report.seed, report.scale) == (SEED, SCALE)
    assert (report.first_month, report.last_month) == (FIRST, LAST)
    assert report.seconds > 0
    with engine.connect() as conn:
        for table in TABLES:
            assert report.rows[table.name] == conn.scalar(select(func.count()).select_from(table))
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.seed = 1  # type: ignore[misc]


def test_default_scale_sizes_are_in_range(bank: tuple[Engine, GenerationReport]) -> None:
    rows = {name: count / SCALE for name, count in bank[1].rows.items()}  # per unit of scale
    assert 20_000 <= rows["loans"] <= 40_000
    assert 15_000 <= rows["cards"] <= 30_000
    assert 50_000 <= rows["applications"] <= 100_000
    assert 300_000 <= rows["loan_snapshots"] <= 600_000
    assert 3_000 <= rows["complaints"] <= 6_000
    assert 10_000 <= rows["nps_responses"] <= 20_000


def test_same_seed_gives_identical_tables_and_another_seed_differs(
    tiny: tuple[Engine, GenerationReport], tmp_path: Path
) -> None:
    again, other = _sqlite(tmp_path / "again.sqlite3"), _sqlite(tmp_path / "other.sqlite3")
    generate(again, seed=3, today=TODAY, scale=TINY)
    generate(other, seed=4, today=TODAY, scale=TINY)
    first = _digest(tiny[0])
    assert _digest(again) == first
    different = _digest(other)
    assert all(different[name] != first[name] for name in first if name != "dim_members")


def test_generating_again_replaces_the_tables(tmp_path: Path) -> None:
    engine = _sqlite(tmp_path / "twice.sqlite3")
    generate(engine, seed=1, today=TODAY, scale=TINY)
    report = generate(engine, seed=1, today=TODAY, scale=TINY)
    with engine.connect() as conn:
        count = conn.scalar(select(func.count()).select_from(schema.loans))
    assert count == report.rows["loans"]


def test_a_failed_load_leaves_the_previous_tables(tiny: tuple[Engine, GenerationReport]) -> None:
    engine, report = tiny
    good = {"dimension": np.array(["product"], dtype=object), "code": np.array(["X"], dtype=object)}
    good |= {k: np.array(["x"], dtype=object) for k in ("name_zh", "name_en", "kind")}
    broken = {c.name: np.array([None], dtype=object) for c in schema.loans.columns}
    with pytest.raises(Exception, match="NOT NULL"):
        loader.load(engine, [(schema.dim_members, good), (schema.loans, broken)])
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(schema.dim_members)) == 24
        loans = conn.scalar(select(func.count()).select_from(schema.loans))
    assert loans == report.rows["loans"]


def test_a_shorter_window_ends_in_the_same_month(tmp_path: Path) -> None:
    engine = _sqlite(tmp_path / "short.sqlite3")
    report = generate(engine, seed=5, today=dt.date(2025, 3, 1), scale=TINY, months=12)
    assert (report.first_month, report.last_month) == (dt.date(2024, 3, 1), dt.date(2025, 2, 1))
    months = _read(engine, "loan_snapshots")["month"]
    assert months.min().date() == report.first_month
    assert months.max().date() == report.last_month


# --- the window and the dimensions ----------------------------------------------------


def test_nothing_is_dated_in_or_after_todays_month(engine: Engine) -> None:
    date_columns = [
        (table, column.name)
        for table in TABLES
        for column in table.columns
        if column.type.python_type is dt.date
    ]
    assert len(date_columns) == 12
    with engine.connect() as conn:
        for table, name in date_columns:
            low, high = conn.execute(select(func.min(table.c[name]), func.max(table.c[name]))).one()
            assert low >= FIRST and high < dt.date(2026, 11, 1), (table.name, name, low, high)


@pytest.mark.parametrize("table", MONTHLY)
def test_monthly_tables_cover_every_month_on_its_first_day(engine: Engine, table: str) -> None:
    month = schema.metadata.tables[table].c.month
    with engine.connect() as conn:
        months = sorted(conn.scalars(select(month).distinct()))
    assert months == [d.date() for d in pd.date_range(FIRST, LAST, freq="MS")]


def test_dimension_members_come_from_the_catalog(engine: Engine) -> None:
    catalog = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))["dimensions"]
    expected = {
        (dim, code, spec["zh"][0], spec["en"][0], spec.get("kind") if dim == "product" else None)
        for dim, body in catalog.items()
        for code, spec in body["members"].items()
    }
    with engine.connect() as conn:
        members = pd.read_sql(select(schema.dim_members), conn)
    rows = members.astype(object).where(members.notna(), None)
    assert set(rows.itertuples(index=False, name=None)) == expected
    codes = {dim: set(members.code[members.dimension == dim]) for dim in catalog}
    assert codes["product"] == {
        "CC_YOUTH",
        "CC_PLAT",
        "FLASH",
        "HOME",
        "SME",
        "AUTO",
        "TD",
        "WM_STABLE",
    }
    base = _read(engine, "customer_base")
    for dim in ("product", "segment", "channel", "region"):
        assert set(base[dim]) == codes[dim]
    assert set(_read(engine, "loans")["product"]) == {"FLASH", "HOME", "SME", "AUTO"}
    assert set(_read(engine, "cards")["product"]) == {"CC_YOUTH", "CC_PLAT"}


# --- consistency between tables --------------------------------------------------------


def test_snapshot_accounts_match_their_loan_or_card(
    engine: Engine, snapshots: pd.DataFrame, loans: pd.DataFrame
) -> None:
    dims = ["product", "segment", "channel", "region"]
    loan_rows = snapshots[snapshots.account_id < CARD_ACCOUNT_OFFSET].merge(
        loans, left_on="account_id", right_on="loan_id", suffixes=("", "_loan"), how="left"
    )
    assert loan_rows.loan_id.notna().all()
    for dim in dims:
        assert (loan_rows[dim] == loan_rows[f"{dim}_loan"]).all(), dim
    assert (loan_rows.month >= loan_rows.disbursed_on.dt.to_period("M").dt.start_time).all()
    cards = _read(engine, "cards")
    card_rows = snapshots[snapshots.account_id >= CARD_ACCOUNT_OFFSET].assign(
        card_id=lambda f: f.account_id - CARD_ACCOUNT_OFFSET
    )
    card_rows = card_rows.merge(cards, on="card_id", suffixes=("", "_card"), how="left")
    assert card_rows.issued_on.notna().all()
    assert card_rows.activated_on.notna().all(), "only activated cards carry a receivable"
    for dim in dims:
        assert (card_rows[dim] == card_rows[f"{dim}_card"]).all(), dim
    assert not snapshots.duplicated(["month", "account_id"]).any()


def test_defaulted_on_is_set_exactly_for_loans_that_reached_91_dpd(
    snapshots: pd.DataFrame, loans: pd.DataFrame
) -> None:
    first_default = (
        snapshots[(snapshots.dpd > 90) & (snapshots.account_id < CARD_ACCOUNT_OFFSET)]
        .sort_values("month")
        .drop_duplicates("account_id")
        .set_index("account_id")
    )
    defaulted = loans.dropna(subset=["defaulted_on"]).set_index("loan_id")
    assert set(defaulted.index) == set(first_default.index)
    assert len(defaulted) > 50
    month_end = first_default.month + pd.offsets.MonthEnd(0)
    assert (defaulted.defaulted_on == month_end.reindex(defaulted.index)).all()
    assert np.allclose(defaulted.ead, first_default.balance.reindex(defaulted.index))
    assert (defaulted.recovered <= defaulted.ead).all()
    never = loans[loans.defaulted_on.isna()]
    assert never.ead.isna().all() and never.recovered.isna().all()


def test_status_and_classification_follow_dpd(snapshots: pd.DataFrame) -> None:
    expected_status = np.select(
        [snapshots.dpd == 0, snapshots.dpd <= 90], ["CURRENT", "OVERDUE"], "DEFAULT"
    )
    assert (snapshots.status == expected_status).all()
    tiers = {
        "PASS": (0, 0),
        "SPECIAL": (1, 90),
        "SUBSTANDARD": (91, 180),
        "DOUBTFUL": (181, 360),
        "LOSS": (181, 10_000),
    }
    for tier, (low, high) in tiers.items():
        dpd = snapshots.dpd[snapshots.classification == tier]
        assert dpd.between(low, high).all(), tier
    assert set(snapshots.classification) >= {"PASS", "SPECIAL", "SUBSTANDARD", "LOSS"}
    assert (snapshots.balance > 0).all()


def test_approved_applications_cover_the_accounts_opened(engine: Engine) -> None:
    """Every account needs an approval first; most approvals are booked within weeks."""
    apps = _read(engine, "applications")
    approved = apps[apps.decision == "APPROVED"]
    loans, cards = _read(engine, "loans"), _read(engine, "cards")
    months = pd.period_range(FIRST, LAST, freq="M")

    def monthly(frame: pd.DataFrame, column: str) -> pd.DataFrame:
        counts = frame.groupby(["product", frame[column].dt.to_period("M")]).size()
        return counts.unstack(0).reindex(months, fill_value=0).fillna(0).cumsum()

    cum_approved = monthly(approved, "applied_on")
    cum_opened = pd.concat([monthly(loans, "disbursed_on"), monthly(cards, "issued_on")], axis=1)
    assert (cum_opened <= cum_approved[cum_opened.columns]).all().all()
    two_months_earlier = cum_approved[cum_opened.columns].shift(2).iloc[2:]
    assert (cum_opened.iloc[2:] >= 0.8 * two_months_earlier).all().all()
    share_booked = cum_opened.iloc[-1] / cum_approved[cum_opened.columns].iloc[-1]
    assert share_booked.between(0.8, 1.0).all()


def test_customer_base_counts_borrowers_with_open_accounts(
    engine: Engine, snapshots: pd.DataFrame
) -> None:
    base = _read(engine, "customer_base")
    credit = base[base["product"].isin(snapshots["product"].unique())]
    accounts = snapshots.groupby(["month", "product"]).size()
    customers = credit.groupby(["month", "product"]).active_customers.sum()
    assert (customers <= accounts.reindex(customers.index)).all()
    assert (customers >= 0.8 * accounts.reindex(customers.index)).all()


# --- the storylines ------------------------------------------------------------------


def test_flash_partner_loans_deteriorate_in_the_last_months(snapshots: pd.DataFrame) -> None:
    flash = snapshots[snapshots["product"] == "FLASH"]
    by_month = flash.groupby("month")[["balance"]].apply(lambda f: _m1_rate(flash.loc[f.index]))
    months = sorted(by_month.index)
    assert by_month[months[-1]] - by_month[months[-9]] >= 0.8
    assert 1.0 <= by_month[months[-9]] <= 3.0 and 2.5 <= by_month[months[-1]] <= 5.0
    last_quarter = flash[flash.month.isin(months[-3:])]
    by_channel = {ch: _m1_rate(frame) for ch, frame in last_quarter.groupby("channel")}
    assert max(by_channel, key=by_channel.get) == "PARTNER"
    assert by_channel["PARTNER"] > 2 * by_channel["APP"]


def test_overdue_rates_are_plausible_per_product(snapshots: pd.DataFrame) -> None:
    last_year = snapshots[snapshots.month >= snapshots.month.max() - pd.DateOffset(months=11)]
    rates = {p: _m1_rate(frame) for p, frame in last_year.groupby("product")}
    cards = _m1_rate(last_year[last_year["product"].isin(["CC_YOUTH", "CC_PLAT"])])
    assert 1.5 <= rates["FLASH"] <= 4.0
    assert 0.1 <= rates["HOME"] <= 0.9
    assert 1.2 <= cards <= 3.0
    assert 0.7 <= rates["SME"] <= 3.0
    assert 0.6 <= rates["AUTO"] <= 2.2
    assert rates["HOME"] == min(rates.values())


def test_default_rates_are_ordered_by_segment_risk(loans: pd.DataFrame) -> None:
    seasoned = loans[loans.disbursed_on < pd.Timestamp("2025-10-01")]
    within_12m = seasoned.defaulted_on.notna() & (
        (seasoned.defaulted_on - seasoned.disbursed_on).dt.days <= 380
    )
    rate = within_12m.groupby([seasoned["product"], seasoned.segment]).mean() * 100
    assert rate["FLASH", "HNW"] < rate["FLASH", "MATURE"] < rate["FLASH", "NEW_URBAN"]
    assert 3.0 <= rate["FLASH", "NEW_URBAN"] <= 8.0
    small = loans[
        (loans["product"] == "FLASH") & (loans.segment == "HNW") & (loans.channel == "PARTNER")
    ]
    assert 0 < len(small) < 0.01 * (loans["product"] == "FLASH").sum()


def test_loan_terms_amounts_and_rates_stay_in_product_ranges(loans: pd.DataFrame) -> None:
    ranges = {
        "FLASH": (5e3, 2e5, 0.07, 0.18, {12, 24, 36}),
        "HOME": (5e5, 3e6, 0.03, 0.042, {240, 300, 360}),
        "SME": (1e5, 3e6, 0.037, 0.08, {12, 24, 36}),
        "AUTO": (5e4, 4e5, 0.04, 0.09, {24, 36, 60}),
    }
    for product, (low, high, rate_low, rate_high, terms) in ranges.items():
        frame = loans[loans["product"] == product]
        assert frame.amount.between(low, high).all(), product
        assert frame.rate.between(rate_low, rate_high).all(), product
        assert set(frame.term_months) == terms, product
    recovery = loans.groupby("product").apply(lambda f: f.recovered.sum() / f.ead.sum())
    assert 0.6 <= recovery["HOME"] <= 0.8 and 0.05 <= recovery["FLASH"] <= 0.25


def test_decisions_are_fast_on_the_app_and_slow_for_mortgages(engine: Engine) -> None:
    apps = _read(engine, "applications")
    hours = apps.groupby(["product", "channel"]).decision_hours.median()
    for product in ("FLASH", "CC_YOUTH", "AUTO"):
        assert hours[product, "APP"] < 6 < 12 < hours[product, "BRANCH"]
    for channel in ("APP", "BRANCH", "PARTNER"):
        assert hours["HOME", channel] > hours["AUTO", channel] > hours["FLASH", channel]
        assert hours["SME", channel] > hours["AUTO", channel]
    assert apps.groupby("product").decision_hours.mean()[["HOME", "SME"]].min() > 10 * (
        apps[apps["product"] == "FLASH"].decision_hours.mean()
    )
    approval = (apps.decision == "APPROVED").groupby(apps["product"]).mean()
    assert approval.between(0.55, 0.9).all()
    by_segment = (apps.decision == "APPROVED").groupby(apps.segment).mean()
    assert by_segment["HNW"] > by_segment["NEW_URBAN"]


def test_cards_activate_more_often_when_issued_through_the_app(engine: Engine) -> None:
    cards = _read(engine, "cards")
    activation = cards.groupby("channel").activated_30d.mean()
    assert activation["APP"] == activation.max()
    assert 0.55 <= cards.activated_30d.mean() <= 0.8
    dated = cards.dropna(subset=["activated_on"])
    delay = (dated.activated_on - dated.issued_on).dt.days
    assert ((delay <= 30) == (dated.activated_30d == 1)).all() and (delay >= 1).all()


def test_card_spending_peaks_on_double_11(engine: Engine) -> None:
    spend = _read(engine, "card_transactions").groupby("month").txn_amount.sum()
    for year in (2024, 2025):
        assert spend[f"{year}-11-01"] > 1.1 * spend[f"{year}-10-01"]


def test_deposit_rates_fall_and_wealth_aum_dips(engine: Engine) -> None:
    deposits = _read(engine, "deposit_balances")
    td = deposits[deposits["product"] == "TD"].groupby("month").rate.mean()
    assert 0.018 <= td.iloc[0] <= 0.023 and 0.013 <= td.iloc[-1] <= 0.018
    wm = deposits[deposits["product"] == "WM_STABLE"]
    assert wm.rate.between(0.025, 0.035).all()
    aum = wm.groupby("month").balance.sum()
    drawdown = (aum / aum.cummax()).min()
    assert drawdown < 0.95 and aum.iloc[-1] > aum.iloc[0]


def test_market_share_is_plausible(engine: Engine) -> None:
    market = _read(engine, "market_totals")
    share = market.groupby(["product", "month"]).apply(
        lambda f: f.bank_balance.sum() / f.market_balance.sum()
    )
    assert share.between(0.005, 0.05).all()
    cards = market[market["product"].isin(["CC_YOUTH", "CC_PLAT"])]
    assert (cards.market_new_cards > 0).all()
    others = market[~market["product"].isin(["CC_YOUTH", "CC_PLAT"])]
    assert (others.bank_new_cards == 0).all() and (others.market_new_cards == 0).all()


def test_complaint_themes_include_an_emerging_one(complaints: pd.DataFrame) -> None:
    assert set(complaints.theme) == set(ALL_THEMES)
    emerging = complaints[complaints.theme == EMERGING_THEME].groupby("month").size()
    months = pd.period_range("2026-07", "2026-10", freq="M")
    recent = emerging.reindex(months, fill_value=0)
    assert recent.iloc[-1] >= 3 * max(recent.iloc[0], 1)
    assert recent.iloc[2:].sum() > 2 * recent.iloc[:2].sum()
    assert recent.sum() >= 0.8 * emerging.sum()


def test_youth_card_app_complaints_spike_after_the_upgrade(complaints: pd.DataFrame) -> None:
    youth = complaints[(complaints["product"] == "CC_YOUTH") & (complaints.theme == "app_digital")]
    per_month = youth.groupby("month").size()
    spike = pd.Period("2026-08", freq="M")
    assert per_month[spike] == per_month.max()
    assert per_month[spike] >= 3 * per_month.drop(spike).iloc[-14:-3].median()


def test_complaint_texts_are_bilingual_and_carry_personal_data(complaints: pd.DataFrame) -> None:
    share_en = (complaints.language == "en").mean()
    assert 0.1 <= share_en <= 0.2
    zh = complaints.text[complaints.language == "zh"]
    assert zh.str.contains(r"[\u4e00-\u9fff]").all()
    assert zh.str.contains("APP").any()  # customers mix English into Chinese
    en = complaints.text[complaints.language == "en"]
    assert en.str.contains(r"^[\x00-\x7f¥]*$").mean() > 0.9
    phones = complaints.text.str.contains(r"(?<!\d)1[3-9]\d{9}(?!\d)")
    ids = complaints.text.str.extract(r"(?<!\d)(\d{17}[\dX])(?!\d)")[0].dropna()
    cards = complaints.text.str.contains(r"(?<!\d)62\d{2}(?: ?\d{4}){3}(?!\d)")
    assert phones.sum() > 10 and len(ids) > 10 and cards.sum() > 10
    assert all(id_check_digit(number[:17]) == number[17] for number in ids)
    assert 0.06 <= (phones | cards | complaints.text.str.contains(r"\d{17}[\dX]")).mean() <= 0.14
    assert complaints.text.nunique() > 0.95 * len(complaints)
    assert complaints.resolved_days.isna().mean() <= 0.1
    assert complaints.resolved_days.dropna().between(1, 60).all()


def test_nps_drops_for_youth_card_in_the_app_upgrade_month(engine: Engine) -> None:
    nps = _read(engine, "nps_responses")
    nps["month"] = nps.responded_on.dt.to_period("M")

    def score(frame: pd.DataFrame) -> float:
        return ((frame.score >= 9).mean() - (frame.score <= 6).mean()) * 100

    youth = nps[nps["product"] == "CC_YOUTH"]
    spike = score(youth[youth.month == pd.Period("2026-08", freq="M")])
    before = score(youth[youth.month.between(pd.Period("2026-02", "M"), pd.Period("2026-07", "M"))])
    assert spike < before - 15
    by_segment = {seg: score(frame) for seg, frame in nps.groupby("segment")}
    assert by_segment["HNW"] > by_segment["NEW_URBAN"]
    assert nps.score.between(0, 10).all()
    assert set(nps.comment.dropna().str.contains(r"[\u4e00-\u9fff]")) == {True, False}


def test_check_digits_of_generated_identifiers() -> None:
    assert id_check_digit("11010519491231002") == "X"
    assert luhn_complete("411111111111111") == "4111111111111111"


# --- PostgreSQL -------------------------------------------------------------------------


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """A throwaway database on the server named by BANKPM_TEST_PG_URL."""
    admin_url = os.environ.get("BANKPM_TEST_PG_URL")
    if not admin_url:
        pytest.skip(
            "BANKPM_TEST_PG_URL is not set (e.g. postgresql+psycopg://postgres@host/postgres)"
        )
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"bankpm_sample_bank_{uuid.uuid4().hex[:12]}"
    quoted = admin.dialect.identifier_preparer.quote(name)
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {quoted}"))
    engine = create_engine(make_url(admin_url).set(database=name))
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
        admin.dispose()


@pytest.mark.postgres
def test_postgresql_gets_the_same_rows_as_sqlite(
    pg_engine: Engine, tiny: tuple[Engine, GenerationReport]
) -> None:
    report = generate(pg_engine, seed=3, today=TODAY, scale=TINY)
    assert dict(report.rows) == dict(tiny[1].rows)
    with pg_engine.connect() as conn:
        for table in TABLES:
            assert conn.scalar(select(func.count()).select_from(table)) == report.rows[table.name]
    for table, key in (("loans", "loan_id"), ("complaints", "complaint_id")):
        pd.testing.assert_frame_equal(
            _read(pg_engine, table).sort_values(key, ignore_index=True),
            _read(tiny[0], table).sort_values(key, ignore_index=True),
            check_dtype=False,
        )
