import numpy as np


def iw_bound(log_px_z, log_pz, log_qz):
    """Per image: log (1/K) Σ_k p(x|z_k) p(z_k) / q(z_k|x), from logs."""
    log_w = np.asarray(log_px_z + log_pz - log_qz, dtype=float)  # (n, K)
    k = log_w.shape[1]
    # Log-mean-exp: factor out the largest weight so that exp() stays
    # in range (log weights of −1000 would underflow to 0).
    top = np.max(log_w, axis=1)
    return top + np.log(np.sum(np.exp(log_w - top[:, None]), axis=1) / k)
