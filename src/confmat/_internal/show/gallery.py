"""Pictures of evaluated samples: a matplotlib grid and PNG data URIs for reports.

Presentation only; matplotlib is imported inside the functions that draw. An image is a
numpy array ``(H, W)`` (gray) or ``(H, W, 3|4)`` (RGB, RGBA) with values in ``[0, 1]``
(float) or ``[0, 255]`` (uint8).
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import torch

from confmat._internal.show.figures import new_figure
from confmat.exceptions import ShapeError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from confmat._internal.stream.reservoir import Sample

IMAGE_KEYS = ("image", "img", "pixel_values", "input", "inputs", "x")
"""Keys searched, in this order, for the image of a dataset item that is a dict."""

_CHANNELS = (1, 3, 4)
_MIN_PIXELS = 64
"""Small images are enlarged (nearest neighbour) to at least this many pixels a side."""

THUMBNAIL_SIDE = 64
"""A report's thumbnails are shrunk (block means) to at most this many pixels a side."""


def caption(sample: Sample) -> str:
    """``"true -> predicted (confidence)"``.

    Examples:
        >>> from confmat._internal.stream.reservoir import Sample
        >>> caption(Sample(index=3, true="7", pred="1", confidence=0.912, loss=2.9))
        '7 -> 1 (0.91)'
    """
    return f"{sample.true} -> {sample.pred} ({sample.confidence:.2f})"


def images(
    samples: Sequence[Sample],
    dataset: Any,
    to_image: Callable[[Any], Any] | None = None,
    denormalize: Callable[[torch.Tensor], torch.Tensor] | None = None,
) -> list[np.ndarray]:
    """The image of each sample, read from ``dataset[sample.index]`` (see :func:`as_image`).

    Examples:
        >>> from confmat._internal.stream.reservoir import Sample
        >>> dataset = [(torch.zeros(3, 4, 4), 0), (torch.ones(3, 4, 4), 1)]
        >>> [image.shape for image in images([Sample(1, "1", "0", 0.9, 2.3)], dataset)]
        [(4, 4, 3)]
    """
    return [as_image(dataset[s.index], to_image, denormalize) for s in samples]


def as_image(
    item: Any,
    to_image: Callable[[Any], Any] | None = None,
    denormalize: Callable[[torch.Tensor], torch.Tensor] | None = None,
) -> np.ndarray:
    """A dataset item as an image array ``(H, W)`` or ``(H, W, C)``.

    The input is ``to_image(item)``, else the item itself, its first element (a tuple or
    list) or its entry under one of :data:`IMAGE_KEYS` (a dict). Tensors in CHW or HWC layout,
    gray or RGB(A), and flat vectors of a square number of pixels are accepted. Float values
    outside ``[0, 1]`` are rescaled to it (per image, min to max).

    Examples:
        >>> as_image((torch.zeros(3, 4, 5), 1)).shape
        (4, 5, 3)
        >>> as_image(torch.arange(64.0)).shape
        (8, 8)
    """
    picture = to_image(item) if to_image is not None else _input_of(item)
    if isinstance(picture, torch.Tensor):
        tensor = picture.detach().cpu()
    else:
        tensor = torch.as_tensor(np.asarray(picture))
    if denormalize is not None:
        tensor = denormalize(tensor)
    return _scaled(_hwc(tensor).numpy())


def _input_of(item: Any) -> Any:
    if isinstance(item, (tuple, list)) and item:
        return item[0]
    if isinstance(item, Mapping):
        for key in IMAGE_KEYS:
            if key in item:
                return item[key]
        raise ShapeError(
            f"a dataset item that is a dict needs its image under one of {list(IMAGE_KEYS)} "
            f"(or pass to_image=), got keys {list(item)[:10]}"
        )
    return item


def _hwc(tensor: torch.Tensor) -> torch.Tensor:
    """CHW, HWC, HW or flat square -> HW or HWC (ambiguous ``(3, 4, 4)`` is read as CHW)."""
    t = tensor.detach()
    channels_first = t.ndim == 3 and t.shape[0] in _CHANNELS
    if channels_first and (t.shape[-1] not in _CHANNELS or t.shape[0] < t.shape[-1]):
        t = t.permute(1, 2, 0)
    if t.ndim == 3 and t.shape[-1] == 1:
        t = t[..., 0]
    if t.ndim == 1 and math.isqrt(t.shape[0]) ** 2 == t.shape[0]:
        side = math.isqrt(t.shape[0])
        t = t.reshape(side, side)
    if t.ndim == 2 or (t.ndim == 3 and t.shape[-1] in (3, 4)):
        return t
    raise ShapeError(
        "an image must be (H, W), (C, H, W) or (H, W, C) with C in 1, 3, 4, or a flat square "
        f"vector (pass to_image=), got shape {tuple(tensor.shape)}"
    )


