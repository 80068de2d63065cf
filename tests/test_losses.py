"""The VAE loss stays finite on degenerate images and for extreme encoder outputs.

Without the guards in ``vaecourse.losses`` (log σ² clipped before ``exp``, decoder
probabilities clipped before ``log``) these cases give ``inf`` or ``nan``: a saturated sigmoid
returns exactly 0 or 1 in float32, and ``exp`` of a large log-variance overflows.
"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from vaecourse import losses, models

N = 8
IMAGES = {
    "all zero": np.zeros((N, 784), "float32"),
    "all one": np.ones((N, 784), "float32"),
    "uniform noise": np.random.default_rng(0)
    .uniform(size=(N, 784))
    .astype("float32"),
}
#: (bias of z_mean, bias of z_log_var): the encoder's output is pushed to these values.
EXTREME_OUTPUTS = {
    "huge log var": (0.0, 1e4),
    "tiny log var": (0.0, -1e4),
    "huge positive mean": (1e6, 0.0),
    "huge negative mean": (-1e6, 0.0),
    "huge mean and log var": (1e6, 1e4),
}


@pytest.mark.parametrize("image", IMAGES, ids=str)
@pytest.mark.parametrize("probs", [0.0, 1.0, 0.5], ids=lambda p: f"probs={p}")
def test_bernoulli_nll_is_finite_for_saturated_outputs(image, probs):
    x = IMAGES[image]
    nll = np.asarray(losses.bernoulli_nll(x, np.full_like(x, probs)))
    assert nll.shape == (N,) and np.isfinite(nll).all() and (nll >= 0).all()


@pytest.mark.parametrize(
    "mean,log_var", EXTREME_OUTPUTS.values(), ids=list(EXTREME_OUTPUTS)
)
def test_gaussian_kl_is_finite_and_nonnegative_for_extreme_outputs(
    mean, log_var
):
    kl = np.asarray(
        losses.gaussian_kl(
            np.full((N, 2), mean, "float32"),
            np.full((N, 2), log_var, "float32"),
        )
    )
    assert np.isfinite(kl).all() and (kl >= 0).all()


def _vae_with_encoder_outputs(mean_bias, log_var_bias):
    """A dense VAE whose encoder outputs (mean_bias, log_var_bias) whatever the image."""
    keras.utils.set_random_seed(0)
    vae = models.build_dense_vae(latent_dim=2, seed=0)
    for name, bias in [("z_mean", mean_bias), ("z_log_var", log_var_bias)]:
        layer = vae.encoder.get_layer(name)
        layer.kernel.assign(np.zeros(layer.kernel.shape, "float32"))
        layer.bias.assign(np.full(layer.bias.shape, bias, "float32"))
    return vae


def _loss_and_gradients(vae, x):
    with tf.GradientTape() as tape:
        reconstruction, kl = vae.loss_terms(x, training=True)
        loss = tf.reduce_mean(reconstruction + kl)
    grads = tape.gradient(loss, vae.trainable_weights)
    return reconstruction.numpy(), kl.numpy(), loss.numpy(), grads


@pytest.mark.parametrize("image", IMAGES, ids=str)
def test_fresh_vae_loss_and_gradients_are_finite_on_degenerate_images(image):
    vae = models.build_dense_vae(latent_dim=2, seed=0)
    reconstruction, kl, loss, grads = _loss_and_gradients(vae, IMAGES[image])
    assert reconstruction.shape == kl.shape == (N,)
    assert (
        np.isfinite(reconstruction).all()
        and np.isfinite(kl).all()
        and np.isfinite(loss)
    )
    assert all(np.isfinite(g.numpy()).all() for g in grads if g is not None)


@pytest.mark.parametrize("image", IMAGES, ids=str)
@pytest.mark.parametrize("outputs", EXTREME_OUTPUTS, ids=str)
def test_vae_loss_is_finite_for_extreme_encoder_outputs(image, outputs):
    vae = _vae_with_encoder_outputs(*EXTREME_OUTPUTS[outputs])
    mean, log_var = vae.encoder(IMAGES[image])
    assert np.allclose(
        mean.numpy(), EXTREME_OUTPUTS[outputs][0]
    )  # the set-up worked
    reconstruction, kl, loss, grads = _loss_and_gradients(vae, IMAGES[image])
    assert (
        np.isfinite(reconstruction).all()
        and np.isfinite(kl).all()
        and np.isfinite(loss)
    )
    assert (kl >= 0).all() and (reconstruction >= 0).all()
    assert all(np.isfinite(g.numpy()).all() for g in grads if g is not None)


def test_a_training_step_on_degenerate_images_keeps_the_weights_finite():
    vae = models.build_dense_vae(latent_dim=2, seed=0)
    vae.compile(optimizer=keras.optimizers.Adam(1e-3))
    x = np.concatenate(list(IMAGES.values()))
    logs = vae.fit(x, epochs=2, batch_size=len(x), verbose=0).history
    assert all(np.isfinite(v).all() for v in logs.values())
    assert all(np.isfinite(w).all() for w in vae.get_weights())
