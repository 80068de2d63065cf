import numpy as np


def generate_digit(decoder, digit, n, seed):
    """n prior draws, decoded as the digit: (z, n images)."""
    latent_dim = decoder.inputs[0].shape[-1]
    n_classes = decoder.inputs[1].shape[-1]
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, latent_dim)).astype("float32")
    one_hot = np.zeros((n, n_classes), "float32")
    one_hot[:, digit] = 1.0  # the same class for every point
    images = decoder([z, one_hot])  # every point in one batch
    return z, np.asarray(images).reshape(n, 28, 28)
