"""Answers a learner might give to chapter 7's exercises.

WRONG: per exercise, a wrong answer and a fragment of the explanation its checker must give.
RIGHT: per exercise, a right answer written differently from the reference solution.
"""

import numpy as np
from sklearn.metrics import (
    auc,
    average_precision_score,
    precision_recall_curve,
    roc_auc_score,
)


def elbo_not_negated(model, x):
    """The ELBO itself (one sample), larger for the images the model explains well."""
    mean, log_var = (np.asarray(t, dtype=float) for t in model.encoder(x))
    probs = np.asarray(model.decoder(mean.astype("float32")), dtype=float)
    probs = np.clip(probs.reshape(len(x), -1), 1e-7, 1 - 1e-7)
    pixels = np.asarray(x, dtype=float).reshape(len(x), -1)
    log_px_z = np.sum(pixels * np.log(probs) + (1 - pixels) * np.log(1 - probs), axis=1)
    kl = 0.5 * np.sum(np.exp(log_var) + mean**2 - 1 - log_var, axis=1)
    return log_px_z - kl


def cross_entropy_of_the_decoded_mean(model, x):
    """−log p(x | z = μ(x)), the binary cross-entropy of the reconstruction, per image."""
    mean, _ = model.encoder(x)
    probs = np.asarray(model.decoder(mean), dtype=float).reshape(len(x), -1)
    probs = np.clip(probs, 1e-7, 1 - 1e-7)
    pixels = np.asarray(x, dtype=float).reshape(len(x), -1)
    return -np.sum(pixels * np.log(probs) + (1 - pixels) * np.log1p(-probs), axis=1)


def _labels_and_scores(normal, anomalous):
    return np.r_[np.zeros(len(normal)), np.ones(len(anomalous))], np.r_[
        normal, anomalous
    ]


def trapezoids_under_the_pr_curve(normal, anomalous):
    y, s = _labels_and_scores(normal, anomalous)
    precision, recall, _ = precision_recall_curve(y, s)
    return {"AUROC": roc_auc_score(y, s), "AUPRC": auc(recall, precision)}


def with_sklearn(normal, anomalous):
    y, s = _labels_and_scores(normal, anomalous)
    return {"AUROC": roc_auc_score(y, s), "AUPRC": average_precision_score(y, s)}


def the_fpr_quantile(validation_scores, fpr):
    return np.quantile(validation_scores, fpr)


def by_sorting(validation_scores, fpr):
    """The smallest score among the top fpr, minus a hair: exactly those are above it."""
    ranked = np.sort(np.asarray(validation_scores))[::-1]
    n_flagged = round(fpr * len(ranked))
    return np.nextafter(ranked[n_flagged - 1], -np.inf)


WRONG = {
    "07_anomaly_detection_1_my_score": (elbo_not_negated, "negate it"),
    "07_anomaly_detection_2_auroc_auprc": (
        trapezoids_under_the_pr_curve,
        "the trapezoidal area under the precision–recall curve",
    ),
    "07_anomaly_detection_3_threshold": (
        the_fpr_quantile,
        "take the (1 − fpr) quantile",
    ),
}
RIGHT = {
    "07_anomaly_detection_1_my_score": cross_entropy_of_the_decoded_mean,
    "07_anomaly_detection_2_auroc_auprc": with_sklearn,
    "07_anomaly_detection_3_threshold": by_sorting,
}
