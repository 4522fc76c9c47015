"""The interactive HTML report without a browser: its CSP, its data block, its size, its samples.

The browser tests (``test_browser_interactive.py``) drive the page; these check the file.
"""

import base64
import hashlib
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch

import confmat
from confmat import ConfusionMatrix
from confmat._internal.report import render_html
from confmat._internal.report._format import printable
from confmat._internal.report.interactive import matrix_table, shade_levels
from confmat._internal.report.model import build_report
from confmat._internal.show.gallery import thumbnail_data_uri
from confmat._internal.stream.reservoir import Sample
from confmat.exceptions import OptionError

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "</style><b>x</b>",
    "javascript:alert(3)",
    "a & b \u2028 c",
    "</SCRIPT ><!--",
]
SCRIPT = Path(confmat.__file__).parent / "_internal" / "report" / "templates" / "report.js"
PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAE"
    "hQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _sha256(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _csp(page):
    found = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    directives = [part.strip().split() for part in found.group(1).split(";")]
    return {d[0]: d[1:] for d in directives}


def test_the_csp_allows_exactly_the_inline_script_and_style_by_hash():
    page = render_html(ConfusionMatrix([[3, 1], [2, 4]], HOSTILE[:2]))
    csp = _csp(page)
    script = re.findall(r"<script>(.*?)</script>", page, flags=re.S)
    style = re.findall(r"<style>(.*?)</style>", page, flags=re.S)
    assert len(script) == 1
    assert len(style) == 1
    assert csp["default-src"] == ["'none'"]
    assert csp["script-src"] == [_sha256(script[0])]
    assert csp["style-src"] == [_sha256(style[0])]
    assert csp["img-src"] == ["data:"]
    assert csp["base-uri"] == ["'none'"]
    assert "unsafe" not in page.split("<style>")[0]
    assert script[0] == SCRIPT.read_text(encoding="utf-8")


def test_the_script_uses_no_eval_and_writes_no_markup():
    code = SCRIPT.read_text(encoding="utf-8")
    for forbidden in (
        "eval(",
        "Function(",
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        'setAttribute("on',
        "setTimeout(",
        "import(",
        "fetch(",
        "XMLHttpRequest",
        "http",
    ):
        assert forbidden not in code, forbidden


def test_the_data_block_keeps_hostile_names_inert():
    cm = ConfusionMatrix(torch.eye(len(HOSTILE), dtype=torch.int64) * 3 + 1, HOSTILE)
    page = render_html(cm, title="t")
    block = re.search(
        r'<script type="application/json" id="confmat-data">(.*?)</script>', page, flags=re.S
    ).group(1)
    assert not set("<>&") & set(block)
    data = json.loads(block)
    assert data["classes"] == [printable(name) for name in HOSTILE]
    assert data["order"] == list(range(len(HOSTILE)))
    assert data["counts"][0] == ["4", "1", "1", "1", "1", "1"]
    assert data["row"][0][0] == pytest.approx(4 / 9, abs=1e-5)
    assert page.lower().count("</script") == 2  # the data block's end and the script's end


def test_undefined_shares_are_null_in_the_data():
    page = render_html(ConfusionMatrix([[2, 1], [0, 0]], ["a", "b"]))
    block = re.search(r'id="confmat-data">(.*?)</script>', page, flags=re.S).group(1)
    data = json.loads(block)
    assert data["row"] == [
        [pytest.approx(2 / 3, abs=1e-5), pytest.approx(1 / 3, abs=1e-5)],
        [None, None],
    ]
    assert data["col"] == [[1.0, 1.0], [0.0, 0.0]]
    assert data["all"] == [[pytest.approx(2 / 3, abs=1e-5), pytest.approx(1 / 3, abs=1e-5)], [0, 0]]
    assert data["shade"] == {"counts": "8800", "row": "88nn", "col": "8800", "all": "8800"}


def test_shade_levels_scale_the_diagonal_and_the_errors_apart():
    values = np.array([[100.0, 1.0, 0.0], [4.0, 50.0, 2.0], [0.0, 0.0, 0.0]])
    # the diagonal relative to 100, the errors relative to 4: ceil(8 * value / largest)
    assert shade_levels(values) == "820" + "844" + "000"


def test_many_classes_show_the_most_confused_in_the_matrix():
    counts = torch.eye(120, dtype=torch.int64) * 5
    counts[7, 90] = 9
    view = matrix_table(build_report(ConfusionMatrix(counts)))
    assert len(view.order) == 21  # and (other), index -1 (issue 12)
    assert view.order[-1] == -1
    assert view.names[-1] == "(other)"
    assert 7 in view.order
    assert 90 in view.order
    assert "of 120" in view.caption


