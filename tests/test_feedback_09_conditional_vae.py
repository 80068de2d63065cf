"""Feedback of chapter 9's checkers (vaecourse.checks.conditional_vae): the decoder
handed to ``generate_digit`` counts its calls, a slip in what the answer hands the decoder
is named on the learner's own error, and other slips only when identified."""

from __future__ import annotations

import traceback

import keras
import numpy as np
import pytest

import vaecourse
from vaecourse.checks import conditional_vae as checks
from vaecourse.exercises import ExerciseFailed

GENERATE = "09_conditional_vae_2_generate_digit"


def _failure(name, answer) -> ExerciseFailed:
    with pytest.raises(ExerciseFailed) as failure:
        vaecourse.check(name, answer)
    return failure.value


def _sizes(decoder):
    return decoder.inputs[0].shape[-1], decoder.inputs[1].shape[-1]


def _draw(decoder, digit, n, seed, draw=None, width=None):
    """z from the seed and the one-hot rows of the digit."""
    d, k = _sizes(decoder)
    rng = np.random.default_rng(seed)
    z = (draw or rng.standard_normal)((n, d)).astype("float32")
    one_hot = np.zeros((n, width or k), "float32")
    one_hot[:, digit] = 1.0
    return z, one_hot


def by_predict(decoder, digit, n, seed):
    z, one_hot = _draw(decoder, digit, n, seed)
    return z, decoder.predict([z, one_hot], verbose=0).reshape(n, 28, 28)


def by_call_not_training(decoder, digit, n, seed):
    z, one_hot = _draw(decoder, digit, n, seed)
    images = decoder([z, one_hot], training=False)
    return z, keras.ops.convert_to_numpy(images).reshape(n, 28, 28)


def point_by_point(decoder, digit, n, seed):
    z, one_hot = _draw(decoder, digit, n, seed)
    images = [
        np.asarray(decoder([z[i : i + 1], one_hot[i : i + 1]]))
        for i in range(n)
    ]
    return z, np.concatenate(images).reshape(n, 28, 28)


def predict_point_by_point(decoder, digit, n, seed):
    z, one_hot = _draw(decoder, digit, n, seed)
    images = [
        decoder.predict([z[i : i + 1], one_hot[i : i + 1]], verbose=0)
        for i in range(n)
    ]
    return z, np.concatenate(images).reshape(n, 28, 28)


@pytest.mark.parametrize("answer", [by_predict, by_call_not_training])
def test_one_batched_call_of_any_kind_passes(answer, capsys):
    assert vaecourse.check(GENERATE, answer) is answer


@pytest.mark.parametrize("answer", [point_by_point, predict_point_by_point])
def test_a_call_per_point_is_caught(answer):
    message = str(_failure(GENERATE, answer))
    assert "expected one call of the decoder with all 5 points" in message
    assert "got 5 calls of one point each" in message


def ten_classes_always(decoder, digit, n, seed):
    z, one_hot = _draw(decoder, digit, n, seed, width=10)
    return z, np.asarray(decoder([z, one_hot])).reshape(n, 28, 28)


def the_chapters_latent_size(decoder, digit, n, seed):
    _, one_hot = _draw(decoder, digit, n, seed)
    z = np.random.default_rng(seed).standard_normal((n, 2)).astype("float32")
    return z, np.asarray(decoder([z, one_hot])).reshape(n, 28, 28)


def one_row_for_all(decoder, digit, n, seed):
    z, one_hot = _draw(decoder, digit, n, seed)
    return z, np.asarray(decoder([z, one_hot[:1]])).reshape(n, 28, 28)


def seed_by_another_name(decoder, digit, n, random_seed):
    return by_predict(decoder, digit, n, random_seed)


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (
            ten_classes_always,
            "Your one-hot rows have 10 columns; this decoder has 4",
        ),
        (
            the_chapters_latent_size,
            "Your z has 2 columns; this decoder's latent",
        ),
        (
            one_row_for_all,
            "You passed one one-hot row, shape (1, 10), for all 5",
        ),
        (seed_by_another_name, "keep the parameter's name, seed"),
    ],
)
def test_what_the_answer_hands_the_decoder_is_named_on_its_error(
    answer, hint
):
    failure = _failure(GENERATE, answer)
    assert failure.__cause__ is not None  # the learner's own error, raised on
    assert str(failure).startswith(
        "Exercise 9.2: your `generate_digit` raised"
    )
    assert hint in str(failure)


