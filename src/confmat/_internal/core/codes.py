"""From labels and scores to class codes: THE score -> label rule and the class space.

The rule, written once here and used by every path (``ConfusionMatrix.from_predictions``, the
``Accumulator`` and ``evaluate``):

- scores ``(N, C)``: the predicted class is the argmax (the first one at a tie), whether the
  scores are logits or probabilities (softmax does not change the argmax); column j is label j
  (:func:`column_classes`);
- scores ``(N,)`` or ``(N, 1)``: probabilities of one class, the *scored* class (label 1 /
  ``True`` for numeric labels; named by ``score_of=`` for string labels, see
  :func:`scored_class`), which is predicted iff ``score >= threshold``,
  compared in the scores' own precision (a score that is the threshold written in that
  precision counts); logits go through a sigmoid in float64 first, and only when the caller
  says so (``from_logits=True``), never by guessing from the values. Which class a report
  calls *positive* is a separate choice that never changes the counts (:func:`positive_index`,
  :func:`reported_positive`).
- float ``y_pred`` of shape ``(N,)`` are scores or labels by :func:`prediction_kind`: whole
  numbers outside [0, 1] are labels, a column of only 0.0 and 1.0 must be declared.

Labels become codes through a :class:`ClassSpace`: a class index ``0..C-1``, or the invalid
code ``C`` for a label that is not a class (the caller decides whether that is an error now or
a deferred count).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import torch

from confmat._internal.core import checks as v
from confmat._internal.core import limits
from confmat.exceptions import ClassesError, ShapeError

PredKind = Literal["labels", "scores"]
"""What a ``y_pred`` holds: class labels, or scores (probabilities or logits)."""

_LOOKUP_TABLE_LIMIT = 1 << 22
"""Largest span of integer class values mapped through a dense lookup table."""


@dataclass(frozen=True)
class ClassSpace:
    """A fixed class space: names, and the integer class values when labels are looked up.

    Attributes:
        names: the class names, one per index.
        values: integer class values (``classes=[3, 1, 2]``): integer labels are looked up
            among them; None when integer labels are indices ``0..C-1``.
    """

    names: tuple[str, ...]
    values: tuple[int, ...] | None = None

    @property
    def size(self) -> int:
        """C, the number of classes."""
        return len(self.names)


def class_space(num_classes: int | None, classes: Sequence[Any] | None) -> ClassSpace | None:
    """The class space fixed by the arguments, or None when it is left to the first batch.

    Classes that are all label values (:func:`core.checks.class_values`: whole numbers, or
    strings that write them) are looked up by value; other classes are names.

    Examples:
        >>> class_space(3, None).names
        ('0', '1', '2')
        >>> class_space(None, [7, 3]).values, class_space(None, ["1", "0"]).values
        ((7, 3), (1, 0))
    """
    num_classes = v.check_num_classes(num_classes)
    if classes is None:
        return None if num_classes is None else ClassSpace(tuple(map(str, range(num_classes))))
    names = tuple(v.check_class_names(classes, num_classes))
    values = v.class_values(classes)
    return ClassSpace(names, None if values is None else limits.check_class_values(values))


class LabelCoder:
    """Turns labels of one class space into row/column codes on one device.

    Examples:
        >>> coder = LabelCoder(ClassSpace(("a", "b"), None), torch.device("cpu"))
        >>> coder.codes(torch.tensor([1, 0, 5, -3]), True).tolist()
        [1, 0, 2, -1]
        >>> coder.codes(np.array(["b", "zebra"]), True).tolist()
        [1, 2]
    """

    def __init__(self, space: ClassSpace, device: torch.device) -> None:
        self.space = space
        self.device = device
        self.size = space.size
        self._names = np.asarray(space.names, dtype=str)
        self._name_order = np.argsort(self._names, kind="stable")
        self._table: torch.Tensor | None = None
        self._sorted: tuple[torch.Tensor, torch.Tensor] | None = None
        self._low = 0
        self._twice: ClassesError | None = None  # raised when integer labels are looked up
        if space.values is not None:
            self._twice = twice_named_value(space)
            self._build_lookup(space.values)

    def _build_lookup(self, values: tuple[int, ...]) -> None:
        """A dense table (value - low + 1 -> code) padded with the invalid code at both ends."""
        value_t = torch.tensor(values, dtype=torch.int64, device=self.device)
        low, high = min(values), max(values)
        # label - (low - 1) stays in int64 for every label only away from the int64 ends
        edges = low > limits.INT64_MIN and high < limits.INT64_MAX - 2 * _LOOKUP_TABLE_LIMIT
        if high - low < _LOOKUP_TABLE_LIMIT and edges:
            table = torch.full((high - low + 3,), self.size, dtype=torch.int64, device=self.device)
            table[value_t - low + 1] = torch.arange(self.size, device=self.device)
            self._table, self._low = table, low
        else:
            order = torch.argsort(value_t)
            self._sorted = (value_t[order], order)

    def codes(self, labels: v.Values, validate: bool) -> torch.Tensor:
        """Row (or column) codes of labels: class indices, or the codes of invalid labels."""
        if v.is_strings(labels):
            return self._string_codes(labels)
        assert isinstance(labels, torch.Tensor)
        if labels.is_floating_point():
            labels = whole_labels(labels, self.size) if validate else labels.long()
        else:
            labels = labels.long()
        if self._twice is not None:
            raise self._twice
        if self._table is not None:
            span = self._table.shape[0] - 1
            return self._table[(labels - self._low).add_(1).clamp_(0, span)]  # wraps: invalid
        if self._sorted is not None:
            ordered, order = self._sorted
            pos = torch.searchsorted(ordered, labels).clamp_(max=self.size - 1)
            return torch.where(ordered[pos] == labels, order[pos], self.size)
        return labels.clamp(-1, self.size) if validate else labels

    def _string_codes(self, labels: np.ndarray) -> torch.Tensor:
        ordered = self._names[self._name_order]
        pos = np.searchsorted(ordered, labels).clip(max=self.size - 1)
        codes = np.where(ordered[pos] == labels, self._name_order[pos], self.size)
        return torch.from_numpy(codes.astype(np.int64)).to(self.device)


def twice_named_value(space: ClassSpace) -> ClassesError | None:
    """The error of classes that name one label value twice (``["1", "01"]``), if they do.

    String labels tell such classes apart by their text; integer labels cannot, so looking
    them up raises it.

    Examples:
        >>> str(twice_named_value(ClassSpace(("1", "01"), (1, 1))))[:45]
        "classes '1' and '01' are both the label value"
    """
    assert space.values is not None
    values = np.asarray(space.values, dtype=object)
    unique, counts = np.unique(values, return_counts=True)
    if bool((counts == 1).all()):
        return None
    value = unique[counts > 1][0]
    i, j = np.flatnonzero(values == value)[:2]
    return ClassesError(
        f"classes {space.names[i]!r} and {space.names[j]!r} are both the label value {value}: "
        "integer labels cannot tell them apart",
        argument="classes",
        value=value,
    )


def whole_labels(labels: torch.Tensor, size: int) -> torch.Tensor:
    """Float labels as int64; NaN, infinite or fractional ones become the invalid code ``size``.

    Examples:
        >>> whole_labels(torch.tensor([1.0, 2.5, float("nan")]), 3).tolist()
        [1, 3, 3]
    """
    ok = (labels == labels.round()) & (labels >= -(2.0**63)) & (labels < 2.0**63)  # int64
    return torch.where(ok, labels, float(size)).long()


def positive_probability(scores: torch.Tensor, from_logits: bool) -> torch.Tensor:
    """Binary scores ``(N,)`` as probabilities of the positive class.

    Probabilities stay in their own precision, so a score equal to the threshold written in
    that precision is at the threshold; logits go through a sigmoid in float64.

    Examples:
        >>> positive_probability(torch.tensor([0.0, 2.0]), from_logits=True).tolist()
        [0.5, 0.8807970779778823]
    """
    return probabilities(scores.reshape(-1), from_logits)


def probabilities(scores: torch.Tensor, from_logits: bool) -> torch.Tensor:
    """Scores of any shape as probabilities: logits through a sigmoid (in float64) if asked.

    Probabilities are returned as they are, in their own precision; a sigmoid is applied only
    when the caller says the scores are logits, never guessed from the values.

    Examples:
        >>> probabilities(torch.tensor([[0.0, 0.25]]), from_logits=False).tolist()
        [[0.0, 0.25]]
        >>> probabilities(torch.tensor([[0.0]]), from_logits=True).dtype
        torch.float64
    """
    return torch.sigmoid(scores.to(torch.float64)) if from_logits else scores


def meets_threshold(
    probabilities: torch.Tensor,
    threshold: float | torch.Tensor,
    out: torch.Tensor | None = None,
) -> torch.Tensor:
    """Whether each probability is at or above its threshold: THE tie rule, ``>=``.

    ``threshold`` is one number, or a tensor that broadcasts against the probabilities (one
    per column of ``(N, L)`` multilabel probabilities). Either is written in the probabilities'
    precision before the comparison, so a score that is the threshold in that precision counts.
    ``out``: a bool tensor to write the result into.

    Examples:
        >>> meets_threshold(torch.tensor([0.2, 0.5]), 0.5).tolist()
        [False, True]
        >>> scores = torch.tensor([[0.3, 0.3]], dtype=torch.float32)
        >>> meets_threshold(scores, torch.tensor([0.3, 0.31], dtype=torch.float64)).tolist()
        [[True, False]]
    """
    if isinstance(threshold, torch.Tensor):
        threshold = threshold.to(device=probabilities.device, dtype=probabilities.dtype)
    if out is None:
        return probabilities >= threshold
    return torch.ge(probabilities, threshold, out=out)


def label_decisions(
    scores: torch.Tensor,
    threshold: float | torch.Tensor,
    from_logits: bool,
    out: torch.Tensor | None = None,
) -> torch.Tensor:
    """Which labels float ``(N, L)`` scores predict: label j iff its probability ``>= threshold``.

    The multilabel form of the rule, one decision per (sample, label): ``threshold`` is one
    number or one per label column ``(L,)``; see :func:`probabilities` and
    :func:`meets_threshold`. ``out``: a bool ``(N, L)`` tensor to write the decisions into.

    Examples:
        >>> label_decisions(torch.tensor([[0.2, 0.5]]), 0.5, False).tolist()
        [[False, True]]
        >>> label_decisions(torch.tensor([[0.0, -1.0]]), torch.tensor([0.5, 0.1]), True).tolist()
        [[True, True]]
    """
    return meets_threshold(probabilities(scores, from_logits), threshold, out)


def invalid_label_scores(scores: torch.Tensor, from_logits: bool) -> torch.Tensor:
    """Which samples' ``(N, L)`` label scores are invalid ``(N,)``, on the device.

    A score is invalid when it is NaN or infinite, or, unless the scores are logits, outside
    [0, 1] (a probability). Nothing is read on the host.

    Examples:
        >>> invalid_label_scores(torch.tensor([[0.5, 1.5], [0.1, 0.9]]), False).tolist()
        [True, False]
        >>> invalid_label_scores(torch.tensor([[3.0, float("inf")]]), True).tolist()
        [True]
    """
    if from_logits:
        return (~torch.isfinite(scores)).sum(dim=1) > 0  # a row sum beats any(dim=1) on the CPU
    # row extremes in [0, 1]: amin/amax propagate NaN (two row reductions beat one aminmax on
    # floats on the CPU), no full-size temporary
    return ~((scores.amin(dim=1) >= 0) & (scores.amax(dim=1) <= 1))


def is_multiclass(scores: torch.Tensor) -> bool:
    """Whether float scores are ``(N, C)`` with C > 1 (else binary scores ``(N,)``/``(N, 1)``)."""
    return scores.ndim == 2 and scores.shape[1] > 1


def score_labels(
    scores: torch.Tensor,
    *,
    threshold: float = 0.5,
    from_logits: bool = False,
    scored: int = 1,
) -> torch.Tensor:
    """Predicted class indices ``(N,)`` of scores: THE rule (see the module docstring).

    Args:
        scores: ``(N, C)`` scores, or ``(N,)`` / ``(N, 1)`` binary scores of one class.
        threshold: the scored class is predicted iff ``score >= threshold``.
        from_logits: binary scores are logits (a sigmoid is applied first).
        scored: the index (0 or 1) of the class the binary scores are probabilities of.

    Examples:
        >>> score_labels(torch.tensor([[0.1, 0.9], [0.5, 0.5]])).tolist()
        [1, 0]
        >>> score_labels(torch.tensor([0.2, 0.5])).tolist(), score_labels(
        ...     torch.tensor([0.2, 0.5]), scored=0).tolist()
        ([0, 1], [1, 0])
    """
    if is_multiclass(scores):
        return scores.argmax(dim=1)
    return threshold_labels(positive_probability(scores, from_logits), threshold, scored)


def threshold_labels(
    probabilities: torch.Tensor, threshold: float, scored: int = 1
) -> torch.Tensor:
    """Class indices ``(N,)`` of probabilities of class ``scored``: it iff ``>= threshold``.

    Examples:
        >>> threshold_labels(torch.tensor([0.2, 0.5]), 0.5).tolist()
        [0, 1]
    """
    is_scored = meets_threshold(probabilities, threshold)
    return (is_scored if scored == 1 else ~is_scored).long()


def invalid_scores(scores: torch.Tensor, from_logits: bool) -> torch.Tensor:
    """Which samples' scores are invalid ``(N,)``: NaN, infinite, or probabilities out of [0, 1].

    Examples:
        >>> invalid_scores(torch.tensor([0.2, 1.5, float("nan")]), from_logits=False).tolist()
        [False, True, True]
    """
    if is_multiclass(scores):
        return ~torch.isfinite(scores).all(dim=1)
    values = scores.reshape(-1)
    if from_logits:
        return ~torch.isfinite(values)
    return ~((values >= 0) & (values <= 1))


def argmax_codes(scores: torch.Tensor, validate: bool) -> torch.Tensor:
    """Column codes of ``(N, C)`` scores: the argmax; rows with NaN or infinity get ``C+1``.

    Examples:
        >>> argmax_codes(torch.tensor([[0.1, 0.9], [float("nan"), 0.0]]), True).tolist()
        [1, 3]
    """
    pred = score_labels(scores)
    if not validate:
        return pred
    return torch.where(invalid_scores(scores, False), scores.shape[1] + 1, pred)


def binary_codes(
    scores: torch.Tensor, threshold: float, scored: int, from_logits: bool, validate: bool
) -> torch.Tensor:
    """Column codes of binary scores ``(N,)``: the rule's labels, invalid scores get code 3.

    Examples:
        >>> binary_codes(torch.tensor([0.2, 0.5, 1.5]), 0.5, 1, False, True).tolist()
        [0, 1, 3]
    """
    pred = score_labels(scores, threshold=threshold, from_logits=from_logits, scored=scored)
    if not validate:
        return pred
    return torch.where(invalid_scores(scores, from_logits), 3, pred)


def prediction_kind(pred: v.Values, declared: object, from_logits: bool) -> PredKind:
    """Whether ``y_pred`` holds labels or scores: the declared kind, else by the values.

    Strings, integers and bools are labels; ``(N, C)`` floats and logits are scores. A float
    ``(N,)`` column is scores unless all its values (NaN aside) are whole numbers and one lies
    outside [0, 1] (``2.0`` is no probability): then it is labels. A column of only 0.0 and
    1.0 is read as probabilities of label 1 (the default scored class), which counts it as
    labels would at every threshold in (0, 1]; the readings differ only under options that
    treat it as scores themselves (``threshold=0``, ``score_of=`` another class).

    Examples:
        >>> prediction_kind(torch.tensor([0.0, 2.0]), None, False)
        'labels'
        >>> prediction_kind(torch.tensor([0.0, 0.7]), None, False)
        'scores'
    """
    if declared is not None:
        kind = v.check_option_choice(declared, ("labels", "scores"), "pred_kind")
        if kind == "scores" and v.is_strings(pred):
            raise ShapeError("pred_kind='scores' needs numbers, but y_pred holds strings")
        return "labels" if kind == "labels" else "scores"
    if not v.is_float(pred):
        return "labels"
    if is_multiclass(pred) or from_logits:
        return "scores"
    if _has_fraction(pred[:4096]) or _has_fraction(pred):  # scores show a fraction early
        return "scores"
    if bool(torch.isinf(pred).any()) or bool(torch.isnan(pred).all()):
        return "scores"  # infinity is no label, but an invalid score
    return "labels" if bool(((pred < 0) | (pred > 1)).any()) else "scores"


def _has_fraction(values: torch.Tensor) -> bool:
    """Whether a value (NaN aside) is not a whole number."""
    return bool(((values != values.round()) & (values == values)).any())


def scored_class(score_of: object, names: Sequence[str], strings: bool) -> int:
    """Index of the class one score column is the probability of: THE rule.

    ``score_of`` names it (by value when the classes are label values, see
    :func:`core.checks.class_position`); else, for numeric labels, it is label 1 (``True``):
    the class of value 1 when the classes are values, else index 1. String labels cannot
    tell, so ``score_of`` is required. Which class a report calls positive is separate
    (``positive``, :func:`positive_index`).

    Examples:
        >>> scored_class(None, ["0", "1"], strings=False), scored_class(None, ["1", "0"], False)
        (1, 0)
        >>> scored_class("sick", ["sick", "well"], strings=True)
        0
    """
    if score_of is not None:
        return v.class_position(names, score_of, "score_of")
    if strings:
        raise ClassesError(
            f"y_pred holds one score per sample but y_true holds the strings {names[0]!r} and "
            f"{names[1]!r}: say which class the scores are the probability of with "
            f"score_of={names[1]!r} (--score-of on the command line)",
            argument="score_of",
        )
    one = label_one(names)
    if one is None:
        raise ClassesError(
            f"binary scores are the probability of label 1 unless score_of= says otherwise, "
            f"but the classes are {list(names)}: pass score_of=NAME",
            argument="score_of",
        )
    return one


def label_one(names: Sequence[str]) -> int | None:
    """Index of label 1 (``True``): the class of value 1, or index 1 of class names.

    Examples:
        >>> label_one(["0", "1"]), label_one(["1", "0"]), label_one(["7", "3"]), label_one(["a"])
        (1, 0, None, None)
    """
    values = v.class_values(names)
    if values is None:
        return 1 if len(names) > 1 else None
    return values.index(1) if 1 in values else None


def positive_index(positive: object, names: Sequence[str]) -> int | None:
    """Index of the class a binary report calls positive; None for more than two classes.

    ``positive`` names it (as :func:`core.checks.class_position` matches a class); the default
    is label 1 (``True``) when it is one of the two classes, else the second class. It never
    changes a count: which class one score column describes is :func:`scored_class`'s.

    Examples:
        >>> positive_index(None, ["benign", "malignant"]), positive_index(None, ["1", "0"])
        (1, 0)
        >>> positive_index("benign", ["benign", "malignant"])
        0
    """
    if positive is None:
        if len(names) != 2:
            return None
        one = label_one(names)
        return 1 if one is None else one
    index = v.class_position(names, positive, "positive")
    if len(names) != 2:
        raise ClassesError(
            f"positive applies to two classes, got {len(names)} classes {list(names[:5])}...",
            argument="positive",
            value=positive,
        )
    return index


def column_classes(names: Sequence[str], width: int) -> torch.Tensor | None:
    """Which class each of ``width`` score columns ``(N, C)`` is, or None when column j is class j.

    Column j of a model's scores is label j. With class names (or string labels) it is
    ``classes[j]``; with classes that are label values it is the class of value j, so the
    values must be ``0..C-1`` in some order, else a ``ClassesError`` (the columns cannot be
    told apart).

    Examples:
        >>> column_classes(["cat", "dog"], 2) is None, column_classes(["1", "0"], 2).tolist()
        (True, [1, 0])
    """
    values = v.class_values(names)
    if values is None or values == tuple(range(width)):
        return None
    found = np.asarray(values, dtype=np.int64)
    if found.shape[0] != width or not np.array_equal(np.sort(found), np.arange(width)):
        raise ClassesError(
            f"score columns are labels 0..{width - 1} (column j is label j), but the classes "
            f"are the values {list(values[:10])}: pass classes that are 0..{width - 1} in any "
            "order, or class names (one per column, in column order)",
            argument="classes",
        )
    order = np.empty(width, dtype=np.int64)
    order[found] = np.arange(width)
    return torch.from_numpy(order)


def reported_positive(positive: object, scored: object) -> object:
    """The class a binary report calls positive: ``positive`` if given, else the scored class.

    THE rule of the default positive class (it never changes a count): the class one score
    column is the probability of (``score_of``, or its default) when the predictions were one
    score column; None otherwise, which lets the matrix choose (label 1 / ``True``, else the
    second class).

    Examples:
        >>> reported_positive(None, "disease"), reported_positive("healthy", "disease")
        ('disease', 'healthy')
    """
    return scored if positive is None else positive
