"""The error battery: bad input through the Python API and through the command line.

Python: each bad input raises its specific ConfmatError subclass with a message naming it.
CLI: each gives exit status 2, exactly one line on standard error, no traceback, and leaves
an existing ``--output`` file as it was (nothing written, nothing clobbered, no stray files).
"""

from __future__ import annotations

import math
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import torch

import confmat
from confmat import ConfusionMatrix
from confmat._internal.cli.main import main

fp = ConfusionMatrix.from_predictions
NAN, INF = math.nan, math.inf
CM3 = ConfusionMatrix([[5, 1, 0], [2, 8, 1], [0, 3, 3]])

# (id, exception, match, call)
API_CASES: list[tuple[str, type[Exception], str, Callable[[], object]]] = [
    (
        "label >= num_classes",
        confmat.LabelError,
        r"\[0, 3\), got 3",
        lambda: fp([0, 3], [0, 1], num_classes=3),
    ),
    (
        "negative label inferred",
        confmat.LabelError,
        "non-negative.*-1",
        lambda: fp([-1, 0], [0, 0]),
    ),
    (
        "negative label num_classes",
        confmat.LabelError,
        "negative label -1",
        lambda: fp([0, 1], [-1, 1], num_classes=2),
    ),
    (
        "label not a class value",
        confmat.LabelError,
        "label 5 .* not one of the classes",
        lambda: fp([5, 1], [1, 1], classes=[1, 2]),
    ),
    (
        "label not a class name",
        confmat.LabelError,
        "'z' .* not one of the classes",
        lambda: fp(["a", "z"], ["a", "a"], classes=["a", "b"]),
    ),
    (
        "index beyond class names",
        confmat.LabelError,
        r"\[0, 2\)",
        lambda: fp([0, 2], [0, 1], classes=["x", "y"]),
    ),
    (
        "binary scores, label 2",
        confmat.LabelError,
        r"\[0, 2\)",
        lambda: fp([0, 1, 2], [0.1, 0.2, 0.3]),
    ),
    ("strings vs numbers", confmat.LabelError, "both hold strings", lambda: fp(["a", "b"], [0, 1])),
    (
        "fractional float label",
        confmat.LabelError,
        "whole-number.*0.5",
        lambda: fp([0.5, 1.0], [0, 1]),
    ),
    # NaN in a label column is a missing value (core.missing), refused unless dropna=True
    (
        "NaN float label",
        confmat.LabelError,
        "missing value.*NaN.*index 0.*dropna=True",
        lambda: fp([NAN, 1.0], [0, 1]),
    ),
    (
        "missing label None",
        confmat.LabelError,
        "missing value.*None.*index 1",
        lambda: fp(["a", None], ["a", "a"]),
    ),
    (
        "NaN binary score",
        confmat.ScoreError,
        "finite scores.*sample 0",
        lambda: fp([0, 1], [NAN, 0.2]),
    ),
    (
        "inf multiclass score",
        confmat.ScoreError,
        "finite scores.*sample 1",
        lambda: fp([0, 1], [[0.2, 0.8], [INF, 0.0]]),
    ),
    ("inf logit", confmat.ScoreError, "finite", lambda: fp([0, 1], [-INF, 1.0], from_logits=True)),
    (
        "probability above 1",
        confmat.ScoreError,
        "probabilities in \\[0, 1\\].*1.5.*from_logits",
        lambda: fp([0, 1], [1.5, 0.2]),
    ),
    (
        "length mismatch",
        confmat.ShapeError,
        "y_true has 3, y_pred has 2",
        lambda: fp([0, 1, 1], [0, 1]),
    ),
    ("empty input", confmat.ShapeError, "no samples", lambda: fp([], [])),
    (
        "everything ignored",
        confmat.ShapeError,
        "every sample was ignored",
        lambda: fp([-1, -1], [0, 0], ignore_index=-1),
    ),
    (
        "2-D y_true",
        confmat.ShapeError,
        r"shape \(N,\), got shape \(2, 1\)",
        lambda: fp([[0], [1]], [0, 1]),
    ),
    ("3-D scores", confmat.ShapeError, r"shape \(N,\)", lambda: fp([0, 1], np.zeros((2, 2, 2)))),
    ("scalar y_true", confmat.ShapeError, "array of labels.*int", lambda: fp(5, [0])),
    ("None y_pred", confmat.ShapeError, "y_pred must be an array", lambda: fp([0], None)),
    ("complex dtype", confmat.ShapeError, "complex", lambda: fp(np.array([1j, 0]), [0, 1])),
    (
        "datetime dtype",
        confmat.ShapeError,
        "datetime64",
        lambda: fp(np.array(["2020-01-01"], dtype="datetime64[D]"), [0]),
    ),
    (
        "score columns vs num_classes",
        confmat.ShapeError,
        "3 score columns.*num_classes=2",
        lambda: fp([0, 1], np.eye(3)[:2], num_classes=2),
    ),
    (
        "score columns vs classes",
        confmat.ClassesError,
        "3 score columns.*2 classes",
        lambda: fp([0, 1], np.eye(3)[:2], classes=["a", "b"]),
    ),
    (
        "string truth, scores, no classes",
        confmat.ClassesError,
        "pass classes=",
        lambda: fp(["a", "b"], np.eye(3)[:2]),
    ),
    (
        "binary scores, 3 string classes",
        confmat.ClassesError,
        "binary scores need two classes",
        lambda: fp(["a", "b", "c"], [0.1, 0.5, 0.9]),
    ),
    (
        "duplicate classes",
        confmat.ClassesError,
        "unique.*'a'",
        lambda: fp(["a"], ["a"], classes=["a", "b", "a"]),
    ),
    (
        "duplicate once written as text",
        confmat.ClassesError,
        "unique.*'1'",
        lambda: fp([1], [1], classes=[1, "1"]),
    ),
    ("empty classes", confmat.ClassesError, "at least one class", lambda: fp([0], [0], classes=[])),
    (
        "classes as a string",
        confmat.ClassesError,
        "list of class names",
        lambda: fp(["a"], ["a"], classes="ab"),
    ),
    (
        "classes vs num_classes",
        confmat.ClassesError,
        "name 3 classes.*got 2",
        lambda: fp([0], [0], classes=[0, 1], num_classes=3),
    ),
    (
        "num_classes zero",
        confmat.ClassesError,
        "positive integer.*0",
        lambda: fp([0], [0], num_classes=0),
    ),
    (
        "num_classes float",
        confmat.ClassesError,
        "positive integer.*2.0",
        lambda: fp([0], [0], num_classes=2.0),
    ),
    (
        "positive not a class",
        confmat.ClassesError,
        "positive must be one of.*'z'",
        lambda: fp([0, 1], [0.2, 0.7], positive="z"),
    ),
    (
        "positive with 3 classes",
        confmat.ClassesError,
        "two classes",
        lambda: fp([0, 1, 2], [0, 1, 2], positive=1),
    ),
    (
        "threshold above 1",
        confmat.OptionError,
        r"threshold must be in \[0, 1\], got 1.5",
        lambda: fp([0, 1], [0.2, 0.7], threshold=1.5),
    ),
    (
        "threshold negative",
        confmat.OptionError,
        "threshold",
        lambda: fp([0, 1], [0.2, 0.7], threshold=-0.01),
    ),
    (
        "threshold NaN",
        confmat.OptionError,
        "threshold.*nan",
        lambda: fp([0, 1], [0.2, 0.7], threshold=NAN),
    ),
    (
        "threshold text",
        confmat.OptionError,
        "threshold must be a number.*'0.5'",
        lambda: fp([0, 1], [0.2, 0.7], threshold="0.5"),
    ),
    (
        "negative weight",
        confmat.WeightError,
        "non-negative.*-1.0 at index 1",
        lambda: fp([0, 1], [0, 1], sample_weight=[1.0, -1.0]),
    ),
    (
        "NaN weight",
        confmat.WeightError,
        "finite.*nan",
        lambda: fp([0, 1], [0, 1], sample_weight=[NAN, 1.0]),
    ),
    (
        "inf weight",
        confmat.WeightError,
        "finite.*inf",
        lambda: fp([0, 1], [0, 1], sample_weight=[INF, 1.0]),
    ),
    (
        "misaligned weights",
        confmat.WeightError,
        "y_true has 2, sample_weight has 3",
        lambda: fp([0, 1], [0, 1], sample_weight=[1, 1, 1]),
    ),
    (
        "2-D weights",
        confmat.WeightError,
        r"shape \(N,\)",
        lambda: fp([0, 1], [0, 1], sample_weight=[[1], [1]]),
    ),
    (
        "string weights",
        confmat.WeightError,
        "numbers",
        lambda: fp([0, 1], [0, 1], sample_weight=["a", "b"]),
    ),
    (
        "matrix not square",
        confmat.MatrixError,
        r"square.*\(2, 3\)",
        lambda: ConfusionMatrix([[1, 2, 3], [4, 5, 6]]),
    ),
    ("matrix 1-D", confmat.MatrixError, "square", lambda: ConfusionMatrix([1, 2])),
    ("matrix empty", confmat.MatrixError, r"\(0, 0\)", lambda: ConfusionMatrix(np.zeros((0, 0)))),
    (
        "matrix negative",
        confmat.MatrixError,
        "non-negative.*row 0, column 1",
        lambda: ConfusionMatrix([[1, -1], [0, 1]]),
    ),
    (
        "matrix NaN",
        confmat.MatrixError,
        "finite",
        lambda: ConfusionMatrix([[1.0, NAN], [0.0, 1.0]]),
    ),
    (
        "matrix strings",
        confmat.MatrixError,
        "numbers",
        lambda: ConfusionMatrix([["a", "b"], ["c", "d"]]),
    ),
    (
        "matrix classes count",
        confmat.ClassesError,
        "name 2 classes.*got 3",
        lambda: ConfusionMatrix([[1, 0], [0, 1]], ["a", "b", "c"]),
    ),
    (
        "zero_division 2",
        confmat.OptionError,
        "zero_division.*2",
        lambda: ConfusionMatrix([[1]], zero_division=2),
    ),
    (
        "zero_division text",
        confmat.OptionError,
        "zero_division.*'zero'",
        lambda: ConfusionMatrix([[1]], zero_division="zero"),
    ),
    ("normalize option", confmat.OptionError, "normalize.*'rows'", lambda: CM3.normalized("rows")),
    (
        "unknown statistic",
        confmat.OptionError,
        "unknown statistic 'accuracy_score'",
        lambda: CM3.per_class("accuracy_score"),
    ),
    (
        "average method",
        confmat.OptionError,
        "average must be.*'median'",
        lambda: CM3.average("f1", "median"),
    ),
    ("fbeta beta", confmat.OptionError, "beta must be a positive number", lambda: CM3.fbeta(-1.0)),
    ("binary_counts of 3 classes", confmat.ClassesError, "positive=", lambda: CM3.binary_counts()),
    (
        "binary_counts unknown class",
        confmat.ClassesError,
        "unknown class 'q'",
        lambda: CM3.binary_counts("q"),
    ),
    ("accuracy_ci level", confmat.OptionError, "level.*1.5", lambda: CM3.accuracy_ci(1.5)),
    (
        "merge different classes",
        confmat.MergeError,
        "same classes",
        lambda: CM3 + ConfusionMatrix(np.eye(3, dtype=int), ["a", "b", "c"]),
    ),
    (
        "merge different positive",
        confmat.MergeError,
        "one positive class",
        lambda: ConfusionMatrix([[1, 0], [0, 1]]) + ConfusionMatrix([[1, 0], [0, 1]], positive="0"),
    ),
    (
        "ignore_index text on numbers",
        confmat.OptionError,
        "ignore_index must be a number.*'x'",
        lambda: fp([0, 1], [0, 1], ignore_index="x"),
    ),
    (
        "num_classes with strings",
        confmat.ClassesError,
        "num_classes=3 applies to integer labels",
        lambda: fp(["a", "b"], ["a", "a"], num_classes=3),
    ),
]


