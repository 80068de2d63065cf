"""Feedback on learners' answers beyond the one wrong and one right answer per exercise of
tests/learner_answers: a hint names a slip only when the checker identified it, and every
method the course teaches is accepted."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import logsumexp

import vaecourse
from vaecourse.checks import papers


def _lme_one_maximum(log_w):
    log_w = np.asarray(log_w, dtype=float)
    top = log_w.max()  # one maximum for the whole array
    return top + np.log(np.mean(np.exp(log_w - top), axis=-1))


def _lme_per_row(log_w):
    log_w = np.asarray(log_w, dtype=float)
    top = log_w.max(axis=-1, keepdims=True)
    return (top + np.log(np.mean(np.exp(log_w - top), -1, keepdims=True)))[
        ..., 0
    ]


def _floor_clipped_at(eps):
    def bernoulli_floor(x):
        p = np.clip(np.asarray(x, dtype=float), eps, 1 - eps)
        return -(p * np.log(p) + (1 - p) * np.log(1 - p)).sum(axis=-1)

    return bernoulli_floor


def _floor_off_by(offset):
    def bernoulli_floor(x):
        return papers._reference_floor(x) + offset

    return bernoulli_floor


def test_one_maximum_for_all_rows_is_caught_and_named():
    with pytest.raises(
        AssertionError, match="One maximum for the whole array"
    ):
        papers.check_log_mean_exp(_lme_one_maximum)


def test_a_row_wise_maximum_passes():
    papers.check_log_mean_exp(_lme_per_row)
    papers.check_log_mean_exp(
        lambda w: logsumexp(w, axis=-1) - np.log(np.shape(w)[-1])
    )


@pytest.mark.parametrize("eps", [1e-7, 1e-6, 1e-12])
def test_the_floor_clipped_as_the_course_clips_passes(eps):
    papers.check_bernoulli_floor(_floor_clipped_at(eps))


def test_a_small_error_prints_the_digits_that_differ():
    # 2e-5 nats off on images with no black or white pixel: refused, and the
    # printed numbers differ (to 3 decimals they would print the same).
    with pytest.raises(AssertionError) as caught:
        papers.check_bernoulli_floor(_floor_off_by(2e-5))
    message = caught.value.args[0]
    expected, got = message.split("expected ")[1].split(", got ")
    assert expected.split(",")[0] != got.split(",")[0], message


def _floor_written_below_the_todo_line(x):
    vaecourse.todo()
    return papers._reference_floor(x)


def _floor_not_started(x):
    """The stub as the chapter hands it out."""
    # Your code here.
    vaecourse.todo()


def test_code_left_below_the_todo_line_is_pointed_out(capsys):
    vaecourse.check(
        "papers_3_bernoulli_floor", _floor_written_below_the_todo_line
    )
    out = capsys.readouterr().out
    assert "never runs" in out and "delete that line" in out, out


def test_an_untouched_stub_says_so_in_one_line(capsys):
    vaecourse.check("papers_3_bernoulli_floor", _floor_not_started)
    out = capsys.readouterr().out
    assert out.strip().count("\n") == 0 and "not done yet" in out, out
