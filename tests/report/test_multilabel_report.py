"""A multilabel result in every renderer of confmat.report: text, Markdown, CSV, HTML, pandas."""

from __future__ import annotations

import math

import numpy as np
import pytest

import confmat
from confmat import MultilabelConfusion
from confmat.report import (
    render_csv,
    render_html,
    render_markdown,
    render_text,
)


@pytest.fixture
def ml() -> MultilabelConfusion:
    y_true = np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 0]])
    y_pred = np.array([[1, 0, 0], [0, 0, 1], [1, 0, 0], [0, 0, 0]])
    return MultilabelConfusion.from_predictions(y_true, y_pred, labels=["=cmd", "b|c", "c"])


def test_text_markdown_and_csv(ml: MultilabelConfusion) -> None:
    text = render_text(ml)
    assert "hamming loss" in text
    assert "Never predicted: b|c (2 true sample(s))." in text
    markdown = render_markdown(ml)
    assert "| b\\|c |" in markdown  # the pipe of a label is escaped
    rows = render_csv(ml).splitlines()
    assert rows[1].startswith("'=cmd,")  # a label that reads as a formula is quoted
    assert rows[2].split(",")[8] == ""  # precision of a label never predicted: empty


def test_findings_name_the_co_confusion(ml: MultilabelConfusion) -> None:
    notes = [finding.message for finding in ml.findings()]
    assert any(
        n.startswith("Most often predicted instead of a missed label: b|c -> c (1)") for n in notes
    )
    assert any("fewer labels per sample" in n for n in notes)


def test_dataframes(ml: MultilabelConfusion) -> None:
    per_label = ml.to_pandas()
    assert per_label.loc["=cmd", "tp"] == 2
    assert math.isnan(per_label.loc["b|c", "precision"])
    assert set(ml.to_pandas("averages").columns) == {"macro", "weighted", "micro", "samples"}
    assert ml.to_pandas("overall").loc["subset_accuracy", "value"] == 0.25
    assert ml.to_pandas("co_confusion").loc["b|c", "c"] == 1
    with pytest.raises(confmat.OptionError, match="table must be"):
        ml.to_pandas("matrix")


def test_html_with_the_co_confusion_and_the_plot(ml: MultilabelConfusion) -> None:
    page = render_html(ml)
    assert page.startswith("<!DOCTYPE html>")
    # the co-confusion is the page's shaded matrix table (as a confusion matrix's), not a figure
    assert '<table class="matrix" id="matrix">' in page
    assert "<h2>Label co-confusion</h2>" in page
    assert "b|c" in page
    ax = ml.plot()
    assert ax.get_ylabel() == "Label missed"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["=cmd", "b|c", "c"]
    from confmat._internal.show import figures

    figures.close(ax)
