"""Feedback on answers to chapter 10's exercises beyond tests/learner_answers:
every right way is accepted and the chapter's next cell runs on what it
returns; a hint names a slip only when the checker identified it, and
otherwise the failure says the case, the expected and the result."""

from __future__ import annotations

import collections
import math
import re

import numpy as np
import pandas as pd
import pytest
import tensorflow as tf
from keras import ops
from scipy import stats
from scipy.spatial import distance

import vaecourse
from vaecourse import vqvae
from vaecourse.exercises import ExerciseFailed

NEAREST = "10_vq_vae_1_nearest_codes"
STRAIGHT = "10_vq_vae_2_straight_through"
USAGE = "10_vq_vae_3_codebook_usage"


def _accepted(name, answer, capsys):
    used = vaecourse.check(name, answer)
    assert used is answer
    assert capsys.readouterr().out.startswith("✓ Exercise")
    return used


def _refused(name, answer) -> str:
    with pytest.raises(ExerciseFailed) as failure:
        vaecourse.check(name, answer)
    return str(failure.value)


# Exercise 10.1 --------------------------------------------------------------


def _squared(vectors, codebook):
    return (
        np.sum(vectors**2, axis=1, keepdims=True)
        - 2 * vectors @ codebook.T
        + np.sum(codebook**2, axis=1)
    )


def _nearest_by_broadcasting(vectors, codebook):
    # (n, K, D): heavier, but right
    differences = vectors[:, None, :] - codebook[None, :, :]
    return np.argmin(np.sum(differences**2, axis=-1), axis=1)


def _nearest_one_by_one(vectors, codebook):
    codes = []
    for v in vectors:
        codes.append(np.argmin(np.linalg.norm(codebook - v, axis=1)))
    return np.array(codes)


def _nearest_with_keras_ops(vectors, codebook):
    distances = vqvae.squared_distances(
        ops.convert_to_tensor(vectors, "float32"),
        ops.convert_to_tensor(codebook, "float32"),
    )
    return ops.convert_to_numpy(ops.argmin(distances, axis=1))


def _nearest_with_cdist(vectors, codebook):
    return distance.cdist(vectors, codebook).argmin(axis=1).astype(np.int32)


def _nearest_tensor(vectors, codebook):
    return ops.argmin(vqvae.squared_distances(vectors, codebook), axis=1)


RIGHT_NEAREST = [
    _nearest_by_broadcasting,
    _nearest_one_by_one,
    _nearest_with_keras_ops,
    _nearest_with_cdist,
]


@pytest.mark.parametrize("answer", RIGHT_NEAREST, ids=lambda f: f.__name__)
def test_right_nearest_codes_pass_and_agree_with_the_model(answer, capsys):
    """The chapter's next cell: the learner's codes of 1,000 images' encoder
    outputs, (49,000, 16), against the model's own, with a codebook of encoder
    outputs (as a trained one sits among them)."""
    nearest_codes = _accepted(NEAREST, answer, capsys)
    if answer is _nearest_by_broadcasting:
        return  # (49000, 64, 16) float64: too heavy for the test machine
    vq = vqvae.build_vq_vae()
    rng = np.random.default_rng(0)
    x = (rng.random((1000, 28, 28, 1)) < 0.2).astype("float32")
    z_e = ops.convert_to_numpy(vq.encoder(x))
    flat = z_e.reshape(-1, 16)
    codebook = flat[rng.choice(len(flat), 64, replace=False)]
    codebook = codebook + 0.01 * rng.standard_normal(codebook.shape)
    vq.quantizer.codebook.assign(codebook.astype("float32"))
    theirs = ops.convert_to_numpy(vq.encode(x)).reshape(-1)
    mine = nearest_codes(flat, ops.convert_to_numpy(vq.quantizer.codebook))
    assert mine.shape == (49_000,)
    agree = mine == theirs
    assert agree.mean() > 0.999
    d = _squared(flat.astype(float), codebook.astype("float32").astype(float))
    rows = np.flatnonzero(~agree)
    gap = np.abs(d[rows, mine[rows]] - d[rows, theirs[rows]])
    assert (gap < 1e-4 * (1 + d[rows].max(axis=1))).all()
    # the chapter's later uses: index the codebook, count the codes
    assert codebook[mine].shape == (49_000, 16)
    assert np.bincount(mine, minlength=64).sum() == 49_000


