"""The one place that inspects user input: containers, dtypes, shapes, values and options.

Every check raises a :class:`~confmat.exceptions.ConfmatError` subclass whose message names the
argument, what was expected and what arrived. Kernels and statistics trust what passes here.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any, TypeGuard

import numpy as np
import torch

from confmat._internal.core import limits
from confmat._internal.core.missing import Column, drop_missing
from confmat._internal.core.types import ZeroDivision
from confmat.exceptions import (
    ClassesError,
    ConfmatError,
    LabelError,
    MatrixError,
    OptionError,
    ScoreError,
    ShapeError,
    WeightError,
)

Values = torch.Tensor | np.ndarray
"""Labels or scores after conversion: a tensor (numbers, bools) or a numpy array of ``str``."""

_STRING_KINDS = frozenset("USO")


def as_values(x: object, name: str) -> Values:
    """Convert a user container to a tensor (numeric, bool) or a numpy array of ``str``.

    Accepts torch tensors (kept on their device, never copied), numpy arrays (shared, not
    copied), lists, tuples and anything with ``__array__`` such as a pandas Series. Missing
    values (None, NaN in objects, pandas NA) are refused (see :mod:`core.missing`).

    Examples:
        >>> as_values([0, 1, 1], "y_true")
        tensor([0, 1, 1])
        >>> as_values(["cat", "dog"], "y_true").tolist()
        ['cat', 'dog']
    """
    return finish_values(as_array(x, name), name)


def as_array(x: object, name: str) -> Values:
    """A user container as a tensor (numbers, bools) or a numpy array (strings or objects).

    Object arrays (lists mixing types, pandas' nullable dtypes) stay objects, so that their
    missing entries can be found before :func:`finish_values` converts them.
    """
    if isinstance(x, torch.Tensor):
        return _check_tensor(x, name).detach()
    if x is None or isinstance(x, (str, bytes, int, float, bool)):
        raise ShapeError(
            f"{name} must be an array of labels or scores, got {type(x).__name__}", argument=name
        )
    try:
        array = np.asarray(x)
    except (ValueError, TypeError) as error:
        raise ShapeError(f"{name} could not be read as an array: {error}", argument=name) from None
    if array.dtype.kind in _STRING_KINDS:
        return array if array.dtype.kind == "O" else array.astype(str)
    if array.dtype.kind not in "biuf":
        raise ShapeError(
            f"{name} must hold numbers, bools or strings, got dtype {array.dtype}", argument=name
        )
    if array.dtype == np.uint64 and array.size and int(array.max()) > limits.INT64_MAX:
        raise ShapeError(f"{name} must hold int64 values, got {int(array.max())}", argument=name)
    if not array.flags.writeable:
        with warnings.catch_warnings():  # confmat never writes into the caller's array
            warnings.simplefilter("ignore", UserWarning)
            return torch.from_numpy(array)
    return torch.from_numpy(np.ascontiguousarray(array))


def _check_tensor(x: torch.Tensor, name: str) -> torch.Tensor:
    if x.is_complex():
        raise ShapeError(
            f"{name} must hold real numbers, got a tensor of dtype {x.dtype}", argument=name
        )
    if x.layout != torch.strided:
        raise ShapeError(
            f"{name} must be a dense tensor, got layout {x.layout}: pass {name}.to_dense()",
            argument=name,
        )
    if x.device.type == "meta":
        raise ShapeError(
            f"{name} is on the meta device, which holds no values: move it first", argument=name
        )
    return x


def finish_values(array: Values, name: str) -> Values:
    """Objects become numbers, bools or strings once no entry is missing."""
    if not isinstance(array, np.ndarray) or array.dtype.kind != "O":
        return array
    drop_missing([Column(name, array, True)], dropna=False, fix="leave them out (dropna=True)")
    values = as_array(array.tolist(), name)
    if isinstance(values, np.ndarray) and values.dtype.kind == "O":
        big = next((x for x in values.reshape(-1) if isinstance(x, int)), values.reshape(-1)[0])
        raise ShapeError(
            f"{name} must hold int64 numbers, floats, bools or strings, got {big!r}", argument=name
        )
    return values


def is_strings(values: Values) -> TypeGuard[np.ndarray]:
    """Whether converted values are strings (a numpy array) rather than a tensor."""
    return isinstance(values, np.ndarray)


def is_float(values: Values) -> TypeGuard[torch.Tensor]:
    """Whether converted values are floating point numbers."""
    return isinstance(values, torch.Tensor) and values.is_floating_point()


def check_labels_shape(values: Values, name: str) -> None:
    """Labels must be one value per sample: shape ``(N,)``."""
    if values.ndim != 1:
        raise ShapeError(
            f"{name} must have shape (N,), got shape {tuple(values.shape)}", argument=name
        )


def check_not_empty(n: int) -> None:
    """At least one sample is needed (after ``ignore_index``)."""
    if n == 0:
        raise ShapeError("no samples: y_true is empty (or every sample was ignored)")


def check_same_length(n_true: int, other: Values | None, name: str) -> None:
    """``other`` must have one entry per sample of ``y_true``."""
    if other is not None and other.shape[0] != n_true:
        raise ShapeError(
            f"{name} must have one entry per sample: y_true has {n_true}, {name} has "
            f"{other.shape[0]}",
            argument=name,
        )


def check_same_device(y_true: Values, y_pred: Values) -> None:
    """Tensors of one call must live on one device."""
    if (
        isinstance(y_true, torch.Tensor)
        and isinstance(y_pred, torch.Tensor)
        and y_true.device != y_pred.device
    ):
        raise ShapeError(
            f"y_true and y_pred must be on one device, got {y_true.device} and {y_pred.device}",
            argument="y_true",
        )


def first_index(mask: torch.Tensor | np.ndarray) -> int:
    """Index of the first true entry of a boolean mask (which has at least one)."""
    flat = mask.reshape(-1)
    if isinstance(flat, np.ndarray):
        return int(np.flatnonzero(flat)[0])
    return int(flat.nonzero()[0, 0])


def integral_labels(values: torch.Tensor, name: str) -> torch.Tensor:
    """Labels given as floats must be finite whole numbers; returns them as int64.

    Bools become 0/1 and integer dtypes are widened to int64 so no arithmetic overflows.
    """
    if not values.is_floating_point():
        return values.long()
    bad = ~(values == values.round()) | (values < -(2.0**63)) | (values >= 2.0**63)
    if bool(bad.any()):
        i = first_index(bad)
        value = values.reshape(-1)[i].item()
        raise LabelError.at_index(
            f"{name} must hold whole-number (int64) labels, got {value!r} at index ",
            i,
            " (pass scores as y_pred, not as y_true)",
            argument=name,
            value=value,
        )
    return values.long()


def check_label_range(labels: torch.Tensor, num_classes: int, name: str, hint: str = "") -> None:
    """Integer labels must be class indices in ``[0, num_classes)``."""
    low, high = value_range(labels)
    if int(low) < 0:
        i = first_index(labels < 0)
        raise LabelError.at_index(
            f"{name} must hold class indices in [0, {num_classes}), got negative label "
            f"{int(labels[i])} at index ",
            i,
            hint,
            argument=name,
            value=int(labels[i]),
        )
    if int(high) >= num_classes:
        i = first_index(labels >= num_classes)
        raise LabelError.at_index(
            f"{name} must hold class indices in [0, {num_classes}), got {int(labels[i])} at index ",
            i,
            hint,
            argument=name,
            value=int(labels[i]),
        )


def value_range(values: torch.Tensor) -> tuple[int, int]:
    """``(min, max)`` of a non-empty integer tensor, as Python ints (one device sync).

    On the CPU numpy's single-threaded reductions beat ``torch.aminmax`` and, on a busy
    machine, do not wait for a second thread.

    Examples:
        >>> value_range(torch.tensor([3, -1, 7]))
        (-1, 7)
    """
    if values.device.type == "cpu" and values.dtype != torch.bool:
        array = values.numpy()
        return int(array.min()), int(array.max())
    low, high = torch.aminmax(values)
    return int(low), int(high)


def check_finite_scores(scores: torch.Tensor, name: str) -> None:
    """Scores must be finite (no NaN, no infinity)."""
    bad = ~torch.isfinite(scores)
    if bool(bad.any()):
        count = int(bad.sum())
        row = first_index(bad.reshape(scores.shape[0], -1).any(dim=1))
        raise ScoreError(
            f"{name} must hold finite scores, got {count} NaN or infinite value(s), the first "
            f"in sample {row}",
            argument=name,
        )


def check_probabilities(scores: torch.Tensor, name: str) -> None:
    """Binary probabilities must lie in [0, 1]; out of range suggests logits."""
    bad = (scores < 0) | (scores > 1)
    if bool(bad.any()):
        i = first_index(bad)
        raise ScoreError(
            f"{name} must hold probabilities in [0, 1], got {scores.reshape(-1)[i].item():g} at "
            f"index {i} (pass from_logits=True for logits, or integer labels)",
            argument=name,
        )


def check_threshold(threshold: float) -> float:
    """The decision threshold must be a number in [0, 1]."""
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.floating)):
        raise OptionError(
            f"threshold must be a number in [0, 1], got {threshold!r}", argument="threshold"
        )
    if not 0.0 <= float(threshold) <= 1.0:
        raise OptionError(f"threshold must be in [0, 1], got {threshold!r}", argument="threshold")
    return float(threshold)


def check_num_classes(num_classes: int | None) -> int | None:
    """``num_classes`` must be a positive integer when given."""
    if num_classes is None:
        return None
    return _check_count(num_classes, "num_classes", minimum=1, error=ClassesError)


def check_class_names(classes: Sequence[Any], num_classes: int | None = None) -> list[str]:
    """Class names: a non-empty sequence, unique once written as text, of the expected length.

    Each class is written as its canonical text (:func:`class_names`): ``1``, ``1.0``, ``"1"``
    and ``np.int64(1)`` are all the class ``"1"``, ``True`` is ``"True"``.

    Examples:
        >>> check_class_names([0.0, 1.0]), check_class_names(["cat", "dog"])
        (['0', '1'], ['cat', 'dog'])
    """
    if isinstance(classes, (str, bytes)) or not isinstance(classes, Sequence | np.ndarray):
        raise ClassesError(
            f"classes must be a list of class names, got {classes!r}", argument="classes"
        )
    names = class_names(classes)
    if not names:
        raise ClassesError(
            "classes must name at least one class, got an empty list", argument="classes"
        )
    if len(set(names)) != len(names):
        seen: set[str] = set()
        duplicate = next(c for c in names if c in seen or seen.add(c))  # type: ignore[func-returns-value]
        raise ClassesError(
            f"classes must be unique, got {duplicate!r} more than once",
            argument="classes",
            value=duplicate,
        )
    if num_classes is not None and len(names) != num_classes:
        raise ClassesError(
            f"classes must name {num_classes} classes to match the data, got {len(names)}",
            argument="classes",
        )
    return names


def class_names(classes: Sequence[Any] | np.ndarray) -> list[str]:
    """THE text of each class: whole numbers as integers, bools as ``True``/``False``.

    A class given as a number is a label value, so ``0.0`` and ``0`` are one class, ``"0"``;
    strings are kept as given. The same data therefore gives the same class names whether
    the classes are inferred from float labels or given (``classes=[0.0, 1.0]``).

    Examples:
        >>> class_names([1.0, 0, True, "cat", 0.5, np.int64(7)])
        ['1', '0', 'True', 'cat', '0.5', '7']
    """
    if isinstance(classes, np.ndarray):
        if classes.dtype.kind in "iuUS":
            text: list[str] = classes.astype(str).tolist()
            return text
        classes = classes.tolist()
    if all(type(c) is str for c in classes):  # the common cases, without a call per class
        return list(classes)
    if all(type(c) is int for c in classes):
        return list(map(str, classes))
    return [class_name(c) for c in classes]


def class_name(value: object) -> str:
    """The text of one class (see :func:`class_names`).

    Examples:
        >>> class_name(2.0), class_name(np.bool_(True)), class_name(0.25)
        ('2', 'True', '0.25')
    """
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value)


def class_values(classes: Sequence[Any] | np.ndarray) -> tuple[int, ...] | None:
    """The classes as integer label values when every class is one, else None (names).

    A class is a label value when it is a whole number (an int, a bool, a whole float) or a
    string that writes one (``"1"``, ``"-3"``, ``"1.0"``, ``"True"``): ``classes=[1, 0]``,
    ``classes=["1", "0"]`` and ``--classes 1,0`` mean the same classes. Integer labels are
    then looked up among the values; with class names they index the list.

    Examples:
        >>> class_values([3, 1, 2]), class_values(["1", "0"]), class_values(["cat", "1"])
        ((3, 1, 2), (1, 0), None)
        >>> class_values([True, False]), class_values([0.5, 1.0])
        ((1, 0), None)
    """
    if isinstance(classes, np.ndarray) and classes.dtype.kind in "iub":
        return tuple(classes.astype(np.int64).tolist())
    items = classes.tolist() if isinstance(classes, np.ndarray) else list(classes)
    if not items:
        return None
    if all(isinstance(c, (int, np.integer)) for c in items):  # bools too
        return tuple(int(c) for c in items)
    texts = np.asarray([_as_text(c) for c in items])
    if texts.dtype.kind != "U":
        return None
    return _whole_numbers(texts)


def _as_text(value: object) -> str:
    """A class as the text whose number :func:`_whole_numbers` reads."""
    if isinstance(value, (bool, np.bool_)):
        return "1" if value else "0"
    if isinstance(value, str) and value in ("True", "False"):
        return "1" if value == "True" else "0"
    return str(value)


def _whole_numbers(texts: np.ndarray) -> tuple[int, ...] | None:
    """The integers ``texts`` write (``"7"``, ``"-3"``, ``"1.0"``), or None if one does not.

    Integers beyond int64 are returned as they are, for the int64 check to refuse them.
    """
    unsigned = np.char.lstrip(texts, "+-")
    if bool(np.char.isdigit(unsigned).all()) and bool((np.char.str_len(unsigned) > 0).all()):
        try:
            return tuple(texts.astype(np.int64).tolist())
        except OverflowError:
            return tuple(int(text) for text in texts.tolist())
    try:
        numbers = texts.astype(np.float64)
    except ValueError:
        return None
    if not bool((np.isfinite(numbers) & (numbers == np.round(numbers))).all()):
        return None
    return tuple(int(number) for number in numbers.tolist())


def class_position(names: Sequence[str], wanted: object, argument: str) -> int:
    """Index of the class ``wanted`` names, else a ClassesError naming ``argument``.

    THE rule of ``positive=`` and ``score_of=``: see :func:`find_class`.

    Examples:
        >>> class_position(["0", "1"], 1.0, "positive"), class_position(["1", "0"], True, "x")
        (1, 0)
        >>> class_position(["cat", "dog"], "dog", "positive")
        1
    """
    found = find_class(names, wanted)
    if found is None:
        shown = list(names) if len(names) <= 10 else [*names[:10], "..."]
        raise ClassesError(
            f"{argument} must be one of the classes {shown}, got {wanted!r}",
            argument=argument,
            value=wanted,
        )
    return found


def find_class(names: Sequence[str], wanted: object) -> int | None:
    """Index of the class ``wanted`` names: by value when the classes are label values.

    ``1``, ``1.0``, ``"1"`` and ``True`` name the class of value 1 when every class is a
    label value (:func:`class_values`); otherwise ``wanted`` is compared as text
    (:func:`class_name`). None when no class is named so.

    Examples:
        >>> find_class(["0", "1"], 1.0), find_class(["cat", "dog"], "dog"), find_class(["a"], "b")
        (1, 1, None)
    """
    names = list(names)
    number = _whole_number(wanted)
    if number is not None:
        values = class_values(names)
        if values is not None and number in values:
            return values.index(number)
    text = class_name(wanted)
    return names.index(text) if text in names else None


def _whole_number(value: object) -> int | None:
    """The integer a class reference writes, if it writes one (a label value)."""
    if isinstance(value, (bool, np.bool_, int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return int(value) if math.isfinite(value) and float(value).is_integer() else None
    if isinstance(value, str):
        found = _whole_numbers(np.asarray([_as_text(value)]))
        return None if found is None else found[0]
    return None


def check_weights(sample_weight: object, n: int, device: torch.device) -> torch.Tensor:
    """Sample weights: shape ``(N,)``, finite, non-negative; returned as float64 on ``device``."""
    weights = as_values(sample_weight, "sample_weight")
    if is_strings(weights):
        raise WeightError("sample_weight must hold numbers, got strings", argument="sample_weight")
    assert isinstance(weights, torch.Tensor)
    if weights.ndim != 1:
        raise WeightError(
            f"sample_weight must have shape (N,), got {tuple(weights.shape)}",
            argument="sample_weight",
        )
    if weights.shape[0] != n:
        raise WeightError(
            f"sample_weight must have one weight per sample: y_true has {n}, sample_weight "
            f"has {weights.shape[0]}",
            argument="sample_weight",
        )
    weights = weights.to(device=device, dtype=torch.float64)
    bad = ~torch.isfinite(weights) | (weights < 0)
    if bool(bad.any()):
        i = first_index(bad)
        raise WeightError.at_index(
            f"sample_weight must be finite and non-negative, got {weights[i].item()!r} at index ",
            i,
            "",
            argument="sample_weight",
            value=weights[i].item(),
        )
    return weights


def check_zero_division(zero_division: ZeroDivision) -> ZeroDivision:
    """``zero_division`` is ``"nan"``, ``"warn"``, NaN, 0 or 1."""
    if zero_division in ("nan", "warn"):
        return zero_division
    if isinstance(zero_division, (int, float)) and not isinstance(zero_division, bool):
        value = float(zero_division)
        if math.isnan(value):
            return "nan"
        if value in (0.0, 1.0):
            return value
    raise OptionError(
        f'zero_division must be "nan", "warn", 0 or 1, got {zero_division!r}',
        argument="zero_division",
    )


def check_matrix(counts: object) -> torch.Tensor:
    """A confusion matrix: square ``(C, C)``, finite, non-negative; int64 or float64."""
    matrix = check_counts(counts, "counts", ("C", "C"), "a square (C, C) matrix")
    limits.check_total(matrix)
    return matrix


def check_counts(
    counts: object, name: str, shape: Sequence[int | str], expected: str
) -> torch.Tensor:
    """A counts array: numbers of the expected shape, finite, non-negative; int64 or float64.

    Integer counts become int64, float ones (sums of sample weights) float64. The one check of
    every array of counts a user hands over (a matrix, multilabel counts, a co-confusion).

    Args:
        counts: the user's container.
        name: the argument, for the message.
        shape: per dimension, a size, or a letter: any size of at least 1, the same for every
            dimension with that letter (``("C", "C")`` is square; ``("L", 2, 2)``).
        expected: the shape in words, for the message (``"a square (C, C) matrix"``).

    Examples:
        >>> check_counts([[[3, 1], [0, 2]]], "counts", ("L", 2, 2), "of shape (L, 2, 2)").dtype
        torch.int64
        >>> check_counts([[1.0, -2.0]], "co", ("L", "L"), "(L, L)")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        confmat.exceptions.MatrixError: co must be (L, L), got shape (1, 2)
    """
    values = as_values(counts, name)
    if is_strings(values):
        raise MatrixError(f"{name} must hold numbers, got strings", argument=name)
    assert isinstance(values, torch.Tensor)
    if not _has_shape(tuple(values.shape), shape):
        raise MatrixError(
            f"{name} must be {expected}, got shape {tuple(values.shape)}", argument=name
        )
    if values.is_floating_point():
        if not bool(torch.isfinite(values).all()):
            raise MatrixError(f"{name} must be finite, got NaN or infinity", argument=name)
        values = values.to(torch.float64)
    else:
        values = values.to(torch.int64)
    negative = values < 0
    if bool(negative.any()):
        at = tuple(int(i) for i in negative.nonzero()[0])
        where = f"in row {at[0]}, column {at[1]}" if len(at) == 2 else f"at index {at}"
        raise MatrixError(
            f"{name} must be non-negative, got {values[at].item()} {where}",
            argument=name,
            value=values[at].item(),
        )
    return values


def _has_shape(found: tuple[int, ...], shape: Sequence[int | str]) -> bool:
    """Whether ``found`` matches ``shape`` (sizes, or letters: equal sizes of at least 1)."""
    if len(found) != len(shape):
        return False
    sizes: dict[str, int] = {}
    for size, want in zip(found, shape, strict=True):
        if isinstance(want, str):
            if size < 1 or sizes.setdefault(want, size) != size:
                return False
        elif size != want:
            return False
    return True


def check_thresholds(threshold: object, width: int | None) -> float | torch.Tensor:
    """One threshold in [0, 1] (a float), or one per column: float64 ``(width,)``.

    ``width`` None takes as many columns as there are thresholds. The multilabel form of
    :func:`check_threshold` (a threshold per label).

    Examples:
        >>> check_thresholds(0.3, 2)
        0.3
        >>> check_thresholds([0.2, 0.7], 2).tolist()
        [0.2, 0.7]
    """
    if isinstance(threshold, (int, float, np.floating)) and not isinstance(threshold, bool):
        return check_threshold(float(threshold))
    try:
        if isinstance(threshold, torch.Tensor):  # on any device: checked once, on the CPU
            values = threshold.detach().to("cpu", torch.float64).reshape(-1)
        else:
            values = torch.as_tensor(np.asarray(threshold, dtype=np.float64)).reshape(-1)
    except (TypeError, ValueError, RuntimeError):
        raise OptionError(
            f"threshold must be a number in [0, 1] or one per label, got {threshold!r:.60}",
            argument="threshold",
        ) from None
    if width is None:
        width = values.numel()
    if values.numel() != width or not bool(((values >= 0) & (values <= 1)).all()):
        raise OptionError(
            f"threshold must be a number in [0, 1] or {width} of them (one per label), "
            f"got {threshold!r:.60}",
            argument="threshold",
        )
    return values


def one_of(value: object, alias: object, name: str, alias_name: str) -> Any:
    """The option given under its name or under its older alias (never both).

    Examples:
        >>> one_of(None, ["a"], "classes", "labels"), one_of(3, None, "num_classes", "num_labels")
        (['a'], 3)
    """
    if alias is None:
        return value
    if value is not None:
        raise OptionError(
            f"{name} and {alias_name} are one option ({alias_name} is its older name): pass "
            f"one of them, got both",
            argument=name,
        )
    return alias


def check_prevalence(prevalence: object, num_classes: int) -> torch.Tensor:
    """A population prevalence in [0, 1]: one number, or one per class, as float64 ``(C,)``.

    Examples:
        >>> check_prevalence(0.001, 2)
        tensor([0.0010, 0.0010], dtype=torch.float64)
    """
    if isinstance(prevalence, bool):
        raise OptionError(
            f"prevalence must be a number in [0, 1], got {prevalence!r}", argument="prevalence"
        )
    try:
        p = torch.as_tensor(prevalence, dtype=torch.float64).reshape(-1)
    except (TypeError, ValueError, RuntimeError):
        raise OptionError(
            f"prevalence must be a number in [0, 1] or one per class, got {prevalence!r:.60}",
            argument="prevalence",
        ) from None
    if p.numel() == 1:
        p = p.expand(num_classes)
    if p.numel() != num_classes or not bool(((p >= 0) & (p <= 1)).all()):
        raise OptionError(
            f"prevalence must be a number in [0, 1] or {num_classes} of them (one per class), "
            f"got {prevalence!r:.60}",
            argument="prevalence",
        )
    return p


def check_option_choice(value: object, choices: Sequence[str], name: str) -> str:
    """An option that must be one of a few strings (e.g. ``by="count"``)."""
    if not isinstance(value, str) or value not in choices:
        expected = " or ".join(f'"{c}"' for c in choices)
        raise OptionError(f"{name} must be {expected}, got {value!r}", argument=name)
    return value


def check_positive_count(value: object, name: str) -> int:
    """An option that must be a positive integer (e.g. ``k`` or ``top``)."""
    return _check_count(value, name, minimum=1)


def check_non_negative_count(value: object, name: str) -> int:
    """An option that must be a non-negative integer (e.g. how many samples to keep)."""
    return _check_count(value, name, minimum=0)


def _check_count(
    value: object, name: str, *, minimum: int, error: type[ConfmatError] = OptionError
) -> int:
    """A whole number (not a bool) of at least ``minimum`` (0 or 1), as an int."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        kind = "positive" if minimum == 1 else "non-negative"
        raise error(f"{name} must be a {kind} integer, got {value!r}")
    return int(value)


def device_of(*values: Values) -> torch.device:
    """The device of the first tensor among ``values`` (the CPU when there is none).

    Examples:
        >>> device_of(np.array(["a"]), torch.zeros(1))
        device(type='cpu')
    """
    for value in values:
        if isinstance(value, torch.Tensor):
            return value.device
    return torch.device("cpu")


def class_index(classes: Sequence[str], name: object) -> int:
    """Position of the class ``name`` among ``classes`` (see :func:`class_position`).

    Examples:
        >>> class_index(["cat", "dog"], "dog"), class_index(["0", "1"], 1.0)
        (1, 1)
    """
    found = find_class(classes, name)
    if found is None:
        raise ClassesError(
            f"unknown class {name!r}; the classes are {list(classes[:10])}", value=name
        )
    return found
