"""The heatmap: assertions on artists (texts, tick labels, image arrays, colour bars)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pytest
import torch

from confmat import ConfusionMatrix, OptionError
from confmat._internal.cli import main as cli
from confmat._internal.show import figures, layout
from confmat._internal.show import heatmap as show_heatmap
from confmat._internal.stats import confusions
from confmat.show import HeatmapDisplay

matplotlib.use("Agg")

SIZES = (2, 10, 100)
NORMALIZE = (None, "true", "pred", "all")


def _matrix(size: int, seed: int = 0) -> torch.Tensor:
    """A strong diagonal with a few confusions per row, one empty row and one empty column."""
    g = torch.Generator().manual_seed(seed)
    counts = torch.zeros(size, size, dtype=torch.int64)
    counts += torch.diag(torch.randint(20, 90, (size,), generator=g))
    rows = torch.arange(size).repeat_interleave(2)
    cols = torch.randint(0, size, (2 * size,), generator=g)
    counts.index_put_((rows, cols), torch.randint(1, 15, (2 * size,), generator=g), accumulate=True)
    if size > 2:
        counts[size - 1] = 0  # a class absent from the targets: NaN when normalized by "true"
        counts[:, size - 2] = 0  # a class never predicted: NaN when normalized by "pred"
    return counts


def _names(size: int) -> list[str]:
    return [f"class {i}" for i in range(size)]


@pytest.fixture
def draw() -> Iterator[Callable[..., Any]]:
    """``heatmap`` whose figures are closed after the test."""
    drawn: list[Any] = []

    def heatmap(cm: ConfusionMatrix, **options: Any) -> Any:
        display = show_heatmap.heatmap(cm, **options)
        drawn.append(display)
        return display

    yield heatmap
    for display in drawn:
        figures.close(display)


@pytest.fixture(scope="module")
def picture() -> Iterator[Callable[[int, str | None], tuple[ConfusionMatrix, Any]]]:
    """The heatmap of the test matrix of ``size`` classes, drawn once per module."""
    cache: dict[tuple[int, str | None], tuple[ConfusionMatrix, Any]] = {}

    def get(size: int, normalize: str | None) -> tuple[ConfusionMatrix, Any]:
        if (size, normalize) not in cache:
            cm = ConfusionMatrix(_matrix(size), _names(size))
            cache[size, normalize] = (cm, show_heatmap.heatmap(cm, normalize=normalize))  # type: ignore[arg-type]
        return cache[size, normalize]

    yield get
    for _, display in cache.values():
        figures.close(display)


Picture = Callable[[int, "str | None"], tuple[ConfusionMatrix, Any]]


def _expected(cm: ConfusionMatrix, normalize: str | None) -> np.ndarray:
    if normalize is None:
        return cm.counts.double().numpy()
    return cm.normalized(normalize).numpy()  # type: ignore[arg-type]


def _image_values(ax: Any) -> np.ndarray:
    """The values drawn, from the diagonal and off-diagonal images; NaN where nothing is drawn."""
    diagonal, errors = (np.ma.filled(im.get_array().astype(float), np.nan) for im in ax.images)
    return np.where(np.eye(diagonal.shape[0], dtype=bool), diagonal, errors)


def _texts(ax: Any) -> dict[tuple[int, int], str]:
    """Cell annotations by (row, column)."""
    return {
        (round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in ax.texts
    }


# -- the picture at C = 2, 10, 100 for each normalization ------------------------------------


@pytest.mark.parametrize("normalize", NORMALIZE)
@pytest.mark.parametrize("size", SIZES)
def test_axes_ticks_and_titles(picture: Picture, size: int, normalize: str | None) -> None:
    cm, display = picture(size, normalize)
    ax = display.ax
    assert ax.get_xlabel() == "Predicted class"
    assert ax.get_ylabel() == "True class"
    for axis in (ax.xaxis, ax.yaxis):
        positions = [int(p) for p in axis.get_ticklocs()]
        labels = [t.get_text() for t in axis.get_ticklabels()]
        assert labels == [cm.classes[p] for p in positions]
        assert positions == list(range(size))  # every class is named, even at C = 100
    assert list(display.classes) == cm.classes
    assert list(display.order) == list(range(size))
    assert "n = " in ax.get_title()
    assert "accuracy" in ax.get_title()


@pytest.mark.parametrize("normalize", NORMALIZE)
@pytest.mark.parametrize("size", SIZES)
def test_image_holds_the_values(picture: Picture, size: int, normalize: str | None) -> None:
    cm, display = picture(size, normalize)
    ax = display.ax
    expected = _expected(cm, normalize)
    drawn = _image_values(ax)
    off_zero = (expected == 0) & ~np.eye(size, dtype=bool)
    np.testing.assert_array_equal(np.isnan(drawn), np.isnan(expected) | off_zero)
    shown = ~np.isnan(drawn)
    np.testing.assert_allclose(drawn[shown], expected[shown])
    assert all(im.colorbar is not None for im in ax.images)  # one colour bar per colour map
    labels = [im.colorbar.ax.get_ylabel() for im in ax.images]
    assert labels[0].startswith("correct (diagonal)")
    assert labels[1].startswith("errors")
    assert [im.get_cmap().name for im in ax.images] == ["Blues", "confmat_errors"]


@pytest.mark.parametrize("normalize", NORMALIZE)
@pytest.mark.parametrize("size", [2, 10])
def test_every_defined_cell_is_annotated(
    picture: Picture, size: int, normalize: str | None
) -> None:
    cm, display = picture(size, normalize)
    expected = _expected(cm, normalize)
    texts = _texts(display.ax)
    assert set(texts) == {(i, j) for i, j in zip(*np.nonzero(~np.isnan(expected)), strict=True)}
    for (i, j), text in texts.items():
        value = expected[i, j]
        if value == 0:
            assert text == "0"
        elif normalize is None:
            assert text == str(int(value))
        else:
            assert text == ("<.01" if value < 0.005 else f"{value:.2f}")


@pytest.mark.parametrize("normalize", NORMALIZE)
def test_beyond_thirty_classes_only_notable_cells_are_annotated(
    picture: Picture, normalize: str | None
) -> None:
    size = 100
    cm, display = picture(size, normalize)
    expected = _expected(cm, normalize)
    texts = _texts(display.ax)
    diagonal = {(i, i) for i in range(size) if not np.isnan(expected[i, i])}
    assert diagonal <= set(texts)
    off = {cell for cell in texts if cell[0] != cell[1]}
    assert 0 < len(off) <= size
    smallest_shown = min(expected[cell] for cell in off)
    off_values = expected.copy()
    np.fill_diagonal(off_values, np.nan)
    larger = np.nansum(off_values > smallest_shown)
    assert larger < size  # the annotated errors are the largest ones
    assert all(expected[cell] > 0 for cell in off)


def test_percent_with_counts_adds_the_share_of_the_true_class(draw: Callable[..., Any]) -> None:
    cm = ConfusionMatrix([[50, 3], [4, 43]], ["healthy", "sick"])
    texts = _texts(draw(cm, percent=True).ax)
    assert texts == {(0, 0): "50\n94%", (0, 1): "3\n5.7%", (1, 0): "4\n8.5%", (1, 1): "43\n91%"}


def test_percent_with_normalize(draw: Callable[..., Any]) -> None:
    cm = ConfusionMatrix([[999, 1], [0, 0]], ["a", "b"])
    texts = _texts(draw(cm, normalize="true", percent=True).ax)
    assert texts == {(0, 0): "100%", (0, 1): "0.1%"}  # the row of b is undefined: blank


def test_undefined_cells_are_blank_and_hatched_not_zero(draw: Callable[..., Any]) -> None:
    cm = ConfusionMatrix([[5, 1, 0], [2, 3, 0], [0, 0, 0]], ["a", "b", "c"])
    ax = draw(cm, normalize="true").ax
    texts = _texts(ax)
    assert not any(row == 2 for row, _ in texts)  # the row of c (no samples) has no numbers
    assert np.isnan(_image_values(ax)[2]).all()
    hatched = [c for c in ax.collections if c.get_gid() == "undefined"]
    assert len(hatched) == 1
    assert hatched[0].get_hatch() == "////"
    assert len(hatched[0].get_paths()) == 1  # the whole row as one box


def test_weighted_counts_keep_their_decimals(draw: Callable[..., Any]) -> None:
    cm = ConfusionMatrix(torch.tensor([[2.5, 0.25], [1.0, 4.0]]))
    assert _texts(draw(cm).ax) == {(0, 0): "2.5", (0, 1): "0.25", (1, 0): "1", (1, 1): "4"}


def test_annotate_false_writes_no_numbers(draw: Callable[..., Any]) -> None:
    assert len(draw(ConfusionMatrix(_matrix(10)), annotate=False).ax.texts) == 0


def test_one_colour_map_outlines_the_diagonal(draw: Callable[..., Any]) -> None:
    cm = ConfusionMatrix(_matrix(10))
    ax = draw(cm, cmap="viridis").ax
    assert len(ax.images) == 1
    assert ax.images[0].get_cmap().name == "viridis"
    assert ax.images[0].colorbar is not None
    np.testing.assert_array_equal(ax.images[0].get_array().data, cm.counts.double().numpy())
    outlines = [c for c in ax.collections if c.get_gid() != "undefined"]
    assert len(outlines) == 1
    assert len(outlines[0].get_paths()) == 10


def test_draws_into_given_axes(draw: Callable[..., Any]) -> None:
    from matplotlib.figure import Figure

    given = Figure(figsize=(5, 4)).add_subplot()
    ax = draw(ConfusionMatrix([[3, 1], [0, 4]]), ax=given, title="mine").ax
    assert ax is given
    assert ax.get_title() == "mine"


def test_matrix_plot_delegates(draw: Callable[..., Any]) -> None:
    from matplotlib.axes import Axes

    cm = ConfusionMatrix([[3, 1], [0, 4]], ["no", "yes"])
    display = cm.plot(normalize="pred")
    ax = display.ax
    try:
        # cm.plot() returns what heatmap() returns: the display that keeps its artists
        assert isinstance(display, HeatmapDisplay)
        assert isinstance(ax, Axes)
        assert [t.get_text() for t in ax.get_yticklabels()] == ["no", "yes"]
        assert ax.get_title().startswith("Confusion matrix, normalized by predicted class")
    finally:
        figures.close(ax)


def test_a_title_with_control_characters_is_drawn_escaped(draw: Callable[..., Any]) -> None:
    cm = ConfusionMatrix([[3, 1], [0, 4]], ["no", "yes"])
    display = draw(cm, title="run \x1b[2J7\r\u202eok\x07\nvalidation")
    assert display.ax.get_title() == "run \\x1b[2J7\\r\\u202eok\\x07\nvalidation"
    plotted = cm.plot(title="\x1b]0;owned\x07")
    try:
        assert plotted.ax.get_title() == "\\x1b]0;owned\\x07"
    finally:
        figures.close(plotted)


@pytest.mark.parametrize("cmap", [None, "viridis"])
def test_display_keeps_its_artists(draw: Callable[..., Any], cmap: str | None) -> None:
    cm = ConfusionMatrix([[5, 1, 0], [2, 3, 0], [0, 0, 0]], ["a", "b", "c"])
    display = draw(cm, normalize="true", cmap=cmap)
    ax = display.ax
    assert display.figure is ax.figure
    assert display.images == tuple(ax.images)
    assert display.colorbars == tuple(im.colorbar for im in ax.images)
    assert display.texts == tuple(ax.texts)
    assert not hasattr(ax, "confmat_classes")  # nothing is stuck onto the axes
    assert not hasattr(ax, "confmat_order")


def test_figure_grows_with_the_classes(picture: Picture) -> None:
    axes = [picture(c, None)[1].ax for c in SIZES]
    widths = [figures.root_figure(ax).get_size_inches()[0] for ax in axes]
    assert widths == sorted(widths)
    assert widths[-1] > 2 * widths[0]
    fonts = [ax.xaxis.get_ticklabels()[0].get_fontsize() for ax in axes]
    assert fonts[0] >= fonts[-1] >= 4


# -- reorder and top ------------------------------------------------------------------------


def _blocks() -> ConfusionMatrix:
    """Classes 0-3-5 confuse each other, as do 1-4; 2 is confused with nothing."""
    counts = torch.diag(torch.full((6,), 50))
    for a, b, n in [(0, 3, 9), (3, 5, 8), (5, 0, 7), (1, 4, 9), (4, 1, 6)]:
        counts[a, b] = n
    return ConfusionMatrix(counts, ["zero", "one", "two", "three", "four", "five"])


def test_reorder_puts_confused_classes_side_by_side(draw: Callable[..., Any]) -> None:
    cm = _blocks()
    display = draw(cm, reorder=True)
    ax = display.ax
    order = list(display.order)
    assert sorted(order) == list(range(6))
    position = {c: order.index(c) for c in range(6)}
    assert abs(position[1] - position[4]) == 1
    assert max(position[c] for c in (0, 3, 5)) - min(position[c] for c in (0, 3, 5)) == 2
    assert [t.get_text() for t in ax.get_xticklabels()] == [cm.classes[i] for i in order]
    index = torch.tensor(order)
    expected = cm.counts[index][:, index].double().numpy()
    drawn = _image_values(ax)
    np.testing.assert_array_equal(np.nan_to_num(drawn), expected)
    assert "side by side" in ax.get_title()


def test_top_shows_the_most_confused_classes(draw: Callable[..., Any]) -> None:
    cm = _blocks()
    display = draw(cm, top=2)
    ax = display.ax
    assert list(display.order) == [0, 3]  # the largest confusion: zero -> three (9), first in order
    # was (2, 2): the classes left out are now summed in a last row and column (issue 12)
    assert _image_values(ax).shape == (3, 3)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["zero", "three", "(other)"]
    assert "the 2 most confused of 6 classes, the rest as (other)" in ax.get_title()


def test_the_other_sums_saturate_the_colour_scale_set_by_the_classes_shown(
    draw: Callable[..., Any],
) -> None:
    counts = torch.full((30, 30), 1, dtype=torch.int64) + torch.diag(torch.full((30,), 40))
    counts[0, 1] = 9  # the most confused pair, shown
    display = draw(ConfusionMatrix(counts), top=2)
    shown = _image_values(display.ax)[:2, :2]
    assert display.images[0].norm.vmax == np.nanmax(shown) == 41  # not the (other) cell: 28 * 41
    assert display.images[1].norm.vmax == 41


def test_top_normalizes_over_all_classes(draw: Callable[..., Any]) -> None:
    cm = _blocks()
    display = draw(cm, top=3, normalize="true")
    ax = display.ax
    rows = cm.normalized("true").numpy()
    order = list(display.order)
    drawn = np.nan_to_num(_image_values(ax))  # then the (other) row and column (issue 12)
    np.testing.assert_allclose(drawn[:3, :3], rows[np.ix_(order, order)], atol=0)
    np.testing.assert_allclose(drawn.sum(axis=1), 1.0, atol=1e-12)  # every share of a row kept


def test_top_and_reorder_at_100_classes(draw: Callable[..., Any]) -> None:
    cm = ConfusionMatrix(_matrix(100, seed=3))
    display = draw(cm, top=12, reorder=True)
    ax = display.ax
    assert sorted(display.order) == confusions.most_confused_classes(cm.counts, 12)
    assert len(ax.get_xticklabels()) == 13  # and (other), issue 12
    assert ax.get_xticklabels()[-1].get_text() == "(other)"
    assert len(ax.texts) >= 12  # twelve classes: every non-zero cell is annotated


# -- names ----------------------------------------------------------------------------------

HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    r"$\frac{1}{0}$ \undefinedcommand $",
    "line\nbreak\ttab",
    "",
    "=cmd|' /C calc'!A0",
    "x" * 300,
    "x" * 299 + "y",
    "名前 🐈",
]


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")  # DejaVu has no CJK, no emoji
def test_hostile_and_long_names_are_drawn_literally(
    draw: Callable[..., Any], tmp_path: Path
) -> None:
    cm = ConfusionMatrix(_matrix(len(HOSTILE)), HOSTILE)
    display = draw(cm, max_label_length=20)
    ax = display.ax
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "<script>alert(1)</script>"[:10] + "…" + "</script>"[-9:]
    assert labels[3] == "line break tab"
    assert labels[4] == "''"
    assert labels[6] != labels[7]  # shortened alike, then told apart by position
    assert all(len(label) <= 20 + len(" [99]") for label in labels)
    assert all(not t.get_parse_math() for t in ax.get_yticklabels() + ax.get_xticklabels())
    assert list(display.classes) == HOSTILE  # the full names are kept
    figures.save(ax, tmp_path / "hostile.png")  # no mathtext error while drawing
    svg = show_heatmap.heatmap_svg(cm)
    assert "<script" not in svg
    assert "onerror" not in svg
    assert "<img" not in svg


def test_hostile_title_is_not_mathtext(draw: Callable[..., Any], tmp_path: Path) -> None:
    display = draw(ConfusionMatrix([[1, 0], [0, 1]]), title=r"$\undefined{x}$")
    assert display.ax.get_title() == r"$\undefined{x}$"
    figures.save(display, tmp_path / "title.svg")


def test_shorten_labels() -> None:
    assert layout.shorten_labels(["abcdefghij", "short"], 6) == ["abc…ij", "short"]
    assert layout.shorten_labels(["a  b", "a b"], 10) == ["a b [0]", "a b [1]"]


# -- files ----------------------------------------------------------------------------------

MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "svg": b"<?xml", "pdf": b"%PDF-"}


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_save_by_extension(draw: Callable[..., Any], tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"heatmap.{fmt.upper() if fmt == 'pdf' else fmt}"
    display = draw(ConfusionMatrix(_matrix(3), _names(3)), normalize="true")
    figures.save(display.ax, path)
    data = path.read_bytes()
    assert data.startswith(MAGIC[fmt])
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left
    again = draw(ConfusionMatrix(_matrix(3), _names(3)), normalize="true")
    figures.save(again.figure, path)  # a figure works too, and the file is replaced
    assert path.read_bytes() == data  # no timestamps: the same matrix, the same bytes
    third = draw(ConfusionMatrix(_matrix(3), _names(3)), normalize="true")
    figures.save(third, path)  # and so does the display itself
    assert path.read_bytes() == data


@pytest.mark.parametrize("name", ["heatmap.jpg", "heatmap", "heatmap.png.txt"])
def test_save_refuses_other_extensions(draw: Callable[..., Any], tmp_path: Path, name: str) -> None:
    display = draw(ConfusionMatrix([[1, 0], [0, 1]]))
    with pytest.raises(OptionError, match=r"\.png, \.svg or \.pdf"):
        figures.save(display, tmp_path / name)
    assert list(tmp_path.iterdir()) == []


def test_heatmap_svg_is_an_svg_element() -> None:
    svg = show_heatmap.heatmap_svg(ConfusionMatrix(_matrix(3)), normalize="true")
    assert svg.startswith("<svg")
    assert svg.rstrip().endswith("</svg>")
    with pytest.raises(OptionError, match="ax="):
        show_heatmap.heatmap_svg(ConfusionMatrix(_matrix(2)), ax=None)


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"normalize": "rows"}, "normalize must be"),
        ({"top": 0}, "top must be a positive integer"),
        ({"top": 2.5}, "top must be a positive integer"),
        ({"cmap": 3}, "cmap must be"),
        ({"title": 3}, "title must be"),
        ({"max_label_length": 2}, "max_label_length must be at least 4"),
    ],
    ids=["normalize", "top-zero", "top-float", "cmap", "title", "label-length"],
)
def test_invalid_options(options: dict[str, Any], match: str) -> None:
    with pytest.raises(OptionError, match=match):
        show_heatmap.heatmap(ConfusionMatrix([[1, 0], [0, 1]]), **options)


def test_import_confmat_does_not_import_matplotlib() -> None:
    code = "import sys, confmat; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- the command line -----------------------------------------------------------------------


@pytest.fixture
def predictions(tmp_path: Path) -> Path:
    path = tmp_path / "p.csv"
    path.write_text("y_true,y_pred\ncat,dog\ndog,dog\ncat,cat\nfrog,cat\n")
    return path


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_cli_plot(predictions: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"cm.{fmt}"
    report = tmp_path / "report.txt"
    assert cli.main(["report", str(predictions), "--plot", str(out), "--output", str(report)]) == 0
    assert out.read_bytes().startswith(MAGIC[fmt])
    assert report.read_text().startswith("Confusion matrix report")


def test_cli_plot_bad_extension_writes_nothing(
    predictions: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "report.txt"
    status = cli.main(
        ["report", str(predictions), "--plot", str(tmp_path / "cm.jpg"), "--output", str(report)]
    )
    assert status == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "cm.jpg" in err
    assert ".png, .svg or .pdf" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.csv"]
