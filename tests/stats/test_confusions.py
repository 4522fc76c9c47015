"""most_confused, most_confused_classes and confusion_order on hand-computed matrices."""

from __future__ import annotations

import math

import pytest
import torch

from confmat import ConfusionMatrix, OptionError
from confmat._internal.stats.confusions import (
    ConfusedPair,
    confusion_order,
    most_confused,
    most_confused_classes,
)

# C[i, j]: true class i predicted as j. Off-diagonal: a->b 10 (10/100 = 0.1 of a),
# b->c 5 (5/10 = 0.5 of b), c->a 1 (1/10 = 0.1 of c).
RANKED = ConfusionMatrix([[90, 10, 0], [0, 5, 5], [1, 0, 9]], ["a", "b", "c"])


def test_by_count() -> None:
    assert most_confused(RANKED.counts, RANKED.classes) == [
        ConfusedPair("a", "b", 10, 0.1),
        ConfusedPair("b", "c", 5, 0.5),
        ConfusedPair("c", "a", 1, 0.1),
    ]


def test_by_rate_ties_broken_by_count() -> None:
    assert most_confused(RANKED.counts, RANKED.classes, by="rate") == [
        ConfusedPair("b", "c", 5, 0.5),
        ConfusedPair("a", "b", 10, 0.1),  # same rate as c->a, larger count
        ConfusedPair("c", "a", 1, 0.1),
    ]


def test_k_limits_and_none_gives_all() -> None:
    assert most_confused(RANKED.counts, RANKED.classes, k=1) == [ConfusedPair("a", "b", 10, 0.1)]
    assert len(most_confused(RANKED.counts, RANKED.classes, k=100)) == 3
    assert len(most_confused(RANKED.counts, RANKED.classes, k=None)) == 3


def test_equal_counts_ranked_by_rate_then_row_major() -> None:
    cm = ConfusionMatrix([[5, 2, 2], [2, 5, 0], [0, 2, 6]], ["x", "y", "z"])
    # every error count is 2; rates: y->x 2/7, z->y 2/8, x->y and x->z 2/9 (row-major order)
    expected = [("y", "x"), ("z", "y"), ("x", "y"), ("x", "z")]
    assert [(p.true, p.pred) for p in most_confused(cm.counts, cm.classes)] == expected
    assert [(p.true, p.pred) for p in most_confused(cm.counts, cm.classes, by="rate")] == expected


def test_diagonal_and_zero_cells_never_appear() -> None:
    cm = ConfusionMatrix([[7, 0], [0, 3]])
    assert most_confused(cm.counts, cm.classes) == []
    empty_row = ConfusionMatrix([[4, 1, 0], [0, 0, 0], [0, 2, 3]])
    pairs = most_confused(empty_row.counts, empty_row.classes, k=None)
    assert [(p.true, p.pred, p.count) for p in pairs] == [("2", "1", 2), ("0", "1", 1)]
    assert all(not math.isnan(p.rate) for p in pairs)


def test_field_types() -> None:
    pair = most_confused(RANKED.counts, RANKED.classes, k=1)[0]
    assert type(pair.count) is int
    assert type(pair.rate) is float
    assert pair._fields == ("true", "pred", "count", "rate")
    weighted = ConfusionMatrix(torch.tensor([[1.5, 0.5], [0.25, 2.0]]))
    assert most_confused(weighted.counts, weighted.classes) == [
        ConfusedPair("0", "1", 0.5, 0.25),
        ConfusedPair("1", "0", 0.25, 0.25 / 2.25),
    ]


def test_counts_of_all_pairs_sum_to_the_errors() -> None:
    g = torch.Generator().manual_seed(1)
    counts = torch.randint(0, 6, (12, 12), generator=g)
    cm = ConfusionMatrix(counts)
    pairs = most_confused(cm.counts, cm.classes, k=None)
    assert sum(p.count for p in pairs) == int(counts.sum() - counts.trace())
    assert [p.count for p in pairs] == sorted((p.count for p in pairs), reverse=True)
    rates = [p.rate for p in most_confused(cm.counts, cm.classes, k=None, by="rate")]
    assert rates == sorted(rates, reverse=True)
    support = counts.sum(dim=1)
    for p in pairs:
        assert p.rate == pytest.approx(p.count / int(support[int(p.true)]))


