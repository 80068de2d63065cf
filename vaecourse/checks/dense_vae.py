"""Checkers for chapter 3 (the dense VAE)."""

from __future__ import annotations

import numpy as np

from ..exercises import Exercise
from . import expect


def _numpy(value) -> np.ndarray:
    """A tensor or an array as a float64 NumPy array."""
    from keras import ops

    if isinstance(value, (tuple, list)):
        expect(
            False,
            "what came back",
            "one tensor",
            f"a {type(value).__name__} of {len(value)} items",
            "Return one tensor: for the loss, the sum of the two terms, one per image.",
        )
    return np.asarray(ops.convert_to_numpy(value), dtype=np.float64)


def _close(got, expected, rtol=1e-4, atol=1e-4) -> bool:
    got, expected = np.asarray(got), np.asarray(expected)
    return got.shape == expected.shape and np.allclose(
        got, expected, rtol=rtol, atol=atol
    )


# ----------------------------------------------------------------------------------------
# Exercise 3.1: the decoder
# ----------------------------------------------------------------------------------------
NAMES = ["z", "dec_hidden", "pixel_probs"]


def check_build_decoder(build_decoder) -> None:
    """``build_decoder(latent_dim, hidden)``: latent → hidden (ReLU) → 784 (sigmoid)."""
    import keras

    from ..models import build_dense_decoder

    for latent_dim, hidden in ((2, 512), (20, 64)):
        case = f"build_decoder({latent_dim}, hidden={hidden})"
        decoder = build_decoder(latent_dim, hidden)
        expect(
            isinstance(decoder, keras.Model),
            case,
            "a keras.Model",
            f"a {type(decoder).__name__}",
            "Return keras.Model(inputs, outputs, name=...).",
        )
        shape_in = tuple(getattr(decoder.inputs[0], "shape", ()))
        expect(
            shape_in == (None, latent_dim),
            f"{case}, input shape",
            (None, latent_dim),
            shape_in,
            "The input is one latent vector: keras.Input(shape=(latent_dim,)).",
        )
        shape_out = tuple(decoder.outputs[0].shape)
        expect(
            shape_out == (None, 784),
            f"{case}, output shape",
            (None, 784),
            shape_out,
            "The decoder gives one probability per pixel, 784 of them.",
        )
        names = [layer.name for layer in decoder.layers]
        expect(
            names == NAMES and decoder.name == "dense_decoder",
            f"{case}, names",
            f"layers {NAMES} in a model named 'dense_decoder'",
            f"layers {names} in a model named {decoder.name!r}",
            "The names let the course's trained weights load into your decoder.",
        )
        n_expected = build_dense_decoder(latent_dim, hidden).count_params()
        expect(
            decoder.count_params() == n_expected,
            f"{case}, parameters",
            f"{n_expected:,} (Dense {hidden}, then Dense 784)",
            f"{decoder.count_params():,}",
            "The hidden layer's width is the argument `hidden`.",
        )

    decoder = build_decoder(2, 16)
    z = (
        np.random.default_rng(0)
        .normal(scale=3.0, size=(64, 2))
        .astype("float32")
    )
    hidden_layer, out_layer = (
        decoder.get_layer("dec_hidden"),
        decoder.get_layer("pixel_probs"),
    )
    w1, b1 = (np.asarray(v, np.float64) for v in hidden_layer.get_weights())
    w2, b2 = (np.asarray(v, np.float64) for v in out_layer.get_weights())
    pre_hidden = z @ w1 + b1
    h = _numpy(keras.Model(decoder.inputs[0], hidden_layer.output)(z))
    expect(
        _close(h, np.maximum(pre_hidden, 0.0)),
        "hidden layer on 64 latent points",
        "ReLU(z W + b)",
        f"values from {h.min():.3g} to {h.max():.3g}",
        "The hidden layer uses activation='relu'.",
    )
    probs = _numpy(decoder(z))
    logits = h @ w2 + b2
    expect(
        not _close(probs.sum(axis=1), np.ones(64)),
        "output layer",
        "784 independent probabilities",
        "rows that sum to 1",
        "A softmax makes the 784 outputs one distribution over pixels; each pixel is its "
        "own Bernoulli variable, so each output needs its own squashing into (0, 1).",
    )
    expect(
        ((probs > 0) & (probs < 1)).all(),
        "output layer",
        "probabilities in (0, 1)",
        f"values from {probs.min():.3g} to {probs.max():.3g}",
        "The outputs are Bernoulli means: which activation maps every real number into "
        "(0, 1)?",
    )
    expect(
        _close(probs, 1.0 / (1.0 + np.exp(-logits))),
        "output layer",
        "sigmoid(h W + b)",
        "other values in (0, 1)",
        "The output activation is the logistic sigmoid.",
    )


