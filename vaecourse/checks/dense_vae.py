"""Checkers for chapter 3 (the dense VAE)."""

from __future__ import annotations

import numpy as np

from ..exercises import Exercise
from . import call_or_fail, expect


def _numpy(value, hint: str = "") -> np.ndarray:
    """A tensor or an array as a float64 NumPy array."""
    from keras import ops

    if isinstance(value, (tuple, list, dict)):
        expect(
            False,
            "what came back",
            "one tensor",
            f"a {type(value).__name__} of {len(value)} items",
            hint,
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
        fixed_width = next(
            (
                width
                for width in (512, 256, 128, 64)
                if width != hidden
                # counted, not built: building draws from the global seed, and the
                # chapter's own random numbers must not depend on the checker
                and decoder.count_params()
                == (latent_dim + 1) * width + (width + 1) * 784
            ),
            None,
        )
        expect(
            decoder.count_params() == n_expected,
            f"{case}, parameters",
            f"{n_expected:,} (Dense {hidden}, then Dense 784)",
            f"{decoder.count_params():,}",
            f"That is a hidden layer of {fixed_width} units: its width is the "
            f"argument `hidden`."
            if fixed_width
            else "",
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


def _per_image(per_image_loss, case, *arrays) -> np.ndarray:
    return _numpy(
        call_or_fail(
            case, "one loss per image", per_image_loss, *_tensors(*arrays)
        ),
        "Return one tensor, the sum of the two terms, one value per image.",
    )


def _fits_with_offset(got, values) -> float | None:
    """The constant c with got = values + c for every image, or None if there is none."""
    offset = float(np.mean(got - values))
    return offset if _close(got, values + offset) else None


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

    # Case 1: q(z|x) equal to the prior, so KL = 0 and the loss is the reconstruction
    # term. A KL part that is not 0 there adds the same constant to every image: the
    # checker tells it from a wrong reconstruction term that way.
    case = "3 images of 4 pixels, q(z|x) = N(0, I) so that KL = 0"
    rec = _bernoulli_nll(x, probs)
    got = _per_image(per_image_loss, case, x, probs, zeros, zeros)
    shape_hints = {
        x.shape: "One value per pixel: sum over the pixels.",
        (): "A single number: sum over the pixels and the latent dimensions "
        "only; the training step averages over the batch.",
    }
    expect(
        got.shape == (3,),
        case,
        "one loss per image, shape (3,)",
        f"shape {got.shape}",
        shape_hints.get(got.shape, ""),
    )
    shown = np.round(rec, 4).tolist(), np.round(got, 4).tolist()
    if not _close(got, rec):
        reconstruction_slips = [
            (
                rec / 4,
                (
                    "Its reconstruction term is the cross-entropy averaged over "
                    "the pixels (what keras.losses.binary_crossentropy returns): "
                    "sum it over the pixels, so that it has the KL's scale, nats "
                    "per image."
                ),
            ),
            (
                -rec,
                (
                    "Its reconstruction term is log p(x|z), the log-likelihood; the "
                    "loss is its negative."
                ),
            ),
            (
                np.sum((x - probs) ** 2, axis=-1),
                (
                    "Its reconstruction term is a squared error; the Bernoulli "
                    "likelihood gives the binary cross-entropy "
                    "−Σ [x log p + (1 − x) log(1 − p)]."
                ),
            ),
        ]
        for values, hint in reconstruction_slips:
            expect(_fits_with_offset(got, values) is None, case, *shown, hint)
        offset = _fits_with_offset(got, rec)
        if offset is not None:
            # the reconstruction term is right: the KL part is `offset` at the prior
            known = {
                1.0: " That is ½ per dimension: the − 1 is missing, "
                "½ Σ_j (σ_j² + μ_j² − 1 − log σ_j²).",
                2.0: " That is 1 per dimension: the 1 is added, not "
                "subtracted; ½ Σ_j (σ_j² + μ_j² − 1 − log σ_j²).",
            }
            extra = next(
                (text for c, text in known.items() if np.isclose(offset, c)),
                "",
            )
            expect(
                False,
                case,
                *shown,
                f"Its reconstruction term is right, and its KL part gives "
                f"{offset:.4g} for every image at mean 0, log_var 0, where the "
                f"KL of N(0, I) from itself is 0.{extra}",
            )
        expect(False, case, *shown)

    # Case 2: the same images with a q(z|x) away from the prior: the difference is the KL.
    mean = np.array([[1.0, 0.0], [0.5, -1.0], [2.0, 0.3]])
    log_var = np.array([[0.0, np.log(4.0)], [np.log(0.25), 0.0], [-1.0, 0.5]])
    case = "the same images with q(z|x) ≠ N(0, I): loss minus reconstruction"
    kl = _kl(mean, log_var)
    got_kl = _per_image(per_image_loss, case, x, probs, mean, log_var) - got
    slips = [
        (
            np.zeros(3),
            "The KL term is missing: the loss is reconstruction + KL.",
        ),
        (
            -kl,
            "The KL is subtracted; the loss, −ELBO, is reconstruction + KL.",
        ),
        (
            0.5
            * np.sum(
                np.exp(0.5 * log_var) + mean**2 - 1.0 - 0.5 * log_var, axis=-1
            ),
            "That is the KL with σ in place of σ²: the variance is exp(log_var).",
        ),
        (
            kl / 2,
            (
                "Half the KL: sum over the latent dimensions (not their mean), "
                "with a single factor ½."
            ),
        ),
        (2 * kl, "Twice the KL: the closed form has a factor ½."),
        (
            np.full(3, kl.sum()),
            "Every image got the KL of the whole batch: sum over axis=-1 only.",
        ),
        (
            0.5 * np.sum(np.exp(log_var) + mean**2 - 1.0 + log_var, axis=-1),
            "log_var is added: the closed form subtracts log σ² = log_var.",
        ),
        (
            0.5 * np.sum(np.exp(log_var) + mean - 1.0 - log_var, axis=-1),
            "The mean is not squared: the term is μ_j².",
        ),
    ]
    shown = np.round(kl, 4).tolist(), np.round(got_kl, 4).tolist()
    for values, hint in slips:
        expect(not _close(got_kl, values), case, *shown, hint)
    expect(
        _close(got_kl, kl),
        case,
        *shown,
        "Only mean and log_var changed from the first case, which passed: the "
        "KL part is off. KL = ½ Σ_j (exp(log_var_j) + mean_j² − 1 − log_var_j).",
    )

    # Case 3: a saturated sigmoid gives probabilities of exactly 0 and 1.
    case = "pixels 1, 0, 1, 0 with probabilities exactly 1, 0, 1, 0"
    sat = np.array([[1.0, 0.0, 1.0, 0.0]])
    got = _per_image(per_image_loss, case, sat, sat, zeros[:1], zeros[:1])
    # The first case passed: the loss is right for probabilities inside (0, 1), so
    # a value that is not finite here comes from a log of 0.
    expect(
        np.isfinite(got).all(),
        case,
        "a loss of about 0",
        got.tolist(),
        "Your loss is right for probabilities strictly inside (0, 1), not at "
        "exactly 0 or 1, where 0 · log 0 is nan: clip the probabilities into "
        "[1e-6, 1 − 1e-6] before taking logs (ops.clip); a float32 sigmoid "
        "does reach exactly 0 or 1.",
    )
    expect(abs(got[0]) < 1e-2, case, "a loss of about 0", got.tolist())

    # Case 4: the loss must be differentiable, with keras.ops, for the training step.
    case = "gradients of the loss with respect to probs, mean and log_var"
    variables = [tf.Variable(t) for t in _tensors(x, probs, mean, log_var)]
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(
            call_or_fail(case, "a loss", per_image_loss, *variables)
        )
    grads = tape.gradient(total, variables[1:])
    missing = [
        name
        for name, g in zip(["probs", "mean", "log_var"], grads)
        if g is None
    ]
    expect(
        not missing,
        case,
        "three gradients",
        f"none for {', '.join(missing)}",
        "The tape cannot follow your loss back to them: the computation "
        "leaves TensorFlow on the way (NumPy, .numpy(), float()). Write the "
        "loss with keras.ops (ops.log, ops.exp, ops.sum): the training step "
        "differentiates it.",
    )

    # Case 5: compiled with tf.function, as the chapter's training loop runs it.
    case = "the second case inside tf.function, as the training loop runs it"
    compiled = tf.function(lambda *tensors: per_image_loss(*tensors))
    got = _numpy(
        call_or_fail(
            case,
            "the same losses",
            compiled,
            *_tensors(x, probs, mean, log_var),
        )
    )
    expected = rec + kl
    expect(
        _close(got, expected),
        case,
        np.round(expected, 4).tolist(),
        np.round(got, 4).tolist(),
    )

    # Case 6: MNIST-sized rows, against the course's vaecourse.losses, to the tolerance
    # with which the chapter compares them.
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
    case = "5 images of 784 pixels, 3-D latent"
    got = _per_image(per_image_loss, case, *(np.asarray(a) for a in args))
    expect(
        _close(got, expected, rtol=1e-5, atol=1e-3),
        case,
        np.round(expected, 3).tolist(),
        np.round(got, 3).tolist(),
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
        not np.allclose(
            delta_learner, 2 * delta_reference, rtol=1e-3, atol=1e-6
        ),
        case,
        shown,
        "steps twice too large",
        "The gradients are applied twice: call optimizer.apply once per step.",
    )
    expect(
        largest < 1e-5,
        case,
        shown,
        f"steps that differ by up to {largest:.3g}",
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
    reference_after_one = _weights(reference_vae)
    optimizer = keras.optimizers.SGD(0.1)
    case = (
        "one step of SGD (learning rate 0.1) on a tiny VAE, batch of 4 images"
    )
    loss = _numpy(
        call_or_fail(
            case,
            "the batch's mean loss",
            train_step,
            learner_vae,
            optimizer,
            x_tensor,
            _package_loss,
        ),
        "Return the batch's mean loss, one scalar tensor.",
    )
    expect(
        loss.shape == (),
        case,
        "the batch's mean loss, a scalar",
        f"shape {loss.shape}",
        "One value per image: return their mean, ops.mean(...)."
        if loss.shape == (batch,)
        else "",
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
    call_or_fail(
        case,
        "the batch's mean loss",
        train_step,
        learner_vae,
        optimizer,
        x2,
        _package_loss,
    )
    _compare_weights(
        case,
        before,
        _weights(learner_vae),
        _weights(reference_vae),
        n_encoder,
        batch,
    )

    # The chapter's training loop runs the step compiled, tf.function(train_step):
    # there the values are symbolic. (float() of a tensor works there too: autograph
    # turns it into a cast.)
    case = "the first step again, compiled with tf.function as the chapter runs it"
    before = _weights(compiled_vae)
    try:
        loss = tf.function(train_step)(
            compiled_vae, keras.optimizers.SGD(0.1), x_tensor, _package_loss
        )
    except Exception as err:
        if "symbolic" in str(err).lower() or "SymbolicTensor" in str(err):
            lines = [line.strip() for line in str(err).splitlines()]
            last = [line for line in lines if line][-1]  # the cause
            last = last.removeprefix(f"{type(err).__name__}: ")[:200]
            raise AssertionError(
                f"{case}: it raised {type(err).__name__}: {last}. "
                f"Inside tf.function the values are symbolic tensors, with no "
                f"value yet for NumPy or .numpy(): keep to tensor operations "
                f"(keras.ops) inside the step."
            ) from None
        err.add_note(
            f"The checker's case: {case}; it expects the batch's mean loss."
        )
        raise
    loss = _numpy(loss, "Return the batch's mean loss, one scalar tensor.")
    expect(
        loss.shape == () and np.isclose(loss, expected, rtol=1e-4, atol=1e-4),
        case,
        round(expected, 4),
        np.round(loss, 4).tolist(),
    )
    _compare_weights(
        case,
        before,
        _weights(compiled_vae),
        reference_after_one,
        n_encoder,
        batch,
    )


# ----------------------------------------------------------------------------------------
# Exercise 3.4: the importance-weighted bound
# ----------------------------------------------------------------------------------------
def _log_mean_exp(log_w):
    top = log_w.max(axis=1, keepdims=True)
    return (
        top + np.log(np.mean(np.exp(log_w - top), axis=1, keepdims=True))
    )[:, 0]


def _iw_shape_hint(shape, given) -> str:
    """A hint for the shape of a bound when the shape says what was reduced."""
    if shape == ():
        return "A single number: reduce over the K samples (axis 1) only."
    if shape == given:
        return "One value per weight: reduce over the K samples (axis 1)."
    if shape == given[1:] and given[0] != given[1]:
        return (
            "One value per sample: that reduces over the images (axis 0); "
            "reduce over the K samples (axis 1) instead."
        )
    return ""


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
        _iw_shape_hint(got.shape, (1, 2)),
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
        _iw_shape_hint(got.shape, (n, k)),
    )
    shown = np.round(expected, 4).tolist(), np.round(got, 4).tolist()
    expect(
        not _close(got, _log_mean_exp(log_px_z + log_pz + log_qz)),
        case,
        *shown,
        "q(z|x) divides: the log weight is log p(x|z) + log p(z) − log q(z|x).",
    )
    expect(_close(got, expected), case, *shown)

    case = "log weights near −1000 (a poor model, or a large image)"
    log_px_z = np.array(
        [[-1000.0, -1001.0, -1003.0], [-2000.0, -1999.0, -2000.5]]
    )
    zero = np.zeros_like(log_px_z)
    expected = _log_mean_exp(log_px_z)
    got = _numpy(iw_bound(log_px_z, zero, zero))
    # The case before passed, with log weights near −100: a bound that is not
    # finite here comes from exp(−1000), which underflows to 0.
    expect(
        np.isfinite(got).all(),
        case,
        np.round(expected, 4).tolist(),
        np.round(got, 4).tolist(),
        "Your bound is right for log weights near −100, not near −1000: "
        "exp(−1000) underflows to 0 and log 0 = −inf. Subtract the largest log "
        "weight of each image before exponentiating, and add it back after the "
        "log (log-sum-exp).",
    )
    expect(
        _close(got, expected, atol=1e-6),
        case,
        np.round(expected, 4).tolist(),
        np.round(got, 4).tolist(),
    )


EXERCISES = [
    Exercise("03_dense_vae_1_decoder", "build_decoder", check_build_decoder),
    Exercise("03_dense_vae_2_loss", "per_image_loss", check_per_image_loss),
    Exercise("03_dense_vae_3_train_step", "train_step", check_train_step),
    Exercise("03_dense_vae_4_iw_bound", "iw_bound", check_iw_bound),
]
