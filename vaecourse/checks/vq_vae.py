"""Checkers for chapter 10 (discrete codes: the VQ-VAE).

A hint names a slip only when the answer gives what that slip gives on
every case the checker tries (:func:`_identified`); otherwise the failure
says which case failed, what was expected and what came back.
"""

from __future__ import annotations

import numpy as np

from ..exercises import Exercise, ExerciseNotDone
from . import expect, is_tensor, kind_of, outcome, raise_for_case


def _show(x, digits: int = 3):
    return np.round(np.asarray(x, dtype=float), digits).tolist()


def _same(got, slip, rtol=1e-4, atol=1e-5) -> bool:
    """Whether ``got`` holds the slip's numbers (NaN for NaN)."""
    if isinstance(got, Exception) or isinstance(slip, Exception):
        return False
    try:
        with np.errstate(all="ignore"):
            got = np.asarray(got, dtype=float)
            slip = np.asarray(slip, dtype=float)
    except (TypeError, ValueError):
        return False
    return got.shape == slip.shape and bool(
        np.allclose(got, slip, rtol=rtol, atol=atol, equal_nan=True)
    )


def _identified(
    outcomes, cases, slips, pick=lambda got: got, **tolerance
) -> str:
    """The hint of the first slip whose outcome is the answer's on every case.

    ``outcomes``: the answer's outcome on each case; ``cases``: ``(case,
    args)`` pairs; ``slips``: ``(hint, variants)`` pairs, each variant a
    function of a case's args giving what that slip returns; ``pick`` takes
    the part to compare from the answer's outcome (``None`` when it has no
    such part); ``tolerance`` goes to :func:`_same`."""
    for hint, variants in slips:
        if all(
            any(
                _same(pick(got), variant(*args), **tolerance)
                for variant in variants
                if pick(got) is not None
            )
            for got, (_, args) in zip(outcomes, cases)
        ):
            return hint
    return ""


# Exercise 10.1: the nearest code -------------------------------------------


def _distances(vectors, codebook) -> np.ndarray:
    """‖v − e_k‖², (n, K), in float64."""
    v = np.asarray(vectors, dtype=np.float64)
    e = np.asarray(codebook, dtype=np.float64)
    d = (v**2).sum(1)[:, None] - 2.0 * v @ e.T + (e**2).sum(1)[None, :]
    return np.maximum(d, 0.0)


def _rounding(vectors, codebook) -> np.ndarray:
    """How far apart, (n, K), two squared distances may be and still swap
    places when computed in float32: many units of float32 rounding of the
    terms of ‖v‖² − 2 v·e + ‖e‖² (about 6e-8 each)."""
    v = np.asarray(vectors, dtype=np.float64)
    e = np.asarray(codebook, dtype=np.float64)
    scale = (v**2).sum(1)[:, None] + (e**2).sum(1)[None, :]
    return 1e-5 * scale + 1e-12


def _nearest(vectors, codebook):
    return np.argmin(_distances(vectors, codebook), axis=1)


NEAREST_SLIPS = [
    (
        (
            "Those are the farthest codes: the nearest code has the smallest "
            "distance, np.argmin, not np.argmax."
        ),
        [lambda v, e: np.argmax(_distances(v, e), axis=1)],
    ),
    (
        (
            "That is one index per code, the nearest vector of each code: "
            "the argmin ran over the vectors. Take it over the codes, axis=1 "
            "of the (n, K) distances, to get one code per vector."
        ),
        [lambda v, e: np.argmin(_distances(v, e), axis=0)],
    ),
    (
        (
            "That is the (n, K) array of distances: return, for each vector "
            "(row), the index of its smallest distance, np.argmin(..., "
            "axis=1)."
        ),
        [_distances, lambda v, e: np.sqrt(_distances(v, e))],
    ),
    (
        (
            "Those are the smallest distances themselves: return where they "
            "are, the index of each row's minimum, np.argmin(..., axis=1)."
        ),
        [
            lambda v, e: _distances(v, e).min(axis=1),
            lambda v, e: np.sqrt(_distances(v, e).min(axis=1)),
        ],
    ),
    (
        (
            "Those are the nearest codebook vectors themselves: return their "
            "indices, the rows of the codebook, np.argmin(..., axis=1)."
        ),
        [lambda v, e: np.asarray(e, dtype=float)[_nearest(v, e)]],
    ),
    (
        (
            "Those are the right codes, as a column (n, 1): return one flat "
            "array of shape (n,) (no keepdims)."
        ),
        [lambda v, e: _nearest(v, e)[:, None]],
    ),
    (
        (
            "Your indices are one too high: Python counts from 0, and "
            "np.argmin's index is already the code's."
        ),
        [lambda v, e: _nearest(v, e) + 1],
    ),
    (
        (
            "The term ‖e‖² is missing: with only ‖v‖² − 2 v·e the codes' own "
            "lengths are ignored, and long codes win. (‖v‖² may go: it is "
            "the same for every code of a row; ‖e‖² is not.)"
        ),
        [
            lambda v, e: np.argmin(
                -2.0 * np.asarray(v, float) @ np.asarray(e, float).T, axis=1
            )
        ],
    ),
    (
        (
            "The middle term's sign: ‖v‖² + 2 v·e + ‖e‖² is ‖v + e‖², the "
            "distance to −e. It is ‖v‖² − 2 v·e + ‖e‖²."
        ),
        [lambda v, e: _nearest(v, -np.asarray(e, dtype=float))],
    ),
]


