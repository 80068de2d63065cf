"""The batched evaluation helpers of vaecourse.evaluation: ELBO, importance weighting, chunks."""

import numpy as np
import pytest
from scipy.special import logsumexp

from vaecourse import evaluation, models


@pytest.fixture(scope="module")
def small_vae():
    return models.build_dense_vae(latent_dim=3, hidden=32)


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(1).uniform(size=(25, 784)).astype("float32")


def test_reconstruct_in_batches_equals_one_pass(small_vae, images):
    mean, _ = small_vae.encoder(images)
    whole = np.asarray(small_vae.decoder(mean))
    batched = small_vae.reconstruct(images, batch_size=7)
    assert batched.shape == (25, 784)
    np.testing.assert_allclose(batched, whole, rtol=1e-5, atol=1e-6)


def test_decoding_in_chunks_equals_one_pass(small_vae):
    z = np.random.default_rng(2).normal(size=(23, 3)).astype("float32")
    whole = np.asarray(small_vae.decoder(z))
    np.testing.assert_allclose(
        evaluation._decode(small_vae, z, rows=5), whole, rtol=1e-5, atol=1e-6
    )


def test_convolutional_decoders_are_decoded_in_smaller_chunks_than_dense_ones():
    dense = models.build_dense_vae(latent_dim=2).decoder
    conv = models.build_conv_decoder(2, (64, 32), hidden=16)
    assert evaluation._decode_rows(dense) == 2000
    assert 100 <= evaluation._decode_rows(conv) <= 600


def test_importance_weighted_estimate_does_not_depend_on_the_batch_size(
    small_vae, images
):
    default = evaluation.importance_weighted_log_px(
        small_vae, images, k=20, seed=3
    )
    small_batches = evaluation.importance_weighted_log_px(
        small_vae, images, k=20, seed=3, batch_size=4
    )
    assert default.shape == (25,) and np.isfinite(default).all()
    np.testing.assert_allclose(small_batches, default, rtol=1e-6)


def test_log_weight_terms_are_the_draws_of_the_importance_weighted_estimate(
    small_vae, images
):
    log_px_z, log_pz, log_qz = evaluation.log_weight_terms(
        small_vae, images, k=20, seed=3
    )
    assert log_px_z.shape == log_pz.shape == log_qz.shape == (25, 20)
    bound = logsumexp(log_px_z + log_pz - log_qz, axis=1) - np.log(20)
    np.testing.assert_array_equal(
        bound,
        evaluation.importance_weighted_log_px(
            small_vae, images, k=20, seed=3
        ),
    )


def test_importance_weighted_estimate_is_above_the_elbo_on_average(
    small_vae, images
):
    reconstruction, kl = evaluation.elbo_terms(small_vae, images, seed=0)
    iw = evaluation.importance_weighted_log_px(
        small_vae, images, k=50, seed=0
    )
    assert np.mean(iw) > -np.mean(reconstruction + kl)


def test_elbo_with_several_samples_averages_the_reconstruction_term_only(
    small_vae, images
):
    one_r, one_kl = evaluation.elbo_terms(small_vae, images, seed=4)
    again_r, _ = evaluation.elbo_terms(small_vae, images, seed=4, samples=1)
    many_r, many_kl = evaluation.elbo_terms(
        small_vae, images, seed=4, samples=8
    )
    np.testing.assert_array_equal(
        again_r, one_r
    )  # samples=1 is the one-draw estimate
    np.testing.assert_allclose(
        many_kl, one_kl
    )  # the KL is in closed form: no sampling
    assert many_r.shape == (25,) and not np.allclose(many_r, one_r)
    # the first of the eight draws is the one-draw estimate, so the mean stays near it
    assert abs(np.mean(many_r) - np.mean(one_r)) < 0.05 * np.mean(one_r)


def test_elbo_needs_at_least_one_sample(small_vae, images):
    with pytest.raises(ValueError, match="at least one draw"):
        evaluation.elbo_terms(small_vae, images, samples=0)


def test_predict_in_batches_gives_predicts_numbers_bit_for_bit(small_vae):
    x = np.random.default_rng(3).uniform(size=(70, 784)).astype("float32")
    small_vae.encoder.compile()
    mean, log_var = small_vae.encoder.predict(x, verbose=0)
    got = evaluation.predict_in_batches(small_vae.encoder, x)
    assert isinstance(got, list) and len(got) == 2
    np.testing.assert_array_equal(got[0], mean)
    np.testing.assert_array_equal(got[1], log_var)
    decoded = evaluation.predict_in_batches(small_vae.decoder, mean, 16)
    assert decoded.shape == (70, 784) and decoded.dtype == np.float32
    np.testing.assert_array_equal(
        decoded, small_vae.decoder.predict(mean, batch_size=16, verbose=0)
    )


def test_by_rows_gives_the_whole_arrays_values():
    rng = np.random.default_rng(4)
    x, y = rng.uniform(size=(2, 2500, 30))
    per_row = evaluation.by_rows(
        lambda a, b: (a * np.log(b)).mean(axis=-1), x, y, rows=1000
    )
    np.testing.assert_array_equal(per_row, (x * np.log(y)).mean(axis=-1))
    calls = []
    evaluation.by_rows(
        lambda a: calls.append(len(a)) or a[:, 0], x, rows=1000
    )
    assert calls == [1000, 1000, 500]
