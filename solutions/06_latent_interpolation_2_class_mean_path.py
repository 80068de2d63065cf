import numpy as np


def class_mean_path(encodings, labels, class_a, class_b, ts):
    """The line from the mean encoding of class_a to that of class_b."""
    encodings, labels = np.asarray(encodings), np.asarray(labels)
    mean_a = encodings[labels == class_a].mean(axis=0)  # over the images
    mean_b = encodings[labels == class_b].mean(axis=0)
    ts = np.asarray(ts, dtype=float)[:, None]
    return (1 - ts) * mean_a + ts * mean_b
