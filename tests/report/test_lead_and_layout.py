"""What every report shows and how it is laid out: the binary lead, the matrix table, interval
digits, the terminal's width and the overall DataFrame (issue 10, items 5, 6, 7, 9 and 11)."""

import csv
import io
import json
import re

import pytest
import torch
from rich.console import Console
from statsmodels.stats.proportion import proportion_confint

from confmat import ConfusionMatrix
from confmat._internal.report import (
    print_report,
    render_csv,
    render_html,
    render_json,
    render_markdown,
    render_text,
    repr_html,
    to_pandas,
)
from confmat._internal.report.numbers import decimals, estimate, interval

# -- item 5: binary reports lead with the positive class ------------------------------------------

# rows true, columns predicted; classes ["healthy", "sick"], positive "sick"
SCREEN = ConfusionMatrix([[90, 10], [5, 45]], ["healthy", "sick"])
TP, FP, FN, TN = 45, 10, 5, 90
LEAD = {  # statistic: (successes, trials), the Wilson interval from statsmodels (the oracle)
    "sensitivity": (TP, TP + FN),
    "specificity": (TN, TN + FP),
    "PPV (precision)": (TP, TP + FP),
    "NPV": (TN, TN + FN),
}


def _expected_rows():
    rows = {}
    for label, (k, n) in LEAD.items():
        lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
        rows[label] = (estimate(k / n, lo, hi).split(" ")[0], interval(lo, hi))
    return rows


def test_binary_lead_in_text_markdown_html_and_the_jupyter_view():
    f1 = 2 * TP / (2 * TP + FP + FN)
    text = render_text(SCREEN)
    markdown = render_markdown(SCREEN)
    html = render_html(SCREEN, heatmap=False)
    view = repr_html(SCREEN)
    for rendering in (text, markdown, html, view):
        assert "Positive class" in rendering
        assert "sick" in rendering
        assert f"{f1:.4f}" in rendering
    # text: the lead comes before the summary, with the four cells and each interval
    assert text.index("Positive class 'sick'") < text.index("Summary")
    assert "TP 45   FP 10   FN 5   TN 90" in text
    for label, (value, ci) in _expected_rows().items():
        assert re.search(rf"^{re.escape(label)}\s+{value}\s+{ci}\s+Wilson$", text, re.M)
        assert f"| {label} | {value} | {ci} | Wilson |" in markdown
        for page in (html, view):
            assert f">{label}</td><td>{value}</td><td>{ci}</td><td>Wilson</td>" in page
    assert "| 45 | 10 | 5 | 90 |" in markdown
    assert "<span>NPV" not in view
    assert "TN <b>90</b>" in view
    assert "<dt>TN</dt><dd>90</dd>" in html
    assert markdown.index("## Positive class") < markdown.index("## Summary")


def test_binary_lead_is_absent_for_more_classes():
    cm = ConfusionMatrix([[5, 1, 0], [1, 5, 0], [0, 1, 4]])
    for rendering in (render_text(cm), render_markdown(cm), repr_html(cm)):
        assert "Positive class" not in rendering


def test_json_and_csv_carry_the_lead_intervals():
    document = json.loads(render_json(SCREEN))["per_class"]["sick"]
    rows = {r["class"]: r for r in csv.DictReader(io.StringIO(render_csv(SCREEN)))}
    for key, (k, n) in zip(
        ("recall", "specificity", "precision", "npv"), LEAD.values(), strict=True
    ):
        lo, hi = proportion_confint(k, n, alpha=0.05, method="wilson")
        assert document[f"{key}_ci"] == pytest.approx([lo, hi], abs=1e-12)
        assert float(rows["sick"][f"{key}_ci_low"]) == pytest.approx(lo, abs=1e-12)
        assert float(rows["sick"][f"{key}_ci_high"]) == pytest.approx(hi, abs=1e-12)


def test_positive_class_chosen_by_the_user_leads():
    cm = ConfusionMatrix([[90, 10], [5, 45]], ["healthy", "sick"], positive="healthy")
    text = render_text(cm)
    assert "Positive class 'healthy' (negative: 'sick')" in text
    assert "TP 90   FP 5   FN 10   TN 45" in text


# -- item 6: the matrix table in Markdown and the Jupyter view ------------------------------------


def test_markdown_and_jupyter_show_the_matrix():
    cm = ConfusionMatrix([[5, 1, 0], [2, 8, 3], [0, 0, 4]], ["cat", "dog", "frog"])
    markdown = render_markdown(cm)
    assert "## Confusion matrix" in markdown
    assert "| true \\\\ pred | cat | dog | frog |" in markdown
    assert "| dog | 2 | 8 | 3 |" in markdown
    view = repr_html(cm)
    assert '<table class="cm-matrix">' in view
    assert (
        '<tr><th class="cm-text">dog</th><td>2</td><td class="cm-diag">8</td><td>3</td></tr>'
        in view
    )


