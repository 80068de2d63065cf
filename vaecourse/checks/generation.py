"""Checkers for chapter 5 (generating digits).

The decoders the checkers use are small, untrained, and built with fixed weights: enough to
check the plumbing in well under a second.
"""

from __future__ import annotations

import functools

import numpy as np

from ..exercises import Exercise, ExerciseNotDone
from . import CountingDecoder, expect
from . import call_or_fail as _call
from . import fixed_weights as _fixed_weights


@functools.cache
def _dense_decoder(latent_dim: int = 16):
    """A small dense decoder: latent → 32 → 784 pixel probabilities."""
    from ..models import build_dense_decoder

    return _fixed_weights(build_dense_decoder(latent_dim, hidden=32), 123)


@functools.cache
def _conv_decoder(latent_dim: int = 3):
    """A small convolutional decoder: its output has shape (n, 28, 28, 1)."""
    from ..models import build_conv_decoder

    return _fixed_weights(build_conv_decoder(latent_dim, filters=(4, 4)), 321)


def _decode(decoder, z) -> np.ndarray:
    """What the decoder gives for the points z, as (n, 28, 28)."""
    z = np.asarray(z, dtype="float32")
    return np.asarray(decoder(z)).reshape(len(z), 28, 28)


def _is_binary(x) -> bool:
    return bool(np.isin(np.asarray(x), (0.0, 1.0)).all())


def _error_text(err: Exception, limit: int = 160) -> str:
    """``TypeName: first line of the message``, cut to ``limit`` characters."""
    lines = [line for line in str(err).splitlines() if line.strip()]
    text = lines[0].strip() if lines else ""
    if len(text) > limit:
        text = f"{text[:limit]}…"
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def _fails(case: str, expected, err: Exception, hint: str):
    """The failure of a case whose call raised ``err``, for a slip the checker
    identified (so the hint replaces the traceback)."""
    return AssertionError(
        f"{case}: expected {expected}, got {_error_text(err)}. {hint}"
    )


def _attempt(function, *args, **kwargs):
    """``function(*args, **kwargs)``, or ``None`` when it raises: for trying an
    answer on a variant of a case, to identify a slip."""
    try:
        return function(*args, **kwargs)
    except ExerciseNotDone:
        raise
    except Exception:  # noqa: BLE001 (the variant only identifies a slip)
        return None


BINARY = (
    "Your pixels are all 0 or 1: return the decoder's pixel probabilities, "
    "not black-and-white pixels drawn or rounded from them."
)
TRANSPOSED = (
    "Your image is the decoding transposed: the 784 pixels are stored row "
    "by row, so a plain reshape to (28, 28) is right."
)


def _works_in_2d(generate_single_sample) -> bool:
    """Whether the answer runs with a decoder of the chapter's 2-D latent and
    gives a z of 2 coordinates."""
    out = _attempt(generate_single_sample, _dense_decoder(2), seed=0)
    try:
        return np.shape(out[0]) == (2,)
    except Exception:  # noqa: BLE001 (not a pair: not the slip)
        return False


