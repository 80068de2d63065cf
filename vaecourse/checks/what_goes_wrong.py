"""Checkers for chapter 8 (when VAEs go wrong, and how to tell).

Every case is a small array built here with a fixed seed; the expected answers are computed
in closed form, so each check runs in milliseconds. A hint names a slip only when the
answer is what that slip returns on the case (:func:`_identified`).
"""

from __future__ import annotations

import warnings

import numpy as np

from ..exercises import Exercise
from . import call_or_fail as _call
from . import expect


def _identified(got, slips, **tolerance) -> str:
    """The hint of the slip whose result ``got`` is, among ``(result, hint)`` pairs; ``""``
    when it is none of them, or when slips with different hints give the same result (then
    the checker cannot tell which one was made)."""
    got = np.asarray(got, dtype=float)
    hints = {
        hint
        for value, hint in slips
        if np.shape(value) == got.shape
        and np.allclose(got, value, equal_nan=True, **tolerance)
    }
    return hints.pop() if len(hints) == 1 else ""


def _shown(value) -> str:
    """A count or a distance as the failure prints it: ``3`` or ``3.5``."""
    return f"{value:.6g}"


# ----------------------------------------------------------------------------------------
# Exercise 8.1: counting active units
# ----------------------------------------------------------------------------------------
def _activity_case():
    """Posterior means of 400 images in 7 dimensions with known activities.

    Dimensions 0–2 vary (variance 1, 0.25, 0.04, around 0.5, 0 and −0.5): active.
    Dimension 3 varies a little (standard deviation 0.05, variance 0.0025): inactive, but
    its standard deviation is above 0.01. Dimensions 4, 5 and 6 sit at 3, −2 and −0.5 for
    every image: inactive (variance exactly 0), but their mean squares are large. Each
    slip of :func:`_activity_slips` gives a count of its own on it.
    """
    rng = np.random.default_rng(8)
    n = 400
    z = rng.standard_normal((n, 4))
    z = (z - z.mean(axis=0)) / z.std(axis=0)  # exactly mean 0, variance 1
    means = np.zeros((n, 7))
    means[:, :4] = z * np.array([1.0, 0.5, 0.2, 0.05])
    means[:, :4] += np.array([0.5, 0.0, -0.5, 0.0])
    means[:, 4:] = np.array([3.0, -2.0, -0.5])
    return means


ACTIVITY_CASE = (
    "means of 400 images in 7 dimensions whose variances over the images "
    "are 1, 0.25, 0.04, 0.0025, 0, 0, 0 (the last three constant at 3, -2, "
    "-0.5)"
)


def _activity_slips(means, threshold):
    """What each known slip counts on ``means``, with its hint."""
    per_image = (
        "You took the spread of each image's code across the dimensions "
        "(axis=1), one value per image; the activity of a dimension is its "
        "variance across the images (the rows), axis=0."
    )
    mean_not_variance = (
        "You compared each dimension's mean with the threshold; its activity "
        "is its variance over the images, means.var(axis=0)."
    )
    return [
        (np.sum(means.var(axis=1) > threshold), per_image),
        (np.sum(means.std(axis=1) > threshold), per_image),
        (
            np.sum(means.std(axis=0) > threshold),
            (
                "Dimension 3, whose standard deviation is 0.05 and variance "
                "0.0025, counts as active: compare the variance, not the "
                "standard deviation, with the threshold."
            ),
        ),
        (
            np.sum((means**2).mean(axis=0) > threshold),
            (
                "The constant dimensions 4, 5 and 6 count as active: the "
                "activity is a variance, the mean square around each dimension's "
                "own average, not the mean square of the values."
            ),
        ),
        (np.sum(means.mean(axis=0) > threshold), mean_not_variance),
        (np.sum(np.abs(means.mean(axis=0)) > threshold), mean_not_variance),
        (
            np.sum(np.var(means) > threshold),
            (
                "You took one variance of the whole array: take one per "
                "dimension (column), over the images, means.var(axis=0)."
            ),
        ),
    ]


