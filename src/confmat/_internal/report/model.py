"""The report model: every number a report shows, read once from a result.

One :class:`Report` feeds every rendering (terminal, plain text, Markdown, CSV, HTML, DataFrames).
It does no math of its own: it reads the result's statistics, intervals, most confused pairs and
findings, and keeps them as plain Python values (NaN where a statistic is undefined).

A multilabel result (:class:`~confmat.MultilabelConfusion`) fills the same model: its labels are
the rows of the per-class table (each label its own one-vs-rest problem), its label
co-confusion is the matrix (rows: the label missed, columns: the label predicted instead), the
most frequent co-confusions are the pairs, and its overall figures are a :class:`LabelSummary`.
:class:`Terms` holds the words that differ, so every renderer draws both.

Examples:
    >>> from confmat import ConfusionMatrix
    >>> cm = ConfusionMatrix([[50, 3], [4, 43]], ["healthy", "sick"])
    >>> report = build_report(cm, title="Screening")
    >>> report.summary.accuracy, report.classes[1], report.per_class["support"][1]
    (0.93, 'sick', 47)
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, cast

import torch

from confmat._internal.core import checks, sparse
from confmat._internal.core.types import (
    MatrixLike,
    MultilabelLike,
    Normalize,
    TopKLike,
    is_multilabel,
)
from confmat._internal.report import large
from confmat._internal.report.findings import Finding, findings, label_findings, majority_class
from confmat._internal.stats import measures
from confmat._internal.stats.confusions import (
    ConfusedPair,
    confused_cells,
    most_confused,
    most_confused_classes,
)
from confmat._internal.stats.multilabel import AVERAGES as LABEL_AVERAGES
from confmat._internal.stream.reservoir import Sample
from confmat.exceptions import OptionError

DEFAULT_TITLE = "Confusion matrix report"

LABEL_TITLE = "Multilabel report"
"""The title of a multilabel report."""

GalleryEntry = tuple[str, str] | tuple[str, str, Sample]
"""An image of a report's gallery: ``(data URI, caption)`` or ``(data URI, caption, sample)``."""

TOP_PAIRS = 10
"""How many most confused pairs a report lists."""

COUNT_COLUMNS = ("support", "predicted", "tp", "fp", "fn", "tn")
"""The per-class counts of the report's table (float when the matrix is weighted)."""

INTERVAL_STATISTICS = ("recall", "specificity", "precision", "npv")
"""The per-class statistics whose 95% Wilson interval a report carries (as the JSON document)."""

INTERVAL_COLUMNS = tuple(
    f"{name}_ci_{end}" for name in INTERVAL_STATISTICS for end in ("low", "high")
)
"""The 95% Wilson intervals of :data:`INTERVAL_STATISTICS`, after the statistics."""

AVERAGED = ("precision", "recall", "f1", "specificity")
"""The statistics averaged in the table's footer (macro, weighted, micro)."""

BINARY_LEAD = (
    ("sensitivity", "recall"),
    ("specificity", "specificity"),
    ("PPV (precision)", "precision"),
    ("NPV", "npv"),
    ("F1", "f1"),
)
"""What a binary report leads with, for the positive class: (label, statistic)."""

BINARY_INTERVAL = "Wilson"
"""The method of the binary lead's 95% intervals (:meth:`ConfusionMatrix.interval`'s default)."""


class CountGrid(Protocol):
    """What a report draws as its matrix: square counts and the names of its rows.

    A :class:`~confmat.ConfusionMatrix` (rows true, columns predicted), or a multilabel
    result's :class:`CoConfusion`.
    """

    @property
    def counts(self) -> torch.Tensor:
        """The ``(C, C)`` counts (dense or sparse)."""

    @property
    def classes(self) -> list[str]:
        """The names of the rows (and columns)."""


@dataclass(frozen=True)
class CoConfusion:
    """A multilabel result's co-confusion as a report's matrix.

    ``counts[i, j]``: the samples in which label i is missed while label j is predicted without
    being true.

    Examples:
        >>> CoConfusion(torch.zeros(2, 2, dtype=torch.int64), ["a", "b"]).classes
        ['a', 'b']
    """

    counts: torch.Tensor
    classes: list[str]


