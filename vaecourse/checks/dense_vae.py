"""Checkers for chapter 3 (the dense VAE)."""

from __future__ import annotations

import numpy as np

from . import passed


def check_build_decoder(build_decoder) -> None:
    """``build_decoder(latent_dim, hidden)``: a Keras model latent → hidden (ReLU) → 784 (sigmoid)."""
    import keras

    from ..models import architecture, build_dense_decoder

    for latent_dim in (2, 20):
        decoder = build_decoder(latent_dim)
        assert isinstance(decoder, keras.Model), (
            f"build_decoder must return a keras.Model, got {type(decoder).__name__}"
        )
        assert tuple(decoder.inputs[0].shape) == (None, latent_dim), (
            f"the decoder's input must be a latent vector of {latent_dim} numbers, got shape "
            f"{tuple(decoder.inputs[0].shape)}: use keras.Input(shape=(latent_dim,))"
        )
        assert tuple(decoder.outputs[0].shape) == (None, 784), (
            f"the decoder must output 784 pixel probabilities, got shape "
            f"{tuple(decoder.outputs[0].shape)}"
        )
        expected = build_dense_decoder(latent_dim)
        assert decoder.count_params() == expected.count_params(), (
            f"expected {expected.count_params():,} parameters for a {latent_dim}-D latent "
            f"(Dense 512 with ReLU, then Dense 784), got {decoder.count_params():,}"
        )
        assert architecture(decoder) == architecture(expected), (
            f"layers differ from latent → Dense(512, relu) → Dense(784, sigmoid): "
            f"{architecture(decoder)}"
        )

    decoder = build_decoder(2)
    hidden = [layer for layer in decoder.layers if isinstance(layer, keras.layers.Dense)]
    assert hidden[0].activation.__name__ == "relu", "the hidden layer should use ReLU"
    z = np.random.default_rng(0).normal(scale=3.0, size=(64, 2)).astype("float32")
    probs = np.asarray(decoder(z))
    assert ((probs > 0) & (probs < 1)).all(), (
        "outputs must be probabilities in (0, 1): end with a sigmoid activation"
    )
    passed("build_decoder", 4)


CHECKS = {"03_dense_vae_decoder.py": ("build_decoder", check_build_decoder)}
