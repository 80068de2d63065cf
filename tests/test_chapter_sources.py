"""Chapters are text sources; the learners' notebooks are rendered from them
(tools.chapter_sources, tools.learner_notebook).

* Every committed notebook is exactly what its text source and the book's reader build
  (its glued numbers) render, so the notebook that Colab and Binder open is the one
  reviewed as text, with the numbers the book shows.
* No learner notebook holds MyST: Colab shows it as raw text.
* Cell ids depend on a cell's own text only: editing one cell renames no other.
* The Colab cell, written once in the generator, opens every chapter. It is executed here in a
  fresh IPython, once as it is (no ``google.colab`` module: nothing may happen) and once with a
  stand-in ``google.colab`` module (it must clone, install, and move into the chapters
  folder). Shell commands (``!git ...``) are recorded, not run, so the test needs no network.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from tools.book import chapter_notebooks, chapter_sources
from tools.chapter_sources import (
    COLAB_TITLE,
    colab_cell_source,
    glued_values,
    notebook_from_source,
    render,
)
from tools.learner_notebook import myst_leftovers
from vaecourse.paths import ROOT

CHAPTERS = chapter_notebooks()
REPO_URL = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"][
    "url"
].rstrip("/")
CLONE_DIR = "/content/" + REPO_URL.rsplit("/", 1)[-1]

# Run in a fresh interpreter: the cell's source on stdin, "colab" or "plain" as argv[1].
RUNNER = textwrap.dedent(
    """
    import json, os, sys, types
    from IPython.core.interactiveshell import InteractiveShell

    code = sys.stdin.read()
    shell = InteractiveShell.instance()
    commands, chdirs = [], []
    shell.system = commands.append            # `!cmd` lines are recorded, never run
    if sys.argv[1] == "colab":
        sys.modules["google.colab"] = types.ModuleType("google.colab")
        os.chdir = chdirs.append              # Colab's /content does not exist here
    cwd, path = os.getcwd(), list(sys.path)
    result = shell.run_cell(code)
    print(json.dumps({
        "ok": result.success,
        "error": repr(result.error_in_exec or result.error_before_exec),
        "commands": commands,
        "chdirs": chdirs,
        "cwd_changed": os.getcwd() != cwd,
        "new_path": [p for p in sys.path if p not in path],
    }))
    """
)


def first_code_cell(nb_path: Path) -> dict:
    cells = json.loads(nb_path.read_text())["cells"]
    return next(c for c in cells if c["cell_type"] == "code")


def source(cell: dict) -> str:
    return "".join(cell["source"]).strip()


REFERENCE = f"{COLAB_TITLE}\n{colab_cell_source()}"


def run_cell(code: str, mode: str, cwd: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COLAB")}
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, mode],
        input=code,
        text=True,
        capture_output=True,
        cwd=cwd,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("nb_path", CHAPTERS, ids=lambda p: p.stem)
def test_notebook_is_generated_from_its_text_source(nb_path):
    text_source = nb_path.with_suffix(".py")
    assert text_source.exists(), (
        f"{nb_path.name} has no text source {text_source.name}"
    )
    assert nb_path.read_text() == render(notebook_from_source(text_source)), (
        f"{nb_path.name} disagrees with {text_source.name} and the book's reader build: "
        "edit the .py, then regenerate with `make notebooks` and commit both"
    )


@pytest.mark.parametrize("nb_path", CHAPTERS, ids=lambda p: p.stem)
def test_learner_notebook_holds_no_myst(nb_path):
    import nbformat

    leftovers = myst_leftovers(nbformat.read(nb_path, as_version=4))
    assert not leftovers, (
        f"{nb_path.name} shows MyST a learner would read as raw text: {leftovers[:5]}"
    )


def test_myst_leftovers_are_found():
    import nbformat

    for text in [
        "a {glue:text}`x:.1f` b",
        "see {numref}`fig-1`",
        "```{exercise-start} T\n:label: e\n```",
        "(ch01-explorer)=",
        "$$ (eq-x)",
    ]:
        nb = nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_markdown_cell(text)]
        )
        assert myst_leftovers(nb), text


@pytest.mark.parametrize("nb_path", CHAPTERS, ids=lambda p: p.stem)
def test_learner_notebook_shows_the_built_numbers(nb_path):
    """Every glued number of the reader build is written out in the learner's prose."""
    import nbformat

    from tools.learner_notebook import THIS_RUN, format_glued

    text = "\n".join(
        c.source
        for c in nbformat.read(nb_path, as_version=4).cells
        if c.cell_type == "markdown"
    )
    glued = glued_values(nb_path.with_suffix(".py"))
    quoted = re.findall(
        r"\{glue:text\}`([^`:]+):?([^`]*)`",
        nb_path.with_suffix(".py").read_text(),
    )
    assert quoted or not glued
    for name, spec in quoted:
        if name.endswith(THIS_RUN):  # a timing of the machine: not quoted
            continue
        assert format_glued(glued[name], spec) in text, (
            f"{nb_path.name}: the number {name} is not in the learner's text"
        )


