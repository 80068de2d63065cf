"""Answers a learner might give to chapter 2's exercises.

WRONG: per exercise, a wrong answer and a fragment of the explanation its checker must give.
RIGHT: per exercise, a right answer written differently from the reference solution.
"""

import numpy as np
import tensorflow as tf
from scipy import stats
from scipy.special import logsumexp


def _log_weights(x, mu, Sigma, n, log_px_given_z, rng):
    z = rng.multivariate_normal(mu, Sigma, size=n)
    log_prior = stats.norm.logpdf(z).sum(axis=1)
    log_q = stats.multivariate_normal(mu, Sigma).logpdf(z).reshape(n)
    return log_px_given_z(x, z) + log_prior - log_q


def elbo_of_the_averaged_weights(x, mu, Sigma, n, log_px_given_z, rng):
    """The importance-weighted bound with K = n: not an ELBO."""
    log_w = _log_weights(x, mu, Sigma, n, log_px_given_z, rng)
    return logsumexp(log_w) - np.log(n), log_w.std() / np.sqrt(n)


def elbo_with_a_running_sum(x, mu, Sigma, n, log_px_given_z, rng):
    log_w = _log_weights(x, mu, Sigma, n, log_px_given_z, rng)
    total, squares = 0.0, 0.0
    for value in log_w:
        total, squares = total + value, squares + value**2
    mean = total / n
    return mean, np.sqrt(squares / n - mean**2) / np.sqrt(n)


def kl_with_sigma_for_variance(mean, log_var):
    return 0.5 * np.sum(np.exp(0.5 * log_var) + mean**2 - 1.0 - 0.5 * log_var, axis=-1)


def kl_one_dimension_at_a_time(mean, log_var):
    mean, log_var = np.asarray(mean, dtype=float), np.asarray(log_var, dtype=float)
    total = np.zeros(mean.shape[0])
    for j in range(mean.shape[1]):
        sigma2 = np.exp(log_var[:, j])
        total += (sigma2 + mean[:, j] ** 2 - 1.0 - np.log(sigma2)) / 2
    return total


def sample_with_the_variance(mean, log_var, eps):
    return mean + tf.exp(log_var) * eps


def sample_with_tensorflow(mean, log_var, eps):
    sigma = tf.sqrt(tf.exp(tf.convert_to_tensor(log_var)))
    return tf.convert_to_tensor(mean) + sigma * tf.cast(eps, sigma.dtype)


WRONG = {
    "02_vae_theory_1_monte_carlo_elbo": (
        elbo_of_the_averaged_weights,
        "before the log",
    ),
    "02_vae_theory_2_kl": (kl_with_sigma_for_variance, "σ in place of σ²"),
    "02_vae_theory_3_reparameterised_sample": (
        sample_with_the_variance,
        "by the variance",
    ),
}
RIGHT = {
    "02_vae_theory_1_monte_carlo_elbo": elbo_with_a_running_sum,
    "02_vae_theory_2_kl": kl_one_dimension_at_a_time,
    "02_vae_theory_3_reparameterised_sample": sample_with_tensorflow,
}
