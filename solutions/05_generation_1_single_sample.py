import numpy as np


def generate_single_sample(decoder, seed):
    """Draw z ~ N(0, I) and decode it: (z, a 28×28 image)."""
    latent_dim = decoder.inputs[0].shape[-1]
    rng = np.random.default_rng(seed)
    z = rng.standard_normal(latent_dim).astype("float32")
    image = decoder.predict(z[None, :], verbose=0)  # a batch of one
    return z, image.reshape(28, 28)