def _scaled(array: np.ndarray) -> np.ndarray:
    if array.dtype == np.uint8:
        return array
    values = array.astype(np.float32)
    low, high = float(values.min(initial=0.0)), float(values.max(initial=0.0))
    if low >= 0.0 and high <= 1.0:
        return values
    if high > low:
        return (values - low) / (high - low)
    return np.zeros_like(values)


def grid(
    pictures: Sequence[np.ndarray], titles: Sequence[str], *, ncols: int | None = None
) -> Figure:
    """A figure with one titled, axis-free image per cell.

    Examples:
        >>> fig = grid([np.zeros((8, 8))] * 3, ["a -> b (0.90)"] * 3)
        >>> sum(len(ax.images) for ax in fig.axes), fig.axes[0].get_title()
        (3, 'a -> b (0.90)')
    """
    count = len(pictures)
    cols = ncols if ncols is not None else max(1, math.ceil(math.sqrt(count)))
    rows = max(1, math.ceil(count / cols))
    figure = new_figure((1.9 * cols, 2.0 * rows))  # outside pyplot; shows itself in a notebook
    axes = figure.subplots(rows, cols, squeeze=False).reshape(-1)
    for ax in axes:
        ax.set_axis_off()
    for ax, picture, title in zip(axes, pictures, titles, strict=False):
        ax.imshow(picture, **_display_range(picture))
        ax.set_title(title, fontsize=9)
    if count == 0:
        axes[0].text(0.5, 0.5, "no misclassified samples", ha="center", va="center")
        return figure
    for ax in axes[count:]:
        figure.delaxes(ax)
    return figure


def png_data_uri(picture: np.ndarray) -> str:
    """The image as a ``data:image/png;base64,...`` URI, enlarged if small.

    Examples:
        >>> png_data_uri(np.zeros((8, 8)))[:22]
        'data:image/png;base64,'
    """
    from matplotlib.image import imsave

    factor = max(1, math.ceil(_MIN_PIXELS / max(1, min(picture.shape[:2]))))
    big = np.repeat(np.repeat(picture, factor, axis=0), factor, axis=1)
    buffer = io.BytesIO()
    imsave(buffer, big, format="png", **_display_range(big))
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def thumbnail_data_uri(picture: np.ndarray, max_side: int = THUMBNAIL_SIDE) -> str:
    """The image as a small PNG data URI: shrunk by block means to ``max_side``, never enlarged.

    The HTML report scales thumbnails up on screen, so a file stays small.

    Examples:
        >>> uri = thumbnail_data_uri(np.zeros((200, 100, 3)))
        >>> import base64, io
        >>> from PIL import Image
        >>> Image.open(io.BytesIO(base64.b64decode(uri.split(",")[1]))).size
        (25, 50)
    """
    from matplotlib.image import imsave

    factor = max(1, math.ceil(max(picture.shape[:2]) / max_side))
    small = _shrunk(picture, factor)
    buffer = io.BytesIO()
    imsave(buffer, small, format="png", **_display_range(small))
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _shrunk(picture: np.ndarray, factor: int) -> np.ndarray:
    """The mean of each ``factor x factor`` block (the ragged edge is cut off)."""
    if factor == 1:
        return picture
    height, width = picture.shape[0] // factor, picture.shape[1] // factor
    blocks = picture[: height * factor, : width * factor].astype(np.float32)
    means: np.ndarray = blocks.reshape(height, factor, width, factor, *picture.shape[2:]).mean(
        axis=(1, 3)
    )
    return means.round().astype(np.uint8) if picture.dtype == np.uint8 else means


def _display_range(picture: np.ndarray) -> dict[str, Any]:
    if picture.ndim == 3:
        return {}
    top = 255 if picture.dtype == np.uint8 else 1.0
    return {"cmap": "gray", "vmin": 0, "vmax": top}
