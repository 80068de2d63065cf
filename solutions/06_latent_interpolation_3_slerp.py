import numpy as np


def slerp(z0, z1, ts):
    """Spherical interpolation from z0 to z1, one row per t."""
    z0 = np.asarray(z0, dtype=float)
    z1 = np.asarray(z1, dtype=float)
    cos = z0 @ z1 / (np.linalg.norm(z0) * np.linalg.norm(z1))
    # Rounding can take cos a little past ±1.
    omega = np.arccos(np.clip(cos, -1.0, 1.0))
    ts = np.asarray(ts, dtype=float)[:, None]
    if np.sin(omega) < 1e-6:  # parallel: no angle to turn through
        return (1 - ts) * z0 + ts * z1
    path = np.sin((1 - ts) * omega) * z0 + np.sin(ts * omega) * z1
    return path / np.sin(omega)
