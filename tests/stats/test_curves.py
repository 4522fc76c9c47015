"""Threshold analysis: the sweep, ROC and PR curves against scikit-learn, threshold choice."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics

import confmat
from confmat._internal.cli.main import main
from confmat._internal.stats import curves
from strategies import scored_samples


@settings(max_examples=150, deadline=None)
@given(st.booleans().flatmap(scored_samples))
def test_sweep_curves_and_areas_agree_with_sklearn(
    case: tuple[np.ndarray, np.ndarray, np.ndarray | None],
) -> None:
    y, s, w = case
    counts = curves.threshold_counts(y, s, sample_weight=w)
    tn, fp, fn, tp, thresholds = metrics.confusion_matrix_at_thresholds(y, s, sample_weight=w)
    np.testing.assert_array_equal(counts.thresholds.numpy(), thresholds)
    for ours, theirs in [(counts.tn, tn), (counts.fp, fp), (counts.fn, fn), (counts.tp, tp)]:
        np.testing.assert_allclose(ours.numpy(), theirs, rtol=1e-12, atol=1e-9)
    roc = curves.roc_curve(counts)
    fpr, tpr, roc_thresholds = metrics.roc_curve(y, s, sample_weight=w)
    np.testing.assert_allclose(roc.x.numpy(), fpr, atol=1e-12)
    np.testing.assert_allclose(roc.y.numpy(), tpr, atol=1e-12)
    np.testing.assert_array_equal(roc.thresholds.numpy(), roc_thresholds)
    assert curves.roc_auc(counts) == pytest.approx(
        metrics.roc_auc_score(y, s, sample_weight=w), abs=1e-12
    )
    pr = curves.precision_recall_curve(counts)
    precision, recall, pr_thresholds = metrics.precision_recall_curve(y, s, sample_weight=w)
    np.testing.assert_allclose(pr.y.numpy(), precision, atol=1e-12)
    np.testing.assert_allclose(pr.x.numpy(), recall, atol=1e-12)
    np.testing.assert_array_equal(pr.thresholds.numpy(), pr_thresholds)
    assert curves.average_precision(counts) == pytest.approx(
        metrics.average_precision_score(y, s, sample_weight=w), abs=1e-12
    )


@settings(max_examples=60, deadline=None)
@given(scored_samples())
def test_counts_at_a_threshold_are_those_of_the_matrix(
    case: tuple[np.ndarray, np.ndarray, np.ndarray | None],
) -> None:
    """Positive iff score >= threshold, ties included, as in ConfusionMatrix.from_predictions."""
    y, s, _ = case
    probabilities = (s - s.min()) / (s.max() - s.min()) if s.max() > s.min() else s * 0 + 0.5
    counts = curves.threshold_counts(y, probabilities)
    for k in range(counts.thresholds.shape[0]):
        t = float(counts.thresholds[k])
        cm = confmat.ConfusionMatrix.from_predictions(y, probabilities, threshold=t)
        expected = cm.binary_counts()
        got = [float(v[k]) for v in (counts.tn, counts.fp, counts.fn, counts.tp)]
        assert got == [float(v) for v in expected]


def _brute_force(y: np.ndarray, s: np.ndarray, criterion: str) -> float:
    """The best threshold by trying every distinct score (highest first on ties)."""
    positives, negatives = (y == 1).sum(), (y == 0).sum()
    best, best_t = -math.inf, math.nan
    for t in np.unique(s)[::-1]:
        predicted = s >= t
        tp = int((predicted & (y == 1)).sum())
        fp = int((predicted & (y == 0)).sum())
        sens, spec = tp / positives, 1 - fp / negatives
        prec = tp / (tp + fp)
        if criterion == "youden":
            value = sens + spec - 1
        elif criterion == "f1":
            value = 2 * tp / (2 * tp + fp + (positives - tp))
        elif criterion == "sensitivity>=0.8":
            value = spec if sens >= 0.8 else -math.inf
        elif criterion == "precision>=0.6":
            value = sens if prec >= 0.6 else -math.inf
        else:  # cost=FP:1,FN:5 at the test set's prevalence
            value = -(fp * 1 + (positives - tp) * 5) / len(y)
        if value > best + 1e-12:
            best, best_t = value, t
    return float(best_t)


@settings(max_examples=60, deadline=None)
@given(
    scored_samples(),
    st.sampled_from(["youden", "f1", "sensitivity>=0.8", "precision>=0.6", "cost=FP:1,FN:5"]),
)
def test_choose_threshold_is_the_brute_force_optimum(
    case: tuple[np.ndarray, np.ndarray, np.ndarray | None], criterion: str
) -> None:
    y, s, _ = case
    counts = curves.threshold_counts(y, s)
    expected = _brute_force(y, s, criterion)
    if math.isnan(expected):
        with pytest.raises(confmat.OptionError, match="no threshold meets"):
            curves.choose_threshold(counts, criterion)
        return
    choice = curves.choose_threshold(counts, criterion)
    assert choice.threshold == pytest.approx(expected)
    predicted = s >= choice.threshold
    assert choice.counts.tp == int((predicted & (y == 1)).sum())
    assert choice.counts.fp == int((predicted & (y == 0)).sum())


def test_cost_uses_the_population_prevalence() -> None:
    y = np.array([0] * 50 + [1] * 50)
    s = np.concatenate([np.linspace(0, 0.6, 50), np.linspace(0.4, 1, 50)])
    counts = curves.threshold_counts(y, s)
    enriched = curves.choose_threshold(counts, "cost=FP:1,FN:5")
    rare = curves.choose_threshold(counts, "cost=FP:1,FN:5", prevalence=0.01)
    assert enriched.counts.fn == 0  # a miss costs five false alarms: call every positive
    assert rare.counts.fp == 0  # at 1% prevalence false alarms dominate: call none wrongly
    assert rare.threshold > enriched.threshold
    same = curves.choose_threshold(counts, "cost=FP:1,FN:5", prevalence=0.5)
    assert same.threshold == enriched.threshold
    assert same.value == pytest.approx(enriched.value)


def test_string_labels_weights_and_score_of() -> None:
    counts = curves.threshold_counts(
        ["sick", "well", "sick"], [0.9, 0.2, 0.4], classes=["well", "sick"], score_of="sick"
    )
    assert counts.tp.tolist() == [1.0, 2.0, 2.0]
    flipped = curves.threshold_counts(
        ["sick", "well", "sick"], [0.9, 0.2, 0.4], classes=["well", "sick"], score_of="well"
    )
    assert flipped.tp.tolist() == [0.0, 0.0, 1.0]
    inferred = curves.threshold_counts(["sick", "well", "sick"], [0.9, 0.2, 0.4], score_of="well")
    assert torch.equal(inferred.tp, flipped.tp)
    # string labels cannot tell which class the scores are of (the rule of from_predictions)
    with pytest.raises(confmat.ClassesError, match="score_of="):
        curves.threshold_counts(["sick", "well", "sick"], [0.9, 0.2, 0.4], classes=["well", "sick"])
    weighted = curves.threshold_counts([0, 1, 1], [0.2, 0.9, 0.4], sample_weight=[1.0, 2.0, 0.5])
    assert weighted.tp.tolist() == [2.0, 2.5, 2.5]
    assert weighted.fp.tolist() == [0.0, 0.0, 1.0]


def test_one_class_only_gives_nan_areas() -> None:
    counts = curves.threshold_counts([1, 1, 1], [0.2, 0.5, 0.9])
    assert math.isnan(curves.roc_auc(counts))
    assert curves.average_precision(counts) == 1.0
    counts = curves.threshold_counts([0, 0], [0.2, 0.5])
    assert math.isnan(curves.average_precision(counts))


@pytest.mark.parametrize(
    ("criterion", "match"),
    [
        ("best", "criterion must be one of"),
        ("sensitivity>=1.5", "target must be in"),
        ("sensitivity>=x", "is not a number"),
        ("fbeta=-1", "beta must be positive"),
        ("cost=FP:1", "costs must read"),
        ("cost=FP:0,FN:0", "costs must read"),
        ("cost=FP:1,TN:3", "costs must read"),
        (0.5, "criterion must be one of"),
    ],
    ids=[
        "unknown",
        "target-range",
        "target-nan",
        "beta",
        "cost-half",
        "cost-zero",
        "cost-name",
        "type",
    ],
)
def test_bad_criteria(criterion: object, match: str) -> None:
    counts = curves.threshold_counts([0, 1], [0.3, 0.7])
    with pytest.raises(confmat.OptionError, match=match):
        curves.choose_threshold(counts, criterion)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("y", "scores", "error", "match"),
    [
        ([0, 1], [0.3, float("nan")], confmat.ScoreError, "finite"),
        ([0, 1, 1], [0.3, 0.4], confmat.ShapeError, "one entry per sample"),
        ([0, 1], [[0.3, 0.7], [0.1, 0.9]], confmat.ShapeError, "shape"),
        ([0, 2], [0.3, 0.4], confmat.LabelError, r"\[0, 2\)"),
        (["a", "b", "c"], [0.1, 0.2, 0.3], confmat.OptionError, "classes="),
        ([0, 1], ["x", "y"], confmat.ScoreError, "real numbers"),
    ],
    ids=["nan", "length", "2d", "label-range", "three-strings", "string-scores"],
)
def test_bad_inputs(y: object, scores: object, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        curves.threshold_counts(y, scores)


def test_cli_choose_threshold(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "scores.csv"
    path.write_text("y_true,y_pred\n0,0.1\n0,0.4\n1,0.35\n1,0.8\n0,0.6\n1,0.7\n")
    assert main(["report", str(path), "--choose-threshold", "youden", "--format", "json"]) == 0
    captured = capsys.readouterr()
    assert "threshold 0.7 chosen by youden" in captured.err
    assert '"matrix": [\n' in captured.out or '"matrix"' in captured.out
    assert main(["report", str(path), "--choose-threshold", "sensitivity>=2"]) == 2
    assert "target must be in [0, 1]" in capsys.readouterr().err
    labels = tmp_path / "labels.csv"
    labels.write_text("y_true,y_pred\n0,1\n1,1\n")
    assert main(["report", str(labels), "--choose-threshold", "f1"]) == 2
    assert "needs binary scores" in capsys.readouterr().err


def test_plots_mark_the_chosen_point() -> None:
    from confmat._internal.show import curves as plot_curves

    y = np.array([0, 0, 1, 1, 0, 1, 1, 0])
    s = np.array([0.1, 0.3, 0.35, 0.8, 0.6, 0.7, 0.9, 0.2])
    counts = curves.threshold_counts(y, s)
    choice = curves.choose_threshold(counts, "f1")
    ax = plot_curves.roc(counts, choice=choice)
    point = ax.get_lines()[-1]
    c = choice.counts
    assert point.get_xdata()[0] == pytest.approx(c.fp / (c.fp + c.tn))
    assert point.get_ydata()[0] == pytest.approx(c.tp / (c.tp + c.fn))
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts[0] == f"ROC, AUC = {metrics.roc_auc_score(y, s):.3f}"
    assert texts[1].startswith(f"threshold {choice.threshold:.4g} (f1)")
    ax = plot_curves.precision_recall(counts, choice=choice)
    point = ax.get_lines()[-1]
    assert point.get_xdata()[0] == pytest.approx(c.tp / (c.tp + c.fn))
    assert point.get_ydata()[0] == pytest.approx(c.tp / (c.tp + c.fp))
    legend = ax.get_legend().get_texts()[0].get_text()
    assert legend == f"PR, AP = {metrics.average_precision_score(y, s):.3f}"