@pytest.mark.parametrize(
    ("error", "match", "call"),
    [pytest.param(e, m, c, id=i) for i, e, m, c in API_CASES],
)
def test_python_api_rejects_bad_input(error: type[Exception], match: str, call) -> None:
    with pytest.raises(error, match=match) as caught:
        call()
    assert isinstance(caught.value, confmat.ConfmatError)
    assert isinstance(caught.value, ValueError)
    assert "\n" not in str(caught.value)


def test_the_battery_is_large_enough():
    assert len(API_CASES) >= 25
    assert len(CLI_CASES) >= 25


def test_bad_tensors_are_rejected_like_lists():
    with pytest.raises(confmat.LabelError, match="whole-number"):
        fp(torch.tensor([0.5, 1.0]), torch.tensor([0, 1]))
    with pytest.raises(confmat.ShapeError, match="real numbers"):
        fp(torch.tensor([1j, 0j]), torch.tensor([0, 1]))
    with pytest.raises(confmat.ScoreError, match="finite"):
        fp(torch.tensor([0, 1]), torch.tensor([float("nan"), 0.5], dtype=torch.float16))


def test_inputs_are_not_modified_by_a_failed_call():
    y_true = np.array([0, 1, 2])
    scores = np.array([0.2, 0.9, 0.4])
    with pytest.raises(confmat.LabelError):
        fp(y_true, scores)
    assert y_true.tolist() == [0, 1, 2]
    assert scores.tolist() == [0.2, 0.9, 0.4]


