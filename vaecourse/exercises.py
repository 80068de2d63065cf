"""Exercises that check the learner: one call per exercise, ``vaecourse.check``.

A chapter gives a stub and, in the same cell, hands it to the checker::

    def kl_to_standard_normal(mean, log_var):
        # Your code here.
        vaecourse.todo()

    kl_to_standard_normal = vaecourse.check("02_vae_theory_1_kl", kl_to_standard_normal)

* Filled in and right: one line says so, and ``check`` returns the learner's function, which
  the chapter uses from then on.
* Filled in and wrong: :class:`ExerciseFailed` names the case, what was expected, what came
  back, and a hint.
* Still the stub (it calls :func:`todo`): one line says the exercise is not done, and ``check``
  returns the reference solution from ``solutions/<name>.py``, so the chapter goes on. The
  book build and the tests take this path, so they execute every solution file.

Each exercise is registered by its name, the stem of its solution file: its page's name,
its place on the page and what it asks (``02_vae_theory_1_kl``; ``papers_1_binarize`` on
the appendix page ``appendix/papers``), in the page's module of :mod:`vaecourse.checks`
(``vae_theory``, ``papers``). A chapter's name starts with its number, ``NN_``, which is
the number Sphinx gives it (_toc.yml's numbered part, in order); an appendix page's name
has no number, and Sphinx numbers its exercises 1, 2, ... (tests/test_book.py and
tests/test_solutions.py check both against _toc.yml).
"""

from __future__ import annotations

import functools
import re
import runpy
from collections.abc import Callable
from dataclasses import dataclass

from .paths import SOLUTIONS_DIR


class ExerciseNotDone(NotImplementedError):
    """Raised by a stub the learner has not filled in yet."""


class ExerciseFailed(AssertionError):
    """The learner's answer failed one of its exercise's checks."""


def todo():
    """The body of a stub: raises :class:`ExerciseNotDone` until the learner replaces it."""
    raise ExerciseNotDone(
        "This exercise is not done yet: replace `vaecourse.todo()` with your code."
    )


# A page's name is in snake_case (papers); a chapter's starts with its number
# (03_dense_vae).
SNAKE_CASE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
CHAPTER_NAME = re.compile(rf"(?P<number>\d\d)_(?P<name>{SNAKE_CASE.pattern})")


def chapter_number(page: str) -> int | None:
    """``3`` for the chapter ``03_dense_vae``; ``None`` for an appendix page (``papers``),
    which Sphinx does not number."""
    match = CHAPTER_NAME.fullmatch(page)
    return int(match["number"]) if match else None


def exercise_label(page: str, place: int) -> str:
    """The MyST label of the exercise box: ``exercise-3-2`` for chapter 3's second exercise,
    ``exercise-papers-1`` for the first of the appendix page ``papers``."""
    number = chapter_number(page)
    key = page.replace("_", "-") if number is None else number
    return f"exercise-{key}-{place}"


@dataclass(frozen=True)
class Exercise:
    """One exercise: its name (the solution file's stem), the object the learner writes, and
    the checker, a function that raises ``AssertionError`` saying what is wrong."""

    name: str
    function: str
    checker: Callable
    #: The function gives one value per row of its array arguments (per image): ``check``
    #: returns it applied this many rows at a time, the same values with a fraction of the
    #: temporaries (10,000 MNIST images make 31 MB per float32 temporary; Binder has 1 GB).
    rows_at_a_time: int | None = None

    def _page_and_place(self) -> tuple[str, int]:
        # <page>_<k>_<what>: k is the first all-digit part after the first one (a
        # chapter's page name starts with its number, NN).
        parts = self.name.split("_")
        k = next(i for i, part in enumerate(parts[1:], 1) if part.isdigit())
        return "_".join(parts[:k]), int(parts[k])

    @property
    def page(self) -> str:
        """``"02_vae_theory"`` for ``02_vae_theory_1_kl``: the stem of its page's file."""
        return self._page_and_place()[0]

    @property
    def place(self) -> int:
        """``1`` for ``02_vae_theory_1_kl``: the exercise's place in its page."""
        return self._page_and_place()[1]

    @property
    def number(self) -> str:
        """The number Sphinx gives the exercise on the page: ``"2.1"`` for
        ``02_vae_theory_1_kl`` (chapter, then place), ``"1"`` for the first exercise of an
        appendix page, which is not numbered."""
        chapter = chapter_number(self.page)
        if chapter is None:
            return str(self.place)
        return f"{chapter}.{self.place}"

    @property
    def label(self) -> str:
        """Its box's MyST label on the page (:func:`exercise_label`)."""
        return exercise_label(self.page, self.place)

    @property
    def solution(self):
        return SOLUTIONS_DIR / f"{self.name}.py"

    def reference(self):
        """The reference solution's object, executed from its file."""
        if not self.solution.exists():
            raise FileNotFoundError(
                f"solutions/{self.solution.name} is missing"
            )
        return runpy.run_path(str(self.solution))[self.function]