@dataclass(frozen=True)
class Terms:
    """The words of a report for what it shows.

    A confusion matrix's (the defaults) or a multilabel result's (:data:`LABEL_TERMS`).

    Examples:
        >>> Terms().pairs, LABEL_TERMS.item
        ('Most confused pairs', 'label')
    """

    title: str = DEFAULT_TITLE
    result: str = "ConfusionMatrix"  # the type, in the Jupyter view
    item: str = "class"  # a row of the per-class table
    items: str = "classes"
    per_item: str = "Per class"
    matrix: str = "Confusion matrix"
    matrix_short: str = "Matrix"
    axes: str = "rows: true class, columns: predicted class"
    axes_sentence: str = "Rows are true classes, columns predicted classes."
    corner: str = "true \\ pred"
    axis_names: tuple[str, str] = ("true", "predicted")
    pairs: str = "Most confused pairs"
    pair_header: tuple[str, str, str, str] = (
        "true class",
        "predicted as",
        "count",
        "of true class",
    )
    no_pairs: str = "no sample is misclassified"
    other_cell: bool = True  # the (other, other) cell holds correct predictions
    interactive: bool = True  # the HTML page's script explains the matrix's cells
    tables: tuple[str, ...] = ("per_class", "overall", "matrix")  # of to_pandas


LABEL_TERMS = Terms(
    title=LABEL_TITLE,
    result="MultilabelConfusion",
    item="label",
    items="labels",
    per_item="Per label",
    matrix="Label co-confusion",
    matrix_short="Co-confusion",
    axes="rows: label missed, columns: label predicted instead",
    axes_sentence="Rows are labels missed, columns labels predicted instead.",
    corner="missed \\ instead",
    axis_names=("missed", "predicted_instead"),
    pairs="Most often predicted instead of a missed label",
    pair_header=("label missed", "predicted instead", "count", "of its misses"),
    no_pairs="no label is missed while another is predicted instead",
    other_cell=False,
    interactive=False,
    tables=("per_label", "per_class", "overall", "averages", "co_confusion"),
)
"""The words of a multilabel report."""


@dataclass(frozen=True)
class Summary:
    """The overall numbers of a report.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> build_report(ConfusionMatrix([[5, 0], [1, 4]])).summary.no_information_rate
        0.5
    """

    n: int | float
    num_classes: int
    positive: str | None
    weighted: bool
    accuracy: float
    accuracy_ci: tuple[float, float]
    no_information_rate: float
    majority_class: str
    p_value_vs_nir: float
    balanced_accuracy: float
    cohen_kappa: float
    mcc: float
    macro_f1: float
    weighted_f1: float


@dataclass(frozen=True)
class LabelSummary:
    """The overall numbers of a multilabel report.

    Examples:
        >>> from confmat import MultilabelConfusion
        >>> ml = MultilabelConfusion.from_predictions([[1, 0], [1, 1]], [[1, 0], [0, 1]])
        >>> build_report(ml).summary.subset_accuracy
        0.5
    """

    n: int | float
    num_classes: int
    weighted: bool
    subset_accuracy: float
    hamming_loss: float
    cardinality: tuple[float, float]  # labels per sample: true, predicted
    macro_f1: float
    samples_f1: float
    positive: None = None


@dataclass(frozen=True)
class TopKSection:
    """The top-k part of a report (:func:`confmat.top_k` of the same samples' scores).

    ``rows`` are, per class: its name, support, top-k hits and top-k recall.

    Examples:
        >>> from confmat import top_k
        >>> section = top_k_section(top_k([0, 1], [[0.6, 0.4], [0.9, 0.1]], 1))
        >>> section.k, section.accuracy, section.rows[1]
        (1, 0.5, ('1', 1, 0, 0.0))
    """

    k: int
    accuracy: float
    balanced_accuracy: float
    rows: tuple[tuple[str, int | float, int | float, float], ...]


def top_k_section(result: TopKLike) -> TopKSection:
    """The top-k part of a report, read from a :class:`~confmat.TopK`."""
    columns = (result.support.tolist(), result.hits.tolist(), result.per_class_recall.tolist())
    rows = tuple(zip(result.classes, *columns, strict=True))
    return TopKSection(result.k, result.accuracy, result.balanced_accuracy, rows)


