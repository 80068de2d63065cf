"""Feedback of the papers appendix's checkers (vaecourse.checks.papers), beyond
tests/test_exercise_feedback.py: each binarisation slip is named only when the answer is
what that slip gives (on the case and on a probe that tells them apart), and the shape and
formula slips of exercises 2 and 3 likewise."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import logsumexp, xlogy

from vaecourse.checks import papers


def _fails_with(check, answer) -> str:
    with pytest.raises(AssertionError) as failure:
        check(answer)
    return str(failure.value)


def _floats(function):
    def binarize(x, rng):
        return np.asarray(function(np.asarray(x), rng), dtype="float32")

    return binarize


BINARIZE_SLIPS = {
    "np.round": (
        _floats(lambda x, rng: np.round(x)),
        "Those are the images rounded (np.round(x), or x > 0.5)",
    ),
    "above one half": (
        _floats(lambda x, rng: x > 0.5),
        "Those are the images rounded (np.round(x), or x > 0.5)",
    ),
    "at or above one half": (
        _floats(lambda x, rng: x >= 0.5),
        "thresholded at 0.5 (x >= 0.5)",
    ),
    # On the case it gives all 0, as rounding does: the probe tells them apart.
    "one number for all pixels": (
        _floats(lambda x, rng: rng.random() < x),
        "rng.random() draws a single uniform number",
    ),
    "one number per image": (
        _floats(lambda x, rng: rng.random((len(x), 1)) < x),
        "One number per image, shared by its pixels",
    ),
    "one number per position": (
        _floats(lambda x, rng: rng.random(x.shape[1:]) < x),
        "One number per pixel position, shared by all the images",
    ),
    "the wrong way round": (
        _floats(lambda x, rng: rng.binomial(1, 1 - x)),
        "1 with probability 1 − x",
    ),
    "the uniform numbers": (
        lambda x, rng: rng.random(np.shape(x)),
        "Those are the uniform numbers themselves",
    ),
    "booleans": (
        lambda x, rng: rng.random(np.shape(x)) < x,
        "Your pixels are True/False",
    ),
    "an own generator": (
        _floats(lambda x, rng: np.random.default_rng(0).random(x.shape) < x),
        "not from a generator of your own",
    ),
    "the global generator": (
        _floats(lambda x, rng: np.random.random(x.shape) < x),
        "not from np.random's global generator",
    ),
}


@pytest.mark.parametrize("slip", sorted(BINARIZE_SLIPS))
def test_each_binarisation_slip_is_named(slip):
    answer, hint = BINARIZE_SLIPS[slip]
    assert hint in _fails_with(papers.check_binarize, answer)


def test_a_wrong_share_that_is_no_known_slip_gets_no_hint():
    coin = _floats(lambda x, rng: rng.random(x.shape) < 0.5)
    message = _fails_with(papers.check_binarize, coin)
    assert message.endswith("expected about 30% ones, got 50.1%."), message


@pytest.mark.parametrize(
    "answer",
    [
        _floats(lambda x, rng: rng.random(x.shape) <= x),
        _floats(lambda x, rng: rng.binomial(1, x)),
        _floats(lambda x, rng: rng.uniform(size=x.shape) < x),
    ],
    ids=["<=", "binomial", "uniform"],
)
def test_every_bernoulli_draw_passes(answer):
    papers.check_binarize(answer)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (
            lambda w: (
                logsumexp(w, axis=-1, keepdims=True) - np.log(np.shape(w)[-1])
            ),
            "That keeps the reduced axis",
        ),
        (
            lambda w: logsumexp(w) - np.log(np.size(w)),
            "You reduced over the whole array",
        ),
        (
            lambda w: np.log(np.mean(np.exp(w), axis=-1)),
            "subtract each row's largest log-weight before np.exp",
        ),
    ],
    ids=["keepdims", "whole array", "no maximum"],
)
def test_log_mean_exp_slips_are_named(answer, hint):
    assert hint in _fails_with(papers.check_log_mean_exp, answer)


def test_an_unknown_log_mean_exp_error_gets_no_hint():
    def off(log_w):
        return logsumexp(log_w, axis=-1) - np.log(np.shape(log_w)[-1]) + 1e-3

    message = _fails_with(papers.check_log_mean_exp, off)
    assert message.endswith("got [0.694, 0.694]."), message


def _entropy(x):
    return -(xlogy(x, x) + xlogy(1 - x, 1 - x))


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (_entropy, "That is one value per pixel"),
        (lambda x: _entropy(x).sum(), "You summed over the whole array"),
        (
            lambda x: _entropy(x).mean(axis=-1),
            "That is the mean over the pixels",
        ),
        (lambda x: -xlogy(x, x).sum(axis=-1), "The term (1 − x) log(1 − x)"),
    ],
    ids=["per pixel", "whole array", "mean", "one term"],
)
def test_bernoulli_floor_slips_are_named(answer, hint):
    assert hint in _fails_with(papers.check_bernoulli_floor, answer)


def test_a_nan_that_is_not_the_plain_formula_gets_no_hint():
    def nan_elsewhere(x):
        out = _entropy(x).sum(axis=-1)
        return np.where(out > 0.5, out, np.nan)  # loses the binary image only

    message = _fails_with(papers.check_bernoulli_floor, nan_elsewhere)
    assert "xlogy" not in message
    assert message.endswith("got [nan, 0.825]."), message
