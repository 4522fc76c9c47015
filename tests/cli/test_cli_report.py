"""``confmat report``: inputs, options, outputs, and the JSON document against its schema."""

from __future__ import annotations

import io as _io
import json
import math
import sys
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pytest

from confmat import ConfusionMatrix
from confmat._internal.cli.main import main
from files import write

SCHEMA = json.loads((Path(__file__).parents[1] / "schema" / "confmat.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)

LABELS = {
    "y_true": ["cat", "dog", "dog", "frog", "cat", "dog"],
    "y_pred": ["cat", "cat", "dog", "dog", "cat", "frog"],
}
SCORES = {
    "label": ["cat", "dog", "frog", "dog"],
    "cat": [0.7, 0.2, 0.1, 0.3],
    "dog": [0.2, 0.5, 0.6, 0.3],
    "frog": [0.1, 0.3, 0.3, 0.4],
}


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    status = main(argv)
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert captured.err == ""
    return captured.out


def run_json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    document = json.loads(run([*argv, "--format", "json"], capsys))
    VALIDATOR.validate(document)
    return document


def comparable(document: dict[str, Any]) -> dict[str, Any]:
    """The keys INTERFACE lists (renderers may add more)."""
    keys = ("classes", "matrix", "n", "positive_class", "overall", "per_class", "averages")
    return {k: document[k] for k in keys}


def python_document(*args: Any, **kwargs: Any) -> dict[str, Any]:
    cm = ConfusionMatrix.from_predictions(*args, **kwargs)
    return comparable(json.loads(json.dumps(cm.to_dict())))


# -- inputs -------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".jsonl", ".parquet", ".npz"])
def test_every_format_gives_the_python_result(tmp_path: Path, suffix: str, capsys):
    path = write(tmp_path / f"p{suffix}", LABELS)
    document = run_json(["report", str(path)], capsys)
    assert comparable(document) == python_document(LABELS["y_true"], LABELS["y_pred"])
    assert document["classes"] == ["cat", "dog", "frog"]
    assert document["matrix"] == [[2, 0, 0], [1, 1, 1], [0, 1, 0]]


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys):
    class _Stdin:
        buffer = _io.BytesIO(b"y_true,y_pred\n0,1\n1,1\n1,0\n")

    monkeypatch.setattr(sys, "stdin", _Stdin())
    document = run_json(["report", "-"], capsys)
    assert document["matrix"] == [[0, 1], [1, 1]]
    assert document["positive_class"] == "1"


def test_column_options(tmp_path: Path, capsys):
    path = write(tmp_path / "p.csv", {"truth": LABELS["y_true"], "guess": LABELS["y_pred"]})
    document = run_json(["report", str(path), "--true-col", "truth", "--pred-col", "guess"], capsys)
    assert document["matrix"] == [[2, 0, 0], [1, 1, 1], [0, 1, 0]]


def test_score_columns_are_argmaxed_in_their_order(tmp_path: Path, capsys):
    path = write(tmp_path / "p.parquet", SCORES)
    argv = ["report", str(path), "--true-col", "label", "--score-cols", "cat,dog,frog"]
    document = run_json(argv, capsys)
    assert document["classes"] == ["cat", "dog", "frog"]
    # argmax: cat, dog, dog, frog
    assert document["matrix"] == [[1, 0, 0], [0, 1, 1], [0, 1, 0]]
    scores = np.stack([SCORES[c] for c in ("cat", "dog", "frog")], axis=1)
    expected = python_document(SCORES["label"], scores, classes=["cat", "dog", "frog"])
    assert comparable(document) == expected


def test_one_score_column_is_a_binary_probability(tmp_path: Path, capsys):
    path = write(tmp_path / "p.csv", {"y_true": [0, 1, 1, 0], "p": [0.5, 0.49, 0.9, 0.1]})
    document = run_json(["report", str(path), "--score-cols", "p"], capsys)
    # score >= 0.5 is positive: 1, 0, 1, 0
    assert document["matrix"] == [[1, 1], [1, 1]]


def test_threshold(tmp_path: Path, capsys):
    path = write(tmp_path / "p.csv", {"y_true": [0, 1, 1, 0], "y_pred": [0.3, 0.3, 0.9, 0.1]})
    at = run_json(["report", str(path), "--threshold", "0.3"], capsys)
    assert at["matrix"] == [[1, 1], [0, 2]]  # 0.3 >= 0.3 counts as positive
    above = run_json(["report", str(path), "--threshold", "0.31"], capsys)
    assert above["matrix"] == [[2, 0], [1, 1]]


def test_positive_first_class(tmp_path: Path, capsys):
    data = {"y_true": ["sick", "well", "sick", "well"], "y_pred": [0.9, 0.2, 0.4, 0.5]}
    path = write(tmp_path / "p.csv", data)
    argv = ["report", str(path), "--positive", "sick", "--score-of", "sick"]
    document = run_json(argv, capsys)
    assert document["positive_class"] == "sick"
    expected = python_document(data["y_true"], data["y_pred"], positive="sick", score_of="sick")
    assert comparable(document) == expected


def test_classes_order_and_absent_classes(tmp_path: Path, capsys):
    path = write(tmp_path / "p.csv", LABELS)
    argv = ["report", str(path), "--classes", "frog, dog,cat,newt"]
    document = run_json(argv, capsys)
    assert document["classes"] == ["frog", "dog", "cat", "newt"]
    assert document["matrix"][3] == [0, 0, 0, 0]
    assert document["per_class"]["newt"]["recall"] is None  # 0/0
    assert document["undefined"]["recall"] == ["newt"]


def test_classes_file(tmp_path: Path, capsys):
    path = write(tmp_path / "p.csv", LABELS)
    names = tmp_path / "classes.txt"
    names.write_text("dog\n\ncat\nfrog\n")
    document = run_json(["report", str(path), "--classes-file", str(names)], capsys)
    assert document["classes"] == ["dog", "cat", "frog"]


def test_integer_classes_are_values(tmp_path: Path, capsys):
    path = write(tmp_path / "p.csv", {"y_true": [3, 1, 2, 3], "y_pred": [1, 1, 2, 3]})
    document = run_json(["report", str(path), "--classes", "3,1,2"], capsys)
    assert document["classes"] == ["3", "1", "2"]
    assert document["matrix"] == [[1, 1, 0], [0, 1, 0], [0, 0, 1]]


# -- outputs ------------------------------------------------------------------------------


def test_output_replaces_an_existing_file(tmp_path: Path, capsys):
    path = write(tmp_path / "p.csv", LABELS)
    out = tmp_path / "report.json"
    out.write_text("an older report")
    assert run(["report", str(path), "--format", "json", "--output", str(out)], capsys) == ""
    document = json.loads(out.read_text())
    VALIDATOR.validate(document)
    assert document["matrix"] == [[2, 0, 0], [1, 1, 1], [0, 1, 0]]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.csv", "report.json"]
    stdout = run(["report", str(path), "--format", "json"], capsys)
    assert out.read_text() == stdout


def test_text_report(tmp_path: Path, capsys):
    path = write(tmp_path / "p.csv", LABELS)
    text = run(["report", str(path)], capsys)
    assert "6 samples" in text
    for name in ("cat", "dog", "frog"):
        assert name in text
    assert "\x1b[" not in text  # no colour codes when not writing to a terminal


def test_example_file_of_the_repository(capsys):
    example = Path(__file__).parents[2] / "examples" / "breast_cancer_predictions.csv"
    if not example.exists():
        pytest.skip("example predictions not in this checkout")
    document = run_json(["report", str(example)], capsys)
    assert document["n"] == sum(map(sum, document["matrix"]))


# -- the JSON schema itself ------------------------------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


@pytest.mark.parametrize(
    ("counts", "kwargs"),
    [
        pytest.param([[50, 3, 0], [4, 40, 6], [0, 2, 45]], {}, id="interface-example"),
        pytest.param([[5, 0], [1, 4]], {"classes": ["no", "yes"]}, id="binary-inf"),
        pytest.param([[0, 0], [0, 3]], {}, id="undefined-values"),
        pytest.param([[1.5, 0.25], [0.0, 2.0]], {}, id="weighted"),
        pytest.param([[7]], {}, id="one-class"),
    ],
)
def test_python_documents_validate(counts, kwargs):
    document = json.loads(json.dumps(ConfusionMatrix(counts, **kwargs).to_dict()))
    VALIDATOR.validate(document)


def test_binary_document_shows_inf_and_null():
    document = ConfusionMatrix([[5, 0], [1, 4]], ["no", "yes"]).to_dict()
    assert document["per_class"]["yes"]["lr_plus"] == "inf"
    assert document["per_class"]["no"]["dor"] == "inf"  # tp tn / (fp * 0)
    empty = ConfusionMatrix([[0, 0], [0, 3]]).to_dict()
    assert empty["per_class"]["0"]["precision"] is None
    assert empty["overall"]["mcc"] is None


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        pytest.param(lambda d: d.pop("overall"), "overall", id="missing-overall"),
        pytest.param(lambda d: d["overall"].pop("mcc"), "mcc", id="missing-mcc"),
        pytest.param(lambda d: d["per_class"]["a"].pop("dor"), "dor", id="missing-dor"),
        pytest.param(lambda d: d["averages"].pop("micro"), "micro", id="missing-micro"),
        pytest.param(lambda d: d["averages"]["macro"].pop("jaccard"), "jaccard", id="no-jaccard"),
        pytest.param(lambda d: d.update(schema_version=2), "schema_version", id="version"),
        pytest.param(lambda d: d.update(classes="a,b"), "classes", id="classes-text"),
        pytest.param(lambda d: d["overall"].update(accuracy="0.5"), "accuracy", id="as-text"),
        pytest.param(lambda d: d["overall"].update(accuracy=1.5), "accuracy", id="above-1"),
        pytest.param(lambda d: d["per_class"]["a"].update(recall="inf"), "recall", id="inf-rate"),
        pytest.param(lambda d: d["per_class"]["a"].update(tp=-1), "tp", id="negative-count"),
        pytest.param(lambda d: d["overall"].update(accuracy_ci=[0.1]), "ci", id="short-ci"),
    ],
)
def test_schema_rejects_broken_documents(mutate, path: str):
    document = json.loads(json.dumps(ConfusionMatrix([[3, 1], [2, 4]], ["a", "b"]).to_dict()))
    VALIDATOR.validate(document)
    mutate(document)
    assert not VALIDATOR.is_valid(document), path


def test_schema_allows_added_keys():
    document = json.loads(json.dumps(ConfusionMatrix([[3, 1], [2, 4]]).to_dict()))
    document["future_block"] = {"anything": [1, 2]}
    document["overall"]["future_statistic"] = 0.5
    VALIDATOR.validate(document)


def test_document_values_are_the_python_values():
    cm = ConfusionMatrix([[50, 3, 0], [4, 40, 6], [0, 2, 45]], ["cat", "dog", "frog"])
    document = cm.to_dict()
    assert document["n"] == 150
    assert document["overall"]["accuracy"] == cm.accuracy
    lo, hi = cm.accuracy_ci()
    assert document["overall"]["accuracy_ci"] == [lo, hi]
    assert document["per_class"]["dog"]["tp"] == 40
    assert document["per_class"]["dog"]["fn"] == 10
    assert document["per_class"]["dog"]["fp"] == 5
    assert document["per_class"]["dog"]["tn"] == 95
    assert math.isclose(document["averages"]["weighted"]["f1"], cm.average("f1", "weighted"))
    assert list(document["per_class"]) == document["classes"]
