"""``confmat report`` as a user calls it: what its input columns mean, and hostile inputs."""

from __future__ import annotations

import gzip
import io as _io
import json
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from confmat._internal.cli.main import main
from confmat._internal.io import reading as io
from files import write

DISEASE = {
    "y_true": ["disease", "healthy", "disease", "healthy", "disease", "healthy"],
    "score": [0.9, 0.2, 0.8, 0.3, 0.4, 0.6],  # P(disease)
}


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def report(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[dict[str, Any], str]:
    status, out, err = run(["report", *argv, "--format", "json"], capsys)
    assert status == 0, err
    return json.loads(out), err


def error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    status, out, err = run(["report", *argv], capsys)
    assert (status, out, err.count("\n")) == (2, "", 1), err
    assert err.startswith("confmat: error: ")
    return err


# -- which class one score column describes ----------------------------------------------------


def test_string_labels_with_one_score_column_need_score_of(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "d.csv", DISEASE)
    for extra in ([], ["--positive", "disease"], ["--choose-threshold", "youden"]):
        err = error([str(path), "--pred-col", "score", *extra], capsys)
        assert "--score-of" in err
    document, _ = report([str(path), "--pred-col", "score", "--score-of", "disease"], capsys)
    assert document["overall"]["accuracy"] == pytest.approx(4 / 6)
    assert document["matrix"] == [[2, 1], [1, 2]]  # disease: 0.9, 0.8 yes, 0.4 no
    reported, _ = report(
        [str(path), "--pred-col", "score", "--score-of", "disease", "--positive", "disease"],
        capsys,
    )
    assert reported["matrix"] == document["matrix"]
    assert reported["positive_class"] == "disease"


def test_choose_threshold_follows_the_scored_class(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "d.csv", DISEASE)
    argv = [str(path), "--pred-col", "score", "--score-of", "disease", "--choose-threshold"]
    document, err = report([*argv, "youden"], capsys)
    assert "for class 'disease'" in err
    assert "threshold 0.8 chosen" in err  # disease 0.9, 0.8 above every healthy score but 0.6
    assert document["matrix"] == [[2, 1], [0, 3]]


def test_positive_0_with_integer_labels_only_names_the_binary_block(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "p.csv", {"y_true": [0, 1, 1, 0], "y_pred": [0.2, 0.9, 0.4, 0.7]})
    one, _ = report([str(path)], capsys)
    zero, _ = report([str(path), "--positive", "0"], capsys)
    assert one["matrix"] == zero["matrix"] == [[1, 1], [1, 1]]
    assert zero["positive_class"] == "0"


# -- missing cells, one rule for every format ---------------------------------------------------

MISSING_TRUE = {"y_true": ["cat", None, "dog", "dog"], "y_pred": ["cat", "dog", "dog", "cat"]}


def _write_missing(path: Path) -> Path:
    if path.suffix in (".csv", ".tsv"):
        sep = "," if path.suffix == ".csv" else "\t"
        path.write_text(f"y_true{sep}y_pred\ncat{sep}cat\nNA{sep}dog\ndog{sep}dog\ndog{sep}cat\n")
        return path
    if path.suffix == ".npz":  # numbers: NaN is the missing label
        np.savez(path, y_true=np.array([0.0, np.nan, 1.0, 1.0]), y_pred=np.array([0, 1, 1, 0]))
        return path
    return write(path, MISSING_TRUE)


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".jsonl", ".parquet", ".npz"])
def test_missing_labels_are_refused_naming_the_data_row(
    tmp_path: Path, suffix: str, capsys
) -> None:
    path = _write_missing(tmp_path / f"p{suffix}")
    err = error([str(path)], capsys)
    assert "column 'y_true' has a missing value" in err
    assert "data row 2; pass --dropna" in err


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".jsonl", ".parquet", ".npz"])
def test_dropna_drops_them_and_says_so(tmp_path: Path, suffix: str, capsys) -> None:
    path = _write_missing(tmp_path / f"p{suffix}")
    document, err = report([str(path), "--dropna"], capsys)
    assert err == f"confmat: {path}: left out 1 of 4 rows with a missing value (--dropna)\n"
    assert document["n"] == 3
    assert document["matrix"] == [[1, 0], [1, 1]]


