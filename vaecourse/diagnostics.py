"""Chapter 8's diagnostics: what a trained VAE does wrong, measured.

* :func:`frechet_distance`, :func:`feature_statistics`, :func:`class_histogram`: a
  sample-quality measure, the Fréchet distance between the features a digit classifier
  (``models.classifier_features``) computes for real and for generated digits
  (Heusel et al. 2017, with MNIST's own classifier instead of Inception), and the classes
  the classifier sees in the samples.
* :func:`kl_decomposition`: the average KL term of a low-dimensional VAE split into the
  index-code mutual information and KL(q(z) ‖ p(z)) (Hoffman & Johnson 2016).
* :func:`fit_latent_mixture`, :func:`sample_latent_mixture`: a Gaussian mixture fitted to
  the codes of the training images, to sample from instead of the prior
  (Ghosh et al. 2020).

Active units are :func:`vaecourse.evaluation.active_units`.
"""

from __future__ import annotations

import warnings

import numpy as np
from scipy import linalg
from scipy.special import logsumexp

from .losses import LOG_2PI


# ----------------------------------------------------------------------------------------
# The Fréchet distance between two Gaussians fitted to features
# ----------------------------------------------------------------------------------------
def frechet_distance(mean1, cov1, mean2, cov2, imaginary_tolerance=1e-3):
    """Fréchet (2-Wasserstein) distance squared between N(mean1, cov1) and N(mean2, cov2).

    d² = ‖mean1 − mean2‖² + tr(cov1 + cov2 − 2 (cov1 cov2)^½). The matrix square root
    comes from ``scipy.linalg.sqrtm``; rounding can leave it a small imaginary part, which
    is dropped (a large one, relative to the real part, raises: the covariances are then
    not valid). A singular product gets a small ridge added to both covariances.
    """
    mean1, mean2 = (
        np.atleast_1d(np.asarray(m, np.float64)) for m in (mean1, mean2)
    )
    cov1, cov2 = (
        np.atleast_2d(np.asarray(c, np.float64)) for c in (cov1, cov2)
    )
    d = mean1.shape[0]
    shapes = {
        "mean1": mean1.shape,
        "mean2": mean2.shape,
        "cov1": cov1.shape,
        "cov2": cov2.shape,
    }
    if (
        mean1.ndim != 1
        or mean2.shape != (d,)
        or cov1.shape != (d, d)
        or cov2.shape != (d, d)
    ):
        raise ValueError(
            f"frechet_distance needs two means of shape (d,) and two covariances of "
            f"shape (d, d) with the same d; got {shapes}. Compute both statistics from "
            "features of the same layer (feature_statistics)."
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy's "singular matrix" notice
        root = linalg.sqrtm(cov1 @ cov2)
    if not np.isfinite(root).all():
        ridge = 1e-6 * np.eye(d)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            root = linalg.sqrtm((cov1 + ridge) @ (cov2 + ridge))
    if np.iscomplexobj(root):
        imaginary = np.abs(root.imag).max()
        scale = max(1.0, np.abs(root.real).max())
        if imaginary > imaginary_tolerance * scale:
            raise ValueError(
                f"the square root of cov1 @ cov2 has an imaginary part of {imaginary:.3g}: "
                "the covariances are not symmetric positive semi-definite."
            )
        root = root.real
    diff = mean1 - mean2
    value = (
        diff @ diff + np.trace(cov1) + np.trace(cov2) - 2.0 * np.trace(root)
    )
    return float(max(value, 0.0))


def _as_images(images):
    """(n, 28, 28, 1) float32 images from flat rows or 28×28 arrays."""
    x = np.asarray(images, np.float32)
    return x.reshape(len(x), 28, 28, 1)


def features(feature_model, images, batch_size: int = 250) -> np.ndarray:
    """The ``feature_model``'s output for each image (flat rows or 28×28 images), as an
    ``(n, n_features)`` float64 array, ``batch_size`` images at a time."""
    x = _as_images(images)
    parts = [
        np.asarray(feature_model(x[i : i + batch_size], training=False))
        for i in range(0, len(x), batch_size)
    ]
    return np.concatenate(parts).astype(np.float64)


def feature_statistics(feature_model, images, batch_size: int = 250):
    """``(mean, covariance)`` of the features of ``images``: the statistics the Fréchet
    distance compares. ``feature_model`` is ``models.classifier_features(classifier)``."""
    f = features(feature_model, images, batch_size)
    if len(f) < 2:
        raise ValueError(
            f"{len(f)} image(s): a covariance needs at least two, and a few thousand "
            "give a stable Fréchet distance."
        )
    return f.mean(axis=0), np.cov(f, rowvar=False)


def predicted_classes(
    classifier, images, batch_size: int = 250
) -> np.ndarray:
    """The classifier's most probable class for each image."""
    x = _as_images(images)
    return np.concatenate(
        [
            np.asarray(
                classifier(x[i : i + batch_size], training=False)
            ).argmax(-1)
            for i in range(0, len(x), batch_size)
        ]
    )


def class_histogram(classifier, images, n_classes: int = 10, batch_size=250):
    """The share of ``images`` the classifier puts in each class, shape ``(n_classes,)``."""
    predicted = predicted_classes(classifier, images, batch_size)
    return np.bincount(predicted, minlength=n_classes) / len(predicted)


def features_and_classes(classifier, images, batch_size: int = 250):
    """One pass through the classifier: ``(features, class_shares)``, the ``features``
    layer's output for each image, ``(n, n_features)`` float64, and the share of images
    it puts in each class (as :func:`class_histogram`)."""
    both = _feature_and_class_model(classifier)
    x = _as_images(images)
    parts, classes = [], []
    for i in range(0, len(x), batch_size):
        f, probs = both(x[i : i + batch_size], training=False)
        parts.append(np.asarray(f))
        classes.append(np.asarray(probs).argmax(-1))
    n_classes = int(classifier.outputs[0].shape[-1])
    classes = np.concatenate(classes)
    shares = np.bincount(classes, minlength=n_classes) / len(classes)
    return np.concatenate(parts).astype(np.float64), shares


_BOTH = {}


def _feature_and_class_model(classifier):
    """The classifier with two outputs, its ``features`` layer and its class
    probabilities (built once per classifier)."""
    import keras

    key = id(classifier)
    if key not in _BOTH or _BOTH[key][0] is not classifier:
        model = keras.Model(
            classifier.inputs[0],
            [classifier.get_layer("features").output, classifier.outputs[0]],
        )
        _BOTH[key] = (classifier, model)
    return _BOTH[key][1]


def sample_features_and_classes(vae, classifier, z, batch_size: int = 250):
    """:func:`features_and_classes` of the images the VAE decodes from the latent points
    ``z`` (decoder means), ``batch_size`` points at a time: the decoded images are never
    all in memory at once."""
    z = np.asarray(z, np.float32)
    both = _feature_and_class_model(classifier)
    parts, classes = [], []
    for i in range(0, len(z), batch_size):
        images = vae.decoder(z[i : i + batch_size], training=False)
        f, probs = both(_as_images(images), training=False)
        parts.append(np.asarray(f))
        classes.append(np.asarray(probs).argmax(-1))
    n_classes = int(classifier.outputs[0].shape[-1])
    classes = np.concatenate(classes)
    shares = np.bincount(classes, minlength=n_classes) / len(classes)
    return np.concatenate(parts).astype(np.float64), shares


def decode_means(vae, z, batch_size: int = 2000) -> np.ndarray:
    """The decoder's output (pixel probabilities, or Gaussian means) for latent points
    ``z``, as flat ``(n, 784)`` rows: what the course shows as a VAE's samples."""
    z = np.asarray(z, np.float32)
    parts = [
        np.asarray(vae.decoder(z[i : i + batch_size], training=False))
        for i in range(0, len(z), batch_size)
    ]
    return np.concatenate(parts).reshape(len(z), -1)


# ----------------------------------------------------------------------------------------
# The KL term split in two (Hoffman & Johnson 2016)
# ----------------------------------------------------------------------------------------
def _log_normal_diag(z, mean, log_var):
    """log N(z; mean, diag exp(log_var)), summed over the last axis (broadcasting)."""
    return -0.5 * np.sum(
        LOG_2PI + log_var + (z - mean) ** 2 * np.exp(-log_var), axis=-1
    )


def kl_decomposition(
    means,
    log_vars,
    n_samples: int | None = None,
    seed: int = 0,
    chunk: int = 250,
) -> dict:
    """The average KL term split as E_x[KL(q(z|x) ‖ p(z))] = I(x; z) + KL(q(z) ‖ p(z)).

    The data are the N encodings given (``means`` and ``log_vars``, shape ``(N, d)``), x is
    uniform over them, and the aggregate posterior is their mixture,
    q(z) = (1/N) Σ_n q(z | x_n). Monte Carlo: ``n_samples`` pairs (n, z) with n uniform
    (each encoding in turn when ``n_samples`` is None: N pairs) and z ~ q(z | x_n); then

    * I(x; z) ≈ mean of log q(z | x_n) − log q(z), the index-code mutual information,
      never above log N (the data hold only N indices);
    * KL(q(z) ‖ p(z)) ≈ mean of log q(z) − log p(z), p = N(0, I).

    log q(z) sums over all N encodings for each sample, ``chunk`` samples at a time (memory: a
    few ``chunk × N`` arrays). The estimate of log q(z) is good only where N encodings
    cover the latent space: use it for a latent of a few dimensions.

    Returns a dict: ``average_kl`` (closed form), ``mutual_information``,
    ``marginal_kl``, their sum ``monte_carlo_kl`` (an estimate of ``average_kl``), the
    Monte Carlo standard errors ``mutual_information_se`` and ``marginal_kl_se``, and
    ``log_n`` = log N, the bound on the mutual information.
    """
    means = np.asarray(means, np.float64)
    log_vars = np.asarray(log_vars, np.float64)
    if means.shape != log_vars.shape or means.ndim != 2:
        raise ValueError(
            f"means {means.shape} and log_vars {log_vars.shape}: pass two arrays of "
            "shape (N, latent_dim)."
        )
    n, d = means.shape
    rng = np.random.default_rng(seed)
    index = (
        np.arange(n) if n_samples is None else rng.integers(0, n, n_samples)
    )
    z = means[index] + np.exp(0.5 * log_vars[index]) * rng.standard_normal(
        (len(index), d)
    )
    log_q_given_x = _log_normal_diag(z, means[index], log_vars[index])
    log_p = -0.5 * np.sum(LOG_2PI + z**2, axis=-1)
    # log q(z | x_m) for every encoding m, as a quadratic in z: chunks of samples
    # against all N encodings, one latent coordinate at a time, in float32 (the
    # rounding, ~1e-7 relative, is far below the Monte Carlo error).
    inv_var = np.exp(-log_vars).astype(np.float32)
    centres = means.astype(np.float32)
    offset = (-0.5 * np.sum(LOG_2PI + log_vars, axis=-1)).astype(np.float32)
    log_q = np.empty(len(z))
    for start in range(0, len(z), chunk):
        part = z[start : start + chunk].astype(np.float32)
        quadratic = np.zeros((len(part), n), np.float32)
        for j in range(d):
            gap = part[:, j, None] - centres[None, :, j]
            quadratic += gap * gap * inv_var[None, :, j]
        log_q[start : start + chunk] = logsumexp(
            offset[None, :] - 0.5 * quadratic, axis=1
        ) - np.log(n)
    average_kl = (
        0.5
        * np.sum(np.exp(log_vars) + means**2 - 1.0 - log_vars, axis=-1).mean()
    )
    information_terms, marginal_terms = log_q_given_x - log_q, log_q - log_p
    mutual_information = float(np.mean(information_terms))
    marginal_kl = float(np.mean(marginal_terms))
    root_m = np.sqrt(len(z))
    return {
        "average_kl": float(average_kl),
        "mutual_information": mutual_information,
        "marginal_kl": marginal_kl,
        "monte_carlo_kl": mutual_information + marginal_kl,
        "mutual_information_se": float(information_terms.std() / root_m),
        "marginal_kl_se": float(marginal_terms.std() / root_m),
        "log_n": float(np.log(n)),
    }


# ----------------------------------------------------------------------------------------
# Sampling from a density fitted to the codes (Ghosh et al. 2020)
# ----------------------------------------------------------------------------------------
def fit_latent_mixture(
    train_codes,
    validation_codes,
    components=(1, 2, 5, 10, 20),
    seed: int = 0,
    max_iter: int = 200,
):
    """A Gaussian mixture (full covariances) fitted to the training codes, its number of
    components chosen on the validation codes.

    For each number of components, ``sklearn.mixture.GaussianMixture`` (seeded) is fitted to
    ``train_codes``; the one with the highest average log-likelihood of
    ``validation_codes`` wins. Returns ``(mixture, scores)``: the fitted winner and a dict
    {components: (training, validation average log-likelihood per code)}.
    """
    from sklearn.mixture import GaussianMixture

    # float32, as the codes are: the fit's (codes x components) work arrays then take half
    # the memory (80 components on 50,000 codes: about 110 MB less at the peak).
    train_codes = np.asarray(train_codes, np.float32)
    validation_codes = np.asarray(validation_codes, np.float32)
    if (
        train_codes.ndim != 2
        or validation_codes.shape[1:] != train_codes.shape[1:]
    ):
        raise ValueError(
            f"codes of shape {train_codes.shape} and {validation_codes.shape}: pass "
            "two arrays (n, latent_dim) with the same latent_dim."
        )
    scores, fitted = {}, {}
    for k in components:
        mixture = GaussianMixture(
            n_components=int(k),
            covariance_type="full",
            random_state=seed,
            max_iter=max_iter,
        ).fit(train_codes)
        fitted[k] = mixture
        scores[k] = (
            float(mixture.score(train_codes)),
            float(mixture.score(validation_codes)),
        )
    best = max(scores, key=lambda k: scores[k][1])
    return fitted[best], scores


def sample_latent_mixture(mixture, n: int, seed: int = 0) -> np.ndarray:
    """``n`` latent points drawn from a fitted ``GaussianMixture`` (full covariances), in a
    random order, with ``np.random.default_rng(seed)``: float32, shape ``(n, d)``.

    (``GaussianMixture.sample`` returns its draws grouped by component.)
    """
    rng = np.random.default_rng(seed)
    weights = np.asarray(mixture.weights_, np.float64)
    component = rng.choice(len(weights), size=n, p=weights / weights.sum())
    chol = np.linalg.cholesky(mixture.covariances_)
    eps = rng.standard_normal((n, mixture.means_.shape[1]))
    z = mixture.means_[component] + np.einsum(
        "nij,nj->ni", chol[component], eps
    )
    return z.astype(np.float32)
