"""Reports of a result, for people (terminal, Markdown, HTML) and for programs (JSON, CSV, pandas).

Every renderer takes a :class:`~confmat.ConfusionMatrix` (and the multilabel and other results
where the format supports them) and returns the report as text; :func:`findings` gives the
report's findings alone.

Examples:
    >>> from confmat import ConfusionMatrix
    >>> from confmat.report import findings, render_markdown
    >>> cm = ConfusionMatrix([[50, 3], [4, 43]], ["healthy", "sick"])
    >>> render_markdown(cm).splitlines()[0]
    '# Confusion matrix report'
    >>> [f.code for f in findings(cm)][:1]
    ['most-confused']
"""

from __future__ import annotations

from confmat._internal.report import (
    print_report,
    render_csv,
    render_html,
    render_json,
    render_markdown,
    render_text,
    to_pandas,
)
from confmat._internal.report.findings import Finding, findings

__all__ = [
    "Finding",
    "findings",
    "print_report",
    "render_csv",
    "render_html",
    "render_json",
    "render_markdown",
    "render_text",
    "to_pandas",
]
