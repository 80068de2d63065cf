"""Chapter 10's discrete codes: the VQ-VAE of van den Oord et al. (2017) and a PixelCNN
prior over its 7×7 grid of codes (van den Oord et al., 2016).

The encoder turns a 28×28 image into a 7×7 grid of D-dimensional vectors; each is replaced
by the nearest of K codebook vectors; the decoder turns the grid of codebook vectors back
into pixel probabilities. The gradient skips the quantisation (the straight-through
estimator): the decoder's gradient is handed to the encoder unchanged.

The codebook learns in one of two ways: with a loss that pulls each used code towards the
encoder outputs assigned to it (the paper's main text), or as exponential moving averages
of those outputs (the paper's appendix A.1; Razavi et al., 2019), with dead codes restarted
on random encoder outputs. Either way the encoder pays the *commitment* loss, weighted by
β, for wandering away from its code.
"""

from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf
from keras import layers, ops

from .losses import bernoulli_nll

GRID = 7  # the code grid is GRID × GRID: two stride-2 convolutions of 28 × 28


def squared_distances(vectors, codebook):
    """‖v − e_k‖² for every row v of ``vectors`` (n, D) and code e_k of
    ``codebook`` (K, D), shape (n, K), as ‖v‖² − 2 v·e_k + ‖e_k‖²: one matrix
    product, no (n, K, D) array."""
    return (
        ops.sum(ops.square(vectors), axis=1, keepdims=True)
        - 2.0 * ops.matmul(vectors, ops.transpose(codebook))
        + ops.sum(ops.square(codebook), axis=1)[None, :]
    )


class VectorQuantizer(layers.Layer):
    """K codebook vectors of size D; ``call`` maps (..., D) vectors to their nearest codes.

    Returns ``(quantised, codes)``: the codebook vectors, same shape as the input, and their
    indices (int). With ``ema=True`` the codebook is not trained by gradients but moved by
    :meth:`update` (moving averages with decay ``decay``), and with ``restart=True`` a code
    whose average use falls below ``dead_below`` vectors per batch is moved onto a random
    encoder output of the batch.
    """

    def __init__(
        self,
        num_codes: int = 64,
        code_dim: int = 16,
        ema: bool = True,
        restart: bool = True,
        decay: float = 0.99,
        dead_below: float = 1.0,
        epsilon: float = 1e-5,
        seed: int = 0,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.num_codes, self.code_dim = int(num_codes), int(code_dim)
        self.ema, self.restart = bool(ema), bool(restart)
        self.decay, self.dead_below = float(decay), float(dead_below)
        self.epsilon = float(epsilon)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape=None):
        shape = (self.num_codes, self.code_dim)
        limit = 1.0 / self.num_codes
        self.codebook = self.add_weight(
            shape=shape,
            initializer=keras.initializers.RandomUniform(
                -limit, limit, seed=0
            ),
            trainable=not self.ema,
            name="codebook",
        )
        if self.ema:
            self.usage = self.add_weight(
                shape=(self.num_codes,),
                initializer="zeros",
                trainable=False,
                name="usage",
            )
            self.code_sums = self.add_weight(
                shape=shape, initializer="zeros", trainable=False, name="sums"
            )
        self.built = True

    def codes(self, vectors):
        """The index of the nearest codebook vector of each D-vector:
        (..., D) → (...)."""
        flat = ops.reshape(vectors, (-1, self.code_dim))
        nearest = ops.argmin(squared_distances(flat, self.codebook), axis=1)
        return ops.reshape(nearest, ops.shape(vectors)[:-1])

    def lookup(self, codes):
        """The codebook vectors of integer ``codes`` (...) → (..., D)."""
        return ops.take(self.codebook, ops.cast(codes, "int32"), axis=0)

    def call(self, vectors):
        codes = self.codes(vectors)
        return self.lookup(codes), codes

    def update(self, vectors, codes):
        """One moving-average step of the codebook towards the vectors
        assigned to each code (a no-op without ``ema``)."""
        if not self.ema:
            return
        flat = ops.reshape(vectors, (-1, self.code_dim))
        one_hot = ops.one_hot(ops.reshape(codes, (-1,)), self.num_codes)
        usage = self.decay * self.usage + (1 - self.decay) * ops.sum(
            one_hot, axis=0
        )
        sums = self.decay * self.code_sums + (1 - self.decay) * ops.matmul(
            ops.transpose(one_hot), flat
        )
        # Laplace smoothing: a code with no use gets no division by zero
        total = ops.sum(usage)
        smoothed = (
            (usage + self.epsilon)
            / (total + self.num_codes * self.epsilon)
            * total
        )
        codebook = sums / smoothed[:, None]
        if self.restart:
            dead = usage < self.dead_below
            rows = keras.random.randint(
                (self.num_codes,),
                0,
                ops.shape(flat)[0],
                seed=self.seed_generator,
            )
            fresh = ops.take(flat, rows, axis=0)
            codebook = ops.where(dead[:, None], fresh, codebook)
            # a restarted code starts as if one vector had been assigned to it
            usage = ops.where(dead, 1.0, usage)
            sums = ops.where(dead[:, None], fresh, sums)
        self.usage.assign(usage)
        self.code_sums.assign(sums)
        self.codebook.assign(codebook)


