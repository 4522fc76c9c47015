"""Reading a predictions input in batches: files bigger than memory, directories and globs.

``confmat report`` streams its input (see :mod:`cli.streaming`) when it is a directory or
a glob of Parquet files, when a file is larger than ``STREAM_MIN_BYTES`` on disk, or when
``--stream`` says so. CSV and TSV are read by ``pyarrow.csv.open_csv`` and JSON lines by
``pyarrow.json.open_json`` in blocks of ``BLOCK_BYTES`` (compressed ones decompressed on the
way), Parquet row group by row group in batches of ``BATCH_ROWS`` rows, only the needed
columns. Every batch is converted to numpy as :func:`io.reading.read_table` converts a whole
file (missing cells None), so the counting sees the same values either way.

A progress bar (tqdm) goes to standard error when it is a terminal, by bytes read (text files)
or rows read (Parquet); nothing otherwise.
"""

from __future__ import annotations

import glob
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from confmat._internal.io import reading as io
from confmat.exceptions import InputFileError, UsageError, one_line

STREAM_MIN_BYTES = 64 * 2**20
"""Files larger than this on disk are streamed: the whole-file path holds every decoded column
and its encodings, several times the file (a Parquet file of two integer columns decodes to
about 6 times its size), so 64 MiB keeps it well under 1 GB; the streamed path costs no more on
smaller files, but reads nothing faster either."""

BATCH_ROWS = 1 << 20
"""Rows of one Parquet batch (8 MiB per int64 column)."""

BLOCK_BYTES = 16 * 2**20
"""Bytes of CSV, TSV or JSON lines text parsed at once."""

PROGRESS: bool | None = None
"""Show the progress bar: None when standard error is a terminal."""

_GLOB = frozenset("*?[")


class Batch(NamedTuple):
    """Columns of consecutive rows of one file: their file, first data row (from 1), values."""

    source: str
    first_row: int
    columns: list[np.ndarray]


def is_collection(source: str) -> bool:
    """Whether the input names several Parquet files: a directory or a glob pattern."""
    return source != "-" and (
        Path(source).is_dir() or (bool(_GLOB & set(source)) and not Path(source).exists())
    )


def wants_stream(source: str, input_format: str | None, option: bool | None) -> bool:
    """Whether to stream: ``--stream`` / ``--no-stream``, else by the input (module docstring)."""
    if is_collection(source):
        if option is False:
            raise UsageError(
                f"{source}: a directory or glob is always streamed; leave out --no-stream"
            )
        return True
    if option is not None:
        if option and (source == "-" or _kind(source, input_format) == "npz"):
            raise UsageError(
                f"--stream reads CSV, TSV, JSON lines and Parquet files, directories and globs; "
                f"{'standard input' if source == '-' else source + ' (npz)'} is read whole"
            )
        return option
    if source == "-" or not Path(source).is_file() or _kind(source, input_format) == "npz":
        return False
    return Path(source).stat().st_size > STREAM_MIN_BYTES


def _kind(source: str, input_format: str | None) -> str:
    return input_format or io.format_of(Path(source))[0]


def read_batches(source: str, input_format: str | None, names: list[str]) -> Iterator[Batch]:
    """The columns ``names`` of an input, batch by batch (see the module docstring)."""
    files = _parquet_files(source) if is_collection(source) else [source]
    kind = "parquet" if len(files) > 1 or files[0] != source else _kind(source, input_format)
    if not Path(files[0]).is_file():
        raise InputFileError(f"{source}: no such file")
    if len(files) > 1:
        _check_same_types(files, names)
    with _Progress(files, kind) as advance:
        for path in files:
            reader = _parquet if kind == "parquet" else _text
            yield from reader(path, kind, names, advance)


def _parquet_files(source: str) -> list[str]:
    """The Parquet files of a directory (recursively) or a glob, in sorted order."""
    if Path(source).is_dir():
        found = [
            p
            for p in Path(source).rglob("*.parquet")
            if p.is_file()
            and not any(part.startswith((".", "_")) for part in p.relative_to(source).parts)
        ]
        files = sorted(str(p) for p in found)
    else:
        files = sorted(p for p in glob.glob(source, recursive=True) if Path(p).is_file())
        other = next((p for p in files if not p.lower().endswith(".parquet")), None)
        if other is not None:
            raise InputFileError(
                f"{source}: matches {other}, but a glob reads Parquet files (*.parquet) only"
            )
    if not files:
        raise InputFileError(f"{source}: no Parquet files (*.parquet) found there")
    return files


