"""Every chapter opens in Colab ready to run, and the same cell does nothing anywhere else.

The first code cell of every chapter is the Colab cell: identical text in every chapter,
tagged ``remove-cell`` (it is plumbing, not lesson), cloning this repository (the URL in
``_config.yml``). It is executed here in a fresh IPython, once as it is (no ``google.colab``
module: nothing may happen) and once with a stand-in ``google.colab`` module (it must clone,
install, and move into the chapters folder). Shell commands (``!git ...``) are recorded, not
run, in both cases, so the test needs no network.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
REPO_URL = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"].rstrip("/")
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


REFERENCE = source(first_code_cell(ROOT / "chapters" / "01_autoencoders.ipynb"))


def run_cell(code: str, mode: str, cwd: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COLAB")}
    done = subprocess.run([sys.executable, "-c", RUNNER, mode], input=code, text=True,
                          capture_output=True, cwd=cwd, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_reference_cell_clones_this_repository():
    assert "google.colab" in REFERENCE, "chapter 1's first code cell is not the Colab cell"
    assert f"git clone --depth 1 {REPO_URL} {CLONE_DIR}" in REFERENCE, (
        f"the Colab cell must shallow-clone _config.yml's repository url {REPO_URL}")


@pytest.mark.parametrize("nb_path", CHAPTERS, ids=lambda p: p.stem)
def test_first_code_cell_is_the_colab_cell(nb_path):
    cell = first_code_cell(nb_path)
    assert source(cell) == REFERENCE, (
        f"{nb_path.name}: the first code cell must be chapter 1's Colab cell, verbatim")
    assert "remove-cell" in cell.get("metadata", {}).get("tags", []), (
        f"{nb_path.name}: the Colab cell must be tagged remove-cell")


@pytest.mark.parametrize("nb_path", CHAPTERS, ids=lambda p: p.stem)
def test_colab_cell_does_nothing_outside_colab(nb_path, tmp_path):
    outcome = run_cell(source(first_code_cell(nb_path)), "plain", tmp_path)
    assert outcome["ok"], outcome["error"]
    assert outcome["commands"] == [], f"shell commands ran outside Colab: {outcome['commands']}"
    assert not outcome["cwd_changed"], "the Colab cell changed the working directory"
    assert outcome["new_path"] == [], f"sys.path grew: {outcome['new_path']}"
    assert list(tmp_path.iterdir()) == [], "the Colab cell wrote files outside Colab"


@pytest.mark.parametrize("nb_path", CHAPTERS, ids=lambda p: p.stem)
def test_colab_cell_fetches_the_course_inside_colab(nb_path, tmp_path):
    outcome = run_cell(source(first_code_cell(nb_path)), "colab", tmp_path)
    assert outcome["ok"], outcome["error"]
    commands = outcome["commands"]
    assert any(c.startswith("git clone") and REPO_URL in c and CLONE_DIR in c for c in commands), (
        commands)
    assert any("pip install" in c and CLONE_DIR in c for c in commands), commands
    assert CLONE_DIR in outcome["new_path"], "the helper package is not importable in Colab"
    assert outcome["chdirs"] == [f"{CLONE_DIR}/chapters"], (
        "chapters read ../data, ../weights, ../solutions: the cell must move into chapters/")
