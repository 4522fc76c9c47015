"""One vocabulary: an option means one thing, with one default, on every entry point.

Each entry point is driven the way a user drives it (Python call, model and loader, command
line) and its counts are read back *by class name*, so that entry points which order their
classes differently still compare. The properties:

- ``positive`` never changes a count, and neither does the order of ``classes=``;
- one score column is the probability of ``score_of`` (default label 1): ``1 - p`` with
  ``score_of`` the other class counts the same;
- classes that are whole numbers are label values, whatever their type (``[1, 0]``,
  ``["1", "0"]``, ``[1.0, 0.0]``);
- score column j of ``(N, C)`` scores is label j;
- ``threshold`` and ``score_of`` describe one score column and are refused elsewhere.

The five miscounts this vocabulary fixed have a test each, through the path a user takes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import confmat
from confmat._internal.cli.main import main as cli_main

Counts = dict[tuple[str, str], float]
"""A matrix by class names: ``(true, pred) -> count`` for every non-zero cell."""


def by_name(cm: confmat.ConfusionMatrix) -> Counts:
    names, dense = cm.classes, cm.to_dense().tolist()
    return {
        (names[i], names[j]): value
        for i, row in enumerate(dense)
        for j, value in enumerate(row)
        if value
    }


# -- entry points, each called as a user calls it -------------------------------------------


def via_from_predictions(y: np.ndarray, p: np.ndarray, **options: Any) -> confmat.ConfusionMatrix:
    return confmat.ConfusionMatrix.from_predictions(y, p, **options)


def via_compare(y: np.ndarray, p: np.ndarray, **options: Any) -> confmat.ConfusionMatrix:
    result = confmat.compare(y, p, p, n_resamples=1, **options)
    assert result.matrix_a is not None
    return result.matrix_a


def via_evaluate(y: np.ndarray, p: np.ndarray, **options: Any) -> confmat.ConfusionMatrix:
    """A model that outputs the given scores (probabilities), batch by batch."""
    scores = torch.as_tensor(p, dtype=torch.float64)
    labels = torch.as_tensor(y)
    loader = [(scores[i : i + 7], labels[i : i + 7]) for i in range(0, len(y), 7)]
    result = confmat.evaluate(
        torch.nn.Identity(), loader, progress=False, from_logits=False, **options
    )
    return result.matrix


def via_accumulator(y: np.ndarray, p: np.ndarray, **options: Any) -> confmat.ConfusionMatrix:
    accumulator = confmat.Accumulator(classes=options.pop("classes", None) or [0, 1], **options)
    for i in range(0, len(y), 7):
        accumulator.update(torch.as_tensor(y[i : i + 7]), torch.as_tensor(p[i : i + 7]))
    return accumulator.compute()


def via_ignite(y: np.ndarray, p: np.ndarray, **options: Any) -> confmat.ConfusionMatrix:
    """An Ignite engine whose outputs are the scores, the metric attached."""
    import warnings

    with warnings.catch_warnings():  # Ignite imports torch.distributed.optim (jit.script)
        warnings.filterwarnings("ignore", "`torch.jit.[a-z]+` is deprecated", DeprecationWarning)
        from ignite.engine import Engine

        from confmat.integrations.ignite import ConfusionMatrixMetric
    engine = Engine(lambda engine, batch: {"y_pred": batch[0], "y": batch[1]})
    classes = options.pop("classes", None) or [0, 1]
    ConfusionMatrixMetric(classes=classes, from_logits=False, **options).attach(engine, "cm")
    scores, labels = torch.as_tensor(p), torch.as_tensor(y)
    batches = [(scores[i : i + 7], labels[i : i + 7]) for i in range(0, len(y), 7)]
    matrix: confmat.ConfusionMatrix = engine.run(batches).metrics["cm"]
    return matrix


def via_huggingface(y: np.ndarray, p: np.ndarray, **options: Any) -> confmat.ConfusionMatrix:
    """``ComputeMetrics`` called as the Trainer calls it, on ``(predictions, label_ids)``."""
    from confmat.integrations.huggingface import ComputeMetrics

    metrics = ComputeMetrics(from_logits=False, **options)
    metrics((p, y))
    assert metrics.matrix is not None
    return metrics.matrix


def via_cli(y: np.ndarray, p: np.ndarray, tmp: Path, **options: Any) -> dict[str, Any]:
    """``confmat report`` on a CSV file of the same columns; the JSON document."""
    path = tmp / "predictions.csv"
    columns = {"y_true": y.tolist()}
    arguments = ["report", str(path), "--format", "json", "--output", str(tmp / "report.json")]
    if p.ndim == 1:
        columns["y_pred"] = p.tolist()
    else:
        for j in range(p.shape[1]):
            columns[f"s{j}"] = p[:, j].tolist()
        arguments += ["--score-cols", ",".join(f"{j}=s{j}" for j in range(p.shape[1]))]
    rows = zip(*columns.values(), strict=True)
    path.write_text(
        ",".join(columns) + "\n" + "".join(",".join(map(str, row)) + "\n" for row in rows)
    )
    for option, value in options.items():
        if option == "classes":
            arguments += ["--classes", ",".join(map(str, value))]
        else:
            arguments += [f"--{option.replace('_', '-')}", str(value)]
    assert cli_main(arguments) == 0
    document: dict[str, Any] = json.loads((tmp / "report.json").read_text())
    return document


def cli_by_name(document: dict[str, Any]) -> Counts:
    names = document["classes"]
    return {
        (names[i], names[j]): value
        for i, row in enumerate(document["matrix"])
        for j, value in enumerate(row)
        if value
    }


PYTHON_ENTRY_POINTS: dict[str, Callable[..., confmat.ConfusionMatrix]] = {
    "from_predictions": via_from_predictions,
    "compare": via_compare,
    "evaluate": via_evaluate,
    "Accumulator": via_accumulator,
    "ignite": via_ignite,
    "huggingface": via_huggingface,
}

# Scores on a grid of 1/64 and thresholds between grid points: no score ties the threshold
# in one precision and not in another.
grid_scores = st.lists(st.integers(0, 64), min_size=1, max_size=40).map(
    lambda xs: np.asarray(xs, dtype=np.float64) / 64
)


@st.composite
def binary_problems(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, float]:
    scores = draw(grid_scores)
    labels = draw(st.lists(st.integers(0, 1), min_size=len(scores), max_size=len(scores)))
    threshold = draw(st.sampled_from([0.5, 0.3, 0.75])) + 1 / 256
    return np.asarray(labels, dtype=np.int64), scores, threshold


CLASS_ORDERS: list[Any] = [None, [0, 1], [1, 0], ["1", "0"], [1.0, 0.0], [True, False]]
POSITIVES: list[Any] = [None, 0, 1, "0", 1.0]


@pytest.mark.parametrize("entry", list(PYTHON_ENTRY_POINTS))
@settings(max_examples=25, deadline=None)
@given(problem=binary_problems(), order=st.sampled_from(CLASS_ORDERS))
def test_positive_and_the_order_of_classes_never_change_a_count(
    entry: str, problem: tuple[np.ndarray, np.ndarray, float], order: Any
) -> None:
    y, p, threshold = problem
    call = PYTHON_ENTRY_POINTS[entry]
    reference = by_name(via_from_predictions(y, p, threshold=threshold))
    if order is not None and isinstance(order[0], bool):
        reference = {(str(bool(int(t))), str(bool(int(q)))): v for (t, q), v in reference.items()}
    for positive in POSITIVES:
        if order is not None and isinstance(order[0], bool) and isinstance(positive, str):
            continue  # the classes are "True"/"False": "0" names no class
        cm = call(y, p, classes=order, positive=positive, threshold=threshold)
        assert by_name(cm) == reference, (order, positive)
        assert cm.n == len(y)


@pytest.mark.parametrize("entry", list(PYTHON_ENTRY_POINTS))
@settings(max_examples=25, deadline=None)
@given(problem=binary_problems(), order=st.sampled_from([None, [0, 1], [1, 0]]))
def test_one_score_column_is_the_probability_of_score_of(
    entry: str, problem: tuple[np.ndarray, np.ndarray, float], order: Any
) -> None:
    y, p, threshold = problem
    call = PYTHON_ENTRY_POINTS[entry]
    of_one = call(y, p, classes=order, threshold=threshold)
    # P(0) = 1 - P(1): class 0 is predicted iff 1 - p >= 1 - threshold, i.e. p <= threshold
    of_zero = call(y, 1 - p, classes=order, score_of=0, threshold=1 - threshold)
    assert by_name(of_one) == by_name(of_zero)
    assert of_one.positive == "1"
    assert of_zero.positive == "0"  # the report leads with the scored class


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(problem=binary_problems(), order=st.sampled_from([None, [0, 1], [1, 0]]))
def test_the_command_line_counts_as_python(
    tmp_path: Path, problem: tuple[np.ndarray, np.ndarray, float], order: Any
) -> None:
    y, p, threshold = problem
    reference = by_name(via_from_predictions(y, p, threshold=threshold))
    for positive in (None, 0, 1):
        options: dict[str, Any] = {"threshold": threshold}
        if order is not None:
            options["classes"] = order
        if positive is not None:
            options["positive"] = positive
        document = via_cli(y, p, tmp_path, **options)
        assert cli_by_name(document) == reference


# -- the five miscounts, each through the path a user takes -----------------------------------


def test_1_positive_only_names_the_binary_block() -> None:
    y = np.array([0, 0, 0, 1, 1, 1, 1, 1])
    p = np.array([0.1, 0.2, 0.7, 0.4, 0.8, 0.9, 0.6, 0.95])
    expected = [[2, 1], [1, 4]]
    for positive in (None, 0, 1):
        cm = confmat.ConfusionMatrix.from_predictions(y, p, positive=positive)
        assert cm.counts.tolist() == expected
    perfect = confmat.ConfusionMatrix.from_predictions(y, (y == 1) * 0.9, classes=[1, 0])
    assert perfect.accuracy == 1.0
    assert perfect.positive == "1"


def test_2_score_column_j_is_label_j_whatever_the_order_of_classes(tmp_path: Path) -> None:
    y = np.array([0, 1, 1, 0, 1])
    scores = np.eye(2)[y] * 0.8 + 0.1  # a perfect model: column j is label j
    for order in ([0, 1], [1, 0], ["1", "0"]):
        cm = confmat.ConfusionMatrix.from_predictions(y, scores, classes=order)
        assert cm.accuracy == 1.0, order
        assert cm.classes == [str(c) for c in order]
        assert via_evaluate(y, scores, classes=order).accuracy == 1.0
    document = via_cli(y, scores, tmp_path, classes=[1, 0])
    assert document["classes"] == ["1", "0"]
    assert document["overall"]["accuracy"] == 1.0
    with pytest.raises(confmat.ClassesError, match="column j is label j"):
        confmat.ConfusionMatrix.from_predictions([3, 7], [[0.9, 0.1], [0.2, 0.8]], classes=[3, 7])


def test_3_classes_written_as_text_are_the_same_label_values() -> None:
    y, p = [1, 0, 1, 1], [1, 0, 0, 1]
    as_numbers = confmat.ConfusionMatrix.from_predictions(y, p, classes=[1, 0])
    for order in (["1", "0"], [1.0, 0.0], np.array([1, 0])):
        cm = confmat.ConfusionMatrix.from_predictions(y, p, classes=order)
        assert cm.classes == ["1", "0"]
        assert torch.equal(cm.counts, as_numbers.counts)
    # float labels 0.0 / 1.0: one class, one name, with or without classes=
    floats = confmat.ConfusionMatrix.from_predictions([0.0, 1.0, 1.0], [0.0, 1.0, 0.0])
    given_floats = confmat.ConfusionMatrix.from_predictions(
        [0.0, 1.0, 1.0], [0.0, 1.0, 0.0], classes=[0.0, 1.0]
    )
    assert floats.classes == given_floats.classes == ["0", "1"]
    assert torch.equal((floats + given_floats).counts, 2 * floats.counts)  # they merge
    assert (
        confmat.ConfusionMatrix.from_predictions(
            [0.0, 1.0, 1.0], [0.0, 1.0, 0.0], positive=1.0
        ).positive
        == "1"
    )


def test_4_threshold_with_one_column_per_class_is_refused(tmp_path: Path) -> None:
    y = np.array([0, 1, 1])
    scores = np.array([[0.6, 0.4], [0.3, 0.7], [0.45, 0.55]])
    for entry in PYTHON_ENTRY_POINTS.values():
        with pytest.raises(confmat.OptionError, match="threshold applies to one score column"):
            entry(y, scores, threshold=0.3)
        with pytest.raises(confmat.OptionError, match="score_of applies to one score column"):
            entry(y, scores, score_of=1)
    with pytest.raises(confmat.OptionError, match="threshold applies"):
        confmat.ConfusionMatrix.from_predictions([0, 1], [0, 1], threshold=0.3)  # labels


def test_5_the_report_leads_with_the_class_the_threshold_was_chosen_for(tmp_path: Path) -> None:
    path = tmp_path / "disease.csv"
    rows = [("disease", 0.9), ("healthy", 0.2), ("disease", 0.6), ("healthy", 0.4)] * 5
    path.write_text("y_true,score\n" + "".join(f"{t},{s}\n" for t, s in rows))
    out = tmp_path / "report.json"
    arguments = ["report", str(path), "--pred-col", "score", "--score-of", "disease"]
    arguments += ["--choose-threshold", "youden", "--format", "json", "--output", str(out)]
    assert cli_main(arguments) == 0
    document = json.loads(out.read_text())
    assert document["positive_class"] == "disease"
    cm = confmat.ConfusionMatrix.from_predictions(
        [t for t, _ in rows], [s for _, s in rows], score_of="disease"
    )
    assert cm.positive == "disease"


# -- the options every entry point shares ----------------------------------------------------


def test_zero_division_reaches_kappa_and_mcc() -> None:
    constant = confmat.ConfusionMatrix([[5, 0], [0, 0]])
    assert np.isnan(constant.mcc)
    assert np.isnan(constant.cohen_kappa)
    zero = confmat.ConfusionMatrix([[5, 0], [0, 0]], zero_division=0)
    assert (zero.mcc, zero.cohen_kappa) == (0.0, 0.0)
    document = zero.to_dict()
    assert (document["overall"]["mcc"], document["overall"]["cohen_kappa"]) == (0.0, 0.0)
    with pytest.warns(confmat.UndefinedMetricWarning, match="mcc"):
        assert np.isnan(confmat.ConfusionMatrix([[5, 0], [0, 0]], zero_division="warn").mcc)


def test_fbeta_at_infinity_is_the_recall() -> None:
    cm = confmat.ConfusionMatrix([[5, 1], [3, 7]])
    assert torch.equal(cm.fbeta(float("inf")), cm.recall)


@pytest.mark.parametrize("entry", list(PYTHON_ENTRY_POINTS))
def test_ignore_index_and_zero_division_on_every_entry_point(entry: str) -> None:
    y = np.array([0, 1, -100, 1, 0, -100])
    p = np.array([[0.9, 0.1], [0.2, 0.8], [0.5, 0.5], [0.6, 0.4], [0.7, 0.3], [0.1, 0.9]])
    cm = PYTHON_ENTRY_POINTS[entry](y, p, ignore_index=-100, zero_division=0)
    assert cm.n == 4
    assert cm.counts.tolist() == [[2, 0], [1, 1]]


@pytest.mark.filterwarnings(
    "ignore:.*does not have many workers:UserWarning",  # num_workers=0 is right for tiny data
    "ignore:.*LeafSpec.* is deprecated:FutureWarning",  # Lightning 2.6 on torch 2.13
)
def test_1_the_lightning_callback_with_classes_in_another_order(tmp_path: Path) -> None:
    """A 0.995-accurate binary model validated through a real Trainer, classes=[1, 0]."""
    import lightning.pytorch as pl

    from confmat.integrations.lightning import ConfusionMatrixCallback

    generator = torch.Generator().manual_seed(0)
    y = torch.randint(0, 2, (1000,), generator=generator)
    logits = torch.where(y == 1, 4.0, -4.0)
    logits[:5] = -logits[:5]  # five mistakes

    class Fixed(pl.LightningModule):
        def __init__(self) -> None:
            super().__init__()
            self.anchor = torch.nn.Parameter(torch.zeros(()))

        def validation_step(self, batch: Any, batch_idx: int) -> dict[str, torch.Tensor]:
            scores, target = batch
            return {"preds": scores + 0 * self.anchor, "target": target}

    logged = ConfusionMatrixCallback(classes=[1, 0], heatmap=False, report=False)
    others = {
        (tuple(order), positive): ConfusionMatrixCallback(
            classes=order, positive=positive, scalars=False, heatmap=False, report=False
        )
        for order in ([0, 1], [1, 0], ["1", "0"])
        for positive in (None, 0, 1)
    }
    trainer = pl.Trainer(
        accelerator="cpu",
        callbacks=[logged, *others.values()],
        logger=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        enable_checkpointing=False,
        default_root_dir=tmp_path,
    )
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(logits, y), batch_size=64)
    metrics = trainer.validate(Fixed(), loader, verbose=False)[0]
    assert metrics["val/accuracy"] == pytest.approx(0.995)
    reference = by_name(confmat.ConfusionMatrix.from_predictions(y, logits, from_logits=True))
    for (_, positive), callback in others.items():
        matrix = callback.matrices["val"]
        assert by_name(matrix) == reference
        assert matrix.accuracy == pytest.approx(0.995)
        assert matrix.positive == ("1" if positive is None else str(positive))
