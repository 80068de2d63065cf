"""The book's structure (tools.book): table of contents and chapter files agree, chapters are
numbered, seeded, and their notebooks ship without outputs."""

import json

import pytest

from tools.book import chapter_notebooks, chapter_sources, toc_entries
from vaecourse.paths import CHAPTERS_DIR, ROOT

NOTEBOOKS = chapter_notebooks()


def _exists(entry):
    return any((ROOT / f"{entry}{ext}").exists() for ext in (".ipynb", ".md"))


def test_every_toc_entry_exists():
    missing = [entry for entry in toc_entries() if not _exists(entry)]
    assert not missing, f"_toc.yml names files that do not exist: {missing}"


def test_every_chapter_is_in_the_toc():
    listed = set(NOTEBOOKS)
    absent = [
        nb.name for nb in CHAPTERS_DIR.glob("*.ipynb") if nb not in listed
    ]
    assert not absent, f"chapters missing from _toc.yml: {absent}"


def test_chapters_are_numbered_in_book_order():
    numbers = [nb.name[:3] for nb in NOTEBOOKS]
    assert all(n[:2].isdigit() and n[2] == "_" for n in numbers), numbers
    assert numbers == sorted(set(numbers)), (
        "chapters must be numbered 01_, 02_, ... in toc order"
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
