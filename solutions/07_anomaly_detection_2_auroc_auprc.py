import numpy as np


def auroc_auprc(normal, anomalous):
    """AUROC and AUPRC; the anomalies are the positives."""
    normal = np.asarray(normal, dtype=float)
    anomalous = np.asarray(anomalous, dtype=float)
    # AUROC: the fraction of (normal, anomalous) pairs in the right
    # order, a tie counting half
    above = normal[:, None] < anomalous[None, :]
    ties = normal[:, None] == anomalous[None, :]
    auroc = above.mean() + 0.5 * ties.mean()
    # AUPRC (average precision): rank every image, most anomalous
    # first; at each anomaly, the precision is the share of anomalies
    # ranked so far
    is_anomaly = np.r_[np.zeros(len(normal)), np.ones(len(anomalous))]
    order = np.argsort(-np.r_[normal, anomalous], kind="stable")
    ranked = is_anomaly[order]
    precision = np.cumsum(ranked) / np.arange(1, len(ranked) + 1)
    auprc = precision[ranked == 1].mean()
    return {"AUROC": float(auroc), "AUPRC": float(auprc)}
