"""The command line speaks the vocabulary: each option means what its Python namesake means.

Every option is run whole-file and streamed (``--stream``, in batches of a few rows) and the
two documents compared with each other and with ``ConfusionMatrix.from_predictions`` given the
option of the same name; options that would change nothing are refused; hostile values exit 2
with one line.
"""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

import confmat
from confmat import ConfusionMatrix
from confmat._internal.cli.main import main
from confmat._internal.stats import curves
from files import write

pytestmark = pytest.mark.usefixtures("tiny_batches")  # tests/conftest.py


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def both(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``confmat report ARGV`` streamed, after checking the whole-file run gives the same."""
    streamed = run(["report", *argv, "--stream"], capsys)
    whole = run(["report", *argv, "--no-stream"], capsys)
    assert streamed == whole
    return streamed


def document(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """The JSON document of ``confmat report ARGV``, the same whole-file and streamed."""
    status, out, err = both([*argv, "--format", "json"], capsys)
    assert status == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def refused(argv: list[str], capsys: pytest.CaptureFixture[str], stream: bool = True) -> str:
    """The one line of standard error of a refused ``confmat report ARGV`` (exit status 2)."""
    status, out, err = both(argv, capsys) if stream else run(["report", *argv], capsys)
    assert (status, out) == (2, ""), err
    assert err.startswith("confmat: error: ")
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


KEYS = ("classes", "matrix", "n", "positive_class", "overall", "per_class", "averages")


def python_document(*args: Any, **kwargs: Any) -> dict[str, Any]:
    """The keys INTERFACE lists of ``from_predictions(*args, **kwargs).to_dict()``, as JSON."""
    cm = ConfusionMatrix.from_predictions(*args, **kwargs)
    return json.loads(json.dumps(cm.to_dict()))  # type: ignore[no-any-return]


def same_document(cli: dict[str, Any], python: dict[str, Any]) -> None:
    assert {k: cli[k] for k in KEYS} == {k: python[k] for k in KEYS}


RNG = np.random.default_rng(11)
N = 30
TRUE = RNG.integers(0, 3, N).tolist()
PRED = RNG.integers(0, 3, N).tolist()
BINARY = RNG.integers(0, 2, N).tolist()
SCORES = np.round(RNG.random(N), 3).tolist()
LOGITS = np.round(RNG.normal(0, 2, N), 3).tolist()
WEIGHTS = np.round(RNG.random(N) * 3, 6).tolist()
WORDS = RNG.choice(["cat", "dog", "frog"], N).tolist()
SICK = [["well", "sick"][b] for b in BINARY]


# -- every option, as Python takes it --------------------------------------------------------

PYTHON_CASES: dict[str, tuple[dict[str, list[Any]], list[str], dict[str, Any]]] = {
    "num classes": (
        {"y_true": TRUE, "y_pred": PRED},
        ["--num-classes", "5"],
        {"num_classes": 5},
    ),
    "ignore index": (
        {"y_true": [-100 if t == 2 else t for t in TRUE], "y_pred": PRED},
        ["--ignore-index", "-100"],
        {"ignore_index": -100},
    ),
    "ignore a text label": (
        {"y_true": WORDS, "y_pred": WORDS[::-1]},
        ["--ignore-index", "dog"],
        {"ignore_index": "dog"},
    ),
    "ignore index of scores": (
        {"y_true": [t if b else 9 for t, b in zip(BINARY, TRUE, strict=True)], "y_pred": SCORES},
        ["--ignore-index", "9.0"],
        {"ignore_index": 9},
    ),
    "weights": (
        {"y_true": WORDS, "y_pred": WORDS[::-1], "w": WEIGHTS},
        ["--weight-col", "w"],
        {"sample_weight": WEIGHTS},
    ),
    "weights of scores": (
        {"y_true": BINARY, "y_pred": SCORES, "w": WEIGHTS},
        ["--weight-col", "w", "--threshold", "0.4"],
        {"sample_weight": WEIGHTS, "threshold": 0.4},
    ),
    "logits": (
        {"y_true": BINARY, "y_pred": LOGITS},
        ["--from-logits", "--threshold", "0.3"],
        {"from_logits": True, "threshold": 0.3},
    ),
    "zero division 1": (
        {"y_true": TRUE, "y_pred": [0] * N},
        ["--zero-division", "1"],
        {"zero_division": 1},
    ),
    "zero division 0": (
        {"y_true": TRUE, "y_pred": [0] * N},
        ["--zero-division", "0"],
        {"zero_division": 0},
    ),
    "scored class is reported positive": (
        {"y_true": SICK, "y_pred": SCORES},
        ["--score-of", "well"],
        {"score_of": "well", "positive": "well"},
    ),
    "value classes": (
        {"y_true": BINARY, "y_pred": BINARY[::-1]},
        ["--classes", "1,0"],
        {"classes": [1, 0]},
    ),
}


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
@pytest.mark.parametrize("case", list(PYTHON_CASES))
def test_each_option_gives_the_document_of_its_python_namesake(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str, case: str
) -> None:
    columns, options, python = PYTHON_CASES[case]
    path = write(tmp_path / f"p{suffix}", columns)
    cli = document([str(path), *options], capsys)
    same_document(cli, python_document(columns["y_true"], columns["y_pred"], **python))


def test_classes_1_0_are_the_values_1_and_0(tmp_path: Path, capsys) -> None:
    y_true, y_pred = [0, 1, 1, 2, 0], [1, 1, 0, 2, 2]
    path = write(tmp_path / "p.csv", {"y_true": y_true, "y_pred": y_pred})
    cli = document([str(path), "--classes", "1,0,2"], capsys)
    same_document(cli, python_document(y_true, y_pred, classes=[1, 0, 2]))
    assert cli["classes"] == ["1", "0", "2"]
    assert cli["matrix"][0] == [1, 1, 0]  # row 0 is label 1: one right, one predicted 0


def test_zero_division_warn_is_one_warning_line(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "p.csv", {"y_true": TRUE, "y_pred": [0] * N})
    with warnings.catch_warnings():
        warnings.simplefilter("always")  # the tests turn warnings into errors
        argv = ["report", str(path), "--format", "json", "--zero-division", "warn"]
        status, out, err = run(argv, capsys)
    assert status == 0
    assert err.startswith("confmat: warning: ")
    assert err.endswith("(UndefinedMetricWarning)\n")
    assert all(line.startswith("confmat: warning: ") for line in err.splitlines())
    assert json.loads(out)["per_class"]["1"]["precision"] is None


def test_weights_make_the_exact_intervals_null(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "p.csv", {"y_true": BINARY, "y_pred": BINARY[::-1], "w": WEIGHTS})
    weighted = document([str(path), "--weight-col", "w"], capsys)
    assert weighted["overall"]["accuracy_ci"] is None
    assert weighted["overall"]["accuracy_p_value_vs_nir"] is None
    assert weighted["n"] == pytest.approx(sum(WEIGHTS))
    assert document([str(path)], capsys)["overall"]["accuracy_ci"] is not None


def test_weighted_sums_are_added_in_sample_order_as_whole(tmp_path: Path, capsys) -> None:
    """Many weights of one pair per batch: sums by batch would round differently; these don't."""
    rng = np.random.default_rng(3)
    weights = rng.random(200).tolist()
    batch_sums = [math.fsum([0.0, *weights[i : i + 3]]) for i in range(0, 200, 3)]
    by_batch = 0.0
    for part in batch_sums:
        by_batch += part
    in_order = 0.0
    for weight in weights:
        in_order += weight
    assert by_batch != in_order  # the data tell the two orders apart
    path = write(tmp_path / "p.parquet", {"y_true": [1] * 200, "y_pred": [1] * 200, "w": weights})
    cli = document([str(path), "--weight-col", "w"], capsys)
    assert cli["matrix"] == [[in_order]]
    same_document(cli, python_document([1] * 200, [1] * 200, sample_weight=weights))


def test_a_weight_of_zero_keeps_its_classes(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "p.csv", {"y_true": [0, 5, 9], "y_pred": [0, 5, 0], "w": [1, 0, 2.5]})
    cli = document([str(path), "--weight-col", "w"], capsys)
    assert cli["classes"] == ["0", "5", "9"]
    same_document(cli, python_document([0, 5, 9], [0, 5, 0], sample_weight=[1, 0, 2.5]))


# -- the positive class: the scored class by default, and never a count -----------------------


@pytest.mark.parametrize(
    ("columns", "options", "scored"),
    [
        ({"y_true": SICK, "y_pred": SCORES}, ["--score-of", "sick"], "sick"),
        ({"y_true": SICK, "y_pred": SCORES}, ["--score-of", "well"], "well"),
        ({"y_true": BINARY, "y_pred": SCORES}, ["--score-of", "0"], "0"),
        ({"y_true": BINARY, "y_pred": SCORES}, ["--classes", "1,0"], "1"),
        ({"y_true": BINARY, "y_pred": LOGITS}, ["--from-logits", "--score-of", "0"], "0"),
        ({"t": BINARY, "p": SCORES}, ["--true-col", "t", "--score-cols", "0=p"], "0"),
    ],
    ids=["sick", "well", "0", "value classes", "logits", "named score column"],
)
def test_one_score_column_reports_its_scored_class_unless_positive_says_otherwise(
    tmp_path: Path, capsys, columns: dict[str, list[Any]], options: list[str], scored: str
) -> None:
    path = write(tmp_path / "p.parquet", columns)
    default = document([str(path), *options], capsys)
    assert default["positive_class"] == scored
    for positive in default["classes"]:
        named = document([str(path), *options, "--positive", positive], capsys)
        assert named["positive_class"] == positive
        assert named["matrix"] == default["matrix"]  # --positive never changes a count
        assert named["n"] == default["n"]


@pytest.mark.parametrize(
    ("columns", "options"),
    [
        ({"y_true": WORDS, "y_pred": WORDS[::-1]}, []),
        ({"y_true": BINARY, "y_pred": BINARY[::-1]}, ["--classes", "1,0"]),
        ({"y_true": BINARY, "y_pred": SCORES, "w": WEIGHTS}, ["--weight-col", "w"]),
        ({"y_true": [b == 1 for b in BINARY], "y_pred": SCORES}, ["--threshold", "0.2"]),
    ],
    ids=["labels", "value classes", "weighted scores", "bools"],
)
def test_every_positive_gives_the_same_matrix(
    tmp_path: Path, capsys, columns: dict[str, list[Any]], options: list[str]
) -> None:
    path = write(tmp_path / "p.csv", columns)
    default = document([str(path), *options], capsys)
    matrices = []
    for positive in default["classes"]:
        status, out, err = both(
            [str(path), *options, "--positive", positive, "--format", "json"], capsys
        )
        if len(default["classes"]) != 2:
            assert status == 2
            assert "positive applies to two classes" in err
            continue
        assert status == 0, err
        matrices.append(json.loads(out)["matrix"])
        assert json.loads(out)["positive_class"] == positive
    assert all(m == default["matrix"] for m in matrices)


def test_choose_threshold_reports_the_class_it_chose_for(tmp_path: Path, capsys) -> None:
    data = {
        "y_true": ["disease", "healthy", "disease", "healthy", "disease", "healthy"],
        "score": [0.9, 0.2, 0.8, 0.3, 0.4, 0.6],  # P(disease)
    }
    path = write(tmp_path / "d.csv", data)
    argv = ["report", str(path), "--pred-col", "score", "--score-of", "disease"]
    status, out, err = run([*argv, "--choose-threshold", "youden", "--format", "json"], capsys)
    assert status == 0, err
    assert "for class 'disease'" in err
    chosen = json.loads(out)
    assert chosen["positive_class"] == "disease"  # the class the threshold was chosen for
    assert chosen["matrix"] == [[2, 1], [0, 3]]
    status, out, _ = run(
        [*argv, "--choose-threshold", "youden", "--positive", "healthy", "--format", "json"], capsys
    )
    assert json.loads(out)["positive_class"] == "healthy"
    assert json.loads(out)["matrix"] == chosen["matrix"]


def test_choose_threshold_with_logits_chooses_a_probability(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "p.csv", {"y_true": BINARY, "y_pred": LOGITS})
    status, out, err = run(
        ["report", str(path), "--from-logits", "--choose-threshold", "f1", "--format", "json"],
        capsys,
    )
    assert status == 0, err
    probabilities = torch.sigmoid(torch.tensor(LOGITS, dtype=torch.float64))
    expected = curves.choose_threshold(curves.threshold_counts(BINARY, probabilities), "f1")
    assert f"threshold {expected.threshold:.6g} chosen by f1" in err
    assert 0 < expected.threshold < 1
    same_document(
        json.loads(out),
        python_document(BINARY, LOGITS, from_logits=True, threshold=expected.threshold),
    )


def test_choose_threshold_with_weights_counts_the_weights(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "p.csv", {"y_true": BINARY, "y_pred": SCORES, "w": WEIGHTS})
    status, out, err = run(
        [
            "report",
            str(path),
            "--weight-col",
            "w",
            "--choose-threshold",
            "youden",
            "--format",
            "json",
        ],
        capsys,
    )
    assert status == 0, err
    counts = curves.threshold_counts(BINARY, SCORES, sample_weight=WEIGHTS)
    expected = curves.choose_threshold(counts, "youden")
    assert f"threshold {expected.threshold:.6g} chosen by youden" in err
    same_document(
        json.loads(out),
        python_document(BINARY, SCORES, sample_weight=WEIGHTS, threshold=expected.threshold),
    )


def test_choose_threshold_leaves_the_ignored_rows_out(tmp_path: Path, capsys) -> None:
    y_true = [*BINARY, 7, 7]
    scores = [*SCORES, 0.99, 0.98]  # ignored: they would move the threshold if counted
    path = write(tmp_path / "p.csv", {"y_true": y_true, "y_pred": scores})
    status, out, err = run(
        [
            "report",
            str(path),
            "--ignore-index",
            "7",
            "--choose-threshold",
            "f1",
            "--format",
            "json",
        ],
        capsys,
    )
    assert status == 0, err
    expected = curves.choose_threshold(curves.threshold_counts(BINARY, SCORES), "f1")
    assert f"threshold {expected.threshold:.6g} chosen by f1" in err
    assert json.loads(out)["n"] == N


# -- options that would change nothing are refused ---------------------------------------------

SCORE_COLUMNS = {"y_true": WORDS, "cat": SCORES, "dog": SCORES[::-1], "frog": LOGITS}


@pytest.mark.parametrize(
    "option",
    [
        ["--threshold", "0.3"],
        ["--score-of", "cat"],
        ["--from-logits"],
        ["--choose-threshold", "f1"],
    ],
    ids=["threshold", "score-of", "from-logits", "choose-threshold"],
)
def test_score_options_with_one_score_column_per_class_are_refused(
    tmp_path: Path, capsys, option: list[str]
) -> None:
    path = write(tmp_path / "p.csv", SCORE_COLUMNS)
    err = refused([str(path), "--score-cols", "cat,dog,frog", *option], capsys, stream=False)
    assert f"{option[0]} applies to one column of binary scores" in err
    assert "--score-cols" in err
    assert "argmax" in err


def test_threshold_with_score_columns_is_refused_streamed_too(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "p.parquet", SCORE_COLUMNS)
    err = refused([str(path), "--score-cols", "cat,dog,frog", "--threshold", "0.3"], capsys)
    assert "--threshold applies to one column of binary scores" in err


@pytest.mark.parametrize(
    "option",
    [["--threshold", "0.3"], ["--score-of", "1"], ["--from-logits"]],
    ids=["threshold", "score-of", "from-logits"],
)
@pytest.mark.parametrize("labels", [TRUE, WORDS], ids=["numbers", "text"])
def test_score_options_with_label_predictions_are_refused(
    tmp_path: Path, capsys, option: list[str], labels: list[Any]
) -> None:
    path = write(tmp_path / "p.csv", {"y_true": labels, "y_pred": labels[::-1]})
    err = refused([str(path), *option], capsys)
    assert f"{option[0]} needs binary scores, but the predictions (y_pred) are labels" in err


def test_num_classes_that_contradicts_classes_is_refused(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "p.csv", {"y_true": TRUE, "y_pred": PRED})
    err = refused([str(path), "--num-classes", "4", "--classes", "0,1,2"], capsys)
    assert "--num-classes 4 contradicts --classes, which names 3 classes" in err
    agreeing = document([str(path), "--num-classes", "3", "--classes", "0,1,2"], capsys)
    assert agreeing["classes"] == ["0", "1", "2"]


def test_the_vocabulary_reaches_multilabel(tmp_path: Path, capsys) -> None:
    cells = RNG.integers(-1, 2, (N, 2)).tolist()  # -1: a cell left out
    logits = np.round(RNG.normal(0, 2, (N, 2)), 3).tolist()
    columns = {"a": [c[0] for c in cells], "b": [c[1] for c in cells]}
    columns |= {"pa": [x[0] for x in logits], "pb": [x[1] for x in logits]}
    path = write(tmp_path / "p.csv", columns)
    argv = ["report", str(path), "--multilabel", "--true-cols", "a,b", "--pred-cols", "pa,pb"]
    argv += ["--from-logits", "--ignore-index", "-1", "--zero-division", "0", "--num-classes", "2"]
    status, out, err = run([*argv, "--format", "json"], capsys)
    assert status == 0, err
    expected = confmat.MultilabelConfusion.from_predictions(
        cells,
        logits,
        classes=["a", "b"],
        from_logits=True,
        ignore_index=-1,
        zero_division=0,
        num_classes=2,
    )
    assert json.loads(out) == json.loads(json.dumps(expected.to_dict()))
    assert refused([*argv[1:], "--weight-col", "pa"], capsys, stream=False).endswith(
        "--weight-col is not supported with --multilabel (it applies to the single-label "
        "report): leave it out\n"
    )


def test_the_vocabulary_reaches_top_k(tmp_path: Path, capsys) -> None:
    labels = [[0, 1, 2, -100][i] for i in RNG.integers(0, 4, N)]
    scores = RNG.random((N, 3)).round(3)
    columns = {"y_true": labels, **{f"s{j}": scores[:, j].tolist() for j in range(3)}}
    path = write(tmp_path / "p.csv", {**columns, "w": WEIGHTS})
    argv = ["report", str(path), "--score-cols", "0=s0,1=s1,2=s2", "--top-k", "2"]
    argv += ["--classes", "2,0,1", "--ignore-index", "-100", "--weight-col", "w"]
    status, out, err = run([*argv, "--zero-division", "0", "--format", "json"], capsys)
    assert status == 0, err
    expected = confmat.top_k(
        labels,
        scores,
        2,
        classes=[2, 0, 1],
        sample_weight=WEIGHTS,
        ignore_index=-100,
        zero_division=0,
    )
    assert json.loads(out)["top_k"] == json.loads(json.dumps(expected.to_dict()))


# -- hostile values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "match"),
    [
        ("True", "--ignore-index 'True' is not a label value"),
        ("2**70", "--ignore-index '2**70' is not a label value"),
        (str(2**70), "must be a whole number within int64"),
        ("1.5", "is not a label value"),
        ("nan", "is not a label value"),
        ("1e400", "is not a label value"),
    ],
)
def test_hostile_ignore_index_values(tmp_path: Path, capsys, value: str, match: str) -> None:
    path = write(tmp_path / "p.csv", {"y_true": TRUE, "y_pred": PRED})
    assert match in refused([str(path), "--ignore-index", value], capsys)


