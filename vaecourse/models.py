"""Every model of the course, defined once.

Chapter 1 builds the plain autoencoder and chapter 3 the dense VAE in view of the reader;
the notebooks then check that what they built has the same architecture as the
functions here (:func:`architecture`), which later chapters use.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops

from .losses import (
    bernoulli_nll,
    clip_log_var,
    gaussian_kl,
    gaussian_kl_per_dim,
    gaussian_nll,
)

# chapter 10's models live in their own module; zoo recipes find builders here
from .vqvae import build_code_prior, build_vq_vae  # noqa: E402, F401

N_PIXELS = 784


def architecture(model: keras.Model) -> list[tuple[str, tuple, int]]:
    """(layer class, output shape, parameter count) for each layer: to compare two builds."""
    rows = []
    for layer in model.layers:
        shape = getattr(layer, "output", None)
        shape = (
            tuple(shape.shape)
            if shape is not None and hasattr(shape, "shape")
            else None
        )
        rows.append((type(layer).__name__, shape, layer.count_params()))
    return rows


# ----------------------------------------------------------------------------------------
# Chapter 1: the plain autoencoder
# ----------------------------------------------------------------------------------------
def build_dense_autoencoder(code_dim: int = 2, hidden: int = 256):
    """784 → hidden → code_dim → hidden → 784: returns ``(autoencoder, encoder, decoder)``."""
    image = keras.Input(shape=(N_PIXELS,), name="image")
    h = layers.Dense(hidden, activation="relu", name="enc_hidden")(image)
    code = layers.Dense(code_dim, name="code")(h)
    encoder = keras.Model(image, code, name="ae_encoder")

    code_in = keras.Input(shape=(code_dim,), name="code_in")
    h = layers.Dense(hidden, activation="relu", name="dec_hidden")(code_in)
    pixels = layers.Dense(N_PIXELS, activation="sigmoid", name="pixels")(h)
    decoder = keras.Model(code_in, pixels, name="ae_decoder")

    autoencoder = keras.Model(
        image, decoder(encoder(image)), name="autoencoder"
    )
    return autoencoder, encoder, decoder


# ----------------------------------------------------------------------------------------
# The VAE pieces
# ----------------------------------------------------------------------------------------
class Sampling(layers.Layer):
    """Reparameterisation: z = μ + σ ⊙ ε with σ = exp(½ log σ²) and ε ~ N(0, I)."""

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        mean, log_var = inputs
        eps = keras.random.normal(ops.shape(mean), seed=self.seed_generator)
        return mean + ops.exp(0.5 * clip_log_var(log_var)) * eps


def _widths(hidden, argument: str = "hidden") -> tuple[int, ...]:
    widths = (hidden,) if isinstance(hidden, int) else tuple(hidden)
    if not widths or any(not isinstance(w, int) or w < 1 for w in widths):
        raise ValueError(
            f"{argument}={hidden!r}: give a layer width such as 512, or a tuple of "
            f"widths such as (512, 256) for several hidden layers."
        )
    return widths


def _hidden_stack(h, widths, prefix, activation="relu"):
    """Dense layers named ``prefix`` (one layer) or ``prefix_0``, ``prefix_1``, …"""
    for i, width in enumerate(widths):
        name = prefix if len(widths) == 1 else f"{prefix}_{i}"
        h = layers.Dense(width, activation=activation, name=name)(h)
    return h


def build_dense_encoder(
    latent_dim: int = 2,
    hidden=512,
    input_dim: int = N_PIXELS,
    activation: str = "relu",
):
    """784 → 512 (ReLU) → (μ, log σ²): the encoder of the dense VAE.

    ``hidden`` may be a tuple of widths, for example ``(512, 256)``: 784 → 512 → 256 → (μ, log σ²).
    """
    image = keras.Input(shape=(input_dim,), name="image")
    h = _hidden_stack(image, _widths(hidden), "enc_hidden", activation)
    mean = layers.Dense(latent_dim, name="z_mean")(h)
    log_var = layers.Dense(latent_dim, name="z_log_var")(h)
    return keras.Model(image, [mean, log_var], name="dense_encoder")


def build_dense_decoder(
    latent_dim: int = 2,
    hidden=512,
    output_dim: int = N_PIXELS,
    activation: str = "relu",
):
    """latent → 512 (ReLU) → 784 (sigmoid): pixel probabilities of the dense VAE.

    A tuple ``hidden`` gives the *encoder's* widths, which the decoder mirrors: ``(512, 256)``
    makes latent → 256 → 512 → 784.
    """
    z = keras.Input(shape=(latent_dim,), name="z")
    h = _hidden_stack(z, _widths(hidden)[::-1], "dec_hidden", activation)
    probs = layers.Dense(
        output_dim, activation="sigmoid", name="pixel_probs"
    )(h)
    return keras.Model(z, probs, name="dense_decoder")


def _downsample(image, filters):
    """One stride-2 3×3 ReLU convolution per entry of ``filters``, then Flatten."""
    h = image
    for i, f in enumerate(filters):
        h = layers.Conv2D(
            f,
            3,
            strides=2,
            padding="same",
            activation="relu",
            name=f"conv_{i}",
        )(h)
    return layers.Flatten(name="flatten")(h)


def _upsample(h, filters):
    """The Dense output as 7×7×filters[0] maps, then one stride-2 3×3 ReLU transposed
    convolution per entry of ``filters``."""
    h = layers.Reshape((7, 7, filters[0]), name="to_maps")(h)
    for i, f in enumerate(filters):
        h = layers.Conv2DTranspose(
            f,
            3,
            strides=2,
            padding="same",
            activation="relu",
            name=f"deconv_{i}",
        )(h)
    return h


def build_conv_encoder(latent_dim: int = 2, filters=(32, 64), dense=16):
    """28×28×1 → one stride-2 Conv2D layer per entry of ``filters`` → Dense → (μ, log σ²).

    Each stride-2 convolution halves the image: 28×28 → 14×14 → 7×7 for two layers.
    ``dense`` may be a tuple of widths, for several Dense ReLU layers after the convolutions.
    """
    image = keras.Input(shape=(28, 28, 1), name="image")
    h = _downsample(image, filters)
    h = _hidden_stack(h, _widths(dense, "dense"), "enc_dense")
    mean = layers.Dense(latent_dim, name="z_mean")(h)
    log_var = layers.Dense(latent_dim, name="z_log_var")(h)
    return keras.Model(image, [mean, log_var], name="conv_encoder")


def build_conv_decoder(
    latent_dim: int = 2,
    filters=(64, 32),
    upsample_output: bool = False,
    hidden=None,
):
    """latent → 7×7 feature maps → stride-2 Conv2DTranspose layers → 28×28×1 probabilities.

    ``filters[0]`` is the depth of the 7×7 maps the Dense layer produces. With
    ``upsample_output=False`` (the default) there is one stride-2 ``Conv2DTranspose`` per entry
    of ``filters`` and a 3×3 ``Conv2D`` with one filter gives the pixels. With
    ``upsample_output=True`` the last upsampling *is* the output layer, a stride-2
    ``Conv2DTranspose`` with one filter and a sigmoid: ``filters`` then has one entry fewer
    and the expensive full-resolution feature maps are never computed (chapter 4 counts the
    multiply-adds this saves). ``hidden`` adds a Dense ReLU layer of that width between z
    and the 7×7 maps (a tuple of widths: one layer per width, in that order).
    """
    z = keras.Input(shape=(latent_dim,), name="z")
    h = (
        z
        if hidden is None
        else _hidden_stack(z, _widths(hidden), "dec_hidden")
    )
    h = layers.Dense(7 * 7 * filters[0], activation="relu", name="dec_dense")(
        h
    )
    h = _upsample(h, filters)
    if upsample_output:
        probs = layers.Conv2DTranspose(
            1,
            3,
            strides=2,
            padding="same",
            activation="sigmoid",
            name="pixel_probs",
        )(h)
    else:
        probs = layers.Conv2D(
            1, 3, padding="same", activation="sigmoid", name="pixel_probs"
        )(h)
    if tuple(probs.shape[1:]) != (28, 28, 1):
        raise ValueError(
            f"filters={filters}, upsample_output={upsample_output} give images of "
            f"shape {tuple(probs.shape[1:])}, not 28×28×1: two stride-2 upsamplings "
            f"are needed in all."
        )
    return keras.Model(z, probs, name="conv_decoder")


class VAE(keras.Model):
    """A variational autoencoder with its own training step.

    The loss per image is ``reconstruction + beta * kl`` in nats: the
    Bernoulli negative log-likelihood of the pixels summed over the image,
    plus KL(q(z|x) ‖ N(0, I)). Both terms are tracked during training.
    """

    likelihood = "bernoulli"  # the pixel model (chapter 8 tries others)

    def __init__(
        self, encoder, decoder, beta: float = 1.0, seed=None, **kwargs
    ):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.beta = float(beta)
        self.sampling = Sampling(seed=seed, name="sampling")
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_tracker = keras.metrics.Mean(
            name="reconstruction"
        )
        self.kl_tracker = keras.metrics.Mean(name="kl")
        self.build(encoder.inputs[0].shape)

    def build(self, input_shape=None):
        self.built = True

    @property
    def latent_dim(self) -> int:
        return int(self.decoder.inputs[0].shape[-1])

    @property
    def metrics(self):
        return [
            self.loss_tracker,
            self.reconstruction_tracker,
            self.kl_tracker,
        ]

    def call(self, x, training=False):
        mean, log_var = self.encoder(x, training=training)
        return self.decoder(self.sampling([mean, log_var]), training=training)

    def loss_terms(self, x, training=False):
        """Per-example (reconstruction, kl) for one sample z ~ q(z|x)."""
        mean, log_var = self.encoder(x, training=training)
        z = self.sampling([mean, log_var])
        probs = self.decoder(z, training=training)
        return bernoulli_nll(x, probs), gaussian_kl(mean, log_var)

    def _update(self, reconstruction, kl):
        loss = ops.mean(reconstruction + self.beta * kl)
        self.loss_tracker.update_state(loss)
        self.reconstruction_tracker.update_state(ops.mean(reconstruction))
        self.kl_tracker.update_state(ops.mean(kl))
        return {m.name: m.result() for m in self.metrics}

    def train_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        with tf.GradientTape() as tape:
            reconstruction, kl = self.loss_terms(x, training=True)
            loss = ops.mean(reconstruction + self.beta * kl)
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply(grads, self.trainable_weights)
        return self._update(reconstruction, kl)

    def test_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        return self._update(*self.loss_terms(x, training=False))

    def reconstruct(self, x, batch_size: int = 1000):
        """Deterministic reconstructions: decode each posterior mean.

        Batches go through the encoder and decoder directly rather than
        through ``predict``, which would first copy all of ``x`` into a
        TensorFlow dataset.
        """
        from .evaluation import _decode_rows

        # fewer at once for a convolutional model (its 28×28 feature maps)
        batch_size = min(batch_size, _decode_rows(self.decoder))
        parts = []
        for start in range(0, len(x), batch_size):
            mean, _ = self.encoder(
                ops.convert_to_tensor(x[start : start + batch_size]),
                training=False,
            )
            parts.append(
                ops.convert_to_numpy(self.decoder(mean, training=False))
            )
        return np.concatenate(parts)


LIKELIHOODS = ("bernoulli", "gaussian", "gaussian_learned")


class VariantVAE(VAE):
    """:class:`VAE` with chapter 8's variants of its loss, and the hooks a conditional
    VAE needs (what a batch holds; what the encoder and the decoder take besides x, z).

    Each variant is off by default:

    * ``likelihood="gaussian"``: pixels ~ N(decoder output, σ²) with a fixed
      ``decoder_sigma``; ``"gaussian_learned"``: one σ for every pixel, learned with the
      network (the σ-VAE of Rybkin et al. 2021).
    * ``free_bits=λ``: the training loss counts at least λ nats of KL per latent
      dimension (averaged over the batch; Kingma et al. 2016), so the optimiser gains
      nothing by switching a dimension off.
    * ``kl_warmup_steps=n``: the KL weight grows linearly from 0 to ``beta`` over the
      first n training steps (warm-up, or KL annealing).
    * ``binarize=True``: each training batch is binarised afresh, pixel ~ Bernoulli(its
      grey level) (dynamic binarisation, as in Burda et al. 2016).

    Validation (``test_step``) reports the plain loss ``reconstruction + beta * kl``.
    """

    def __init__(
        self,
        encoder,
        decoder,
        beta: float = 1.0,
        seed=None,
        *,
        likelihood: str = "bernoulli",
        decoder_sigma: float = 1.0,
        free_bits: float = 0.0,
        kl_warmup_steps: int = 0,
        binarize: bool = False,
        **kwargs,
    ):
        if likelihood not in LIKELIHOODS:
            raise ValueError(
                f"likelihood={likelihood!r}: use one of {LIKELIHOODS}."
            )
        if free_bits < 0 or kl_warmup_steps < 0 or decoder_sigma <= 0:
            raise ValueError(
                "free_bits and kl_warmup_steps must be >= 0 and decoder_sigma > 0; "
                f"got {free_bits}, {kl_warmup_steps}, {decoder_sigma}."
            )
        # VAE.__init__ would build the model before the variants' state exists, and a
        # built Keras model takes no new variables: the same steps, with that state first.
        keras.Model.__init__(self, **kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.beta = float(beta)
        self.likelihood = likelihood
        self.decoder_sigma = float(decoder_sigma)
        self.free_bits = float(free_bits)
        self.kl_warmup_steps = int(kl_warmup_steps)
        self.binarize = bool(binarize)
        self.sampling = Sampling(seed=seed, name="sampling")
        # Created only when used, so that the weight files of the other models keep
        # their layout.
        if likelihood == "gaussian_learned":
            self.log_sigma = self.add_weight(
                shape=(), initializer="zeros", name="log_sigma"
            )
        if binarize:
            self.binarize_seed = keras.random.SeedGenerator(
                None if seed is None else seed + 1
            )
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.reconstruction_tracker = keras.metrics.Mean(
            name="reconstruction"
        )
        self.kl_tracker = keras.metrics.Mean(name="kl")
        self.build(encoder.inputs[0].shape)

    # The hooks a conditional VAE overrides: what the data holds, and what the encoder
    # and the decoder take besides x and z.
    def unpack(self, data):
        """``(x, condition)`` from a batch; an unconditional VAE has no condition."""
        return (data[0] if isinstance(data, tuple) else data), None

    def encode(self, x, condition=None, training=False):
        return self.encoder(x, training=training)

    def decode(self, z, condition=None, training=False):
        return self.decoder(z, training=training)

    def call(self, x, training=False):
        mean, log_var = self.encode(x, training=training)
        return self.decode(self.sampling([mean, log_var]), training=training)

    def pixel_log_sigma(self):
        """log σ of the Gaussian pixels (fixed, or learned)."""
        if self.likelihood == "gaussian_learned":
            return self.log_sigma
        return ops.convert_to_tensor(float(np.log(self.decoder_sigma)))

    def reconstruction_nll(self, x, outputs):
        """−log p(x|z) per example, for the decoder's ``outputs``."""
        if self.likelihood == "bernoulli":
            return bernoulli_nll(x, outputs)
        return gaussian_nll(x, outputs, self.pixel_log_sigma())

    def _forward(self, x, condition, training):
        mean, log_var = self.encode(x, condition, training=training)
        z = self.sampling([mean, log_var])
        outputs = self.decode(z, condition, training=training)
        return mean, log_var, self.reconstruction_nll(x, outputs)

    def loss_terms(self, x, condition=None, training=False):
        """Per-example (reconstruction, kl) for one sample z ~ q(z|x)."""
        mean, log_var, reconstruction = self._forward(x, condition, training)
        return reconstruction, gaussian_kl(mean, log_var)

    def kl_weight(self):
        """The weight of the KL term at this training step (``beta`` after warm-up)."""
        if not self.kl_warmup_steps:
            return self.beta
        step = ops.cast(self.optimizer.iterations, "float32") + 1.0
        return self.beta * ops.minimum(1.0, step / self.kl_warmup_steps)

    def training_kl(self, mean, log_var):
        """The batch's KL term as the training loss counts it (free bits or not)."""
        per_dim = gaussian_kl_per_dim(mean, log_var)
        if self.free_bits:
            return ops.sum(
                ops.maximum(ops.mean(per_dim, axis=0), self.free_bits)
            )
        return ops.mean(ops.sum(per_dim, axis=-1))

    def _update(self, reconstruction, kl, loss=None):
        if loss is None:
            loss = ops.mean(reconstruction + self.beta * kl)
        self.loss_tracker.update_state(loss)
        self.reconstruction_tracker.update_state(ops.mean(reconstruction))
        self.kl_tracker.update_state(ops.mean(kl))
        return {m.name: m.result() for m in self.metrics}

    def train_step(self, data):
        x, condition = self.unpack(data)
        if self.binarize:
            noise = keras.random.uniform(
                ops.shape(x), seed=self.binarize_seed
            )
            x = ops.cast(noise < x, x.dtype)
        with tf.GradientTape() as tape:
            mean, log_var, reconstruction = self._forward(
                x, condition, training=True
            )
            loss = ops.mean(reconstruction) + self.kl_weight() * (
                self.training_kl(mean, log_var)
            )
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply(grads, self.trainable_weights)
        return self._update(reconstruction, gaussian_kl(mean, log_var), loss)

    def test_step(self, data):
        x, condition = self.unpack(data)
        return self._update(*self.loss_terms(x, condition, training=False))

    def reconstruct(self, x, batch_size: int = 1000, condition=None):
        """Deterministic reconstructions: decode each posterior mean.

        Batches go through the encoder and decoder directly rather than
        through ``predict``, which would first copy all of ``x`` into a
        TensorFlow dataset.
        """
        parts = []
        for start in range(0, len(x), batch_size):
            part = slice(start, start + batch_size)
            c = None if condition is None else condition[part]
            mean, _ = self.encode(
                ops.convert_to_tensor(x[part]), c, training=False
            )
            parts.append(
                ops.convert_to_numpy(self.decode(mean, c, training=False))
            )
        return np.concatenate(parts)


