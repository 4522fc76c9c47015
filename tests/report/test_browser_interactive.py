"""The interactive HTML report in headless Chromium: cells, samples, sorting, filter, views, links.

One browser for the module; the page is opened afresh where a test needs a clean state. After
every interaction the hostile class names must still be text (no element, no attribute made
from them), and the page must have made no request, logged no error and violated no CSP rule.
"""

import json

import numpy as np
import pytest
import torch

from confmat import ConfusionMatrix
from confmat._internal.report import render_html
from confmat._internal.report._format import printable
from confmat._internal.show.gallery import thumbnail_data_uri
from confmat._internal.stream.reservoir import Sample
from devtools import chromium

pytestmark = pytest.mark.browser

NAMES = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "</style><b>bold</b>",
    "javascript:alert(3)",
    "cat & dog",
    "plain",
]
COUNTS = torch.tensor(
    [
        [20, 3, 0, 1, 0, 0],
        [4, 15, 1, 0, 0, 2],
        [0, 1, 9, 0, 0, 0],
        [2, 0, 0, 3, 0, 0],
        [0, 0, 5, 0, 11, 1],
        [0, 0, 0, 0, 0, 0],  # no sample: its shares of the true class are undefined
    ]
)
KEPT = {(0, 1): 3, (1, 0): 4, (4, 2): 2, (0, 0): 2}


def _gallery():
    rng = np.random.default_rng(0)
    items = []
    for (i, j), k in KEPT.items():
        for n in range(k):
            picture = rng.random((28, 28))
            sample = Sample(100 * i + 10 * j + n, NAMES[i], NAMES[j], 0.9 - 0.1 * n, 1.5 + n)
            items.append((thumbnail_data_uri(picture), f"{NAMES[i]} -> {NAMES[j]}", sample))
    return items


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    path = tmp_path_factory.mktemp("interactive") / "report.html"
    cm = ConfusionMatrix(COUNTS, NAMES)
    page = render_html(cm, title="<script>alert('title')</script>", gallery=_gallery())
    path.write_text(page, encoding="utf-8")
    return path.as_uri()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with chromium(tmp_path_factory.mktemp("chromium")) as page:
        yield page


@pytest.fixture
def page(browser, url):
    browser.open(url)
    yield browser
    _assert_clean(browser)


def _assert_clean(page):
    """No error, no dialog, no CSP violation, no request beyond the file and its data URIs."""
    page.drain()
    assert page.errors() == []
    assert page.dialogs() == []
    assert page.csp_violations() == []
    assert all(u.startswith(("file:", "data:")) for u in page.requests()), page.requests()


def _assert_inert(page):
    """The hostile names are text everywhere: no element or attribute came from them."""
    assert page.evaluate("[...document.scripts].map(s => s.type)") == ["application/json", ""]
    assert page.evaluate("document.querySelectorAll('iframe, object, embed, b, link').length") == 0
    handlers = "[...document.querySelectorAll('*')].flatMap(e => [...e.attributes])"
    assert page.evaluate(f"{handlers}.filter(a => a.name.startsWith('on')).length") == 0
    links = f"{handlers}.filter(a => ['href', 'src', 'action', 'formaction'].includes(a.name))"
    assert page.evaluate(f"{links}.filter(a => !a.value.startsWith('data:image/png')).length") == 0
    # names reach attributes only as the full text of truncated headers
    titles = "[...document.querySelectorAll('#matrix tbody th')].map(e => e.title)"
    assert page.evaluate(titles) == [printable(name) for name in NAMES]
    images = "[...document.images].every(i => i.closest('#gallery, #cell-samples') !== null)"
    assert page.evaluate(images)
    assert page.evaluate("[...document.images].every(i => i.src.startsWith('data:image/png'))")
    expected = [printable(name) for name in NAMES]
    rows = "[...document.querySelectorAll('#matrix tbody th')].map(e => e.textContent)"
    columns = "[...document.querySelectorAll('#matrix thead th span')].map(e => e.textContent)"
    assert page.evaluate(rows) == expected
    assert page.evaluate(columns) == expected
    assert page.evaluate("document.title") == "<script>alert('title')</script>"


