"""load_mnist: the committed file, the keras fallback when it is absent, and corrupt files."""

import shutil
import warnings

import numpy as np
import pytest

from vaecourse import data


def test_committed_file_gives_the_standard_split():
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    assert x_train.shape == (60000, 784) and x_test.shape == (10000, 784)
    assert (
        x_train.dtype == np.float32
        and 0.0 <= x_train.min()
        and x_train.max() == 1.0
    )
    assert list(y_train[:10]) == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert list(y_test[:10]) == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(y_train).tolist() == [
        5923,
        6742,
        5958,
        6131,
        5842,
        5421,
        5918,
        6265,
        5851,
        5949,
    ]


def test_image_shape_and_digit_filter():
    (x_train, y_train), (x_test, y_test) = data.load_mnist(
        shape="image", digits=[1, 8]
    )
    assert x_train.shape[1:] == (28, 28, 1)
    assert set(np.unique(y_train)) == {1, 8} and set(np.unique(y_test)) == {
        1,
        8,
    }
    assert len(x_train) == 6742 + 5851


def test_validation_split_is_the_last_10000_training_images():
    (x_train, y_train), (x_test, y_test) = data.load_mnist()
    (xt, yt), (xv, yv), (xs, ys) = data.load_mnist_splits()
    assert len(xt) == 50_000 and len(xv) == data.VALIDATION_SIZE == 10_000
    np.testing.assert_array_equal(np.concatenate([xt, xv]), x_train)
    np.testing.assert_array_equal(np.concatenate([yt, yv]), y_train)
    np.testing.assert_array_equal(xs, x_test)


def test_digit_filter_comes_after_the_split():
    (_, y_all), (_, yv_all), _ = data.load_mnist_splits()
    (xt, yt), (xv, yv), (xs, ys) = data.load_mnist_splits(
        shape="image", digits=range(9)
    )
    assert xt.shape[1:] == xv.shape[1:] == xs.shape[1:] == (28, 28, 1)
    assert 9 not in yt and 9 not in yv and 9 not in ys
    assert len(yt) == int((y_all != 9).sum()) and len(yv) == int(
        (yv_all != 9).sum()
    )


def test_unknown_shape_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="'flat' or 'image'"):
        data.load_mnist(shape="square")


def test_absent_file_falls_back_to_keras(tmp_path, monkeypatch):
    raw = np.load(data.MNIST_PATH, allow_pickle=False)
    calls = []

    def fake_load_data():
        calls.append(1)
        return (raw["x_train"], raw["y_train"]), (
            raw["x_test"],
            raw["y_test"],
        )

    monkeypatch.setattr("keras.datasets.mnist.load_data", fake_load_data)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        (x_train, _), _ = data.load_mnist(path=tmp_path / "missing.npz")
    assert calls == [1]
    assert x_train.shape == (60000, 784)
    assert any(
        "keras.datasets.mnist.load_data" in str(w.message) for w in caught
    )


def test_truncated_file_names_the_file_and_the_fix(tmp_path):
    broken = tmp_path / "mnist.npz"
    broken.write_bytes(data.MNIST_PATH.read_bytes()[:100_000])
    with pytest.raises(
        data.MnistFileError, match="corrupt or truncated"
    ) as err:
        data.load_mnist(path=broken)
    assert str(broken) in str(
        err.value
    ) and "git checkout -- data/mnist.npz" in str(err.value)


def test_altered_array_fails_its_checksum(tmp_path):
    raw = dict(np.load(data.MNIST_PATH, allow_pickle=False))
    raw["y_test"] = raw["y_test"].copy()
    raw["y_test"][0] = 3
    altered = tmp_path / "mnist.npz"
    np.savez_compressed(altered, **raw)
    with pytest.raises(
        data.MnistFileError, match="y_test does not match its checksum"
    ):
        data.load_mnist(path=altered)


