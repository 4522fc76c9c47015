"""Every Python example of README.md and of the user guide runs as it is written.

README.md: each ```python block alone, in a fresh namespace (a newcomer copies one block).
The guide (docs/**/*.md): each page's blocks in order, in one namespace that first runs the
guide's preamble (the block after ``<!-- preamble -->`` in docs/getting-started.md), as a
reader of the page runs them. A block that cannot run here (a GPU, several processes, a Spark
cluster) is preceded by ``<!-- not run: the reason -->`` and reported as skipped with that
reason. No example may import ``confmat._internal``: users import the public names only.

The examples run once per session in an interpreter of their own (``run_blocks.py``), each README
block and each page in a fresh namespace and a fresh temporary directory, with matplotlib's Agg
backend and nothing downloaded (Hugging Face offline, W&B offline).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
PREAMBLE_PAGE = DOCS / "getting-started.md"

FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)[^\n]*$")
MARKER = re.compile(r"<!--\s*(?P<kind>not run|preamble)\s*(?::\s*(?P<reason>.*?))?\s*-->")
PRIVATE_IMPORT = re.compile(
    r"\bconfmat\._internal\b|\bfrom\s+confmat\s+import\s+[^\n]*\b_internal\b"
)


@dataclass(frozen=True)
class Block:
    """One fenced code block of a Markdown file."""

    path: Path
    line: int  # 1-based line of the opening fence
    language: str
    code: str
    marker: str | None  # "not run" or "preamble", from the comment just before the fence
    reason: str | None

    def __str__(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def blocks(path: Path) -> list[Block]:
    """The fenced blocks of ``path``, dedented (blocks inside list items are indented)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        indent = opening["indent"]
        end = next(
            j
            for j in range(i + 1, len(lines))
            if lines[j].strip() == "```" and lines[j].startswith(indent)
        )
        body = [line[len(indent) :] for line in lines[i + 1 : end]]
        previous = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        marker = MARKER.search(previous)
        found.append(
            Block(
                path,
                i + 1,
                opening["lang"],
                "\n".join(body) + "\n",
                marker["kind"] if marker else None,
                marker["reason"] if marker else None,
            )
        )
        i = end + 1
    return found


def python_blocks(path: Path) -> list[Block]:
    return [b for b in blocks(path) if b.language in ("python", "py")]


def guide_pages() -> list[Path]:
    return sorted(DOCS.rglob("*.md"))


def preamble() -> Block:
    (found,) = [b for b in python_blocks(PREAMBLE_PAGE) if b.marker == "preamble"]
    return found


RUNNER = Path(__file__).with_name("run_blocks.py")

README_BLOCKS = python_blocks(README)
PAGES = [page for page in guide_pages() if python_blocks(page)]
NOT_RUN = [
    b for path in [README, *guide_pages()] for b in python_blocks(path) if b.marker == "not run"
]


def groups() -> list[dict[str, object]]:
    """What runs: each README block alone, each guide page's blocks after the preamble."""

    def listing(blocks: list[Block]) -> list[dict[str, str]]:
        return [{"where": str(b), "code": b.code} for b in blocks]

    alone = [{"name": str(b), "blocks": listing([b])} for b in README_BLOCKS if b.marker is None]
    pages = [
        {
            "name": page.relative_to(ROOT).as_posix(),
            "blocks": listing([preamble(), *(b for b in python_blocks(page) if b.marker is None)]),
        }
        for page in PAGES
    ]
    return alone + pages


def run_all(directory: Path) -> dict[str, str | None]:
    """Every group, in one fresh interpreter in ``directory``: ``{name: None or the failure}``."""
    directory.mkdir(parents=True, exist_ok=True)
    listing, out = directory / "groups.json", directory / "results.json"
    listing.write_text(json.dumps(groups()), encoding="utf-8")
    env = dict(os.environ, MPLBACKEND="Agg", HF_HUB_OFFLINE="1", WANDB_MODE="offline")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, str(RUNNER), str(listing), str(out)],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(f"the example runner itself failed:\n{done.stderr[-6000:]}", pytrace=False)
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str | None]:
    """The examples' outcomes, run once per session (the xdist workers share them)."""
    base = tmp_path_factory.getbasetemp()
    shared = base.parent if "PYTEST_XDIST_WORKER" in os.environ else base
    with FileLock(str(shared / "docs-examples.lock")):
        record = shared / "docs-examples.json"
        if not record.exists():
            record.write_text(json.dumps(run_all(shared / "docs-examples")), encoding="utf-8")
        return json.loads(record.read_text(encoding="utf-8"))


def _ids(items: list[Block] | list[Path]) -> list[str]:
    return [
        str(item) if isinstance(item, Block) else item.relative_to(ROOT).as_posix()
        for item in items
    ]


def test_readme_has_python_examples() -> None:
    assert len(README_BLOCKS) >= 2


def test_no_example_imports_private_modules() -> None:
    private = [
        str(b)
        for path in [README, *guide_pages()]
        for b in python_blocks(path)
        if PRIVATE_IMPORT.search(b.code)
    ]
    assert not private, f"examples that import confmat._internal: {private}"


@pytest.mark.slow
@pytest.mark.parametrize("block", README_BLOCKS, ids=_ids(README_BLOCKS))
def test_readme_block_runs_alone(block: Block, results: dict[str, str | None]) -> None:
    if block.marker == "not run":
        pytest.skip(f"{block}: {block.reason}")
    failure = results[str(block)]
    if failure is not None:
        pytest.fail(failure, pytrace=False)


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_guide_page_examples_run(page: Path, results: dict[str, str | None]) -> None:
    failure = results[page.relative_to(ROOT).as_posix()]
    if failure is not None:
        pytest.fail(failure, pytrace=False)


@pytest.mark.parametrize("block", NOT_RUN, ids=_ids(NOT_RUN))
def test_block_that_cannot_run_here(block: Block) -> None:
    assert block.reason, f"{block}: say why it is not run"
    pytest.skip(f"{block}: {block.reason}")


def test_block_reader_finds_indented_blocks_and_markers(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "text\n\n```python\nx = 1\n```\n\n- item\n\n  <!-- not run: needs a GPU -->\n"
        "  ```python\n  y = x.cuda()\n  ```\n\n```bash\nls\n```\n",
        encoding="utf-8",
    )
    first, second, shell = blocks(page)
    assert (first.line, first.code, first.marker) == (3, "x = 1\n", None)
    assert (second.code, second.marker, second.reason) == (
        "y = x.cuda()\n",
        "not run",
        "needs a GPU",
    )
    assert shell.language == "bash"
    assert PRIVATE_IMPORT.search("from confmat._internal.core import codes")
    assert PRIVATE_IMPORT.search("import confmat._internal")
    assert not PRIVATE_IMPORT.search("from confmat.report import render_html")
