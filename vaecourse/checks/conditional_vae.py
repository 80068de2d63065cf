"""Checkers for chapter 9 (the conditional VAE).

The conditional VAEs the checkers use are small, untrained, and given fixed weights: enough
to check the plumbing in well under a second.
"""

from __future__ import annotations

import functools

import numpy as np

from ..exercises import Exercise
from . import call_or_fail as _call
from . import expect, fixed_weights

DECODER_INPUTS_HINT = (
    "The decoder takes two inputs, [z, one_hot]: a batch of latent points "
    "and, for each point, a one-hot row of decoder.inputs[1].shape[-1] "
    "classes (not the integer label)."
)


@functools.cache
def _dense_cvae(latent_dim: int = 3):
    """A small conditional dense VAE: [784 + 10] → 16 → z; [z + 10] → 16 → 784."""
    from ..models import build_dense_cvae

    return fixed_weights(
        build_dense_cvae(latent_dim, hidden=16), 91, 1.5, 0.3
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


def _shape(x) -> str:
    return str(getattr(np.asarray(x), "shape", "?"))


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
        "Turn the labels into one-hot rows (np.eye(n_classes)[labels]) and "
        "np.concatenate them after the images, along axis 1.",
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
    if got.shape == (4, 785):
        expect(
            False,
            case,
            "shape (4, 794): 784 pixels, then 10 one-hot columns",
            "shape (4, 785)",
            "You added the label as one number: the model takes it one-hot, "
            "a row of n_classes values with a single 1.",
        )
    expect(
        got.shape == (4, 794),
        case,
        "shape (4, 794): 784 pixels, then 10 one-hot columns",
        f"shape {got.shape}",
        "Concatenate along axis 1 (per image), not axis 0.",
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
    expect(
        np.allclose(got[:, :784], images),
        f"{case}, columns 0 to 783",
        "the pixels of each image, unchanged",
        "other values",
        "Keep the pixels as they are (no scaling, no binarising).",
    )
    one_hot = got[:, 784:]
    shifted = _one_hot(labels - 1, 10)
    if np.allclose(one_hot, shifted):
        hint = "Class c has its 1 in column c, counted from 0 (digit 0: column 0)."
    else:
        hint = "Each row needs a single 1, in the column of its label."
    expect(
        np.allclose(got, expected),
        f"{case}, columns 784 to 793",
        f"the one-hot rows {_one_hot(labels, 10).astype(int).tolist()}",
        f"{np.round(one_hot, 3).tolist()}",
        hint,
    )

    # 28×28 images are flattened; a batch without the largest class keeps its width.
    square = _images(2, 1, (28, 28))
    case = "image_and_label(two 28×28 images, labels [1, 1], n_classes=4)"
    got = _call(
        case,
        "an array of shape (2, 788)",
        "Flatten each image to its 784 pixels first: "
        "images.reshape(len(images), -1).",
        image_and_label,
        square,
        [1, 1],
        4,
    )
    got = np.asarray(got, dtype=float)
    if got.shape == (2, 786):
        expect(
            False,
            case,
            "shape (2, 788): 784 pixels and 4 one-hot columns",
            "shape (2, 786)",
            "The one-hot has n_classes columns, whatever labels the batch "
            "holds: do not size it from the largest label.",
        )
    if got.shape == (2, 794):
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
        "shape (2, 788)",
        f"shape {got.shape}",
        "Flatten each image to its 784 pixels: "
        "images.reshape(len(images), -1).",
    )
    expected = np.concatenate(
        [square.reshape(2, -1), _one_hot([1, 1], 4)], axis=1
    )
    expect(
        np.allclose(got, expected),
        case,
        "the flattened pixels, then [0, 1, 0, 0] twice",
        f"last columns {np.round(got[:, 784:], 3).tolist()}",
        "Flatten row by row (reshape), then add the one-hot label.",
    )


# Exercise 9.2 ------------------------------------------------------------------------


def _decode(decoder, z, digit):
    n_classes = decoder.inputs[1].shape[-1]
    labels = np.full(len(z), digit)
    out = decoder([np.asarray(z, "float32"), _one_hot(labels, n_classes)])
    return np.asarray(out).reshape(len(z), 28, 28)


def check_generate_digit(generate_digit) -> None:
    """``generate_digit(decoder, digit, n, seed)``: n draws z ~ N(0, I), decoded under
    the label ``digit``; returns ``(z, images)``."""
    for vae, digit, n in ((_dense_cvae(3), 7, 5), (_conv_cvae(2), 3, 4)):
        decoder = vae.decoder
        d = decoder.inputs[0].shape[-1]
        kind = "dense" if len(decoder.outputs[0].shape) == 2 else "conv"
        case = f"generate_digit({kind} decoder of a {d}-D latent, {digit}, {n}, 0)"
        out = _call(
            case,
            "a pair (z, images)",
            DECODER_INPUTS_HINT,
            generate_digit,
            decoder,
            digit,
            n,
            0,
        )
        expect(
            isinstance(out, (tuple, list)) and len(out) == 2,
            case,
            "a pair (z, images)",
            type(out).__name__,
            "Return both: `return z, images`.",
        )
        z, images = np.asarray(out[0]), np.asarray(out[1])
        expect(
            z.shape == (n, d),
            f"{case}: z",
            f"shape ({n}, {d})",
            f"shape {z.shape}",
            "Draw n points of the decoder's latent size, "
            "decoder.inputs[0].shape[-1]: the checker's is not the "
            "chapter's.",
        )
        expect(
            images.shape == (n, 28, 28),
            f"{case}: images",
            f"shape ({n}, 28, 28)",
            f"shape {images.shape}",
            "Reshape the decoder's output to (n, 28, 28): the dense decoder "
            "gives (n, 784), the convolutional one (n, 28, 28, 1).",
        )
        expected = _decode(decoder, z, digit)
        if np.allclose(images, expected, atol=1e-5):
            continue
        others = [
            c
            for c in range(decoder.inputs[1].shape[-1])
            if np.allclose(images, _decode(decoder, z, c), atol=1e-5)
        ]
        if _is_binary(images):
            hint = (
                "Your pixels are all 0 or 1: return the decoder's pixel "
                "probabilities, not a black-and-white draw."
            )
        elif others:
            hint = (
                f"These are the decodings of your z as the digit {others[0]}: "
                f"the one-hot row needs its 1 in column {digit}, the digit "
                "asked for."
            )
        else:
            hint = (
                "Decode the very z you return, with the digit's one-hot row "
                "for every point; do not draw a second z."
            )
        expect(
            False,
            f"{case}: images",
            f"the decodings of your z as the digit {digit}",
            "other images, pixels off by up to "
            f"{np.abs(images - expected).max():.3f}",
            hint,
        )

    decoder = _dense_cvae(3).decoder
    z0 = np.asarray(generate_digit(decoder, 5, 3, 0)[0])
    z0_again = np.asarray(generate_digit(decoder, 5, 3, 0)[0])
    z1 = np.asarray(generate_digit(decoder, 5, 3, 1)[0])
    expect(
        np.allclose(z0, z0_again),
        "two calls with seed 0",
        "the same z twice",
        "two different draws",
        "Draw from np.random.default_rng(seed), so that the seed fixes z.",
    )
    expect(
        not np.allclose(z0, z1),
        "seeds 0 and 1",
        "two different draws",
        "the same z for both",
        "Pass the seed to np.random.default_rng(seed).",
    )
    z = np.asarray(generate_digit(decoder, 5, 500, 2)[0], dtype=float)
    mean, std = z.mean(axis=0), z.std(axis=0)
    expect(
        np.all(np.abs(mean) < 0.2) and np.all(np.abs(std - 1) < 0.2),
        "500 draws with seed 2",
        "mean ≈ 0 and standard deviation ≈ 1 in every coordinate",
        f"mean {np.round(mean, 2).tolist()}, std {np.round(std, 2).tolist()}",
        "Draw from the prior, the standard normal: rng.standard_normal, "
        "not rng.random (uniform on [0, 1]).",
    )


# Exercise 9.3 ------------------------------------------------------------------------


def _reference_grid(vae, images, labels, encode_as=None):
    n, n_classes = len(images), vae.n_classes
    encode_labels = labels if encode_as is None else np.full(n, encode_as)
    mean, _ = vae.encode(images, np.asarray(encode_labels))
    return np.stack(
        [
            np.asarray(vae.decode(mean, np.full(n, c))).reshape(n, 28, 28)
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
            "vae.encode(images, labels) gives (mean, log_var); "
            "vae.decode(z, labels) takes integer labels, one per point.",
            style_grid,
            vae,
            images,
            labels,
        )
        got = np.asarray(got, dtype=float)
        if got.shape == (n, 10, 28, 28):
            expect(
                False,
                case,
                f"shape (10, {n}, 28, 28): one row per class",
                f"shape {got.shape}",
                "Put the class first: row c holds every image drawn as the "
                "digit c (np.stack over the classes, or transpose).",
            )
        expect(
            got.shape == (10, n, 28, 28),
            case,
            f"shape (10, {n}, 28, 28)",
            f"shape {got.shape}",
            "One row per class (vae.n_classes of them), one column per "
            "image, each a 28×28 image.",
        )
        expected = _reference_grid(vae, images, labels)
        if np.allclose(got, expected, atol=1e-5):
            continue
        again = np.asarray(style_grid(vae, images, labels), dtype=float)
        if not np.allclose(again, got, atol=1e-6):
            hint = (
                "Two calls gave different grids: take z as the posterior mean, "
                "not a random draw from q(z | x, y)."
            )
        elif any(
            np.allclose(
                got, _reference_grid(vae, images, labels, c), atol=1e-5
            )
            for c in range(10)
        ):
            hint = (
                "You encoded every image under the same label: encode each "
                "image under its own label, labels[i]."
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
            if np.allclose(got, per_target, atol=1e-5):
                hint = (
                    "You encoded each image under the class it is decoded "
                    "as: encode under the image's own label, once, and keep "
                    "that z for all ten classes."
                )
            else:
                hint = (
                    "Encode each image under its own label, take the mean, "
                    "and decode that same z with the label c for row c."
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
