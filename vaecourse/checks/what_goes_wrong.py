"""Checkers for chapter 8 (when VAEs go wrong, and how to tell).

Every case is a small array built here with a fixed seed; the expected answers are computed
in closed form, so each check runs in milliseconds.
"""

from __future__ import annotations

import numpy as np

from ..exercises import Exercise
from . import call_or_fail as _call
from . import expect


def _as_number(case: str, got, what: str, hint: str) -> float:
    """``got`` as a Python float, or a failure saying what came back."""
    array = np.asarray(got)
    expect(
        array.size == 1,
        case,
        what,
        f"an array of shape {array.shape}",
        hint,
    )
    value = complex(array.reshape(()))
    expect(
        abs(value.imag) < 1e-6,
        case,
        f"{what}, a real number",
        f"the complex number {value:.4g}",
        "scipy.linalg.sqrtm can return a complex matrix whose imaginary part "
        "is rounding noise: keep its real part, np.real(...).",
    )
    return float(value.real)


# ----------------------------------------------------------------------------------------
# Exercise 8.1: counting active units
# ----------------------------------------------------------------------------------------
def _activity_case():
    """Posterior means of 400 images in 7 dimensions with known activities.

    Dimensions 0–2 vary (variance 1, 0.25, 0.04): active. Dimension 3 varies a little
    (standard deviation 0.05, variance 0.0025): inactive, but its standard deviation is
    above 0.01. Dimensions 4 and 5 sit at 3 and −2 for every image, dimension 6 at 0:
    inactive, but their mean squares are large for 4 and 5.
    """
    rng = np.random.default_rng(8)
    n = 400
    z = rng.standard_normal((n, 4))
    z = (z - z.mean(axis=0)) / z.std(axis=0)  # exactly mean 0, variance 1
    means = np.zeros((n, 7))
    means[:, :4] = z * np.array([1.0, 0.5, 0.2, 0.05])
    means[:, 4], means[:, 5] = 3.0, -2.0
    return means


def check_count_active_units(count_active_units) -> None:
    """``count_active_units(means, threshold=0.01)``: how many dimensions are active."""
    means = _activity_case()
    case = (
        "means of 400 images in 7 dimensions with variances over the images "
        "1, 0.25, 0.04, 0.0025, 0, 0, 0 (the last three constant at 3, -2, 0)"
    )
    got = _call(
        case,
        "3 active units",
        "Compute one variance per column (latent dimension) over the rows "
        "(images): means.var(axis=0).",
        count_active_units,
        means,
    )
    array = np.asarray(got)
    expect(
        array.ndim == 0,
        case,
        "one number, the count 3",
        f"an array of shape {array.shape}",
        "Return the count of active dimensions, not the per-dimension "
        "test: int(np.sum(activity > threshold)).",
    )
    got = float(array)
    slips = {
        float(np.sum(means.var(axis=1) > 0.01)): (
            "You took the variance of each image's code across dimensions "
            "(axis=1); the activity of a dimension is its variance across "
            "the images, axis=0."
        ),
        5.0: (
            "The constant dimensions 4 and 5 count as active: the activity "
            "is a variance, the mean square around each dimension's own "
            "average, not the mean square of the values."
        ),
        4.0: (
            "Dimension 3, whose standard deviation is 0.05 and variance "
            "0.0025, counts as active: compare the variance, not the "
            "standard deviation, with the threshold."
        ),
        6.0: (
            "Compare the variance over the images (not the standard "
            "deviation, nor the mean square) with the threshold."
        ),
    }
    if got != 3:
        expect(False, case, "3 active units", got, slips.get(got, ""))

    case = "the same means with threshold=0.1"
    got = _call(
        case,
        "2 active units",
        "Use the threshold argument.",
        count_active_units,
        means,
        0.1,
    )
    expect(
        float(np.asarray(got)) == 2,
        case,
        "2 active units (variances 1 and 0.25 exceed 0.1)",
        got,
        "Compare with the threshold the caller passes, not a fixed 0.01.",
    )
    one = means[:, :1].astype("float32")
    case = "float32 means of one active dimension, shape (400, 1)"
    got = _call(
        case, "1", "Work on any (n, d) array.", count_active_units, one
    )
    expect(float(np.asarray(got)) == 1, case, 1, got)


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