@dataclass(frozen=True)
class Estimate:
    """A statistic of the positive class with its 95% interval (NaN bounds: none).

    Examples:
        >>> Estimate("NPV", 0.7143, (0.3589, 0.9178), "Wilson").method
        'Wilson'
    """

    label: str
    value: float
    ci: tuple[float, float]
    method: str


@dataclass(frozen=True)
class BinaryLead:
    """What a binary report leads with: the positive class's counts and main statistics.

    ``estimates`` follow :data:`BINARY_LEAD`: sensitivity, specificity, PPV, NPV (each with its
    95% Wilson interval) and F1 (which has no interval).

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> lead = build_report(ConfusionMatrix([[5, 1], [2, 8]], ["no", "yes"])).binary
        >>> lead.positive, (lead.tp, lead.fp, lead.fn, lead.tn), lead.estimates[0].value
        ('yes', (8, 1, 2, 5), 0.8)
    """

    positive: str
    negative: str
    tp: int | float
    fp: int | float
    fn: int | float
    tn: int | float
    estimates: tuple[Estimate, ...]


@dataclass(frozen=True)
class MatrixView:
    """The part of the matrix a report prints: all classes, or the most confused ones.

    ``indices`` are the classes shown (in class order), ``counts[i][j]`` the count of true
    ``classes[indices[i]]`` predicted as ``classes[indices[j]]``. When ``left_out`` classes are
    not shown, ``counts`` has a last row and column, :data:`core.sparse.OTHER`, summing
    their cells, so every count is kept: rows sum to the supports, the whole to n. The last
    cell, (other, other), includes the left-out classes' correct predictions.
    ``shares`` (when the report is normalized) are the same cells as shares of the whole row,
    column or total (``ConfusionMatrix.normalized``), NaN where the row or column has no
    samples; the (other) row's are of the left-out classes' samples.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> report = build_report(ConfusionMatrix([[5, 1, 0], [0, 4, 0], [2, 0, 3]]))
        >>> view = matrix_view(report, 2)
        >>> view.indices, view.counts, view.left_out, view.shares
        ((0, 2), [[5, 0, 1], [2, 3, 0], [0, 0, 4]], 1, None)
    """

    indices: tuple[int, ...]
    counts: list[list[int | float]]
    left_out: int
    shares: list[list[float]] | None = None


@dataclass(frozen=True)
class GalleryItem:
    """One image of the gallery: a ``data:image/...`` URI, its caption and, if known, its sample.

    ``sample`` (a kept sample of :func:`confmat.evaluate`: true and predicted class, confidence,
    loss, dataset index) puts the image under its cell of the matrix in the HTML report.

    Examples:
        >>> GalleryItem("data:image/png;base64,iVBORw0KGgo=", "true 3, predicted 8").caption
        'true 3, predicted 8'
    """

    uri: str
    caption: str
    sample: Sample | None = None


@dataclass(frozen=True)
class Report:
    """Everything a rendering of a confusion matrix shows.

    Build it with :func:`build_report`. ``per_class[column][i]`` is the value of a column for
    ``classes[i]``; the columns are :data:`COUNT_COLUMNS`, every statistic of
    :data:`stats.measures.PER_CLASS` and :data:`INTERVAL_COLUMNS`, in that order.
    ``averages[method][statistic]`` holds the macro, weighted and micro averages of
    :data:`AVERAGED`. ``normalize`` (None: counts) is what the matrix's cells show: shares of
    the true class (``"true"``, rows), of the predicted class (``"pred"``) or of all samples.
    A multilabel report holds a :class:`LabelSummary`, its labels' counts in scikit-learn's
    order (tn, fp, fn, tp), the samples averages too, the co-confusion as its matrix
    (``matrix_shown`` False when it was not counted) and :data:`LABEL_TERMS`.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> report = build_report(ConfusionMatrix([[8, 2], [1, 9]], ["a", "b"]))
        >>> report.title, [p.true for p in report.pairs], round(report.averages["macro"]["f1"], 3)
        ('Confusion matrix report', ['a', 'b'], 0.85)
    """

    matrix: CountGrid
    title: str
    source: str | None
    summary: Summary | LabelSummary
    classes: tuple[str, ...]
    per_class: dict[str, list[int | float]]
    averages: dict[str, dict[str, float]]
    pairs: tuple[ConfusedPair, ...]
    findings: tuple[Finding, ...]
    gallery: tuple[GalleryItem, ...]
    binary: BinaryLead | None = None
    normalize: Normalize | None = None
    distributions: tuple[large.Distribution, ...] = ()  # recall, precision over many classes
    confused_cells: int = 0  # the pairs with errors, of which ``pairs`` are the first
    terms: Terms = field(default_factory=Terms)
    matrix_shown: bool = True
    top_k: TopKSection | None = None


