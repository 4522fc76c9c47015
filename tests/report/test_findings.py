import dataclasses
import math

import pytest
import torch
from hypothesis import given, settings

from confmat import ConfusionMatrix
from confmat._internal.report.findings import (
    IMBALANCE,
    Finding,
    absent_from_targets,
    accuracy_paradox,
    confused_pairs,
    few_samples,
    findings,
    is_imbalanced,
    majority_class,
    never_predicted,
)
from confmat._internal.report.numbers import interval
from confmat._internal.stats.confusions import most_confused
from strategies import count_matrices


def codes(found):
    return [f.code for f in found]


# -- accuracy against the majority class (the accuracy paradox) ------------------------------


def test_accuracy_equal_to_majority_rate_is_critical_with_its_p_value():
    # 95 healthy, 5 sick, everything predicted healthy: accuracy 0.95 = NIR 0.95.
    cm = ConfusionMatrix([[95, 0], [5, 0]], ["healthy", "sick"])
    (finding,) = accuracy_paradox(cm)
    assert finding.severity == "critical"
    assert finding.code == "accuracy-paradox"
    assert "Accuracy 0.950 is no better than always predicting the majority class 'healthy'" in (
        finding.message
    )
    assert f"p = {cm.accuracy_p_value_vs_nir:.2g}" in finding.message
    assert "accuracy paradox" in finding.message
    assert "balanced accuracy (0.500)" in finding.message


def test_accuracy_above_nir_but_not_significant_is_a_warning():
    # NIR 0.9; accuracy 0.92 on 50 samples: P(X >= 46 | 50, 0.9) is about 0.43.
    cm = ConfusionMatrix([[44, 1], [3, 2]], ["a", "b"])
    assert cm.accuracy > cm.no_information_rate
    assert cm.accuracy_p_value_vs_nir > 0.05
    (finding,) = accuracy_paradox(cm)
    assert finding.severity == "warning"
    assert "not significantly better" in finding.message


def test_accuracy_significantly_above_nir_gives_no_finding():
    cm = ConfusionMatrix([[45, 5], [5, 45]])
    assert accuracy_paradox(cm) == []


def test_weighted_matrix_without_p_value_compares_accuracy_with_nir_directly():
    cm = ConfusionMatrix(torch.tensor([[9.5, 0.0], [0.5, 0.0]], dtype=torch.float64))
    (finding,) = accuracy_paradox(cm)
    assert finding.severity == "critical"
    assert "p =" not in finding.message
    assert accuracy_paradox(ConfusionMatrix([[5.5, 0.0], [0.0, 4.5]])) == []


def test_majority_class_is_the_largest_row():
    assert majority_class(ConfusionMatrix([[1, 0, 0], [0, 1, 0], [3, 3, 3]], list("abc"))) == "c"


# -- classes never predicted, classes absent from the targets --------------------------------


def test_one_class_never_predicted():
    cm = ConfusionMatrix([[5, 1, 0], [2, 8, 0], [1, 2, 0]], ["cat", "dog", "frog"])
    (finding,) = never_predicted(cm)
    assert finding.severity == "warning"
    assert finding.message == (
        "'frog' (3 samples) is never predicted: its recall is 0 and its precision undefined."
    )


def test_many_classes_never_predicted_are_counted_and_listed_briefly():
    size = 9
    counts = torch.zeros(size, size, dtype=torch.int64)
    counts[:, 0] = 2  # every class predicted as class 0
    cm = ConfusionMatrix(counts, [f"c{i}" for i in range(size)])
    (finding,) = never_predicted(cm)
    assert finding.message.startswith("8 classes are never predicted")
    assert "'c1', 'c2', 'c3', 'c4', 'c5' and 3 more" in finding.message


def test_class_absent_from_targets_but_predicted():
    cm = ConfusionMatrix([[5, 1, 0], [2, 8, 1], [0, 0, 0]], ["cat", "dog", "frog"])
    (finding,) = absent_from_targets(cm)
    assert finding.code == "absent-from-targets"
    assert "'frog' never occurs in the true labels but is predicted 1 time" in finding.message


def test_class_neither_occurring_nor_predicted_is_an_info():
    cm = ConfusionMatrix([[5, 1, 0], [2, 8, 0], [0, 0, 0]], ["cat", "dog", "frog"])
    (finding,) = absent_from_targets(cm)
    assert (finding.severity, finding.code) == ("info", "empty-class")
    assert "'frog'" in finding.message
    assert never_predicted(cm) == []


# -- estimates resting on few samples ----------------------------------------------------------


