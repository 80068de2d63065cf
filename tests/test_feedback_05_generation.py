"""Feedback on answers to chapter 5's exercises beyond tests/learner_answers: a hint
names a slip only when the checker identified it, every way of doing the exercise
right is accepted, and Exercise 5.2's one batched call of the decoder is checked."""

from __future__ import annotations

import re

import keras
import numpy as np
import pytest

import vaecourse
from vaecourse.checks import generation
from vaecourse.exercises import ExerciseFailed

LATENT_HINT = "read the latent size from decoder.inputs[0].shape[-1]"


def _sample_of_size(size):
    def generate_single_sample(decoder, seed):
        z = np.random.default_rng(seed).standard_normal(size)
        image = decoder.predict(z[None].astype("float32"), verbose=0)
        return z, image.reshape(28, 28)

    return generate_single_sample


def _sample_failing_for_another_reason(decoder, seed):
    latent_dim = decoder.inputs[0].shape[-1]
    z = np.random.default_rng(seed).standard_normal(latent_dim)
    return z, decoder.predict(z, verbose=0).reshape(28, 28)  # no batch axis


def _sample_uniform(decoder, seed):
    latent_dim = decoder.inputs[0].shape[-1]
    z = np.random.default_rng(seed).random(latent_dim).astype("float32")
    return z, decoder.predict(z[None], verbose=0).reshape(28, 28)


def _sample_too_wide(decoder, seed):
    latent_dim = decoder.inputs[0].shape[-1]
    z = 3 * np.random.default_rng(seed).standard_normal(latent_dim)
    z = z.astype("float32")
    return z, decoder.predict(z[None], verbose=0).reshape(28, 28)


def test_a_latent_size_of_two_is_named():
    with pytest.raises(AssertionError, match="2-D latent your function runs"):
        generation.check_generate_single_sample(_sample_of_size(2))


@pytest.mark.parametrize(
    "answer", [_sample_of_size(3), _sample_failing_for_another_reason]
)
def test_other_errors_keep_their_traceback_and_get_no_latent_hint(answer):
    with pytest.raises(ExerciseFailed) as failure:
        vaecourse.check("05_generation_1_single_sample", answer)
    message = str(failure.value)
    assert "raised" in message and LATENT_HINT not in message, message
    assert failure.value.__cause__ is not None  # the learner's own error


def test_a_uniform_draw_is_named_and_a_wrong_scale_is_not():
    with pytest.raises(AssertionError, match="uniform draw"):
        generation.check_generate_single_sample(_sample_uniform)
    with pytest.raises(AssertionError) as failure:
        generation.check_generate_single_sample(_sample_too_wide)
    message = str(failure.value)
    assert "standard deviation" in message and "uniform" not in message


def test_the_seed_is_passed_by_name_as_the_chapter_does():
    def generate_single_sample(decoder, s):
        return _sample_of_size(128)(decoder, s)

    with pytest.raises(TypeError, match="seed"):
        generation.check_generate_single_sample(generate_single_sample)


def _decode_point_by_point(decoder, points):
    points = np.asarray(points, dtype="float32")
    images = [decoder.predict(p[None], verbose=0) for p in points]
    return np.concatenate(images).reshape(len(points), 28, 28)


def _decode_in_a_loop_of_calls(decoder, points):
    points = np.asarray(points, dtype="float32")
    return np.stack(
        [np.asarray(decoder(p[None])).reshape(28, 28) for p in points]
    )


@pytest.mark.parametrize(
    "answer", [_decode_point_by_point, _decode_in_a_loop_of_calls]
)
def test_one_decoder_call_per_point_is_refused(answer):
    with pytest.raises(AssertionError) as failure:
        generation.check_decode_latents(answer)
    message = str(failure.value)
    assert "one call of the decoder with all 5 points" in message, message
    assert "5 calls, of 1 point each" in message, message


def _as_numpy(images, n):
    return keras.ops.convert_to_numpy(images).reshape(n, 28, 28)


@pytest.mark.parametrize(
    "decode",
    [
        lambda decoder, z: decoder(z),
        lambda decoder, z: decoder(z, training=False),
        lambda decoder, z: decoder.predict(z, verbose=0),
        lambda decoder, z: decoder.predict(z, batch_size=2, verbose=0),
        lambda decoder, z: decoder.predict_on_batch(z),
        lambda decoder, z: decoder.predict(x=z, verbose=0),
    ],
)
def test_any_single_batched_call_passes(decode):
    def decode_latents(decoder, points):
        assert isinstance(decoder, keras.Model)
        assert decoder.inputs[0].shape[-1] == decoder.input_shape[-1]
        z = np.asarray(points, dtype="float32")
        return _as_numpy(decode(decoder, z), len(z))

    generation.check_decode_latents(decode_latents)


def test_a_tensor_is_refused_as_the_chapter_reshapes_with_numpy():
    def decode_latents(decoder, points):
        z = np.asarray(points, dtype="float32")
        return keras.ops.reshape(decoder(z), (len(z), 28, 28))

    with pytest.raises(AssertionError, match="That is a tensor"):
        generation.check_decode_latents(decode_latents)


def test_a_list_of_points_is_named_only_when_an_array_works():
    def decode_latents(decoder, points):  # a list goes to Keras as it is
        return keras.ops.convert_to_numpy(decoder(points)).reshape(
            len(points), 28, 28
        )

    with pytest.raises(
        AssertionError, match="given as a float32 array your function works"
    ):
        generation.check_decode_latents(decode_latents)


def test_a_squeezed_single_point_is_named():
    def decode_latents(decoder, points):
        z = np.asarray(points, dtype="float32")
        return np.squeeze(decoder.predict(z, verbose=0).reshape(-1, 28, 28))

    with pytest.raises(AssertionError, match="squeeze"):
        generation.check_decode_latents(decode_latents)


def test_wrong_images_get_no_guessed_hint():
    def decode_latents(decoder, points):
        z = np.asarray(points, dtype="float32")[::-1]  # in reverse order
        return decoder.predict(z, verbose=0).reshape(len(z), 28, 28)

    with pytest.raises(AssertionError) as failure:
        generation.check_decode_latents(decode_latents)
    message = str(failure.value)
    assert re.search(r"differ from them by up to [\d.]+\.$", message), message


def test_a_list_anchor_is_named_only_when_an_array_anchor_works():
    def traversal_points(anchor, dim, steps):
        points = np.tile(anchor.astype(float), (len(steps), 1))  # not a list
        points[:, dim] = steps
        return points

    with pytest.raises(
        AssertionError, match="anchor given as a float array your function"
    ):
        generation.check_traversal_points(traversal_points)