@pytest.mark.parametrize("weights", [[], ["--weight-col", "w"]], ids=["counts", "weights"])
def test_every_row_ignored_is_an_empty_input(tmp_path: Path, capsys, weights: list[str]) -> None:
    path = write(tmp_path / "p.parquet", {"y_true": [3] * 8, "y_pred": [3] * 8, "w": [1.0] * 8})
    err = refused([str(path), "--ignore-index", "3", *weights], capsys)
    assert "no samples" in err


def test_ignored_rows_skip_the_score_checks_and_keep_the_row_numbers(
    tmp_path: Path, capsys
) -> None:
    path = tmp_path / "p.csv"
    path.write_text("y_true,y_pred\n" + "1,0.5\n0,0.25\n" * 4 + "7,1.5\n" * 3 + "0,0.75\n")
    cli = document([str(path), "--ignore-index", "7"], capsys)  # an ignored score is not read
    same_document(
        cli,
        python_document(
            [1, 0] * 4 + [7] * 3 + [0], [0.5, 0.25] * 4 + [1.5] * 3 + [0.75], ignore_index=7
        ),
    )
    path.write_text("y_true,y_pred\n" + "1,0.5\n0,0.25\n" * 4 + "7,0.5\n" * 3 + "0,2.5\n")
    status, _, err = run(["report", str(path), "--ignore-index", "7", "--stream"], capsys)
    assert status == 2
    assert "y_pred must hold probabilities in [0, 1], got 2.5 at data row 12" in err


