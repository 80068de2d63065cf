import keras
from keras import layers


def build_decoder(latent_dim=2):
    """z → Dense 256, 512 → 7×7×64 → 14×14×64 → 28×28×32 → 28×28×1."""
    z = keras.Input(shape=(latent_dim,), name="z")
    h = layers.Dense(256, activation="relu", name="dec_hidden_0")(z)
    h = layers.Dense(512, activation="relu", name="dec_hidden_1")(h)
    h = layers.Dense(7 * 7 * 64, activation="relu", name="dec_dense")(h)
    h = layers.Reshape((7, 7, 64), name="to_maps")(h)
    h = layers.Conv2DTranspose(
        64, 3, strides=2, padding="same", activation="relu", name="deconv_0"
    )(h)  # 14×14×64
    h = layers.Conv2DTranspose(
        32, 3, strides=2, padding="same", activation="relu", name="deconv_1"
    )(h)  # 28×28×32
    pixel_probs = layers.Conv2D(
        1, 3, padding="same", activation="sigmoid", name="pixel_probs"
    )(h)
    return keras.Model(z, pixel_probs, name="conv_decoder")
