"""``confmat compare`` speaks the vocabulary: each option reaches ``compare``'s namesake."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from confmat._internal.cli.main import main
from confmat._internal.results import comparison
from files import write

RNG = np.random.default_rng(7)
N = 24
BINARY = RNG.integers(0, 2, N).tolist()
SCORES_A = np.round(RNG.random(N), 3).tolist()
SCORES_B = np.round(RNG.random(N), 3).tolist()
LABELS_A = RNG.integers(0, 3, N).tolist()
LABELS_B = RNG.integers(0, 3, N).tolist()
TRUE = RNG.integers(0, 3, N).tolist()
WEIGHTS = np.round(RNG.random(N) * 2, 4).tolist()
SICK = [["well", "sick"][b] for b in BINARY]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(["compare", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    status, out, err = run(argv, capsys)
    assert (status, out) == (2, ""), err
    assert err.startswith("confmat: error: ")
    assert err.count("\n") == 1, err
    return err


class _Recorded:
    """A ``compare`` with every parameter of the vocabulary that records its keywords."""

    def __init__(self) -> None:
        self.kwargs: dict[str, Any] = {}
        self.real = comparison.compare

    def __call__(
        self,
        y_true: object,
        y_pred_a: object,
        y_pred_b: object,
        *,
        num_classes: int | None = None,
        from_logits: bool = False,
        ignore_index: object = None,
        sample_weight: object = None,
        zero_division: object = "nan",
        **kwargs: Any,
    ) -> Any:
        self.kwargs = {
            "num_classes": num_classes,
            "from_logits": from_logits,
            "ignore_index": ignore_index,
            "sample_weight": sample_weight,
            "zero_division": zero_division,
            **kwargs,
        }
        return self.real(y_true, y_pred_a, y_pred_b, **kwargs)


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> _Recorded:
    fake = _Recorded()
    monkeypatch.setattr(comparison, "compare", fake)
    return fake


CASES: dict[str, tuple[dict[str, list[Any]], list[str], dict[str, Any]]] = {
    "num classes": (
        {"y_true": TRUE, "y_pred_a": LABELS_A, "y_pred_b": LABELS_B},
        ["--num-classes", "3"],
        {"num_classes": 3},
    ),
    "ignore index": (
        {"y_true": TRUE, "y_pred_a": LABELS_A, "y_pred_b": LABELS_B},
        ["--ignore-index", "2.0"],
        {"ignore_index": 2},
    ),
    "ignore a text label": (
        {"y_true": SICK, "y_pred_a": SICK[::-1], "y_pred_b": SICK},
        ["--ignore-index", "well"],
        {"ignore_index": "well"},
    ),
    "logits": (
        {"y_true": BINARY, "y_pred_a": SCORES_A, "y_pred_b": SCORES_B},
        ["--from-logits"],
        {"from_logits": True},
    ),
    "weights": (
        {"y_true": TRUE, "y_pred_a": LABELS_A, "y_pred_b": LABELS_B, "w": WEIGHTS},
        ["--weight-col", "w"],
        {"sample_weight": WEIGHTS},
    ),
    "zero division": (
        {"y_true": TRUE, "y_pred_a": LABELS_A, "y_pred_b": LABELS_B},
        ["--zero-division", "1"],
        {"zero_division": 1},
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_option_reaches_its_python_parameter(
    tmp_path: Path, capsys, recorded: _Recorded, case: str
) -> None:
    columns, options, expected = CASES[case]
    path = write(tmp_path / "p.csv", columns)
    status, _, err = run([str(path), *options, "--resamples", "20", "--format", "json"], capsys)
    assert status == 0, err
    for name, value in expected.items():
        got = recorded.kwargs[name]
        if name == "sample_weight":
            assert got.tolist() == value
        else:
            assert got == value
            assert type(got) is type(value)


@pytest.mark.parametrize("case", list(CASES))
def test_each_option_gives_python_s_comparison(tmp_path: Path, capsys, case: str) -> None:
    columns, options, python = CASES[case]
    path = write(tmp_path / "p.csv", columns)
    argv = [str(path), *options, "--resamples", "50", "--format", "json"]
    status, out, err = run(argv, capsys)
    assert status == 0, err
    expected = comparison.compare(
        columns["y_true"], columns["y_pred_a"], columns["y_pred_b"], n_resamples=50, **python
    )
    assert json.loads(out) == json.loads(json.dumps(expected.to_dict()))


def test_one_score_column_reports_its_scored_class(
    tmp_path: Path, capsys, recorded: _Recorded
) -> None:
    path = write(tmp_path / "p.csv", {"y_true": SICK, "y_pred_a": SCORES_A, "y_pred_b": SCORES_B})
    argv = [str(path), "--score-of", "sick", "--resamples", "20"]
    assert run(argv, capsys)[0] == 0
    assert recorded.kwargs["positive"] == "sick"
    assert run([*argv, "--positive", "well"], capsys)[0] == 0
    assert recorded.kwargs["positive"] == "well"
    labels = write(tmp_path / "l.csv", {"y_true": SICK, "y_pred_a": SICK, "y_pred_b": SICK})
    assert run([str(labels), "--resamples", "20"], capsys)[0] == 0
    assert recorded.kwargs["positive"] is None  # labels: the matrix's own default


@pytest.mark.parametrize(
    "option",
    [["--threshold", "0.3"], ["--score-of", "1"], ["--from-logits"]],
    ids=["threshold", "score-of", "from-logits"],
)
def test_score_options_with_label_predictions_are_refused(
    tmp_path: Path, capsys, recorded: _Recorded, option: list[str]
) -> None:
    path = write(tmp_path / "p.csv", {"y_true": TRUE, "y_pred_a": LABELS_A, "y_pred_b": LABELS_B})
    err = refused([str(path), *option], capsys)
    assert f"{option[0]} needs binary scores, but the predictions (y_pred_a and y_pred_b)" in err


def test_threshold_reaches_compare(tmp_path: Path, capsys) -> None:
    columns = {"y_true": BINARY, "y_pred_a": SCORES_A, "y_pred_b": SCORES_B}
    path = write(tmp_path / "p.csv", columns)
    status, out, err = run(
        [str(path), "--threshold", "0.3", "--resamples", "50", "--format", "json"], capsys
    )
    assert status == 0, err
    expected = comparison.compare(BINARY, SCORES_A, SCORES_B, threshold=0.3, n_resamples=50)
    assert json.loads(out) == json.loads(json.dumps(expected.to_dict()))


def test_num_classes_contradicting_classes_is_refused(
    tmp_path: Path, capsys, recorded: _Recorded
) -> None:
    path = write(tmp_path / "p.csv", {"y_true": TRUE, "y_pred_a": LABELS_A, "y_pred_b": LABELS_B})
    err = refused([str(path), "--num-classes", "2", "--classes", "0,1,2"], capsys)
    assert "--num-classes 2 contradicts --classes" in err


def test_hostile_values(tmp_path: Path, capsys, recorded: _Recorded) -> None:
    columns = {"y_true": TRUE, "y_pred_a": LABELS_A, "y_pred_b": LABELS_B, "w": WEIGHTS}
    columns["w"] = [*WEIGHTS[:5], -1.0, *WEIGHTS[6:]]
    columns["text"] = ["heavy"] * N
    path = write(tmp_path / "p.csv", columns)
    err = refused([str(path), "--weight-col", "w"], capsys)
    assert "column 'w' must hold finite, non-negative sample weights, got -1.0 at data row 6" in err
    err = refused([str(path), "--weight-col", "text"], capsys)
    assert "column 'text' must hold numbers (sample weights), got 'heavy' at data row 1" in err
    assert "is not a label value" in refused([str(path), "--ignore-index", "True"], capsys)
    assert "is not a label value" in refused([str(path), "--ignore-index", "2**70"], capsys)
    assert "invalid choice" in refused([str(path), "--zero-division", "2"], capsys)
    err = refused([str(path), "--weight-col", "y_pred_a"], capsys)
    assert "is also a column of labels or predictions" in err
