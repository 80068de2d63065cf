"""In Binder each chapter shows once in JupyterLab's file browser, as its notebook.

repo2docker itself is not available here: the tests run binder/postBuild as it would (from a
copy of the repository, writing a fresh Jupyter config folder) and start JupyterLab on that
config (tools/lab_server.py), then list folders through the server's REST API, which is what
the file browser shows.
"""

from __future__ import annotations

import shutil

import pytest

from tools.lab_server import binder_lab
from vaecourse.paths import ROOT

SOURCES = sorted(p.name for p in (ROOT / "chapters").glob("[0-9][0-9]_*.py"))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    copy = tmp_path_factory.mktemp("repository")
    for folder in ("binder", "chapters", "solutions"):
        shutil.copytree(
            ROOT / folder,
            copy / folder,
            ignore=shutil.ignore_patterns(
                "__pycache__", ".ipynb_checkpoints"
            ),
        )
    # Hidden by Jupyter's default globs, which postBuild must keep.
    (copy / "chapters" / "__pycache__").mkdir()
    with binder_lab(root=copy) as server:
        yield server


def _listing(lab, folder):
    return {
        item["name"]: item["type"]
        for item in lab.get(f"api/contents/{folder}")["content"]
    }


def test_the_file_browser_shows_each_chapter_once_as_its_notebook(lab):
    assert len(SOURCES) >= 9, "the chapters' sources were not found"
    notebooks = {source.replace(".py", ".ipynb") for source in SOURCES}
    shown = _listing(lab, "chapters")
    assert shown == dict.fromkeys(notebooks, "notebook"), (
        f"chapters/ in Binder's file browser: {sorted(shown)}; expected only "
        "the chapters' notebooks (binder/postBuild hides the .py sources)"
    )


def test_a_hidden_source_still_opens_by_its_path(lab):
    # Binder has no jupytext: the source is a plain text file there.
    model = lab.get(f"api/contents/chapters/{SOURCES[0]}")
    assert model["type"] == "file"
    assert model["content"] == (ROOT / "chapters" / SOURCES[0]).read_text()


def test_the_solutions_stay_in_the_file_browser(lab):
    solutions = {p.name for p in (ROOT / "solutions").glob("*.py")}
    assert solutions
    assert solutions <= set(_listing(lab, "solutions"))
