"""Checkers for the appendix on papers' numbers (binarised MNIST, the
importance-weighted estimate, the floor of the Bernoulli cross-entropy)."""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp, xlogy

from ..exercises import Exercise
from . import call_or_fail as _call
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


def _array(out, case, expected):
    expect(
        isinstance(out, np.ndarray),
        case,
        expected,
        type(out).__name__,
    )
    return out


# Exercise 1: dynamic binarisation --------------------------------------------


def _state(rng):
    return rng.bit_generator.state


def _binarize(binarize, x, rng, case, expected):
    with np.errstate(all="ignore"):
        return _call(case, expected, binarize, x, rng)


def _quietly(binarize, x, rng):
    """``binarize(x, rng)`` as an array, or ``None`` if it raises: a second look at an
    answer that already failed, to tell which slip it made."""
    try:
        with np.errstate(all="ignore"):
            return np.asarray(binarize(x, rng), dtype=float)
    except Exception:  # noqa: BLE001 (the failure already found is reported)
        return None


def _same(got, value) -> bool:
    got, value = np.asarray(got, dtype=float), np.asarray(value, dtype=float)
    return got.shape == value.shape and bool(np.array_equal(got, value))


# Grey levels either side of one half and at it, and a seed whose first uniform
# number, 0.262, tells a single draw for all the pixels from rounding.
_PROBE = np.array([[0.1, 0.3, 0.5, 0.6, 0.8, 0.95]])
_PROBE_SEED = 2


def _fixed_binarisation(binarize, got, x, seed) -> str:
    """The hint for ``got``, ``binarize(x, default_rng(seed))``, when the answer is a
    fixed binarisation at one half or a single draw for all pixels (it must be the same
    slip on :data:`_PROBE` too); ``""`` otherwise."""
    probe = _quietly(binarize, _PROBE, np.random.default_rng(_PROBE_SEED))
    single = (
        lambda x, rng: rng.random() < x,
        (
            "One number for all the pixels: rng.random() draws a single "
            "uniform number; draw one per pixel, rng.random(x.shape) < x."
        ),
    )
    rounded = (
        lambda x, rng: np.round(x),
        (
            "Those are the images rounded (np.round(x), or x > 0.5): one fixed "
            "binarisation, the same at every call. A grey level of 0.3 must "
            "give 1 in 30% of the pixels: draw, rng.random(x.shape) < x."
        ),
    )
    at_or_above = (
        lambda x, rng: x >= 0.5,
        (
            "Those are the images thresholded at 0.5 (x >= 0.5): one fixed "
            "binarisation, the same at every call. A grey level of 0.3 must "
            "give 1 in 30% of the pixels: draw, rng.random(x.shape) < x."
        ),
    )
    for slip, hint in (single, rounded, at_or_above):
        on_case = slip(x, np.random.default_rng(seed))
        on_probe = slip(_PROBE, np.random.default_rng(_PROBE_SEED))
        if _same(got, on_case) and _same(probe, on_probe):
            return hint
    return ""


