import numpy as np


def style_grid(vae, images, labels):
    """Each image's z, decoded as each class: (k, n, 28, 28)."""
    n, n_classes = len(images), vae.n_classes
    mean, _ = vae.encode(images, np.asarray(labels))
    z = np.asarray(mean)  # the posterior mean: one z per image
    rows = []
    for c in range(n_classes):
        decoded = vae.decode(z, np.full(n, c))
        rows.append(np.asarray(decoded).reshape(n, 28, 28))
    return np.stack(rows)
