"""document.json_text: the JSON text confmat writes, rows of tables on one line each."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import confmat
from confmat._internal.results.document import json_text


def test_the_text_is_the_document_with_the_matrix_one_row_a_line() -> None:
    cm = confmat.ConfusionMatrix([[50, 3, 0], [4, 40, 6], [0, 2, 45]], classes=["a", "b", "c"])
    text = json_text(cm.to_dict())
    assert json.loads(text) == json.loads(json.dumps(cm.to_dict()))
    assert "    [50, 3, 0],\n    [4, 40, 6],\n    [0, 2, 45]\n" in text


def test_strings_that_look_like_markers_stay_strings() -> None:
    hostile = ["\x000", "\x00" + "0" * 16 + ":0", '"\\u0000', "x:1"]
    cm = confmat.ConfusionMatrix(np.eye(4, dtype=np.int64) * 3, classes=hostile)
    document = cm.to_dict()
    assert json.loads(json_text(document)) == json.loads(json.dumps(document))


def test_nan_is_refused_as_before() -> None:
    with pytest.raises(ValueError, match="not JSON compliant"):
        json_text({"matrix": [[math.nan]]})
    with pytest.raises(ValueError, match="not JSON compliant"):
        json_text({"n": math.inf})


def test_a_multilabel_co_confusion_is_one_row_a_line() -> None:
    rng = np.random.default_rng(0)
    result = confmat.MultilabelConfusion.from_predictions(
        rng.integers(0, 2, (40, 3)), rng.integers(0, 2, (40, 3))
    )
    text = json_text(result.to_dict())
    assert json.loads(text) == json.loads(json.dumps(result.to_dict()))
    assert text.count("\n    [") == 3
