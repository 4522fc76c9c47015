"""A multilabel result in every renderer of confmat.report: text, Markdown, CSV, HTML, pandas."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

import confmat
import strategies as cs
from confmat import MultilabelConfusion
from confmat import report as public
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


# -- every renderer of confmat.report, hostile label names in every section ----------------

HOSTILE = [
    "\x1b[31mred\x1b[0m",
    "<script>alert(1)</script>",
    '=HYPERLINK("x")',
    "**b**|x",
    "\u202eevil",
    "line\nbreak",
]

SCHEMA = json.loads(
    (Path(__file__).parents[1] / "schema" / "multilabel.schema.json").read_text(encoding="utf-8")
)


@pytest.fixture
def hostile() -> MultilabelConfusion:
    """Every label in every section: missed with another predicted instead, never predicted."""
    size = len(HOSTILE)
    y_true = np.zeros((40, size), dtype=int)
    y_pred = np.zeros((40, size), dtype=int)
    for i in range(size):  # label i missed while label i + 1 is predicted instead
        y_true[i, i] = 1
        y_pred[i, (i + 1) % size] = 1
        y_true[20 + i, i] = y_pred[20 + i, i] = 1
    y_pred[:, 2] = 0  # never predicted
    return MultilabelConfusion.from_predictions(y_true, y_pred, classes=HOSTILE)


def test_every_public_renderer_takes_a_multilabel_result(ml: MultilabelConfusion) -> None:
    console = Console(file=io.StringIO(), width=120)
    public.print_report(ml, console)
    printed = console.file.getvalue()  # type: ignore[attr-defined]
    outputs = {
        "print_report": printed,
        "render_text": public.render_text(ml),
        "render_markdown": public.render_markdown(ml),
        "render_html": public.render_html(ml),
        "render_csv": public.render_csv(ml),
        "render_json": public.render_json(ml),
    }
    for name, text in outputs.items():
        assert "=cmd" in text, name
    assert printed.splitlines()[0] == "Multilabel report: 4 samples, 3 labels"
    assert json.loads(outputs["render_json"]) == ml.to_dict()
    jsonschema.validate(json.loads(outputs["render_json"]), SCHEMA)
    assert public.to_pandas(ml).index.tolist() == ml.classes  # "per_class": the per-label table
    assert [f.code for f in public.findings(ml)] == [f.code for f in ml.findings()]
    assert all(isinstance(f, public.Finding) for f in public.findings(ml))
    assert "MultilabelConfusion: 4 samples, 3 labels" in ml._repr_html_()
    assert set(public.__all__) - {"Finding"} <= {*outputs, "to_pandas", "findings"}


def test_hostile_names_are_text_in_every_section_of_every_renderer(
    hostile: MultilabelConfusion,
) -> None:
    text = public.render_text(hostile, width=200)
    for section in ("Co-confusion", "Per label", "Most often predicted instead", "Findings"):
        assert section in text
    assert "\x1b" not in text
    assert "\u202e" not in text
    assert "\\x1b[31mred\\x1b[0m" in text
    assert "\\u202eevil" in text
    assert "line\\nbreak" in text
    colored = public.render_text(hostile, color=True)
    assert "\x1b[31mred" not in colored  # only confmat's own styles reach the terminal
    markdown = public.render_markdown(hostile)
    assert "<script>" not in markdown
    assert "\\<script\\>" in markdown
    assert "\\*\\*b\\*\\*\\|x" in markdown
    assert "line\\\\nbreak" in markdown  # shown as \n: a line break cannot end a table row
    page = public.render_html(hostile)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert page.count("<script") == 2  # the JSON block and confmat's own script
    assert "\x1b" not in page
    assert "\u202e" not in page
    rows = list(csv.reader(io.StringIO(public.render_csv(hostile))))
    assert [row[0] for row in rows[1:]] == [
        "\x1b[31mred\x1b[0m",
        "<script>alert(1)</script>",
        '\'=HYPERLINK("x")',  # a formula is quoted
        "**b**|x",
        "\u202eevil",
        "line\nbreak",  # a cell of its own, quoted by the CSV writer
    ]
    document = json.loads(public.render_json(hostile))
    assert document["labels"] == HOSTILE  # data, escaped by JSON itself
    for finding in hostile.findings():
        assert "\x1b" not in finding.message
        assert "\n" not in finding.message


def test_a_result_of_counts_alone_renders_without_a_co_confusion() -> None:
    ml = MultilabelConfusion([[[5, 1], [2, 3]], [[6, 0], [0, 5]]], ["x", "y"])
    text = public.render_text(ml)
    assert "Co-confusion" not in text
    assert "samples F1                     n/a" in text
    assert "Label co-confusion" not in public.render_markdown(ml)
    assert '<table class="matrix"' not in public.render_html(ml)
    assert bool(ml.to_pandas("co_confusion").isna().all().all())
    assert "samples" not in ml.to_pandas("averages").columns


def test_normalize_is_a_matrix_option() -> None:
    ml = MultilabelConfusion([[[5, 1], [2, 3]]])
    with pytest.raises(confmat.OptionError, match="a multilabel report has none to normalize"):
        public.render_markdown(ml, normalize="true")


@settings(max_examples=25, deadline=None)
@given(case=cs.multilabel_cases(), names=st.lists(st.text(min_size=1), min_size=6, unique=True))
def test_a_multilabel_report_renders_in_every_format(
    case: cs.MultilabelCase, names: list[str]
) -> None:
    size = case.y_true.shape[1]
    classes = [f"{name}#{i}" for i, name in enumerate(names[:size])]
    ml = MultilabelConfusion.from_predictions(
        case.y_true, case.y_pred, classes=classes, sample_weight=case.sample_weight
    )
    assert public.render_text(ml).startswith("Multilabel report: ")
    assert public.render_markdown(ml).startswith("# Multilabel report\n")
    assert public.render_html(ml).startswith("<!DOCTYPE html>")
    assert len(list(csv.reader(io.StringIO(public.render_csv(ml))))) == size + 1
    jsonschema.validate(json.loads(public.render_json(ml)), SCHEMA)
    for table in ("per_label", "overall", "averages", "co_confusion"):
        assert len(ml.to_pandas(table)) > 0
