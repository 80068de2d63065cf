"""Checkers for chapter 5 (generating digits)."""

from __future__ import annotations

import numpy as np

from . import passed


def _test_decoder(latent_dim: int = 16):
    """A small untrained decoder with fixed weights: enough to check the plumbing."""
    import keras

    from ..models import build_dense_decoder

    keras.utils.set_random_seed(123)
    return build_dense_decoder(latent_dim, hidden=32)


def check_generate_single_sample(generate_single_sample) -> None:
    """``generate_single_sample(decoder, seed)`` returns ``(z, image)``: z ~ N(0, I), decoded."""
    decoder = _test_decoder()
    latent_dim = decoder.inputs[0].shape[-1]
    z, image = generate_single_sample(decoder, 0)
    z, image = np.asarray(z), np.asarray(image)
    assert z.shape == (latent_dim,), (
        f"z should be one latent vector of shape ({latent_dim},) for this {latent_dim}-D decoder, "
        f"got shape {z.shape}. Read the latent size from decoder.inputs[0].shape[-1]."
    )
    assert image.shape == (28, 28), f"the image should be 28×28, got shape {image.shape}"
    assert 0.0 <= image.min() and image.max() <= 1.0, "pixel probabilities lie in [0, 1]"
    expected = np.asarray(decoder(z[None, :].astype("float32"))).reshape(28, 28)
    assert np.allclose(image, expected, atol=1e-5), "the image is not the decoding of z"

    z_again, _ = generate_single_sample(decoder, 0)
    assert np.allclose(z_again, z), "the same seed must give the same latent vector"
    z_other, _ = generate_single_sample(decoder, 1)
    assert not np.allclose(z_other, z), "different seeds must give different latent vectors"

    draws = np.concatenate([np.asarray(generate_single_sample(decoder, s)[0]) for s in range(2, 22)])
    mean, std = draws.mean(), draws.std()
    assert abs(mean) < 0.25 and 0.8 < std < 1.2, (
        f"over 20 seeds the latent coordinates have mean {mean:.2f} and standard deviation "
        f"{std:.2f}: draw them from the prior, a standard normal N(0, I), not a uniform box."
    )
    passed("generate_single_sample", 4)


CHECKS = {
    "05_generation_single_sample.py": ("generate_single_sample", check_generate_single_sample),
}