def test_few_samples_quotes_the_estimate_and_its_wilson_interval():
    cm = ConfusionMatrix([[40, 2, 0], [1, 50, 0], [0, 0, 3]], ["cat", "dog", "frog"])
    messages = [f.message for f in few_samples(cm)]
    assert messages == [
        "recall of 'frog' is 1.00 but rests on 3 samples: 95% CI 0.44-1.00.",
        "precision of 'frog' is 1.00 but rests on 3 predictions: 95% CI 0.44-1.00.",
    ]
    lo, hi = cm.interval("recall")
    assert round(float(lo[2]), 2) == 0.44
    assert float(hi[2]) == 1.0


def test_many_small_classes_are_summed_up_with_the_least_certain_example():
    counts = torch.diag(torch.tensor([2, 3, 4, 5, 50]))
    counts[0, 1] = 1
    cm = ConfusionMatrix(counts, list("abcde"))
    recall = [f.message for f in few_samples(cm) if "recall" in f.message]
    assert len(recall) == 1
    assert recall[0].startswith("4 classes have a recall resting on fewer than 10 samples, e.g.")
    assert "recall of 'a' is 0.67 but rests on 3 samples" in recall[0]


def test_min_samples_threshold_is_honoured():
    cm = ConfusionMatrix([[40, 2, 0], [1, 50, 0], [0, 0, 3]], ["cat", "dog", "frog"])
    assert few_samples(cm, min_samples=3) == []
    assert len(few_samples(cm, min_samples=4)) == 2


def test_weighted_counts_have_no_interval_in_the_sentence():
    cm = ConfusionMatrix([[40.5, 2.0], [1.0, 2.5]], ["a", "b"])
    messages = [f.message for f in few_samples(cm)]
    assert messages[0] == "recall of 'b' is 0.71 but rests on 3.5 samples."


# -- most confused pairs, the whole list --------------------------------------------------------


def test_confused_pairs_describe_count_and_share_of_the_true_class():
    cm = ConfusionMatrix([[8, 2, 0], [1, 3, 6], [0, 0, 5]], ["a", "b", "c"])
    messages = [f.message for f in confused_pairs(most_confused(cm.counts, cm.classes, k=2))]
    assert messages == [
        "'b' is mistaken for 'c' 6 times (60.0% of true 'b').",
        "'a' is mistaken for 'b' 2 times (20.0% of true 'a').",
    ]


def test_perfect_matrix_has_no_findings_when_large_enough():
    assert findings(ConfusionMatrix([[50, 0], [0, 50]])) == []


def test_findings_are_sorted_by_severity_and_limit_pairs():
    cm = ConfusionMatrix([[90, 3, 0, 0], [5, 0, 0, 0], [1, 1, 0, 0], [0, 0, 0, 0]], list("abcd"))
    found = findings(cm, top_pairs=2)
    order = {"critical": 0, "warning": 1, "info": 2}
    assert [order[f.severity] for f in found] == sorted(order[f.severity] for f in found)
    assert codes(found).count("most-confused") == 2
    assert {"accuracy-paradox", "never-predicted", "empty-class", "few-samples"} <= set(
        codes(found)
    )


def test_given_pairs_are_used_instead_of_recomputed():
    cm = ConfusionMatrix([[8, 2], [1, 9]], ["a", "b"])
    found = findings(cm, pairs=most_confused(cm.counts, cm.classes, k=1), top_pairs=5)
    assert codes(found).count("most-confused") == 1


def test_findings_are_pure_and_frozen():
    counts = torch.tensor([[95, 0], [5, 0]])
    cm = ConfusionMatrix(counts.clone())
    assert findings(cm) == findings(cm)
    assert torch.equal(cm.counts, counts)
    with pytest.raises(dataclasses.FrozenInstanceError):
        findings(cm)[0].message = "x"  # type: ignore[misc]


def test_class_names_are_quoted_as_plain_text():
    name = "<script>alert(1)</script>\n"
    cm = ConfusionMatrix([[5, 0], [3, 0]], ["ok", name])
    (finding,) = never_predicted(cm)
    assert repr(name) in finding.message
    assert "\n" not in finding.message


def test_finding_is_a_small_dataclass():
    finding = Finding("info", "code", "message")
    assert dataclasses.astuple(finding) == ("info", "code", "message")


# -- each finding worded for its situation (issue 10, item 8) ------------------------------------


