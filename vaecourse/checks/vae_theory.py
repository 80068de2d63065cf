"""Checkers for chapter 2 (VAE theory)."""

from __future__ import annotations

import numpy as np
from scipy import stats

from ..exercises import Exercise
from . import expect


def _toy():
    """A 1-D linear-Gaussian model, x | z ~ N(w z, s²), z ~ N(0, 1), where everything is
    known: log p(x), the posterior, and the ELBO of any Gaussian q in closed form."""
    w, s = 2.0, 0.5

    def log_px_given_z(x, z):
        return stats.norm(w * z[:, 0], s).logpdf(x[0])

    def elbo(x, mu, var):
        expected = -0.5 * np.log(2 * np.pi * s**2) - (
            (x[0] - w * mu) ** 2 + w**2 * var
        ) / (2 * s**2)
        return expected - 0.5 * (var + mu**2 - 1.0 - np.log(var))

    log_px = stats.norm(0.0, np.sqrt(w**2 + s**2)).logpdf
    return log_px_given_z, elbo, log_px


def check_elbo_monte_carlo(elbo_monte_carlo) -> None:
    """``elbo_monte_carlo(x, mu, Sigma, n, log_px_given_z, rng)`` -> (estimate, std. error)."""
    log_px_given_z, elbo, log_px = _toy()
    x, mu, var = np.array([1.2]), 0.3, 0.05
    n = 20_000
    out = elbo_monte_carlo(
        x,
        np.array([mu]),
        np.array([[var]]),
        n,
        log_px_given_z,
        np.random.default_rng(0),
    )
    expect(
        isinstance(out, tuple) and len(out) == 2,
        "the return value",
        "a pair (estimate, standard error)",
        repr(out)[:80],
    )
    estimate, se = float(out[0]), float(out[1])
    exact = elbo(x, mu, var)
    expect(
        0 < se < 0.1,
        f"the standard error of {n:,} samples",
        "a small positive number (the spread of log w over √n)",
        f"{se:.4g}",
        "Return log_w.std() / sqrt(n).",
    )
    log_p = log_px(x[0])
    if estimate > exact + 5 * se and abs(estimate - log_p) < abs(
        estimate - exact
    ):
        raise AssertionError(
            f"q = N({mu}, {var}) on the 1-D toy: expected the ELBO {exact:.4f}, got "
            f"{estimate:.4f}, near log p(x) = {log_p:.4f} and above the ELBO. Average the "
            "log weights; averaging the weights before the log gives the importance-"
            "weighted bound, not the ELBO."
        )
    expect(
        abs(estimate - exact) < 5 * se,
        f"q = N({mu}, {var}) on the 1-D toy, {n:,} samples",
        f"the closed-form ELBO {exact:.4f} within 5 standard errors ({5 * se:.4f})",
        f"{estimate:.4f}",
        "Draw z from q (not from the prior), then average "
        "log p(x | z) + log p(z) - log q(z | x) over the samples.",
    )
    again = elbo_monte_carlo(
        x,
        np.array([mu]),
        np.array([[var]]),
        n,
        log_px_given_z,
        np.random.default_rng(0),
    )
    expect(
        np.isclose(float(again[0]), estimate),
        "the same rng seed twice",
        "the same estimate",
        f"{estimate:.5f} then {float(again[0]):.5f}",
        "Draw the samples with the rng you are given, not with np.random.",
    )