def exercises() -> dict[str, Exercise]:
    """Every registered exercise, by name."""
    from .checks import registry

    return registry()


def check(name: str, answer):
    """Check the learner's ``answer`` to exercise ``name``; return what the chapter uses next."""
    known = exercises()
    if name not in known:
        raise KeyError(
            f"No exercise is named {name!r}; the exercises are {sorted(known)}"
        )
    exercise = known[name]
    checked = _check(exercise, answer)
    if exercise.rows_at_a_time:
        from .evaluation import by_rows

        rows = exercise.rows_at_a_time
        return functools.wraps(checked)(
            lambda *arrays: by_rows(checked, *arrays, rows=rows)
        )
    return checked


def _code_after_todo(answer) -> bool:
    """Whether ``answer``'s source has code after its ``vaecourse.todo()`` line (which
    raises before that code runs)."""
    import inspect

    try:
        lines = inspect.getsource(answer).splitlines()
    except (
        OSError,
        TypeError,
    ):  # no source to read (a built-in, a lambda in eval)
        return False
    at = next((i for i, line in enumerate(lines) if "todo()" in line), None)
    if at is None:
        return False
    rest = (line.strip() for line in lines[at + 1 :])
    return any(line and not line.startswith("#") for line in rest)


def _short(err: Exception, limit: int = 300) -> str:
    """The error's message, or its first and last lines when it is long (TensorFlow's
    graph errors list every frame; the cause is on the last line)."""
    text = str(err)
    lines = [line for line in text.splitlines() if line.strip()]
    if len(text) <= limit or len(lines) < 2:
        return text if len(text) <= limit else f"{text[:limit]}…"
    return f"{lines[0]} … {lines[-1].strip()}"


def _check(exercise: Exercise, answer):
    try:
        exercise.checker(answer)
    except ExerciseNotDone:
        reference = exercise.reference()
        exercise.checker(
            reference
        )  # the reference must pass too: the build checks it
        if _code_after_todo(answer):
            print(
                f"Exercise {exercise.number}: your code below "
                "`vaecourse.todo()` never runs;\ndelete that line. "
                "Until then the chapter uses the solution."
            )
        else:
            # One line that fits an exercise box on the page (about 68 columns).
            print(
                f"Exercise {exercise.number} is not done yet; "
                "the chapter uses the solution."
            )
        return reference
    except AssertionError as err:
        raise ExerciseFailed(
            f"Exercise {exercise.number}, `{exercise.function}`: {err}"
        ) from None
    except Exception as err:
        # the checker's note (which case was running) follows the error
        notes = "".join(f" {note}" for note in getattr(err, "__notes__", ()))
        raise ExerciseFailed(
            f"Exercise {exercise.number}: your `{exercise.function}` raised "
            f"{type(err).__name__}: {_short(err)} (the traceback above shows "
            "where)."
            f"{notes}"
        ) from err
    print(
        f"✓ Exercise {exercise.number} passed: the chapter uses your "
        f"`{exercise.function}` from here on."
    )
    return answer
