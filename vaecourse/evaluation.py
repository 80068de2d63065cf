"""Held-out numbers for a trained VAE, in nats per image: ELBO and importance-weighted log p(x)."""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp

from .data import to_unit_interval as _unit
from .losses import EPS, LOG_2PI, LOG_VAR_RANGE


def _condition(labels, start, stop):
    return None if labels is None else np.asarray(labels[start:stop])


def _call_encoder(vae, x, condition):
    if condition is None and not hasattr(vae, "encode"):
        return vae.encoder(x, training=False)  # any model with an encoder
    return vae.encode(x, condition, training=False)


def _call_decoder(vae, z, condition):
    if condition is None and not hasattr(vae, "decode"):
        return vae.decoder(z, training=False)
    return vae.decode(z, condition, training=False)


def _encode(vae, x, batch_size, labels=None):
    # at most batch_size images, fewer for a convolutional encoder (memory);
    # uint8 images (as stored) are scaled a batch at a time
    batch_size = min(batch_size, _decode_rows(vae.encoder))
    parts = [
        _call_encoder(
            vae,
            _unit(x[i : i + batch_size]),
            _condition(labels, i, i + batch_size),
        )
        for i in range(0, len(x), batch_size)
    ]
    mean = np.concatenate([np.asarray(m) for m, _ in parts])
    log_var = np.concatenate([np.asarray(v) for _, v in parts])
    return mean.astype(np.float64), np.clip(
        log_var.astype(np.float64), *LOG_VAR_RANGE
    )


def _log_bernoulli(x_flat, probs_flat, rows: int = 500):
    """log p(x|z) summed over pixels; float32 arithmetic, broadcast over the axes after the
    first. ``rows`` images at a time, so that the temporaries stay small."""
    x_all, p_all = (
        np.asarray(x_flat, np.float32),
        np.asarray(probs_flat, np.float32),
    )
    out = []
    for start in range(0, len(p_all), rows):
        p = np.clip(p_all[start : start + rows], EPS, 1.0 - EPS)
        x = x_all[start : start + rows]
        out.append(
            np.sum(
                x * np.log(p) + (1.0 - x) * np.log1p(-p),
                axis=-1,
                dtype=np.float64,
            )
        )
    return np.concatenate(out)


def _decode_rows(decoder, budget_bytes: float = 2e7) -> int:
    """How many latent points to decode (or images to encode, given an encoder) at once: as
    many as keep the network's widest layer output near ``budget_bytes`` (2,000 for a
    dense decoder, about 200 for chapter 4's convolutional one, whose 28×28×32 maps and
    their temporaries take ~0.3 MB per image: 500 at once raised a kernel's peak by
    150 MB, 200 by 70 MB, out of Binder's 1 GB)."""
    try:
        widest = max(
            int(np.prod(layer.output.shape[1:])) for layer in decoder.layers
        )
    except (
        AttributeError,
        ValueError,
    ):  # a layer without a known output shape
        return 500
    return int(np.clip(budget_bytes / (4 * widest), 100, 2000))


def _decode(vae, z, rows: int | None = None, labels=None):
    """Decoder outputs for latent points, ``rows`` at a time (by default
    :func:`_decode_rows`), called directly (no predict loop): the chunks bound the memory,
    whatever the caller's batch. A conditional VAE needs the ``labels`` of the points."""
    z = np.asarray(z, "float32")
    rows = rows or _decode_rows(vae.decoder)
    return np.concatenate(
        [
            np.asarray(
                _call_decoder(
                    vae, z[i : i + rows], _condition(labels, i, i + rows)
                )
            )
            for i in range(0, len(z), rows)
        ]
    )


def _log_gaussian_pixels(x_flat, means_flat, log_sigma: float, rows=500):
    """log N(x; means, σ²) summed over pixels, one σ for all of them."""
    x_all = np.asarray(x_flat, np.float32)
    m_all = np.asarray(means_flat, np.float32)
    n_pixels = m_all.shape[-1]
    out = []
    for start in range(0, len(m_all), rows):
        m, x = m_all[start : start + rows], x_all[start : start + rows]
        squared = np.sum((x - m) ** 2, axis=-1, dtype=np.float64)
        out.append(
            -0.5 * squared * np.exp(-2.0 * log_sigma)
            - n_pixels * (log_sigma + 0.5 * LOG_2PI)
        )
    return np.concatenate(out)


def _log_likelihood(vae, x_flat, outputs_flat):
    """log p(x|z) summed over pixels, with the VAE's pixel model (Bernoulli by default)."""
    if getattr(vae, "likelihood", "bernoulli") == "bernoulli":
        return _log_bernoulli(x_flat, outputs_flat)
    log_sigma = float(np.asarray(vae.pixel_log_sigma()))
    return _log_gaussian_pixels(x_flat, outputs_flat, log_sigma)


