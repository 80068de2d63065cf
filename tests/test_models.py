"""The model builders of vaecourse.models: layouts, layer names, clear errors."""

import numpy as np
import pytest

from vaecourse import models


def _dense_widths(model):
    return [
        layer.units
        for layer in model.layers
        if type(layer).__name__ == "Dense"
        and layer.name.startswith(("enc_hidden", "dec_hidden"))
    ]


def test_deeper_dense_vae_decoder_mirrors_the_encoder():
    vae = models.build_dense_vae(latent_dim=2, hidden=(512, 256))
    assert _dense_widths(vae.encoder) == [512, 256]
    assert _dense_widths(vae.decoder) == [256, 512]
    assert tuple(vae.decoder.outputs[0].shape[1:]) == (784,)


def test_one_hidden_layer_keeps_the_layer_names_the_shipped_weights_use():
    vae = models.build_dense_vae(latent_dim=2)
    assert [layer.name for layer in vae.encoder.layers] == [
        "image",
        "enc_hidden",
        "z_mean",
        "z_log_var",
    ]
    assert [layer.name for layer in vae.decoder.layers] == [
        "z",
        "dec_hidden",
        "pixel_probs",
    ]


@pytest.mark.parametrize(
    "filters,upsample_output,last",
    [
        (
            (64, 32),
            False,
            "Conv2D",
        ),  # chapter 4's decoder: 32 maps at 28×28, then the pixels
        (
            (64,),
            True,
            "Conv2DTranspose",
        ),  # the cheaper one: the last upsampling gives the pixels
    ],
)
def test_conv_decoder_layouts_give_28x28_probabilities(
    filters, upsample_output, last
):
    decoder = models.build_conv_decoder(
        2, filters, upsample_output, hidden=16
    )
    assert tuple(decoder.outputs[0].shape[1:]) == (28, 28, 1)
    assert (
        type(decoder.layers[-1]).__name__ == last
        and decoder.layers[-1].filters == 1
    )
    probs = np.asarray(decoder(np.zeros((2, 2), "float32")))
    assert ((probs > 0) & (probs < 1)).all()


def test_conv_decoder_with_too_few_upsamplings_says_why():
    with pytest.raises(ValueError, match="two stride-2 upsamplings"):
        models.build_conv_decoder(2, (64,), upsample_output=False)


@pytest.mark.parametrize("hidden", [(), (512, 0), "512", (512.0,)])
def test_bad_hidden_widths_say_what_to_give(hidden):
    with pytest.raises(ValueError, match="hidden="):
        models.build_dense_encoder(2, hidden)
