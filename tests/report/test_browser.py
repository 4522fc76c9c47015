"""The HTML report in a real browser: headless Chromium driven over the DevTools protocol.

Skipped only where no Chromium can be found (``make test`` installs Debian's ``chromium`` when it
is missing and apt is available).
"""

import io
import os
import time

import pytest
import torch

from confmat import ConfusionMatrix
from confmat._internal.report import render_html
from devtools import chromium

pytestmark = pytest.mark.browser

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "normal",
    "</td></tr></table><iframe src=javascript:alert(1)>",
]

PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAE"
    "hQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _distinct_colours(png: bytes) -> int:
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    return len(image.getcolors(maxcolors=image.width * image.height) or [])


@pytest.fixture(scope="module")
def report_file(tmp_path_factory):
    counts = torch.tensor([[20, 2, 0, 1], [3, 15, 1, 0], [0, 1, 9, 0], [2, 0, 0, 3]])
    cm = ConfusionMatrix(counts, HOSTILE)
    path = tmp_path_factory.mktemp("browser") / "report.html"
    page = render_html(
        cm,
        title="<script>alert('title')</script>",
        source='"><img src=x onerror=alert(1)>.csv',
        gallery=[(PNG, "<img src=x onerror=alert(3)>")],
    )
    path.write_text(page, encoding="utf-8")
    return path


def test_report_renders_in_chromium_without_errors_or_injection(report_file, tmp_path):
    started = time.monotonic()
    with chromium(tmp_path) as page:
        page.open(report_file.as_uri())
        assert page.errors() == []
        assert page.dialogs() == []
        # the heatmap and the tables are there
        assert page.evaluate("document.querySelectorAll('#matrix tbody td').length") == 16
        assert (
            page.evaluate("document.querySelector('#matrix').getBoundingClientRect().width") > 100
        )
        assert page.evaluate("document.querySelectorAll('table.per-class tbody tr').length") == 7
        # hostile names are text, in the cells where they belong
        names = page.evaluate(
            "[...document.querySelectorAll('table.per-class tbody th')].map(e => e.textContent)"
        )
        assert names == HOSTILE
        assert page.evaluate("document.title") == "<script>alert('title')</script>"
        # nothing was injected: only the page's own two scripts (its data and its code), no
        # frame, no handler, one image (the gallery's)
        assert page.evaluate("[...document.scripts].map(s => s.type)") == ["application/json", ""]
        assert page.evaluate("document.querySelectorAll('iframe, object, embed').length") == 0
        assert page.evaluate("document.querySelectorAll('[onerror], [onload]').length") == 0
        assert page.evaluate("[...document.images].map(i => i.closest('#gallery') !== null)") == [
            True
        ]
        png = page.screenshot()
        assert png.startswith(b"\x89PNG")
        assert _distinct_colours(png) > 50  # text, table rules and the heatmap's colours
        # the same browser does see a dialog when a page really opens one
        control = tmp_path / "control.html"
        control.write_text("<img src=x onerror=alert(1)>", encoding="utf-8")
        page.open(control.as_uri())
        deadline = time.monotonic() + 5
        while not page.dialogs() and time.monotonic() < deadline:
            page.call("Runtime.evaluate", expression="0")
        assert len(page.dialogs()) == 1
        assert page.errors() != []  # the missing image "x" is reported as an error
    assert time.monotonic() - started < 30


def test_blank_page_is_told_apart(tmp_path):
    blank = tmp_path / "blank.html"
    blank.write_text("<!DOCTYPE html><title>x</title>", encoding="utf-8")
    with chromium(tmp_path) as page:
        page.open(blank.as_uri())
        assert _distinct_colours(page.screenshot()) <= 2


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    # the DevTools endpoint is local; a proxy from the environment must not intercept it
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    assert "http_proxy" not in os.environ
