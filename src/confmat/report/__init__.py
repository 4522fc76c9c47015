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

from confmat.report.csv import render_csv
from confmat.report.frames import to_pandas
from confmat.report.html import render_html, repr_html
from confmat.report.markdown import render_markdown
from confmat.report.model import Report, build_report
from confmat.report.text import print_report, render_json, render_text

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
