from __future__ import annotations

import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.utils.data import DataLoader, Dataset, TensorDataset

import confmat
from confmat import evaluate
from confmat._internal.evaluation.report_samples import report_rows
from confmat._internal.report.model import check_gallery
from confmat._internal.results.comparison import PairedTable
from confmat._internal.stats import significance
from confmat._internal.stream.reservoir import GroupedTopK, Rows
from confmat.exceptions import OptionError

# -- helpers ------------------------------------------------------------------------------


def manual_logits(model: nn.Module, loader: DataLoader) -> tuple[torch.Tensor, torch.Tensor]:
    """The hand-written loop that evaluate() replaces."""
    model.eval()
    outputs, targets = [], []
    with torch.no_grad():
        for x, y in loader:
            outputs.append(model(x))
            targets.append(y)
    return torch.cat(outputs), torch.cat(targets)


class DictDataset(Dataset):
    def __init__(self, base: TensorDataset, with_index: bool = False) -> None:
        self.base = base
        self.with_index = with_index

    def __len__(self) -> int:
        return len(self.base)

    def __getitem__(self, i: int) -> dict[str, object]:
        x, y = self.base[i]
        item: dict[str, object] = {"image": x, "label": y}
        if self.with_index:
            item["index"] = i
        return item


class KeywordModel(nn.Module):
    def __init__(self, inner: nn.Module) -> None:
        super().__init__()
        self.inner = inner

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.inner(image)


@dataclass
class Output:
    logits: torch.Tensor


class ObjectModel(nn.Module):
    def __init__(self, inner: nn.Module, as_dict: bool) -> None:
        super().__init__()
        self.inner = inner
        self.as_dict = as_dict

    def forward(self, x: torch.Tensor) -> object:
        logits = self.inner(x)
        return {"logits": logits, "hidden": x} if self.as_dict else Output(logits)