def _cell(i, j):
    return f"#matrix tbody tr:nth-child({i + 1}) td:nth-of-type({j + 1})"


def _panel(page):
    return page.evaluate(
        "({hidden: document.getElementById('cell').hidden,"
        " title: document.getElementById('cell-title').textContent,"
        " numbers: [...document.querySelectorAll('#cell-numbers dd')].map(e => e.textContent),"
        " labels: [...document.querySelectorAll('#cell-numbers dt')].map(e => e.textContent),"
        " samples: [...document.querySelectorAll('#cell-samples figure')].map("
        "   f => f.querySelector('figcaption').textContent),"
        " hash: location.hash})"
    )


def test_a_click_shows_the_cells_numbers_and_samples(page):
    assert page.evaluate("document.getElementById('toolbar').hidden") is False
    assert _panel(page)["hidden"] is True
    page.click(_cell(1, 0))
    panel = _panel(page)
    assert panel["hidden"] is False
    assert panel["title"] == f"true {NAMES[1]} \u2192 predicted {NAMES[0]}"
    assert panel["numbers"] == ["4", f"{100 * 4 / 22:.1f}%", f"{100 * 4 / 26:.1f}%"]
    assert panel["labels"][1] == f"share of true class {NAMES[1]}"
    assert len(panel["samples"]) == KEPT[(1, 0)]
    assert panel["samples"][0] == (f"{NAMES[1]} \u2192 {NAMES[0]}confidence 0.90loss 1.50index 100")
    assert panel["hash"] == "#cell-1-0"
    assert page.evaluate(
        "document.querySelector('td.sel') === document.querySelector("
        + json.dumps(_cell(1, 0))
        + ")"
    )
    _assert_inert(page)
    # a cell of no kept sample, and the undefined shares of a class of no sample
    page.click(_cell(5, 5))
    panel = _panel(page)
    assert panel["numbers"] == ["0", "n/a", "0.0%"]
    assert panel["samples"] == []
    _assert_inert(page)


def test_hover_shows_a_cells_numbers(page):
    page.hover(_cell(0, 1))
    tip = page.evaluate(
        "[document.getElementById('tip').hidden, document.getElementById('tip').textContent]"
    )
    assert tip[0] is False
    assert tip[1] == (
        f"{NAMES[0]} \u2192 {NAMES[1]}: count 3, share of true class {NAMES[0]} 12.5%, "
        f"share of predicted class {NAMES[1]} 15.8%"
    )
    _assert_inert(page)


def test_keyboard_moves_between_cells_and_selects(page):
    page.evaluate("document.querySelector('#matrix td[tabindex=\"0\"]').focus()")
    for key in ("ArrowRight", "ArrowRight", "ArrowDown", "ArrowLeft"):
        page.press(key)
    active = "document.activeElement === document.querySelector(" + json.dumps(_cell(1, 1)) + ")"
    assert page.evaluate(active)
    page.press("Enter")
    panel = _panel(page)
    assert panel["hash"] == "#cell-1-1"
    assert panel["title"] == f"true {NAMES[1]} \u2192 predicted {NAMES[1]}"
    # one tab stop for the whole matrix, on the current cell
    assert page.evaluate("document.querySelectorAll('#matrix td[tabindex=\"0\"]').length") == 1
    page.press("ArrowUp")
    page.press("ArrowUp")  # stops at the edge
    page.press("Enter")
    assert _panel(page)["hash"] == "#cell-0-1"
    # Escape closes the panel (a step in the history) and leaves the focus on the cell
    page.press("Escape")
    panel = _panel(page)
    assert panel["hidden"] is True
    assert panel["hash"] == ""
    assert page.evaluate(
        "document.activeElement === document.querySelector('td.sel, td[tabindex=\"0\"]')"
    )
    page.evaluate("history.back()")
    page.wait_for("location.hash === '#cell-0-1' && !document.getElementById('cell').hidden")
    page.click("#cell-close")
    assert _panel(page)["hidden"] is True
    _assert_inert(page)


