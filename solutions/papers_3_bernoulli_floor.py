import numpy as np
from scipy.special import xlogy


def bernoulli_floor(x):
    """The least Bernoulli cross-entropy of grey images, in nats per image."""
    x = np.asarray(x, dtype=float)
    # Each pixel's entropy; xlogy counts 0 · log 0 as 0.
    entropy = -(xlogy(x, x) + xlogy(1 - x, 1 - x))
    return entropy.sum(axis=-1)
