"""Feedback on answers to chapter 3's exercises beyond tests/learner_answers: a hint
blames the term or the slip the checker identified, and otherwise the failure says the
case, the expected and the result; an answer that works where the chapter uses it is
accepted."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

import vaecourse
from vaecourse.checks import dense_vae
from vaecourse.exercises import ExerciseFailed


def _reconstruction(x, probs):
    probs = ops.clip(probs, 1e-6, 1.0 - 1e-6)
    return -ops.sum(x * ops.log(probs) + (1.0 - x) * ops.log(1.0 - probs), -1)


def _kl(mean, log_var):
    return 0.5 * ops.sum(ops.exp(log_var) + mean**2 - 1.0 - log_var, axis=-1)


def _loss_with_kl(kl):
    return lambda x, probs, mean, log_var: (
        _reconstruction(x, probs) + kl(mean, log_var)
    )


def _message(checker, answer) -> str:
    with pytest.raises(AssertionError) as failure:
        checker(answer)
    return str(failure.value)


def test_a_kl_without_the_minus_one_is_blamed_on_the_kl_not_the_reconstruction():
    loss = _loss_with_kl(
        lambda m, lv: 0.5 * ops.sum(ops.exp(lv) + m**2 - lv, axis=-1)
    )
    message = _message(dense_vae.check_per_image_loss, loss)
    assert "reconstruction term is right" in message
    assert "the − 1 is missing" in message


def test_a_kl_off_by_a_constant_names_the_kl_without_a_guess_at_why():
    loss = _loss_with_kl(lambda m, lv: _kl(m, lv) + 0.3)
    message = _message(dense_vae.check_per_image_loss, loss)
    assert "its KL part gives 0.3 for every image" in message
    assert "missing" not in message


def test_a_wrong_kl_away_from_the_prior_is_blamed_on_the_kl():
    loss = _loss_with_kl(
        lambda m, lv: 0.5 * ops.sum(ops.exp(lv) + m**4 - 1.0 - lv, axis=-1)
    )
    message = _message(dense_vae.check_per_image_loss, loss)
    assert message.startswith("the same images with q(z|x) ≠ N(0, I)")
    assert "the KL part is off" in message


def test_a_reconstruction_averaged_over_pixels_is_named_whatever_the_kl():
    def loss(x, probs, mean, log_var):
        kl_without_minus_one = 0.5 * ops.sum(
            ops.exp(log_var) + mean**2 - log_var, axis=-1
        )
        return _reconstruction(x, probs) / 4 + kl_without_minus_one

    assert "averaged over the pixels" in _message(
        dense_vae.check_per_image_loss, loss
    )


def test_a_wrong_reconstruction_of_no_known_kind_gets_no_hint():
    def loss(x, probs, mean, log_var):
        return _reconstruction(x, probs) * (1 + x[:, 0]) + _kl(mean, log_var)

    message = _message(dense_vae.check_per_image_loss, loss)
    assert message.startswith("3 images of 4 pixels")
    assert message.endswith("].") and "term" not in message


def test_a_loss_that_fails_inside_tf_function_is_refused():
    """The chapter's training loop calls the loss inside tf.function(train_step)."""

    def loss(x, probs, mean, log_var):
        assert np.all(probs.numpy() >= 0)  # eager only
        return _reconstruction(x, probs) + _kl(mean, log_var)

    with pytest.raises(ExerciseFailed, match="inside tf.function"):
        vaecourse.check("03_dense_vae_2_loss", loss)


def _step(finish):
    """A right train_step whose returned loss goes through ``finish``."""

    def train_step(model, optimizer, x, loss_fn):
        with tf.GradientTape() as tape:
            mean, log_var = model.encoder(x, training=True)
            z = model.sampling([mean, log_var])
            probs = model.decoder(z, training=True)
            loss = ops.mean(loss_fn(x, probs, mean, log_var))
        gradients = tape.gradient(loss, model.trainable_weights)
        optimizer.apply(gradients, model.trainable_weights)
        return finish(loss)

    return train_step


def _chapter_loop(step, steps=3):
    """The chapter's loop after exercise 3.3, on a few random batches."""
    from vaecourse import losses, models

    def per_image_loss(x, probs, mean, log_var):
        return losses.bernoulli_nll(x, probs) + losses.gaussian_kl(
            mean, log_var
        )

    loop_vae = models.build_dense_vae(2, seed=4)
    loop_optimizer = keras.optimizers.Adam(1e-3)
    compiled_step = tf.function(step)
    rng = np.random.default_rng(3)
    for _ in range(steps):
        batch = tf.constant(rng.uniform(size=(16, 784)).astype("float32"))
        loss = float(
            compiled_step(loop_vae, loop_optimizer, batch, per_image_loss)
        )
        assert np.isfinite(loss)


def test_float_of_the_loss_inside_the_step_is_accepted_and_the_chapter_runs():
    """Inside tf.function, autograph turns float(loss) into a cast: it works."""
    step = vaecourse.check("03_dense_vae_3_train_step", _step(float))
    _chapter_loop(step)


def test_numpy_inside_the_step_is_refused_saying_why():
    step = _step(lambda loss: loss.numpy())
    with pytest.raises(AssertionError, match="symbolic tensors"):
        dense_vae.check_train_step(step)
    with pytest.raises(AttributeError):
        _chapter_loop(step)  # the chapter would fail the same way


def test_gradients_applied_twice_are_named():
    def train_step(model, optimizer, x, loss_fn):
        with tf.GradientTape() as tape:
            mean, log_var = model.encoder(x, training=True)
            z = model.sampling([mean, log_var])
            probs = model.decoder(z, training=True)
            loss = ops.mean(loss_fn(x, probs, mean, log_var))
        gradients = tape.gradient(loss, model.trainable_weights)
        optimizer.apply(gradients, model.trainable_weights)
        optimizer.apply(gradients, model.trainable_weights)
        return loss

    assert "applied twice" in _message(dense_vae.check_train_step, train_step)


def test_a_step_that_differs_for_no_known_reason_gets_no_hint():
    def train_step(model, optimizer, x, loss_fn):
        with tf.GradientTape() as tape:
            mean, log_var = model.encoder(x, training=True)
            z = model.sampling([mean, log_var])
            probs = model.decoder(z, training=True)
            loss = ops.mean(loss_fn(x, probs, mean, log_var))
        gradients = tape.gradient(loss, model.trainable_weights)
        optimizer.apply(gradients, model.trainable_weights)
        return loss + 1.0

    message = _message(dense_vae.check_train_step, train_step)
    assert message.startswith("one step of SGD") and message.endswith(".")
    assert "tape" not in message and "before the update" not in message


def test_an_underflowing_bound_is_named_and_a_wrong_one_is_not_guessed_at():
    def underflows(log_px_z, log_pz, log_qz):
        log_w = log_px_z + log_pz - log_qz
        with np.errstate(divide="ignore"):
            return np.log(np.mean(np.exp(log_w), axis=1))

    assert "underflows" in _message(dense_vae.check_iw_bound, underflows)

    def per_sample(log_px_z, log_pz, log_qz):
        return np.log(np.mean(np.exp(log_px_z + log_pz - log_qz), axis=0))

    message = _message(dense_vae.check_iw_bound, per_sample)
    assert "One value per sample" in message
