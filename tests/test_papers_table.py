"""The appendix's comparison with Burda et al. (2016): ``tools.papers_table`` on a toy."""

import json

import numpy as np
import pytest

from tools import papers_table
from vaecourse import zoo


@pytest.mark.parametrize(
    "per_image, expected",
    [(0.05, 10_000), (0.1, 9_000), (0.2, 4_500), (10.0, 500)],
)
def test_the_budget_sets_how_many_images(per_image, expected):
    assert papers_table.plan_images(per_image, 10_000, 900.0) == expected


def test_the_tool_writes_every_number_the_appendix_reads(tmp_path):
    out = tmp_path / "papers.json"
    papers_table.main(["--tiny", "--out", str(out)])  # the quick profile
    table = json.loads(out.read_text())
    assert table["model"] == "burda_vae_50d" and table["profile"] == "quick"
    assert (table["k"], table["images"], table["page_images"]) == (20, 30, 10)
    assert table["test_images"] == 10_000
    for key in (
        "neg_log_px_bound",
        "standard_error",
        "page_neg_log_px_bound",
        "neg_elbo",
        "neg_elbo_same_images",
        "training_seconds",
    ):
        assert np.isfinite(table[key]) and table[key] > 0, key
    # the bound with k = 20 is tighter than the ELBO on the same images
    assert table["neg_log_px_bound"] < table["neg_elbo_same_images"]
    # the quick profile loads the shipped weights when they exist (zoo.pretrained)
    assert table["training_epochs"] in (
        2,
        zoo.RECIPES["burda_vae_50d"].epochs,
    )
    assert 0 <= table["active_units"] <= table["latent_dim"] == 50


def test_the_estimate_times_a_probe_then_keeps_what_fits(monkeypatch):
    calls = []

    def instant(vae, x, k, seed=0):  # an estimate that takes no time
        calls.append((len(x), k, seed))
        return -np.ones(len(x))

    monkeypatch.setattr(
        papers_table.evaluation, "importance_weighted_log_px", instant
    )
    result = papers_table.estimate(None, np.zeros((1200, 4)), 7)
    assert result["images"] == 1200 and len(result["log_px"]) == 1200
    assert calls == [(100, 7, 0), (1100, 7, 1)]