class Biased(nn.Module):
    """A fixed, deterministic 3-class model on 2 features with plenty of errors."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.stack([x[:, 0], x[:, 1], -x[:, 0] - x[:, 1]], dim=1)


def random_stream(n: int, seed: int = 0) -> TensorDataset:
    g = torch.Generator().manual_seed(seed)
    return TensorDataset(torch.randn(n, 2, generator=g), torch.randint(0, 3, (n,), generator=g))


# -- the digits model: evaluate() equals the hand-written loop ----------------------------


def test_equals_manual_loop_and_from_predictions(digits):
    loader = DataLoader(digits.test, batch_size=64)
    logits, targets = manual_logits(digits.model, loader)
    expected = confmat.ConfusionMatrix.from_predictions(targets, logits)
    result = evaluate(digits.model, loader, progress=False)
    assert torch.equal(result.matrix.counts, expected.counts)
    assert result.matrix.classes == [str(i) for i in range(10)]
    assert result.matrix.n == len(digits.test)
    assert 0.85 < result.matrix.accuracy < 1.0
    assert result.index_source == "sampler"
    print(
        f"digits model trained in {digits.train_seconds:.2f} s "
        f"({digits.train_cpu_seconds:.2f} s CPU)"
    )


def test_class_names_and_batch_partition(digits):
    names = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
    one = evaluate(digits.model, DataLoader(digits.test, batch_size=597), names, progress=False)
    many = evaluate(digits.model, DataLoader(digits.test, batch_size=13), names, progress=False)
    assert one.matrix.classes == names
    assert torch.equal(one.matrix.counts, many.matrix.counts)


def test_dict_batches(digits):
    expected = evaluate(digits.model, DataLoader(digits.test, batch_size=50), progress=False)
    loader = DataLoader(DictDataset(digits.test), batch_size=50)
    by_key = evaluate(digits.model, loader, input_key="image", progress=False)
    by_keywords = evaluate(KeywordModel(digits.model), loader, progress=False)
    for result in (by_key, by_keywords):
        assert torch.equal(result.matrix.counts, expected.matrix.counts)


def test_batch_fn_and_indices_from_batches(digits):
    loader = DataLoader(DictDataset(digits.test, with_index=True), batch_size=50, shuffle=True)
    result = evaluate(
        digits.model,
        loader,
        batch_fn=lambda b: (b["image"], b["label"], b["index"]),
        progress=False,
    )
    assert result.index_source == "batch"
    for sample in result.samples():
        assert int(digits.labels[sample.index]) == int(sample.true)


@pytest.mark.parametrize("as_dict", [False, True], ids=["object", "dict"])
def test_outputs_with_logits(digits, as_dict):
    loader = DataLoader(digits.test, batch_size=100)
    expected = evaluate(digits.model, loader, progress=False)
    result = evaluate(ObjectModel(digits.model, as_dict), loader, progress=False)
    assert torch.equal(result.matrix.counts, expected.matrix.counts)


def test_output_transform(digits):
    loader = DataLoader(digits.test, batch_size=100)
    expected = evaluate(digits.model, loader, progress=False)
    model = ObjectModel(digits.model, as_dict=False)
    result = evaluate(model, loader, output_transform=lambda out: out.logits, progress=False)
    assert torch.equal(result.matrix.counts, expected.matrix.counts)


@pytest.mark.parametrize("shape", ["(N,)", "(N, 1)"])
@pytest.mark.parametrize("from_logits", [True, False], ids=["logits", "probabilities"])
def test_binary_model_with_one_output(digits, shape, from_logits):
    """ "Is it a 9?" from the digits model: one logit (or probability) per sample."""

    def one_output(x: torch.Tensor) -> torch.Tensor:
        logp = digits.model(x).log_softmax(dim=1)
        logit = logp[:, 9] - torch.logsumexp(logp[:, :9], dim=1)
        score = logit if from_logits else torch.sigmoid(logit)
        return score if shape == "(N,)" else score.reshape(-1, 1)

    binary = TensorDataset(digits.images, (digits.labels == 9).long())
    loader = DataLoader(binary, batch_size=64)
    result = evaluate(
        one_output,
        loader,
        ["other", "nine"],
        from_logits=from_logits,
        threshold=0.3,
        progress=False,
    )
    with torch.no_grad():
        scores = torch.cat([one_output(x) for x, _ in loader])
    expected = confmat.ConfusionMatrix.from_predictions(
        binary.tensors[1], scores, threshold=0.3, from_logits=from_logits
    )
    assert torch.equal(result.matrix.counts, expected.counts)
    assert result.matrix.positive == "nine"
    assert all(s.pred in ("other", "nine") for s in result.samples())


# -- train/eval mode -----------------------------------------------------------------------


class Spy(nn.Module):
    """Records the mode it runs in."""

    def __init__(self) -> None:
        super().__init__()
        self.frozen = nn.Linear(64, 10).eval()  # a frozen part must stay frozen
        self.dropout = nn.Dropout(0.5)
        self.seen: list[tuple[bool, bool, bool]] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mode = (self.training, self.dropout.training, torch.is_inference_mode_enabled())
        self.seen.append(mode)
        return self.dropout(self.frozen(x.flatten(1)))


def test_mode_restored_after_success(digits):
    model = Spy().train()
    model.frozen.eval()
    evaluate(model, DataLoader(digits.test, batch_size=200), progress=False)
    assert model.seen == [(False, False, True)] * 3
    assert model.training
    assert model.dropout.training
    assert not model.frozen.training


def test_mode_restored_after_error(digits):
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 10), nn.Dropout(0.5))
    model.train()

    def broken(batches):
        yield from batches
        raise RuntimeError("the loader broke")

    with pytest.raises(RuntimeError, match="the loader broke"):
        evaluate(model, broken(DataLoader(digits.test, batch_size=100)), progress=False)
    assert all(m.training for m in model.modules())
    with pytest.raises(confmat.ShapeError, match="3 classes"):
        evaluate(model, DataLoader(digits.test, batch_size=100), ["a", "b", "c"], progress=False)
    assert all(m.training for m in model.modules())


# -- kept samples ---------------------------------------------------------------------------


def test_samples_reference_the_dataset(digits):
    result = evaluate(digits.model, DataLoader(digits.test, batch_size=64), progress=False)
    samples = result.samples()
    assert samples
    for s in samples:
        x, y = digits.test[s.index]
        assert str(int(y)) == s.true
        with torch.no_grad():
            logits = digits.model(x.unsqueeze(0))
        assert str(int(logits.argmax())) == s.pred
        assert s.confidence == pytest.approx(float(logits.softmax(1).max()), rel=1e-4)
    wrong = result.samples(true="1", pred="9")
    assert all((s.true, s.pred) == ("1", "9") for s in wrong)
    assert len(wrong) == min(8, int(result.matrix.counts[1, 9]))
    worst = result.worst(misclassified=True)
    assert [s.loss for s in worst] == sorted((s.loss for s in worst), reverse=True)


def test_reservoir_memory_bounded():
    stored, peaks = [], []
    for n in (2_000, 20_000):
        loader = DataLoader(random_stream(n), batch_size=1000)
        result = evaluate(Biased(), loader, keep_samples=5, keep_worst=7, progress=False)
        assert result.matrix.n == n
        stored.append((len(result.samples()), len(result.worst())))
    assert stored[0] == stored[1] == (9 * 5, 7)
    for n in (2_000, 20_000):
        store = GroupedTopK(k=5, groups=9, min_pending=1000)
        for start in range(0, n, 200):
            group = torch.arange(start, start + 200) % 9
            store.push(Rows(group, torch.rand(200), group.reshape(-1, 1), torch.zeros(200, 0)))
        peaks.append(store.peak_size)
    assert peaks[0] == peaks[1] <= 1000 + 200 + 45


def test_reservoir_is_a_uniform_sample():
    """Every sample of a cell is equally likely to be kept (k / n), whatever its position."""
    kept = torch.zeros(40)
    for seed in range(300):
        store = GroupedTopK(k=4, groups=1, min_pending=8)
        gen = torch.Generator().manual_seed(seed)
        for start in range(0, 40, 5):
            index = torch.arange(start, start + 5)
            store.push(
                Rows(
                    torch.zeros(5, dtype=torch.long),
                    torch.rand(5, generator=gen),
                    index.reshape(-1, 1),
                    torch.zeros(5, 0),
                )
            )
        kept[store.rows().ints.reshape(-1)] += 1
    share = kept / 300
    assert share.mean() == pytest.approx(0.1)
    assert share[:20].mean() == pytest.approx(0.1, abs=0.015)
    assert share[20:].mean() == pytest.approx(0.1, abs=0.015)


def test_samples_are_seeded():
    loader = DataLoader(random_stream(1000), batch_size=128)
    a = evaluate(Biased(), loader, progress=False, seed=3).samples()
    b = evaluate(Biased(), loader, progress=False, seed=3).samples()
    c = evaluate(Biased(), loader, progress=False, seed=4).samples()
    assert a == b
    assert a != c


def test_shuffled_loader_has_no_dataset_indices(digits):
    loader = DataLoader(digits.test, batch_size=64, shuffle=True)
    result = evaluate(digits.model, loader, progress=False)
    assert result.index_source == "unknown"
    with pytest.raises(confmat.OptionError, match="reorders"):
        result.show_misclassified()


# -- paired evaluation ---------------------------------------------------------------------


def test_paired_table(digits):
    weak = nn.Sequential(nn.Flatten(), nn.Linear(64, 10))
    with torch.no_grad():
        weak[1].weight.copy_(torch.eye(10, 64) * 3)
    loader = DataLoader(digits.test, batch_size=64)
    result = evaluate({"mlp": digits.model, "weak": weak}, loader, progress=False)
    a, b = result.matrices["mlp"], result.matrices["weak"]
    table = result.paired_table(("mlp", "weak"))
    assert isinstance(table, PairedTable)
    assert sum(table) == len(digits.test) == a.n == b.n
    assert table.both_right + table.only_a == int(a.counts.diagonal().sum())
    assert table.both_right + table.only_b == int(b.counts.diagonal().sum())
    assert result.paired_table() == table
    comparison = result.compare(n_resamples=200)
    assert comparison.table == table
    expected_p = significance.mcnemar_exact(table.only_a, table.only_b)
    assert comparison.mcnemar_exact_p_value == pytest.approx(expected_p)
    accuracy = comparison.differences["accuracy"]
    assert accuracy.difference == pytest.approx(b.accuracy - a.accuracy)
    flipped = result.paired_table(("weak", "mlp"))
    assert (flipped.only_a, flipped.only_b) == (table.only_b, table.only_a)
    single = evaluate(digits.model, loader, progress=False)
    assert torch.equal(single.matrix.counts, a.counts)
    with pytest.raises(confmat.OptionError, match="matrices"):
        _ = result.matrix


# -- the misclassified gallery ---------------------------------------------------------------


def test_show_misclassified_grid(digits, tmp_path):
    pytest.importorskip("matplotlib")
    result = evaluate(digits.model, DataLoader(digits.test, batch_size=64), progress=False)
    figure = result.show_misclassified(k=12)
    axes = [ax for ax in figure.axes if ax.images]
    assert len(axes) == 12
    titles = [ax.get_title() for ax in axes]
    assert all(re.fullmatch(r"\d -> \d \(\d\.\d\d\)", t) for t in titles)
    expected = [f"{s.true} -> {s.pred} ({s.confidence:.2f})" for s in result.misclassified(12)]
    assert titles == expected
    assert all(t.split(" -> ")[0] != t.split(" -> ")[1][0] for t in titles)
    assert axes[0].images[0].get_array().shape == (8, 8)
    path = tmp_path / "misclassified.png"
    figure.savefig(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    cell = result.show_misclassified(true="1", pred="9", k=3)
    assert all(ax.get_title().startswith("1 -> 9") for ax in cell.axes if ax.images)


def test_gallery_data_uris(digits):
    pytest.importorskip("matplotlib")

    result = evaluate(digits.model, DataLoader(digits.test, batch_size=64), progress=False)
    gallery = result.gallery(k=5)
    assert len(gallery) == 5
    assert check_gallery(gallery) == gallery
    assert (
        gallery[0][1] == f"{result.misclassified(1)[0].true} -> " + gallery[0][1].split(" -> ")[1]
    )


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ((3, 5, 7), (5, 7, 3)),
        ((5, 7, 3), (5, 7, 3)),
        ((1, 5, 7), (5, 7)),
        ((5, 7), (5, 7)),
        ((49,), (7, 7)),
    ],
    ids=["CHW", "HWC", "gray CHW", "HW", "flat"],
)
def test_image_layouts(shape, expected):
    from confmat._internal.show.gallery import as_image

    image = as_image((torch.randn(shape) * 3, 0))
    assert image.shape == expected
    assert image.min() >= 0.0
    assert image.max() <= 1.0


def test_denormalize_and_to_image_hooks():
    from confmat._internal.show.gallery import as_image

    item = {"pixels": torch.full((3, 4, 4), -1.0)}
    image = as_image(item, to_image=lambda it: it["pixels"], denormalize=lambda t: t * 0.5 + 0.5)
    assert image.shape == (4, 4, 3)
    assert float(image.max()) == 0.0


# -- progress bar --------------------------------------------------------------------------


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_shows_running_accuracy(digits, monkeypatch):
    pytest.importorskip("tqdm")
    from confmat._internal.evaluation import loop as evaluate_module

    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(sys.modules["confmat._internal.evaluation.loop"], "_PROGRESS_SECONDS", 0.0)
    assert evaluate_module is not None
    result = evaluate(digits.model, DataLoader(digits.test, batch_size=64))
    output = terminal.getvalue()
    assert "accuracy" in output
    assert f"{result.matrix.accuracy:.4f}"[:3] in output


def test_no_progress_bar_off_terminal(digits, monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stream)
    evaluate(digits.model, DataLoader(digits.test, batch_size=64))
    assert stream.getvalue() == ""


# -- bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"model": 3}, confmat.OptionError, "callable"),
        ({"keep_samples": -1}, confmat.OptionError, "keep_samples"),
        ({"loader": []}, confmat.ShapeError, "no batches"),
        ({"loader": [torch.zeros(4, 64)]}, confmat.ShapeError, "batch"),
        ({"loader": [{"x": torch.zeros(4, 64)}]}, confmat.ShapeError, "target"),
        (
            {"loader": [(torch.zeros(4, 64), torch.tensor([0, 1, 2, 12]))]},
            confmat.LabelError,
            "out of range",
        ),
        ({"output_transform": lambda out: (out,)}, confmat.ShapeError, "output_transform"),
        ({"threshold": 2.0}, confmat.ConfmatError, "threshold"),
        ({"autocast": "yes"}, confmat.OptionError, "autocast"),
        ({"output_transform": lambda out: out[:3]}, confmat.ShapeError, "3 outputs for 4"),
        ({"device": "meta"}, confmat.OptionError, "device"),
    ],
    ids=[
        "model",
        "keep",
        "empty",
        "no targets",
        "dict keys",
        "label range",
        "outputs",
        "threshold",
        "autocast",
        "outputs for targets",
        "device",
    ],
)
def test_errors(kwargs, error, match):
    arguments = {
        "model": nn.Linear(64, 10),
        "loader": [(torch.zeros(4, 64), torch.tensor([0, 1, 2, 3]))],
        "progress": False,
    }
    arguments.update(kwargs)
    with pytest.raises(error, match=match):
        evaluate(**arguments)


# -- torch.distributed -----------------------------------------------------------------------


def _distributed_worker(rank: int, world: int, tmp: str) -> None:
    import torch.distributed as dist
    from torch.utils.data.distributed import DistributedSampler

    dist.init_process_group("gloo", init_method=f"file://{tmp}/x", rank=rank, world_size=world)
    try:
        data = random_stream(101, seed=5)  # 101 samples: the sampler pads one
        sampler = DistributedSampler(data, num_replicas=world, rank=rank, shuffle=True, seed=1)
        loader = DataLoader(data, batch_size=16, sampler=sampler)
        models = {"a": Biased(), "b": lambda x: Biased()(x.flip(1))}
        result = evaluate(models, loader, keep_samples=50, progress=False)
        torch.save(
            {
                "counts": {k: m.counts for k, m in result.matrices.items()},
                "samples": result.samples(model="a"),
                "table": result.paired_table(),
            },
            f"{tmp}/rank{rank}.pt",
        )
    finally:
        dist.destroy_process_group()


@pytest.mark.distributed
def test_distributed_counts_each_sample_once(tmp_path: Path):
    import torch.multiprocessing as mp

    mp.spawn(_distributed_worker, args=(2, str(tmp_path)), nprocs=2, join=True)
    data = random_stream(101, seed=5)
    models = {"a": Biased(), "b": lambda x: Biased()(x.flip(1))}
    single = evaluate(models, DataLoader(data, batch_size=16), keep_samples=50, progress=False)
    for rank in range(2):
        saved = torch.load(tmp_path / f"rank{rank}.pt", weights_only=False)
        for name, counts in saved["counts"].items():
            assert torch.equal(counts, single.matrices[name].counts)
            assert int(counts.sum()) == 101
        assert saved["table"] == single.paired_table()
        indices = [s.index for s in saved["samples"]]
        assert len(indices) == len(set(indices)) == len(single.samples(model="a"))
        assert sorted(indices) == sorted(s.index for s in single.samples(model="a"))


def test_distributed_sampler_shard_without_process_group():
    """A rank's shard alone: the sampler's padding is not counted, indices are the sampler's."""
    from torch.utils.data.distributed import DistributedSampler

    data = random_stream(101, seed=5)
    shards = []
    for rank in range(2):
        sampler = DistributedSampler(data, num_replicas=2, rank=rank, shuffle=True, seed=1)
        loader = DataLoader(data, batch_size=16, sampler=sampler)
        shards.append(evaluate(Biased(), loader, keep_samples=50, progress=False))
    whole = evaluate(Biased(), DataLoader(data, batch_size=16), keep_samples=50, progress=False)
    assert [s.matrix.n for s in shards] == [51, 50]
    assert torch.equal(shards[0].matrix.counts + shards[1].matrix.counts, whole.matrix.counts)
    indices = sorted(s.index for shard in shards for s in shard.samples())
    assert indices == list(range(101))
    for shard in shards:
        assert shard.index_source == "sampler"
        for s in shard.samples():
            assert str(int(data[s.index][1])) == s.true