def test_random_ten_class_model_on_balanced_data_is_no_better_than_chance():
    g = torch.Generator().manual_seed(0)
    y_true = torch.randint(0, 10, (2000,), generator=g)
    y_pred = torch.randint(0, 10, (2000,), generator=g)
    cm = ConfusionMatrix.from_predictions(y_true, y_pred)
    assert 0.10 < cm.no_information_rate < 0.13
    assert not is_imbalanced(cm)
    found = findings(cm)
    assert "accuracy-paradox" not in {f.code for f in found}
    (finding,) = [f for f in found if f.code == "no-better-than-chance"]
    assert finding.severity == "critical"
    assert finding.message.startswith(f"Accuracy {cm.accuracy:.3f} is no better than chance")
    assert "balanced accuracy" in finding.message
    assert "guessing gives 0.100" in finding.message
    assert "paradox" not in finding.message


@pytest.mark.parametrize(
    ("counts", "imbalanced"),
    [
        pytest.param([[75, 0], [25, 0]], True, id="binary-at-the-threshold"),
        pytest.param([[74, 0], [26, 0]], False, id="binary-below"),
        pytest.param([[15, 0, 0], [0, 80, 5], [0, 0, 0]], True, id="three-classes"),
    ],
)
def test_imbalance_rule_is_the_majority_share_against_the_equal_share(counts, imbalanced):
    cm = ConfusionMatrix(counts)
    assert is_imbalanced(cm) is imbalanced
    assert is_imbalanced(cm) is (cm.no_information_rate >= IMBALANCE / cm.num_classes)


def test_paradox_never_points_at_an_undefined_statistic():
    cm = ConfusionMatrix([[95, 0], [5, 0]], ["ok", "fault"])  # MCC is 0/0
    assert math.isnan(cm.mcc)
    (finding,) = accuracy_paradox(cm)
    assert finding.code == "accuracy-paradox"
    assert "MCC" not in finding.message
    assert "n/a" not in finding.message
    assert "balanced accuracy (0.500) and kappa (0.000)" in finding.message


def test_below_chance_binary_asks_whether_the_classes_are_inverted():
    cm = ConfusionMatrix([[10, 90], [80, 20]], ["disease", "healthy"])
    (finding,) = accuracy_paradox(cm)
    assert finding.code == "no-better-than-chance"
    assert "does the score describe the other class?" in finding.message


def test_significantly_better_than_chance_has_no_such_finding():
    cm = ConfusionMatrix([[40, 10], [10, 40]])
    assert accuracy_paradox(cm) == []


@pytest.mark.parametrize(
    ("zero_division", "words"),
    [
        pytest.param("nan", "precision undefined.", id="nan"),
        pytest.param(0, "precision undefined (shown as 0 by zero_division).", id="zero"),
    ],
)
def test_never_predicted_says_what_zero_division_made_of_precision(zero_division, words):
    kwargs = {} if zero_division == "nan" else {"zero_division": zero_division}
    cm = ConfusionMatrix([[5, 1, 0], [2, 8, 0], [1, 2, 0]], ["cat", "dog", "frog"], **kwargs)
    (finding,) = never_predicted(cm)
    assert finding.message.endswith(words)


def test_absent_and_empty_classes_say_what_zero_division_made_of_them():
    counts = [[5, 1, 0, 0], [2, 8, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0]]
    names = ["cat", "dog", "frog", "newt"]
    plain = {f.code: f.message for f in absent_from_targets(ConfusionMatrix(counts, names))}
    assert plain["absent-from-targets"].endswith("its recall is undefined.")
    assert "recall, precision and F1 are undefined" in plain["empty-class"]
    ones = absent_from_targets(ConfusionMatrix(counts, names, zero_division=1))
    messages = {f.code: f.message for f in ones}
    assert "recall is undefined (shown as 1 by zero_division)" in messages["absent-from-targets"]
    assert "undefined (each shown as 1 by zero_division)" in messages["empty-class"]


def test_few_samples_uses_the_interval_digit_rule():
    cm = ConfusionMatrix([[40, 2, 0], [1, 50, 0], [0, 0, 3]], ["cat", "dog", "frog"])
    lo, hi = cm.interval("recall")
    message = few_samples(cm)[0].message
    assert message.endswith(f"95% CI {interval(float(lo[2]), float(hi[2]))}.")


@given(count_matrices(max_classes=5, max_count=30))
@settings(max_examples=80, deadline=None)
def test_no_finding_quotes_an_undefined_number(counts):
    for zero_division in ("nan", 0):
        kwargs = {} if zero_division == "nan" else {"zero_division": zero_division}
        for finding in findings(ConfusionMatrix(torch.as_tensor(counts), **kwargs)):
            assert "n/a" not in finding.message
            assert "nan" not in finding.message.lower().replace("names", "")
