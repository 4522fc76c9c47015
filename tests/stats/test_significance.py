"""Hypothesis tests: McNemar (exact, corrected chi-square), Bowker, binomial vs NIR.

Worked example: R caret ``confusionMatrix`` on Altman & Bland's liver-scan data (BMJ 1994;
308:1552), as in caret's own documentation example (86 normal, 258 abnormal; predicted
54/32 and 27/231) and the values R's ``mcnemar.test`` gives for it: McNemar's chi-square with
continuity correction (|32 - 27| - 1)^2 / 59 = 0.2712, p = 0.6025; accuracy 0.8285, 95% CI
(0.7844, 0.8668), P-value [Acc > NIR 0.75] = 0.0003097; kappa 0.5336.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest
from statsmodels.stats.contingency_tables import SquareTable, mcnemar

import confmat
import strategies
from confmat._internal.stats import significance

discordant = st.tuples(st.integers(0, 60), st.integers(0, 60))


@settings(max_examples=80, deadline=None)
@given(discordant, st.integers(0, 50), st.integers(0, 50))
def test_mcnemar_agrees_with_statsmodels(bc: tuple[int, int], a: int, d: int) -> None:
    b, c = bc
    table = np.array([[a, b], [c, d]])
    statistic, p = significance.mcnemar_chi2(b, c)
    exact = significance.mcnemar_exact(b, c)
    if b + c == 0:
        assert math.isnan(p)
        assert math.isnan(exact)
        return
    if b == c:  # R's mcnemar.test skips the correction then (statistic 0, p 1); statsmodels not
        assert statistic == 0.0
        assert p == 1.0
        return
    corrected = mcnemar(table, exact=False, correction=True)
    assert statistic == pytest.approx(corrected.statistic, abs=1e-12)
    assert p == pytest.approx(corrected.pvalue, rel=1e-9, abs=1e-300)
    assert exact == pytest.approx(mcnemar(table, exact=True).pvalue, rel=1e-9)
    assert exact == pytest.approx(binomtest(b, b + c, 0.5).pvalue, rel=1e-9)
    plain = mcnemar(table, exact=False, correction=False)  # b != c here
    assert significance.mcnemar_chi2(b, c, correction=False)[1] == pytest.approx(
        plain.pvalue, rel=1e-9, abs=1e-300
    )


@settings(max_examples=80, deadline=None)
@given(strategies.count_matrices(max_classes=6, max_count=20))
def test_bowker_agrees_with_statsmodels(table: np.ndarray) -> None:
    statistic, p, df = significance.bowker(torch.tensor(table))
    off_diagonal = table.sum() - np.trace(table)
    if off_diagonal == 0:
        assert math.isnan(p)
        return
    theirs = SquareTable(table, shift_zeros=False).symmetry()
    assert statistic == pytest.approx(theirs.statistic, rel=1e-9, abs=1e-12)
    assert p == pytest.approx(theirs.pvalue, rel=1e-9)
    assert df == theirs.df


def test_bowker_of_two_classes_is_uncorrected_mcnemar() -> None:
    table = torch.tensor([[10, 7], [2, 30]])
    assert significance.bowker(table)[1] == pytest.approx(
        significance.mcnemar_chi2(7, 2, correction=False)[1]
    )


def test_mcnemar_p_value_of_the_matrix() -> None:
    binary = confmat.ConfusionMatrix([[54, 32], [27, 231]], ["normal", "abnormal"])
    assert binary.mcnemar_p_value == pytest.approx(0.6025370, abs=1e-7)
    assert binary.to_dict()["overall"]["mcnemar_p_value"] == binary.mcnemar_p_value
    multi = confmat.ConfusionMatrix([[20, 5, 1], [2, 30, 4], [3, 6, 25]])
    assert multi.mcnemar_p_value == pytest.approx(
        SquareTable(multi.counts.numpy(), shift_zeros=False).symmetry().pvalue
    )


@pytest.mark.parametrize(
    "counts",
    [[[5, 0], [0, 7]], [[3]], [[1.5, 1.0], [2.0, 4.0]]],
    ids=["no-disagreement", "one-class", "weighted"],
)
def test_mcnemar_p_value_null_where_undefined(counts: list[list[float]]) -> None:
    cm = confmat.ConfusionMatrix(counts)
    assert math.isnan(cm.mcnemar_p_value)
    assert cm.to_dict()["overall"]["mcnemar_p_value"] is None


def test_caret_liver_scan_example() -> None:
    cm = confmat.ConfusionMatrix([[54, 32], [27, 231]], ["normal", "abnormal"])
    assert round(cm.accuracy, 4) == 0.8285
    assert [round(v, 4) for v in cm.accuracy_ci()] == [0.7844, 0.8668]
    assert cm.accuracy_p_value_vs_nir == pytest.approx(0.0003097, abs=5e-8)
    assert round(cm.cohen_kappa, 4) == 0.5336
    statistic, p = significance.mcnemar_chi2(32, 27)
    assert round(statistic, 4) == 0.2712
    assert round(p, 4) == 0.6025


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 200).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_accuracy_vs_nir_agrees_with_binomtest(xn: tuple[int, int]) -> None:
    x, n = xn
    expected = binomtest(x, n, 0.4, alternative="greater").pvalue
    assert significance.binomial_p_value_greater(x, n, 0.4) == pytest.approx(expected, rel=1e-9)
