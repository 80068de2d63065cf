"""Checkers for chapter 9 (the conditional VAE).

The conditional VAEs the checkers use are small, untrained, and given fixed weights: enough
to check the plumbing in well under a second. A hint names a slip only when the checker has
identified it: the answer is what that slip gives, or the decoder was handed what that slip
hands it.
"""

from __future__ import annotations

import functools

import numpy as np

from ..exercises import Exercise
from . import CountingDecoder, expect, fixed_weights
from . import call_or_fail as _call


@functools.cache
def _dense_cvae(latent_dim: int = 3, n_classes: int = 10):
    """A small conditional dense VAE: [784 + k] → 16 → z; [z + k] → 16 → 784."""
    from ..models import build_dense_cvae

    return fixed_weights(
        build_dense_cvae(latent_dim, hidden=16, n_classes=n_classes),
        91,
        1.5,
        0.3,
    )


@functools.cache
def _conv_cvae(latent_dim: int = 2):
    """A small conditional convolutional VAE: its decoder gives (n, 28, 28, 1)."""
    from ..models import build_conv_cvae

    vae = build_conv_cvae(
        latent_dim, encoder_filters=(4, 4), dense=8, decoder_filters=(4, 4)
    )
    return fixed_weights(vae, 92, 1.5, 0.3)


def _one_hot(labels, n_classes):
    return np.eye(n_classes, dtype="float32")[np.asarray(labels, int)]


def _images(n: int, seed: int, shape=(784,)) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.random((n, *shape)).astype("float32")


def _is_binary(x) -> bool:
    return bool(np.isin(np.asarray(x), (0.0, 1.0)).all())


def _same(got, value, atol=1e-5) -> bool:
    """Whether ``got`` is the array ``value`` (same shape, same numbers)."""
    got, value = np.asarray(got), np.asarray(value)
    return got.shape == value.shape and bool(
        np.allclose(got, value, atol=atol)
    )


def _quietly(function, *args, **kwargs):
    """``function(*args, **kwargs)``, or ``None`` if it raises: a second look at an
    answer that already failed, to tell which slip it made."""
    try:
        return function(*args, **kwargs)
    except Exception:  # noqa: BLE001 (the failure already found is reported)
        return None


def _add_hint(err: Exception, hint: str) -> None:
    """Give ``err``, the learner's own error (raised on with its traceback), the hint of
    the slip the checker identified, as a note after the case's."""
    if hint:
        err.add_note(hint)


# Exercise 9.1 ------------------------------------------------------------------------