def build_report(
    cm: MatrixLike | MultilabelLike,
    *,
    title: str | None = None,
    source: str | None = None,
    gallery: Sequence[GalleryEntry] | None = None,
    top_pairs: int = TOP_PAIRS,
    normalize: Normalize | None = None,
    top_k: TopKLike | None = None,
) -> Report:
    """Read everything a report shows from ``cm``, once.

    Args:
        cm: the confusion matrix (rows true class, columns predicted class), or a multilabel
            result (its labels, co-confusion and overall figures).
        title: the report's title (default :data:`DEFAULT_TITLE`).
        source: where the predictions came from, e.g. a file name.
        gallery: examples as ``(data:image/... URI, caption)`` pairs, or ``(URI, caption,
            sample)`` triples with the :class:`~stream.reservoir.Sample` shown (as
            :meth:`confmat.EvaluationResult.cell_gallery` returns them).
        top_pairs: how many most confused pairs to list.
        normalize: the matrix's cells as shares of the true class (``"true"``, rows), of the
            predicted class (``"pred"``, columns) or of all samples (``"all"``); None: counts.
            A confusion matrix's option only.
        top_k: the top-k results of the same samples' scores, a section of their own.

    Returns:
        The report model.

    Raises:
        OptionError: if a gallery image is not a ``data:image/`` URI of a raster format, or
            ``normalize`` is not one of None, ``"true"``, ``"pred"``, ``"all"`` (or is given
            for a multilabel result).

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> report = build_report(ConfusionMatrix([[3, 1], [0, 4]]), source="preds.csv")
        >>> report.source, report.per_class["recall"][0]
        ('preds.csv', 0.75)
    """
    images = check_gallery(gallery)  # before any work
    if normalize is not None:
        checks.check_option_choice(normalize, ("true", "pred", "all"), "normalize")
    section = None if top_k is None else top_k_section(top_k)
    if is_multilabel(cm):
        if normalize is not None:
            raise OptionError(
                "normalize shows a confusion matrix's cells as shares; a multilabel report has "
                "none to normalize",
                argument="normalize",
            )
        return _label_report(cm, title, source, images, top_pairs, section)
    return _matrix_report(
        cast(MatrixLike, cm), title, source, images, top_pairs, normalize, section
    )


def _matrix_report(
    cm: MatrixLike,
    title: str | None,
    source: str | None,
    images: list[GalleryEntry],
    top_pairs: int,
    normalize: Normalize | None,
    top_k: TopKSection | None,
) -> Report:
    """The :class:`Report` of a confusion matrix."""
    pairs = most_confused(cm.counts, cm.classes, k=top_pairs)
    shown = large.shown_classes(cm)  # every class, or the worst of many (report/large.py)
    names = cm.classes
    return Report(
        matrix=cm,
        title=DEFAULT_TITLE if title is None else str(title),
        source=None if source is None else str(source),
        summary=_summary(cm),
        classes=tuple(names[i] for i in shown.tolist()),
        per_class=_per_class(cm, shown),
        averages={
            method: {name: cm.average(name, method) for name in AVERAGED}
            for method in ("macro", "weighted", "micro")
        },
        pairs=tuple(pairs),
        findings=(*findings(cm, pairs=pairs), *large.left_out(cm, len(shown))),
        gallery=tuple(GalleryItem(*item) for item in images),
        binary=_binary_lead(cm),
        normalize=normalize,
        distributions=large.distributions(cm),
        confused_cells=confused_cells(cm.counts),
        top_k=top_k,
    )


LABEL_COUNT_COLUMNS = ("support", "predicted", "tn", "fp", "fn", "tp")
"""The per-label counts of a multilabel report, in scikit-learn's order of the cells."""


