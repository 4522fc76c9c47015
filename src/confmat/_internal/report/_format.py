"""Number and text formatting shared by the report renderings (presentation only, no math)."""

from __future__ import annotations

from confmat._internal.core.sparse import OTHER
from confmat._internal.report.model import LabelSummary, MatrixView, Report, TopKSection
from confmat._internal.report.numbers import (
    count,
    estimate,
    estimate_parts,
    interval,
    number,
    p_value,
    percent,
    share,
)
from confmat.exceptions import printable as printable  # the one escaping rule, re-exported

MATRIX_UNITS = {
    None: "Counts",
    "true": "Percent of each true class (of its row); n/a: a class without samples",
    "pred": "Percent of each predicted class (of its column); n/a: a class never predicted",
    "all": "Percent of all samples",
}
"""What the cells of a report's matrix show, by the report's ``normalize``."""

TABLE_STATISTICS = ("precision", "recall", "f1", "specificity")
"""The statistics shown in people's per-class tables (CSV and DataFrames have them all)."""


def subtitle(report: Report) -> str:
    """The line under the title: samples, classes (or labels), positive class.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> from confmat._internal.report.model import build_report
        >>> subtitle(build_report(ConfusionMatrix([[5, 1], [2, 8]], ["no", "yes"])))
        '16 samples, 2 classes (positive class: yes)'
    """
    s = report.summary
    weighted = " (sum of sample weights)" if s.weighted else ""
    positive = f" (positive class: {s.positive})" if s.positive is not None else ""
    n = f"{s.n:,}" if isinstance(s.n, int) else count(s.n)  # thousands apart: 10,000,000
    return f"{n} samples{weighted}, {s.num_classes:,} {report.terms.items}{positive}"


def summary_rows(report: Report) -> list[tuple[str, str]]:
    """The summary block as (label, value) pairs, accuracy first.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> from confmat._internal.report.model import build_report
        >>> summary_rows(build_report(ConfusionMatrix([[45, 5], [10, 40]])))[0]
        ('accuracy', '0.85 (95% CI 0.76-0.91)')

    A multilabel report's figures:

        >>> from confmat import MultilabelConfusion
        >>> ml = MultilabelConfusion.from_predictions([[1, 0], [1, 1]], [[1, 0], [0, 1]])
        >>> summary_rows(build_report(ml))[:2]
        [('subset accuracy', '0.5000'), ('hamming loss', '0.2500')]
    """
    s = report.summary
    if isinstance(s, LabelSummary):
        true, pred = s.cardinality
        return [
            ("subset accuracy", number(s.subset_accuracy)),
            ("hamming loss", number(s.hamming_loss)),
            ("labels per sample (true)", number(true)),
            ("labels per sample (predicted)", number(pred)),
            ("macro F1", number(s.macro_f1)),
            ("samples F1", number(s.samples_f1)),
        ]
    return [
        ("accuracy", estimate(s.accuracy, *s.accuracy_ci)),
        ("no-information rate", number(s.no_information_rate)),
        ("p-value acc > NIR", p_value(s.p_value_vs_nir)),
        ("balanced accuracy", number(s.balanced_accuracy)),
        ("Cohen's kappa", number(s.cohen_kappa)),
        ("MCC", number(s.mcc)),
        ("macro F1", number(s.macro_f1)),
        ("weighted F1", number(s.weighted_f1)),
    ]


def class_table(report: Report) -> tuple[list[str], list[list[str]]]:
    """The per-class table for people: header and one row of strings per class.

    Columns: class, support, predicted, the :data:`TABLE_STATISTICS` and the recall interval.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> from confmat._internal.report.model import build_report
        >>> header, rows = class_table(build_report(ConfusionMatrix([[3, 0], [0, 0]], ["a", "b"])))
        >>> header[:4], rows[1][:5]
        (['class', 'support', 'predicted', 'precision'], ['b', '0', '0', 'n/a', 'n/a'])
    """
    columns = report.per_class
    header = [report.terms.item, "support", "predicted", *TABLE_STATISTICS, "recall 95% CI"]
    rows = [
        [
            name,
            count(columns["support"][i]),
            count(columns["predicted"][i]),
            *(number(columns[key][i]) for key in TABLE_STATISTICS),
            interval(columns["recall_ci_low"][i], columns["recall_ci_high"][i]),
        ]
        for i, name in enumerate(report.classes)
    ]
    return header, rows


