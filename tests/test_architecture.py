"""The architecture contract: confmat's modules form layers, and imports only point down.

Every ``.py`` file under ``src/confmat`` is read with :mod:`ast` (nothing is imported) and every
import of a confmat module is collected: at module level ("module"), under ``if TYPE_CHECKING:``
("type") and inside functions ("lazy"). ``from confmat.x import y`` imports ``confmat.x.y`` when
that is a module or package, else ``confmat.x``. The rules, one test each:

(a) module-level and TYPE_CHECKING imports point to the same or a lower layer of ``LAYERS``
    (layer 0 imports only ``confmat.exceptions`` and its own package), and every module has a
    layer; a TYPE_CHECKING import may name the type an allowed delegation (b) returns;
(b) a lazy import points up only for a presentation delegation listed in ``LAZY_UPWARD``;
(c) the whole import graph (lazy and TYPE_CHECKING imports included) has no cycle;
(d) no private name (``_x``) or private module (``confmat._internal.report._format``) is used
    from another package (a package is a directory under ``confmat/_internal``, or a public
    module or package of ``confmat``), by import or as ``module._x``;
(e) the public boundary: every module outside ``confmat._internal`` is one of ``PUBLIC`` or
    private by its name, every public module lists its names in ``__all__``, and the faces
    (``FACES``) only re-export.

To change the contract, edit the constants below (a new module or package gets a layer; a new
upward delegation gets a pair and a comment saying why) and ARCHITECTURE.md in the same change.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import itertools
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

FACADE = "confmat"
INTERNAL = "confmat._internal"
LAYERS: dict[str, int] = {
    # layer 0: leaves, importing only confmat.exceptions and their own package
    "confmat.exceptions": 0,  # every error and warning (public)
    "confmat._version": 0,
    "confmat._internal": 0,  # the package of everything private (its __init__ is empty)
    "confmat._internal.io": 0,  # reading files (whole, in batches), engines, writing atomically
    "confmat._internal.core": 1,  # inputs -> class codes -> counts
    "confmat._internal.stats": 2,  # pure functions of counts
    "confmat._internal.results": 3,  # the result types and their JSON documents
    "confmat._internal.stream": 4,  # the Accumulators, torch.distributed, the reservoir
    "confmat._internal.evaluation": 5,  # evaluate(): the loop over a model and a loader
    "confmat._internal.show": 6,  # figures
    "confmat._internal.report": 7,  # one report model, one renderer module per format
    "confmat.integrations": 8,  # frameworks and trackers (public); nothing in confmat imports them
    "confmat._internal.cli": 9,  # the command line: parser, commands, inputs, streaming, demo
    # the public faces: re-exports only
    "confmat.report": 10,
    "confmat.show": 10,
    "confmat.engines": 10,
    "confmat.__main__": 10,
}
TOP = 11  # the facade (``confmat/__init__.py``) only re-exports: it may import anything
LEAF_MAY_IMPORT = "confmat.exceptions"

LAZY_UPWARD: frozenset[tuple[str, str]] = frozenset(
    {
        # ConfusionMatrix.plot, .to_pandas and ._repr_html_ are one-line presentation delegations;
        # show and report are typed against core.types.MatrixLike, so they never import matrix.
        ("confmat._internal.results.matrix", "confmat._internal.show.heatmap"),
        ("confmat._internal.results.matrix", "confmat._internal.report.dataframe"),
        ("confmat._internal.results.matrix", "confmat._internal.report.html"),
        # MultilabelConfusion's to_dict and findings (the document's findings in words), its
        # to_pandas, _repr_html_ and plot (the co-confusion heatmap): the same one-line
        # delegations, to the same renderers; report is typed against core.types.MultilabelLike
        # and show against MatrixLike (the co-confusion as a ConfusionMatrix), so neither
        # imports multilabel.
        ("confmat._internal.results.multilabel", "confmat._internal.report.findings"),
        ("confmat._internal.results.multilabel", "confmat._internal.report.dataframe"),
        ("confmat._internal.results.multilabel", "confmat._internal.report.html"),
        ("confmat._internal.results.multilabel", "confmat._internal.show.heatmap"),
        # EvaluationResult.gallery and its HTML thumbnails draw the kept samples.
        ("confmat._internal.evaluation.result", "confmat._internal.show.gallery"),
    }
)

PUBLIC: frozenset[str] = frozenset(
    {
        "confmat",  # the facade: the product's names
        "confmat.exceptions",
        "confmat.report",
        "confmat.show",
        "confmat.engines",
        "confmat.integrations",
        "confmat.integrations.huggingface",
        "confmat.integrations.ignite",
        "confmat.integrations.lightning",
        "confmat.integrations.mlflow",
        "confmat.integrations.tensorboard",
        "confmat.integrations.wandb",
    }
)
"""Every public module: the docs' API reference lists their ``__all__``, and nothing else."""

