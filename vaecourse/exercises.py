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

Each exercise is registered by its name, the stem of its solution file
(``NN_<chapter>_<k>_<what>``), in the chapter's module of :mod:`vaecourse.checks`.
"""

from __future__ import annotations

import functools
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


# The pages with exercises in _toc.yml's unnumbered "Appendix" part. Sphinx numbers their
# exercises and figures 1, 2, ... with no chapter number, so the checker does too
# (tests/test_exercises.py checks this set against _toc.yml).
APPENDIX_PAGES = frozenset({"10_numbers_next_to_papers"})


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
        # NN_<chapter>_<k>_<what>: k is the first all-digit part after NN.
        parts = self.name.split("_")
        k = next(i for i, part in enumerate(parts[1:], 1) if part.isdigit())
        return "_".join(parts[:k]), int(parts[k])

    @property
    def page(self) -> str:
        """``"02_vae_theory"`` for ``02_vae_theory_1_kl``: the stem of its chapter's file."""
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
        if self.page in APPENDIX_PAGES:
            return str(self.place)
        return f"{int(self.page.split('_')[0])}.{self.place}"

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


def _check(exercise: Exercise, answer):
    try:
        exercise.checker(answer)
    except ExerciseNotDone:
        reference = exercise.reference()
        exercise.checker(
            reference
        )  # the reference must pass too: the build checks it
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
        raise ExerciseFailed(
            f"Exercise {exercise.number}: your `{exercise.function}` raised "
            f"{type(err).__name__}: {err} (the traceback above shows where)"
        ) from err
    print(
        f"✓ Exercise {exercise.number} passed: the chapter uses your "
        f"`{exercise.function}` from here on."
    )
    return answer
