"""Checkers for the appendix on papers' numbers (binarised MNIST, the
importance-weighted estimate, the floor of the Bernoulli cross-entropy)."""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp, xlogy

from ..exercises import Exercise
from . import expect


def _show(x, digits: int = 3):
    return np.round(np.asarray(x, dtype=float), digits).tolist()


def _shown_apart(expected, got) -> tuple[list, list]:
    """``expected`` and ``got`` rounded to enough decimals that they print differently
    where they differ (3, or more for a small difference)."""
    expected = np.asarray(expected, dtype=float)
    got = np.asarray(got, dtype=float)
    digits = 3
    if got.shape == expected.shape and np.all(np.isfinite(got)):
        gap = float(np.max(np.abs(got - expected), initial=0.0))
        if 0 < gap < 1e-3:
            digits = min(12, int(np.ceil(-np.log10(gap))) + 1)
    return _show(expected, digits), _show(got, digits)


def _array(out, case, hint):
    expect(
        isinstance(out, np.ndarray),
        case,
        "a NumPy array",
        type(out).__name__,
        hint,
    )
    return out


# Exercise 1: dynamic binarisation --------------------------------------------


def check_binarize(binarize) -> None:
    """``binarize(x, rng)``: each pixel 1 with probability its grey level."""
    grey = np.full((200, 784), 0.3, dtype="float32")
    case = "x: 200 images whose 784 pixels are all 0.3"
    with np.errstate(all="ignore"):
        got = binarize(grey, np.random.default_rng(0))
    got = _array(got, case, "Return the binary images as one array, like x.")
    expect(
        got.shape == grey.shape,
        case,
        f"shape {grey.shape}",
        f"shape {got.shape}",
        "One binary pixel for each grey pixel: the same shape as x.",
    )
    expect(
        np.issubdtype(got.dtype, np.floating),
        case,
        "an array of floats (0.0 and 1.0)",
        f"dtype {got.dtype}",
        "The model takes numbers: .astype('float32') turns True/False "
        "into 1.0/0.0.",
    )
    values = set(np.unique(got).tolist())
    expect(
        values <= {0.0, 1.0},
        case,
        "only 0 and 1",
        f"values such as {sorted(values)[:4]}",
        "Each pixel is a draw, 1 or 0, not a probability.",
    )
    share = float(got.mean())
    hint = "Draw: a pixel is 1 when rng.random(x.shape) < x."
    if share < 0.01:
        hint = (
            "Rounding at 0.5 is one fixed binarisation: a grey level of 0.3 "
            "must give 1 in 30% of the pixels. Draw: rng.random(x.shape) < x."
        )
    elif abs(share - 0.7) < 0.02:
        hint = (
            "The comparison is the wrong way round: rng.random(x.shape) > x "
            "is 1 with probability 1 − x. Use rng.random(x.shape) < x."
        )
    expect(
        abs(share - 0.3) < 0.02, case, "about 30% ones", f"{share:.1%}", hint
    )

    case = "x = [[0, 1, 0, 1]]: black and white pixels"
    ends = np.array([[0.0, 1.0, 0.0, 1.0]], dtype="float32")
    got = np.asarray(binarize(ends, np.random.default_rng(1)))
    expect(
        np.array_equal(got, ends),
        case,
        _show(ends),
        _show(got),
        "A black pixel (0) must always give 0 and a white one (1) always "
        "1: a pixel is 1 when rng.random(x.shape) < x.",
    )

    case = "two calls on the same images with one rng"
    rng = np.random.default_rng(2)
    first = np.asarray(binarize(grey, rng))
    second = np.asarray(binarize(grey, rng))
    expect(
        not np.array_equal(first, second),
        case,
        "two different draws",
        "the same binary images twice",
        "Draw from the rng you are given, not from a generator you seed "
        "inside the function: dynamic binarisation draws afresh each time.",
    )
    case = "two calls with rngs of the same seed"
    again = np.asarray(binarize(grey, np.random.default_rng(2)))
    expect(
        np.array_equal(first, again),
        case,
        "the same draw",
        "different draws",
        "Use the rng you are given (rng.random), not np.random's global "
        "generator: the same seed must give the same images.",
    )


# Exercise 2: the log of a mean of exponentials ---------------------------------


def _reference_lme(log_w):
    log_w = np.asarray(log_w, dtype=float)
    return logsumexp(log_w, axis=-1) - np.log(log_w.shape[-1])


