"""Reading prediction files (writing reports and figures: :mod:`io.writing`).

Supported inputs: ``.csv``, ``.tsv``, ``.jsonl`` (also compressed: ``.gz``, ``.bz2``,
``.zst``, ``.lz4``), ``.parquet`` (through pyarrow) and ``.npz`` (numpy); ``-`` reads standard
input (CSV unless told otherwise). Every read is bounded by ``INPUT_LIMIT_BYTES``. Problems raise
:class:`~confmat.exceptions.InputFileError` naming the file, and the column or line where known.
"""

from __future__ import annotations

import io as _io
import sys
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from confmat.exceptions import InputFileError, one_line

SUFFIXES = (".csv", ".tsv", ".jsonl", ".parquet", ".npz")
INPUT_FORMATS = ("csv", "tsv", "jsonl", "parquet", "npz")
COMPRESSIONS = {".gz": "gzip", ".bz2": "bz2", ".zst": "zstd", ".lz4": "lz4"}
"""Compressed text inputs (``.csv.gz``, ``.jsonl.zst``, ...), decompressed by pyarrow."""
_MAGIC = ((b"\x1f\x8b", "gzip"), (b"BZh", "bz2"), (b"\x28\xb5\x2f\xfd", "zstd"))

_SIGNATURES = {"parquet": b"PAR1", "npz": b"PK"}
INPUT_LIMIT_BYTES = 4 * 2**30
"""Most bytes read from one input: a file, standard input, or a decompressed or unzipped one."""
_CHUNK = 1 << 20

Table = dict[str, np.ndarray]
"""Columns by name, each a 1-D numpy array; a column with missing cells is an object array
holding None there (see :mod:`core.missing`)."""


def read_table(source: str | Path, input_format: str | None = None) -> Table:
    r"""Read a predictions file into columns; ``"-"`` reads standard input (CSV by default).

    The format comes from ``input_format`` (``csv``, ``tsv``, ``jsonl``, ``parquet``,
    ``npz``) or else the file's suffix; text formats may be compressed (gzip, bzip2, zstd:
    found by their first bytes, or lz4 by the ``.lz4`` suffix). Empty cells and null markers
    (``NA``, ``nan``, ``null``, ...) are missing: None in an object column.

    Examples:
        >>> import tempfile, pathlib
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "p.csv"
        >>> _ = path.write_text("y_true,y_pred\ncat,dog\ndog,dog\n")
        >>> read_table(path)["y_pred"].tolist()
        ['dog', 'dog']
    """
    name = str(source)
    if input_format is not None and input_format not in INPUT_FORMATS:
        raise InputFileError(f"input format must be one of {INPUT_FORMATS}, got {input_format!r}")
    if name == "-":
        kind = input_format or "csv"
        return _read_bytes(_read_bounded(sys.stdin.buffer, "<stdin>", kind), "<stdin>", kind, None)
    path = Path(source)
    kind, compression = (input_format, None) if input_format else _kind_of(path)
    if not path.is_file():
        raise InputFileError(f"{name}: no such file")
    size = path.stat().st_size
    if size > INPUT_LIMIT_BYTES:
        raise InputFileError(f"{name}: {size} bytes, more than the {INPUT_LIMIT_BYTES} read")
    with path.open("rb") as handle:
        head = handle.read(4)
    if kind in ("parquet", "npz") or not (compression or _sniff(head)):
        return _read_npz(path, name) if kind == "npz" else _read_arrow(path, name, kind)
    with path.open("rb") as handle:
        return _read_bytes(_read_bounded(handle, name, "binary"), name, kind, compression)


def _kind_of(path: Path) -> tuple[str, str | None]:
    """(format, compression) from the suffixes, e.g. ``p.csv.gz`` -> ``("csv", "gzip")``."""
    suffixes = [s.lower() for s in path.suffixes[-2:]]
    compression = COMPRESSIONS.get(suffixes[-1]) if suffixes else None
    if compression is not None:
        suffixes.pop()
    suffix = suffixes[-1] if suffixes else path.suffix.lower()
    if suffix not in SUFFIXES or (compression and suffix in (".parquet", ".npz")):
        shown = "".join(path.suffixes[-2:]) or "(none)"
        raise InputFileError(
            f"{path}: unsupported file type {shown!r}; use one of {SUFFIXES} (text ones may end "
            f"in {tuple(COMPRESSIONS)}), or say the format with --input-format"
        )
    return suffix[1:], compression


