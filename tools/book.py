"""The book's table of contents: the one place that walks ``_toc.yml``."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from vaecourse.paths import ROOT

TOC = ROOT / "_toc.yml"
# `train_or_load(model, "name", ...)` or `pretrained("name")` in a chapter's code
_MODEL_CALL = re.compile(
    r"""(?:train_or_load\([^,]+,\s*|pretrained\()\s*["'](\w+)["']"""
)


def toc_entries() -> list[str]:
    """Every file ``_toc.yml`` lists (without suffix, relative to the root), in book order."""
    toc = yaml.safe_load(TOC.read_text())
    entries = [toc["root"]]

    def walk(items):
        for item in items:
            if "file" in item:
                entries.append(item["file"])
            walk(item.get("sections", []))

    for part in toc.get("parts", []):
        walk(part["chapters"])
    walk(toc.get("chapters", []))
    return entries


def numbered_entries(toc_file: Path = TOC) -> list[str]:
    """The files of the ``_toc.yml`` parts marked ``numbered``: the pages Sphinx numbers
    (their figures and exercises are N.k); an appendix page is not numbered."""
    toc = yaml.safe_load(toc_file.read_text())
    return [
        item["file"]
        for part in toc.get("parts", [])
        if part.get("numbered")
        for item in part["chapters"]
    ]


def chapter_notebooks() -> list[Path]:
    """The learners' notebooks in book order: one for every page of ``_toc.yml`` that is
    not a Markdown page, each chapter (``chapters/NN_name.ipynb``) and each appendix page
    with code (``appendix/name.ipynb``)."""
    return [
        ROOT / f"{entry}.ipynb"
        for entry in toc_entries()
        if not (ROOT / f"{entry}.md").exists()
    ]


def chapter_sources() -> list[Path]:
    """The text source of each of :func:`chapter_notebooks` (``chapters/NN_name.py``,
    ``appendix/name.py``), in book order."""
    return [path.with_suffix(".py") for path in chapter_notebooks()]


def docname(path: Path) -> str:
    """The page of a text source or notebook as _toc.yml names it: ``chapters/03_dense_vae``.
    A file outside the repository (an edited copy) is the page of the same name."""
    if path.resolve().is_relative_to(ROOT):
        return path.resolve().relative_to(ROOT).with_suffix("").as_posix()
    (page,) = [e for e in toc_entries() if e.rsplit("/", 1)[-1] == path.stem]
    return page


def find_notebook(key: str) -> Path:
    """The learner's notebook of a chapter by its number (``"06"`` or ``"6"``), or of any
    page by its name (``"papers"``) or path (``"appendix/papers.ipynb"``)."""
    notebooks = chapter_notebooks()
    if key.isdigit():
        matches = [
            p for p in notebooks if p.stem.startswith(f"{int(key):02d}_")
        ]
    else:
        wanted = key.removesuffix(".ipynb").removesuffix(".py")
        matches = [p for p in notebooks if wanted in (p.stem, docname(p))]
    if len(matches) != 1:
        raise SystemExit(
            f"no single page {key!r}: give a chapter's number (e.g. 06) or a page's "
            f"name, one of {', '.join(p.stem for p in notebooks)}"
        )
    return matches[0]


def models_loaded_by(source: Path) -> set[str]:
    """The zoo names a chapter loads by name (``train_or_load`` or ``zoo.pretrained``)."""
    return set(_MODEL_CALL.findall(source.read_text()))


def source_of(entry: str) -> Path:
    """The file the book reads for ``entry``: a chapter's text source ``.py`` (its
    ``.ipynb`` is the learner's rendering), or a Markdown page."""
    for ext in (".py", ".md"):
        if (ROOT / f"{entry}{ext}").exists():
            return ROOT / f"{entry}{ext}"
    raise FileNotFoundError(
        f"_toc.yml names {entry}, which has no source file"
    )


def markdown_text(entry: str) -> str:
    """The prose of a page's source (the Markdown cells of a chapter, or the .md file)."""
    path = source_of(entry)
    if path.suffix != ".py":
        return path.read_text()
    import jupytext

    cells = jupytext.read(path, fmt="py:percent").cells
    return "\n\n".join(c.source for c in cells if c.cell_type == "markdown")
