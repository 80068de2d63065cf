"""Exercises in the chapters (vaecourse.checks, solutions/): every exercise has one name that
finds its stub's check call, its solution file, its dropdown and its checker; numbering is
"Exercise N.k" in a chapter, "Exercise k" on an appendix page (as Sphinx numbers them); no
hidden cell replaces the learner's work."""

import re

import pytest

from tools.book import chapter_sources, numbered_entries
from vaecourse.exercises import chapter_number, exercises
from vaecourse.paths import SOLUTIONS_DIR

EXERCISES = exercises()
SOLUTIONS = sorted(SOLUTIONS_DIR.glob("*.py"))
SOURCES = {source.stem: source for source in chapter_sources()}
CHECK_CALL = re.compile(r"""vaecourse\.check\(\s*["'](\w+)["']""")


def test_the_checker_numbers_pages_as_sphinx_does():
    """vaecourse numbers a page's exercises N.k when its name starts with N (NN_), k
    otherwise; Sphinx numbers the pages of _toc.yml's numbered part 1, 2, ... in order,
    and no other page."""
    numbered = [entry.rsplit("/", 1)[-1] for entry in numbered_entries()]
    for page in {e.page for e in EXERCISES.values()}:
        sphinx = numbered.index(page) + 1 if page in numbered else None
        assert chapter_number(page) == sphinx, (
            f"{page}: Sphinx numbers it {sphinx}, the checker {chapter_number(page)}"
        )


def test_every_solution_file_belongs_to_an_exercise_and_back():
    assert {p.stem for p in SOLUTIONS} == set(EXERCISES)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_name_says_page_place_and_what(name):
    page = EXERCISES[name].page
    assert page in SOURCES, f"{name}: no page {page} in _toc.yml"
    assert re.fullmatch(rf"{page}_\d+_[a-z0-9_]+", name), (
        f"{name} must read {page}_<k>_<what>"
    )


@pytest.mark.parametrize("source", chapter_sources(), ids=lambda p: p.stem)
def test_chapter_checks_shows_and_numbers_each_of_its_exercises(source):
    text = source.read_text()
    assert "%run" not in text, (
        f"{source.name}: no hidden cell may run a solution"
    )
    called = CHECK_CALL.findall(text)
    mine = sorted(n for n, e in EXERCISES.items() if e.page == source.stem)
    assert sorted(called) == mine, (
        f"{source.name} checks {called}; registered: {mine}"
    )
    assert len(called) >= 3, (
        f"{source.name} has {len(called)} exercises; at least 3 are due"
    )
    numbers = [EXERCISES[n].number for n in called]
    chapter = chapter_number(source.stem)
    # Sphinx numbers a chapter's exercises N.k, an appendix page's k (no chapter number).
    prefix = "" if chapter is None else f"{chapter}."
    assert numbers == [f"{prefix}{k}" for k in range(1, len(numbers) + 1)], (
        f"{source.name}: exercises appear in the order {numbers}"
    )
    for name in called:
        label = EXERCISES[name].label
        # sphinx-exercise numbers the exercise (Exercise N.k, from the chapter's number in
        # _toc.yml) and makes the label a link target; the solution dropdown follows it.
        exercise = re.search(
            rf"^# ```{{exercise-start}} .+\n# :label: {label}\n",
            text,
            re.MULTILINE,
        )
        assert exercise, (
            f"{source.name}: no '{{exercise-start}} <title>' with ':label: {label}' "
            f"for {name}"
        )
        solution = re.search(
            rf"^# ```{{solution-start}} {label}\n# :class: dropdown\n"
            rf"(?:#.*\n)*?# ```{{literalinclude}} \.\./solutions/{name}\.py\n",
            text,
            re.MULTILINE,
        )
        assert solution and solution.start() > exercise.start(), (
            f"{source.name}: no solution dropdown ({{solution-start}} {label}) "
            f"showing solutions/{name}.py after the exercise"
        )