def _count(case: str, got, expected: int, means, threshold) -> float:
    """``got`` as a number if it is one count; otherwise a failure saying what came back,
    and what it is when it is the per-dimension test or the activities."""
    array = np.asarray(got)
    numeric = array.dtype != object and (
        array.dtype == bool or np.issubdtype(array.dtype, np.number)
    )
    if array.ndim != 0:
        activity = means.var(axis=0)
        slips = [
            (
                activity > threshold,
                (
                    "That is the test of each dimension, True where it is "
                    "active: return how many pass it, int(np.sum(...))."
                ),
            ),
            (
                activity,
                (
                    "Those are the activities of the dimensions: return how many "
                    "of them exceed the threshold."
                ),
            ),
        ]
        expect(
            False,
            case,
            f"one number, the count {expected}",
            f"an array of shape {array.shape}",
            _identified(array, slips) if numeric else "",
        )
    # The chapter puts the count in a table and compares it: a number, not True or
    # a string.
    expect(
        numeric
        and array.dtype != bool
        and not np.issubdtype(array.dtype, np.complexfloating),
        case,
        f"a count, the integer {expected}",
        f"{got!r} (a {type(got).__name__})",
    )
    return float(array)


def _activity_probe():
    """A second array, 300 images in 7 dimensions (standard deviations 0.2, 0.05, 0.03,
    0.12, 0, 0.02, 0.005 around small means): each slip of :func:`_activity_slips` counts
    otherwise on it than on :func:`_activity_case`, so a count that matches a slip on both
    is that slip, not a coincidence."""
    rng = np.random.default_rng(9)
    z = rng.standard_normal((300, 7))
    z = (z - z.mean(axis=0)) / z.std(axis=0)
    spread = np.array([0.2, 0.05, 0.03, 0.12, 0.0, 0.02, 0.005])
    return z * spread + np.array([0.0, 0.04, 0.0, -0.03, 0.02, 0.0, 0.0])


def _edge_probe():
    """400 images in 2 dimensions: one alternating ±0.5, variance exactly 0.25 (in any
    order of summation), one constant."""
    means = np.ones((400, 2))
    means[:, 0] = np.tile([0.5, -0.5], 200)
    return means


def _quietly(function, *args) -> float:
    """``function(*args)`` as a float, or NaN if it raises or gives no single number:
    a second look at an answer that already failed, to tell its slip."""
    try:
        return float(np.asarray(function(*args), dtype=float).reshape(()))
    except Exception:  # noqa: BLE001 (the failure already found is reported)
        return np.nan


def check_count_active_units(count_active_units) -> None:
    """``count_active_units(means, threshold=0.01)``: how many dimensions are active."""
    means = _activity_case()
    case = ACTIVITY_CASE
    got = _call(case, "3 active units", count_active_units, means)
    got = _count(case, got, 3, means, 0.01)
    if got != 3:
        # Identified on two arrays: the case and a probe.
        probe = _activity_probe()
        slips = [
            (np.array([on_case, on_probe]), hint)
            for (on_case, hint), (on_probe, _) in zip(
                _activity_slips(means, 0.01), _activity_slips(probe, 0.01)
            )
        ]
        on_probe = _quietly(count_active_units, probe)
        expect(
            False,
            case,
            "3 active units (the variances 1, 0.25 and 0.04 exceed 0.01)",
            _shown(got),
            _identified([got, on_probe], slips),
        )

    case = "the same means with threshold=0.1"
    got = _call(case, "2 active units", count_active_units, means, 0.1)
    got = _count(case, got, 2, means, 0.1)
    if got != 2:
        # The count at 0.01, here and at threshold 2 (where none is active).
        at_two = _quietly(count_active_units, means, 2.0)
        fixed = (
            np.array([3, 3]),
            (
                "That is the count at threshold 0.01: compare with the threshold "
                "the caller passes, not a fixed 0.01."
            ),
        )
        expect(
            False,
            case,
            "2 active units (the variances 1 and 0.25 exceed 0.1)",
            _shown(got),
            _identified([got, at_two], [fixed]),
        )

    case = (
        "the same means with threshold=0: a dimension counts when its mean "
        "varies at all"
    )
    got = _call(case, "4 active units", count_active_units, means, 0.0)
    got = _count(case, got, 4, means, 0.0)
    if got != 4:
        # All 7 here, and on a variance of exactly 0.25 at threshold 0.25.
        at_edge = _quietly(count_active_units, _edge_probe(), 0.25)
        at_or_above = (
            np.array([7, 1]),
            (
                "The constant dimensions 4, 5 and 6, whose variance is exactly 0, "
                "count as active: a dimension is active when its activity "
                "exceeds the threshold, >, not >=."
            ),
        )
        expect(
            False,
            case,
            "4 active units (dimensions 0 to 3; 4, 5 and 6 have variance 0)",
            _shown(got),
            _identified([got, at_edge], [at_or_above]),
        )

    one = means[:, :1].astype("float32")
    case = "float32 means of one active dimension, shape (400, 1)"
    got = _call(case, "1 active unit", count_active_units, one)
    got = _count(case, got, 1, one, 0.01)
    expect(got == 1, case, "1 active unit", _shown(got))


