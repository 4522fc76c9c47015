"""The JSON documents of a confusion matrix (INTERFACE.md) and of a multilabel result.

Rows of ``"matrix"`` are true classes, columns predicted classes: C[i, j] counts samples of true
class i predicted as class j. NaN (an undefined statistic) becomes ``null`` and an infinite one
``"inf"``, through :func:`json_number`, the one rule for numbers in every JSON confmat writes.
The multilabel document (``"kind": "multilabel"``) is :func:`multilabel_document`.

Examples:
    >>> from confmat import ConfusionMatrix
    >>> d = matrix_document(ConfusionMatrix([[5, 0], [1, 4]], ["no", "yes"]))
    >>> d["schema_version"], d["per_class"]["no"]["precision"]
    (1, 0.8333333333333334)
"""

from __future__ import annotations

import gc
import json
import math
import re
import secrets
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from itertools import islice, repeat
from operator import attrgetter
from typing import Any, NamedTuple

import numpy as np
import torch

from confmat._internal.core import sparse
from confmat._internal.core.types import MatrixLike, MultilabelLike
from confmat._internal.stats import measures

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


def json_text(document: dict[str, Any]) -> str:
    """A document as indented JSON text (NaN refused), each row of a table on one line.

    A top-level value that is a list of lists (the matrix, a co-confusion table) is printed
    one inner list per line, as INTERFACE.md shows the matrix: readable, and written by the
    C encoder, where one line per number made a 1000-class document a million lines long.

    Examples:
        >>> print(json_text({"n": 2, "matrix": [[1, 0], [0, 1]]}))
        {
          "n": 2,
          "matrix": [
            [1, 0],
            [0, 1]
          ]
        }
    """
    rows: dict[str, str] = {}  # marker -> the row's JSON; the markers are unguessable
    nonce = secrets.token_hex(8)
    marked = dict(document)
    for key, value in document.items():
        if isinstance(value, list) and value and all(isinstance(row, list) for row in value):
            markers = [f"{nonce}:{len(rows) + i}" for i in range(len(value))]
            rows.update(
                zip(markers, (json.dumps(row, allow_nan=False) for row in value), strict=True)
            )
            marked[key] = markers
    text = json.dumps(marked, indent=2, allow_nan=False)
    if not rows:
        return text
    return re.sub(f'"({nonce}:\\d+)"', lambda found: rows[found[1]], text)


def json_column(values: torch.Tensor) -> list[Any]:
    """A tensor ``(C,)`` as a list of JSON numbers, one Python object per distinct value.

    The same values as ``[json_number(x) for x in values.tolist()]``, built column-wise: the
    distinct values (told apart by their bits, so ``-0.0`` stays itself) become Python numbers
    once and every entry refers to its value's object. A million classes share a few thousand
    floats instead of holding a million each.

    Examples:
        >>> json_column(torch.tensor([0.5, float("nan"), float("inf"), 0.5], dtype=torch.float64))
        [0.5, None, 'inf', 0.5]
    """
    array = values.detach().cpu().numpy()
    return Groups.of_values(array).column(array).rows(0, array.shape[0])


