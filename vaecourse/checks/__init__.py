"""Checkers for the exercises, one module per chapter.

Each module defines ``CHECKS = {"NN_name.py": ("object_name", checker)}``: the solution file,
the name it must define, and a function that raises ``AssertionError`` with a clear message
when the object is wrong. A chapter calls the checker on the learner's answer; the tests call
it on the solution file.
"""

from __future__ import annotations

import importlib
import pkgutil


def registry() -> dict:
    """Every exercise's ``{solution file: (object name, checker)}`` across all chapters."""
    checks = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        checks.update(getattr(module, "CHECKS", {}))
    return checks


def passed(name: str, n_checks: int) -> None:
    print(f"✓ {name} passed {n_checks} checks.")
