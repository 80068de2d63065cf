"""Checkers for chapter 6 (latent interpolation)."""

from __future__ import annotations

import numpy as np

from ..exercises import Exercise
from . import expect, name_the_slip

COLUMN = (
    "Make ts a column, ts[:, None], so that each t weighs a whole point and "
    "gives one row (with a flat ts, NumPy pairs the i-th t with the i-th "
    "coordinate, or cannot pair them at all)."
)


def _show(x):
    return np.round(np.asarray(x, dtype=float), 3).tolist()


def _run(function, case, *args, hint=COLUMN):
    """Call the learner's function; a NumPy array of floats comes back."""
    try:
        with np.errstate(all="ignore"):
            out = function(*args)
    except ValueError as err:
        if "broadcast" not in str(err):
            raise
        raise AssertionError(
            f"{case}: NumPy could not broadcast ({err}). {hint}"
        ) from None
    expect(
        isinstance(out, np.ndarray),
        case,
        "a NumPy array",
        type(out).__name__,
        "Return one array with a row per t (np.asarray or np.stack).",
    )
    return out.astype(float)


def _rows(got, n, d, case, hint=COLUMN):
    if got.shape == (d, n) and n != d:
        hint = "That is transposed: one row per t, one column per coordinate."
    expect(
        got.shape == (n, d),
        case,
        f"shape ({n}, {d})",
        f"shape {got.shape}",
        hint,
    )


def _line(a, b, ts):
    ts = np.asarray(ts, dtype=float)[:, None]
    return (1 - ts) * np.asarray(a, dtype=float) + ts * np.asarray(
        b, dtype=float
    )


# Exercise 6.1 ------------------------------------------------------------------


def _check_line(linear_path, a, b, ts, case):
    got = _run(linear_path, case, a, b, ts)
    _rows(got, len(ts), len(a), case)
    expected = _line(a, b, ts)
    if np.allclose(got, expected, atol=1e-5):
        return
    expect(
        not np.allclose(got, _line(b, a, ts), atol=1e-5),
        case,
        _show(expected),
        _show(got),
        "The ends are swapped: at t = 0 the path is at a, at t = 1 at b, so "
        "(1 − t) weighs a and t weighs b.",
    )
    spaced = _line(a, b, np.linspace(0, 1, len(ts)))
    expect(
        not np.allclose(got, spaced, atol=1e-5),
        case,
        _show(expected),
        _show(got),
        "Use the ts you are given, in their order: they need not be evenly "
        "spaced from 0 to 1.",
    )
    expect(
        not np.allclose(
            got, a + np.asarray(ts, dtype=float)[:, None] * b, atol=1e-5
        ),
        case,
        _show(expected),
        _show(got),
        "The two weights, 1 − t and t, must add up to 1: a + t·b overshoots b.",
    )
    expect(
        False,
        case,
        _show(expected),
        _show(got),
        "Each row is (1 − t)·a + t·b.",
    )


def check_linear_path(linear_path) -> None:
    """``linear_path(a, b, ts)``: the rows (1 − t)·a + t·b, one per t."""
    _check_line(
        linear_path,
        np.array([1.0, 2.0]),
        np.array([3.0, -2.0]),
        np.array([0.0, 0.25, 0.5, 1.0]),
        "a = [1, 2], b = [3, -2], ts = [0, 0.25, 0.5, 1]",
    )
    _check_line(
        linear_path,
        np.array([1.0, 0.0, -1.0]),
        np.array([0.0, 2.0, 1.0]),
        np.array([0.0, 0.5, 1.0]),
        "as many ts as coordinates: a = [1, 0, -1], b = [0, 2, 1], ts = [0, 0.5, 1]",
    )
    rng = np.random.default_rng(61)
    x_a, x_b = rng.random((2, 784), dtype=np.float32)
    _check_line(
        linear_path,
        x_a,
        x_b,
        np.array([0.9, 0.1, 0.5]),
        "two 784-pixel images, ts = [0.9, 0.1, 0.5]",
    )
    case = "ts given as a list, linear_path(a, b, [0.5])"
    try:
        got = _run(
            linear_path,
            case,
            np.array([0.0, 4.0]),
            np.array([2.0, 0.0]),
            [0.5],
        )
    except (TypeError, IndexError) as err:
        raise AssertionError(
            f"{case}: raised {type(err).__name__}: {err}. ts may come as a "
            "list, like [t]: turn it into an array first, np.asarray(ts)."
        ) from None
    _rows(got, 1, 2, case)
    expect(np.allclose(got, [[1.0, 2.0]]), case, [[1.0, 2.0]], _show(got))