# -- the command line --------------------------------------------------------------------

GOOD_CSV = "y_true,y_pred\n0,1\n1,1\n"


def _npz(**arrays: np.ndarray) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        np.savez(path, **arrays)

    return write


def _parquet_garbage(path: Path) -> None:
    path.write_bytes(b"PAR1 this is not parquet")


# (id, input file name, its content (text, bytes, writer) or None, extra arguments, match)
CLI_CASES: list[tuple[str, str, object, list[str], str]] = [
    ("missing file", "absent.csv", None, [], "absent.csv: no such file"),
    ("unsupported extension", "p.xlsx", "x", [], "unsupported file type '.xlsx'"),
    ("no extension", "predictions", "x", [], "unsupported file type"),
    ("empty file", "p.csv", "", [], "could not read the csv data"),
    ("ragged csv", "p.csv", "y_true,y_pred\n0,1\n1\n", [], "could not read the csv data"),
    (
        "missing column",
        "p.csv",
        "a,b\n0,1\n",
        [],
        "no column 'y_true'; the columns are \\['a', 'b'\\]",
    ),
    ("missing --pred-col", "p.csv", GOOD_CSV, ["--pred-col", "guess"], "no column 'guess'"),
    (
        "empty cell",
        "p.csv",
        "y_true,y_pred\n0,1\n,1\n",
        [],
        "column 'y_true' has a missing value .* at data row 2; pass --dropna",
    ),
    (
        "NaN score",
        "p.csv",
        "y_true,p\n0,0.3\n1,nan\n",
        ["--pred-col", "p"],
        "column 'p' has a missing value .* data row 2",
    ),
    ("header only", "p.csv", "y_true,y_pred\n", [], "no samples"),
    (
        "duplicate column",
        "p.csv",
        "y_true,y_true,y_pred\n0,1,1\n",
        [],
        "column 'y_true' appears 2 times",
    ),
    ("not UTF-8", "p.csv", b"y_true,y_pred\n\xff\xfe,1\n", [], "not valid UTF-8"),
    ("negative label", "p.csv", "y_true,y_pred\n0,-1\n", [], "non-negative.*-1"),
    ("score above 1", "p.csv", "y_true,y_pred\n0,1.5\n1,0.2\n", [], "probabilities.*1.5"),
    ("bad tsv", "p.tsv", "y_true\ty_pred\n0\t1\t7\n", [], "could not read the tsv data"),
    ("bad jsonl", "p.jsonl", '{"y_true": 1, "y_pred": \n', [], "could not read the jsonl data"),
    (
        "nested jsonl",
        "p.jsonl",
        '{"y_true": 0, "y_pred": [1, 2]}\n',
        [],
        "holds lists.*pass --multilabel",
    ),
    (
        "struct jsonl",
        "p.jsonl",
        '{"y_true": 0, "y_pred": {"a": 1}}\n',
        [],
        "one label or score per row",
    ),
    (
        "mixed jsonl",
        "p.jsonl",
        '{"y_true": 0, "y_pred": 1}\n{"y_true": "a", "y_pred": 1}\n',
        [],
        "jsonl",
    ),
    ("bad npz", "p.npz", "not a zip", [], "not a readable .npz archive"),
    ("npz missing array", "p.npz", _npz(y_true=np.array([0, 1])), [], "no column 'y_pred'"),
    (
        "npz 2-D labels",
        "p.npz",
        _npz(y_true=np.zeros((2, 2), int), y_pred=np.zeros((2, 2), int)),
        [],
        r"shape \(N,\)",
    ),
    (
        "npz length mismatch",
        "p.npz",
        _npz(y_true=np.array([0, 1, 1]), y_pred=np.array([0, 1])),
        [],
        "y_true has 3, y_pred has 2",
    ),
    ("bad parquet", "p.parquet", _parquet_garbage, [], "could not read the parquet data"),
    (
        "threshold above 1",
        "p.csv",
        GOOD_CSV,
        ["--threshold", "2"],
        r"threshold must be in \[0, 1\]",
    ),
    (
        "threshold not a number",
        "p.csv",
        GOOD_CSV,
        ["--threshold", "abc"],
        "invalid float value: 'abc'",
    ),
    ("duplicate --classes", "p.csv", GOOD_CSV, ["--classes", "a,a"], "unique.*'a'"),
    (
        "label not in --classes",
        "p.csv",
        GOOD_CSV,
        ["--classes", "0,5"],
        "label 1 .* not one of the classes",
    ),
    (
        "string label not in --classes",
        "p.csv",
        "y_true,y_pred\ncat,dog\n",
        ["--classes", "cat"],
        "'dog' .* not one of the classes",
    ),
    (
        "missing --classes-file",
        "p.csv",
        GOOD_CSV,
        ["--classes-file", "nowhere.txt"],
        "no such classes file",
    ),
    (
        "--classes and --classes-file",
        "p.csv",
        GOOD_CSV,
        ["--classes", "0,1", "--classes-file", "c.txt"],
        "not allowed with",
    ),
    (
        "--positive not a class",
        "p.csv",
        GOOD_CSV,
        ["--positive", "7"],
        "positive must be one of.*'7'",
    ),
    ("--score-cols missing", "p.csv", GOOD_CSV, ["--score-cols", "y_pred,zz"], "no column 'zz'"),
    (
        "--score-cols text",
        "p.csv",
        "y_true,s\ncat,high\n",
        ["--score-cols", "s"],
        "score column 's' must hold numbers",
    ),
    ("unknown --format", "p.csv", GOOD_CSV, ["--format", "yaml"], "invalid choice: 'yaml'"),
    ("unknown option", "p.csv", GOOD_CSV, ["--bogus"], "unrecognized arguments: --bogus"),
    (
        "--output in a missing directory",
        "p.csv",
        GOOD_CSV,
        ["--output", "nowhere/r.txt"],
        "does not exist",
    ),
]

