import numpy as np


def threshold_at_fpr(validation_scores, fpr):
    """Score above which a fraction fpr of the scores lie."""
    # flagged means score > threshold: the top fpr of the normal
    # images
    return float(np.quantile(np.asarray(validation_scores), 1.0 - fpr))