def _nearest_cases():
    """(case, (vectors, codebook), exact): ``exact`` asks for np.argmin's
    index even at a tie (ties that are exact in any precision)."""
    hand_codebook = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 2.0], [2.0, 2.0]])
    hand_vectors = np.array(
        [
            [1.0, 0.0],
            [1.9, 0.1],
            [0.2, 1.7],
            [1.0, 1.0],
            [3.0, 3.0],
            [2.0, 1.0],
        ]
    )
    rng = np.random.default_rng(101)
    return [
        (
            (
                "the codebook [[0, 0], [2, 0], [0, 2], [2, 2]] (K = 4) and "
                "the six vectors [[1, 0], [1.9, 0.1], [0.2, 1.7], [1, 1], "
                "[3, 3], [2, 1]] (ties included)"
            ),
            (hand_vectors, hand_codebook),
            True,
        ),
        (
            "50 random 3-D vectors and a codebook of K = 8",
            (rng.normal(size=(50, 3)), rng.normal(size=(8, 3))),
            False,
        ),
        (
            (
                "40 random 1-D vectors (D = 1: shape (40, 1)) and a codebook "
                "of K = 5"
            ),
            (rng.normal(size=(40, 1)), rng.normal(size=(5, 1))),
            False,
        ),
        (
            (
                "30 float32 vectors of 16 and a float32 codebook of K = 64, "
                "like the chapter's"
            ),
            (
                rng.normal(size=(30, 16)).astype(np.float32),
                rng.normal(size=(64, 16)).astype(np.float32),
            ),
            False,
        ),
    ]


def _large_nearest_case():
    """Tens of thousands of vectors, like the chapter's encoder outputs."""
    rng = np.random.default_rng(102)
    return (
        (
            "20,000 float32 vectors of 16 and a float32 codebook of K = 64, "
            "the scale at which the chapter uses your function"
        ),
        (
            rng.normal(size=(20_000, 16)).astype(np.float32),
            (0.7 * rng.normal(size=(64, 16))).astype(np.float32),
        ),
        False,
    )