def test_ignore_index_of_text_labels_is_text(tmp_path: Path, capsys) -> None:
    labels = ["True", "False", "True", "2**70"]
    path = write(tmp_path / "p.csv", {"y_true": labels, "y_pred": labels[::-1]})
    for value in ("True", "2**70"):
        cli = document([str(path), "--ignore-index", value], capsys)
        same_document(cli, python_document(labels, labels[::-1], ignore_index=value))


def test_ignore_index_of_bool_labels_follows_the_classes_rule(tmp_path: Path, capsys) -> None:
    flags = [b == 1 for b in BINARY]
    path = write(tmp_path / "p.parquet", {"y_true": flags, "y_pred": flags[::-1]})
    for value in ("true", "1", "True"):
        cli = document([str(path), "--ignore-index", value], capsys)
        assert cli["n"] == BINARY.count(0)


@pytest.mark.parametrize("value", ["", " ", "x"])
def test_blank_or_bad_option_values_are_usage_errors(tmp_path: Path, capsys, value: str) -> None:
    path = write(tmp_path / "p.csv", {"y_true": TRUE, "y_pred": PRED})
    for option in ("--ignore-index", "--weight-col", "--num-classes", "--zero-division"):
        if value == "x" and option in ("--ignore-index", "--weight-col"):
            continue
        refused([str(path), option, value], capsys, stream=False)


