"""vaecourse.conditional: chapter 9's style measurements and the class-fixed decoder."""

import numpy as np
import pytest

from vaecourse import conditional, models


def _stroke(rows, cols, thickness=1):
    image = np.zeros((28, 28))
    for r, c in zip(rows, cols):
        image[r, max(0, c - thickness + 1) : c + thickness] = 1.0
    return image


def test_digit_properties_measure_ink_slant_and_width():
    rows = np.arange(4, 24)
    upright = _stroke(rows, np.full(20, 14))
    thick = _stroke(rows, np.full(20, 14), thickness=3)
    # The top (small row numbers) to the right: leaning right, positive slant.
    leaning = _stroke(rows, 24 - rows // 2)
    props = conditional.digit_properties(np.stack([upright, thick, leaning]))
    assert props["ink"][1] > props["ink"][0]
    assert props["width"][1] > props["width"][0]
    assert abs(props["slant"][0]) < 1e-9
    assert props["slant"][2] > 0.3
    # Any layout with 784 values per image gives the same numbers.
    flat = conditional.digit_properties(np.stack([upright]).reshape(1, 784))
    assert np.isclose(flat["ink"][0], props["ink"][0])


def test_latent_usage_finds_the_dimension_that_follows_each_property():
    rng = np.random.default_rng(0)
    n = 400
    labels = np.where(np.arange(n) % 2 == 0, 1, 8)
    thickness = rng.integers(1, 4, n)
    images = np.stack(
        [
            _stroke(np.arange(4, 24), np.full(20, 10 + (lab == 8) * 6), t)
            for lab, t in zip(labels, thickness)
        ]
    )
    means = np.column_stack(
        [
            (labels == 8) + 0.1 * rng.standard_normal(n),  # the class
            thickness + 0.1 * rng.standard_normal(n),  # the ink
            0.01 * rng.standard_normal(n),  # nothing: inactive
        ]
    )
    log_vars = np.full_like(means, -2.0)
    log_vars[:, 2] = 0.0
    usage = conditional.latent_usage(means, log_vars, labels, images)
    assert usage["active"].tolist() == [True, True, False]
    names = [conditional.name_dimension(row) for _, row in usage.iterrows()]
    assert names[:2] == ["class", "ink"] and names[2] == "inactive"
    assert usage["average KL"].iloc[2] < usage["average KL"].iloc[1]


@pytest.mark.parametrize(
    "build",
    [
        lambda: models.build_dense_cvae(latent_dim=3, hidden=16),
        lambda: models.build_conv_cvae(
            latent_dim=3,
            encoder_filters=(4, 4),
            dense=8,
            decoder_filters=(4, 4),
        ),
    ],
    ids=["dense", "conv"],
)
def test_class_decoder_equals_the_conditional_decoder_for_its_class(build):
    decoder = build().decoder
    z = np.random.default_rng(1).standard_normal((5, 3)).astype("float32")
    for label in (0, 7):
        one_hot = np.eye(10, dtype="float32")[np.full(5, label)]
        expected = np.asarray(decoder([z, one_hot]))
        plain = conditional.class_decoder(decoder, label)
        assert len(plain.inputs) == 1
        assert np.allclose(np.asarray(plain(z)), expected, atol=1e-5)
    with pytest.raises(ValueError, match="10 classes"):
        conditional.class_decoder(decoder, 10)
