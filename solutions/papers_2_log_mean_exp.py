import numpy as np


def log_mean_exp(log_w):
    """log of the mean of exp(log_w) over the last axis, without overflow."""
    log_w = np.asarray(log_w, dtype=float)
    # Take out the largest of each row: the exponentials are then at most 1.
    top = np.max(log_w, axis=-1, keepdims=True)
    mean = np.mean(np.exp(log_w - top), axis=-1)
    return np.log(mean) + top[..., 0]