# Exercise 6.2 ------------------------------------------------------------------

AXIS = (
    "Average over the images, axis 0, so that a class's mean is one encoding "
    "with as many coordinates as each of its images; and make ts a column, "
    "ts[:, None]."
)


def _check_class_path(
    class_mean_path, encodings, labels, class_a, class_b, ts, case
):
    got = _run(
        class_mean_path,
        case,
        encodings,
        labels,
        class_a,
        class_b,
        ts,
        hint=AXIS,
    )
    _rows(got, len(ts), encodings.shape[1], case, hint=AXIS)
    mean_a = encodings[labels == class_a].mean(axis=0)
    mean_b = encodings[labels == class_b].mean(axis=0)
    expected = _line(mean_a, mean_b, ts)
    if np.allclose(got, expected, atol=1e-5):
        return
    # What a t = 0 row holds for each slip: the wrong start, and the hint.
    slips = [
        (
            _line(mean_b, mean_a, ts),
            "The ends are swapped: at t = 0 the path is at the mean of class_a.",
        ),
        (
            _line(encodings[class_a], encodings[class_b], ts),
            (
                f"That is row number {class_a} of encodings: select the rows whose "
                "label is class_a, encodings[labels == class_a], then average them."
            ),
        ),
        (
            _line(encodings.mean(axis=0), encodings.mean(axis=0), ts),
            (
                "That is the mean of every encoding, whatever its label: keep only "
                "those of the class, encodings[labels == class_a]."
            ),
        ),
        (
            _line(
                encodings[labels == class_a].sum(axis=0) / len(encodings),
                encodings[labels == class_b].sum(axis=0) / len(encodings),
                ts,
            ),
            (
                "Divide by the number of images of the class, not of all images "
                "(.mean(axis=0) on the selected rows does it)."
            ),
        ),
    ]
    name_the_slip(case, expected, got, slips, show=_show, atol=1e-5)
    expect(
        False,
        case,
        _show(expected),
        _show(got),
        f"The rows are (1 − t)·m_a + t·m_b, with m_a = {_show(mean_a)} the mean "
        f"encoding of class {class_a} and m_b = {_show(mean_b)} that of class {class_b}.",
    )


def check_class_mean_path(class_mean_path) -> None:
    """``class_mean_path(encodings, labels, a, b, ts)``: the line between two class means."""
    labels = np.array([2, 0, 1, 2, 2, 0, 1, 2, 0, 2], dtype=np.uint8)
    rng = np.random.default_rng(62)
    encodings = (rng.normal(size=(10, 2)) + 3.0 * labels[:, None]).round(2)
    _check_class_path(
        class_mean_path,
        encodings,
        labels,
        2,
        0,
        np.array([0.0, 0.5, 1.0]),
        "10 encodings in 2-D of classes 0, 1, 2 (uint8 labels), from class 2 "
        "to class 0, ts = [0, 0.5, 1]",
    )
    labels = rng.permutation(np.repeat(np.arange(10, dtype=np.uint8), 4))
    encodings = rng.normal(size=(40, 5)).astype(np.float32)
    _check_class_path(
        class_mean_path,
        encodings,
        labels,
        3,
        7,
        np.array([1.0, 0.25]),
        "40 encodings in 5-D of the ten digits, from the 3s to the 7s, ts = [1, 0.25]",
    )


# Exercise 6.3 ------------------------------------------------------------------


def _slerp(z0, z1, ts, unit_angle=True, divide=True):
    """The reference formula, and two of its slips (switched off by the flags)."""
    z0, z1 = np.asarray(z0, dtype=float), np.asarray(z1, dtype=float)
    cos = z0 @ z1
    if unit_angle:
        cos = cos / (np.linalg.norm(z0) * np.linalg.norm(z1))
    omega = np.arccos(np.clip(cos, -1.0, 1.0))
    ts = np.asarray(ts, dtype=float)[:, None]
    path = np.sin((1 - ts) * omega) * z0 + np.sin(ts * omega) * z1
    return path / np.sin(omega) if divide else path


