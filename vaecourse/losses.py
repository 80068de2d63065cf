"""The two terms of the VAE loss, per example and in nats, written with ``keras.ops``.

Convention used throughout the course: the encoder outputs the mean ``mean`` and the
log-variance ``log_var = log σ²`` of a diagonal Gaussian q(z|x); the standard deviation
is ``σ = exp(½ log σ²)``.
"""

from __future__ import annotations

import math

from keras import ops

#: log σ² is clipped to this range before it is exponentiated, so that an extreme encoder
#: output cannot overflow exp() or make the loss infinite.
LOG_VAR_RANGE = (-30.0, 20.0)
#: Decoder probabilities are clipped to [EPS, 1 − EPS] before their logs (a float32
#: sigmoid reaches 0 and 1). 1e-6, not Keras' 1e-7: float32 steps by 6e-8 below 1, so
#: 1 − 1e-7 is stored as 1 − 1.19e-7, while 1 − 1e-6 stays 1 − 1.01e-6.
EPS = 1e-6
LOG_2PI = math.log(2.0 * math.pi)


def clip_log_var(log_var):
    return ops.clip(log_var, *LOG_VAR_RANGE)


def gaussian_kl_per_dim(mean, log_var):
    """KL( N(μ_j, σ_j²) ‖ N(0, 1) ) for each example and latent dimension j.

    Closed form: ½ (σ_j² + μ_j² − 1 − log σ_j²).
    """
    log_var = clip_log_var(log_var)
    return 0.5 * (ops.exp(log_var) + ops.square(mean) - 1.0 - log_var)


def gaussian_kl(mean, log_var):
    """KL( N(mean, diag σ²) ‖ N(0, I) ) per example, summed over dimensions."""
    return ops.sum(gaussian_kl_per_dim(mean, log_var), axis=-1)


def bernoulli_nll(x, probs):
    """−log p(x|z) for Bernoulli pixels with means ``probs``, summed.

    This is the binary cross-entropy summed (not averaged) over the 784
    pixels, so that it has the same scale as the KL term: nats per image.
    """
    probs = ops.clip(probs, EPS, 1.0 - EPS)
    x = ops.reshape(x, (ops.shape(x)[0], -1))
    probs = ops.reshape(probs, (ops.shape(probs)[0], -1))
    return -ops.sum(
        x * ops.log(probs) + (1.0 - x) * ops.log(1.0 - probs), axis=-1
    )


def gaussian_nll(x, means, log_sigma):
    """−log p(x|z) for Gaussian pixels N(means, σ²), one σ for every pixel, summed.

    ½ Σ_i ((x_i − μ_i) / σ)² + 784 (log σ + ½ log 2π): with σ fixed this is the summed
    squared error, scaled, plus a constant. It is a *density* of continuous pixels, so its
    nats are not comparable with the Bernoulli likelihood's.
    """
    x = ops.reshape(x, (ops.shape(x)[0], -1))
    means = ops.reshape(means, (ops.shape(means)[0], -1))
    log_sigma = ops.cast(log_sigma, x.dtype)
    n_pixels = ops.cast(ops.shape(x)[1], x.dtype)
    squared = ops.sum(ops.square(x - means), axis=-1)
    return 0.5 * squared * ops.exp(-2.0 * log_sigma) + n_pixels * (
        log_sigma + 0.5 * LOG_2PI
    )
