import numpy as np


def kl_to_standard_normal(mean, log_var):
    """KL(N(mean, diag exp(log_var)) ‖ N(0, I)), one per row."""
    mean = np.asarray(mean, dtype=float)
    log_var = np.asarray(log_var, dtype=float)
    variance = np.exp(log_var)  # σ² = exp(log σ²)
    return 0.5 * np.sum(variance + mean**2 - 1.0 - log_var, axis=-1)
