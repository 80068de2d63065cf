import tensorflow as tf
from keras import ops


def train_step(model, optimizer, x, loss_fn):
    """One gradient step on the batch x; returns the batch's mean loss."""
    with tf.GradientTape() as tape:
        mean, log_var = model.encoder(x, training=True)
        z = model.sampling([mean, log_var])  # z = μ + σ ε, inside the tape
        probs = model.decoder(z, training=True)
        loss = ops.mean(loss_fn(x, probs, mean, log_var))
    weights = model.trainable_weights  # the encoder's and the decoder's
    gradients = tape.gradient(loss, weights)
    optimizer.apply(gradients, weights)
    return loss
