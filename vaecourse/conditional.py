"""Plumbing for chapter 9 (the conditional VAE): the style measurements it shares with
chapter 5, a table of what each latent dimension holds, and a conditional decoder turned
into a plain one for a fixed class.

:func:`digit_properties` holds the measurements of ink, slant and width that chapter 5
shows and uses ("What does each latent dimension control?") and chapter 9 uses too;
:func:`name_dimension` names a dimension as chapter 5 does in its own cells.
"""

from __future__ import annotations

import keras
import numpy as np
import pandas as pd

ROWS, COLS = np.mgrid[0:28, 0:28]
#: The pixel properties chapter 5 measures, in its order.
PROPERTIES = ("ink", "slant", "width")


def digit_properties(images) -> dict[str, np.ndarray]:
    """Ink, slant and width of each of ``n`` images of 28×28 pixels (any
    layout that holds 784 values per image), as chapter 5 defines them.

    * ink: the sum of the pixel intensities (grows with stroke thickness
      and size);
    * slant: the intensity-weighted slope of the column position against
      the row position, positive when the top leans to the right;
    * width: the intensity-weighted spread (standard deviation) of the
      column positions.

    ``ROWS`` and ``COLS`` hold each pixel's row and column index,
    ``np.mgrid[0:28, 0:28]``.
    """
    x = np.asarray(images, "float64").reshape(len(images), 28, 28)
    ink = x.sum(axis=(1, 2))
    w = x / np.maximum(ink, 1e-12)[:, None, None]
    row_mean = (w * ROWS).sum(axis=(1, 2))
    col_mean = (w * COLS).sum(axis=(1, 2))
    d_row = ROWS[None] - row_mean[:, None, None]
    d_col = COLS[None] - col_mean[:, None, None]
    # Rows grow downwards: a digit leaning right has its columns *decrease*
    # as the row grows, hence the minus sign.
    covariance = (w * d_row * d_col).sum(axis=(1, 2))
    slant = -covariance / (w * d_row**2).sum(axis=(1, 2))
    width = np.sqrt((w * d_col**2).sum(axis=(1, 2)))
    return {"ink": ink, "slant": slant, "width": width}


def _corr(a, b) -> float:
    """Pearson's correlation; 0 when either side does not vary."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if a.std() == 0 or b.std() == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def latent_usage(
    means, log_vars, labels, images, classes=(1, 8), threshold: float = 0.01
) -> pd.DataFrame:
    """One row per latent dimension: what chapter 5 measures for its 1-and-8 VAE.

    ``means`` and ``log_vars`` are the posterior parameters of the ``images`` (shape
    ``(n, latent_dim)``), ``labels`` their classes (two of them, ``classes``). Columns:

    * ``activity``: Var_x of the posterior mean (Burda et al.'s test), and ``active``,
      whether it exceeds ``threshold``;
    * ``average KL``: the dimension's KL term averaged over the images, in nats;
    * ``class``: the correlation of the posterior mean with the class (positive when
      ``classes[1]`` has larger values);
    * ``ink``, ``slant``, ``width``: the correlation with each property *within* each
      class, the absolute values averaged over the two classes (chapter 5's score for a
      name).
    """
    means = np.asarray(means, np.float64)
    log_vars = np.asarray(log_vars, np.float64)
    labels = np.asarray(labels)
    props = digit_properties(images)
    activity = means.var(axis=0)
    kl = 0.5 * (np.exp(log_vars) + means**2 - 1.0 - log_vars)
    second = (labels == classes[1]).astype(float)
    rows = {}
    for j in range(means.shape[1]):
        row = {
            "activity": activity[j],
            "active": bool(activity[j] > threshold),
            "average KL": kl[:, j].mean(),
            "class": _corr(means[:, j], second),
        }
        for prop in PROPERTIES:
            within = [
                abs(_corr(means[labels == c, j], props[prop][labels == c]))
                for c in classes
            ]
            row[prop] = float(np.mean(within))
        rows[f"dim {j}"] = row
    return pd.DataFrame(rows).T.astype(
        {"active": bool, "activity": float, "average KL": float}
    )


def name_dimension(row) -> str:
    """Chapter 5's name for a dimension: ``"inactive"``, or the class or the property
    with the strongest correlation (a row of :func:`latent_usage`)."""
    if not row["active"]:
        return "inactive"
    scores = {"class": abs(row["class"])}
    scores.update({prop: row[prop] for prop in PROPERTIES})
    return max(scores, key=scores.get)


def class_decoder(decoder, label: int) -> keras.Model:
    """The conditional ``decoder`` (inputs ``[z, one_hot]``) with its class fixed: a plain
    decoder of ``z`` alone.

    The decoder's first layer after the concatenation is a Dense layer, whose output is
    ``W_z z + W_c onehot + b``. A one-hot vector picks one row of ``W_c``: for class
    ``label`` the layer is a Dense layer of ``z`` with the bias ``b + W_c[label]``. The
    returned model has that layer, then the decoder's own later layers (shared, not
    copied). Its output equals ``decoder([z, one_hot(label)])``.
    """
    z_input, label_input = decoder.inputs
    latent_dim = int(z_input.shape[-1])
    n_classes = int(label_input.shape[-1])
    if not 0 <= int(label) < n_classes:
        raise ValueError(
            f"label={label}: the decoder has {n_classes} classes, 0 to "
            f"{n_classes - 1}."
        )
    chain = [
        layer
        for layer in decoder.layers
        if not isinstance(layer, keras.layers.InputLayer)
    ]
    if not (
        isinstance(chain[0], keras.layers.Concatenate)
        and isinstance(chain[1], keras.layers.Dense)
    ):
        raise ValueError(
            f"{decoder.name}: expected a Concatenate layer then a Dense layer, "
            f"got {[type(layer).__name__ for layer in chain[:2]]}."
        )
    first = chain[1]
    kernel, bias = (np.asarray(w) for w in first.get_weights())
    z = keras.Input(shape=(latent_dim,), name="z")
    dense = keras.layers.Dense(
        first.units,
        activation=first.activation,
        name=f"{first.name}_class_{int(label)}",
    )
    h = dense(z)
    dense.set_weights(
        [kernel[:latent_dim], bias + kernel[latent_dim + label]]
    )
    for layer in chain[2:]:
        h = layer(h)
    return keras.Model(z, h, name=f"{decoder.name}_class_{int(label)}")
