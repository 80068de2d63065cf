"""``python -m tools.new_chapter NN name`` writes a chapter that passes the structural tests
as it is, and refuses what would break the book's numbering or names.

The scaffold runs in a copy of the repository (the folders a chapter touches, and the
tests), followed, in the same process, by the tests that read a chapter's files: the
table of contents and numbering, the exercises and their solutions, checkers and learner
answers, the chapter map, the learner's notebook, the formatting, and the notebook itself
run by nbval in the quick profile. No book is built: a chapter that glues no number reads
its notebook's numbers from an executed notebook alone, which the test puts in place.
"""

from __future__ import annotations

import json
import os
import shutil
import sys

import pytest
import yaml

from tools import new_chapter
from tools.book import numbered_entries
from tools.processes import run_bounded
from vaecourse.paths import ROOT

NUMBER = len(numbered_entries()) + 1
NAME = "scaffolded_topic"
PAGE = f"{NUMBER:02d}_{NAME}"
WHATS = [what for what, _, _ in new_chapter.EXERCISES]
EXERCISE_NAMES = [f"{PAGE}_{k}_{what}" for k, what in enumerate(WHATS, 1)]
COPIED = [
    "_toc.yml",
    "_config.yml",
    "README.md",
    "intro.md",
    "references.bib",
    "pyproject.toml",
    "conftest.py",
    "chapters",
    "appendix",
    "solutions",
    "vaecourse",
    "tools",
    "tests",
]
# The scaffold, then pytest, in one interpreter (one TensorFlow import).
SCRIPT = """
import importlib, sys
from tools import new_chapter
if new_chapter.main(sys.argv[1:3]) != 0:
    sys.exit("the scaffold refused")
importlib.invalidate_caches()  # the new checker module
import pytest
sys.exit(pytest.main(["-n", "0", "-q", *sys.argv[3:]]))
"""


def structural_tests() -> list[str]:
    """The tests that read the new chapter's files, by node id."""
    mine = f"[{PAGE}]"
    return [
        "tests/test_book.py",
        "tests/test_solutions.py",
        *(
            f"tests/test_exercises.py::{test}[{name}]"
            for test in (
                "test_unfilled_stub_says_so_and_hands_over_the_reference",
                "test_wrong_answer_fails_with_its_explanation",
                "test_right_answer_written_differently_passes_and_is_used",
            )
            for name in EXERCISE_NAMES
        ),
        "tests/test_readme.py::test_chapter_map_is_current",
        "tests/test_zoo.py::test_every_model_a_chapter_loads_has_a_recipe",
        "tests/test_chapter_sources.py::test_every_chapter_source_is_in_the_book",
        *(
            f"tests/test_chapter_sources.py::{test}{mine}"
            for test in (
                "test_notebook_is_generated_from_its_text_source",
                "test_learner_notebook_holds_no_myst",
                "test_learner_notebook_shows_the_built_numbers",
                "test_checks_and_hidden_cells_are_collapsed",
                "test_first_code_cell_is_the_colab_cell",
            )
        ),
        "tests/test_formatting.py::test_ruff_formats_everything_to_the_column",
        f"tests/test_formatting.py::test_no_shown_code_line_is_wider_than_the_column{mine}",
        f"chapters/{PAGE}.ipynb",
    ]


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory):
    """The copy after the scaffold and the structural tests ran in it: (folder, run)."""
    copy = tmp_path_factory.mktemp("repository")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source,
                copy / name,
                ignore=shutil.ignore_patterns(
                    "__pycache__", ".ipynb_checkpoints"
                ),
            )
        else:
            shutil.copy2(source, copy / name)
    (copy / "data").symlink_to(ROOT / "data")
    # What the book's build leaves for a chapter that glues nothing: its executed
    # notebook, without a .glue.json.
    executed = copy / "_build" / "jupyter_execute" / "chapters"
    executed.mkdir(parents=True)
    (executed / f"{PAGE}.ipynb").write_text(
        json.dumps({"cells": [], "metadata": {}, "nbformat": 4})
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(copy),
        "VAECOURSE_HOME": str(copy),
        "VAECOURSE_PROFILE": "quick",
    }
    run = run_bounded(
        [
            sys.executable,
            "-c",
            SCRIPT,
            str(NUMBER),
            NAME,
            *structural_tests(),
        ],
        timeout=600,
        cwd=copy,
        env=env,
    )
    return copy, run


