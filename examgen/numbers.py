"""Exact decimal arithmetic for points: parsing and half-up rounding (四舍五入)."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction


def to_decimal(value: object) -> Decimal | None:
    """Return ``value`` as a Decimal, or None when it is not a number.

    Floats go through ``str`` so that ``7.5`` stays ``7.5`` and ``0.1`` stays ``0.1``.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # .nan and .inf are numbers to YAML, but no question is worth them.
        return Decimal(repr(value)) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def round_half_up(value: Decimal, places: int) -> Decimal:
    """Round ``value`` half up (away from zero at .5) to ``places`` decimals; never banker's."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def publish(value: Fraction | Decimal | int, places: int) -> Decimal:
    """Return an exact value rounded once, half up (四舍五入), to ``places`` decimals.

    Exact aggregates are fractions (a mean of three marks is a third of their sum);
    rounding works on the fraction itself, so 85.005 exactly goes up and 85.00499… never does.
    """
    # In integers (no Fraction objects: this runs for every score shown):
    # floor(|n/d| * 10**places + 1/2) = (2|n| * 10**places + d) // 2d, half up, away from
    # zero by the sign below.
    numerator, denominator = value.as_integer_ratio()
    whole = (2 * abs(numerator) * 10**places + denominator) // (2 * denominator)
    return Decimal(-whole if numerator < 0 else whole).scaleb(-places)


def is_multiple(value: Decimal, step: Decimal) -> bool:
    """Return whether ``value`` is a whole multiple of ``step`` (e.g. half points)."""
    return (value / step) == (value / step).to_integral_value()


def json_number(value: Decimal) -> int | float:
    """Return a JSON-friendly number: int when whole, else float of the exact decimal text."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)