class ConditionalVAE(VariantVAE):
    """A VAE conditioned on the digit's label: q(z | x, y) and p(x | z, y).

    Batches are ``(x, labels)`` with integer labels; the encoder takes ``[x, one_hot]``
    and the decoder ``[z, one_hot]``.
    """

    def __init__(self, encoder, decoder, n_classes: int = 10, **kwargs):
        super().__init__(encoder, decoder, **kwargs)
        self.n_classes = int(n_classes)

    def one_hot(self, labels):
        return ops.one_hot(ops.cast(labels, "int32"), self.n_classes)

    _NEEDS_LABELS = (
        "a conditional VAE trains on (images, labels): call fit(x, labels), "
        "not fit(x)."
    )

    def fit(self, x=None, y=None, *args, **kwargs):
        # Checked before Keras traces the training step, so that the model stays usable.
        if y is None and isinstance(x, np.ndarray):
            raise ValueError(self._NEEDS_LABELS)
        return super().fit(x, y, *args, **kwargs)

    def unpack(self, data):
        if not (isinstance(data, tuple) and len(data) >= 2):
            raise ValueError(self._NEEDS_LABELS)
        return data[0], data[1]

    def encode(self, x, condition=None, training=False):
        x = ops.convert_to_tensor(x)
        return self.encoder([x, self.one_hot(condition)], training=training)

    def decode(self, z, condition=None, training=False):
        z = ops.convert_to_tensor(z)
        return self.decoder([z, self.one_hot(condition)], training=training)

    def call(self, inputs, training=False):
        x, labels = inputs
        mean, log_var = self.encode(x, labels, training=training)
        z = self.sampling([mean, log_var])
        return self.decode(z, labels, training=training)