def test_back_forward_and_links_to_a_cell(page, url):
    page.click(_cell(0, 1))
    page.click(_cell(4, 2))
    assert _panel(page)["hash"] == "#cell-4-2"
    page.evaluate("history.back()")
    page.wait_for("location.hash === '#cell-0-1'")
    page.wait_for(
        f"document.getElementById('cell-title').textContent.endsWith({json.dumps(NAMES[1])})"
    )
    page.evaluate("history.back()")
    page.wait_for("location.hash === ''")
    page.wait_for("document.getElementById('cell').hidden")
    page.evaluate("history.forward()")
    page.wait_for("location.hash === '#cell-0-1' && !document.getElementById('cell').hidden")
    # a link typed into the address bar, within the page
    page.evaluate("location.hash = '#cell-2-1'")
    page.wait_for(
        f"document.getElementById('cell-title').textContent.endsWith({json.dumps(NAMES[1])})"
    )
    assert _panel(page)["title"].startswith(f"true {NAMES[2]}")
    # a link straight to a cell, from another page
    page.open("about:blank")
    page.open(url + "#cell-4-2")
    panel = _panel(page)
    assert panel["hidden"] is False
    assert panel["title"] == f"true {NAMES[4]} \u2192 predicted {NAMES[2]}"
    assert len(panel["samples"]) == KEPT[(4, 2)]
    _assert_inert(page)


def _per_class_names(page):
    return page.evaluate(
        "[...document.querySelectorAll('table.per-class tbody:first-of-type tr')]"
        ".filter(r => !r.hidden).map(r => r.cells[0].textContent)"
    )


def test_the_per_class_table_sorts_by_any_column(page):
    cm = ConfusionMatrix(COUNTS, NAMES)
    recall = cm.per_class("recall").tolist()
    header = "table.per-class thead th:nth-child({}) button"
    column = page.evaluate(
        "[...document.querySelectorAll('table.per-class thead th')].map(e => e.textContent)"
    ).index("recall")
    page.click(header.format(column + 1))
    defined = sorted((r, k) for k, r in enumerate(recall) if r == r)
    assert _per_class_names(page) == [printable(NAMES[k]) for _, k in defined] + [
        printable(NAMES[5])  # n/a last
    ]
    page.click(header.format(column + 1))
    descending = sorted(defined, key=lambda rk: (-rk[0], rk[1]))
    assert _per_class_names(page)[:5] == [printable(NAMES[k]) for _, k in descending]
    assert (
        page.evaluate(
            f"document.querySelector('table.per-class thead th:nth-child({column + 1})')"
            ".getAttribute('aria-sort')"
        )
        == "descending"
    )
    page.click(header.format(1))  # by name
    assert _per_class_names(page) == sorted([printable(n) for n in NAMES], key=lambda n: n.lower())
    # the averages stay below
    assert page.evaluate("document.querySelectorAll('tr.average').length") == 3
    _assert_inert(page)


def test_the_filter_finds_classes_by_name(page):
    page.evaluate("document.getElementById('filter').focus()")
    page.type_text("<SCRIPT")
    visible = (
        "[...document.querySelectorAll('#matrix tbody tr')]"
        ".filter(r => !r.hidden).map(r => r.cells[0].textContent)"
    )
    assert page.evaluate(visible) == [NAMES[0]]
    assert _per_class_names(page) == [NAMES[0]]
    assert (
        page.evaluate("document.getElementById('filter-note').textContent")
        == "1 of 6 rows of the matrix"
    )
    page.evaluate("document.getElementById('filter').select()")
    page.type_text("<")  # markup characters are matched as text
    assert page.evaluate(visible) == NAMES[:3]
    page.evaluate("document.getElementById('filter').select()")
    page.type_text("plain")
    assert page.evaluate(visible) == ["plain"]
    stop = "document.querySelector('#matrix td[tabindex=\"0\"]').parentNode"
    assert page.evaluate(f"{stop}.cells[0].textContent") == "plain"  # the tab stop follows
    page.evaluate("document.getElementById('filter').select()")
    page.type_text("zebra")
    assert page.evaluate(visible) == []
    page.evaluate("document.getElementById('filter').select()")
    page.call(
        "Input.dispatchKeyEvent",
        type="rawKeyDown",
        key="Backspace",
        code="Backspace",
        windowsVirtualKeyCode=8,
    )
    page.call(
        "Input.dispatchKeyEvent",
        type="keyUp",
        key="Backspace",
        code="Backspace",
        windowsVirtualKeyCode=8,
    )
    assert len(page.evaluate(visible)) == 6
    _assert_inert(page)


