"""``confmat report --multilabel``; the multilabel JSON document's schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from cli_errors import usage_error
from confmat import MultilabelConfusion
from confmat._internal.cli.main import main

SCHEMA = json.loads(
    (Path(__file__).parents[1] / "schema" / "multilabel.schema.json").read_text(encoding="utf-8")
)
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


LISTS = (
    'y_true,y_pred\n"[""cat"", ""dog""]","[""cat""]"\n"[]","[""dog""]"\n"[""dog""]","[""dog""]"\n'
)
COLUMNS = "a,b,pa,pb\n1,0,0.9,0.2\n0,1,0.1,0.4\n1,1,0.6,0.7\n"


def test_json_list_column_of_label_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path, "p.csv", LISTS)
    assert main(["report", source, "--multilabel", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    VALIDATOR.validate(document)
    assert document["labels"] == ["cat", "dog"]
    assert document["per_label"]["dog"]["tp"] == 1
    assert document["co_confusion"] == [[0, 0], [0, 0]]
    assert document["averages"]["samples"]["f1"] == pytest.approx(5 / 9)


def test_label_columns_with_scores_and_a_threshold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path, "c.csv", COLUMNS)
    args = ["report", source, "--multilabel", "--true-cols", "a,b", "--pred-cols", "pa,pb"]
    assert main([*args, "--threshold", "0.4", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("label,support,predicted,tn,fp,fn,tp")
    assert lines[2].startswith("b,2,2,")  # 0.4 >= 0.4: predicted
    for fmt, marker in (
        ("markdown", "# Multilabel report"),
        ("html", "<table"),
        ("text", "hamming"),
    ):
        assert main([*args, "--format", fmt]) == 0
        assert marker in capsys.readouterr().out


def test_plot_writes_the_co_confusion_heatmap(tmp_path: Path) -> None:
    source = write(tmp_path, "p.csv", LISTS)
    assert main(["report", source, "--multilabel", "--plot", str(tmp_path / "co.svg")]) == 0
    assert (tmp_path / "co.svg").read_text().lstrip().startswith("<?xml")


@pytest.mark.parametrize(
    ("text", "extra", "match"),
    [
        (LISTS, ["--multilabel", "--top-k", "2"], "--top-k is for single-label"),
        (COLUMNS, ["--multilabel", "--true-cols", "a,b"], "go together"),
        (
            COLUMNS,
            ["--multilabel", "--true-cols", "a,b", "--pred-cols", "pa"],
            "one column per label",
        ),
        ("y_true,y_pred\nnot json,[]\n", ["--multilabel"], "JSON list per row"),
        ('y_true,y_pred\n"[1, null]","[1, 0]"\n', ["--multilabel"], "missing value inside"),
    ],
    ids=["multilabel-top-k", "cols-pair", "cols-count", "not-json", "null-in-list"],
)
def test_bad_usage_is_one_line_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, extra: list[str], match: str
) -> None:
    source = write(tmp_path, "x.csv", text)
    assert match in usage_error(capsys, ["report", source, *extra])


def test_document_of_weighted_and_undefined_results_is_valid() -> None:
    ml = MultilabelConfusion.from_predictions(
        [[0, 0, 1], [0, 0, 1]], [[0, 1, 0], [0, 0, 1]], sample_weight=[0.5, 2.0]
    )
    document = ml.to_dict()
    VALIDATOR.validate(document)
    assert document["per_label"]["0"]["precision"] is None
    assert document["weighted"] is True
    broken = dict(document, kind="matrix")
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate(broken)


def test_blank_label_names_are_refused_as_for_classes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "m.csv"
    source.write_text("a,b,pa,pb\n1,0,1,0\n0,1,0,1\n")
    args = ["report", str(source), "--multilabel", "--true-cols", "a,,b", "--pred-cols", "pa,pb"]
    assert main(args) == 2
    assert "blank name at position 2" in capsys.readouterr().err


# -- list columns: JSON lines, Parquet lists, CSV cells of JSON text ------------------------

NAMES_JSONL = (
    '{"y": ["cat", "dog"], "p": ["dog"]}\n'
    '{"y": [], "p": ["cat"]}\n'
    '{"y": ["bird"], "p": null}\n'
    '{"y": ["dog"], "p": []}\n'
)


def _json_report(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["report", *args, "--multilabel", "--format", "json"]) == 0
    document: dict[str, object] = json.loads(capsys.readouterr().out)
    VALIDATOR.validate(document)
    return document


def _expected(y_true: object, y_pred: object, labels: list[str]) -> dict[str, object]:
    return MultilabelConfusion.from_predictions(y_true, y_pred, labels=labels).to_dict()


def test_jsonl_lists_of_label_names_null_is_missing_empty_is_an_empty_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path, "names.jsonl", NAMES_JSONL)
    cols = ["--true-col", "y", "--pred-col", "p"]
    assert main(["report", source, "--multilabel", *cols]) == 2
    assert "column 'p' has a missing value (None) at data row 3" in capsys.readouterr().err
    document = _json_report(capsys, source, *cols, "--dropna", "--classes", "bird,cat,dog")
    assert document == _expected(
        [[0, 1, 1], [0, 0, 0], [0, 0, 1]], [[0, 0, 1], [0, 1, 0], [0, 0, 0]], ["bird", "cat", "dog"]
    )


def test_jsonl_fixed_length_lists_of_indicators_and_scores(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [([1, 0, 1], [0.9, 0.2, 0.4]), ([0, 0, 0], [0.1, 0.7, 0.6]), ([0, 1, 1], [0, 1, 1])]
    text = "".join(json.dumps({"y": y, "p": p}) + "\n" for y, p in rows)
    source = write(tmp_path, "scores.jsonl", text)
    document = _json_report(capsys, source, "--true-col", "y", "--pred-col", "p")
    y_true, y_pred = [y for y, _ in rows], [p for _, p in rows]
    assert document == _expected(y_true, y_pred, ["0", "1", "2"])
    ragged = write(tmp_path, "ragged.jsonl", text + '{"y": [1, 0], "p": [0.5, 0.5]}\n')
    assert main(["report", ragged, "--multilabel", "--true-col", "y", "--pred-col", "p"]) == 2
    err = capsys.readouterr().err
    assert "got 2 in data row 4" in err
    assert len(err.strip().splitlines()) == 1


def test_parquet_list_columns_of_strings_and_doubles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    names = tmp_path / "names.parquet"
    strings = pa.list_(pa.string())
    pq.write_table(
        pa.table(
            {
                "y": pa.array([["cat", "dog"], [], None, ["dog"]], strings),
                "p": pa.array([["dog"], ["cat"], ["bird"], []], strings),
            }
        ),
        names,
    )
    cols = ["--true-col", "y", "--pred-col", "p"]
    assert main(["report", str(names), "--multilabel", *cols]) == 2
    assert "column 'y' has a missing value (None) at data row 3" in capsys.readouterr().err
    document = _json_report(capsys, str(names), *cols, "--dropna")
    assert document == _expected([[1, 1], [0, 0], [0, 1]], [[0, 1], [1, 0], [0, 0]], ["cat", "dog"])
    scores = tmp_path / "scores.parquet"
    doubles = pa.list_(pa.float64())
    pq.write_table(
        pa.table(
            {
                "y": pa.array([[1.0, 0.0], [0.0, 1.0]], doubles),
                "p": pa.array([[0.8, 0.6], [0.3, 0.2]], doubles),
            }
        ),
        scores,
    )
    document = _json_report(capsys, str(scores), *cols, "--threshold", "0.7")
    assert document == _expected([[1, 0], [0, 1]], [[1, 0], [0, 0]], ["0", "1"])
    assert main(["report", str(scores), *cols]) == 2  # a single-label report refuses lists
    assert "holds lists" in capsys.readouterr().err


def test_csv_cells_of_json_text_and_a_malformed_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = 'y,p\n"[""cat"", ""dog""]","[""dog""]"\n,"[""cat""]"\n"[]","[]"\n'
    source = write(tmp_path, "cells.csv", text)
    cols = ["--true-col", "y", "--pred-col", "p"]
    assert main(["report", source, "--multilabel", *cols]) == 2
    assert "column 'y' has a missing value (None) at data row 2" in capsys.readouterr().err
    document = _json_report(capsys, source, *cols, "--dropna")
    assert document == _expected([[1, 1], [0, 0]], [[0, 1], [0, 0]], ["cat", "dog"])
    broken = write(tmp_path, "broken.csv", text + '"[""cat""","[]"\n')
    assert main(["report", broken, "--multilabel", *cols, "--dropna"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("confmat: error: ")
    assert "column 'y' must hold a JSON list per row" in err
    assert "in data row 4" in err
    assert len(err.strip().splitlines()) == 1


def test_the_shared_renderers_take_title_and_top(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = write(tmp_path, "c.csv", "a,b,c,pa,pb,pc\n1,0,0,0,1,1\n0,1,0,1,0,1\n1,1,1,0,0,0\n")
    args = ["report", source, "--multilabel", "--true-cols", "a,b,c", "--pred-cols", "pa,pb,pc"]
    assert main([*args, "--format", "markdown", "--title", "Tags <v2>", "--top", "1"]) == 0
    markdown = capsys.readouterr().out
    assert markdown.startswith("# Tags \\<v2\\>\n")
    pairs = markdown[markdown.index("## Most often predicted instead") :]
    assert pairs.count("\n| a |") + pairs.count("\n| b |") == 1  # --top 1: one pair
    assert main([*args, "--plot", str(tmp_path / "co.svg"), "--title", "Co", "--top", "2"]) == 0
    assert "Label missed" in (tmp_path / "co.svg").read_text()
