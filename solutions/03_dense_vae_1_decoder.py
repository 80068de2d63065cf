import keras
from keras import layers


def build_decoder(latent_dim=2, hidden=512):
    """latent_dim → hidden (ReLU) → 784 (sigmoid): P(pixel on) per pixel."""
    z = keras.Input(shape=(latent_dim,), name="z")
    h = layers.Dense(hidden, activation="relu", name="dec_hidden")(z)
    # One Bernoulli mean per pixel: the sigmoid maps each output into (0, 1).
    probs = layers.Dense(784, activation="sigmoid", name="pixel_probs")(h)
    return keras.Model(z, probs, name="dense_decoder")
