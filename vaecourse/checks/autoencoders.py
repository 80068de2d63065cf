"""Checkers for chapter 1 (autoencoders)."""

from __future__ import annotations

import numpy as np

from . import passed


def check_farthest_from_codes(farthest_from_codes) -> None:
    """``farthest_from_codes(candidates, codes, n)`` returns the n candidates farthest from any code."""
    codes = np.array([[0.0, 0.0], [10.0, 0.0]])
    candidates = np.array([[1.0, 0.0], [5.0, 0.0], [9.0, 0.0], [5.0, 4.0], [0.0, 0.5]])
    out = np.asarray(farthest_from_codes(candidates, codes, 2))
    assert out.shape == (2, 2), f"expected 2 points of 2 coordinates, got shape {out.shape}"
    expected = np.array([[5.0, 4.0], [5.0, 0.0]])
    assert np.allclose(out, expected), (
        f"expected the points farthest from their nearest code first: {expected.tolist()}, "
        f"got {out.tolist()}. Distance to the *nearest* code is what counts."
    )
    rng = np.random.default_rng(0)
    many, ref = rng.normal(size=(500, 3)), rng.normal(size=(50, 3))
    picked = np.asarray(farthest_from_codes(many, ref, 5))
    nearest = np.min(np.linalg.norm(many[:, None] - ref[None], axis=-1), axis=1)
    assert np.allclose(np.sort(np.min(np.linalg.norm(picked[:, None] - ref[None], axis=-1), axis=1)),
                       np.sort(nearest)[-5:]), "works in 2-D but not for wider codes"
    passed("farthest_from_codes", 3)


CHECKS = {"01_autoencoders_empty_regions.py": ("farthest_from_codes", check_farthest_from_codes)}
