"""Answers a learner might give to the exercises of the appendix on papers'
numbers.

WRONG: per exercise, a wrong answer and a fragment of the explanation its
checker must give. RIGHT: per exercise, a right answer written differently
from the reference solution.
"""

import numpy as np
from scipy.special import logsumexp


def binarize_by_rounding(x, rng):
    return np.round(x).astype("float32")


def binarize_with_a_comparison(x, rng):
    x = np.asarray(x, dtype="float32")
    return np.where(rng.uniform(size=x.shape) < x, 1.0, 0.0).astype(x.dtype)


def log_of_the_sum(log_w):
    return logsumexp(log_w, axis=-1)


def log_mean_exp_with_scipy(log_w):
    log_w = np.asarray(log_w, dtype=float)
    k = log_w.shape[-1]
    return logsumexp(log_w, axis=-1, b=1.0 / k)


def floor_with_nan_at_black_pixels(x):
    x = np.asarray(x, dtype=float)
    return -(x * np.log(x) + (1 - x) * np.log(1 - x)).sum(axis=-1)


def floor_clipped(x):
    p = np.clip(np.asarray(x, dtype=float), 1e-300, 1.0)
    q = np.clip(1.0 - np.asarray(x, dtype=float), 1e-300, 1.0)
    return np.sum(-(p * np.log(p)) - q * np.log(q), axis=-1)


WRONG = {
    "papers_1_binarize": (
        binarize_by_rounding,
        "Those are the images rounded (np.round(x), or x > 0.5)",
    ),
    "papers_2_log_mean_exp": (
        log_of_the_sum,
        "That is the log of the sum",
    ),
    "papers_3_bernoulli_floor": (
        floor_with_nan_at_black_pixels,
        "counts as 0",
    ),
}

RIGHT = {
    "papers_1_binarize": binarize_with_a_comparison,
    "papers_2_log_mean_exp": log_mean_exp_with_scipy,
    "papers_3_bernoulli_floor": floor_clipped,
}
