"""The per-class table as CSV, safe to open in a spreadsheet.

Numbers are written as numbers (NaN as an empty cell, infinity as ``inf``). Text cells that a
spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return) are prefixed with a single quote, unless they are plain numbers such as ``-1``.
"""

from __future__ import annotations

import csv
import io
import math
import re

from confmat._internal.core.types import MatrixLike, MultilabelLike
from confmat._internal.report.model import Report, build_report

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def safe_cell(text: str) -> str:
    """``text`` as an inert spreadsheet cell: formulas are quoted, numbers left as they are.

    Examples:
        >>> safe_cell("=HYPERLINK(1)"), safe_cell("-1"), safe_cell("-x"), safe_cell("cat")
        ("'=HYPERLINK(1)", '-1', "'-x", 'cat')
    """
    if text.startswith(_FORMULA_START) and _PLAIN_NUMBER.fullmatch(text) is None:
        return "'" + text
    return text


def render_csv(cm: MatrixLike | MultilabelLike) -> str:
    """The per-class table: one row per class, a column per count, statistic and interval.

    Columns: ``class``, then the counts, every per-class statistic and the 95% Wilson intervals
    of recall, specificity, precision and NPV (see :class:`~report.model.Report`). A
    multilabel result's table has a row per label: ``label``, its counts in scikit-learn's
    order (``tn, fp, fn, tp``), the same statistics and intervals.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> lines = render_csv(ConfusionMatrix([[5, 1], [2, 8]], ["no", "yes"])).splitlines()
        >>> lines[0][:40]
        'class,support,predicted,tp,fp,fn,tn,prev'
        >>> lines[2].split(",")[:8]
        ['yes', '10', '9', '8', '1', '2', '5', '0.625']
    """
    return csv_from_report(build_report(cm, top_pairs=1))


def csv_from_report(report: Report) -> str:
    """Render the per-class table of a built report as CSV (see :func:`render_csv`).

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> report = build_report(ConfusionMatrix([[1, 0], [0, 0]], ["=1+1", "b"]))
        >>> print(csv_from_report(report).splitlines()[2][:20])
        b,0,0,0,0,0,1,0.0,,,
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # RFC 4180: CRLF rows; a CR or LF inside a cell is quoted
    columns = report.per_class
    writer.writerow([report.terms.item, *(safe_cell(name) for name in columns)])
    for i, name in enumerate(report.classes):
        writer.writerow([safe_cell(name), *(_number(values[i]) for values in columns.values())])
    return buffer.getvalue()


def _number(value: float) -> str:
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
    return repr(value)