def check_image_and_label(image_and_label) -> None:
    """``image_and_label(images, labels, n_classes=10)``: the flattened images, then their
    labels one-hot, as the conditional encoder's first layer joins them."""
    import keras

    vae = _dense_cvae()
    images, labels = _images(4, 0), np.array([2, 0, 9, 2])
    case = "image_and_label(4 flat images, labels [2, 0, 9, 2])"
    got = _call(
        case,
        "an array of shape (4, 794)",
        image_and_label,
        images,
        labels,
    )
    got = np.asarray(got, dtype=float)
    # What the model's own Concatenate layer receives and gives.
    joined = keras.Model(
        vae.encoder.inputs, vae.encoder.get_layer("image_and_label").output
    )
    expected = np.asarray(joined([images, _one_hot(labels, 10)]))
    shape_hints = {
        (4, 785): (
            _same(got[:, 784:], labels[:, None]),
            (
                "You added the label as one number: the model takes it one-hot, "
                "a row of n_classes values with a single 1."
            ),
        ),
        (4, 784): (
            _same(got, images),
            (
                "Those are the images alone: add each image's one-hot label "
                "after its pixels."
            ),
        ),
    }
    identified, hint = shape_hints.get(got.shape, (False, ""))
    expect(
        got.shape == (4, 794),
        case,
        "shape (4, 794): 784 pixels, then 10 one-hot columns",
        f"shape {got.shape}",
        hint if identified else "",
    )
    if np.allclose(got[:, :10], expected[:, 784:]):
        expect(
            False,
            case,
            "the 784 pixels first, then the one-hot label",
            "the one-hot label first",
            "The model's Concatenate layer takes [image, label]: put the "
            "images first.",
        )
    pixels = got[:, :784]
    pixel_slips = [
        (
            images > 0.5,
            (
                "Your pixels are 0 or 1, the images rounded: keep the grey "
                "levels as they are."
            ),
        ),
        (
            images * 255,
            (
                "Your pixels are the grey levels times 255: keep them as they "
                "are, in [0, 1]."
            ),
        ),
    ]
    expect(
        np.allclose(pixels, images),
        f"{case}, columns 0 to 783",
        "the pixels of each image, unchanged",
        f"other values, off by up to {np.abs(pixels - images).max():.3g}",
        next((h for value, h in pixel_slips if _same(pixels, value)), ""),
    )
    one_hot = got[:, 784:]
    shifted = _one_hot(labels - 1, 10)
    expect(
        np.allclose(got, expected),
        f"{case}, columns 784 to 793",
        f"the one-hot rows {_one_hot(labels, 10).astype(int).tolist()}",
        f"{np.round(one_hot, 3).tolist()}",
        "Class c has its 1 in column c, counted from 0 (digit 0: column 0)."
        if np.allclose(one_hot, shifted)
        else "",
    )

    # 28×28 images are flattened; a batch without the largest class keeps its width.
    square = _images(2, 1, (28, 28))
    flat = square.reshape(2, -1)
    expected = np.concatenate([flat, _one_hot([1, 1], 4)], axis=1)
    case = "image_and_label(two 28×28 images, labels [1, 1], n_classes=4)"
    try:
        got = _call(
            case,
            "an array of shape (2, 788)",
            image_and_label,
            square,
            [1, 1],
            4,
        )
    except Exception as err:
        # The case differs from the first in the images' shape and in the labels'
        # type: which one alone makes the answer fail?
        if _same(_quietly(image_and_label, flat, [1, 1], 4), expected):
            _add_hint(
                err,
                "Your function gives the right rows for the same images "
                "flat, (2, 784): flatten square images first, "
                "images.reshape(len(images), -1).",
            )
        elif _same(
            _quietly(image_and_label, square, np.array([1, 1]), 4), expected
        ):
            _add_hint(
                err,
                "Your function gives the right rows when the labels come "
                "as a NumPy array: take any sequence of labels, "
                "np.asarray(labels).",
            )
        raise
    got = np.asarray(got, dtype=float)
    if got.shape == (2, 786) and _same(got[:, 784:], _one_hot([1, 1], 2)):
        expect(
            False,
            case,
            "shape (2, 788): 784 pixels and 4 one-hot columns",
            "shape (2, 786)",
            "The one-hot has n_classes columns, whatever labels the batch "
            "holds: do not size it from the largest label.",
        )
    if got.shape == (2, 794) and _same(got[:, 784:], _one_hot([1, 1], 10)):
        expect(
            False,
            case,
            "shape (2, 788): 784 pixels and 4 one-hot columns",
            "shape (2, 794)",
            "Use the n_classes argument, not a fixed 10.",
        )
    expect(
        got.shape == (2, 788),
        case,
        "shape (2, 788): 784 pixels and 4 one-hot columns",
        f"shape {got.shape}",
    )
    by_columns = np.concatenate(
        [square.transpose(0, 2, 1).reshape(2, -1), _one_hot([1, 1], 4)],
        axis=1,
    )
    expect(
        np.allclose(got, expected),
        case,
        "each image's pixels row by row, then [0, 1, 0, 0]",
        f"other values, off by up to {np.abs(got - expected).max():.3g}",
        "You flattened each image column by column: reshape row by row, "
        "images.reshape(len(images), -1) (NumPy's order)."
        if _same(got, by_columns)
        else "",
    )


# Exercise 9.2 ------------------------------------------------------------------------


def _decode(decoder, z, digit):
    n_classes = decoder.inputs[1].shape[-1]
    labels = np.full(len(z), digit)
    out = decoder([np.asarray(z, "float32"), _one_hot(labels, n_classes)])
    return np.asarray(out).reshape(len(z), 28, 28)


def _shape_of(x):
    try:
        return np.shape(x)
    except Exception:  # noqa: BLE001 (not an array: no shape to read)
        return None


