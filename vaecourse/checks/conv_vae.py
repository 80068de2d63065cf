"""Checkers for chapter 4 (the convolutional VAE)."""

from __future__ import annotations

import numpy as np

from ..exercises import Exercise
from . import expect


# ---------------------------------------------------------------------------------------
# Exercise 4.1: the output size of a convolution and of a transposed convolution
# ---------------------------------------------------------------------------------------
def _keras_size(size, kernel, stride, padding, transposed):
    """The side of the output Keras builds for a size × size × 1 input."""
    from keras import layers

    kind = layers.Conv2DTranspose if transposed else layers.Conv2D
    layer = kind(1, kernel, strides=stride, padding=padding)
    return int(layer.compute_output_shape((None, size, size, 1))[1])


def _describe(size, kernel, stride, padding, transposed):
    kind = "Conv2DTranspose" if transposed else "Conv2D"
    return (
        f"{kind} on {size}×{size}, kernel {kernel}, stride {stride}, "
        f"padding={padding!r}"
    )


# The typical slips, by (transposed, padding): a wrong formula and its hint. An answer that
# equals a slip's value (and not the right one) gets that slip's hint.
_SLIPS = {
    (False, "valid"): [
        (
            lambda n, k, s: (n - k) // s,
            (
                "Count the windows: the first starts at 0, the last at most at "
                "size − kernel, stride apart: ⌊(size − kernel) / stride⌋ + 1 of them."
            ),
        ),
        (
            lambda n, k, s: -(-n // s),
            (
                "With padding='valid' no zeros are added: a window must fit inside "
                "the image, so the kernel size matters."
            ),
        ),
        (
            lambda n, k, s: n // s,
            "With padding='valid' a window must fit inside the image.",
        ),
    ],
    (False, "same"): [
        (
            lambda n, k, s: n // s,
            (
                "With padding='same' the last window may hang over the edge, onto the "
                "zeros: round up, ⌈size / stride⌉ (7 → 4 for stride 2), not down."
            ),
        ),
        (
            lambda n, k, s: (n - k) // s + 1,
            (
                "With padding='same' zeros are added around the image, so no window is "
                "lost to the kernel size: a window starts at 0, stride, 2·stride, … "
                "as long as that is inside the image."
            ),
        ),
    ],
    (True, "same"): [
        (
            lambda n, k, s: -(-n // s),
            "With transposed=True the size grows: that is the convolution's formula.",
        ),
        (
            lambda n, k, s: (n - 1) * s + k,
            (
                "With padding='same' Keras crops the painted patches to exactly "
                "stride × size."
            ),
        ),
    ],
    (True, "valid"): [
        (
            lambda n, k, s: (n - k) // s + 1,
            "With transposed=True the size grows: that is the convolution's formula.",
        ),
        (
            lambda n, k, s: n * s,
            (
                "With padding='valid' nothing is cropped: the last of the size patches "
                "starts at (size − 1) · stride and is kernel wide."
            ),
        ),
        (
            lambda n, k, s: (n - 1) * s + 1,
            "Each input paints a whole patch, kernel wide, not one position.",
        ),
    ],
}

# The cases in the order of the chapter's prose: convolutions, then transposed ones.
_SIZE_CASES = [
    (28, 3, 2, "valid", False),
    (28, 5, 2, "same", False),
    (7, 3, 2, "same", False),
    (28, 3, 1, "same", False),
    (7, 3, 2, "same", True),
    (14, 3, 2, "same", True),
    (7, 3, 2, "valid", True),
    (5, 5, 3, "valid", True),
]


def check_output_size(output_size) -> None:
    """``output_size(size, kernel, stride, padding, transposed=False)``: the side of a
    Conv2D's (or Conv2DTranspose's) output, as Keras builds it."""
    for n, k, s, padding, transposed in _SIZE_CASES:
        case = _describe(n, k, s, padding, transposed)
        got = output_size(n, k, s, padding, transposed=transposed)
        expect(
            isinstance(got, (int, np.integer)),
            case,
            "an int",
            f"{got!r} ({type(got).__name__})",
            "A size is a whole number of positions: use // or math.ceil, not /.",
        )
        expected = _keras_size(n, k, s, padding, transposed)
        if got == expected:
            continue
        hint = next(
            (
                h
                for slip, h in _SLIPS[transposed, padding]
                if slip(n, k, s) == got
            ),
            "Exercise 4.1's text says where each window (or patch) sits.",
        )
        expect(False, case, f"{expected} (what Keras builds)", got, hint)

    # Every combination of a small grid, against Keras itself (kernel ≥ stride).
    for n in (1, 2, 3, 4, 5, 6, 7, 9, 13, 14, 28):
        for k, s in [(1, 1), (2, 2), (3, 1), (3, 2), (4, 3), (5, 2)]:
            for padding in ("same", "valid"):
                for transposed in (False, True):
                    if padding == "valid" and not transposed and n < k:
                        continue
                    got = output_size(n, k, s, padding, transposed=transposed)
                    expected = _keras_size(n, k, s, padding, transposed)
                    expect(
                        got == expected,
                        _describe(n, k, s, padding, transposed),
                        f"{expected} (what Keras builds)",
                        got,
                    )


# ---------------------------------------------------------------------------------------
# Exercise 4.2: the multiply-adds of a layer
# ---------------------------------------------------------------------------------------
def _tiny_network():
    """A small functional model with a layer of each kind: 8×6×2 images in."""
    import keras
    from keras import layers

    image = keras.Input(shape=(8, 6, 2), name="image")
    h = layers.Conv2D(4, 3, strides=2, padding="same", name="conv")(
        image
    )  # 4×3×4
    h = layers.Conv2DTranspose(
        5, 3, strides=2, padding="same", name="deconv"
    )(h)
    h = layers.Conv2D(2, 3, padding="valid", name="conv_valid")(h)  # 6×4×2
    h = layers.Flatten(name="flatten")(h)  # 48 numbers
    out = layers.Dense(6, name="dense")(h)
    return keras.Model(image, out)


# In the tiny network: (layer, input positions, output positions, kernel weights).
_CONVS = [
    ("conv", 8 * 6, 4 * 3, 3 * 3 * 2 * 4),
    ("deconv", 4 * 3, 8 * 6, 3 * 3 * 4 * 5),
    ("conv_valid", 8 * 6, 6 * 4, 3 * 3 * 5 * 2),
]
_NO_BIAS = (
    "Biases are additions only: count the kernel's weights, not the parameters "
    "(count_params())."
)


def _conv_hints(transposed, positions, other, weights, filters) -> dict:
    """The typical wrong counts for a convolution, each with its hint."""
    if transposed:
        wrong_positions = (
            "A transposed convolution spreads its kernel from every *input* "
            "position: count those, not the output's."
        )
    else:
        wrong_positions = (
            "A convolution computes its kernel's weighted sum once per *output* "
            "position: count those, not the input's (a stride of 2, or "
            "padding='valid', leaves fewer)."
        )
    return {
        other * weights: wrong_positions,
        positions * 9: (
            "At each position the whole kernel is used, channels too: k × k × "
            "(input channels) × (filters) weights, the product of layer.kernel.shape."
        ),
        positions * (weights + filters): _NO_BIAS,
        weights: "The kernel is used at every position, not once.",
        weights
        + filters: "That is the number of parameters: each is used at "
        "every position.",
    }


def check_multiply_adds(multiply_adds) -> None:
    """``multiply_adds(layer)``: multiply-adds of a built layer for one image."""
    model = _tiny_network()
    by_name = {layer.name: layer for layer in model.layers}

    for layer in (model.layers[0], by_name["flatten"]):
        kind = type(layer).__name__
        try:
            got = multiply_adds(layer)
        except AttributeError as err:
            raise AssertionError(
                f"the {kind} layer: your function raised AttributeError ({err}). A "
                f"layer without weights has no kernel: return 0 for it (test its "
                f"type, or hasattr(layer, 'kernel'), first)."
            ) from None
        expect(got == 0, f"the {kind} layer (no weights)", 0, got)

    got = multiply_adds(by_name["dense"])  # 48 numbers → 6 units
    hints = {
        48 * 6 + 6: _NO_BIAS,
        6 * 48 * 6: "A Dense layer uses each of its weights once per image.",
    }
    expect(
        got == 48 * 6,
        "Dense(6) on 48 numbers",
        48 * 6,
        got,
        hints.get(got, "A Dense layer does one multiply-add per weight."),
    )

    for name, n_in, n_out, weights in _CONVS:
        layer = by_name[name]
        transposed = type(layer).__name__ == "Conv2DTranspose"
        positions, other = (n_in, n_out) if transposed else (n_out, n_in)
        hints = _conv_hints(
            transposed, positions, other, weights, layer.filters
        )
        got = multiply_adds(layer)
        expect(
            got == positions * weights,
            f"{type(layer).__name__} {tuple(layer.input.shape[1:])} → "
            f"{tuple(layer.output.shape[1:])}",
            f"{positions * weights:,}",
            got,
            hints.get(
                got,
                "Count the positions the kernel is used at, times its weights.",
            ),
        )


# ---------------------------------------------------------------------------------------
# Exercises 4.3 and 4.4: the encoder and the decoder
# ---------------------------------------------------------------------------------------
def _reference(part: str, latent_dim: int):
    from ..models import build_conv_decoder, build_conv_encoder
    from ..zoo import CONV_VAE_KWARGS as kw

    if part == "encoder":
        return build_conv_encoder(
            latent_dim, kw["encoder_filters"], kw["dense"]
        )
    return build_conv_decoder(
        latent_dim,
        kw["decoder_filters"],
        kw["upsample_output"],
        kw["decoder_hidden"],
    )


def _layers(model):
    """The layers that compute something (a Sequential model lists no InputLayer)."""
    return [
        layer
        for layer in model.layers
        if type(layer).__name__ != "InputLayer"
    ]


def _shape_hint(layer, ref) -> str:
    kind = type(ref).__name__
    shape, ref_shape = (
        tuple(layer.output.shape[1:]),
        tuple(ref.output.shape[1:]),
    )
    if kind in ("Conv2D", "Conv2DTranspose"):
        if shape[:2] != ref_shape[:2]:
            if layer.padding != ref.padding:
                return (
                    f"Use padding={ref.padding!r}: with {layer.padding!r} the size is "
                    f"not exactly halved or doubled (Exercise 4.1's output_size says "
                    f"by how much)."
                )
            if layer.strides != ref.strides:
                return f"Use strides={ref.strides[0]}."
            return (
                "The layer's input already has the wrong size: check the layers "
                "before it."
            )
        return f"Give it {ref.filters} filters."
    if kind == "Dense":
        return f"Give it {ref.units} units."
    if kind == "Reshape":
        return f"Reshape the numbers into maps of shape {ref_shape}."
    return ""


def _activation_hint(name: str) -> str:
    return {
        "relu": "Use activation='relu' here.",
        "linear": "No activation here: μ and log σ² take any real value.",
        "sigmoid": "End with activation='sigmoid': pixel probabilities in (0, 1).",
    }[name]


def _kinds_hint(kinds, ref_kinds) -> str:
    up, ref_up = (
        kinds.count("Conv2DTranspose"),
        ref_kinds.count("Conv2DTranspose"),
    )
    if up < ref_up:
        return (
            f"Upsample with {ref_up} stride-2 Conv2DTranspose layers: a Conv2D "
            f"never makes the maps larger."
        )
    return (
        "Build the layers the text lists, one Keras layer each (an activation goes "
        "in its layer's activation= argument, not in a layer of its own)."
    )


def _compare(model, reference, what: str) -> None:
    """Layer by layer: kind, output shape, parameters, activation, then the names."""
    ours, theirs = _layers(model), _layers(reference)
    kinds = [type(layer).__name__ for layer in ours]
    ref_kinds = [type(layer).__name__ for layer in theirs]
    expect(
        kinds == ref_kinds,
        f"the {what}'s layers, in order",
        ref_kinds,
        kinds,
        _kinds_hint(kinds, ref_kinds),
    )
    for layer, ref in zip(ours, theirs):
        case = f"the {what}'s {type(ref).__name__} layer {ref.name!r}"
        shape, ref_shape = (
            tuple(layer.output.shape[1:]),
            tuple(ref.output.shape[1:]),
        )
        expect(
            shape == ref_shape,
            f"{case}: output shape",
            ref_shape,
            shape,
            _shape_hint(layer, ref),
        )
        n, ref_n = layer.count_params(), ref.count_params()
        hint = ""
        if (
            hasattr(ref, "kernel_size")
            and layer.kernel_size != ref.kernel_size
        ):
            hint = f"Use {ref.kernel_size[0]}×{ref.kernel_size[1]} kernels."
        elif getattr(layer, "use_bias", True) != getattr(
            ref, "use_bias", True
        ):
            hint = "Keep the biases (use_bias=True, the default)."
        expect(
            n == ref_n, f"{case}: parameters", f"{ref_n:,}", f"{n:,}", hint
        )
        if hasattr(ref, "activation"):
            act = getattr(
                getattr(layer, "activation", None), "__name__", None
            )
            ref_act = ref.activation.__name__
            expect(
                act == ref_act,
                f"{case}: activation",
                repr(ref_act),
                repr(act),
                _activation_hint(ref_act),
            )
    names = [layer.name for layer in ours]
    ref_names = [layer.name for layer in theirs]
    expect(
        names == ref_names,
        f"the {what}'s layer names",
        ref_names,
        names,
        "Name the layers as the text says: the shipped weights are stored by name.",
    )


def check_conv_encoder(build_encoder) -> None:
    """``build_encoder(latent_dim)``: 28×28×1 → [z_mean, z_log_var], like the package's."""
    import keras

    for latent_dim in (2, 3):
        case = f"build_encoder({latent_dim})"
        encoder = build_encoder(latent_dim)
        expect(
            isinstance(encoder, keras.Model),
            case,
            "a keras.Model",
            type(encoder).__name__,
            "Return keras.Model(image, [z_mean, z_log_var]).",
        )
        shape_in = tuple(encoder.inputs[0].shape[1:])
        expect(
            shape_in == (28, 28, 1),
            f"{case}: input shape",
            (28, 28, 1),
            shape_in,
        )
        shapes = [tuple(out.shape[1:]) for out in encoder.outputs]
        expect(
            shapes == [(latent_dim,)] * 2,
            f"{case}: output shapes",
            [(latent_dim,)] * 2,
            shapes,
            "Two heads, each a Dense layer of latent_dim units, output as a list "
            "[z_mean, z_log_var].",
        )
        _compare(encoder, _reference("encoder", latent_dim), "encoder")
    mean, log_var = encoder(np.zeros((4, 28, 28, 1), "float32"))
    expect(
        tuple(mean.shape) == tuple(log_var.shape) == (4, 3),
        "build_encoder(3) on 4 blank images",
        "μ and log σ² of shape (4, 3)",
        f"{tuple(mean.shape)} and {tuple(log_var.shape)}",
    )


def check_conv_decoder(build_decoder) -> None:
    """``build_decoder(latent_dim)``: z → 28×28×1 probabilities, like the package's."""
    import keras

    for latent_dim in (2, 3):
        case = f"build_decoder({latent_dim})"
        decoder = build_decoder(latent_dim)
        expect(
            isinstance(decoder, keras.Model),
            case,
            "a keras.Model",
            type(decoder).__name__,
            "Return keras.Model(z, pixel_probs).",
        )
        shape_in = tuple(decoder.inputs[0].shape[1:])
        expect(
            shape_in == (latent_dim,),
            f"{case}: input shape",
            (latent_dim,),
            shape_in,
            "The decoder takes a code z of latent_dim numbers.",
        )
        _compare(decoder, _reference("decoder", latent_dim), "decoder")
    z = np.random.default_rng(0).normal(size=(5, 3)).astype("float32") * 3
    probs = np.asarray(decoder(z))
    expect(
        probs.shape == (5, 28, 28, 1) and ((probs > 0) & (probs < 1)).all(),
        "build_decoder(3) on 5 codes",
        "probabilities in (0, 1) of shape (5, 28, 28, 1)",
        f"shape {probs.shape}, values in [{probs.min():.3g}, {probs.max():.3g}]",
    )


EXERCISES = [
    Exercise("04_conv_vae_1_output_size", "output_size", check_output_size),
    Exercise(
        "04_conv_vae_2_multiply_adds", "multiply_adds", check_multiply_adds
    ),
    Exercise("04_conv_vae_3_encoder", "build_encoder", check_conv_encoder),
    Exercise("04_conv_vae_4_decoder", "build_decoder", check_conv_decoder),
]
