"""The shared figure helpers are readable: colour-blind-safe digit colours, and every plot
they draw has axis labels and a title."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import keras  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402

from vaecourse import plotting  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _labelled(ax):
    return (
        ax.get_xlabel().strip()
        and ax.get_ylabel().strip()
        and ax.get_title().strip()
    )


def test_digit_colours_are_seaborn_colorblind_and_distinct():
    assert len(plotting.DIGIT_COLOURS) == 10
    expected = sns.color_palette("colorblind", 10)
    for ours, safe in zip(plotting.DIGIT_COLOURS, expected):
        assert np.allclose(to_rgb(ours), to_rgb(safe))
    rgb = np.array([to_rgb(c) for c in plotting.DIGIT_COLOURS])
    gaps = np.linalg.norm(rgb[:, None] - rgb[None], axis=-1)[
        np.triu_indices(10, 1)
    ]
    assert gaps.min() > 0.1, "two digits share (almost) the same colour"


def test_plot_latent_uses_digit_colours_labels_title_and_legend():
    rng = np.random.default_rng(0)
    codes, labels = rng.normal(size=(200, 2)), np.arange(200) % 10
    ax = plotting.plot_latent(codes, labels, title="codes")
    assert _labelled(ax)
    legend = ax.get_legend()
    assert legend is not None and legend.get_title().get_text()
    assert [t.get_text() for t in legend.get_texts()] == [
        str(d) for d in range(10)
    ]
    for digit, collection in enumerate(ax.collections):
        assert np.allclose(
            collection.get_facecolor()[0][:3],
            to_rgb(plotting.DIGIT_COLOURS[digit]),
        )


def test_plot_latent_default_title_is_not_empty():
    ax = plotting.plot_latent(np.zeros((10, 2)), np.arange(10))
    assert _labelled(ax)


def test_plot_history_labels_and_title():
    ax = plotting.plot_history(
        {"loss": [3.0, 2.0, 1.5], "val_loss": [3.1, 2.2, 1.7]}
    )
    assert _labelled(ax)
    assert ax.get_legend() is not None


def test_plot_mosaic_labels_and_title():
    decoder = keras.Sequential(
        [keras.Input((2,)), keras.layers.Dense(784, activation="sigmoid")]
    )
    xs = ys = np.linspace(-2, 2, 4)
    mosaic = plotting.decode_grid(decoder, xs, ys)
    assert mosaic.shape == (4 * 28, 4 * 28)
    ax = plotting.plot_mosaic(mosaic, xs, ys, title="grid")
    assert _labelled(ax)


def test_plot_image_rows_titles_and_row_labels():
    rows = [np.zeros((10, 784)), np.ones((10, 28, 28))]
    fig = plotting.plot_image_rows(
        rows, ["original", "reconstructed"], title="Reconstructions"
    )
    assert (
        fig._suptitle is not None
        and fig._suptitle.get_text() == "Reconstructions"
    )
    first_column = [ax for ax in fig.axes if ax.get_ylabel()]
    assert [ax.get_ylabel() for ax in first_column] == [
        "original",
        "reconstructed",
    ]