def _check_lme(log_mean_exp, log_w, case):
    expected = _reference_lme(log_w)
    with np.errstate(all="ignore"):
        got = np.asarray(log_mean_exp(log_w), dtype=float)
    if got.shape != expected.shape:
        expect(
            False,
            case,
            f"shape {expected.shape}, one number per row",
            f"shape {got.shape}",
            "Reduce over the last axis only (axis=-1): each row holds the k "
            "log-weights of one image.",
        )
    if np.allclose(got, expected, rtol=0, atol=1e-6):
        return
    with np.errstate(all="ignore"):
        # One maximum for the whole array instead of one per row: rows far below
        # the top underflow to exp(...) = 0.
        top = np.max(log_w)
        global_max = top + np.log(np.mean(np.exp(log_w - top), axis=-1))
    slips = [
        (
            not np.all(np.isfinite(expected - global_max))
            and np.array_equal(got, global_max, equal_nan=True),
            (
                "One maximum for the whole array: a row far below it underflows "
                "to exp(...) = 0 and its log to −inf. Subtract each row's own "
                "largest log-weight (keepdims=True keeps it broadcastable)."
            ),
        ),
        (
            not np.all(np.isfinite(got)),
            (
                "exp of a log-weight of −1,000 is 0 and of +1,000 is inf in "
                "floating point: subtract each row's largest log-weight before "
                "np.exp, and add it back after np.log."
            ),
        ),
        (
            np.allclose(got, logsumexp(log_w, axis=-1), atol=1e-6),
            (
                "That is the log of the sum: the mean divides by k, so subtract "
                "log k."
            ),
        ),
        (
            np.allclose(got, np.mean(log_w, axis=-1), atol=1e-6),
            (
                "That is the mean of the logs (what the ELBO averages), which is "
                "lower (Jensen's inequality): take the log of the mean of the "
                "weights exp(log_w)."
            ),
        ),
    ]
    for matched, hint in slips:
        expect(not matched, case, _show(expected), _show(got), hint)
    expect(
        False,
        case,
        *_shown_apart(expected, got),
        "log_mean_exp(log_w) = log((1/k) Σ exp(log_w)) for each row.",
    )


def check_log_mean_exp(log_mean_exp) -> None:
    """``log_mean_exp(log_w)``: log (1/k) Σ_i exp(log_w_i) over the last axis."""
    _check_lme(
        log_mean_exp,
        np.log([[1.0, 3.0, 2.0], [2.0, 2.0, 2.0]]),
        "log_w = log [[1, 3, 2], [2, 2, 2]] (both means are 2)",
    )
    rng = np.random.default_rng(0)
    _check_lme(
        log_mean_exp,
        rng.normal(-1000.0, 5.0, size=(3, 50)),
        "3 rows of 50 log-weights near −1,000",
    )
    _check_lme(
        log_mean_exp,
        rng.normal(1000.0, 5.0, size=(2, 7)),
        "2 rows of 7 log-weights near +1,000",
    )
    _check_lme(
        log_mean_exp,
        np.array([[0.0, -1.0, 2.0], [-1000.0, -1001.0, -998.0]]),
        "two rows 1,000 apart: [0, −1, 2] and [−1000, −1001, −998]",
    )
    _check_lme(
        log_mean_exp,
        np.array([[-90.0], [-85.5]]),
        "k = 1: one log-weight per row (the mean of one weight is itself)",
    )


# Exercise 3: the floor of the Bernoulli cross-entropy --------------------------


def _reference_floor(x):
    x = np.asarray(x, dtype=float)
    return -(xlogy(x, x) + xlogy(1 - x, 1 - x)).sum(axis=-1)


def _check_floor(bernoulli_floor, x, case):
    expected = _reference_floor(x)
    with np.errstate(all="ignore"):
        got = np.asarray(bernoulli_floor(x), dtype=float)
    expect(
        got.shape == expected.shape,
        case,
        f"shape {expected.shape}, one number per image",
        f"shape {got.shape}",
        "Sum over the pixels (the last axis), one floor per image.",
    )
    # Clipping x into [ε, 1 − ε] before the logs, as chapter 1 teaches (ε = 1e-7) and
    # the package does (losses.EPS = 1e-6), moves each black or white pixel's term by
    # about ε(1 − log ε) < 2e-5 nats: admitted.
    saturated = np.sum((np.asarray(x) == 0) | (np.asarray(x) == 1), axis=-1)
    if np.all(np.abs(got - expected) <= 1e-6 + 2e-5 * saturated):
        return
    expect(
        np.all(np.isfinite(got)),
        case,
        _show(expected),
        _show(got),
        "A black or white pixel gives 0 · log 0, which counts as 0 (its "
        "entropy is 0): use scipy.special.xlogy, or np.where to skip those "
        "pixels.",
    )
    expect(
        not np.allclose(got, -expected, atol=1e-6),
        case,
        _show(expected),
        _show(got),
        "The sign: an entropy −[x log x + (1 − x) log(1 − x)] is never "
        "negative.",
    )
    expect(
        not np.allclose(got, expected / np.log(2), atol=1e-6),
        case,
        _show(expected),
        _show(got),
        "That is in bits: the course counts nats, with the natural log "
        "(np.log).",
    )
    expect(
        False,
        case,
        *_shown_apart(expected, got),
        "Each pixel's share is −[x log x + (1 − x) log(1 − x)]: the "
        "cross-entropy at its minimum, where the decoder's p equals x.",
    )


def check_bernoulli_floor(bernoulli_floor) -> None:
    """``bernoulli_floor(x)``: Σ over pixels of the binary entropy of x, in nats."""
    _check_floor(
        bernoulli_floor,
        np.full((2, 784), 0.5),
        "two images whose 784 pixels are all 0.5 (784 log 2 each)",
    )
    _check_floor(
        bernoulli_floor,
        np.array([[0.0, 1.0, 0.0, 1.0], [0.0, 0.2, 0.9, 1.0]]),
        "x = [[0, 1, 0, 1], [0, 0.2, 0.9, 1]]: a binary image, then grey "
        "levels with black and white",
    )


EXERCISES = [
    Exercise("papers_1_binarize", "binarize", check_binarize),
    Exercise(
        "papers_2_log_mean_exp",
        "log_mean_exp",
        check_log_mean_exp,
    ),
    Exercise(
        "papers_3_bernoulli_floor",
        "bernoulli_floor",
        check_bernoulli_floor,
    ),
]
