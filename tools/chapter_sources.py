"""Chapters are written as text; the notebooks learners open are rendered from it.

Each chapter's source is ``chapters/NN_name.py`` (an appendix page with code:
``appendix/name.py``) in jupytext's ``py:percent`` format: cells start at ``# %%`` lines,
Markdown cells are comments, and a diff reads like code. The book reads it directly, with
its MyST (``_ext/chapter_text_source.py``). Colab and Binder open ``chapters/NN_name.ipynb``,
the learner's rendering of the same text in plain Jupyter (``tools/learner_notebook.py``):
numbers written out from the book's reader build, no MyST. It is committed beside the
source:

    python -m tools.chapter_sources           # (re)write every learner notebook (make notebooks)
    python -m tools.chapter_sources chapters/02_vae_theory.py   # only this one
    python -m tools.chapter_sources --check   # fail when a notebook disagrees with its source

The numbers come from the executed chapters of the last reader build
(``_build/jupyter_execute``), so ``make notebooks`` builds the book first. Generation is a
pure function of the text source, those numbers and ``_config.yml``:

* the Colab cell (written once, below) is inserted after the opening cell (title and
  introduction), collapsed;
* each cell's id is a hash of its type and text, so editing one cell never renames another;
* the notebook's metadata is fixed (the ``python3`` kernel), and no outputs are kept.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

import nbformat
import yaml

from vaecourse.paths import ROOT

from .book import chapter_sources
from .learner_notebook import collapsed, glued_in_executed, learner_cells

FORMAT = "py:percent"
EXECUTED = ROOT / "_build" / "jupyter_execute"
SITE_SOURCES = ROOT / "_build" / "html" / "_sources"
COLAB_TITLE = "# @title Colab set-up: fetches the course in Colab; does nothing elsewhere"
NOTEBOOK_METADATA = {
    "kernelspec": {
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "name": "python3",
    },
    "language_info": {"name": "python"},
}


def colab_cell_source() -> str:
    """The first code cell of every chapter: in Colab, fetch the course (helper package,
    data, weights); elsewhere, nothing. It is shown collapsed, under :data:`COLAB_TITLE`.

    Colab already has TensorFlow, Keras and the scientific stack, so the helper package is
    installed without its dependencies (which would replace Colab's own builds). The cell
    moves into ``chapters/``: the pages read ``../data``, ``../solutions`` and so on, the
    same folders from ``appendix/``.
    """
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"][
        "url"
    ].rstrip("/")
    clone = f"/content/{url.rsplit('/', 1)[-1]}"
    return "\n".join(
        [
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


def executed_notebook(source: Path) -> Path:
    """The chapter as the last book build executed it."""
    return EXECUTED / source.relative_to(ROOT).with_suffix(".ipynb")


def glued_values(source: Path) -> dict[str, str]:
    """The numbers the reader build of the book computed for ``source``'s prose."""
    executed = executed_notebook(source)
    if not executed.exists():
        raise FileNotFoundError(
            f"{executed.relative_to(ROOT)} is missing: the learner's notebook takes its "
            "numbers from the book's reader build. Run `make book`, then `make notebooks` "
            "(which builds the book first)."
        )
    return glued_in_executed(executed)


def notebook_from_source(source: Path, glued: dict[str, str] | None = None):
    """The learner's notebook of ``source``, with the numbers ``glued`` (default: those of
    the last reader build)."""
    cells = learner_cells(
        source, glued_values(source) if glued is None else glued
    )
    cells.insert(1, collapsed(colab_cell_source(), title=COLAB_TITLE))
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
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


def stale_notebooks(sources=None) -> list[Path]:
    """Learner notebooks that differ from what their text source and the last reader
    build generate (of ``sources`` only, when given)."""
    return [
        source.with_suffix(".ipynb")
        for source in chapter_sources()
        if (sources is None or source.resolve() in sources)
        and (
            not source.with_suffix(".ipynb").exists()
            or source.with_suffix(".ipynb").read_text()
            != render(notebook_from_source(source))
        )
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
    stale = stale_notebooks(only or None)
    if args.check:
        if stale:
            names = ", ".join(str(p.relative_to(ROOT)) for p in stale)
            print(
                f"{names} disagree with their text sources (the .py beside them) and the "
                "book's last reader build. Run `make notebooks` (it builds the book, then "
                "renders them), then commit both."
            )
            return 1
        return 0
    for path in stale:
        path.write_text(render(notebook_from_source(path.with_suffix(".py"))))
        print(f"wrote {path.relative_to(ROOT)}")
        # the built site offers it for download (_ext/chapter_text_source.py)
        offered = SITE_SOURCES / path.relative_to(ROOT)
        if offered.parent.is_dir():
            offered.write_bytes(path.read_bytes())
    return 0


if __name__ == "__main__":
    sys.exit(main())
