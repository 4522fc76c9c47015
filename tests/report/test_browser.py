"""The HTML report in a real browser: headless Chromium driven over the DevTools protocol.

Skipped only where no Chromium can be found (``make test`` installs Debian's ``chromium`` when it
is missing and apt is available).
"""

import base64
import contextlib
import io
import itertools
import json
import os
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import torch

from confmat import ConfusionMatrix
from confmat.report import render_html

pytestmark = pytest.mark.browser

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "normal",
    "</td></tr></table><iframe src=javascript:alert(1)>",
]

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAE"
    "hQGAhKmMIQAAAABJRU5ErkJggg=="
)


def _browser() -> str:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("no Chromium found (install Debian's 'chromium' package)")


class Page:
    """One page of a headless Chromium, driven over the DevTools protocol (a websocket)."""

    def __init__(self, url: str) -> None:
        import websocket

        self.socket = websocket.create_connection(url, timeout=20, suppress_origin=True)
        self.ids = itertools.count(1)
        self.events: list[dict] = []

    def call(self, method: str, **params: object) -> dict:
        ident = next(self.ids)
        self.socket.send(json.dumps({"id": ident, "method": method, "params": params}))
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == ident:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self._event(message)

    def _event(self, message: dict) -> None:
        self.events.append(message)
        if message.get("method") == "Page.javascriptDialogOpening":
            # answer at once, so that a dialog can never block the page
            ident = next(self.ids)
            params = {"accept": False}
            self.socket.send(
                json.dumps({"id": ident, "method": "Page.handleJavaScriptDialog", "params": params})
            )

    def open(self, url: str) -> None:
        """Navigate and wait for the load event."""
        self.events.clear()
        self.call("Page.navigate", url=url)
        deadline = time.monotonic() + 15
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not load")
            self._event(json.loads(self.socket.recv()))
        self.call("Runtime.evaluate", expression="0")  # drain what the load produced

    def evaluate(self, expression: str) -> object:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")

    def dialogs(self) -> list[dict]:
        return [e for e in self.events if e.get("method") == "Page.javascriptDialogOpening"]

    def errors(self) -> list[dict]:
        errors = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown" or (
                method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert")
            ):
                errors.append(params)
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                errors.append(params["entry"])
        return errors

    def screenshot(self) -> bytes:
        return base64.b64decode(self.call("Page.captureScreenshot", format="png")["data"])


@contextlib.contextmanager
def chromium(tmp_path: Path):
    profile = tmp_path / "profile"
    command = [
        _browser(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-default-apps",
        "--no-first-run",
        "--no-default-browser-check",
        "--hide-scrollbars",
        "--window-size=1280,1600",
        f"--user-data-dir={profile}",
        "--remote-debugging-address=127.0.0.1",
        "--remote-debugging-port=0",
        "about:blank",
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    page = None
    try:
        port = _devtools_port(profile / "DevToolsActivePort", process)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as answer:
            targets = json.load(answer)
        target = next(t for t in targets if t["type"] == "page")
        page = Page(target["webSocketDebuggerUrl"])
        for domain in ("Page", "Runtime", "Log"):
            page.call(f"{domain}.enable")
        yield page
    finally:
        if page is not None:
            page.socket.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _devtools_port(path: Path, process: subprocess.Popen) -> int:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"chromium exited with status {process.returncode}")
        with contextlib.suppress(FileNotFoundError, ValueError, IndexError):
            return int(path.read_text().splitlines()[0])
        time.sleep(0.1)
    pytest.fail("chromium did not open its DevTools port")


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
        assert page.evaluate("document.querySelectorAll('#heatmap svg').length") == 1
        assert page.evaluate("document.querySelector('#heatmap svg').getBBox().width") > 100
        assert page.evaluate("document.querySelectorAll('table.per-class tbody tr').length") == 7
        # hostile names are text, in the cells where they belong
        names = page.evaluate(
            "[...document.querySelectorAll('table.per-class tbody th')].map(e => e.textContent)"
        )
        assert names == HOSTILE
        assert page.evaluate("document.title") == "<script>alert('title')</script>"
        # nothing was injected: no script, no frame, no handler, one image (the gallery's)
        assert page.evaluate("document.scripts.length") == 0
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