# ----------------------------------------------------------------------------------------
# Exercise 3.2: the loss per image
# ----------------------------------------------------------------------------------------
def _bernoulli_nll(x, probs):
    return -np.sum(x * np.log(probs) + (1 - x) * np.log(1 - probs), axis=-1)


def _kl(mean, log_var):
    return 0.5 * np.sum(np.exp(log_var) + mean**2 - 1.0 - log_var, axis=-1)


def _tensors(*arrays):
    from keras import ops

    return [ops.convert_to_tensor(np.asarray(a, "float32")) for a in arrays]


def check_per_image_loss(per_image_loss) -> None:
    """``per_image_loss(x, probs, mean, log_var)``: reconstruction + KL per image, in nats."""
    import tensorflow as tf

    x = np.array(
        [[0.0, 1.0, 0.5, 0.2], [1.0, 1.0, 0.0, 0.0], [0.3, 0.7, 0.9, 0.1]]
    )
    probs = np.array(
        [[0.1, 0.8, 0.5, 0.3], [0.6, 0.9, 0.2, 0.05], [0.5, 0.5, 0.7, 0.2]]
    )
    zeros = np.zeros((3, 2))

    # Case 1: q(z|x) equal to the prior, so KL = 0 and the loss is the reconstruction term.
    case = "3 images of 4 pixels, q(z|x) = N(0, I) so that KL = 0"
    rec = _bernoulli_nll(x, probs)
    got = _numpy(per_image_loss(*_tensors(x, probs, zeros, zeros)))
    expect(
        got.shape == (3,),
        case,
        "one loss per image, shape (3,)",
        f"shape {got.shape}",
        "Sum over the pixels and the latent dimensions (the last axis) only; the "
        "training step averages over the batch.",
    )
    expect(
        not _close(got, rec / 4),
        case,
        np.round(rec, 4).tolist(),
        np.round(got, 4).tolist(),
        "That is the cross-entropy averaged over the pixels (what "
        "keras.losses.binary_crossentropy returns): sum it over the pixels, so that it "
        "has the KL's scale, nats per image.",
    )
    expect(
        not _close(got, -rec),
        case,
        np.round(rec, 4).tolist(),
        np.round(got, 4).tolist(),
        "That is log p(x|z), the log-likelihood; the loss is its negative.",
    )
    expect(
        not _close(got, np.sum((x - probs) ** 2, axis=-1)),
        case,
        np.round(rec, 4).tolist(),
        np.round(got, 4).tolist(),
        "That is a squared error; the Bernoulli likelihood gives the binary cross-entropy "
        "−Σ [x log p + (1 − x) log(1 − p)].",
    )
    expect(
        _close(got, rec),
        case,
        np.round(rec, 4).tolist(),
        np.round(got, 4).tolist(),
        "The reconstruction term is −Σ_pixels [x log p + (1 − x) log(1 − p)].",
    )

    # Case 2: the same images with a q(z|x) away from the prior: the difference is the KL.
    mean = np.array([[1.0, 0.0], [0.5, -1.0], [2.0, 0.3]])
    log_var = np.array([[0.0, np.log(4.0)], [np.log(0.25), 0.0], [-1.0, 0.5]])
    case = "the same images with q(z|x) ≠ N(0, I): loss minus reconstruction"
    kl = _kl(mean, log_var)
    got_kl = _numpy(per_image_loss(*_tensors(x, probs, mean, log_var))) - got
    shown = np.round(kl, 4).tolist(), np.round(got_kl, 4).tolist()
    expect(
        not _close(got_kl, np.zeros(3)),
        case,
        *shown,
        "The KL term is missing: the loss is reconstruction + KL(q(z|x) ‖ N(0, I)).",
    )
    expect(
        not _close(got_kl, -kl),
        case,
        *shown,
        "The KL is subtracted; the loss, −ELBO, is reconstruction + KL.",
    )
    sigma_slip = 0.5 * np.sum(
        np.exp(0.5 * log_var) + mean**2 - 1.0 - 0.5 * log_var, axis=-1
    )
    expect(
        not _close(got_kl, sigma_slip),
        case,
        *shown,
        "That is the KL with σ in place of σ²: the variance is exp(log_var).",
    )
    expect(
        not _close(got_kl, kl / 2),
        case,
        *shown,
        "Half the KL: sum over the latent dimensions rather than average them.",
    )
    expect(
        not _close(got_kl, 2 * kl),
        case,
        *shown,
        "Twice the KL: the closed form has a factor ½.",
    )
    expect(
        not _close(got_kl, np.full(3, kl.sum())),
        case,
        *shown,
        "Every image got the KL of the whole batch: sum over axis=-1 only.",
    )
    expect(
        _close(got_kl, kl),
        case,
        *shown,
        "KL = ½ Σ_j (exp(log_var_j) + mean_j² − 1 − log_var_j).",
    )

    # Case 3: a saturated sigmoid gives probabilities of exactly 0 and 1.
    case = "pixels 1, 0, 1, 0 with probabilities exactly 1, 0, 1, 0"
    sat = np.array([[1.0, 0.0, 1.0, 0.0]])
    got = _numpy(per_image_loss(*_tensors(sat, sat, zeros[:1], zeros[:1])))
    expect(
        np.isfinite(got).all() and abs(got[0]) < 1e-2,
        case,
        "a loss of about 0",
        got.tolist(),
        "0 · log 0 is nan: clip the probabilities into [1e-6, 1 − 1e-6] before taking "
        "logs (ops.clip); a float32 sigmoid does reach exactly 0 or 1.",
    )

    # Case 4: the loss must be differentiable, with keras.ops, for the training step.
    case = "gradients of the loss with respect to probs, mean and log_var"
    variables = [tf.Variable(t) for t in _tensors(x, probs, mean, log_var)]
    try:
        with tf.GradientTape() as tape:
            total = tf.reduce_sum(per_image_loss(*variables))
        grads = tape.gradient(total, variables[1:])
    except (
        TypeError,
        ValueError,
        AttributeError,
        tf.errors.InvalidArgumentError,
    ):
        grads = [None]
    missing = any(g is None for g in grads)
    expect(
        not missing,
        case,
        "three gradients",
        "none",
        "Write the loss with keras.ops (ops.log, ops.exp, ops.sum), not NumPy: the "
        "training step differentiates it.",
    )

    # Case 5: MNIST-sized rows, against the course's vaecourse.losses.
    from ..losses import bernoulli_nll, gaussian_kl

    rng = np.random.default_rng(3)
    x, logits = (
        rng.uniform(size=(5, 784)),
        rng.normal(scale=2.0, size=(5, 784)),
    )
    mean, log_var = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    args = _tensors(x, 1.0 / (1.0 + np.exp(-logits)), mean, log_var)
    expected = _numpy(
        bernoulli_nll(args[0], args[1]) + gaussian_kl(args[2], args[3])
    )
    got = _numpy(per_image_loss(*args))
    expect(
        _close(got, expected, rtol=1e-4, atol=1e-2),
        "5 images of 784 pixels, 3-D latent",
        np.round(expected, 2).tolist(),
        np.round(got, 2).tolist(),
        "Compare with vaecourse.losses.bernoulli_nll + vaecourse.losses.gaussian_kl.",
    )


