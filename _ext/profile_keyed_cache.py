"""A local Sphinx extension that keys the execution cache on the execution profile.

Jupyter Book's execution cache (jupyter-cache) keys a notebook on its code cells, not on the
environment it ran in. A build in the quick profile (tiny data, two epochs) would otherwise
fill the cache that the reader build then publishes unchanged. Here each value of
``VAECOURSE_PROFILE`` gets its own cache folder, ``_build/.jupyter_cache/<profile>``, and the
profile is a configuration value that Sphinx compares between builds, so switching profiles
re-reads (and re-executes, or takes from that profile's cache) every page.

The variable is read as it is, without importing ``vaecourse`` (which loads TensorFlow): an
unknown profile gets a cache of its own here, and the chapters' first cell rejects it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

PROFILE_ENV = "VAECOURSE_PROFILE"  # as in vaecourse/profiles.py


def key_cache_on_profile(app, config):
    profile = os.environ.get(PROFILE_ENV, "").strip() or "reader"
    profile = re.sub(r"[^\w-]", "_", profile)  # a safe folder name
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
