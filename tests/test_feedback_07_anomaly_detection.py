"""Feedback on answers to chapter 7's exercises beyond tests/learner_answers: a slip is
named only when the answer's numbers are that slip's on every case tried (labels swapped
apart from a ranking the wrong way round, from ties, from a precision at the wrong
places), and otherwise the failure gives no hint."""

from __future__ import annotations

import re
import runpy
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, roc_auc_score

from vaecourse.checks import anomaly_detection as ad


def _message(check, answer):
    with pytest.raises(AssertionError) as failure:
        check(answer)
    return str(failure.value)


def _no_hint(message):
    """The failure ends with the number that came back."""
    return re.search(r"got [A-Z]* ?-?[\d.]+\.$", message.strip()) is not None


# Exercise 7.2 ------------------------------------------------------------------


def _labels(normal, anomalous):
    return np.r_[np.zeros(len(normal)), np.ones(len(anomalous))]


def _precisions(normal, anomalous, order, denominator_shift=0):
    hits = _labels(normal, anomalous)[order]
    return np.cumsum(hits) / (
        np.arange(1, len(hits) + 1) + denominator_shift
    ), hits


def _rates(auprc, auroc=None):
    def auroc_auprc(normal, anomalous):
        scores = np.r_[normal, anomalous]
        y = _labels(normal, anomalous)
        a = roc_auc_score(y, scores) if auroc is None else auroc(y, scores)
        return {"AUROC": a, "AUPRC": auprc(normal, anomalous)}

    return auroc_auprc


def _ascending(normal, anomalous):
    order = np.argsort(np.r_[normal, anomalous], kind="stable")
    precision, hits = _precisions(normal, anomalous, order)
    return precision[hits == 1].mean()


def _descending(normal, anomalous, shift=0):
    order = np.argsort(-np.r_[normal, anomalous], kind="stable")
    precision, hits = _precisions(normal, anomalous, order, shift)
    return precision[hits == 1].mean()


def _all_ranks(normal, anomalous):
    order = np.argsort(-np.r_[normal, anomalous], kind="stable")
    return _precisions(normal, anomalous, order)[0].mean()


def _ap_labels_swapped(normal, anomalous):
    y = 1 - _labels(normal, anomalous)
    return average_precision_score(y, np.r_[normal, anomalous])


def _ap(normal, anomalous):
    return average_precision_score(
        _labels(normal, anomalous), np.r_[normal, anomalous]
    )


def _strict_pairs(y, scores):
    normal, anomalous = scores[y == 0], scores[y == 1]
    return np.mean(normal[:, None] < anomalous[None, :])


@pytest.mark.parametrize(
    "answer, hint",
    [
        (_rates(_ascending), "ranked smallest score first"),
        (_rates(_ap_labels_swapped), "labels swapped, the normal images"),
        (_rates(_all_ranks), "averaged over every rank"),
        (
            _rates(_ap, auroc=lambda y, s: roc_auc_score(1 - y, s)),
            "one minus the right one",
        ),
        (_rates(_ap, auroc=_strict_pairs), "as no pair in the right order"),
    ],
)
def test_each_slip_gets_its_own_hint_only(answer, hint):
    message = _message(ad.check_auroc_auprc, answer)
    assert hint in message, message
    if "swapped" not in hint:
        assert "swapped" not in message, message


def test_a_precision_at_the_wrong_cut_gets_no_hint():
    message = _message(
        ad.check_auroc_auprc, _rates(lambda n, a: _descending(n, a, shift=1))
    )
    assert _no_hint(message) and "swapped" not in message, message


def test_ties_in_the_average_precision_are_left_to_either_convention():
    ad.check_auroc_auprc(_rates(_ap))  # sklearn groups tied scores
    ad.check_auroc_auprc(_rates(_descending))  # ranks them one by one


# Exercise 7.3 ------------------------------------------------------------------


