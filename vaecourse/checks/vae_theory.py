"""Checkers for chapter 2 (VAE theory)."""

from __future__ import annotations

import numpy as np
from scipy import stats

from ..exercises import Exercise
from . import call_or_fail, expect, is_tensor, kind_of, name_the_slip


# ----------------------------------------------------------------------------------------
# Exercise 2.1: a Monte Carlo ELBO
# ----------------------------------------------------------------------------------------
class _Toy:
    """The chapter's linear-Gaussian model, x | z ~ N(W z + b, s² I_D), z ~ N(0, I_d),
    where everything is known: log p(x) and, because log w(z) = log p(x|z) + log p(z)
    − log q(z) is quadratic in z, the mean and the standard deviation of log w (or of any
    sum of its terms) for z drawn from any Gaussian."""

    def __init__(self, W, b, s):
        self.W, self.b, self.s = np.atleast_2d(W), np.asarray(b, float), s

    def log_px_given_z(self, x, z):
        resid = x - (z @ self.W.T + self.b)
        log_norm = 0.5 * len(self.b) * np.log(2 * np.pi * self.s**2)
        return -0.5 * np.sum(resid**2, axis=-1) / self.s**2 - log_norm

    def log_px(self, x) -> float:
        cov = self.W @ self.W.T + self.s**2 * np.eye(len(self.b))
        return float(stats.multivariate_normal(self.b, cov).logpdf(x))

    def terms(self, x, mu, Sigma) -> dict:
        """Each term of log w as (a, b, C): a + bᵀz + zᵀCz."""
        W, s = self.W, self.s
        D, d = W.shape
        r = x - self.b
        P = np.linalg.inv(Sigma)
        return {
            "log p(x|z)": (
                -0.5 * D * np.log(2 * np.pi * s**2) - r @ r / (2 * s**2),
                W.T @ r / s**2,
                -W.T @ W / (2 * s**2),
            ),
            "log p(z)": (
                -0.5 * d * np.log(2 * np.pi),
                np.zeros(d),
                -0.5 * np.eye(d),
            ),
            "log q(z|x)": (
                -0.5 * np.linalg.slogdet(2 * np.pi * Sigma)[1]
                - 0.5 * mu @ P @ mu,
                P @ mu,
                -0.5 * P,
            ),
        }

    @staticmethod
    def moments(parts, m, V) -> tuple[float, float]:
        """Mean and standard deviation of Σ sign · term(z) for z ~ N(m, V)."""
        a = sum(sign * t[0] for sign, t in parts)
        b = sum(sign * t[1] for sign, t in parts)
        C = sum(sign * t[2] for sign, t in parts)
        mean = a + b @ m + np.trace(C @ V) + m @ C @ m
        g = b + 2 * C @ m
        var = g @ V @ g + 2 * np.trace(C @ V @ C @ V)
        return float(mean), float(np.sqrt(var))


def _elbo_cases():
    """(description, toy, x, mu, Sigma, n): chapter 2's 1-D toy, and a 2-D latent with a
    full covariance, as the chapter's own toy has, where the spread of log w is far from
    1 (so that a variance is not mistaken for a standard deviation)."""
    one_d = _Toy([[2.0]], [0.0], 0.5)
    two_d = _Toy(
        [[1.0, -0.5], [0.3, 0.8], [-0.7, 0.4]], [0.2, -0.1, 0.5], 0.4
    )
    return [
        (
            "q = N(0.3, 0.05) on the 1-D toy, 20,000 samples",
            one_d,
            np.array([1.2]),
            np.array([0.3]),
            np.array([[0.05]]),
            20_000,
        ),
        (
            "a 2-D latent, 3-D data, q with a full covariance, 5,000 samples",
            two_d,
            np.array([1.0, 0.4, -0.6]),
            np.array([0.4, -0.2]),
            np.array([[0.3, 0.1], [0.1, 0.2]]),
            5_000,
        ),
    ]


def _number(case, what, value) -> float:
    expect(
        np.size(value) == 1,
        case,
        f"{what}, one number",
        f"shape {np.shape(value)}",
    )
    return float(np.asarray(value, dtype=float).reshape(-1)[0])