def _log_normal(z, mean, log_var):
    return -0.5 * np.sum(
        LOG_2PI + log_var + (z - mean) ** 2 / np.exp(log_var), axis=-1
    )


def _decoded_log_likelihood(vae, z, x_flat, labels=None):
    """log p(x|z) of each image ``x_flat[i]`` under the decoding of ``z[i]``, chunk by chunk
    (:func:`_decode_rows`): each decoded chunk is scored at once, so that the decoded images
    (31 MB for the 10,000 test images, twice while they are joined) are never held whole."""
    rows = _decode_rows(vae.decoder)
    out = []
    for i in range(0, len(z), rows):
        decoded = _decode(
            vae, z[i : i + rows], rows, _condition(labels, i, i + rows)
        )
        out.append(
            _log_likelihood(
                vae, x_flat[i : i + rows], decoded.reshape(len(decoded), -1)
            )
        )
    return np.concatenate(out)


def elbo_terms(
    vae,
    x,
    batch_size: int = 1000,
    seed: int = 0,
    samples: int = 1,
    labels=None,
):
    """Per-image (reconstruction, kl), the reconstruction term averaged over ``samples``
    seeded draws z ~ q(z|x) per image.

    ``reconstruction`` is −log p(x|z) and ``kl`` is KL(q(z|x) ‖ N(0, I)) in closed form; their
    sum is the negative ELBO of each image. More samples make the estimate less noisy, not
    different in expectation. A conditional VAE needs the images' ``labels``.
    """
    if samples < 1:
        raise ValueError(
            f"samples={samples}: at least one draw z ~ q(z|x) per image is needed."
        )
    rng = np.random.default_rng(seed)
    mean, log_var = _encode(vae, x, batch_size, labels)
    x_flat = np.asarray(x, np.float32).reshape(len(x), -1)
    reconstruction = np.zeros(len(x))
    for _ in range(samples):
        z = mean + np.exp(0.5 * log_var) * rng.standard_normal(mean.shape)
        reconstruction -= (
            _decoded_log_likelihood(vae, z, x_flat, labels) / samples
        )
    kl = 0.5 * np.sum(np.exp(log_var) + mean**2 - 1.0 - log_var, axis=-1)
    return reconstruction, kl


def _log_weight_batches(vae, x, encoded, k, batch_size, seed, labels):
    """For each batch of ``batch_size`` images: its slice of ``x``, and per image and draw
    z ~ q(z|x), shape ``(images, k)``, log p(x|z), log p(z) and log q(z|x). ``encoded``
    is :func:`_encode`'s ``(mean, log_var)`` of ``x``. The draws come from one seeded
    stream, image by image, whatever ``batch_size``."""
    rng = np.random.default_rng(seed)
    mean, log_var = encoded
    x_flat = np.asarray(x, np.float32).reshape(len(x), -1)
    for start in range(0, len(x), batch_size):
        sl = slice(start, start + batch_size)
        m, lv, xb = mean[sl], log_var[sl], x_flat[sl]
        z = m[:, None, :] + np.exp(0.5 * lv)[
            :, None, :
        ] * rng.standard_normal((len(m), k, m.shape[1]))
        repeated = None if labels is None else np.repeat(labels[sl], k)
        probs = _decode(
            vae, z.reshape(-1, m.shape[1]), labels=repeated
        ).reshape(len(m), k, -1)
        log_px_z = _log_likelihood(
            vae, np.broadcast_to(xb[:, None, :], probs.shape), probs
        )
        log_pz = -0.5 * np.sum(LOG_2PI + z**2, axis=-1)
        log_qz = _log_normal(z, m[:, None, :], lv[:, None, :])
        yield sl, log_px_z, log_pz, log_qz


def _check_k(k):
    if k < 1:
        raise ValueError(
            f"k={k}: the number of importance samples must be at least 1."
        )


