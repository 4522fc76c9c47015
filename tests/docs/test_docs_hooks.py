"""The documentation's own code (docs/hooks): the public API's homes, the reference pages, and the
griffe extension that renders Sphinx roles, lazily built classes and private aliases."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest

from test_architecture import PUBLIC

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
sys.path.insert(0, str(ROOT / "docs" / "hooks"))

import griffe  # noqa: E402
import griffe_confmat  # noqa: E402
import public_api  # noqa: E402
import reference  # noqa: E402


@pytest.fixture(scope="module")
def package() -> griffe.Module:
    """confmat as the site's build loads it (the extension imports Ignite and Lightning)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        extensions = griffe.load_extensions(griffe_confmat.ConfmatReference)
        return griffe.load("confmat", search_paths=[str(SRC)], extensions=extensions)


@pytest.mark.parametrize(
    ("role", "text", "target", "shown"),
    [
        ("class", "~confmat.ConfusionMatrix", None, "ConfusionMatrix"),
        ("class", "confmat.ConfusionMatrix", None, "confmat.ConfusionMatrix"),
        ("meth", "in_context", None, "in_context()"),
        ("func", "~stats.curves.choose_threshold", None, "choose_threshold()"),
        ("attr", "is_sparse", None, "is_sparse"),
        ("func", "the loop", "confmat.evaluate", "the loop"),
    ],
)
def test_a_role_shows_its_target_as_sphinx_does(role, text, target, shown) -> None:
    assert griffe_confmat.display(role, text, target) == shown


def test_roles_become_links_to_public_targets_and_code_otherwise() -> None:
    homes = {"confmat.evaluate": "confmat.evaluate"}
    text = ":func:`confmat.evaluate`, :mod:`core.missing` and :py:class:`list <typing.List>`"
    converted = griffe_confmat.convert(text, lambda role, target: homes.get(target))
    assert converted == "[`confmat.evaluate()`][confmat.evaluate], `core.missing` and `list`"


def test_no_role_is_left_in_any_docstring(package: griffe.Module) -> None:
    left = [
        obj.path
        for obj in griffe_confmat.objects(package)
        if obj.docstring and griffe_confmat.ROLE.search(obj.docstring.value)
    ]
    assert not left


def test_roles_link_to_the_public_path_of_their_target(package: griffe.Module) -> None:
    exceptions = public_api.lookup(package, "confmat.exceptions.ConfmatError")
    assert "[`in_context()`][confmat.exceptions.ConfmatError.in_context]" in (
        exceptions.docstring.value
    )
    matrix = public_api.lookup(package, "confmat.ConfusionMatrix").final_target
    assert "[`is_sparse`][confmat.ConfusionMatrix.is_sparse]" in matrix.docstring.value


def test_every_public_name_has_a_home(package: griffe.Module) -> None:
    homes = public_api.homes(package, SRC)
    for module in PUBLIC:
        for name in public_api.exports(SRC, module):
            path = public_api.canonical(public_api.lookup(package, f"{module}.{name}"))
            assert path in homes, f"{module}.{name}"
            assert not griffe_confmat.is_private_path(homes[path]), homes[path]


def test_homes_are_the_public_paths(package: griffe.Module) -> None:
    homes = public_api.homes(package, SRC)
    assert homes["confmat._internal.results.matrix.ConfusionMatrix"] == "confmat.ConfusionMatrix"
    assert homes["confmat.exceptions.ConfmatError"] == "confmat.exceptions.ConfmatError"
    assert homes["confmat._internal.report.html.render_html"] == "confmat.report.render_html"
    assert (
        homes["confmat._internal.results.matrix.ConfusionMatrix.from_predictions"]
        == "confmat.ConfusionMatrix.from_predictions"
    )


def test_lazily_built_classes_are_documented(package: griffe.Module) -> None:
    metric = public_api.lookup(package, "confmat.integrations.ignite.ConfusionMatrixMetric")
    assert metric.is_class
    assert [str(b) for b in metric.bases] == [
        "ConfusionMatrixMetricLogic",
        "ignite.metrics.metric.Metric",
    ]
    assert "num_classes" in [p.name for p in metric.members["__init__"].parameters]


def test_private_aliases_in_signatures_are_replaced_by_their_values(
    package: griffe.Module,
) -> None:
    function = public_api.lookup(package, "confmat.ConfusionMatrix.from_predictions")
    annotation = str(function.parameters["zero_division"].annotation)
    assert "ZeroDivision" not in annotation
    assert "Literal" in annotation
    findings = public_api.lookup(package, "confmat.report.findings").final_target
    assert str(findings.parameters["min_samples"].default) == "10"


def test_descriptors_get_their_run_time_docstrings(package: griffe.Module) -> None:
    recall = public_api.lookup(package, "confmat.ConfusionMatrix.recall")
    assert recall.docstring.value.startswith("Per-class recall")
    assert recall.value is None


def test_reference_pages_cover_every_module_and_topic(package: griffe.Module) -> None:
    pages = reference.Reference().pages()
    assert {reference.page_of(module) for module in PUBLIC} <= set(pages)
    facade = set(public_api.exports(SRC, "confmat"))
    placed = {name for topic in reference.FACADE_PAGES for name in topic.names}
    assert placed <= facade
    written = "\n".join(pages.values())
    for module in PUBLIC:
        own_page = pages[reference.page_of(module)]
        for name in public_api.exports(SRC, module):
            entry_or_link = f"{module}.{name}" in written or f"- `{name}`: " in own_page
            assert entry_or_link, f"{module}.{name}"
