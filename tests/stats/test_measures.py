"""Statistics scikit-learn lacks, against published worked examples, scipy and hand computation.

Every published figure below was recomputed from the table before being asserted, and is
asserted to the digits the source prints.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from scipy import stats as sps

import strategies as cst
from confmat import ConfusionMatrix
from confmat._internal.stats import measures
from confmat._internal.stats.intervals import clopper_pearson
from confmat._internal.stats.significance import binomial_p_value_greater

FAST = settings(max_examples=60, deadline=None, derandomize=True)


def binary(tp: int, fp: int, fn: int, tn: int, names=("negative", "positive")) -> ConfusionMatrix:
    """A two-class matrix from its cells; rows true, columns predicted, positive second."""
    return ConfusionMatrix([[tn, fp], [fn, tp]], list(names))


def positive_value(cm: ConfusionMatrix, name: str) -> float:
    return float(cm.per_class(name)[1])


# -- Altman & Bland (1994): the liver scan ---------------------------------------------------
# Altman DG, Bland JM. Diagnostic tests 1: sensitivity and specificity. BMJ 1994;308:1552.
# Altman DG, Bland JM. Diagnostic tests 2: predictive values. BMJ 1994;309:102.
# Liver scan against pathology: TP = 231, FP = 32, FN = 27, TN = 54 (n = 344).

LIVER = binary(tp=231, fp=32, fn=27, tn=54, names=("normal", "abnormal"))


@pytest.mark.parametrize(
    ("name", "published"),
    [
        pytest.param("sensitivity", 0.90, id="sensitivity 231/258"),
        pytest.param("specificity", 0.63, id="specificity 54/86"),
        pytest.param("ppv", 0.88, id="ppv 231/263"),
        pytest.param("npv", 0.67, id="npv 54/81"),
        pytest.param("prevalence", 0.75, id="prevalence 258/344"),
    ],
)
def test_altman_bland_liver_scan(name: str, published: float):
    assert round(positive_value(LIVER, name), 2) == published


# -- R caret's confusionMatrix documentation example (the same liver scan) -----------------
# Kuhn M. caret: confusionMatrix(), the two-class example of its help page ("lvs <- c("normal",
# "abnormal")", 231/32/27/54), printed output: Accuracy 0.8285, 95% CI (0.7844, 0.8668),
# No Information Rate 0.75, P-Value [Acc > NIR] 0.0003097, Kappa 0.5336, Sensitivity 0.8953,
# Specificity 0.6279, Pos Pred Value 0.8783, Neg Pred Value 0.6667, Prevalence 0.7500,
# Balanced Accuracy 0.7616. caret's interval is binom.test's (Clopper-Pearson) and its p-value
# binom.test(x, n, p = NIR, alternative = "greater").


def test_caret_liver_scan_overall():
    lo, hi = LIVER.accuracy_ci()
    assert round(LIVER.accuracy, 4) == 0.8285
    assert (round(lo, 4), round(hi, 4)) == (0.7844, 0.8668)
    assert LIVER.no_information_rate == 0.75
    assert f"{LIVER.accuracy_p_value_vs_nir:.7f}" == "0.0003097"
    assert round(LIVER.cohen_kappa, 4) == 0.5336
    assert round(LIVER.balanced_accuracy, 4) == 0.7616


@pytest.mark.parametrize(
    ("name", "published"),
    [("sensitivity", 0.8953), ("specificity", 0.6279), ("ppv", 0.8783), ("npv", 0.6667)],
)
def test_caret_liver_scan_by_class(name: str, published: float):
    assert round(positive_value(LIVER, name), 4) == published


# -- Wikipedia's worked example, as printed by caret ---------------------------------------
# "Sensitivity and specificity", Wikipedia, worked example: TP = 20, FP = 180, FN = 10,
# TN = 1820; LR+ = 0.67 / (1 - 0.91) ~ 7.4, LR- = (1 - 0.67) / 0.91 ~ 0.37.
# caret's output for it (rpubs.com "confusionMatrix with caret", 235576): Accuracy 0.9064,
# 95% CI (0.8929, 0.9187), No Information Rate 0.9852, P-Value [Acc > NIR] 1, Kappa 0.1521,
# Sensitivity 0.666667, Specificity 0.910000, Pos Pred Value 0.100000, Neg Pred Value 0.994536,
# Prevalence 0.014778.

WIKI = binary(tp=20, fp=180, fn=10, tn=1820)


def test_wikipedia_worked_example_as_printed_by_caret():
    lo, hi = WIKI.accuracy_ci()
    assert round(WIKI.accuracy, 4) == 0.9064
    assert (round(lo, 4), round(hi, 4)) == (0.8929, 0.9187)
    assert round(WIKI.no_information_rate, 4) == 0.9852
    assert round(WIKI.accuracy_p_value_vs_nir, 4) == 1.0
    assert round(WIKI.cohen_kappa, 4) == 0.1521
    printed = {
        "sensitivity": 0.666667,
        "specificity": 0.910000,
        "ppv": 0.100000,
        "npv": 0.994536,
        "prevalence": 0.014778,
    }
    for name, value in printed.items():
        assert round(positive_value(WIKI, name), 6) == value, name


def test_wikipedia_worked_example_likelihood_ratios():
    assert round(positive_value(WIKI, "lr_plus"), 1) == 7.4
    assert round(positive_value(WIKI, "lr_minus"), 2) == 0.37


# -- likelihood ratios and the diagnostic odds ratio -------------------------------------
# Deeks JJ, Altman DG. Diagnostic tests 4: likelihood ratios. BMJ 2004;329:168-9:
#   LR+ = sensitivity / (1 - specificity), LR- = (1 - sensitivity) / specificity.
# Glas AS, Lijmer JG, Prins MH, Bonsel GJ, Bossuyt PMM. The diagnostic odds ratio: a single
#   indicator of test performance. J Clin Epidemiol 2003;56:1129-35:
#   DOR = (TP / FN) / (FP / TN) = LR+ / LR- = [sens / (1 - sens)] / [(1 - spec) / spec].
# On the liver scan: LR+ = (231/258) / (32/86) = 2.40625, LR- = (27/258) / (54/86) = 1/6,
# DOR = (231 * 54) / (32 * 27) = 14.4375.


def test_likelihood_ratios_on_the_liver_scan():
    assert positive_value(LIVER, "lr_plus") == pytest.approx(2.40625, rel=1e-12)
    assert positive_value(LIVER, "lr_minus") == pytest.approx(1 / 6, rel=1e-12)
    assert positive_value(LIVER, "dor") == pytest.approx(14.4375, rel=1e-12)


@FAST
@given(cst.count_matrices(max_classes=5))
def test_dor_is_lr_plus_over_lr_minus_and_the_odds_ratio(matrix: np.ndarray) -> None:
    cm = ConfusionMatrix(matrix)
    c = cm.class_counts
    sens, spec = cm.sensitivity.numpy(), cm.specificity.numpy()
    dor = cm.dor.numpy()
    finite = np.isfinite(dor) & (dor > 0)
    ratio = (cm.lr_plus / cm.lr_minus).numpy()
    np.testing.assert_allclose(dor[finite], ratio[finite], rtol=1e-12)
    with np.errstate(divide="ignore", invalid="ignore"):
        odds = ((sens / (1 - sens)) / ((1 - spec) / spec))[finite]
    np.testing.assert_allclose(dor[finite], odds, rtol=1e-9)
    cells = ((c.tp / c.fn) / (c.fp / c.tn)).numpy()[finite]
    np.testing.assert_allclose(dor[finite], cells, rtol=1e-12)


# -- every formula on a tiny hand-computed case ------------------------------------------
# Matrix (rows true, columns predicted) [[5, 1, 0], [2, 8, 1], [0, 3, 3]], n = 23.
# Class 1 against the rest: tp = 8, fn = 2 + 1 = 3, fp = 1 + 3 = 4, tn = 23 - 8 - 3 - 4 = 8.

TINY = ConfusionMatrix([[5, 1, 0], [2, 8, 1], [0, 3, 3]])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("prevalence", 11 / 23),  # (tp + fn) / n
        ("precision", 8 / 12),  # tp / (tp + fp)
        ("recall", 8 / 11),  # tp / (tp + fn)
        ("specificity", 8 / 12),  # tn / (tn + fp)
        ("npv", 8 / 11),  # tn / (tn + fn)
        ("fpr", 4 / 12),  # fp / (fp + tn)
        ("fnr", 3 / 11),  # fn / (fn + tp)
        ("fdr", 4 / 12),  # fp / (fp + tp)
        ("false_omission_rate", 3 / 11),  # fn / (fn + tn)
        ("f1", 16 / 23),  # 2 tp / (2 tp + fp + fn)
        ("jaccard", 8 / 15),  # tp / (tp + fp + fn)
        ("informedness", 8 / 11 + 8 / 12 - 1),  # recall + specificity - 1 (Youden 1950)
        ("markedness", 8 / 12 + 8 / 11 - 1),  # precision + npv - 1 (Powers 2011)
        ("lr_plus", (8 / 11) / (4 / 12)),  # recall / fpr
        ("lr_minus", (3 / 11) / (8 / 12)),  # fnr / specificity
        ("dor", (8 * 8) / (4 * 3)),  # tp tn / (fp fn)
    ],
)
def test_per_class_formulas_by_hand(name: str, expected: float):
    assert float(TINY.per_class(name)[1]) == pytest.approx(expected, rel=1e-12, abs=1e-15)
    assert TINY.to_dict()["per_class"]["1"][name] == pytest.approx(expected, rel=1e-12)


def test_overall_by_hand():
    # accuracy = (5 + 8 + 3) / 23; NIR = max support / n = 11 / 23
    assert TINY.accuracy == pytest.approx(16 / 23, rel=1e-15)
    assert TINY.no_information_rate == pytest.approx(11 / 23, rel=1e-15)
    # balanced accuracy = mean recall = (5/6 + 8/11 + 3/6) / 3
    assert TINY.balanced_accuracy == pytest.approx((5 / 6 + 8 / 11 + 3 / 6) / 3, rel=1e-15)
    # kappa: p_o = 16/23, p_e = (6*7 + 11*12 + 6*4) / 23^2 = 198/529
    p_o, p_e = 16 / 23, 198 / 529
    assert TINY.cohen_kappa == pytest.approx((p_o - p_e) / (1 - p_e), rel=1e-12)
    # Gorodkin R_K: (c s - sum p_k t_k) / sqrt((s^2 - sum p_k^2)(s^2 - sum t_k^2))
    cov = 16 * 23 - (7 * 6 + 12 * 11 + 4 * 6)
    mcc = cov / math.sqrt((23**2 - (49 + 144 + 16)) * (23**2 - (36 + 121 + 36)))
    assert TINY.mcc == pytest.approx(mcc, rel=1e-12)


def test_averages_by_hand():
    # recall per class 5/6, 8/11, 3/6; support 6, 11, 6
    recall = [5 / 6, 8 / 11, 3 / 6]
    assert TINY.average("recall", "macro") == pytest.approx(sum(recall) / 3, rel=1e-15)
    weighted = (6 * recall[0] + 11 * recall[1] + 6 * recall[2]) / 23
    assert TINY.average("recall", "weighted") == pytest.approx(weighted, rel=1e-15)
    # micro specificity pools one-vs-rest counts: sum tn / sum (tn + fp)
    c = TINY.class_counts
    micro = float(c.tn.sum() / (c.tn.sum() + c.fp.sum()))
    assert TINY.average("specificity", "micro") == pytest.approx(micro, rel=1e-15)
    # npv macro leaves nothing out here: all defined
    assert TINY.average("npv", "macro") == pytest.approx(float(TINY.npv.mean()), rel=1e-15)


def test_two_class_mcc_is_the_phi_coefficient():
    # (tp tn - fp fn) / sqrt((tp + fp)(tp + fn)(tn + fp)(tn + fn)) on the liver scan
    tp, fp, fn, tn = 231, 32, 27, 54
    phi = (tp * tn - fp * fn) / math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))
    assert LIVER.mcc == pytest.approx(phi, rel=1e-12)


@FAST
@given(cst.count_matrices(max_classes=5))
def test_one_vs_rest_statistics_equal_the_collapsed_binary_matrix(matrix: np.ndarray) -> None:
    cm = ConfusionMatrix(matrix)
    for k in range(matrix.shape[0]):
        tp = matrix[k, k]
        fn = matrix[k].sum() - tp
        fp = matrix[:, k].sum() - tp
        tn = matrix.sum() - tp - fn - fp
        two = binary(int(tp), int(fp), int(fn), int(tn))
        for name in measures.PER_CLASS:
            if name == "prevalence":
                continue
            np.testing.assert_allclose(
                float(cm.per_class(name)[k]), float(two.per_class(name)[1]), rtol=1e-12
            )


# -- against scipy's exact binomial functions -------------------------------------------


@FAST
@given(cst.count_matrices(max_classes=4, max_count=400))
def test_accuracy_ci_is_clopper_pearson_from_scipy(matrix: np.ndarray) -> None:
    cm = ConfusionMatrix(matrix)
    x, n = int(np.trace(matrix)), int(matrix.sum())
    lo, hi = cm.accuracy_ci()
    exact = sps.binomtest(x, n).proportion_ci(confidence_level=0.95, method="exact")
    assert lo == pytest.approx(exact.low, abs=1e-12)
    assert hi == pytest.approx(exact.high, abs=1e-12)
    # the beta quantiles themselves: B(a/2; x, n-x+1), B(1-a/2; x+1, n-x)
    beta_lo = 0.0 if x == 0 else sps.beta.ppf(0.025, x, n - x + 1)
    beta_hi = 1.0 if x == n else sps.beta.ppf(0.975, x + 1, n - x)
    assert (lo, hi) == pytest.approx((beta_lo, beta_hi), abs=1e-12)


@pytest.mark.parametrize("level", [0.5, 0.9, 0.99])
def test_accuracy_ci_levels(level: float):
    lo, hi = LIVER.accuracy_ci(level)
    exact = sps.binomtest(285, 344).proportion_ci(confidence_level=level, method="exact")
    assert (lo, hi) == pytest.approx((exact.low, exact.high), abs=1e-12)


@FAST
@given(cst.count_matrices(max_classes=4, max_count=400))
def test_p_value_vs_nir_is_scipy_binomtest_greater(matrix: np.ndarray) -> None:
    cm = ConfusionMatrix(matrix)
    x, n = int(np.trace(matrix)), int(matrix.sum())
    nir = matrix.sum(axis=1).max() / n
    expected = sps.binomtest(x, n, p=nir, alternative="greater").pvalue
    assert cm.accuracy_p_value_vs_nir == pytest.approx(expected, rel=1e-9, abs=1e-300)


def test_clopper_pearson_edges():
    assert clopper_pearson(0, 10)[0] == 0.0
    assert clopper_pearson(10, 10)[1] == 1.0
    # x = 0: hi = 1 - (a/2)^(1/n), the closed form of the beta quantile
    assert clopper_pearson(0, 10)[1] == pytest.approx(1 - 0.025 ** (1 / 10), rel=1e-12)
    assert all(math.isnan(v) for v in clopper_pearson(0, 0))
    assert binomial_p_value_greater(0, 10, 0.3) == 1.0  # P(X >= 0)
    assert binomial_p_value_greater(10, 10, 0.5) == pytest.approx(0.5**10, rel=1e-12)


# -- the undefined-value and infinity policy --------------------------------------------


def test_lr_plus_is_infinite_when_there_are_no_false_positives():
    cm = binary(tp=5, fp=0, fn=1, tn=4)  # fpr = 0/4 = 0, recall = 5/6 > 0
    assert positive_value(cm, "lr_plus") == math.inf
    assert positive_value(cm, "dor") == math.inf  # tp tn / (0 * fn)
    assert cm.to_dict()["per_class"]["positive"]["lr_plus"] == "inf"


def test_lr_minus_is_infinite_when_specificity_is_zero():
    cm = binary(tp=2, fp=3, fn=1, tn=0)  # fnr = 1/3, specificity = 0/3
    assert positive_value(cm, "lr_minus") == math.inf
    assert positive_value(cm, "dor") == 0.0  # tn = 0: 0 / (3 * 1)


def test_zero_over_zero_is_nan_never_zero():
    cm = binary(tp=0, fp=0, fn=3, tn=4)  # never predicted positive
    assert math.isnan(positive_value(cm, "precision"))  # 0/0
    assert math.isnan(positive_value(cm, "fdr"))  # 0/0
    assert math.isnan(positive_value(cm, "lr_plus"))  # recall 0 / fpr 0
    assert math.isnan(positive_value(cm, "dor"))  # (0 * 4) / (0 * 3)
    assert math.isnan(positive_value(cm, "markedness"))  # precision is NaN
    assert positive_value(cm, "recall") == 0.0  # 0/3 is defined
    document = cm.to_dict()["per_class"]["positive"]
    assert document["precision"] is None
    assert document["lr_plus"] is None


def test_zero_division_replaces_only_zero_over_zero():
    cm = ConfusionMatrix([[4, 0], [3, 0]], zero_division=0)
    assert positive_value(cm, "precision") == 0.0
    cm = ConfusionMatrix([[4, 0], [1, 5]], zero_division=1)
    assert positive_value(cm, "lr_plus") == math.inf  # x/0 stays infinite


def test_safe_divide_policy():
    num = torch.tensor([1.0, 0.0, 2.0, 0.0])
    den = torch.tensor([4.0, 0.0, 0.0, 3.0])
    out = measures.safe_divide(num, den).tolist()
    assert out[0] == 0.25
    assert math.isnan(out[1])
    assert out[2] == math.inf
    assert out[3] == 0.0


def test_statistics_of_a_sparse_source_match_the_dense_matrix():
    # the statistics are functions of (tp, fp, fn, tn) vectors: no dense matrix needed
    c = TINY.class_counts
    counts = measures.ClassCounts(c.tp.clone(), c.fp.clone(), c.fn.clone(), c.tn.clone())
    for name, function in measures.PER_CLASS.items():
        torch.testing.assert_close(function(counts, "nan"), TINY.per_class(name), equal_nan=True)