def perplexity(codes, num_codes: int):
    """exp of the entropy of how often each code is used: K when every code is used
    equally, 1 when one code is used for everything."""
    counts = ops.sum(
        ops.one_hot(ops.reshape(codes, (-1,)), num_codes), axis=0
    )
    p = counts / ops.sum(counts)
    return ops.exp(-ops.sum(p * ops.log(p + 1e-10)))


def build_vq_encoder(code_dim: int = 16, filters=(32, 64)):
    """28×28×1 → two stride-2 3×3 convolutions → a 1×1 convolution: a 7×7 grid of
    ``code_dim``-vectors."""
    image = keras.Input(shape=(28, 28, 1), name="image")
    h = image
    for i, width in enumerate(filters, 1):
        h = layers.Conv2D(
            width,
            3,
            strides=2,
            padding="same",
            activation="relu",
            name=f"enc_conv{i}",
        )(h)
    z = layers.Conv2D(code_dim, 1, name="z_e")(h)
    return keras.Model(image, z, name="vq_encoder")


def build_vq_decoder(code_dim: int = 16, filters=(64, 32)):
    """A 7×7 grid of ``code_dim``-vectors → a 3×3 convolution → two stride-2 3×3
    transposed convolutions → a 3×3 convolution: 28×28×1 pixel probabilities (layers the
    live explorers' JavaScript runs)."""
    grid = keras.Input(shape=(GRID, GRID, code_dim), name="z_q")
    h = layers.Conv2D(
        filters[0], 3, padding="same", activation="relu", name="dec_conv"
    )(grid)
    for i, width in enumerate(filters, 1):
        h = layers.Conv2DTranspose(
            width,
            3,
            strides=2,
            padding="same",
            activation="relu",
            name=f"dec_up{i}",
        )(h)
    probs = layers.Conv2D(
        1, 3, padding="same", activation="sigmoid", name="pixel_probs"
    )(h)
    return keras.Model(grid, probs, name="vq_decoder")