def _bits(array: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Integers equal exactly when the values are (float64 by their bits)."""
    if array.dtype == np.float64:
        return array.view(np.int64)
    return array.astype(np.int64) if array.dtype.kind == "b" else array


def _json_objects(values: np.ndarray[Any, Any]) -> np.ndarray[Any, np.dtype[np.object_]]:
    """``values`` as an object array of JSON numbers (NaN None, infinities strings)."""
    objects = values.astype(object)
    if values.dtype.kind == "f":
        nan, infinite = np.isnan(values), np.isinf(values)
        objects[nan] = None
        objects[infinite & (values > 0)] = "inf"
        objects[infinite & (values < 0)] = "-inf"
    return objects


class Column(NamedTuple):
    """A column of JSON numbers as its distinct ``objects`` and each entry's ``inverse`` index."""

    objects: np.ndarray[Any, np.dtype[np.object_]]
    inverse: np.ndarray[Any, np.dtype[np.int64]]

    def rows(self, start: int, stop: int) -> list[Any]:
        """The entries ``start:stop`` as a list (shared objects)."""
        return self.objects[self.inverse[start:stop]].tolist()  # type: ignore[no-any-return]


class Groups(NamedTuple):
    """Groups of equal entries.

    ``first`` holds one entry of each group, ``inverse`` each entry's group.
    """

    first: np.ndarray[Any, np.dtype[np.int64]]
    inverse: np.ndarray[Any, np.dtype[np.int64]]

    @classmethod
    def of_values(cls, array: np.ndarray[Any, Any]) -> Groups:
        """The groups of equal values of one column."""
        _, first, inverse = np.unique(_bits(array), return_index=True, return_inverse=True)
        return cls(first, inverse.reshape(-1))

    @classmethod
    def of_rows(cls, columns: Sequence[np.ndarray[Any, Any]]) -> Groups:
        """The groups of entries equal in every one of ``columns`` (e.g. equal counts)."""
        codes = np.zeros(columns[0].shape[0], dtype=np.int64)
        for column in columns:  # codes stay below the number of entries: no overflow
            distinct, inverse = np.unique(_bits(column), return_inverse=True)
            _, codes = np.unique(codes * distinct.size + inverse.reshape(-1), return_inverse=True)
        return cls.of_values(codes.reshape(-1))

    def column(self, array: np.ndarray[Any, Any]) -> Column:
        """``array`` as JSON numbers, one object per group.

        One object per distinct value instead where ``array`` differs within a group.
        """
        representative = array[self.first]
        if not np.array_equal(_bits(representative)[self.inverse], _bits(array)):
            return Groups.of_values(array).column(array)
        return Column(_json_objects(representative), self.inverse)


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


ROWS_AT_ONCE = 1 << 16
"""Classes whose dicts are built from one slice of the columns (bounds the temporary lists)."""


def _class_columns(
    cm: MatrixLike, statistics: dict[str, torch.Tensor]
) -> dict[str, Column | tuple[Column, Column]]:
    """The columns of ``per_class``: counts, statistics and ``"<name>_ci"`` (low, high).

    Every statistic is a function of a class's counts, so classes of equal counts (most of a
    long tail) share their values' Python objects: memory grows with the distinct counts.
    """
    counts = cm.class_counts
    vectors = {
        name: getattr(counts, name).detach().cpu().numpy()
        for name in ("tp", "fp", "fn", "tn", "support")
    }
    groups = Groups.of_rows([vectors["tp"], vectors["fp"], vectors["fn"]])
    columns: dict[str, Column | tuple[Column, Column]] = {
        name: groups.column(values if cm.is_weighted else values.astype(np.int64))
        for name, values in vectors.items()
    }
    for name, values in statistics.items():
        columns[name] = groups.column(values.detach().cpu().numpy())
    for name in INTERVAL_KEYS:  # Wilson, or the log method for the likelihood ratios
        lo, hi = cm.interval(name)
        columns[f"{name}_ci"] = (
            groups.column(lo.detach().cpu().numpy()),
            groups.column(hi.detach().cpu().numpy()),
        )
    return columns


def _interval_rows(lo: Column, hi: Column, start: int, stop: int) -> list[list[Any] | None]:
    """Per class ``[lo, hi]`` (a list of its own), or None where the interval is undefined."""
    lows = lo.objects[lo.inverse[start:stop]]
    defined = lows != None  # noqa: E711 (elementwise on an object array)
    pairs = np.full(stop - start, None, dtype=object)
    count = int(defined.sum())
    if count:
        highs = hi.objects[hi.inverse[start:stop][defined]].tolist()
        pairs[defined] = np.fromiter(
            map(list, zip(lows[defined].tolist(), highs, strict=True)), dtype=object, count=count
        )
    return pairs.tolist()


def _class_rows(
    classes: Sequence[str], columns: dict[str, Column | tuple[Column, Column]]
) -> dict[str, dict[str, Any]]:
    """``per_class``: one dict per class, filled from slices of the columns.

    The dicts share one table of keys (PEP 412's key-sharing dicts, the ``__dict__`` of
    instances of one class, primed with the keys in order), so each holds only its values:
    about a third of the memory of a dict of its own, and faster to fill. They are plain
    dicts in every other respect. No per-class arithmetic and no Python frame per class.
    """
    keys = list(columns)
    row_type = type("PerClass", (), {})  # a fresh type: its shared keys are exactly ``keys``
    row_type().__dict__.update(zip(keys, repeat(None)))
    fresh = map(attrgetter("__dict__"), iter(row_type, None))  # endless empty shared dicts

    def rows() -> Iterator[dict[str, Any]]:
        for start in range(0, len(classes), ROWS_AT_ONCE):
            stop = min(start + ROWS_AT_ONCE, len(classes))
            values = [
                column.rows(start, stop)
                if isinstance(column, Column)
                else _interval_rows(*column, start, stop)
                for column in columns.values()
            ]
            dicts: list[dict[str, Any]] = list(islice(fresh, stop - start))
            updates = map(dict.update, dicts, map(zip, repeat(keys), zip(*values, strict=True)))
            deque(updates, maxlen=0)  # run the updates, keep nothing
            yield from dicts

    return dict(zip(classes, rows(), strict=True))


def _matrix(cm: MatrixLike) -> dict[str, Any]:
    """``"matrix"``: the nested rows up to ``DENSE_MAX_CLASSES`` classes, whatever the store.

    Above, ``"matrix"`` is None and ``"cells"`` lists every non-zero cell as three columns:
    ``"true"`` and ``"pred"`` (indices into ``"classes"``) and ``"count"``, in row-major order.
    """
    if cm.num_classes <= sparse.DENSE_MAX_CLASSES:
        return {"matrix": sparse.to_dense(cm.counts).tolist()}
    m = sparse.to_sparse(cm.counts)
    index = np.arange(cm.num_classes).astype(object)  # one int per class, shared by its cells
    rows, cols = (index[side].tolist() for side in m.indices().cpu().numpy())
    return {"matrix": None, "cells": {"true": rows, "pred": cols, "count": json_column(m.values())}}


def matrix_document(cm: MatrixLike) -> dict[str, Any]:
    """The JSON document of ``cm``: plain Python values, NaN as None, infinity as "inf"."""
    with paused_gc():
        return _document(cm)


def _document(cm: MatrixLike) -> dict[str, Any]:
    # numbers first, Python objects last: the memory the tensors' temporaries held is free for
    # the per-class dicts, the bulk of a large document
    statistics = {name: cm.per_class(name) for name in measures.PER_CLASS}  # computed once
    undefined = undefined_classes(statistics, cm.classes)
    columns = _class_columns(cm, statistics)
    del statistics  # (C,) float64 each
    averages = {
        method: {name: json_number(cm.average(name, method)) for name in measures.AVERAGED}
        for method in ("macro", "weighted", "micro")
    }
    ci = cm.accuracy_ci()
    kappa_ci = cm.cohen_kappa_ci()
    overall = {
        "accuracy": json_number(cm.accuracy),
        "accuracy_ci": None if math.isnan(ci[0]) else list(ci),
        "balanced_accuracy": json_number(cm.balanced_accuracy),
        "no_information_rate": json_number(cm.no_information_rate),
        "accuracy_p_value_vs_nir": json_number(cm.accuracy_p_value_vs_nir),
        "cohen_kappa": json_number(cm.cohen_kappa),
        "mcc": json_number(cm.mcc),
        "mcnemar_p_value": json_number(cm.mcnemar_p_value),
        "cohen_kappa_ci": None if math.isnan(kappa_ci[0]) else list(kappa_ci),
    }
    n, matrix = cm.n, _matrix(cm)
    return {
        "schema_version": SCHEMA_VERSION,
        "classes": cm.classes,
        **matrix,
        "n": n,
        "positive_class": cm.positive,
        "overall": overall,
        "per_class": _class_rows(cm.classes, columns),
        "averages": averages,
        "undefined": undefined,
        "sample_weighted": cm.is_weighted,
    }


LABEL_AVERAGED = ("precision", "recall", "f1", "jaccard", "specificity", "npv")
"""The statistics averaged in the multilabel document (samples averages for the first four)."""

SAMPLES_AVERAGED = LABEL_AVERAGED[:4]

LABEL_INTERVALS = ("recall", "precision")
"""Per-label statistics with a 95% Wilson interval in the multilabel document."""


def multilabel_document(ml: MultilabelLike, findings: Sequence[str]) -> dict[str, Any]:
    """The JSON document of a multilabel result, its findings in words given.

    Keys (schema in ``tests/schema/multilabel.schema.json``): ``schema_version``, ``kind``
    (``"multilabel"``), ``labels``, ``n``, ``weighted``, ``overall`` (subset accuracy, Hamming
    loss, label cardinality of truth and prediction), ``per_label`` (per label: its counts
    ``support, predicted, tn, fp, fn, tp``, every per-class statistic, 95% Wilson intervals of
    recall and precision, null when weighted), ``averages`` (per method: macro, weighted,
    micro and, when counted, samples; per statistic), ``co_confusion`` (L x L or null) and
    ``findings``.

    Examples:
        >>> from confmat import MultilabelConfusion
        >>> ml = MultilabelConfusion([[[1, 0], [1, 2]]], ["cat"])
        >>> [round(x, 4) for x in multilabel_document(ml, [])["per_label"]["cat"]["recall_ci"]]
        [0.2077, 0.9385]
    """
    counts = ml.counts
    cells = {"support": counts[:, 1].sum(1), "predicted": counts[:, :, 1].sum(1)}
    cells.update(tn=counts[:, 0, 0], fp=counts[:, 0, 1], fn=counts[:, 1, 0], tp=counts[:, 1, 1])
    columns = {name: values.tolist() for name, values in cells.items()}
    stats = {name: json_column(ml.per_class(name)) for name in measures.PER_CLASS}
    bounds = {name: [v.tolist() for v in ml.interval(name)] for name in LABEL_INTERVALS}
    per_label = {}
    for i, label in enumerate(ml.classes):
        row: dict[str, Any] = {name: values[i] for name, values in columns.items()}
        row.update({name: values[i] for name, values in stats.items()})
        for name, (lo, hi) in bounds.items():
            row[f"{name}_ci"] = None if math.isnan(lo[i]) or math.isnan(hi[i]) else [lo[i], hi[i]]
        per_label[label] = row
    true, pred = ml.cardinality
    overall = {
        "subset_accuracy": ml.subset_accuracy,
        "hamming_loss": ml.hamming_loss,
        "label_cardinality_true": true,
        "label_cardinality_pred": pred,
    }
    methods = ["macro", "weighted", "micro"] + (["samples"] if ml.sample_sums is not None else [])
    co = ml.co_confusion
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "multilabel",
        "labels": ml.classes,
        "n": ml.n,
        "weighted": ml.is_weighted,
        "overall": {name: json_number(value) for name, value in overall.items()},
        "per_label": per_label,
        "averages": {method: _label_averages(ml, method) for method in methods},
        "co_confusion": None if co is None else co.tolist(),
        "findings": list(findings),
    }


def _label_averages(ml: MultilabelLike, method: str) -> dict[str, Any]:
    names = SAMPLES_AVERAGED if method == "samples" else LABEL_AVERAGED
    return {name: json_number(ml.average(name, method)) for name in names}