def test_matrix_method_delegates() -> None:
    assert RANKED.most_confused(2, by="rate") == most_confused(
        RANKED.counts, RANKED.classes, 2, "rate"
    )
    assert RANKED.most_confused() == most_confused(RANKED.counts, RANKED.classes)


def test_on_other_devices_counts_stay_put() -> None:
    cm = ConfusionMatrix(torch.tensor([[3, 1], [2, 4]]))
    assert most_confused(cm.counts, cm.classes)[0] == ConfusedPair("1", "0", 2, 2 / 6)
    assert cm.counts.device.type == "cpu"


@pytest.mark.parametrize(
    ("k", "by", "match"),
    [
        (0, "count", "k must be a positive integer"),
        (-1, "count", "k must be a positive integer"),
        (2.0, "count", "k must be a positive integer"),
        (True, "count", "k must be a positive integer"),
        (3, "rates", 'by must be "count" or "rate"'),
        (3, None, 'by must be "count" or "rate"'),
    ],
    ids=["zero", "negative", "float", "bool", "unknown-by", "none-by"],
)
def test_invalid_options(k: object, by: object, match: str) -> None:
    with pytest.raises(OptionError, match=match):
        most_confused(RANKED.counts, RANKED.classes, k, by)  # type: ignore[arg-type]


# -- which classes, in which order ----------------------------------------------------------


def test_most_confused_classes_follow_the_pairs() -> None:
    cm = ConfusionMatrix([[9, 0, 0, 1], [0, 9, 0, 0], [0, 5, 4, 0], [0, 0, 0, 9]])
    assert most_confused_classes(cm.counts, 1) == [2]  # of the pair 2 -> 1, the true class first
    assert most_confused_classes(cm.counts, 2) == [1, 2]
    assert most_confused_classes(cm.counts, 3) == [0, 1, 2]
    assert most_confused_classes(cm.counts, 4) == [0, 1, 2, 3]
    assert most_confused_classes(cm.counts, 10) == [0, 1, 2, 3]


def test_most_confused_classes_fill_with_unconfused_classes() -> None:
    cm = ConfusionMatrix([[5, 0, 0], [0, 5, 0], [0, 0, 5]])
    assert most_confused_classes(cm.counts, 2) == [0, 1]
    with pytest.raises(OptionError, match="top must be a positive integer"):
        most_confused_classes(cm.counts, 0)


def test_confusion_order_groups_confused_classes() -> None:
    # 0 <-> 2 and 1 <-> 3 confuse each other
    cm = ConfusionMatrix([[9, 0, 1, 0], [0, 9, 0, 1], [1, 0, 9, 0], [0, 1, 0, 9]])
    order = confusion_order(cm.counts)
    assert sorted(order) == [0, 1, 2, 3]
    assert abs(order.index(0) - order.index(2)) == 1
    assert abs(order.index(1) - order.index(3)) == 1


def test_confusion_order_uses_rates_not_counts() -> None:
    # class 0 is large: 20 errors to class 1 are a small share of it (20/1000), while class 2
    # sends half its samples (10/20) to class 3
    counts = torch.tensor(
        [
            [980, 20, 0, 0, 0],
            [20, 980, 0, 0, 0],
            [0, 0, 10, 10, 0],
            [0, 0, 0, 20, 0],
            [0, 0, 0, 0, 5],
        ]
    )
    cm = ConfusionMatrix(counts)
    order = confusion_order(cm.counts)
    assert abs(order.index(2) - order.index(3)) == 1
    assert abs(order.index(0) - order.index(1)) == 1


def test_confusion_order_without_confusions_is_the_class_order() -> None:
    assert confusion_order(torch.eye(5, dtype=torch.int64)) == [0, 1, 2, 3, 4]
    assert confusion_order(torch.tensor([[1, 2], [3, 4]])) == [0, 1]


def test_confusion_order_at_500_classes_is_a_permutation() -> None:
    g = torch.Generator().manual_seed(0)
    counts = torch.randint(0, 3, (500, 500), generator=g) + 50 * torch.eye(500, dtype=torch.int64)
    assert sorted(confusion_order(counts)) == list(range(500))
