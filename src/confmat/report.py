"""Reports of a matrix, for people (terminal, Markdown, HTML) and for programs (JSON, CSV, pandas).

Examples:
    >>> from confmat import ConfusionMatrix
    >>> from confmat.report import render_markdown
    >>> cm = ConfusionMatrix([[50, 3], [4, 43]], ["healthy", "sick"])
    >>> render_markdown(cm).splitlines()[0]
    '# Confusion matrix report'
"""

from __future__ import annotations

from confmat._internal.report import (
    Report,
    build_report,
    print_report,
    render_csv,
    render_html,
    render_json,
    render_markdown,
    render_text,
    repr_html,
    to_pandas,
)

__all__ = [
    "Report",
    "build_report",
    "print_report",
    "render_csv",
    "render_html",
    "render_json",
    "render_markdown",
    "render_text",
    "repr_html",
    "to_pandas",
]
