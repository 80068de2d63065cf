import keras
import numpy as np


def decode_latents(decoder, points):
    """Decode (n, latent_dim) points in one call → (n, 28, 28)."""
    # A list of points works too.
    z = np.asarray(points, dtype="float32")
    probs = keras.ops.convert_to_numpy(decoder(z))  # one batch of n
    # From (n, 784) or from (n, 28, 28, 1):
    return probs.reshape(len(z), 28, 28)
