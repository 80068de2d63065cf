"""Checkers for chapter 1 (autoencoders)."""

from __future__ import annotations

import numpy as np

from ..exercises import Exercise
from . import expect, name_the_slip

EPS = 1e-7


def _bce(x, x_hat, eps=EPS):
    x_hat = np.clip(x_hat, eps, 1 - eps)
    return -(x * np.log(x_hat) + (1 - x) * np.log(1 - x_hat))


def _array(value):
    return np.asarray(value, dtype=float)


def check_reconstruction_bce(reconstruction_bce) -> None:
    """``reconstruction_bce(images, reconstructions)``: per-image BCE, mean over pixels."""
    x = np.array([[0.0, 0.5, 1.0], [1.0, 0.2, 0.0]])
    x_hat = np.array([[0.2, 0.5, 0.9], [0.6, 0.1, 0.3]])
    case = "two images of 3 pixels"
    expected = _bce(x, x_hat).mean(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        got = _array(reconstruction_bce(x.copy(), x_hat.copy()))
    if got.shape == ():
        raise AssertionError(
            f"{case}: expected one value per image, shape (2,), got the single "
            f"number {float(got):.4f}. Average over the pixels (the last axis) "
            f"only, not over the images as well."
        )
    expect(
        got.shape == (2,),
        case,
        "shape (2,), one value per image",
        f"shape {got.shape}",
        "Average the per-pixel losses over the last axis (the pixels).",
    )
    expect(
        np.isfinite(got).all(),
        case,
        "finite values (every x̂ is strictly between 0 and 1)",
        got.tolist(),
        "Take the logs of the reconstruction x̂ (the second argument), not of "
        "the image x, whose pixels can be exactly 0 or 1.",
    )
    slips = [
        (
            expected * x.shape[1],
            (
                "that is the sum over the pixels: average them instead, so that "
                "the number is per pixel, as Keras reports it"
            ),
        ),
        (
            -expected,
            (
                "the sign is flipped: the cross-entropy is "
                "−[x log x̂ + (1 − x) log(1 − x̂)], a positive number"
            ),
        ),
        (
            (-x * np.log(x_hat)).mean(axis=-1),
            (
                "only the x log x̂ term is there: add (1 − x) log(1 − x̂), the term "
                "that punishes ink where the image is white"
            ),
        ),
        (
            _bce(x_hat, x).mean(axis=-1),
            (
                "the roles are swapped: take the log of the reconstruction x̂ (the "
                "second argument); the image x is the target"
            ),
        ),
        (
            ((x - x_hat) ** 2).mean(axis=-1),
            (
                "that is the mean squared error; this exercise asks for the binary "
                "cross-entropy the autoencoder was trained with"
            ),
        ),
    ]
    name_the_slip(case, expected, got, slips, rtol=1e-5, atol=1e-8)
    expect(
        np.allclose(got, expected, rtol=1e-5, atol=1e-8),
        case,
        np.round(expected, 5).tolist(),
        np.round(got, 5).tolist(),
        "Per pixel: −[x log x̂ + (1 − x) log(1 − x̂)], then the mean over the "
        "pixels of each image.",
    )

    x = np.array([[1.0, 0.0, 0.5, 1.0]])
    x_hat = np.array([[0.0, 1.0, 0.5, 1.0]])
    case = "outputs that are exactly 0 or 1 (a float32 sigmoid can round to them)"
    expected = _bce(x, x_hat).mean(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        got = _array(reconstruction_bce(x.copy(), x_hat.copy()))
    expect(
        got.shape == (1,) and np.isfinite(got).all(),
        case,
        f"a finite loss, {np.round(expected, 4).tolist()}",
        np.round(got, 4).tolist(),
        "log(0) is −∞: clip x̂ to [1e-7, 1 − 1e-7] before the logs, as Keras does.",
    )
    expect(
        np.allclose(got, expected, rtol=2e-2),
        case,
        np.round(expected, 4).tolist(),
        np.round(got, 4).tolist(),
        "Clip x̂ to [ε, 1 − ε] with ε = 1e-7, Keras' own epsilon, so that a "
        "wrong saturated pixel costs −log(1e-7) ≈ 16.1.",
    )

    rng = np.random.default_rng(0)
    x = rng.uniform(size=(5, 784)).astype("float32")
    x_hat = rng.uniform(0.01, 0.99, size=(5, 784)).astype("float32")
    case = "5 images of 784 float32 pixels"
    expected = _bce(x.astype(float), x_hat.astype(float)).mean(axis=-1)
    got = _array(reconstruction_bce(x.copy(), x_hat.copy()))
    expect(
        got.shape == (5,) and np.allclose(got, expected, rtol=1e-4),
        case,
        np.round(expected, 4).tolist(),
        np.round(got, 4).tolist(),
        "It works on the small case: does it average over the last axis, "
        "whatever the number of pixels?",
    )


def check_grid_over_codes(grid_over_codes) -> None:
    """``grid_over_codes(codes, n)``: n*n points over the codes' box, top row first."""
    codes = np.array([[0.0, 10.0], [4.0, 12.0], [2.0, 11.0], [1.0, 10.5]])
    xs, ys = np.linspace(0.0, 4.0, 3), np.linspace(10.0, 12.0, 3)
    case = "codes in the box [0, 4] × [10, 12], n = 3"
    expected = np.array([[x, y] for y in ys[::-1] for x in xs])
    got = _array(grid_over_codes(codes.copy(), 3))
    expect(
        got.shape == (9, 2),
        case,
        "shape (9, 2): n * n points of 2 coordinates",
        f"shape {got.shape}",
        "Flatten the grid into one row per point, e.g. with reshape(-1, 2)"
        if got.size == 18
        else "One point per tile of the mosaic, each with its 2 coordinates.",
    )
    slips = [
        (
            np.array([[x, y] for y in ys for x in xs]),
            (
                "the rows go from the bottom up: the first row of the mosaic is its "
                "top, so it takes the largest second coordinate"
            ),
        ),
        (
            np.array([[x, y] for x in xs for y in ys[::-1]]),
            (
                "the grid is transposed: within a row the first coordinate grows "
                "from left to right, and the second changes from row to row"
            ),
        ),
        (
            np.array([[x, y] for y in ys for x in xs[::-1]]),
            (
                "the grid is turned upside down and mirrored: start at the top "
                "left (smallest first, largest second coordinate)"
            ),
        ),
    ]
    name_the_slip(case, expected, got, slips)
    expect(
        np.isclose(got[:, 0].min(), 0.0)
        and np.isclose(got[:, 0].max(), 4.0)
        and np.isclose(got[:, 1].min(), 10.0)
        and np.isclose(got[:, 1].max(), 12.0),
        case,
        "first coordinates from 0 to 4 and second from 10 to 12, ends included",
        f"from {got[:, 0].min():.3g} to {got[:, 0].max():.3g} and from "
        f"{got[:, 1].min():.3g} to {got[:, 1].max():.3g}",
        "Each coordinate has its own range, the min and max of its column "
        "(axis=0), and np.linspace includes both ends (np.arange does not).",
    )
    expect(
        np.allclose(got, expected),
        case,
        expected.tolist(),
        np.round(got, 3).tolist(),
        "Row by row from the top: the first n points share the largest second "
        "coordinate, their first coordinates evenly spaced from left to right.",
    )

    rng = np.random.default_rng(0)
    codes = rng.normal(loc=(3.0, -2.0), scale=(5.0, 0.5), size=(200, 2))
    n = 6
    low, high = codes.min(axis=0), codes.max(axis=0)
    xs, ys = np.linspace(low[0], high[0], n), np.linspace(low[1], high[1], n)
    expected = np.array([[x, y] for y in ys[::-1] for x in xs])
    got = _array(grid_over_codes(codes.copy(), n))
    expect(
        got.shape == (n * n, 2) and np.allclose(got, expected),
        "200 random codes, n = 6",
        f"{n * n} points from ({xs[0]:.3f}, {ys[-1]:.3f}) to "
        f"({xs[-1]:.3f}, {ys[0]:.3f})",
        f"shape {got.shape}, first point {np.round(got[0], 3).tolist()}",
        "It works on the small case: does it use n, and the codes' own box?",
    )


def check_farthest_from_codes(farthest_from_codes) -> None:
    """``farthest_from_codes(candidates, codes, n)``: the n candidates farthest
    from their nearest code, farthest first."""
    codes = np.array([[0.0, 0.0], [10.0, 0.0]])
    candidates = np.array(
        [[2.0, 0.0], [5.0, 0.0], [9.0, 3.0], [5.0, 4.0], [0.0, 0.5]]
    )
    case = "codes (0, 0) and (10, 0), 5 candidates, n = 2"
    expected = np.array([[5.0, 4.0], [5.0, 0.0]])
    got = _array(farthest_from_codes(candidates.copy(), codes.copy(), 2))
    if got.shape == (2,):
        raise AssertionError(
            f"{case}: expected 2 points of 2 coordinates, got {got.tolist()}. "
            f"Return the points themselves, candidates[order], not their "
            f"indices."
        )
    expect(
        got.shape == (2, 2),
        case,
        "shape (2, 2): 2 points of 2 coordinates",
        f"shape {got.shape}",
        "Return the n chosen rows of candidates.",
    )
    slips = [
        (
            expected[::-1],
            "the right points in the wrong order: the farthest comes first",
        ),
        (
            np.array([[0.0, 0.5], [2.0, 0.0]]),
            (
                "those are the points closest to the codes: sort the distances "
                "from largest to smallest"
            ),
        ),
        (
            np.array([[2.0, 0.0], [0.0, 0.5]]),
            (
                "those are the points closest to the codes: sort the distances "
                "from largest to smallest"
            ),
        ),
        (
            np.array([[5.0, 4.0], [9.0, 3.0]]),
            (
                "that ranks by the summed (or mean) distance to all the codes: "
                "what counts is the distance to the *nearest* code, a minimum"
            ),
        ),
        (
            np.array([[0.0, 0.5], [9.0, 3.0]]),
            (
                "that ranks by the distance to the farthest code (or to the "
                "codes' centre): take the minimum over the codes"
            ),
        ),
    ]
    name_the_slip(case, expected, got, slips)
    expect(
        np.allclose(got, expected),
        case,
        expected.tolist(),
        got.tolist(),
        "Rank each candidate by its distance to its *nearest* code, largest first.",
    )

    rng = np.random.default_rng(0)
    many, ref = rng.normal(size=(500, 3)), rng.normal(size=(50, 3))

    def nearest(points):
        return np.linalg.norm(points[:, None] - ref[None], axis=-1).min(
            axis=1
        )

    expected = np.sort(nearest(many))[::-1][:5]
    got = _array(farthest_from_codes(many.copy(), ref.copy(), 5))
    case = "500 candidates and 50 codes in 3-D, n = 5"
    expect(
        got.shape == (5, 3),
        case,
        "shape (5, 3)",
        f"shape {got.shape}",
        "It works in 2-D: does it assume 2 coordinates, or a fixed n?",
    )
    expect(
        np.allclose(nearest(got), expected),
        case,
        f"points whose nearest code lies {np.round(expected, 3).tolist()} away",
        np.round(nearest(got), 3).tolist(),
        "It works in 2-D: does it use every coordinate of the codes?",
    )


EXERCISES = [
    Exercise(
        "01_autoencoders_1_reconstruction_bce",
        "reconstruction_bce",
        check_reconstruction_bce,
        rows_at_a_time=1000,
    ),
    Exercise(
        "01_autoencoders_2_code_grid",
        "grid_over_codes",
        check_grid_over_codes,
    ),
    Exercise(
        "01_autoencoders_3_empty_regions",
        "farthest_from_codes",
        check_farthest_from_codes,
    ),
]
