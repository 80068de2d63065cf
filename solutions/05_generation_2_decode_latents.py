import keras
import numpy as np


def decode_latents(decoder, points):
    """Decode (n, latent_dim) points in one call → (n, 28, 28)."""
    z = np.asarray(points, dtype="float32")  # a list of points works too
    probs = keras.ops.convert_to_numpy(decoder(z))  # one batch of n points
    return probs.reshape(len(z), 28, 28)  # from (n, 784) or (n, 28, 28, 1)
