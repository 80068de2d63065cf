"""Checkers for chapter 6 (latent interpolation).

A hint names a slip only when the answer gives, on every case the checker tries, what that
slip gives (the same numbers, or the same NumPy error): see :func:`_judge`.
"""

from __future__ import annotations

import re

import numpy as np

from ..exercises import Exercise
from . import expect, outcome

COLUMN = (
    "That is what a flat ts gives: NumPy pairs the i-th t with the i-th "
    "coordinate (or, when their numbers differ, cannot pair them at all). "
    "Make ts a column, ts[:, None], so that each t weighs a whole point and "
    "gives one row."
)


def _show(x):
    return np.round(np.asarray(x, dtype=float), 3).tolist()


SHAPES = re.compile(r"\((?:\d+,?\s*)*\)")


def _same(got, slip) -> bool:
    """Whether the answer's outcome is the slip's: the same kind of error (with the
    same shapes in a broadcasting error), or the same numbers, NaN for NaN."""
    if isinstance(got, Exception) or isinstance(slip, Exception):
        if not (isinstance(got, Exception) and isinstance(slip, Exception)):
            return False
        if type(got) is not type(slip):
            return False
        if "broadcast" in str(got) and "broadcast" in str(slip):
            return sorted(SHAPES.findall(str(got))) == sorted(
                SHAPES.findall(str(slip))
            )
        return str(got) == str(slip)
    try:
        got = np.asarray(got, dtype=float)
        slip = np.asarray(slip, dtype=float)
    except (TypeError, ValueError):
        return False
    return got.shape == slip.shape and bool(
        np.allclose(got, slip, rtol=1e-5, atol=1e-5, equal_nan=True)
    )


def _error_text(err: Exception) -> str:
    text = (
        str(err).strip().splitlines()[0].strip() if str(err).strip() else ""
    )
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def _judge(function, cases, reference, slips, what=""):
    """Run the answer on every case, then fail at the first case it gets wrong.

    ``cases``: ``(case, args)`` pairs; ``reference(*args)``: the expected rows;
    ``slips``: ``(hint, variants)`` pairs, each variant a function of the case's args
    that makes the slip (variants differ in what the slip leaves alone, like the
    handling of a zero angle). A slip's hint is given only when, on every case, the
    answer's outcome is that of one of its variants. ``what(*args)`` describes the
    expected rows.
    """
    outcomes = [outcome(function, *args) for _, args in cases]

    def identified() -> str:
        for hint, variants in slips:
            if all(
                any(_same(got, outcome(v, *args)) for v in variants)
                for got, (_, args) in zip(outcomes, cases)
            ):
                return hint
        return ""

    for (case, args), got in zip(cases, outcomes):
        expected = np.asarray(reference(*args), dtype=float)
        n, d = expected.shape
        if isinstance(got, Exception):
            hint = identified()
            if hint:
                raise AssertionError(
                    f"{case}: expected {n} rows of {d} numbers, got "
                    f"{_error_text(got)}. {hint}"
                ) from got
            got.add_note(
                f"The checker's case: {case}; it expects {n} rows of {d} "
                "numbers."
            )
            raise got
        expect(
            isinstance(got, np.ndarray),
            case,
            "a NumPy array",
            type(got).__name__,
            "Return one array with a row per t (np.asarray or np.stack).",
        )
        got = got.astype(float)
        if got.shape != (n, d):
            if got.shape == (d, n) and n != d:
                hint = "That is transposed: one row per t, one column per coordinate."
            else:
                hint = identified()
            expect(
                False, case, f"shape ({n}, {d})", f"shape {got.shape}", hint
            )
        if not np.allclose(got, expected, atol=1e-5):
            expect(
                False,
                case,
                f"{_show(expected)}{what(*args) if what else ''}",
                _show(got),
                identified(),
            )


def _as_float(*arrays):
    return [np.asarray(x, dtype=float) for x in arrays]


def _line(a, b, ts):
    a, b, ts = _as_float(a, b, ts)
    return (1 - ts[:, None]) * a + ts[:, None] * b


def _flat_line(a, b, ts):
    a, b, ts = _as_float(a, b, ts)
    return (1 - ts) * a + ts * b


def _line_without_parentheses(a, b, ts):
    a, b, ts = _as_float(a, b, ts)
    return 1 - ts[:, None] * a + ts[:, None] * b


PRECEDENCE = (
    "Your rows are 1 − t·a + t·b: the product binds before the "
    "subtraction, so 1 - ts * a takes t·a from 1. Group the weight first, "
    "(1 - ts) * a."
)
SWAPPED = "The ends are swapped: at t = 0 the path is at a, at t = 1 at b, so (1 − t) weighs a and t weighs b."


