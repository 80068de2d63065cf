"""Checkers for chapter 7 (anomaly detection)."""

from __future__ import annotations

import functools

import numpy as np

from ..exercises import Exercise
from . import expect

# ----------------------------------------------------------------------------------------
# Exercise 7.1: an anomaly score of the learner's own
# ----------------------------------------------------------------------------------------
N_DIGITS = N_NOISE = 40


@functools.lru_cache(maxsize=1)
def _normal_digits():
    """The MNIST test digits 0–8, flat: the first 300 build the small VAE below, the
    next ones are the normal images of the checks."""
    from ..data import load_mnist_splits

    # only the images used: the cache lives as long as the kernel
    *_, (x, _) = load_mnist_splits(
        shape="flat",
        digits=range(9),
        parts=("test",),
        first=300 + N_DIGITS,
    )
    return x


def _digits_and_noise():
    """40 test digits 0–8 that the small VAE did not see, and 40 noise images."""
    digits = _normal_digits()[300 : 300 + N_DIGITS]
    noise = np.random.default_rng(7).uniform(size=(N_NOISE, 784))
    return digits, noise.astype("float32")


K = 4  # the small VAE's latent dimension


@functools.lru_cache(maxsize=1)
def _tiny_weights() -> dict:
    """The small VAE's weights, by layer name: principal components of 300 test digits
    0–8 and a least-squares fit, no training (see :func:`_tiny_vae`)."""
    x = _normal_digits()[:300].astype(np.float64)
    mean = x.mean(axis=0)
    centred = x - mean
    # the top K eigenvectors of the 300×300 Gram matrix, by subspace iteration (a few
    # milliseconds, where a first LAPACK eigensolver call can take a second)
    gram = centred @ centred.T
    basis = np.random.default_rng(0).normal(size=(len(x), K))
    for _ in range(50):
        basis, _ = np.linalg.qr(gram @ basis)
    pcs = centred.T @ basis  # 784×K: the principal axes, up to scale
    pcs /= (centred @ pcs).std(
        axis=0
    )  # codes of unit variance for the digits
    codes = centred @ pcs
    hidden = np.maximum(np.c_[codes, -codes], 0.0)
    target = np.log(np.clip(x, 0.05, 0.95)) - np.log1p(
        -np.clip(x, 0.05, 0.95)
    )
    features = np.c_[hidden, np.ones(len(x))]
    gram_f = features.T @ features + 1e-6 * np.eye(features.shape[1])
    out = np.linalg.solve(gram_f, features.T @ target)  # least squares
    plus_minus = np.c_[np.eye(K), -np.eye(K)]  # K×2K: z ↦ (z, −z)
    return {
        "enc_hidden": [np.c_[pcs, -pcs], np.r_[-mean @ pcs, mean @ pcs]],
        "z_mean": [plus_minus.T, np.zeros(K)],
        "z_log_var": [np.zeros((2 * K, K)), np.full(K, np.log(0.05))],
        "dec_hidden": [plus_minus, np.zeros(2 * K)],
        "pixel_probs": [out[:-1], out[-1]],
    }


@functools.lru_cache(maxsize=2)
def _tiny_vae(image_shape: tuple):
    """A VAE that knows a little about digits, built in a moment, without training.

    Its encoder gives an image's first ``K`` principal coordinates (those of 300 test
    digits 0–8, scaled to unit variance) through a ReLU layer of 2K units, with a small
    fixed variance; its decoder maps them back with a sigmoid layer fitted by least
    squares to the digits' logits. ``image_shape`` is ``(784,)`` (a dense model) or
    ``(28, 28, 1)`` (the shape a convolutional model takes).
    """
    import keras
    from keras import layers

    from ..models import VAE

    image = keras.Input(shape=image_shape)
    h = layers.Flatten()(image) if len(image_shape) > 1 else image
    h = layers.Dense(2 * K, activation="relu", name="enc_hidden")(h)
    z_mean = layers.Dense(K, name="z_mean")(h)
    z_log_var = layers.Dense(K, name="z_log_var")(h)
    encoder = keras.Model(image, [z_mean, z_log_var], name="tiny_encoder")
    z = keras.Input(shape=(K,))
    h = layers.Dense(2 * K, activation="relu", name="dec_hidden")(z)
    probs = layers.Dense(784, activation="sigmoid", name="pixel_probs")(h)
    if len(image_shape) > 1:
        probs = layers.Reshape(image_shape)(probs)
    decoder = keras.Model(z, probs, name="tiny_decoder")

    weights = _tiny_weights()
    for model in (encoder, decoder):
        for layer in model.layers:
            if layer.name in weights:
                layer.set_weights(
                    [w.astype("float32") for w in weights[layer.name]]
                )
    return VAE(encoder, decoder, seed=0, name="tiny_vae")


