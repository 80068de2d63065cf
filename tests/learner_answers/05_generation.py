"""Answers a learner might give to chapter 5's exercises.

WRONG: per exercise, a wrong answer and a fragment of the explanation its checker must give.
RIGHT: per exercise, a right answer written differently from the reference solution.
"""

import keras
import numpy as np


def sample_with_latent_size_two(decoder, seed):
    """Hard-codes the chapter's 2-D latent."""
    z = np.random.default_rng(seed).standard_normal(2).astype("float32")
    return z, decoder.predict(z[None], verbose=0).reshape(28, 28)


def sample_with_keras_random(decoder, seed):
    latent_dim = decoder.input_shape[-1]
    z = keras.random.normal((1, latent_dim), seed=seed)
    image = keras.ops.reshape(decoder(z), (28, 28))
    return keras.ops.convert_to_numpy(z)[0], keras.ops.convert_to_numpy(image)


def decode_latents_flat(decoder, points):
    """Forgets to shape the decoder's output into images."""
    return decoder.predict(np.asarray(points, "float32"), verbose=0)


def decode_latents_with_predict(decoder, points):
    batch = np.array(points, dtype=np.float32)
    images = decoder.predict(batch, batch_size=256, verbose=0)
    return np.reshape(images, (-1, 28, 28))


def traversal_adding_the_steps(anchor, dim, steps):
    """Moves coordinate dim by each step instead of setting it."""
    points = np.tile(np.asarray(anchor, "float32"), (len(steps), 1))
    points[:, dim] += steps
    return points


def traversal_row_by_row(anchor, dim, steps):
    onehot = np.arange(len(anchor)) == dim
    return np.array([np.where(onehot, step, anchor) for step in steps])


WRONG = {
    "05_generation_1_single_sample": (
        sample_with_latent_size_two,
        "read the latent size from decoder.inputs[0].shape[-1]",
    ),
    "05_generation_2_decode_latents": (
        decode_latents_flat,
        "flat: reshape it to (n, 28, 28)",
    ),
    "05_generation_3_traversal_points": (
        traversal_adding_the_steps,
        "set it to the step values, do not add them",
    ),
}
RIGHT = {
    "05_generation_1_single_sample": sample_with_keras_random,
    "05_generation_2_decode_latents": decode_latents_with_predict,
    "05_generation_3_traversal_points": traversal_row_by_row,
}
