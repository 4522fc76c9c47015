"""Reading prediction files (every format) and writing reports atomically."""

from __future__ import annotations

import io as _io
import os
import sys
from pathlib import Path

import numpy as np
import pytest

from confmat import InputFileError
from confmat._internal.io import reading as io
from confmat._internal.io import writing as output
from files import write

COLUMNS = {"y_true": ["cat", "dog", "dog"], "y_pred": ["cat", "cat", "dog"], "n": [1, 2, 3]}


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".jsonl", ".parquet", ".npz"])
def test_every_format_reads_the_same_columns(tmp_path: Path, suffix: str):
    table = io.read_table(write(tmp_path / f"p{suffix}", COLUMNS))
    assert set(table) == set(COLUMNS)
    assert table["y_true"].tolist() == COLUMNS["y_true"]
    assert table["y_pred"].tolist() == COLUMNS["y_pred"]
    assert table["n"].tolist() == [1, 2, 3]
    assert table["n"].dtype.kind in "iu"
    assert table["y_true"].dtype.kind == "U"


def test_upper_case_extension_and_str_path(tmp_path: Path):
    path = write(tmp_path / "p.csv", COLUMNS)
    upper = path.rename(tmp_path / "P.CSV")
    assert io.read_table(str(upper))["y_true"].tolist() == COLUMNS["y_true"]


def test_stdin_is_csv(monkeypatch: pytest.MonkeyPatch):
    class _Stdin:
        buffer = _io.BytesIO(b"y_true,y_pred\n1,0\n0,0\n")

    monkeypatch.setattr(sys, "stdin", _Stdin())
    table = io.read_table("-")
    assert table["y_true"].tolist() == [1, 0]


def test_floats_and_bools_keep_their_kind(tmp_path: Path):
    path = tmp_path / "p.csv"
    path.write_text("y_true,score,flag\n1,0.25,true\n0,0.75,false\n")
    table = io.read_table(path)
    assert table["score"].dtype.kind == "f"
    assert table["flag"].dtype.kind == "b"
    assert table["flag"].tolist() == [True, False]


def test_quoted_csv_fields_with_commas(tmp_path: Path):
    path = tmp_path / "p.csv"
    path.write_text('y_true,y_pred\n"a, b",c\n')
    assert io.read_table(path)["y_true"].tolist() == ["a, b"]


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        pytest.param("p.txt", b"x", "unsupported file type '.txt'", id="extension"),
        pytest.param("p.csv", None, "no such file", id="missing"),
        pytest.param("p.csv", b"a,b\n1,2,3\n", "could not read the csv data", id="ragged"),
        pytest.param("p.csv", b"a,a\n1,2\n", "column 'a' appears 2 times", id="duplicate"),
        pytest.param("p.csv", b"a\n\xff\n", "not valid UTF-8", id="encoding"),
        pytest.param("p.jsonl", b'{"a": {"b": 1}}\n', "one label or score per row", id="nested"),
        pytest.param("p.npz", b"PK not really", "not a readable .npz", id="npz"),
        pytest.param("p.parquet", b"PAR1", "could not read the parquet data", id="parquet"),
    ],
)
def test_bad_files(tmp_path: Path, name: str, content: bytes | None, match: str):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputFileError, match=match) as caught:
        io.read_table(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("p.csv", b"a,b\n1,x\n,NA\n3,nan\n"),
        ("p.jsonl", b'{"a": 1, "b": "x"}\n{"a": null, "b": null}\n{"a": 3, "b": null}\n'),
    ],
)
def test_missing_cells_are_none_in_object_columns(tmp_path: Path, name: str, content: bytes):
    # the readers only mark missing cells; core.missing decides (refuse, or --dropna)
    path = tmp_path / name
    path.write_bytes(content)
    table = io.read_table(path)
    assert table["a"].tolist() == [1, None, 3]
    assert table["b"].tolist() == ["x", None, None]


def test_npz_with_objects_is_refused(tmp_path: Path):
    path = tmp_path / "p.npz"
    np.savez(path, y_true=np.array([{"a": 1}], dtype=object))
    with pytest.raises(InputFileError, match=r"not a readable \.npz archive"):
        io.read_table(path)


def test_column_lists_the_columns_there_are():
    with pytest.raises(InputFileError, match=r"src: no column 'label'; the columns are \['a'\]"):
        io.column({"a": np.zeros(1)}, "label", "src")


def test_write_atomic_replaces_an_existing_file(tmp_path: Path):
    target = tmp_path / "report.json"
    target.write_text("old")
    output.write_atomic(target, "new\n")
    assert target.read_text() == "new\n"
    output.write_atomic(target, b"bytes")
    assert target.read_bytes() == b"bytes"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_write_atomic_leaves_the_old_file_when_the_rename_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    target = tmp_path / "report.json"
    target.write_text("old")

    def failing_replace(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="disk full"):
        output.write_atomic(target, "new")
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_write_atomic_refuses_directories(tmp_path: Path):
    with pytest.raises(InputFileError, match="is a directory"):
        output.write_atomic(tmp_path, "x")
    with pytest.raises(InputFileError, match="does not exist"):
        output.write_atomic(tmp_path / "missing" / "r.txt", "x")


def test_write_atomic_gives_the_usual_permissions(tmp_path: Path):
    import os
    import stat

    umask = os.umask(0o022)
    try:
        output.write_atomic(tmp_path / "new.txt", "x")
        assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o644
        existing = tmp_path / "private.txt"
        existing.write_text("old")
        existing.chmod(0o600)
        output.write_atomic(existing, "new")
        assert stat.S_IMODE(existing.stat().st_mode) == 0o600
    finally:
        os.umask(umask)


def test_list_columns_read_as_python_lists(tmp_path: Path) -> None:
    path = tmp_path / "lists.jsonl"
    path.write_text('{"a": ["x", "y"]}\n{"a": []}\n{"a": null}\n', encoding="utf-8")
    assert io.read_table(path)["a"].tolist() == [["x", "y"], [], None]


@pytest.mark.parametrize("dtype", ["int8", "uint16", "int32", "int64", "float32", "float64"])
def test_numbers_read_from_buffers_equal_pyarrows_conversion(dtype: str) -> None:
    import pyarrow as pa

    whole = pa.array(np.arange(-3, 9).astype(dtype))
    for chunked in (
        pa.chunked_array([whole]),
        pa.chunked_array([whole.slice(2, 5), whole.slice(0, 3)]),  # offsets and two chunks
        pa.chunked_array([], type=whole.type),
    ):
        ours = io._to_numpy(chunked, "f.parquet", "y", "parquet")
        assert ours.dtype == chunked.to_numpy().dtype
        assert ours.tolist() == chunked.to_numpy().tolist()
