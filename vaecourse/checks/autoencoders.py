"""Checkers for chapter 1 (autoencoders)."""

from __future__ import annotations

import numpy as np

from ..exercises import Exercise
from . import expect, is_tensor, kind_of, name_the_slip

EPS = 1e-7


def _bce(x, x_hat, eps=EPS):
    x_hat = np.clip(x_hat, eps, 1 - eps)
    return -(x * np.log(x_hat) + (1 - x) * np.log(1 - x_hat))


def _numpy_array(value, case: str, chapter_use: str) -> np.ndarray:
    """``value`` as a float array, provided it is a NumPy array: the chapter goes on
    with NumPy on what the learner's function returns (``chapter_use`` says how), so a
    tensor or a list that the checker could read would break the next cell. Anything
    else is refused, saying why."""
    convert = (
        "keras.ops.convert_to_numpy(...)"
        if is_tensor(value)
        else "np.asarray(...)"
    )
    expect(
        isinstance(value, np.ndarray),
        case,
        "a NumPy array",
        kind_of(value),
        f"The chapter goes on with NumPy on what your function returns "
        f"({chapter_use}): compute it with NumPy, or return {convert} of "
        f"your result.",
    )
    return np.asarray(value, dtype=float)


# How chapter 1 goes on with what each function returns.
BCE_USE = "test_bce.mean(), np.argsort(test_bce)"
GRID_USE = "grid_points[:n, 0], decoder.predict(grid_points)"
HOLES_USE = "decoder.predict(hole_points), back - hole_points"


def _per_image_bce(reconstruction_bce, x, x_hat, case):
    """The learner's values on one case: refused unless a NumPy array (the chapter
    calls its methods), with a single number named as such."""
    with np.errstate(divide="ignore", invalid="ignore"):
        value = reconstruction_bce(x.copy(), x_hat.copy())
    if np.ndim(value) == 0:
        raise AssertionError(
            f"{case}: expected one value per image, shape ({len(x)},), got the "
            f"single number {float(np.asarray(value)):.4f}. Average over the "
            f"pixels (the last axis) only, not over the images as well."
        )
    got = _numpy_array(value, case, BCE_USE)
    if got.shape == x.shape:
        hint = "One value per pixel: average them over the last axis, the pixels."
    elif got.shape == x.shape[1:]:
        hint = (
            "One value per pixel position: that is the mean over the images "
            "(axis 0); average over the pixels (the last axis) instead."
        )
    else:
        hint = ""
    expect(
        got.shape == (len(x),),
        case,
        f"shape ({len(x)},), one value per image",
        f"shape {got.shape}",
        hint,
    )
    return got


def _clipped_at(x, x_hat, eps):
    return _bce(x, x_hat, eps).mean(axis=-1)


def check_reconstruction_bce(reconstruction_bce) -> None:
    """``reconstruction_bce(images, reconstructions)``: per-image BCE, mean over pixels."""
    x = np.array([[0.0, 0.5, 1.0], [1.0, 0.2, 0.0]])
    x_hat = np.array([[0.2, 0.5, 0.9], [0.6, 0.1, 0.3]])
    case = "two images of 3 pixels"
    expected = _bce(x, x_hat).mean(axis=-1)
    got = _per_image_bce(reconstruction_bce, x, x_hat, case)
    with np.errstate(divide="ignore", invalid="ignore"):
        # the roles swapped and nothing clipped: logs of the image's 0s and 1s
        swapped = -(x_hat * np.log(x) + (1 - x_hat) * np.log(1 - x))
    if not np.isfinite(got).all():
        name_the_slip(
            case,
            expected,
            got,
            [
                (
                    swapped.mean(axis=-1),
                    (
                        "the logs are of the image x, whose pixels can be exactly "
                        "0 or 1: take them of the reconstruction x̂ (the second "
                        "argument); x is the target"
                    ),
                )
            ],
            equal_nan=True,
        )
    expect(
        np.isfinite(got).all(),
        case,
        "finite values (every x̂ is strictly between 0 and 1)",
        got.tolist(),
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
    )

    x = np.array([[1.0, 0.0, 0.5, 1.0]])
    x_hat = np.array([[0.0, 1.0, 0.5, 1.0]])
    case = "outputs that are exactly 0 or 1 (a float32 sigmoid can round to them)"
    expected = _clipped_at(x, x_hat, EPS)
    got = _per_image_bce(reconstruction_bce, x, x_hat, case)
    # The first case passed: the formula is right wherever 0 < x̂ < 1, so a value
    # that is not finite here comes from a log of 0 at x̂ = 0 or 1.
    expect(
        np.isfinite(got).all(),
        case,
        f"a finite loss, {np.round(expected, 4).tolist()}",
        np.round(got, 4).tolist(),
        "Your function is right for x̂ strictly between 0 and 1, not at 0 or "
        "1, where log(0) is −∞: clip x̂ to [1e-7, 1 − 1e-7] before the logs, as "
        "Keras does.",
    )
    ok = np.allclose(got, expected, rtol=2e-2)
    if not ok:
        name_the_slip(
            case,
            expected,
            got,
            [
                (
                    _clipped_at(x, x_hat, eps),
                    (
                        f"that is x̂ clipped to [{eps:.0e}, 1 − {eps:.0e}]: clip to "
                        "[1e-7, 1 − 1e-7], Keras' own epsilon, so that a wrong "
                        "saturated pixel costs −log(1e-7) ≈ 16.1"
                    ),
                )
                for eps in (1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-8, 1e-10, 1e-15)
            ],
            rtol=1e-3,
        )
    expect(
        ok, case, np.round(expected, 4).tolist(), np.round(got, 4).tolist()
    )

    rng = np.random.default_rng(0)
    x = rng.uniform(size=(5, 784)).astype("float32")
    x_hat = rng.uniform(0.01, 0.99, size=(5, 784)).astype("float32")
    case = "5 images of 784 float32 pixels"
    expected = _bce(x.astype(float), x_hat.astype(float)).mean(axis=-1)
    got = _per_image_bce(reconstruction_bce, x, x_hat, case)
    expect(
        np.allclose(got, expected, rtol=1e-4),
        case,
        np.round(expected, 4).tolist(),
        np.round(got, 4).tolist(),
    )


