"""The book's structure (tools.book): table of contents and chapter files agree, chapters are
numbered, seeded, and their notebooks ship without outputs."""

import json

import pytest

from tools.book import (
    chapter_notebooks,
    chapter_sources,
    numbered_entries,
    toc_entries,
)
from vaecourse.exercises import CHAPTER_NAME
from vaecourse.paths import ROOT

NOTEBOOKS = chapter_notebooks()


def _exists(entry):
    return any((ROOT / f"{entry}{ext}").exists() for ext in (".ipynb", ".md"))


def test_every_toc_entry_exists():
    missing = [entry for entry in toc_entries() if not _exists(entry)]
    assert not missing, f"_toc.yml names files that do not exist: {missing}"


def test_every_chapter_is_in_the_toc():
    listed = set(NOTEBOOKS)
    on_disk = [*ROOT.glob("chapters/*.ipynb"), *ROOT.glob("appendix/*.ipynb")]
    absent = [str(nb.relative_to(ROOT)) for nb in on_disk if nb not in listed]
    assert not absent, f"notebooks missing from _toc.yml: {absent}"


def test_a_chapters_file_says_the_number_sphinx_gives_it():
    """Sphinx numbers the pages of _toc.yml's numbered part 1, 2, ... in order: the k-th
    is chapters/NN_name with NN = k (its exercises and solutions are named after it);
    every other page's name has no number."""
    numbered = numbered_entries()
    expected = [f"{k:02d}" for k in range(1, len(numbered) + 1)]
    names = [entry.rsplit("/", 1)[-1] for entry in numbered]
    assert [name[:2] for name in names] == expected, (
        f"_toc.yml's numbered part lists {names}: chapter k must be "
        "chapters/<k as two digits>_<name>, in order"
    )
    assert all(
        CHAPTER_NAME.fullmatch(name) and entry.startswith("chapters/")
        for entry, name in zip(numbered, names)
    ), names
    others = [
        entry
        for entry in toc_entries()
        if entry not in numbered and CHAPTER_NAME.match(entry.split("/")[-1])
    ]
    assert not others, (
        f"{others}: outside _toc.yml's numbered part, Sphinx does not number these "
        "pages; name them without NN_ (an appendix page is appendix/name)"
    )


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_committed_without_outputs(nb_path):
    nb = json.loads(nb_path.read_text())
    dirty = [
        i
        for i, cell in enumerate(nb["cells"])
        if cell["cell_type"] == "code"
        and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not dirty, (
        f"{nb_path.name}: cells {dirty} hold outputs; regenerate it (make notebooks)"
    )


@pytest.mark.parametrize("source", chapter_sources(), ids=lambda p: p.name)
def test_chapter_seeds_its_generators(source):
    assert "seed_everything(" in source.read_text(), (
        f"{source.name} does not call vaecourse.seed_everything"
    )


@pytest.mark.parametrize("source", chapter_sources(), ids=lambda p: p.stem)
def test_chapter_has_the_three_exercises_the_introduction_promises(source):
    assert (
        "each chapter has at least three" in (ROOT / "intro.md").read_text()
    )
    exercises = source.read_text().count("= vaecourse.check(")
    assert exercises >= 3, (
        f"{source.name} has {exercises} exercises; the intro promises 3"
    )
