import numpy as np
from scipy.linalg import sqrtm


def frechet_distance(mean1, cov1, mean2, cov2):
    """‖m1 − m2‖² + tr(C1 + C2 − 2 (C1 C2)^½) for two Gaussians."""
    mean1, mean2 = np.asarray(mean1, float), np.asarray(mean2, float)
    cov1, cov2 = np.asarray(cov1, float), np.asarray(cov2, float)
    root = sqrtm(cov1 @ cov2)
    root = np.real(root)  # rounding can leave a tiny imaginary part
    shift = mean1 - mean2
    spread = np.trace(cov1) + np.trace(cov2) - 2.0 * np.trace(root)
    return float(shift @ shift + spread)
