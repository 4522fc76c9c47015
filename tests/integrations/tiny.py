"""A tiny classifier built in the tests (no download) and its predictions on a small data set."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import torch
from torch import nn

CLASSES = ["ant", "bee", "cat", "dog"]


@dataclass(frozen=True)
class Predictions:
    features: torch.Tensor  # (N, 8) float32
    y_true: torch.Tensor  # (N,) int64
    scores: torch.Tensor  # (N, 4) logits of the tiny model
    model: nn.Module


def tiny_model(seed: int = 0) -> nn.Module:
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        return nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, len(CLASSES))).eval()


def tiny_data(n: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    y_true = torch.randint(0, len(CLASSES), (n,), generator=generator)
    features = torch.randn(n, 8, generator=generator)
    features[torch.arange(n), y_true] += 1.5  # learnable enough to give a mixed matrix
    return features, y_true


@functools.cache
def predictions() -> Predictions:
    features, y_true = tiny_data(203)
    model = tiny_model()
    with torch.no_grad():
        scores = model(features)
    return Predictions(features, y_true, scores, model)