# ----------------------------------------------------------------------------------------
# Exercise 3.3: one training step
# ----------------------------------------------------------------------------------------
def _tiny_vaes(copies: int, seed: int = 0):
    """``copies`` identical tiny VAEs (6 pixels, 2-D latent): same weights, same noise."""
    from ..models import VAE, build_dense_decoder, build_dense_encoder

    rng = np.random.default_rng(seed)
    vaes = [
        VAE(
            build_dense_encoder(2, 8, input_dim=6),
            build_dense_decoder(2, 8, output_dim=6),
            seed=seed,
        )
        for _ in range(copies)
    ]
    weights = [
        rng.normal(scale=0.5, size=w.shape).astype("float32")
        for w in vaes[0].get_weights()
    ]
    for vae in vaes:
        vae.set_weights(weights)
    return vaes


def _package_loss(x, probs, mean, log_var):
    from ..losses import bernoulli_nll, gaussian_kl

    return bernoulli_nll(x, probs) + gaussian_kl(mean, log_var)


def _weights(model) -> list[np.ndarray]:
    return [np.asarray(w, np.float64) for w in model.get_weights()]


def _compare_weights(
    case, before, learner, reference, n_encoder, batch
) -> None:
    moved = [
        not np.allclose(a, b, atol=1e-7) for a, b in zip(before, learner)
    ]
    expect(
        any(moved),
        case,
        "updated weights",
        "unchanged weights",
        "Apply the gradients: optimizer.apply(gradients, model.trainable_weights).",
    )
    expect(
        any(moved[:n_encoder]),
        case,
        "the encoder's weights to change too",
        "only the decoder's changed",
        "Run the encoder inside the tape and pass model.trainable_weights (encoder and "
        "decoder) to tape.gradient and optimizer.apply.",
    )
    delta_learner = np.concatenate(
        [(a - b).ravel() for a, b in zip(learner, before)]
    )
    delta_reference = np.concatenate(
        [(a - b).ravel() for a, b in zip(reference, before)]
    )
    largest = float(np.max(np.abs(delta_learner - delta_reference)))
    shown = f"steps equal to VAE.train_step's (largest step {np.abs(delta_reference).max():.3g})"
    expect(
        not np.allclose(delta_learner, -delta_reference, atol=1e-6),
        case,
        shown,
        "the opposite steps",
        "Minimise the loss: apply its gradients, not their negatives.",
    )
    expect(
        not np.allclose(
            delta_learner, batch * delta_reference, rtol=1e-3, atol=1e-6
        ),
        case,
        shown,
        f"steps {batch} times too large",
        "Take the mean of the per-image losses over the batch, not their sum.",
    )
    expect(
        largest < 1e-5,
        case,
        shown,
        f"steps that differ by up to {largest:.3g}",
        "Encode, draw z with model.sampling, decode, then apply the gradients of the mean "
        "loss to model.trainable_weights, once.",
    )


