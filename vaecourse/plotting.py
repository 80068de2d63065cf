"""Figures that recur across chapters: image rows, latent scatters, decoded grids, curves.

Per-digit colours come from seaborn's colour-blind-safe palette; every plot gets axis
labels and a title.

Importing this module also sets the course's figure style (:data:`COURSE_STYLE`): figures are
drawn for the page's text column, at most :data:`MAX_WIDTH_PX` pixels wide so the page shows
them at least at 75 % of their size, with no text smaller than :data:`MIN_FONT_PX` pixels at
that size. In a notebook, every figure is checked as it is displayed
(:func:`check_figure`): one that breaks the rule prints what to change, and the PNG carries
the measurements (``tests/test_site.py`` reads them from the built site).
"""

from __future__ import annotations

import io
import math
import sys
import warnings

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.text import Text

#: Pixels per inch of every figure: a figure ``w`` inches wide is ``100 w`` pixels.
DPI = 100
#: The page's column shows images up to 676 px wide at 1280 px: a figure of at most 900 px
#: is shown at 75 % of its size or more.
MAX_WIDTH_PX = 900
#: The smallest text a figure may hold, in pixels at its natural size (9 pt at 100 dpi).
MIN_FONT_PX = 12
#: Key of the PNG text chunk that records a figure's check (width, smallest text).
PNG_KEY = "vaecourse-figure"
#: The smallest text a reader should meet as the page shows a figure, in CSS pixels: on a
#: narrow screen a figure is shown at least this much of its size, ``PHONE_MIN_FONT_PX /
#: min_font_px`` (at most 75 %), and scrolls sideways in its box (_ext/figure_zoom.py).
PHONE_MIN_FONT_PX = 9

COURSE_STYLE = {
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "figure.figsize": (6.4, 4.0),
    "font.size": 11,
    "axes.titlesize": 12,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.title_fontsize": 10,
    "figure.titlesize": 13,
    # Plain tick labels: 0.0001 to 100000 without an offset or scientific notation.
    "axes.formatter.limits": (-5, 6),
    "axes.formatter.useoffset": False,
}


class FigureStyleWarning(UserWarning):
    """A figure is too wide for the page, or holds text too small to read there."""


def _visible_texts(fig):
    for text in fig.findobj(Text):
        if text.get_visible() and text.get_text().strip():
            yield text


def check_figure(fig: Figure, width_px: int | None = None) -> dict:
    """Measure ``fig`` as the page shows it: its width in pixels and its smallest text.

    ``width_px`` is the width of the PNG as saved (with a tight bounding box); without it,
    the figure's own width. Returns the measurements and the problems found (``"problems"``:
    a list of sentences saying what to change, empty when the figure is fine).
    """
    if width_px is None:
        width_px = round(fig.get_figwidth() * fig.dpi)
    sizes = [t.get_fontsize() * fig.dpi / 72 for t in _visible_texts(fig)]
    smallest = min(sizes, default=float("inf"))
    problems = []
    if width_px > MAX_WIDTH_PX:
        problems.append(
            f"the figure is {width_px} px wide, more than {MAX_WIDTH_PX}: the page "
            f"would shrink it and its text. Give it figsize=(w, h) with w at most "
            f"{MAX_WIDTH_PX / DPI:g} inches, or stack its panels in rows."
        )
    if smallest < MIN_FONT_PX - 0.05:
        small = sorted(
            {
                t.get_text().strip()[:20]
                for t in _visible_texts(fig)
                if t.get_fontsize() * fig.dpi / 72 < MIN_FONT_PX - 0.05
            }
        )[:5]
        problems.append(
            f"text of {smallest:.1f} px (for example {small}) is smaller than "
            f"{MIN_FONT_PX} px: give it a fontsize of at least "
            f"{math.ceil(MIN_FONT_PX * 72 / DPI)} points."
        )
    return {
        "width_px": int(width_px),
        "min_font_px": round(smallest, 1) if sizes else None,
        "problems": problems,
    }


def figure_png(fig: Figure) -> bytes:
    """The PNG the notebook shows for ``fig``, checked, with the check in its metadata.

    A figure that breaks the page's rules is still shown; a :class:`FigureStyleWarning`
    says what to change.
    """
    import json

    from PIL import Image

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight")
    image = Image.open(io.BytesIO(buffer.getvalue()))
    report = check_figure(fig, width_px=image.width)
    for problem in report["problems"]:
        title = fig.texts[0].get_text() if fig.texts else ""
        title = title or next(
            (a.get_title() for a in fig.axes if a.get_title()), ""
        )
        warnings.warn(
            f"Figure {title!r}: {problem}", FigureStyleWarning, stacklevel=2
        )
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text(PNG_KEY, json.dumps(report))
    out = io.BytesIO()
    # No alpha channel: the figures are opaque. A figure of at most 256 colours (a grid
    # of grey digits) is stored exactly with a palette, lighter still.
    image = image.convert("RGB")
    if image.getcolors(256) is not None:
        image = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    image.save(out, format="png", pnginfo=info, optimize=True)
    return out.getvalue()


