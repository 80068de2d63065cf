import keras
from keras import layers


def build_decoder(latent_dim=2, hidden=512):
    """latent_dim → hidden (ReLU) → 784 (sigmoid): the probability that each pixel is on."""
    z = keras.Input(shape=(latent_dim,), name="z")
    h = layers.Dense(hidden, activation="relu", name="dec_hidden")(z)
    probs = layers.Dense(784, activation="sigmoid", name="pixel_probs")(h)
    return keras.Model(z, probs, name="dense_decoder")
