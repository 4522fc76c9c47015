"""Reading prediction files, and writing reports and figures safely (whole or not at all).

Supported inputs: ``.csv``, ``.tsv``, ``.jsonl``, ``.parquet`` (through pyarrow) and ``.npz``
(numpy); ``-`` reads CSV from standard input. Problems raise
:class:`~confmat.exceptions.InputFileError` naming the file, and the column or line where known.
"""

from __future__ import annotations

import contextlib
import io as _io
import os
import signal
import stat
import sys
import tempfile
import threading
import zipfile
from collections.abc import Iterator, Sequence
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


def check_outputs(paths: Sequence[str | Path], inputs: Sequence[str | Path] = ()) -> None:
    """Refuse, before anything is written, outputs that cannot or must not be written.

    Each output must not be a directory, nor one of ``inputs`` (the same file, also through a
    symbolic or hard link), nor a read-only file (it is refused, not replaced); a new file needs an
    existing, writable directory. Two outputs must be different files.

    Raises:
        InputFileError: naming the output and what is wrong with it.

    Examples:
        >>> import tempfile, pathlib
        >>> source = pathlib.Path(tempfile.mkdtemp()) / "p.csv"
        >>> _ = source.write_text("y_true,y_pred")
        >>> check_outputs([source.with_name("report.txt")], inputs=[source])
        >>> check_outputs([source], inputs=[source])
        Traceback (most recent call last):
        confmat.exceptions.InputFileError: ...p.csv: is the input file ...
    """
    seen: dict[str, str] = {}
    for path in paths:
        _check_output(Path(path), inputs)
        real = os.path.realpath(path)
        if real in seen:
            raise InputFileError(
                f"{path}: is also the output {seen[real]}; give two different files"
            )
        seen[real] = str(path)


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write a whole file or nothing: a temporary file beside it, then an atomic rename.

    A symbolic link is followed and its target replaced (as editors do). A FIFO or a device
    (``/dev/null``, ``/dev/stdout``, a shell's ``>(...)``), or the file that is already this
    process's standard output, is written directly, never replaced. A read-only file is refused.
    Interrupted (SIGINT, or SIGTERM with its default action), no temporary file is left behind.

    Raises:
        InputFileError: if ``path`` is a directory, read-only, or its directory is missing.
    """
    target = Path(path)
    info = _check_output(target, ())
    payload = data if isinstance(data, bytes) else data.encode("utf-8")
    if info is not None and _written_directly(info):
        with open(target, "wb") as out:
            out.write(payload)
        return
    target = Path(os.path.realpath(target))  # a symbolic link: its target is replaced
    with _cleanup_on_sigterm():
        temporary: str | None = None
        try:
            handle, temporary = tempfile.mkstemp(
                dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
            )
            with os.fdopen(handle, "wb") as out:
                out.write(payload)
            os.chmod(temporary, _file_mode(target))  # mkstemp makes 0600: the usual permissions
            os.replace(temporary, target)
        except BaseException:
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
            raise


def _check_output(path: Path, inputs: Sequence[str | Path]) -> os.stat_result | None:
    """The output's status (following links), or None for a new file; raises if unusable."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise InputFileError(f"{path}: cannot be written ({error.strerror})") from None
    if info is None:
        _check_directory(path, Path(os.path.realpath(path)).parent)
        return None
    if stat.S_ISDIR(info.st_mode):
        raise InputFileError(f"{path}: is a directory, not a file")
    for source in inputs:
        if str(source) != "-" and _same_file(info, source):
            raise InputFileError(
                f"{path}: is the input file {source} (the same file); writing there would "
                "replace the predictions: choose another output file"
            )
    if _written_directly(info):
        if not os.access(path, os.W_OK):
            raise InputFileError(f"{path}: is not writable")
        return info
    if not (info.st_mode & 0o222 and os.access(path, os.W_OK)):
        raise InputFileError(
            f"{path}: is read-only; confmat does not replace it (make it writable, or choose "
            "another output file)"
        )
    _check_directory(path, Path(os.path.realpath(path)).parent)
    return info


def _check_directory(path: Path, directory: Path) -> None:
    """A file is written through a temporary file in ``directory``: it must be writable."""
    if not directory.is_dir():
        raise InputFileError(f"{path}: the directory {str(directory)!r} does not exist")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise InputFileError(
            f"{path}: the directory {str(directory)!r} is not writable (the file is written "
            "to a temporary file beside it, then renamed)"
        )


def _same_file(info: os.stat_result, other: str | Path) -> bool:
    try:
        other_info = os.stat(other)
    except OSError:
        return False
    return (info.st_dev, info.st_ino) == (other_info.st_dev, other_info.st_ino)


def _written_directly(info: os.stat_result) -> bool:
    """Not a regular file (a FIFO, a device), or already this process's stdout or stderr."""
    if not stat.S_ISREG(info.st_mode):
        return True
    for fd in (1, 2):
        try:
            stream = os.fstat(fd)
        except OSError:
            continue
        if (stream.st_dev, stream.st_ino) == (info.st_dev, info.st_ino):
            return True
    return False


class _Terminated(BaseException):
    """SIGTERM arrived while a temporary file existed (raised so that it is removed)."""


@contextlib.contextmanager
def _cleanup_on_sigterm() -> Iterator[None]:
    """Within: SIGTERM (default action) unwinds first, so the temporary file is removed.

    The process then ends by SIGTERM, as it would have. Other handlers and threads are left alone.
    """
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return

    def terminate(signum: int, frame: object) -> None:
        raise _Terminated

    signal.signal(signal.SIGTERM, terminate)
    try:
        yield
    except _Terminated:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.raise_signal(signal.SIGTERM)  # the default action: the process ends here
        raise
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


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
