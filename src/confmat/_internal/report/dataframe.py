"""pandas DataFrames of a report: the per-class table, the overall numbers and the matrix.

pandas is imported only when a frame is made. Undefined statistics stay NaN, infinite ones inf.
A multilabel result's tables are ``"per_label"`` (also ``"per_class"``), ``"overall"``,
``"averages"`` and ``"co_confusion"`` (:data:`report.model.LABEL_TERMS`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from confmat._internal.core import checks
from confmat._internal.core.types import MatrixLike, MultilabelLike, is_multilabel
from confmat._internal.report.model import LABEL_TERMS, LabelSummary, Report, Terms, build_report

if TYPE_CHECKING:
    import pandas as pd


TABLES: tuple[str, ...] = Terms().tables


def to_pandas(cm: MatrixLike | MultilabelLike, table: str = "per_class") -> pd.DataFrame:
    """One table of the report as a DataFrame.

    Args:
        cm: the confusion matrix (rows true class, columns predicted class), or a multilabel
            result.
        table: ``"per_class"``: one row per class (index ``class``), columns the counts
            (support, predicted, tp, fp, fn, tn), every per-class statistic and the 95% Wilson
            intervals of recall, specificity, precision and NPV; ``"overall"``: one row per
            overall statistic (index ``statistic``), column ``value``, including the macro,
            weighted and micro averages (``n`` is an integer, the statistics floats: the
            column's dtype is ``object``); ``"matrix"``: the counts, index ``true`` and
            columns ``predicted`` named by class. A multilabel result has ``"per_label"``
            (index ``label``, counts ``tn, fp, fn, tp``; ``"per_class"`` is the same),
            ``"overall"`` (subset accuracy, Hamming loss, labels per sample, the averages),
            ``"averages"`` (index ``statistic``, a column per method: macro, weighted, micro,
            samples) and ``"co_confusion"`` (index ``missed``, columns ``predicted_instead``).

    Returns:
        The DataFrame.

    Raises:
        OptionError: if ``table`` is not one of the result's tables.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> cm = ConfusionMatrix([[5, 1], [2, 8]], ["no", "yes"])
        >>> to_pandas(cm).loc["yes", ["support", "recall"]].tolist()
        [10.0, 0.8]
        >>> to_pandas(cm, "matrix").loc["yes", "no"]
        np.int64(2)
        >>> float(to_pandas(cm, "overall").loc["accuracy", "value"])
        0.8125
    """
    tables = LABEL_TERMS.tables if is_multilabel(cm) else TABLES
    checks.check_option_choice(table, tables, "table")
    return frame_from_report(build_report(cm, top_pairs=1), table)


def frame_from_report(report: Report, table: str) -> pd.DataFrame:
    """One table of a built :class:`~report.model.Report` (see :func:`to_pandas`).

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> report = build_report(ConfusionMatrix([[3, 1], [0, 4]], ["a", "b"]))
        >>> frame_from_report(report, "matrix").index.name
        'true'
    """
    import pandas as pd

    terms = report.terms
    classes = pd.Index(report.classes, name=terms.item)
    if table in ("per_class", "per_label"):
        return pd.DataFrame(report.per_class, index=classes)
    if table in ("matrix", "co_confusion"):
        true, pred = terms.axis_names
        counts = report.matrix.counts.detach().cpu().numpy() if report.matrix_shown else None
        return pd.DataFrame(counts, index=classes.rename(true), columns=classes.rename(pred))
    if table == "averages":
        return pd.DataFrame(report.averages).rename_axis("statistic")
    values = _overall(report)
    for method, averages in report.averages.items():
        values.update({f"{method}_{name}": value for name, value in averages.items()})
    # one column of mixed numbers: object dtype keeps n a whole number (not 2000.000000)
    column = pd.Series(list(values.values()), index=list(values), dtype=object, name="value")
    return column.to_frame().rename_axis("statistic")


def _overall(report: Report) -> dict[str, int | float]:
    """The whole-result numbers of the ``"overall"`` table."""
    s = report.summary
    if isinstance(s, LabelSummary):
        true, pred = s.cardinality
        return {
            "n": s.n,
            "subset_accuracy": s.subset_accuracy,
            "hamming_loss": s.hamming_loss,
            "label_cardinality_true": true,
            "label_cardinality_pred": pred,
        }
    return {
        "n": s.n,
        "accuracy": s.accuracy,
        "accuracy_ci_low": s.accuracy_ci[0],
        "accuracy_ci_high": s.accuracy_ci[1],
        "no_information_rate": s.no_information_rate,
        "accuracy_p_value_vs_nir": s.p_value_vs_nir,
        "balanced_accuracy": s.balanced_accuracy,
        "cohen_kappa": s.cohen_kappa,
        "mcc": s.mcc,
    }