USAGE_CASES: list[tuple[str, list[str], str]] = [
    ("no command", [], "required: command"),
    ("unknown command", ["frobnicate"], "invalid choice: 'frobnicate'"),
    ("report without input", ["report"], "required: input"),
]


def _write_input(path: Path, content: object) -> None:
    if content is None:
        return
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        content(path)  # type: ignore[operator]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _assert_one_line_error(status: int, out: str, err: str, match: str) -> None:
    assert status == 2
    assert out == ""
    assert err.endswith("\n")
    assert err.count("\n") == 1, err
    assert err.startswith("confmat: error: ")
    assert "Traceback" not in err
    assert re.search(match, err), err


@pytest.mark.parametrize(
    ("name", "content", "extra", "match"),
    [pytest.param(n, c, e, m, id=i) for i, n, c, e, m in CLI_CASES],
)
def test_cli_bad_input_exits_2_with_one_line_and_writes_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: object,
    extra: list[str],
    match: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    _write_input(tmp_path / name, content)
    output = tmp_path / "report.txt"
    output.write_text("previous report\n")
    before = sorted(p.name for p in tmp_path.iterdir())
    has_output = "--output" in extra
    argv = ["report", name, *extra] + ([] if has_output else ["--output", str(output)])
    status, out, err = _run(argv, capsys)
    _assert_one_line_error(status, out, err, match)
    assert output.read_text() == "previous report\n"  # not clobbered
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no temporary file left