def check_generate_single_sample(generate_single_sample) -> None:
    """``generate_single_sample(decoder, seed)`` returns ``(z, image)``: z ~ N(0, I),
    decoded."""
    decoder = _dense_decoder(128)
    d = decoder.inputs[0].shape[-1]
    # the chapter passes the seed by name: generate_single_sample(decoder, seed=7)
    case = f"generate_single_sample(decoder, seed=0) with a {d}-D decoder"
    try:
        out = _call(
            case,
            "a pair (z, image)",
            functools.partial(generate_single_sample, seed=0),
            decoder,
        )
    except ExerciseNotDone:
        raise
    except Exception as err:
        if not _works_in_2d(generate_single_sample):
            raise
        raise _fails(
            case,
            "a pair (z, image)",
            err,
            "With a decoder of the chapter's 2-D latent your function runs; "
            f"with this {d}-D one it fails. The latent size is the "
            "decoder's: read the latent size from "
            "decoder.inputs[0].shape[-1].",
        ) from err
    expect(
        isinstance(out, (tuple, list)) and len(out) == 2,
        case,
        "a pair (z, image)",
        f"{type(out).__name__}",
        "Return both: `return z, image`.",
    )
    z, image = np.asarray(out[0]), np.asarray(out[1])
    expect(
        z.shape != (1, d),
        f"z for a {d}-D decoder",
        f"one latent vector of shape ({d},)",
        f"a batch of one, shape {z.shape}",
        "Keras takes the batch; give back the vector itself, z[0].",
    )
    expect(
        z.shape == (d,),
        f"z for a {d}-D decoder",
        f"shape ({d},)",
        f"shape {z.shape}",
        f"Your z has {z.shape[0]} coordinates where the decoder takes {d}: "
        "read the latent size from decoder.inputs[0].shape[-1]."
        if z.ndim == 1
        else "",
    )
    expect(
        image.shape == (28, 28),
        "the image",
        "shape (28, 28)",
        f"shape {image.shape}",
        "Those are the 784 pixels of the image: reshape them to (28, 28)."
        if image.size == 784
        else "",
    )
    decoded = _decode(decoder, z[None, :])[0]
    if not np.allclose(image, decoded, atol=1e-5):
        rng = np.random.default_rng(0)
        rng.standard_normal(d)
        second = _decode(decoder, rng.standard_normal((1, d)))[0]
        if _is_binary(image):
            hint = BINARY
        elif np.allclose(image, decoded.T, atol=1e-5):
            hint = TRANSPOSED
        elif np.allclose(image, second, atol=1e-5):
            hint = (
                "Your image is the decoding of a second draw of the same "
                "generator: decode the very z you return."
            )
        else:
            hint = ""
        expect(
            False,
            "the image",
            "the decoding of the z you returned",
            f"pixels that differ from it by up to {np.abs(image - decoded).max():.3f}",
            hint,
        )

    def z_for(seed):
        out = _call(
            f"generate_single_sample(decoder, seed={seed}) with a {d}-D "
            "decoder",
            "a pair (z, image)",
            functools.partial(generate_single_sample, seed=seed),
            decoder,
        )
        return np.asarray(out[0])

    z_again = z_for(0)
    expect(
        np.allclose(z_again, z),
        "two calls with seed 0",
        "the same z twice",
        f"z[:3] = {np.round(z[:3].astype(float), 3).tolist()}, then "
        f"{np.round(z_again[:3].astype(float), 3).tolist()}",
        "The seed does not fix your z: draw from "
        "np.random.default_rng(seed).",
    )
    z_other = z_for(1)
    expect(
        not np.allclose(z_other, z),
        "seeds 0 and 1",
        "two different z",
        "the same z for both",
        "Your z does not change with the seed: pass the seed to "
        "np.random.default_rng(seed).",
    )

    draws = np.concatenate([z_for(s) for s in range(2, 6)])
    mean, std = draws.mean(), draws.std()
    uniform = bool(((draws >= 0) & (draws < 1)).all())
    expect(
        abs(mean) < 0.25 and 0.8 < std < 1.2,
        f"the {draws.size} coordinates of z over seeds 2 to 5",
        "mean near 0 and standard deviation near 1, as under N(0, I)",
        f"mean {mean:.2f} and standard deviation {std:.2f}",
        "Every coordinate lies in [0, 1), as in a uniform draw "
        "(rng.random): draw from the prior, a standard normal "
        "(rng.standard_normal)."
        if uniform
        else "",
    )


def _decoded(decode_latents, decoder, points, case, n):
    """The answer's images for ``points``, after checking that it gave the
    decoder all of them in one call."""
    counting = CountingDecoder(decoder)
    got = _call(case, f"{n} images", decode_latents, counting, points)
    calls = counting.batches
    if len(calls) > 1:
        sizes = sorted({size for size in calls if size is not None})
        each = (
            f", of {sizes[0]} point{'s' * (sizes[0] != 1)} each"
            if len(sizes) == 1
            else ""
        )
        expect(
            False,
            case,
            f"one call of the decoder with all {n} points",
            f"{len(calls)} calls{each}",
            "Give the decoder all the points as one array, in a single call: "
            "Keras decodes a whole batch at once, far faster than point by "
            "point (the chapter decodes 225 points at a time).",
        )
    return got


