"""Checkers for chapter 4 (the convolutional VAE)."""

from __future__ import annotations

import numpy as np

from . import passed


def _reference(part: str, latent_dim: int):
    from ..models import build_conv_decoder, build_conv_encoder
    from ..zoo import CONV_VAE_KWARGS as kw

    if part == "encoder":
        return build_conv_encoder(latent_dim, kw["encoder_filters"], kw["dense"])
    return build_conv_decoder(latent_dim, kw["decoder_filters"], kw["upsample_output"],
                              kw["decoder_hidden"])


def _compare(model, reference, what):
    from ..models import architecture

    ours, theirs = architecture(model), architecture(reference)
    assert [row[0] for row in ours] == [row[0] for row in theirs], (
        f"the {what}'s layers are {[r[0] for r in ours]}, expected {[r[0] for r in theirs]}"
    )
    for (kind, shape, n), (_, ref_shape, ref_n) in zip(ours, theirs):
        assert shape == ref_shape, f"a {kind} layer outputs {shape}, expected {ref_shape}"
        assert n == ref_n, f"a {kind} layer has {n} parameters, expected {ref_n}"
    names = [layer.name for layer in model.layers]
    ref_names = [layer.name for layer in reference.layers]
    assert names == ref_names, (
        f"layer names {names}, expected {ref_names}: the shipped weights are stored by name"
    )


def check_conv_encoder(build_encoder) -> None:
    """``build_encoder(latent_dim)``: 28×28×1 → [z_mean, z_log_var], like the package's."""
    for latent_dim in (2, 3):
        encoder = build_encoder(latent_dim)
        assert tuple(encoder.inputs[0].shape[1:]) == (28, 28, 1), (
            f"the encoder takes {tuple(encoder.inputs[0].shape[1:])}, expected 28×28×1 images"
        )
        assert len(encoder.outputs) == 2, "the encoder must output [z_mean, z_log_var]"
        for out in encoder.outputs:
            assert tuple(out.shape[1:]) == (latent_dim,), f"an output has shape {out.shape}"
        strides = [layer.strides for layer in encoder.layers if type(layer).__name__ == "Conv2D"]
        assert strides and all(s == (2, 2) for s in strides), "use Conv2D layers with strides=2"
        _compare(encoder, _reference("encoder", latent_dim), "encoder")
    mean, log_var = encoder(np.zeros((4, 28, 28, 1), "float32"))
    assert mean.shape == log_var.shape == (4, 3)
    passed("build_encoder", 4)


def check_conv_decoder(build_decoder) -> None:
    """``build_decoder(latent_dim)``: z → 28×28×1 probabilities in (0, 1), like the package's."""
    for latent_dim in (2, 3):
        decoder = build_decoder(latent_dim)
        assert tuple(decoder.inputs[0].shape[1:]) == (latent_dim,), "the decoder takes z"
        assert tuple(decoder.outputs[0].shape[1:]) == (28, 28, 1), (
            f"the decoder outputs {tuple(decoder.outputs[0].shape[1:])}, expected 28×28×1"
        )
        kinds = [type(layer).__name__ for layer in decoder.layers]
        assert "Conv2DTranspose" in kinds, "upsample with Conv2DTranspose layers"
        _compare(decoder, _reference("decoder", latent_dim), "decoder")
    z = np.random.default_rng(0).normal(size=(5, 3)).astype("float32") * 3
    probs = np.asarray(decoder(z))
    assert probs.shape == (5, 28, 28, 1)
    assert (probs > 0).all() and (probs < 1).all(), "end with a sigmoid: pixel probabilities"
    passed("build_decoder", 4)


CHECKS = {
    "04_conv_vae_encoder.py": ("build_encoder", check_conv_encoder),
    "04_conv_vae_decoder.py": ("build_decoder", check_conv_decoder),
}
