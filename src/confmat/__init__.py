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
    from confmat._internal.core.limits import DENSE_CLASS_LIMIT
    from confmat._internal.core.sparse import DENSE_MAX_CLASSES
    from confmat._internal.core.types import BinaryCounts, ClassCounts, PredictiveValues
    from confmat._internal.evaluation.loop import evaluate
    from confmat._internal.evaluation.multilabel import evaluate_multilabel
    from confmat._internal.evaluation.result import EvaluationResult
    from confmat._internal.io.reading import INPUT_LIMIT_BYTES
    from confmat._internal.results.comparison import (
        Comparison,
        MetricDifference,
        PairedTable,
        compare,
    )
    from confmat._internal.results.matrix import ConfusionMatrix
    from confmat._internal.results.multilabel import MultilabelConfusion
    from confmat._internal.results.topk import TopK, top_k
    from confmat._internal.stats.bootstrap import BootstrapInterval
    from confmat._internal.stats.confusions import ConfusedPair
    from confmat._internal.stats.curves import (
        ThresholdChoice,
        ThresholdCounts,
        average_precision,
        choose_threshold,
        precision_recall_curve,
        roc_auc,
        roc_curve,
        threshold_counts,
    )
    from confmat._internal.stream.accumulator import Accumulator
    from confmat._internal.stream.distributed import real_samples_on_rank
    from confmat._internal.stream.multilabel import MultilabelAccumulator
    from confmat._internal.stream.reservoir import Sample

_HOMES: dict[str, str] = {
    "Accumulator": "confmat._internal.stream.accumulator",
    "BinaryCounts": "confmat._internal.core.types",
    "BootstrapInterval": "confmat._internal.stats.bootstrap",
    "ClassCounts": "confmat._internal.core.types",
    "Comparison": "confmat._internal.results.comparison",
    "ConfusedPair": "confmat._internal.stats.confusions",
    "ConfusionMatrix": "confmat._internal.results.matrix",
    "DENSE_CLASS_LIMIT": "confmat._internal.core.limits",
    "DENSE_MAX_CLASSES": "confmat._internal.core.sparse",
    "EvaluationResult": "confmat._internal.evaluation.result",
    "INPUT_LIMIT_BYTES": "confmat._internal.io.reading",
    "MetricDifference": "confmat._internal.results.comparison",
    "MultilabelAccumulator": "confmat._internal.stream.multilabel",
    "MultilabelConfusion": "confmat._internal.results.multilabel",
    "PairedTable": "confmat._internal.results.comparison",
    "PredictiveValues": "confmat._internal.core.types",
    "Sample": "confmat._internal.stream.reservoir",
    "ThresholdChoice": "confmat._internal.stats.curves",
    "ThresholdCounts": "confmat._internal.stats.curves",
    "TopK": "confmat._internal.results.topk",
    "average_precision": "confmat._internal.stats.curves",
    "choose_threshold": "confmat._internal.stats.curves",
    "compare": "confmat._internal.results.comparison",
    "evaluate": "confmat._internal.evaluation.loop",
    "evaluate_multilabel": "confmat._internal.evaluation.multilabel",
    "precision_recall_curve": "confmat._internal.stats.curves",
    "real_samples_on_rank": "confmat._internal.stream.distributed",
    "roc_auc": "confmat._internal.stats.curves",
    "roc_curve": "confmat._internal.stats.curves",
    "threshold_counts": "confmat._internal.stats.curves",
    "top_k": "confmat._internal.results.topk",
}
"""The lazily imported public names and the module each comes from."""

__all__ = [
    "DENSE_CLASS_LIMIT",
    "DENSE_MAX_CLASSES",
    "INPUT_LIMIT_BYTES",
    "Accumulator",
    "BinaryCounts",
    "BootstrapInterval",
    "ClassCounts",
    "ClassesError",
    "Comparison",
    "ConfmatError",
    "ConfusedPair",
    "ConfusionMatrix",
    "DistributedError",
    "EvaluationResult",
    "FromLogitsWarning",
    "InputFileError",
    "LabelError",
    "MatrixError",
    "MergeError",
    "MetricDifference",
    "MissingValueWarning",
    "MultilabelAccumulator",
    "MultilabelConfusion",
    "OptionError",
    "PairedTable",
    "PredictiveValues",
    "Sample",
    "SampleCountWarning",
    "ScoreError",
    "ShapeError",
    "ThresholdChoice",
    "ThresholdCounts",
    "TopK",
    "UndefinedMetricWarning",
    "WeightError",
    "__version__",
    "average_precision",
    "choose_threshold",
    "compare",
    "evaluate",
    "evaluate_multilabel",
    "precision_recall_curve",
    "real_samples_on_rank",
    "roc_auc",
    "roc_curve",
    "threshold_counts",
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