FACES: frozenset[str] = frozenset({"confmat", "confmat.report", "confmat.show", "confmat.engines"})
"""Public modules that only re-export names defined in ``confmat._internal``."""


@dataclass(frozen=True)
class Import:
    """One import of a confmat module: where it is, what it imports, and when it runs."""

    importer: str
    target: str  # the module imported
    name: str | None  # the name taken from it (``from target import name``), if not a module
    where: str  # file:line, relative to the source root
    kind: str  # "module", "type" (inside ``if TYPE_CHECKING:``) or "lazy" (inside a function)

    def __str__(self) -> str:
        what = self.target if self.name is None else f"{self.target}.{self.name}"
        return f"{self.where}: {self.importer} imports {what} ({self.kind})"


@functools.cache
def modules(root: Path) -> dict[str, Path]:
    """Every module under ``root/confmat`` by dotted name (a package by its ``__init__.py``)."""
    found = {}
    for path in sorted((root / "confmat").rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


ImportNode = ast.Import | ast.ImportFrom


def _is_type_checking(test: ast.expr) -> bool:
    return ast.unparse(test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING")


def _imports_in(nodes: Iterable[ast.AST], kind: str) -> Iterator[tuple[ImportNode, str]]:
    """Import statements with their kind: "module", "type" (under TYPE_CHECKING) or "lazy"."""
    for node in nodes:
        if isinstance(node, ImportNode):
            yield node, kind
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from _imports_in(node.body, "lazy")
        elif isinstance(node, ast.If) and kind == "module" and _is_type_checking(node.test):
            yield from _imports_in(node.body, "type")
            yield from _imports_in(node.orelse, kind)
        else:
            yield from _imports_in(ast.iter_child_nodes(node), kind)


def _targets(root: Path, importer: str, node: ImportNode) -> list[tuple[str, str | None]]:
    """``(module, name)`` per imported alias; ``from a import b`` is module ``a.b`` if it is one."""
    if isinstance(node, ast.Import):
        return [(alias.name, None) for alias in node.names]
    known = modules(root)
    package = importer if known[importer].name == "__init__.py" else importer.rpartition(".")[0]
    base = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
    return [
        (f"{base}.{a.name}", None) if f"{base}.{a.name}" in known else (base, a.name)
        for a in node.names
    ]


@functools.cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


@functools.cache
def collect_imports(root: Path) -> tuple[Import, ...]:
    """Every import of a confmat module by a module under ``root/confmat``."""
    found = []
    for importer, path in modules(root).items():
        where = path.relative_to(root).as_posix()
        for node, kind in _imports_in(_tree(path).body, "module"):
            for target, name in _targets(root, importer, node):
                if target == FACADE or target.startswith(f"{FACADE}."):
                    found.append(Import(importer, target, name, f"{where}:{node.lineno}", kind))
    return tuple(found)


def layer(module: str) -> int | None:
    """The layer of the longest matching prefix in ``LAYERS``; None if the module has none."""
    if module == FACADE:
        return TOP
    parts = module.split(".")
    prefixes = (".".join(parts[:n]) for n in range(len(parts), 1, -1))
    return next((LAYERS[p] for p in prefixes if p in LAYERS), None)


def points_down(imp: Import) -> bool:
    """Whether ``imp`` goes to the same or a lower layer (a leaf only to exceptions)."""
    high, low = layer(imp.importer), layer(imp.target)
    if high is None or low is None:
        return False
    if high == 0:
        return imp.target == LEAF_MAY_IMPORT or _package(imp.target) == _package(imp.importer)
    return low <= high


def layer_violations(
    root: Path, delegations: frozenset[tuple[str, str]] = frozenset()
) -> list[str]:
    """Rule (a): modules without a layer, and module-level imports that point up.

    A TYPE_CHECKING import of a delegation in ``delegations`` names the type the delegation
    returns (``ConfusionMatrix.plot`` returns a ``HeatmapDisplay``): allowed, as the lazy
    import it types is.
    """
    unlayered = [f"{m}: no layer, add it to LAYERS" for m in modules(root) if layer(m) is None]
    eager = [
        i
        for i in collect_imports(root)
        if i.kind == "module" or (i.kind == "type" and (i.importer, i.target) not in delegations)
    ]
    return unlayered + [str(i) for i in eager if not points_down(i)]


def lazy_violations(root: Path, allowed: frozenset[tuple[str, str]]) -> list[str]:
    """Rule (b): imports inside functions that point up without being allowed."""
    lazy = [i for i in collect_imports(root) if i.kind == "lazy" and not points_down(i)]
    return [str(i) for i in lazy if (i.importer, i.target) not in allowed]


def _shortest_cycle(graph: dict[str, set[str]], start: str) -> list[str] | None:
    """The shortest cycle through ``start`` (breadth-first), as ``[start, ..., start]``."""
    previous: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for successor in sorted(graph.get(node, ())):
            if successor == start:
                path = [node]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return [*reversed(path), start]
            if successor not in previous:
                previous[successor] = node
                queue.append(successor)
    return None


def import_cycles(root: Path) -> list[str]:
    """Rule (c): the cycles of the whole import graph, each with the imports that form it."""
    edges = {(i.importer, i.target): i for i in reversed(collect_imports(root))}
    graph: dict[str, set[str]] = {}
    for importer, target in edges:
        if importer != target:
            graph.setdefault(importer, set()).add(target)
    cycles: dict[tuple[str, ...], str] = {}
    for start in sorted(graph):
        cycle = _shortest_cycle(graph, start)
        if cycle is None or min(cycle) != start:  # each cycle once, from its smallest module
            continue
        steps = "".join(f"\n    {edges[a, b]}" for a, b in itertools.pairwise(cycle))
        cycles[tuple(cycle)] = " -> ".join(cycle) + steps
    return list(cycles.values())


def _private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def _package(module: str) -> str:
    """A module's package: its directory under ``confmat/_internal``, else its first component.

    Examples: ``confmat._internal.core.codes`` -> ``_internal.core``; ``confmat.integrations.x``
    -> ``integrations``; the facade ``confmat`` -> ``""``.
    """
    parts = module.split(".")
    if parts[:2] == ["confmat", "_internal"]:
        return ".".join(parts[1:3])
    return parts[1] if len(parts) > 1 else ""


def _private_parts(module: str) -> list[str]:
    """The components of ``module`` below its package (those that may be private)."""
    depth = 3 if module.startswith(f"{INTERNAL}.") else 2
    return module.split(".")[depth:]


def private_imports(root: Path) -> list[str]:
    """Rule (e): private names or modules imported from another package."""
    return [
        str(i)
        for i in collect_imports(root)
        if _package(i.importer) != _package(i.target)
        and (any(map(_private, _private_parts(i.target))) or _private(i.name or ""))
    ] + _private_attributes(root)


def _private_attributes(root: Path) -> list[str]:
    """Rule (e) through a module: ``from confmat.core import encode`` then ``encode._x``."""
    found = []
    for importer, path in modules(root).items():
        bound = {  # local name -> module, for every ``from package import module [as name]``
            alias.asname or alias.name: f"{node.module}.{alias.name}"
            for node in ast.walk(_tree(path))
            if isinstance(node, ast.ImportFrom) and node.level == 0
            for alias in node.names
        }
        uses = [
            (node, bound[node.value.id])
            for node in ast.walk(_tree(path))
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
            if node.value.id in bound and _private(node.attr)
        ]
        where = path.relative_to(root).as_posix()
        found += [
            f"{where}:{node.lineno}: {importer} uses {target}.{node.attr}"
            for node, target in uses
            if target in modules(root) and _package(target) != _package(importer)
        ]
    return found


def _expect_none(rule: str, found: list[str]) -> None:
    if found:
        pytest.fail(f"{rule} ({len(found)}):\n  " + "\n  ".join(found), pytrace=False)


def test_module_level_imports_point_down() -> None:
    found = layer_violations(SRC, LAZY_UPWARD)
    _expect_none("module-level imports that point up (see LAYERS)", found)


def test_lazy_imports_point_up_only_for_allowed_delegations() -> None:
    found = lazy_violations(SRC, LAZY_UPWARD)
    _expect_none("lazy imports that point up, not in LAZY_UPWARD", found)


def test_lazy_upward_allowlist_has_no_stale_pair() -> None:
    used = {(i.importer, i.target) for i in collect_imports(SRC) if not points_down(i)}
    assert not LAZY_UPWARD - used, f"pairs of LAZY_UPWARD no longer needed: {LAZY_UPWARD - used}"


def test_import_graph_has_no_cycle() -> None:
    _expect_none("import cycles (lazy and TYPE_CHECKING imports included)", import_cycles(SRC))


def test_private_names_stay_in_their_package() -> None:
    _expect_none("private names imported from another package", private_imports(SRC))


def public_boundary(root: Path) -> list[str]:
    """Rule (e): modules outside ``_internal`` that are neither public nor private by name, and
    public modules without ``__all__``."""
    found = []
    for module in modules(root):
        if module == INTERNAL or module.startswith(f"{INTERNAL}."):
            continue
        if module in PUBLIC:
            if "__all__" not in _assigned(_tree(modules(root)[module])):
                found.append(f"{module}: a public module without __all__")
        elif module != "confmat.__main__" and not any(map(_private, module.split(".")[1:])):
            found.append(f"{module}: neither in PUBLIC nor private by its name")
    return found


def _assigned(tree: ast.Module) -> set[str]:
    return {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    }


def face_violations(root: Path, faces: frozenset[str] = FACES) -> list[str]:
    """Rule (e): statements of a face other than its docstring, imports and ``__all__``.

    The facade ``confmat`` also holds its lazy machinery (the names' homes, the module class);
    its other names must be exceptions, the version or homes under ``confmat._internal``.
    """
    found = []
    for face in sorted(faces & set(modules(root))):
        path = modules(root)[face]
        where = path.relative_to(root).as_posix()
        for node in _tree(path).body:
            if face == FACADE or isinstance(node, ast.ImportFrom | ast.Import):
                continue
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
                continue
            if isinstance(node, ast.Assign) and _assigned(ast.Module([node], [])) == {"__all__"}:
                continue
            found.append(f"{where}:{node.lineno}: a face only re-exports")
    return found


def test_every_module_is_public_or_private() -> None:
    _expect_none("modules outside the public boundary", public_boundary(SRC))


def test_faces_only_re_export() -> None:
    _expect_none("faces that define things", face_violations(SRC))


FAKE_TREE = {  # core imports report (up); stats and report import each other (a cycle)
    "__init__.py": "",
    "_internal/__init__.py": "",
    "_internal/core.py": "from confmat._internal.report import render\n",
    "_internal/stats.py": """from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from confmat._internal.report import _draft


def mean():
    from confmat._internal import report

    return report._draft
""",
    "_internal/report.py": "from confmat._internal.stats import mean\n\n_draft = render = None\n",
    "helpers.py": "def helper():\n    pass\n",  # neither public nor private by name
    "show.py": "from confmat._internal.stats import mean\n\nMEAN = mean\n",  # a face that defines
}


@pytest.fixture
def fake_tree(tmp_path: Path) -> Path:
    """``FAKE_TREE`` written under ``tmp_path/confmat``: a source root for the checkers."""
    (tmp_path / "confmat" / "_internal").mkdir(parents=True)
    for name, text in FAKE_TREE.items():
        (tmp_path / "confmat" / name).write_text(text, encoding="utf-8")
    return tmp_path


CORE, STATS = "confmat/_internal/core.py", "confmat/_internal/stats.py"


def test_checker_reports_an_upward_import(fake_tree: Path) -> None:
    assert layer_violations(fake_tree)[-2:] == [
        f"{CORE}:1: confmat._internal.core imports confmat._internal.report.render (module)",
        f"{STATS}:4: confmat._internal.stats imports confmat._internal.report._draft (type)",
    ]


def test_checker_reports_lazy_cycles_and_private_names(fake_tree: Path) -> None:
    assert lazy_violations(fake_tree, frozenset()) == [
        f"{STATS}:8: confmat._internal.stats imports confmat._internal.report (lazy)"
    ]
    allowed = frozenset({("confmat._internal.stats", "confmat._internal.report")})
    assert lazy_violations(fake_tree, allowed) == []
    (cycle,) = import_cycles(fake_tree)
    assert cycle.startswith(
        "confmat._internal.report -> confmat._internal.stats -> confmat._internal.report\n"
    )
    assert private_imports(fake_tree) == [
        f"{STATS}:4: confmat._internal.stats imports confmat._internal.report._draft (type)",
        f"{STATS}:10: confmat._internal.stats uses confmat._internal.report._draft",
    ]


def test_checker_reports_the_public_boundary(fake_tree: Path) -> None:
    assert public_boundary(fake_tree) == [
        "confmat: a public module without __all__",
        "confmat.helpers: neither in PUBLIC nor private by its name",
        "confmat.show: a public module without __all__",
    ]
    assert face_violations(fake_tree) == ["confmat/show.py:3: a face only re-exports"]
