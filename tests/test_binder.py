"""In Binder each chapter (and appendix page with code) shows once in JupyterLab's file
browser, as its notebook.

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

FOLDERS = ("chapters", "appendix")  # the folders of the pages' text sources
SOURCES = {
    folder: sorted(p.name for p in (ROOT / folder).glob("*.py"))
    for folder in FOLDERS
}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    copy = tmp_path_factory.mktemp("repository")
    for folder in ("binder", *FOLDERS, "solutions"):
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


@pytest.mark.parametrize("folder", FOLDERS)
def test_the_file_browser_shows_each_page_once_as_its_notebook(lab, folder):
    assert len(SOURCES["chapters"]) >= 9, (
        "the chapters' sources were not found"
    )
    assert SOURCES["appendix"], "the appendix's text sources were not found"
    notebooks = {s.replace(".py", ".ipynb") for s in SOURCES[folder]}
    shown = _listing(lab, folder)
    pages = {name for name in shown if not name.endswith(".md")}
    assert {name: shown[name] for name in pages} == dict.fromkeys(
        notebooks, "notebook"
    ), (
        f"{folder}/ in Binder's file browser: {sorted(shown)}; expected only the "
        "pages' notebooks (and Markdown pages): binder/postBuild hides the .py sources"
    )


def test_a_hidden_source_still_opens_by_its_path(lab):
    # Binder has no jupytext: the source is a plain text file there.
    source = SOURCES["chapters"][0]
    model = lab.get(f"api/contents/chapters/{source}")
    assert model["type"] == "file"
    assert model["content"] == (ROOT / "chapters" / source).read_text()


def test_the_solutions_stay_in_the_file_browser(lab):
    solutions = {p.name for p in (ROOT / "solutions").glob("*.py")}
    assert solutions
    assert solutions <= set(_listing(lab, "solutions"))
