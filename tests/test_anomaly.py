"""Anomaly scores, their rating and threshold, and the per-digit table script (tiny scale)."""

import json

import numpy as np
import pytest

from tools import anomaly_table
from vaecourse import anomaly
from vaecourse.models import build_conv_vae, build_dense_vae
from vaecourse.zoo import CONV_VAE_KWARGS


def test_roc_pr_of_perfect_reversed_and_useless_scores():
    normal, anomalous = np.arange(10.0), np.arange(10.0, 15.0)
    assert anomaly.roc_pr(normal, anomalous) == {"AUROC": 1.0, "AUPRC": 1.0}
    assert anomaly.roc_pr(anomalous, normal)["AUROC"] == 0.0
    same = anomaly.roc_pr(np.ones(10), np.ones(5))
    assert same["AUROC"] == 0.5 and np.isclose(same["AUPRC"], 5 / 15)


def test_threshold_flags_the_requested_share_of_normal_data():
    validation = np.random.default_rng(0).normal(size=20000)
    threshold = anomaly.threshold_at_fpr(validation, 0.05)
    assert np.isclose(np.mean(validation > threshold), 0.05, atol=0.002)
    fresh = np.random.default_rng(1).normal(size=20000)
    assert np.isclose(np.mean(fresh > threshold), 0.05, atol=0.01)
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        anomaly.threshold_at_fpr(validation, 5)


def test_standardise_uses_the_reference_median_and_spread():
    reference = np.array([0.0, 1.0, 2.0, 3.0, 4.0])  # median 2, IQR 2
    assert np.allclose(
        anomaly.standardise([2.0, 4.0, 0.0], reference), [0.0, 1.0, -1.0]
    )


def test_complexity_ranks_blank_below_digit_below_noise():
    blank = np.zeros((1, 784))
    stroke = np.zeros((1, 28, 28))
    stroke[0, 5:23, 13:15] = 1.0
    noise = np.random.default_rng(0).uniform(size=(1, 784))
    c = anomaly.complexity(
        np.concatenate([blank, stroke.reshape(1, 784), noise])
    )
    assert c[0] < c[1] < c[2]


@pytest.mark.parametrize("builder", ["dense", "conv"])
def test_every_score_for_dense_and_conv_models(builder):
    rng = np.random.default_rng(0)
    if builder == "dense":
        vae, shape = build_dense_vae(latent_dim=3, hidden=32), (784,)
    else:
        vae, shape = (
            build_conv_vae(**{**CONV_VAE_KWARGS, "latent_dim": 3}),
            (28, 28, 1),
        )
    x_train = rng.uniform(size=(60,) + shape).astype("float32")
    x = rng.uniform(size=(7,) + shape).astype("float32")
    reference = anomaly.LatentReference(vae, x_train, n_components=2, k=3)
    scores = anomaly.scores(vae, x, reference, elbo_samples=2, iw_samples=3)
    assert list(scores) == list(anomaly.SCORE_NAMES)
    for name, values in scores.items():
        assert values.shape == (7,) and np.isfinite(values).all(), name
    assert (scores["L2"] > 0).all() and (scores["latent kNN"] >= 0).all()
    # the ELBO is a bound: −ELBO is at least the IW estimate of −log p(x) on average
    assert np.mean(scores["-ELBO"]) > np.mean(scores["-log p(x) (IW)"]) - 1.0


