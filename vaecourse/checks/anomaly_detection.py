"""Checkers for chapter 7 (anomaly detection)."""

from __future__ import annotations

import functools

import numpy as np

from ..exercises import Exercise
from . import call_or_fail as _call
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


# the factor on the kernel and bias of a saturated small VAE's output layer: most of its
# logits, about −3 before, fall below −100, where a float32 sigmoid is exactly 0, and
# many of the others rise above 17, where it is exactly 1
SATURATION = 50.0


@functools.lru_cache(maxsize=8)
def _tiny_vae(
    image_shape: tuple, clipped: bool = False, saturated: bool = False
):
    """A VAE that knows a little about digits, built in a moment, without training.

    Its encoder gives an image's first ``K`` principal coordinates (those of 300 test
    digits 0–8, scaled to unit variance) through a ReLU layer of 2K units, with a small
    fixed variance; its decoder maps them back with a sigmoid layer fitted by least
    squares to the digits' logits. ``image_shape`` is ``(784,)`` (a dense model) or
    ``(28, 28, 1)`` (the shape a convolutional model takes). A ``saturated`` decoder's
    output layer has its kernel and bias multiplied by ``SATURATION``: its probabilities
    are then exactly 0 or 1 for most pixels of digits and noise alike, as those of the
    chapter's trained models are for some pixels. A ``clipped`` decoder's probabilities
    are clipped to [EPS, 1 − EPS], as the course's losses clip them.
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
    if clipped:
        from ..losses import EPS

        probs = layers.Lambda(lambda p: keras.ops.clip(p, EPS, 1 - EPS))(
            probs
        )
    if len(image_shape) > 1:
        probs = layers.Reshape(image_shape)(probs)
    decoder = keras.Model(z, probs, name="tiny_decoder")

    weights = dict(_tiny_weights())
    if saturated:
        weights["pixel_probs"] = [
            SATURATION * w for w in weights["pixel_probs"]
        ]
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


def _one_score_per_image(got, x, case):
    n = len(x)
    expect(
        got.ndim > 0,
        case,
        f"one score per image, shape ({n},)",
        f"the single number {got}" if got.size == 1 else got,
        "One number for the whole batch: reduce over each image's pixels "
        "only, not over the images.",
    )
    if got.shape == x.shape[1:]:
        hint = (
            "One number per pixel, reduced over the images: reduce over each "
            "image's pixels instead, the axes after the first."
        )
    elif got.ndim > 1 and got.shape[0] == n:
        hint = (
            f"Your scores have shape {got.shape}: reduce each image's values "
            "over all its other axes to one number; flatten each image first, "
            "x.reshape(len(x), -1), so that it works for 28×28×1 images too."
        )
    else:
        hint = ""
    expect(
        got.shape == (n,),
        case,
        f"one score per image, shape ({n},)",
        f"shape {got.shape}",
        hint,
    )


def _scores(my_anomaly_score, model, x, case):
    with np.errstate(all="ignore"):
        got = _call(
            case, "one score per image", my_anomaly_score, model, x.copy()
        )
        return np.asarray(got, dtype=float)


def _expect_finite(
    my_anomaly_score, got, x, case, image_shape, saturated=False
):
    """Fail unless the scores ``got`` of the images ``x`` are all finite, naming the log
    of a probability of 0 or 1 when the same model with its probabilities clipped to
    [EPS, 1 − EPS] gets finite scores from the answer."""
    if np.isfinite(got).all():
        return
    from ..losses import EPS

    clipped = _tiny_vae(image_shape, clipped=True, saturated=saturated)
    try:
        with np.errstate(all="ignore"):
            again = np.asarray(
                my_anomaly_score(clipped, x.copy()), dtype=float
            )
    except Exception:  # noqa: BLE001 (only identifies the slip)
        again = np.array([np.nan])
    expect(
        False,
        case,
        "finite scores",
        f"{np.sum(~np.isfinite(got))} scores that are NaN or infinite",
        f"With the model's probabilities clipped to [{EPS:g}, 1 − {EPS:g}] "
        "your scores are finite: a float32 sigmoid returns exactly 0 or 1 "
        "for a pixel it is sure of, and the log of 0 is infinite (and 0 "
        "times it NaN). Clip the probabilities to [EPS, 1 − EPS] "
        "(vaecourse.losses.EPS) before taking logs."
        if again.size and np.isfinite(again).all()
        else "",
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
        got = _scores(my_anomaly_score, model, x, case)
        _one_score_per_image(got, x, case)
        _expect_finite(my_anomaly_score, got, x, case, image_shape)
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
            "Noise is as anomalous as it gets.",
        )

        case = f"a small VAE taking {kind} images, one digit alone"
        one = _scores(my_anomaly_score, model, x[:1], case)
        _one_score_per_image(one, x[:1], case)

        case = f"a small VAE taking {kind} images, the {N_NOISE} noise images alone"
        alone = _scores(my_anomaly_score, model, x[N_DIGITS:], case)
        _one_score_per_image(alone, x[N_DIGITS:], case)
        change = np.median(np.abs(alone - got[N_DIGITS:]))
        expect(
            change <= 0.2 * np.std(got),
            case,
            "the same scores as in the batch with the digits",
            f"scores that moved by {change:.3g} (median), against a spread of "
            f"{np.std(got):.3g}",
            "An image's score must depend on that image only, not on the other "
            "images of the batch (no standardising or ranking within the batch): "
            "the chapter scores its images 200 at a time.",
        )

    # a trained model's float32 sigmoid returns exactly 0 or 1 for some pixels
    x = np.concatenate([digits, noise])
    case = (
        "a small dense VAE whose probabilities are exactly 0 or 1 for many "
        f"pixels, as a trained model's can be, {N_DIGITS} digits then "
        f"{N_NOISE} noise images"
    )
    got = _scores(
        my_anomaly_score, _tiny_vae((784,), saturated=True), x, case
    )
    _one_score_per_image(got, x, case)
    _expect_finite(my_anomaly_score, got, x, case, (784,), saturated=True)


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


def _ranked_precision(normal, anomalous, measure="precision"):
    """The average precision (``measure="precision"``, as :func:`_average_precision`)
    or a slip of it: ``"all ranks"``, the precision averaged over every rank, not only
    the anomalies'; ``"recall"``, the recall at each anomaly in place of the
    precision. ``anomalous`` are the positives, ranked largest score first."""
    scores = np.r_[normal, anomalous]
    positive = np.r_[np.zeros(len(normal)), np.ones(len(anomalous))]
    hits = positive[np.argsort(-scores, kind="stable")]
    found = np.cumsum(hits)
    if measure == "recall":
        return float((found / hits.sum())[hits == 1].mean())
    precision = found / np.arange(1, len(hits) + 1)
    if measure == "all ranks":
        return float(precision.mean())
    return float(precision[hits == 1].mean())


REVERSED = (
    "Your AUROC is one minus the right one: the ranking is reversed. The "
    "anomalies are the positives (label 1), the normal images the "
    "negatives, and a larger score means more anomalous."
)
AUROC_SLIPS = [
    (REVERSED, lambda normal, anomalous: 1 - _auroc(normal, anomalous)),
    (
        (
            "A tie counts as no pair in the right order in your AUROC: count it "
            "as half a pair."
        ),
        lambda normal, anomalous: float(
            np.mean(np.asarray(normal)[:, None] < np.asarray(anomalous))
        ),
    ),
    (
        (
            "A tie counts as a whole pair in the right order in your AUROC: "
            "count it as half a pair."
        ),
        lambda normal, anomalous: float(
            np.mean(np.asarray(normal)[:, None] <= np.asarray(anomalous))
        ),
    ),
]
AUPRC_SLIPS = [
    (
        (
            "That is the average precision with the labels swapped, the normal "
            "images as the positives: the anomalies are the positives (label 1)."
        ),
        lambda normal, anomalous: _average_precision(anomalous, normal),
    ),
    (
        (
            "That is the average precision with the images ranked smallest "
            "score first: rank them largest first, a larger score meaning more "
            "anomalous (np.argsort(-scores))."
        ),
        lambda normal, anomalous: _average_precision(
            -np.asarray(normal), -np.asarray(anomalous)
        ),
    ),
    (
        (
            "That is the AUROC again: the AUPRC is the area under the "
            "precision–recall curve, not the ROC curve."
        ),
        _auroc,
    ),
    (
        (
            "That is the trapezoidal area under the precision–recall curve. Use "
            "the average precision: the mean, over the anomalies, of the "
            "precision among the images scored at least as high (sklearn's "
            "average_precision_score); the trapezoids join points of the curve "
            "with straight lines, which is too optimistic."
        ),
        _trapezoid_pr,
    ),
    (
        (
            "That is the precision averaged over every rank: average it over "
            "the ranks of the anomalies only."
        ),
        lambda normal, anomalous: _ranked_precision(
            normal, anomalous, "all ranks"
        ),
    ),
    (
        (
            "That is the recall at each anomaly, averaged: the precision there is "
            "the share of anomalies among the images ranked down to it."
        ),
        lambda normal, anomalous: _ranked_precision(
            normal, anomalous, "recall"
        ),
    ),
]


def _rate(auroc_auprc, normal, anomalous, case):
    got = _call(
        case,
        'a dict {"AUROC": ..., "AUPRC": ...}',
        auroc_auprc,
        np.array(normal, float),
        np.array(anomalous, float),
    )
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
    """``auroc_auprc(normal, anomalous)``: ``{"AUROC": …, "AUPRC": …}``, anomalies
    positive. A slip is named only when the answer's numbers are that slip's on every
    case (the AUPRC: on the cases without ties, where its conventions agree)."""
    rng = np.random.default_rng(7)
    normal, anomalous = [0.1, 0.4, 0.35, 0.8, 0.2, 0.6], [0.9, 0.5, 0.3]
    # (case, normal, anomalous, what the AUROC is, what the AUPRC is or None
    # when ties leave it to a convention)
    cases = [
        (
            (
                "every anomaly (scores 5, 6) above every normal image (scores 1, "
                "2, 3)"
            ),
            [1.0, 2.0, 3.0],
            [5.0, 6.0],
            "",
            ": every image flagged above the last anomaly is an anomaly",
        ),
        (
            f"normal scores {normal}, anomalous scores {anomalous}",
            normal,
            anomalous,
            " (12 of the 18 (normal, anomalous) pairs are in the right order)",
            " (precision 1, 1/2 and 3/7 at the three anomalies, averaged)",
        ),
        (
            "every image with the same score (5 normal, 2 anomalous)",
            np.ones(5),
            np.ones(2),
            ": a score that says nothing is chance",
            None,
        ),
        (
            (
                "900 normal and 100 anomalous scores drawn from two normal "
                "distributions"
            ),
            rng.normal(size=900),
            rng.normal(0.5, 1.0, size=100),
            "",
            "",
        ),
    ]
    got = [_rate(auroc_auprc, n, a, case) for case, n, a, *_ in cases]

    def identified(slips, key, checked):
        for hint, slip in slips:
            if all(
                np.isclose(values[key], slip(n, a), atol=1e-6)
                for values, (_, n, a, *_), check in zip(got, cases, checked)
                if check
            ):
                return hint
        return ""

    auroc_checked = [True] * len(cases)
    auprc_checked = [what is not None for *_, what in cases]
    for (case, n, a, about_auroc, about_auprc), (auroc, auprc) in zip(
        cases, got
    ):
        expected = _auroc(n, a)
        if not np.isclose(auroc, expected, atol=1e-6):
            expect(
                False,
                case,
                f"AUROC {expected:.4f}{about_auroc}",
                f"AUROC {auroc:.4f}",
                identified(
                    AUROC_SLIPS,
                    0,
                    auroc_checked,
                ),
            )
        if about_auprc is None:
            continue
        expected = _average_precision(n, a)
        if not np.isclose(auprc, expected, atol=1e-6):
            expect(
                False,
                case,
                f"AUPRC {expected:.4f}{about_auprc}",
                f"AUPRC {auprc:.4f}",
                identified(AUPRC_SLIPS, 1, auprc_checked),
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
            got = _call(
                case,
                "one number, the threshold",
                threshold_at_fpr,
                validation.copy(),
                fpr,
            )
            value = np.asarray(got, dtype=float)
            expect(
                value.shape == (),
                case,
                "one number, the threshold",
                f"an array of shape {value.shape}",
            )
            value = float(value)
            flagged = float(np.mean(validation > value))
            if np.isclose(flagged, 1 - fpr, atol=2 / len(validation)):
                hint = (
                    "Your threshold flags 1 − fpr of the normal images, as the "
                    "fpr quantile does: an image is flagged when its score is "
                    "above the threshold, so take the (1 − fpr) quantile."
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
                hint = ""
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