class VQVAE(keras.Model):
    """The VQ-VAE: encoder, quantiser, decoder, and its training step.

    The loss per image, in nats plus squared distances: the Bernoulli −log p(x | z_q) of
    the pixels, plus β ‖z_e − sg(z_q)‖² (commitment: only the encoder moves), plus, without
    moving averages, ‖sg(z_e) − z_q‖² (codebook: only the codes move); sg is
    ``stop_gradient`` and the squared distances are summed over the grid.
    """

    def __init__(self, encoder, decoder, quantizer, beta: float = 0.25, **kw):
        super().__init__(**kw)
        self.encoder, self.decoder, self.quantizer = (
            encoder,
            decoder,
            quantizer,
        )
        self.beta = float(beta)
        self.quantizer.build()
        self.trackers = {
            name: keras.metrics.Mean(name=name)
            for name in (
                "loss",
                "reconstruction",
                "commitment",
                "perplexity",
            )
        }
        self.built = True

    @property
    def num_codes(self) -> int:
        return self.quantizer.num_codes

    @property
    def metrics(self):
        return list(self.trackers.values())

    def encode(self, x, training=False):
        """The grid of codes (n, 7, 7) of images x."""
        return self.quantizer.codes(self.encoder(x, training=training))

    def decode(self, codes, training=False):
        """Pixel probabilities (n, 28, 28, 1) of a grid of codes (n, 7, 7)."""
        return self.decoder(self.quantizer.lookup(codes), training=training)

    def call(self, x, training=False):
        return self.decode(self.encode(x, training), training)

    def loss_terms(self, x, training=False):
        """Per image: (reconstruction, commitment, codebook), and the encoder
        outputs and codes of the batch."""
        z_e = self.encoder(x, training=training)
        z_q, codes = self.quantizer(z_e)
        # straight-through: the forward pass sees z_q, the gradient skips
        # the lookup
        z_st = z_e + ops.stop_gradient(z_q - z_e)
        probs = self.decoder(z_st, training=training)
        axes = (1, 2, 3)
        commitment = ops.sum(ops.square(z_e - ops.stop_gradient(z_q)), axes)
        codebook = ops.sum(ops.square(ops.stop_gradient(z_e) - z_q), axes)
        return bernoulli_nll(x, probs), commitment, codebook, z_e, codes

    def _loss(self, reconstruction, commitment, codebook):
        loss = reconstruction + self.beta * commitment
        return loss if self.quantizer.ema else loss + codebook

    def _update(self, reconstruction, commitment, codebook, codes):
        # the tracked loss leaves out the codebook term, which only the loss
        # version has: the two versions are compared on the same number
        loss = reconstruction + self.beta * commitment
        for name, value in (
            ("loss", loss),
            ("reconstruction", reconstruction),
            ("commitment", commitment),
        ):
            self.trackers[name].update_state(ops.mean(value))
        self.trackers["perplexity"].update_state(
            perplexity(codes, self.num_codes)
        )
        return {m.name: m.result() for m in self.metrics}

    def train_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        with tf.GradientTape() as tape:
            reconstruction, commitment, codebook, z_e, codes = (
                self.loss_terms(x, training=True)
            )
            loss = ops.mean(self._loss(reconstruction, commitment, codebook))
        grads = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply(grads, self.trainable_weights)
        self.quantizer.update(z_e, codes)
        return self._update(reconstruction, commitment, codebook, codes)

    def test_step(self, data):
        x = data[0] if isinstance(data, tuple) else data
        reconstruction, commitment, codebook, _, codes = self.loss_terms(x)
        return self._update(reconstruction, commitment, codebook, codes)


def build_vq_vae(
    num_codes: int = 64,
    code_dim: int = 16,
    beta: float = 0.25,
    ema: bool = True,
    restart: bool = True,
    seed: int = 0,
):
    """Chapter 10's VQ-VAE: a 7×7 grid of codes, each one of ``num_codes`` vectors of size
    ``code_dim``."""
    quantizer = VectorQuantizer(
        num_codes, code_dim, ema=ema, restart=restart, seed=seed, name="vq"
    )
    return VQVAE(
        build_vq_encoder(code_dim),
        build_vq_decoder(code_dim),
        quantizer,
        beta=beta,
        name="vq_vae",
    )


class MaskedConv2D(layers.Conv2D):
    """A convolution that sees only the grid cells before the centre in raster order
    (rows above; cells to the left in the same row): mask "A" hides the centre too, for
    the first layer, so that a cell's prediction never sees the cell; mask "B" lets the
    later layers see their own position's features (van den Oord et al., 2016)."""

    def __init__(self, mask_type: str, filters: int, kernel_size: int, **kw):
        if mask_type not in ("A", "B"):
            raise ValueError(f"mask_type={mask_type!r}: use 'A' or 'B'.")
        super().__init__(filters, kernel_size, padding="same", **kw)
        self.mask_type = mask_type

    def build(self, input_shape):
        super().build(input_shape)
        rows, cols = self.kernel_size
        mask = np.ones((rows, cols, 1, 1), dtype="float32")
        centre_row, centre_col = rows // 2, cols // 2
        mask[centre_row, centre_col + (self.mask_type == "B") :] = 0
        mask[centre_row + 1 :] = 0
        self.mask = mask

    def call(self, inputs):
        out = ops.conv(inputs, self.kernel * self.mask, padding="same")
        if self.use_bias:
            out = out + self.bias
        return self.activation(out) if self.activation else out

    def get_config(self):
        config = super().get_config()
        config.update(mask_type=self.mask_type)
        for key in ("padding",):
            config.pop(key, None)
        return config


