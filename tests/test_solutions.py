"""Exercises in the chapters (vaecourse.checks, solutions/): every exercise has one name that
finds its stub's check call, its solution file, its dropdown and its checker; numbering is
"Exercise N.k" in a chapter, "Exercise k" on an appendix page (as Sphinx numbers them); no
hidden cell replaces the learner's work."""

import re

import pytest

from tools.book import chapter_sources, numbered_entries
from vaecourse.exercises import APPENDIX_PAGES, exercises
from vaecourse.paths import SOLUTIONS_DIR

EXERCISES = exercises()
SOLUTIONS = sorted(SOLUTIONS_DIR.glob("*.py"))
SOURCES = {source.stem[:2]: source for source in chapter_sources()}
CHECK_CALL = re.compile(r"""vaecourse\.check\(\s*["'](\w+)["']""")


def test_appendix_pages_are_the_unnumbered_pages_with_exercises():
    """vaecourse numbers the exercises of APPENDIX_PAGES as Sphinx numbers the pages of
    _toc.yml's unnumbered part: without a chapter number."""
    numbered = {entry.rsplit("/", 1)[-1] for entry in numbered_entries()}
    pages = {e.page for e in EXERCISES.values()}
    assert pages - numbered == APPENDIX_PAGES, (
        f"pages with exercises outside _toc.yml's numbered part: {pages - numbered}; "
        f"vaecourse.exercises.APPENDIX_PAGES: {sorted(APPENDIX_PAGES)}"
    )


def test_every_solution_file_belongs_to_an_exercise_and_back():
    assert {p.stem for p in SOLUTIONS} == set(EXERCISES)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_name_says_chapter_number_and_what(name):
    source = SOURCES.get(name[:2])
    assert source, f"{name}: no chapter {name[:2]}"
    assert re.fullmatch(rf"{source.stem}_\d+_[a-z0-9_]+", name), (
        f"{name} must read {source.stem}_<k>_<what>"
    )


@pytest.mark.parametrize("source", chapter_sources(), ids=lambda p: p.stem)
def test_chapter_checks_shows_and_numbers_each_of_its_exercises(source):
    text = source.read_text()
    assert "%run" not in text, (
        f"{source.name}: no hidden cell may run a solution"
    )
    called = CHECK_CALL.findall(text)
    mine = sorted(n for n in EXERCISES if n.startswith(source.stem))
    assert sorted(called) == mine, (
        f"{source.name} checks {called}; registered: {mine}"
    )
    assert len(called) >= 3, (
        f"{source.name} has {len(called)} exercises; at least 3 are due"
    )
    numbers = [EXERCISES[n].number for n in called]
    chapter = int(source.stem[:2])
    # Sphinx numbers a chapter's exercises N.k, an appendix page's k (no chapter number).
    prefix = "" if source.stem in APPENDIX_PAGES else f"{chapter}."
    assert numbers == [f"{prefix}{k}" for k in range(1, len(numbers) + 1)], (
        f"{source.name}: exercises appear in the order {numbers}"
    )
    for name in called:
        label = f"exercise-{chapter}-{EXERCISES[name].place}"
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
