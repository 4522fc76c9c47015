"""A griffe extension for confmat's reference: classes built on first use, and Sphinx roles.

1. ``confmat.integrations.ignite.ConfusionMatrixMetric`` and
   ``confmat.integrations.lightning.ConfusionMatrixCallback`` are built by their module's
   ``__getattr__`` on first use (so that importing the module does not import the framework);
   griffe, reading the source, cannot see them. For every ``__all__`` name of a public module
   that the source does not define, the module is imported and the class found there is added,
   with its docstring, its bases and the constructor of the base defined beside it.
2. The docstrings are written with Sphinx roles (``:func:`x```, ``:class:`~x```, ``:meth:``,
   ``:mod:``, ``:data:``, ``:attr:``, ``:exc:``), which Markdown would show raw. Each becomes a
   cross-reference where its target is documented in the reference (see ``public_api.py``), and
   inline code otherwise (a private helper, the standard library). Targets are looked up as
   Sphinx does: as written, under ``confmat`` or ``confmat._internal``, then from the scope of
   the docstring (the function, its class, its module, including the module's imports). A ``~``
   shows only the last component; functions and methods get ``()``.
3. Signatures name private type aliases and constants (``zero_division: ZeroDivision``,
   ``min_samples: int = MIN_SAMPLES``): each is replaced by its value
   (``Literal['nan', 'warn'] | float``, ``10``), so that the reference shows what to pass and
   never a private name. A private class (a protocol such as ``MatrixLike``) keeps its name.
4. A class attribute whose value writes its own docstring at run time (a descriptor such as
   ``ConfusionMatrix.recall``) gets that docstring, and no value (the descriptor's private
   class).

The docstrings in ``src/`` are not changed: the doctests read them as they are.
"""

from __future__ import annotations

import dataclasses
import importlib
import re
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import griffe

sys.path.insert(0, str(Path(__file__).parent))

import public_api

ROLE = re.compile(
    r":(?:py:)?(?P<role>func|class|mod|meth|data|attr|exc|obj|const):"
    r"`(?P<text>[^`<]*?)\s*(?:<(?P<target>[^`>]+)>)?`"
)
"""A Sphinx role: ``:role:`target``` or ``:role:`title <target>```."""

CALLABLE_ROLES = frozenset({"func", "meth"})


def display(role: str, text: str, target: str | None) -> str:
    """The text a role shows: its title, or its target (``~``: the last component only).

    Examples:
        >>> display("class", "~confmat.ConfusionMatrix", None)
        'ConfusionMatrix'
        >>> display("meth", "Accumulator.compute", None)
        'Accumulator.compute()'
        >>> display("func", "the loop", "confmat.evaluate")
        'the loop'
    """
    if target is not None:
        return text
    shown = text.lstrip(".")
    if shown.startswith("~"):
        shown = shown[1:].rpartition(".")[2]
    if role in CALLABLE_ROLES and not shown.endswith(")"):
        shown += "()"
    return shown


def find(package: griffe.Module, owner: griffe.Object, target: str) -> Any:
    """The object a role's target names, seen from ``owner``'s docstring; None if none is."""
    target = target.lstrip("~.")
    for path in (target, f"{public_api.PACKAGE}.{target}", f"{public_api.INTERNAL}.{target}"):
        try:
            return public_api.lookup(package, path)
        except (KeyError, ValueError, griffe.AliasResolutionError, griffe.CyclicAliasError):
            continue
    first, _, rest = target.partition(".")
    scope: Any = owner
    while scope is not None:
        try:
            members = scope.all_members if (scope.is_class or scope.is_module) else scope.members
            if first in members:
                found = members[first]
                return found[rest] if rest else found
        except (KeyError, griffe.AliasResolutionError, griffe.CyclicAliasError):
            return None
        scope = scope.parent
    return None


def convert(text: str, resolve: Any) -> str:
    """``text`` with each Sphinx role replaced by ``resolve(role, target) -> identifier | None``.

    Examples:
        >>> homes = {"confmat.evaluate": "confmat.evaluate"}
        >>> convert("Use :func:`confmat.evaluate` or :mod:`ast`.", lambda r, t: homes.get(t))
        'Use [`confmat.evaluate()`][confmat.evaluate] or `ast`.'
    """

    def replace(match: re.Match[str]) -> str:
        role, text, target = match["role"], match["text"], match["target"]
        shown = display(role, text, target)
        identifier = resolve(role, (target or text).lstrip("~."))
        return f"[`{shown}`][{identifier}]" if identifier else f"`{shown}`"

    return ROLE.sub(replace, text)


def objects(obj: griffe.Object) -> Iterator[griffe.Object]:
    """``obj`` and everything defined in it (aliases left out: their targets are elsewhere)."""
    yield obj
    for member in obj.members.values():
        if not member.is_alias:
            yield from objects(member)  # type: ignore[arg-type]


def add_lazy_classes(package: griffe.Module, src: Path) -> None:
    """Add the ``__all__`` classes that a public module builds in its ``__getattr__``."""
    for module_name in public_api.public_modules(src):
        module = public_api.lookup(package, module_name)
        missing = [n for n in public_api.exports(src, module_name) if n not in module.members]
        if not missing or "__getattr__" not in module.members:
            continue
        with warnings.catch_warnings():  # the frameworks' own deprecations are not the docs'
            warnings.simplefilter("ignore", DeprecationWarning)
            runtime = importlib.import_module(module_name)
            built = {name: getattr(runtime, name) for name in missing}
        for name, value in built.items():
            module.set_member(name, lazy_class(module, value))  # type: ignore[union-attr]