def test_autocast_and_nothing_kept(digits):
    loader = DataLoader(digits.test, batch_size=100)
    exact = evaluate(digits.model, loader, progress=False)
    low = evaluate(
        digits.model, loader, autocast=torch.bfloat16, keep_samples=0, keep_worst=0, progress=False
    )
    assert low.matrix.n == exact.matrix.n
    assert abs(low.matrix.accuracy - exact.matrix.accuracy) < 0.02
    assert low.samples() == []
    assert low.worst() == []
    assert "accuracy=" in repr(low)


def test_nan_outputs_are_refused():
    data = [(torch.tensor([[0.0, float("nan")], [1.0, 0.0]]), torch.tensor([0, 1]))]
    with pytest.raises(confmat.ScoreError, match="NaN in 1 sample"):
        evaluate(nn.Identity(), data, progress=False)


def test_float_targets_are_checked():
    model = nn.Linear(64, 2)
    whole = [(torch.zeros(3, 64), torch.tensor([0.0, 1.0, 1.0]))]
    assert evaluate(model, whole, progress=False).matrix.n == 3
    fractional = [(torch.zeros(3, 64), torch.tensor([0.0, 0.5, 1.0]))]
    with pytest.raises(confmat.LabelError, match="whole numbers"):
        evaluate(model, fractional, progress=False)