def _label_report(
    ml: MultilabelLike,
    title: str | None,
    source: str | None,
    images: list[GalleryEntry],
    top_pairs: int,
    top_k: TopKSection | None,
) -> Report:
    """The :class:`Report` of a multilabel result (see the module docstring)."""
    names, co = ml.classes, ml.co_confusion
    shown = co is not None
    if co is None:  # a result made from counts alone: nothing to draw
        co = ml.counts.new_zeros((len(names), len(names)))
    co_matrix = CoConfusion(co.detach().cpu(), names)
    pairs = _co_pairs(ml, co_matrix, top_pairs) if shown else []
    methods = [m for m in LABEL_AVERAGES if m != "samples" or ml.sample_sums is not None]
    return Report(
        matrix=co_matrix,
        title=LABEL_TITLE if title is None else str(title),
        source=None if source is None else str(source),
        summary=_label_summary(ml),
        classes=tuple(names),
        per_class=_per_label(ml),
        averages={method: _label_averages(ml, method) for method in methods},
        pairs=tuple(pairs),
        findings=tuple(label_findings(ml)),
        gallery=tuple(GalleryItem(*item) for item in images),
        confused_cells=confused_cells(co_matrix.counts) if shown else 0,
        terms=LABEL_TERMS,
        matrix_shown=shown,
        top_k=top_k,
    )


def _label_summary(ml: MultilabelLike) -> LabelSummary:
    samples = ml.average("f1", "samples") if ml.sample_sums is not None else math.nan
    return LabelSummary(
        n=ml.n,
        num_classes=ml.num_classes,
        weighted=ml.is_weighted,
        subset_accuracy=ml.subset_accuracy,
        hamming_loss=ml.hamming_loss,
        cardinality=ml.cardinality,
        macro_f1=ml.average("f1", "macro"),
        samples_f1=samples,
    )


def _label_averages(ml: MultilabelLike, method: str) -> dict[str, float]:
    """Every averaged statistic (:data:`stats.measures.AVERAGED`) that ``method`` has."""
    names: tuple[str, ...] = measures.AVERAGED
    if method == "samples":
        names = tuple(n for n in names if n in ("precision", "recall", "f1", "jaccard"))
    return {name: ml.average(name, method) for name in names}


def _per_label(ml: MultilabelLike) -> dict[str, list[int | float]]:
    counts = ml.class_counts
    cells = {"support": counts.support, "predicted": counts.predicted}
    cells.update(tn=counts.tn, fp=counts.fp, fn=counts.fn, tp=counts.tp)
    as_count = float if ml.is_weighted else int
    columns: dict[str, list[int | float]] = {
        name: [as_count(x) for x in cells[name].tolist()] for name in LABEL_COUNT_COLUMNS
    }
    for name in measures.PER_CLASS:
        columns[name] = ml.per_class(name).tolist()
    for name in INTERVAL_STATISTICS:
        lo, hi = ml.interval(name)
        columns[f"{name}_ci_low"], columns[f"{name}_ci_high"] = lo.tolist(), hi.tolist()
    return columns


def _co_pairs(ml: MultilabelLike, co: CoConfusion, top: int) -> list[ConfusedPair]:
    """The most frequent co-confusions; ``rate``: the share of the missed label's misses."""
    misses = ml.class_counts.fn.tolist()
    where = {name: i for i, name in enumerate(co.classes)}
    return [
        pair._replace(rate=pair.count / misses[where[pair.true]])
        for pair in most_confused(co.counts, co.classes, k=top)
    ]


def _binary_lead(cm: MatrixLike) -> BinaryLead | None:
    if cm.positive is None or cm.num_classes != 2:
        return None
    index = cm.classes.index(cm.positive)
    c = cm.class_counts
    as_count = float if cm.is_weighted else int
    estimates = []
    for label, name in BINARY_LEAD:
        value = float(cm.per_class(name)[index])
        if name in INTERVAL_STATISTICS:
            lo, hi = cm.interval(name)
            estimates.append(
                Estimate(label, value, (float(lo[index]), float(hi[index])), BINARY_INTERVAL)
            )
        else:
            estimates.append(Estimate(label, value, (math.nan, math.nan), ""))
    return BinaryLead(
        positive=cm.positive,
        negative=cm.classes[1 - index],
        tp=as_count(c.tp[index]),
        fp=as_count(c.fp[index]),
        fn=as_count(c.fn[index]),
        tn=as_count(c.tn[index]),
        estimates=tuple(estimates),
    )


