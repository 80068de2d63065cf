"""Feedback on answers to chapter 1's exercises beyond tests/learner_answers: what the
checker accepts, the chapter can use; a hint names a slip only when the checker has
identified it, and otherwise the failure says the case, the expected and the result."""

from __future__ import annotations

import numpy as np
import pytest
from keras import ops

import vaecourse
from vaecourse.checks import autoencoders
from vaecourse.exercises import ExerciseFailed

BCE = "01_autoencoders_1_reconstruction_bce"


def _bce_numpy(images, reconstructions, eps=1e-7):
    x = np.asarray(images)
    x_hat = np.clip(reconstructions, eps, 1 - eps)
    return -(x * np.log(x_hat) + (1 - x) * np.log(1 - x_hat)).mean(axis=-1)


def _bce_keras_ops(images, reconstructions):
    """Right values, but a tensor: the chapter calls .mean() on it."""
    x_hat = ops.clip(reconstructions, 1e-7, 1 - 1e-7)
    per_pixel = -(images * ops.log(x_hat) + (1 - images) * ops.log(1 - x_hat))
    return ops.mean(per_pixel, axis=-1)


def _bce_converted(images, reconstructions):
    return ops.convert_to_numpy(_bce_keras_ops(images, reconstructions))


def test_a_tensor_result_is_refused_saying_why():
    with pytest.raises(ExerciseFailed) as failure:
        vaecourse.check(BCE, _bce_keras_ops)
    message = str(failure.value)
    assert "expected a NumPy array, got a TensorFlow tensor" in message
    assert "test_bce.mean()" in message and "convert_to_numpy" in message


def test_a_tensor_converted_to_numpy_passes_and_the_next_cell_runs():
    bce = vaecourse.check(BCE, _bce_converted)
    rng = np.random.default_rng(0)
    # the quick profile's 500 test images: fewer than by_rows' 1,000, one call
    x_test = rng.uniform(size=(500, 784)).astype("float32")
    reconstructions = rng.uniform(0.01, 0.99, size=(500, 784)).astype(
        "float32"
    )
    test_bce = bce(x_test, reconstructions)
    assert (
        abs(test_bce.mean() - _bce_numpy(x_test, reconstructions).mean())
        < 1e-4
    )
    np.argsort(test_bce)
    assert np.isfinite(bce(x_test, x_test).mean())


def test_no_clipping_is_named_from_its_behaviour_at_0_and_1():
    def unclipped(images, reconstructions):
        x, x_hat = np.asarray(images), np.asarray(reconstructions)
        return -(x * np.log(x_hat) + (1 - x) * np.log(1 - x_hat)).mean(-1)

    with pytest.raises(AssertionError, match="clip x̂ to"):
        autoencoders.check_reconstruction_bce(unclipped)


@pytest.mark.parametrize("eps", [1e-6, 1e-5])
def test_another_epsilon_is_named_with_its_value(eps):
    with pytest.raises(AssertionError, match=f"clipped to \\[{eps:.0e}"):
        autoencoders.check_reconstruction_bce(
            lambda x, x_hat: _bce_numpy(x, x_hat, eps)
        )


def test_keras_float32_epsilon_passes():
    autoencoders.check_reconstruction_bce(
        lambda x, x_hat: _bce_numpy(x, x_hat, np.finfo("float32").eps)
    )


def test_an_unidentified_wrong_loss_gets_no_hint():
    # right on the first case, wrong on the large one: no slip identified
    def wrong_on_many_pixels(images, reconstructions):
        values = _bce_numpy(images, reconstructions)
        return values if np.shape(images)[-1] < 10 else values + 0.1

    with pytest.raises(AssertionError) as failure:
        autoencoders.check_reconstruction_bce(wrong_on_many_pixels)
    message = str(failure.value)
    assert message.startswith("5 images of 784 float32 pixels: expected")
    assert message.rstrip().endswith(
        "]."
    )  # expected and got, and nothing else


def test_one_value_per_pixel_is_named():
    with pytest.raises(AssertionError, match="One value per pixel: average"):
        autoencoders.check_reconstruction_bce(
            lambda x, x_hat: (
                -(x * np.log(x_hat) + (1 - x) * np.log(1 - x_hat))
            )
        )


def _grid_reference(codes, n):
    low, high = np.min(codes, axis=0), np.max(codes, axis=0)
    gx, gy = np.meshgrid(
        np.linspace(low[0], high[0], n), np.linspace(high[1], low[1], n)
    )
    return gx, gy


def test_a_grid_as_a_list_is_refused_saying_why():
    def grid_as_list(codes, n):
        gx, gy = _grid_reference(codes, n)
        return [[x, y] for x, y in zip(gx.ravel(), gy.ravel())]

    with pytest.raises(
        AssertionError, match="expected a NumPy array, got a list"
    ):
        autoencoders.check_grid_over_codes(grid_as_list)


def test_coordinates_in_rows_are_named_and_not_told_to_reshape():
    def grid_in_rows(codes, n):
        gx, gy = _grid_reference(codes, n)
        return np.array([gx.ravel(), gy.ravel()])  # (2, n * n)

    with pytest.raises(AssertionError) as failure:
        autoencoders.check_grid_over_codes(grid_in_rows)
    message = str(failure.value)
    assert "coordinates are in rows" in message and "reshape" not in message


def test_a_global_range_is_named():
    def grid_global_range(codes, n):
        low, high = np.min(codes), np.max(codes)
        gx, gy = np.meshgrid(
            np.linspace(low, high, n), np.linspace(high, low, n)
        )
        return np.stack([gx.ravel(), gy.ravel()], axis=-1)

    with pytest.raises(AssertionError, match="range of all the codes"):
        autoencoders.check_grid_over_codes(grid_global_range)


def test_a_grid_wrong_in_an_unknown_way_gets_no_hint():
    def grid_shifted(codes, n):
        gx, gy = _grid_reference(codes, n)
        return np.stack([gx.ravel(), gy.ravel()], axis=-1) + 0.5

    with pytest.raises(AssertionError) as failure:
        autoencoders.check_grid_over_codes(grid_shifted)
    message = str(failure.value)
    assert message.endswith(
        "to 12.5."
    )  # the ranges found, no hint after them


def test_indices_instead_of_points_are_named():
    def farthest_indices(candidates, codes, n):
        d = np.linalg.norm(candidates[:, None] - codes[None], axis=-1)
        return np.argsort(-d.min(axis=1))[:n]

    with pytest.raises(AssertionError, match="the indices of the farthest"):
        autoencoders.check_farthest_from_codes(farthest_indices)


def test_a_2d_only_answer_fails_without_a_guess():
    def farthest_2d_only(candidates, codes, n):
        c, k = np.asarray(candidates)[:, :2], np.asarray(codes)[:, :2]
        d = np.linalg.norm(c[:, None] - k[None], axis=-1).min(axis=1)
        return np.asarray(candidates)[np.argsort(-d)[:n]]

    with pytest.raises(AssertionError) as failure:
        autoencoders.check_farthest_from_codes(farthest_2d_only)
    message = str(failure.value)
    assert message.startswith("500 candidates and 50 codes in 3-D, n = 5")
    assert "?" not in message
