"""A MkDocs hook that writes the API reference from the ``__all__`` of the public modules.

Nothing in ``docs/reference/`` is written by hand, so the reference cannot drift from the code:
every public module (``public_api.public_modules``) gets a page, and every name of its
``__all__`` an entry (``::: confmat.name``), documented once at its home (``public_api.homes``);
a module that re-exports a name documented elsewhere links to it. The facade ``confmat`` has
many names, so its entries are spread over the pages of ``FACADE_PAGES`` by topic; a name in
none of them is documented on the facade's own page, so a new name is never left out.
``mkdocs.yml``'s ``nav`` lists the pages: a page missing there fails the strict build.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import griffe
from mkdocs.structure.files import File, Files

sys.path.insert(0, str(Path(__file__).parent))

import griffe_confmat
import public_api

PRIVATE_TITLE = re.compile(r'\s+title="[^"]*\b_internal\b[^"]*"')
"""A hover title that names a private path (a signature's canonical paths)."""

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
sys.path.insert(0, str(SRC))  # the classes griffe cannot see are imported from the same source


@dataclass(frozen=True)
class Topic:
    """A page of the facade's reference: a title, what it is about, and its names."""

    slug: str
    title: str
    about: str
    names: tuple[str, ...]


FACADE_PAGES = (
    Topic(
        "matrix",
        "Confusion matrices",
        "The matrix, its statistics and the small result types its methods return.",
        (
            "ConfusionMatrix",
            "BinaryCounts",
            "ClassCounts",
            "PredictiveValues",
            "ConfusedPair",
            "BootstrapInterval",
        ),
    ),
    Topic(
        "streaming",
        "Batch by batch",
        "Counting batch by batch on the batches' device, and across torch.distributed ranks.",
        ("Accumulator", "real_samples_on_rank"),
    ),
    Topic(
        "evaluation",
        "Models and loaders",
        "One call over a model and a loader: the matrix and the samples of each cell.",
        ("evaluate", "EvaluationResult", "Sample"),
    ),
    Topic(
        "comparison",
        "Comparing two models",
        "Two models' predictions of the same samples: paired tests and differences.",
        ("compare", "Comparison", "MetricDifference", "PairedTable"),
    ),
    Topic(
        "curves",
        "Thresholds and curves",
        "Counts at every threshold of one score column, the curves and choosing a threshold.",
        (
            "threshold_counts",
            "ThresholdCounts",
            "roc_curve",
            "roc_auc",
            "precision_recall_curve",
            "average_precision",
            "choose_threshold",
            "ThresholdChoice",
        ),
    ),
    Topic(
        "multilabel",
        "Multilabel",
        "Samples that carry several labels at once: `(N, L)` indicators.",
        ("MultilabelConfusion", "MultilabelAccumulator", "evaluate_multilabel"),
    ),
    Topic(
        "top-k",
        "Top-k",
        "Whether the true class is among the k highest scores.",
        ("top_k", "TopK"),
    ),
    Topic(
        "limits",
        "Limits and version",
        "The sizes confmat stores dense or reads at most, and the version.",
        ("DENSE_MAX_CLASSES", "DENSE_CLASS_LIMIT", "INPUT_LIMIT_BYTES", "__version__"),
    ),
)
"""The facade's names by topic, each topic a page ``reference/confmat/<slug>.md``."""


READING_ORDER = ("confmat", "exceptions", "report", "show", "engines", "integrations")
"""The public modules in the order of the reference (as in ``mkdocs.yml``'s ``nav``)."""


def reading_order(module: str) -> tuple[int, str]:
    """Sorts the modules as ``READING_ORDER`` says (a submodule after its package)."""
    part = module.split(".")[1] if "." in module else module
    rank = READING_ORDER.index(part) if part in READING_ORDER else len(READING_ORDER)
    return rank, module


def page_of(module: str) -> str:
    """The reference page of a public module."""
    if module == public_api.PACKAGE:
        return "reference/confmat.md"
    parts = module.split(".")[1:]
    if module in _packages():
        return "/".join(["reference", *parts, "index.md"])
    return "/".join(["reference", *parts]) + ".md"


def _packages() -> set[str]:
    modules = public_api.public_modules(SRC)
    return {m for m in modules if any(o.startswith(f"{m}.") for o in modules)} - {"confmat"}


def entry(identifier: str, **options: Any) -> str:
    """A mkdocstrings entry, with options."""
    lines = [f"::: {identifier}"]
    if options:
        lines.append("    options:")
        lines += [f"      {key}: {_yaml(value)}" for key, value in options.items()]
    return "\n".join(lines) + "\n"


def _yaml(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def summary(package: griffe.Module, identifier: str) -> str:
    """The first line of an object's docstring (roles already turned into Markdown)."""
    obj = public_api.lookup(package, identifier)
    docstring = obj.docstring.value if obj.docstring else ""
    return docstring.strip().split("\n\n")[0].replace("\n", " ")


class Reference:
    """The reference pages, from one load of the package."""

    def __init__(self) -> None:
        extensions = griffe.load_extensions(griffe_confmat.ConfmatReference)
        self.package = griffe.load(
            public_api.PACKAGE, search_paths=[str(SRC)], extensions=extensions
        )
        self.modules = sorted(public_api.public_modules(SRC), key=reading_order)
        self.homes = public_api.homes(self.package, SRC)

    def home(self, module: str, name: str) -> str:
        """The identifier under which ``module.name`` is documented."""
        path = public_api.canonical(public_api.lookup(self.package, f"{module}.{name}"))
        assert path is not None, f"{module}.{name} cannot be found"
        return self.homes[path]

    def pages(self) -> dict[str, str]:
        """``{page: Markdown}`` for every page of the reference."""
        pages = {"reference/index.md": self.index()}
        for module in self.modules:
            pages[page_of(module)] = self.module_page(module)
        for topic in FACADE_PAGES:
            pages[f"reference/confmat/{topic.slug}.md"] = self.topic_page(topic)
        return pages

    def index(self) -> str:
        """The reference's first page: every public module, with links to all its names."""
        lines = [
            "# API reference",
            "",
            "Every public name of confmat, module by module: these are the import paths that",
            "stay. Everything else is private and may move.",
            "",
        ]
        for module in self.modules:
            lines += [f"## [`{module}`][{module}]", "", summary(self.package, module), ""]
            names = public_api.exports(SRC, module)
            links = [f"[`{name}`][{self.home(module, name)}]" for name in names]
            lines += [", ".join(links), ""]
        return "\n".join(lines)

    def module_page(self, module: str) -> str:
        """A public module's page: its docstring, then an entry per name it documents."""
        lines = [entry(module, members=False, heading_level=1, show_root_full_path=True)]
        names = public_api.exports(SRC, module)
        if module == public_api.PACKAGE:
            names = self.facade_overview(lines, names)
        submodules = [n for n in names if self.home(module, n) in self.modules]
        if submodules:
            lines += ["## Modules", ""]
            for name in submodules:
                identifier = f"{module}.{name}"
                lines.append(
                    f"- [`{identifier}`][{identifier}]: {summary(self.package, identifier)}"
                )
            lines.append("")
        own = [n for n in names if self.home(module, n) == f"{module}.{n}" and n not in submodules]
        elsewhere = [n for n in names if n not in own and n not in submodules]
        if elsewhere:
            lines += [
                "## Documented elsewhere",
                "",
                f"Importable from `{module}`, documented where noted:",
                "",
            ]
            lines += [
                f"- `{n}`: [`{self.home(module, n)}`][{self.home(module, n)}]" for n in elsewhere
            ]
            lines.append("")
        lines += [entry(f"{module}.{name}", show_root_full_path=False) for name in own]
        return "\n".join(lines)

    def facade_overview(self, lines: list[str], names: list[str]) -> list[str]:
        """The facade's topics as links; returns the names no topic holds."""
        placed = {name for topic in FACADE_PAGES for name in topic.names}
        lines += ["## By topic", ""]
        for topic in FACADE_PAGES:
            links = ", ".join(f"[`{n}`][confmat.{n}]" for n in topic.names)
            lines.append(f"- [{topic.title}](confmat/{topic.slug}.md): {topic.about} {links}")
        lines.append("")
        return [n for n in names if n not in placed]

    def topic_page(self, topic: Topic) -> str:
        """A page of the facade's names on one topic."""
        missing = set(topic.names) - set(public_api.exports(SRC, public_api.PACKAGE))
        assert not missing, f"FACADE_PAGES names {sorted(missing)}, which confmat does not export"
        lines = [f"# {topic.title}", "", topic.about, ""]
        lines += [
            f"Every name on this page is importable from `confmat` (`confmat.{topic.names[0]}`).",
            "",
        ]
        lines += [entry(f"confmat.{name}", show_root_full_path=False) for name in topic.names]
        return "\n".join(lines)


def on_files(files: Files, config: Any, **kwargs: Any) -> Files:
    """Add the reference pages to the site's files (they exist only in memory)."""
    for path, text in Reference().pages().items():
        files.append(File.generated(config, path, content=text))
    return files


def on_post_page(output: str, page: Any, config: Any, **kwargs: Any) -> str:
    """Drop the hover titles that name private paths: users import the public ones."""
    return PRIVATE_TITLE.sub("", output)
