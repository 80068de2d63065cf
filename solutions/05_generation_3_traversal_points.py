import numpy as np


def traversal_points(anchor, dim, steps):
    """The anchor, with coordinate dim set to each step in turn."""
    # Floats, even for an anchor given as [0, 0].
    anchor = np.asarray(anchor, dtype="float32")
    # A copy of the anchor per step: the anchor itself stays as is.
    points = np.tile(anchor, (len(steps), 1))
    points[:, dim] = steps
    return points
