from keras import ops


def reparameterised_sample(mean, log_var, eps):
    """z = mean + sigma * eps, sigma = exp(log_var / 2); NumPy or tensors."""
    return mean + ops.exp(0.5 * log_var) * eps