def check_free_bits_kl(free_bits_kl) -> None:
    """``free_bits_kl(mean, log_var, free_bits)``: Σ_j max(λ, batch mean of KL_j)."""
    mean, log_var = _free_bits_case()
    per_dim = _kl_per_dim(mean, log_var)
    lam = 0.5
    expected = float(np.sum(np.maximum(per_dim.mean(axis=0), lam)))
    batch_kls = np.round(per_dim.mean(axis=0), 3).tolist()
    case = (
        f"a batch of 4 codes in 3 dimensions (batch-mean KL per dimension "
        f"{batch_kls}), free_bits=0.5"
    )
    got = _call(
        case,
        f"{expected:.4f}",
        "mean and log_var have shape (batch, latent_dim).",
        free_bits_kl,
        mean,
        log_var,
        lam,
    )
    array = np.asarray(got, dtype=float)
    expect(
        array.size == 1,
        case,
        f"one number, {expected:.4f}",
        f"an array of shape {array.shape}",
        "Sum the clamped per-dimension terms over the latent dimensions: "
        "the result is one number for the batch.",
    )
    got = float(array.reshape(()))
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
    ]
    if not np.isclose(got, expected, rtol=1e-5):
        hint = next(
            (h for value, h in slips if np.isclose(got, value, rtol=1e-5)),
            (
                "Per dimension: KL_j = ½(σ² + μ² − 1 − log σ²), averaged over "
                "the batch, then max(λ, ·), then summed over the dimensions."
            ),
        )
        expect(False, case, f"{expected:.4f}", f"{got:.4f}", hint)

    case = "the same batch with free_bits=0"
    got = _call(
        case,
        f"the plain KL term, {plain:.4f}",
        "",
        free_bits_kl,
        mean,
        log_var,
        0.0,
    )
    got = float(np.asarray(got, dtype=float).reshape(()))
    expect(
        np.isclose(got, plain, rtol=1e-5),
        case,
        f"the plain KL term, batch mean of Σ_j KL_j = {plain:.4f}",
        f"{got:.4f}",
        "With λ = 0 nothing is clamped.",
    )
    rng = np.random.default_rng(2)
    mean, log_var = rng.normal(size=(64, 10)), rng.normal(size=(64, 10))
    lam = 2.0
    expected = float(
        np.sum(np.maximum(_kl_per_dim(mean, log_var).mean(axis=0), lam))
    )
    case = "a random batch of 64 codes in 10 dimensions, free_bits=2"
    got = _call(case, f"{expected:.4f}", "", free_bits_kl, mean, log_var, lam)
    got = float(np.asarray(got, dtype=float).reshape(()))
    expect(np.isclose(got, expected, rtol=1e-5), case, expected, got)


# ----------------------------------------------------------------------------------------
# Exercise 8.3: the Fréchet distance
# ----------------------------------------------------------------------------------------
def _reference_frechet(m1, c1, m2, c2) -> float:
    from scipy.linalg import sqrtm

    root = np.real(sqrtm(c1 @ c2))
    d = m1 - m2
    return float(d @ d + np.trace(c1 + c2 - 2.0 * root))


def _spd(rng, d):
    a = rng.standard_normal((d, d))
    return a @ a.T / d + 0.2 * np.eye(d)


