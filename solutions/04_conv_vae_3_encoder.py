import keras
from keras import layers


def build_encoder(latent_dim=2):
    """Image → two stride-2 Conv2D → Dense 512, 256 → [mean, log_var]."""
    image = keras.Input(shape=(28, 28, 1), name="image")
    h = layers.Conv2D(
        32, 3, strides=2, padding="same", activation="relu", name="conv_0"
    )(image)  # 14×14×32
    h = layers.Conv2D(
        64, 3, strides=2, padding="same", activation="relu", name="conv_1"
    )(h)  # 7×7×64
    h = layers.Flatten(name="flatten")(h)  # 7 × 7 × 64 = 3136 numbers
    h = layers.Dense(512, activation="relu", name="enc_dense_0")(h)
    h = layers.Dense(256, activation="relu", name="enc_dense_1")(h)
    z_mean = layers.Dense(latent_dim, name="z_mean")(h)
    z_log_var = layers.Dense(latent_dim, name="z_log_var")(h)
    return keras.Model(image, [z_mean, z_log_var], name="conv_encoder")
