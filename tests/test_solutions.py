"""Exercises: every solution is used by a chapter, every reference resolves, every solution
passes its checker."""

import re
import runpy

import pytest

from tools.book import chapter_sources
from vaecourse.checks import registry
from vaecourse.paths import CHAPTERS_DIR, SOLUTIONS_DIR

SOLUTIONS = sorted(SOLUTIONS_DIR.glob("*.py"))
REFERENCE = re.compile(r"\.\./solutions/([\w.-]+\.py)")


def _chapter_sources():
    """(text source, its text) of each chapter."""
    for path in chapter_sources():
        yield path, [path.read_text()]


def _references():
    refs = {}
    for nb_path, cells in _chapter_sources():
        for text in cells:
            for name in REFERENCE.findall(text):
                refs.setdefault(name, set()).add(nb_path.name)
    return refs


def test_solution_files_are_named_after_their_chapter():
    chapters = {p.stem[:2] for p in CHAPTERS_DIR.glob("*.py")}
    for path in SOLUTIONS:
        assert re.fullmatch(r"\d\d_[a-z0-9_]+\.py", path.name), path.name
        assert path.name[:2] in chapters, f"{path.name} names no chapter"


def test_every_referenced_solution_exists():
    missing = {name: nbs for name, nbs in _references().items()
               if not (SOLUTIONS_DIR / name).exists()}
    assert not missing, f"chapters reference missing solution files: {missing}"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_solution_is_loaded_executed_and_shown_by_its_chapter(path):
    """%load for learners, %run -i for the build and CI, literalinclude for the HTML."""
    for nb_path, cells in _chapter_sources():
        text = "\n".join(cells)
        if f"../solutions/{path.name}" in text:
            assert f"%load ../solutions/{path.name}" in text, f"{nb_path.name}: no %load hint"
            assert f"%run -i ../solutions/{path.name}" in text, f"{nb_path.name}: not executed"
            assert f"{{literalinclude}} ../solutions/{path.name}" in text, f"{nb_path.name}: not shown"
            return
    pytest.fail(f"no chapter uses solutions/{path.name}")


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_solution_passes_its_checker(path):
    checks = registry()
    assert path.name in checks, f"no checker registered for {path.name} in vaecourse.checks"
    name, check = checks[path.name]
    namespace = runpy.run_path(str(path))
    assert name in namespace, f"{path.name} does not define {name}"
    check(namespace[name])