def _run_elbo(elbo_monte_carlo, case, toy, x, mu, Sigma, n, seed=0):
    out = call_or_fail(
        case,
        "a pair (estimate, standard error)",
        elbo_monte_carlo,
        x.copy(),
        mu.copy(),
        Sigma.copy(),
        n,
        toy.log_px_given_z,
        np.random.default_rng(seed),
    )
    expect(
        isinstance(out, tuple) and len(out) == 2,
        case,
        "a pair (estimate, standard error)",
        repr(out)[:80],
    )
    return _number(case, "the estimate", out[0]), _number(
        case, "the standard error", out[1]
    )


# Slips in the estimate: the terms of log w, and where z comes from (None: from q).
ESTIMATE_SLIPS = [
    (
        (("log p(x|z)", 1), ("log p(z)", 1), ("log q(z|x)", -1)),
        "prior",
        (
            "That is the average of log w over z drawn from the prior N(0, I): draw z "
            "from q = N(mu, Sigma) (rng.multivariate_normal(mu, Sigma, size=n))."
        ),
    ),
    (
        (("log p(x|z)", 1), ("log p(z)", 1), ("log q(z|x)", 1)),
        None,
        "log q(z|x) is added: the log weight is log p(x|z) + log p(z) − log q(z|x).",
    ),
    (
        (("log p(x|z)", 1), ("log p(z)", 1)),
        None,
        "The − log q(z|x) term is missing from the log weight.",
    ),
    (
        (("log p(x|z)", 1), ("log q(z|x)", -1)),
        None,
        "The log p(z) term (the prior, N(0, I)) is missing from the log weight.",
    ),
]


def check_elbo_monte_carlo(elbo_monte_carlo) -> None:
    """``elbo_monte_carlo(x, mu, Sigma, n, log_px_given_z, rng)`` -> (estimate, std. error),
    on toys where the ELBO and the spread of the log weights are known exactly."""
    runs = []
    for case, toy, x, mu, Sigma, n in _elbo_cases():
        estimate, se = _run_elbo(elbo_monte_carlo, case, toy, x, mu, Sigma, n)
        terms = toy.terms(x, mu, Sigma)
        exact, sd = toy.moments(
            [(1, terms["log p(x|z)"]), (1, terms["log p(z)"])]
            + [(-1, terms["log q(z|x)"])],
            mu,
            Sigma,
        )
        runs.append((case, toy, x, mu, Sigma, n, estimate, se, exact, sd))

    # A wrong estimate is named when one known slip explains it in every case.
    explained = []
    for parts, source, hint in ESTIMATE_SLIPS:
        matches = []
        for case, toy, x, mu, Sigma, n, estimate, _, exact, sd in runs:
            terms = toy.terms(x, mu, Sigma)
            m, V = (
                (mu, Sigma) if source is None else (0 * mu, np.eye(len(mu)))
            )
            value, spread = toy.moments(
                [(sign, terms[name]) for name, sign in parts], m, V
            )
            matches.append(
                abs(estimate - value) < 5 * spread / np.sqrt(n)
                and abs(estimate - exact) > 5 * sd / np.sqrt(n)
            )
        if all(matches):
            explained.append(hint)
    averaged_weights = all(
        estimate > exact + 5 * sd / np.sqrt(n)
        # the importance-weighted bound of n weights: close to log p(x)
        and abs(estimate - toy.log_px(x)) < abs(exact - toy.log_px(x)) / 4
        for case, toy, x, _, _, n, estimate, _, exact, sd in runs
    )
    if averaged_weights:
        explained.append(
            "It is near log p(x) and above the ELBO: average the log weights; "
            "averaging the weights before the log gives the importance-weighted "
            "bound, not the ELBO."
        )
    case, _, _, _, _, _, estimate, _, exact, _ = runs[0]
    if len(explained) == 1:
        raise AssertionError(
            f"{case}: expected the ELBO {exact:.4f}, got {estimate:.4f}. "
            f"{explained[0]}"
        )

    # the 2-D case first: its spread of log w, far from 1, tells every slip apart
    for case, _, _, _, _, n, estimate, se, exact, sd in runs[::-1]:
        expected_se = sd / np.sqrt(n)  # ddof 0 or 1 differ by 1 / (2n)
        ok = abs(se / expected_se - 1) < 0.1
        if not ok:
            slips = [
                (
                    sd,
                    "that is the standard deviation of log w: divide it by √n",
                ),
                (
                    sd / n,
                    (
                        "that is the standard deviation divided by n: the standard "
                        "error divides it by √n"
                    ),
                ),
                (
                    sd**2 / np.sqrt(n),
                    (
                        "that is the variance of log w over √n: take its square "
                        "root, the standard deviation, before dividing"
                    ),
                ),
                (
                    sd**2 / n,
                    (
                        "that is the variance of log w over n, the square of the "
                        "standard error: take its square root"
                    ),
                ),
                (
                    sd**2,
                    (
                        "that is the variance of log w: the standard error is "
                        "its square root over √n"
                    ),
                ),
            ]
            # only slips that this case tells apart from the rest
            distinct = [
                (value, hint)
                for value, hint in slips
                if all(
                    abs(value / other - 1) > 0.25
                    for other in [expected_se]
                    + [v for v, h in slips if h != hint]
                )
            ]
            shown = f"{expected_se:.4g} (the standard deviation of log w, {sd:.4g}, over √n)"
            name_the_slip(
                f"{case}, the standard error",
                shown,
                se,
                distinct,
                show=lambda v: v if isinstance(v, str) else f"{float(v):.4g}",
                rtol=0.1,
            )
            expect(False, f"{case}, the standard error", shown, f"{se:.4g}")

    for case, _, _, _, _, n, estimate, _, exact, sd in runs:
        expect(
            abs(estimate - exact) < 5 * sd / np.sqrt(n),
            case,
            f"the closed-form ELBO {exact:.4f} within 5 standard errors "
            f"({5 * sd / np.sqrt(n):.4f})",
            f"{estimate:.4f}",
        )

    case, toy, x, mu, Sigma, n, estimate, *_ = runs[0]
    again, _ = _run_elbo(elbo_monte_carlo, case, toy, x, mu, Sigma, n)
    expect(
        np.isclose(again, estimate),
        f"{case}, the same rng seed twice",
        "the same estimate",
        f"{estimate:.5f} then {again:.5f}",
        "With the same generator state your function gives other samples: draw "
        "them with the rng you are given, not with np.random.",
    )


