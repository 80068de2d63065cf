import numpy as np


def grid_over_codes(codes, n):
    """n × n points over the box of the codes, row by row from the top."""
    low, high = np.min(codes, axis=0), np.max(codes, axis=0)
    xs = np.linspace(low[0], high[0], n)
    ys = np.linspace(high[1], low[1], n)  # top row first: largest y
    gx, gy = np.meshgrid(xs, ys)
    return np.stack([gx.ravel(), gy.ravel()], axis=-1)