def test_samples_are_grouped_by_cell_with_their_numbers():
    cm = ConfusionMatrix([[5, 2], [1, 4]], ["cat", "<dog>"])
    gallery = [
        (PNG, "cat -> <dog>", Sample(17, "cat", "<dog>", 0.81234, 2.5)),
        (PNG, "cat -> <dog>", Sample(3, "cat", "<dog>", 0.7, 1.25)),
        (PNG, "<dog> -> cat", Sample(9, "<dog>", "cat", 0.6, 0.9)),
        (PNG, "loose"),
    ]
    page = render_html(cm, gallery=gallery)
    assert page.count(f'<img src="{PNG}"') == 4  # each sample once
    assert '<details class="cell-samples" id="cell-0-1" open>' in page
    assert '<details class="cell-samples" id="cell-1-0" open>' in page
    assert "<summary>cat \u2192 &lt;dog&gt;: 2 in the cell (2 shown)</summary>" in page
    assert (
        "<figcaption><span>cat \u2192 &lt;dog&gt;</span><span>confidence 0.81</span>"
        "<span>loss 2.50</span><span>index 17</span></figcaption>"
    ) in page
    assert "Samples not placed in a cell" in page
    assert (
        "3 kept samples of 2 of the 4 non-empty cells; the samples of the other cells are" in page
    )


def test_a_gallery_triple_needs_a_sample():
    cm = ConfusionMatrix([[5, 2], [1, 4]])
    with pytest.raises(OptionError, match=r"gallery\[0\].*Sample"):
        render_html(cm, gallery=[(PNG, "x", {"true": "0"})])


def test_thumbnails_are_shrunk_never_enlarged():
    from PIL import Image

    def size(uri):
        return Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))).size

    assert size(thumbnail_data_uri(np.zeros((8, 8)))) == (8, 8)
    assert size(thumbnail_data_uri(np.zeros((224, 224, 3), dtype=np.uint8))) == (56, 56)
    assert size(thumbnail_data_uri(np.ones((64, 65)))) == (32, 32)


class _NoiseImages:
    """Incompressible 32x32 RGB images (the worst case for PNG), one per dataset index."""

    def __getitem__(self, index):
        return np.random.default_rng(index).integers(0, 256, (32, 32, 3), dtype=np.uint8)


@pytest.mark.slow
def test_a_report_of_100_classes_with_8_samples_per_cell_stays_under_5_mb():
    size, per_cell = 100, 8
    k = torch.arange(size * size * per_cell)
    true = (k % (size * size)) // size  # predicted k % size: every cell gets 8 samples
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(k.unsqueeze(1), true), batch_size=16384
    )

    def model(x):
        return torch.nn.functional.one_hot(x[:, 0] % size, size).float() * 3

    result = confmat.evaluate(model, loader, keep_samples=per_cell, progress=False)
    assert len(result.samples()) == size * size * per_cell
    gallery = result.cell_gallery(_NoiseImages())
    assert len(gallery) == 400
    assert all(s.true != s.pred for _, _, s in gallery)  # errors first
    page = render_html(result.matrix, gallery=gallery)
    megabytes = len(page.encode("utf-8")) / 1e6
    assert megabytes < 5, megabytes
    assert page.count("data:image/png") == 400  # each sample stored once
    assert (
        "400 kept samples of 400 of the 10000 non-empty cells; the samples of the other cells are "
        "left out of this file to keep it small"
    ) in page


def test_the_classes_shown_set_the_shades_and_the_other_sums_saturate() -> None:
    from confmat._internal.report.interactive import HEATMAP_FULL_MAX, page_data

    size = HEATMAP_FULL_MAX + 40  # a bounded view: (other) sums the classes left out
    counts = torch.eye(size, dtype=torch.int64) * 50
    counts[0, 1] = counts[1, 0] = 4
    for i in range(2, size - 1):
        counts[i, i + 1] = 1
    report = build_report(ConfusionMatrix(counts))
    table = matrix_table(report)
    assert table.names[-1] == "(other)"
    styles = [[cell.css for cell in row] for row in table.rows]
    assert styles[0][0] == "d8"  # a shown class's diagonal: the darkest shown
    assert styles[0][1] == "e8"  # the largest shown error, not paled by the (other) sums
    assert styles[-1][-1] == "d8"  # (other, other) saturates
    assert any(css == "e2" for row in styles for css in row)  # 1 of 4: a light shade
    data = json.loads(page_data(report, table))
    k = len(table.names)
    counts_block = np.array([[float(x) for x in row] for row in data["counts"]])
    assert data["shade"]["counts"] == shade_levels(counts_block, True)
    for mode, levels in data["shade"].items():  # every view the script switches to
        assert len(levels) == k * k, mode
        assert levels[0] == "8", mode  # a shown class sets the scale
        assert levels[-1] in "8n", mode  # (other, other): saturated (or undefined)
    shown = "".join(css[1:] if css[0] in "de" else "0" for row in styles for css in row)
    assert shown == data["shade"]["counts"]  # the markup and the script agree
    assert len(data["classes"]) == k - 1  # the shown classes' names only
