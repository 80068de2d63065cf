"""Train-or-load, recipes, histories and the learning-rate schedule of vaecourse.training."""

import dataclasses
import json

import h5py
import keras
import numpy as np
import pytest

from vaecourse import training, zoo
from vaecourse.profiles import Profile
from vaecourse.training import cosine_decay


def _tiny_model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    return model


def _train(model):
    x = np.ones((8, 3), "float32")
    return model.fit(x, np.zeros((8, 2)), epochs=2, verbose=0)


def test_reader_profile_trains_saves_then_loads(tmp_path):
    reader = Profile("reader")
    first = _tiny_model()
    run = training.train_or_load(
        first,
        "tiny",
        _train,
        profile=reader,
        weights_dir=tmp_path,
        save_dir=tmp_path,
    )
    assert run.source == "trained" and run.epochs == 2
    assert (tmp_path / "tiny.weights.h5").exists()
    assert list(tmp_path.glob("*.tmp")) == []
    with h5py.File(tmp_path / "tiny.weights.h5", "r") as stored:
        assert (
            "optimizer" not in stored
        )  # shipped files hold the model's weights only
    saved = json.loads((tmp_path / "tiny.history.json").read_text())
    assert len(saved["history"]["loss"]) == 2

    second = _tiny_model()
    second.layers[0].kernel.assign(np.zeros((3, 2)))
    calls = []
    run2 = training.train_or_load(
        second,
        "tiny",
        lambda m: calls.append(m),
        profile=reader,
        weights_dir=tmp_path,
        save_dir=tmp_path,
    )
    assert run2.source == "loaded" and calls == []
    assert run2.history == run.history
    np.testing.assert_allclose(
        second.get_weights()[0], first.get_weights()[0]
    )
    assert "Loaded" in run2.describe() and "RETRAIN" in run2.describe()


def test_retrain_flag_trains_even_with_weights(tmp_path):
    reader = Profile("reader")
    training.train_or_load(
        _tiny_model(),
        "tiny",
        _train,
        profile=reader,
        weights_dir=tmp_path,
        save_dir=tmp_path,
    )
    run = training.train_or_load(
        _tiny_model(),
        "tiny",
        _train,
        retrain=True,
        profile=reader,
        weights_dir=tmp_path,
        save_dir=tmp_path,
    )
    assert run.source == "trained"


def test_quick_profile_trains_and_never_writes(tmp_path):
    run = training.train_or_load(
        _tiny_model(),
        "tiny",
        _train,
        profile=Profile("quick"),
        weights_dir=tmp_path,
        save_dir=tmp_path,
    )
    assert run.source == "trained" and list(tmp_path.iterdir()) == []


def test_weights_of_another_architecture_give_a_clear_error(tmp_path):
    reader = Profile("reader")
    training.train_or_load(
        _tiny_model(),
        "tiny",
        _train,
        profile=reader,
        weights_dir=tmp_path,
        save_dir=tmp_path,
    )
    other = keras.Sequential([keras.Input((3,)), keras.layers.Dense(5)])
    with pytest.raises(RuntimeError, match="definition changed"):
        training.train_or_load(
            other,
            "tiny",
            _train,
            profile=reader,
            weights_dir=tmp_path,
            save_dir=tmp_path,
        )


def test_train_must_return_a_history(tmp_path):
    with pytest.raises(TypeError, match="History"):
        training.train_or_load(
            _tiny_model(),
            "tiny",
            lambda m: 3.0,
            profile=Profile("quick"),
            weights_dir=tmp_path,
            save_dir=tmp_path,
        )


def test_recipe_weight_decay_selects_adamw(monkeypatch):
    plain = zoo.build("dense_vae_2d")
    zoo.compile_for("dense_vae_2d", plain)
    assert type(plain.optimizer) is keras.optimizers.Adam
    decayed = dataclasses.replace(
        zoo.RECIPES["dense_vae_2d"], weight_decay=0.05
    )
    monkeypatch.setitem(zoo.RECIPES, "dense_vae_2d", decayed)
    model = zoo.build("dense_vae_2d")
    zoo.compile_for("dense_vae_2d", model)
    assert isinstance(model.optimizer, keras.optimizers.AdamW)
    assert model.optimizer.weight_decay == pytest.approx(0.05)
    assert float(model.optimizer.learning_rate) == pytest.approx(
        decayed.learning_rate
    )


def test_read_history_returns_the_saved_run_and_names_a_missing_one(tmp_path):
    run = training.train_or_load(
        _tiny_model(),
        "tiny",
        _train,
        profile=Profile("reader"),
        weights_dir=tmp_path,
        save_dir=tmp_path,
    )
    assert training.read_history("tiny", tmp_path) == run.history
    with pytest.raises(
        FileNotFoundError, match="no training history other.history.json"
    ):
        training.read_history("other", tmp_path)


def test_cosine_decay_falls_from_the_rate_to_a_hundredth():
    schedule = cosine_decay(1e-3, epochs=30).schedule
    rates = [schedule(epoch) for epoch in range(30)]
    assert rates[0] == pytest.approx(1e-3)
    assert all(a > b for a, b in zip(rates, rates[1:]))
    assert rates[15] == pytest.approx(
        0.505e-3
    )  # half way: the mean of start and floor
    assert 1e-5 < rates[-1] < 2e-5


@pytest.mark.parametrize("epochs,rate", [(0, 1e-3), (10, 0.0)])
def test_cosine_decay_rejects_nonsense(epochs, rate):
    with pytest.raises(ValueError, match="cosine_decay"):
        cosine_decay(rate, epochs)


def test_a_learners_training_goes_to_my_weights_never_to_the_shipped_weights(
    tmp_path, monkeypatch
):
    shipped, mine = tmp_path / "weights", tmp_path / "my_weights"
    reader = Profile("reader")
    training.train_or_load(
        _tiny_model(),
        "tiny",
        _train,
        profile=reader,
        weights_dir=tmp_path,
        save_dir=shipped,
    )
    before = (shipped / "tiny.weights.h5").read_bytes()
    monkeypatch.setattr(training, "MY_WEIGHTS_DIR", mine)
    run = training.train_or_load(
        _tiny_model(),
        "tiny",
        _train,
        retrain=True,
        profile=reader,
        weights_dir=shipped,
    )
    assert run.source == "trained" and run.path == mine / "tiny.weights.h5"
    assert run.path.exists() and (mine / "tiny.history.json").exists()
    assert (shipped / "tiny.weights.h5").read_bytes() == before
    assert "yours: the shipped weights/ are untouched" in run.describe()


def test_my_weights_is_ignored_by_git():
    from vaecourse.paths import MY_WEIGHTS_DIR, ROOT

    ignored = (ROOT / ".gitignore").read_text().split()
    assert f"{MY_WEIGHTS_DIR.name}/" in ignored
