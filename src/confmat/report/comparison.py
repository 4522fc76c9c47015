"""Plain-text rendering of a paired comparison of two models (``confmat compare``)."""

from __future__ import annotations

import math

from confmat.compare import Comparison


def _number(value: float, digits: int = 4, signed: bool = False) -> str:
    if math.isnan(value):
        return "-"
    return f"{value:+.{digits}f}" if signed else f"{value:.{digits}f}"


def _p_value(value: float) -> str:
    if math.isnan(value):
        return "- (the models never disagree)"
    return f"{value:.3g}"


def render_comparison(comparison: Comparison, name_a: str = "A", name_b: str = "B") -> str:
    """The comparison as plain text: the paired table, McNemar's tests, the differences.

    Examples:
        >>> text = render_comparison(Comparison.from_paired_table(90, 10, 2, 3, n_resamples=100))
        >>> print(text.splitlines()[0])
        Paired comparison of A and B on 105 samples
    """
    t = comparison.table
    n = sum(t)
    level = f"{comparison.level:.0%}"
    lines = [
        f"Paired comparison of {name_a} and {name_b} on {n} samples",
        f"  both right {t.both_right}, only {name_a} right {t.only_a}, "
        f"only {name_b} right {t.only_b}, both wrong {t.both_wrong}",
        f"McNemar exact (binomial) p = {_p_value(comparison.mcnemar_exact_p_value)}; "
        f"chi-square (corrected) = {_number(comparison.mcnemar_chi2, 3)}, "
        f"p = {_p_value(comparison.mcnemar_chi2_p_value)}",
        "",
        f"Differences {name_b} - {name_a}, {level} paired bootstrap intervals "
        f"({comparison.n_resamples} resamples):",
        f"  {'statistic':<18} {name_a:>8} {name_b:>8} {'diff':>8}  interval",
    ]
    for stat, d in comparison.differences.items():
        interval = f"[{_number(d.lo, signed=True)}, {_number(d.hi, signed=True)}]"
        lines.append(
            f"  {stat:<18} {_number(d.a):>8} {_number(d.b):>8} "
            f"{_number(d.difference, signed=True):>8}  {interval}"
        )
    if comparison.per_class:
        lines += ["", f"Per class, {name_b} - {name_a}:"]
        stats = next(iter(comparison.per_class.values())).keys()
        width = max(len(c) for c in comparison.per_class)
        lines.append(f"  {'class':<{width}} " + " ".join(f"{s:>10}" for s in stats))
        for name, values in comparison.per_class.items():
            cells = " ".join(f"{_number(v, signed=True):>10}" for v in values.values())
            lines.append(f"  {name:<{width}} {cells}")
    return "\n".join(lines) + "\n"
