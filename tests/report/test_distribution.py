"""The distribution of per-class recall and precision in reports of many classes."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from confmat import ConfusionMatrix
from confmat._internal.report import render_html, render_markdown, render_text
from confmat._internal.report.large import BINS, EDGES, LARGE_CLASSES, distribution
from confmat._internal.report.model import build_report

EDGE_VALUES = [0.0, 0.1, 0.2, 0.3, 0.1 * 3, 0.5, 0.7, 0.9, 1.0, 0.5 - 1e-17, np.nextafter(0.5, 0)]


def check_against_numpy(values: np.ndarray) -> None:
    d = distribution("recall", torch.from_numpy(values))
    defined = values[~np.isnan(values)]
    counts, edges = np.histogram(defined, BINS, (0.0, 1.0))
    assert d.counts == tuple(counts.tolist())
    assert tuple(edges.tolist()) == EDGES
    assert d.undefined == int(np.isnan(values).sum())
    assert d.below_half == int((defined < 0.5).sum())
    assert d.classes == values.size
    assert sum(d.counts) + d.undefined == d.classes


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    st.lists(
        st.one_of(
            st.floats(0.0, 1.0),
            st.sampled_from([*EDGE_VALUES, float("nan")]),
        ),
        max_size=60,
    )
)
def test_the_bins_are_numpy_histogram(values: list[float]) -> None:
    check_against_numpy(np.array(values, dtype=np.float64))


def test_edges_half_and_one() -> None:
    values = np.array([0.5, 1.0, 0.0, float("nan"), 0.49999999999999994, 0.1 * 3])
    check_against_numpy(values)
    d = distribution("recall", torch.from_numpy(values))
    assert d.counts[5] == 1  # 0.5 opens the bin 0.5-0.6
    assert d.counts[9] == 1  # 1 is in the last bin
    assert d.below_half == 3  # 0, 0.3 and the float just below 0.5; NaN is not below
    assert d.sentence() == "3 of 6 classes have recall below 0.5 (1 has none: no samples)."
    assert d.bins()[-1] == ("undefined", 1)
    assert [label for label, _ in d.bins()][:2] == ["0.0-0.1", "0.1-0.2"]


def large_matrix(classes: int = 1000, seed: int = 0) -> ConfusionMatrix:
    rng = np.random.default_rng(seed)
    y_true = rng.zipf(1.3, 20_000) % classes
    y_pred = np.where(rng.random(20_000) < 0.6, y_true, rng.integers(0, classes, 20_000))
    return ConfusionMatrix.from_predictions(y_true, y_pred, num_classes=classes)


def test_a_large_report_carries_both_distributions() -> None:
    cm = large_matrix()
    report = build_report(cm)
    recall, precision = report.distributions
    check_against_numpy(cm.per_class("recall").numpy())
    assert recall.counts == distribution("recall", cm.per_class("recall")).counts
    assert precision.statistic == "precision"
    assert precision.why == "never predicted"
    below = int((cm.per_class("recall") < 0.5).sum())
    sentence = f"{below:,} of 1,000 classes have recall below 0.5"
    for page in (render_text(cm), render_markdown(cm)):
        assert "Recall and precision over the classes" in page
        assert sentence in page
        assert "0.9-1.0" in page
        assert "undefined" in page
    html = render_html(cm)
    assert 'id="distribution"' in html
    assert sentence in html
    assert html.count("<meter ") == 2 * (BINS + 1)
    assert " style=" not in html  # the page's CSP allows no inline style attribute


@pytest.mark.parametrize("classes", [3, LARGE_CLASSES])
def test_small_reports_have_no_distribution(classes: int) -> None:
    cm = ConfusionMatrix(torch.eye(classes, dtype=torch.int64) * 3)
    assert build_report(cm).distributions == ()
    assert "Recall and precision over" not in render_text(cm)
    assert 'id="distribution"' not in render_html(cm)


def test_every_report_says_how_many_confused_pairs_it_leaves_out() -> None:
    from confmat._internal.stats.confusions import confused_cells

    cm = large_matrix(classes=5000)
    every = len(cm.most_confused(None))
    assert confused_cells(cm.counts) == every
    assert confused_cells(cm.counts.to_dense()) == every
    note = f"The 10 most confused of the {every:,} pairs with errors; the other {every - 10:,}"
    for page in (render_text(cm, width=200), render_markdown(cm), render_html(cm)):
        assert note in page
    small = ConfusionMatrix(torch.tensor([[5, 1], [2, 8]]))
    assert "pairs with errors" not in render_text(small)
