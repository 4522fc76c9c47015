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
    from confmat.compare import Comparison, compare
    from confmat.core.types import BinaryCounts, ClassCounts
    from confmat.evaluation.loop import evaluate
    from confmat.evaluation.multilabel import evaluate_multilabel
    from confmat.evaluation.result import EvaluationResult
    from confmat.matrix import ConfusionMatrix
    from confmat.multilabel import MultilabelConfusion
    from confmat.stream.accumulator import Accumulator
    from confmat.stream.multilabel import MultilabelAccumulator
    from confmat.topk import TopK, top_k

_HOMES: dict[str, str] = {
    "Accumulator": "confmat.stream.accumulator",
    "BinaryCounts": "confmat.core.types",
    "ClassCounts": "confmat.core.types",
    "Comparison": "confmat.compare",
    "ConfusionMatrix": "confmat.matrix",
    "EvaluationResult": "confmat.evaluation.result",
    "MultilabelAccumulator": "confmat.stream.multilabel",
    "MultilabelConfusion": "confmat.multilabel",
    "TopK": "confmat.topk",
    "compare": "confmat.compare",
    "evaluate": "confmat.evaluation.loop",
    "evaluate_multilabel": "confmat.evaluation.multilabel",
    "top_k": "confmat.topk",
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

    def __setattr__(self, name: str, value: Any) -> None:
        # Importing the submodule ``confmat.compare`` binds it on the package: the public
        # function ``confmat.compare`` keeps its name.
        if name in _HOMES and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)

    def __dir__(self) -> list[str]:
        return sorted({*super().__dir__(), *_HOMES})


sys.modules[__name__].__class__ = _Facade
