"""A local Sphinx extension that keys the execution cache on the execution profile.

Jupyter Book's execution cache (jupyter-cache) keys a notebook on its code cells, not on the
environment it ran in. A build in the quick profile (tiny data, two epochs) would otherwise
fill the cache that the reader build then publishes unchanged. Here each value of
``VAECOURSE_PROFILE`` gets its own cache folder, ``_build/.jupyter_cache/<profile>``, and the
profile is a configuration value that Sphinx compares between builds, so switching profiles
re-reads (and re-executes, or takes from that profile's cache) every page.

The variable is read as it is, without importing ``vaecourse`` (which loads TensorFlow): an
unknown profile gets a cache of its own here, and the chapters' first cell rejects it.

The cache is also keyed on the shipped weights (a hash of ``weights/*.weights.h5``): after
``python -m tools.train_all`` every chapter runs again, so no page shows numbers, figures or
live explorers of weights that are gone.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

PROFILE_ENV = "VAECOURSE_PROFILE"  # as in vaecourse/profiles.py


def weights_key(folder: Path) -> str:
    """A short hash of the weight files in ``folder`` ("" when there are none)."""
    digest = hashlib.sha256()
    files = sorted(Path(folder).glob("*.weights.h5"))
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12] if files else ""


def key_cache_on_profile(app, config):
    profile = os.environ.get(PROFILE_ENV, "").strip() or "reader"
    profile = re.sub(r"[^\w-]", "_", profile)  # a safe folder name
    if os.environ.get("VAECOURSE_EXPLORER_ASSETS"):
        # The site build writes the live explorers' decoders to files the pages load
        # (vaecourse/explorer.py): its outputs differ from a notebook run's.
        profile = f"{profile}-site"
    weights = weights_key(Path(app.srcdir) / "weights")
    if weights:
        profile = f"{profile}-weights-{weights}"
    config.vaecourse_profile = profile
    base = (
        config.nb_execution_cache_path
        or Path(app.outdir).parent / ".jupyter_cache"
    )
    config.nb_execution_cache_path = str(Path(base) / profile)


def setup(app):
    # "env": a change of profile between two builds invalidates every page read before.
    app.add_config_value("vaecourse_profile", "reader", "env", str)
    app.connect("config-inited", key_cache_on_profile)
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
