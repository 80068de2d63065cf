"""Chapter 8's VAE variants, chapter 9's conditional VAEs and the digit classifier:
their losses against hand computations, and clear errors."""

import keras
import numpy as np
import pytest
from keras import ops

from vaecourse import evaluation, losses, models


def _batch(n=6, seed=0):
    return np.random.default_rng(seed).random((n, 784), dtype=np.float32)


def test_gaussian_nll_is_the_scaled_squared_error_plus_the_normaliser():
    x, means = _batch(2, 1), _batch(2, 2)
    log_sigma = np.log(0.3)
    got = ops.convert_to_numpy(losses.gaussian_nll(x, means, log_sigma))
    expected = 0.5 * np.sum((x - means) ** 2, axis=1) / 0.3**2 + 784 * (
        np.log(0.3) + 0.5 * np.log(2 * np.pi)
    )
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_kl_per_dimension_sums_to_the_kl():
    rng = np.random.default_rng(3)
    mean, log_var = rng.normal(size=(2, 4, 5))
    per_dim = ops.convert_to_numpy(losses.gaussian_kl_per_dim(mean, log_var))
    np.testing.assert_allclose(
        per_dim.sum(1),
        ops.convert_to_numpy(losses.gaussian_kl(mean, log_var)),
        rtol=1e-6,
    )


def test_free_bits_count_at_least_lambda_nats_per_dimension():
    vae = models.build_dense_vae(latent_dim=3, free_bits=0.5)
    mean = np.array([[0.0, 0.1, 2.0], [0.0, -0.1, 2.0]], np.float32)
    log_var = np.zeros_like(mean)
    # batch-mean KL per dimension: 0, 0.005, 2 -> clamped at 0.5: 0.5, 0.5, 2
    got = float(vae.training_kl(mean, log_var))
    assert got == pytest.approx(3.0, rel=1e-5)
    plain = models.build_dense_vae(latent_dim=3, free_bits=0.0)
    assert float(plain.training_kl(mean, log_var)) == pytest.approx(2.005)


def test_kl_warmup_grows_linearly_to_beta():
    vae = models.build_dense_vae(latent_dim=2, kl_warmup_steps=4)
    vae.compile(optimizer=keras.optimizers.Adam(1e-3))
    vae.optimizer.build(vae.trainable_weights)
    weights = []
    for step in range(6):
        vae.optimizer.iterations.assign(step)
        weights.append(float(vae.kl_weight()))
    assert weights == pytest.approx([0.25, 0.5, 0.75, 1.0, 1.0, 1.0])


def test_learned_sigma_is_a_trained_weight_and_fixed_sigma_is_not():
    learned = models.build_dense_vae(
        latent_dim=2, likelihood="gaussian_learned"
    )
    assert any(w.name == "log_sigma" for w in learned.trainable_weights)
    fixed = models.build_dense_vae(
        latent_dim=2, likelihood="gaussian", decoder_sigma=0.5
    )
    assert float(fixed.pixel_log_sigma()) == pytest.approx(np.log(0.5))
    assert not any(w.name == "log_sigma" for w in fixed.weights)


def test_training_moves_sigma_and_binarises_batches():
    keras.utils.set_random_seed(0)
    vae = models.build_dense_vae(
        latent_dim=2, hidden=16, likelihood="gaussian_learned", binarize=True
    )
    vae.compile(optimizer=keras.optimizers.Adam(1e-2))
    vae.fit(_batch(64), epochs=2, batch_size=32, verbose=0)
    assert float(vae.pixel_log_sigma()) != 0.0


def test_evaluation_uses_the_gaussian_likelihood():
    vae = models.build_dense_vae(
        latent_dim=2, hidden=16, likelihood="gaussian", decoder_sigma=0.1
    )
    x = _batch(4)
    reconstruction, _ = evaluation.elbo_terms(vae, x)
    mean, _ = vae.encode(x)
    # one draw of z; the squared error / 0.01 dominates, never Bernoulli's scale
    assert np.all(
        reconstruction > 784 * (np.log(0.1) + 0.5 * np.log(2 * np.pi))
    )
    iw = evaluation.importance_weighted_log_px(vae, x, k=5)
    assert iw.shape == (4,) and np.all(np.isfinite(iw))
    assert mean.shape == (4, 2)


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"likelihood": "laplace"}, "likelihood='laplace'"),
        ({"free_bits": -1.0}, "free_bits"),
        ({"likelihood": "gaussian", "decoder_sigma": 0.0}, "decoder_sigma"),
    ],
)
def test_bad_variant_options_say_what_to_use(kwargs, fragment):
    with pytest.raises(ValueError, match=fragment):
        models.build_dense_vae(latent_dim=2, **kwargs)


def test_conditional_vae_needs_labels_and_bounds_log_p_x_given_y():
    cvae = models.build_dense_cvae(latent_dim=2, hidden=16)
    cvae.compile(optimizer=keras.optimizers.Adam(1e-3))
    x, y = _batch(8), np.arange(8) % 10
    with pytest.raises(ValueError, match="fit\\(x, labels\\)"):
        cvae.fit(x, epochs=1, verbose=0)
    cvae.fit(x, y, epochs=1, batch_size=4, verbose=0)
    reconstruction, kl = evaluation.elbo_terms(cvae, x, labels=y)
    iw = evaluation.importance_weighted_log_px(cvae, x, k=3, labels=y)
    assert reconstruction.shape == kl.shape == iw.shape == (8,)
    # the decoder really reads the label
    z = np.zeros((2, 2), np.float32)
    drawn = ops.convert_to_numpy(cvae.decode(z, np.array([1, 8])))
    assert not np.allclose(drawn[0], drawn[1])


def test_conv_cvae_draws_28_by_28_images():
    cvae = models.build_conv_cvae(latent_dim=4)
    drawn = cvae.decode(np.zeros((3, 4), np.float32), np.array([1, 8, 8]))
    assert tuple(drawn.shape) == (3, 28, 28, 1)


def test_classifier_features_cut_at_the_128_unit_layer():
    classifier = models.build_digit_classifier()
    features = models.classifier_features(classifier)
    out = features.predict(np.zeros((2, 28, 28, 1), np.float32), verbose=0)
    assert tuple(out.shape) == (2, 128)
    assert tuple(classifier.outputs[0].shape) == (None, 10)
