"""The Markdown report (GitHub-flavoured tables), with every user string escaped.

Of a confusion matrix or of a multilabel result (its figures, co-confusion and per-label table).

Class names, titles and file names are text, never markup: characters Markdown (and GitHub)
give a meaning to are backslash-escaped, HTML tags cannot form, and line breaks cannot end a
table row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from confmat._internal.core.types import MatrixLike, MultilabelLike, Normalize
from confmat._internal.report import _format
from confmat._internal.report.model import Report, build_report, matrix_view

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&$@])")
"""Characters with a meaning inside a line of GitHub Markdown: escapes, code, emphasis, links,
HTML and entities, table cells, strike-through, math, mentions, headings."""

_SEVERITY_LABEL = {"critical": "**critical**", "warning": "*warning*", "info": "info"}

MATRIX_MAX_CLASSES = 20
"""The Markdown report prints the whole matrix up to this many classes, else the most confused."""


def escape(text: str) -> str:
    r"""``text`` as literal Markdown on one line: markup characters backslash-escaped.

    Control characters and line breaks are shown as escapes (``\n``), so a name cannot end a
    table row or start a block.

    Examples:
        >>> print(escape("a|b <script> *x* [l](u)"))
        a\|b \<script\> \*x\* \[l\](u)
    """
    return _SPECIAL.sub(r"\\\1", _format.printable(text))


def render_markdown(
    cm: MatrixLike | MultilabelLike,
    *,
    title: str | None = None,
    source: str | None = None,
    normalize: Normalize | None = None,
) -> str:
    """The report as Markdown: summary, matrix, per-class table, most confused pairs, findings.

    A binary report leads with the positive class: TP, FP, FN, TN, then sensitivity,
    specificity, PPV, NPV (each with its 95% Wilson interval) and F1. Beyond
    :data:`MATRIX_MAX_CLASSES` classes, the matrix shows the most confused ones and says so.

    Args:
        cm: the confusion matrix (rows true class, columns predicted class), or a multilabel
            result (:class:`~confmat.MultilabelConfusion`).
        title: the report's title.
        source: where the predictions came from, e.g. a file name.
        normalize: the matrix as percent of each true class (``"true"``, rows), of each
            predicted class (``"pred"``, columns) or of all samples (``"all"``); None: counts.

    Returns:
        The Markdown document, ending with a newline.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> md = render_markdown(ConfusionMatrix([[5, 1], [2, 8]], ["no", "yes"]))
        >>> print(md.splitlines()[0])
        # Confusion matrix report
        >>> "| yes | 10 | 9 |" in md
        True
        >>> md = render_markdown(ConfusionMatrix([[5, 1], [2, 8]], ["no", "yes"]), normalize="true")
        >>> "| no | 83.3% | 16.7% |" in md
        True
    """
    report = build_report(cm, title=title, source=source, normalize=normalize)
    return markdown_from_report(report)


def markdown_from_report(report: Report) -> str:
    """Render a built :class:`~report.model.Report` as Markdown.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> print(markdown_from_report(build_report(ConfusionMatrix([[1]]))).splitlines()[2])
        1 samples, 1 classes
    """
    lines = [f"# {escape(report.title)}", ""]
    lines.append(escape(_format.subtitle(report)))
    if report.source is not None:
        lines += ["", f"Source: {escape(report.source)}"]
    if report.binary is not None:
        lines += ["", f"## {escape(_format.binary_heading(report))}", ""]
        counts = _format.binary_counts(report)
        lines += _table([name for name, _ in counts], [[c for _, c in counts]], numeric_from=0)
        lines += [""]
        lines += _table(_format.BINARY_HEADER, _format.binary_rows(report), numeric_from=1)
    lines += ["", "## Summary", ""]
    lines += _table(["statistic", "value"], _format.summary_rows(report), numeric_from=1)
    terms = report.terms
    if report.matrix_shown:
        view = matrix_view(report, MATRIX_MAX_CLASSES)
        lines += ["", f"## {terms.matrix}", "", terms.axes_sentence]
        if report.normalize is not None:
            lines[-1] += " " + escape(_format.matrix_unit(report))
        if note := _format.matrix_note(report, view):
            lines += ["", escape(note)]
        lines += [""]
        lines += _table(*_format.matrix_rows(report, view), numeric_from=1)
    header, bins, sentences = _format.distribution_rows(report)
    if bins:
        lines += ["", f"## {_format.DISTRIBUTION_HEADING}", ""]
        lines += [*_table(header, bins, numeric_from=1), ""]
        lines += [escape(" ".join(sentences))]
    header, rows = _format.class_table(report)
    lines += ["", f"## {terms.per_item}", ""]
    lines += _table(header, [*rows, *_format.average_rows(report)], numeric_from=1)
    lines += ["", f"## {terms.pairs}", ""]
    pairs = _format.pair_rows(report)
    none = f"None: {terms.no_pairs}."
    lines += _table(terms.pair_header, pairs, numeric_from=2) if pairs else [none]
    if note := _format.pairs_note(report):
        lines += ["", escape(note)]
    if report.top_k is not None:
        lines += ["", f"## Top-{report.top_k.k}", "", escape(_format.top_k_line(report.top_k))]
        lines += ["", *_table(*_format.top_k_rows(report.top_k), numeric_from=1)]
    lines += ["", "## Findings", ""]
    lines += [f"- {_SEVERITY_LABEL[f.severity]}: {escape(f.message)}" for f in report.findings]
    if not report.findings:
        lines.append("Nothing to flag.")
    return "\n".join(lines) + "\n"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int) -> list[str]:
    """A GitHub table; columns from ``numeric_from`` on are right-aligned."""
    align = ["---" if i < numeric_from else "--:" for i in range(len(header))]
    return [
        _row(header),
        "|" + "|".join(align) + "|",
        *(_row(r) for r in rows),
    ]


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(escape(c) if c else " " for c in cells) + " |"
