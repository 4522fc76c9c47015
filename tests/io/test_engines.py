"""ConfusionMatrix.from_counts on engine tables, and the group-by helpers of io.engines.

The oracle is from_predictions on the raw rows: the aggregated table must give the same document.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from confmat import ConfusionMatrix
from confmat._internal.io import engines
from confmat.exceptions import ConfmatError, LabelError, MatrixError, OptionError

duckdb = pytest.importorskip("duckdb")
polars = pytest.importorskip("polars")


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    names = np.array(["ant", "bee", "cat", "dog", "eel"])
    y_true = names[rng.integers(0, 5, 3000)]
    y_pred = np.where(rng.random(3000) < 0.7, y_true, names[rng.integers(0, 5, 3000)])
    return pd.DataFrame({"y_true": y_true, "y_pred": y_pred, "w": rng.random(3000)})


@pytest.fixture(scope="module")
def expected(raw: pd.DataFrame) -> dict:
    return ConfusionMatrix.from_predictions(raw["y_true"], raw["y_pred"]).to_dict()


def grouped(raw: pd.DataFrame) -> pd.DataFrame:
    return raw.groupby(["y_true", "y_pred"]).size().reset_index(name="count")


def test_pandas_polars_pyarrow_and_mappings(raw: pd.DataFrame, expected: dict) -> None:
    table = grouped(raw)
    for source in (
        table,
        polars.from_pandas(table),
        polars.from_pandas(table).lazy(),
        pa.Table.from_pandas(table),
        {name: table[name].to_numpy() for name in table.columns},
    ):
        assert ConfusionMatrix.from_counts(source).to_dict() == expected, type(source)


def test_duckdb_group_by_gives_the_document_of_the_raw_rows(raw: pd.DataFrame, expected: dict):
    con = duckdb.connect()
    con.register("preds", raw)
    relation = engines.duckdb_counts(con.table("preds"))
    assert ConfusionMatrix.from_counts(relation).to_dict() == expected
    by_sql = engines.duckdb_counts("preds", connection=con)
    assert ConfusionMatrix.from_counts(by_sql).to_dict() == expected
    query = engines.duckdb_counts("SELECT * FROM preds WHERE y_true <> 'eel'", connection=con)
    subset = raw[raw["y_true"] != "eel"]
    assert (
        ConfusionMatrix.from_counts(query).to_dict()
        == ConfusionMatrix.from_predictions(subset["y_true"], subset["y_pred"]).to_dict()
    )


def test_duckdb_weighted_sums(raw: pd.DataFrame) -> None:
    con = duckdb.connect()
    con.register("preds", raw)
    relation = engines.duckdb_counts(con.table("preds"), weight="w")
    cm = ConfusionMatrix.from_counts(relation)
    want = ConfusionMatrix.from_predictions(raw["y_true"], raw["y_pred"], sample_weight=raw["w"])
    assert cm.is_weighted
    np.testing.assert_allclose(cm.counts.numpy(), want.counts.numpy(), rtol=1e-12)


def test_duckdb_sum_of_integers_is_read_as_counts(raw: pd.DataFrame, expected: dict) -> None:
    con = duckdb.connect()
    con.register("preds", grouped(raw))
    relation = con.sql("SELECT y_true, y_pred, SUM(count) AS count FROM preds GROUP BY ALL")
    assert ConfusionMatrix.from_counts(relation).to_dict() == expected


def test_integer_labels_follow_the_rules_of_from_predictions() -> None:
    rng = np.random.default_rng(3)
    y_true, y_pred = rng.integers(0, 40, 500) * 3, rng.integers(0, 40, 500) * 3
    frame = pd.DataFrame({"t": y_true, "p": y_pred}).groupby(["t", "p"]).size()
    table = frame.reset_index(name="n")
    cm = ConfusionMatrix.from_counts(table, true="t", pred="p", count="n")
    assert cm.to_dict() == ConfusionMatrix.from_predictions(y_true, y_pred).to_dict()
    big = ConfusionMatrix.from_counts(table, true="t", pred="p", count="n", num_classes=120)
    assert big.num_classes == 120
    as_sparse = ConfusionMatrix.from_counts(table, true="t", pred="p", count="n", sparse=True)
    assert as_sparse.is_sparse
    assert as_sparse.to_dict() == cm.to_dict()


def test_repeated_pairs_add_up_and_zero_counts_keep_their_class() -> None:
    table = {"y_true": ["a", "a", "b", "c"], "y_pred": ["a", "a", "a", "c"], "count": [1, 2, 4, 0]}
    cm = ConfusionMatrix.from_counts(table)
    assert cm.classes == ["a", "b", "c"]
    assert cm.counts.tolist() == [[3, 0, 0], [4, 0, 0], [0, 0, 0]]


@pytest.mark.parametrize(
    ("table", "error", "message"),
    [
        ({"y_true": ["a", None], "y_pred": ["a", "a"], "count": [1, 2]}, LabelError, "row 1"),
        ({"y_true": ["a", "b"], "y_pred": ["a", "a"], "count": [1, -2]}, MatrixError, ">= 0"),
        ({"y_true": ["a"], "y_pred": ["a"], "count": [float("nan")]}, MatrixError, "null"),
        ({"y_true": ["a"], "y_pred": ["a"], "count": ["x"]}, MatrixError, "numbers"),
        ({"y_true": ["a"], "y_pred": ["a"]}, OptionError, "no column 'count'"),
        ([("a", "a", 1)], OptionError, "pandas or polars"),
    ],
)
def test_bad_tables_are_clear_errors(table: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        ConfusionMatrix.from_counts(table)


def test_arrow_nulls_are_reported() -> None:
    table = pa.table({"y_true": ["a", "b"], "y_pred": ["a", None], "count": [1, 1]})
    with pytest.raises(ConfmatError, match="pred column has a null at row 1"):
        ConfusionMatrix.from_counts(table)


# -- Spark in local mode: one session for the module (the JVM takes seconds to start) --------


@pytest.fixture(scope="module")
def spark():
    pyspark_sql = pytest.importorskip("pyspark.sql")
    import shutil

    if shutil.which("java") is None:
        pytest.skip("Spark needs Java")
    session = (
        pyspark_sql.SparkSession.builder.master("local[1]")
        .appName("confmat-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.filterwarnings("ignore::ResourceWarning")
def test_spark_group_by_gives_the_document_of_the_raw_rows(spark, raw, expected) -> None:
    rows = list(zip(raw["y_true"].tolist(), raw["y_pred"].tolist(), raw["w"].tolist(), strict=True))
    frame = spark.createDataFrame(rows, "y_true string, y_pred string, w double")
    counts = engines.spark_counts(frame)
    assert ConfusionMatrix.from_counts(counts).to_dict() == expected
    weighted = ConfusionMatrix.from_counts(engines.spark_counts(frame, weight="w"))
    want = ConfusionMatrix.from_predictions(raw["y_true"], raw["y_pred"], sample_weight=raw["w"])
    np.testing.assert_allclose(weighted.counts.numpy(), want.counts.numpy(), rtol=1e-12)