def check_train_step(train_step) -> None:
    """``train_step(model, optimizer, x, loss_fn)``: one SGD step, as VAE.train_step does."""
    import keras
    import tensorflow as tf
    from keras import ops

    learner_vae, reference_vae, compiled_vae = _tiny_vaes(3)
    n_encoder = len(learner_vae.encoder.get_weights())
    batch = 4
    x = np.random.default_rng(1).uniform(size=(batch, 6)).astype("float32")
    x_tensor = ops.convert_to_tensor(x)
    before = _weights(learner_vae)
    mean, log_var = learner_vae.encoder(x_tensor)
    loss_of_mean = float(
        ops.mean(
            _package_loss(x_tensor, learner_vae.decoder(mean), mean, log_var)
        )
    )

    reference_vae.compile(optimizer=keras.optimizers.SGD(0.1))
    expected = float(reference_vae.train_step(x_tensor)["loss"])
    optimizer = keras.optimizers.SGD(0.1)
    case = (
        "one step of SGD (learning rate 0.1) on a tiny VAE, batch of 4 images"
    )
    loss = _numpy(train_step(learner_vae, optimizer, x_tensor, _package_loss))
    expect(
        loss.shape == (),
        case,
        "the batch's mean loss, a scalar",
        f"shape {loss.shape}",
        "Return ops.mean of the per-image losses.",
    )
    loss = float(loss)
    expect(
        not np.isclose(loss, batch * expected, rtol=1e-4),
        case,
        round(expected, 4),
        round(loss, 4),
        "That is the sum over the batch; take the mean.",
    )
    expect(
        not np.isclose(loss, loss_of_mean, rtol=1e-4),
        case,
        round(expected, 4),
        round(loss, 4),
        "That is the loss of the decoded mean μ. Decode a sample z = model.sampling([mean, "
        "log_var]): without the noise the reconstruction term teaches σ nothing.",
    )
    expect(
        np.isclose(loss, expected, rtol=1e-4, atol=1e-4),
        case,
        round(expected, 4),
        round(loss, 4),
        "Return the loss computed under the tape, before the update: the mean over the "
        "batch of loss_fn(x, probs, mean, log_var), with z drawn once by model.sampling.",
    )
    _compare_weights(
        case,
        before,
        _weights(learner_vae),
        _weights(reference_vae),
        n_encoder,
        batch,
    )

    case = "a second step on the same model and optimizer"
    x2 = ops.convert_to_tensor(
        np.random.default_rng(2).uniform(size=(batch, 6)), "float32"
    )
    before = _weights(learner_vae)
    reference_vae.train_step(x2)
    train_step(learner_vae, optimizer, x2, _package_loss)
    _compare_weights(
        case,
        before,
        _weights(learner_vae),
        _weights(reference_vae),
        n_encoder,
        batch,
    )

    case = "the first step again, compiled with tf.function as the chapter runs it"
    try:
        compiled = tf.function(train_step)
        loss = float(
            compiled(
                compiled_vae,
                keras.optimizers.SGD(0.1),
                x_tensor,
                _package_loss,
            )
        )
    except Exception as err:  # noqa: BLE001 - any failure here has the same cause
        raise AssertionError(
            f"{case}: it raised {type(err).__name__}. Inside tf.function the values are "
            f"symbolic: keep to tensor operations (no float(), .numpy() or NumPy calls) and "
            f"return the loss tensor."
        ) from None
    expect(
        np.isclose(loss, expected, rtol=1e-4, atol=1e-4),
        case,
        round(expected, 4),
        round(loss, 4),
        "The compiled step must compute what the eager one does.",
    )