def test_thread_count_untouched(digits):
    threads = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        seen = []

        def model(x: torch.Tensor) -> torch.Tensor:
            seen.append(torch.get_num_threads())  # the forward pass keeps every thread
            return digits.model(x)

        evaluate(model, DataLoader(digits.test, batch_size=300), progress=False)
        assert seen == [2, 2]
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(threads)


def _report_rows_oracle(cells, losses, counts, per_cell, limit):
    """Errors, then correct cells: round by round one more sample of each, most frequent first."""
    size = counts.shape[0]
    flat = counts.reshape(-1).tolist()

    def rank_key(cell):
        return (cell % (size + 1) == 0, -flat[cell], cell)  # errors first, most first

    by_cell = {}
    for position in sorted(range(len(cells)), key=lambda p: -losses[p]):  # stable: ties by position
        by_cell.setdefault(cells[position], []).append(position)
    order = []
    for correct in (False, True):
        for round_ in range(per_cell):
            for cell in sorted(by_cell, key=rank_key):
                if (cell % (size + 1) == 0) == correct and round_ < len(by_cell[cell]):
                    order.append(by_cell[cell][round_])
    return order[:limit]


@given(
    st.integers(2, 4).flatmap(
        lambda size: st.tuples(
            st.just(size),
            st.lists(st.integers(0, size * size - 1), min_size=0, max_size=40),
            st.integers(1, 4),
            st.integers(1, 30),
        )
    ),
    st.randoms(use_true_random=False),
)
@settings(max_examples=60, deadline=None)
def test_report_rows_takes_a_sample_of_each_cell_per_round(case, rng):
    size, cells, per_cell, limit = case
    losses = [float(rng.randint(0, 5)) for _ in cells]  # ties included
    counts = torch.zeros(size * size, dtype=torch.int64)
    counts.index_add_(
        0, torch.tensor(cells, dtype=torch.long), torch.ones(len(cells), dtype=torch.int64)
    )
    counts = counts.reshape(size, size) * rng.randint(1, 3)
    found = report_rows(
        torch.tensor(cells, dtype=torch.long), torch.tensor(losses), counts, per_cell, limit
    )
    assert found.tolist() == _report_rows_oracle(cells, losses, counts, per_cell, limit)


def test_cell_gallery_shows_errors_first_within_its_limits(digits):
    pytest.importorskip("matplotlib")
    result = evaluate(digits.model, DataLoader(digits.test, batch_size=64), progress=False)
    gallery = result.cell_gallery(per_cell=2, limit=30)
    assert len(gallery) == 30
    assert check_gallery(gallery) == gallery
    samples = [s for _, _, s in gallery]
    errors = int(result.matrix.counts.sum() - result.matrix.counts.trace())
    assert errors >= 30
    assert all(s.true != s.pred for s in samples)
    cells = [(s.true, s.pred) for s in samples]
    assert max(cells.count(c) for c in cells) <= 2
    assert all(s in result.samples(s.true, s.pred) for s in samples)
    assert gallery[0][0].startswith("data:image/png;base64,")
    assert gallery[0][1] == f"{samples[0].true} -> {samples[0].pred} ({samples[0].confidence:.2f})"
    with pytest.raises(OptionError, match="per_cell"):
        result.cell_gallery(per_cell=0)