@pytest.mark.parametrize(
    "answer, hint",
    [
        (
            lambda v, e: np.argmin(_squared(v, e), axis=0),
            "one index per code",
        ),
        (_squared, "the (n, K) array of distances"),
        (
            lambda v, e: np.min(_squared(v, e), axis=1),
            "the smallest distances themselves",
        ),
        (
            lambda v, e: e[np.argmin(_squared(v, e), axis=1)],
            "the nearest codebook vectors themselves",
        ),
        (
            lambda v, e: np.argmin(_squared(v, e), axis=1) + 1,
            "one too high",
        ),
        (
            lambda v, e: np.argmin(-2 * v @ e.T, axis=1),
            "The term ‖e‖² is missing",
        ),
        (
            lambda v, e: np.argmin(_squared(v, -e), axis=1),
            "The middle term's sign",
        ),
        (
            lambda v, e: np.argmin(_squared(v, e), axis=1, keepdims=True),
            "as a column",
        ),
        (
            lambda v, e: np.argmin(_squared(v, e), axis=1).astype(float),
            "as floats",
        ),
        (_nearest_tensor, "keras.ops.convert_to_numpy(...)"),
        (
            lambda v, e: list(np.argmin(_squared(v, e), axis=1)),
            "np.asarray(...)",
        ),
        (
            lambda v, e: len(e) - 1 - np.argmin(_squared(v, e)[:, ::-1], 1),
            "a tie goes to the lowest index",
        ),
    ],
)
def test_a_known_slip_is_named(answer, hint):
    message = _refused(NEAREST, answer)
    assert hint in message, message


def _no_hint_nearest(message):
    """The failure ends with the code that came back: no hint after it."""
    return message.rstrip().endswith(").") and "np.arg" not in message


def _nearest_by_city_blocks(vectors, codebook):
    l1 = np.abs(vectors[:, None, :] - codebook[None]).sum(-1)
    return np.argmin(l1, axis=1)


def _nearest_dropping_the_last_chunk(vectors, codebook):
    """Right on small arrays; on large ones the last partial chunk is lost."""
    chunk = 8192
    if len(vectors) <= chunk:
        return np.argmin(_squared(vectors, codebook), axis=1)
    stop = len(vectors) - len(vectors) % chunk
    return np.concatenate(
        [
            np.argmin(_squared(vectors[i : i + chunk], codebook), axis=1)
            for i in range(0, stop, chunk)
        ]
    )


def test_nearest_codes_wrong_for_no_known_reason_get_no_hint():
    message = _refused(NEAREST, _nearest_by_city_blocks)
    assert _no_hint_nearest(message), message
    assert "squared distance" in message, message


def test_the_chapter_sized_case_is_tried():
    message = _refused(NEAREST, _nearest_dropping_the_last_chunk)
    assert "20,000 float32 vectors" in message, message
    assert message.rstrip().endswith("got shape (16384,)."), message


def test_an_error_keeps_its_traceback_and_names_the_case():
    def crashing(vectors, codebook):
        return np.argmin(vectors @ codebook, axis=1)  # (n, D) @ (K, D)

    with pytest.raises(ExerciseFailed) as failure:
        vaecourse.check(NEAREST, crashing)
    message = str(failure.value)
    assert "raised ValueError" in message, message
    assert "The checker's case: the codebook [[0, 0]" in message, message


def test_near_ties_in_float32_may_go_either_way():
    """An answer that breaks a near-tie (within float32 rounding) the other
    way from np.argmin on float64 is right: it is accepted."""
    from vaecourse.checks import vq_vae

    v = np.array([[1.0, 0.0]], dtype=np.float32)
    e = np.array([[0.0, 0.0], [2.0, 1e-4]], dtype=np.float32)
    vq_vae._judge_codes(np.array([1]), "near tie", v, e, False, lambda: "")
    with pytest.raises(AssertionError, match="expected code 0"):
        vq_vae._judge_codes(np.array([1]), "exact", v, e, True, lambda: "")


# Exercise 10.2 --------------------------------------------------------------

RIGHT_STRAIGHT = [
    lambda z_e, z_q: z_e + ops.stop_gradient(z_q) - ops.stop_gradient(z_e),
    lambda z_e, z_q: z_e - ops.stop_gradient(z_e - z_q),
    lambda z_e, z_q: ops.add(z_e, ops.stop_gradient(ops.subtract(z_q, z_e))),
    lambda z_e, z_q: z_e + tf.stop_gradient(z_q - z_e),
]