def _input_slip(inputs, n: int, d: int, k: int, digit: int) -> str:
    """What is wrong with ``inputs``, handed to a decoder of a ``d``-D latent and ``k``
    classes for ``n`` points of the digit, when it is a known slip; ``""`` otherwise."""
    if not isinstance(inputs, (list, tuple)):
        if _shape_of(inputs) == (n, d + k):
            return (
                "You joined z and the one-hot rows into one array: the "
                "decoder takes them as two inputs, decoder([z, one_hot])."
            )
        return ""
    if len(inputs) != 2:
        return ""
    z_shape, label_shape = _shape_of(inputs[0]), _shape_of(inputs[1])
    if z_shape and len(z_shape) == 2 and z_shape[-1] != d:
        return (
            f"Your z has {z_shape[-1]} columns; this decoder's latent size "
            f"is {d}: read it from decoder.inputs[0].shape[-1] (the "
            "checker's decoder is not the chapter's)."
        )
    if label_shape is None:
        return ""
    labels = np.asarray(inputs[1])
    if label_shape in ((n,), (n, 1)) and np.all(labels == digit):
        return (
            f"You passed the label {digit} as a number, shape "
            f"{label_shape}: the decoder takes a one-hot row per point, "
            f"shape ({n}, {k}), {k} = decoder.inputs[1].shape[-1] columns "
            f"of 0 with a 1 in column {digit}."
        )
    if label_shape in ((k,), (1, k)) and n > 1:
        return (
            f"You passed one one-hot row, shape {label_shape}, for all {n} "
            f"points: the decoder takes one row per point, shape ({n}, {k}) "
            "(np.tile or np.repeat it)."
        )
    if (
        len(label_shape) == 2
        and label_shape[0] == n
        and label_shape[1] != k
        and label_shape[1] > digit
        and _same(labels, _one_hot(np.full(n, digit), label_shape[1]))
    ):
        return (
            f"Your one-hot rows have {label_shape[1]} columns; this decoder "
            f"has {k} classes: read it from decoder.inputs[1].shape[-1]."
        )
    return ""


def _generate(generate_digit, decoder, digit, n, seed, case):
    """``generate_digit(counting decoder, digit, n, seed=seed)`` and the inputs of the
    calls it made; an error names the slip in what it handed the decoder, if known."""
    counting = CountingDecoder(decoder)
    d, k = decoder.inputs[0].shape[-1], decoder.inputs[1].shape[-1]
    try:
        out = _call(
            case,
            "a pair (z, images)",
            functools.partial(generate_digit, seed=seed),
            counting,
            digit,
            n,
        )
    except Exception as err:
        calls = counting.inputs_of_calls
        # The decoder's inputs of the last call, the one that raised if any did.
        slip = _input_slip(calls[-1], n, d, k, digit) if calls else ""
        if not slip and isinstance(err, TypeError):
            by_place = _quietly(generate_digit, decoder, digit, n, seed)
            if by_place is not None:
                slip = (
                    "Your function works when the seed comes fourth, not "
                    "by name: the chapter calls generate_digit(decoder, d, "
                    "10, seed=3), so keep the parameter's name, seed."
                )
        _add_hint(err, slip)
        raise
    return out, counting.inputs_of_calls


def _z_of(out, case):
    expect(
        isinstance(out, (tuple, list)) and len(out) == 2,
        case,
        "a pair (z, images)",
        type(out).__name__,
    )
    return np.asarray(out[0])


