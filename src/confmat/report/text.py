"""Plain-text and JSON renderings of a confusion matrix."""

from __future__ import annotations

import json
import math

from confmat.matrix import ConfusionMatrix

_PER_CLASS_COLUMNS = ("precision", "recall", "specificity", "npv", "f1")


def render_json(cm: ConfusionMatrix) -> str:
    """The JSON document of INTERFACE.md, indented, NaN as null.

    Examples:
        >>> print(render_json(ConfusionMatrix([[1, 0], [0, 1]]))[:24])
        {
          "schema_version": 1,
    """
    return json.dumps(cm.to_dict(), indent=2, allow_nan=False) + "\n"


def render_text(cm: ConfusionMatrix) -> str:
    """A plain table report: the summary, the matrix and the per-class statistics.

    Examples:
        >>> print(render_text(ConfusionMatrix([[5, 1], [2, 8]], ["no", "yes"])).splitlines()[0])
        Confusion matrix report: 16 samples, 2 classes (positive class: yes)
    """
    lines = [_title(cm), "", *_summary(cm), "", *_matrix(cm), "", *_per_class(cm)]
    return "\n".join(lines) + "\n"


def _fmt(value: float, digits: int = 4) -> str:
    if math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "inf"
    return f"{value:.{digits}f}"


def _title(cm: ConfusionMatrix) -> str:
    positive = f" (positive class: {cm.positive})" if cm.positive is not None else ""
    return f"Confusion matrix report: {cm.n:g} samples, {cm.num_classes} classes{positive}"


def _summary(cm: ConfusionMatrix) -> list[str]:
    lo, hi = cm.accuracy_ci()
    interval = "" if math.isnan(lo) else f"  (95% CI {_fmt(lo)} - {_fmt(hi)})"
    p_value = cm.accuracy_p_value_vs_nir
    rows = [
        ("accuracy", _fmt(cm.accuracy) + interval),
        ("no-information rate", _fmt(cm.no_information_rate)),
        ("p-value acc > NIR", "n/a" if math.isnan(p_value) else f"{p_value:.3g}"),
        ("balanced accuracy", _fmt(cm.balanced_accuracy)),
        ("Cohen's kappa", _fmt(cm.cohen_kappa)),
        ("MCC", _fmt(cm.mcc)),
        ("macro F1", _fmt(cm.average("f1", "macro"))),
        ("weighted F1", _fmt(cm.average("f1", "weighted"))),
    ]
    width = max(len(label) for label, _ in rows)
    return [f"  {label:<{width}}  {value}" for label, value in rows]


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (cell.rjust(w) for cell, w in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def _matrix(cm: ConfusionMatrix) -> list[str]:
    counts = cm.counts.tolist()
    cell = "{:g}" if cm.is_weighted else "{}"
    rows = [
        [name, *(cell.format(x) for x in row)] for name, row in zip(cm.classes, counts, strict=True)
    ]
    return [
        "Matrix (rows: true class, columns: predicted class)",
        *_table(["true \\ pred", *cm.classes], rows),
    ]


def _per_class(cm: ConfusionMatrix) -> list[str]:
    values = {name: cm.per_class(name).tolist() for name in _PER_CLASS_COLUMNS}
    support = cm.support.tolist()
    rows = [
        [name, *(_fmt(values[k][i]) for k in _PER_CLASS_COLUMNS), f"{support[i]:g}"]
        for i, name in enumerate(cm.classes)
    ]
    for method in ("macro", "weighted", "micro"):
        averaged = [_fmt(cm.average(k, method)) for k in _PER_CLASS_COLUMNS]
        rows.append([f"({method} avg)", *averaged, ""])
    return ["Per class", *_table(["class", *_PER_CLASS_COLUMNS, "support"], rows)]
