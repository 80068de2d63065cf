"""Answers a learner might give to chapter 8's exercises.

WRONG: per exercise, a wrong answer and a fragment of the explanation its checker must give.
RIGHT: per exercise, a right answer written differently from the reference solution.
"""

import numpy as np
from keras import ops
from scipy import linalg

from vaecourse.losses import gaussian_kl_per_dim


def active_units_by_std(means, threshold=0.01):
    """Compares the standard deviation, not the variance, with the threshold."""
    return int(np.sum(np.std(means, axis=0) > threshold))


def active_units_in_a_loop(means, threshold=0.01):
    means = np.asarray(means, dtype=np.float64)
    count = 0
    for j in range(means.shape[1]):
        column = means[:, j]
        if np.mean((column - column.mean()) ** 2) > threshold:
            count += 1
    return count


def free_bits_per_example(mean, log_var, free_bits):
    """Clamps each image's KL per dimension before averaging over the batch."""
    kl = 0.5 * (np.exp(log_var) + mean**2 - 1.0 - log_var)
    return float(np.maximum(kl, free_bits).sum(axis=1).mean())


def free_bits_with_keras_ops(mean, log_var, free_bits):
    per_dim = gaussian_kl_per_dim(
        ops.convert_to_tensor(mean, "float64"),
        ops.convert_to_tensor(log_var, "float64"),
    )
    floor = ops.maximum(ops.mean(per_dim, axis=0), free_bits)
    return ops.convert_to_numpy(ops.sum(floor))


def frechet_with_separate_roots(mean1, cov1, mean2, cov2):
    """Takes √C1 √C2 for (C1 C2)^½: right only when the two commute."""
    diff = np.asarray(mean1) - np.asarray(mean2)
    cross = np.real(linalg.sqrtm(cov1) @ linalg.sqrtm(cov2))
    return float(diff @ diff + np.trace(cov1 + cov2 - 2 * cross))


def frechet_by_eigenvalues(mean1, cov1, mean2, cov2):
    # tr (C1 C2)^½ = Σ √λ over the eigenvalues of √C1 C2 √C1 (symmetric).
    values, vectors = np.linalg.eigh(np.asarray(cov1, float))
    root1 = (vectors * np.sqrt(np.clip(values, 0.0, None))) @ vectors.T
    eigenvalues = np.linalg.eigvalsh(root1 @ np.asarray(cov2, float) @ root1)
    cross = np.sqrt(np.clip(eigenvalues, 0.0, None)).sum()
    diff = np.subtract(mean1, mean2)
    return np.sum(diff**2) + np.trace(cov1) + np.trace(cov2) - 2 * cross


WRONG = {
    "08_what_goes_wrong_1_active_units": (
        active_units_by_std,
        "compare the variance, not the standard deviation",
    ),
    "08_what_goes_wrong_2_free_bits": (
        free_bits_per_example,
        "average KL_j over the batch first",
    ),
    "08_what_goes_wrong_3_frechet": (
        frechet_with_separate_roots,
        "is not √C1 √C2 unless the two matrices commute",
    ),
}
RIGHT = {
    "08_what_goes_wrong_1_active_units": active_units_in_a_loop,
    "08_what_goes_wrong_2_free_bits": free_bits_with_keras_ops,
    "08_what_goes_wrong_3_frechet": frechet_by_eigenvalues,
}