@pytest.mark.parametrize("value", ["2", "-1", "nan", "0.5", "NaN"])
def test_zero_division_takes_nan_warn_0_or_1(tmp_path: Path, capsys, value: str) -> None:
    path = write(tmp_path / "p.csv", {"y_true": TRUE, "y_pred": PRED})
    if value == "nan":
        same_document(
            document([str(path), "--zero-division", value], capsys), python_document(TRUE, PRED)
        )
        return
    err = refused([str(path), "--zero-division", value], capsys, stream=False)
    assert "argument --zero-division: invalid choice" in err


@pytest.mark.parametrize("value", ["0", "-1", str(2**63), "1.5"])
def test_num_classes_is_a_positive_bounded_integer(tmp_path: Path, capsys, value: str) -> None:
    path = write(tmp_path / "p.csv", {"y_true": TRUE, "y_pred": PRED})
    err = refused([str(path), "--num-classes", value], capsys, stream=False)
    assert "argument --num-classes: expected an integer from 1 to" in err


def test_num_classes_below_a_label_names_its_sample(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "p.csv", {"y_true": TRUE, "y_pred": PRED})
    err = refused([str(path), "--num-classes", "2"], capsys)
    assert "must hold class indices in [0, 2), got 2 at index" in err


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_a_text_weight_column_names_its_first_text_cell(
    tmp_path: Path, capsys, suffix: str
) -> None:
    columns = {"y_true": [0, 1, 1], "y_pred": [0, 1, 0], "w": ["light", "2", "heavy"]}
    path = write(tmp_path / f"p{suffix}", columns)
    err = refused([str(path), "--weight-col", "w"], capsys)
    assert "column 'w' must hold numbers (sample weights), got 'light' at data row 1" in err


