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


def numbered_entries() -> list[str]:
    """The files of the ``_toc.yml`` parts marked ``numbered``: the pages Sphinx numbers
    (their figures and exercises are N.k); an appendix page is not numbered."""
    toc = yaml.safe_load(TOC.read_text())
    return [
        item["file"]
        for part in toc.get("parts", [])
        if part.get("numbered")
        for item in part["chapters"]
    ]


def chapter_notebooks() -> list[Path]:
    """The chapter notebooks in book order (the pages that ``_toc.yml`` lists as notebooks)."""
    return [
        ROOT / f"{entry}.ipynb"
        for entry in toc_entries()
        if entry.startswith("chapters/")
    ]


def chapter_sources() -> list[Path]:
    """The text source of each chapter (``chapters/NN_name.py``), in book order."""
    return [path.with_suffix(".py") for path in chapter_notebooks()]


def models_loaded_by(source: Path) -> set[str]:
    """The zoo names a chapter loads by name (``train_or_load`` or ``zoo.pretrained``)."""
    return set(_MODEL_CALL.findall(source.read_text()))
