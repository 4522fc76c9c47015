"""EvaluationResult: what :func:`confmat.evaluate` returns.

It holds one confusion matrix per model (C[i, j] = samples of true class i predicted as class
j), a bounded sample of the samples of every cell, the worst (highest loss) samples, and for
several models the paired correctness table of each pair of models.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import torch

from confmat._internal.core import checks
from confmat._internal.evaluation.report_samples import REPORT_LIMIT, REPORT_PER_CELL, report_rows
from confmat._internal.results.comparison import Comparison, PairedTable
from confmat._internal.stream.reservoir import Rows, Sample
from confmat.exceptions import OptionError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from confmat._internal.results.matrix import ConfusionMatrix

IndexSource = Literal["batch", "sampler", "position", "unknown"]
"""Where ``Sample.index`` comes from: indices in the batches, the loader's sampler, the
position in the stream (the dataset index when the loader does not reorder), or the position
in the stream of a DataLoader whose sampler reorders in a way not known in advance."""


@dataclass(frozen=True)
class ModelSamples:
    """The samples kept for one model: a per-cell reservoir and the highest losses.

    Each is a table of rows with ``ints = (index, true, pred)`` and ``floats = (confidence,
    loss)``, on the CPU; None when nothing was kept.
    """

    reservoir: Rows | None
    worst: Rows | None


@dataclass(frozen=True, repr=False)
class EvaluationResult:
    """The outcome of :func:`confmat.evaluate`.

    Attributes:
        matrices: one :class:`~confmat.ConfusionMatrix` per model name (``"model"`` for a
            single model).
        kept: the samples kept per model name.
        paired: for each ordered pair of model names, its
            :class:`~results.comparison.PairedTable`.
        index_source: where ``Sample.index`` comes from: ``"batch"`` (indices in the batches),
            ``"sampler"`` (the loader's sequential or distributed sampler), ``"position"`` (the
            position in the stream, the dataset index for a loader that does not reorder) or
            ``"unknown"`` (positions in the stream of a DataLoader that reorders, e.g.
            ``shuffle=True``: not dataset indices).
        dataset: the loader's dataset, if it has one (used to draw the samples).
        seconds: wall time of the evaluation.

    Examples:
        >>> import torch, confmat
        >>> model = torch.nn.Linear(2, 2)
        >>> data = [(torch.randn(4, 2), torch.tensor([0, 1, 1, 0]))]
        >>> result = confmat.evaluate(model, data, progress=False)
        >>> result.matrix.n, len(result.samples()) == 4
        (4, True)
    """

    matrices: dict[str, ConfusionMatrix]
    kept: dict[str, ModelSamples]
    paired: dict[tuple[str, str], PairedTable] = field(default_factory=dict)
    index_source: IndexSource = "position"
    dataset: Any = None
    seconds: float = 0.0

    @property
    def matrix(self) -> ConfusionMatrix:
        """The confusion matrix of the (single) model."""
        if len(self.matrices) != 1:
            raise OptionError(
                f"this result holds {len(self.matrices)} models {list(self.matrices)}: use "
                "result.matrices[name]"
            )
        return next(iter(self.matrices.values()))

    @property
    def classes(self) -> list[str]:
        """The class names, in row order."""
        return next(iter(self.matrices.values())).classes

    def samples(
        self, true: object = None, pred: object = None, *, model: str | None = None
    ) -> list[Sample]:
        """Kept samples of true class ``true`` predicted as ``pred`` (None: any), worst first.

        Each cell keeps a uniform random sample of at most ``keep_samples`` of its samples,
        the diagonal's included: without ``true`` and ``pred`` this returns the kept samples of
        every cell, correctly classified ones too. For the errors only, see
        :meth:`misclassified`, or give two different classes.

        Examples:
            >>> import torch, confmat
            >>> data = [(torch.tensor([[0.0, 3.0], [3.0, 0.0]]), torch.tensor([0, 0]))]
            >>> result = confmat.evaluate(torch.nn.Identity(), data, progress=False)
            >>> [(s.index, s.true, s.pred) for s in result.samples(true="0", pred="1")]
            [(0, '0', '1')]
        """
        rows = self._model_samples(model).reservoir
        if rows is None:
            return []
        mask = torch.ones(rows.size, dtype=torch.bool)
        if true is not None:
            mask &= rows.ints[:, 1] == checks.class_index(self.classes, true)
        if pred is not None:
            mask &= rows.ints[:, 2] == checks.class_index(self.classes, pred)
        return self._as_samples(rows, mask)

    def worst(
        self, k: int | None = None, *, model: str | None = None, misclassified: bool = False
    ) -> list[Sample]:
        """The samples of highest loss (at most ``keep_worst`` of them), worst first.

        Examples:
            >>> import torch, confmat
            >>> data = [(torch.tensor([[0.0, 3.0], [3.0, 0.0]]), torch.tensor([0, 0]))]
            >>> result = confmat.evaluate(torch.nn.Identity(), data, progress=False)
            >>> [s.index for s in result.worst(misclassified=True)]
            [0]
        """
        rows = self._model_samples(model).worst
        if rows is None:
            return []
        mask = torch.ones(rows.size, dtype=torch.bool)
        if misclassified:
            mask &= rows.ints[:, 1] != rows.ints[:, 2]
        found = self._as_samples(rows, mask)
        return found if k is None else found[: checks.check_positive_count(k, "k")]

    def misclassified(self, k: int = 16, *, model: str | None = None) -> list[Sample]:
        """Up to ``k`` misclassified samples: the worst ones, then others from each cell.

        Examples:
            >>> import torch, confmat
            >>> scores = torch.tensor([[0.0, 3.0], [3.0, 0.0], [1.0, 0.0]])
            >>> data = [(scores, torch.tensor([0, 0, 1]))]
            >>> result = confmat.evaluate(torch.nn.Identity(), data, progress=False)
            >>> [(s.index, s.true, s.pred) for s in result.misclassified()]
            [(0, '0', '1'), (2, '1', '0')]
        """
        k = checks.check_positive_count(k, "k")
        chosen = self.worst(model=model, misclassified=True)[:k]
        seen = {s.index for s in chosen}
        others = sorted(
            (s for s in self.samples(model=model) if s.true != s.pred and s.index not in seen),
            key=lambda s: -s.loss,
        )
        return chosen + others[: k - len(chosen)]

    def paired_table(self, models: tuple[str, str] | None = None) -> PairedTable:
        """The paired correctness table of two models (default: the two evaluated).

        Examples:
            >>> import torch, confmat
            >>> data = [(torch.tensor([[0.0, 3.0], [3.0, 0.0]]), torch.tensor([0, 0]))]
            >>> flip = lambda x: x.flip(1)
            >>> result = confmat.evaluate({"a": torch.nn.Identity(), "b": flip}, data,
            ...                           progress=False)
            >>> result.paired_table()
            PairedTable(both_right=0, only_a=1, only_b=1, both_wrong=0)
        """
        if models is None:
            if len(self.matrices) != 2:
                raise OptionError(
                    f"name the two models, e.g. models=('a', 'b'), among {list(self.matrices)}"
                )
            first, second = self.matrices
            models = (first, second)
        if models not in self.paired:
            raise OptionError(
                f"models must be two different evaluated models among {list(self.matrices)}, "
                f"got {models!r}",
                argument="models",
            )
        return self.paired[models]

    def compare(
        self,
        models: tuple[str, str] | None = None,
        *,
        n_resamples: int = 2000,
        level: float = 0.95,
        seed: int | None = 0,
    ) -> Comparison:
        """McNemar's tests and the accuracy difference ``b - a`` of two evaluated models.

        Built by :meth:`results.comparison.Comparison.from_paired_table` from
        :meth:`paired_table`.

        Examples:
            >>> import torch, confmat
            >>> data = [(torch.tensor([[0.0, 3.0], [3.0, 0.0]]), torch.tensor([0, 0]))]
            >>> result = confmat.evaluate({"a": torch.nn.Identity(), "b": lambda x: x.flip(1)},
            ...                           data, progress=False)
            >>> result.compare(n_resamples=100).mcnemar_exact_p_value
            1.0
        """
        cells = (int(count) for count in self.paired_table(models))  # counts, never weighted
        return Comparison.from_paired_table(*cells, n_resamples=n_resamples, level=level, seed=seed)

    def show_misclassified(
        self,
        dataset: Any = None,
        k: int = 16,
        *,
        true: object = None,
        pred: object = None,
        model: str | None = None,
        to_image: Callable[[Any], Any] | None = None,
        denormalize: Callable[[torch.Tensor], torch.Tensor] | None = None,
        ncols: int | None = None,
    ) -> Figure:
        """A grid of misclassified inputs titled "true -> predicted (confidence)".

        The samples are the worst ones (highest loss), or those of one cell when ``true`` and
        ``pred`` are given. Inputs are read from ``dataset`` (default: the loader's) by index.

        Args:
            dataset: indexable by ``Sample.index``; an item is an input, an ``(input, target,
                ...)`` tuple or a dict with an image under one of the usual keys.
            k: at most this many samples.
            true: only samples of this true class.
            pred: only samples predicted as this class.
            model: which model of a paired evaluation.
            to_image: turns a dataset item into an image (CHW or HWC, gray or RGB).
            denormalize: applied to the image tensor first (e.g. undo ``Normalize``).
            ncols: columns of the grid (default: about square).

        Returns:
            A matplotlib Figure (matplotlib is imported only here).

        Examples:
            >>> import torch, confmat
            >>> images = torch.rand(6, 1, 8, 8)
            >>> data = torch.utils.data.TensorDataset(images, torch.tensor([0, 1, 0, 1, 0, 1]))
            >>> model = lambda x: torch.stack([x.mean((1, 2, 3)), 0.5 * torch.ones(len(x))], 1)
            >>> result = confmat.evaluate(model, torch.utils.data.DataLoader(data, batch_size=4),
            ...                           from_logits=False, progress=False)
            >>> figure = result.show_misclassified(k=4)
            >>> len([ax for ax in figure.axes if ax.images]) == len(result.misclassified(4))
            True
        """
        from confmat._internal.show.gallery import caption, grid, images

        samples = self._chosen(k, true, pred, model)
        pictures = images(samples, self._dataset(dataset), to_image, denormalize)
        return grid(pictures, [caption(s) for s in samples], ncols=ncols)

    def gallery(
        self,
        dataset: Any = None,
        k: int = 16,
        *,
        model: str | None = None,
        to_image: Callable[[Any], Any] | None = None,
        denormalize: Callable[[torch.Tensor], torch.Tensor] | None = None,
    ) -> list[tuple[str, str]]:
        """The worst misclassified samples as ``[(PNG data URI, caption), ...]`` for a report.

        The list fits ``render_html(..., gallery=...)``; arguments as in
        :meth:`show_misclassified`.

        Examples:
            >>> import torch, confmat
            >>> logits = 2 * torch.eye(4)
            >>> data = torch.utils.data.TensorDataset(logits, torch.tensor([0, 1, 2, 0]))
            >>> result = confmat.evaluate(torch.nn.Identity(), torch.utils.data.DataLoader(data),
            ...                           progress=False)
            >>> [(uri[:22], caption) for uri, caption in result.gallery()]
            [('data:image/png;base64,', '0 -> 3 (0.71)')]
        """
        from confmat._internal.show.gallery import caption, images, png_data_uri

        samples = self._chosen(k, None, None, model)
        pictures = images(samples, self._dataset(dataset), to_image, denormalize)
        return [
            (png_data_uri(picture), caption(s))
            for picture, s in zip(pictures, samples, strict=True)
        ]

    def cell_gallery(
        self,
        dataset: Any = None,
        per_cell: int = REPORT_PER_CELL,
        *,
        limit: int = REPORT_LIMIT,
        model: str | None = None,
        to_image: Callable[[Any], Any] | None = None,
        denormalize: Callable[[torch.Tensor], torch.Tensor] | None = None,
    ) -> list[tuple[str, str, Sample]]:
        """Kept samples of the cells as ``[(PNG thumbnail URI, caption, sample), ...]``.

        The list fits ``render_html(..., gallery=...)``, whose page shows a cell's samples when
        the cell is clicked. Errors come first (the cells of most samples first), then correct
        cells; at most ``per_cell`` samples of a cell (highest loss first) and ``limit`` in all,
        as thumbnails of at most 64 pixels a side, so that a report stays small. Other
        arguments as in :meth:`show_misclassified`.

        Examples:
            >>> import torch, confmat
            >>> data = torch.utils.data.TensorDataset(2 * torch.eye(4), torch.tensor([0, 1, 2, 0]))
            >>> result = confmat.evaluate(torch.nn.Identity(), torch.utils.data.DataLoader(data),
            ...                           progress=False)
            >>> [(s.true, s.pred, s.index) for _, _, s in result.cell_gallery()]
            [('0', '3', 3), ('0', '0', 0), ('1', '1', 1), ('2', '2', 2)]
        """
        from confmat._internal.show.gallery import caption, images, thumbnail_data_uri

        per_cell = checks.check_positive_count(per_cell, "per_cell")
        limit = checks.check_positive_count(limit, "limit")
        rows = self._model_samples(model).reservoir
        if rows is None:
            return []
        matrix = self.matrix if model is None else self.matrices[model]
        cells = rows.ints[:, 1] * matrix.num_classes + rows.ints[:, 2]
        chosen = report_rows(cells, rows.floats[:, 1], matrix.counts, per_cell, limit)
        names = self.classes
        samples = [
            Sample(index, names[t], names[p], confidence, loss)
            for (index, t, p), (confidence, loss) in zip(
                rows.ints[chosen].tolist(), rows.floats[chosen].tolist(), strict=True
            )
        ]
        pictures = images(samples, self._dataset(dataset), to_image, denormalize)
        return [
            (thumbnail_data_uri(picture), caption(s), s)
            for picture, s in zip(pictures, samples, strict=True)
        ]

    def __repr__(self) -> str:
        models = ", ".join(
            f"{name}: n={m.n:g}, accuracy={m.accuracy:.4f}" for name, m in self.matrices.items()
        )
        return f"EvaluationResult({models}; index_source={self.index_source!r})"

    # -- helpers ----------------------------------------------------------------------------

    def _chosen(self, k: int, true: object, pred: object, model: str | None) -> list[Sample]:
        if true is None and pred is None:
            return self.misclassified(k, model=model)
        k = checks.check_positive_count(k, "k")
        return self.samples(true, pred, model=model)[:k]

    def _dataset(self, dataset: Any) -> Any:
        if dataset is None and self.index_source == "unknown":
            raise OptionError(
                "the loader's sampler reorders the samples, so Sample.index holds positions in "
                "the stream, not dataset indices: evaluate an unshuffled loader, put indices in "
                "the batches (index_key=, batch_fn=) or pass dataset= in stream order"
            )
        found = self.dataset if dataset is None else dataset
        if found is None:
            raise OptionError(
                "pass dataset= (indexable by Sample.index): the loader had no .dataset"
            )
        return found

    def _model_samples(self, model: str | None) -> ModelSamples:
        if model is None:
            if len(self.kept) != 1:
                raise OptionError(f"name the model: model= one of {list(self.kept)}")
            return next(iter(self.kept.values()))
        if model not in self.kept:
            raise OptionError(
                f"model must be one of {list(self.kept)}, got {model!r}", argument="model"
            )
        return self.kept[model]

    def _as_samples(self, rows: Rows, mask: torch.Tensor) -> list[Sample]:
        ints, floats = rows.ints[mask], rows.floats[mask]
        order = torch.sort(floats[:, 1], descending=True, stable=True).indices
        names = self.classes
        return [
            Sample(index, names[t], names[p], confidence, loss)
            for (index, t, p), (confidence, loss) in zip(
                ints[order].tolist(), floats[order].tolist(), strict=True
            )
        ]


def table_from_cells(cells: Sequence[int]) -> PairedTable:
    """A paired table from its 4 cells ``[both right, only a, only b, both wrong]``."""
    return PairedTable(*(int(x) for x in cells))
