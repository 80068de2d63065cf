"""Figures that recur across chapters: image rows, latent scatters, decoded grids, curves.

Per-digit colours come from seaborn's colour-blind-safe palette; every plot gets axis
labels and a title.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns

DIGIT_COLOURS = sns.color_palette("colorblind", 10)


def _as_images(x):
    x = np.asarray(x)
    return x.reshape(len(x), 28, 28)


def plot_image_rows(rows, row_titles, title=None, n=10, scale=1.1):
    """One row of ``n`` images per entry of ``rows`` (each an array of images)."""
    fig, axes = plt.subplots(len(rows), n, figsize=(n * scale, len(rows) * scale + 0.4))
    axes = np.atleast_2d(axes)
    for r, (images, label) in enumerate(zip(rows, row_titles)):
        images = _as_images(images)
        for c in range(n):
            ax = axes[r, c]
            ax.imshow(images[c], cmap="gray_r", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if c == 0:
                ax.set_ylabel(label, rotation=0, ha="right", va="center", fontsize=10)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_latent(codes, labels, ax=None, title="Test images in the latent space", s=3):
    """Scatter 2-D codes coloured by digit, with a legend of the ten digits."""
    codes = np.asarray(codes)
    if codes.ndim != 2 or codes.shape[1] < 2:
        raise ValueError(f"plot_latent needs codes of shape (n, 2) or wider, got {codes.shape}.")
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 5.5))
    for digit in range(10):
        keep = np.asarray(labels) == digit
        if keep.any():
            ax.scatter(codes[keep, 0], codes[keep, 1], s=s, color=DIGIT_COLOURS[digit],
                       label=str(digit), alpha=0.7, rasterized=True)
    ax.set_xlabel("latent dimension 1")
    ax.set_ylabel("latent dimension 2")
    ax.set_title(title)
    ax.legend(title="digit", markerscale=4, loc="center left", bbox_to_anchor=(1.0, 0.5))
    return ax


def decode_grid(decoder, xs, ys, fixed=None, dims=(0, 1), batch_size=1024):
    """Decode every point of the grid ``xs`` × ``ys`` in one batched call: a mosaic image.

    Rows go from the largest ``ys`` (top) to the smallest, like a plot's y axis. For a latent
    space wider than 2-D, ``fixed`` gives the other coordinates and ``dims`` the two varied.
    """
    xs, ys = np.asarray(xs, "float32"), np.asarray(ys, "float32")
    latent_dim = int(decoder.inputs[0].shape[-1])
    base = np.zeros(latent_dim, "float32") if fixed is None else np.asarray(fixed, "float32")
    gx, gy = np.meshgrid(xs, ys[::-1])
    z = np.tile(base, (gx.size, 1))
    z[:, dims[0]], z[:, dims[1]] = gx.ravel(), gy.ravel()
    images = decoder.predict(z, batch_size=batch_size, verbose=0).reshape(len(ys), len(xs), 28, 28)
    return images.transpose(0, 2, 1, 3).reshape(len(ys) * 28, len(xs) * 28)


def plot_mosaic(mosaic, xs, ys, ax=None, title="Decoded grid", xlabel="latent dimension 1",
                ylabel="latent dimension 2"):
    """Show a :func:`decode_grid` mosaic with the grid coordinates on its axes."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 7))
    ax.imshow(mosaic, cmap="gray_r", vmin=0, vmax=1,
              extent=(-0.5, len(xs) - 0.5, -0.5, len(ys) - 0.5))
    step = max(1, len(xs) // 5)
    ax.set_xticks(range(0, len(xs), step), [f"{v:.2g}" for v in np.asarray(xs)[::step]])
    ax.set_yticks(range(0, len(ys), step), [f"{v:.2g}" for v in np.asarray(ys)[::step]])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    return ax


def plot_history(history, keys=("loss",), ax=None, title="Training", ylabel="loss (nats per image)"):
    """Per-epoch curves from a Keras history dict (validation curves dashed when present)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    for key in keys:
        values = history[key]
        line, = ax.plot(range(1, len(values) + 1), values, marker=".", label=f"{key} (training)")
        if f"val_{key}" in history:
            ax.plot(range(1, len(values) + 1), history[f"val_{key}"], linestyle="--",
                    color=line.get_color(), label=f"{key} (validation)")
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend()
    return ax