def _sniff(head: bytes) -> str | None:
    return next((codec for magic, codec in _MAGIC if head.startswith(magic)), None)


def _read_bounded(stream: Any, name: str, kind: str) -> bytes:
    """At most ``INPUT_LIMIT_BYTES`` from a stream; text that starts with NUL bytes is refused."""
    chunks: list[bytes] = []
    total = 0
    while chunk := stream.read(_CHUNK):
        if not chunks:
            _check_start(chunk, name, kind)
        total += len(chunk)
        if total > INPUT_LIMIT_BYTES:
            raise InputFileError(f"{name}: more than {INPUT_LIMIT_BYTES} bytes, the most read")
        chunks.append(chunk)
    return b"".join(chunks)


def _check_start(chunk: bytes, name: str, kind: str) -> None:
    """Refuse at once what cannot be ``kind``: NUL bytes as text, a wrong binary signature."""
    magic = _SIGNATURES.get(kind)
    if magic is not None and not chunk.startswith(magic):
        raise InputFileError(f"{name}: does not start like {kind} data ({chunk[:4]!r})")
    if kind in ("csv", "tsv", "jsonl") and not _sniff(chunk[:4]) and b"\0" in chunk:
        raise InputFileError(f"{name}: holds NUL bytes, so it is not {kind} text")


def _read_bytes(data: bytes, name: str, kind: str, compression: str | None) -> Table:
    """A whole input held in memory: decompressed (bounded) when it is, then parsed."""
    compression = compression or (_sniff(data[:4]) if kind not in ("parquet", "npz") else None)
    if compression is not None:
        import pyarrow as pa

        try:
            stream = pa.CompressedInputStream(pa.BufferReader(data), compression)
            data = _read_bounded(stream, name, kind)
        except (pa.ArrowException, OSError) as error:
            raise InputFileError(
                f"{name}: could not decompress the {compression} data ({one_line(error)})"
            ) from None
    if kind == "npz":
        return _read_npz(_io.BytesIO(data), name)
    return _read_arrow(_io.BytesIO(data), name, kind)


def column(table: Table, name: str, source: str) -> np.ndarray:
    """The column ``name`` of a table, or an error listing the columns there are."""
    if name not in table:
        raise InputFileError(f"{source}: no column {name!r}; the columns are {sorted(table)}")
    return table[name]


def _read_npz(source: Path | _io.BytesIO, name: str) -> Table:
    """The arrays of an ``.npz``; each member's header and declared size checked first.

    Nothing is inflated before every member's declared size (the zip directory's) is known to
    fit ``INPUT_LIMIT_BYTES`` and its ``.npy`` header to fit that size, so neither a header
    that claims 2**40 values nor a zip bomb allocates or inflates more than that.
    """
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError):
        raise InputFileError(f"{name}: not a readable .npz archive (not a zip file)") from None
    try:
        with archive:
            members = [i for i in archive.infolist() if i.filename.endswith(".npy")]
            declared = sum(i.file_size for i in members)
            if declared > INPUT_LIMIT_BYTES:
                raise InputFileError(
                    f"{name}: its arrays declare {declared} bytes, more than the "
                    f"{INPUT_LIMIT_BYTES} read"
                )
            return {i.filename[:-4]: _read_member(archive, i, name) for i in members}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        if isinstance(error, InputFileError):
            raise
        raise InputFileError(f"{name}: not a readable .npz archive ({one_line(error)})") from None


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> np.ndarray:
    fmt = np.lib.format
    with archive.open(info) as member:
        version = fmt.read_magic(member)
        if version == (1, 0):
            shape, _, dtype = fmt.read_array_header_1_0(member)
        elif version in ((2, 0), (3, 0)):
            shape, _, dtype = fmt.read_array_header_2_0(member)
        else:
            raise InputFileError(f"{name}: {info.filename} has an unknown .npy version {version}")
        if dtype.hasobject:
            raise InputFileError(
                f"{name}: not a readable .npz archive: {info.filename} holds Python objects "
                "(pickles are never read)"
            )
        count = int(np.prod(shape, dtype=object))
        if count * dtype.itemsize > info.file_size:
            raise InputFileError(
                f"{name}: {info.filename}'s header claims {count} values of {dtype.itemsize} "
                f"bytes, but the archive holds {info.file_size} bytes for it"
            )
    with archive.open(info) as member:
        return np.asarray(fmt.read_array(member, allow_pickle=False))


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
            table = pa_csv.read_csv(
                source,
                parse_options=pa_csv.ParseOptions(delimiter=delimiter),
                convert_options=pa_csv.ConvertOptions(strings_can_be_null=True),
            )
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

    kind_of = chunked.type
    if _is_list(kind_of):
        return _list_cells(chunked)
    if pa_types.is_binary(kind_of) or pa_types.is_large_binary(kind_of):
        raise InputFileError(f"{name}: column {field!r} is not valid UTF-8 text")
    if not (
        pa_types.is_integer(kind_of)
        or pa_types.is_floating(kind_of)
        or pa_types.is_boolean(kind_of)
        or pa_types.is_string(kind_of)
        or pa_types.is_large_string(kind_of)
        or pa_types.is_dictionary(kind_of)
        or pa_types.is_null(kind_of)  # every cell missing, or no rows
    ):
        raise InputFileError(
            f"{name}: column {field!r} must hold one label or score per row, got {kind_of}"
        )
    if chunked.null_count:  # missing cells: None in an object column (core.missing's rule)
        objects = np.empty(len(chunked), dtype=object)
        objects[:] = chunked.to_pylist()
        return objects
    plain = _buffer_numpy(chunked)
    if plain is not None:
        return plain
    values: np.ndarray = chunked.to_numpy()
    return values.astype(str) if values.dtype.kind == "O" else values