def average_rows(report: Report) -> list[list[str]]:
    """The footer of :func:`class_table`: macro, weighted and micro (and samples) averages.

    A statistic without an average of that kind (specificity per sample) is left empty.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> from confmat._internal.report.model import build_report
        >>> average_rows(build_report(ConfusionMatrix([[3, 1], [0, 4]])))[0][:4]
        ['macro avg', '8', '', '0.9000']
    """
    s = report.summary
    return [
        [
            f"{method} avg",
            count(s.n),
            "",
            *(number(values[key]) if key in values else "" for key in TABLE_STATISTICS),
            "",
        ]
        for method, values in report.averages.items()
    ]


DISTRIBUTION_HEADING = "Recall and precision over the classes"

DISTRIBUTION_NOTE = "A range holds its lower end: 0.5 counts in 0.5-0.6, 1 in 0.9-1.0."


def distribution_rows(report: Report) -> tuple[list[str], list[list[str]], list[str]]:
    """The classes per bin of recall and of precision (a large report): header, rows, sentences.

    Examples:
        >>> import torch
        >>> from confmat import ConfusionMatrix
        >>> from confmat._internal.report.model import build_report
        >>> report = build_report(ConfusionMatrix(torch.eye(300, dtype=torch.int64)))
        >>> header, rows, sentences = distribution_rows(report)
        >>> header[:3], rows[-2]
        (['range', 'recall', 'share'], ['0.9-1.0', '300', '100.0%', '300', '100.0%'])
        >>> sentences[0]
        '0 of 300 classes have recall below 0.5.'
    """
    if not report.distributions:
        return [], [], []
    header = ["range"]
    for d in report.distributions:
        header += [d.statistic, "share"]
    columns = [d.bins() for d in report.distributions]
    rows = []
    for cells in zip(*columns, strict=True):
        row = [cells[0][0]]
        for d, (_, n) in zip(report.distributions, cells, strict=True):
            row += [count(n), percent(n / d.classes)]
        rows.append(row)
    return header, rows, [*(d.sentence() for d in report.distributions), DISTRIBUTION_NOTE]


def pairs_note(report: Report) -> str:
    """What the list of the most confused pairs leaves out (empty when it lists them all).

    Examples:
        >>> import torch
        >>> from confmat import ConfusionMatrix
        >>> from confmat._internal.report.model import build_report
        >>> pairs_note(build_report(ConfusionMatrix(torch.ones(5, 5, dtype=torch.int64))))
        'The 10 most confused of the 20 pairs with errors; the other 10 are left out.'
    """
    shown, every = len(report.pairs), report.confused_cells
    if shown >= every:
        return ""
    return (
        f"The {shown} most confused of the {every:,} pairs with errors; the other "
        f"{every - shown:,} are left out."
    )


def pair_rows(report: Report) -> list[list[str]]:
    """The most confused pairs: true class, predicted class, count and share of the true class.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> from confmat._internal.report.model import build_report
        >>> pair_rows(build_report(ConfusionMatrix([[8, 2], [1, 9]], ["a", "b"])))
        [['a', 'b', '2', '20.0%'], ['b', 'a', '1', '10.0%']]
    """
    return [[p.true, p.pred, count(p.count), percent(p.rate)] for p in report.pairs]


TOP_K_HEADER = ("class", "support", "hits", "recall")
"""The columns of :func:`top_k_rows`."""


def top_k_line(section: TopKSection) -> str:
    """The top-k accuracies in a sentence.

    Examples:
        >>> from confmat import top_k
        >>> from confmat._internal.report.model import top_k_section
        >>> top_k_line(top_k_section(top_k([0, 1], [[0.6, 0.4], [0.9, 0.1]], 1)))
        'top-1 accuracy 0.5000, balanced 0.5000'
    """
    return (
        f"top-{section.k} accuracy {number(section.accuracy)}, balanced "
        f"{number(section.balanced_accuracy)}"
    )


def top_k_rows(section: TopKSection) -> tuple[list[str], list[list[str]]]:
    """Per class: its support, its top-k hits and its top-k recall, as text.

    Examples:
        >>> from confmat import top_k
        >>> from confmat._internal.report.model import top_k_section
        >>> top_k_rows(top_k_section(top_k([0, 1], [[0.6, 0.4], [0.9, 0.1]], 1)))[1]
        [['0', '1', '1', '1.0000'], ['1', '1', '0', '0.0000']]
    """
    rows = [
        [name, count(support), count(hits), number(recall)]
        for name, support, hits, recall in section.rows
    ]
    return list(TOP_K_HEADER), rows


BINARY_HEADER = ("statistic", "estimate", "95% CI", "method")
"""The columns of :func:`binary_rows`."""