def test_a_threshold_off_for_no_known_reason_gets_no_hint():
    message = _message(
        ad.check_threshold_at_fpr,
        lambda scores, fpr: np.quantile(scores, 1 - fpr / 2),
    )
    assert message.rstrip().endswith("lie."), message


# Exercise 7.1 ------------------------------------------------------------------


def _cross_entropy(clip, logs_of_pixels=False):
    """The binary cross-entropy of the reconstruction in float32, its probabilities
    clipped to [clip, 1 − clip] (not at all when ``clip`` is 0)."""

    def my_anomaly_score(model, x):
        probs = np.asarray(model.reconstruct(x), dtype=np.float32)
        probs = probs.reshape(len(x), -1)
        if clip:
            probs = np.clip(probs, clip, 1 - clip)
        pixels = np.asarray(x, dtype=np.float32).reshape(len(x), -1)
        if logs_of_pixels:  # a log of the image's own pixels, which are 0
            return -np.sum(np.log(pixels) * probs, axis=1)
        return -np.sum(
            pixels * np.log(probs) + (1 - pixels) * np.log(1 - probs), axis=1
        )

    return my_anomaly_score


SATURATED = "probabilities are exactly 0 or 1"  # the saturated model's case


def test_the_saturated_vae_gives_probabilities_of_exactly_0_and_1():
    digits, noise = ad._digits_and_noise()
    x = np.concatenate([digits, noise])
    probs = np.asarray(ad._tiny_vae((784,), saturated=True).reconstruct(x))
    assert probs.dtype == np.float32
    for images in (probs[: ad.N_DIGITS], probs[ad.N_DIGITS :]):
        assert np.mean(images == 0) > 0.5 and np.mean(images == 1) > 0.05
    clipped = ad._tiny_vae((784,), clipped=True, saturated=True)
    probs = np.asarray(clipped.reconstruct(x))
    assert 0 < probs.min() and probs.max() < 1


def test_an_unclipped_cross_entropy_gets_the_clipping_hint():
    """Finite on the small VAEs, whose probabilities stay inside (0, 1), the
    unclipped cross-entropy is infinite or NaN on the saturated one."""
    message = _message(ad.check_my_anomaly_score, _cross_entropy(clip=0))
    assert SATURATED in message and "NaN or infinite" in message, message
    assert "Clip the probabilities" in message, message


@pytest.mark.parametrize("clip", [1e-6, 1e-7])
def test_the_cross_entropy_passes_when_clipped(clip):
    ad.check_my_anomaly_score(_cross_entropy(clip=clip))


def test_the_reference_solution_passes():
    path = Path(__file__).parents[1] / "solutions"
    solution = runpy.run_path(
        str(path / "07_anomaly_detection_1_my_score.py")
    )
    ad.check_my_anomaly_score(solution["my_anomaly_score"])


def test_other_infinite_scores_get_no_clipping_hint():
    message = _message(
        ad.check_my_anomaly_score,
        _cross_entropy(clip=1e-6, logs_of_pixels=True),
    )
    assert "finite scores" in message and "clip" not in message, message


def test_other_failures_on_the_saturated_vae_get_no_clipping_hint():
    """NaN for every image once some probability is below 1e-4, which happens
    on the saturated VAE only, clipped or not."""
    clipped = _cross_entropy(clip=1e-6)

    def my_anomaly_score(model, x):
        probs = np.asarray(model.reconstruct(x))
        if probs.min() < 1e-4:
            return np.full(len(x), np.nan)
        return clipped(model, x)

    message = _message(ad.check_my_anomaly_score, my_anomaly_score)
    assert SATURATED in message, message
    assert message.endswith("NaN or infinite."), message
    assert "clip" not in message.lower(), message


def test_a_score_per_pixel_is_named():
    def my_anomaly_score(model, x):
        return (np.asarray(x) - np.asarray(model.reconstruct(x))) ** 2

    message = _message(ad.check_my_anomaly_score, my_anomaly_score)
    assert "reduce each image's values over all its other axes" in message
