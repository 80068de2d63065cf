"""A local Sphinx extension that keys the execution cache on the execution profile.

Jupyter Book's execution cache (jupyter-cache) keys a notebook on its code cells, not on the
environment it ran in. A build in the quick profile (tiny data, two epochs) would otherwise
fill the cache that the reader build then publishes unchanged. Here each profile gets its own
cache folder, ``_build/.jupyter_cache/<profile>``, and the profile is a configuration value
that Sphinx compares between builds, so switching profiles re-reads (and re-executes, or
takes from that profile's cache) every page.
"""

from __future__ import annotations

from pathlib import Path

from vaecourse.profiles import current_profile


def key_cache_on_profile(app, config):
    profile = current_profile().name  # raises, saying what to do, on an unknown profile
    config.vaecourse_profile = profile
    base = config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache"
    config.nb_execution_cache_path = str(Path(base) / profile)


def setup(app):
    # "env": a change of profile between two builds invalidates every page read before.
    app.add_config_value("vaecourse_profile", "reader", "env", str)
    app.connect("config-inited", key_cache_on_profile)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
