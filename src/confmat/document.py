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

import gc
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import repeat
from typing import Any

import numpy as np
import torch

from confmat.core import sparse
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


def json_column(values: torch.Tensor) -> list[Any]:
    """A float tensor ``(C,)`` as a list of JSON numbers, built column-wise.

    The same values as ``[json_number(x) for x in values.tolist()]``, with the non-finite
    entries replaced in numpy (an object array), not one at a time in Python.

    Examples:
        >>> json_column(torch.tensor([0.5, float("nan"), float("inf")], dtype=torch.float64))
        [0.5, None, 'inf']
    """
    if not values.is_floating_point():
        return values.tolist()
    array = values.detach().cpu().numpy()
    nan = np.isnan(array)
    infinite = np.isinf(array)
    if not (nan.any() or infinite.any()):
        return array.tolist()  # type: ignore[no-any-return]
    out = array.astype(object)
    out[nan] = None
    out[infinite & (array > 0)] = "inf"
    out[infinite & (array < 0)] = "-inf"
    return out.tolist()  # type: ignore[no-any-return]


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building millions of acyclic containers.

    A document of a million classes holds tens of millions of dicts, lists and floats; each
    allocation burst would start a collection that walks every one of them again, for nothing
    (no cycle is made). The collector's state is restored afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def undefined_classes(
    statistics: dict[str, torch.Tensor], classes: Sequence[str]
) -> dict[str, list[str]]:
    """For each statistic ``(C,)`` with NaN values, the classes concerned (none: left out).

    Examples:
        >>> undefined_classes({"recall": torch.tensor([0.5, float("nan")])}, ("a", "b"))
        {'recall': ['b']}
    """
    result = {}
    names = np.array(classes, dtype=object)  # (C,) strings, picked out in C
    for name, values in statistics.items():
        missing = torch.isnan(values).nonzero().flatten().cpu().numpy()
        if missing.size:
            result[name] = names[missing].tolist()
    return result


INTERVAL_KEYS = ("recall", "specificity", "precision", "npv", "lr_plus", "lr_minus")
"""Per-class statistics whose 95% interval is in the JSON document as ``"<name>_ci"``."""


def _interval_columns(cm: MatrixLike) -> dict[str, list[list[float] | None]]:
    """``"<name>_ci"``: per class ``[lo, hi]`` (Wilson, or the log method for LRs), or None."""
    columns: dict[str, list[list[float] | None]] = {}
    for name in INTERVAL_KEYS:
        lo, hi = cm.interval(name)
        pairs: list[list[float] | None] = torch.stack([lo, hi], dim=1).tolist()
        undefined = torch.isnan(lo)
        if bool(undefined.any()):  # NaN pairs become None: one pass over the columns
            nans = undefined.tolist()
            pairs = [None if nan else pair for pair, nan in zip(pairs, nans, strict=True)]
        columns[f"{name}_ci"] = pairs
    return columns


def _per_class(cm: MatrixLike, statistics: dict[str, torch.Tensor]) -> dict[str, dict[str, Any]]:
    """``per_class``: one dict per class, built from whole columns (no per-class arithmetic)."""
    counts = cm.class_counts
    integral = not cm.is_weighted

    def count_list(values: torch.Tensor) -> list[Any]:
        return values.to(torch.int64).tolist() if integral else values.tolist()

    columns: dict[str, list[Any]] = {
        "tp": count_list(counts.tp),
        "fp": count_list(counts.fp),
        "fn": count_list(counts.fn),
        "tn": count_list(counts.tn),
        "support": count_list(counts.support),
    }
    for name, values in statistics.items():
        columns[name] = json_column(values)
    columns.update(_interval_columns(cm))
    keys = list(columns)
    rows = map(dict, map(zip, repeat(keys), zip(*columns.values(), strict=True)))
    return dict(zip(cm.classes, rows, strict=True))  # one zip over the columns, no Python frame


def _matrix(cm: MatrixLike) -> dict[str, Any]:
    """``"matrix"``: the nested rows up to ``DENSE_MAX_CLASSES`` classes, whatever the store.

    Above, ``"matrix"`` is None and ``"cells"`` lists every non-zero cell as three columns:
    ``"true"`` and ``"pred"`` (indices into ``"classes"``) and ``"count"``, in row-major order.
    """
    if cm.num_classes <= sparse.DENSE_MAX_CLASSES:
        return {"matrix": sparse.to_dense(cm.counts).tolist()}
    m = sparse.to_sparse(cm.counts)
    rows, cols = m.indices().tolist()
    return {"matrix": None, "cells": {"true": rows, "pred": cols, "count": m.values().tolist()}}


def matrix_document(cm: MatrixLike) -> dict[str, Any]:
    """The JSON document of ``cm``: plain Python values, NaN as None, infinity as "inf"."""
    with paused_gc():
        return _document(cm)


def _document(cm: MatrixLike) -> dict[str, Any]:
    statistics = {name: cm.per_class(name) for name in measures.PER_CLASS}  # computed once
    per_class = _per_class(cm, statistics)
    averages = {
        method: {name: json_number(cm.average(name, method)) for name in measures.AVERAGED}
        for method in ("macro", "weighted", "micro")
    }
    ci = cm.accuracy_ci()
    kappa_ci = cm.cohen_kappa_ci()
    return {
        "schema_version": SCHEMA_VERSION,
        "classes": cm.classes,
        **_matrix(cm),
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
        "undefined": undefined_classes(statistics, cm.classes),
        "sample_weighted": cm.is_weighted,
    }