def _chapter_training_step(straight_through):
    """A training step as the chapter writes it, compiled: the decoder's
    gradient reaches every weight of the encoder through straight_through."""
    vq = vqvae.build_vq_vae()
    x = (np.random.default_rng(1).random((8, 28, 28, 1)) < 0.3).astype(
        "float32"
    )

    @tf.function
    def step(x):
        with tf.GradientTape() as tape:
            z_e = vq.encoder(x, training=True)
            z_q, _ = vq.quantizer(z_e)
            probs = vq.decoder(straight_through(z_e, z_q), training=True)
            loss = ops.mean(vaecourse.losses.bernoulli_nll(x, probs))
        return tape.gradient(loss, vq.encoder.trainable_weights)

    return step(x)


@pytest.mark.parametrize("answer", RIGHT_STRAIGHT)
def test_right_straight_throughs_pass_and_train_the_encoder(answer, capsys):
    straight_through = _accepted(STRAIGHT, answer, capsys)
    grads = _chapter_training_step(straight_through)
    assert all(g is not None for g in grads)
    assert all(np.abs(ops.convert_to_numpy(g)).sum() > 0 for g in grads)


def _numpy_straight_through(z_e, z_q):
    z_e, z_q = np.asarray(z_e), np.asarray(z_q)
    return z_e + (z_q - z_e)


def _numpy_inside(z_e, z_q):
    # right eagerly; inside tf.function there is no .numpy()
    return z_e - ops.stop_gradient(z_e) + tf.constant(z_q.numpy())


@pytest.mark.parametrize(
    "answer, hint",
    [
        (lambda z_e, z_q: z_q, "none reaches z_e"),
        (lambda z_e, z_q: z_e + (z_q - z_e), "none reaches z_e"),
        (
            lambda z_e, z_q: z_e + ops.stop_gradient(z_q) - z_e,
            "No gradient reaches z_e (nor z_q)",
        ),
        (lambda z_e, z_q: ops.stop_gradient(z_q), "No gradient reaches z_e"),
        (
            lambda z_e, z_q: ops.stop_gradient(z_q - z_e),
            "the difference z_q − z_e alone",
        ),
        (
            lambda z_e, z_q: z_q + z_e - ops.stop_gradient(z_e),
            "reaches z_q as well",
        ),
        (
            lambda z_e, z_q: z_e - ops.stop_gradient(z_q - z_e),
            "That is 2·z_e − z_q",
        ),
        (
            lambda z_e, z_q: z_e + ops.stop_gradient(z_e - z_q),
            "That is 2·z_e − z_q",
        ),
        (
            lambda z_e, z_q: ops.stop_gradient(z_e - z_q),
            "the difference z_e − z_q alone",
        ),
        (_numpy_straight_through, "no NumPy"),
        (_numpy_inside, "Inside tf.function the values are symbolic"),
    ],
)
def test_a_known_straight_through_slip_is_named(answer, hint):
    message = _refused(STRAIGHT, answer)
    assert hint in message, message


def test_z_e_itself_is_named_without_reversed_roles():
    message = _refused(STRAIGHT, lambda z_e, z_q: z_e)
    assert "the value of z_e" in message, message
    assert "roles are reversed" not in message, message


@pytest.mark.parametrize(
    "answer",
    [
        lambda z_e, z_q: z_e + ops.stop_gradient(z_q - z_e) * 1.01,
        lambda z_e, z_q: 0.5 * z_e + ops.stop_gradient(z_q - 0.5 * z_e),
    ],
)
def test_a_straight_through_wrong_for_no_known_reason_gets_no_hint(answer):
    message = _refused(STRAIGHT, answer)
    assert message.rstrip().endswith(("].", ")."))
    assert "encoder" not in message and "stop_gradient" not in message


# Exercise 10.3 --------------------------------------------------------------


def _usage_with_counter(codes, num_codes):
    counts = collections.Counter(np.ravel(codes).tolist())
    total = sum(counts.values())
    entropy = -sum(c / total * math.log(c / total) for c in counts.values())
    return math.exp(entropy), num_codes - len(counts)


def _usage_in_bits(codes, num_codes):
    counts = np.bincount(np.ravel(codes), minlength=num_codes)
    return 2 ** stats.entropy(counts, base=2), np.count_nonzero(counts == 0)


def _usage_with_the_module(codes, num_codes):
    p = vqvae.perplexity(np.ravel(codes).astype("int32"), num_codes)
    dead = num_codes - np.unique(codes).size
    return float(p), dead  # float32 inside, about 1e-6 off


def _usage_as_list(codes, num_codes):
    values, counts = np.unique(codes, return_counts=True)
    p = (counts / counts.sum()).astype(np.float32)
    return [np.exp(-(p * np.log(p)).sum()), num_codes - len(values)]