def check_frechet_distance(frechet_distance) -> None:
    """``frechet_distance(mean1, cov1, mean2, cov2)``: the squared Fréchet distance."""
    rng = np.random.default_rng(3)
    m, c = rng.standard_normal(4), _spd(rng, 4)
    case = "two identical Gaussians in 4-D"
    got = _call(
        case,
        "0",
        "mean1, mean2 have shape (d,), cov1, cov2 shape (d, d).",
        frechet_distance,
        m,
        c,
        m.copy(),
        c.copy(),
    )
    got = _as_number(case, got, "one number, 0", "Return one number.")
    if np.isclose(got, 2 * np.trace(c), rtol=1e-4):
        hint = (
            "The trace term is missing or lost its root: "
            "tr(C1 + C2 − 2 (C1 C2)^½) is 0 when C1 = C2."
        )
    elif np.isclose(got, 0.0, atol=1e-6):
        hint = ""
    else:
        hint = (
            "Identical Gaussians are at distance 0: check the factor 2 in "
            "tr(C1 + C2 − 2 (C1 C2)^½), and use the matrix square root "
            "scipy.linalg.sqrtm, not np.sqrt of each entry."
        )
    expect(abs(got) < 1e-5, case, "0", f"{got:.6g}", hint)

    case = (
        "N(1, 4) and N(-2, 0.25) in 1-D, as arrays of shape (1,) and (1, 1)"
    )
    expected = 3.0**2 + (2.0 - 0.5) ** 2
    got = _call(
        case,
        f"{expected}",
        "Treat the means as vectors and the covariances as matrices, even "
        "in 1-D.",
        frechet_distance,
        np.array([1.0]),
        np.array([[4.0]]),
        np.array([-2.0]),
        np.array([[0.25]]),
    )
    got = _as_number(case, got, f"{expected}", "Return one number.")
    slips = [
        (
            3.0 + (2.0 - 0.5) ** 2,
            (
                "The mean term is the squared distance ‖m1 − m2‖², not the "
                "distance."
            ),
        ),
        (
            3.0**2 + 4.0 + 0.25 - 1.0,
            "The trace term needs the factor 2: tr(C1 + C2 − 2 (C1 C2)^½).",
        ),
        (
            3.0**2 + 4.0 + 0.25 - 2.0,
            "The trace term needs the square root of C1 C2, not C1 C2.",
        ),
        (
            3.0**2,
            (
                "Add the covariance term tr(C1 + C2 − 2 (C1 C2)^½): two "
                "Gaussians with the same mean can still be far apart."
            ),
        ),
    ]
    if not np.isclose(got, expected, rtol=1e-6):
        hint = next(
            (h for v, h in slips if np.isclose(got, v, rtol=1e-6)),
            "In 1-D the distance is (m1 − m2)² + (s1 − s2)².",
        )
        expect(False, case, f"{expected}", f"{got:.6g}", hint)

    m1, m2 = rng.standard_normal(5), rng.standard_normal(5)
    c1, c2 = _spd(rng, 5), _spd(rng, 5)
    expected = _reference_frechet(m1, c1, m2, c2)
    case = "two 5-D Gaussians whose covariances do not commute"
    got = _call(
        case,
        f"{expected:.4f}",
        "Use scipy.linalg.sqrtm on the product cov1 @ cov2.",
        frechet_distance,
        m1,
        c1,
        m2,
        c2,
    )
    got = _as_number(case, got, f"{expected:.4f}", "Return one number.")
    if not np.isclose(got, expected, rtol=1e-5):
        from scipy.linalg import sqrtm

        separate = np.real(sqrtm(c1) @ sqrtm(c2))
        d = m1 - m2
        wrong = d @ d + np.trace(c1 + c2 - 2.0 * separate)
        if np.isclose(got, wrong, rtol=1e-5):
            hint = (
                "(C1 C2)^½ is not √C1 √C2 unless the two matrices commute: "
                "take sqrtm of the product cov1 @ cov2."
            )
        elif not np.isfinite(got):
            hint = (
                "np.sqrt takes the root of each entry (and fails on negative "
                "ones): the matrix square root is scipy.linalg.sqrtm."
            )
        else:
            hint = (
                "Use the matrix product cov1 @ cov2 (not cov1 * cov2) and "
                "its matrix square root, scipy.linalg.sqrtm."
            )
        expect(False, case, f"{expected:.4f}", f"{got:.4f}", hint)

    # Features that vary in fewer directions than there are features: singular
    # covariances, whose product's square root comes back complex.
    f1, f2 = rng.standard_normal((3, 6)), rng.standard_normal((4, 6))
    c1, c2 = np.cov(f1, rowvar=False), np.cov(f2, rowvar=False)
    m1, m2 = f1.mean(axis=0), f2.mean(axis=0)
    expected = _reference_frechet(m1, c1, m2, c2)
    case = (
        "statistics of 3 and 4 samples of 6 features (singular covariances)"
    )
    got = _call(
        case,
        f"{expected:.4f}",
        "Keep the real part of the square root: np.real(sqrtm(...)).",
        frechet_distance,
        m1,
        c1,
        m2,
        c2,
    )
    got = _as_number(case, got, f"{expected:.4f}", "Return one number.")
    expect(np.isclose(got, expected, rtol=1e-4), case, expected, f"{got:.4f}")


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
