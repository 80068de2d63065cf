"""The model builders, the learning-rate schedule and the batched evaluation helpers."""

import numpy as np
import pytest

from vaecourse import evaluation, models
from vaecourse.training import cosine_decay


def _dense_widths(model):
    return [layer.units for layer in model.layers
            if type(layer).__name__ == "Dense" and layer.name.startswith(("enc_hidden", "dec_hidden"))]


def test_deeper_dense_vae_decoder_mirrors_the_encoder():
    vae = models.build_dense_vae(latent_dim=2, hidden=(512, 256))
    assert _dense_widths(vae.encoder) == [512, 256]
    assert _dense_widths(vae.decoder) == [256, 512]
    assert tuple(vae.decoder.outputs[0].shape[1:]) == (784,)


def test_one_hidden_layer_keeps_the_layer_names_the_shipped_weights_use():
    vae = models.build_dense_vae(latent_dim=2)
    assert [layer.name for layer in vae.encoder.layers] == [
        "image", "enc_hidden", "z_mean", "z_log_var"]
    assert [layer.name for layer in vae.decoder.layers] == ["z", "dec_hidden", "pixel_probs"]


@pytest.mark.parametrize("filters,upsample_output,last", [
    ((64, 32), False, "Conv2D"),  # chapter 4's decoder: 32 maps at 28×28, then the pixels
    ((64,), True, "Conv2DTranspose"),  # the cheaper one: the last upsampling gives the pixels
])
def test_conv_decoder_layouts_give_28x28_probabilities(filters, upsample_output, last):
    decoder = models.build_conv_decoder(2, filters, upsample_output, hidden=16)
    assert tuple(decoder.outputs[0].shape[1:]) == (28, 28, 1)
    assert type(decoder.layers[-1]).__name__ == last and decoder.layers[-1].filters == 1
    probs = np.asarray(decoder(np.zeros((2, 2), "float32")))
    assert ((probs > 0) & (probs < 1)).all()


def test_conv_decoder_with_too_few_upsamplings_says_why():
    with pytest.raises(ValueError, match="two stride-2 upsamplings"):
        models.build_conv_decoder(2, (64,), upsample_output=False)


@pytest.mark.parametrize("hidden", [(), (512, 0), "512", (512.0,)])
def test_bad_hidden_widths_say_what_to_give(hidden):
    with pytest.raises(ValueError, match="hidden="):
        models.build_dense_encoder(2, hidden)


def test_cosine_decay_falls_from_the_rate_to_a_hundredth():
    schedule = cosine_decay(1e-3, epochs=30).schedule
    rates = [schedule(epoch) for epoch in range(30)]
    assert rates[0] == pytest.approx(1e-3)
    assert all(a > b for a, b in zip(rates, rates[1:]))
    assert rates[15] == pytest.approx(0.505e-3)  # half way: the mean of start and floor
    assert 1e-5 < rates[-1] < 2e-5


@pytest.mark.parametrize("epochs,rate", [(0, 1e-3), (10, 0.0)])
def test_cosine_decay_rejects_nonsense(epochs, rate):
    with pytest.raises(ValueError, match="cosine_decay"):
        cosine_decay(rate, epochs)


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
    np.testing.assert_allclose(evaluation._decode(small_vae, z, rows=5), whole,
                               rtol=1e-5, atol=1e-6)


def test_convolutional_decoders_are_decoded_in_smaller_chunks_than_dense_ones():
    dense = models.build_dense_vae(latent_dim=2).decoder
    conv = models.build_conv_decoder(2, (64, 32), hidden=16)
    assert evaluation._decode_rows(dense) == 2000
    assert 100 <= evaluation._decode_rows(conv) <= 600


def test_importance_weighted_estimate_does_not_depend_on_the_batch_size(small_vae, images):
    default = evaluation.importance_weighted_log_px(small_vae, images, k=20, seed=3)
    small_batches = evaluation.importance_weighted_log_px(small_vae, images, k=20, seed=3,
                                                          batch_size=4)
    assert default.shape == (25,) and np.isfinite(default).all()
    np.testing.assert_allclose(small_batches, default, rtol=1e-6)


def test_importance_weighted_estimate_is_above_the_elbo_on_average(small_vae, images):
    reconstruction, kl = evaluation.elbo_terms(small_vae, images, seed=0)
    iw = evaluation.importance_weighted_log_px(small_vae, images, k=50, seed=0)
    assert np.mean(iw) > -np.mean(reconstruction + kl)


def test_elbo_with_several_samples_averages_the_reconstruction_term_only(small_vae, images):
    one_r, one_kl = evaluation.elbo_terms(small_vae, images, seed=4)
    again_r, _ = evaluation.elbo_terms(small_vae, images, seed=4, samples=1)
    many_r, many_kl = evaluation.elbo_terms(small_vae, images, seed=4, samples=8)
    np.testing.assert_array_equal(again_r, one_r)  # samples=1 is the one-draw estimate
    np.testing.assert_allclose(many_kl, one_kl)  # the KL is in closed form: no sampling
    assert many_r.shape == (25,) and not np.allclose(many_r, one_r)
    # the first of the eight draws is the one-draw estimate, so the mean stays near it
    assert abs(np.mean(many_r) - np.mean(one_r)) < 0.05 * np.mean(one_r)


def test_elbo_needs_at_least_one_sample(small_vae, images):
    with pytest.raises(ValueError, match="at least one draw"):
        evaluation.elbo_terms(small_vae, images, samples=0)