def test_the_scaffold_writes_every_file_of_a_chapter(scaffolded):
    copy, run = scaffolded
    assert "the scaffold refused" not in run.stderr, run.stderr[-2000:]
    expected = [
        f"chapters/{PAGE}.py",
        f"chapters/{PAGE}.ipynb",
        f"vaecourse/checks/{NAME}.py",
        f"tests/learner_answers/{PAGE}.py",
        *(f"solutions/{name}.py" for name in EXERCISE_NAMES),
    ]
    missing = [path for path in expected if not (copy / path).is_file()]
    assert not missing, f"the scaffold did not write {missing}"
    for path in expected:
        assert f"wrote {path}" in run.stdout, f"{path} is not reported"
    toc = yaml.safe_load((copy / "_toc.yml").read_text())
    numbered = next(p for p in toc["parts"] if p.get("numbered"))
    assert numbered["chapters"][-1] == {"file": f"chapters/{PAGE}"}
    assert f"| [{NUMBER}. " in (copy / "README.md").read_text()


def test_the_new_chapter_passes_the_structural_tests(scaffolded):
    # pytest fails on a node id it cannot find, as on a failing test
    _, run = scaffolded
    assert run.returncode == 0, (
        "tests failed on the scaffolded chapter:\n" + run.stdout[-6000:]
    )


# After the scaffold, the copy's next chapter is NUMBER + 1.
NEXT = f"{NUMBER + 1:02d}"
RUN_NEXT = f"run `python -m tools.new_chapter {NEXT} another_topic`"


@pytest.mark.parametrize(
    ("number", "name", "says"),
    [
        (
            f"{NUMBER:02d}",
            "another_topic",
            (f"{NUMBER:02d} exists", RUN_NEXT),
        ),
        ("01", "another_topic", ("Chapter 01 exists", RUN_NEXT)),
        (f"{NUMBER + 2:02d}", "another_topic", (f"the next is {NEXT}",)),
        (NEXT, "AnotherTopic", ("not a snake_case name", "e.g. ")),
        (NEXT, "another-topic", ("not a snake_case name",)),
        (NEXT, "2nd_topic", ("not a snake_case name",)),
        (NEXT, "t" * 41, ("at most 40 characters",)),
        (NEXT, "papers", ("checks/papers.py exists", "another name")),
        ("x1", "another_topic", (f"give the next one, {NEXT}",)),
    ],
)
def test_the_scaffold_refuses_and_says_what_to_do(
    scaffolded, number, name, says
):
    copy, _ = scaffolded
    problem = new_chapter.refusal(number, name, root=copy)
    assert problem, f"{number} {name} was accepted"
    for words in says:
        assert words in problem, problem


def test_the_next_number_with_a_new_name_is_accepted(scaffolded):
    copy, _ = scaffolded
    assert new_chapter.refusal(NEXT, "another_topic", copy) is None


def test_a_refusal_exits_non_zero_and_writes_nothing(
    scaffolded, monkeypatch, capsys
):
    copy, _ = scaffolded
    monkeypatch.setattr(new_chapter, "ROOT", copy)

    def write_chapter(*args):
        raise AssertionError(f"the scaffold went on to write {args}")

    monkeypatch.setattr(new_chapter, "write_chapter", write_chapter)
    assert new_chapter.main(["01", "another_topic"]) == 1
    assert "Chapter 01 exists" in capsys.readouterr().err
