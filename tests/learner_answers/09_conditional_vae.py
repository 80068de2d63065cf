"""Answers a learner might give to chapter 9's exercises.

WRONG: per exercise, a wrong answer and a fragment of the explanation its checker must give.
RIGHT: per exercise, a right answer written differently from the reference solution.
"""

import keras
import numpy as np


def one_hot_sized_by_the_batch(images, labels, n_classes=10):
    """Sizes the one-hot from the largest label in the batch."""
    labels = np.asarray(labels)
    one_hot = np.eye(labels.max() + 1)[labels]
    flat = np.reshape(images, (len(images), -1))
    return np.concatenate([flat, one_hot], axis=1)


def one_hot_with_keras(images, labels, n_classes=10):
    flat = keras.ops.reshape(
        keras.ops.convert_to_tensor(images, "float32"), (len(images), 784)
    )
    one_hot = keras.ops.one_hot(
        keras.ops.convert_to_tensor(labels), n_classes
    )
    return keras.ops.convert_to_numpy(
        keras.ops.concatenate([flat, one_hot], 1)
    )


def generate_with_integer_labels(decoder, digit, n, seed):
    """Hands the decoder the integer label instead of a one-hot row."""
    latent_dim = decoder.inputs[0].shape[-1]
    z = np.random.default_rng(seed).standard_normal((n, latent_dim))
    labels = np.full((n, 1), digit, "float32")
    images = decoder.predict([z.astype("float32"), labels], verbose=0)
    return z, images.reshape(n, 28, 28)


def generate_with_keras_one_hot(decoder, digit, n, seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(size=(n, int(decoder.inputs[0].shape[-1])))
    z = z.astype("float32")
    labels = keras.ops.one_hot(
        np.repeat(digit, n), int(decoder.inputs[1].shape[-1])
    )
    images = decoder([keras.ops.convert_to_tensor(z), labels])
    return z, keras.ops.convert_to_numpy(images).reshape(-1, 28, 28)


def style_grid_encoding_under_zero(vae, images, labels):
    """Encodes every image under the label 0 instead of its own."""
    n = len(images)
    z, _ = vae.encode(images, np.zeros(n, int))
    return np.stack(
        [
            np.asarray(vae.decode(z, np.full(n, c))).reshape(n, 28, 28)
            for c in range(vae.n_classes)
        ]
    )


def style_grid_in_one_call(vae, images, labels):
    n, k = len(images), vae.n_classes
    mean = np.asarray(vae.encode(images, labels)[0])
    z = np.tile(mean, (k, 1))  # class 0 for all images, then class 1, ...
    targets = np.repeat(np.arange(k), n)
    decoded = np.asarray(vae.decode(z, targets))
    return decoded.reshape(k, n, 28, 28)


WRONG = {
    "09_conditional_vae_1_image_and_label": (
        one_hot_sized_by_the_batch,
        "do not size it from the largest label",
    ),
    "09_conditional_vae_2_generate_digit": (
        generate_with_integer_labels,
        "the decoder takes a one-hot row per point",
    ),
    "09_conditional_vae_3_style_grid": (
        style_grid_encoding_under_zero,
        "encode each image under its own label",
    ),
}
RIGHT = {
    "09_conditional_vae_1_image_and_label": one_hot_with_keras,
    "09_conditional_vae_2_generate_digit": generate_with_keras_one_hot,
    "09_conditional_vae_3_style_grid": style_grid_in_one_call,
}