def check_binarize(binarize) -> None:
    """``binarize(x, rng)``: each pixel 1 with probability its grey level."""
    grey = np.full((200, 784), 0.3, dtype="float32")
    case = "x: 200 images whose 784 pixels are all 0.3, rng = default_rng(0)"
    expected = "binary images of shape (200, 784), the shape of x"
    got = _binarize(binarize, grey, np.random.default_rng(0), case, expected)
    got = _array(got, case, f"a NumPy array: {expected}")
    expect(
        got.shape == grey.shape,
        case,
        expected,
        f"shape {got.shape}",
    )
    kinds = {
        "b": "True/False: .astype('float32') turns them into 1.0/0.0.",
        "i": "integers: .astype('float32') turns them into 1.0/0.0.",
        "u": "integers: .astype('float32') turns them into 1.0/0.0.",
    }
    expect(
        np.issubdtype(got.dtype, np.floating),
        case,
        "an array of floats (0.0 and 1.0): the model takes floats",
        f"dtype {got.dtype}",
        f"Your pixels are {kinds[got.dtype.kind]}"
        if got.dtype.kind in kinds
        else "",
    )
    values = set(np.unique(got).tolist())
    not_draws = [
        (grey, "That is x itself: draw a 1 or a 0 for each pixel."),
        (
            np.random.default_rng(0).random(grey.shape),
            (
                "Those are the uniform numbers themselves: a pixel is 1 when "
                "its number is below its grey level, rng.random(x.shape) < x."
            ),
        ),
    ]
    expect(
        values <= {0.0, 1.0},
        case,
        "only 0 and 1",
        f"values such as {sorted(values)[:4]}",
        next((h for value, h in not_draws if np.allclose(got, value)), ""),
    )
    share = float(got.mean())
    # Draws shared by the pixels of an image, or by the images at a pixel position.
    shared = [
        (
            np.random.default_rng(0).random((200, 1)) < grey,
            (
                "One number per image, shared by its pixels: draw one per "
                "pixel, rng.random(x.shape) < x."
            ),
        ),
        (
            np.random.default_rng(0).random(784) < grey,
            (
                "One number per pixel position, shared by all the images: draw "
                "one per pixel of every image, rng.random(x.shape) < x."
            ),
        ),
    ]
    shared_hint = next((h for value, h in shared if _same(got, value)), "")
    if abs(share - 0.3) >= 0.02:
        hint = shared_hint or _fixed_binarisation(binarize, got, grey, 0)
        if not hint and abs(share - 0.7) < 0.02:
            ends = np.array([[0.0, 1.0, 0.0, 1.0]], dtype="float32")
            flipped = _quietly(binarize, ends, np.random.default_rng(1))
            if _same(flipped, 1 - ends):
                hint = (
                    "Your pixels are 1 with probability 1 − x (70% here, and "
                    "1 for black, 0 for white): a pixel is 1 when its "
                    "uniform number is below its grey level, "
                    "rng.random(x.shape) < x, not above."
                )
        expect(False, case, "about 30% ones", f"{share:.1%}", hint)
    # Each image and each pixel drawn on its own: every image about 30% ones (784
    # pixels: within 0.1 is over 6 standard deviations), every pixel position too (200
    # images: within 0.2 is over 6).
    per_image, per_pixel = got.mean(axis=1), got.mean(axis=0)
    expect(
        np.all(np.abs(per_image - 0.3) <= 0.1),
        case,
        "about 30% ones in every image",
        f"images with from {per_image.min():.0%} to {per_image.max():.0%} "
        "ones",
        shared_hint,
    )
    expect(
        np.all(np.abs(per_pixel - 0.3) <= 0.2),
        case,
        "each pixel position 1 in about 30% of the images",
        f"positions that are 1 in from {per_pixel.min():.0%} to "
        f"{per_pixel.max():.0%} of them",
        shared_hint,
    )

    case = "x = [[0, 1, 0, 1]]: black and white pixels"
    ends = np.array([[0.0, 1.0, 0.0, 1.0]], dtype="float32")
    got = _binarize(
        binarize, ends, np.random.default_rng(1), case, _show(ends)
    )
    expect(
        _same(got, ends),
        case,
        f"{_show(ends)}: a black pixel always 0, a white one always 1",
        _show(got),
    )

    case = "x of shape (2, 28, 28), every pixel 0.3"
    square = np.full((2, 28, 28), 0.3)
    got = _binarize(
        binarize, square, np.random.default_rng(3), case, "shape (2, 28, 28)"
    )
    expect(
        np.shape(got) == square.shape,
        case,
        "binary images of shape (2, 28, 28): x may have any shape",
        f"shape {np.shape(got)}",
    )

    case = "two calls on the same images with one rng"
    rng = np.random.default_rng(2)
    before = _state(rng)
    first = np.asarray(_binarize(binarize, grey, rng, case, "a draw"))
    unused = _state(rng) == before
    second = np.asarray(_binarize(binarize, grey, rng, case, "a draw"))
    expect(
        not np.array_equal(first, second),
        case,
        "two different draws",
        "the same binary images twice",
        "Your function leaves rng as it was: draw from the rng you are "
        "given (rng.random), not from a generator of your own, so that "
        "each call draws afresh."
        if unused
        else "",
    )
    case = "two calls with rngs of the same seed"
    again = np.asarray(
        _binarize(binarize, grey, np.random.default_rng(2), case, "a draw")
    )
    expect(
        np.array_equal(first, again),
        case,
        "the same draw",
        "different draws",
        "Your function leaves rng as it was: draw from the rng you are "
        "given (rng.random), not from np.random's global generator, so "
        "that the same seed gives the same images."
        if unused
        else "",
    )


