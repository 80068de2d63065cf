"""Feedback on answers to chapter 2's exercises beyond tests/learner_answers: what the
checker accepts, the chapter can use; a hint names a slip only when the checker has
identified it, and otherwise the failure says the case, the expected and the result."""

from __future__ import annotations

import numpy as np
import pytest
from keras import ops
from scipy import stats

import vaecourse
from vaecourse import losses
from vaecourse.checks import vae_theory
from vaecourse.exercises import ExerciseFailed

KL = "02_vae_theory_2_kl"


def _elbo(se=None, signs=(1, 1, -1), from_prior=False):
    """An elbo_monte_carlo with the given standard error, signs of the three terms of
    log w, and source of z."""

    def elbo_monte_carlo(x, mu, Sigma, n, log_px_given_z, rng):
        d = len(mu)
        if from_prior:
            z = rng.multivariate_normal(np.zeros(d), np.eye(d), size=n)
        else:
            z = rng.multivariate_normal(mu, Sigma, size=n)
        log_prior = (
            stats.multivariate_normal(np.zeros(d)).logpdf(z).reshape(n)
        )
        log_q = stats.multivariate_normal(mu, Sigma).logpdf(z).reshape(n)
        a, b, c = signs
        log_w = a * log_px_given_z(x, z) + b * log_prior + c * log_q
        standard_error = (
            log_w.std() / np.sqrt(n) if se is None else se(log_w, n)
        )
        return log_w.mean(), standard_error

    return elbo_monte_carlo


def _message(checker, answer) -> str:
    with pytest.raises(AssertionError) as failure:
        checker(answer)
    return str(failure.value)


def test_a_standard_error_100_times_too_small_is_caught_without_a_guess():
    message = _message(
        vae_theory.check_elbo_monte_carlo,
        _elbo(se=lambda w, n: w.std() / np.sqrt(n) / 100),
    )
    assert "the standard error: expected" in message
    assert message.endswith(".") and "draw" not in message.lower()
    assert message.count(".") <= 6  # case, expected, got: no hint sentence


@pytest.mark.parametrize(
    ("se", "named"),
    [
        (lambda w, n: w.std(), "the standard deviation of log w: divide"),
        (lambda w, n: w.std() / n, "divided by n"),
        (lambda w, n: w.var() / np.sqrt(n), "the variance of log w over √n"),
        (lambda w, n: w.var() / n, "the variance of log w over n"),
    ],
)
def test_a_known_standard_error_slip_is_named(se, named):
    message = _message(vae_theory.check_elbo_monte_carlo, _elbo(se=se))
    assert named in message, message


def test_a_standard_error_with_ddof_1_passes():
    vae_theory.check_elbo_monte_carlo(
        _elbo(se=lambda w, n: w.std(ddof=1) / np.sqrt(n))
    )


@pytest.mark.parametrize(
    ("answer", "named"),
    [
        (_elbo(from_prior=True), "drawn from the prior"),
        (_elbo(signs=(1, 1, 1)), "log q(z|x) is added"),
        (_elbo(signs=(1, 1, 0)), "log q(z|x) term is missing"),
        (_elbo(signs=(1, 0, -1)), "log p(z) term"),
    ],
)
def test_a_known_slip_in_the_estimate_is_named(answer, named):
    message = _message(vae_theory.check_elbo_monte_carlo, answer)
    assert named in message, message


def test_an_estimate_off_for_no_known_reason_gets_no_hint():
    def shifted(*args):
        estimate, se = _elbo()(*args)
        return estimate + 0.5, se

    message = _message(vae_theory.check_elbo_monte_carlo, shifted)
    assert "within 5 standard errors" in message
    assert "draw" not in message.lower() and "log p(z)" not in message