def check_generate_digit(generate_digit) -> None:
    """``generate_digit(decoder, digit, n, seed)``: n draws z ~ N(0, I), decoded under
    the label ``digit`` in one call; returns ``(z, images)``."""
    cases = (
        (_dense_cvae(3), 7, 5),
        (_conv_cvae(2), 3, 4),
        (_dense_cvae(3, n_classes=4), 2, 3),
    )
    for vae, digit, n in cases:
        decoder = vae.decoder
        d, k = decoder.inputs[0].shape[-1], decoder.inputs[1].shape[-1]
        kind = "dense" if len(decoder.outputs[0].shape) == 2 else "conv"
        case = (
            f"generate_digit({kind} decoder of a {d}-D latent and {k} "
            f"classes, {digit}, {n}, seed=0)"
        )
        out, calls = _generate(generate_digit, decoder, digit, n, 0, case)
        if isinstance(out, np.ndarray) or hasattr(out, "shape"):
            expect(
                False,
                case,
                "a pair (z, images)",
                f"one array of shape {_shape_of(out)}",
                "Those are images alone: return the points too, "
                "`return z, images`."
                if np.size(out) == n * 784
                else "",
            )
        z = _z_of(out, case)
        images = np.asarray(out[1])
        if len(calls) > 1:
            sizes = {
                _shape_of(inputs[0])
                for inputs in calls
                if isinstance(inputs, (list, tuple))
            }
            each = " of one point each" if sizes == {(1, d)} else ""
            expect(
                False,
                case,
                f"one call of the decoder with all {n} points",
                f"{len(calls)} calls{each}",
                "Give the decoder all the points as one batch, in a single "
                "call, decoder([z, one_hot]) with z of shape (n, latent_dim): "
                "Keras decodes a batch at once, far faster than point by point.",
            )
        expect(
            z.shape == (n, d),
            f"{case}: z",
            f"shape ({n}, {d})",
            f"shape {z.shape}",
            "That is z transposed: one row per point, shape (n, latent_dim)."
            if z.shape == (d, n)
            else "",
        )
        image_slips = {
            (n, 784): "flat",
            (n, 28, 28, 1): "with its channel axis",
        }
        expect(
            images.shape == (n, 28, 28),
            f"{case}: images",
            f"shape ({n}, 28, 28)",
            f"shape {images.shape}",
            f"That is the decoder's output as it comes, "
            f"{image_slips[images.shape]}: reshape it to (n, 28, 28)."
            if images.shape in image_slips
            else "",
        )
        expected = _decode(decoder, z, digit)
        if np.allclose(images, expected, atol=1e-5):
            continue
        others = [
            c
            for c in range(k)
            if np.allclose(images, _decode(decoder, z, c), atol=1e-5)
        ]
        rng = np.random.default_rng(0)
        rng.standard_normal((n, d))
        second = rng.standard_normal((n, d)).astype("float32")
        if others:
            hint = (
                f"These are the decodings of your z as the digit {others[0]}: "
                f"the one-hot row needs its 1 in column {digit}, the digit "
                "asked for."
            )
        elif _same(images, _decode(decoder, second, digit)):
            hint = (
                "These are the decodings of a second draw from your rng, not "
                "of the z you return: decode the very z you return."
            )
        elif _is_binary(images):
            hint = (
                "Your pixels are all 0 or 1: return the decoder's pixel "
                "probabilities, not a black-and-white draw."
            )
        else:
            hint = ""
        expect(
            False,
            f"{case}: images",
            f"the decodings of your z as the digit {digit}",
            "other images, pixels off by up to "
            f"{np.abs(images - expected).max():.3f}",
            hint,
        )

    # The chapter decodes the same draws (the same seed) as each digit, and calls
    # generate_digit with seed= by name.
    decoder = _dense_cvae(3).decoder

    def draw(digit, n, seed, case):
        return _z_of(
            _generate(generate_digit, decoder, digit, n, seed, case)[0], case
        )

    z0 = draw(5, 3, 0, "generate_digit(decoder, 5, 3, seed=0)")
    case = "generate_digit(decoder, 5, 3, seed=0), called twice"
    z0_again = draw(5, 3, 0, case)
    expect(
        np.array_equal(z0, z0_again),
        case,
        "the same z twice",
        "two different draws",
        "Your z changes from call to call with the same seed: draw from "
        "np.random.default_rng(seed), so that the seed fixes z.",
    )
    case = "generate_digit(decoder, 2, 3, seed=0), another digit"
    other_digit = draw(2, 3, 0, case)
    expect(
        np.array_equal(z0, other_digit),
        case,
        "the same z as for the digit 5 with seed 0: z depends on the seed "
        "alone, so that the chapter decodes the same draws as each digit",
        "another z",
    )
    case = "generate_digit(decoder, 5, 3, seed=1)"
    z1 = draw(5, 3, 1, case)
    expect(
        not np.allclose(z0, z1),
        case,
        "another draw than with seed 0",
        "the same z for both seeds",
        "Your z does not change with the seed: make the generator from it, "
        "np.random.default_rng(seed).",
    )
    case = "generate_digit(decoder, 5, 500, seed=2)"
    z = draw(5, 500, 2, case).astype(float)
    mean, std = z.mean(axis=0), z.std(axis=0)
    if np.all((z >= 0) & (z < 1)):
        hint = (
            "Every coordinate lies in [0, 1), as in a uniform draw "
            "(rng.random): draw from the prior, a standard normal "
            "(rng.standard_normal)."
        )
    elif np.all((z >= -1) & (z < 1)) and np.all(np.abs(std - 0.577) < 0.05):
        hint = (
            "Every coordinate lies in [-1, 1), as in a uniform draw: draw "
            "from the prior, a standard normal (rng.standard_normal)."
        )
    else:
        hint = ""
    expect(
        np.all(np.abs(mean) < 0.2) and np.all(np.abs(std - 1) < 0.2),
        case,
        "draws of N(0, I): mean ≈ 0 and standard deviation ≈ 1 in every "
        "coordinate",
        f"mean {np.round(mean, 2).tolist()}, std {np.round(std, 2).tolist()}",
        hint,
    )