def _judge_codes(got, case, vectors, codebook, exact, hint_of) -> None:
    """Fail unless ``got`` is the index of the nearest code of each vector.

    ``hint_of()`` gives the hint of the identified slip (or "")."""
    n, k = len(vectors), len(codebook)
    expected = _nearest(vectors, codebook)
    what = f"{n} code indices (shape ({n},)), integers from 0 to {k - 1}"
    if isinstance(got, Exception):
        raise_for_case(got, case, what)
    if not isinstance(got, np.ndarray):
        convert = (
            "keras.ops.convert_to_numpy(...)"
            if is_tensor(got)
            else "np.asarray(...)"
        )
        expect(
            False,
            case,
            "a NumPy array of integers",
            kind_of(got, shape=True),
            "The chapter goes on with NumPy on the codes (it compares them "
            "with the model's and indexes the codebook with them): return a "
            f"NumPy array, {convert}.",
        )
    if got.shape != (n,):
        expect(
            False,
            case,
            f"shape ({n},), one code per vector",
            f"shape {got.shape}",
            hint_of(),
        )
    if not np.issubdtype(got.dtype, np.integer):
        right = bool(
            np.issubdtype(got.dtype, np.number)
            and np.array_equal(got, expected)
        )
        expect(
            False,
            case,
            "integer indices",
            f"an array of {got.dtype}"
            + ("" if right else f" (first ones {_show(got[:4], 4)})"),
            "Those are the right codes, as floats: the chapter indexes the "
            "codebook with them, which takes integers (.astype(int))."
            if right
            else hint_of(),
        )
    d = _distances(vectors, codebook)
    rows = np.arange(n)
    in_range = (got >= 0) & (got < k)
    if not in_range.all():
        i = int(np.argmin(in_range))
        expect(
            False,
            case,
            f"{what}; vector {i}'s nearest code is {expected[i]}",
            f"code {got[i]} for vector {i}",
            hint_of(),
        )
    if exact:
        wrong = got != expected
    else:
        # near-ties in float32 may go either way
        gap = d[rows, got] - d[rows, expected]
        wrong = gap > _rounding(vectors, codebook)[rows, got]
    if not wrong.any():
        return
    i = int(np.argmax(wrong))
    v = _show(vectors[i], 3)
    hint = hint_of()
    if not hint and exact and d[i, got[i]] == d[i, expected[i]]:
        hint = (
            f"Vector {v} is as near to code {got[i]} as to code "
            f"{expected[i]}: a tie goes to the lowest index, as np.argmin "
            "gives it."
        )
    expect(
        False,
        f"{case}, vector {i}, {v}",
        f"code {expected[i]} (squared distance {d[i, expected[i]]:.4g})",
        f"code {got[i]} (squared distance {d[i, got[i]]:.4g})",
        hint,
    )


def check_nearest_codes(nearest_codes) -> None:
    """``nearest_codes(vectors, codebook)``: the index of each vector's
    nearest code, shape (n,), integers, ties to the lowest index."""
    cases = _nearest_cases()
    outcomes = [
        outcome(nearest_codes, v.copy(), e.copy()) for _, (v, e), _ in cases
    ]
    pairs = [(case, args) for case, args, _ in cases]

    def hint_of():
        # distances computed in float32 differ from these by ~1e-5
        return _identified(outcomes, pairs, NEAREST_SLIPS, atol=1e-3)

    for (case, (v, e), exact), got in zip(cases, outcomes):
        _judge_codes(got, case, v, e, exact, hint_of)
    case, (v, e), exact = _large_nearest_case()
    got = outcome(nearest_codes, v.copy(), e.copy())
    _judge_codes(got, case, v, e, exact, lambda: "")


# Exercise 10.2: the straight-through estimator -----------------------------


def _gradients(straight_through, z_e, z_q, w, compiled: bool):
    """The answer's output for tensors z_e, z_q and the gradients of
    Σ w · out with respect to them (``None`` where the output does not depend
    on one)."""
    import tensorflow as tf
    from keras import ops

    def step(z_e, z_q, w):
        with tf.GradientTape() as tape:
            tape.watch([z_e, z_q])
            out = straight_through(z_e, z_q)
            loss = ops.sum(w * ops.convert_to_tensor(out))
        return out, tape.gradient(loss, [z_e, z_q])

    if compiled:
        step = tf.function(step)
    return step(
        tf.constant(z_e, dtype="float32"),
        tf.constant(z_q, dtype="float32"),
        tf.constant(w, dtype="float32"),
    )


def _describe_gradient(g, w) -> str:
    if g is None:
        return "none (the output does not depend on it)"
    g = np.asarray(g, dtype=float)
    if np.allclose(g, 0.0, atol=1e-6):
        return "0"
    if np.allclose(g, w, rtol=1e-5, atol=1e-6):
        return "w"
    if np.allclose(g, -w, rtol=1e-5, atol=1e-6):
        return "−w"
    return f"other numbers (first ones {_show(g.reshape(-1)[:3], 4)})"