def test_the_views_switch_between_counts_and_shares(page):
    cells = (
        "[...document.querySelectorAll('#matrix tbody tr:first-child td')]"
        ".map(c => [c.textContent, c.className])"
    )
    counts = page.evaluate(cells)
    assert [text for text, _ in counts] == ["20", "3", "0", "1", "0", "0"]
    assert [css for _, css in counts] == ["d8", "e5", "z", "e2", "z", "z"]
    page.click("input[name=mode][value=row]")
    rows = page.evaluate(cells)
    assert [text for text, _ in rows] == ["83.3%", "12.5%", "0", "4.2%", "0", "0"]
    page.click("input[name=mode][value=col]")
    columns = page.evaluate(cells)
    assert [text for text, _ in columns][:2] == [f"{100 * 20 / 26:.1f}%", f"{100 * 3 / 19:.1f}%"]
    last = (
        "[...document.querySelectorAll('#matrix tbody tr:last-child td')].map(c => c.textContent)"
    )
    page.click("input[name=mode][value=row]")
    assert page.evaluate(last) == ["n/a"] * 6  # a class of no sample
    # a selected cell keeps its outline across views, and the panel its numbers
    page.click(_cell(0, 1))
    page.click("input[name=mode][value=counts]")
    assert page.evaluate(cells) == [counts[0], [counts[1][0], "e5 sel"], *counts[2:]]
    _assert_inert(page)


def test_a_normalized_page_opens_on_its_shares_and_switches_to_every_view(browser, tmp_path):
    path = tmp_path / "normalized.html"
    cm = ConfusionMatrix(COUNTS, NAMES)
    title = "<script>alert('title')</script>"
    path.write_text(render_html(cm, title=title, gallery=_gallery(), normalize="true"))
    browser.open(path.as_uri())
    cells = (
        "[...document.querySelectorAll('#matrix tbody tr:first-child td')]"
        ".map(c => [c.textContent, c.className])"
    )
    unit = "document.getElementById('matrix-unit').textContent"
    checked = "document.querySelector('input[name=mode]:checked').value"
    first = browser.evaluate(cells)
    assert [text for text, _ in first] == ["83.3%", "12.5%", "0", "4.2%", "0", "0"]
    assert browser.evaluate(checked) == "row"
    assert browser.evaluate(unit).startswith("Percent of each true class")
    browser.click("input[name=mode][value=counts]")
    assert [text for text, _ in browser.evaluate(cells)] == ["20", "3", "0", "1", "0", "0"]
    assert browser.evaluate(unit) == "Counts"
    browser.click("input[name=mode][value=all]")
    total = int(COUNTS.sum())
    assert [text for text, _ in browser.evaluate(cells)][:2] == [
        f"{100 * 20 / total:.1f}%",
        f"{100 * 3 / total:.1f}%",
    ]
    assert browser.evaluate(unit) == "Percent of all samples"
    browser.click("input[name=mode][value=row]")
    assert browser.evaluate(cells) == first  # the script draws the view the markup showed
    _assert_clean(browser)