def _buffer_numpy(chunked: Any) -> np.ndarray | None:
    """An integer or float column without nulls, read from its buffers (else None).

    The same values as ``to_numpy()`` (read-only too), without the import of pandas that
    pyarrow's conversion makes (a third of a second on every streamed file).
    """
    import pyarrow.types as pa_types

    kind_of = chunked.type
    if pa_types.is_floating(kind_of) and not pa_types.is_float16(kind_of):
        letter = "f"
    elif pa_types.is_integer(kind_of):
        letter = "i" if pa_types.is_signed_integer(kind_of) else "u"
    else:
        return None
    dtype = np.dtype(f"{letter}{kind_of.bit_width // 8}")
    parts = [
        np.frombuffer(c.buffers()[1], dtype, count=len(c), offset=c.offset * dtype.itemsize)
        for c in chunked.chunks
    ]
    if len(parts) == 1:
        return parts[0]
    return np.concatenate(parts) if parts else np.zeros(0, dtype)


def _is_list(kind_of: Any) -> bool:
    """Whether an Arrow type is a list (``list``, ``large_list``, ``fixed_size_list``)."""
    import pyarrow.types as pa_types

    return bool(
        pa_types.is_list(kind_of)
        or pa_types.is_large_list(kind_of)
        or pa_types.is_fixed_size_list(kind_of)
    )


def _list_cells(chunked: Any) -> np.ndarray:
    """A list column as an object column of Python lists.

    A null cell (missing) is None; an empty list stays an empty list.
    """
    cells = np.empty(len(chunked), dtype=object)
    cells[:] = chunked.to_pylist()
    return cells


# -- reading in batches (io.batches): the rules above, for one block at a time ------


def format_of(path: Path) -> tuple[str, str | None]:
    """(format, compression) of a file by its suffixes, as :func:`read_table` finds them.

    Examples:
        >>> format_of(Path("p.csv.gz"))
        ('csv', 'gzip')
    """
    return _kind_of(path)


def compression_of(head: bytes) -> str | None:
    r"""The compression a file's first bytes show (gzip, bzip2, zstd), or None.

    Examples:
        >>> compression_of(b"\x1f\x8b\x08\x00"), compression_of(b"y_tr")
        ('gzip', None)
    """
    return _sniff(head)


def column_values(values: Any, name: str, field: str, kind: str) -> np.ndarray:
    """A pyarrow column (or one batch of it) as :func:`read_table` returns it.

    Missing cells are None in an object column, text numpy strings; other types are refused
    naming the column.

    Examples:
        >>> import pyarrow as pa
        >>> column_values(pa.array([1, None]), "p.csv", "y_true", "csv").tolist()
        [1, None]
    """
    import pyarrow as pa

    if isinstance(values, pa.Array):  # a batch's column: converted as a table's column is
        values = pa.chunked_array([values], type=values.type)
    return _to_numpy(values, name, field, kind)