# ----------------------------------------------------------------------------------------
# Exercise 8.2: the free-bits KL term
# ----------------------------------------------------------------------------------------
def _kl_per_dim(mean, log_var):
    return 0.5 * (np.exp(log_var) + mean**2 - 1.0 - log_var)


def _free_bits_case():
    """A batch of 4 codes in 3 dimensions: dimension 0 carries 2 nats or more, dimension 1
    about 0.3 on average (0 to 1 per image), dimension 2 nothing."""
    mean = np.array(
        [
            [2.0, 0.0, 0.0],
            [-2.5, 0.3, 0.0],
            [2.2, -1.4, 0.0],
            [-1.8, 0.5, 0.0],
        ]
    )
    log_var = np.array(
        [
            [-1.0, 0.0, 0.0],
            [-1.5, -0.2, 0.0],
            [-0.5, 0.0, 0.0],
            [-1.2, -0.1, 0.0],
        ]
    )
    return mean, log_var


def _free_bits(mean, log_var, lam) -> float:
    return float(np.sum(np.maximum(_kl_per_dim(mean, log_var).mean(0), lam)))


def _one_number(case: str, got, expected: str, slips=()) -> float:
    """``got`` as a float if it holds one number; otherwise a failure, which names the slip
    among ``slips`` (arrays an answer of another shape may be) that ``got`` is."""
    array = np.asarray(got)
    numeric = array.dtype != object and np.issubdtype(array.dtype, np.number)
    if array.size != 1 or not numeric:
        expect(
            False,
            case,
            f"one number, {expected}",
            f"an array of shape {array.shape}" if numeric else repr(got),
            _identified(array, slips) if numeric else "",
        )
    return float(np.real(array.reshape(())))


def check_free_bits_kl(free_bits_kl) -> None:
    """``free_bits_kl(mean, log_var, free_bits)``: Σ_j max(λ, batch mean of KL_j)."""
    mean, log_var = _free_bits_case()
    per_dim = _kl_per_dim(mean, log_var)
    lam = 0.5
    expected = _free_bits(mean, log_var, lam)
    batch_kls = np.round(per_dim.mean(axis=0), 3).tolist()
    case = (
        f"a batch of 4 codes in 3 dimensions (batch-mean KL per dimension "
        f"{batch_kls}), free_bits=0.5"
    )
    got = _call(case, f"{expected:.4f}", free_bits_kl, mean, log_var, lam)
    got = _one_number(
        case,
        got,
        f"{expected:.4f}",
        [
            (
                np.maximum(per_dim.mean(axis=0), lam),
                (
                    "Those are the clamped terms of the 3 dimensions: return "
                    "their sum, one number for the batch."
                ),
            ),
            (
                np.maximum(per_dim, lam).sum(axis=1),
                (
                    "That is one number per image, each image's KL clamped "
                    "dimension by dimension: average KL_j over the batch first, "
                    "then clamp, then sum over the dimensions."
                ),
            ),
        ],
    )
    plain = per_dim.sum(axis=1).mean()
    slips = [
        (
            np.sum(np.minimum(per_dim.mean(axis=0), lam)),
            (
                "You took the minimum: free bits is a floor, max(λ, KL_j), so "
                "a dimension that carries less than λ nats still costs λ."
            ),
        ),
        (
            np.maximum(per_dim, lam).sum(axis=1).mean(),
            (
                "You clamped each image's KL before averaging: average KL_j over "
                "the batch first, then clamp that average at λ (Kingma et al. "
                "2016 clamp the batch's average per dimension)."
            ),
        ),
        (
            plain,
            "That is the plain KL term: no dimension was raised to the floor λ.",
        ),
        (
            np.sum(np.maximum(per_dim.sum(axis=0), lam)),
            (
                "You summed over the batch: take the batch mean of each "
                "dimension's KL."
            ),
        ),
        (
            np.sum(np.maximum(2 * per_dim.mean(axis=0), lam)),
            (
                "The KL of N(μ, σ²) to N(0, 1) is ½(σ² + μ² − 1 − log σ²): the "
                "½ is missing."
            ),
        ),
        (
            _free_bits(mean, 2 * log_var, lam),
            (
                "log_var is log σ², so σ² = exp(log_var), and the KL is "
                "½(σ² + μ² − 1 − log σ²) with log σ² = log_var itself; you took "
                "it for log σ."
            ),
        ),
    ]
    expect(
        np.isclose(got, expected, rtol=1e-5),
        case,
        f"Σ_j max(λ, batch mean of KL_j) = {expected:.4f}",
        f"{got:.4f}",
        _identified(got, slips, rtol=1e-5),
    )

    case = "the same batch with free_bits=0"
    got = _call(
        case,
        f"the plain KL term, {plain:.4f}",
        free_bits_kl,
        mean,
        log_var,
        0.0,
    )
    got = _one_number(case, got, f"{plain:.4f}")
    fixed_floor = (
        expected,
        (
            "That is the result with free_bits=0.5: use the free_bits the "
            "caller passes, not a fixed λ."
        ),
    )
    expect(
        np.isclose(got, plain, rtol=1e-5),
        case,
        f"the plain KL term, batch mean of Σ_j KL_j = {plain:.4f} "
        "(with λ = 0 nothing is clamped)",
        f"{got:.4f}",
        _identified(got, [fixed_floor], rtol=1e-5),
    )

    rng = np.random.default_rng(2)
    mean, log_var = rng.normal(size=(64, 10)), rng.normal(size=(64, 10))
    lam = 2.0
    expected = _free_bits(mean, log_var, lam)
    case = "a random batch of 64 codes in 10 dimensions, free_bits=2"
    got = _call(case, f"{expected:.4f}", free_bits_kl, mean, log_var, lam)
    got = _one_number(case, got, f"{expected:.4f}")
    expect(
        np.isclose(got, expected, rtol=1e-5),
        case,
        f"{expected:.4f}",
        f"{got:.4f}",
    )