def test_empty_nan_and_na_cells_never_become_classes(tmp_path: Path, capsys) -> None:
    path = tmp_path / "p.csv"
    path.write_text("y_true,y_pred\ncat,cat\n,cat\nnan,dog\nNA,cat\ndog,dog\n")
    document, err = report([str(path), "--dropna"], capsys)
    assert document["classes"] == ["cat", "dog"]
    assert "left out 3 of 5 rows" in err


# -- float label columns ------------------------------------------------------------------------


def test_float_label_columns(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "p.csv", {"y_true": [0, 1, 2, 2], "y_pred": [0.0, 1.0, 2.0, 1.0]})
    document, _ = report([str(path)], capsys)
    assert document["classes"] == ["0", "1", "2"]
    assert document["matrix"] == [[1, 0, 0], [0, 1, 0], [0, 1, 1]]
    err = error([str(path), "--threshold", "0.3"], capsys)
    assert "--threshold needs binary scores" in err


def test_zero_one_float_labels_with_positive_0(tmp_path: Path, capsys) -> None:
    path = tmp_path / "p.csv"
    path.write_text("y_true,y_pred\n0,0.0\n1,1.0\n1,0.0\n0,1.0\n0,0.0\n")
    expected = [[2, 1], [1, 1]]
    for extra in ([], ["--positive", "0"], ["--pred-kind", "labels", "--positive", "0"]):
        document, _ = report([str(path), *extra], capsys)
        assert document["matrix"] == expected
    err = error([str(path), "--pred-kind", "labels", "--threshold", "0.5"], capsys)
    assert "--threshold needs binary scores" in err


# -- --classes and --score-cols: by value and by name, never by position --------------------------


def test_score_columns_are_matched_to_classes_by_name(tmp_path: Path, capsys) -> None:
    data = {"y_true": ["cat", "dog", "dog"], "cat": [0.9, 0.2, 0.1], "dog": [0.1, 0.8, 0.9]}
    path = write(tmp_path / "p.csv", data)
    document, _ = report([str(path), "--score-cols", "cat,dog", "--classes", "dog,cat"], capsys)
    assert document["classes"] == ["dog", "cat"]
    assert document["overall"]["accuracy"] == 1.0
    err = error([str(path), "--score-cols", "cat,dog", "--classes", "dog,frog"], capsys)
    assert "matched to classes by name" in err
    named = [str(path), "--score-cols", "dog=dog,cat=cat", "--classes", "cat,dog"]
    assert report(named, capsys)[0]["overall"]["accuracy"] == 1.0


def test_score_columns_of_integer_labels_name_their_classes(tmp_path: Path, capsys) -> None:
    data = {"y_true": [1, 0, 0], "p0": [0.1, 0.8, 0.7], "p1": [0.9, 0.2, 0.3]}
    path = write(tmp_path / "p.csv", data)
    err = error([str(path), "--score-cols", "p0,p1"], capsys)
    assert "'p0' is not a label value" in err
    document, _ = report([str(path), "--score-cols", "1=p1,0=p0"], capsys)
    assert document["classes"] == ["1", "0"]
    assert document["overall"]["accuracy"] == 1.0


@pytest.mark.parametrize("y_true", [[0, 1, 1], [0.0, 1.0, 1.0]])
@pytest.mark.parametrize("classes", ["1,0", "1.0,0.0", "1, 0.0"])
def test_classes_are_values_whatever_their_spelling(
    tmp_path: Path, capsys, y_true: list[Any], classes: str
) -> None:
    path = write(tmp_path / "p.csv", {"y_true": y_true, "y_pred": [0, 1, 0]})
    document, _ = report([str(path), "--classes", classes], capsys)
    assert document["classes"] == ["1", "0"]
    assert document["matrix"] == [[1, 1], [0, 1]]  # row 0: label 1


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        (["--classes", "0,1,"], "blank name at position 3"),
        (["--classes", "0,,1"], "blank name at position 2"),
        (["--classes", "cat,dog"], "'cat' is not a label value"),
        (["--classes", "99999999999999999999,0"], "int64 range"),
        (["--score-cols", ","], "blank name at position 1"),
        (["--score-cols", "=y_pred"], "needs CLASS=COLUMN"),
    ],
)
def test_bad_class_and_column_lists(tmp_path: Path, capsys, extra: list[str], match: str) -> None:
    path = write(tmp_path / "p.csv", {"y_true": [0, 1], "y_pred": [0, 1]})
    assert match in error([str(path), *extra], capsys)


