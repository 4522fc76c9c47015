"""EvaluationResult's kept samples and pictures, as a notebook user reads them (issue 10)."""

import sys

import pytest
import torch

import confmat


@pytest.fixture
def result():
    # sample 0: true 0 predicted 1 (wrong); 1: true 0 predicted 0; 2: true 1 predicted 0 (wrong)
    scores = torch.tensor([[0.0, 3.0], [3.0, 0.0], [1.0, 0.0], [0.0, 2.0]])
    data = [(scores, torch.tensor([0, 0, 1, 1]))]
    return confmat.evaluate(torch.nn.Identity(), data, progress=False)


def test_unfiltered_samples_include_correct_ones_and_misclassified_does_not(result):
    every = {(s.index, s.true, s.pred) for s in result.samples()}
    assert every == {(0, "0", "1"), (1, "0", "0"), (2, "1", "0"), (3, "1", "1")}
    wrong = {(s.index, s.true, s.pred) for s in result.misclassified()}
    assert wrong == {(0, "0", "1"), (2, "1", "0")}
    assert [s.index for s in result.samples(true="1", pred="0")] == [2]


def test_pictures_show_themselves_without_pyplot(result, monkeypatch):
    monkeypatch.delitem(sys.modules, "matplotlib.pyplot", raising=False)
    from confmat._internal.show.heatmap import heatmap

    dataset = torch.utils.data.TensorDataset(torch.rand(4, 1, 6, 6), torch.zeros(4))
    figure = result.show_misclassified(dataset, k=2)
    plotted = result.matrix.plot()
    display = heatmap(result.matrix)
    for shown in (figure, plotted, display):
        assert shown._repr_png_().startswith(b"\x89PNG\r\n\x1a\n")
