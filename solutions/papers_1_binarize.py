import numpy as np


def binarize(x, rng):
    """Binary images drawn from grey ones: each pixel is 1 with probability
    its grey level."""
    x = np.asarray(x)
    # A uniform number below the grey level happens with that probability.
    return (rng.random(x.shape) < x).astype("float32")