def _works_with_an_array(function, args, list_at, expected) -> bool:
    """Whether the answer gives ``expected`` when its argument ``list_at``, a list,
    comes as an array."""
    args = list(args)
    args[list_at] = np.asarray(args[list_at], dtype=float)
    got = outcome(function, *args)
    return _same(got, expected) and isinstance(got, np.ndarray)


def _check_ts_as_list(function, args, expected, case):
    """``ts`` given as a list: the same answer as for an array."""
    got = outcome(function, *args)
    if isinstance(got, np.ndarray) and _same(got, expected):
        return
    hint = (
        "With ts given as an array your function works: ts may come as a "
        "list, like [t]; turn it into an array first, np.asarray(ts)."
    )
    works = _works_with_an_array(function, args, len(args) - 1, expected)
    if isinstance(got, Exception):
        if works:
            raise AssertionError(
                f"{case}: expected {_show(expected)}, got {_error_text(got)}. {hint}"
            ) from got
        got.add_note(f"The checker's case: {case}.")
        raise got
    expect(
        False,
        case,
        _show(expected),
        _show(got) if isinstance(got, np.ndarray) else type(got).__name__,
        hint if works else "",
    )


# Exercise 6.1 ------------------------------------------------------------------


def check_linear_path(linear_path) -> None:
    """``linear_path(a, b, ts)``: the rows (1 − t)·a + t·b, one per t."""
    rng = np.random.default_rng(61)
    x_a, x_b = rng.random((2, 784), dtype=np.float32)
    cases = [
        (
            "a = [1, 2], b = [3, -2], ts = [0, 0.25, 0.5, 1]",
            (
                np.array([1.0, 2.0]),
                np.array([3.0, -2.0]),
                np.array([0.0, 0.25, 0.5, 1.0]),
            ),
        ),
        (
            "as many ts as coordinates: a = [1, 0, -1], b = [0, 2, 1], ts = [0, 0.5, 1]",
            (
                np.array([1.0, 0.0, -1.0]),
                np.array([0.0, 2.0, 1.0]),
                np.array([0.0, 0.5, 1.0]),
            ),
        ),
        (
            "two 784-pixel images, ts = [0.9, 0.1, 0.5]",
            (x_a, x_b, np.array([0.9, 0.1, 0.5])),
        ),
    ]
    slips = [
        (COLUMN, [_flat_line]),
        (SWAPPED, [lambda a, b, ts: _line(b, a, ts)]),
        (
            (
                "Use the ts you are given, in their order: they need not be "
                "evenly spaced from 0 to 1."
            ),
            [lambda a, b, ts: _line(a, b, np.linspace(0, 1, len(ts)))],
        ),
        (
            (
                "The two weights, 1 − t and t, must add up to 1: a + t·b "
                "overshoots b."
            ),
            [lambda a, b, ts: _line(0 * a, b, ts) + a],
        ),
        (PRECEDENCE, [_line_without_parentheses]),
    ]
    _judge(linear_path, cases, _line, slips)
    _check_ts_as_list(
        linear_path,
        (np.array([0.0, 4.0]), np.array([2.0, 0.0]), [0.5]),
        np.array([[1.0, 2.0]]),
        "ts given as a list, linear_path(a, b, [0.5])",
    )


# Exercise 6.2 ------------------------------------------------------------------


def _class_means(encodings, labels, class_a, class_b, axis=0):
    encodings, labels = np.asarray(encodings, float), np.asarray(labels)
    return (
        encodings[labels == class_a].mean(axis=axis),
        encodings[labels == class_b].mean(axis=axis),
    )


def _class_path(encodings, labels, class_a, class_b, ts):
    return _line(*_class_means(encodings, labels, class_a, class_b), ts)


def _means_line(means, line=_line):
    """The class path with the class means found by ``means``."""

    def path(encodings, labels, class_a, class_b, ts):
        encodings, labels = np.asarray(encodings, float), np.asarray(labels)
        return line(*means(encodings, labels, class_a, class_b), ts)

    return path


def _with_column_ts(mean_a, mean_b, ts):
    """The line with a column ts, whatever the shapes of the two means."""
    ts = np.asarray(ts, dtype=float)[:, None]
    return (1 - ts) * mean_a + ts * mean_b


