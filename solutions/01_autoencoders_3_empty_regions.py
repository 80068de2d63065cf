import numpy as np
from scipy.spatial import cKDTree


def farthest_from_codes(candidates, codes, n):
    """The n candidates farthest from any code, farthest first."""
    distance, _ = cKDTree(codes).query(candidates)  # to the nearest code
    order = np.argsort(distance)[::-1][:n]
    return np.asarray(candidates)[order]
