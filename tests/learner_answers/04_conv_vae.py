"""Answers a learner might give to chapter 4's exercises.

WRONG: per exercise, a wrong answer and a fragment of the explanation its checker must give.
RIGHT: per exercise, a right answer written differently from the reference solution.
"""

import keras
import numpy as np
from keras import layers


# Exercise 4.1: the output size of a convolution and of a transposed convolution
def output_size_rounding_down(
    size, kernel, stride, padding, transposed=False
):
    if transposed:
        return (
            size * stride
            if padding == "same"
            else (size - 1) * stride + kernel
        )
    if padding == "same":
        return size // stride  # the slip: the last, partial window is dropped
    return (size - kernel) // stride + 1


def output_size_by_counting(size, kernel, stride, padding, transposed=False):
    if transposed:  # the extent covered by the patches, cropped for "same"
        painted = set()
        for i in range(size):
            painted.update(range(i * stride, i * stride + kernel))
        return len(painted) if padding == "valid" else size * stride
    last_start = size - 1 if padding == "same" else size - kernel
    return len(range(0, last_start + 1, stride))


# Exercise 4.2: the multiply-adds of a layer
def multiply_adds_at_output_positions(layer):
    if not hasattr(layer, "kernel"):
        return 0
    weights = int(np.prod(layer.kernel.shape))
    if isinstance(layer, layers.Dense):
        return weights
    return (
        int(np.prod(layer.output.shape[1:3])) * weights
    )  # wrong for transposed


def multiply_adds_by_shapes(layer):
    if isinstance(layer, layers.Dense):
        n_in, n_out = layer.kernel.shape
        return n_in * n_out
    if isinstance(layer, (layers.Conv2D, layers.Conv2DTranspose)):
        kh, kw, a, b = layer.kernel.shape
        transposed = isinstance(layer, layers.Conv2DTranspose)
        _, h, w, _ = layer.input.shape if transposed else layer.output.shape
        return h * w * kh * kw * a * b
    return 0


# Exercise 4.3: the encoder
def build_encoder_valid_padding(latent_dim=2):
    image = keras.Input(shape=(28, 28, 1), name="image")
    h = layers.Conv2D(32, 3, strides=2, activation="relu", name="conv_0")(
        image
    )
    h = layers.Conv2D(64, 3, strides=2, activation="relu", name="conv_1")(h)
    h = layers.Flatten(name="flatten")(h)
    h = layers.Dense(512, activation="relu", name="enc_dense_0")(h)
    h = layers.Dense(256, activation="relu", name="enc_dense_1")(h)
    mean = layers.Dense(latent_dim, name="z_mean")(h)
    log_var = layers.Dense(latent_dim, name="z_log_var")(h)
    return keras.Model(image, [mean, log_var])


def build_encoder_in_a_loop(latent_dim=2):
    x = keras.Input(shape=(28, 28, 1), name="image")
    h = x
    for i, filters in enumerate((32, 64)):
        conv = layers.Conv2D(
            filters,
            kernel_size=(3, 3),
            strides=(2, 2),
            padding="same",
            activation=keras.activations.relu,
            name=f"conv_{i}",
        )
        h = conv(h)
    h = layers.Flatten(name="flatten")(h)
    for i, width in enumerate((512, 256)):
        h = layers.Dense(width, activation="relu", name=f"enc_dense_{i}")(h)
    heads = [
        layers.Dense(latent_dim, name=n)(h) for n in ("z_mean", "z_log_var")
    ]
    return keras.Model(inputs=x, outputs=heads, name="my_encoder")


# Exercise 4.4: the decoder
def build_decoder_without_sigmoid(latent_dim=2):
    z = keras.Input(shape=(latent_dim,), name="z")
    h = layers.Dense(256, activation="relu", name="dec_hidden_0")(z)
    h = layers.Dense(512, activation="relu", name="dec_hidden_1")(h)
    h = layers.Dense(7 * 7 * 64, activation="relu", name="dec_dense")(h)
    h = layers.Reshape((7, 7, 64), name="to_maps")(h)
    for i, filters in enumerate((64, 32)):
        h = layers.Conv2DTranspose(
            filters,
            3,
            strides=2,
            padding="same",
            activation="relu",
            name=f"deconv_{i}",
        )(h)
    out = layers.Conv2D(1, 3, padding="same", name="pixel_probs")(h)
    return keras.Model(z, out)


def build_decoder_sequential(latent_dim=2):
    def up(filters, name):
        return layers.Conv2DTranspose(
            filters,
            3,
            strides=2,
            padding="same",
            activation="relu",
            name=name,
        )

    return keras.Sequential(
        [
            keras.Input(shape=(latent_dim,), name="z"),
            layers.Dense(256, activation="relu", name="dec_hidden_0"),
            layers.Dense(512, activation="relu", name="dec_hidden_1"),
            layers.Dense(3136, activation="relu", name="dec_dense"),
            layers.Reshape((7, 7, 64), name="to_maps"),
            up(64, "deconv_0"),
            up(32, "deconv_1"),
            layers.Conv2D(
                1, 3, padding="same", activation="sigmoid", name="pixel_probs"
            ),
        ],
        name="my_decoder",
    )


WRONG = {
    "04_conv_vae_1_output_size": (output_size_rounding_down, "round up"),
    "04_conv_vae_2_multiply_adds": (
        multiply_adds_at_output_positions,
        "from every *input* position",
    ),
    "04_conv_vae_3_encoder": (
        build_encoder_valid_padding,
        "Use padding='same'",
    ),
    "04_conv_vae_4_decoder": (
        build_decoder_without_sigmoid,
        "End with activation='sigmoid'",
    ),
}
RIGHT = {
    "04_conv_vae_1_output_size": output_size_by_counting,
    "04_conv_vae_2_multiply_adds": multiply_adds_by_shapes,
    "04_conv_vae_3_encoder": build_encoder_in_a_loop,
    "04_conv_vae_4_decoder": build_decoder_sequential,
}
