"""A local Sphinx extension: MathJax 3 served by the site itself, by components.

MathJax comes from the npm registry (``package.json`` pins it; ``make js-packages`` installs
it into ``node_modules/mathjax``). When the build is done, this extension copies into
``_static/mathjax/`` only what the pages load:

* ``startup.js``, the loader, which ``_config.yml``'s ``mathjax_path`` names; it loads the
  components that ``mathjax3_config.loader.load`` lists, from beside itself:
* ``core.js``, ``input/tex.js`` (TeX with the ams, newcommand, configmacros, noundefined
  and autoload packages), ``output/chtml.js`` and ``output/chtml/fonts/tex.js`` (HTML and
  CSS output, and the metrics of its fonts) and ``a11y/assistive-mml.js`` (hidden MathML
  that screen readers read);
* ``input/tex/extensions/``, TeX packages that ``autoload`` fetches only when a page uses
  one of their macros, and ``output/chtml/fonts/woff-v2/``, the web fonts, each fetched
  only when a page draws a character of it.

The combined ``tex-chtml.js`` that the sphinx-mathjax-offline package served holds the same
plus the right-click menu: 1.16 MB on every page with maths, against 0.77 MB here. Pages
without maths load no MathJax at all (``light_pages.py``). Scripts added by the loader are
classic scripts, so the maths is typeset from ``file://`` too.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: What the site serves, relative to the package's ``es5/`` folder.
FILES = (
    "startup.js",
    "core.js",
    "input/tex.js",
    "output/chtml.js",
    "output/chtml/fonts/tex.js",
    "a11y/assistive-mml.js",
)
FOLDERS = ("input/tex/extensions", "output/chtml/fonts/woff-v2")


def source_folder(app) -> Path:
    """``node_modules/mathjax/es5`` of the book being built, or else of the project this
    extension belongs to (a single page, or a test's small book, built from elsewhere)."""
    here = Path(app.srcdir) / "node_modules" / "mathjax" / "es5"
    project = Path(__file__).resolve().parents[1] / "node_modules"
    return here if here.is_dir() else project / "mathjax" / "es5"


def serves_mathjax(config) -> bool:
    """Whether the book serves MathJax from its own ``_static/mathjax`` (the course's
    ``_config.yml``), rather than from another path it was given."""
    return str(config.mathjax_path).startswith("mathjax/")


def check_installed(app, config):
    if not serves_mathjax(config):
        return
    folder = source_folder(app)
    missing = [f for f in FILES if not (folder / f).is_file()]
    if missing:
        raise ExtensionError(
            f"MathJax is not installed: {folder} lacks {', '.join(missing)}. Install the "
            "npm packages with `make js-packages` (`make book` does: npm ci, the versions "
            "package-lock.json pins)."
        )


def copy_mathjax(app, exception):
    if exception or app.builder.format != "html":
        return
    if not serves_mathjax(app.config):
        return
    source = source_folder(app)
    target = Path(app.outdir) / "_static" / "mathjax"
    shutil.rmtree(target, ignore_errors=True)
    for name in FILES:
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / name, target / name)
    for name in FOLDERS:
        shutil.copytree(source / name, target / name)
    licence = source.parent / "LICENSE"
    if licence.is_file():
        shutil.copyfile(licence, target / "LICENSE")
    size = sum((target / name).stat().st_size for name in FILES)
    logger.info(
        f"mathjax_local: MathJax components in _static/mathjax "
        f"({size / 1e6:.2f} MB loaded on a page with maths, fonts aside)"
    )


def setup(app):
    app.connect("config-inited", check_installed)
    app.connect("build-finished", copy_mathjax)
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
