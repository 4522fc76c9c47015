"""The JSON report: a result's JSON document (INTERFACE.md), as indented text.

A confusion matrix's document, or a multilabel result's (``"kind": "multilabel"``); with the
top-k results of the same samples' scores under ``"top_k"`` when asked. NaN is ``null`` and
infinities ``"inf"`` (:func:`results.document.json_number`), each table row on one line
(:func:`results.document.json_text`).
"""

from __future__ import annotations

from confmat._internal.core.types import MatrixLike, MultilabelLike, TopKLike
from confmat._internal.results.document import json_text


def render_json(cm: MatrixLike | MultilabelLike, *, top_k: TopKLike | None = None) -> str:
    """The JSON document of INTERFACE.md, indented, NaN as null.

    Args:
        cm: the confusion matrix, or a multilabel result (its multilabel document).
        top_k: the top-k results (:func:`confmat.top_k`) of the same samples, added under
            ``"top_k"``.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> print(render_json(ConfusionMatrix([[1, 0], [0, 1]]))[:24])
        {
          "schema_version": 1,
    """
    document = cm.to_dict()
    if top_k is not None:
        document["top_k"] = top_k.to_dict()
    return json_text(document) + "\n"