# Exercise 2: the log of a mean of exponentials ---------------------------------


def _reference_lme(log_w):
    log_w = np.asarray(log_w, dtype=float)
    return logsumexp(log_w, axis=-1) - np.log(log_w.shape[-1])


def _check_lme(log_mean_exp, log_w, case):
    expected = _reference_lme(log_w)
    with np.errstate(all="ignore"):
        got = _call(case, f"shape {expected.shape}", log_mean_exp, log_w)
        got = np.asarray(got, dtype=float)
    if got.shape != expected.shape:
        shape_slips = [
            (
                expected[:, None],
                (
                    "That keeps the reduced axis, shape (n, 1): drop it, one "
                    "number per row, shape (n,)."
                ),
            ),
            (
                logsumexp(log_w) - np.log(log_w.size),
                (
                    "You reduced over the whole array: reduce over the last axis "
                    "only (axis=-1), each row holding the k log-weights of one "
                    "image."
                ),
            ),
            (
                logsumexp(log_w, axis=0) - np.log(len(log_w)),
                (
                    "You reduced over the first axis, the rows: reduce over the "
                    "last one (axis=-1), each row holding the k log-weights of "
                    "one image."
                ),
            ),
        ]
        expect(
            False,
            case,
            f"shape {expected.shape}, one number per row",
            f"shape {got.shape}",
            next(
                (
                    h
                    for value, h in shape_slips
                    if np.shape(value) == got.shape
                    and np.allclose(got, value, atol=1e-6)
                ),
                "",
            ),
        )
    if np.allclose(got, expected, rtol=0, atol=1e-6):
        return
    with np.errstate(all="ignore"):
        # One maximum for the whole array instead of one per row: rows far below
        # the top underflow to exp(...) = 0.
        top = np.max(log_w)
        global_max = top + np.log(np.mean(np.exp(log_w - top), axis=-1))
        # No maximum taken out: exp under- or overflows.
        naive = np.log(np.mean(np.exp(log_w), axis=-1))
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
            not np.all(np.isfinite(naive))
            and np.array_equal(got, naive, equal_nan=True),
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
    expect(False, case, *_shown_apart(expected, got))


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
        got = _call(case, f"shape {expected.shape}", bernoulli_floor, x)
        got = np.asarray(got, dtype=float)
    per_pixel = -(xlogy(x, x) + xlogy(1 - x, 1 - x))
    shape_slips = [
        (
            per_pixel,
            (
                "That is one value per pixel: sum them over the last axis, one "
                "floor per image."
            ),
        ),
        (
            per_pixel.sum(),
            (
                "You summed over the whole array: sum over the last axis only, "
                "one floor per image."
            ),
        ),
    ]
    expect(
        got.shape == expected.shape,
        case,
        f"shape {expected.shape}, one number per image",
        f"shape {got.shape}",
        next(
            (
                h
                for value, h in shape_slips
                if np.shape(value) == got.shape
                and np.allclose(got, value, atol=1e-6)
            ),
            "",
        ),
    )
    # Clipping x into [ε, 1 − ε] before the logs, as chapter 1 teaches (ε = 1e-7) and
    # the package does (losses.EPS = 1e-6), moves each black or white pixel's term by
    # about ε(1 − log ε) < 2e-5 nats: admitted.
    saturated = np.sum((np.asarray(x) == 0) | (np.asarray(x) == 1), axis=-1)
    if np.all(np.abs(got - expected) <= 1e-6 + 2e-5 * saturated):
        return
    with np.errstate(all="ignore"):
        naive = -(x * np.log(x) + (1 - x) * np.log(1 - x)).sum(axis=-1)
    expect(
        np.all(np.isfinite(naive))
        or not np.array_equal(got, naive, equal_nan=True),
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
    slips = [
        (
            -xlogy(x, x).sum(axis=-1),
            (
                "The term (1 − x) log(1 − x) is missing: each pixel's share is "
                "−[x log x + (1 − x) log(1 − x)]."
            ),
        ),
        (
            per_pixel.mean(axis=-1),
            (
                "That is the mean over the pixels: the floor of an image sums "
                "its pixels' shares."
            ),
        ),
    ]
    expect(
        False,
        case,
        *_shown_apart(expected, got),
        next(
            (h for value, h in slips if np.allclose(got, value, atol=1e-6)),
            "",
        ),
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
