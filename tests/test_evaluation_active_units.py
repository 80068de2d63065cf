"""vaecourse.evaluation.active_units: Burda et al.'s test, Var_x(E_q[z_j | x]) > 0.01."""

import numpy as np
import pytest

from vaecourse import evaluation


def test_a_dimension_is_active_when_the_variance_of_its_means_exceeds_the_threshold():
    rng = np.random.default_rng(0)
    n = 20_000
    means = np.column_stack(
        [
            rng.normal(0.0, 1.0, n),  # variance 1: active
            rng.normal(
                0.3, 0.05, n
            ),  # variance 0.0025: inactive, whatever its offset
            rng.normal(0.0, 0.2, n),  # variance 0.04: active
            np.zeros(n),  # constant: inactive
        ]
    )
    active = evaluation.active_units(means)
    assert active.dtype == bool
    assert active.tolist() == [True, False, True, False]
    assert int(active.sum()) == 2
    # A stricter threshold drops the weak dimension.
    assert evaluation.active_units(means, threshold=0.1).tolist() == [
        True,
        False,
        False,
        False,
    ]


def test_active_units_wants_a_matrix_of_means():
    with pytest.raises(ValueError, match="latent_dim"):
        evaluation.active_units(np.zeros(5))
