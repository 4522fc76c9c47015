"""The demo behind ``confmat demo``: train two small networks, evaluate them, report on both.

A small convolutional network learns scikit-learn's bundled handwritten digits (10 classes,
8x8 images) and a small MLP its breast-cancer data (binary: malignant, the positive class,
against benign). Each is evaluated on its held-out split with :func:`confmat.evaluate`; the
terminal report is printed and the heatmaps, JSON documents and HTML reports are written to
the output directory. Everything is seeded: the same seed gives the same numbers.

Needs scikit-learn (for the bundled data sets) and matplotlib: ``pip install 'confmat[all]'``.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import torch
from torch import nn

from confmat._internal.evaluation.loop import evaluate
from confmat._internal.io import writing as output
from confmat.exceptions import InputFileError

if TYPE_CHECKING:
    from confmat._internal.evaluation.result import EvaluationResult
    from confmat._internal.results.matrix import ConfusionMatrix

DEFAULT_OUT = "confmat-demo"
"""The output directory of ``confmat demo`` when ``--out`` is not given."""

MARKER = ".confmat-demo"
"""A file the demo leaves in its output directory: files it wrote there may be replaced."""

OUTPUTS = (
    "digits.json",
    "digits.html",
    "digits_counts.png",
    "digits_normalized.png",
    "breast_cancer.json",
    "breast_cancer.html",
    "breast_cancer.png",
)
"""The files the demo writes (and only these, besides :data:`MARKER`)."""


@dataclass(frozen=True)
class Task:
    """One demo problem: its data, its network and how long to train it.

    Examples:
        >>> digits_task().epochs
        10
    """

    name: str
    title: str
    classes: list[str]
    load: Callable[[int], tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]]
    network: Callable[[], nn.Module]
    epochs: int
    learning_rate: float


def run_demo(
    out: str | Path = DEFAULT_OUT, *, seed: int = 0, stream: TextIO | None = None
) -> list[Path]:
    """Train, evaluate and report on the two demo problems; write the files into ``out``.

    Args:
        out: the output directory (created if missing). Files of the same names that the demo
            did not write itself (no :data:`MARKER` in the directory) are never replaced.
        seed: seeds the splits, the initial weights and the batch order.
        stream: where the terminal reports go (default standard output).

    Returns:
        The paths written, in the order of :data:`OUTPUTS`.

    Raises:
        InputFileError: if ``out`` is a file, or holds files of the demo's names not
            written by the demo.

    Examples:
        >>> import io, tempfile
        >>> paths = run_demo(tempfile.mkdtemp(), stream=io.StringIO())  # doctest: +SKIP
        >>> sorted(p.name for p in paths)[:2]  # doctest: +SKIP
        ['breast_cancer.html', 'breast_cancer.json']
    """
    stream = sys.stdout if stream is None else stream
    directory = prepare_output(Path(out))
    written: list[Path] = []
    for task in (digits_task(), breast_cancer_task()):
        result = train_and_evaluate(task, seed)
        stream.write(_terminal_report(result, task, stream))
        stream.write("\n")
        written += _write_outputs(result, task, directory)
    stream.write("".join(f"wrote {path}\n" for path in written))
    return written


def prepare_output(directory: Path) -> Path:
    """Create the output directory, refusing to replace files the demo did not write.

    Examples:
        >>> import pathlib, tempfile
        >>> out = prepare_output(pathlib.Path(tempfile.mkdtemp()) / "demo")
        >>> [p.name for p in out.iterdir()]
        ['.confmat-demo']
    """
    if directory.exists() and not directory.is_dir():
        raise InputFileError(f"--out {directory}: is a file, not a directory")
    if directory.is_dir() and not (directory / MARKER).exists():
        taken = [name for name in OUTPUTS if (directory / name).exists()]
        if taken:
            raise InputFileError(
                f"--out {directory}: already holds {taken[0]!r}, not written by the demo; "
                "choose another directory or remove the file"
            )
    directory.mkdir(parents=True, exist_ok=True)
    output.write_atomic(directory / MARKER, "Files of `confmat demo`; it may replace them.\n")
    return directory


# -- the two problems -----------------------------------------------------------------------


def digits_task() -> Task:
    """Handwritten digits 0-9, 8x8 gray images, a small convolutional network.

    Examples:
        >>> task = digits_task()
        >>> task.name, task.classes[:3], task.network()(torch.zeros(2, 1, 8, 8)).shape
        ('digits', ['0', '1', '2'], torch.Size([2, 10]))
    """
    return Task(
        name="digits",
        title="confmat demo: handwritten digits (8x8 images, 10 classes)",
        classes=[str(d) for d in range(10)],
        load=_load_digits,
        network=lambda: nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
            nn.Linear(16 * 4 * 4, 10),
        ),
        epochs=10,
        learning_rate=3e-3,
    )


def breast_cancer_task() -> Task:
    """Breast cancer (Wisconsin diagnostic), 30 features, malignant is the positive class.

    Examples:
        >>> breast_cancer_task().classes
        ['benign', 'malignant']
    """
    return Task(
        name="breast_cancer",
        title="confmat demo: breast cancer (malignant vs benign)",
        classes=["benign", "malignant"],
        load=_load_breast_cancer,
        network=lambda: nn.Sequential(nn.Linear(30, 16), nn.ReLU(), nn.Linear(16, 2)),
        epochs=60,
        learning_rate=3e-3,
    )


Split = tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]


def _load_digits(seed: int) -> Split:
    from sklearn.datasets import load_digits

    data = load_digits()
    images = torch.tensor(data.images, dtype=torch.float32).unsqueeze(1) / 16.0
    return _split(images, torch.tensor(data.target, dtype=torch.long), seed)


def _load_breast_cancer(seed: int) -> Split:
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    features = torch.tensor(data.data, dtype=torch.float32)
    # scikit-learn codes malignant as 0; here benign is 0 and malignant, the positive class, 1
    labels = torch.tensor(1 - data.target, dtype=torch.long)
    x_train, y_train, x_test, y_test = _split(features, labels, seed)
    mean, std = x_train.mean(dim=0), x_train.std(dim=0)
    return (x_train - mean) / std, y_train, (x_test - mean) / std, y_test


def _split(x: torch.Tensor, y: torch.Tensor, seed: int) -> Split:
    """A stratified 75/25 split, the same for the same seed."""
    from sklearn.model_selection import train_test_split

    index = torch.arange(len(y)).numpy()
    train, test = train_test_split(
        index, test_size=0.25, random_state=seed, stratify=y.numpy(), shuffle=True
    )
    train_t, test_t = torch.from_numpy(train), torch.from_numpy(test)
    return x[train_t], y[train_t], x[test_t], y[test_t]


# -- training and evaluation ----------------------------------------------------------------


def train_and_evaluate(task: Task, seed: int) -> EvaluationResult:
    """Train the task's network on its training split and evaluate it on the held-out split.

    The global torch random state and number of threads are left as they were.

    Examples:
        >>> result = train_and_evaluate(breast_cancer_task(), seed=0)
        >>> result.matrix.n, result.matrix.positive, result.matrix.accuracy > 0.9
        (143, 'malignant', True)
    """
    from torch.utils.data import DataLoader, TensorDataset

    x_train, y_train, x_test, y_test = task.load(seed)
    with _one_thread(), torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = task.network()
        _train(model, x_train, y_train, task)
        loader = DataLoader(TensorDataset(x_test, y_test), batch_size=64)
        return evaluate(model, loader, classes=task.classes, progress=True)


@contextlib.contextmanager
def _one_thread() -> Iterator[None]:
    """Tiny networks train several times faster on one thread than on contended ones."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def _train(model: nn.Module, x: torch.Tensor, y: torch.Tensor, task: Task) -> None:
    """Adam on mini-batches of 32 in a seeded order (the global generator, seeded by the caller)."""
    optimizer = torch.optim.Adam(model.parameters(), lr=task.learning_rate)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    for _ in range(task.epochs):
        for batch in torch.split(torch.randperm(len(y)), 32):
            optimizer.zero_grad()
            loss_fn(model(x[batch]), y[batch]).backward()
            optimizer.step()
    model.eval()


