"""Feedback on answers to chapter 6's exercises beyond tests/learner_answers: a slip is
named only when the answer gives what that slip gives on every case tried (operator
precedence slips included), and otherwise the failure gives no hint."""

from __future__ import annotations

import numpy as np
import pytest

from vaecourse.checks import latent_interpolation as li


def _message(check, answer):
    with pytest.raises(AssertionError) as failure:
        check(answer)
    return str(failure.value)


def _no_hint(message):
    """The failure ends with what came back: no hint after it."""
    return message.rstrip().endswith("].")


# Exercise 6.1 ------------------------------------------------------------------


def _linear_without_parentheses(a, b, ts):
    ts = np.asarray(ts, dtype=float)[:, None]
    return 1 - ts * a + ts * b


def _linear_slightly_off(a, b, ts):
    ts = np.asarray(ts, dtype=float)[:, None]
    return (1 - ts) * a + ts * b + 0.01


def _linear_with_a_list_ts_unconverted(a, b, ts):
    return (1 - ts[:, None]) * a + ts[:, None] * b


def _linear_flat_ts(a, b, ts):
    ts = np.asarray(ts, dtype=float)
    return a * (1 - ts) + b * ts  # the other order of the operands


def test_a_precedence_slip_in_the_line_is_named():
    message = _message(li.check_linear_path, _linear_without_parentheses)
    assert "1 − t·a + t·b" in message and "(1 - ts) * a" in message, message


def test_a_line_off_for_no_known_reason_gets_no_hint():
    message = _message(li.check_linear_path, _linear_slightly_off)
    assert _no_hint(message), message


def test_a_flat_ts_is_named_whatever_the_order_of_the_operands():
    message = _message(li.check_linear_path, _linear_flat_ts)
    assert "ts[:, None]" in message, message


def test_a_list_ts_is_named_only_because_an_array_works():
    message = _message(
        li.check_linear_path, _linear_with_a_list_ts_unconverted
    )
    assert "With ts given as an array your function works" in message


# Exercise 6.2 ------------------------------------------------------------------


def _class_path(mean, line="column"):
    def class_mean_path(encodings, labels, class_a, class_b, ts):
        mean_a = mean(encodings[labels == class_a])
        mean_b = mean(encodings[labels == class_b])
        ts = np.asarray(ts, dtype=float)
        if line == "flat":
            return (1 - ts) * mean_a + ts * mean_b
        ts = ts[:, None]
        if line == "precedence":
            return 1 - ts * mean_a + ts * mean_b
        return (1 - ts) * mean_a + ts * mean_b

    return class_mean_path


@pytest.mark.parametrize(
    "answer, hint",
    [
        (_class_path(lambda e: e.mean(axis=1)), "one number per image"),
        (_class_path(np.mean), "single numbers"),
        (_class_path(lambda e: np.median(e, axis=0)), None),
        (
            _class_path(lambda e: e.mean(axis=0), "precedence"),
            "1 − t·m_a + t·m_b",
        ),
        (
            _class_path(lambda e: e.mean(axis=0), "flat"),
            "That is what a flat ts gives",
        ),
    ],
)
def test_class_paths_get_the_hint_of_their_slip_only(answer, hint):
    with pytest.raises(AssertionError) as failure:
        li.check_class_mean_path(answer)
    message = str(failure.value)
    if hint is None:  # the class means are given, and no hint
        assert message.rstrip().endswith("]."), message
        assert "m_a = " in message, message
    else:
        assert hint in message, message


# Exercise 6.3 ------------------------------------------------------------------


def _slerp_with(cos_of, weight0=None, divide="both", guard=True):
    def slerp(z0, z1, ts):
        z0, z1 = np.asarray(z0, dtype=float), np.asarray(z1, dtype=float)
        omega = np.arccos(np.clip(cos_of(z0, z1), -1.0, 1.0))
        ts = np.asarray(ts, dtype=float)[:, None]
        if guard and np.sin(omega) < 1e-6:
            return (1 - ts) * z0 + ts * z1
        w0 = (
            np.sin((1 - ts) * omega)
            if weight0 is None
            else weight0(ts, omega)
        )
        w1 = np.sin(ts * omega)
        if divide == "second":
            return w0 * z0 + w1 * z1 / np.sin(omega)
        return (w0 * z0 + w1 * z1) / np.sin(omega)

    return slerp


def _cos(z0, z1):
    return z0 @ z1 / (np.linalg.norm(z0) * np.linalg.norm(z1))


def _cos_without_parentheses(z0, z1):
    return z0 @ z1 / np.linalg.norm(z0) * np.linalg.norm(z1)


@pytest.mark.parametrize("guard", [True, False])
def test_a_precedence_slip_in_the_angle_is_named_not_the_straight_line(guard):
    message = _message(
        li.check_slerp, _slerp_with(_cos_without_parentheses, guard=guard)
    )
    assert "divides by ‖z0‖, then multiplies by ‖z1‖" in message, message
    assert "That is the straight line" not in message, message


def test_a_precedence_slip_in_the_weight_is_named():
    message = _message(
        li.check_slerp,
        _slerp_with(_cos, weight0=lambda ts, omega: np.sin(1 - ts * omega)),
    )
    assert "sin(1 − tΩ)" in message, message


def test_a_division_of_the_second_term_only_is_named():
    message = _message(li.check_slerp, _slerp_with(_cos, divide="second"))
    assert "Only the second term is divided" in message, message


def test_an_angle_in_degrees_gets_no_hint():
    def cos_in_degrees(z0, z1):
        return np.cos(np.radians(np.degrees(np.arccos(_cos(z0, z1)))) * 1.1)

    message = _message(li.check_slerp, _slerp_with(cos_in_degrees))
    assert _no_hint(message), message


def test_every_reference_variant_of_a_slip_still_passes():
    li.check_slerp(_slerp_with(_cos))
