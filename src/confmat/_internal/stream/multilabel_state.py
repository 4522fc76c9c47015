"""What a MultilabelAccumulator saves to resume: running sums, labels, options, samples seen.

Tensors and plain Python values only, so ``torch.save`` / ``torch.load(..., weights_only=True)``
keep it. The sums are :class:`core.multilabel_kernels.RunningSums` (float64 whole
numbers without sample weights), the problems the counts of :data:`PROBLEM_COUNT` deferred
checks. A state is checked whole before anything is restored: wrong keys, shapes, dtypes,
negative or non-finite sums, sums that contradict each other are refused.

Keys added after the first layout are written only where they differ from what a state of
that layout means, so earlier states load unchanged: the options ``ignore_index`` and
``zero_division`` (absent: None and ``"nan"``), the sums' ``cells`` (absent: every cell
counted, ``total`` per label).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import torch

from confmat._internal.core import checks as v
from confmat._internal.core import multilabel as ml
from confmat._internal.core import multilabel_kernels as kernels
from confmat._internal.core.types import ZeroDivision
from confmat._internal.stream import batch_checks
from confmat.exceptions import OptionError

VERSION = 1
"""The version of the saved state; bumped when its keys change."""

KIND = "multilabel"

PROBLEM_COUNT = 3
"""Deferred value checks (see ``stream.multilabel.PROBLEMS``)."""

SUM_NAMES = kernels.RunningSums._fields


class Saved(NamedTuple):
    """A checked saved state."""

    num_labels: int | None
    labels: list[str] | None
    options: dict[str, Any]
    sums: kernels.RunningSums | None
    problems: torch.Tensor | None
    weighted: bool
    seen: int


def options(
    threshold: object,
    from_logits: object,
    validate: object,
    max_samples: object,
    ignore_index: object = None,
    zero_division: ZeroDivision = "nan",
) -> dict[str, Any]:
    """Checked options in plain Python types (a threshold per label as a list of floats).

    ``ignore_index`` and ``zero_division`` are kept only when they are not the defaults.

    Examples:
        >>> options(torch.tensor([0.25, 0.5]), False, True, None)["threshold"]
        [0.25, 0.5]
        >>> sorted(options(0.5, False, True, None, ignore_index=-1))[1]
        'ignore_index'
    """
    checked = v.check_thresholds(threshold, None)
    threshold = checked if isinstance(checked, float) else checked.tolist()
    found: dict[str, Any] = {
        "threshold": threshold,
        "from_logits": bool(from_logits),
        "validate": bool(validate),
        "max_samples": batch_checks.check_max_samples(max_samples),  # type: ignore[arg-type]
    }
    ignore = ml.check_ignore_index(ignore_index)
    if ignore is not None:
        found["ignore_index"] = ignore
    zero = v.check_zero_division(zero_division)
    if zero != "nan":
        found["zero_division"] = zero
    return found


def make(saved: Saved) -> dict[str, Any]:
    """The state dict of ``saved`` (tensors cloned, detached).

    Examples:
        >>> state = make(Saved(2, None, options(0.5, False, True, None), None, None, False, 0))
        >>> state["num_labels"], state["sums"]
        (2, None)
    """
    sums = None
    if saved.sums is not None:
        sums = {name: t.detach().clone() for name, t in zip(SUM_NAMES, saved.sums, strict=True)}
    state = {
        "version": VERSION,
        "kind": KIND,
        "num_labels": saved.num_labels,
        "labels": saved.labels,
        "config": dict(saved.options),
        "sums": sums,
        "problems": None if saved.problems is None else saved.problems.detach().clone(),
        "weighted": saved.weighted,
        "samples_seen": saved.seen,
    }
    return state


def read(state: object) -> Saved:
    """The checked content of a state made by :func:`make`, else an OptionError.

    Examples:
        >>> read({"version": 1, "kind": "multiclass"})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        confmat.exceptions.OptionError: state must be a dict made by MultilabelAccumulator...
    """
    if not isinstance(state, dict) or state.get("version") != VERSION or state.get("kind") != KIND:
        raise OptionError(
            "state must be a dict made by MultilabelAccumulator.state_dict()", argument="state"
        )
    try:
        size, labels, config = state["num_labels"], state["labels"], state["config"]
        sums, problems = state["sums"], state["problems"]
        weighted, seen = state["weighted"], state["samples_seen"]
        checked = options(**config)
    except (KeyError, TypeError) as error:
        raise OptionError(f"state lacks {error} (it was not made by state_dict())") from None
    size = v.check_num_classes(size)
    if labels is not None:
        labels = v.check_class_names(labels, size)
        size = len(labels)
    if isinstance(seen, bool) or not isinstance(seen, int) or seen < 0:
        raise OptionError(f"state's samples_seen must be a non-negative integer, got {seen!r}")
    if not isinstance(weighted, bool):
        raise OptionError(f"state's weighted must be True or False, got {weighted!r}")
    threshold = checked["threshold"]
    if isinstance(threshold, list) and size is not None and len(threshold) != size:
        raise OptionError(f"state's threshold has {len(threshold)} values for {size} labels")
    if sums is None:
        if problems is not None:
            raise OptionError("state holds problem counts but no sums", argument="state")
        return Saved(size, labels, checked, None, None, weighted, seen)
    if size is None:
        raise OptionError("state holds sums but no number of labels", argument="state")
    found = check_sums(sums, size, weighted)
    return Saved(size, labels, checked, found, _problems(problems), weighted, seen)


def check_sums(sums: object, size: int, weighted: bool) -> kernels.RunningSums:
    """Checked saved running sums of ``size`` labels.

    Float64 tensors of the right shapes, finite, >= 0, whole numbers unless ``weighted``, and
    consistent (``tp = true - fn >= 0``, ``tn >= 0``).

    Examples:
        >>> zero = {name: t for name, t in zip(SUM_NAMES, kernels.zeros(2, torch.device("cpu")))}
        >>> check_sums({**zero, "total": torch.tensor(-1.0, dtype=torch.float64)}, 2, False)
        Traceback (most recent call last):
        ...
        confmat.exceptions.OptionError: state sums must be finite and non-negative (total)
    """
    if isinstance(sums, dict) and "cells" not in sums and "total" in sums:  # the first layout
        total = sums["total"]
        if isinstance(total, torch.Tensor):
            sums = {**sums, "cells": total.expand(size).clone()}
    if not isinstance(sums, dict) or set(sums) != set(SUM_NAMES):
        raise OptionError(f"state sums must be a dict of {', '.join(SUM_NAMES)}")
    for name, shape in zip(SUM_NAMES, kernels.shapes(size), strict=True):
        value = sums[name]
        if not isinstance(value, torch.Tensor) or value.dtype != torch.float64:
            raise OptionError(f"state sums must be float64 tensors, got {type(value).__name__}")
        if tuple(value.shape) != shape:
            raise OptionError(
                f"state sums' {name} has shape {tuple(value.shape)}, expected {shape}"
            )
        if not bool((value >= 0).all()) or not bool(torch.isfinite(value).all()):
            raise OptionError(f"state sums must be finite and non-negative ({name})")
        if not weighted and not bool((value == value.round()).all()):
            raise OptionError(f"state sums of unweighted samples must be whole numbers ({name})")
    found = kernels.RunningSums(*(sums[name] for name in SUM_NAMES))
    fn, fp, true = found.columns.view(3, -1)
    slack = 1e-9 * float(found.total) if weighted else 0.0
    if (
        not bool((true - fn >= -slack).all())
        or not bool((true + fp <= found.cells + slack).all())
        or not bool((found.cells <= found.total + slack).all())
    ):
        raise OptionError(
            "state sums contradict each other: each label needs fn <= support and "
            "support + fp <= its counted cells <= samples"
        )
    return found


def _problems(problems: object) -> torch.Tensor:
    if (
        not isinstance(problems, torch.Tensor)
        or problems.dtype != torch.int64
        or tuple(problems.shape) != (PROBLEM_COUNT,)
        or bool((problems < 0).any())
    ):
        raise OptionError(
            f"state problems must be {PROBLEM_COUNT} non-negative int64 counts, "
            f"got {problems!r:.60}"
        )
    return problems
