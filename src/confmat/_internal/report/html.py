r"""The standalone HTML report and the compact HTML of Jupyter's ``_repr_html_``.

One self-contained file that works offline, with no external address. The report is complete
without script: the matrix is an HTML table, the tables and the kept samples are in the markup.
One inline script (``templates/report.js``, hand-written, no library) makes it interactive:
select a cell for its numbers and samples, sort the per-class table, filter classes, switch the
matrix between counts and shares, link to a cell. Its Content-Security-Policy allows exactly that
script and the inline style by their SHA-256 hashes, images from ``data:`` URIs only, nothing else.

Templates live in ``report/templates`` and are rendered by jinja2 with autoescaping, so every
user string (class names, title, file name, captions) is text, never markup; control characters
in it are shown as escapes such as ``\x1b``. The script's data travel as JSON in a
``<script type="application/json">`` block with ``<``, ``>`` and ``&`` escaped, and the script
writes text only through ``textContent``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from confmat._internal.core.types import MatrixLike, MultilabelLike, Normalize
from confmat._internal.report import _format, numbers
from confmat._internal.report.interactive import left_out, matrix_table, page_data, sample_groups
from confmat._internal.report.model import (
    GalleryEntry,
    LabelSummary,
    Report,
    build_report,
    matrix_view,
)
from confmat._version import __version__

if TYPE_CHECKING:
    import jinja2

DENSE_MATRIX = 30
"""Beyond this many classes the matrix table is drawn in smaller type."""

REPR_ROWS = 20
"""The Jupyter view lists at most this many classes."""

REPR_MATRIX = 12
"""The Jupyter view shows the matrix up to this many classes, else the most confused ones."""

LOW = 0.5
"""Per-class statistics below this are highlighted in the HTML table."""


class Cell(NamedTuple):
    """A table cell: its text and a CSS class (``"low"``, ``"na"`` or empty)."""

    text: str
    css: str


class Card(NamedTuple):
    """A number of the summary: its label, its value and a note under it."""

    label: str
    value: str
    note: str


def render_html(
    cm: MatrixLike | MultilabelLike,
    *,
    title: str | None = None,
    source: str | None = None,
    gallery: Sequence[GalleryEntry] | None = None,
    heatmap: bool = True,
    normalize: Normalize | None = None,
) -> str:
    """The report as one standalone HTML file.

    Args:
        cm: the confusion matrix (rows true class, columns predicted class), or a multilabel
            result (its figures, its label co-confusion as the matrix, the per-label table).
        title: the report's title.
        source: where the predictions came from, e.g. a file name.
        gallery: examples as ``(data:image/png;base64,... URI, caption)`` pairs, or as
            ``(URI, caption, sample)`` triples placed in their cell (see
            :meth:`confmat.EvaluationResult.cell_gallery`).
        heatmap: include the matrix; beyond
            :data:`~report.interactive.HEATMAP_FULL_MAX` classes, the
            :data:`~report.interactive.HEATMAP_TOP` most confused classes.
        normalize: the matrix first shows percent of each true class (``"true"``, rows), of
            each predicted class (``"pred"``, columns) or of all samples (``"all"``); None:
            counts. The page's toolbar switches between all four views.

    Returns:
        The HTML document.

    Raises:
        OptionError: if a gallery image is not a raster ``data:image/`` URI.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> page = render_html(ConfusionMatrix([[5, 1], [2, 8]], ["<b>no</b>", "yes"]))
        >>> page.startswith("<!DOCTYPE html>"), "&lt;b&gt;no&lt;/b&gt;" in page
        (True, True)
        >>> '<table class="matrix" id="matrix">' in page, "unsafe-inline" in page
        (True, False)
    """
    report = build_report(cm, title=title, source=source, gallery=gallery, normalize=normalize)
    return html_from_report(report, heatmap=heatmap)


def html_from_report(report: Report, *, heatmap: bool = True) -> str:
    """Render a built :class:`~report.model.Report` as a standalone HTML file.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> report = build_report(ConfusionMatrix([[1, 0], [0, 1]]), title="A & B")
        >>> "<title>A &amp; B</title>" in html_from_report(report, heatmap=False)
        True
    """
    header, rows = _class_rows(report)
    view = matrix_table(report) if heatmap and report.matrix_shown else None
    groups = sample_groups(report)
    script, style = _asset("report.js"), _asset("report.css")
    explained = report.terms.interactive  # the script explains the matrix's cells
    top_k = report.top_k
    return _template("report.html.j2").render(
        version=__version__,
        terms=report.terms,
        title=report.title,
        subtitle=_format.subtitle(report),
        source=report.source,
        cards=_cards(report),
        findings=report.findings,
        matrix=view,
        matrix_dense=view is not None and len(view.order) > DENSE_MATRIX,
        class_header=header,
        class_rows=rows,
        average_rows=_format.average_rows(report),
        pair_rows=_format.pair_rows(report),
        pairs_note=_format.pairs_note(report),
        distributions=report.distributions,
        distribution_heading=_format.DISTRIBUTION_HEADING,
        distribution_rows=_distribution_rows(report),
        distribution_sentences=_format.distribution_rows(report)[2],
        binary_heading=_format.binary_heading(report),
        binary_counts=_format.binary_counts(report),
        binary_header=_format.BINARY_HEADER,
        binary_rows=_format.binary_rows(report),
        groups=groups,
        gallery_note=left_out(report, groups),
        top_k=top_k,
        top_k_line="" if top_k is None else _format.top_k_line(top_k),
        top_k_rows=[] if top_k is None else _format.top_k_rows(top_k)[1],
        data=_markup(page_data(report, view) if view is not None and explained else "{}"),
        script=_markup(script),
        script_hash=_markup(source_hash(script)),
        style=_markup(style),
        style_hash=_markup(source_hash(style)),
    )


def source_hash(text: str) -> str:
    """The Content-Security-Policy source that allows exactly this inline script or style.

    Examples:
        >>> source_hash("")
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    """
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def repr_html(cm: MatrixLike | MultilabelLike) -> str:
    """A compact HTML view for Jupyter: summary, matrix, per-class table, findings.

    A binary matrix leads with the positive class's counts and statistics; the matrix shows at
    most :data:`REPR_MATRIX` classes (the most confused, saying so) and the per-class table at
    most :data:`REPR_ROWS`.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> view = repr_html(ConfusionMatrix([[3, 1], [0, 4]], ["a", "<b>"]))
        >>> '<table class="cm-matrix">' in view, "&lt;b&gt;" in view
        (True, True)
    """
    report = build_report(cm, top_pairs=3)
    header, rows = _format.class_table(report)
    view = matrix_view(report, REPR_MATRIX)
    matrix_header, matrix_rows = _format.matrix_rows(report, view)
    return _template("repr.html.j2").render(
        terms=report.terms,
        matrix_shown=report.matrix_shown,
        subtitle=_format.subtitle(report),
        distributions=report.distributions,
        distribution_heading=_format.DISTRIBUTION_HEADING,
        distribution_rows=_distribution_rows(report),
        distribution_sentences=_format.distribution_rows(report)[2],
        binary_heading=_format.binary_heading(report),
        binary_counts=_format.binary_counts(report),
        binary_header=_format.BINARY_HEADER,
        binary_rows=_format.binary_rows(report),
        summary=_format.summary_rows(report)[:6],
        matrix_header=matrix_header,
        matrix_rows=matrix_rows,
        matrix_note=_format.matrix_note(report, view),
        class_header=header,
        class_rows=rows[:REPR_ROWS],
        hidden=max(0, len(rows) - REPR_ROWS),
        findings=report.findings[:5],
    )


def _cards(report: Report) -> list[Card]:
    s = report.summary
    if isinstance(s, LabelSummary):
        true, pred = s.cardinality
        return [
            Card("subset accuracy", numbers.number(s.subset_accuracy), "label sets exactly right"),
            Card("Hamming loss", numbers.number(s.hamming_loss), "wrong (sample, label) cells"),
            Card("labels per sample", numbers.number(true), "true"),
            Card("labels per sample", numbers.number(pred), "predicted"),
            Card("macro F1", numbers.number(s.macro_f1), "labels weigh equally"),
            Card("samples F1", numbers.number(s.samples_f1), "mean over samples"),
        ]
    accuracy, ci = numbers.estimate_parts(s.accuracy, *s.accuracy_ci)
    majority = repr(s.majority_class)
    return [
        Card("accuracy", accuracy, f"95% CI {ci}" if ci else ""),
        Card("no-information rate", numbers.number(s.no_information_rate), f"always {majority}"),
        Card("p-value acc > NIR", numbers.p_value(s.p_value_vs_nir), "one-sided exact binomial"),
        Card("balanced accuracy", numbers.number(s.balanced_accuracy), "mean recall"),
        Card("Cohen's kappa", numbers.number(s.cohen_kappa), "agreement beyond chance"),
        Card("MCC", numbers.number(s.mcc), "Matthews correlation"),
        Card("macro F1", numbers.number(s.macro_f1), "classes weigh equally"),
        Card("weighted F1", numbers.number(s.weighted_f1), "weighted by support"),
    ]


def _class_rows(report: Report) -> tuple[list[str], list[list[Cell]]]:
    """The per-class table with undefined values greyed and values below :data:`LOW` marked."""
    header, rows = _format.class_table(report)
    first = header.index(_format.TABLE_STATISTICS[0])
    styled = []
    for i, row in enumerate(rows):
        cells = [Cell(text, "na" if text == "n/a" else "") for text in row]
        for offset, name in enumerate(_format.TABLE_STATISTICS):
            if report.per_class[name][i] < LOW:
                cells[first + offset] = Cell(row[first + offset], "low")
        styled.append(cells)
    return header, styled


def _distribution_rows(report: Report) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Per bin: its label and, per statistic, (classes, the largest bin, the count as printed).

    Every bar is drawn against the largest bin of the table, so the bins compare at a glance.
    """
    columns = [d.bins() for d in report.distributions]
    largest = max((n for column in columns for _, n in column), default=0) or 1
    return [
        (cells[0][0], [(n, largest, numbers.count(n)) for _, n in cells])
        for cells in zip(*columns, strict=True)
    ]


def _markup(text: str) -> Any:
    """Trusted text made here (assets, hashes, escaped JSON) as jinja2 markup."""
    import markupsafe

    return markupsafe.Markup(text)


@functools.cache
def _asset(name: str) -> str:
    """A file of ``report/templates`` (the page's script or style), checked not to close its tag."""
    from importlib.resources import files

    text = files("confmat._internal.report").joinpath("templates", name).read_text(encoding="utf-8")
    if "</script" in text.lower() or "</style" in text.lower():
        raise RuntimeError(f"{name} must not contain a closing script or style tag")
    return text


@functools.cache
def _environment() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("confmat._internal.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_visible,
    )


def _visible(value: object) -> object:
    """Every value a template prints, with control characters shown as escapes (not markup)."""
    import markupsafe

    if isinstance(value, (markupsafe.Markup, int, float)):
        return value
    return _format.printable(str(value))


def _template(name: str) -> jinja2.Template:
    return _environment().get_template(name)