# ----------------------------------------------------------------------------------------
# Exercise 2.2: the closed-form KL
# ----------------------------------------------------------------------------------------
# How the chapter goes on with what kl_to_standard_normal returns.
KL_USE = "closed[0] == 0.0, (closed >= 0).all()"


def _kl(mean, log_var):
    return 0.5 * np.sum(np.exp(log_var) + mean**2 - 1.0 - log_var, axis=-1)


def _kl_slips(mean, log_var):
    """(what a known slip returns, its hint)."""
    return [
        (
            _kl(mean, log_var) / mean.shape[-1],
            "that is the mean over the latent dimensions: sum them",
        ),
        (
            _kl(mean, log_var) / 2,
            (
                "the values are half the right ones: sum over the dimensions (not "
                "their mean), with a single factor ½"
            ),
        ),
        (
            0.5
            * np.sum(
                np.exp(0.5 * log_var) + mean**2 - 1.0 - 0.5 * log_var, axis=-1
            ),
            (
                "that is the formula with σ in place of σ²: the variance is "
                "exp(log_var), the standard deviation exp(½ log_var)"
            ),
        ),
        (
            2 * _kl(mean, log_var),
            "the values are twice the right ones: the closed form has a factor ½",
        ),
        (
            0.5 * np.sum(np.exp(log_var) + mean**2 - 1.0 + log_var, axis=-1),
            "log_var is added: the closed form subtracts log σ² = log_var",
        ),
        (
            0.5 * np.sum(np.exp(log_var) + mean**2 - log_var, axis=-1),
            "the − 1 is missing: ½ Σ_j (σ_j² + μ_j² − 1 − log σ_j²)",
        ),
        (
            0.5 * np.sum(np.exp(log_var) + mean - 1.0 - log_var, axis=-1),
            "the mean is not squared: the term is μ_j²",
        ),
        (
            np.full(len(mean), _kl(mean, log_var).sum()),
            "every row got the KL of all the rows: sum over axis=-1 only",
        ),
    ]


