"""Number and text formatting shared by the report renderings (presentation only, no math)."""

from __future__ import annotations

import math

from confmat.report.model import Report

TABLE_STATISTICS = ("precision", "recall", "f1", "specificity")
"""The statistics shown in people's per-class tables (CSV and DataFrames have them all)."""


def number(value: float, digits: int = 4) -> str:
    """A statistic for people: fixed digits, ``n/a`` when undefined, ``inf`` when infinite.

    Examples:
        >>> number(0.93456), number(float("nan")), number(float("inf"))
        ('0.9346', 'n/a', 'inf')
    """
    if math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.{digits}f}"


def count(value: float) -> str:
    """A count (or a sum of weights) without a needless decimal point.

    Examples:
        >>> count(12), count(2.5)
        ('12', '2.5')
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


def interval(lo: float, hi: float, digits: int = 2) -> str:
    """An interval ``lo-hi``; empty when undefined.

    Examples:
        >>> interval(0.4385, 1.0), interval(float("nan"), float("nan"))
        ('0.44-1.00', '')
    """
    if math.isnan(lo) or math.isnan(hi):
        return ""
    return f"{lo:.{digits}f}-{hi:.{digits}f}"


def printable(text: str) -> str:
    r"""``text`` with control and format characters (ANSI escapes, bidi overrides) made visible.

    Examples:
        >>> print(printable("cat\x1b[2J\u202e"))
        cat\x1b[2J\u202e
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def subtitle(report: Report) -> str:
    """The line under the title: samples, classes, positive class.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> from confmat.report.model import build_report
        >>> subtitle(build_report(ConfusionMatrix([[5, 1], [2, 8]], ["no", "yes"])))
        '16 samples, 2 classes (positive class: yes)'
    """
    s = report.summary
    weighted = " (sum of sample weights)" if s.weighted else ""
    positive = f" (positive class: {s.positive})" if s.positive is not None else ""
    return f"{count(s.n)} samples{weighted}, {s.num_classes} classes{positive}"


def summary_rows(report: Report) -> list[tuple[str, str]]:
    """The summary block as (label, value) pairs, accuracy first.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> from confmat.report.model import build_report
        >>> summary_rows(build_report(ConfusionMatrix([[45, 5], [10, 40]])))[0]
        ('accuracy', '0.8500  (95% CI 0.76-0.91)')
    """
    s = report.summary
    ci = interval(*s.accuracy_ci)
    return [
        ("accuracy", number(s.accuracy) + (f"  (95% CI {ci})" if ci else "")),
        ("no-information rate", number(s.no_information_rate)),
        ("p-value acc > NIR", p_value(s.p_value_vs_nir)),
        ("balanced accuracy", number(s.balanced_accuracy)),
        ("Cohen's kappa", number(s.cohen_kappa)),
        ("MCC", number(s.mcc)),
        ("macro F1", number(s.macro_f1)),
        ("weighted F1", number(s.weighted_f1)),
    ]


def class_table(report: Report) -> tuple[list[str], list[list[str]]]:
    """The per-class table for people: header and one row of strings per class.

    Columns: class, support, predicted, the :data:`TABLE_STATISTICS` and the recall interval.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> from confmat.report.model import build_report
        >>> header, rows = class_table(build_report(ConfusionMatrix([[3, 0], [0, 0]], ["a", "b"])))
        >>> header[:4], rows[1][:5]
        (['class', 'support', 'predicted', 'precision'], ['b', '0', '0', 'n/a', 'n/a'])
    """
    columns = report.per_class
    header = ["class", "support", "predicted", *TABLE_STATISTICS, "recall 95% CI"]
    rows = [
        [
            name,
            count(columns["support"][i]),
            count(columns["predicted"][i]),
            *(number(columns[key][i]) for key in TABLE_STATISTICS),
            interval(columns["recall_ci_low"][i], columns["recall_ci_high"][i]),
        ]
        for i, name in enumerate(report.classes)
    ]
    return header, rows


def average_rows(report: Report) -> list[list[str]]:
    """The footer of :func:`class_table`: macro, weighted and micro averages.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> from confmat.report.model import build_report
        >>> average_rows(build_report(ConfusionMatrix([[3, 1], [0, 4]])))[0][:4]
        ['macro avg', '8', '', '0.9000']
    """
    s = report.summary
    return [
        [
            f"{method} avg",
            count(s.n),
            "",
            *(number(report.averages[method][key]) for key in TABLE_STATISTICS),
            "",
        ]
        for method in ("macro", "weighted", "micro")
    ]


def pair_rows(report: Report) -> list[list[str]]:
    """The most confused pairs: true class, predicted class, count and share of the true class.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> from confmat.report.model import build_report
        >>> pair_rows(build_report(ConfusionMatrix([[8, 2], [1, 9]], ["a", "b"])))
        [['a', 'b', '2', '20.0%'], ['b', 'a', '1', '10.0%']]
    """
    return [[p.true, p.pred, count(p.count), f"{100 * p.rate:.1f}%"] for p in report.pairs]
