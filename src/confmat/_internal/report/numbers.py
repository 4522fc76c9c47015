"""How reports print numbers: the one rule for statistics, counts, p-values and intervals.

Every text rendering (terminal, plain text, Markdown, HTML, findings) prints numbers through
these functions. An interval is printed with the fewest decimals (at least
:data:`LEAST_DECIMALS`) at which its two bounds differ, so its width always shows; a point
estimate printed with its interval uses the same decimals (:func:`estimate`).

Examples:
    >>> estimate(0.99899, 0.99878, 0.99919)
    '0.9990 (95% CI 0.9988-0.9992)'
    >>> estimate(0.85, 0.7647, 0.9135)
    '0.85 (95% CI 0.76-0.91)'
"""

from __future__ import annotations

import math

DIGITS = 4
"""Decimals of a statistic printed on its own (in a table column)."""

LEAST_DECIMALS = 2
"""An interval and its estimate are printed with at least this many decimals."""

MOST_DECIMALS = 6
"""... and at most this many (bounds closer than this print equal)."""


def number(value: float, digits: int = DIGITS) -> str:
    """A statistic for people: fixed digits, ``n/a`` when undefined, ``inf`` when infinite.

    Examples:
        >>> number(0.93456), number(float("nan")), number(float("inf")), number(0.5, 2)
        ('0.9346', 'n/a', 'inf', '0.50')
    """
    if math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.{digits}f}"


def count(value: float) -> str:
    """A count (or a sum of weights) without a needless decimal point.

    Examples:
        >>> count(12), count(2.5), count(2000.0)
        ('12', '2.5', '2000')
    """
    return f"{value:g}" if isinstance(value, float) else str(value)


def p_value(value: float) -> str:
    """A p-value with three significant digits, ``< 1e-16`` below double precision.

    Examples:
        >>> p_value(0.0123456), p_value(0.0)
        ('0.0123', '< 1e-16')
    """
    if math.isnan(value):
        return "n/a"
    if value < 1e-16:
        return "< 1e-16"
    return f"{value:.3g}"


def percent(rate: float) -> str:
    """A share as a percentage with one decimal; ``n/a`` when undefined.

    Examples:
        >>> percent(0.0625), percent(float("nan"))
        ('6.2%', 'n/a')
    """
    return "n/a" if math.isnan(rate) else f"{100 * rate:.1f}%"


def share(rate: float) -> str:
    """A cell of a normalized matrix: :func:`percent`, but an empty cell is ``0``.

    A share that only rounds to zero stays ``0.0%``, so it is told apart from no sample.

    Examples:
        >>> share(0.25), share(0.0), share(0.0001), share(float("nan"))
        ('25.0%', '0', '0.0%', 'n/a')
    """
    return "0" if rate == 0 else percent(rate)


def decimals(lo: float, hi: float) -> int:
    """The fewest decimals at which ``lo`` and ``hi`` print differently.

    From :data:`LEAST_DECIMALS` up to :data:`MOST_DECIMALS`.

    Examples:
        >>> decimals(0.4385, 1.0), decimals(0.99878, 0.99919), decimals(0.5, 0.5)
        (2, 4, 6)
    """
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return LEAST_DECIMALS
    for digits in range(LEAST_DECIMALS, MOST_DECIMALS):
        if f"{lo:.{digits}f}" != f"{hi:.{digits}f}":
            return digits
    return MOST_DECIMALS


def interval(lo: float, hi: float) -> str:
    """An interval ``lo-hi`` whose bounds differ in print; empty when undefined.

    A negative bound is written ``lo to hi``, so the minus sign cannot be read as the dash.

    Examples:
        >>> interval(0.4385, 1.0), interval(0.99878, 0.99919), interval(float("nan"), 1.0)
        ('0.44-1.00', '0.9988-0.9992', '')
        >>> interval(-0.123, 0.25)
        '-0.12 to 0.25'
    """
    if math.isnan(lo) or math.isnan(hi):
        return ""
    digits = decimals(lo, hi)
    dash = " to " if lo < 0 or hi < 0 else "-"
    return f"{number(lo, digits)}{dash}{number(hi, digits)}"


def estimate(value: float, lo: float, hi: float, level: str = "95%") -> str:
    """A point estimate and its interval, both at the decimals of :func:`interval`.

    Without a defined interval, the estimate alone at :data:`DIGITS` decimals.

    Examples:
        >>> estimate(0.8, 0.4902, 0.9433), estimate(0.8, float("nan"), float("nan"))
        ('0.80 (95% CI 0.49-0.94)', '0.8000')
    """
    value_text, shown = estimate_parts(value, lo, hi)
    return f"{value_text} ({level} CI {shown})" if shown else value_text


def estimate_parts(value: float, lo: float, hi: float) -> tuple[str, str]:
    """The two texts of :func:`estimate`: the estimate and the interval (empty if undefined).

    Examples:
        >>> estimate_parts(0.99899, 0.99878, 0.99919), estimate_parts(0.5, float("nan"), 1.0)
        (('0.9990', '0.9988-0.9992'), ('0.5000', ''))
    """
    shown = interval(lo, hi)
    if not shown or math.isnan(value):
        return number(value), shown
    return number(value, decimals(lo, hi)), shown