def _kl_values(kl_to_standard_normal, mean, log_var, case) -> np.ndarray:
    """The learner's KL of each row, refused unless a NumPy array of one value per row."""
    value = kl_to_standard_normal(mean.copy(), log_var.copy())
    rows = len(mean)
    if np.ndim(value) == 0:
        expect(
            False,
            case,
            f"one KL per row, shape ({rows},)",
            f"the single number {float(np.asarray(value)):.4f}",
            "Sum over the latent dimensions (the last axis) only, not over the "
            "rows as well.",
        )
    expect(
        isinstance(value, np.ndarray),
        case,
        "a NumPy array",
        kind_of(value),
        f"The chapter goes on with NumPy on what your function returns "
        f"({KL_USE}): compute it with NumPy, or return "
        + (
            "keras.ops.convert_to_numpy(...)"
            if is_tensor(value)
            else "np.asarray(...)"
        )
        + " of your result.",
    )
    got = np.asarray(value, dtype=float)
    hint = ""
    if got.shape == mean.shape:
        hint = "One value per dimension: sum them over the last axis."
    elif got.shape == mean.shape[1:] and mean.shape[1] != rows:
        hint = (
            "One value per dimension: that sums over the rows (axis 0); sum "
            "over the latent dimensions (the last axis) instead."
        )
    expect(
        got.shape == (rows,),
        case,
        f"one KL per row, shape ({rows},)",
        f"shape {got.shape}",
        hint,
    )
    return got


def check_kl_to_standard_normal(kl_to_standard_normal) -> None:
    """``kl_to_standard_normal(mean, log_var)``: per-row KL(N(mean, diag e^log_var) ‖ N(0, I))."""
    zeros = np.zeros((1, 3))
    case = "q equal to the prior: mean 0, log_var 0 in 3 dimensions"
    got = _kl_values(kl_to_standard_normal, zeros, zeros, case)
    name_the_slip(case, [0.0], got, _telling([0.0], _kl_slips(zeros, zeros)))
    expect(np.allclose(got, 0.0), case, "[0.0]", np.round(got, 6).tolist())

    mean = np.array([[1.0, 0.0], [0.0, 0.0], [2.0, -1.0]])
    log_var = np.array(
        [[0.0, 0.0], [np.log(4.0), 0.0], [np.log(0.25), np.log(2.0)]]
    )
    case = "3 rows: mean (1, 0), (0, 0), (2, −1); σ² (1, 1), (4, 1), (¼, 2)"
    expected = _kl(mean, log_var)
    got = _kl_values(kl_to_standard_normal, mean, log_var, case)
    slips = _kl_slips(mean, log_var)
    # with 2 dimensions, their mean is half the sum: the second hint says both
    name_the_slip(
        case, expected, got, _telling(expected, slips[1:]), show=_six
    )
    expect(
        np.allclose(got, expected, rtol=1e-6),
        case,
        _six(expected),
        _six(got),
    )

    rng = np.random.default_rng(0)
    mean, log_var = (
        rng.normal(size=(100, 20)),
        rng.normal(scale=2.0, size=(100, 20)),
    )
    case = "100 random rows of 20 dimensions"
    expected = _kl(mean, log_var)
    got = _kl_values(kl_to_standard_normal, mean, log_var, case)
    slips = _telling(expected, _kl_slips(mean, log_var))
    name_the_slip(case, expected, got, slips, show=_six, rtol=1e-6)
    expect(
        np.allclose(got, expected, rtol=1e-6),
        case,
        f"the closed form's values, from {expected.min():.4f} to "
        f"{expected.max():.4f}",
        f"values from {got.min():.4f} to {got.max():.4f}, the largest "
        f"difference {np.abs(got - expected).max():.3g}",
    )


def _six(values):
    return np.round(np.asarray(values, dtype=float), 6).tolist()


def _telling(expected, slips, **tolerance):
    """The slips that this case tells apart: from the right answer and from every slip
    with another hint (two slips that return the same values here are not named)."""

    def same(a, b):
        a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
        return a.shape == b.shape and np.allclose(a, b, **tolerance)

    return [
        (value, hint)
        for value, hint in slips
        if not same(value, expected)
        and not any(same(value, v) for v, h in slips if h != hint)
    ]


# ----------------------------------------------------------------------------------------
# Exercise 2.3: the reparameterised sample
# ----------------------------------------------------------------------------------------
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