def _check_same_types(files: list[str], names: list[str]) -> None:
    """The used columns have one type in every file (read from the files' footers)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    first: dict[str, Any] = {}
    for path in files:
        try:
            schema = pq.read_schema(path)
        except (pa.ArrowException, OSError) as error:
            raise InputFileError(
                f"{path}: not a readable Parquet file ({one_line(error)})"
            ) from None
        for name in names:
            if name not in schema.names:
                continue  # the reader names the missing column
            kind = schema.field(name).type
            if first.setdefault(name, (kind, path))[0] != kind:
                raise InputFileError(
                    f"{path}: column {name!r} holds {kind}, but {first[name][1]} holds "
                    f"{first[name][0]}: the files of one input need one type per column"
                )


def _parquet(
    path: str, kind: str, names: list[str], advance: Callable[[int], None]
) -> Iterator[Batch]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        handle = pq.ParquetFile(path, pre_buffer=False)  # pre-buffering holds row groups
        _check_columns(path, handle.schema_arrow.names, names)
        row = 1
        for batch in handle.iter_batches(batch_size=BATCH_ROWS, columns=names):
            yield Batch(path, row, _numpy(batch, names, path, kind))
            row += batch.num_rows
            advance(batch.num_rows)
    except (pa.ArrowException, OSError) as error:
        raise InputFileError(
            f"{path}: could not read the parquet data ({one_line(error)})"
        ) from None


def _text(
    path: str, kind: str, names: list[str], advance: Callable[[int], None]
) -> Iterator[Batch]:
    """CSV, TSV or JSON lines, decompressed on the way when it is compressed."""
    import pyarrow as pa

    raw = pa.OSFile(path)
    try:
        reader = _text_reader(_decompressed(raw, path), kind, path)
        _check_columns(path, reader.schema.names, names)
        row, seen = 1, 0
        for batch in reader:
            yield Batch(path, row, _numpy(batch, names, path, kind))
            row += batch.num_rows
            advance(raw.tell() - seen)
            seen = raw.tell()
    except InputFileError:
        raise
    except (pa.ArrowException, OSError, ValueError) as error:
        raise InputFileError(
            f"{path}: could not read the {kind} data ({one_line(error)}); streamed files take "
            "each column's type from their first block: --no-stream reads the whole file"
        ) from None
    finally:
        raw.close()


def _decompressed(raw: Any, path: str) -> Any:
    import pyarrow as pa

    head = raw.read(4)
    raw.seek(0)
    compression = (
        io.format_of(Path(path))[1] if Path(path).suffix.lower() in io.COMPRESSIONS else None
    )
    compression = compression or io.compression_of(head)
    if compression is None:
        if b"\0" in raw.read(4096):
            raise InputFileError(f"{path}: holds NUL bytes, so it is not text")
        raw.seek(0)
        return raw
    return pa.CompressedInputStream(raw, compression)


def _text_reader(stream: Any, kind: str, path: str) -> Any:
    import pyarrow.csv as pa_csv
    import pyarrow.json as pa_json

    if kind == "jsonl":
        return pa_json.open_json(stream, read_options=pa_json.ReadOptions(block_size=BLOCK_BYTES))
    if kind not in ("csv", "tsv"):
        raise InputFileError(f"{path}: {kind} files are read whole; leave out --stream")
    return pa_csv.open_csv(
        stream,
        read_options=pa_csv.ReadOptions(block_size=BLOCK_BYTES),
        parse_options=pa_csv.ParseOptions(delimiter="\t" if kind == "tsv" else ","),
        convert_options=pa_csv.ConvertOptions(strings_can_be_null=True),
    )


def _check_columns(path: str, present: list[str], names: list[str]) -> None:
    """Every wanted column present, and once: the errors of the whole-file reader."""
    for field in set(present):
        if present.count(field) > 1:
            raise InputFileError(f"{path}: column {field!r} appears {present.count(field)} times")
    for name in names:
        io.column(dict.fromkeys(present), name, path)  # type: ignore[arg-type]


def _numpy(batch: Any, names: list[str], path: str, kind: str) -> list[np.ndarray]:
    return [io.column_values(batch.column(name), path, name, kind) for name in names]


class _Progress:
    """A tqdm bar on standard error (when it is a terminal) advanced by bytes or rows."""

    def __init__(self, files: list[str], kind: str) -> None:
        self.bar: Any = None
        show = sys.stderr.isatty() if PROGRESS is None else PROGRESS
        if not show:
            return
        try:
            from tqdm import tqdm
        except ImportError:  # the bar is a comfort, never a requirement
            return
        if kind == "parquet":
            import pyarrow.parquet as pq

            total = sum(pq.ParquetFile(f).metadata.num_rows for f in files)
            self.bar = tqdm(total=total, unit=" rows", unit_scale=True, file=sys.stderr)
        else:
            total = sum(Path(f).stat().st_size for f in files)
            self.bar = tqdm(total=total, unit="B", unit_scale=True, file=sys.stderr)

    def __enter__(self) -> Callable[[int], None]:
        return self.bar.update if self.bar is not None else _ignore

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()


def _ignore(_: int) -> None:
    return None
