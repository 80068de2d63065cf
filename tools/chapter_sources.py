"""Chapters are written as text; their notebooks are generated from it.

Each chapter's source is ``chapters/NN_name.py`` in jupytext's ``py:percent`` format: cells
start at ``# %%`` lines, Markdown cells are comments, and a diff reads like code. Colab,
Binder and Jupyter Book need notebooks, so ``chapters/NN_name.ipynb`` is generated from it and
committed beside it:

    python -m tools.chapter_sources           # (re)write every chapter notebook  (make notebooks)
    python -m tools.chapter_sources chapters/02_vae_theory.py   # only this one
    python -m tools.chapter_sources --check   # fail when a notebook disagrees with its source

Generation is a pure function of the text source and ``_config.yml``:

* the Colab cell (written once, below) is inserted after the opening cell (title and
  introduction), tagged ``remove-cell``;
* each cell's id is a hash of its type and text, so editing one cell never renames another;
* the notebook's metadata is fixed (the ``python3`` kernel), and no outputs are kept.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import jupytext
import nbformat
import yaml

from vaecourse.paths import ROOT

from .book import chapter_sources

FORMAT = "py:percent"
NOTEBOOK_METADATA = {
    "kernelspec": {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    },
    "language_info": {"name": "python"},
}


def colab_cell_source() -> str:
    """The first code cell of every chapter: in Colab, fetch the course; elsewhere, nothing.

    Colab already has TensorFlow, Keras and the scientific stack, so the helper package is
    installed without its dependencies (which would replace Colab's own builds).
    """
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"][
        "url"
    ].rstrip("/")
    clone = f"/content/{url.rsplit('/', 1)[-1]}"
    return "\n".join(
        [
            "# Colab only: fetch the course (helper package, data, weights). "
            "Does nothing elsewhere.",
            "import os, sys",
            f'if "google.colab" in sys.modules and not os.path.isdir("{clone}"):',
            f"    !git clone --depth 1 {url} {clone}",
            f"    !pip install --quiet --no-deps -e {clone}",
            f'    sys.path.insert(0, "{clone}")',
            f'    os.chdir("{clone}/chapters")',
        ]
    )


def _cell_id(cell, seen: dict[str, int]) -> str:
    digest = hashlib.sha1(
        f"{cell.cell_type}\n{cell.source}".encode()
    ).hexdigest()[:12]
    seen[digest] = seen.get(digest, 0) + 1
    return digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"


def notebook_from_source(source: Path) -> nbformat.NotebookNode:
    """The chapter notebook generated from its text source."""
    nb = jupytext.read(source, fmt=FORMAT)
    colab = nbformat.v4.new_code_cell(
        colab_cell_source(), metadata={"tags": ["remove-cell"]}
    )
    nb.cells.insert(1, colab)  # after the chapter's title and introduction
    seen: dict[str, int] = {}
    for cell in nb.cells:
        cell.id = _cell_id(cell, seen)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    nb.metadata = nbformat.from_dict(NOTEBOOK_METADATA)
    nb.nbformat, nb.nbformat_minor = 4, 5
    return nb


def render(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb) + "\n"


def source_from_notebook(notebook: Path) -> str:
    """The text source of a notebook: its cells without the Colab cell, ids or outputs.

    For turning a notebook into a chapter (or taking back edits made in Jupyter to the
    generated notebook); the text source is what is committed and edited.
    """
    nb = jupytext.read(notebook)
    colab = colab_cell_source().split("\n", 1)[0]
    nb.cells = [c for c in nb.cells if not c.source.startswith(colab)]
    nb.metadata = {"jupytext": {"notebook_metadata_filter": "-all"}}
    return jupytext.writes(nb, fmt=FORMAT)


def stale_notebooks() -> list[Path]:
    """Chapter notebooks that differ from what their text source generates."""
    return [
        source.with_suffix(".ipynb")
        for source in chapter_sources()
        if not source.with_suffix(".ipynb").exists()
        or source.with_suffix(".ipynb").read_text()
        != render(notebook_from_source(source))
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="only report notebooks that are out of date",
    )
    parser.add_argument(
        "sources",
        nargs="*",
        type=Path,
        help="only these text sources (default: all)",
    )
    args = parser.parse_args(argv)
    only = {source.resolve() for source in args.sources}
    missing = [s for s in chapter_sources() if not s.exists()]
    if missing:
        print(
            f"No text source for: {', '.join(str(m.relative_to(ROOT)) for m in missing)}"
        )
        return 1
    stale = [
        p
        for p in stale_notebooks()
        if not only or p.with_suffix(".py") in only
    ]
    if args.check:
        if stale:
            names = ", ".join(str(p.relative_to(ROOT)) for p in stale)
            print(
                f"{names} disagree with their text sources (chapters/*.py). "
                "Run `make notebooks` to regenerate them, then commit both."
            )
            return 1
        return 0
    for path in stale:
        path.write_text(render(notebook_from_source(path.with_suffix(".py"))))
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
