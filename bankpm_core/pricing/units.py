"""Money and rates as values: ``Decimal`` with an explicit currency or unit.

A :class:`Rate` is an annual rate held as a fraction (``Rate("0.0865")`` is 8.65 % p.a.);
it converts to percent and basis points on request, never implicitly. :class:`Money`
is an amount with its ISO currency; adding two currencies is an error. Both are
immutable and exact: the pricing build-up is Decimal arithmetic from config to answer,
and only renderers turn them into text.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

Number = int | str | Decimal | float

BP = Decimal("0.0001")
RATE_PLACES = Decimal("0.000001")  # 0.01 bp: precision the build-up keeps
CENT = Decimal("0.01")


def to_decimal(value: Number) -> Decimal:
    """Decimal from int/str/Decimal, and from float through its shortest repr."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


@dataclass(frozen=True, order=True)
class Rate:
    """An annual rate as a fraction: ``Rate("0.022")`` = 2.2 % p.a. = 220 bp."""

    value: Decimal

    def __init__(self, value: Number) -> None:
        object.__setattr__(self, "value", to_decimal(value))

    @classmethod
    def percent(cls, value: Number) -> Rate:
        return cls(to_decimal(value) / 100)

    @classmethod
    def bp(cls, value: Number) -> Rate:
        return cls(to_decimal(value) * BP)

    @property
    def as_percent(self) -> Decimal:
        return self.value * 100

    @property
    def as_bp(self) -> Decimal:
        return self.value / BP

    def quantize(self, step: Decimal = RATE_PLACES) -> Rate:
        return Rate(self.value.quantize(step, rounding=ROUND_HALF_UP))

    def __add__(self, other: Rate) -> Rate:
        if not isinstance(other, Rate):
            return NotImplemented
        return Rate(self.value + other.value)

    def __sub__(self, other: Rate) -> Rate:
        if not isinstance(other, Rate):
            return NotImplemented
        return Rate(self.value - other.value)

    def __mul__(self, factor: Number) -> Rate:
        if isinstance(factor, Rate):
            return Rate(self.value * factor.value)
        return Rate(self.value * to_decimal(factor))

    __rmul__ = __mul__

    def __truediv__(self, other: Rate) -> Decimal:
        """Ratio of two rates (a plain number), e.g. RAROC = return / capital."""
        return self.value / other.value

    def __neg__(self) -> Rate:
        return Rate(-self.value)

    def __float__(self) -> float:
        return float(self.value)

    def __repr__(self) -> str:
        return f"Rate({self.value.normalize()})"


ZERO = Rate(0)


@dataclass(frozen=True)
class Money:
    """An amount in one currency, exact."""

    amount: Decimal
    currency: str

    def __init__(self, amount: Number, currency: str) -> None:
        if not currency or len(currency) != 3:
            raise ValueError(f"currency must be an ISO code, got {currency!r}")
        object.__setattr__(self, "amount", to_decimal(amount))
        object.__setattr__(self, "currency", currency.upper())

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot combine {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: Rate | Number) -> Money:
        value = factor.value if isinstance(factor, Rate) else to_decimal(factor)
        return Money(self.amount * value, self.currency)

    __rmul__ = __mul__

    def rounded(self) -> Money:
        return Money(self.amount.quantize(CENT, rounding=ROUND_HALF_UP), self.currency)

    def __float__(self) -> float:
        return float(self.amount)
