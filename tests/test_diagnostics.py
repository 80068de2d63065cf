"""Chapter 8's diagnostics (vaecourse.diagnostics) on cases whose answers are known."""

import numpy as np
import pytest

from vaecourse import diagnostics


def _random_covariance(rng, d):
    a = rng.standard_normal((d, d))
    return a @ a.T / d + 0.1 * np.eye(d)


def test_frechet_distance_of_identical_statistics_is_zero():
    rng = np.random.default_rng(0)
    mean, cov = rng.standard_normal(8), _random_covariance(rng, 8)
    assert diagnostics.frechet_distance(
        mean, cov, mean, cov
    ) == pytest.approx(0.0, abs=1e-8)


def test_frechet_distance_of_shifted_means_is_the_squared_shift():
    rng = np.random.default_rng(1)
    mean, cov = rng.standard_normal(6), _random_covariance(rng, 6)
    shift = rng.standard_normal(6)
    got = diagnostics.frechet_distance(mean, cov, mean + shift, cov)
    assert got == pytest.approx(shift @ shift, rel=1e-6)


def test_frechet_distance_in_one_dimension():
    # (m1 - m2)² + (s1 - s2)² for two normals N(m, s²)
    got = diagnostics.frechet_distance([1.0], [[4.0]], [-2.0], [[0.25]])
    assert got == pytest.approx(3.0**2 + (2.0 - 0.5) ** 2)


def test_frechet_distance_is_symmetric_and_matches_commuting_case():
    rng = np.random.default_rng(2)
    c1, c2 = _random_covariance(rng, 5), _random_covariance(rng, 5)
    m1, m2 = rng.standard_normal(5), rng.standard_normal(5)
    forward = diagnostics.frechet_distance(m1, c1, m2, c2)
    assert forward == pytest.approx(
        diagnostics.frechet_distance(m2, c2, m1, c1), rel=1e-6
    )
    d1, d2 = np.diag([1.0, 4.0, 9.0]), np.diag([4.0, 1.0, 1.0])
    # diagonal covariances: the sum of (sqrt(a) - sqrt(b))² over the axes
    assert diagnostics.frechet_distance(
        np.zeros(3), d1, np.zeros(3), d2
    ) == pytest.approx(1.0 + 1.0 + 4.0)


def test_frechet_distance_of_singular_covariances_is_finite():
    # Two rank-one covariances in 3-D (features that never vary)
    c1 = np.outer([1.0, 0, 0], [1.0, 0, 0])
    c2 = np.outer([0, 1.0, 0], [0, 1.0, 0])
    got = diagnostics.frechet_distance(np.zeros(3), c1, np.zeros(3), c2)
    assert np.isfinite(got) and got == pytest.approx(2.0, abs=1e-2)


def test_frechet_distance_says_what_shapes_it_needs():
    with pytest.raises(ValueError, match="same d"):
        diagnostics.frechet_distance(
            np.zeros(3), np.eye(3), np.zeros(4), np.eye(4)
        )


def test_mutual_information_of_a_posterior_that_ignores_x_is_zero():
    rng = np.random.default_rng(3)
    n = 400
    means = np.tile([0.5, -0.2], (n, 1))  # the same Gaussian for every x
    log_vars = np.tile(np.log([0.3, 2.0]), (n, 1))
    parts = diagnostics.kl_decomposition(means, log_vars, seed=0)
    assert abs(parts["mutual_information"]) < 1e-5
    # All of the KL is then the aggregate posterior's: KL(q(z) ‖ p(z)).
    assert parts["marginal_kl"] == pytest.approx(parts["average_kl"], rel=0.2)
    del rng


def test_mutual_information_of_separate_codes_is_log_n():
    n = 50
    means = np.stack([np.arange(n) * 20.0, np.zeros(n)], axis=1)
    log_vars = np.full((n, 2), np.log(0.01))
    parts = diagnostics.kl_decomposition(means, log_vars, n_samples=500)
    assert parts["mutual_information"] <= parts["log_n"] + 1e-5
    assert parts["mutual_information"] == pytest.approx(np.log(n), abs=1e-3)


def test_kl_decomposition_adds_up_to_the_average_kl():
    rng = np.random.default_rng(4)
    means = rng.standard_normal((300, 2))
    log_vars = rng.uniform(-3, 0, (300, 2))
    parts = diagnostics.kl_decomposition(means, log_vars, n_samples=3000)
    assert parts["monte_carlo_kl"] == pytest.approx(
        parts["average_kl"], rel=0.1
    )
    assert parts["marginal_kl"] >= 0 and parts["mutual_information"] >= 0


def test_mixture_is_chosen_on_validation_and_sampled_with_a_seed():
    rng = np.random.default_rng(5)
    centres = np.array([[-4.0, 0.0], [4.0, 0.0], [0.0, 4.0]])

    def draw(n):
        return centres[rng.integers(0, 3, n)] + 0.3 * rng.standard_normal(
            (n, 2)
        )

    mixture, scores = diagnostics.fit_latent_mixture(
        draw(1500), draw(500), components=(1, 3)
    )
    assert mixture.n_components == 3 and scores[3][1] > scores[1][1]
    a = diagnostics.sample_latent_mixture(mixture, 600, seed=1)
    b = diagnostics.sample_latent_mixture(mixture, 600, seed=1)
    assert a.shape == (600, 2) and a.dtype == np.float32
    assert np.array_equal(a, b)
    # In random order, not grouped by component as GaussianMixture.sample gives
    assert np.abs(np.diff(a[:, 0])).mean() > 2.0
    nearest = np.argmin(((a[:, None] - centres[None]) ** 2).sum(-1), axis=1)
    assert np.bincount(nearest, minlength=3).min() > 120


def test_features_and_classes_come_from_one_pass_of_the_classifier():
    from vaecourse import models

    classifier = models.build_digit_classifier()
    images = (
        np.random.default_rng(6).uniform(size=(30, 784)).astype("float32")
    )
    f, shares = diagnostics.features_and_classes(classifier, images, 16)
    alone = diagnostics.features(
        models.classifier_features(classifier), images
    )
    assert f.shape == (30, 128) and np.allclose(f, alone, atol=1e-5)
    assert np.allclose(
        shares, diagnostics.class_histogram(classifier, images)
    )
    assert shares.shape == (10,) and np.isclose(shares.sum(), 1.0)


def test_sample_features_are_those_of_the_decoded_images():
    from vaecourse import models

    classifier = models.build_digit_classifier()
    vae = models.build_dense_vae(latent_dim=3, hidden=16)
    z = np.random.default_rng(7).standard_normal((40, 3)).astype("float32")
    f, shares = diagnostics.sample_features_and_classes(
        vae, classifier, z, 16
    )
    images = diagnostics.decode_means(vae, z)
    f2, shares2 = diagnostics.features_and_classes(classifier, images)
    assert np.allclose(f, f2, atol=1e-5) and np.allclose(shares, shares2)