def _auroc(normal, anomalous) -> float:
    normal, anomalous = (
        np.asarray(normal)[:, None],
        np.asarray(anomalous)[None, :],
    )
    return float(
        np.mean(normal < anomalous) + 0.5 * np.mean(normal == anomalous)
    )


def _one_score_per_image(got, n, case, image_input=False):
    expect(
        got.ndim > 0,
        case,
        f"one score per image, shape ({n},)",
        f"the single number {got}" if got.size == 1 else got,
        "Do not average over the images: reduce over each image's pixels only.",
    )
    flatten = (
        " The images of a convolutional model are 28×28×1: flatten each one, "
        "x.reshape(len(x), -1), before reducing over its pixels."
        if image_input
        else ""
    )
    expect(
        got.shape == (n,),
        case,
        f"one score per image, shape ({n},)",
        f"shape {got.shape}",
        "Reduce the per-pixel values of each image to one number (sum or mean over "
        "its pixels)." + flatten,
    )


def check_my_anomaly_score(my_anomaly_score) -> None:
    """``my_anomaly_score(model, x)``: one finite score per image, larger = stranger."""
    digits, noise = _digits_and_noise()
    for image_shape, kind in [((784,), "flat"), ((28, 28, 1), "28×28×1")]:
        model = _tiny_vae(image_shape)
        x = np.concatenate([digits, noise]).reshape((-1,) + image_shape)
        case = (
            f"a small VAE taking {kind} images, {N_DIGITS} digits then "
            f"{N_NOISE} noise images"
        )
        with np.errstate(all="ignore"):
            got = np.asarray(my_anomaly_score(model, x.copy()), dtype=float)
        _one_score_per_image(
            got, len(x), case, image_input=len(image_shape) > 1
        )
        expect(
            np.isfinite(got).all(),
            case,
            "finite scores",
            f"{np.sum(~np.isfinite(got))} scores that are NaN or infinite",
            "A log of a probability that rounds to 0 or 1 is infinite: clip the "
            "probabilities to [1e-6, 1 − 1e-6] (vaecourse.losses.EPS) before "
            "taking logs.",
        )
        expect(
            np.ptp(got) > 0,
            case,
            "scores that differ from image to image",
            f"the same score, {got[0]:.4g}, for every image",
            "The score must depend on the image.",
        )
        auroc = _auroc(got[:N_DIGITS], got[N_DIGITS:])
        expect(
            auroc > 0.1,
            case,
            "noise scored above digits (larger = stranger)",
            f"noise scored below digits (AUROC {auroc:.2f})",
            "Your score is larger for the images the model explains well: negate it "
            "(a log-likelihood or an ELBO is large for normal images; the chapter's "
            "scores are −log p, −ELBO, errors).",
        )
        expect(
            auroc >= 0.9,
            case,
            "noise scored above digits for at least 90% of the (digit, noise) pairs",
            f"{auroc:.0%} of the pairs",
            "Noise is as anomalous as it gets. Measure how badly the model explains "
            "the image, for instance the error between the image and "
            "model.reconstruct(x); a score that looks only at the code (its norm, "
            "the KL term) can miss noise, which the encoder may map to an ordinary "
            "code.",
        )

        case = f"a small VAE taking {kind} images, one digit alone"
        with np.errstate(all="ignore"):
            one = np.asarray(
                my_anomaly_score(model, x[:1].copy()), dtype=float
            )
        _one_score_per_image(one, 1, case, image_input=len(image_shape) > 1)

        case = f"a small VAE taking {kind} images, the {N_NOISE} noise images alone"
        with np.errstate(all="ignore"):
            alone = np.asarray(
                my_anomaly_score(model, x[N_DIGITS:].copy()), float
            )
        _one_score_per_image(
            alone, N_NOISE, case, image_input=len(image_shape) > 1
        )
        change = np.median(np.abs(alone - got[N_DIGITS:]))
        expect(
            change <= 0.2 * np.std(got),
            case,
            "the same scores as in the batch with the digits",
            f"scores that moved by {change:.3g} (median), against a spread of "
            f"{np.std(got):.3g}",
            "An image's score must depend on that image only, not on the other "
            "images of the batch (no standardising or ranking within the batch): "
            "the chapter scores its images 500 at a time.",
        )