def log_weight_terms(
    vae, x, k: int = 100, seed: int = 0, labels=None, encoded=None
):
    """``(log_px_z, log_pz, log_qz)``, each of shape ``(n, k)``: for ``k`` draws
    z ~ q(z|x) per image, log p(x|z), log p(z) and log q(z|x). Their sum
    ``log_px_z + log_pz - log_qz`` is the log importance weight of each draw; its
    log-mean-exp over the draws is the bound of :func:`importance_weighted_log_px`, which
    makes the same draws for the same ``k`` and ``seed``. A conditional VAE needs the
    images' ``labels``. ``encoded``: :func:`_encode`'s ``(mean, log_var)`` of ``x``, when
    the caller has them (a convolutional encoder takes seconds on the test set)."""
    _check_k(k)
    if encoded is None:
        encoded = _encode(vae, x, 1000, labels)
    terms = [np.empty((len(x), k)) for _ in range(3)]
    for sl, *batch in _log_weight_batches(
        vae, x, encoded, k, max(1, 2000 // k), seed, labels
    ):
        for term, part in zip(terms, batch):
            term[sl] = part
    return tuple(terms)


def importance_weighted_log_px(
    vae,
    x,
    k: int = 100,
    batch_size: int | None = None,
    seed: int = 0,
    labels=None,
):
    """Per-image importance-weighted bound L_k ≤ log p(x), with ``k`` samples from q(z|x).

    log p(x) ≈ log (1/k) Σ_i p(x|z_i) p(z_i) / q(z_i|x), z_i ~ q(z|x). It is a lower bound
    on log p(x) that tightens as k grows; k = 1 gives the ELBO (in expectation).
    ``batch_size`` images are handled together (``batch_size * k`` latent points, by default
    about 2,000); :func:`_decode` splits their decoding into chunks that bound the memory.
    For a conditional VAE (with ``labels``) the bound is on log p(x | y).
    """
    _check_k(k)
    if batch_size is None:
        batch_size = max(1, 2000 // k)
    encoded = _encode(vae, x, 1000, labels)
    out = np.empty(len(x))
    for sl, log_px_z, log_pz, log_qz in _log_weight_batches(
        vae, x, encoded, k, batch_size, seed, labels
    ):
        out[sl] = logsumexp(log_px_z + log_pz - log_qz, axis=1) - np.log(k)
    return out


def evaluate_vae(vae, x, k: int = 100, seed: int = 0) -> dict[str, float]:
    """Mean test figures in nats per image: −ELBO, its two terms, and the IW bound −L_k ≥ −log p(x)."""
    reconstruction, kl = elbo_terms(vae, x, seed=seed)
    iw = importance_weighted_log_px(vae, x, k=k, seed=seed)
    return {
        "neg_elbo": float(np.mean(reconstruction + kl)),
        "reconstruction": float(np.mean(reconstruction)),
        "kl": float(np.mean(kl)),
        "neg_log_px_iw": float(-np.mean(iw)),
        "iw_samples": int(k),
        "n_images": int(len(x)),
    }


def active_units(means, threshold: float = 0.01):
    """Which latent dimensions are *active*, by the test of Burda et al. (2016).

    ``means`` holds the posterior means E_q[z | x] of n images, shape ``(n, latent_dim)``.
    The activity of dimension j is the variance over the images of its mean,
    A_j = Var_x(E_q[z_j | x]); the dimension is active when A_j > ``threshold`` (0.01 in the
    paper). Returns a boolean array of shape ``(latent_dim,)``; ``.sum()`` counts the active
    units. A dimension whose mean does not move from image to image tells the decoder
    nothing about the image, whatever its posterior variance.
    """
    means = np.asarray(means, np.float64)
    if means.ndim != 2 or len(means) < 2:
        raise ValueError(
            f"means of shape {means.shape}: pass the (n, latent_dim) posterior "
            "means of at least two images."
        )
    return means.var(axis=0) > threshold


def predict_in_batches(model, x, batch_size: int = 32):
    """``model.predict(x, verbose=0)``, the same numbers bit for bit (the same batches of
    ``batch_size`` through the same predict function), in less memory: ``predict`` given
    10,000 MNIST images at once copies them into a TensorFlow dataset and keeps about 60 MB
    more after it returns; Binder gives the kernel 1 GB. Each batch goes through
    ``predict_on_batch`` into arrays made once. A model with several outputs gives a list
    of arrays, as ``predict`` does."""
    outputs, several = None, False
    for start in range(0, len(x), batch_size):
        batch = model.predict_on_batch(x[start : start + batch_size])
        several = isinstance(batch, (list, tuple))
        parts = [np.asarray(part) for part in (batch if several else [batch])]
        if outputs is None:
            outputs = [
                np.empty((len(x), *part.shape[1:]), part.dtype)
                for part in parts
            ]
        for output, part in zip(outputs, parts):
            output[start : start + len(part)] = part
    return outputs if several else outputs[0]


def by_rows(function, *arrays, rows: int = 1000):
    """``function(*arrays)`` for a function that gives one value per row (per image),
    ``rows`` rows of the arrays at a time, joined: the same values, with temporaries a tenth
    the size for 10,000 images (31 MB each as float32; Binder gives the kernel 1 GB)."""
    if len(arrays[0]) <= rows:
        return function(*arrays)
    return np.concatenate(
        [
            np.asarray(function(*(array[i : i + rows] for array in arrays)))
            for i in range(0, len(arrays[0]), rows)
        ]
    )
