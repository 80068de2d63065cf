"""Exercises: a clear failure for a stub left unfilled, and checkers for the answers."""

from __future__ import annotations

from .paths import SOLUTIONS_DIR


class ExerciseNotDone(NotImplementedError):
    """Raised by a stub the learner has not filled in yet."""


def todo(solution: str):
    """Raise :class:`ExerciseNotDone` naming the exercise's solution file.

    A stub ends with ``todo("01_autoencoders_deeper.py")``; calling it before it is written
    says what to do instead of failing three cells later.
    """
    if not (SOLUTIONS_DIR / solution).exists():
        raise FileNotFoundError(f"solutions/{solution} does not exist: check the file name.")
    raise ExerciseNotDone(
        f"This exercise is not done yet. Replace the stub with your own code, or run "
        f"`%load ../solutions/{solution}` in a cell to see one solution."
    )
