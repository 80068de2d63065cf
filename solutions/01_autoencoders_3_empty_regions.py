import numpy as np
from scipy.spatial import cKDTree


def farthest_from_codes(candidates, codes, n):
    """The n candidates farthest from any code, farthest first."""
    # each candidate's distance to its nearest code
    distance, _ = cKDTree(codes).query(candidates)
    order = np.argsort(distance)[::-1][:n]
    return np.asarray(candidates)[order]
