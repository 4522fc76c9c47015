"""The matrix of the text, Markdown and HTML reports as shares (``normalize``, ``--normalize``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import torch

from confmat import ConfusionMatrix
from confmat._internal.cli.main import main
from confmat._internal.report import build_report, render_html, render_markdown, render_text
from confmat._internal.report.model import matrix_view
from confmat.exceptions import OptionError

COUNTS = [[3, 1, 0, 0], [0, 0, 0, 0], [1, 1, 2, 0], [0, 0, 2, 0]]
"""'b' has no samples (its row is undefined for "true"), 'd' is never predicted (its column is
undefined for "pred"); 10 samples."""

NAMES = ["a", "b", "c", "d"]

SHARES = {
    # rows: true a (3, 1, 0, 0) of 4, b none, c (1, 1, 2, 0) of 4, d (0, 0, 2, 0) of 2
    "true": [
        ["75.0%", "25.0%", "0", "0"],
        ["n/a", "n/a", "n/a", "n/a"],
        ["25.0%", "25.0%", "50.0%", "0"],
        ["0", "0", "100.0%", "0"],
    ],
    # columns: predicted a 4, b 2, c 4, d 0
    "pred": [
        ["75.0%", "50.0%", "0", "n/a"],
        ["0", "0", "0", "n/a"],
        ["25.0%", "50.0%", "50.0%", "n/a"],
        ["0", "0", "50.0%", "n/a"],
    ],
    # all: of 10 samples
    "all": [
        ["30.0%", "10.0%", "0", "0"],
        ["0", "0", "0", "0"],
        ["10.0%", "10.0%", "20.0%", "0"],
        ["0", "0", "20.0%", "0"],
    ],
}

UNITS = {
    "true": "percent of each true class (of its row); n/a: a class without samples",
    "pred": "percent of each predicted class (of its column); n/a: a class never predicted",
    "all": "percent of all samples",
}

LABELS = "y_true,y_pred\n" + "".join(
    f"{NAMES[i]},{NAMES[j]}\n" * n for i, row in enumerate(COUNTS) for j, n in enumerate(row)
)
"""The predictions of :data:`COUNTS`, with class 'b' named by --classes (it is never true)."""


def _matrix() -> ConfusionMatrix:
    return ConfusionMatrix(COUNTS, NAMES)


def _text_rows(text: str) -> list[list[str]]:
    section = text.split("Matrix (rows: true class, columns: predicted class)\n")[1]
    lines = section.split("\n\n")[0].splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("true \\ pred"))
    assert lines[head].split() == ["true", "\\", "pred", *NAMES]
    return [line.split()[1:] for line in lines[head + 2 :]]


def _markdown_rows(markdown: str) -> list[list[str]]:
    section = markdown.split("## Confusion matrix")[1].split("##")[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")][1:]
    return [[cell.strip() for cell in row.strip("|").split("|")][1:] for row in rows]


def _html_rows(page: str) -> list[list[str]]:
    body = page.split('<table class="matrix" id="matrix">')[1].split("</tbody>")[0]
    return [re.findall(r"<td[^>]*>([^<]*)</td>", row) for row in body.split("<tr>")[2:]]


def _html_data(page: str) -> dict[str, object]:
    block = re.search(r'id="confmat-data">(.*?)</script>', page, flags=re.S)
    assert block is not None
    return dict(json.loads(block.group(1)))


@pytest.mark.parametrize("how", ["true", "pred", "all"])
def test_the_view_holds_the_matrixs_shares(how: str) -> None:
    cm = _matrix()
    view = matrix_view(build_report(cm, normalize=how), 10)  # type: ignore[arg-type]
    assert view.counts == COUNTS
    assert view.shares is not None
    torch.testing.assert_close(
        torch.tensor(view.shares, dtype=torch.float64), cm.normalized(how), equal_nan=True
    )


@pytest.mark.parametrize("how", ["true", "pred", "all"])
def test_text_markdown_and_html_print_the_shares_and_say_which(how: str) -> None:
    cm = _matrix()
    text = render_text(cm, normalize=how)  # type: ignore[arg-type]
    assert _text_rows(text) == SHARES[how]
    assert f"Cells: {UNITS[how]}." in text
    markdown = render_markdown(cm, normalize=how)  # type: ignore[arg-type]
    assert _markdown_rows(markdown) == SHARES[how]
    assert f"Rows are true classes, columns predicted classes. Cells: {UNITS[how]}." in markdown
    page = render_html(cm, normalize=how)  # type: ignore[arg-type]
    assert _html_rows(page) == SHARES[how]
    mode = {"true": "row", "pred": "col", "all": "all"}[how]
    unit = UNITS[how][0].upper() + UNITS[how][1:]
    assert f'<caption><span id="matrix-unit">{unit}</span>; rows are true' in page
    assert f'value="{mode}" checked>' in page
    assert page.count(" checked>") == 1
    data = _html_data(page)
    assert data["mode"] == mode
    assert data["counts"] == [[str(x) for x in row] for row in COUNTS]  # the toggle's counts


def test_without_normalize_the_reports_show_counts() -> None:
    cm = _matrix()
    assert _text_rows(render_text(cm)) == [[str(x) for x in row] for row in COUNTS]
    markdown = render_markdown(cm)
    assert _markdown_rows(markdown) == [[str(x) for x in row] for row in COUNTS]
    assert "Cells:" not in markdown
    page = render_html(cm)
    assert _html_rows(page) == [[str(x) for x in row] for row in COUNTS]
    assert '<span id="matrix-unit">Counts</span>; rows are true' in page
    assert 'value="counts" checked>' in page
    assert _html_data(page)["mode"] == "counts"


def test_the_page_offers_every_share_and_names_each_view() -> None:
    data = _html_data(render_html(_matrix()))
    assert data["all"] == [[x / 10 for x in row] for row in COUNTS]
    assert data["units"] == {
        "counts": "Counts",
        **{
            mode: UNITS[how][0].upper() + UNITS[how][1:]
            for how, mode in (("true", "row"), ("pred", "col"), ("all", "all"))
        },
    }


def test_a_bounded_view_shows_shares_of_the_whole_rows() -> None:
    counts = torch.eye(30, dtype=torch.int64) * 10
    counts[0, 1], counts[1, 0], counts[0, 29] = 5, 5, 5  # 0 and 1 most confused; 0 also with 29
    cm = ConfusionMatrix(counts)
    report = build_report(cm, normalize="true")
    view = matrix_view(report, 20)
    assert view.left_out == 10
    assert view.shares is not None
    index = torch.tensor(view.indices)
    expected = cm.normalized("true")[index][:, index]
    shares = torch.tensor(view.shares, dtype=torch.float64)
    assert shares.shape == (21, 21)  # then the (other) row and column (issue 12)
    torch.testing.assert_close(shares[:20, :20], expected)
    torch.testing.assert_close(shares.sum(dim=1), torch.ones(21, dtype=torch.float64))
    assert view.shares[0][:2] == [0.5, 0.25]  # of the 20 in row 0, not of the 15 shown
    assert "| 0 | 50.0% | 25.0% |" in render_markdown(cm, normalize="true")


def test_a_sparse_matrix_gives_the_shares_of_its_dense_twin() -> None:
    dense = _matrix()
    sparse_cm = ConfusionMatrix(torch.tensor(COUNTS).to_sparse(), NAMES)
    assert sparse_cm.is_sparse
    for how in ("true", "pred", "all"):
        want = matrix_view(build_report(dense, normalize=how), 10)  # type: ignore[arg-type]
        got = matrix_view(build_report(sparse_cm, normalize=how), 10)  # type: ignore[arg-type]
        assert (got.indices, got.counts, got.left_out) == (want.indices, want.counts, 0)
        assert got.shares is not None
        assert want.shares is not None
        torch.testing.assert_close(
            torch.tensor(got.shares), torch.tensor(want.shares), equal_nan=True
        )
        assert _markdown_rows(render_markdown(sparse_cm, normalize=how)) == SHARES[how]  # type: ignore[arg-type]


def test_an_unknown_normalize_is_refused() -> None:
    with pytest.raises(OptionError, match='normalize must be "true" or "pred" or "all", got'):
        build_report(_matrix(), normalize="rows")  # type: ignore[arg-type]
    with pytest.raises(OptionError, match="normalize must be"):
        render_text(_matrix(), normalize="columns")  # type: ignore[arg-type]


# -- the command line ---------------------------------------------------------------------


@pytest.mark.parametrize("how", ["true", "pred", "all"])
def test_the_cli_reports_follow_normalize(tmp_path: Path, how: str, capsys) -> None:
    path = tmp_path / "p.csv"
    path.write_text(LABELS)
    argv = ["report", str(path), "--classes", "a,b,c,d", "--normalize", how]
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert _text_rows(text) == SHARES[how]
    assert f"Cells: {UNITS[how]}." in text
    assert main([*argv, "--format", "markdown"]) == 0
    assert _markdown_rows(capsys.readouterr().out) == SHARES[how]
    out = tmp_path / "r.html"
    assert main([*argv, "--format", "html", "--output", str(out)]) == 0
    page = out.read_text()
    assert _html_rows(page) == SHARES[how]
    assert _html_data(page)["mode"] == {"true": "row", "pred": "col", "all": "all"}[how]


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        (["--format", "json"], "--normalize has no effect on --format json: it applies to"),
        (["--format", "csv"], "--normalize has no effect on --format csv: it applies to"),
    ],
)
def test_the_cli_refuses_normalize_for_json_and_csv(
    tmp_path: Path, extra: list[str], match: str, capsys
) -> None:
    path = tmp_path / "p.csv"
    path.write_text(LABELS)
    assert main(["report", str(path), "--normalize", "true", *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("confmat: error: ")
    assert match in err
    assert err.count("\n") == 1


def test_the_cli_refuses_normalize_with_multilabel(tmp_path: Path, capsys) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"y_true": [1, 0], "y_pred": [1, 1]}\n{"y_true": [0, 1], "y_pred": [0, 1]}\n')
    assert main(["report", str(path), "--multilabel", "--normalize", "true"]) == 2
    assert "--normalize is for single-label predictions" in capsys.readouterr().err