@pytest.mark.parametrize(("argv", "match"), [pytest.param(a, m, id=i) for i, a, m in USAGE_CASES])
def test_cli_usage_errors_exit_2(argv: list[str], match: str, capsys) -> None:
    status, out, err = _run(argv, capsys)
    _assert_one_line_error(status, out, err, match)


def test_cli_without_output_prints_nothing_on_stdout_on_error(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "p.csv"
    bad.write_text("y_true,y_pred\n0,1\n0,\n")
    status, out, err = _run(["report", str(bad)], capsys)
    _assert_one_line_error(status, out, err, str(bad).replace("\\", "\\\\"))


def test_cli_bad_stdin(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    import io

    class _Stdin:
        buffer = io.BytesIO(b"y_true,y_pred\n0,1\n1\n")

    monkeypatch.setattr(sys, "stdin", _Stdin())
    status, out, err = _run(["report", "-"], capsys)
    _assert_one_line_error(status, out, err, "<stdin>: could not read the csv data")


def test_cli_in_a_real_process_has_no_traceback(tmp_path: Path) -> None:
    source = tmp_path / "p.csv"
    source.write_text("y_true,y_pred\n0,1\n1,9.5\n")
    output = tmp_path / "out.json"
    output.write_text("keep me")
    result = subprocess.run(
        [sys.executable, "-m", "confmat", "report", str(source), "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr
    assert "y_pred must hold probabilities in [0, 1], got 9.5" in result.stderr
    assert output.read_text() == "keep me"
