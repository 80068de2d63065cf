import numpy as np


def free_bits_kl(mean, log_var, free_bits):
    """Free-bits KL of a batch: Σ_j max(λ, batch mean of KL_j)."""
    mean = np.asarray(mean, dtype=float)  # (batch, latent_dim)
    log_var = np.asarray(log_var, dtype=float)
    kl_per_dim = 0.5 * (np.exp(log_var) + mean**2 - 1.0 - log_var)
    batch_mean = kl_per_dim.mean(axis=0)  # one KL per dimension
    return float(np.sum(np.maximum(batch_mean, free_bits)))
