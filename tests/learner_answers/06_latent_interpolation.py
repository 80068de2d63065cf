"""Answers a learner might give to chapter 6's exercises.

WRONG: per exercise, a wrong answer and a fragment of the explanation its checker must give.
RIGHT: per exercise, a right answer written differently from the reference solution.
"""

import numpy as np


def linear_path_with_flat_ts(a, b, ts):
    ts = np.asarray(ts, dtype=float)
    return (1 - ts) * a + ts * b  # ts is not a column


def linear_path_by_outer_product(a, b, ts):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a + np.outer(ts, b - a)


def class_mean_path_by_row_number(encodings, labels, class_a, class_b, ts):
    mean_a, mean_b = encodings[class_a], encodings[class_b]
    ts = np.asarray(ts, dtype=float)[:, None]
    return (1 - ts) * mean_a + ts * mean_b


def class_mean_path_with_weights(encodings, labels, class_a, class_b, ts):
    def mean(digit):
        return np.average(encodings, axis=0, weights=(labels == digit))

    start, end = mean(class_a), mean(class_b)
    return np.stack([start + t * (end - start) for t in ts])


def slerp_without_zero_angle(z0, z1, ts):
    z0, z1 = np.asarray(z0, dtype=float), np.asarray(z1, dtype=float)
    cos = z0 @ z1 / (np.linalg.norm(z0) * np.linalg.norm(z1))
    omega = np.arccos(np.clip(cos, -1.0, 1.0))
    ts = np.asarray(ts, dtype=float)[:, None]
    return (np.sin((1 - ts) * omega) * z0 + np.sin(ts * omega) * z1) / np.sin(omega)


def slerp_with_arctan2(z0, z1, ts):
    z0, z1 = np.asarray(z0, dtype=np.float32), np.asarray(z1, dtype=np.float32)
    u0, u1 = z0 / np.linalg.norm(z0), z1 / np.linalg.norm(z1)
    omega = np.arctan2(np.linalg.norm(u1 - (u0 @ u1) * u0), u0 @ u1)
    rows = []
    for t in ts:
        if np.isclose(omega, 0.0):
            rows.append((1 - t) * z0 + t * z1)
        else:
            w0, w1 = np.sin((1 - t) * omega), np.sin(t * omega)
            rows.append((w0 * z0 + w1 * z1) / np.sin(omega))
    return np.array(rows, dtype=np.float32)


WRONG = {
    "06_latent_interpolation_1_linear_path": (linear_path_with_flat_ts, "ts[:, None]"),
    "06_latent_interpolation_2_class_mean_path": (
        class_mean_path_by_row_number,
        "encodings[labels == class_a]",
    ),
    "06_latent_interpolation_3_slerp": (
        slerp_without_zero_angle,
        "return the straight line",
    ),
}
RIGHT = {
    "06_latent_interpolation_1_linear_path": linear_path_by_outer_product,
    "06_latent_interpolation_2_class_mean_path": class_mean_path_with_weights,
    "06_latent_interpolation_3_slerp": slerp_with_arctan2,
}
