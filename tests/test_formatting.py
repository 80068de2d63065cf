"""Code fits the page column: the chapters, solutions, package, tools and tests are
formatted by ruff at the line length of ``[tool.ruff]`` in pyproject.toml (78: what the
page's code cells hold at 1280 px), and no code cell of a chapter has a longer line."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib

import pytest

from tools.book import chapter_notebooks
from vaecourse.paths import ROOT

LINE_LENGTH = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"][
    "ruff"
]["line-length"]


def test_ruff_formats_everything_to_the_column():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, (
        "files not formatted to the page column; run `ruff format .`:\n"
        + result.stdout
        + result.stderr
    )


@pytest.mark.parametrize(
    "notebook",
    chapter_notebooks(),
    ids=lambda p: p.stem,
)
def test_no_shown_code_line_is_wider_than_the_column(notebook):
    wide = []
    for cell in json.loads(notebook.read_text())["cells"]:
        # collapsed for the learner (and hidden on the site): not shown
        hidden = (
            cell.get("metadata", {}).get("jupyter", {}).get("source_hidden")
        )
        if cell["cell_type"] != "code" or hidden:
            continue
        for line in "".join(cell["source"]).splitlines():
            if len(line) > LINE_LENGTH:
                wide.append(line)
    assert not wide, (
        f"{notebook.name}: lines over {LINE_LENGTH} characters: {wide}"
    )
