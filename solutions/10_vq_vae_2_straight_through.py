from keras import ops


def straight_through(z_e, z_q):
    """z_q in the forward pass; the gradient goes to z_e unchanged."""
    # The value is z_e + (z_q − z_e) = z_q. The difference is a constant to
    # the gradient, so d(out)/d(z_e) is the identity and d(out)/d(z_q) is 0.
    return z_e + ops.stop_gradient(z_q - z_e)