def lazy_class(module: griffe.Module, value: type) -> griffe.Class:
    """A griffe class for ``value``: its docstring, bases and its local base's constructor."""
    local = [b for b in value.__bases__ if b.__module__ == module.path]
    bases: list[griffe.Expr | str] = [
        griffe.ExprName(b.__name__, parent=module)
        if b in local
        else f"{b.__module__}.{b.__qualname__}"
        for b in value.__bases__
    ]
    cls = griffe.Class(value.__name__, lineno=None, endlineno=None, bases=bases, parent=module)
    cls.docstring = griffe.Docstring(value.__doc__ or "", parent=cls)
    for base in local:
        init = module.members[base.__name__].members.get("__init__")
        if init is not None:
            cls.set_member("__init__", griffe.Alias("__init__", init, parent=cls))
    return cls


def is_private_path(path: str) -> bool:
    """Whether a dotted path has a private component (``confmat._internal.x``, ``a._b``)."""
    return any(part.startswith("_") and not part.endswith("__") for part in path.split("."))


def private_value(package: griffe.Module, name: griffe.ExprName, homes: dict[str, str]) -> Any:
    """The value of the private, undocumented alias or constant ``name`` names; else None."""
    path = name.canonical_path
    if not path.startswith(f"{public_api.PACKAGE}.") or not is_private_path(path):
        return None
    try:
        found = public_api.lookup(package, path)
        target = found.final_target if found.is_alias else found
    except (KeyError, griffe.AliasResolutionError, griffe.CyclicAliasError):
        return None
    if not target.is_attribute or target.path in homes or target.value is None:
        return None
    value = target.value
    if isinstance(value, str) and value[:1] in "'\"" and str(target.annotation) == "TypeAlias":
        return value[1:-1]  # a forward-referenced alias: its text
    return value


def expand(expr: Any, replace: Any, depth: int = 0) -> Any:
    """``expr`` with each name that ``replace(name)`` gives a value for replaced by it."""
    if isinstance(expr, griffe.ExprName):
        value = replace(expr)
        return expr if value is None or depth > 8 else expand(value, replace, depth + 1)
    if isinstance(expr, griffe.Expr):
        for field in dataclasses.fields(expr):
            if field.name == "parent":
                continue
            value = getattr(expr, field.name)
            if isinstance(value, griffe.Expr):
                setattr(expr, field.name, expand(value, replace, depth))
            elif isinstance(value, list):
                setattr(expr, field.name, [expand(v, replace, depth) for v in value])
    return expr


def expand_signatures(package: griffe.Module, homes: dict[str, str]) -> None:
    """Replace private aliases and constants by their values in every signature."""

    def replace(name: griffe.ExprName) -> Any:
        return private_value(package, name, homes)

    for obj in objects(package):
        if obj.is_function:
            for parameter in obj.parameters:  # type: ignore[attr-defined]
                parameter.annotation = expand(parameter.annotation, replace)
                parameter.default = expand(parameter.default, replace)
            obj.returns = expand(obj.returns, replace)  # type: ignore[attr-defined]
        elif obj.is_attribute:
            obj.annotation = expand(obj.annotation, replace)  # type: ignore[attr-defined]


def descriptor_docstrings(package: griffe.Module, homes: dict[str, str]) -> None:
    """Give the documented classes' undocumented descriptors their run-time docstrings."""
    for path in homes:
        obj = public_api.lookup(package, path) if path != package.name else package
        if not obj.is_class or obj.is_alias:
            continue
        undocumented = [
            a for n, a in obj.members.items() if a.is_attribute and not a.docstring and n[:1] != "_"
        ]
        if not undocumented:
            continue
        runtime = getattr(importlib.import_module(obj.module.path), obj.name)
        for attribute in undocumented:
            value = vars(runtime).get(attribute.name)
            doc = getattr(value, "__doc__", None)
            if doc and doc != type(value).__doc__:
                attribute.docstring = griffe.Docstring(doc, parent=attribute)
                attribute.value = None


class ConfmatReference(griffe.Extension):
    """Loaded by mkdocstrings (``extensions:`` in ``mkdocs.yml``) for the ``confmat`` package."""

    def on_package(self, *, pkg: griffe.Module, loader: griffe.GriffeLoader, **kwargs: Any) -> None:
        """Once the whole package is loaded: lazy classes, descriptors, signatures, roles."""
        if pkg.name != public_api.PACKAGE:
            return
        src = Path(pkg.filepath).parents[1]  # type: ignore[arg-type]
        add_lazy_classes(pkg, src)
        descriptor_docstrings(pkg, public_api.homes(pkg, src))
        homes = public_api.homes(pkg, src)  # the descriptors are documented now
        expand_signatures(pkg, homes)
        for obj in objects(pkg):
            if obj.docstring is None or ":" not in obj.docstring.value:
                continue

            def resolve(role: str, target: str, owner: griffe.Object = obj) -> str | None:
                found = find(pkg, owner, target)
                path = None if found is None else public_api.canonical(found)
                return None if path is None else homes.get(path)

            obj.docstring.value = convert(obj.docstring.value, resolve)
