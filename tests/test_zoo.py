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
    assert not unknown, f"chapters load models with no zoo recipe: {sorted(unknown)}"


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
    size = sum(p.stat().st_size for p in WEIGHTS_DIR.glob("*")) / 2**20
    assert size < 60, f"weights/ holds {size:.1f} MB"
