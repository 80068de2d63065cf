import numpy as np
from scipy.spatial import cKDTree


def farthest_from_codes(candidates, codes, n):
    """The ``n`` candidate points farthest from their nearest code, farthest first."""
    distance, _ = cKDTree(codes).query(candidates)
    order = np.argsort(distance)[::-1][:n]
    return np.asarray(candidates)[order]
