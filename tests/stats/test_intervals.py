"""Confidence intervals: Wilson, Clopper-Pearson, log-method likelihood ratios, Cohen's kappa.

References for the worked examples:
- Newcombe RG (1998). Two-sided confidence intervals for the single proportion: comparison of
  seven methods. Statistics in Medicine 17:857-872, Table II (methods 3 "score" = Wilson,
  and 5 "exact" = Clopper-Pearson) for 81/263, 15/148, 0/20 and 1/29.
- epiR ``epi.tests`` documentation, Example 1 (data of Scott et al. 2008, Table 1): 670 true
  positives, 202 false positives, 74 false negatives, 640 true negatives; "Test sensitivity is
  0.90 (95% CI 0.88 to 0.92). Test specificity is 0.76 (95% CI 0.73 to 0.79). The likelihood
  ratio of a positive test is 3.75 (95% CI 3.32 to 4.24)" (exact intervals, Simel et al. 1991
  for the likelihood ratio).
- R caret ``confusionMatrix`` on the fecal occult blood example of Wikipedia's "Sensitivity and
  specificity" (TP 20, FP 180, FN 10, TN 1820), as printed in the public R Pubs note
  https://rstudio-pubs-static.s3.amazonaws.com/235576_0bc7363922544bec8257adfa353b237b.html:
  Accuracy 0.9064, 95% CI (0.8929, 0.9187), No Information Rate 0.9852, P-Value [Acc > NIR] 1,
  Kappa 0.1521, Mcnemar's Test P-Value <2e-16, Sensitivity 0.666667, Specificity 0.910000,
  Pos Pred Value 0.100000, Neg Pred Value 0.994536, Prevalence 0.014778, Balanced Accuracy
  0.788333.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pytest
import torch
from hypothesis import example, given, settings
from statsmodels.stats.inter_rater import cohens_kappa
from statsmodels.stats.proportion import proportion_confint

import confmat
import strategies
from confmat._internal.stats import intervals
from confmat._internal.stats.measures import class_counts

# -- agreement with statsmodels -------------------------------------------------------------


@pytest.mark.parametrize("level", [0.8, 0.9, 0.95, 0.99])
@pytest.mark.parametrize(
    ("ours", "theirs"), [("wilson", "wilson"), ("clopper-pearson", "beta")], ids=["wilson", "cp"]
)
def test_proportion_intervals_agree_with_statsmodels(level: float, ours: str, theirs: str) -> None:
    n = np.repeat(np.arange(1, 61), 61)
    x = np.tile(np.arange(61), 60)
    keep = x <= n
    x, n = x[keep], n[keep]
    lo, hi = intervals.proportion(torch.tensor(x), torch.tensor(n), level, ours)  # type: ignore[arg-type]
    expected_lo, expected_hi = proportion_confint(x, n, alpha=1 - level, method=theirs)
    np.testing.assert_allclose(lo.numpy(), expected_lo, atol=1e-12)
    np.testing.assert_allclose(hi.numpy(), expected_hi, atol=1e-12)


def test_scalar_clopper_pearson_is_unchanged() -> None:
    for x, n in [(0, 10), (10, 10), (3, 7), (90, 100)]:
        lo, hi = proportion_confint(x, n, alpha=0.05, method="beta")
        assert intervals.clopper_pearson(x, n) == pytest.approx((lo, hi), abs=1e-12)
    assert all(math.isnan(v) for v in intervals.clopper_pearson(2.5, 10))
    assert all(math.isnan(v) for v in intervals.clopper_pearson(0, 0))


def test_newcombe_1998_table_ii() -> None:
    x = torch.tensor([81.0, 15.0, 0.0, 1.0])
    n = torch.tensor([263.0, 148.0, 20.0, 29.0])
    lo, hi = intervals.wilson(x, n)
    assert [round(v, 4) for v in lo.tolist()] == [0.2553, 0.0624, 0.0, 0.0061]
    assert [round(v, 4) for v in hi.tolist()] == [0.3662, 0.1605, 0.1611, 0.1718]
    lo, hi = intervals.clopper_pearson_tensor(x, n)
    assert [round(v, 4) for v in lo.tolist()] == [0.2527, 0.0578, 0.0, 0.0009]
    assert [round(v, 4) for v in hi.tolist()] == [0.3676, 0.1617, 0.1684, 0.1776]


# -- published worked examples --------------------------------------------------------------


def test_epir_example_scott_2008() -> None:
    cm = confmat.ConfusionMatrix([[640, 202], [74, 670]], ["negative", "positive"])
    pos = 1
    sens = [round(float(v[pos]), 2) for v in cm.interval("sensitivity", method="clopper-pearson")]
    spec = [round(float(v[pos]), 2) for v in cm.interval("specificity", method="clopper-pearson")]
    assert round(float(cm.sensitivity[pos]), 2) == 0.90
    assert sens == [0.88, 0.92]
    assert round(float(cm.specificity[pos]), 2) == 0.76
    assert spec == [0.73, 0.79]
    assert round(float(cm.lr_plus[pos]), 2) == 3.75
    assert [round(float(v[pos]), 2) for v in cm.interval("lr_plus")] == [3.32, 4.24]


def test_caret_fecal_occult_blood_example() -> None:
    cm = confmat.ConfusionMatrix([[1820, 180], [10, 20]], ["negative", "positive"])
    assert [round(v, 4) for v in cm.accuracy_ci()] == [0.8929, 0.9187]
    assert round(cm.accuracy, 4) == 0.9064
    assert round(cm.no_information_rate, 4) == 0.9852
    assert cm.accuracy_p_value_vs_nir == pytest.approx(1.0)
    assert round(cm.cohen_kappa, 4) == 0.1521
    assert cm.mcnemar_p_value < 2e-16
    pos = 1
    assert round(float(cm.sensitivity[pos]), 6) == 0.666667
    assert round(float(cm.specificity[pos]), 6) == 0.910000
    assert round(float(cm.ppv[pos]), 6) == 0.100000
    assert round(float(cm.npv[pos]), 6) == 0.994536
    assert round(float(cm.prevalence[pos]), 6) == 0.014778
    assert round(cm.balanced_accuracy, 6) == 0.788333


# -- likelihood ratios (Simel, Samsa & Matchar 1991) ----------------------------------------


def test_lr_intervals_by_hand() -> None:
    tp, fn, fp, tn = 20.0, 10.0, 180.0, 1820.0
    c = class_counts(torch.tensor([[tn, fp], [fn, tp]]))
    z = 1.959963984540054
    lr = (tp / (tp + fn)) / (fp / (fp + tn))
    se = math.sqrt(1 / tp - 1 / (tp + fn) + 1 / fp - 1 / (fp + tn))
    lo, hi = intervals.lr_plus(c)
    assert float(lo[1]) == pytest.approx(lr * math.exp(-z * se), rel=1e-12)
    assert float(hi[1]) == pytest.approx(lr * math.exp(z * se), rel=1e-12)
    lr = (fn / (tp + fn)) / (tn / (fp + tn))
    se = math.sqrt(1 / fn - 1 / (tp + fn) + 1 / tn - 1 / (fp + tn))
    lo, hi = intervals.lr_minus(c)
    assert float(lo[1]) == pytest.approx(lr * math.exp(-z * se), rel=1e-12)
    assert float(hi[1]) == pytest.approx(lr * math.exp(z * se), rel=1e-12)


def test_lr_intervals_undefined_when_a_count_is_zero() -> None:
    cm = confmat.ConfusionMatrix([[50, 0], [3, 47]])  # no false positive: LR+ infinite
    lo, hi = cm.interval("lr_plus")
    assert math.isnan(float(lo[1]))
    assert math.isnan(float(hi[1]))
    assert cm.to_dict()["per_class"]["1"]["lr_plus_ci"] is None
    assert cm.to_dict()["per_class"]["1"]["lr_minus_ci"] is not None


# -- Cohen's kappa (Fleiss, Cohen & Everitt 1969) -------------------------------------------


@settings(max_examples=60, deadline=None)
@given(strategies.count_matrices(max_classes=5, max_count=30))
@example(np.array([[0, 0], [1, 2]]))  # a variance of exactly 0 that rounding made 1e-15
@example(np.array([[0, 0], [1, 5]]))  # statsmodels: a standard error of 2.6e-08 for 0
def test_kappa_se_and_interval_agree_with_statsmodels(table: np.ndarray) -> None:
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    n = table.sum()
    if n == 0 or (rows * cols).sum() == n * n:  # kappa undefined
        assert math.isnan(intervals.cohen_kappa(torch.tensor(table))[0])
        return
    with np.errstate(divide="ignore", invalid="ignore"):  # its z-test divides by a zero SE
        result = cohens_kappa(table, return_results=True)
    # Compared as variances: a variance that is exactly 0 comes out of statsmodels' arithmetic as
    # about +-1e-16, whose square root (2.6e-08 for [[0, 0], [1, 5]]) or NaN hides the agreement.
    se = intervals.cohen_kappa_se(torch.tensor(table))
    assert se**2 == pytest.approx(max(result.var_kappa, 0.0), rel=1e-9, abs=1e-12)
    lo, hi = intervals.cohen_kappa(torch.tensor(table))
    if abs(result.var_kappa) < 1e-12:  # a zero-width interval, up to that rounding
        low, upp, tolerance = result.kappa, result.kappa, 1e-5
    else:
        low, upp, tolerance = result.kappa_low, result.kappa_upp, 1e-9
    assert lo == pytest.approx(max(-1.0, low), abs=tolerance)
    assert hi == pytest.approx(min(1.0, upp), abs=tolerance)


def test_kappa_interval_level_and_weights() -> None:
    cm = confmat.ConfusionMatrix([[54, 32], [27, 231]])
    lo90, hi90 = cm.cohen_kappa_ci(0.9)
    lo95, hi95 = cm.cohen_kappa_ci()
    assert lo95 < lo90 < cm.cohen_kappa < hi90 < hi95
    weighted = confmat.ConfusionMatrix(torch.tensor([[5.5, 1.0], [2.0, 8.0]]))
    assert all(math.isnan(v) for v in weighted.cohen_kappa_ci())
    assert weighted.to_dict()["overall"]["cohen_kappa_ci"] is None


# -- ConfusionMatrix.interval ---------------------------------------------------------------


def test_interval_names_aliases_and_per_class_accuracy() -> None:
    cm = confmat.ConfusionMatrix([[5, 1, 0], [2, 8, 1], [0, 0, 3]], ["a", "b", "c"])
    c = cm.class_counts
    for alias, name in [("sensitivity", "recall"), ("tpr", "recall"), ("ppv", "precision")]:
        for ours, theirs in zip(cm.interval(alias), cm.interval(name), strict=True):
            assert torch.equal(ours, theirs)
    lo, hi = cm.interval("accuracy")
    expected = intervals.wilson(c.tp + c.tn, c.n)
    assert torch.allclose(lo, expected[0])
    assert torch.allclose(hi, expected[1])
    lo, hi = cm.interval("npv", level=0.9, method="clopper-pearson")
    theirs = proportion_confint(c.tn.numpy(), (c.tn + c.fn).numpy(), alpha=0.1, method="beta")
    np.testing.assert_allclose(lo.numpy(), theirs[0], atol=1e-12)
    np.testing.assert_allclose(hi.numpy(), theirs[1], atol=1e-12)
    assert lo.dtype == torch.float64
    assert lo.shape == (3,)


def test_interval_nan_where_undefined_or_weighted() -> None:
    cm = confmat.ConfusionMatrix([[5, 0], [0, 0]])  # class 1 never occurs nor is predicted
    lo, hi = cm.interval("recall")
    assert not math.isnan(float(lo[0]))
    assert math.isnan(float(lo[1]))
    assert math.isnan(float(hi[1]))
    weighted = confmat.ConfusionMatrix.from_predictions(
        [0, 1, 1, 0], [0, 1, 0, 0], sample_weight=[0.5, 1.0, 2.0, 1.0]
    )
    assert bool(torch.isnan(weighted.interval("recall")[0]).all())
    whole = confmat.ConfusionMatrix(torch.tensor([[3.0, 1.0], [1.0, 4.0]]))  # still weights
    assert bool(torch.isnan(whole.interval("recall")[0]).all())
    assert math.isnan(whole.mcnemar_p_value)
    assert math.isnan(whole.cohen_kappa_ci()[0])
    assert math.isnan(whole.bootstrap(["accuracy"], n_resamples=10)["accuracy"].lo)
    counted = confmat.ConfusionMatrix(torch.tensor([[3, 1], [1, 4]]))
    assert not bool(torch.isnan(counted.interval("recall")[0]).any())


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"name": "f1"}, "no binomial interval"),
        ({"name": "recall", "method": "wald"}, "method must be"),
        ({"name": "recall", "level": 1.5}, "level must be"),
        ({"name": "recall", "level": True}, "level must be"),
    ],
    ids=["not-a-proportion", "method", "level-range", "level-bool"],
)
def test_interval_errors(kwargs: dict[str, object], match: str) -> None:
    cm = confmat.ConfusionMatrix([[5, 1], [2, 8]])
    with pytest.raises(confmat.OptionError, match=match):
        cm.interval(**kwargs)  # type: ignore[arg-type]


# -- coverage -------------------------------------------------------------------------------


def test_wilson_coverage_over_2000_simulated_samples() -> None:
    generator = np.random.default_rng(2024)
    n = generator.integers(20, 201, size=2000)
    p = generator.uniform(0.05, 0.95, size=2000)
    x = generator.binomial(n, p)
    lo, hi = intervals.wilson(torch.tensor(x), torch.tensor(n))
    covered = (lo.numpy() <= p) & (p <= hi.numpy())
    assert 0.93 <= covered.mean() <= 0.97
    x = generator.binomial(50, 0.3, size=2000)  # one fixed setting as well
    lo, hi = intervals.wilson(torch.tensor(x), torch.tensor(50))
    covered = (lo.numpy() <= 0.3) & (hi.numpy() >= 0.3)
    assert 0.93 <= covered.mean() <= 0.97


# -- the JSON document ----------------------------------------------------------------------


def test_to_dict_gains_interval_keys() -> None:
    cm = confmat.ConfusionMatrix([[54, 32], [27, 231]], ["normal", "abnormal"])
    d = cm.to_dict()
    entry = d["per_class"]["abnormal"]
    for name in ("recall", "specificity", "precision", "npv", "lr_plus", "lr_minus"):
        lo, hi = cm.interval(name)
        assert entry[f"{name}_ci"] == [float(lo[1]), float(hi[1])]
    assert d["overall"]["mcnemar_p_value"] == pytest.approx(0.602537, abs=1e-6)
    assert d["overall"]["cohen_kappa_ci"] == list(cm.cohen_kappa_ci())


def test_to_dict_of_1000_classes_stays_fast() -> None:
    generator = torch.Generator().manual_seed(0)
    counts = torch.randint(0, 5, (1000, 1000), generator=generator) + 100 * torch.eye(
        1000, dtype=torch.int64
    )
    cm = confmat.ConfusionMatrix(counts)
    elapsed = math.inf
    for _ in range(3):  # the best of three: a busy machine only ever adds time
        start = time.perf_counter()
        d = cm.to_dict()
        elapsed = min(elapsed, time.perf_counter() - start)
    assert len(d["per_class"]) == 1000
    assert d["per_class"]["7"]["recall_ci"] is not None
    assert elapsed < 1.0


# -- prevalence-adjusted predictive values --------------------------------------------------


def test_at_prevalence_by_bayes_rule() -> None:
    cm = confmat.ConfusionMatrix([[900, 100], [5, 95]], ["healthy", "sick"])
    sens, spec = 95 / 100, 900 / 1000
    p = 0.001
    ppv, npv = cm.at_prevalence(p)
    assert float(ppv[1]) == pytest.approx(sens * p / (sens * p + (1 - spec) * (1 - p)))
    assert float(npv[1]) == pytest.approx(spec * (1 - p) / (spec * (1 - p) + (1 - sens) * p))
    at_sample = cm.at_prevalence(cm.prevalence.tolist())
    assert torch.allclose(at_sample.ppv, cm.ppv)
    assert torch.allclose(at_sample.npv, cm.npv)


@pytest.mark.parametrize("bad", [1.5, -0.1, [0.1, 0.2, 0.3], "x", True], ids=str)
def test_at_prevalence_rejects_bad_prevalence(bad: object) -> None:
    cm = confmat.ConfusionMatrix([[900, 100], [5, 95]])
    with pytest.raises(confmat.OptionError, match="prevalence"):
        cm.at_prevalence(bad)  # type: ignore[arg-type]