def check_kl_to_standard_normal(kl_to_standard_normal) -> None:
    """``kl_to_standard_normal(mean, log_var)``: per-row KL(N(mean, diag e^log_var) ‖ N(0, I))."""
    zero = np.asarray(
        kl_to_standard_normal(np.zeros((1, 3)), np.zeros((1, 3))), dtype=float
    )
    assert zero.shape == (1,), (
        f"expected one KL per row, shape (1,), got shape {zero.shape}: sum over the latent "
        f"dimensions (the last axis) only"
    )
    assert np.allclose(zero, 0.0), (
        f"q equal to the prior must give KL 0, got {zero}"
    )

    mean = np.array([[1.0, 0.0], [0.0, 0.0], [2.0, -1.0]])
    log_var = np.array(
        [[0.0, 0.0], [np.log(4.0), 0.0], [np.log(0.25), np.log(2.0)]]
    )
    expected = np.array(
        [
            0.5,
            0.5 * (4.0 - 1.0 - np.log(4.0)),
            0.5 * (0.25 + 4.0 - 1.0 - np.log(0.25))
            + 0.5 * (2.0 + 1.0 - 1.0 - np.log(2.0)),
        ]
    )
    got = np.asarray(kl_to_standard_normal(mean, log_var), dtype=float)
    assert got.shape == (3,), (
        f"expected shape (3,) for 3 rows, got {got.shape}"
    )
    if np.allclose(got, expected / 2):
        raise AssertionError(
            "the values are half the right ones: sum over dimensions, "
            "with a single factor ½"
        )
    sigma_slip = 0.5 * np.sum(
        np.exp(0.5 * log_var) + mean**2 - 1.0 - 0.5 * log_var, axis=-1
    )
    assert not np.allclose(got, sigma_slip), (
        "that is the formula with σ in place of σ²: the variance is exp(log_var), "
        "the standard deviation exp(½ log_var)"
    )
    assert np.allclose(got, expected, rtol=1e-6), (
        f"expected {np.round(expected, 6).tolist()}, got {np.round(got, 6).tolist()}. "
        f"The closed form is ½ Σ_j (exp(log_var_j) + mean_j² − 1 − log_var_j)"
    )

    rng = np.random.default_rng(0)
    mean, log_var = (
        rng.normal(size=(100, 20)),
        rng.normal(scale=2.0, size=(100, 20)),
    )
    got = np.asarray(kl_to_standard_normal(mean, log_var), dtype=float)
    assert got.shape == (100,) and (got >= 0).all(), (
        "a KL divergence is never negative"
    )


def check_reparameterised_sample(reparameterised_sample) -> None:
    """``reparameterised_sample(mean, log_var, eps)``: mean + exp(log_var / 2) * eps, for
    NumPy arrays and for tensors, with gradients reaching mean and log_var."""
    import tensorflow as tf

    mean, log_var = (
        np.array([0.5, -1.0]),
        np.array([np.log(4.0), np.log(0.25)]),
    )
    eps = np.array([[1.0, 1.0], [-2.0, 0.5]])
    got = np.asarray(reparameterised_sample(mean, log_var, eps), dtype=float)
    expected = mean + np.array([2.0, 0.5]) * eps
    expect(got.shape == (2, 2), "two rows of ε", "shape (2, 2)", got.shape)
    if np.allclose(got, mean + np.exp(log_var) * eps):
        raise AssertionError(
            "mean (0.5, -1), σ² (4, 0.25): you scaled ε by the variance; scale it by "
            "the standard deviation σ = exp(log_var / 2)."
        )
    expect(
        np.allclose(got, expected),
        "mean (0.5, -1), σ² (4, 0.25), ε rows (1, 1) and (-2, 0.5)",
        expected.tolist(),
        np.round(got, 4).tolist(),
        "z = mean + σ ε with σ = exp(log_var / 2), using the ε you are given.",
    )
    mean_v = tf.Variable(mean, dtype=tf.float32)
    log_var_v = tf.Variable(log_var, dtype=tf.float32)
    with tf.GradientTape() as tape:
        z = reparameterised_sample(
            mean_v, log_var_v, tf.constant(eps, dtype=tf.float32)
        )
        total = tf.reduce_sum(tf.convert_to_tensor(z))
    grads = tape.gradient(total, [mean_v, log_var_v])
    expect(
        all(g is not None for g in grads),
        "the same numbers as TensorFlow variables, inside a GradientTape",
        "gradients with respect to mean and log_var",
        "None",
        "Use keras.ops (ops.exp), not NumPy, so that the sample stays part of the "
        "computation.",
    )
    expect(
        np.allclose(
            grads[1].numpy(), np.array([2.0, 0.5]) / 2 * eps.sum(0), rtol=1e-5
        ),
        "d(sum of z) / d log_var",
        "σ ε / 2 summed over the rows",
        np.round(grads[1].numpy(), 4).tolist(),
    )


EXERCISES = [
    Exercise(
        "02_vae_theory_1_monte_carlo_elbo",
        "elbo_monte_carlo",
        check_elbo_monte_carlo,
    ),
    Exercise(
        "02_vae_theory_2_kl",
        "kl_to_standard_normal",
        check_kl_to_standard_normal,
    ),
    Exercise(
        "02_vae_theory_3_reparameterised_sample",
        "reparameterised_sample",
        check_reparameterised_sample,
    ),
]
