"""Threshold criteria written as text, e.g. ``"sensitivity>=0.95"`` (see ``choose_threshold``)."""

from __future__ import annotations

import math
from typing import Literal

from confmat._internal.core.types import ThresholdCriterion
from confmat.exceptions import OptionError

_TARGETS: dict[str, Literal["sensitivity", "specificity", "precision"]] = {
    "sensitivity": "sensitivity",
    "recall": "sensitivity",
    "tpr": "sensitivity",
    "specificity": "specificity",
    "tnr": "specificity",
    "precision": "precision",
    "ppv": "precision",
}


_CRITERIA_HELP = (
    'youden, f1, fbeta=B, sensitivity>=X, specificity>=X, precision>=X or "cost=FP:a,FN:b"'
)


def parse_threshold_criterion(text: object) -> ThresholdCriterion:
    """A threshold criterion from its text (see :func:`stats.curves.choose_threshold`).

    Examples:
        >>> parse_threshold_criterion("sensitivity>=0.95")
        ThresholdCriterion(kind='sensitivity', value=0.95, fp_cost=0.0, fn_cost=0.0)
        >>> parse_threshold_criterion("cost=FP:1,FN:10").fn_cost
        10.0
    """
    if not isinstance(text, str):
        raise OptionError(
            f"criterion must be one of {_CRITERIA_HELP}, got {text!r}", argument="criterion"
        )
    spec = "".join(text.split()).lower()
    if spec == "youden":
        return ThresholdCriterion("youden")
    if spec == "f1" or spec.startswith("fbeta="):
        beta = 1.0 if spec == "f1" else _number(spec[6:], text)
        if not beta > 0:
            raise OptionError(f"criterion {text!r}: beta must be positive")
        return ThresholdCriterion("fbeta", beta)
    if ">=" in spec:
        name, _, target = spec.partition(">=")
        if name in _TARGETS:
            value = _number(target, text)
            if not 0 <= value <= 1:
                raise OptionError(f"criterion {text!r}: the target must be in [0, 1]")
            return ThresholdCriterion(_TARGETS[name], value)
    if spec.startswith("cost="):
        return _parse_costs(spec[5:], text)
    raise OptionError(
        f"criterion must be one of {_CRITERIA_HELP}, got {text!r}", argument="criterion"
    )


def _number(text: str, whole: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise OptionError(f"criterion {whole!r}: {text!r} is not a number") from None
    if not math.isfinite(value):
        raise OptionError(f"criterion {whole!r}: {text!r} is not a finite number")
    return value


def _parse_costs(text: str, whole: str) -> ThresholdCriterion:
    costs: dict[str, float] = {}
    for part in text.split(","):
        name, _, amount = part.partition(":")
        if name not in ("fp", "fn") or name in costs:
            raise OptionError(f'criterion {whole!r}: costs must read "cost=FP:a,FN:b"')
        costs[name] = _number(amount, whole)
    if set(costs) != {"fp", "fn"} or min(costs.values()) < 0 or max(costs.values()) <= 0:
        raise OptionError(
            f'criterion {whole!r}: costs must read "cost=FP:a,FN:b" with a, b >= 0, not both 0'
        )
    return ThresholdCriterion("cost", fp_cost=costs["fp"], fn_cost=costs["fn"])