# ----------------------------------------------------------------------------------------
# Exercise 8.3: the Fréchet distance
# ----------------------------------------------------------------------------------------
def _sqrtm(matrix):
    """``scipy.linalg.sqrtm``, without its warning about singular matrices (the checker's
    own computation; the learner's calls warn as they do in the chapter)."""
    from scipy.linalg import LinAlgWarning, sqrtm

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LinAlgWarning)
        return sqrtm(matrix)


def _reference_frechet(m1, c1, m2, c2) -> float:
    root = np.real(_sqrtm(c1 @ c2))
    d = m1 - m2
    return float(d @ d + np.trace(c1 + c2 - 2.0 * root))


def _frechet_slips(m1, c1, m2, c2):
    """What each known slip gives for the two Gaussians, with its hint. The slips that are
    right on these Gaussians (√C1 √C2 when the two commute) give the expected value and
    so never match a wrong answer."""
    d = m1 - m2
    shift = d @ d
    traces = np.trace(c1) + np.trace(c2)
    cross = np.trace(np.real(_sqrtm(c1 @ c2)))
    with np.errstate(invalid="ignore"):
        entrywise = np.trace(np.sqrt(c1 @ c2))
    return [
        (
            np.sqrt(shift) + traces - 2 * cross,
            (
                "The mean term is the squared distance ‖m1 − m2‖², not the "
                "distance."
            ),
        ),
        (
            shift + traces - cross,
            "The trace term needs the factor 2: tr(C1 + C2 − 2 (C1 C2)^½).",
        ),
        (
            shift + traces - 2 * np.trace(c1 @ c2),
            "The trace term needs the matrix square root of C1 C2, not C1 C2.",
        ),
        (
            shift + traces - 2 * entrywise,
            (
                "np.sqrt takes the root of each entry: the matrix square root is "
                "scipy.linalg.sqrtm."
            ),
        ),
        (
            shift + traces - 2 * np.trace(np.real(_sqrtm(c1) @ _sqrtm(c2))),
            (
                "(C1 C2)^½ is not √C1 √C2 unless the two matrices commute: "
                "take sqrtm of the product cov1 @ cov2."
            ),
        ),
        (
            shift + traces - 2 * np.trace(np.real(_sqrtm(c1 * c2))),
            (
                "cov1 * cov2 multiplies entry by entry: the product in "
                "(C1 C2)^½ is the matrix product cov1 @ cov2."
            ),
        ),
        (
            shift + traces - 2 * np.sqrt(np.trace(c1 @ c2)),
            (
                "That takes the square root of the trace, √tr(C1 C2); the "
                "formula has the trace of the matrix square root, "
                "tr((C1 C2)^½)."
            ),
        ),
        (
            shift + traces,
            "The cross term −2 tr((C1 C2)^½) is missing.",
        ),
        (
            shift,
            (
                "Add the covariance term tr(C1 + C2 − 2 (C1 C2)^½): two "
                "Gaussians with the same mean can still be far apart."
            ),
        ),
        (
            np.sqrt(max(shift + traces - 2 * cross, 0.0)),
            (
                "That is the square root of d²: return d² itself, the formula "
                "of the chapter."
            ),
        ),
    ]