CLASS_SLIPS = [
    (COLUMN, [_means_line(_class_means, _flat_line)]),
    (
        "The ends are swapped: at t = 0 the path is at the mean of class_a.",
        [_means_line(lambda e, y, a, b: _class_means(e, y, b, a))],
    ),
    (
        (
            "That is row number class_a of encodings: select the rows whose "
            "label is class_a, encodings[labels == class_a], then average them."
        ),
        [_means_line(lambda e, y, a, b: (e[a], e[b]))],
    ),
    (
        (
            "That is the mean of every encoding, whatever its label: keep only "
            "those of the class, encodings[labels == class_a]."
        ),
        [_means_line(lambda e, y, a, b: (e.mean(axis=0), e.mean(axis=0)))],
    ),
    (
        (
            "Divide by the number of images of the class, not of all images "
            "(.mean(axis=0) on the selected rows does it)."
        ),
        [
            _means_line(
                lambda e, y, a, b: (
                    e[y == a].sum(axis=0) / len(e),
                    e[y == b].sum(axis=0) / len(e),
                )
            )
        ],
    ),
    (
        (
            "Your means are one number per image, averaged over its "
            "coordinates (axis 1): average over the images, axis 0, so that a "
            "class's mean is one encoding."
        ),
        [
            _means_line(
                lambda e, y, a, b: _class_means(e, y, a, b, axis=1),
                _with_column_ts,
            ),
            _means_line(
                lambda e, y, a, b: _class_means(e, y, a, b, axis=1),
                _flat_line,
            ),
        ],
    ),
    (
        (
            "Your means are single numbers, averaged over every coordinate of "
            "every image of the class: average over the images only, axis 0."
        ),
        [
            _means_line(
                lambda e, y, a, b: _class_means(e, y, a, b, axis=None),
                _with_column_ts,
            )
        ],
    ),
    (
        (
            "Your rows are 1 − t·m_a + t·m_b: the product binds before the "
            "subtraction, so 1 - ts * mean_a takes t·m_a from 1. Group the "
            "weight first, (1 - ts) * mean_a."
        ),
        [_means_line(_class_means, _line_without_parentheses)],
    ),
]


def _between_means(encodings, labels, class_a, class_b, ts):
    mean_a, mean_b = _class_means(encodings, labels, class_a, class_b)
    return (
        f" (the line from m_a = {_show(mean_a)}, the mean encoding of class "
        f"{class_a}, to m_b = {_show(mean_b)}, that of class {class_b})"
    )


def check_class_mean_path(class_mean_path) -> None:
    """``class_mean_path(encodings, labels, a, b, ts)``: the line between two class means."""
    labels = np.array([2, 0, 1, 2, 2, 0, 1, 2, 0, 2], dtype=np.uint8)
    rng = np.random.default_rng(62)
    encodings = (rng.normal(size=(10, 2)) + 3.0 * labels[:, None]).round(2)
    first = (
        (
            "10 encodings in 2-D of classes 0, 1, 2 (uint8 labels), from class 2 "
            "to class 0, ts = [0, 0.5, 1]"
        ),
        (encodings, labels, 2, 0, np.array([0.0, 0.5, 1.0])),
    )
    labels = rng.permutation(np.repeat(np.arange(10, dtype=np.uint8), 4))
    encodings = rng.normal(size=(40, 5)).astype(np.float32)
    second = (
        "40 encodings in 5-D of the ten digits, from the 3s to the 7s, ts = [1, 0.25]",
        (encodings, labels, 3, 7, np.array([1.0, 0.25])),
    )
    _judge(
        class_mean_path,
        [first, second],
        _class_path,
        CLASS_SLIPS,
        what=_between_means,
    )


# Exercise 6.3 ------------------------------------------------------------------


def _slerp(
    z0,
    z1,
    ts,
    *,
    cos=None,
    weight0=None,
    divide="both",
    guard="sin",
    clip=True,
    flat=False,
):
    """The reference formula, or one of its slips: ``cos(z0, z1)`` for the angle's
    cosine, ``weight0(ts, omega)`` for the weight of z0, ``divide`` ("both", "none",
    "second": which terms are divided by sin Ω), ``guard`` ("sin": the straight line
    when sin Ω < 1e-6; "zero": when Ω is close to 0 only; None: never), ``clip``
    (cos Ω clipped to [−1, 1] or not), ``flat`` (ts left flat)."""
    z0, z1, ts = _as_float(z0, z1, ts)
    if cos is None:
        c = z0 @ z1 / (np.linalg.norm(z0) * np.linalg.norm(z1))
    else:
        c = cos(z0, z1)
    omega = np.arccos(np.clip(c, -1.0, 1.0) if clip else c)
    ts = ts if flat else ts[:, None]
    if (guard == "sin" and np.sin(omega) < 1e-6) or (
        guard == "zero" and np.isclose(omega, 0.0)
    ):
        return (1 - ts) * z0 + ts * z1
    w0 = np.sin((1 - ts) * omega) if weight0 is None else weight0(ts, omega)
    w1 = np.sin(ts * omega)
    if divide == "both":
        return (w0 * z0 + w1 * z1) / np.sin(omega)
    if divide == "second":
        return w0 * z0 + w1 * z1 / np.sin(omega)
    return w0 * z0 + w1 * z1


def _slerp_slip(**slip):
    """The slip's variants: with each way of handling (or not) a zero angle."""
    return [
        lambda z0, z1, ts, guard=guard, clip=clip: _slerp(
            z0, z1, ts, guard=guard, clip=clip, **slip
        )
        for guard in ("sin", "zero", None)
        for clip in (True, False)
    ]


