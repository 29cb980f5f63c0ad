"""Whole percentages rounded half up, in exact arithmetic, as the inspectorate publishes them."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


def percent(part: int, whole: int) -> int:
    """Return part/whole as a whole percentage, rounded half up (91.5 → 92).

    Integer arithmetic only: floats and Babel's format_percent round half to even.
    """
    if isinstance(part, bool) or isinstance(whole, bool):
        raise TypeError("percent() takes counts, not booleans")
    if whole <= 0:
        raise ValueError(f"a percentage needs a positive whole, not {whole}")
    if not 0 <= part <= whole:
        raise ValueError(f"part {part} is not between 0 and {whole}")
    # floor(100 * part / whole + 1/2), without leaving the integers.
    return (200 * part + whole) // (2 * whole)


def round_half_up(value: Decimal | Fraction | int | str) -> int:
    """Round a non-float number to a whole number, halves away from zero (0.5 → 1, 12.5 → 13)."""
    if isinstance(value, float):
        raise TypeError("pass a Decimal, Fraction, int or str: a float has already lost the half")
    if isinstance(value, Fraction):
        sign = -1 if value < 0 else 1
        magnitude = abs(value)
        return sign * ((2 * magnitude.numerator + magnitude.denominator) // (2 * magnitude.denominator))
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def points(current: int | None, previous: int | None) -> int | None:
    """Return the change between two published percentages in percentage points."""
    if current is None or previous is None:
        return None
    return current - previous
