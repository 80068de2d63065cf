"""Answers a learner might give to chapter 10's exercises.

WRONG: per exercise, a wrong answer and a fragment of the explanation its
checker must give.
RIGHT: per exercise, a right answer written differently from the reference
solution.
"""

import numpy as np
from keras import ops
from scipy import stats


def farthest_codes(vectors, codebook):
    distances = (
        np.sum(vectors**2, axis=1, keepdims=True)
        - 2 * vectors @ codebook.T
        + np.sum(codebook**2, axis=1)
    )
    return np.argmax(distances, axis=1)  # the largest distance


def nearest_codes_without_the_vectors_lengths(vectors, codebook):
    # ‖v‖² is the same for every code of a row: it cannot change the argmin.
    vectors = np.asarray(vectors, dtype=np.float32)
    codebook = np.asarray(codebook, dtype=np.float32)
    scores = np.einsum("kd,kd->k", codebook, codebook) - 2 * np.einsum(
        "nd,kd->nk", vectors, codebook
    )
    return scores.argmin(axis=1)


def straight_through_reversed(z_e, z_q):
    return z_q + ops.stop_gradient(z_e - z_q)


def straight_through_stopping_each(z_e, z_q):
    return ops.stop_gradient(z_q) + z_e - ops.stop_gradient(z_e)


def codebook_usage_with_zero_terms(codes, num_codes):
    counts = np.bincount(np.ravel(codes), minlength=num_codes)
    p = counts / counts.sum()
    with np.errstate(all="ignore"):
        perplexity = np.exp(-np.sum(p * np.log(p)))  # 0 · log 0 is nan
    return perplexity, int(np.sum(counts == 0))


def codebook_usage_with_unique(codes, num_codes):
    used, counts = np.unique(codes, return_counts=True)
    perplexity = np.exp(stats.entropy(counts))  # entropy normalises counts
    return perplexity, num_codes - len(used)


WRONG = {
    "10_vq_vae_1_nearest_codes": (
        farthest_codes,
        "np.argmin, not np.argmax",
    ),
    "10_vq_vae_2_straight_through": (
        straight_through_reversed,
        "the roles are reversed",
    ),
    "10_vq_vae_3_codebook_usage": (
        codebook_usage_with_zero_terms,
        "0 · log 0 is nan",
    ),
}
RIGHT = {
    "10_vq_vae_1_nearest_codes": nearest_codes_without_the_vectors_lengths,
    "10_vq_vae_2_straight_through": straight_through_stopping_each,
    "10_vq_vae_3_codebook_usage": codebook_usage_with_unique,
}