def _unit(z):
    z = np.asarray(z, dtype=float)
    return z / np.linalg.norm(z)


SLERP_SLIPS = [
    (COLUMN, _slerp_slip(flat=True)),
    (
        (
            "That is the straight line: follow the great circle, with the "
            "weights sin((1 − t)Ω)/sin Ω for z0 and sin(tΩ)/sin Ω for z1."
        ),
        [_line],
    ),
    (
        (
            "The ends are swapped: at t = 0 the path is at z0, so sin((1 − t)Ω) "
            "weighs z0 and sin(tΩ) weighs z1."
        ),
        [lambda z0, z1, ts: _slerp(z1, z0, ts)],
    ),
    (
        (
            "The ends must be z0 and z1 themselves, not unit vectors: use the "
            "normalised vectors only to find the angle Ω."
        ),
        [lambda z0, z1, ts: _slerp(_unit(z0), _unit(z1), ts)],
    ),
    (
        (
            "Divide both weights by sin Ω: without it, the ends are z0 and z1 "
            "shrunk by the factor sin Ω."
        ),
        _slerp_slip(divide="none"),
    ),
    (
        (
            "Only the second term is divided by sin Ω: a / b binds before +, "
            "so put the sum in parentheses, (… + …) / np.sin(omega)."
        ),
        _slerp_slip(divide="second"),
    ),
    (
        (
            "The angle is wrong: cos Ω is the dot product divided by both "
            "lengths, z0·z1 / (‖z0‖ ‖z1‖)."
        ),
        _slerp_slip(cos=lambda z0, z1: z0 @ z1),
    ),
    (
        (
            "The angle is wrong: z0 @ z1 / norm(z0) * norm(z1) divides by "
            "‖z0‖, then multiplies by ‖z1‖; divide by the product, "
            "z0 @ z1 / (norm(z0) * norm(z1))."
        ),
        _slerp_slip(
            cos=lambda z0, z1: (
                z0 @ z1 / np.linalg.norm(z0) * np.linalg.norm(z1)
            )
        ),
    ),
    (
        (
            "Your weight of z0 is sin(1 − tΩ): the product binds before the "
            "subtraction, so group 1 - t first, np.sin((1 - ts) * omega)."
        ),
        _slerp_slip(weight0=lambda ts, omega: np.sin(1 - ts * omega)),
    ),
]


ZERO_ANGLE = (
    "z0 and z1 point the same way, so Ω = 0 and sin Ω = 0: the formula divides "
    "0 by 0. When sin Ω is (nearly) 0, return the straight line "
    "(1 − t)·z0 + t·z1, the limit of slerp as Ω → 0. Clip cos Ω to [−1, 1] "
    "before np.arccos too: rounding can push it just past 1."
)


def check_slerp(slerp) -> None:
    """``slerp(z0, z1, ts)``: the great-circle path, with the parallel case handled."""
    ts = np.array([0.0, 0.5, 1.0])
    rng = np.random.default_rng(63)
    z0, z1 = rng.standard_normal((2, 20))
    cases = [
        (
            "z0 = [1, 0], z1 = [0, 1], ts = [0, 0.5, 1]",
            (np.array([1.0, 0.0]), np.array([0.0, 1.0]), ts),
        ),
        (
            "z0 of length 0.5, z1 of length 1.5, 60° apart in 3-D, ts = [0, 0.5, 1]",
            (
                np.array([0.5, 0.0, 0.0]),
                1.5 * np.array([0.5, np.sqrt(3) / 2, 0.0]),
                ts,
            ),
        ),
        (
            "two draws of a 20-D standard normal, ts = linspace(0, 1, 6)",
            (z0, z1, np.linspace(0, 1, 6)),
        ),
    ]
    _judge(slerp, cases, _slerp, SLERP_SLIPS)
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
        case = f"{case}, ts = [0, 0.5, 1]"
        got = outcome(slerp, z0, z1, ts)
        if isinstance(got, Exception):
            got.add_note(
                f"The checker's case: {case}; it expects the straight line."
            )
            raise got
        expect(
            isinstance(got, np.ndarray),
            case,
            "a NumPy array",
            type(got).__name__,
            "Return one array with a row per t (np.asarray or np.stack).",
        )
        got = got.astype(float)
        expect(
            got.shape == (3, 3), case, "shape (3, 3)", f"shape {got.shape}"
        )
        # the regular cases passed: a path that is not finite here is the
        # 0 / 0 (or the arccos of a cosine rounded past 1) left unhandled
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
            f"{_show(expected)}, the straight line (1 − t)·z0 + t·z1, "
            "the limit of slerp as Ω → 0",
            _show(got),
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