def build_code_prior(
    num_codes: int = 64,
    filters: int = 64,
    residual_blocks: int = 4,
    first_kernel=5,
    kernel=3,
):
    """A PixelCNN over the 7×7 grid of codes: for each cell, the logits of its code
    given the cells before it in raster order. An embedding of the codes, a 5×5 mask-A
    convolution, ``residual_blocks`` blocks of 3×3 mask-B convolutions, a 1×1
    convolution to ``num_codes`` logits."""
    # any number of rows: sampling row r needs only rows 0 to r
    codes = keras.Input(shape=(None, GRID), dtype="int32", name="codes")
    h = layers.Embedding(num_codes, filters, name="code_embedding")(codes)
    h = MaskedConv2D(
        "A", filters, first_kernel, activation="relu", name="masked_a"
    )(h)
    for i in range(1, residual_blocks + 1):
        step = MaskedConv2D(
            "B", filters, kernel, activation="relu", name=f"masked_b{i}"
        )(h)
        h = layers.Add(name=f"residual{i}")([h, step])
    h = layers.Conv2D(filters, 1, activation="relu", name="mix")(h)
    logits = layers.Conv2D(num_codes, 1, name="code_logits")(h)
    return keras.Model(codes, logits, name="code_prior")


def log_prior(prior, codes, batch_size: int = 1000) -> np.ndarray:
    """log p(codes) in nats per grid under the PixelCNN ``prior``: the sum over the 49
    cells of the log-probability of each cell's code given the cells before it."""
    out = []
    for i in range(0, len(codes), batch_size):
        batch = np.asarray(codes[i : i + batch_size], dtype="int32")
        logits = prior(batch, training=False)
        log_p = ops.log_softmax(logits, axis=-1)
        picked = ops.take_along_axis(log_p, batch[..., None], axis=-1)
        out.append(ops.convert_to_numpy(ops.sum(picked, axis=(1, 2, 3))))
    return np.concatenate(out).astype(np.float64)


def uniform_log_prior(num_codes: int) -> float:
    """log p(codes) under the uniform prior of training: −49 log K for every grid."""
    return -GRID * GRID * math.log(num_codes)


def sample_codes(prior, n: int, seed: int = 0, batch_size: int = 1000):
    """``n`` grids of codes drawn from the PixelCNN ``prior``, one cell at a time in
    raster order (ancestral sampling: 49 calls of the prior per batch).

    Each cell's code is the argmax of its logits plus Gumbel noise (the Gumbel-max trick:
    a draw from the softmax). The noise comes from one NumPy stream, grid after grid, so
    the first m of n grids are the first m grids drawn on their own. Cell (r, c) needs
    only rows 0 to r (the masks hide the rows below), so the prior sees just those.
    """
    rng = np.random.default_rng(seed)
    num_codes = int(prior.outputs[0].shape[-1])
    out = []
    for start in range(0, n, batch_size):
        rows = min(batch_size, n - start)
        uniform = rng.random((rows, GRID, GRID, num_codes), dtype=np.float32)
        gumbel = -np.log(-np.log(np.clip(uniform, 1e-20, 1.0)))
        codes = np.zeros((rows, GRID, GRID), dtype="int32")
        for r in range(GRID):
            for c in range(GRID):
                logits = np.asarray(prior(codes[:, : r + 1], training=False))
                codes[:, r, c] = np.argmax(
                    logits[:, r, c] + gumbel[:, r, c], axis=-1
                )
        out.append(codes)
    return np.concatenate(out)


def codes_and_reconstruction(vq, x, batch_size: int = 500):
    """``(codes, reconstruction)`` of images ``x`` (uint8 as stored, or floats in
    [0, 1], shape (n, 28, 28, 1)): the grid of codes of each image, (n, 7, 7) int32, and
    −log p(x | z_q(x)) in nats, the Bernoulli score of the decoded grid on the grey
    pixels (that of chapters 3 and 4), a batch at a time."""
    from .data import to_unit_interval

    codes, nats = [], []
    for i in range(0, len(x), batch_size):
        batch = to_unit_interval(x[i : i + batch_size])
        grid = vq.encode(batch)
        probs = vq.decode(grid)
        codes.append(ops.convert_to_numpy(grid).astype("int32"))
        nats.append(ops.convert_to_numpy(bernoulli_nll(batch, probs)))
    return np.concatenate(codes), np.concatenate(nats).astype(np.float64)


def decode_codes(vq, codes, batch_size: int = 500) -> np.ndarray:
    """Pixel probabilities (n, 28, 28, 1) of grids of codes, a batch at a time."""
    return np.concatenate(
        [
            ops.convert_to_numpy(vq.decode(codes[i : i + batch_size]))
            for i in range(0, len(codes), batch_size)
        ]
    )
