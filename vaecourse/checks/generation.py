"""Checkers for chapter 5 (generating digits).

The decoders the checkers use are small, untrained, and built with fixed weights: enough to
check the plumbing in well under a second.
"""

from __future__ import annotations

import functools

import numpy as np

from ..exercises import Exercise
from . import call_or_fail as _call
from . import expect
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


def check_generate_single_sample(generate_single_sample) -> None:
    """``generate_single_sample(decoder, seed)`` returns ``(z, image)``: z ~ N(0, I),
    decoded."""
    decoder = _dense_decoder(128)
    d = decoder.inputs[0].shape[-1]
    out = _call(
        f"generate_single_sample(decoder, 0) with a {d}-D decoder",
        "a pair (z, image)",
        "The checker's decoder is not the chapter's 2-D one: read the latent "
        "size from decoder.inputs[0].shape[-1]; and Keras takes a batch, "
        "z[None, :] for one point.",
        generate_single_sample,
        decoder,
        0,
    )
    expect(
        isinstance(out, (tuple, list)) and len(out) == 2,
        "generate_single_sample(decoder, 0)",
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
        "The checker's decoder is not the chapter's 2-D one: read the "
        "latent size from decoder.inputs[0].shape[-1].",
    )
    expect(
        image.shape == (28, 28),
        "the image",
        "shape (28, 28)",
        f"shape {image.shape}",
        "The decoder gives a batch of flat images, (1, 784) here: "
        "reshape it to (28, 28).",
    )
    decoded = _decode(decoder, z[None, :])[0]
    if not np.allclose(image, decoded, atol=1e-5):
        if _is_binary(image):
            hint = (
                "Your pixels are all 0 or 1: return the decoder's pixel "
                "probabilities, not a random black-and-white draw."
            )
        else:
            hint = "Decode the very z you return; do not draw a second one for the image."
        expect(
            False,
            "the image",
            "the decoding of the z you returned",
            f"pixels that differ from it by up to {np.abs(image - decoded).max():.3f}",
            hint,
        )

    z_again = np.asarray(generate_single_sample(decoder, 0)[0])
    expect(
        np.allclose(z_again, z),
        "two calls with seed 0",
        "the same z twice",
        f"z[:3] = {np.round(z[:3].astype(float), 3).tolist()}, then "
        f"{np.round(z_again[:3].astype(float), 3).tolist()}",
        "Draw from np.random.default_rng(seed), so that the seed fixes z.",
    )
    z_other = np.asarray(generate_single_sample(decoder, 1)[0])
    expect(
        not np.allclose(z_other, z),
        "seeds 0 and 1",
        "two different z",
        "the same z for both",
        "Pass the seed to np.random.default_rng(seed).",
    )

    draws = np.concatenate(
        [
            np.asarray(generate_single_sample(decoder, s)[0])
            for s in range(2, 6)
        ]
    )
    mean, std = draws.mean(), draws.std()
    expect(
        abs(mean) < 0.25 and 0.8 < std < 1.2,
        f"the {draws.size} coordinates of z over seeds 2 to 5",
        "mean near 0 and standard deviation near 1, as under N(0, I)",
        f"mean {mean:.2f} and standard deviation {std:.2f}",
        "Draw from the prior, a standard normal (rng.standard_normal), "
        "not a uniform box (rng.random).",
    )


def check_decode_latents(decode_latents) -> None:
    """``decode_latents(decoder, points)``: the n decoded images, shape (n, 28, 28)."""
    rng = np.random.default_rng(5)
    dense = _dense_decoder()
    d = dense.inputs[0].shape[-1]
    points = rng.standard_normal((5, d)).astype("float32")
    expected = _decode(dense, points)
    case = f"5 points of a {d}-D dense decoder (its output: (5, 784))"
    got = _call(
        case,
        "5 images",
        "Give the decoder the points as one float32 array of shape "
        "(n, latent_dim), in a single call.",
        decode_latents,
        dense,
        points,
    )
    got = np.asarray(got)
    expect(
        got.shape == (5, 28, 28),
        case,
        "shape (5, 28, 28)",
        f"shape {got.shape}",
        "Reshape the decoder's flat output to (n, 28, 28): one 28×28 image per point.",
    )
    if not np.allclose(got, expected, atol=1e-5):
        if np.allclose(got, expected.transpose(0, 2, 1), atol=1e-5):
            hint = (
                "The images are transposed: the 784 pixels are stored row by "
                "row, so a plain reshape to (n, 28, 28) is right."
            )
        elif _is_binary(got):
            hint = (
                "Your pixels are all 0 or 1: return the decoder's pixel "
                "probabilities, not a random black-and-white draw."
            )
        elif np.allclose(got, expected[:1], atol=1e-5):
            hint = "Every image is the first one: decode each point."
        else:
            hint = "Image i must be the decoding of points[i], in order."
        expect(
            False,
            case,
            "the decoder's images for the points, in order",
            f"images that differ from them by up to {np.abs(got - expected).max():.3f}",
            hint,
        )

    as_list = [[0.0] * d, [1.0] + [0.0] * (d - 1)]
    case = f"points given as a Python list of 2 lists of {d} numbers"
    got = _call(
        case,
        "2 images",
        "Turn the points into one float32 array first: np.asarray(points, 'float32').",
        decode_latents,
        dense,
        as_list,
    )
    got = np.asarray(got)
    expect(
        got.shape == (2, 28, 28)
        and np.allclose(got, _decode(dense, as_list), atol=1e-5),
        case,
        "the 2 decoded images, shape (2, 28, 28)",
        f"shape {got.shape}",
        "Turn the points into one float32 array: np.asarray(points, 'float32').",
    )

    one = points[:1]
    got = np.asarray(decode_latents(dense, one))
    expect(
        got.shape == (1, 28, 28),
        f"a single chosen point, given as a list of one point (shape (1, {d}))",
        "shape (1, 28, 28)",
        f"shape {got.shape}",
        "Keep the first axis: reshape to (len(points), 28, 28), not with squeeze().",
    )

    conv = _conv_decoder()
    points = rng.standard_normal((4, conv.inputs[0].shape[-1]))
    case = (
        "4 points of a 3-D convolutional decoder (its output: (4, 28, 28, 1))"
    )
    got = _call(
        case,
        "4 images",
        "Reshape whatever the decoder gives to (len(points), 28, 28).",
        decode_latents,
        conv,
        points,
    )
    got = np.asarray(got)
    expect(
        got.shape == (4, 28, 28)
        and np.allclose(got, _decode(conv, points), atol=1e-5),
        case,
        "the 4 decoded images, shape (4, 28, 28)",
        f"shape {got.shape}",
        "The function must work for any decoder of 28×28 images: reshape "
        "the output to (n, 28, 28) rather than assuming 784 columns.",
    )


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
        "Start from np.tile(anchor, (len(steps), 1)), one copy per step.",
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
                "Only coordinate dim may change: the others keep the anchor's "
                "values in every row."
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
    got = _call(
        case,
        "3 points of 3 coordinates",
        "Work on np.asarray(anchor, 'float32') so that a list works too.",
        traversal_points,
        [0, 0, 0],
        0,
        steps,
    )
    got = np.asarray(got, dtype=float)
    expected = np.array([[-2.5, 0, 0], [0, 0, 0], [2.5, 0, 0]])
    if got.shape == expected.shape and np.allclose(got[:, 0], [-2, 0, 2]):
        hint = (
            "The steps were cut to integers: an integer anchor gives an integer "
            "array. Convert it first, np.asarray(anchor, 'float32')."
        )
    else:
        hint = "Work on np.asarray(anchor) so that a list works too."
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