def test_a_csv_weight_column_of_text_names_the_cell_that_is_no_number(
    tmp_path: Path, capsys
) -> None:
    path = write(tmp_path / "p.csv", {"y_true": [0, 1, 1], "y_pred": [0, 1, 0], "w": [1, 2, "x"]})
    err = refused([str(path), "--weight-col", "w"], capsys)
    assert "column 'w' must hold numbers (sample weights), got 'x' at data row 3" in err


def test_a_bool_weight_column_is_refused(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "p.parquet", {"y_true": [0, 1], "y_pred": [0, 1], "w": [True, False]})
    err = refused([str(path), "--weight-col", "w"], capsys)
    assert "column 'w' must hold numbers (sample weights), got True at data row 1" in err


@pytest.mark.parametrize(
    ("weight", "shown"), [(math.inf, "inf"), (-1.0, "-1.0"), (-math.inf, "-inf")]
)
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_an_invalid_weight_names_its_data_row(
    tmp_path: Path, capsys, weight: float, shown: str, suffix: str
) -> None:
    weights = [1.0] * 10
    weights[7] = weight
    columns = {"y_true": TRUE[:10], "y_pred": PRED[:10], "w": weights}
    path = write(tmp_path / f"p{suffix}", columns)
    err = refused([str(path), "--weight-col", "w"], capsys)
    expected = (
        f"column 'w' must hold finite, non-negative sample weights, got {shown} at data row 8"
    )
    assert expected in err
    assert str(path) in err


