"""Reports: one report model, rendered for people (terminal, text, Markdown, HTML) and programs.

Examples:
    >>> from confmat import ConfusionMatrix
    >>> cm = ConfusionMatrix([[50, 3], [4, 43]], ["healthy", "sick"])
    >>> render_markdown(cm).splitlines()[0]
    '# Confusion matrix report'
    >>> render_csv(cm).splitlines()[1][:14]
    'healthy,53,54,'
"""

from __future__ import annotations

from confmat._internal.report.csv import render_csv
from confmat._internal.report.dataframe import to_pandas
from confmat._internal.report.html import render_html, repr_html
from confmat._internal.report.json import render_json
from confmat._internal.report.markdown import render_markdown
from confmat._internal.report.model import Report, build_report
from confmat._internal.report.text import print_report, render_text

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
