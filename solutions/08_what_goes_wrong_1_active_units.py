import numpy as np


def count_active_units(means, threshold=0.01):
    """How many dimensions have Var_x(E[z_j | x]) > threshold."""
    means = np.asarray(means, dtype=float)  # (n images, latent_dim)
    activity = means.var(axis=0)  # one variance per dimension, over images
    return int(np.sum(activity > threshold))
