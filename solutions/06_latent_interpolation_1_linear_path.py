import numpy as np


def linear_path(a, b, ts):
    """Points (1 − t)·a + t·b from a to b, one row per t."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    # A column: one row per t.
    ts = np.asarray(ts, dtype=float)[:, None]
    return (1 - ts) * a + ts * b