def test_an_invalid_weight_after_dropped_rows_names_its_own_row(tmp_path: Path, capsys) -> None:
    rows = [f"{i % 2},{i % 3 if i != 4 else ''},{-3 if i == 16 else 1}\n" for i in range(20)]
    path = tmp_path / "p.csv"
    path.write_text("y_true,y_pred,w\n" + "".join(rows))  # several batches
    for stream in ("--stream", "--no-stream"):
        status, _, err = run(["report", str(path), "--weight-col", "w", "--dropna", stream], capsys)
        assert status == 2
        assert err.splitlines()[-1].endswith("got -3.0 at data row 17")


@pytest.mark.parametrize(
    ("suffix", "missing"),
    [(".parquet", math.nan), (".parquet", None), (".jsonl", None), (".csv", "")],
    ids=["parquet NaN", "parquet null", "jsonl null", "csv empty cell"],
)
def test_a_missing_or_nan_weight_is_refused_or_dropped(
    tmp_path: Path, capsys, suffix: str, missing: object
) -> None:
    """A NaN in a used column of a file is missing, as an empty cell: refused, or --dropna."""
    columns = {
        "y_true": [0, 1, 1, 0, 1],
        "y_pred": [0, 1, 0, 0, 1],
        "w": [1.0, 2.0, missing, 0.5, 1.0],
    }
    path = write(tmp_path / f"p{suffix}", columns)
    err = refused([str(path), "--weight-col", "w"], capsys)
    assert "column 'w' has a missing value" in err
    assert "at data row 3; pass --dropna" in err
    argv = [str(path), "--weight-col", "w", "--dropna", "--format", "json"]
    status, out, err = both(argv, capsys)
    assert status == 0
    assert "left out 1 of 5 rows" in err
    expected = python_document([0, 1, 0, 1], [0, 1, 0, 1], sample_weight=[1, 2, 0.5, 1])
    same_document(json.loads(out), expected)