def _images(got, expected, case, what, identified=None):
    """Check that ``got`` is the NumPy array of images ``expected``; a slip
    ``identified`` by the caller gives the hint of any failure."""
    n = len(expected)
    tensor = hasattr(got, "numpy") or type(got).__module__.startswith(
        ("tensorflow", "keras", "jax", "torch")
    )
    expect(
        isinstance(got, np.ndarray),
        case,
        "a NumPy array of images",
        type(got).__name__,
        "That is a tensor: the chapter reshapes the images with NumPy, so "
        "convert the decoder's output, keras.ops.convert_to_numpy(...) or "
        "decoder.predict(z, verbose=0)."
        if tensor
        else "",
    )
    if identified:
        hint = identified
    elif got.shape == (n, 784):
        hint = (
            "That is the decoder's output as it comes, flat: reshape it to "
            "(n, 28, 28), one 28×28 image per point."
        )
    elif got.shape == (n, 28, 28, 1):
        hint = (
            "That is the decoder's output as it comes, with its channel axis: "
            "reshape it to (n, 28, 28), one 28×28 image per point."
        )
    elif got.shape == (28, 28) and n == 1:
        hint = (
            "The first axis is gone: keep it, reshape to (len(points), 28, "
            "28), not with squeeze()."
        )
    else:
        hint = ""
    expect(
        got.shape == expected.shape,
        case,
        f"shape {expected.shape}",
        f"shape {got.shape}",
        hint,
    )
    if np.allclose(got, expected, atol=1e-5):
        return
    if identified:
        hint = identified
    elif np.allclose(got, expected.transpose(0, 2, 1), atol=1e-5):
        hint = (
            "The images are transposed: the 784 pixels are stored row by "
            "row, so a plain reshape to (n, 28, 28) is right."
        )
    elif _is_binary(got):
        hint = BINARY
    elif n > 1 and np.allclose(got, expected[:1], atol=1e-5):
        hint = "Every image is the first one: decode each point."
    else:
        hint = ""
    expect(
        False,
        case,
        f"the decoder's images for {what}, in order",
        f"images that differ from them by up to {np.abs(got - expected).max():.3f}",
        hint,
    )


def check_decode_latents(decode_latents) -> None:
    """``decode_latents(decoder, points)``: the n decoded images, shape (n, 28, 28),
    from one call of the decoder."""
    rng = np.random.default_rng(5)
    dense = _dense_decoder()
    d = dense.inputs[0].shape[-1]
    points = rng.standard_normal((5, d))  # float64, like the chapter's grid
    case = f"5 points of a {d}-D dense decoder (its output: (5, 784))"
    got = _decoded(decode_latents, dense, points, case, 5)
    _images(got, _decode(dense, points), case, "the points")

    # A list, then a single point given as a list of one point: when the
    # same points given as an array work, the list is the trouble.
    for given, case in [
        (
            [[0.0] * d, [1.0] + [0.0] * (d - 1)],
            f"points given as a Python list of 2 lists of {d} numbers",
        ),
        (
            points[:1].tolist(),
            f"a single chosen point, given as a list of one point ([[z1, …, z{d}]])",
        ),
    ]:
        n = len(given)
        expected = _decode(dense, given)
        as_array = np.asarray(given, dtype="float32")
        works = _attempt(decode_latents, dense, as_array)
        works = (
            isinstance(works, np.ndarray)
            and works.shape == expected.shape
            and np.allclose(works, expected, atol=1e-5)
        )
        hint = (
            "With the same points given as a float32 array your function "
            "works: turn the points into one array first, "
            "np.asarray(points, 'float32')."
        )
        try:
            got = _decoded(decode_latents, dense, given, case, n)
        except ExerciseNotDone:
            raise
        except AssertionError:
            raise
        except Exception as err:
            if not works:
                raise
            raise _fails(case, f"{n} images", err, hint) from err
        _images(got, expected, case, "the points", hint if works else None)

    conv = _conv_decoder()
    points = rng.standard_normal((4, conv.inputs[0].shape[-1]))
    case = (
        "4 points of a 3-D convolutional decoder (its output: (4, 28, 28, 1))"
    )
    got = _decoded(decode_latents, conv, points, case, 4)
    _images(got, _decode(conv, points), case, "the points")