# -- reports --------------------------------------------------------------------------------


def _terminal_report(result: EvaluationResult, task: Task, stream: TextIO) -> str:
    from confmat._internal.report import render_text

    color = stream.isatty()
    width = shutil.get_terminal_size().columns if color else None
    return render_text(result.matrix, title=task.title, color=color, width=width)


def _write_outputs(result: EvaluationResult, task: Task, directory: Path) -> list[Path]:
    """The heatmaps, the JSON document and the HTML report of one task; returns the paths."""
    from confmat._internal.report import render_html, render_json
    from confmat._internal.show import figures
    from confmat._internal.show.heatmap import heatmap

    cm = result.matrix
    pictures: list[tuple[str, dict[str, Any]]] = (
        [("digits_counts.png", {}), ("digits_normalized.png", {"normalize": "true"})]
        if task.name == "digits"
        else [(f"{task.name}.png", {"percent": True})]
    )
    written = []
    for name, options in pictures:
        display = heatmap(cm, title=_heatmap_title(task, cm, options), **options)
        try:
            figures.save(display, directory / name)
        finally:
            figures.close(display)
        written.append(directory / name)
    output.write_atomic(directory / f"{task.name}.json", render_json(cm))
    gallery = result.cell_gallery() if task.name == "digits" else None
    html = render_html(cm, title=task.title, source="held-out split", gallery=gallery)
    output.write_atomic(directory / f"{task.name}.html", html)
    return [directory / f"{task.name}.json", directory / f"{task.name}.html", *written]


def _heatmap_title(task: Task, cm: ConfusionMatrix, options: dict[str, Any]) -> str:
    what = "shares of each true class" if options.get("normalize") == "true" else "counts"
    problem = task.title.removeprefix("confmat demo: ")
    return f"{problem}\nheld-out split, {what}: n = {cm.n:g}, accuracy {cm.accuracy:.3f}"