RIGHT_USAGE = [
    _usage_with_counter,
    _usage_in_bits,
    _usage_with_the_module,
    _usage_as_list,
]


@pytest.mark.parametrize("answer", RIGHT_USAGE, ids=lambda f: f.__name__)
def test_right_usages_pass_and_make_the_chapters_table(answer, capsys):
    codebook_usage = _accepted(USAGE, answer, capsys)
    rng = np.random.default_rng(2)
    grids = {
        "EMA": rng.integers(0, 64, size=(1000, 7, 7)),
        "collapsed": rng.integers(0, 5, size=(1000, 7, 7)),
    }
    rows = []
    for name, codes in grids.items():
        perplexity, dead = codebook_usage(codes, 64)
        print(f"{name}: perplexity {perplexity:.1f}, {dead} dead codes")
        rows.append({"model": name, "perplexity": perplexity, "dead": dead})
    table = pd.DataFrame(rows).set_index("model")
    assert pd.api.types.is_float_dtype(table["perplexity"])
    assert pd.api.types.is_integer_dtype(table["dead"])
    assert table.loc["collapsed", "dead"] == 59
    assert table.loc["EMA", "perplexity"] > 60
    assert "collapsed: perplexity 5.0, 59 dead" in capsys.readouterr().out


def _usage(perplexity, dead):
    """An answer built from the two parts, each a function of (codes, K)."""

    def codebook_usage(codes, num_codes):
        return perplexity(codes, num_codes), dead(codes, num_codes)

    return codebook_usage


def _counts(codes, k):
    return np.bincount(np.ravel(codes), minlength=k)


def _entropy(codes, k, log=np.log):
    p = _counts(codes, k) / np.size(codes)
    p = p[p > 0]
    return -np.sum(p * log(p))


def _right_perplexity(codes, k):
    return float(np.exp(_entropy(codes, k)))


def _right_dead(codes, k):
    return int(np.sum(_counts(codes, k) == 0))


def _perplexity_from_counts(codes, k):
    c = _counts(codes, k)
    c = c[c > 0]
    return np.exp(-np.sum(c * np.log(c)))


def _dead_up_to_max(codes, k):
    return int(np.sum(np.bincount(np.ravel(codes)) == 0))


@pytest.mark.parametrize(
    "answer, hint",
    [
        (
            _usage(lambda c, k: 2 ** _entropy(c, k), _right_dead),
            "must have the same base",
        ),
        (
            _usage(lambda c, k: np.exp(_entropy(c, k, np.log2)), _right_dead),
            "must have the same base",
        ),
        (_usage(_entropy, _right_dead), "the entropy H itself"),
        (_usage(_perplexity_from_counts, _right_dead), "with the counts c_k"),
        (
            _usage(_right_perplexity, _dead_up_to_max),
            "Codes above the largest",
        ),
        (
            _usage(_right_perplexity, lambda c, k: k - (int(np.max(c)) + 1)),
            "max(codes) + 1 is not the number of codes used",
        ),
        (
            _usage(_right_perplexity, lambda c, k: np.unique(c).size),
            "That is the number of codes used",
        ),
        (
            _usage(_right_perplexity, lambda c, k: 0),
            "count the codes of range(num_codes) that never appear",
        ),
        (
            lambda c, k: (_right_dead(c, k), _right_perplexity(c, k)),
            "The two are swapped",
        ),
        (
            _usage(
                lambda c, k: vqvae.perplexity(np.ravel(c), k), _right_dead
            ),
            "return a plain number, float(...)",
        ),
        (
            _usage(_right_perplexity, lambda c, k: float(_right_dead(c, k))),
            "return a plain number, int(...)",
        ),
        (
            lambda c, k: np.array(
                [_right_perplexity(c, k), _right_dead(c, k)]
            ),
            "return perplexity, dead",
        ),
    ],
)
def test_a_known_usage_slip_is_named(answer, hint):
    message = _refused(USAGE, answer)
    assert hint in message, message


@pytest.mark.parametrize(
    "answer",
    [
        # the number of codes used: right only for uniform use
        _usage(lambda c, k: float(np.unique(c).size), _right_dead),
        _usage(lambda c, k: 1.01 * _right_perplexity(c, k), _right_dead),
        _usage(_right_perplexity, lambda c, k: _right_dead(c, k) + 1),
    ],
)
def test_a_usage_wrong_for_no_known_reason_gets_no_hint(answer):
    message = _refused(USAGE, answer)
    # the message ends with what came back: no hint after it
    assert re.search(r", got (perplexity )?[-+\d.e]+\.$", message), message