# ----------------------------------------------------------------------------------------
# Exercise 7.2: AUROC and AUPRC
# ----------------------------------------------------------------------------------------
def _average_precision(normal, anomalous) -> float:
    """Mean over the anomalies of the precision at their rank (no ties)."""
    scores = np.r_[normal, anomalous]
    positive = np.r_[np.zeros(len(normal)), np.ones(len(anomalous))]
    order = np.argsort(-scores, kind="stable")
    hits = positive[order]
    precision = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float(precision[hits == 1].mean())


def _trapezoid_pr(normal, anomalous) -> float:
    from sklearn.metrics import auc, precision_recall_curve

    y = np.r_[np.zeros(len(normal)), np.ones(len(anomalous))]
    precision, recall, _ = precision_recall_curve(y, np.r_[normal, anomalous])
    return float(auc(recall, precision))


def _rate(auroc_auprc, normal, anomalous, case):
    got = auroc_auprc(np.array(normal, float), np.array(anomalous, float))
    expect(
        isinstance(got, dict) and {"AUROC", "AUPRC"} <= set(got),
        case,
        'a dict with the keys "AUROC" and "AUPRC"',
        repr(got),
        "Return {'AUROC': ..., 'AUPRC': ...}: the chapter reads both keys.",
    )
    values = {}
    for key in ("AUROC", "AUPRC"):
        value = np.asarray(got[key], dtype=float)
        expect(
            value.shape == () and np.isfinite(value) and 0 <= value <= 1,
            case,
            f"{key} as one number between 0 and 1",
            repr(got[key]),
            "An area under a curve in the unit square is a number in [0, 1].",
        )
        values[key] = float(value)
    return values["AUROC"], values["AUPRC"]


def check_auroc_auprc(auroc_auprc) -> None:
    """``auroc_auprc(normal, anomalous)``: ``{"AUROC": …, "AUPRC": …}``, anomalies positive."""
    case = "every anomaly (scores 5, 6) above every normal image (scores 1, 2, 3)"
    auroc, auprc = _rate(auroc_auprc, [1, 2, 3], [5, 6], case)
    swapped = (
        "the anomalies are the positives (label 1), the normal images the "
    )
    expect(
        auroc != 0,
        case,
        "AUROC 1",
        "AUROC 0",
        swapped + "negatives; a larger score means more anomalous.",
    )
    expect(np.isclose(auroc, 1), case, "AUROC 1", f"AUROC {auroc:.4f}")
    expect(
        np.isclose(auprc, 1),
        case,
        "AUPRC 1: every image flagged above the last anomaly is an anomaly",
        f"AUPRC {auprc:.4f}",
        swapped + "negatives.",
    )

    normal, anomalous = [0.1, 0.4, 0.35, 0.8, 0.2, 0.6], [0.9, 0.5, 0.3]
    case = f"normal scores {normal}, anomalous scores {anomalous}"
    auroc, auprc = _rate(auroc_auprc, normal, anomalous, case)
    expected_auroc = _auroc(normal, anomalous)  # 12/18
    expected_auprc = _average_precision(normal, anomalous)
    expect(
        not np.isclose(auroc, 1 - expected_auroc),
        case,
        f"AUROC {expected_auroc:.4f}",
        f"{auroc:.4f}, one minus it",
        swapped + "negatives.",
    )
    expect(
        np.isclose(auroc, expected_auroc, atol=1e-9),
        case,
        f"AUROC {expected_auroc:.4f} (12 of the 18 (normal, anomalous) pairs "
        f"are in the right order)",
        f"{auroc:.4f}",
        "The AUROC is the fraction of (normal, anomalous) pairs in which the "
        "anomaly has the larger score.",
    )
    expect(
        not np.isclose(auprc, expected_auroc),
        case,
        f"AUPRC {expected_auprc:.4f}",
        f"{auprc:.4f}, the AUROC again",
        "The AUPRC is the area under the precision–recall curve, not the ROC curve.",
    )
    expect(
        not np.isclose(auprc, _trapezoid_pr(normal, anomalous)),
        case,
        f"AUPRC {expected_auprc:.4f}",
        f"{auprc:.4f}, the trapezoidal area under the precision–recall curve",
        "Use the average precision: the mean, over the anomalies, of the precision "
        "among the images scored at least as high (sklearn's "
        "average_precision_score); the trapezoids join points of the curve with "
        "straight lines, which is too optimistic.",
    )
    expect(
        np.isclose(auprc, expected_auprc, atol=1e-9),
        case,
        f"AUPRC {expected_auprc:.4f} (precision 1, 1/2 and 3/7 at the three "
        f"anomalies, averaged)",
        f"{auprc:.4f}",
        "The average precision: rank the images by score, and average over the "
        "anomalies the fraction of anomalies among the images ranked at or above "
        "each of them.",
    )

    case = "every image with the same score (5 normal, 2 anomalous)"
    auroc, auprc = _rate(auroc_auprc, np.ones(5), np.ones(2), case)
    expect(
        np.isclose(auroc, 0.5),
        case,
        "AUROC 0.5: a score that says nothing is chance",
        f"AUROC {auroc:.4f}",
        "Count a tie between a normal and an anomalous score as half a pair in the "
        "right order.",
    )

    rng = np.random.default_rng(7)
    normal, anomalous = rng.normal(size=900), rng.normal(0.5, 1.0, size=100)
    case = "900 normal and 100 anomalous scores drawn from two normal distributions"
    auroc, auprc = _rate(auroc_auprc, normal, anomalous, case)
    expected = (
        _auroc(normal, anomalous),
        _average_precision(normal, anomalous),
    )
    expect(
        np.allclose([auroc, auprc], expected, atol=1e-6),
        case,
        f"AUROC {expected[0]:.4f}, AUPRC {expected[1]:.4f}",
        f"AUROC {auroc:.4f}, AUPRC {auprc:.4f}",
        "Check that the two groups may differ in size.",
    )


