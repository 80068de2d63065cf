"""Feedback of chapter 8's checkers (vaecourse.checks.what_goes_wrong): each known slip
is named only when the answer is what that slip gives (on two inputs, for a count), other
wrong answers get the case, the expected and the actual result without a hint, and an
error in the learner's code surfaces as the learner's own."""

from __future__ import annotations

import traceback
import warnings

import numpy as np
import pytest
from scipy.linalg import sqrtm

import vaecourse
from vaecourse.checks import what_goes_wrong as checks
from vaecourse.exercises import ExerciseFailed


def _fails_with(check, answer) -> str:
    with pytest.raises(AssertionError) as failure:
        check(answer)
    return str(failure.value)


def _active(activity, threshold, compare=np.greater):
    return int(np.sum(compare(activity, threshold)))


COUNT_SLIPS = {
    "per image": (
        lambda m, t=0.01: _active(np.var(m, axis=1), t),
        "variance across the images (the rows), axis=0",
    ),
    "standard deviation": (
        lambda m, t=0.01: _active(np.std(m, axis=0), t),
        "compare the variance, not the standard deviation",
    ),
    "at or above": (
        lambda m, t=0.01: _active(np.var(m, axis=0), t, np.greater_equal),
        ">, not >=",
    ),
    "mean": (
        lambda m, t=0.01: _active(np.mean(m, axis=0), t),
        "You compared each dimension's mean with the threshold",
    ),
    "mean square": (
        lambda m, t=0.01: _active(np.mean(np.square(m), axis=0), t),
        "not the mean square of the values",
    ),
    "whole array": (
        lambda m, t=0.01: _active(np.var(m), t),
        "one variance of the whole array",
    ),
    "fixed threshold": (
        lambda m, t=0.01: _active(np.var(m, axis=0), 0.01),
        "not a fixed 0.01",
    ),
    "the mask": (
        lambda m, t=0.01: np.var(m, axis=0) > t,
        "return how many pass it",
    ),
    "the activities": (
        lambda m, t=0.01: np.var(m, axis=0),
        "Those are the activities of the dimensions",
    ),
}


@pytest.mark.parametrize("slip", sorted(COUNT_SLIPS))
def test_each_counting_slip_is_named(slip):
    answer, hint = COUNT_SLIPS[slip]
    assert hint in _fails_with(checks.check_count_active_units, answer)


def test_a_count_that_matches_a_slip_by_chance_gets_no_hint():
    # The variance of log |mean| counts 4 on the case, as comparing the standard
    # deviation does; on the second array they differ, so no slip is named.
    def variance_of_logs(means, threshold=0.01):
        logs = np.log(np.abs(means) + 1e-9)
        return int(np.sum(logs.var(axis=0) > threshold))

    message = _fails_with(checks.check_count_active_units, variance_of_logs)
    assert message.endswith("got 4."), message


def test_a_count_must_be_a_number_the_chapter_can_tabulate():
    def as_text(means, threshold=0.01):
        return str(int(np.sum(np.var(means, axis=0) > threshold)))

    message = _fails_with(checks.check_count_active_units, as_text)
    assert "expected a count, the integer 3, got '3'" in message


@pytest.mark.parametrize(
    "convert", [int, float, np.int64, np.asarray], ids=repr
)
def test_counts_of_any_numeric_type_pass(convert):
    def count(means, threshold=0.01):
        return convert(np.sum(np.var(means, axis=0, ddof=1) > threshold))

    checks.check_count_active_units(count)


FREE_BITS_SLIPS = {
    "per dimension": (
        lambda m, v, lam: np.maximum(checks._kl_per_dim(m, v).mean(0), lam),
        "Those are the clamped terms of the 3 dimensions",
    ),
    "fixed floor": (
        lambda m, v, lam: np.maximum(
            checks._kl_per_dim(m, v).mean(0), 0.5
        ).sum(),
        "use the free_bits the caller passes",
    ),
    "log sigma": (
        lambda m, v, lam: np.maximum(
            checks._kl_per_dim(m, 2 * v).mean(0), lam
        ).sum(),
        "you took it for log σ",
    ),
}


@pytest.mark.parametrize("slip", sorted(FREE_BITS_SLIPS))
def test_each_free_bits_slip_is_named(slip):
    answer, hint = FREE_BITS_SLIPS[slip]
    assert hint in _fails_with(checks.check_free_bits_kl, answer)


def test_an_unknown_free_bits_error_gets_no_hint():
    def off_by_one(mean, log_var, free_bits):
        kl = checks._kl_per_dim(mean, log_var).mean(axis=0)
        return float(np.sum(np.maximum(kl, free_bits))) + 1.0

    message = _fails_with(checks.check_free_bits_kl, off_by_one)
    assert message.endswith("got 4.5036."), message


def _frechet(cross):
    def frechet_distance(mean1, cov1, mean2, cov2):
        d = np.asarray(mean1) - np.asarray(mean2)
        return float(
            d @ d + np.trace(cov1) + np.trace(cov2) - 2 * cross(cov1, cov2)
        )

    return frechet_distance


