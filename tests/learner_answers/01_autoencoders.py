"""Answers a learner might give to chapter 1's exercises.

WRONG: per exercise, a wrong answer and a fragment of the explanation its checker must give.
RIGHT: per exercise, a right answer written differently from the reference solution.
"""

import numpy as np
from scipy.special import xlogy


def bce_summed_over_pixels(images, reconstructions):
    x_hat = np.clip(reconstructions, 1e-7, 1 - 1e-7)
    return -np.sum(images * np.log(x_hat) + (1 - images) * np.log(1 - x_hat), axis=1)


def bce_with_xlogy(images, reconstructions):
    x = np.asarray(images, dtype=np.float64)
    p = np.clip(np.asarray(reconstructions, dtype=np.float64), 1e-7, 1 - 1e-7)
    return -np.mean(xlogy(x, p) + xlogy(1 - x, 1 - p), axis=-1)


def grid_bottom_row_first(codes, n):
    low, high = np.min(codes, axis=0), np.max(codes, axis=0)
    gx, gy = np.meshgrid(
        np.linspace(low[0], high[0], n), np.linspace(low[1], high[1], n)
    )
    return np.column_stack([gx.ravel(), gy.ravel()])


def grid_with_two_loops(codes, n):
    codes = np.asarray(codes)
    (x0, y0), (x1, y1) = codes.min(axis=0), codes.max(axis=0)
    points = []
    for i in range(n):
        y = y1 - i * (y1 - y0) / (n - 1)
        for j in range(n):
            points.append((x0 + j * (x1 - x0) / (n - 1), y))
    return np.array(points)


def farthest_by_mean_distance(candidates, codes, n):
    d = np.linalg.norm(candidates[:, None] - codes[None], axis=-1).mean(axis=1)
    return candidates[np.argsort(-d)[:n]]


def farthest_by_brute_force(candidates, codes, n):
    candidates, codes = np.asarray(candidates), np.asarray(codes)
    squared = ((candidates[:, None, :] - codes[None, :, :]) ** 2).sum(axis=-1)
    nearest = squared.min(axis=1)  # squared distances rank the same way
    return candidates[np.argsort(-nearest, kind="stable")[:n]]


WRONG = {
    "01_autoencoders_1_reconstruction_bce": (
        bce_summed_over_pixels,
        "sum over the pixels",
    ),
    "01_autoencoders_2_code_grid": (grid_bottom_row_first, "from the bottom up"),
    "01_autoencoders_3_empty_regions": (farthest_by_mean_distance, "*nearest* code"),
}
RIGHT = {
    "01_autoencoders_1_reconstruction_bce": bce_with_xlogy,
    "01_autoencoders_2_code_grid": grid_with_two_loops,
    "01_autoencoders_3_empty_regions": farthest_by_brute_force,
}