# Exercise 9.3 ------------------------------------------------------------------------


def _reference_grid(vae, images, labels, encode_as=None, code=0):
    """The grid, encoding under ``encode_as`` for every image if given, and taking the
    encoder's output number ``code`` as z (0: the mean)."""
    n, n_classes = len(images), vae.n_classes
    encode_labels = labels if encode_as is None else np.full(n, encode_as)
    z = vae.encode(images, np.asarray(encode_labels))[code]
    return np.stack(
        [
            np.asarray(vae.decode(z, np.full(n, c))).reshape(n, 28, 28)
            for c in range(n_classes)
        ]
    )


def check_style_grid(style_grid) -> None:
    """``style_grid(vae, images, labels)``: each image encoded under its own label (the
    posterior mean), decoded under every class: shape ``(n_classes, n, 28, 28)``."""
    cases = (
        (_dense_cvae(3), _images(3, 5), np.array([3, 7, 0])),
        (_conv_cvae(2), _images(2, 6, (28, 28, 1)), np.array([1, 8])),
    )
    for vae, images, labels in cases:
        n = len(images)
        kind = "dense" if len(images.shape) == 2 else "convolutional"
        case = (
            f"style_grid(a small {kind} conditional VAE, {n} images, "
            f"labels {labels.tolist()})"
        )
        got = _call(
            case,
            f"an array of shape (10, {n}, 28, 28)",
            style_grid,
            vae,
            images,
            labels,
        )
        got = np.asarray(got, dtype=float)
        expected = _reference_grid(vae, images, labels)
        shape_slips = [
            (
                expected.transpose(1, 0, 2, 3),
                (
                    "That is one row per image: put the class first, row c "
                    "holding every image drawn as the digit c (np.stack over "
                    "the classes, or transpose)."
                ),
            ),
            (
                expected.reshape(10, n, 784),
                "Each decoding is still flat: reshape it to 28×28.",
            ),
            (
                expected.reshape(10, n, 28, 28, 1),
                "Each decoding keeps its channel axis: reshape it to 28×28.",
            ),
            (
                expected.reshape(10 * n, 28, 28),
                (
                    "That is every decoding in one list, class after class: "
                    "shape it (n_classes, n, 28, 28)."
                ),
            ),
        ]
        expect(
            got.shape == (10, n, 28, 28),
            case,
            f"shape (10, {n}, 28, 28): one row per class, one column per "
            "image",
            f"shape {got.shape}",
            next((h for value, h in shape_slips if _same(got, value)), ""),
        )
        if np.allclose(got, expected, atol=1e-5):
            continue
        again = np.asarray(style_grid(vae, images, labels), dtype=float)
        if not np.allclose(again, got, atol=1e-6):
            hint = (
                "Two calls gave different grids: take z as the posterior mean, "
                "not a random draw from q(z | x, y)."
            )
        elif any(
            _same(got, _reference_grid(vae, images, labels, c))
            for c in range(10)
        ):
            hint = (
                "You encoded every image under the same label: encode each "
                "image under its own label, labels[i]."
            )
        elif _same(got, _reference_grid(vae, images, labels, code=1)):
            hint = (
                "You decoded the log variance, the encoder's second output: "
                "z is the posterior mean, the first."
            )
        else:
            per_target = np.stack(
                [
                    np.asarray(
                        vae.decode(
                            vae.encode(images, np.full(n, c))[0],
                            np.full(n, c),
                        )
                    ).reshape(n, 28, 28)
                    for c in range(10)
                ]
            )
            hint = (
                "You encoded each image under the class it is decoded "
                "as: encode under the image's own label, once, and keep "
                "that z for all ten classes."
                if _same(got, per_target)
                else ""
            )
        expect(
            False,
            case,
            "row c: the images' own z decoded as the digit c",
            f"pixels off by up to {np.abs(got - expected).max():.3f}",
            hint,
        )


EXERCISES = [
    Exercise(
        "09_conditional_vae_1_image_and_label",
        "image_and_label",
        check_image_and_label,
    ),
    Exercise(
        "09_conditional_vae_2_generate_digit",
        "generate_digit",
        check_generate_digit,
    ),
    Exercise(
        "09_conditional_vae_3_style_grid", "style_grid", check_style_grid
    ),
]
