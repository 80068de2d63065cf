"""The model zoo (vaecourse.zoo): every model a chapter loads has a recipe, and its shipped
weights load into today's model definition."""

import json
import warnings

import pytest

from tools.book import chapter_sources, models_loaded_by
from vaecourse import zoo
from vaecourse.paths import WEIGHTS_DIR
from vaecourse.training import history_path, weights_path


def test_every_model_a_chapter_loads_has_a_recipe():
    used = set().union(*(models_loaded_by(s) for s in chapter_sources()))
    unknown = used - set(zoo.RECIPES)
    assert not unknown, (
        f"chapters load models with no zoo recipe: {sorted(unknown)}"
    )


def test_every_recipe_names_the_page_that_teaches_it():
    """A recipe's ``chapter`` is its page's file stem: the README's chapter map lists the
    model under that page."""
    pages = {source.stem for source in chapter_sources()}
    unknown = {
        name: recipe.chapter
        for name, recipe in {**zoo.RECIPES, **zoo.CANDIDATES}.items()
        if recipe.chapter not in pages
    }
    assert not unknown, f"recipes naming no page of the book: {unknown}"


@pytest.mark.parametrize("name", sorted(zoo.RECIPES))
def test_weights_are_shipped_and_fit_the_model(name):
    path = weights_path(name)
    assert path.exists(), (
        f"weights/{path.name} is missing: run `python -m tools.train_all`"
    )
    model = zoo.build(name)
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", message="Skipping variable loading for optimizer"
        )
        model.load_weights(path)  # raises when the architecture changed
    meta = json.loads(history_path(name).read_text())
    assert meta["profile"] == "reader"
    assert len(meta["history"]["loss"]) == zoo.RECIPES[name].epochs, (
        f"weights/{path.name} were trained for {len(meta['history']['loss'])} epochs but the "
        f"recipe says {zoo.RECIPES[name].epochs}: retrain with `python -m tools.train_all`"
    )


def test_weights_folder_stays_small():
    # Every Colab and Binder session clones it: 21 models took 71 MiB (chapter 4's
    # convolutional VAE alone 14 MB). A new model that pushes past 90 MiB needs a look.
    size = sum(p.stat().st_size for p in WEIGHTS_DIR.glob("*")) / 2**20
    assert size < 90, f"weights/ holds {size:.1f} MiB"


def test_recipes_train_on_the_training_split_and_validate_on_validation(
    monkeypatch,
):
    import numpy as np

    from vaecourse import data

    monkeypatch.setenv("VAECOURSE_PROFILE", "reader")
    (_, y_all), _ = data.load_mnist()
    for name in ("dense_vae_2d", "dense_vae_no9"):
        x_train, x_val = zoo.training_data(name)
        digits = list(zoo.RECIPES[name].digits or range(10))
        keep_train = np.isin(y_all[:50_000], digits)
        keep_val = np.isin(y_all[50_000:], digits)
        assert (len(x_train), len(x_val)) == (
            keep_train.sum(),
            keep_val.sum(),
        )


@pytest.mark.parametrize("candidate", sorted(zoo.CANDIDATES))
def test_each_candidate_differs_from_its_recipe_and_left_its_history(
    candidate,
):
    from vaecourse.paths import RESULTS_DIR
    from vaecourse.training import read_history

    recipe = zoo.RECIPES[zoo.CANDIDATE_OF[candidate]]
    assert zoo.CANDIDATES[candidate] != recipe
    history = read_history(candidate, RESULTS_DIR)
    assert len(history["val_loss"]) == zoo.CANDIDATES[candidate].epochs


def test_train_all_runs_every_recipe_candidate_and_the_anomaly_table():
    from tools import train_all

    steps = train_all.steps()
    assert set(steps) == {
        *zoo.RECIPES,
        *zoo.CANDIDATES,
        train_all.ANOMALY_TABLE,
        train_all.PAPERS_TABLE,
    }
    assert steps[0] in {
        "burda_vae_50d",
        "conv_vae_2d",
        "conv_vae_2d_adam",
    }  # the longest first
    # the papers' table reads burda_vae_50d's weights and the VQ-VAE's prior
    # its codes: each waits for them, among the last steps
    assert train_all.AFTER == {
        train_all.PAPERS_TABLE: "burda_vae_50d",
        "vq_prior": "vq_vae",
    }
    assert set(steps[-len(train_all.AFTER) :]) == set(train_all.AFTER)
    assert train_all.COMMANDS[train_all.PAPERS_TABLE] == "tools.papers_table"


def test_train_all_fails_when_a_candidate_beats_its_recipe(monkeypatch):
    from tools import train_all
    from vaecourse import training

    losses = {"conv_vae_2d": 150.0, "conv_vae_2d_adam": 149.0}
    monkeypatch.setattr(
        zoo, "CANDIDATE_OF", {"conv_vae_2d_adam": "conv_vae_2d"}
    )
    monkeypatch.setattr(
        training,
        "read_history",
        lambda name, folder=None: {"val_loss": [losses[name]]},
    )
    with pytest.raises(SystemExit, match="lost to a candidate on validation"):
        train_all.check_candidates()
    losses["conv_vae_2d_adam"] = 151.0
    assert "conv_vae_2d 150.00" in train_all.check_candidates()[0]