def _grid(xs, ys):
    """The points of the mosaic, top row first: ys from the largest down."""
    return np.array([[x, y] for y in ys[::-1] for x in xs])


def check_grid_over_codes(grid_over_codes) -> None:
    """``grid_over_codes(codes, n)``: n*n points over the codes' box, top row first."""
    codes = np.array([[0.0, 10.0], [4.0, 12.0], [2.0, 11.0], [1.0, 10.5]])
    xs, ys = np.linspace(0.0, 4.0, 3), np.linspace(10.0, 12.0, 3)
    case = "codes in the box [0, 4] × [10, 12], n = 3"
    expected = _grid(xs, ys)
    got = _numpy_array(grid_over_codes(codes.copy(), 3), case, GRID_USE)
    shape_hints = {
        (
            3,
            3,
            2,
        ): "That is the grid itself, n × n points: flatten it into one "
        "row per point, with reshape(-1, 2).",
        (2, 9): "The coordinates are in rows: give one row per point, its 2 "
        "coordinates as columns (stack on axis=-1, or transpose).",
        (
            2,
            3,
            3,
        ): "Those are the two meshgrid arrays: stack them on the last "
        "axis and flatten, np.stack([gx, gy], axis=-1).reshape(-1, 2).",
    }
    expect(
        got.shape == (9, 2),
        case,
        "shape (9, 2): n * n points of 2 coordinates",
        f"shape {got.shape}",
        shape_hints.get(got.shape, ""),
    )
    slips = [
        (
            _grid(xs, ys[::-1]),
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
        (
            _grid(np.linspace(0.0, 12.0, 3), np.linspace(0.0, 12.0, 3)),
            (
                "both coordinates run over the range of all the codes together, "
                "0 to 12: each has its own, the min and max of its column "
                "(axis=0)"
            ),
        ),
        (
            _grid(
                np.linspace(0.0, 4.0, 3, endpoint=False),
                np.linspace(10.0, 12.0, 3, endpoint=False),
            ),
            (
                "the largest codes are left out, as np.arange leaves out its "
                "stop: np.linspace(low, high, n) includes both ends"
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
    )
    expect(
        np.allclose(got, expected),
        case,
        expected.tolist(),
        np.round(got, 3).tolist(),
    )

    rng = np.random.default_rng(0)
    codes = rng.normal(loc=(3.0, -2.0), scale=(5.0, 0.5), size=(200, 2))
    n = 6
    low, high = codes.min(axis=0), codes.max(axis=0)
    xs, ys = np.linspace(low[0], high[0], n), np.linspace(low[1], high[1], n)
    expected = _grid(xs, ys)
    case = "200 random codes, n = 6"
    got = _numpy_array(grid_over_codes(codes.copy(), n), case, GRID_USE)
    expect(
        got.shape == (n * n, 2) and np.allclose(got, expected),
        case,
        f"{n * n} points from ({xs[0]:.3f}, {ys[-1]:.3f}) to "
        f"({xs[-1]:.3f}, {ys[0]:.3f})",
        f"shape {got.shape}, first point {np.round(got[0], 3).tolist()}"
        if got.ndim == 2 and len(got)
        else f"shape {got.shape}",
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
    got = _numpy_array(
        farthest_from_codes(candidates.copy(), codes.copy(), 2),
        case,
        HOLES_USE,
    )
    nearest = np.linalg.norm(candidates[:, None] - codes[None], axis=-1).min(
        axis=1
    )
    if got.shape == (2,):
        indices = np.all(got == np.round(got)) and np.all(
            (got >= 0) & (got < len(candidates))
        )
        if indices or np.allclose(got, np.sort(nearest)[::-1][:2]):
            what = "indices" if indices else "distances"
            raise AssertionError(
                f"{case}: expected 2 points of 2 coordinates, got "
                f"{np.round(got, 4).tolist()}, the {what} of the farthest "
                f"candidates. Return the points themselves, candidates[order]."
            )
    expect(
        got.shape == (2, 2),
        case,
        "shape (2, 2): 2 rows of candidates, 2 coordinates each",
        f"shape {got.shape}",
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
    expect(np.allclose(got, expected), case, expected.tolist(), got.tolist())

    rng = np.random.default_rng(0)
    many, ref = rng.normal(size=(500, 3)), rng.normal(size=(50, 3))

    def nearest(points):
        return np.linalg.norm(points[:, None] - ref[None], axis=-1).min(
            axis=1
        )

    expected = np.sort(nearest(many))[::-1][:5]
    case = "500 candidates and 50 codes in 3-D, n = 5"
    got = _numpy_array(
        farthest_from_codes(many.copy(), ref.copy(), 5), case, HOLES_USE
    )
    expect(got.shape == (5, 3), case, "shape (5, 3)", f"shape {got.shape}")
    expect(
        np.allclose(nearest(got), expected),
        case,
        f"points whose nearest code lies {np.round(expected, 3).tolist()} away",
        np.round(nearest(got), 3).tolist(),
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
