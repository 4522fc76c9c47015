"""The JSON document of a confusion matrix (INTERFACE.md), built from its statistics.

Rows of ``"matrix"`` are true classes, columns predicted classes: C[i, j] counts samples of true
class i predicted as class j. NaN (an undefined statistic) becomes ``null`` and an infinite one
``"inf"``, through :func:`json_number`, the one rule for numbers in every JSON confmat writes.

Examples:
    >>> from confmat import ConfusionMatrix
    >>> d = matrix_document(ConfusionMatrix([[5, 0], [1, 4]], ["no", "yes"]))
    >>> d["schema_version"], d["per_class"]["no"]["precision"]
    (1, 0.8333333333333334)
"""

from __future__ import annotations

import math
from typing import Any

import torch

from confmat.core.types import MatrixLike
from confmat.stats import measures

SCHEMA_VERSION = 1
"""The version of the JSON document; bumped when a key is renamed or removed."""


def json_number(value: float | int) -> float | int | str | None:
    """A number for JSON: NaN is None, infinities are "inf" / "-inf"."""
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
    return value


INTERVAL_KEYS = ("recall", "specificity", "precision", "npv", "lr_plus", "lr_minus")
"""Per-class statistics whose 95% interval is in the JSON document as ``"<name>_ci"``."""


def _interval_columns(cm: MatrixLike) -> dict[str, list[list[float] | None]]:
    """``"<name>_ci"``: per class ``[lo, hi]`` (Wilson, or the log method for LRs), or None."""
    columns: dict[str, list[list[float] | None]] = {}
    for name in INTERVAL_KEYS:
        lo, hi = cm.interval(name)
        columns[f"{name}_ci"] = [
            None if math.isnan(a) else [a, b] for a, b in zip(lo.tolist(), hi.tolist(), strict=True)
        ]
    return columns


def matrix_document(cm: MatrixLike) -> dict[str, Any]:
    """The JSON document of ``cm``: plain Python values, NaN as None, infinity as "inf"."""
    counts = cm.class_counts
    integral = not cm.is_weighted

    def count_list(values: torch.Tensor) -> list[int] | list[float]:
        return [int(x) for x in values.tolist()] if integral else values.tolist()

    columns: dict[str, list[Any]] = {
        "tp": count_list(counts.tp),
        "fp": count_list(counts.fp),
        "fn": count_list(counts.fn),
        "tn": count_list(counts.tn),
        "support": count_list(counts.support),
    }
    for name in measures.PER_CLASS:
        columns[name] = [json_number(x) for x in cm.per_class(name).tolist()]
    columns.update(_interval_columns(cm))
    per_class = {
        c: {key: values[i] for key, values in columns.items()} for i, c in enumerate(cm.classes)
    }
    averages = {
        method: {name: json_number(cm.average(name, method)) for name in measures.AVERAGED}
        for method in ("macro", "weighted", "micro")
    }
    ci = cm.accuracy_ci()
    kappa_ci = cm.cohen_kappa_ci()
    return {
        "schema_version": SCHEMA_VERSION,
        "classes": cm.classes,
        "matrix": cm.counts.tolist(),
        "n": cm.n,
        "positive_class": cm.positive,
        "overall": {
            "accuracy": json_number(cm.accuracy),
            "accuracy_ci": None if math.isnan(ci[0]) else list(ci),
            "balanced_accuracy": json_number(cm.balanced_accuracy),
            "no_information_rate": json_number(cm.no_information_rate),
            "accuracy_p_value_vs_nir": json_number(cm.accuracy_p_value_vs_nir),
            "cohen_kappa": json_number(cm.cohen_kappa),
            "mcc": json_number(cm.mcc),
            "mcnemar_p_value": json_number(cm.mcnemar_p_value),
            "cohen_kappa_ci": None if math.isnan(kappa_ci[0]) else list(kappa_ci),
        },
        "per_class": per_class,
        "averages": averages,
        "undefined": cm.undefined(),
        "sample_weighted": cm.is_weighted,
    }
