"""confmat: how well a classifier really performs, through its confusion matrix.

The public names are re-exported lazily: ``import confmat`` loads only the exceptions and the
version, and the first use of ``confmat.ConfusionMatrix`` (or any other name) imports its module,
torch included. The command line's ``--help`` and ``--version`` therefore never load torch.

Examples:
    >>> import confmat
    >>> cm = confmat.ConfusionMatrix.from_predictions([0, 1, 1, 0], [0, 1, 0, 0])
    >>> cm.counts.tolist(), cm.accuracy
    ([[2, 0], [1, 1]], 0.75)
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from confmat._version import __version__
from confmat.exceptions import (
    ClassesError,
    ConfmatError,
    DistributedError,
    FromLogitsWarning,
    InputFileError,
    LabelError,
    MatrixError,
    MergeError,
    MissingValueWarning,
    OptionError,
    SampleCountWarning,
    ScoreError,
    ShapeError,
    UndefinedMetricWarning,
    WeightError,
)

if TYPE_CHECKING:
    from confmat._internal.core.types import BinaryCounts, ClassCounts
    from confmat._internal.evaluation.loop import evaluate
    from confmat._internal.evaluation.multilabel import evaluate_multilabel
    from confmat._internal.evaluation.result import EvaluationResult
    from confmat._internal.results.comparison import Comparison, compare
    from confmat._internal.results.matrix import ConfusionMatrix
    from confmat._internal.results.multilabel import MultilabelConfusion
    from confmat._internal.results.topk import TopK, top_k
    from confmat._internal.stream.accumulator import Accumulator
    from confmat._internal.stream.multilabel import MultilabelAccumulator

_HOMES: dict[str, str] = {
    "Accumulator": "confmat._internal.stream.accumulator",
    "BinaryCounts": "confmat._internal.core.types",
    "ClassCounts": "confmat._internal.core.types",
    "Comparison": "confmat._internal.results.comparison",
    "ConfusionMatrix": "confmat._internal.results.matrix",
    "EvaluationResult": "confmat._internal.evaluation.result",
    "MultilabelAccumulator": "confmat._internal.stream.multilabel",
    "MultilabelConfusion": "confmat._internal.results.multilabel",
    "TopK": "confmat._internal.results.topk",
    "compare": "confmat._internal.results.comparison",
    "evaluate": "confmat._internal.evaluation.loop",
    "evaluate_multilabel": "confmat._internal.evaluation.multilabel",
    "top_k": "confmat._internal.results.topk",
}
"""The lazily imported public names and the module each comes from."""

__all__ = [
    "Accumulator",
    "BinaryCounts",
    "ClassCounts",
    "ClassesError",
    "Comparison",
    "ConfmatError",
    "ConfusionMatrix",
    "DistributedError",
    "EvaluationResult",
    "FromLogitsWarning",
    "InputFileError",
    "LabelError",
    "MatrixError",
    "MergeError",
    "MissingValueWarning",
    "MultilabelAccumulator",
    "MultilabelConfusion",
    "OptionError",
    "SampleCountWarning",
    "ScoreError",
    "ShapeError",
    "TopK",
    "UndefinedMetricWarning",
    "WeightError",
    "__version__",
    "compare",
    "evaluate",
    "evaluate_multilabel",
    "top_k",
]


class _Facade(types.ModuleType):
    """The ``confmat`` module: imports a public name's module on the name's first use."""

    def __getattr__(self, name: str) -> Any:
        home = _HOMES.get(name)
        if home is None:
            raise AttributeError(f"module 'confmat' has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        self.__dict__[name] = value
        return value

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *_HOMES})


sys.modules[__name__].__class__ = _Facade
