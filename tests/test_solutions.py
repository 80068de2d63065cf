"""Exercises in the chapters (vaecourse.checks, solutions/): every exercise has one name that
finds its stub's check call, its solution file, its dropdown and its checker; numbering is
"Exercise N.k"; no hidden cell replaces the learner's work."""

import re

import pytest

from tools.book import chapter_sources
from vaecourse.exercises import exercises
from vaecourse.paths import SOLUTIONS_DIR

EXERCISES = exercises()
SOLUTIONS = sorted(SOLUTIONS_DIR.glob("*.py"))
SOURCES = {source.stem[:2]: source for source in chapter_sources()}
CHECK_CALL = re.compile(r"""vaecourse\.check\(\s*["'](\w+)["']""")


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
    assert "%run" not in text, f"{source.name}: no hidden cell may run a solution"
    called = CHECK_CALL.findall(text)
    mine = sorted(n for n in EXERCISES if n.startswith(source.stem))
    assert sorted(called) == mine, f"{source.name} checks {called}; registered: {mine}"
    assert len(called) >= 3, (
        f"{source.name} has {len(called)} exercises; at least 3 are due"
    )
    numbers = [EXERCISES[n].number for n in called]
    chapter = int(source.stem[:2])
    assert numbers == [f"{chapter}.{k}" for k in range(1, len(numbers) + 1)], (
        f"{source.name}: exercises appear in the order {numbers}"
    )
    for name in called:
        number = EXERCISES[name].number
        label = f"exercise-{number.replace('.', '-')}"
        assert f"# ({label})=" in text, f"{source.name}: no label ({label})= for {name}"
        assert re.search(rf"^# #+ Exercise {re.escape(number)}: ", text, re.M), (
            f"{source.name}: no heading 'Exercise {number}: ...'"
        )
        assert f"{{literalinclude}} ../solutions/{name}.py" in text, (
            f"{source.name}: no dropdown shows solutions/{name}.py"
        )
