from keras import ops


def reparameterised_sample(mean, log_var, eps):
    """z = mean + exp(log_var / 2) * eps, for arrays or tensors."""
    return mean + ops.exp(0.5 * log_var) * eps