def build_dense_vae(
    latent_dim: int = 2,
    hidden=512,
    beta: float = 1.0,
    seed: int = 0,
    activation: str = "relu",
    **variant,
):
    """The dense VAE of chapter 3 (784-512-latent), ready to compile.

    ``hidden=(512, 256)`` gives chapter 3's deeper variant, two hidden layers each way.
    ``variant`` takes chapter 8's options of :class:`VariantVAE` (``likelihood``,
    ``free_bits``, ``kl_warmup_steps``, ``binarize``, ``decoder_sigma``).
    """
    return (VariantVAE if variant else VAE)(
        build_dense_encoder(latent_dim, hidden, activation=activation),
        build_dense_decoder(latent_dim, hidden, activation=activation),
        beta=beta,
        seed=seed,
        name=f"dense_vae_{latent_dim}d",
        **variant,
    )


def build_dense_cvae(
    latent_dim: int = 2, hidden=512, n_classes: int = 10, seed: int = 0
):
    """Chapter 9's conditional dense VAE: the one-hot label joins the image on the way in
    (784 + 10 → 512 → (μ, log σ²)) and z on the way out (latent + 10 → 512 → 784)."""
    image = keras.Input(shape=(N_PIXELS,), name="image")
    label = keras.Input(shape=(n_classes,), name="label")
    h = layers.Concatenate(name="image_and_label")([image, label])
    h = _hidden_stack(h, _widths(hidden), "enc_hidden")
    mean = layers.Dense(latent_dim, name="z_mean")(h)
    log_var = layers.Dense(latent_dim, name="z_log_var")(h)
    encoder = keras.Model(
        [image, label], [mean, log_var], name="dense_cond_encoder"
    )
    z = keras.Input(shape=(latent_dim,), name="z")
    label_out = keras.Input(shape=(n_classes,), name="label")
    h = layers.Concatenate(name="z_and_label")([z, label_out])
    h = _hidden_stack(h, _widths(hidden)[::-1], "dec_hidden")
    probs = layers.Dense(N_PIXELS, activation="sigmoid", name="pixel_probs")(
        h
    )
    decoder = keras.Model([z, label_out], probs, name="dense_cond_decoder")
    return ConditionalVAE(
        encoder,
        decoder,
        n_classes=n_classes,
        seed=seed,
        name=f"dense_cvae_{latent_dim}d",
    )