def _check_slerp_case(slerp, z0, z1, ts, case):
    got = _run(slerp, case, z0, z1, ts)
    _rows(got, len(ts), len(z0), case)
    expected = _slerp(z0, z1, ts)
    if np.allclose(got, expected, atol=1e-5):
        return
    unit = np.linalg.norm
    slips = [
        (
            _line(z0, z1, ts),
            (
                "That is the straight line: follow the great circle, with the "
                "weights sin((1 − t)Ω)/sin Ω for z0 and sin(tΩ)/sin Ω for z1."
            ),
        ),
        (
            _slerp(z1, z0, ts),
            (
                "The ends are swapped: at t = 0 the path is at z0, so sin((1 − t)Ω) "
                "weighs z0 and sin(tΩ) weighs z1."
            ),
        ),
        (
            _slerp(z0 / unit(z0), z1 / unit(z1), ts),
            (
                "The ends must be z0 and z1 themselves, not unit vectors: use the "
                "normalised vectors only to find the angle Ω."
            ),
        ),
        (
            _slerp(z0, z1, ts, divide=False),
            (
                "Divide both weights by sin Ω: without it, the ends are z0 and z1 "
                "shrunk by the factor sin Ω."
            ),
        ),
        (
            _slerp(z0, z1, ts, unit_angle=False),
            (
                "The angle is wrong: cos Ω is the dot product divided by both "
                "lengths, z0·z1 / (‖z0‖ ‖z1‖)."
            ),
        ),
    ]
    name_the_slip(case, expected, got, slips, show=_show, atol=1e-5)
    expect(
        False,
        case,
        _show(expected),
        _show(got),
        "Each row is (sin((1 − t)Ω)·z0 + sin(tΩ)·z1) / sin Ω, "
        "with cos Ω = z0·z1 / (‖z0‖ ‖z1‖).",
    )


ZERO_ANGLE = (
    "z0 and z1 point the same way, so Ω = 0 and sin Ω = 0: the formula divides "
    "0 by 0. When sin Ω is (nearly) 0, return the straight line "
    "(1 − t)·z0 + t·z1, the limit of slerp as Ω → 0. Clip cos Ω to [−1, 1] "
    "before np.arccos too: rounding can push it just past 1."
)


def check_slerp(slerp) -> None:
    """``slerp(z0, z1, ts)``: the great-circle path, with the parallel case handled."""
    ts = np.array([0.0, 0.5, 1.0])
    _check_slerp_case(
        slerp,
        np.array([1.0, 0.0]),
        np.array([0.0, 1.0]),
        ts,
        "z0 = [1, 0], z1 = [0, 1], ts = [0, 0.5, 1]",
    )
    _check_slerp_case(
        slerp,
        np.array([0.5, 0.0, 0.0]),
        1.5 * np.array([0.5, np.sqrt(3) / 2, 0.0]),
        ts,
        "z0 of length 0.5, z1 of length 1.5, 60° apart in 3-D, ts = [0, 0.5, 1]",
    )
    rng = np.random.default_rng(63)
    z0, z1 = rng.standard_normal((2, 20))
    _check_slerp_case(
        slerp,
        z0,
        z1,
        np.linspace(0, 1, 6),
        "two draws of a 20-D standard normal, ts = linspace(0, 1, 6)",
    )
    for z0, z1, case in [
        ([3.0, 4.0, 0.0], [3.0, 4.0, 0.0], "zero angle: z1 = z0 = [3, 4, 0]"),
        (
            [3.0, 4.0, 0.0],
            [6.0, 8.0, 0.0],
            "zero angle: z0 = [3, 4, 0], z1 = 2·z0",
        ),
        (
            [0.2, 0.3, 0.6],
            [0.2, 0.3, 0.6],
            "zero angle: z1 = z0 = [0.2, 0.3, 0.6]",
        ),
    ]:
        z0, z1 = np.array(z0), np.array(z1)
        got = _run(slerp, case + ", ts = [0, 0.5, 1]", z0, z1, ts)
        _rows(got, 3, 3, case)
        expect(
            np.isfinite(got).all(),
            case,
            "finite numbers",
            _show(got),
            ZERO_ANGLE,
        )
        expected = _line(z0, z1, ts)
        expect(
            np.allclose(got, expected, atol=1e-5),
            case,
            _show(expected),
            _show(got),
            "With Ω = 0 the path is the straight line (1 − t)·z0 + t·z1.",
        )


EXERCISES = [
    Exercise(
        "06_latent_interpolation_1_linear_path",
        "linear_path",
        check_linear_path,
    ),
    Exercise(
        "06_latent_interpolation_2_class_mean_path",
        "class_mean_path",
        check_class_mean_path,
    ),
    Exercise("06_latent_interpolation_3_slerp", "slerp", check_slerp),
]