def _judge_straight_through(straight_through, case, compiled) -> None:
    rng = np.random.default_rng(110 + compiled)
    shape = (3, 7, 7, 16)
    z_e, z_q, w = (rng.normal(size=shape).astype(np.float32) for _ in "abc")
    expected = (
        "a tensor equal to z_q, with ∂L/∂z_e = w and ∂L/∂z_q = 0 for "
        "L = Σ w · out"
    )
    try:
        out, (g_e, g_q) = _gradients(straight_through, z_e, z_q, w, compiled)
    except ExerciseNotDone:
        raise
    except Exception as err:  # noqa: BLE001 (the learner's error, reported)
        text = f"{type(err).__name__}: {err}"
        if compiled and "symbolic" in text.lower():
            # TensorFlow's message lists the frames; the cause is last
            lines = [line for line in str(err).splitlines() if line.strip()]
            cause = lines[-1].strip() if lines else type(err).__name__
            if not cause.startswith(type(err).__name__):
                cause = f"{type(err).__name__}: {cause}"
            raise AssertionError(
                f"{case}: it raised {cause[:200]}. Inside tf.function the "
                "values are symbolic tensors, with no numbers yet for NumPy "
                "or .numpy(): keep to keras.ops (ops.stop_gradient)."
            ) from None
        raise_for_case(err, case, expected)
    if isinstance(out, np.ndarray) or not is_tensor(out):
        expect(
            False,
            case,
            "a tensor",
            kind_of(out, shape=True),
            "The tape follows tensors only, and the training step "
            "differentiates through your function: keep to keras.ops "
            "(ops.stop_gradient), no NumPy."
            if isinstance(out, np.ndarray)
            else "",
        )
    value = np.asarray(out, dtype=float)
    expect(
        value.shape == z_q.shape,
        case,
        f"shape {z_q.shape}, that of z_q",
        f"shape {value.shape}",
    )
    tol = {"rtol": 1e-5, "atol": 1e-5}
    if not np.allclose(value, z_q, **tol):
        if np.allclose(value, z_e, **tol):
            reversed_roles = g_q is not None and np.allclose(g_q, w, **tol)
            hint = (
                "Your output has the value of z_e: the decoder would see the "
                "encoder's output, not the codebook vectors. The forward "
                "pass must see z_q"
                + (
                    ", and the gradient must go to z_e, not to z_q: the "
                    "roles are reversed."
                    if reversed_roles
                    else "."
                )
            )
        elif np.allclose(value, z_q - z_e, **tol):
            hint = (
                "That is the difference z_q − z_e alone: add z_e to it, "
                "outside stop_gradient."
            )
        elif np.allclose(value, z_e - z_q, **tol):
            hint = (
                "That is the difference z_e − z_q alone: the output must be "
                "z_e plus the difference that takes it to z_q."
            )
        elif np.allclose(value, 2 * z_e - z_q, **tol):
            hint = (
                "That is 2·z_e − z_q: the difference goes the wrong way "
                "(z_e − (z_q − z_e), or z_e + (z_e − z_q)). z_e plus "
                "z_q − z_e is z_q."
            )
        else:
            hint = ""
        expect(
            False,
            case,
            f"the values of z_q (first ones {_show(z_q.reshape(-1)[:3], 4)})",
            f"{_show(value.reshape(-1)[:3], 4)}",
            hint,
        )
    to_e = g_e is not None and np.allclose(g_e, w, **tol)
    to_q = g_q is not None and not np.allclose(g_q, 0.0, atol=1e-6)
    if to_e and not to_q:
        return
    none_to_e = g_e is None or np.allclose(g_e, 0.0, atol=1e-6)
    if none_to_e and to_q and np.allclose(g_q, w, **tol):
        hint = (
            "The gradient goes to z_q and none reaches z_e: the encoder "
            "would get no gradient, and the reconstruction would move the "
            "codebook instead. Keep z_e outside stop_gradient, and z_q "
            "only inside it."
        )
    elif none_to_e and not to_q:
        hint = (
            "No gradient reaches z_e (nor z_q): the encoder would get no "
            "gradient. The value must be z_q, but to the gradient the output "
            "must be z_e plus a constant (a stop_gradient)."
        )
    elif to_e and to_q:
        hint = (
            "The gradient reaches z_q as well: the reconstruction would move "
            "the codebook, which is the job of the codebook loss (or of the "
            "moving averages). z_q may appear only inside stop_gradient."
        )
    else:
        hint = ""
    expect(
        False,
        case,
        "∂L/∂z_e = w and ∂L/∂z_q = 0",
        f"∂L/∂z_e = {_describe_gradient(g_e, w)}, "
        f"∂L/∂z_q = {_describe_gradient(g_q, w)}",
        hint,
    )