@pytest.mark.parametrize("nb_path", CHAPTERS, ids=lambda p: p.stem)
def test_checks_and_hidden_cells_are_collapsed(nb_path):
    """The cells the book hides, and the asserts and glue calls that end a cell, are
    collapsed for the learner (JupyterLab: source_hidden; Colab: form view)."""
    import nbformat

    for cell in nbformat.read(nb_path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        lines = [line for line in cell.source.splitlines() if line.strip()]
        last = lines[-1] if lines else ""
        hidden = cell.metadata.get("jupyter", {}).get("source_hidden", False)
        if last.startswith(("assert ", "vaecourse.glue(")):
            assert hidden, (
                f"{nb_path.name}: a check in plain view:\n{cell.source}"
            )
        if hidden:
            assert cell.metadata.get("cellView") == "form"
            assert cell.source.startswith("# @title "), (
                "Colab shows a collapsed cell by its title"
            )


def test_every_chapter_source_is_in_the_book():
    listed = set(chapter_sources())
    on_disk = {*ROOT.glob("chapters/*.py"), *ROOT.glob("appendix/*.py")}
    assert on_disk == listed, f"not in _toc.yml: {sorted(on_disk - listed)}"


def test_editing_one_cell_renames_no_other(tmp_path):
    original = ROOT / "chapters" / "02_vae_theory.py"
    glued = glued_values(original)
    text = original.read_text()
    first_markdown = text.index("# %% [markdown]\n# ## ")
    edited = tmp_path / original.name
    edited.write_text(
        text[:first_markdown]
        + "# %%\nprint('a new cell')\n\n"
        + text[first_markdown:]
    )
    before = [c.id for c in notebook_from_source(original, glued).cells]
    after = [c.id for c in notebook_from_source(edited, glued).cells]
    assert len(after) == len(before) + 1
    assert set(before) <= set(after), (
        "an unrelated edit changed existing cell ids"
    )


def test_reference_cell_clones_this_repository():
    assert "google.colab" in REFERENCE
    assert f"git clone --depth 1 {REPO_URL} {CLONE_DIR}" in REFERENCE, (
        f"the Colab cell must shallow-clone _config.yml's repository url {REPO_URL}"
    )


@pytest.mark.parametrize("nb_path", CHAPTERS, ids=lambda p: p.stem)
def test_first_code_cell_is_the_colab_cell(nb_path):
    cell = first_code_cell(nb_path)
    assert source(cell) == REFERENCE, (
        f"{nb_path.name}: the first code cell is not the Colab cell"
    )
    assert cell["metadata"].get("jupyter", {}).get("source_hidden"), (
        f"{nb_path.name}: the Colab cell must be collapsed outside Colab"
    )


@pytest.mark.parametrize("nb_path", CHAPTERS, ids=lambda p: p.stem)
def test_colab_cell_does_nothing_outside_colab(nb_path, tmp_path):
    outcome = run_cell(source(first_code_cell(nb_path)), "plain", tmp_path)
    assert outcome["ok"], outcome["error"]
    assert outcome["commands"] == [], (
        f"shell commands ran outside Colab: {outcome['commands']}"
    )
    assert not outcome["cwd_changed"], (
        "the Colab cell changed the working directory"
    )
    assert outcome["new_path"] == [], f"sys.path grew: {outcome['new_path']}"
    assert list(tmp_path.iterdir()) == [], (
        "the Colab cell wrote files outside Colab"
    )


@pytest.mark.parametrize("nb_path", CHAPTERS, ids=lambda p: p.stem)
def test_colab_cell_fetches_the_course_inside_colab(nb_path, tmp_path):
    outcome = run_cell(source(first_code_cell(nb_path)), "colab", tmp_path)
    assert outcome["ok"], outcome["error"]
    commands = outcome["commands"]
    assert any(
        c.startswith("git clone") and REPO_URL in c and CLONE_DIR in c
        for c in commands
    ), commands
    assert any(
        "pip install" in c and "--no-deps" in c and CLONE_DIR in c
        for c in commands
    ), (
        "Colab has TensorFlow and the rest: install the course's package without dependencies"
    )
    assert CLONE_DIR in outcome["new_path"], (
        "the helper package is not importable in Colab"
    )
    assert outcome["chdirs"] == [f"{CLONE_DIR}/chapters"], (
        "chapters read ../data, ../weights, ../solutions: the cell must move into chapters/"
    )
