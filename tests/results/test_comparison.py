"""Paired comparison of two models: McNemar, paired bootstrap differences, the CLI."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.contingency_tables import mcnemar

import confmat
from confmat._internal.cli.main import main
from confmat._internal.results.comparison import Comparison


def _predictions(seed: int, n: int = 400) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    generator = np.random.default_rng(seed)
    y = generator.integers(0, 4, n)
    a = np.where(generator.random(n) < 0.75, y, generator.integers(0, 4, n))
    b = np.where(generator.random(n) < 0.85, y, generator.integers(0, 4, n))
    return y, a, b


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(5, 200))
def test_table_and_mcnemar_agree_with_statsmodels(seed: int, n: int) -> None:
    y, a, b = _predictions(seed, n)
    result = confmat.compare(y, a, b, n_resamples=50)
    right_a, right_b = a == y, b == y
    expected = (
        int((right_a & right_b).sum()),
        int((right_a & ~right_b).sum()),
        int((~right_a & right_b).sum()),
        int((~right_a & ~right_b).sum()),
    )
    assert tuple(result.table) == expected
    table = np.array([[expected[0], expected[1]], [expected[2], expected[3]]])
    if expected[1] + expected[2] == 0:
        assert math.isnan(result.mcnemar_exact_p_value)
        return
    assert result.mcnemar_exact_p_value == pytest.approx(mcnemar(table, exact=True).pvalue)
    if expected[1] != expected[2]:
        corrected = mcnemar(table, exact=False, correction=True)
        assert result.mcnemar_chi2 == pytest.approx(corrected.statistic)
        assert result.mcnemar_chi2_p_value == pytest.approx(corrected.pvalue)


def test_differences_are_those_of_the_two_matrices() -> None:
    y, a, b = _predictions(1)
    result = confmat.compare(y, a, b)
    cm_a = confmat.ConfusionMatrix.from_predictions(y, a)
    cm_b = confmat.ConfusionMatrix.from_predictions(y, b)
    assert result.matrix_a is not None
    assert result.matrix_b is not None
    assert result.matrix_a.counts.tolist() == cm_a.counts.tolist()
    assert result.matrix_b.counts.tolist() == cm_b.counts.tolist()
    expected = {
        "accuracy": (cm_a.accuracy, cm_b.accuracy),
        "macro_f1": (cm_a.average("f1"), cm_b.average("f1")),
        "balanced_accuracy": (cm_a.balanced_accuracy, cm_b.balanced_accuracy),
        "mcc": (cm_a.mcc, cm_b.mcc),
        "cohen_kappa": (cm_a.cohen_kappa, cm_b.cohen_kappa),
    }
    for name, (value_a, value_b) in expected.items():
        d = result.differences[name]
        assert d.a == pytest.approx(value_a)
        assert d.b == pytest.approx(value_b)
        assert d.difference == pytest.approx(value_b - value_a)
        assert d.lo < d.difference < d.hi
    for i, name in enumerate(cm_a.classes):
        for statistic in ("recall", "precision", "f1"):
            expected_diff = float(cm_b.per_class(statistic)[i] - cm_a.per_class(statistic)[i])
            assert result.per_class[name][statistic] == pytest.approx(expected_diff)


def test_paired_interval_is_narrower_than_unpaired_reasoning() -> None:
    """Correlated models: the paired interval of the accuracy difference is tight."""
    generator = np.random.default_rng(5)
    y = generator.integers(0, 2, 2000)
    a = np.where(generator.random(2000) < 0.8, y, 1 - y)
    b = a.copy()
    flip = generator.random(2000) < 0.02
    b[flip] = y[flip]  # b fixes a few of a's errors and nothing else
    result = confmat.compare(y, a, b)
    d = result.differences["accuracy"]
    assert d.lo > 0  # significant, as McNemar says
    assert result.mcnemar_exact_p_value < 0.01
    n = len(y)
    unpaired_half = 1.96 * math.sqrt(d.a * (1 - d.a) / n + d.b * (1 - d.b) / n)
    assert (d.hi - d.lo) / 2 < unpaired_half / 3


def test_identical_models() -> None:
    y, a, _ = _predictions(2)
    result = confmat.compare(y, a, a)
    assert math.isnan(result.mcnemar_exact_p_value)
    assert math.isnan(result.mcnemar_chi2_p_value)
    for d in result.differences.values():
        assert d.difference == 0
        assert d.lo == 0
        assert d.hi == 0
    assert result.to_dict()["mcnemar_exact_p_value"] is None


def test_seeded() -> None:
    y, a, b = _predictions(3)
    assert (
        confmat.compare(y, a, b, seed=4).differences == confmat.compare(y, a, b, seed=4).differences
    )
    assert (
        confmat.compare(y, a, b, seed=4).differences != confmat.compare(y, a, b, seed=5).differences
    )


def test_labels_strings_and_inferred_classes() -> None:
    y = ["cat", "dog", "dog", "frog", "cat"]
    a = ["cat", "dog", "cat", "frog", "frog"]
    b = ["cat", "dog", "dog", "dog", "bird"]  # "bird" only predicted by b
    result = confmat.compare(y, a, b, n_resamples=100)
    assert list(result.per_class) == ["bird", "cat", "dog", "frog"]
    ints = confmat.compare([0, 7, 7], [0, 7, 0], [0, 0, 7], n_resamples=100)
    assert list(ints.per_class) == ["0", "7"]


def test_from_paired_table_matches_compare() -> None:
    y, a, b = _predictions(6)
    full = confmat.compare(y, a, b)
    table = Comparison.from_paired_table(*full.table)
    assert table.mcnemar_exact_p_value == full.mcnemar_exact_p_value
    assert table.mcnemar_chi2_p_value == full.mcnemar_chi2_p_value
    d, e = table.differences["accuracy"], full.differences["accuracy"]
    assert d.difference == pytest.approx(e.difference)
    assert d.lo == pytest.approx(e.lo, abs=0.01)
    assert d.hi == pytest.approx(e.hi, abs=0.01)
    assert table.per_class == {}
    assert table.matrix_a is None


@pytest.mark.parametrize(
    ("cells", "match"),
    [((1, 2, 3, -1), "both_wrong"), ((0, 0, 0, 0), "at least one"), ((1.5, 0, 0, 0), "whole")],
    ids=["negative", "empty", "fraction"],
)
def test_bad_paired_tables(cells: tuple[float, ...], match: str) -> None:
    with pytest.raises(confmat.OptionError, match=match):
        Comparison.from_paired_table(*cells)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("a", "b", "error", "match"),
    [
        ([0, 1, 1], [0, 1], confmat.ShapeError, "y_pred_b must have one entry per sample"),
        ([0, 1, 1], [0.2, 0.7, 0.9], confmat.ShapeError, "of one kind"),
        ([0, 1, 1], ["a", "b", "b"], confmat.ShapeError, "of one kind"),
    ],
    ids=["length", "labels-vs-scores", "ints-vs-strings"],
)
def test_bad_predictions(a: object, b: object, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        confmat.compare([0, 1, 0], a, b)


# -- the command line -----------------------------------------------------------------------


def _write(path: Path, header: str, rows: list[tuple[object, ...]]) -> Path:
    path.write_text(header + "\n" + "\n".join(",".join(map(str, r)) for r in rows) + "\n")
    return path


def test_cli_two_columns_and_two_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    y, a, b = _predictions(7, 120)
    one = _write(tmp_path / "both.csv", "y_true,y_pred_a,y_pred_b", list(zip(y, a, b, strict=True)))
    assert main(["compare", str(one), "--resamples", "200"]) == 0
    text = capsys.readouterr().out
    assert "Paired comparison of y_pred_a and y_pred_b on 120 samples" in text
    assert "McNemar exact" in text
    file_a = _write(tmp_path / "a.csv", "y_true,y_pred", list(zip(y, a, strict=True)))
    file_b = _write(tmp_path / "b.csv", "y_true,y_pred", list(zip(y, b, strict=True)))
    out = tmp_path / "cmp.json"
    args = ["compare", str(file_a), str(file_b), "--format", "json", "--output", str(out)]
    assert main([*args, "--resamples", "200"]) == 0
    document = json.loads(out.read_text())
    expected = confmat.compare(y, a, b, n_resamples=200)
    assert document["table"] == expected.table._asdict()
    assert document["differences"]["mcc"]["difference"] == pytest.approx(
        expected.differences["mcc"].difference
    )


def test_cli_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file_a = _write(tmp_path / "a.csv", "y_true,y_pred", [(0, 0), (1, 1), (1, 0)])
    file_b = _write(tmp_path / "b.csv", "y_true,y_pred", [(0, 0), (0, 1), (1, 0)])
    short = _write(tmp_path / "c.csv", "y_true,y_pred", [(0, 0)])
    cases = [
        ([str(file_a), str(file_b)], "differs from"),
        ([str(file_a), str(short)], "1 rows, but"),
        ([str(file_a)], "no column 'y_pred_a'"),
        ([str(file_a), str(file_a), "--resamples", "0"], "argument --resamples"),
        ([str(tmp_path / "missing.csv")], "missing.csv"),
    ]
    for argv, match in cases:
        assert main(["compare", *argv]) == 2
        err = capsys.readouterr().err
        assert match in err
        assert err.count("\n") == 1


def test_a_model_that_is_never_right(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Its correct cells are empty: the bootstrap's grouping of the diagonal had no group.
    result = confmat.compare([0, 1, 1, 2], [0, 1, 1, 2], [1, 2, 0, 0], n_resamples=200)
    assert result.differences["accuracy"].difference == -1.0
    assert (result.differences["accuracy"].lo, result.differences["accuracy"].hi) == (-1.0, -1.0)
    path = tmp_path / "p.csv"
    path.write_text("y_true,y_pred_a,y_pred_b\n0,0,1\n1,1,0\n")
    assert main(["compare", str(path), "--resamples", "50"]) == 0
    assert capsys.readouterr().err == ""
