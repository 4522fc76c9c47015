"""The models of an evaluation: their names, their device, eval mode and autocast.

The loop in :mod:`evaluation.loop` runs every model under these; nothing here counts.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import torch

from confmat.exceptions import OptionError


def named_models(model: object) -> dict[str, Callable[..., Any]]:
    """One model as ``{"model": model}``; a dict of several models as it is (names kept)."""
    if isinstance(model, Mapping):
        if not model or not all(isinstance(k, str) and callable(m) for k, m in model.items()):
            raise OptionError(
                "model must be a callable or a non-empty dict of callables by name, got "
                f"{type(model).__name__} with keys {list(model)[:5]}",
                argument="model",
            )
        return dict(model)
    if not callable(model):
        raise OptionError(
            f"model must be callable (a torch.nn.Module), got {type(model).__name__}",
            argument="model",
        )
    return {"model": model}


def device_of(
    models: dict[str, Callable[..., Any]], device: torch.device | str | None
) -> torch.device:
    """The device of the models' parameters, which ``device`` (if given) must agree with."""
    found: dict[str, torch.device] = {}
    for name, model in models.items():
        if isinstance(model, torch.nn.Module):
            tensor = next(itertools.chain(model.parameters(), model.buffers()), None)
            if tensor is not None:
                found[name] = tensor.device
    wanted = None if device is None else torch.device(device)
    places = set(found.values())
    if len(places) > 1:
        raise OptionError(f"the models must be on one device, got {found}")
    if places and wanted is not None and _same_device(wanted, next(iter(places))) is False:
        raise OptionError(
            f"device={str(wanted)!r}, but the model is on {next(iter(places))}: move it first"
        )
    if places:
        return next(iter(places))
    return wanted if wanted is not None else torch.device("cpu")


def _same_device(a: torch.device, b: torch.device) -> bool:
    return a.type == b.type and (a.index is None or b.index is None or a.index == b.index)


@contextlib.contextmanager
def eval_mode(models: Iterable[Callable[..., Any]]) -> Iterator[None]:
    """Every module in eval mode; each module's own previous mode restored on exit."""
    modes = [
        (module, module.training)
        for model in models
        if isinstance(model, torch.nn.Module)
        for module in model.modules()
    ]
    try:
        for model in models:
            if isinstance(model, torch.nn.Module):
                model.eval()  # through eval(), so that modules overriding train() are honoured
        yield
    finally:
        for module, training in modes:
            module.training = training


def autocast_context(
    device: torch.device, autocast: bool | torch.dtype
) -> contextlib.AbstractContextManager[Any]:
    """``torch.autocast`` on ``device`` when asked (True, or a dtype), else a no-op."""
    if autocast is False:
        return contextlib.nullcontext()
    if autocast is True:
        return torch.autocast(device.type)
    if isinstance(autocast, torch.dtype):
        return torch.autocast(device.type, dtype=autocast)
    raise OptionError(
        f"autocast must be True, False or a torch.dtype, got {autocast!r}", argument="autocast"
    )
