"""confmat: how well a classifier really performs, through its confusion matrix.

Examples:
    >>> import confmat
    >>> cm = confmat.ConfusionMatrix.from_predictions([0, 1, 1, 0], [0, 1, 0, 0])
    >>> cm.counts.tolist(), cm.accuracy
    ([[2, 0], [1, 1]], 0.75)
"""

from confmat._version import __version__
from confmat.compare import Comparison, compare
from confmat.core.types import BinaryCounts, ClassCounts
from confmat.evaluation.loop import evaluate
from confmat.evaluation.result import EvaluationResult
from confmat.exceptions import (
    ClassesError,
    ConfmatError,
    DistributedError,
    InputFileError,
    LabelError,
    MatrixError,
    MergeError,
    MissingValueWarning,
    OptionError,
    ScoreError,
    ShapeError,
    UndefinedMetricWarning,
    WeightError,
)
from confmat.matrix import ConfusionMatrix
from confmat.stream.accumulator import Accumulator

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
    "InputFileError",
    "LabelError",
    "MatrixError",
    "MergeError",
    "MissingValueWarning",
    "OptionError",
    "ScoreError",
    "ShapeError",
    "UndefinedMetricWarning",
    "WeightError",
    "__version__",
    "compare",
    "evaluate",
]