def test_shared_draws_give_the_bound_of_evaluation_and_a_subset_on_request():
    from vaecourse import evaluation

    rng = np.random.default_rng(1)
    vae = build_dense_vae(latent_dim=3, hidden=32)
    x = rng.uniform(size=(9, 784)).astype("float32")
    shared = anomaly.scores(vae, x, elbo_samples=None, iw_samples=5, seed=3)
    assert list(shared) == [
        "L2",
        "BCE",
        "-ELBO",
        "-log p(x) (IW)",
        "IW - complexity",
    ]
    bound = -evaluation.importance_weighted_log_px(vae, x, k=5, seed=3)
    assert np.allclose(shared["-log p(x) (IW)"], bound)
    # the mean of the log weights is at most their log-mean-exp (Jensen), image by image
    _, log_w, _ = anomaly.importance_samples(vae, x, k=5, seed=3)
    assert (-log_w.mean(axis=1) >= shared["-log p(x) (IW)"] - 1e-9).all()
    # the same expectation as separate draws (many of them, to average out the noise)
    separate = anomaly.scores(vae, x, elbo_samples=200, iw_samples=0)["-ELBO"]
    assert np.allclose(shared["-ELBO"], separate, rtol=0.02)
    only = anomaly.scores(
        vae, x, names=["-ELBO"], elbo_samples=None, iw_samples=5, seed=3
    )
    assert list(only) == ["-ELBO"] and np.allclose(
        only["-ELBO"], shared["-ELBO"]
    )
    with pytest.raises(ValueError, match="no score called"):
        anomaly.scores(vae, x, names=["ELBO"])
    with pytest.raises(ValueError, match="importance samples"):
        anomaly.scores(vae, x, elbo_samples=None, iw_samples=0)


def test_latent_reference_fits_its_mixture_to_a_subset_on_request():
    vae = build_dense_vae(latent_dim=2, hidden=16)
    x_train = (
        np.random.default_rng(0).uniform(size=(200, 784)).astype("float32")
    )
    reference = anomaly.LatentReference(
        vae, x_train, n_components=2, k=3, mixture_size=50
    )
    assert (
        len(reference.means) == 200
    )  # the kNN index holds every training code
    assert reference.mixture.n_features_in_ == 2
    assert np.isfinite(reference.density_score(reference.means)).all()


def test_latent_reference_of_stored_images_equals_that_of_scaled_ones():
    vae = build_dense_vae(latent_dim=2, hidden=16)
    stored = (
        np.random.default_rng(0).integers(0, 256, (60, 784)).astype(np.uint8)
    )
    scaled = stored.astype(np.float32) / 255
    np.testing.assert_array_equal(
        anomaly.encode_means(vae, stored), anomaly.encode_means(vae, scaled)
    )


def test_pca_of_stored_images_equals_that_of_scaled_ones_and_subsets():
    from sklearn.decomposition import PCA

    stored = (
        np.random.default_rng(0).integers(0, 256, (300, 784)).astype(np.uint8)
    )
    scaled = stored.astype(np.float32) / 255
    np.testing.assert_allclose(
        anomaly.fit_pca(stored, 3).components_,
        PCA(3, random_state=0).fit(scaled).components_,
        atol=1e-5,
    )
    subset = anomaly.fit_pca(stored, 3, fit_size=100, seed=1)
    assert subset.n_samples_ == 100
    assert anomaly.fit_pca(stored, 3, fit_size=1000).n_samples_ == 300


def test_per_digit_script_writes_a_table(tmp_path):
    out = tmp_path / "table.json"
    anomaly_table.main(
        [
            "--tiny",
            "--digits",
            "1",
            "7",
            "--latent-dim",
            "2",
            "--out",
            str(out),
        ]
    )
    table = json.loads(out.read_text())
    assert (
        table["settings"]["latent_dim"] == 2
        and table["settings"]["n_train"] == 1000
    )
    assert set(table["auroc"]) == {"1", "7"}
    for row in table["auroc"].values():
        assert list(row) == list(anomaly.SCORE_NAMES)
        assert all(0.0 <= v <= 1.0 for v in row.values())
    assert anomaly.load_table(out) == table


def test_missing_table_says_how_to_make_it(tmp_path):
    with pytest.raises(
        FileNotFoundError, match="python -m tools.anomaly_table"
    ):
        anomaly.load_table(tmp_path / "absent.json")
