"""Batches and model outputs for the evaluation loop: moving, unpacking, scoring.

Pure functions over tensors: no state, no host synchronisation. The loop in
:mod:`confmat.evaluate` strings them together.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import torch
import torch.nn.functional as F

from confmat._internal.core import codes
from confmat.exceptions import ShapeError

TARGET_KEYS = ("label", "labels", "target", "targets", "y")
"""Keys searched, in this order, for the targets of a dict batch when ``target_key`` is None."""


@dataclass(frozen=True)
class Batch:
    """One unpacked batch.

    Attributes:
        inputs: what the model receives: a dict is passed as keyword arguments, anything else
            as the single positional argument.
        targets: the true class indices ``(N,)``.
        index: the dataset index of each sample ``(N,)``, or None when the batch has none.
    """

    inputs: Any
    targets: torch.Tensor
    index: torch.Tensor | None


class Scored(NamedTuple):
    """What the loop keeps of a batch of model outputs, all ``(N,)`` on the outputs' device.

    Attributes:
        pred: int64 predicted labels (the outputs' columns).
        confidence: float32 probability of the predicted class.
        loss: float32 cross-entropy of the true class (``-log p_true``).
    """

    pred: torch.Tensor
    confidence: torch.Tensor
    loss: torch.Tensor


def to_device(data: Any, device: torch.device) -> Any:
    """Move every tensor nested in tuples, lists and dicts to ``device`` (non-blocking).

    Examples:
        >>> to_device({"x": (torch.zeros(1), [torch.ones(1)]), "id": "a"}, torch.device("cpu"))
        {'x': (tensor([0.]), [tensor([1.])]), 'id': 'a'}
    """
    if isinstance(data, torch.Tensor):
        return data.to(device, non_blocking=True)
    if isinstance(data, Mapping):
        return type(data)({k: to_device(v, device) for k, v in data.items()})  # type: ignore[call-arg]
    if isinstance(data, tuple) and hasattr(data, "_fields"):  # a named tuple
        return type(data)(*(to_device(v, device) for v in data))
    if isinstance(data, (tuple, list)):
        return type(data)(to_device(v, device) for v in data)
    return data


def unpack(
    batch: Any,
    *,
    batch_fn: Callable[[Any], Any] | None = None,
    input_key: str | None = None,
    target_key: str | None = None,
    index_key: str = "index",
) -> Batch:
    """Split a batch into model inputs, targets and (optional) dataset indices.

    ``batch_fn(batch)`` may return ``(inputs, targets)`` or ``(inputs, targets, index)``.
    Without it, a tuple or list batch is ``(inputs, targets, ...)``; a dict batch gives its
    targets under ``target_key`` (default: the first of :data:`TARGET_KEYS` present), its
    indices under ``index_key`` if present, and as inputs either ``batch[input_key]`` or, with
    no ``input_key``, all remaining entries as keyword arguments.

    Examples:
        >>> unpack((torch.zeros(2, 3), torch.tensor([0, 1]))).targets
        tensor([0, 1])
        >>> b = unpack({"x": torch.zeros(2, 3), "label": torch.tensor([1, 0]), "index": [7, 9]})
        >>> sorted(b.inputs), b.index
        (['x'], tensor([7, 9]))
    """
    if batch_fn is not None:
        parts = batch_fn(batch)
        if not isinstance(parts, (tuple, list)) or len(parts) not in (2, 3):
            raise ShapeError(
                "batch_fn must return (inputs, targets) or (inputs, targets, index), got "
                f"{_describe(parts)}",
                argument="batch_fn",
            )
        index = parts[2] if len(parts) == 3 else None
        return Batch(parts[0], _as_tensor(parts[1], "targets"), _optional_index(index))
    if isinstance(batch, Mapping):
        return _unpack_mapping(batch, input_key, target_key, index_key)
    if isinstance(batch, (tuple, list)) and len(batch) >= 2:
        return Batch(batch[0], _as_tensor(batch[1], "targets"), None)
    raise ShapeError(
        "a batch must be (inputs, targets), a dict with a target key, or be unpacked by "
        f"batch_fn=, got {_describe(batch)}"
    )


def _unpack_mapping(
    batch: Mapping[str, Any], input_key: str | None, target_key: str | None, index_key: str
) -> Batch:
    keys = [target_key] if target_key is not None else [k for k in TARGET_KEYS if k in batch]
    if not keys or keys[0] not in batch:
        wanted = repr(target_key) if target_key is not None else f"one of {list(TARGET_KEYS)}"
        raise ShapeError(
            f"a dict batch needs its targets under {wanted} (set target_key=), got keys "
            f"{list(batch)[:10]}"
        )
    found = keys[0]
    index = _optional_index(batch.get(index_key))
    if input_key is not None:
        if input_key not in batch:
            raise ShapeError(
                f"input_key={input_key!r} is not a key of the batch, got keys {list(batch)[:10]}"
            )
        inputs: Any = batch[input_key]
    else:
        inputs = {k: v for k, v in batch.items() if k not in (found, index_key)}
    return Batch(inputs, _as_tensor(batch[found], "targets"), index)


def _optional_index(index: Any) -> torch.Tensor | None:
    return None if index is None else _as_tensor(index, "index")


def _as_tensor(values: Any, name: str) -> torch.Tensor:
    if isinstance(values, torch.Tensor):
        return values.reshape(-1)
    try:
        return torch.as_tensor(values).reshape(-1)
    except (TypeError, ValueError, RuntimeError):
        raise ShapeError(
            f"the batch's {name} must be a tensor of integers, got {_describe(values)}"
        ) from None


def call_model(model: Callable[..., Any], inputs: Any) -> Any:
    """``model(**inputs)`` for a dict, else ``model(inputs)``.

    Examples:
        >>> call_model(lambda x, y: x + y, {"x": 1, "y": 2}), call_model(abs, -3)
        (3, 3)
    """
    if isinstance(inputs, Mapping):
        return model(**inputs)
    return model(inputs)


def logits_of(outputs: Any) -> torch.Tensor:
    """The score tensor of a model's outputs: a tensor, a dict or an object with ``.logits``.

    Examples:
        >>> logits_of({"logits": torch.zeros(2, 3)}).shape
        torch.Size([2, 3])
    """
    if isinstance(outputs, torch.Tensor):
        return outputs
    if isinstance(outputs, Mapping) and "logits" in outputs:
        found = outputs["logits"]
    elif isinstance(outputs, Mapping) and len(outputs) == 1:
        found = next(iter(outputs.values()))
    else:
        found = getattr(outputs, "logits", None)
    if not isinstance(found, torch.Tensor):
        raise ShapeError(
            "model outputs must be a tensor, a dict with 'logits' or an object with .logits "
            f"(else pass output_transform=), got {_describe(outputs)}"
        )
    return found


def num_outputs(scores: torch.Tensor) -> int:
    """The number of classes that a score tensor stands for: C for ``(N, C)``, 2 for binary.

    Examples:
        >>> [num_outputs(torch.zeros(shape)) for shape in [(4, 5), (4,), (4, 1)]]
        [5, 2, 2]
    """
    if scores.ndim == 1 or (scores.ndim == 2 and scores.shape[1] == 1):
        return 2
    if scores.ndim == 2:
        return int(scores.shape[1])
    raise ShapeError(
        f"model outputs must have shape (N, C), (N,) or (N, 1), got {tuple(scores.shape)}"
    )


def score(
    scores: torch.Tensor,
    targets: torch.Tensor,
    *,
    from_logits: bool,
    threshold: float,
    scored: int = 1,
) -> Scored:
    """Predicted label, its probability and the loss of the true label, per sample.

    Labels are the outputs' columns (column j is label j). The predicted label follows the
    one rule of :func:`core.codes.score_labels`: ``(N, C)`` scores by argmax (softmax of
    logits, or probabilities when ``from_logits=False``), ``(N,)`` / ``(N, 1)`` scores of
    label ``scored`` (0 or 1), predicted iff the probability ``>= threshold``. ``targets``
    must already lie in ``[0, C)``.

    Examples:
        >>> s = score(torch.tensor([[2.0, 0.0], [0.0, 0.0]]), torch.tensor([1, 0]),
        ...           from_logits=True, threshold=0.5)
        >>> s.pred.tolist(), [round(c, 3) for c in s.confidence.tolist()]
        ([0, 0], [0.881, 0.5])
        >>> score(torch.tensor([0.2, 0.5]), torch.tensor([0, 0]), from_logits=False,
        ...       threshold=0.5).pred.tolist()
        [0, 1]
    """
    if codes.is_multiclass(scores):
        values = scores.float()
        pred = codes.score_labels(values)
        best = values.gather(1, pred.reshape(-1, 1)).reshape(-1)  # NaN rows give NaN
        if not from_logits:
            true_score = values.gather(1, targets.reshape(-1, 1)).reshape(-1)
            return Scored(pred, best, -true_score.clamp_min(1e-30).log())
        # softmax by hand: fewer passes than log_softmax over narrow rows
        shifted = values - best.unsqueeze(1)
        total = shifted.exp().sum(dim=1)
        loss = total.log() - shifted.gather(1, targets.reshape(-1, 1)).reshape(-1)
        return Scored(pred, total.reciprocal(), loss)
    probability = codes.positive_probability(scores, from_logits)  # one sigmoid for both
    pred = codes.threshold_labels(probability, threshold, scored)
    prob = probability.double()
    if from_logits:
        values = scores.reshape(-1).double()
        log_pos, log_neg = F.logsigmoid(values), F.logsigmoid(-values)
    else:
        log_pos, log_neg = prob.clamp_min(1e-30).log(), (1 - prob).clamp_min(1e-30).log()
    confidence = torch.where(pred == scored, prob, 1 - prob)
    loss = -torch.where(targets == scored, log_pos, log_neg)
    return Scored(pred, confidence.float(), loss.float())


def _describe(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        return f"a tensor of shape {tuple(value.shape)}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of length {len(value)}"
    return f"a {type(value).__name__}"
