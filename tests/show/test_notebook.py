"""In a notebook, figures display without importing pyplot first (issue 10, item 10).

Runs a small notebook through nbclient on a kernel of this very interpreter, with this very
confmat on its path, and checks what the notebook shows: images for the heatmap and the grid of
misclassified samples, the HTML view for a matrix.
"""

import base64
import json
import sys
from pathlib import Path

import pytest

import confmat

CELLS = {
    "setup": (
        "import sys, torch, confmat\n"
        "cm = confmat.ConfusionMatrix([[5, 1], [2, 8]], ['no', 'yes'])\n"
        "'matplotlib.pyplot' in sys.modules"
    ),
    "heatmap": "cm.plot()",
    "misclassified": (
        "images = torch.rand(6, 1, 8, 8)\n"
        "data = torch.utils.data.TensorDataset(images, torch.tensor([0, 1, 0, 1, 0, 1]))\n"
        "model = lambda x: torch.stack([x.mean((1, 2, 3)), 0.5 * torch.ones(len(x))], 1)\n"
        "result = confmat.evaluate(model, torch.utils.data.DataLoader(data, batch_size=4),\n"
        "                          from_logits=False, progress=False)\n"
        "result.show_misclassified(k=4)"
    ),
    "matrix": "cm",
    "pyplot-after": "import matplotlib.pyplot as plt\ncm.plot()",
}


@pytest.fixture
def kernel_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A kernelspec that starts this interpreter with this confmat first on its path."""
    source = str(Path(confmat.__file__).resolve().parents[1])
    spec = tmp_path / "kernels" / "confmat-test"
    spec.mkdir(parents=True)
    kernel = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "confmat test",
        "language": "python",
        "env": {"PYTHONPATH": source},
    }
    (spec / "kernel.json").write_text(json.dumps(kernel))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    return "confmat-test"


def _run(kernel_name: str) -> dict[str, list[dict]]:
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell(source) for source in CELLS.values()]
    )
    NotebookClient(notebook, kernel_name=kernel_name, timeout=300).execute()
    return {name: cell.outputs for name, cell in zip(CELLS, notebook.cells, strict=True)}


def _images(outputs: list[dict]) -> list[bytes]:
    return [
        base64.b64decode(out["data"]["image/png"])
        for out in outputs
        if "image/png" in out.get("data", {})
    ]


@pytest.mark.slow
def test_notebook_displays_figures_without_importing_pyplot(kernel_name):
    outputs = _run(kernel_name)
    (setup,) = outputs["setup"]
    assert setup["data"]["text/plain"] == "False"  # confmat did not import pyplot
    for name in ("heatmap", "misclassified", "pyplot-after"):
        (image,) = _images(outputs[name])  # exactly one picture, not two
        assert image.startswith(b"\x89PNG\r\n\x1a\n")
    (matrix,) = outputs["matrix"]
    assert '<table class="cm-matrix">' in matrix["data"]["text/html"]