def test_without_javascript_the_page_is_complete(browser, url):
    browser.call("Emulation.setScriptExecutionDisabled", value=True)
    try:
        browser.open(url)
        # DevTools still evaluates; the page's script did not run
        assert browser.evaluate("document.querySelector('#matrix td[tabindex]')") is None
        rows = browser.evaluate(
            "[...document.querySelectorAll('#matrix tbody tr')]"
            ".map(r => [...r.cells].map(c => c.textContent))"
        )
        assert rows == [
            [printable(n), *map(str, row)] for n, row in zip(NAMES, COUNTS.tolist(), strict=True)
        ]
        assert browser.evaluate("document.querySelectorAll('table.per-class tbody tr').length") == 9
        assert browser.evaluate("document.querySelectorAll('table.pairs tbody tr').length") > 0
        figures = browser.evaluate("document.querySelectorAll('#gallery figure').length")
        assert figures == sum(KEPT.values())
        groups = browser.evaluate(
            "[...document.querySelectorAll('#gallery details')].map(d => d.id)"
        )
        assert groups == [f"cell-{i}-{j}" for i, j in KEPT]
        # the controls that need the script stay out of sight
        for element in ("toolbar", "cell", "hint", "tip"):
            assert (
                browser.evaluate(f"getComputedStyle(document.getElementById('{element}')).display")
                == "none"
            )
        assert (
            browser.evaluate("document.getElementById('matrix').getBoundingClientRect().height")
            > 100
        )
        _assert_clean(browser)
    finally:
        browser.call("Emulation.setScriptExecutionDisabled", value=False)


def test_the_checks_see_violations_requests_and_errors(browser, tmp_path):
    # the same checks on a page that breaks every rule must fail: they are not vacuous
    control = tmp_path / "control.html"
    control.write_text(
        "<!DOCTYPE html><meta http-equiv='Content-Security-Policy' content=\"default-src 'none'\">"
        "<script>console.error('ran')</script><img src='http://127.0.0.1:9/x.png'>",
        encoding="utf-8",
    )
    browser.open(control.as_uri())
    browser.drain()
    assert [v[0] for v in browser.csp_violations()] == ["script-src-elem", "img-src"]
    with pytest.raises(AssertionError):
        _assert_clean(browser)
    control.write_text("<!DOCTYPE html><img src='http://127.0.0.1:9/x.png'>", encoding="utf-8")
    browser.open(control.as_uri())
    browser.drain()
    assert "http://127.0.0.1:9/x.png" in browser.requests()


def test_a_binary_report_keeps_its_lead_and_its_cells(browser, tmp_path):
    path = tmp_path / "binary.html"
    cm = ConfusionMatrix([[50, 3], [4, 43]], ["healthy", "<sick>"], positive="<sick>")
    path.write_text(render_html(cm), encoding="utf-8")
    browser.open(path.as_uri())
    assert (
        browser.evaluate("document.querySelectorAll('#positive-class table.binary tr').length") > 1
    )
    browser.click(_cell(1, 0))
    panel = _panel(browser)
    assert panel["title"] == "true <sick> \u2192 predicted healthy"
    assert panel["numbers"] == ["4", f"{100 * 4 / 47:.1f}%", f"{100 * 4 / 54:.1f}%"]
    _assert_clean(browser)


def test_a_bounded_view_is_shaded_by_the_classes_shown_in_every_view(browser, tmp_path):
    from confmat._internal.report.interactive import HEATMAP_FULL_MAX

    size = HEATMAP_FULL_MAX + 40  # the (other) row and column sum many left-out classes
    counts = np.eye(size, dtype=np.int64) * 50
    counts[0, 1] = counts[1, 0] = 4
    counts[np.arange(2, size - 1), np.arange(3, size)] = 1
    names = [f"class {i}" for i in range(size)]
    path = tmp_path / "bounded.html"
    path.write_text(render_html(ConfusionMatrix(counts, names)), encoding="utf-8")
    browser.open(path.as_uri())
    first = (
        "[...document.querySelectorAll('#matrix tbody tr:first-child td')].map(c => c.className)"
    )
    corner = "document.querySelector('#matrix tbody tr:last-child td:last-child').className"
    markup = browser.evaluate(first)
    assert markup[:2] == ["d8", "e8"]  # not paled by the (other) sums
    assert browser.evaluate(corner) == "d8"  # (other, other) saturates
    for mode in ("row", "col", "all", "counts"):
        browser.click(f"input[name=mode][value={mode}]")
        assert browser.evaluate(first)[0] == "d8", mode
        assert browser.evaluate(corner) in ("d8", "na"), mode
    assert browser.evaluate(first) == markup  # back on counts: the markup's shades
    browser.click(_cell(0, 1))
    title = browser.evaluate("document.getElementById('cell-title').textContent")
    assert title == "true class 0 \u2192 predicted class 1"
    _assert_clean(browser)