def test_a_latin_1_classes_file_is_a_clear_error(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "p.csv", {"y_true": ["café", "thé"], "y_pred": ["café", "thé"]})
    classes = tmp_path / "classes.txt"
    classes.write_bytes("café\nthé\n".encode("latin-1"))
    err = error([str(path), "--classes-file", str(classes)], capsys)
    assert "not UTF-8 text (byte 0xe9 at offset 3): save the classes file as UTF-8" in err
    classes.write_text("thé\n\ncafé\n", encoding="utf-8")
    document, _ = report([str(path), "--classes-file", str(classes)], capsys)
    assert document["classes"] == ["thé", "café"]


# -- hostile files and streams --------------------------------------------------------------------


def _npz_member(archive: zipfile.ZipFile, name: str, header: dict[str, Any], body: bytes) -> None:
    buffer = _io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, header)
    archive.writestr(name, buffer.getvalue() + body, compress_type=zipfile.ZIP_DEFLATED)


def test_an_npz_header_claiming_2_to_the_40_values_is_refused(tmp_path: Path, capsys) -> None:
    path = tmp_path / "p.npz"
    with zipfile.ZipFile(path, "w") as archive:
        _npz_member(
            archive,
            "y_true.npy",
            {"descr": "<i8", "fortran_order": False, "shape": (2,)},
            np.array([0, 1]).tobytes(),
        )
        _npz_member(
            archive,
            "y_pred.npy",
            {"descr": "|i1", "fortran_order": False, "shape": (2**40,)},
            b"\0" * 16,
        )
    err = error([str(path)], capsys)
    assert "y_pred.npy's header claims 1099511627776 values" in err


def test_a_zip_bomb_is_refused_before_it_is_inflated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    path = tmp_path / "bomb.npz"
    with zipfile.ZipFile(path, "w") as archive:
        size = 1 << 24  # 16 MiB of zeros deflate to ~16 KiB
        header = {"descr": "|i1", "fortran_order": False, "shape": (size,)}
        _npz_member(archive, "y_pred.npy", header, bytes(size))
    assert path.stat().st_size < 100_000
    monkeypatch.setattr(io, "INPUT_LIMIT_BYTES", 1 << 20)
    err = error([str(path)], capsys)
    assert "declare 16777344 bytes, more than the 1048576 read" in err