FRECHET_SLIPS = {
    "no factor 2": (
        _frechet(lambda a, b: 0.5 * np.trace(np.real(sqrtm(a @ b)))),
        "needs the factor 2",
    ),
    "no square root": (
        _frechet(lambda a, b: np.trace(a @ b)),
        "not C1 C2",
    ),
    "entrywise root": (
        _frechet(lambda a, b: np.trace(np.sqrt(np.abs(a @ b)))),
        "np.sqrt takes the root of each entry",
    ),
    "entrywise product": (
        _frechet(lambda a, b: np.trace(np.real(sqrtm(a * b)))),
        "multiplies entry by entry",
    ),
    "root of the trace": (
        _frechet(lambda a, b: np.sqrt(np.trace(a @ b))),
        "square root of the trace",
    ),
    "separate roots": (
        _frechet(lambda a, b: np.trace(np.real(sqrtm(a) @ sqrtm(b)))),
        "is not √C1 √C2 unless the two matrices commute",
    ),
    "no cross term": (
        _frechet(lambda a, b: 0.0),
        "The cross term −2 tr((C1 C2)^½) is missing",
    ),
}


@pytest.mark.parametrize("slip", sorted(FRECHET_SLIPS))
def test_each_frechet_slip_is_named(slip):
    answer, hint = FRECHET_SLIPS[slip]
    with np.errstate(invalid="ignore"):
        assert hint in _fails_with(checks.check_frechet_distance, answer)


def test_the_unsquared_mean_term_and_the_square_root_are_named():
    def unsquared(mean1, cov1, mean2, cov2):
        root = np.real(sqrtm(cov1 @ cov2))
        shift = np.linalg.norm(np.subtract(mean1, mean2))
        return float(shift + np.trace(cov1 + cov2 - 2 * root))

    def rooted(mean1, cov1, mean2, cov2):
        root = np.real(sqrtm(cov1 @ cov2))
        d = np.subtract(mean1, mean2)
        return float(np.sqrt(d @ d + np.trace(cov1 + cov2 - 2 * root)))

    check = checks.check_frechet_distance
    assert "the squared distance ‖m1 − m2‖²" in _fails_with(check, unsquared)
    assert "That is the square root of d²" in _fails_with(check, rooted)


def _without_real_part(mean1, cov1, mean2, cov2):
    d = np.asarray(mean1) - np.asarray(mean2)
    root = sqrtm(cov1 @ cov2)  # the real part is not taken
    return d @ d + np.trace(cov1) + np.trace(cov2) - 2 * np.trace(root)


def test_sqrtm_returns_complex_on_the_singular_case():
    # What the checker's complex branch is for: with the installed SciPy, sqrtm of
    # the singular case's product is complex, with an imaginary part of rounding.
    _, c1, _, c2 = checks._singular_case()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        root = sqrtm(c1 @ c2)
    assert np.iscomplexobj(root)
    assert 0 < np.abs(root.imag).max() < 1e-4


def test_a_complex_result_with_the_right_real_part_is_told_to_keep_it():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        message = _fails_with(
            checks.check_frechet_distance, _without_real_part
        )
    assert "singular covariances" in message
    assert "got the complex number" in message
    assert "keep its real part, np.real(...)" in message


def test_a_complex_result_not_from_sqrtm_gets_no_hint():
    def by_complex_eigenvalues(mean1, cov1, mean2, cov2):
        d = np.asarray(mean1) - np.asarray(mean2)
        values = np.linalg.eigvals(cov1 @ cov2).astype(complex)
        return (
            d @ d
            + np.trace(cov1)
            + np.trace(cov2)
            - 2 * np.sqrt(values).sum()
        )

    message = _fails_with(
        checks.check_frechet_distance, by_complex_eigenvalues
    )
    assert message.startswith("two identical Gaussians in 4-D")
    assert "np.real" not in message


def test_an_unknown_frechet_error_gets_no_hint():
    def plus_one(mean1, cov1, mean2, cov2):
        d = np.asarray(mean1) - np.asarray(mean2)
        root = np.real(sqrtm(cov1 @ cov2))
        return float(d @ d + np.trace(cov1 + cov2 - 2 * root)) + 1.0

    message = _fails_with(checks.check_frechet_distance, plus_one)
    assert message.endswith("got 1."), message


def test_an_error_in_the_learners_code_surfaces_as_its_own():
    def count_active_units(means, threshold=0.01):
        activity = np.var(means, axis=0)
        return activity.count(threshold)  # an ndarray has no count

    with pytest.raises(ExerciseFailed) as failure:
        vaecourse.check(
            "08_what_goes_wrong_1_active_units", count_active_units
        )
    cause = failure.value.__cause__
    assert isinstance(cause, AttributeError)
    frames = traceback.extract_tb(cause.__traceback__)
    assert frames[-1].name == "count_active_units"
    message = str(failure.value)
    assert message.startswith(
        "Exercise 8.1: your `count_active_units` raised AttributeError: "
        "'numpy.ndarray' object has no attribute 'count'"
    )
    assert "The checker's case: means of 400 images" in message
