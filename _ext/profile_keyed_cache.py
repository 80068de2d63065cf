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
live explorers of weights that are gone. In the site build, it is keyed on the live
explorers' code too (``vaecourse/explorer.py`` and ``explorer.js``), which writes their
decoder files when a chapter runs, and on the packed decoders they embed
(``weights/explorers/*.json``): a change to either runs the chapters again. When the build is done, every decoder file a page loads must be in the site (a
warning otherwise), and files no page loads are left out of it.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

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
        code = hashlib.sha256()
        for name in EXPLORER_CODE:
            code.update((Path(app.srcdir) / name).read_bytes())
        # The packed decoders they embed (tools/export_explorers.py writes them).
        for path in sorted((Path(app.srcdir) / EXPLORER_DATA).glob("*.json")):
            code.update(path.read_bytes())
        profile = f"{profile}-site-{code.hexdigest()[:8]}"
    weights = weights_key(Path(app.srcdir) / "weights")
    if weights:
        profile = f"{profile}-weights-{weights}"
    config.vaecourse_profile = profile
    base = (
        config.nb_execution_cache_path
        or Path(app.outdir).parent / ".jupyter_cache"
    )
    config.nb_execution_cache_path = str(Path(base) / profile)


EXPLORER_CODE = ("vaecourse/explorer.py", "vaecourse/explorer.js")
EXPLORER_DATA = "weights/explorers"
_EXPLORER_FILE = re.compile(r"data-key=\"([0-9a-f]+)\"")


def check_explorer_files(app, exception):
    """Every explorer decoder a page loads is in the site; no other is."""
    if exception or app.builder.format != "html":
        return
    folder = Path(app.outdir) / "_static" / "explorers"
    used = set()
    for page in Path(app.outdir).rglob("*.html"):
        used |= set(_EXPLORER_FILE.findall(page.read_text(errors="replace")))
    for key in sorted(used):
        if not (folder / f"data-{key}.js").is_file():
            logger.warning(
                f"profile_keyed_cache: a page loads _static/explorers/data-{key}.js, "
                "which is missing: the chapter came from the execution cache without "
                "writing it. Delete _build/.jupyter_cache and build again.",
                type="profile_keyed_cache",
            )
    for stale in folder.glob("data-*.js"):
        if stale.stem.removeprefix("data-") not in used:
            stale.unlink()


def setup(app):
    # "env": a change of profile between two builds invalidates every page read before.
    app.add_config_value("vaecourse_profile", "reader", "env", str)
    app.connect("config-inited", key_cache_on_profile)
    app.connect("build-finished", check_explorer_files)
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