def test_standard_input_of_nul_bytes_is_refused_at_once() -> None:
    with open("/dev/zero", "rb") as zeros:
        result = subprocess.run(
            [sys.executable, "-m", "confmat", "report", "-"],
            stdin=zeros,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 2
    assert result.stderr == "confmat: error: <stdin>: holds NUL bytes, so it is not csv text\n"


def test_standard_input_is_bounded(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    class _Stdin:
        buffer = _io.BytesIO(b"y_true,y_pred\n" + b"0,1\n" * 1000)

    monkeypatch.setattr(sys, "stdin", _Stdin())
    monkeypatch.setattr(io, "INPUT_LIMIT_BYTES", 1000)
    assert "more than 1000 bytes" in error(["-"], capsys)


# -- compressed inputs and --input-format ---------------------------------------------------------

ROWS = b"y_true,y_pred\ncat,cat\ndog,cat\ndog,dog\n"


def _compress(data: bytes, codec: str) -> bytes:
    import pyarrow as pa

    sink = pa.BufferOutputStream()
    with pa.CompressedOutputStream(sink, codec) as out:
        out.write(data)
    return bytes(sink.getvalue().to_pybytes())


@pytest.mark.parametrize(
    ("name", "codec"),
    [
        ("p.csv.gz", "gzip"),
        ("p.tsv.gz", "gzip"),
        ("p.jsonl.gz", "gzip"),
        ("p.csv.zst", "zstd"),
        ("p.csv.bz2", "bz2"),
        ("p.csv.lz4", "lz4"),
    ],
)
def test_compressed_inputs(tmp_path: Path, capsys, name: str, codec: str) -> None:
    data = ROWS
    if ".tsv" in name:
        data = data.replace(b",", b"\t")
    if ".jsonl" in name:
        data = b'{"y_true": "cat", "y_pred": "cat"}\n{"y_true": "dog", "y_pred": "cat"}\n'
        data += b'{"y_true": "dog", "y_pred": "dog"}\n'
    path = tmp_path / name
    path.write_bytes(_compress(data, codec))
    document, _ = report([str(path)], capsys)
    assert document["matrix"] == [[1, 0], [1, 1]]


def test_input_format_for_standard_input_and_odd_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    odd = tmp_path / "predictions.txt"
    odd.write_bytes(gzip.compress(ROWS.replace(b",", b"\t")))
    document, _ = report([str(odd), "--input-format", "tsv"], capsys)
    assert document["matrix"] == [[1, 0], [1, 1]]

    class _Stdin:
        buffer = _io.BytesIO(
            gzip.compress(b'{"y_true": 1, "y_pred": 1}\n{"y_true": 0, "y_pred": 1}\n')
        )

    monkeypatch.setattr(sys, "stdin", _Stdin())
    document, _ = report(["-", "--input-format", "jsonl"], capsys)
    assert document["matrix"] == [[0, 1], [0, 1]]
    err = error([str(tmp_path / "p.csv.gz.zip")], capsys)
    assert "--input-format" in err


def test_compare_takes_score_of_too(tmp_path: Path, capsys) -> None:
    data = {**DISEASE, "other": [0.6, 0.1, 0.9, 0.2, 0.7, 0.3]}
    path = write(tmp_path / "d.csv", data)
    argv = ["compare", str(path), "--pred-col-a", "score", "--pred-col-b", "other"]
    status, _, err = run(argv, capsys)
    assert status == 2
    assert "--score-of" in err
    status, out, err = run([*argv, "--score-of", "disease", "--format", "json"], capsys)
    assert status == 0, err
    assert json.loads(out)["differences"]["accuracy"]["a"] == pytest.approx(4 / 6)


@pytest.mark.parametrize("fmt", ["parquet", "npz"])
def test_binary_formats_on_standard_input_check_their_signature_first(fmt: str) -> None:
    with open("/dev/zero", "rb") as zeros:
        result = subprocess.run(
            [sys.executable, "-m", "confmat", "report", "-", "--input-format", fmt],
            stdin=zeros,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert result.returncode == 2
    assert f"<stdin>: does not start like {fmt} data" in result.stderr


def test_parquet_and_npz_on_standard_input(tmp_path: Path, monkeypatch, capsys) -> None:
    for suffix in (".parquet", ".npz"):
        path = write(tmp_path / f"p{suffix}", {"y_true": [0, 1, 1], "y_pred": [0, 1, 0]})

        class _Stdin:
            buffer = _io.BytesIO(path.read_bytes())

        monkeypatch.setattr(sys, "stdin", _Stdin())
        document, _ = report(["-", "--input-format", suffix[1:]], capsys)
        assert document["matrix"] == [[1, 0], [1, 1]]


def test_positive_and_score_of_follow_the_classes_rule(tmp_path: Path, capsys) -> None:
    path = write(tmp_path / "p.csv", {"y_true": [0, 1, 1, 0], "y_pred": [0.2, 0.9, 0.4, 0.7]})
    document, _ = report([str(path), "--positive", "0.0", "--score-of", "1.0"], capsys)
    assert document["positive_class"] == "0"
    assert document["matrix"] == [[1, 1], [1, 1]]
    flags = tmp_path / "f.jsonl"
    flags.write_text('{"y_true": true, "y_pred": 0.9}\n{"y_true": false, "y_pred": 0.3}\n')
    for name in ("true", "1", "True"):
        document, _ = report([str(flags), "--score-of", name, "--positive", "false"], capsys)
        assert document["classes"] == ["False", "True"]
        assert document["positive_class"] == "False"
        assert document["overall"]["accuracy"] == 1.0
    document, _ = report([str(flags), "--classes", "true,0"], capsys)
    assert document["classes"] == ["True", "False"]
