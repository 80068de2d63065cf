"""The two terms of the VAE loss, per example and in nats, written with ``keras.ops``.

Convention used throughout the course: the encoder outputs the mean ``mean`` and the
log-variance ``log_var = log σ²`` of a diagonal Gaussian q(z|x); the standard deviation
is ``σ = exp(½ log σ²)``.
"""

from __future__ import annotations

from keras import ops

#: log σ² is clipped to this range before it is exponentiated, so that an extreme encoder
#: output cannot overflow exp() or make the loss infinite.
LOG_VAR_RANGE = (-30.0, 20.0)
#: decoder probabilities are clipped to [EPS, 1 - EPS] before taking logs.
EPS = 1e-6


def clip_log_var(log_var):
    return ops.clip(log_var, *LOG_VAR_RANGE)


def gaussian_kl(mean, log_var):
    """KL( N(mean, diag σ²) ‖ N(0, I) ) per example, summed over dimensions.

    Closed form: ½ Σ_j (σ_j² + μ_j² − 1 − log σ_j²).
    """
    log_var = clip_log_var(log_var)
    return 0.5 * ops.sum(
        ops.exp(log_var) + ops.square(mean) - 1.0 - log_var, axis=-1
    )


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
