"""The documentation site builds offline with no warning, and its API reference is the public API.

The site is built once per test session (``mkdocs build --strict``, as ``make docs`` does; the
workers of pytest-xdist share the build through a lock). Then:

- no page loads anything from the network (scripts, styles, fonts, images);
- the reference documents every name of every public module's ``__all__`` (``PUBLIC`` of
  tests/test_architecture.py), under its public path (or under another public path of the same
  object, which the other module's page links to), and nothing private: no documented object,
  link or text names ``confmat._internal`` or a ``_private`` name (the docstrings' examples
  aside: they are the doctests, shown as written);
- the docstrings' Sphinx roles are rendered (no raw ``:func:`x```), and the API pages show
  signatures and examples.
"""

from __future__ import annotations

import html
import importlib
import inspect
import json
import os
import re
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from filelock import FileLock

from test_architecture import PUBLIC

ROOT = Path(__file__).resolve().parents[2]
HOOKS = ROOT / "docs" / "hooks"

pytestmark = pytest.mark.slow


def build(site: Path) -> dict[str, object]:
    """``mkdocs build --strict`` into ``site``: its exit status, output and seconds."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    seconds = time.perf_counter() - started
    return {"returncode": done.returncode, "output": done.stdout + done.stderr, "seconds": seconds}


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site, shared by the xdist workers of one session."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if "PYTEST_XDIST_WORKER" in os.environ else base  # a worker's parent
    with FileLock(str(shared / "docs-site.lock")):
        record = shared / "docs-site.json"
        if not record.exists():
            record.write_text(json.dumps(build(shared / "docs-site")), encoding="utf-8")
        result = json.loads(record.read_text(encoding="utf-8"))
    if result["returncode"] != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{result['output']}", pytrace=False)
    return shared / "docs-site"


def pages(site: Path, under: str = "") -> Iterator[tuple[Path, str]]:
    for path in sorted((site / under).rglob("*.html")):
        yield path, path.read_text(encoding="utf-8")


def test_build_has_no_warning(site: Path) -> None:
    # --strict already turns any warning into a failure; the pages are there
    assert (site / "index.html").exists()
    assert (site / "reference" / "index.html").exists()


REMOTE_RESOURCE = re.compile(
    r"<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\bsrc=[\"'](?:https?:)?//"
    r"|<link\b[^>]*\bhref=[\"'](?:https?:)?//"
    r"|@import\s+(?:url\()?[\"']?(?:https?:)?//"
    r"|url\([\"']?(?:https?:)?//",
    re.IGNORECASE,
)


def test_nothing_is_loaded_from_the_network(site: Path) -> None:
    found = [
        f"{path.relative_to(site)}: {match.group(0)}"
        for path in [*site.rglob("*.html"), *site.rglob("*.css"), *site.rglob("*.js")]
        for match in REMOTE_RESOURCE.finditer(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert not found, found


DOC_HEADING = re.compile(r'<h\d id="(?P<id>[^"]+)" class="doc doc-heading"')


def documented(site: Path) -> set[str]:
    """The identifiers of every object the reference documents (its headings' anchors)."""
    return {m["id"] for _, text in pages(site, "reference") for m in DOC_HEADING.finditer(text)}


def public_paths() -> dict[str, list[str]]:
    """Each public ``module.name`` and the other public paths of the same object."""
    modules = {name: importlib.import_module(name) for name in sorted(PUBLIC)}  # submodules too
    with warnings.catch_warnings():  # the lazily built classes import Ignite and Lightning
        warnings.simplefilter("ignore", DeprecationWarning)
        exported = {
            f"{name}.{export}": getattr(module, export)
            for name, module in modules.items()
            for export in module.__all__
        }
    shareable = (inspect.isclass, inspect.isfunction, inspect.ismodule)
    return {
        path: [
            other
            for other, same in exported.items()
            if same is value and any(test(value) for test in shareable)
        ]
        or [path]
        for path, value in exported.items()
    }


def test_reference_documents_every_public_name(site: Path) -> None:
    anchors = documented(site)
    missing = [path for path, paths in public_paths().items() if not anchors & set(paths)]
    assert not missing, f"public names without a reference entry: {missing}"


def _private(identifier: str) -> bool:
    return any(p.startswith("_") and not p.endswith("__") for p in identifier.split("."))


def test_reference_documents_nothing_private(site: Path) -> None:
    assert not sorted(i for i in documented(site) if _private(i))


EXAMPLE = re.compile(
    r'<div class="highlight"><pre>(?:(?!</pre>).)*?&gt;&gt;&gt; .*?</pre></div>', re.S
)
TAG = re.compile(r"<[^>]+>")


def test_reference_shows_or_links_no_private_path(site: Path) -> None:
    found = []
    for path, text in pages(site, "reference"):
        outside_examples = EXAMPLE.sub("", text)
        for match in re.finditer(r"confmat\._internal[\w.]*", outside_examples):
            found.append(f"{path.relative_to(site)}: {match.group(0)}")
    for path, text in pages(site):
        for match in re.finditer(r'href="[^"#]*#(?P<anchor>confmat[^"]*)"', text):
            if _private(match["anchor"]):
                found.append(f"{path.relative_to(site)}: a link to {match['anchor']}")
    assert not found, sorted(set(found))


def test_docstring_roles_are_rendered(site: Path) -> None:
    raw = re.compile(r":(?:py:)?(?:func|class|meth|mod|data|attr|exc|obj|const):`")
    found = [
        str(path.relative_to(site))
        for path, text in pages(site)
        if raw.search(html.unescape(TAG.sub("", text)))
    ]
    assert not found


def section(text: str, identifier: str) -> str:
    """The HTML of one documented object, up to the next heading of its level or above."""
    start = text.index(f'id="{identifier}" class="doc doc-heading"')
    level = text[text.rindex("<h", 0, start) + 2]
    following = re.compile(rf"<h[1-{level}] id=")
    end = following.search(text, start + 1)
    return text[start : end.start() if end else len(text)]


@pytest.mark.parametrize(
    ("page", "identifier"),
    [
        ("reference/confmat/matrix.html", "confmat.ConfusionMatrix.from_predictions"),
        ("reference/confmat/evaluation.html", "confmat.evaluate"),
        ("reference/report.html", "confmat.report.render_markdown"),
        ("reference/exceptions.html", "confmat.exceptions.ConfmatError"),
        ("reference/integrations/ignite.html", "confmat.integrations.ignite.ConfusionMatrixMetric"),
    ],
)
def test_api_entries_show_signature_and_docstring(site: Path, page: str, identifier: str) -> None:
    entry = section((site / page).read_text(encoding="utf-8"), identifier)
    assert 'class="doc-signature highlight"' in entry
    assert "doc-section-title" in entry  # Parameters / Examples
    if "ConfusionMatrixMetric" not in identifier:  # its docstring has no example
        assert "&gt;&gt;&gt; " in entry


def test_lazily_built_classes_show_their_constructor(site: Path) -> None:
    text = (site / "reference/integrations/lightning.html").read_text(encoding="utf-8")
    entry = section(text, "confmat.integrations.lightning.ConfusionMatrixCallback")
    assert "classes" in TAG.sub("", entry)
    assert "ConfusionMatrixHooks" in TAG.sub("", entry)  # its base


def test_descriptors_are_documented(site: Path) -> None:
    assert "confmat.ConfusionMatrix.recall" in documented(site)


def test_guide_pages_link_into_the_reference(site: Path) -> None:
    text = (site / "guide" / "inputs.html").read_text(encoding="utf-8")
    assert (
        'href="../reference/confmat/matrix.html#confmat.ConfusionMatrix.from_predictions"' in text
    )


def test_hook_finds_the_public_modules_of_the_architecture_contract() -> None:
    sys.path.insert(0, str(HOOKS))
    try:
        import public_api
    finally:
        sys.path.remove(str(HOOKS))
    assert set(public_api.public_modules(ROOT / "src")) == PUBLIC


@pytest.mark.browser
def test_site_opens_from_disk_without_requests_or_errors(site: Path, tmp_path: Path) -> None:
    from devtools import chromium

    with chromium(tmp_path) as page:
        for name in ("index.html", "reference/confmat/matrix.html", "guide/inputs.html"):
            page.open((site / name).as_uri())
            page.drain()
            remote = [
                url for url in page.requests() if not url.startswith(("file:", "data:", "blob:"))
            ]
            assert not remote, (name, remote)
            assert not page.errors(), (name, page.errors())
        assert page.evaluate("document.querySelectorAll('nav a').length") > 20
        page.evaluate("document.querySelector('.md-search__input').focus()")
        page.type_text("zero_division")  # the search index, read from the disk too
        page.wait_for("document.querySelectorAll('.md-search-result__item').length > 0", 10)
