import numpy as np


def class_mean_path(encodings, labels, class_a, class_b, ts):
    """The line from the mean encoding of class_a to class_b's."""
    encodings, labels = np.asarray(encodings), np.asarray(labels)
    # The means over the images of each class:
    mean_a = encodings[labels == class_a].mean(axis=0)
    mean_b = encodings[labels == class_b].mean(axis=0)
    ts = np.asarray(ts, dtype=float)[:, None]
    return (1 - ts) * mean_a + ts * mean_b
