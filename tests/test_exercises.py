"""Every exercise, played as a learner would (vaecourse.exercises, vaecourse.checks).

For each registered exercise: the unfilled stub prints the one "not done" line and hands back
the reference solution from ``solutions/``; a wrong answer (kept, with the explanation it
must get, in ``tests/learner_answers/<page>.py``, e.g. ``01_autoencoders.py``) fails with
that explanation; and a right answer written differently from the reference passes and is
the object the chapter goes on with.
"""

from __future__ import annotations

import functools
import inspect
import runpy
from pathlib import Path

import numpy as np
import pytest

import vaecourse
from vaecourse.exercises import ExerciseFailed, exercises

EXERCISES = exercises()
ANSWERS_DIR = Path(__file__).parent / "learner_answers"


@functools.cache
def _learner_answers(page: str) -> dict:
    """WRONG and RIGHT of ``tests/learner_answers/<page>.py``, read once."""
    path = ANSWERS_DIR / f"{page}.py"
    assert path.exists(), f"tests/learner_answers/{page}.py is missing"
    return {"name": path.name, **runpy.run_path(str(path))}


def _answers(name: str, kind: str):
    answers = _learner_answers(EXERCISES[name].page)
    assert name in answers.get(kind, {}), (
        f"{answers['name']} gives no {kind} answer for {name}"
    )
    return answers[kind][name]


def _stub(*args, **kwargs):
    vaecourse.todo()


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_unfilled_stub_says_so_and_hands_over_the_reference(name, capsys):
    exercise = EXERCISES[name]
    used = vaecourse.check(name, _stub)
    printed = capsys.readouterr().out.strip().splitlines()
    assert printed == [
        f"Exercise {exercise.number} is not done yet; the chapter uses the solution."
    ]
    assert used is not _stub
    used = inspect.unwrap(
        used
    )  # a per-image function comes wrapped (by_rows)
    origin = (
        getattr(used, "__code__", None) or getattr(used, "__init__").__code__
    )
    assert origin.co_filename == str(exercise.solution)


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_wrong_answer_fails_with_its_explanation(name):
    wrong, explanation = _answers(name, "WRONG")
    with pytest.raises(ExerciseFailed) as failure:
        vaecourse.check(name, wrong)
    message = str(failure.value)
    assert message.startswith(f"Exercise {EXERCISES[name].number}")
    assert explanation in message, (
        f"expected the explanation {explanation!r}, got {message!r}"
    )


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_right_answer_written_differently_passes_and_is_used(name, capsys):
    right = _answers(name, "RIGHT")
    assert inspect.unwrap(vaecourse.check(name, right)) is right
    assert capsys.readouterr().out.startswith(
        f"✓ Exercise {EXERCISES[name].number} passed"
    )


def test_an_unknown_exercise_name_lists_the_known_ones():
    with pytest.raises(KeyError, match="02_vae_theory_2_kl"):
        vaecourse.check("02_vae_theory_9_nothing", _stub)


def test_a_per_image_exercise_is_applied_a_slice_of_rows_at_a_time(capsys):
    rows = []

    def reconstruction_bce(images, reconstructions):
        rows.append(len(images))
        x, x_hat = images, np.clip(reconstructions, 1e-7, 1 - 1e-7)
        return -(x * np.log(x_hat) + (1 - x) * np.log(1 - x_hat)).mean(
            axis=-1
        )

    name = "01_autoencoders_1_reconstruction_bce"
    used = vaecourse.check(name, reconstruction_bce)
    assert EXERCISES[name].rows_at_a_time == 1000
    rng = np.random.default_rng(0)
    x, x_hat = rng.uniform(size=(2, 2500, 784)).astype("float32")
    rows.clear()
    np.testing.assert_array_equal(
        used(x, x_hat), reconstruction_bce(x, x_hat)
    )
    assert rows == [1000, 1000, 500, 2500]