def matrix_view(report: Report, limit: int) -> MatrixView:
    """The matrix of ``report``, or beyond ``limit`` classes the ``limit`` most confused ones.

    See :func:`stats.confusions.most_confused_classes` for the choice; a bounded view
    ends with the (other) row and column (:class:`MatrixView`). A normalized report's view
    carries the shown cells' shares too (of the whole matrix's rows, columns or total: only
    the shown block is read, from a dense or sparse store alike).
    """
    counts = report.matrix.counts
    size = report.summary.num_classes
    if size <= limit:
        indices = list(range(size))
    else:
        indices = most_confused_classes(counts.detach().cpu(), limit)
    index = torch.tensor(indices, dtype=torch.long, device=counts.device)
    left_out = size - len(indices)
    other = left_out > 0  # the (other) row and column keep every count
    shown = sparse.block(counts, index, other).tolist()  # dense or sparse alike
    how = report.normalize
    shares = None if how is None else sparse.block_shares(counts, index, how, other).tolist()
    return MatrixView(tuple(indices), shown, left_out, shares)


def _summary(cm: MatrixLike) -> Summary:
    return Summary(
        n=cm.n,
        num_classes=cm.num_classes,
        positive=cm.positive,
        weighted=cm.is_weighted,
        accuracy=cm.accuracy,
        accuracy_ci=cm.accuracy_ci(),
        no_information_rate=cm.no_information_rate,
        majority_class=majority_class(cm),
        p_value_vs_nir=cm.accuracy_p_value_vs_nir,
        balanced_accuracy=cm.balanced_accuracy,
        cohen_kappa=cm.cohen_kappa,
        mcc=cm.mcc,
        macro_f1=cm.average("f1", "macro"),
        weighted_f1=cm.average("f1", "weighted"),
    )


def _per_class(cm: MatrixLike, shown: torch.Tensor) -> dict[str, list[int | float]]:
    counts = cm.class_counts
    as_count = float if cm.is_weighted else int
    columns: dict[str, list[int | float]] = {
        name: [as_count(x) for x in getattr(counts, name)[shown].tolist()] for name in COUNT_COLUMNS
    }
    for name in measures.PER_CLASS:
        columns[name] = cm.per_class(name)[shown].tolist()
    for name in INTERVAL_STATISTICS:
        lo, hi = cm.interval(name)
        columns[f"{name}_ci_low"], columns[f"{name}_ci_high"] = (
            lo[shown].tolist(),
            hi[shown].tolist(),
        )
    return columns


_IMAGE_URI = re.compile(r"data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/]*={0,2}")


def check_gallery(gallery: object) -> list[GalleryEntry]:
    """Gallery images: ``(data URI, caption[, sample])``; raster ``data:image/...;base64`` only.

    Nothing else may reach a report's ``<img src>``: no remote address, no script, no SVG.
    """
    if gallery is None:
        return []
    if isinstance(gallery, (str, bytes)) or not isinstance(gallery, Sequence):
        raise OptionError(
            f"gallery must be a list of (image URI, caption), got {gallery!r:.60}",
            argument="gallery",
        )
    checked: list[GalleryEntry] = []
    for index, item in enumerate(gallery):
        if not (
            isinstance(item, Sequence)
            and len(item) in (2, 3)
            and isinstance(item[0], str)
            and (len(item) == 2 or isinstance(item[2], Sample))
        ):
            raise OptionError(
                f"gallery[{index}] must be (image URI, caption) or (image URI, caption, Sample), "
                f"got {item!r:.60}"
            )
        if _IMAGE_URI.fullmatch(item[0]) is None:
            raise OptionError(
                f"gallery[{index}] must be a base64 data:image/png, jpeg, gif or webp URI, "
                f"got {item[0]!r:.60}"
            )
        if len(item) == 3:
            checked.append((item[0], str(item[1]), item[2]))
        else:
            checked.append((item[0], str(item[1])))
    return checked
