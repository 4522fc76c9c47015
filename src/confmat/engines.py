"""Counts from the engines that hold the rows: the group-by runs there, only the counts come back.

Examples:
    >>> import confmat
    >>> from confmat.engines import duckdb_counts  # doctest: +SKIP
"""

from __future__ import annotations

from confmat._internal.io.engines import duckdb_counts, spark_counts

__all__ = ["duckdb_counts", "spark_counts"]
