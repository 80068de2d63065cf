import numpy as np


def nearest_codes(vectors, codebook):
    """The index of the nearest codebook row (K, D) of each vector (n, D)."""
    vectors = np.asarray(vectors, dtype=np.float64)
    codebook = np.asarray(codebook, dtype=np.float64)
    # ‖v − e‖² = ‖v‖² − 2 v·e + ‖e‖²: one (n, K) matrix product, no (n, K, D).
    distances = (
        np.sum(vectors**2, axis=1, keepdims=True)  # (n, 1)
        - 2.0 * vectors @ codebook.T  # (n, K)
        + np.sum(codebook**2, axis=1)  # (K,), one per column
    )
    # The smallest distance of each row; a tie goes to the lowest index.
    return np.argmin(distances, axis=1)
