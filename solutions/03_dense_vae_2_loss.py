from keras import ops


def per_image_loss(x, probs, mean, log_var):
    """−ELBO per image in nats: Bernoulli NLL + KL(q(z|x) ‖ N(0, I))."""
    # Clip so that a saturated sigmoid (exactly 0 or 1) cannot give log(0).
    probs = ops.clip(probs, 1e-6, 1.0 - 1e-6)
    log_px_z = x * ops.log(probs) + (1.0 - x) * ops.log(1.0 - probs)
    reconstruction = -ops.sum(log_px_z, axis=-1)  # summed over pixels
    kl = 0.5 * ops.sum(ops.exp(log_var) + mean**2 - 1.0 - log_var, axis=-1)
    return reconstruction + kl
