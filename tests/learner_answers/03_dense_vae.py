"""Answers a learner might give to chapter 3's exercises.

WRONG: per exercise, a wrong answer and a fragment of the explanation its checker must give.
RIGHT: per exercise, a right answer written differently from the reference solution.
"""

import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops
from scipy.special import logsumexp


# Exercise 3.1: the decoder
def build_decoder_with_softmax(latent_dim=2, hidden=512):
    """A softmax makes the 784 outputs one distribution over the pixels."""
    z = keras.Input(shape=(latent_dim,), name="z")
    h = layers.Dense(hidden, activation="relu", name="dec_hidden")(z)
    probs = layers.Dense(784, activation="softmax", name="pixel_probs")(h)
    return keras.Model(z, probs, name="dense_decoder")


def build_decoder_with_callables(latent_dim=2, hidden=512):
    inputs = keras.Input((latent_dim,), name="z")
    h = layers.Dense(
        units=hidden, activation=keras.activations.relu, name="dec_hidden"
    )(inputs)
    outputs = layers.Dense(units=28 * 28, activation=ops.sigmoid, name="pixel_probs")(h)
    return keras.Model(inputs=inputs, outputs=outputs, name="dense_decoder")


# Exercise 3.2: the loss per image
def loss_averaged_over_pixels(x, probs, mean, log_var):
    """keras.losses.binary_crossentropy averages over the last axis."""
    reconstruction = keras.losses.binary_crossentropy(x, probs)
    kl = 0.5 * ops.sum(ops.exp(log_var) + mean**2 - 1.0 - log_var, axis=-1)
    return reconstruction + kl


def loss_with_keras_cross_entropy(x, probs, mean, log_var):
    reconstruction = ops.sum(ops.binary_crossentropy(x, probs), axis=-1)
    variance = ops.square(ops.exp(0.5 * log_var))
    kl = ops.sum(variance + ops.square(mean) - 1.0 - ops.log(variance), axis=-1) / 2
    return reconstruction + kl


# Exercise 3.3: one training step
def train_step_decoding_the_mean(model, optimizer, x, loss_fn):
    """Skips the sampling: the decoder sees μ, not z ~ q(z|x)."""
    with tf.GradientTape() as tape:
        mean, log_var = model.encoder(x, training=True)
        probs = model.decoder(mean, training=True)
        loss = ops.mean(loss_fn(x, probs, mean, log_var))
    gradients = tape.gradient(loss, model.trainable_weights)
    optimizer.apply(gradients, model.trainable_weights)
    return loss


def train_step_with_apply_gradients(model, optimizer, x, loss_fn):
    variables = model.encoder.trainable_variables + model.decoder.trainable_variables
    with tf.GradientTape() as tape:
        mean, log_var = model.encoder(x)
        probs = model.decoder(model.sampling((mean, log_var)))
        loss = tf.reduce_mean(loss_fn(x, probs, mean, log_var))
    optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
    return loss


# Exercise 3.4: the importance-weighted bound
def iw_bound_mean_of_logs(log_px_z, log_pz, log_qz):
    """Averages the log weights: a K-sample estimate of the ELBO, not the IW bound."""
    return np.mean(log_px_z + log_pz - log_qz, axis=1)


def iw_bound_with_scipy(log_px_z, log_pz, log_qz):
    log_w = log_px_z + log_pz - log_qz
    return logsumexp(log_w, axis=1) - np.log(log_w.shape[1])


WRONG = {
    "03_dense_vae_1_decoder": (build_decoder_with_softmax, "softmax"),
    "03_dense_vae_2_loss": (loss_averaged_over_pixels, "averaged over the pixels"),
    "03_dense_vae_3_train_step": (train_step_decoding_the_mean, "decoded mean μ"),
    "03_dense_vae_4_iw_bound": (iw_bound_mean_of_logs, "mean of the log weights"),
}
RIGHT = {
    "03_dense_vae_1_decoder": build_decoder_with_callables,
    "03_dense_vae_2_loss": loss_with_keras_cross_entropy,
    "03_dense_vae_3_train_step": train_step_with_apply_gradients,
    "03_dense_vae_4_iw_bound": iw_bound_with_scipy,
}
