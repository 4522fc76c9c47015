"""Multilabel views: pandas DataFrames, a standalone HTML page and the co-confusion heatmap.

pandas and matplotlib are imported only on use. The co-confusion heatmap reuses
:func:`show.heatmap.heatmap`: rows are the label missed, columns the label predicted
instead (its diagonal is always 0: a label cannot be missed and wrongly predicted at once).

Examples:
    >>> from confmat import MultilabelConfusion
    >>> ml = MultilabelConfusion.from_predictions([[1, 0], [0, 1]], [[0, 1], [0, 1]], ["a", "b"])
    >>> to_pandas(ml, "co_confusion").loc["a", "b"]
    np.int64(1)
    >>> "<table" in render_html(ml)
    True
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from confmat._internal.core import checks
from confmat._internal.core.multilabel import MultilabelLike
from confmat._internal.report import multilabel as mreport
from confmat._internal.results.matrix import ConfusionMatrix
from confmat._internal.stats import measures

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes

TABLES = ("per_label", "overall", "averages", "co_confusion")
"""The tables of :func:`to_pandas`."""


def to_pandas(ml: MultilabelLike, table: str = "per_label") -> pd.DataFrame:
    """One table as a DataFrame.

    Args:
        ml: the multilabel result.
        table: ``"per_label"`` (index ``label``: counts and every per-class statistic),
            ``"overall"`` (index ``statistic``, column ``value``), ``"averages"`` (index
            ``statistic``, columns macro, weighted, micro, samples) or ``"co_confusion"``
            (index ``missed``, columns ``predicted_instead``).

    Raises:
        OptionError: for another table name.
    """
    import pandas as pd

    checks.check_option_choice(table, TABLES, "table")
    if table == "overall":
        frame = pd.DataFrame({"value": mreport.overall(ml)})
        frame.index.name = "statistic"
        return frame
    if table == "averages":
        frame = pd.DataFrame(mreport.averages(ml)).T
        frame.index.name = "statistic"
        return frame
    if table == "co_confusion":
        co = ml.co_confusion
        values = None if co is None else co.cpu().numpy()
        frame = pd.DataFrame(values, index=ml.labels, columns=ml.labels)
        frame.index.name, frame.columns.name = "missed", "predicted_instead"
        return frame
    data: dict[str, Any] = dict(mreport.label_counts_table(ml))
    data.update({name: ml.per_label(name).cpu().numpy() for name in measures.PER_CLASS})
    frame = pd.DataFrame(data, index=ml.labels)
    frame.index.name = "label"
    return frame


def co_confusion_matrix(ml: MultilabelLike) -> ConfusionMatrix:
    """The co-confusion as a square matrix of counts, to draw with the heatmap."""
    co = ml.co_confusion
    if co is None:
        co = ml.counts.new_zeros((len(ml.labels), len(ml.labels)))
    return ConfusionMatrix(co.cpu(), ml.labels)


def co_confusion_heatmap(ml: MultilabelLike, **kwargs: Any) -> Axes:
    """The co-confusion heatmap's Axes (keyword arguments as the heatmap's)."""
    from confmat._internal.show.heatmap import heatmap

    kwargs.setdefault("title", f"Predicted instead of a missed label (n={ml.n:g})")
    kwargs.setdefault("cmap", "Reds")
    ax = heatmap(co_confusion_matrix(ml), **kwargs).ax
    ax.set_ylabel("Label missed")
    ax.set_xlabel("Label predicted instead")
    return ax


def _table(header: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render_html(ml: MultilabelLike, figure: bool = False) -> str:
    """A standalone HTML page: summary, per-label table, averages, findings (and the heatmap).

    Args:
        ml: the multilabel result.
        figure: embed the co-confusion heatmap as inline SVG (needs matplotlib).
    """
    parts = ["<h1>Multilabel report</h1>"]
    parts.append(_table(["", "value"], [list(r) for r in mreport.summary_rows(ml)]))
    parts += ["<h2>Per label</h2>", _table(*mreport.label_rows(ml))]
    parts += ["<h2>Averages</h2>", _table(*mreport.average_rows(ml))]
    notes = mreport.findings(ml)
    if notes:
        items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
        parts += ["<h2>Findings</h2>", f"<ul>{items}</ul>"]
    if figure:
        parts += ["<h2>Label co-confusion</h2>", _svg(ml)]
    style = "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Multilabel report</title><style>{style}</style></head><body>"
        + "\n".join(parts)
        + "</body></html>\n"
    )


def _svg(ml: MultilabelLike) -> str:
    from confmat._internal.show import figures

    ax = co_confusion_heatmap(ml)
    try:
        text = figures.render(ax, "svg").decode()
    finally:
        figures.close(ax)
    return text[text.find("<svg") :]