def build_conv_cvae(
    latent_dim: int = 4,
    n_classes: int = 10,
    seed: int = 0,
    *,
    encoder_filters=(32, 64),
    dense: int = 16,
    decoder_filters=(64, 32),
):
    """Chapter 9's conditional version of chapter 5's convolutional VAE: the one-hot label
    joins the flattened feature maps on the way in and z on the way out."""
    image = keras.Input(shape=(28, 28, 1), name="image")
    label = keras.Input(shape=(n_classes,), name="label")
    h = _downsample(image, encoder_filters)
    h = layers.Concatenate(name="maps_and_label")([h, label])
    h = _hidden_stack(h, _widths(dense, "dense"), "enc_dense")
    mean = layers.Dense(latent_dim, name="z_mean")(h)
    log_var = layers.Dense(latent_dim, name="z_log_var")(h)
    encoder = keras.Model(
        [image, label], [mean, log_var], name="conv_cond_encoder"
    )
    z = keras.Input(shape=(latent_dim,), name="z")
    label_out = keras.Input(shape=(n_classes,), name="label")
    h = layers.Concatenate(name="z_and_label")([z, label_out])
    h = layers.Dense(
        7 * 7 * decoder_filters[0], activation="relu", name="dec_dense"
    )(h)
    h = _upsample(h, decoder_filters)
    probs = layers.Conv2D(
        1, 3, padding="same", activation="sigmoid", name="pixel_probs"
    )(h)
    decoder = keras.Model([z, label_out], probs, name="conv_cond_decoder")
    return ConditionalVAE(
        encoder,
        decoder,
        n_classes=n_classes,
        seed=seed,
        name=f"conv_cvae_{latent_dim}d",
    )