def check_straight_through(straight_through) -> None:
    """``straight_through(z_e, z_q)``: z_q forward, the identity gradient to
    z_e and none to z_q; eagerly and inside tf.function."""
    _judge_straight_through(
        straight_through,
        "z_e, z_q: tensors of shape (3, 7, 7, 16), L = Σ w · out for random "
        "weights w, gradients by tf.GradientTape",
        compiled=False,
    )
    _judge_straight_through(
        straight_through,
        "the same inside tf.function, as the chapter's training step runs it",
        compiled=True,
    )


# Exercise 10.3: codebook usage ---------------------------------------------


def _counts(codes, num_codes) -> np.ndarray:
    return np.bincount(np.asarray(codes).reshape(-1), minlength=num_codes)


def _entropy(codes, num_codes, log=np.log) -> float:
    p = _counts(codes, num_codes) / np.size(codes)
    p = p[p > 0]
    return float(-np.sum(p * log(p)))


def _usage(codes, num_codes):
    used = np.count_nonzero(_counts(codes, num_codes))
    return float(np.exp(_entropy(codes, num_codes))), int(num_codes - used)


def _with_zeros(codes, num_codes, shares=True) -> float:
    """exp(−Σ p log p) over every code, the unused ones too: NaN (0 log 0)."""
    c = _counts(codes, num_codes).astype(float)
    p = c / c.sum() if shares else c
    with np.errstate(all="ignore"):
        return float(np.exp(-np.sum(p * np.log(p))))


def _from_counts(codes, num_codes) -> float:
    c = _counts(codes, num_codes).astype(float)
    c = c[c > 0]
    with np.errstate(all="ignore"):
        return float(np.exp(-np.sum(c * np.log(c))))


PERPLEXITY_SLIPS = [
    (
        (
            "nan: a code never used has p_k = 0, and 0 · log 0 is nan in "
            "NumPy. Its term counts as 0: leave the unused codes out "
            "(p[p > 0]) before the sum."
        ),
        [_with_zeros],
    ),
    (
        (
            "The entropy and the exponential must have the same base: np.exp "
            "of the entropy in nats (np.log), or 2 to the power of the "
            "entropy in bits (np.log2)."
        ),
        [
            lambda c, k: 2.0 ** _entropy(c, k),
            lambda c, k: np.exp(_entropy(c, k, np.log2)),
        ],
    ),
    (
        (
            "That is the entropy H itself: the perplexity is its "
            "exponential, exp(H)."
        ),
        [_entropy, lambda c, k: _entropy(c, k, np.log2)],
    ),
    (
        (
            "That is exp(−Σ c_k log c_k) with the counts c_k: use the shares "
            "p_k = c_k / (the number of entries), which add up to 1."
        ),
        [_from_counts, lambda c, k: _with_zeros(c, k, shares=False)],
    ),
]


def _up_to_max(codes, num_codes) -> int:
    c = np.bincount(np.asarray(codes).reshape(-1))
    return int(np.sum(c == 0))


DEAD_SLIPS = [
    (
        (
            "Codes above the largest one used, up to num_codes − 1, are "
            "never used either: count over range(num_codes), not only up to "
            "max(codes) (np.bincount(codes, minlength=num_codes))."
        ),
        [_up_to_max],
    ),
    (
        (
            "max(codes) + 1 is not the number of codes used: codes below the "
            "largest may be unused too. Count the distinct codes."
        ),
        [lambda c, k: k - (int(np.max(c)) + 1)],
    ),
    (
        (
            "That is the number of codes used: dead is the number never "
            "used, num_codes minus it."
        ),
        [lambda c, k: len(np.unique(c))],
    ),
    (
        (
            "A code that is never used does not appear in codes at all, so "
            "it has no count among them: count the codes of range(num_codes) "
            "that never appear."
        ),
        [lambda c, k: 0],
    ),
]


