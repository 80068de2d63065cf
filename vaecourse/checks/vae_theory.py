"""Checkers for chapter 2 (VAE theory)."""

from __future__ import annotations

import numpy as np

from . import passed


def check_kl_to_standard_normal(kl_to_standard_normal) -> None:
    """``kl_to_standard_normal(mean, log_var)``: per-row KL(N(mean, diag e^log_var) ‖ N(0, I))."""
    zero = np.asarray(kl_to_standard_normal(np.zeros((1, 3)), np.zeros((1, 3))), dtype=float)
    assert zero.shape == (1,), (
        f"expected one KL per row, shape (1,), got shape {zero.shape}: sum over the latent "
        f"dimensions (the last axis) only"
    )
    assert np.allclose(zero, 0.0), f"q equal to the prior must give KL 0, got {zero}"

    mean = np.array([[1.0, 0.0], [0.0, 0.0], [2.0, -1.0]])
    log_var = np.array([[0.0, 0.0], [np.log(4.0), 0.0], [np.log(0.25), np.log(2.0)]])
    expected = np.array([
        0.5,
        0.5 * (4.0 - 1.0 - np.log(4.0)),
        0.5 * (0.25 + 4.0 - 1.0 - np.log(0.25)) + 0.5 * (2.0 + 1.0 - 1.0 - np.log(2.0)),
    ])
    got = np.asarray(kl_to_standard_normal(mean, log_var), dtype=float)
    assert got.shape == (3,), f"expected shape (3,) for 3 rows, got {got.shape}"
    if np.allclose(got, expected / 2):
        raise AssertionError("the values are half the right ones: sum over dimensions, "
                             "with a single factor ½")
    sigma_slip = 0.5 * np.sum(np.exp(0.5 * log_var) + mean**2 - 1.0 - 0.5 * log_var, axis=-1)
    assert not np.allclose(got, sigma_slip), (
        "that is the formula with σ in place of σ²: the variance is exp(log_var), "
        "the standard deviation exp(½ log_var)"
    )
    assert np.allclose(got, expected, rtol=1e-6), (
        f"expected {np.round(expected, 6).tolist()}, got {np.round(got, 6).tolist()}. "
        f"The closed form is ½ Σ_j (exp(log_var_j) + mean_j² − 1 − log_var_j)"
    )

    rng = np.random.default_rng(0)
    mean, log_var = rng.normal(size=(100, 20)), rng.normal(scale=2.0, size=(100, 20))
    got = np.asarray(kl_to_standard_normal(mean, log_var), dtype=float)
    assert got.shape == (100,) and (got >= 0).all(), "a KL divergence is never negative"
    passed("kl_to_standard_normal", 4)


CHECKS = {"02_vae_theory_kl.py": ("kl_to_standard_normal", check_kl_to_standard_normal)}