def check_traversal_points(traversal_points) -> None:
    """``traversal_points(anchor, dim, steps)``: the anchor with coordinate ``dim`` set to
    each step."""
    anchor = np.array([0.5, -1.0, 2.0, 0.3])
    kept = anchor.copy()
    steps = np.linspace(-1.0, 1.0, 5)
    expected = np.tile(anchor, (5, 1))
    expected[:, 2] = steps
    case = "anchor (0.5, -1, 2, 0.3), dim 2, 5 steps from -1 to 1"
    got = _call(
        case,
        "5 points of 4 coordinates",
        traversal_points,
        anchor,
        2,
        steps,
    )
    got = np.asarray(got, dtype=float)
    expect(
        np.array_equal(anchor, kept),
        case,
        "the anchor unchanged after the call",
        f"anchor {anchor.tolist()}",
        "Your function wrote into the anchor it was given: build the points "
        "on a copy (np.tile or anchor.copy()).",
    )
    expect(
        got.shape != (4, 5),
        case,
        "shape (5, 4): one row per step, one column per latent coordinate",
        f"shape {got.shape}",
        "The points are transposed.",
    )
    expect(
        got.shape == (5, 4),
        case,
        "shape (5, 4): one row per step, one column per latent coordinate",
        f"shape {got.shape}",
    )
    if not np.allclose(got, expected, atol=1e-6):
        others = [j for j in range(4) if j != 2]
        column = got[:, 2]
        if np.allclose(column, anchor[2] + steps, atol=1e-6):
            hint = (
                "Coordinate 2 runs from 1 to 3: set it to the step values, "
                "do not add them to the anchor's value."
            )
        elif np.allclose(got[:, others], 0.0) and not np.allclose(
            anchor[others], 0.0
        ):
            hint = "The other coordinates are 0: they must keep the anchor's values."
        elif any(
            np.allclose(got[:, j], steps, atol=1e-6) for j in others
        ) and not np.allclose(column, steps, atol=1e-6):
            j = next(
                j for j in others if np.allclose(got[:, j], steps, atol=1e-6)
            )
            hint = (
                f"The steps went into coordinate {j}: vary coordinate dim "
                "(counted from 0), points[:, dim] = steps."
            )
        elif not np.allclose(got[:, others], anchor[others], atol=1e-6):
            hint = (
                "The other coordinates differ from the anchor's: they keep "
                "its values in every row."
            )
        else:
            hint = "Row i must have coordinate dim equal to steps[i]."
        expect(
            False,
            case,
            np.round(expected, 2).tolist(),
            np.round(got, 2).tolist(),
            hint,
        )

    steps = [-2.5, 0.0, 2.5]
    case = "anchor given as the list [0, 0, 0] (the origin), dim 0, steps -2.5, 0, 2.5"
    expected = np.array([[-2.5, 0, 0], [0, 0, 0], [2.5, 0, 0]])
    # the same anchor as a float array: when that works, the list is the
    # trouble
    works = _attempt(traversal_points, np.zeros(3), 0, steps)
    works = works is not None and np.allclose(
        np.asarray(works, dtype=float), expected
    )
    as_array = (
        "With the anchor given as a float array your function works: "
        "turn the list into one first, np.asarray(anchor, 'float32')."
    )
    try:
        got = _call(
            case,
            "3 points of 3 coordinates",
            traversal_points,
            [0, 0, 0],
            0,
            steps,
        )
    except ExerciseNotDone:
        raise
    except Exception as err:
        if not works:
            raise
        raise _fails(
            case, "3 points of 3 coordinates", err, as_array
        ) from err
    got = np.asarray(got, dtype=float)
    if got.shape == expected.shape and np.allclose(got[:, 0], [-2, 0, 2]):
        hint = (
            "The steps were cut to integers: an integer anchor gives an integer "
            "array. Convert it first, np.asarray(anchor, 'float32')."
        )
    elif works:
        hint = as_array
    else:
        hint = ""
    expect(
        got.shape == expected.shape and np.allclose(got, expected),
        case,
        expected.tolist(),
        np.round(got, 2).tolist() if got.ndim else got,
        hint,
    )


EXERCISES = [
    Exercise(
        "05_generation_1_single_sample",
        "generate_single_sample",
        check_generate_single_sample,
    ),
    Exercise(
        "05_generation_2_decode_latents",
        "decode_latents",
        check_decode_latents,
    ),
    Exercise(
        "05_generation_3_traversal_points",
        "traversal_points",
        check_traversal_points,
    ),
]
