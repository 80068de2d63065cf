"""Execution profiles: one switch that sets how much work a chapter does.

``VAECOURSE_PROFILE`` selects the profile:

* ``reader`` (default): what a learner should see, real epochs on the full data set.
  Trained weights shipped in ``weights/`` are loaded instead of retraining.
* ``quick``: for tests and CI. Tiny subsets and one or two epochs, but every code path
  runs, training included; nothing is written to ``weights/``.

``VAECOURSE_RETRAIN=1`` asks every chapter to train from scratch even where weights exist.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass

import numpy as np

PROFILE_ENV = "VAECOURSE_PROFILE"
RETRAIN_ENV = "VAECOURSE_RETRAIN"
PROFILES = ("reader", "quick")


@dataclass(frozen=True)
class Profile:
    """How much work the chapters do. Read it with :func:`current_profile`."""

    name: str

    @property
    def quick(self) -> bool:
        return self.name == "quick"

    def choose(self, *, reader, quick):
        """Return the value that belongs to this profile.

        >>> Profile("quick").choose(reader=50, quick=1)
        1
        """
        return quick if self.quick else reader

    def epochs(self, reader_epochs: int) -> int:
        """Epochs to train: the chapter's real number, or 2 in the quick profile."""
        return self.choose(reader=reader_epochs, quick=2)

    def subset(self, *arrays, reader=None, quick=1000):
        """Keep the first ``quick`` rows of each array in the quick profile.

        ``reader=None`` keeps every row in the reader profile. Returns a single array
        when one array is given, a tuple otherwise.
        """
        n = self.choose(reader=reader, quick=quick)
        out = tuple(a if n is None else a[:n] for a in arrays)
        return out[0] if len(out) == 1 else out


def current_profile() -> Profile:
    """The profile named by ``VAECOURSE_PROFILE`` (``reader`` when unset)."""
    name = os.environ.get(PROFILE_ENV, "reader").strip().lower() or "reader"
    if name not in PROFILES:
        raise ValueError(
            f"{PROFILE_ENV}={name!r} is not a profile. Use one of {', '.join(PROFILES)}, "
            f"for example `export {PROFILE_ENV}=quick` for a fast test run."
        )
    return Profile(name)


def retrain_requested() -> bool:
    """True when ``VAECOURSE_RETRAIN`` asks every chapter to train from scratch."""
    return os.environ.get(RETRAIN_ENV, "").strip().lower() in {
        "1",
        "true",
        "yes",
    }


def seed_everything(seed: int = 42) -> None:
    """Seed Python, NumPy, Keras and TensorFlow, and make TensorFlow ops deterministic."""
    import keras
    import tensorflow as tf

    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)
    try:
        tf.config.experimental.enable_op_determinism()
    except RuntimeError:  # already enabled in this process
        pass
