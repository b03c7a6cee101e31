"""Reference data of the sample bank: dimension members and the generator's parameters.

Member *names* come from ``knowledge/catalog.yaml`` so that the catalog stays the single
source of what a product or segment is called. The *codes* are fixed here because every
parameter table below is keyed by them; :func:`load_dimensions` fails loudly when the
catalog and the generator disagree, instead of silently generating unnamed members.

Parameters are plain tuples/dicts in code order. Products, segments, channels and
regions are encoded as small integers (their index in the tuples below) while
generating, and turned back into codes only when the tables are loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from bankpm_core.metrics.catalog import Member, load_catalog

CATALOG_PATH = Path(__file__).resolve().parents[2] / "knowledge" / "catalog.yaml"

PRODUCTS = ("CC_YOUTH", "CC_PLAT", "FLASH", "HOME", "SME", "AUTO", "TD", "WM_STABLE")
SEGMENTS = ("YOUNG_PRO", "NEW_URBAN", "SME_OWNER", "MATURE", "HNW", "MASS")
CHANNELS = ("APP", "BRANCH", "PARTNER")
REGIONS = ("EAST", "NORTH", "SOUTH", "CENTRAL", "SOUTHWEST", "NORTHWEST", "NORTHEAST")
DIMENSIONS = {
    "product": PRODUCTS,
    "segment": SEGMENTS,
    "channel": CHANNELS,
    "region": REGIONS,
}

CARD_PRODUCTS = ("CC_YOUTH", "CC_PLAT")
LOAN_PRODUCTS = ("FLASH", "HOME", "SME", "AUTO")
CREDIT_PRODUCTS = CARD_PRODUCTS + LOAN_PRODUCTS
SAVINGS_PRODUCTS = ("TD", "WM_STABLE")

# Card receivable accounts share loan_snapshots.account_id with loans: offset them so
# that the two id ranges never meet.
CARD_ACCOUNT_OFFSET = 10_000_000


P = {code: i for i, code in enumerate(PRODUCTS)}
S = {code: i for i, code in enumerate(SEGMENTS)}
C = {code: i for i, code in enumerate(CHANNELS)}
R = {code: i for i, code in enumerate(REGIONS)}


# --- catalog ---------------------------------------------------------------------------


def load_dimensions(catalog_path: Path | None = None) -> tuple[Member, ...]:
    """Read the dimension members from the metric catalog, checked against our codes.

    Members come in code order; only products keep a ``kind``.
    """
    path = catalog_path or CATALOG_PATH
    catalog = load_catalog(path)
    members: list[Member] = []
    problems: list[str] = []
    for dimension, codes in DIMENSIONS.items():
        found = catalog.dimensions.get(dimension)
        declared = found.members if found else {}
        missing = [code for code in codes if code not in declared]
        extra = [code for code in declared if code not in codes]
        if missing or extra:
            problems.append(f"{dimension}: missing {missing}, unknown to the generator {extra}")
            continue
        for code in codes:
            member = declared[code]
            members.append(member if dimension == "product" else replace(member, kind=None))
    if problems:
        raise ValueError(f"catalog {path} does not match the sample bank: " + "; ".join(problems))
    return tuple(members)


# --- calendar --------------------------------------------------------------------------

# Spring Festival (春节) dates; only the month matters for seasonality. Unknown years fall
# back to February.
SPRING_FESTIVAL = {
    2019: (2, 5),
    2020: (1, 25),
    2021: (2, 12),
    2022: (2, 1),
    2023: (1, 22),
    2024: (2, 10),
    2025: (1, 29),
    2026: (2, 17),
    2027: (2, 6),
    2028: (1, 26),
    2029: (2, 13),
    2030: (2, 3),
    2031: (1, 23),
    2032: (2, 11),
    2033: (1, 31),
    2034: (2, 19),
    2035: (2, 8),
}


def _table(values: dict[str, float], codes: tuple[str, ...]) -> np.ndarray:
    return np.array([values[code] for code in codes], dtype=float)


def _matrix(rows: dict[str, dict[str, float]], row_codes, col_codes) -> np.ndarray:
    return np.array([[rows[r][c] for c in col_codes] for r in row_codes], dtype=float)


# Calendar-month seasonality of applications (index 0 = January).
APP_SEASON = {
    "CC_YOUTH": (1.0, 0.85, 1.05, 1.0, 1.0, 1.05, 1.08, 1.02, 1.1, 1.0, 1.1, 1.0),
    "CC_PLAT": (1.02, 0.85, 1.05, 1.0, 1.0, 1.03, 0.98, 0.97, 1.02, 1.0, 1.08, 1.05),
    "FLASH": (1.05, 0.85, 1.0, 0.98, 1.0, 1.08, 0.97, 0.98, 1.0, 1.02, 1.15, 1.1),
    "HOME": (0.85, 0.7, 1.15, 1.12, 1.0, 1.05, 0.95, 0.92, 1.1, 1.08, 1.0, 1.05),
    "SME": (0.95, 0.75, 1.15, 1.05, 1.0, 1.05, 1.0, 0.95, 1.05, 0.95, 1.05, 1.1),
    "AUTO": (1.1, 0.8, 1.05, 1.0, 0.98, 1.02, 0.95, 0.95, 1.05, 1.05, 1.0, 1.15),
}

# Card spending seasonality: Double 11 (November), 618 (June), year end; Spring
# Festival month up, February down (both apply when the festival falls in February).
SPEND_SEASON = (1.0, 0.9, 0.98, 1.0, 1.0, 1.07, 1.0, 1.0, 1.0, 1.02, 1.2, 1.1)
SPRING_FESTIVAL_SPEND = 1.18

# --- origination ---------------------------------------------------------------------

# Monthly applications per product at the end of the window, at scale 1.
MONTHLY_APPLICATIONS = {
    "CC_YOUTH": 760.0,
    "CC_PLAT": 300.0,
    "FLASH": 1000.0,
    "HOME": 125.0,
    "SME": 160.0,
    "AUTO": 205.0,
}
MONTHLY_GROWTH = 0.015  # volume grows ~1.5 % a month (~70 % over three years)

# Customers (all products) per scale unit, and their segment mix; a customer keeps one
# segment and home region across every account they hold.
POOL_CUSTOMERS = 150_000
POOL_SEGMENT = _table(
    dict(YOUNG_PRO=0.22, NEW_URBAN=0.15, SME_OWNER=0.10, MATURE=0.22, HNW=0.05, MASS=0.26),
    SEGMENTS,
)

REGION_WEIGHTS = _table(
    {
        "EAST": 0.30,
        "NORTH": 0.17,
        "SOUTH": 0.18,
        "CENTRAL": 0.12,
        "SOUTHWEST": 0.10,
        "NORTHWEST": 0.06,
        "NORTHEAST": 0.07,
    },
    REGIONS,
)

SEGMENT_MIX = _matrix(
    {
        "CC_YOUTH": dict(
            YOUNG_PRO=0.45, NEW_URBAN=0.30, SME_OWNER=0.03, MATURE=0.02, HNW=0.01, MASS=0.19
        ),
        "CC_PLAT": dict(
            YOUNG_PRO=0.15, NEW_URBAN=0.02, SME_OWNER=0.12, MATURE=0.25, HNW=0.36, MASS=0.10
        ),
        "FLASH": dict(
            YOUNG_PRO=0.30, NEW_URBAN=0.25, SME_OWNER=0.07, MATURE=0.08, HNW=0.02, MASS=0.28
        ),
        "HOME": dict(
            YOUNG_PRO=0.30, NEW_URBAN=0.08, SME_OWNER=0.07, MATURE=0.25, HNW=0.08, MASS=0.22
        ),
        "SME": dict(
            YOUNG_PRO=0.02, NEW_URBAN=0.04, SME_OWNER=0.82, MATURE=0.04, HNW=0.05, MASS=0.03
        ),
        "AUTO": dict(
            YOUNG_PRO=0.30, NEW_URBAN=0.12, SME_OWNER=0.12, MATURE=0.15, HNW=0.06, MASS=0.25
        ),
        "TD": dict(
            YOUNG_PRO=0.10, NEW_URBAN=0.06, SME_OWNER=0.08, MATURE=0.40, HNW=0.06, MASS=0.30
        ),
        "WM_STABLE": dict(
            YOUNG_PRO=0.14, NEW_URBAN=0.03, SME_OWNER=0.10, MATURE=0.33, HNW=0.28, MASS=0.12
        ),
    },
    PRODUCTS,
    SEGMENTS,
)

CHANNEL_MIX = _matrix(
    {
        "CC_YOUTH": dict(APP=0.55, BRANCH=0.15, PARTNER=0.30),
        "CC_PLAT": dict(APP=0.35, BRANCH=0.50, PARTNER=0.15),
        "FLASH": dict(APP=0.50, BRANCH=0.07, PARTNER=0.43),
        "HOME": dict(APP=0.12, BRANCH=0.70, PARTNER=0.18),
        "SME": dict(APP=0.20, BRANCH=0.65, PARTNER=0.15),
        "AUTO": dict(APP=0.20, BRANCH=0.25, PARTNER=0.55),
        "TD": dict(APP=0.45, BRANCH=0.50, PARTNER=0.05),
        "WM_STABLE": dict(APP=0.50, BRANCH=0.40, PARTNER=0.10),
    },
    PRODUCTS,
    CHANNELS,
)

# How much each segment leans towards a channel (multiplies CHANNEL_MIX).
CHANNEL_TILT = _matrix(
    {
        "YOUNG_PRO": dict(APP=1.3, BRANCH=0.5, PARTNER=1.1),
        "NEW_URBAN": dict(APP=1.0, BRANCH=0.6, PARTNER=1.5),
        "SME_OWNER": dict(APP=1.0, BRANCH=1.2, PARTNER=0.8),
        "MATURE": dict(APP=0.7, BRANCH=1.8, PARTNER=0.5),
        "HNW": dict(APP=1.0, BRANCH=2.0, PARTNER=0.12),
        "MASS": dict(APP=1.0, BRANCH=1.0, PARTNER=1.0),
    },
    SEGMENTS,
    CHANNELS,
)

# FLASH pushes volume through partner platforms in the last months of the window.
PARTNER_PUSH_MONTHS = 10
PARTNER_PUSH = 0.6

# Approval model: logit(p) = base[product] + segment + channel (+ region noise).
APPROVAL_BASE = {
    "CC_YOUTH": 0.8,
    "CC_PLAT": 0.8,
    "FLASH": 0.75,
    "HOME": 1.05,
    "SME": 0.55,
    "AUTO": 1.0,
}
APPROVAL_SEGMENT = _table(
    dict(YOUNG_PRO=0.2, NEW_URBAN=-0.5, SME_OWNER=0.0, MATURE=0.4, HNW=1.0, MASS=-0.3), SEGMENTS
)
APPROVAL_CHANNEL = _table(dict(APP=0.0, BRANCH=0.3, PARTNER=-0.2), CHANNELS)
# FLASH x PARTNER underwriting is loosened during the partner push (logit points).
PARTNER_LOOSENING = 0.6

TAKE_UP = {
    "CC_YOUTH": 0.97,
    "CC_PLAT": 0.97,
    "FLASH": 0.90,
    "HOME": 0.95,
    "SME": 0.93,
    "AUTO": 0.92,
}

# Median decision time in hours per product x channel (log-normal around it).
DECISION_HOURS = {
    "CC_YOUTH": dict(APP=1.0, BRANCH=40.0, PARTNER=2.0),
    "CC_PLAT": dict(APP=3.0, BRANCH=48.0, PARTNER=6.0),
    "FLASH": dict(APP=0.15, BRANCH=26.0, PARTNER=0.4),
    "HOME": dict(APP=40.0, BRANCH=96.0, PARTNER=72.0),
    "SME": dict(APP=20.0, BRANCH=72.0, PARTNER=36.0),
    "AUTO": dict(APP=3.0, BRANCH=36.0, PARTNER=2.5),
}
# Days from decision to booking (disbursement or card dispatch): uniform low..high.
BOOKING_DAYS = {
    "CC_YOUTH": (2, 7),
    "CC_PLAT": (2, 7),
    "FLASH": (0, 0),
    "HOME": (7, 30),
    "SME": (1, 10),
    "AUTO": (0, 7),
}


@dataclass(frozen=True)
class LoanSpec:
    """Amounts, pricing and behaviour of one loan product."""

    amount_median: float
    amount_min: float
    amount_max: float
    amount_round: float
    rate_min: float
    rate_max: float
    terms: tuple[int, ...]
    term_weights: tuple[float, ...]
    hazard: float  # base monthly probability that a current account misses a payment
    prepay: float  # monthly probability that a current account repays in full
    secured: bool  # secured loans are worked out slowly instead of written off
    resolve: float  # monthly probability a 180+ secured loan is resolved (leaves)
    recovery: tuple[float, float]  # recovery rate range after default
    risk_power: float = 1.0  # < 1 compresses borrower risk differences (collateral)
    roll: float = 1.0  # multiplier of roll-forward rates (secured loans cure more)


LOAN_SPECS = {
    "FLASH": LoanSpec(
        30_000, 5_000, 200_000, 1_000, 0.07, 0.18, (12, 24, 36), (0.5, 0.3, 0.2),
        hazard=0.0098, prepay=0.045, secured=False, resolve=1.0, recovery=(0.10, 0.20),
    ),
    "HOME": LoanSpec(
        1_100_000, 500_000, 3_000_000, 10_000, 0.03, 0.042, (240, 300, 360), (0.3, 0.2, 0.5),
        hazard=0.006, prepay=0.006, secured=True, resolve=0.08, recovery=(0.65, 0.75),
        risk_power=0.6, roll=0.8,
    ),
    "SME": LoanSpec(
        500_000, 100_000, 3_000_000, 10_000, 0.037, 0.08, (12, 24, 36), (0.45, 0.35, 0.2),
        hazard=0.011, prepay=0.02, secured=True, resolve=0.15, recovery=(0.35, 0.45),
    ),
    "AUTO": LoanSpec(
        150_000, 50_000, 400_000, 1_000, 0.04, 0.09, (24, 36, 60), (0.3, 0.45, 0.25),
        hazard=0.0065, prepay=0.012, secured=True, resolve=0.3, recovery=(0.45, 0.55),
    ),
}  # fmt: skip

# Amount tilt by segment (multiplies the median).
AMOUNT_SEGMENT = _table(
    dict(YOUNG_PRO=1.0, NEW_URBAN=0.7, SME_OWNER=1.2, MATURE=1.05, HNW=1.8, MASS=0.8), SEGMENTS
)
AMOUNT_REGION = _table(
    dict(
        EAST=1.25, NORTH=1.1, SOUTH=1.2, CENTRAL=0.9, SOUTHWEST=0.85, NORTHWEST=0.75, NORTHEAST=0.8
    ),
    REGIONS,
)


@dataclass(frozen=True)
class CardSpec:
    """Limits, pricing and behaviour of one card product."""

    limit_median: float
    limit_min: float
    limit_max: float
    rate: float  # revolving APR
    hazard: float
    attrition: float  # monthly probability a current card is closed
    utilisation: tuple[float, float]  # beta(a, b) of the revolving balance / limit
    activation: float  # base probability of activation within 30 days
    active: float  # mean probability that an open card transacts in a month
    txn_per_month: float
    ticket: float  # average transaction amount


CARD_SPECS = {
    "CC_YOUTH": CardSpec(
        10_000, 3_000, 30_000, 0.1825, hazard=0.02, attrition=0.009,
        utilisation=(2.5, 3.5), activation=0.62, active=0.72, txn_per_month=14, ticket=210,
    ),
    "CC_PLAT": CardSpec(
        80_000, 50_000, 200_000, 0.1642, hazard=0.045, attrition=0.006,
        utilisation=(1.5, 5.0), activation=0.66, active=0.8, txn_per_month=15, ticket=520,
    ),
}  # fmt: skip
ACTIVATION_CHANNEL = _table(dict(APP=0.1, BRANCH=0.02, PARTNER=-0.08), CHANNELS)

# --- credit risk -----------------------------------------------------------------------

SEGMENT_RISK = _table(
    dict(YOUNG_PRO=0.85, NEW_URBAN=1.75, SME_OWNER=1.0, MATURE=0.55, HNW=0.16, MASS=1.45),
    SEGMENTS,
)
CHANNEL_RISK = _table(dict(APP=0.9, BRANCH=0.75, PARTNER=1.45), CHANNELS)
REGION_RISK = _table(
    dict(
        EAST=0.85, NORTH=0.95, SOUTH=0.9, CENTRAL=1.05, SOUTHWEST=1.1, NORTHWEST=1.25, NORTHEAST=1.3
    ),
    REGIONS,
)
IDIOSYNCRATIC_RISK = 0.6  # sigma of the log-normal account-level risk factor
SCORECARD_SIGHT = 0.5  # share of the account-level risk the bank's pricing sees
MACRO_DRIFT = 0.12  # delinquency drifts up 12 % over the window
POST_FESTIVAL_HAZARD = 1.2  # missed payments after Spring Festival spending

# The storyline: FLASH loans booked through partner platforms deteriorate in the last
# months, most of all for new urban residents and young professionals.
DETERIORATION_MONTHS = 8
DETERIORATION = {"hazard": 0.8, "hazard_focus": 1.6, "roll": 0.35, "vintage": 0.5}
DETERIORATION_FOCUS = ("NEW_URBAN", "YOUNG_PRO")

# Roll rates per dpd bucket (1 = 1-30, 2 = 31-60, ...): (cure to current, back one
# bucket, stay). The remainder rolls forward. Riskier accounts roll more.
ROLL_RATES = {
    1: (0.55, 0.0, 0.15),
    2: (0.20, 0.10, 0.15),
    3: (0.10, 0.05, 0.10),
    4: (0.04, 0.0, 0.06),
    5: (0.03, 0.0, 0.06),
    6: (0.03, 0.0, 0.06),
}
WRITE_OFF_BUCKET = 7  # 181+ dpd: unsecured accounts are written off the next month

# --- deposits, wealth and the market ---------------------------------------------------

SAVINGS_CUSTOMERS = {"TD": 60_000.0, "WM_STABLE": 20_000.0}  # at scale 1, end of window
SAVINGS_BALANCE_PER_CUSTOMER = _matrix(
    {
        "TD": dict(
            YOUNG_PRO=80e3, NEW_URBAN=40e3, SME_OWNER=200e3, MATURE=220e3, HNW=1.5e6, MASS=60e3
        ),
        "WM_STABLE": dict(
            YOUNG_PRO=90e3, NEW_URBAN=45e3, SME_OWNER=250e3, MATURE=280e3, HNW=1.6e6, MASS=70e3
        ),
    },
    SAVINGS_PRODUCTS,
    SEGMENTS,
)
SAVINGS_CHANNEL_BALANCE = _table(dict(APP=0.85, BRANCH=1.2, PARTNER=0.8), CHANNELS)
SAVINGS_REGION_BALANCE = AMOUNT_REGION
TD_RATE_START = 0.021
TD_RATE_CUTS = ((30, 0.0010), (22, 0.0015), (14, 0.0020), (6, 0.0015))  # months before end
WM_YIELD = (0.034, 0.027)  # start, end of window
WM_WOBBLE_MONTHS_BEFORE_END = 14  # bond-market wobble: NAV dip and redemptions

MARKET_SHARE = {
    "CC_YOUTH": (0.024, 0.021),  # (start, end of window)
    "CC_PLAT": (0.015, 0.016),
    "FLASH": (0.022, 0.029),
    "HOME": (0.0085, 0.009),
    "SME": (0.012, 0.015),
    "AUTO": (0.018, 0.02),
    "TD": (0.011, 0.0115),
    "WM_STABLE": (0.015, 0.019),
}
MARKET_REGION = _table(
    dict(EAST=1.6, NORTH=0.9, SOUTH=1.0, CENTRAL=0.95, SOUTHWEST=0.8, NORTHWEST=0.6, NORTHEAST=0.7),
    REGIONS,
)
CARD_ISSUANCE_SHARE = {"CC_YOUTH": (0.03, 0.026), "CC_PLAT": (0.018, 0.02)}

# --- feedback ----------------------------------------------------------------------

THEMES = (
    "high_interest",
    "fees",
    "points_redemption",
    "collection_conduct",
    "app_digital",
    "service_attitude",
    "disputed_transaction",
    "fraud",
    "credit_reporting",
)
EMERGING_THEME = "marketing_harassment"
ALL_THEMES = (*THEMES, EMERGING_THEME)

# Complaints per 10,000 active customers per month, and the theme mix per product.
COMPLAINT_RATE = {
    "CC_YOUTH": 48.0,
    "CC_PLAT": 35.2,
    "FLASH": 72.0,
    "HOME": 32.0,
    "SME": 35.2,
    "AUTO": 35.2,
    "TD": 3.5,
    "WM_STABLE": 9.6,
}
THEME_MIX = {
    "CC_YOUTH": dict(
        points_redemption=0.18, fees=0.2, disputed_transaction=0.14, app_digital=0.12,
        service_attitude=0.1, fraud=0.08, high_interest=0.06, collection_conduct=0.06,
        credit_reporting=0.06,
    ),
    "CC_PLAT": dict(
        points_redemption=0.25, fees=0.22, disputed_transaction=0.15, service_attitude=0.12,
        fraud=0.08, app_digital=0.08, high_interest=0.03, collection_conduct=0.02,
        credit_reporting=0.05,
    ),
    "FLASH": dict(
        high_interest=0.28, collection_conduct=0.25, app_digital=0.12, credit_reporting=0.1,
        fees=0.08, service_attitude=0.08, fraud=0.05, disputed_transaction=0.04,
    ),
    "HOME": dict(
        service_attitude=0.25, fees=0.15, credit_reporting=0.12, app_digital=0.12,
        high_interest=0.2, collection_conduct=0.06, disputed_transaction=0.05, fraud=0.05,
    ),
    "SME": dict(
        high_interest=0.2, service_attitude=0.22, fees=0.15, credit_reporting=0.12,
        app_digital=0.1, collection_conduct=0.12, disputed_transaction=0.05, fraud=0.04,
    ),
    "AUTO": dict(
        fees=0.2, high_interest=0.2, service_attitude=0.18, collection_conduct=0.14,
        credit_reporting=0.1, app_digital=0.1, disputed_transaction=0.05, fraud=0.03,
    ),
    "TD": dict(
        service_attitude=0.38, app_digital=0.28, fees=0.12, fraud=0.12, disputed_transaction=0.1,
    ),
    "WM_STABLE": dict(
        service_attitude=0.33, app_digital=0.2, fees=0.2, disputed_transaction=0.22, fraud=0.05,
    ),
}  # fmt: skip
# The emerging theme: complaints per month at scale 1 over the last four months, spread
# over products by these weights (cross-selling calls hit card and loan customers most).
EMERGING_MONTHLY = (6.0, 14.0, 28.0, 50.0)
EMERGING_BACKGROUND = 0.4  # stray complaints a month before it emerged
EMERGING_PRODUCT_WEIGHT = dict(
    CC_YOUTH=1.5, CC_PLAT=1.0, FLASH=1.5, HOME=0.5, SME=0.5, AUTO=0.6, TD=0.7, WM_STABLE=1.2
)
APP_UPGRADE_MONTHS_BEFORE_END = 3  # a CC_YOUTH app release goes wrong
APP_UPGRADE_SPIKE = (6.0, 2.0)  # app_digital multiplier in that month and the next

NPS_RESPONSES_PER_10K = 60.0  # survey answers per 10,000 active customers per month
NPS_MEAN = dict(
    CC_YOUTH=7.9, CC_PLAT=8.4, FLASH=7.6, HOME=8.1, SME=7.8, AUTO=7.9, TD=8.2, WM_STABLE=7.9
)
NPS_SEGMENT = _table(
    dict(YOUNG_PRO=0.0, NEW_URBAN=-0.35, SME_OWNER=-0.1, MATURE=0.25, HNW=0.3, MASS=-0.2), SEGMENTS
)
NPS_CHANNEL = _table(dict(APP=0.1, BRANCH=0.15, PARTNER=-0.35), CHANNELS)