def _distance(case: str, got, expected: float, gaussians) -> float:
    """``got`` as a float if it is one real number; otherwise a failure, which says to
    keep the real part when ``got`` is complex with the right real part where sqrtm gives
    a complex matrix."""
    array = np.asarray(got)
    numeric = array.dtype != object and np.issubdtype(array.dtype, np.number)
    expect(
        numeric and array.size == 1,
        case,
        f"one number, {expected:.6g}",
        f"an array of shape {array.shape}" if numeric else repr(got),
    )
    value = complex(array.reshape(()))
    if np.iscomplexobj(array):
        _, c1, _, c2 = gaussians
        root_is_complex = np.iscomplexobj(_sqrtm(c1 @ c2))
        identified = root_is_complex and np.isclose(
            value.real, expected, rtol=1e-4
        )
        expect(
            False,
            case,
            f"a real number, {expected:.6g}",
            f"the complex number {value:.6g}",
            "scipy.linalg.sqrtm returns a complex matrix for these "
            "covariances, with an imaginary part that is rounding noise: "
            "keep its real part, np.real(...)."
            if identified
            else "",
        )
    return value.real


def _check_distance(frechet_distance, case, gaussians, expected, shown):
    got = _call(case, shown, frechet_distance, *gaussians)
    got = _distance(case, got, expected, gaussians)
    expect(
        np.isclose(got, expected, rtol=1e-5, atol=1e-5),
        case,
        shown,
        _shown(got),
        _identified(got, _frechet_slips(*gaussians), rtol=1e-5, atol=1e-9),
    )


def _singular_case():
    """Means and covariances of 3 and 4 samples of 6 features: singular covariances, whose
    product's square root ``scipy.linalg.sqrtm`` returns complex (SciPy 1.17; the tests
    check that it still does)."""
    rng = np.random.default_rng(1)
    f1, f2 = rng.standard_normal((3, 6)), rng.standard_normal((4, 6))
    c1, c2 = np.cov(f1, rowvar=False), np.cov(f2, rowvar=False)
    return f1.mean(axis=0), c1, f2.mean(axis=0), c2


def check_frechet_distance(frechet_distance) -> None:
    """``frechet_distance(mean1, cov1, mean2, cov2)``: the squared Fréchet distance."""
    rng = np.random.default_rng(3)
    m, c = rng.standard_normal(4), _spd(rng, 4)
    _check_distance(
        frechet_distance,
        "two identical Gaussians in 4-D",
        (m, c, m.copy(), c.copy()),
        0.0,
        "0 (the same mean and covariance)",
    )

    one_d = (
        np.array([1.0]),
        np.array([[4.0]]),
        np.array([-2.0]),
        np.array([[1.0]]),
    )
    _check_distance(
        frechet_distance,
        "N(1, 4) and N(-2, 1) in 1-D, as arrays of shape (1,) and (1, 1)",
        one_d,
        10.0,
        "10 = (1 − (−2))² + (2 − 1)², the squared difference of the means "
        "and of the standard deviations",
    )

    m1, m2 = rng.standard_normal(5), rng.standard_normal(5)
    c1, c2 = _spd(rng, 5), _spd(rng, 5)
    expected = _reference_frechet(m1, c1, m2, c2)
    _check_distance(
        frechet_distance,
        "two 5-D Gaussians whose covariances do not commute",
        (m1, c1, m2, c2),
        expected,
        f"{expected:.6g}",
    )

    singular = _singular_case()
    expected = _reference_frechet(*singular)
    _check_distance(
        frechet_distance,
        "statistics of 3 and 4 samples of 6 features (singular covariances)",
        singular,
        expected,
        f"{expected:.6g}",
    )


def _spd(rng, d):
    a = rng.standard_normal((d, d))
    return a @ a.T / d + 0.2 * np.eye(d)


EXERCISES = [
    Exercise(
        "08_what_goes_wrong_1_active_units",
        "count_active_units",
        check_count_active_units,
    ),
    Exercise(
        "08_what_goes_wrong_2_free_bits",
        "free_bits_kl",
        check_free_bits_kl,
    ),
    Exercise(
        "08_what_goes_wrong_3_frechet",
        "frechet_distance",
        check_frechet_distance,
    ),
]