def _usage_cases():
    rng = np.random.default_rng(103)
    shares = np.exp(-np.arange(40) / 8.0)
    grid = rng.choice(40, size=(30, 7, 7), p=shares / shares.sum())
    return [
        (
            "uniform use: codes 0 to 7, each 5 times, num_codes = 8",
            (np.tile(np.arange(8), 5), 8),
        ),
        (
            "one code only: 20 entries, all 3, num_codes = 8",
            (np.full(20, 3), 8),
        ),
        (
            (
                "codes [0, 0, 0, 0, 2, 2, 5, 5] (shares 1/2, 1/4, 1/4), "
                "num_codes = 10"
            ),
            (np.array([0, 0, 0, 0, 2, 2, 5, 5]), 10),
        ),
        (
            (
                "a grid of shape (30, 7, 7), int32, of codes drawn unevenly "
                "from 0 to 39, num_codes = 64"
            ),
            (grid.astype(np.int32), 64),
        ),
    ]


def _is_number(x) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not (
        isinstance(x, (bool, np.bool_))
    )


def _pair(got):
    """(perplexity, dead) of a well-formed answer, else ``None``."""
    well_formed = isinstance(got, (tuple, list)) and len(got) == 2
    return got if well_formed and all(map(_is_number, got)) else None


def _judge_usage(got, case, codes, num_codes, hint_of) -> None:
    perplexity, dead = _usage(codes, num_codes)
    want = f"(perplexity {perplexity:.4g}, dead {dead})"
    if isinstance(got, Exception):
        raise_for_case(got, case, f"the pair {want}")
    expect(
        isinstance(got, (tuple, list)) and len(got) == 2,
        case,
        f"a pair {want}",
        kind_of(got, shape=True)
        + (f" of {len(got)}" if isinstance(got, (tuple, list)) else ""),
        "Return the two numbers as a pair: return perplexity, dead."
        if isinstance(got, np.ndarray) and got.shape == (2,)
        else "",
    )
    p, d = got
    if (
        _is_number(p)
        and _is_number(d)
        and not np.isclose(p, perplexity, rtol=1e-5)
        and np.isclose(p, dead)
        and np.isclose(d, perplexity, rtol=1e-5)
    ):
        expect(
            False,
            case,
            want,
            f"({_show(p, 4)}, {_show(d, 4)})",
            "The two are swapped: return perplexity, dead (in that order).",
        )
    for name, x, kinds, convert in (
        ("the perplexity", p, "a number", "float(...)"),
        ("dead", d, "an integer", "int(...)"),
    ):
        integer = isinstance(x, (int, np.integer)) and not isinstance(
            x, (bool, np.bool_)
        )
        ok = _is_number(x) and (integer or name != "dead")
        expect(
            ok,
            f"{case}: {name}",
            f"{kinds} (a Python or NumPy scalar)",
            kind_of(x, shape=True)
            if not _is_number(x)
            else f"{type(x).__name__} {x}",
            f"The chapter formats it in an f-string and puts it in a table: "
            f"return a plain number, {convert}.",
        )
    expect(
        bool(np.isclose(p, perplexity, rtol=1e-5, atol=1e-8)),
        case,
        f"perplexity {perplexity:.6g}",
        f"perplexity {float(p):.6g}",
        hint_of(PERPLEXITY_SLIPS, 0),
    )
    expect(
        d == dead,
        case,
        f"{dead} dead codes",
        f"{d}",
        hint_of(DEAD_SLIPS, 1),
    )


def check_codebook_usage(codebook_usage) -> None:
    """``codebook_usage(codes, num_codes)`` -> (perplexity, dead): exp of the
    entropy of the codes' shares, and the number of codes of range(num_codes)
    never used."""
    cases = _usage_cases()
    outcomes = [
        outcome(codebook_usage, codes.copy(), k) for _, (codes, k) in cases
    ]

    def hint_of(slips, part):
        def pick(got):
            pair = _pair(got)
            return None if pair is None else float(pair[part])

        return _identified(outcomes, cases, slips, pick)

    for (case, (codes, k)), got in zip(cases, outcomes):
        _judge_usage(got, case, codes, k, hint_of)


EXERCISES = [
    Exercise(
        "10_vq_vae_1_nearest_codes",
        "nearest_codes",
        check_nearest_codes,
    ),
    Exercise(
        "10_vq_vae_2_straight_through",
        "straight_through",
        check_straight_through,
    ),
    Exercise(
        "10_vq_vae_3_codebook_usage",
        "codebook_usage",
        check_codebook_usage,
    ),
]