def use_course_style() -> None:
    """Set :data:`COURSE_STYLE`; in IPython, show every figure with :func:`figure_png`."""
    matplotlib.rcParams.update(COURSE_STYLE)
    shell = (
        sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    )
    if shell is not None and hasattr(shell, "display_formatter"):
        # Load the backend now: the inline backend, loaded with the first
        # figure, installs its own PNG formatter over this one.
        plt.switch_backend(matplotlib.get_backend())
        matplotlib.rcParams.update(COURSE_STYLE)
        png = shell.display_formatter.formatters["image/png"]
        png.for_type(Figure, figure_png)


use_course_style()

DIGIT_COLOURS = sns.color_palette("colorblind", 10)


def _as_images(x):
    x = np.asarray(x)
    return x.reshape(len(x), 28, 28)


def plot_image_rows(rows, row_titles, title=None, n=10, scale=1.1):
    """One row of ``n`` images per entry of ``rows`` (each an array of images)."""
    fig, axes = plt.subplots(
        len(rows), n, figsize=(n * scale, len(rows) * scale + 0.4)
    )
    axes = np.atleast_2d(axes)
    for r, (images, label) in enumerate(zip(rows, row_titles)):
        images = _as_images(images)
        for c in range(n):
            ax = axes[r, c]
            ax.imshow(images[c], cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(
                    label, rotation=0, ha="right", va="center", fontsize=10
                )
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_latent(
    codes, labels, ax=None, title="Test images in the latent space", s=3
):
    """Scatter 2-D codes coloured by digit, with a legend of the ten digits."""
    codes = np.asarray(codes)
    if codes.ndim != 2 or codes.shape[1] < 2:
        raise ValueError(
            f"plot_latent needs codes of shape (n, 2) or wider, got {codes.shape}."
        )
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 5.5))
    for digit in range(10):
        keep = np.asarray(labels) == digit
        if keep.any():
            ax.scatter(
                codes[keep, 0],
                codes[keep, 1],
                s=s,
                color=DIGIT_COLOURS[digit],
                label=str(digit),
                alpha=0.7,
                rasterized=True,
            )
    ax.set_xlabel("latent dimension 1")
    ax.set_ylabel("latent dimension 2")
    ax.set_title(title)
    ax.legend(
        title="digit",
        markerscale=4,
        loc="center left",
        bbox_to_anchor=(1.0, 0.5),
    )
    return ax


def decode_grid(decoder, xs, ys, fixed=None, dims=(0, 1), batch_size=1024):
    """Decode every point of the grid ``xs`` × ``ys`` in one batched call: a mosaic image.

    Rows go from the largest ``ys`` (top) to the smallest, like a plot's y axis. For a latent
    space wider than 2-D, ``fixed`` gives the other coordinates and ``dims`` the two varied.
    """
    xs, ys = np.asarray(xs, "float32"), np.asarray(ys, "float32")
    latent_dim = int(decoder.inputs[0].shape[-1])
    base = (
        np.zeros(latent_dim, "float32")
        if fixed is None
        else np.asarray(fixed, "float32")
    )
    gx, gy = np.meshgrid(xs, ys[::-1])
    z = np.tile(base, (gx.size, 1))
    z[:, dims[0]], z[:, dims[1]] = gx.ravel(), gy.ravel()
    images = decoder.predict(z, batch_size=batch_size, verbose=0).reshape(
        len(ys), len(xs), 28, 28
    )
    return images.transpose(0, 2, 1, 3).reshape(len(ys) * 28, len(xs) * 28)


def _tick_label(value) -> str:
    """Two significant digits, and no exponent from 100 up: -118.5 → "-118"."""
    text = f"{value:.2g}"
    return f"{value:.0f}" if "e" in text and abs(value) >= 1 else text


def plot_mosaic(
    mosaic,
    xs,
    ys,
    ax=None,
    title="Decoded grid",
    xlabel="latent dimension 1",
    ylabel="latent dimension 2",
):
    """Show a :func:`decode_grid` mosaic with the grid coordinates on its axes."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 7))
    ax.imshow(
        mosaic,
        cmap="gray_r",
        vmin=0,
        vmax=1,
        extent=(-0.5, len(xs) - 0.5, -0.5, len(ys) - 0.5),
    )
    step = max(1, len(xs) // 5)
    ax.set_xticks(
        range(0, len(xs), step),
        [_tick_label(v) for v in np.asarray(xs)[::step]],
    )
    ax.set_yticks(
        range(0, len(ys), step),
        [_tick_label(v) for v in np.asarray(ys)[::step]],
    )
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    return ax


def plot_history(
    history,
    keys=("loss",),
    ax=None,
    title="Training",
    ylabel="loss (nats per image)",
):
    """Per-epoch curves from a Keras history dict (validation curves dashed when present)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    for key in keys:
        values = history[key]
        (line,) = ax.plot(
            range(1, len(values) + 1),
            values,
            marker=".",
            label=f"{key} (training)",
        )
        if f"val_{key}" in history:
            ax.plot(
                range(1, len(values) + 1),
                history[f"val_{key}"],
                linestyle="--",
                color=line.get_color(),
                label=f"{key} (validation)",
            )
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend()
    return ax
