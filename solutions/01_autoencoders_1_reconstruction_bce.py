import numpy as np


def reconstruction_bce(images, reconstructions):
    """Binary cross-entropy of each image, averaged over its pixels."""
    x = np.asarray(images)  # float32 stays float32: half the memory
    # clip, so that both logs stay finite
    x_hat = np.clip(reconstructions, 1e-7, 1 - 1e-7)
    per_pixel = -(x * np.log(x_hat) + (1 - x) * np.log(1 - x_hat))
    return per_pixel.mean(axis=-1)
