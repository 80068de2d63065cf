import numpy as np


def linear_path(a, b, ts):
    """Points (1 − t)·a + t·b of the line from a to b, one row per t."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    ts = np.asarray(ts, dtype=float)[:, None]  # a column: one row per t
    return (1 - ts) * a + ts * b
