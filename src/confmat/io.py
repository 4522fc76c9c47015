"""Reading prediction files and writing reports atomically.

Supported inputs: ``.csv``, ``.tsv``, ``.jsonl``, ``.parquet`` (through pyarrow) and ``.npz``
(numpy); ``-`` reads CSV from standard input. Problems raise
:class:`~confmat.exceptions.InputFileError` naming the file, and the column or line where known.
"""

from __future__ import annotations

import io as _io
import os
import stat
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from confmat.exceptions import InputFileError, one_line

SUFFIXES = (".csv", ".tsv", ".jsonl", ".parquet", ".npz")

Table = dict[str, np.ndarray]
"""Columns by name, each a 1-D numpy array."""


def read_table(source: str | Path) -> Table:
    r"""Read a predictions file into columns; ``"-"`` reads CSV from standard input.

    Examples:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "p.csv"
        >>> _ = path.write_text("y_true,y_pred\ncat,dog\ndog,dog\n")
        >>> read_table(path)["y_pred"].tolist()
        ['dog', 'dog']
    """
    name = str(source)
    if name == "-":
        return _read_arrow(_io.BytesIO(sys.stdin.buffer.read()), "<stdin>", "csv")
    path = Path(source)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputFileError(f"{name}: unsupported file type {suffix!r}; use one of {SUFFIXES}")
    if not path.is_file():
        raise InputFileError(f"{name}: no such file")
    if suffix == ".npz":
        return _read_npz(path)
    return _read_arrow(path, name, suffix[1:])


def column(table: Table, name: str, source: str) -> np.ndarray:
    """The column ``name`` of a table, or an error listing the columns there are."""
    if name not in table:
        raise InputFileError(f"{source}: no column {name!r}; the columns are {sorted(table)}")
    return table[name]


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write a whole file or nothing: a temporary file beside it, then an atomic rename."""
    target = Path(path)
    if target.is_dir():
        raise InputFileError(f"{target}: is a directory, not a file")
    if not target.parent.is_dir():
        raise InputFileError(f"{target}: the directory {str(target.parent)!r} does not exist")
    payload = data if isinstance(data, bytes) else data.encode("utf-8")
    handle, temporary = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
        os.chmod(temporary, _file_mode(target))  # mkstemp makes 0600: keep the usual permissions
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _file_mode(target: Path) -> int:
    """The permissions of the written file: the replaced file's, else 0o666 less the umask."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def _read_npz(path: Path) -> Table:
    if not zipfile.is_zipfile(path):
        raise InputFileError(f"{path}: not a readable .npz archive (not a zip file)")
    try:
        with np.load(path, allow_pickle=False) as archive:
            table = {key: archive[key] for key in archive.files}
    except (OSError, ValueError, EOFError) as error:
        raise InputFileError(f"{path}: not a readable .npz archive ({one_line(error)})") from None
    return table


def _read_arrow(source: Any, name: str, kind: str) -> Table:
    try:
        import pyarrow as pa
        import pyarrow.csv as pa_csv
        import pyarrow.json as pa_json
        import pyarrow.parquet as pa_parquet
    except ImportError:
        raise InputFileError(
            f"{name}: reading .{kind} files needs pyarrow: pip install 'confmat[cli]'"
        ) from None
    try:
        if kind in ("csv", "tsv"):
            delimiter = "\t" if kind == "tsv" else ","
            table = pa_csv.read_csv(source, parse_options=pa_csv.ParseOptions(delimiter=delimiter))
        elif kind == "jsonl":
            table = pa_json.read_json(source)
        else:
            table = pa_parquet.read_table(source)
    except (pa.ArrowException, OSError, ValueError) as error:
        raise InputFileError(
            f"{name}: could not read the {kind} data ({one_line(error)})"
        ) from None
    names = table.column_names
    for field in names:
        if names.count(field) > 1:
            raise InputFileError(f"{name}: column {field!r} appears {names.count(field)} times")
    return {
        field: _to_numpy(table.column(field), name, field, kind) for field in table.column_names
    }


def _to_numpy(chunked: Any, name: str, field: str, kind: str) -> np.ndarray:
    import pyarrow.types as pa_types

    if chunked.null_count:
        first = int(np.flatnonzero(chunked.is_null().to_numpy(zero_copy_only=False))[0])
        where = f"line {first + 2}" if kind in ("csv", "tsv") else f"row {first + 1}"
        raise InputFileError(
            f"{name}: column {field!r} has a missing value (empty, NA or NaN) at {where}"
        )
    kind_of = chunked.type
    if pa_types.is_binary(kind_of) or pa_types.is_large_binary(kind_of):
        raise InputFileError(f"{name}: column {field!r} is not valid UTF-8 text")
    if not (
        pa_types.is_integer(kind_of)
        or pa_types.is_floating(kind_of)
        or pa_types.is_boolean(kind_of)
        or pa_types.is_string(kind_of)
        or pa_types.is_large_string(kind_of)
        or pa_types.is_dictionary(kind_of)
        or pa_types.is_null(kind_of)  # no rows at all (nulls were refused above)
    ):
        raise InputFileError(
            f"{name}: column {field!r} must hold one label or score per row, got {kind_of}"
        )
    values: np.ndarray = chunked.to_numpy()
    if values.dtype.kind == "O":
        values = values.astype(str)
    return values
