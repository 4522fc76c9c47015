"""The public API as the reference documents it: modules, their ``__all__``, and where each is.

One rule, shared by the reference pages (``reference.py``) and the cross-references of
``griffe_confmat.py``: every name in the ``__all__`` of a public module is documented once, at
its *home*, the public path under which the reference shows it. A name defined in a public
module (``confmat.exceptions.ConfmatError``) is at home there, and the modules that re-export it
(``confmat.ConfmatError``) link to it; a name defined in ``confmat._internal`` is at home in the
public module that exports it (``confmat.ConfusionMatrix``, ``confmat.report.render_html``).
Members of a documented class are documented under its home (``confmat.ConfusionMatrix.recall``)
when they are public and have a docstring, as mkdocstrings renders them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import griffe

PACKAGE = "confmat"
INTERNAL = "confmat._internal"


def _private(part: str) -> bool:
    return part.startswith("_") and not (part.startswith("__") and part.endswith("__"))


def public_modules(src: Path) -> list[str]:
    """Every public module under ``src/confmat``: outside ``_internal``, no private component.

    This is the rule of ``tests/test_architecture.py`` (``PUBLIC``), read from the files.
    """
    found = []
    for path in sorted((src / PACKAGE).rglob("*.py")):
        parts = path.relative_to(src).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if name == f"{PACKAGE}.__main__" or any(map(_private, name.split(".")[1:])):
            continue
        found.append(name)
    return found


def module_path(src: Path, module: str) -> Path:
    """The file of a module (a package's ``__init__.py``)."""
    base = src.joinpath(*module.split("."))
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def exports(src: Path, module: str) -> list[str]:
    """The names of a module's ``__all__``, read statically, in their order."""
    tree = ast.parse(module_path(src, module).read_text(encoding="utf-8"))
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            return [ast.literal_eval(element) for element in node.value.elts]  # type: ignore[attr-defined]
    raise ValueError(f"{module} has no __all__")


def lookup(package: griffe.Module, path: str) -> griffe.Object | griffe.Alias:
    """The object at the dotted ``path`` (``confmat.report.render_html``) of ``package``."""
    first, _, rest = path.partition(".")
    if first != package.name:
        raise KeyError(path)
    return package[rest] if rest else package


def canonical(obj: griffe.Object | griffe.Alias) -> str | None:
    """The path where ``obj`` is defined (an alias followed), or None when it cannot be found."""
    import griffe

    try:
        return obj.final_target.path if obj.is_alias else obj.path  # type: ignore[union-attr]
    except (griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None


def homes(package: griffe.Module, src: Path) -> dict[str, str]:
    """``{canonical path: public identifier}`` for every object the reference documents.

    The identifier is the anchor mkdocstrings gives the object on its page; the ``__all__`` names
    of the public modules are first, then their documented members.
    """
    modules = public_modules(src)
    found: dict[str, str] = {}
    for module in modules:
        found.setdefault(module, module)
    for module in modules:
        for name in exports(src, module):
            path = canonical(lookup(package, f"{module}.{name}"))
            if path is None or (path in found and found[path] in modules):
                continue  # a submodule, documented on its own page
            defined_in_public_module = path.rpartition(".")[0] in modules
            identifier = path if defined_in_public_module else f"{module}.{name}"
            found.setdefault(path, identifier)
    for path, identifier in list(found.items()):
        if identifier not in modules:
            for member_path, member_identifier in documented_members(
                lookup(package, path), identifier
            ):
                found.setdefault(member_path, member_identifier)
    return found


def documented_members(
    obj: griffe.Object | griffe.Alias, identifier: str
) -> Iterator[tuple[str, str]]:
    """The members of a class that its reference entry shows, with their identifiers."""
    target = obj.final_target if obj.is_alias else obj
    if not target.is_class:
        return
    for name, member in target.members.items():
        if _private(name) or name == "__init__" or member.is_alias:
            continue
        if not member.has_docstrings:
            continue
        yield member.path, f"{identifier}.{name}"
        yield from documented_members(member, f"{identifier}.{name}")