def test_weight_col_that_is_missing_or_a_label_column(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "p.csv", {"y_true": TRUE, "y_pred": PRED})
    assert "no column 'weight'" in refused([str(path), "--weight-col", "weight"], capsys)
    err = refused([str(path), "--weight-col", "y_pred"], capsys)
    assert "--weight-col 'y_pred' is also a column of labels or predictions" in err


def test_every_hostile_value_is_one_line_without_a_traceback(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "p.csv", {"y_true": TRUE, "y_pred": SCORES[:N], "w": WEIGHTS})
    hostile = ["-1", "0", "1e400", "1" + "0" * 30, "nan", "inf", "\x1b]0;x\x07", "a,,b", "True"]
    for option in ("--ignore-index", "--weight-col", "--num-classes", "--zero-division"):
        for value in hostile:
            status, _, err = run(["report", str(path), option, value], capsys)
            assert status in (0, 2), (option, value)
            assert "Traceback" not in err
            if status == 2:
                assert err.count("\n") == 1, (option, value, err)


@pytest.mark.parametrize(
    ("names", "order"),
    [(["3", "1", "2"], None), (["0", "1", "2"], "2,0,1"), (["cat", "dog", "eel"], "eel,cat,dog")],
    ids=["values-not-0-to-C-1", "values-reordered", "names-reordered"],
)
def test_score_columns_named_by_class_stream_as_the_whole_file(
    tmp_path: Path, capsys, names: list[str], order: str | None
) -> None:
    rng = np.random.default_rng(5)
    labels = rng.choice(names, N).tolist()
    if names[0].isdigit():
        labels = [int(label) for label in labels]
    scores = rng.integers(0, 3, (N, 3)) / 2  # ties between columns included
    columns = {"y_true": labels, **{f"s{j}": scores[:, j].tolist() for j in range(3)}}
    path = write(tmp_path / "p.csv", columns)
    argv = [str(path), "--score-cols", ",".join(f"{n}=s{j}" for j, n in enumerate(names))]
    if order is not None:
        argv += ["--classes", order]
    found = document(argv, capsys)  # the streamed document equals the whole file's
    assert found["n"] == N
