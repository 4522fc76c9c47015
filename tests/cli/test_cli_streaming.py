"""``confmat report`` streamed: the same document and errors as the whole-file path.

Batches are made tiny (a few rows) so every file here is read in several batches and the
running table is merged several times.
"""

from __future__ import annotations

import collections
import gzip
import io as _io
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from confmat._internal.cli import streaming as cli_stream
from confmat._internal.cli.main import main
from confmat._internal.core import codes, pairs
from confmat._internal.io import batches as cli_batches
from files import write

pytestmark = pytest.mark.usefixtures("tiny_batches")  # tests/conftest.py


def outcome(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(["report", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def both(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The outcome of the streamed run, after checking the whole-file run gives the same."""
    streamed = outcome([*argv, "--stream"], capsys)
    whole = outcome([*argv, "--no-stream"], capsys)
    assert streamed == whole
    return streamed


N = 23
RNG = np.random.default_rng(5)
TRUE_WORDS = RNG.choice(["cat", "dog", "frog"], N).tolist()
PRED_WORDS = RNG.choice(["cat", "dog", "emu"], N).tolist()
GAPPY = RNG.choice([0, 3, 7, 9], N).tolist()
WIDE = RNG.choice([5, 4_000_000, 12], N).tolist()
BINARY = RNG.integers(0, 2, N).tolist()
SCORES = np.round(RNG.random(N), 3).tolist()
WEIGHTS = RNG.random(N).tolist()  # full-precision floats: their sums round in every order
LOGITS = np.round(RNG.normal(0, 2, N), 3).tolist()
SMALL = RNG.integers(0, 3, N).tolist()

CASES: dict[str, tuple[dict[str, list[Any]], list[str]]] = {
    "strings": ({"y_true": TRUE_WORDS, "y_pred": PRED_WORDS}, []),
    "integers, unseen values dropped": ({"y_true": GAPPY, "y_pred": GAPPY[::-1]}, []),
    "wide integer values": ({"y_true": WIDE, "y_pred": WIDE[1:] + WIDE[:1]}, []),
    "classes": ({"y_true": GAPPY, "y_pred": GAPPY[::-1]}, ["--classes", "9,7,3,0,1"]),
    "binary scores": ({"y_true": BINARY, "y_pred": SCORES}, []),
    "threshold": ({"y_true": BINARY, "y_pred": SCORES}, ["--threshold", "0.3"]),
    "score of a string class": (
        {"t": [["no", "yes"][b] for b in BINARY], "p": SCORES},
        ["--true-col", "t", "--pred-col", "p", "--score-of", "no", "--positive", "yes"],
    ),
    "float labels": ({"y_true": GAPPY, "y_pred": [float(x) for x in GAPPY[::-1]]}, []),
    "declared labels": (
        {"y_true": BINARY, "y_pred": [float(x) for x in BINARY[::-1]]},
        ["--pred-kind", "labels"],
    ),
    "score columns": (
        {
            "label": TRUE_WORDS,
            "cat": SCORES,
            "dog": SCORES[::-1],
            "frog": [round(1 - s, 3) for s in SCORES],
        },
        ["--true-col", "label", "--score-cols", "frog,cat,dog"],
    ),
    "bools": ({"y_true": [b == 1 for b in BINARY], "y_pred": [b == 0 for b in BINARY]}, []),
    "integer score column": (
        {"label": BINARY, "s": BINARY[::-1]},
        ["--true-col", "label", "--score-cols", "s", "--threshold", "0.5"],
    ),
    "one named score column": (
        {"label": BINARY, "s": SCORES},
        ["--true-col", "label", "--score-cols", "0=s"],
    ),
    # the options of the vocabulary, streamed as counted whole
    "num classes": ({"y_true": SMALL, "y_pred": SMALL[::-1]}, ["--num-classes", "5"]),
    "ignore index": ({"y_true": GAPPY, "y_pred": GAPPY[::-1]}, ["--ignore-index", "7"]),
    "ignore index, not a class": (
        {"y_true": GAPPY, "y_pred": [0 if x == 9 else x for x in GAPPY[::-1]]},
        ["--ignore-index", "9", "--classes", "7,3,0"],
    ),
    "ignore a text label": (
        {"y_true": TRUE_WORDS, "y_pred": PRED_WORDS},
        ["--ignore-index", "frog"],
    ),
    "ignore index of scores": (
        {"y_true": SMALL, "y_pred": SCORES},
        ["--ignore-index", "2", "--threshold", "0.4"],
    ),
    "weights": ({"y_true": TRUE_WORDS, "y_pred": PRED_WORDS, "w": WEIGHTS}, ["--weight-col", "w"]),
    "weights of integer labels": (
        {"y_true": WIDE, "y_pred": WIDE[1:] + WIDE[:1], "w": WEIGHTS},
        ["--weight-col", "w"],
    ),
    "weights of scores": (
        {"y_true": BINARY, "y_pred": SCORES, "w": WEIGHTS},
        ["--weight-col", "w", "--threshold", "0.3"],
    ),
    "weights of score columns": (
        {"t": BINARY, "a": SCORES, "b": SCORES[::-1], "w": WEIGHTS},
        ["--true-col", "t", "--score-cols", "1=a,0=b", "--weight-col", "w"],
    ),
    "weights, ignored": (
        {"y_true": GAPPY, "y_pred": GAPPY[::-1], "w": WEIGHTS},
        ["--weight-col", "w", "--ignore-index", "3"],
    ),
    "logits": (
        {"y_true": BINARY, "y_pred": LOGITS},
        ["--from-logits", "--threshold", "0.3"],
    ),
    "whole-number logits": (
        {"y_true": BINARY, "y_pred": [float(round(x)) for x in LOGITS]},
        ["--from-logits"],
    ),
    "zero division": (
        {"y_true": TRUE_WORDS, "y_pred": PRED_WORDS},
        ["--zero-division", "1"],
    ),
    "scored class is the positive one": (
        {"t": [["no", "yes"][b] for b in BINARY], "p": SCORES},
        ["--true-col", "t", "--pred-col", "p", "--score-of", "no"],
    ),
    "scored class of value classes": (
        {"y_true": BINARY, "y_pred": SCORES},
        ["--classes", "1,0", "--positive", "0"],
    ),
}


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".jsonl", ".parquet"])
@pytest.mark.parametrize("case", list(CASES))
def test_streamed_document_equals_the_whole_file_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str, case: str
) -> None:
    columns, options = CASES[case]
    path = write(tmp_path / f"p{suffix}", columns)
    status, out, err = both([str(path), *options, "--format", "json"], capsys)
    assert status == 0, err
    assert json.loads(out)["n"] == pytest.approx(_counted(columns, options))


def _counted(columns: dict[str, list[Any]], options: list[str]) -> float:
    """The samples (their total weight with --weight-col) a case counts."""
    true = columns.get("y_true", columns.get("label", columns.get("t")))
    weights = (
        columns[options[options.index("--weight-col") + 1]]
        if "--weight-col" in options
        else [1] * N
    )
    if "--ignore-index" in options:
        ignored = options[options.index("--ignore-index") + 1]
        weights = [w for w, t in zip(weights, true, strict=True) if str(t) != ignored]
    return float(sum(weights))


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_no_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str) -> None:
    path = write(tmp_path / f"p{suffix}", {"y_true": [], "y_pred": []})
    status, _, err = both([str(path)], capsys)
    assert status == 2
    assert err.count("\n") == 1


def test_compressed_text_streams(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plain = write(tmp_path / "p.csv", {"y_true": TRUE_WORDS, "y_pred": PRED_WORDS})
    packed = tmp_path / "p.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    expected = outcome([str(plain), "--format", "json", "--no-stream"], capsys)
    assert both([str(packed), "--format", "json"], capsys) == expected


LATE_GAP = "y_true,y_pred\n" + "".join(f"{i % 3},{i % 2}\n" for i in range(20)) + "1,\n2,1\n"


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_a_missing_cell_in_a_late_batch_names_its_data_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    path = _missing_late(tmp_path, suffix)
    status, out, err = both([str(path)], capsys)
    assert status == 2
    assert out == ""
    assert "column 'y_pred' has a missing value (None) at data row 21" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_dropna_counts_what_it_left_out_over_the_whole_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    path = _missing_late(tmp_path, suffix)
    status, _, err = both([str(path), "--dropna", "--format", "json"], capsys)
    assert status == 0
    assert "left out 1 of 22 rows" in err


def _missing_late(tmp_path: Path, suffix: str) -> Path:
    csv = tmp_path / "p.csv"
    csv.write_text(LATE_GAP)
    if suffix == ".csv":
        return csv
    import pyarrow.csv as pa_csv

    table = pa_csv.read_csv(csv)
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        pq.write_table(table, tmp_path / "p.parquet")
        return tmp_path / "p.parquet"
    rows = table.to_pylist()
    (tmp_path / "p.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return tmp_path / "p.jsonl"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--true-col", "label"], "no column 'label'; the columns are ['y_pred', 'y_true']"),
        (["--threshold", "0.5"], "--threshold needs binary scores, but the predictions"),
        (["--classes", "0,1"], "y_true holds label 2"),
    ],
    ids=["unknown column", "threshold on labels", "label outside classes"],
)
def test_errors_are_one_line_and_equal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], options: list[str], message: str
) -> None:
    path = tmp_path / "p.parquet"
    write(path, {"y_true": [i % 3 for i in range(10)], "y_pred": [i % 2 for i in range(10)]})
    status, _, err = both([str(path), *options], capsys)
    assert status == 2
    assert message in err
    assert err.startswith("confmat: error: ")
    assert err.count("\n") == 1


def test_a_column_whose_type_changes_after_the_first_block_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.csv"
    path.write_text("y_true,y_pred\n" + "1,2\n" * 40 + "cat,2\n")
    status, _, err = outcome([str(path), "--stream"], capsys)
    assert status == 2
    assert "take each column's type from their first block: --no-stream reads" in err
    assert outcome([str(path), "--no-stream"], capsys)[0] == 2  # numbers and text: refused too


def test_an_invalid_score_names_its_data_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.csv"
    path.write_text("y_true,y_pred\n" + "1,0.5\n" * 10 + "0,\n0,1.5\n")
    status, _, err = outcome([str(path), "--stream", "--dropna"], capsys)
    assert status == 2
    assert "y_pred must hold probabilities in [0, 1], got 1.5 at data row 12" in err


def parquet_parts(tmp_path: Path) -> tuple[Path, Path]:
    """Three Parquet files in a directory (one nested) and the same rows in one file."""
    columns = {"y_true": TRUE_WORDS, "y_pred": PRED_WORDS}
    whole = write(tmp_path / "whole.parquet", columns)
    parts = tmp_path / "parts"
    (parts / "b").mkdir(parents=True)
    for name, rows in (("a.parquet", slice(0, 8)), ("b/c.parquet", slice(8, 15))):
        write(parts / name, {k: v[rows] for k, v in columns.items()})
    write(parts / "d.parquet", {k: v[15:] for k, v in columns.items()})
    (parts / "_SUCCESS").write_text("")
    return whole, parts


@pytest.mark.parametrize("pattern", ["{parts}", "{parts}/**/*.parquet"])
def test_a_directory_or_glob_is_one_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pattern: str
) -> None:
    whole, parts = parquet_parts(tmp_path)
    expected = outcome([str(whole), "--format", "json", "--no-stream"], capsys)
    assert outcome([pattern.format(parts=parts), "--format", "json"], capsys) == expected


def test_a_directory_names_the_file_of_a_missing_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, parts = parquet_parts(tmp_path)
    write(parts / "e.parquet", {"y_true": ["cat", None], "y_pred": ["cat", "dog"]})
    status, _, err = outcome([str(parts)], capsys)
    assert status == 2
    assert f"{parts / 'e.parquet'}: column 'y_true' has a missing value (None) at data row 2" in err


def test_files_of_one_input_need_one_type_per_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, parts = parquet_parts(tmp_path)
    write(parts / "e.parquet", {"y_true": [1, 2], "y_pred": ["cat", "dog"]})
    status, _, err = outcome([str(parts)], capsys)
    assert status == 2
    assert "column 'y_true' holds int64, but" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["{parts}", "--no-stream"], "a directory or glob is always streamed"),
        (["{parts}", "--choose-threshold", "youden"], "--choose-threshold needs every score"),
        (["{parts}/nothing*.parquet"], "no Parquet files (*.parquet) found there"),
        (["{parts}/*"], "but a glob reads Parquet files (*.parquet) only"),
        (["-", "--stream"], "standard input' is read whole"),
    ],
    ids=["no-stream", "choose-threshold", "empty glob", "glob of other files", "stdin"],
)
def test_what_cannot_stream_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    _, parts = parquet_parts(tmp_path)
    status, _, err = outcome([a.format(parts=parts) for a in argv], capsys)
    assert status == 2
    assert message.replace("'", "") in err.replace("'", "")


def test_large_files_stream_unless_an_option_needs_every_score(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from confmat._internal.cli.parser import build_parser

    path = write(tmp_path / "p.csv", {"y_true": BINARY, "y_pred": SCORES})
    parse = build_parser().parse_args
    assert not cli_stream.streamed(parse(["report", str(path)]))
    monkeypatch.setattr(cli_batches, "STREAM_MIN_BYTES", 10)
    assert cli_stream.streamed(parse(["report", str(path)]))
    assert not cli_stream.streamed(parse(["report", str(path), "--choose-threshold", "f1"]))
    assert not cli_stream.streamed(parse(["report", str(path), "--no-stream"]))


class _Terminal(_io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("suffix", "unit"), [(".parquet", "rows"), (".csv", "B")])
def test_a_progress_bar_shows_on_a_terminal_only(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    suffix: str,
    unit: str,
) -> None:
    path = write(tmp_path / f"p{suffix}", {"y_true": TRUE_WORDS, "y_pred": PRED_WORDS})
    monkeypatch.setattr(cli_batches, "PROGRESS", None)
    assert outcome([str(path), "--stream"], capsys)[2] == ""  # not a terminal: nothing
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    assert main(["report", str(path), "--stream"]) == 0
    assert unit in terminal.getvalue()
    assert "100%" in terminal.getvalue()


# -- the pair tables ------------------------------------------------------------------------

labels = st.lists(st.tuples(st.integers(-3, 3), st.integers(0, 2**40)), min_size=1, max_size=60)


@settings(max_examples=60, deadline=None)
@given(rows=labels, cut=st.integers(0, 60), words=st.booleans())
def test_merged_batches_count_every_pair(
    rows: list[tuple[int, int]], cut: int, words: bool
) -> None:
    true = np.array([t for t, _ in rows])
    pred = np.array([p % 5 if words else p for _, p in rows])
    if words:
        true, pred = true.astype(str), pred.astype(str)
    table = pairs.merge(
        [pairs.group_pairs(true[:cut], pred[:cut]), pairs.group_pairs(true[cut:], pred[cut:])]
    )
    expected = collections.Counter(zip(true.tolist(), pred.tolist(), strict=True))
    found = dict(
        zip(
            zip(table.true.tolist(), table.pred.tolist(), strict=True),
            table.count.tolist(),
            strict=True,
        )
    )
    assert found == dict(expected)
    assert table.count.dtype == np.int64
    assert list(found) == sorted(found)


floats = st.lists(
    st.sampled_from([0.0, 1.0, 2.0, -1.0, 0.5, float("inf"), float("nan"), 7.0]), min_size=1
)


@settings(max_examples=100, deadline=None)
@given(values=floats, cut=st.integers(0, 20))
def test_witnesses_of_batches_decide_as_the_whole_column(values: list[float], cut: int) -> None:
    whole = np.array(values)
    witnesses = np.concatenate(
        [pairs.kind_witnesses(whole[:cut]), pairs.kind_witnesses(whole[cut:])]
    )
    assert codes.prediction_kind(torch.from_numpy(witnesses), None, False) == codes.prediction_kind(
        torch.from_numpy(whole), None, False
    )


@pytest.mark.slow
def test_the_progress_bar_on_a_pseudo_terminal(tmp_path: Path) -> None:
    """A real terminal on standard error (a pty): the bar shows there, the report on stdout."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import sys
    import termios

    path = write(tmp_path / "p.parquet", {"y_true": TRUE_WORDS, "y_pred": PRED_WORDS})
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 100 columns
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    command = [sys.executable, "-m", "confmat", "report", str(path), "--stream", "--format", "json"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=follower, env=env) as process:
        os.close(follower)
        out, _ = process.communicate(timeout=120)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the terminal closed with the process
            break
        if not chunk:
            break
        shown += chunk
    os.close(leader)
    assert process.returncode == 0
    assert json.loads(out)["n"] == N
    assert b"100%" in shown
    assert b"rows" in shown