def test_an_error_in_the_learners_code_surfaces_as_its_own():
    def generate_digit(decoder, digit, n, seed):
        z, one_hot = _draw(decoder, digit, n, seed)
        images = decoder([z, one_hot])
        return z, images.reshape(n, 28, 28)  # a tensor has no reshape

    failure = _failure(GENERATE, generate_digit)
    cause = failure.__cause__
    assert isinstance(cause, AttributeError)
    frames = traceback.extract_tb(cause.__traceback__)
    learners = [i for i, f in enumerate(frames) if f.filename == __file__]
    assert [frames[i].name for i in learners] == ["generate_digit"]
    # Below it only TensorFlow's frames: the error is the learner's line.
    assert all("vaecourse" not in f.filename for f in frames[learners[0] :])
    message = str(failure)
    assert message.startswith(
        f"Exercise 9.2: your `generate_digit` raised AttributeError: {cause}"
    )
    assert "The checker's case: generate_digit(dense decoder" in message


def test_draws_that_depend_on_the_digit_are_refused():
    def seeded_by_digit(decoder, digit, n, seed):
        return by_predict(decoder, digit, n, seed + digit)

    message = str(_failure(GENERATE, seeded_by_digit))
    assert "z depends on the seed alone" in message


def test_uniform_draws_are_named_and_other_wrong_spreads_are_not():
    def uniform(decoder, digit, n, seed):
        rng = np.random.default_rng(seed)
        z, one_hot = _draw(decoder, digit, n, seed, draw=rng.random)
        return z, np.asarray(decoder([z, one_hot])).reshape(n, 28, 28)

    def twice_as_wide(decoder, digit, n, seed):
        rng = np.random.default_rng(seed)
        z, one_hot = _draw(
            decoder, digit, n, seed, draw=lambda s: 2 * rng.standard_normal(s)
        )
        return z, np.asarray(decoder([z, one_hot])).reshape(n, 28, 28)

    assert "as in a uniform draw (rng.random)" in str(
        _failure(GENERATE, uniform)
    )
    message = str(_failure(GENERATE, twice_as_wide))
    assert "500 draws" in message or "seed=2" in message
    assert "rng." not in message.split(" got ")[-1]


def test_square_images_that_are_not_flattened_are_named():
    def not_flattened(images, labels, n_classes=10):
        return np.concatenate([images, np.eye(n_classes)[labels]], axis=1)

    failure = _failure("09_conditional_vae_1_image_and_label", not_flattened)
    assert isinstance(failure.__cause__, ValueError)
    assert "flatten square images first" in str(failure)


def test_labels_taken_as_an_array_only_are_named():
    def labels_as_array(images, labels, n_classes=10):
        flat = np.reshape(images, (len(images), -1))
        return np.concatenate(
            [flat, np.eye(n_classes)[labels.astype(int)]], 1
        )

    failure = _failure(
        "09_conditional_vae_1_image_and_label", labels_as_array
    )
    assert "when the labels come as a NumPy array" in str(failure)


def _grid(vae, images, labels, output=0):
    n = len(images)
    z = vae.encode(images, np.asarray(labels))[output]
    return np.stack(
        [
            np.asarray(vae.decode(z, np.full(n, c))).reshape(n, 28, 28)
            for c in range(vae.n_classes)
        ]
    )


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        (
            lambda v, x, y: _grid(v, x, y).transpose(1, 0, 2, 3),
            "one row per image",
        ),
        (
            lambda v, x, y: _grid(v, x, y, output=1),
            "You decoded the log variance",
        ),
        (
            lambda v, x, y: _grid(v, x, y).reshape(10, len(x), 784),
            "still flat",
        ),
    ],
    ids=["transposed", "log variance", "flat"],
)
def test_style_grid_slips_are_named(answer, hint):
    with pytest.raises(AssertionError, match=hint):
        checks.check_style_grid(answer)
