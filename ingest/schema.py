"""Tables of the sample bank, 示例银行 / Example Bank.

This schema belongs to the *sample data*, not to the product: the metric layer only
knows what ``knowledge/catalog.yaml`` declares about these tables, so a bank can point
the catalog at its own warehouse instead. Monthly snapshot tables store the first day
of the month in their ``month`` column and mean "state at the end of that month".
Money columns are NUMERIC(18, 2) in the database (exact in PostgreSQL) and come back
as floats for analysis; rates are fractions (0.0865 = 8.65 % p.a.).
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    Float,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
)

metadata = MetaData()


def _money(name: str, nullable: bool = False) -> Column:
    return Column(name, Numeric(18, 2, asdecimal=False), nullable=nullable)


def _dims() -> list[Column]:
    return [
        Column("product", String(16), nullable=False),
        Column("segment", String(16), nullable=False),
        Column("channel", String(16), nullable=False),
        Column("region", String(16), nullable=False),
    ]


dim_members = Table(
    "dim_members",
    metadata,
    Column("dimension", String(16), primary_key=True),
    Column("code", String(16), primary_key=True),
    Column("name_zh", String(64), nullable=False),
    Column("name_en", String(64), nullable=False),
    Column("kind", String(32)),  # products: credit_card / loan / deposit / wealth
)

# One row per loan at origination (= disbursement). Default and recovery outcomes are
# recorded so that PD and LGD can be estimated per product x segment (pricing).
loans = Table(
    "loans",
    metadata,
    Column("loan_id", Integer, primary_key=True),
    Column("customer_id", Integer, nullable=False),
    *_dims(),
    Column("disbursed_on", Date, nullable=False),
    _money("amount"),
    Column("rate", Float, nullable=False),
    Column("term_months", Integer, nullable=False),
    Column("defaulted_on", Date),  # last day of the first month ending at 91+ dpd; NULL if never
    _money("ead", nullable=True),  # exposure at default
    _money("recovered", nullable=True),  # recoveries after default
    Index("ix_loans_product_disbursed", "product", "disbursed_on"),
)

# Month-end state of every credit account (loans and credit-card receivables).
loan_snapshots = Table(
    "loan_snapshots",
    metadata,
    Column("month", Date, nullable=False),
    Column("account_id", Integer, nullable=False),
    *_dims(),
    _money("balance"),
    Column("dpd", Integer, nullable=False),  # days past due
    Column("status", String(16), nullable=False),  # CURRENT / OVERDUE / DEFAULT
    # five-tier loan classification: PASS, SPECIAL, SUBSTANDARD, DOUBTFUL, LOSS
    Column("classification", String(16), nullable=False),
    Column("rate", Float, nullable=False),
    Index("ix_snap_product_month", "product", "month"),
    Index("ix_snap_month", "month"),
)

applications = Table(
    "applications",
    metadata,
    Column("application_id", Integer, primary_key=True),
    *_dims(),
    Column("applied_on", Date, nullable=False),
    _money("amount_requested"),
    Column("decision", String(16), nullable=False),  # APPROVED / REJECTED
    Column("decision_hours", Float, nullable=False),  # time to decision
    Index("ix_app_product_applied", "product", "applied_on"),
)

cards = Table(
    "cards",
    metadata,
    Column("card_id", Integer, primary_key=True),
    Column("customer_id", Integer, nullable=False),
    *_dims(),
    Column("issued_on", Date, nullable=False),
    Column("activated_on", Date),
    Column("activated_30d", Integer, nullable=False),  # 1 if activated within 30 days
    _money("credit_limit"),
    Index("ix_cards_product_issued", "product", "issued_on"),
)

card_transactions = Table(
    "card_transactions",
    metadata,
    Column("month", Date, nullable=False),
    *_dims(),
    Column("txn_count", Integer, nullable=False),
    _money("txn_amount"),
    Column("active_cards", Integer, nullable=False),
    Index("ix_ctx_product_month", "product", "month"),
)

deposit_balances = Table(
    "deposit_balances",
    metadata,
    Column("month", Date, nullable=False),
    *_dims(),
    _money("balance"),
    Column("customers", Integer, nullable=False),
    Column("rate", Float, nullable=False),  # customer rate / annualised yield
    Index("ix_dep_product_month", "product", "month"),
)

market_totals = Table(
    "market_totals",
    metadata,
    Column("month", Date, nullable=False),
    Column("product", String(16), nullable=False),
    Column("region", String(16), nullable=False),
    _money("bank_balance"),
    _money("market_balance"),
    Column("bank_new_cards", Integer, nullable=False),
    Column("market_new_cards", Integer, nullable=False),
    Index("ix_mkt_product_month", "product", "month"),
)

customer_base = Table(
    "customer_base",
    metadata,
    Column("month", Date, nullable=False),
    *_dims(),
    Column("active_customers", Integer, nullable=False),
    Index("ix_cust_product_month", "product", "month"),
)

complaints = Table(
    "complaints",
    metadata,
    Column("complaint_id", Integer, primary_key=True),
    Column("customer_id", Integer, nullable=False),
    *_dims(),
    Column("received_on", Date, nullable=False),
    Column("theme", String(32), nullable=False),  # generator's known theme (ground truth)
    Column("language", String(2), nullable=False),
    Column("text", Text, nullable=False),
    Column("resolved_days", Integer),
    Index("ix_cmp_product_received", "product", "received_on"),
)

nps_responses = Table(
    "nps_responses",
    metadata,
    Column("response_id", Integer, primary_key=True),
    *_dims(),
    Column("responded_on", Date, nullable=False),
    Column("score", Integer, nullable=False),  # 0..10 likelihood to recommend
    Column("comment", Text),
    Index("ix_nps_product_responded", "product", "responded_on"),
)