# ----------------------------------------------------------------------------------------
# Exercise 7.3: a threshold at a chosen false-positive rate
# ----------------------------------------------------------------------------------------
def check_threshold_at_fpr(threshold_at_fpr) -> None:
    """``threshold_at_fpr(validation_scores, fpr)``: flags a fraction fpr of them."""
    rng = np.random.default_rng(7)
    samples = {
        "2,000 scores, exponentially distributed": rng.exponential(size=2000),
        "2,000 negative scores, normally distributed": rng.normal(
            -50, 3, 2000
        ),
    }
    for what, validation in samples.items():
        for fpr in (0.05, 0.01, 0.2):
            case = f"{what}, fpr={fpr}"
            got = threshold_at_fpr(validation.copy(), fpr)
            value = np.asarray(got, dtype=float)
            expect(
                value.shape == (),
                case,
                "one number, the threshold",
                f"an array of shape {value.shape}",
                "Return a single number (np.quantile(scores, q) with a number q, "
                "not a list), the threshold for the single rate fpr.",
            )
            value = float(value)
            flagged = float(np.mean(validation > value))
            if np.isclose(flagged, 1 - fpr, atol=2 / len(validation)):
                hint = (
                    "That is the fpr quantile, which flags 1 − fpr of the normal "
                    "images: an image is flagged when its score is above the "
                    "threshold, so take the (1 − fpr) quantile."
                )
            elif np.isclose(value, np.percentile(validation, 1 - fpr)):
                hint = (
                    "np.percentile takes percentages (0 to 100), np.quantile "
                    "fractions: use np.quantile(scores, 1 - fpr)."
                )
            elif np.isclose(
                flagged,
                np.mean(validation > np.quantile(validation, 0.95)),
                atol=1e-9,
            ):
                hint = "Use the argument fpr: the rate is not always 5%."
            elif np.isclose(
                value, validation.mean() + validation.std() * 1.645
            ):
                hint = (
                    "The mean plus 1.645 standard deviations assumes normally "
                    "distributed scores; take the empirical quantile of the "
                    "validation scores instead."
                )
            else:
                hint = (
                    "Flag the top fpr of the validation scores: the threshold is "
                    "their (1 − fpr) quantile, np.quantile(scores, 1 - fpr)."
                )
            expect(
                abs(flagged - fpr) <= 2 / len(validation),
                case,
                f"a threshold above which {fpr:.0%} of the validation scores lie",
                f"{value:.4g}, above which {flagged:.2%} lie",
                hint,
            )


EXERCISES = [
    Exercise(
        "07_anomaly_detection_1_my_score",
        "my_anomaly_score",
        check_my_anomaly_score,
    ),
    Exercise(
        "07_anomaly_detection_2_auroc_auprc",
        "auroc_auprc",
        check_auroc_auprc,
    ),
    Exercise(
        "07_anomaly_detection_3_threshold",
        "threshold_at_fpr",
        check_threshold_at_fpr,
    ),
]
