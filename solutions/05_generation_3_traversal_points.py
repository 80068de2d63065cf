import numpy as np


def traversal_points(anchor, dim, steps):
    """The anchor, with coordinate dim set to each step in turn."""
    anchor = np.asarray(anchor, dtype="float32")  # floats, even for [0, 0]
    points = np.tile(anchor, (len(steps), 1))  # a copy: anchor stays as is
    points[:, dim] = steps
    return points
