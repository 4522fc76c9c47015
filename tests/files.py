"""Prediction files for the tests: the same columns in every input format."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def write(path: Path, columns: dict[str, list[object]]) -> Path:
    """The same columns in the format of ``path``'s extension."""
    names = list(columns)
    rows = list(zip(*columns.values(), strict=True))
    suffix = path.suffix
    if suffix in (".csv", ".tsv"):
        sep = "," if suffix == ".csv" else "\t"
        lines = [sep.join(names), *(sep.join(str(x) for x in row) for row in rows)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif suffix == ".jsonl":
        import json

        path.write_text(
            "".join(json.dumps(dict(zip(names, row, strict=True))) + "\n" for row in rows)
        )
    elif suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.table(columns), path)
    elif suffix == ".npz":
        np.savez(path, **{k: np.asarray(v) for k, v in columns.items()})
    return path