def test_a_one_dimensional_only_answer_fails_on_the_2d_case():
    """The chapter calls the function with a 2-D latent."""

    def one_d_only(x, mu, Sigma, n, log_px_given_z, rng):
        z = rng.normal(mu[0], np.sqrt(Sigma[0, 0]), size=(n, 1))
        log_w = (
            log_px_given_z(x, z)
            + stats.norm.logpdf(z[:, 0])
            - stats.norm(mu[0], np.sqrt(Sigma[0, 0])).logpdf(z[:, 0])
        )
        return log_w.mean(), log_w.std() / np.sqrt(n)

    with pytest.raises(ExerciseFailed) as failure:
        vaecourse.check("02_vae_theory_1_monte_carlo_elbo", one_d_only)
    assert "The checker's case: a 2-D latent" in str(failure.value)


def _kl_keras_ops(mean, log_var):
    """Right values, as a tensor."""
    return 0.5 * ops.sum(ops.exp(log_var) + mean**2 - 1.0 - log_var, axis=-1)


def _kl_converted(mean, log_var):
    return ops.convert_to_numpy(_kl_keras_ops(mean, log_var))


def test_a_kl_tensor_is_refused_saying_why():
    with pytest.raises(ExerciseFailed) as failure:
        vaecourse.check(KL, _kl_keras_ops)
    message = str(failure.value)
    assert "expected a NumPy array, got a TensorFlow tensor" in message
    assert "(closed >= 0).all()" in message and "convert_to_numpy" in message


def test_a_kl_converted_to_numpy_passes_and_the_next_cell_runs():
    kl = vaecourse.check(KL, _kl_converted)
    # chapter 2's next cell
    means = np.array([[0.0, 0.0], [1.5, -0.5], [0.2, 3.0], [-1.0, 0.7]])
    log_vars = np.array(
        [[0.0, 0.0], [-2.0, 1.0], [np.log(0.05), 0.3], [1.5, -4.0]]
    )
    closed = kl(means, log_vars)
    for value in closed:
        f"{value:11.4f}"
    keras_kl = np.asarray(
        losses.gaussian_kl(
            means.astype("float32"), log_vars.astype("float32")
        )
    )
    assert np.allclose(keras_kl, closed, rtol=1e-5, atol=1e-5)
    assert closed[0] == 0.0 and (closed >= 0).all()


def test_a_kl_without_the_minus_one_is_named_at_the_prior():
    def kl_no_minus_one(mean, log_var):
        return 0.5 * np.sum(np.exp(log_var) + mean**2 - log_var, axis=-1)

    message = _message(
        vae_theory.check_kl_to_standard_normal, kl_no_minus_one
    )
    assert (
        message.startswith("q equal to the prior")
        and "− 1 is missing" in message
    )


def test_a_kl_averaged_over_dimensions_is_named():
    def kl_mean(mean, log_var):
        return 0.5 * np.mean(
            np.exp(log_var) + mean**2 - 1.0 - log_var, axis=-1
        )

    message = _message(vae_theory.check_kl_to_standard_normal, kl_mean)
    assert "not their mean" in message, message


def test_a_kl_wrong_for_no_known_reason_gets_no_hint():
    def kl_off(mean, log_var):
        mean, log_var = np.asarray(mean), np.asarray(log_var)
        return 0.5 * np.sum(np.exp(log_var) + mean**2 - 1.0 - log_var, -1) + (
            0.1 * np.abs(mean).sum(-1)
        )

    message = _message(vae_theory.check_kl_to_standard_normal, kl_off)
    assert message.startswith("3 rows") and message.endswith("].")


def test_a_kl_right_only_on_the_small_cases_fails_on_the_random_one():
    def kl_clipped(mean, log_var):
        log_var = np.clip(log_var, -3.0, 3.0)  # changes only large |log σ²|
        return 0.5 * np.sum(np.exp(log_var) + mean**2 - 1.0 - log_var, -1)

    message = _message(vae_theory.check_kl_to_standard_normal, kl_clipped)
    assert message.startswith("100 random rows")