# ----------------------------------------------------------------------------------------
# Exercise 3.4: the importance-weighted bound
# ----------------------------------------------------------------------------------------
def _log_mean_exp(log_w):
    top = log_w.max(axis=1, keepdims=True)
    return (
        top + np.log(np.mean(np.exp(log_w - top), axis=1, keepdims=True))
    )[:, 0]


def check_iw_bound(iw_bound) -> None:
    """``iw_bound(log_px_z, log_pz, log_qz)``: per-row log-mean-exp of the log weights."""
    zero = np.zeros((1, 2))
    case = "one image, K = 2 weights 1 and 3 (log p(x|z) = 0 and log 3, the rest 0)"
    got = _numpy(iw_bound(np.array([[0.0, np.log(3.0)]]), zero, zero))
    expect(
        got.shape == (1,),
        case,
        "one bound per image, shape (1,)",
        f"shape {got.shape}",
        "Reduce over the K samples (axis 1) only.",
    )
    shown = round(np.log(2.0), 4), np.round(got, 4).tolist()
    expect(
        not _close(got, [np.log(3.0) / 2]),
        case,
        *shown,
        "That is the mean of the log weights, an estimate of the ELBO; the bound takes "
        "the log of the mean of the weights.",
    )
    expect(
        not _close(got, [np.log(4.0)]),
        case,
        *shown,
        "That is log Σ_k w_k; the bound averages the K weights: subtract log K.",
    )
    expect(
        not _close(got, [-np.log(2.0)]),
        case,
        *shown,
        "Return the bound on log p(x) itself; the chapter negates it to give nats.",
    )
    expect(
        _close(got, [np.log(2.0)]),
        case,
        *shown,
        "The bound is log((w_1 + … + w_K) / K) with log w_k = log p(x|z_k) + log p(z_k) − "
        "log q(z_k|x).",
    )

    rng = np.random.default_rng(0)
    n, k = 3, 4
    log_px_z = rng.normal(-100.0, 3.0, size=(n, k))
    log_pz, log_qz = (
        rng.normal(-2.0, 1.0, size=(n, k)),
        rng.normal(-1.0, 1.0, size=(n, k)),
    )
    case = f"{n} images, K = {k}, three different log terms"
    expected = _log_mean_exp(log_px_z + log_pz - log_qz)
    got = _numpy(iw_bound(log_px_z, log_pz, log_qz))
    expect(
        got.shape == (n,),
        case,
        f"one bound per image, shape ({n},)",
        f"shape {got.shape}",
        "The arrays are (images, samples): reduce over axis 1, the K samples.",
    )
    shown = np.round(expected, 4).tolist(), np.round(got, 4).tolist()
    expect(
        not _close(got, _log_mean_exp(log_px_z + log_pz + log_qz)),
        case,
        *shown,
        "q(z|x) divides: the log weight is log p(x|z) + log p(z) − log q(z|x).",
    )
    expect(
        _close(got, expected),
        case,
        *shown,
        "log w = log p(x|z) + log p(z) − log q(z|x), then log-mean-exp over axis 1.",
    )

    case = "log weights near −1000 (a poor model, or a large image)"
    log_px_z = np.array(
        [[-1000.0, -1001.0, -1003.0], [-2000.0, -1999.0, -2000.5]]
    )
    zero = np.zeros_like(log_px_z)
    expected = _log_mean_exp(log_px_z)
    got = _numpy(iw_bound(log_px_z, zero, zero))
    expect(
        np.isfinite(got).all() and _close(got, expected, atol=1e-6),
        case,
        np.round(expected, 4).tolist(),
        np.round(got, 4).tolist(),
        "exp(−1000) underflows to 0 and log 0 = −inf: subtract the largest log weight of "
        "each image before exponentiating, and add it back after the log (log-sum-exp).",
    )


EXERCISES = [
    Exercise("03_dense_vae_1_decoder", "build_decoder", check_build_decoder),
    Exercise("03_dense_vae_2_loss", "per_image_loss", check_per_image_loss),
    Exercise("03_dense_vae_3_train_step", "train_step", check_train_step),
    Exercise("03_dense_vae_4_iw_bound", "iw_bound", check_iw_bound),
]