def test_large_matrices_show_a_bounded_view_and_say_what_is_left_out():
    size = 30
    counts = torch.eye(size, dtype=torch.int64) * 10
    counts[3, 7] = counts[12, 20] = 5  # the confused classes: 3, 7, 12, 20
    cm = ConfusionMatrix(counts, [f"c{i}" for i in range(size)])
    markdown = render_markdown(cm)
    assert (
        "The 20 classes most involved in confusions, of 30; the row and column (other) sum the "
        "10 classes left out" in markdown
    )
    header = next(line for line in markdown.splitlines() if line.startswith("| true"))
    assert header.count("|") == 23  # 20 classes, (other) and the row names (issue 12)
    assert "| \\(other\\) |" in markdown or "| (other) |" in markdown
    assert "| c3 |" in markdown
    assert "c7 |" in header
    assert "c20 |" in header
    view = repr_html(cm)
    assert "The 12 classes most involved in confusions, of 30; the row and column (other)" in view
    assert "sum the 18 classes left out" in view


# -- item 7: intervals printed with the digits that show their width ------------------------------


def test_the_issue_example_prints_an_interval_that_shows_its_width():
    cm = ConfusionMatrix([[50000, 50], [50, 49900]])  # accuracy 0.999, CI 0.99878-0.99919
    lo, hi = cm.accuracy_ci()
    assert (round(lo, 5), round(hi, 5)) == (0.99878, 0.99919)
    expected = "0.9990 (95% CI 0.9988-0.9992)"
    assert f"accuracy             {expected}" in render_text(cm)
    assert f"| accuracy | {expected} |" in render_markdown(cm)
    assert f"<b>{expected}</b>" in repr_html(cm)
    assert "<dd>0.9990<small>95% CI 0.9988-0.9992</small>" in render_html(cm, heatmap=False)
    assert "1.00-1.00" not in render_text(cm)


@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [
        pytest.param(0.4385, 1.0, "0.44-1.00", id="wide"),
        pytest.param(0.99878, 0.99919, "0.9988-0.9992", id="narrow"),
        pytest.param(0.1211, 0.1249, "0.121-0.125", id="three-decimals"),
        pytest.param(0.5, 0.5, "0.500000-0.500000", id="degenerate"),
    ],
)
def test_interval_bounds_differ_in_print(lo, hi, expected):
    assert interval(lo, hi) == expected
    low, high = expected.split("-")
    assert low != high or lo == hi
    assert len(estimate((lo + hi) / 2, lo, hi).split(" ")[0].split(".")[1]) == decimals(lo, hi)


# -- item 9: the terminal report fits the terminal's width ----------------------------------------


def _wide_cases():
    g = torch.Generator().manual_seed(0)
    twelve = torch.randint(0, 3000, (12, 12), generator=g)
    long_names = [f"a rather long class name number {i}" for i in range(12)]
    forty = torch.randint(0, 50, (40, 40), generator=g)
    return {
        "twelve-long-names": ConfusionMatrix(twelve, long_names),
        "twelve-short-names": ConfusionMatrix(twelve, [f"c{i}" for i in range(12)]),
        "ten-classes": ConfusionMatrix(twelve[:10, :10]),
        "forty-classes": ConfusionMatrix(forty),
        "binary-long-names": ConfusionMatrix([[900, 100], [50, 950]], long_names[:2]),
    }


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("case", list(_wide_cases()))
def test_no_line_of_the_terminal_report_exceeds_the_width(case, width):
    cm = _wide_cases()[case]
    text = render_text(cm, width=width)
    assert max(len(line) for line in text.splitlines()) <= width
    console = Console(file=io.StringIO(), width=width, color_system=None)
    print_report(cm, console)
    printed = console.file.getvalue()
    assert max(len(line) for line in printed.splitlines()) <= width
    assert "Per class" in text
    assert "Findings" in text


def test_narrow_terminal_abbreviates_and_says_what_is_left_out():
    cm = _wide_cases()["twelve-long-names"]
    wide, narrow = render_text(cm, width=200), render_text(cm, width=80)
    assert "specificity" in wide
    assert "spec" in narrow
    assert "specificity " not in narrow
    assert "1 a rat" in narrow  # the matrix's columns are numbered, rows say which class
    assert "classes most involved in confusions" in narrow
    assert "classes most involved" not in wide


# -- item 11: the overall DataFrame ---------------------------------------------------------------


def test_overall_frame_prints_n_as_an_integer():
    cm = ConfusionMatrix([[900, 100], [50, 950]])
    overall = to_pandas(cm, "overall")
    assert overall.loc["n", "value"] == 2000
    assert isinstance(overall.loc["n", "value"], int)
    assert re.search(r"^n\s+2000$", overall.to_string(), re.M)
    assert "2000.0" not in overall.to_string()
    assert float(overall.loc["accuracy", "value"]) == pytest.approx(0.925)
