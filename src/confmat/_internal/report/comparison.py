"""Plain-text rendering of a paired comparison of two models (``confmat compare``).

Names come from files (class names, column and file names): each is shown through the one
escaping rule, :func:`confmat.exceptions.printable`, and the tables are aligned on the widest.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from confmat._internal.results.comparison import Comparison
from confmat.exceptions import printable


def _number(value: float, digits: int = 4, signed: bool = False) -> str:
    if math.isnan(value):
        return "-"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def _p_value(value: float) -> str:
    if math.isnan(value):
        return "- (the models never disagree)"
    return f"{value:.3g}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> list[str]:
    """Rows of cells aligned by ``align``, ``<`` or ``>`` per column, each as wide as its widest."""
    table = [header, *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    widths = [w if side == "<" else max(w, 8) for w, side in zip(widths, align, strict=True)]
    return [
        "  "
        + "  ".join(
            cell.ljust(w) if side == "<" else cell.rjust(w)
            for cell, w, side in zip(row, widths, align, strict=True)
        ).rstrip()
        for row in table
    ]


def render_comparison(comparison: Comparison, name_a: str = "A", name_b: str = "B") -> str:
    r"""The comparison as plain text: the paired table, McNemar's tests, the differences.

    Examples:
        >>> text = render_comparison(Comparison.from_paired_table(90, 10, 2, 3, n_resamples=100))
        >>> print(text.splitlines()[0])
        Paired comparison of A and B on 105 samples
        >>> render_comparison(Comparison.from_paired_table(1, 1, 1, 1), "\x1b]0;x\x07")[:37]
        'Paired comparison of \\x1b]0;x\\x07 and'
    """
    a, b = printable(name_a), printable(name_b)
    t = comparison.table
    n = sum(t)
    level = f"{comparison.level:.0%}"
    lines = [
        f"Paired comparison of {a} and {b} on {n} samples",
        f"  both right {t.both_right}, only {a} right {t.only_a}, "
        f"only {b} right {t.only_b}, both wrong {t.both_wrong}",
        f"McNemar exact (binomial) p = {_p_value(comparison.mcnemar_exact_p_value)}; "
        f"chi-square (corrected) = {_number(comparison.mcnemar_chi2, 3)}, "
        f"p = {_p_value(comparison.mcnemar_chi2_p_value)}",
        "",
        f"Differences {b} - {a}, {level} paired bootstrap intervals "
        f"({comparison.n_resamples} resamples):",
    ]
    rows = [
        [
            stat,
            _number(d.a),
            _number(d.b),
            _number(d.difference, signed=True),
            f"[{_number(d.lo, signed=True)}, {_number(d.hi, signed=True)}]",
        ]
        for stat, d in comparison.differences.items()
    ]
    lines += _table(["statistic", a, b, "diff", "interval"], rows, align="<>>><")
    if comparison.per_class:
        lines += ["", f"Per class, {b} - {a}:"]
        stats = list(next(iter(comparison.per_class.values())).keys())
        rows = [
            [printable(name), *(_number(v, signed=True) for v in values.values())]
            for name, values in comparison.per_class.items()
        ]
        lines += _table(["class", *stats], rows, align="<" + ">" * len(stats))
    return "\n".join(lines) + "\n"
