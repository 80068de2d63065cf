"""The book is never published from another profile's outputs (``_ext/profile_keyed_cache.py``).

Jupyter Book's execution cache keys a notebook on its code, not on ``VAECOURSE_PROFILE``. A
small book with the course's execution settings and extension is built twice: first in the
quick profile (as a test run might), then as the README builds the book. The second build
must execute again and publish reader-profile outputs; a third, quick again, must come from
the quick profile's own cache.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

import nbformat
import yaml

from tools.processes import run_bounded
from vaecourse.paths import ROOT
from vaecourse.profiles import PROFILE_ENV

JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
MAKEFILE = (ROOT / "Makefile").read_text()


def _tiny_book(folder: Path) -> None:
    shutil.copytree(ROOT / "_ext", folder / "_ext")
    config = {
        "title": "cache test",
        "only_build_toc_files": True,
        "execute": CONFIG["execute"],
        "sphinx": {"local_extensions": CONFIG["sphinx"]["local_extensions"]},
    }
    (folder / "_config.yml").write_text(yaml.safe_dump(config))
    (folder / "_toc.yml").write_text("format: jb-book\nroot: page\n")
    page = nbformat.v4.new_notebook(
        metadata={
            "kernelspec": {
                "name": "python3",
                "display_name": "Python 3",
                "language": "python",
            }
        }
    )
    page.cells = [
        nbformat.v4.new_markdown_cell("# Page"),
        nbformat.v4.new_code_cell(
            "import os\nprint('profile:', os.environ.get('VAECOURSE_PROFILE', 'reader'))"
        ),
    ]
    nbformat.write(page, folder / "page.ipynb")


def _build(folder: Path, profile: str) -> tuple[str, str]:
    """(the page's HTML, the build log) of a build with VAECOURSE_PROFILE=profile."""
    env = {**os.environ, "VAECOURSE_PROFILE": profile}
    done = run_bounded(
        [str(JUPYTER_BOOK), "build", str(folder), "-W", "-n"],
        timeout=300,
        env=env,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return (folder / "_build" / "html" / "page.html").read_text(), done.stdout


def test_the_extension_reads_the_variable_vaecourse_reads():
    spec = importlib.util.spec_from_file_location(
        "ext", ROOT / "_ext" / "profile_keyed_cache.py"
    )
    extension = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(extension)
    assert extension.PROFILE_ENV == PROFILE_ENV


def test_the_book_is_built_in_the_reader_profile():
    assert "VAECOURSE_PROFILE=reader $(BIN)/jupyter-book build" in MAKEFILE


def test_a_quick_build_never_feeds_the_reader_book(tmp_path):
    _tiny_book(tmp_path)
    html, _ = _build(tmp_path, "quick")
    assert "profile: quick" in html

    html, log = _build(tmp_path, "reader")
    assert "profile: reader" in html and "profile: quick" not in html
    assert "Executing notebook" in log, (
        "the reader build reused the quick profile's outputs"
    )

    html, log = _build(tmp_path, "quick")
    assert "profile: quick" in html
    assert "Executing notebook" not in log, (
        "the quick build missed its own cache"
    )
    caches = {
        p.name for p in (tmp_path / "_build" / ".jupyter_cache").iterdir()
    }
    assert caches == {"quick", "reader"}


def test_new_weights_get_a_cache_of_their_own(tmp_path):
    """After a retraining the chapters run again: the cache is keyed on the weights."""
    spec = importlib.util.spec_from_file_location(
        "profile_keyed_cache", ROOT / "_ext" / "profile_keyed_cache.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.weights_key(tmp_path) == ""
    (tmp_path / "a.weights.h5").write_bytes(b"one")
    first = module.weights_key(tmp_path)
    (tmp_path / "a.weights.h5").write_bytes(b"two")
    assert first and module.weights_key(tmp_path) not in ("", first)
    assert module.weights_key(ROOT / "weights"), "no shipped weights found"
