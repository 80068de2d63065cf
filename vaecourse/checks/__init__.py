"""Checkers for the exercises, one module per chapter.

Each module defines ``EXERCISES``, a list of :class:`vaecourse.exercises.Exercise`: the
exercise's name (its solution file's stem), the name of the object the learner writes, and a
checker that raises ``AssertionError`` when the object is wrong. Write its message with
:func:`expect`: the case, what was expected, what came back, and a hint.
"""

from __future__ import annotations

import importlib
import pkgutil

import numpy as np


def registry() -> dict:
    """Every exercise of every chapter, by name."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for exercise in getattr(module, "EXERCISES", []):
            if exercise.name in found:
                raise ValueError(f"two exercises are named {exercise.name}")
            found[exercise.name] = exercise
    return found


#: The array types a learner's function may return instead of a NumPy array, by
#: the top-level module that defines them.
TENSOR_KINDS = {
    "tensorflow": "a TensorFlow tensor",
    "keras": "a Keras tensor",
    "jax": "a JAX array",
    "torch": "a PyTorch tensor",
}


def kind_of(value, shape: bool = False) -> str:
    """What ``value`` is, in words: "a TensorFlow tensor", "a list"; with ``shape``,
    a NumPy array's shape too."""
    if shape and isinstance(value, np.ndarray):
        return f"a NumPy array of shape {value.shape}"
    module = type(value).__module__.split(".")[0]
    return TENSOR_KINDS.get(module, f"a {type(value).__name__}")


def is_tensor(value) -> bool:
    """Whether ``value`` is one of :data:`TENSOR_KINDS`."""
    return type(value).__module__.split(".")[0] in TENSOR_KINDS


def expect(ok: bool, case: str, expected, got, hint: str = "") -> None:
    """Raise ``AssertionError`` unless ``ok``, naming the case, the expected and the actual
    result, and a hint."""
    if not ok:
        message = f"{case}: expected {expected}, got {got}."
        raise AssertionError(f"{message} {hint}".strip())


def outcome(function, *args):
    """What ``function(*args)`` gives, or the error it raises (NumPy's warnings
    silenced): a checker compares it with what each known slip gives."""
    from ..exercises import ExerciseNotDone

    try:
        with np.errstate(all="ignore"):
            return function(*args)
    except ExerciseNotDone:
        raise
    except Exception as err:  # noqa: BLE001 (judged by the caller)
        return err


def raise_for_case(err: Exception, case: str, expected: str):
    """Let the learner's error go on with its own traceback, noting the case and what
    was expected (``vaecourse.check`` reports both)."""
    err.add_note(f"The checker's case: {case}; it expects {expected}.")
    raise err


def call_or_fail(case: str, expected: str, function, *args):
    """``function(*args)``. An error in the learner's code goes on with its own
    traceback, shown first, and a note naming the case and what was expected: no fixed
    hint, which would guess at a cause nobody identified."""
    from ..exercises import ExerciseNotDone

    try:
        return function(*args)
    except ExerciseNotDone:
        raise
    except Exception as err:
        raise_for_case(err, case, expected)


class CountingDecoder:
    """A checker's decoder as handed to the learner's function: the decoder itself
    (``isinstance(decoder, keras.Model)`` still holds), keeping the inputs of each call
    that decodes (``decoder(...)``, ``.predict``, ``.predict_on_batch``, ``.call``), so
    that a checker can tell one batched call from one call per point."""

    def __init__(self, decoder):
        self._decoder = decoder
        self.inputs_of_calls = []

    @property
    def __class__(self):
        return type(self._decoder)

    @property
    def batches(self) -> list:
        """The number of points of each call (``None`` where it cannot be read)."""
        sizes = []
        for inputs in self.inputs_of_calls:
            try:
                sizes.append(int(np.shape(inputs)[0]))
            except Exception:  # noqa: BLE001 (a call all the same)
                sizes.append(None)
        return sizes

    def _counted(self, method, args, kwargs):
        inputs = args[0] if args else kwargs.get("x", kwargs.get("inputs"))
        self.inputs_of_calls.append(inputs)
        return method(*args, **kwargs)

    def __call__(self, *args, **kwargs):
        return self._counted(self._decoder, args, kwargs)

    def predict(self, *args, **kwargs):
        return self._counted(self._decoder.predict, args, kwargs)

    def predict_on_batch(self, *args, **kwargs):
        return self._counted(self._decoder.predict_on_batch, args, kwargs)

    def call(self, *args, **kwargs):
        return self._counted(self._decoder.call, args, kwargs)

    def __getattr__(self, name):
        return getattr(self._decoder, name)


def fixed_weights(
    model, seed: int, kernel_scale: float = 1.0, bias_scale: float = 0.1
):
    """Give ``model`` weights drawn from its own seeded generator (no global seed is set,
    so the chapter's random state is left alone): kernels ~ N(0, kernel_scale² / fan-in),
    biases ~ N(0, bias_scale²)."""
    rng = np.random.default_rng(seed)
    weights = []
    for w in model.get_weights():
        fan_in = int(np.prod(w.shape[:-1])) if w.ndim > 1 else 1
        scale = kernel_scale / np.sqrt(fan_in) if w.ndim > 1 else bias_scale
        weights.append(rng.normal(scale=scale, size=w.shape).astype(w.dtype))
    model.set_weights(weights)
    return model


def _rounded(value):
    return np.round(np.asarray(value, dtype=float), 4).tolist()


def name_the_slip(
    case: str, expected, got, slips, show=_rounded, **tolerance
) -> None:
    """Raise ``AssertionError`` with the hint of the first known slip that ``got`` matches.

    ``slips`` holds ``(what that slip returns, hint)`` pairs; ``tolerance`` goes to
    ``np.allclose``. Nothing happens when ``got`` matches none of them.
    """
    got_array = np.asarray(got, dtype=float)
    for value, hint in slips:
        value = np.asarray(value, dtype=float)
        if value.shape == got_array.shape and np.allclose(
            got_array, value, **tolerance
        ):
            expect(
                False,
                case,
                show(expected),
                show(got),
                hint[0].upper() + hint[1:],
            )
