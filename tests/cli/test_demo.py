"""The demo, run in-process into a temporary directory: its files, its numbers, its manners."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path
from typing import Any

import matplotlib
import pytest
import torch

from confmat._internal.cli import demo
from confmat._internal.cli import main as cli

matplotlib.use("Agg")
pytest.importorskip("sklearn")

pytestmark = pytest.mark.slow

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("demo") / "confmat-demo"  # created by the demo
    stream = io.StringIO()
    rng = torch.get_rng_state()
    threads = torch.get_num_threads()
    started = time.perf_counter()
    written = demo.run_demo(out, seed=0, stream=stream)
    seconds = time.perf_counter() - started
    return {
        "out": out,
        "written": written,
        "text": stream.getvalue(),
        "seconds": seconds,
        "rng_kept": torch.equal(rng, torch.get_rng_state()),
        "threads_kept": threads == torch.get_num_threads(),
    }


def _json(run: dict[str, Any], name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((run["out"] / f"{name}.json").read_text())
    return document


def test_writes_every_output(run: dict[str, Any]) -> None:
    out: Path = run["out"]
    assert [p.name for p in run["written"]] == list(demo.OUTPUTS)
    assert sorted(p.name for p in out.iterdir()) == sorted([*demo.OUTPUTS, demo.MARKER])
    for name in demo.OUTPUTS:
        if name.endswith(".png"):
            assert (out / name).read_bytes().startswith(PNG)
    assert run["seconds"] < 60


def test_digits_document(run: dict[str, Any]) -> None:
    document = _json(run, "digits")
    assert document["schema_version"] == 1
    assert document["classes"] == [str(d) for d in range(10)]
    assert document["n"] == 450  # a stratified quarter of the 1797 digits
    matrix = torch.tensor(document["matrix"])
    assert matrix.shape == (10, 10)
    assert int(matrix.sum()) == 450
    assert document["positive_class"] is None
    assert document["overall"]["accuracy"] > 0.9
    assert document["overall"]["accuracy"] == pytest.approx(float(matrix.trace()) / 450)


def test_breast_cancer_document(run: dict[str, Any]) -> None:
    document = _json(run, "breast_cancer")
    assert document["classes"] == ["benign", "malignant"]
    assert document["positive_class"] == "malignant"
    assert document["n"] == 143  # a stratified quarter of the 569 cases
    assert [sum(row) for row in document["matrix"]] == [90, 53]  # 357 benign, 212 malignant
    assert document["overall"]["accuracy"] > 0.9


def test_html_reports(run: dict[str, Any]) -> None:
    digits = (run["out"] / "digits.html").read_text()
    assert digits.startswith("<!DOCTYPE html>")
    assert '<table class="matrix" id="matrix">' in digits  # the heatmap, an HTML table
    assert "data:image/png;base64," in digits  # the kept samples of the cells
    assert '<details class="cell-samples" id="cell-' in digits
    cancer = (run["out"] / "breast_cancer.html").read_text()
    assert '<table class="matrix" id="matrix">' in cancer
    assert "malignant" in cancer


def test_terminal_report(run: dict[str, Any]) -> None:
    text = run["text"]
    assert "handwritten digits" in text
    assert "breast cancer" in text
    assert "Most confused pairs" in text
    assert "\x1b[" not in text  # no colour codes when the stream is not a terminal
    assert text.rstrip().endswith(f"wrote {run['out'] / 'breast_cancer.png'}")


def test_leaves_global_torch_state_alone(run: dict[str, Any]) -> None:
    assert run["rng_kept"]
    assert run["threads_kept"]


def test_same_seed_same_numbers(run: dict[str, Any]) -> None:
    for task in (demo.digits_task(), demo.breast_cancer_task()):
        again = demo.train_and_evaluate(task, seed=0)
        assert again.matrix.counts.tolist() == _json(run, task.name)["matrix"]


def test_reruns_into_its_own_directory(run: dict[str, Any]) -> None:
    # the marker allows a rerun to replace the demo's own files: check it without training
    assert demo.prepare_output(run["out"]) == run["out"]


def test_never_replaces_foreign_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "digits.html").write_text("my own report")
    assert cli.main(["demo", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "digits.html" in err
    assert err.count("\n") == 1
    assert (tmp_path / "digits.html").read_text() == "my own report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["digits.html"]


def test_out_must_be_a_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    assert cli.main(["demo", "--out", str(target)]) == 2
    assert "is a file" in capsys.readouterr().err


def test_demo_command_line_options() -> None:
    args = cli.build_parser().parse_args(["demo"])
    assert args.out == demo.DEFAULT_OUT
    assert args.seed == 0
    assert cli.build_parser().parse_args(["demo", "--out", "x", "--seed", "3"]).seed == 3