def binary_counts(report: Report) -> list[tuple[str, str]]:
    """The positive class's cells as (name, count) pairs: TP, FP, FN, TN; empty if not binary.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> from confmat._internal.report.model import build_report
        >>> binary_counts(build_report(ConfusionMatrix([[5, 1], [2, 8]], ["no", "yes"])))
        [('TP', '8'), ('FP', '1'), ('FN', '2'), ('TN', '5')]
    """
    lead = report.binary
    if lead is None:
        return []
    return [
        (name, count(value))
        for name, value in zip(
            ("TP", "FP", "FN", "TN"), (lead.tp, lead.fp, lead.fn, lead.tn), strict=True
        )
    ]


def binary_rows(report: Report) -> list[list[str]]:
    """The positive class's statistics: label, estimate, 95% interval and its method.

    The estimate is printed at the decimals of its interval (see
    :func:`report.numbers.estimate`).

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> from confmat._internal.report.model import build_report
        >>> rows = binary_rows(build_report(ConfusionMatrix([[5, 1], [2, 8]], ["no", "yes"])))
        >>> rows[0], rows[-1]
        (['sensitivity', '0.80', '0.49-0.94', 'Wilson'], ['F1', '0.8421', '', 'no interval'])
    """
    lead = report.binary
    if lead is None:
        return []
    rows = []
    for e in lead.estimates:
        value, ci = estimate_parts(e.value, *e.ci)
        rows.append([e.label, value, ci, e.method if ci else "no interval"])
    return rows


def binary_heading(report: Report) -> str:
    """The heading of the binary lead: which class is positive.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> from confmat._internal.report.model import build_report
        >>> binary_heading(build_report(ConfusionMatrix([[5, 1], [2, 8]], ["no", "yes"])))
        "Positive class 'yes' (negative: 'no')"
    """
    lead = report.binary
    if lead is None:
        return ""
    return f"Positive class {lead.positive!r} (negative: {lead.negative!r})"


def matrix_rows(report: Report, view: MatrixView) -> tuple[list[str], list[list[str]]]:
    r"""The matrix as a table: header ``true \\ pred`` and the shown classes, a row per class.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> from confmat._internal.report.model import build_report, matrix_view
        >>> report = build_report(ConfusionMatrix([[5, 1], [2, 8]], ["no", "yes"]))
        >>> matrix_rows(report, matrix_view(report, 12))
        (['true \\ pred', 'no', 'yes'], [['no', '5', '1'], ['yes', '2', '8']])

    A normalized report's view shows its shares (:func:`~report.numbers.share`):

        >>> report = build_report(ConfusionMatrix([[3, 1], [0, 0]], ["a", "b"]), normalize="true")
        >>> matrix_rows(report, matrix_view(report, 12))[1]
        [['a', '75.0%', '25.0%'], ['b', 'n/a', 'n/a']]
    """
    classes = report.matrix.classes  # the view indexes every class, the table may show fewer
    names = [classes[i] for i in view.indices] + ([OTHER] if view.left_out else [])
    if view.shares is None:
        cells = [[count(x) for x in row] for row in view.counts]
    else:
        cells = [[share(x) for x in row] for row in view.shares]
    rows = [[name, *row] for name, row in zip(names, cells, strict=True)]
    return [report.terms.corner, *names], rows


def matrix_unit(report: Report) -> str:
    """What the matrix's cells show, as a sentence (:data:`MATRIX_UNITS`).

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> from confmat._internal.report.model import build_report
        >>> matrix_unit(build_report(ConfusionMatrix([[1, 0], [0, 1]]), normalize="all"))
        'Cells: percent of all samples.'
    """
    unit = MATRIX_UNITS[report.normalize]
    return f"Cells: {unit[0].lower()}{unit[1:]}."


def matrix_note(report: Report, view: MatrixView) -> str:
    """What a bounded matrix view leaves out (empty when it shows every class).

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> from confmat._internal.report.model import build_report, matrix_view
        >>> report = build_report(ConfusionMatrix([[5, 1, 0], [0, 4, 0], [0, 0, 3]]))
        >>> matrix_note(report, matrix_view(report, 2))  # doctest: +NORMALIZE_WHITESPACE
        'The 2 classes most involved in confusions, of 3; the row and column (other) sum the
        1 class left out, so every count is kept (the cell (other, other) includes its correct
        predictions).'
    """
    if not view.left_out:
        return ""
    kept, size = len(view.indices), report.summary.num_classes
    item, items = report.terms.item, report.terms.items
    left, its = (
        (f"1 {item}", "its") if view.left_out == 1 else (f"{view.left_out:,} {items}", "their")
    )
    text = (
        f"The {kept} {items} most involved in confusions, of {size:,}; the row and column {OTHER} "
        f"sum the {left} left out, so every count is kept"
    )
    if not report.terms.other_cell:
        return text + "."
    return f"{text} (the cell ({OTHER[1:-1]}, {OTHER[1:-1]}) includes {its} correct predictions)."
