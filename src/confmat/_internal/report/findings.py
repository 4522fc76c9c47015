"""Findings in words: what the numbers of a confusion matrix say, for people to read.

Each finding is a :class:`Finding` (severity, code, message) computed by a pure function of a
:class:`~results.matrix.ConfusionMatrix` (or, :func:`label_findings`, of a multilabel result);
renderers style them by severity. Nothing here computes a statistic: the functions read the
result's statistics, its intervals and :func:`stats.confusions.most_confused`, and put them into
sentences.

Examples:
    >>> from confmat import ConfusionMatrix
    >>> cm = ConfusionMatrix([[90, 0], [10, 0]], ["healthy", "sick"])
    >>> [f.code for f in findings(cm)]
    ['accuracy-paradox', 'never-predicted', 'most-confused']
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import cast

import numpy as np
import torch

from confmat._internal.core.types import Finding as Finding  # its home, re-exported
from confmat._internal.core.types import MatrixLike, MultilabelLike, Severity, is_multilabel
from confmat._internal.report import numbers
from confmat._internal.stats.confusions import ConfusedPair, most_confused
from confmat.exceptions import printable

ALPHA = 0.05
"""The significance level below which accuracy counts as better than the majority baseline."""

MIN_SAMPLES = 10
"""Estimates resting on fewer samples than this are flagged, with their 95% interval."""

MAX_NAMED = 5
"""At most this many classes are named one by one in a finding; the rest are counted."""

MAX_SPELLED = 3
"""Up to this many small classes get a sentence each; more are summed up in one finding."""


def findings(
    cm: MatrixLike | MultilabelLike,
    *,
    pairs: Sequence[ConfusedPair] | None = None,
    top_pairs: int = 3,
    min_samples: int = MIN_SAMPLES,
) -> list[Finding]:
    """All findings about ``cm``, the most serious first.

    Args:
        cm: the confusion matrix (rows true class, columns predicted class), or a multilabel
            result (:func:`label_findings`; ``pairs`` and ``min_samples`` are a matrix's).
        pairs: the most confused pairs, if already at hand (else computed).
        top_pairs: how many confused pairs to describe.
        min_samples: estimates resting on fewer samples are flagged.

    Returns:
        The findings, sorted by severity (critical, warning, info), stable within each.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> cm = ConfusionMatrix([[50, 2], [3, 45]], ["cat", "dog"])
        >>> [f.message for f in findings(cm, top_pairs=1)]
        ["'dog' is mistaken for 'cat' 3 times (6.2% of true 'dog')."]
    """
    if is_multilabel(cm):
        return label_findings(cm, top_pairs)
    cm = cast(MatrixLike, cm)
    if pairs is None:
        pairs = most_confused(cm.counts, cm.classes, k=top_pairs)
    found = [
        *accuracy_paradox(cm),
        *never_predicted(cm),
        *absent_from_targets(cm),
        *few_samples(cm, min_samples),
        *confused_pairs(pairs[:top_pairs]),
    ]
    return _by_severity(found)


def _by_severity(found: list[Finding]) -> list[Finding]:
    """The findings sorted by severity (critical, warning, info), stable within each."""
    order = {"critical": 0, "warning": 1, "info": 2}
    return sorted(found, key=lambda f: order[f.severity])


def accuracy_paradox(cm: MatrixLike, alpha: float = ALPHA) -> list[Finding]:
    """Accuracy not (significantly) better than always predicting the majority class.

    The rule: accuracy is *close to* the no-information rate (NIR) when it is at most the NIR, or
    when the one-sided exact binomial p-value of accuracy > NIR is ``alpha`` or more (a weighted
    matrix has no p-value: there, at most the NIR). Then, when the data is imbalanced
    (:func:`is_imbalanced`), the finding is ``"accuracy-paradox"``: accuracy alone misleads;
    otherwise it is ``"no-better-than-chance"``. Either is critical when accuracy is at most the
    NIR and a warning when it is higher but not significantly so. The statistics it points to
    are only those that are defined.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> cm = ConfusionMatrix([[95, 0], [5, 0]], ["ok", "fault"])
        >>> print(accuracy_paradox(cm)[0].message)  # doctest: +NORMALIZE_WHITESPACE
        Accuracy 0.950 is no better than always predicting the majority class 'ok' (no-information
        rate 0.950; p = 0.62 for accuracy > NIR): on imbalanced data ('ok' is 95.0% of the samples)
        accuracy alone misleads (the accuracy paradox); look at balanced accuracy (0.500) and
        kappa (0.000) instead.
        >>> balanced = ConfusionMatrix([[30, 20], [26, 24]], ["a", "b"])
        >>> accuracy_paradox(balanced)[0].code
        'no-better-than-chance'
    """
    accuracy, nir = cm.accuracy, cm.no_information_rate
    p_value = cm.accuracy_p_value_vs_nir
    if math.isnan(accuracy) or cm.num_classes < 2:
        return []
    significant = p_value < alpha if not math.isnan(p_value) else accuracy > nir
    if significant and accuracy > nir:
        return []
    severity: Severity = "critical" if accuracy <= nir else "warning"
    majority = _quote(majority_class(cm))
    tested = "" if math.isnan(p_value) else f"; p = {p_value:.2g} for accuracy > NIR"
    shown = numbers.number(accuracy, 3)
    verdict = "no better" if accuracy <= nir else "not significantly better"
    if is_imbalanced(cm):
        baseline = f"(no-information rate {numbers.number(nir, 3)}{tested})"
        message = (
            f"Accuracy {shown} is {verdict} than always predicting the majority class {majority} "
            f"{baseline}: on imbalanced data ({majority} is {numbers.percent(nir)} of the "
            f"samples) accuracy alone misleads (the accuracy paradox)"
        )
        look = _defined(
            ("balanced accuracy", cm.balanced_accuracy),
            ("kappa", cm.cohen_kappa),
            ("MCC", cm.mcc),
        )
        message += f"; look at {look} instead." if look else "."
        return [Finding(severity, "accuracy-paradox", message)]
    chance = 1 / cm.num_classes
    message = (
        f"Accuracy {shown} is {verdict} than chance on these roughly balanced classes: always "
        f"predicting the most frequent class {majority} would score {numbers.number(nir, 3)} "
        f"(the no-information rate{tested})"
    )
    guessed = [
        f"{name} {numbers.number(value, 3)} (guessing gives {level})"
        for name, value, level in (
            ("balanced accuracy", cm.balanced_accuracy, numbers.number(chance, 3)),
            ("kappa", cm.cohen_kappa, "0"),
        )
        if not math.isnan(value)
    ]
    if guessed:
        message += "; " + " and ".join(guessed)
    if cm.num_classes == 2 and accuracy < chance and cm.balanced_accuracy < chance:
        message += (
            ". It is below chance: are the labels inverted, or does the score describe the "
            "other class?"
        )
    else:
        message += "."
    return [Finding(severity, "no-better-than-chance", message)]


IMBALANCE = 1.5
"""Data is imbalanced when its majority class is at least this many times the equal share."""


def is_imbalanced(cm: MatrixLike) -> bool:
    """Whether the majority class has at least :data:`IMBALANCE` times the equal share ``1/C``.

    That is, the no-information rate is at least ``IMBALANCE / C``: 0.75 for two classes, 0.15
    for ten.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> is_imbalanced(ConfusionMatrix([[75, 0], [25, 0]]))
        True
        >>> is_imbalanced(ConfusionMatrix([[6, 0], [4, 0]]))
        False
    """
    return cm.no_information_rate >= IMBALANCE / cm.num_classes


def _defined(*statistics: tuple[str, float]) -> str:
    """``"name (value)"`` for each defined statistic, joined with commas and "and"."""
    shown = [f"{name} ({numbers.number(v, 3)})" for name, v in statistics if not math.isnan(v)]
    return " and ".join(shown) if len(shown) < 3 else ", ".join(shown[:-1]) + " and " + shown[-1]


def majority_class(cm: MatrixLike) -> str:
    """The most frequent true class: the one the no-information rate always predicts.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> majority_class(ConfusionMatrix([[1, 2], [0, 9]], ["rare", "common"]))
        'common'
    """
    return cm.classes[int(cm.support.argmax())]


def never_predicted(cm: MatrixLike) -> list[Finding]:
    """Classes that occur in the true labels but are never predicted.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> cm = ConfusionMatrix([[5, 1, 0], [2, 8, 0], [1, 2, 0]], ["cat", "dog", "frog"])
        >>> print(never_predicted(cm)[0].message)
        'frog' (3 samples) is never predicted: its recall is 0 and its precision undefined.
    """
    counts = cm.class_counts
    found = np.flatnonzero(((counts.support > 0) & (counts.predicted == 0)).cpu().numpy())
    if not found.size:
        return []
    classes = cm.classes
    precision = _undefined_value(cm, "precision", int(found[0]))
    if found.size == 1:
        samples = float(counts.support[int(found[0])])
        subject = f"{_quote(classes[int(found[0])])} ({_count(samples, 'sample')}) is"
        tail = f"its recall is 0 and its precision {precision}."
    else:
        subject = f"{found.size:,} classes are"
        tail = f"their recall is 0 and their precision {precision}: {_names(classes, found)}."
    return [Finding("warning", "never-predicted", f"{subject} never predicted: {tail}")]


def _undefined_value(cm: MatrixLike, statistic: str, index: int) -> str:
    """How a 0/0 statistic of class ``index`` reads: undefined, or what ``zero_division`` set."""
    value = float(cm.per_class(statistic)[index])
    if math.isnan(value):
        return "undefined"
    return f"undefined (shown as {numbers.number(value, 0)} by zero_division)"


def absent_from_targets(cm: MatrixLike) -> list[Finding]:
    """Classes that never occur in the true labels (predicted or not).

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> cm = ConfusionMatrix([[5, 1, 0], [2, 8, 1], [0, 0, 0]], ["cat", "dog", "frog"])
        >>> print(absent_from_targets(cm)[0].message)  # doctest: +NORMALIZE_WHITESPACE
        'frog' never occurs in the true labels but is predicted 1 time: every such prediction
        is wrong, and its recall is undefined.
    """
    counts = cm.class_counts
    absent = (counts.support == 0).cpu().numpy()
    predicted = counts.predicted.cpu().numpy()
    wrong, unused = (
        np.flatnonzero(absent & (predicted > 0)),
        np.flatnonzero(absent & (predicted == 0)),
    )
    classes, result = cm.classes, []
    if wrong.size:
        recall = _undefined_value(cm, "recall", int(wrong[0]))
    if wrong.size == 1:
        name, p = classes[int(wrong[0])], float(predicted[int(wrong[0])])
        message = (
            f"{_quote(name)} never occurs in the true labels but is predicted "
            f"{_count(p, 'time')}: every such prediction is wrong, and its recall is {recall}."
        )
        result.append(Finding("warning", "absent-from-targets", message))
    elif wrong.size:
        message = (
            f"{wrong.size:,} classes never occur in the true labels but are predicted: every such "
            f"prediction is wrong, and their recall is {recall}: {_names(classes, wrong)}."
        )
        result.append(Finding("warning", "absent-from-targets", message))
    if unused.size:
        one = unused.size == 1
        verb = "class neither occurs nor is" if one else "classes neither occur nor are"
        recall = _undefined_value(cm, "recall", int(unused[0]))
        message = (
            f"{unused.size:,} {verb} predicted, so {'its' if one else 'their'} recall, precision "
            f"and F1 are {recall.replace('shown as', 'each shown as')}: {_names(classes, unused)}."
        )
        result.append(Finding("info", "empty-class", message))
    return result


def few_samples(cm: MatrixLike, min_samples: int = MIN_SAMPLES) -> list[Finding]:
    """Recall and precision estimates resting on fewer than ``min_samples`` samples.

    Each names the estimate, how many samples it rests on and its 95% Wilson interval; when more
    than :data:`MAX_SPELLED` classes are concerned, one finding counts them and quotes the least
    certain estimate.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> cm = ConfusionMatrix([[40, 2, 0], [1, 50, 0], [0, 0, 3]], ["cat", "dog", "frog"])
        >>> for finding in few_samples(cm):
        ...     print(finding.message)
        recall of 'frog' is 1.00 but rests on 3 samples: 95% CI 0.44-1.00.
        precision of 'frog' is 1.00 but rests on 3 predictions: 95% CI 0.44-1.00.
    """
    counts = cm.class_counts
    return [
        *_few_samples(cm, "recall", counts.support, "sample", min_samples),
        *_few_samples(cm, "precision", counts.predicted, "prediction", min_samples),
    ]


def _few_samples(
    cm: MatrixLike, statistic: str, sizes: torch.Tensor, noun: str, min_samples: int
) -> list[Finding]:
    small = np.flatnonzero(((sizes > 0) & (sizes < min_samples)).cpu().numpy())
    if not small.size:
        return []
    value = cm.per_class(statistic).cpu().numpy()
    lo, hi = (t.cpu().numpy() for t in cm.interval(statistic))
    classes = cm.classes

    def sentence(i: int) -> str:
        v, low, high = float(value[i]), float(lo[i]), float(hi[i])
        shown, ci = numbers.estimate_parts(v, low, high)
        shown = shown if ci else numbers.number(v, numbers.LEAST_DECIMALS)
        return (
            f"{statistic} of {_quote(classes[i])} is {shown} but rests on "
            f"{_count(float(sizes[i]), noun)}" + (f": 95% CI {ci}" if ci else "")
        )

    if small.size <= MAX_SPELLED:
        return [Finding("warning", "few-samples", sentence(int(i)) + ".") for i in small]
    widths = np.where(np.isnan(lo[small]), -1.0, hi[small] - lo[small])
    widest = int(small[np.argmax(widths)])  # the first of the widest intervals
    message = (
        f"{small.size:,} classes have a {statistic} resting on fewer than {min_samples} "
        f"{noun}s, e.g. {sentence(widest)}."
    )
    return [Finding("warning", "few-samples", message)]


def confused_pairs(pairs: Sequence[ConfusedPair]) -> list[Finding]:
    """The most confused pairs (true class predicted as another), one finding each.

    Examples:
        >>> from confmat import ConfusionMatrix
        >>> cm = ConfusionMatrix([[50, 2], [3, 45]], ["cat", "dog"])
        >>> print(confused_pairs(cm.most_confused(1))[0].message)
        'dog' is mistaken for 'cat' 3 times (6.2% of true 'dog').
    """
    return [
        Finding(
            "info",
            "most-confused",
            f"{_quote(p.true)} is mistaken for {_quote(p.pred)} {_count(p.count, 'time')} "
            f"({numbers.percent(p.rate)} of true {_quote(p.true)}).",
        )
        for p in pairs
        if p.count > 0
    ]


def _quote(name: str) -> str:
    return repr(str(name))


def _count(value: float, noun: str) -> str:
    text = f"{value:g}"
    return f"{text} {noun}" if value == 1 else f"{text} {noun}s"


def _names(classes: Sequence[str], index: np.ndarray) -> str:
    """The first :data:`MAX_NAMED` of the classes ``index``, quoted, and how many more."""
    shown = ", ".join(_quote(classes[int(i)]) for i in index[:MAX_NAMED])
    more = index.size - MAX_NAMED
    return shown + (f" and {more:,} more" if more > 0 else "")


# -- multilabel results -------------------------------------------------------------------------

MAX_LISTED = 10
"""A multilabel finding lists at most this many labels, then says how many more."""

CARDINALITY_GAP = 0.1
"""Predicting this share more (or fewer) labels per sample than are true is a finding."""


def label_findings(ml: MultilabelLike, top: int = 3) -> list[Finding]:
    """Findings about a multilabel result, the most serious first.

    Labels never predicted, rare labels, the most frequent co-confusions (a label missed while
    another is predicted instead) and a model predicting more or fewer labels than are true.
    Label names are made visible (:func:`confmat.exceptions.printable`), as in every report.

    Examples:
        >>> from confmat import MultilabelConfusion
        >>> ml = MultilabelConfusion.from_predictions(
        ...     [[1, 0], [1, 1]], [[1, 0], [0, 0]], ["a", "b"])
        >>> [(f.code, f.message) for f in label_findings(ml)][0]
        ('never-predicted', 'Never predicted: b (1 true sample(s)).')
    """
    found = [*_never_predicted_labels(ml), *_rare_labels(ml), *_co_confused(ml, top)]
    found += _label_cardinality(ml)
    return _by_severity(found)


def _listed(names: Sequence[str]) -> str:
    """Up to :data:`MAX_LISTED` names, made visible, and how many more."""
    shown = ", ".join(printable(name) for name in names[:MAX_LISTED])
    more = len(names) - MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def _never_predicted_labels(ml: MultilabelLike) -> list[Finding]:
    never = ml.never_predicted()
    if not never:
        return []
    index = {name: i for i, name in enumerate(ml.classes)}
    support = ml.class_counts.support
    true = sum(float(support[index[name]]) for name in never)
    message = f"Never predicted: {_listed(never)} ({numbers.count(_whole(true))} true sample(s))."
    return [Finding("warning", "never-predicted", message)]


def _rare_labels(ml: MultilabelLike) -> list[Finding]:
    rare = ml.rare()
    if not rare:
        return []
    message = f"Rare labels (prevalence under 1%): {_listed(rare)}."
    return [Finding("info", "rare-labels", message)]


def _co_confused(ml: MultilabelLike, top: int) -> list[Finding]:
    co = ml.co_confusion
    if co is None or not bool((co > 0).any()):
        return []
    names = ml.classes
    pairs = [
        f"{printable(p.true)} -> {printable(p.pred)} ({numbers.count(_whole(float(p.count)))})"
        for p in most_confused(co.detach().cpu(), names, k=top)
    ]
    message = "Most often predicted instead of a missed label: " + ", ".join(pairs) + "."
    return [Finding("info", "co-confused", message)]


def _label_cardinality(ml: MultilabelLike) -> list[Finding]:
    true, pred = ml.cardinality
    if math.isnan(true) or math.isnan(pred):
        return []
    if abs(pred - true) <= CARDINALITY_GAP * max(true, 1e-12):
        return []
    way = "more" if pred > true else "fewer"
    message = (
        f"The model predicts {way} labels per sample ({numbers.number(pred, 2)}) than are true "
        f"({numbers.number(true, 2)})."
    )
    return [Finding("warning", "label-cardinality", message)]


def _whole(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value