def build_digit_classifier(dropout: float = 0.25):
    """A small convolutional MNIST classifier (chapter 8): two 3×3 convolutions with
    max-pooling, a 128-unit ``features`` layer, then ten class probabilities.

    Chapter 8 compares generated digits with real ones through the ``features`` layer
    (:func:`classifier_features`), and counts the classes it sees in them.
    """
    image = keras.Input(shape=(28, 28, 1), name="image")
    h = layers.Conv2D(32, 3, activation="relu", name="conv_0")(image)
    h = layers.MaxPooling2D(name="pool_0")(h)
    h = layers.Conv2D(64, 3, activation="relu", name="conv_1")(h)
    h = layers.MaxPooling2D(name="pool_1")(h)
    h = layers.Flatten(name="flatten")(h)
    h = layers.Dense(128, activation="relu", name="features")(h)
    h = layers.Dropout(dropout, name="dropout")(h)
    probs = layers.Dense(10, activation="softmax", name="class_probs")(h)
    return keras.Model(image, probs, name="digit_classifier")


def classifier_features(classifier) -> keras.Model:
    """The classifier cut at its ``features`` layer: images → 128 features."""
    return keras.Model(
        classifier.inputs[0],
        classifier.get_layer("features").output,
        name="digit_features",
    )


def build_conv_vae(
    latent_dim: int = 2,
    beta: float = 1.0,
    seed: int = 0,
    *,
    encoder_filters=(32, 64),
    dense: int = 16,
    decoder_filters=(64, 32),
    upsample_output: bool = False,
    decoder_hidden: int | None = None,
):
    """A convolutional VAE, ready to compile.

    The defaults are the network chapter 5 uses. Chapter 4's (``zoo.CONV_VAE_KWARGS``)
    has two wide Dense layers each way: ``dense=(512, 256)``,
    ``decoder_hidden=(256, 512)``.
    """
    return VAE(
        build_conv_encoder(latent_dim, encoder_filters, dense),
        build_conv_decoder(
            latent_dim, decoder_filters, upsample_output, decoder_hidden
        ),
        beta=beta,
        seed=seed,
        name=f"conv_vae_{latent_dim}d",
    )


def summary(model, line_length: int = 78) -> None:
    """Print ``model.summary()`` as plain text that fits the page's column.

    Keras colours its summary for a terminal; on the page those colours have too little
    contrast with the output background, and the default width scrolls sideways.
    """
    from IPython.utils.capture import capture_output

    lines = []
    # In a notebook Keras's console also displays an empty HTML output: capture it.
    with capture_output():
        model.summary(
            print_fn=lambda text, line_break=None: lines.append(text),
            line_length=line_length,
        )
    print("\n".join(lines).rstrip())