def test_pickled_file_is_refused(tmp_path):
    shutil.copy(data.MNIST_PATH, tmp_path / "ok.npz")
    pickled = tmp_path / "mnist.npz"
    np.savez(
        pickled,
        x_train=np.array([object()]),
        y_train=np.zeros(1),
        x_test=np.zeros(1),
        y_test=np.zeros(1),
    )
    with pytest.raises(data.MnistFileError):
        data.load_mnist(path=pickled)


def test_test_set_alone_skips_the_training_images():
    (x_train, y_train), (x_test, y_test) = data.load_mnist(
        shape="image", train=False
    )
    assert x_train is None and y_train is None
    assert x_test.shape == (10000, 28, 28, 1) and y_test.shape == (10000,)
    assert (
        x_test.dtype == np.float32
        and 0.0 <= x_test.min()
        and x_test.max() <= 1.0
    )


def test_splits_load_only_the_parts_asked_for():
    (xt, yt), (xv, yv), (xs, ys) = data.load_mnist_splits(parts=("test",))
    assert (xt, yt, xv, yv) == (None, None, None, None)
    *_, (x_test, y_test) = data.load_mnist_splits()
    np.testing.assert_array_equal(xs, x_test)
    np.testing.assert_array_equal(ys, y_test)
    (xt, _), (xv, _), (xs, _) = data.load_mnist_splits(
        shape="image", digits=[1], parts=("train", "validation")
    )
    assert xs is None and xt.shape[1:] == xv.shape[1:] == (28, 28, 1)


def test_an_unknown_part_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="'train', 'validation', 'test'"):
        data.load_mnist_splits(parts=("training",))


def test_first_keeps_the_first_images_of_each_set():
    (xt, yt), _, (xs, ys) = data.load_mnist_splits(
        parts=("train", "test"), first=7
    )
    (x_all, y_all), _, _ = data.load_mnist_splits(parts=("train",))
    assert len(xt) == len(ys) == 7
    np.testing.assert_array_equal(xt, x_all[:7])
    np.testing.assert_array_equal(yt, y_all[:7])


def test_first_by_set_cuts_only_the_sets_it_names():
    (xt, _), (xv, _), _ = data.load_mnist_splits(
        parts=("train", "validation"), first={"train": 7}
    )
    assert (len(xt), len(xv)) == (7, data.VALIDATION_SIZE)
    assert data.TRAINING_SIZE == 50_000
    with pytest.raises(ValueError, match="'training'.* is not a set"):
        data.load_mnist_splits(first={"training": 7})


@pytest.mark.parametrize("shape", data.SHAPES)
def test_images_as_stored_scale_to_the_loaded_ones(shape):
    (stored, y_stored), _, _ = data.load_mnist_splits(
        shape, digits=(3, 5), parts=("train",), first=50, as_stored=True
    )
    (loaded, y_loaded), _, _ = data.load_mnist_splits(
        shape, digits=(3, 5), parts=("train",), first=50
    )
    assert stored.dtype == np.uint8 and stored.shape == loaded.shape
    np.testing.assert_array_equal(y_stored, y_loaded)
    np.testing.assert_array_equal(data.to_unit_interval(stored), loaded)
    assert data.to_unit_interval(loaded).dtype == np.float32
    with pytest.raises(ValueError, match="'flat' or 'image'"):
        data.load_mnist_splits("square", as_stored=True)


def test_batches_give_evaluate_and_predict_the_numbers_of_the_whole_array():
    import keras

    from vaecourse import batches

    rng = np.random.default_rng(5)
    x = rng.uniform(size=(100, 6)).astype("float32")
    y = rng.uniform(size=(100, 1)).astype("float32")
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(1)])
    model.compile(loss="mse")
    assert len(batches(x, y, batch_size=32)) == 4
    assert model.evaluate(batches(x, y), verbose=0) == model.evaluate(
        x, y, verbose=0
    )
    np.testing.assert_array_equal(
        model.predict(batches(x), verbose=0), model.predict(x, verbose=0)
    )
