# %% [markdown]
# # The convolutional VAE
#
# The dense VAE of [chapter 3](03_dense_vae.ipynb) flattens each image into a row of 784
# numbers before it looks at it. Its first layer would learn exactly as well if the pixels
# were shuffled in a fixed order: nothing in it knows that pixel (3, 4) is next to pixel
# (3, 5). Images are not like that. A stroke is a few neighbouring pixels, and the same
# stroke can sit anywhere in the frame.
#
# A **convolutional** layer builds that knowledge in. It slides a small filter (here 3×3)
# over the image and computes the same weighted sum at every position, so it
#
# * looks at **neighbourhoods**: each output depends on a 3×3 patch, not on all 784 pixels;
# * **shares its weights** across positions: a filter that detects a stroke's edge detects it
#   everywhere, with 9 weights instead of one set per position;
# * is **translation equivariant**: shift the input by a few pixels and the feature maps shift
#   with it.
#
# In this chapter you will:
#
# * work out the size of a convolution's output, and from it why the network goes from
#   28×28 down to 7×7 and back ({ref}`exercise-4-1`);
# * count the arithmetic each layer does ({ref}`exercise-4-2`), to choose a network that
#   trains in reasonable time on a laptop CPU, and say what it costs;
# * build an {term}`encoder` of strided `Conv2D` layers that outputs (μ, log σ²), and a
#   {term}`decoder` of `Conv2DTranspose` layers that goes back up to 28×28×1 pixel
#   probabilities ({ref}`exercise-4-3` and {ref}`exercise-4-4`);
# * compare it with the dense VAE on identical measures: parameters, seconds per epoch, the
#   test {term}`ELBO` and an {term}`importance-weighted bound` on −log p(x);
# * save and load its weights.

# %% [markdown]
# ## Setting up

# %%
import dataclasses

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import vaecourse
from vaecourse import evaluation, models, plotting, zoo
from vaecourse.results import headline
from vaecourse.training import cosine_decay

import keras
from keras import layers

vaecourse.seed_everything(4)
profile = vaecourse.current_profile()
print(f"Keras {keras.__version__}, profile: {profile.name}")


def padded(styler, numbers=()):
    """A table with padded cells; the columns ``numbers`` right-aligned."""
    cells = "padding: 0.25em 0.5em; text-align: left; font-size: 0.875em;"
    styler = styler.set_table_styles([{"selector": "th, td", "props": cells}])
    right = [
        {"selector": cell, "props": "text-align: right;"}
        for cell in ("th", "td")
    ]
    return styler.set_table_styles(
        {column: right for column in numbers}, overwrite=False
    )


# %% [markdown]
# A convolutional network takes images as images: `shape="image"` gives arrays of shape
# (n, 28, 28, 1), height × width × one grey channel. The split is that of
# [chapter 1](01_autoencoders.ipynb): the network trains on the first 50,000 training
# images; the last 10,000, the {term}`validation <validation split>` images, are for
# watching training and making choices; the test images are used only for the numbers the
# chapter reports. As in [chapter 3](03_dense_vae.ipynb), the chapter keeps the first
# 10,000 training images at hand (all 50,000 take 157 MB of Binder's 1 GB), and training
# loads all of them when it runs.

# %%
IN_VIEW = 10_000  # training images at hand; `train` below loads all of them
train, validation, test = vaecourse.load_mnist_splits(
    shape="image", first={"train": IN_VIEW}
)
(x_train, y_train), (x_val, y_val), (x_test, y_test) = (
    profile.subset(x, y, quick=q)
    for (x, y), q in [(train, 2000), (validation, 500), (test, 500)]
)
# the images of one training epoch: 50,000
EPOCH_IMAGES = vaecourse.data.TRAINING_SIZE
for name, x in [
    ("training", x_train),
    ("validation", x_val),
    ("test", x_test),
]:
    print(f"{name + ':':<12}{x.shape}")
assert all(x.shape[1:] == (28, 28, 1) for x in (x_train, x_val, x_test))

# %% [markdown]
# ## What a convolution costs, and what it sees
#
# Compare one layer of each kind on a 28×28 image. A dense layer with 512 units connects
# every pixel to every unit. A 3×3 convolution with 16 filters has 16 filters of 9 weights
# plus a bias each, whatever the size of the image.

# %%
dense_layer = layers.Dense(512)
conv_layer = layers.Conv2D(16, 3, strides=2, padding="same")
dense_layer.build((None, 784))
conv_layer.build((None, 28, 28, 1))
for name, layer in [
    ("Dense(512) on 784 pixels", dense_layer),
    ("Conv2D(16, 3×3) on 28×28×1", conv_layer),
]:
    print(f"{name + ':':<30}{layer.count_params():>7,} parameters")
assert conv_layer.count_params() == 16 * (9 + 1)
assert conv_layer.count_params() < dense_layer.count_params() / 100

# %% [markdown]
# With `strides=2` the filter jumps two pixels at a time, so the output is half as tall and
# half as wide: two such layers take 28×28 to 14×14 to 7×7, while the number of filters (the
# *channels*) grows. The cell below checks the equivariance claim on a real digit: shifting
# the image by two pixels (one stride) shifts the feature maps by one position, exactly.

# %%
digit = x_test[:1]
shifted = np.roll(digit, shift=(2, 2), axis=(1, 2))
maps = np.asarray(conv_layer(digit))
maps_shifted = np.asarray(conv_layer(shifted))
print("feature maps:", maps.shape[1:])
assert np.allclose(
    np.roll(maps, shift=(1, 1), axis=(1, 2))[:, 2:-1, 2:-1],
    maps_shifted[:, 2:-1, 2:-1],
    atol=1e-5,
)
print(
    "shift the digit by 2 pixels → the maps shift by 1 position\n"
    "(away from the border)"
)


# %% [markdown]
# ## The architecture, and what it costs on a CPU
#
# VAEs with a convolutional encoder and decoder go back at least to
# {cite:t}`kulkarni2015deep`. The network here follows a common pattern: strided
# convolutions down, and strided transposed convolutions up, the way the generator of DCGAN
# up-samples {cite:p}`radford2016unsupervised`:
#
# * **encoder**: two `Conv2D` layers with 3×3 filters and stride 2 (32, then 64 filters;
#   28×28 → 14×14 → 7×7), flattened, two `Dense` layers of 512 and 256 ReLU units, then
#   two linear `Dense` heads for μ and log σ², as in the dense VAE;
# * **decoder**: two hidden `Dense` layers of 256 and 512 ReLU units (the widths of
#   [chapter 3](03_dense_vae.ipynb)'s deeper dense VAE), a `Dense` layer to 7×7×64 numbers,
#   reshaped into 64 feature maps of 7×7, two stride-2 `Conv2DTranspose` layers (64 filters
#   → 14×14, then 32 filters → 28×28), and a 3×3 `Conv2D` with **one** filter and a sigmoid
#   that turns the 32 maps into 28×28×1 pixel probabilities.
#
# A *transposed* convolution runs a convolution backwards: each input position spreads a 3×3
# patch of weights over the output, and with stride 2 the output is twice as large.
#
# "Half" and "twice" are not quite exact, and the difference decides the architecture. Take
# one side of a square input, `size` pixels, a kernel `kernel` pixels wide, and a `stride`:
#
# * a **convolution** (`Conv2D`) computes one output for each position of its window. With
#   `padding="valid"` the window must fit inside the image: it starts at pixel 0, then moves
#   `stride` pixels at a time while it still fits. With `padding="same"` Keras adds zeros
#   around the border, so that there is a window for each of the positions 0, `stride`,
#   2·`stride`, … that lie inside the image, however far the window hangs over the edge;
# * a **transposed convolution** (`Conv2DTranspose`) goes the other way: input pixel i
#   paints a patch `kernel` pixels wide that starts at output position i·`stride` (where
#   patches overlap, they add up). With `padding="valid"` the output keeps every painted
#   position; with `padding="same"` it is cropped to exactly `stride` outputs per input
#   pixel.
#
# {cite:t}`dumoulin2016guide` work through this arithmetic, with pictures, for every
# combination of padding and stride.

# %% [markdown]
# ```{exercise-start} The output size of a convolution
# :label: exercise-4-1
# ```
#
# Write `output_size(size, kernel, stride, padding, transposed=False)`: integers in, with
# `padding` either `"same"` or `"valid"` and `kernel ≥ stride` (as in every layer of this
# course); out, the side of the output, an integer: of a `Conv2D` when `transposed` is
# false, of a `Conv2DTranspose` when it is true. The checker compares your function with the
# sizes Keras computes for its own layers, and names the usual slips (rounding the wrong
# way, a window or a patch too few). The cell after it follows an image through the network
# with your function.


# %%
def output_size(size, kernel, stride, padding, transposed=False):
    """Output side of a Conv2D (or Conv2DTranspose) on size × size."""
    # Your code here.
    vaecourse.todo()


output_size = vaecourse.check("04_conv_vae_1_output_size", output_size)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-4-1
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/04_conv_vae_1_output_size.py
# :language: python
# ```
#
# ```{solution-end}
# ```
#
# The table follows the side of the maps through a few stacks of 3×3, stride-2 layers: the
# network as built, the same with `padding="valid"`, and one stride-2 layer more. Each
# side is computed twice, by `output_size` and by Keras from layers it actually builds.


# %%
def sides(size, n_layers, padding, transposed=False):
    """The side of the maps before and after each of n_layers 3×3 layers."""
    out = [size]
    for _ in range(n_layers):
        out.append(output_size(out[-1], 3, 2, padding, transposed=transposed))
    return out


def keras_sides(size, n_layers, padding, transposed=False):
    """The same sides, read off the layers Keras builds."""
    kind = layers.Conv2DTranspose if transposed else layers.Conv2D
    maps = keras.Input(shape=(size, size, 1))
    out = [size]
    for _ in range(n_layers):
        maps = kind(1, 3, strides=2, padding=padding)(maps)
        out.append(maps.shape[1])
    return out


stacks = {
    "encoder: 2 Conv2D, 'same'": (28, 2, "same", False),
    "decoder: 2 Conv2DTranspose, 'same'": (7, 2, "same", True),
    "encoder with 'valid'": (28, 2, "valid", False),
    "decoder with 'valid'": (7, 2, "valid", True),
    "a third Conv2D, 'same'": (28, 3, "same", False),
    "its mirror: 3 Conv2DTranspose": (4, 3, "same", True),
}
paths = pd.DataFrame(
    [
        (
            name,
            " → ".join(map(str, sides(*spec))),
            " → ".join(map(str, keras_sides(*spec))),
        )
        for name, spec in stacks.items()
    ],
    columns=["layers (3×3, stride 2)", "sides: output_size", "sides: Keras"],
)
assert (paths["sides: output_size"] == paths["sides: Keras"]).all()
ENCODER_SIDES, DECODER_SIDES = sides(28, 2, "same"), sides(7, 2, "same", True)
assert ENCODER_SIDES == [28, 14, 7] and DECODER_SIDES == [7, 14, 28]
# what the next paragraph reads off the table
assert sides(28, 3, "same") == [28, 14, 7, 4]
assert sides(4, 3, "same", transposed=True)[-1] == 32
assert sides(7, 2, "valid", transposed=True)[-1] != 28
padded(paths.style.hide(axis="index"))

# %% [markdown]
# Only the network as built comes back to exactly 28×28. With `"same"`, a stride-2
# convolution rounds up (⌈size / 2⌉) and its transposed twin doubles, so the two undo each
# other only while the side is even: 28 → 14 → 7 and back 7 → 14 → 28, but a third
# convolution takes 7 to 4, and three doublings of 4 give 32. With `"valid"` every layer
# also loses or gains the kernel's overhang, and the decoder misses 28 as well. So the
# decoder starts from 7×7 maps, made by a `Dense` layer from the code, and two stride-2
# transposed convolutions take them to 28×28.
#
# Why this shape? From a 2-D code, the decoder has to unfold the whole variety of digits
# into feature maps. The design gives much of that work to the `Dense` layers next to the
# code, which work on a few hundred numbers rather than on images, and makes them wide (512
# and 256 in the encoder; 256, 512, then the 3,136 numbers of the maps, in the decoder).
# A first version had one `Dense` layer each way (256 down, 512 up); two layers each way
# won on the validation images (see {ref}`conv-training`). The convolutions
# have few weights, but each weight is used at every position of the image, so their cost
# is set by the resolution they work at. {ref}`exercise-4-2` counts what each layer costs.

# %% [markdown]
# ```{exercise-start} What each layer costs
# :label: exercise-4-2
# ```
#
# Write `multiply_adds(layer)`: a layer of a built Keras model in; out, the number of
# multiply-adds it does for one image, an integer. Its weights are `layer.kernel` (leave the
# biases out: they are additions only), and the shapes it works at are `layer.input.shape`
# and `layer.output.shape`, `(None, height, width, channels)` for a convolution. Handle
# `Dense`, `Conv2D` and `Conv2DTranspose` layers, and return 0 for the layers without
# weights (the input, `Flatten`, `Reshape`). The question is how many times each weight is
# used: once per image in a `Dense` layer; in a convolution, once per position of its
# kernel, and the description of the two kinds of layer above says which positions those
# are. The checker tries your function on a small network with a layer of each kind; the
# cell after it counts every layer of the convolutional VAE with it.


# %%
def multiply_adds(layer):
    """Multiply-adds of a built layer per image, biases not counted."""
    # Your code here.
    vaecourse.todo()


multiply_adds = vaecourse.check("04_conv_vae_2_multiply_adds", multiply_adds)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-4-2
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/04_conv_vae_2_multiply_adds.py
# :language: python
# ```
#
# ```{solution-end}
# ```


# %%
def layer_costs(model):
    """Multiply-adds and parameters of each weighted layer of a VAE."""
    rows = [
        (
            part.name,
            layer.name,
            "×".join(f"{side:,}" for side in layer.output.shape[1:]),
            multiply_adds(layer),
            layer.count_params(),
            multiply_adds(layer) // int(np.prod(layer.kernel.shape)),
        )
        for part in (model.encoder, model.decoder)
        for layer in part.layers
        if multiply_adds(layer)
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "network",
            "layer",
            "output shape",
            "multiply-adds",
            "parameters",
            "uses of each weight",
        ],
    )


costs = layer_costs(zoo.build("conv_vae_2d"))
costs["share"] = costs["multiply-adds"] / costs["multiply-adds"].sum()
full_resolution = costs["layer"].isin(["deconv_1", "pixel_probs"])
is_dense = costs["layer"].str.startswith(
    ("enc_dense", "z_mean", "z_log_var", "dec_hidden", "dec_dense")
)
full_share = costs["share"][full_resolution].sum()
dense_share = costs["share"][is_dense].sum()
dense_params = costs["parameters"][is_dense].sum() / costs["parameters"].sum()
print(
    f"{costs['multiply-adds'].sum() / 1e6:.1f} million multiply-adds per "
    f"image;\nthe two layers at 28×28 do {full_share:.0%} of them, the "
    f"Dense layers {dense_share:.0%}"
)
print(f"the Dense layers hold {dense_params:.0%} of the parameters")
vaecourse.glue("ch4_full_res_share", float(full_share))
vaecourse.glue("ch4_dense_share", float(dense_share))
vaecourse.glue("ch4_conv_share", float(1 - dense_share))
vaecourse.glue("ch4_dense_params", float(dense_params))
assert (costs["uses of each weight"][is_dense] == 1).all()
assert full_share > dense_share and 1 - dense_share > 0.5
assert dense_params > 0.5
number_formats = {
    "multiply-adds": "{:,}",
    "parameters": "{:,}",
    "uses of each weight": "{:,}",
    "share": "{:.1%}",
}
padded(
    costs.style.format(number_formats).hide(axis="index"),
    numbers=number_formats,
)


# %% [markdown]
# Each weight of a `Dense` layer is used once per image; each weight of a convolution, at
# every position of its window (or, transposed, of its input). So the `Dense` layers hold
# {glue:text}`ch4_dense_params:.0%` of the parameters but do
# {glue:text}`ch4_dense_share:.0%` of the multiply-adds, and the convolutions, with few
# weights, do the other {glue:text}`ch4_conv_share:.0%`. The 32 maps at 28×28 are the
# expensive part: the two layers that output them do {glue:text}`ch4_full_res_share:.0%` of
# the network's arithmetic, more than all its `Dense` layers together (the cell checks both
# orderings).
#
# A cheaper decoder would make its last stride-2 transposed convolution the output layer,
# with one filter (`decoder_filters=(64,), upsample_output=True` in
# `models.build_conv_vae`). It never computes the 32 maps at 28×28, and reads its output
# pixels straight off 14×14 maps, with no layer working at full resolution before the
# output. Counted with the same function:

# %%
cheap = models.build_conv_vae(
    **{
        **zoo.CONV_VAE_KWARGS,
        "decoder_filters": (64,),
        "upsample_output": True,
    }
)
cheap_share = (
    layer_costs(cheap)["multiply-adds"].sum() / costs["multiply-adds"].sum()
)
print(
    f"the cheaper network does {cheap_share:.0%} of the multiply-adds "
    "of this chapter's"
)
vaecourse.glue("ch4_cheap_share", float(cheap_share))
assert cheap_share < 1

# %% [markdown]
# The cheaper network does {glue:text}`ch4_cheap_share:.0%` of the arithmetic. This course
# keeps the full-resolution layers, so that a layer with 32 filters draws at 28×28 before
# the output; it does not measure here whether they pay for their cost in quality. Training
# both with the recipe below and comparing their validation losses would tell.
#
# ## Writing the encoder and the decoder
#
# Now the two networks, as Keras models built as described above (the encoder, with its two
# outputs, needs the functional API). Give the layers the names below, so that the weights
# shipped with the course fit your model, and use `padding="same"` everywhere
# ({ref}`exercise-4-1` showed why). Each checker builds your network for two latent sizes
# and compares it, layer by layer (kind, output shape, parameters, activation, name), with
# the network of `vaecourse.models` that the rest of the course uses.

# %% [markdown]
# ```{exercise-start} The encoder
# :label: exercise-4-3
# ```
#
# Write `build_encoder(latent_dim)`: a model whose input, named `image`, takes images of
# shape (n, 28, 28, 1), and whose output is the list `[z_mean, z_log_var]`, each of shape
# (n, latent_dim). Its layers: `conv_0` and `conv_1` (3×3, stride 2, 32 then 64 filters,
# ReLU), `flatten`, `enc_dense_0` (512 ReLU units), `enc_dense_1` (256 ReLU units), and the
# two linear heads `z_mean` and `z_log_var`. The next section puts it into the VAE.


# %%
def build_encoder(latent_dim=2):
    """Image → two stride-2 Conv2D → Dense 512, 256 → [mean, log_var]."""
    # Your code here.
    vaecourse.todo()


build_encoder = vaecourse.check("04_conv_vae_3_encoder", build_encoder)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-4-3
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/04_conv_vae_3_encoder.py
# :language: python
# ```
#
# ```{solution-end}
# ```

# %% [markdown]
# ```{exercise-start} The decoder
# :label: exercise-4-4
# ```
#
# Write `build_decoder(latent_dim)`: a model whose input, named `z`, takes codes of shape
# (n, latent_dim), and whose output is the pixel probabilities, shape (n, 28, 28, 1), each
# strictly between 0 and 1. Its layers: `dec_hidden_0` (256 ReLU units), `dec_hidden_1`
# (512 ReLU units), `dec_dense` (ReLU,
# as many units as the 7×7×64 maps hold numbers), `to_maps` (a `Reshape` into those maps),
# `deconv_0` and `deconv_1` (3×3 `Conv2DTranspose`, stride 2, 64 then 32 filters, ReLU),
# and `pixel_probs` (a 3×3 `Conv2D` with one filter and a sigmoid).


# %%
def build_decoder(latent_dim=2):
    """z → Dense 256, 512 → 7×7×64 → 14×14×64 → 28×28×32 → 28×28×1."""
    # Your code here.
    vaecourse.todo()


build_decoder = vaecourse.check("04_conv_vae_4_decoder", build_decoder)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-4-4
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/04_conv_vae_4_decoder.py
# :language: python
# ```
#
# ```{solution-end}
# ```

# %% [markdown]
# ## The convolutional VAE
#
# The VAE itself {cite:p}`kingma2014autoencoding` does not change: the `VAE` model of
# [chapter 3](03_dense_vae.ipynb) (`vaecourse.models.VAE`) takes any encoder that outputs
# (μ, log σ²) and any decoder that outputs pixel probabilities. Its loss, the Bernoulli
# negative log-likelihood summed over the pixels plus the {term}`KL <KL divergence>` term,
# does not care whether the pixels come as a row or as a square.

# %%
LATENT_DIM = 2
encoder = build_encoder(LATENT_DIM)
decoder = build_decoder(LATENT_DIM)
vae = models.VAE(encoder, decoder, seed=0, name="conv_vae_2d")
print(f"convolutional VAE: {vae.count_params():,} parameters")

built_sides = [
    encoder.get_layer(name).output.shape[1] for name in ("conv_0", "conv_1")
]
built_sides += [
    decoder.get_layer(name).output.shape[1]
    for name in ("deconv_0", "deconv_1")
]
print("sides of the maps after conv_0, conv_1, deconv_0, deconv_1:")
print(built_sides)
assert built_sides == ENCODER_SIDES[1:] + DECODER_SIDES[1:]
print("as output_size predicted:", ENCODER_SIDES, "and", DECODER_SIDES)

# %% tags=["remove-cell"]
package_vae = zoo.build("conv_vae_2d")
for mine, theirs in [
    (encoder, package_vae.encoder),
    (decoder, package_vae.decoder),
]:
    # a Sequential model (allowed for the decoder) lists no InputLayer
    assert [
        row for row in models.architecture(mine) if row[0] != "InputLayer"
    ] == models.architecture(theirs)[1:]
assert vae.count_params() == package_vae.count_params()

# %% [markdown]
# Diagrams of the two networks, drawn by `keras.utils.plot_model`, which needs the `pydot`
# package and the Graphviz program `dot` (if either is missing, the cell stops and says what
# to install). First the encoder ({numref}`fig-04-encoder`):

# %% mystnb={"figure": {"caption": "The encoder's layers, with the shape of each one's input and output.", "name": "fig-04-encoder"}, "image": {"alt": "Diagram of the encoder: image 28\u00d728\u00d71, conv_0 to 14\u00d714\u00d732, conv_1 to 7\u00d77\u00d764, flatten to 3,136, enc_dense_0 to 512, enc_dense_1 to 256, then two Dense heads z_mean and z_log_var of 2 numbers each"}}
import importlib.util
import os
import shutil
import tempfile

from IPython.display import Image

DIAGRAM_DIR = tempfile.mkdtemp()  # a temporary folder, outside the course


def diagram(model):
    """A diagram of ``model``'s layers and shapes, by plot_model."""
    missing = []
    if importlib.util.find_spec("pydot") is None:
        missing.append("the Python package pydot: pip install pydot")
    if shutil.which("dot") is None:
        missing.append(
            "Graphviz's dot program: apt-get install graphviz "
            "(Debian, Ubuntu) or brew install graphviz (macOS)"
        )
    if missing:
        raise RuntimeError(
            "keras.utils.plot_model needs " + "; and ".join(missing)
        )
    path = os.path.join(DIAGRAM_DIR, f"{model.name}.png")
    keras.utils.plot_model(
        model,
        to_file=path,
        show_shapes=True,
        show_layer_names=True,
        show_layer_activations=True,
        dpi=72,
    )
    if not os.path.exists(path):  # plot_model prints some errors only
        raise RuntimeError(f"keras.utils.plot_model did not write {path}")
    return Image(filename=path)


diagram(encoder)

# %% [markdown]
# Then the decoder ({numref}`fig-04-decoder`):

# %% mystnb={"figure": {"caption": "The decoder's layers, with the shape of each one's input and output.", "name": "fig-04-decoder"}, "image": {"alt": "Diagram of the decoder: z of 2 numbers, dec_hidden_0 to 256, dec_hidden_1 to 512, dec_dense to 3,136, to_maps to 7\u00d77\u00d764, deconv_0 to 14\u00d714\u00d764, deconv_1 to 28\u00d728\u00d732, pixel_probs with a sigmoid to 28\u00d728\u00d71"}}
diagram(decoder)

# %% [markdown]
# Follow the shapes: 28×28×1 → 14×14×32 → 7×7×64 → 3,136 numbers → 512 → 256 → 2 on the
# way down; 2 → 256 → 512 → 3,136 → 7×7×64 → 14×14×64 → 28×28×32 → 28×28×1 on the way
# up. The table after {ref}`exercise-4-2` gave each layer's parameters and arithmetic.
#
# (conv-training)=
# ## Training, or loading the shipped weights
#
# The recipe is the zoo's `conv_vae_2d`: 60 epochs, batches of 64, and a learning rate that
# starts at 10⁻³ and falls along a half cosine towards 10⁻⁵
# (`vaecourse.training.cosine_decay`), the schedule of [chapter 3](03_dense_vae.ipynb)'s
# deeper dense VAE. It was chosen on the validation images against the first version of the
# network, with one `Dense` layer each way trained for 40 epochs (the next section shows
# both).
#
# One thing is new: the optimizer is **AdamW** {cite:p}`loshchilov2019decoupled`, Adam with
# *decoupled weight decay*. At each step, besides Adam's update, every weight $w$ is shrunk
# towards zero,
#
# $$
# w \leftarrow w - \eta\, \omega\, w,
# $$ (eq-weight-decay)
#
# with $\eta$ the learning rate of that step and $\omega = 0.1$ the weight decay (Keras's
# `weight_decay`). A weight
# that the training images keep pushing stays where they push it; a weight that only serves
# the quirks of a few images drifts back towards zero. It is a brake on over-fitting (the
# next section shows what it does here). Adding a penalty $\omega\|w\|^2$ to the loss is *not* the
# same thing with Adam: Adam divides every gradient by a running estimate of its scale, so
# the penalty's pull would be rescaled weight by weight, and weights with large gradients
# would be held back less than the others. AdamW applies the shrinkage {eq}`eq-weight-decay`
# outside that rescaling.
#
# By default the weights shipped in `weights/` are loaded. `RETRAIN = True` trains here
# instead and saves your weights and history in `my_weights/` (the shipped `weights/` stay
# untouched). The shipped run took {glue:text}`ch4_shipped_seconds_per_epoch:.0f` seconds
# per epoch, {glue:text}`ch4_shipped_minutes:.0f` minutes in all, on the machine that
# trained it, with `python -m tools.train_all`, which gives each training run one CPU
# thread (the cell prints it); yours depends on your CPU.

# %%
import json

from vaecourse.training import history_path

RETRAIN = False
EPOCHS, BATCH_SIZE, LEARNING_RATE, WEIGHT_DECAY = 60, 64, 1e-3, 0.1
vae.compile(
    optimizer=keras.optimizers.AdamW(LEARNING_RATE, weight_decay=WEIGHT_DECAY)
)


def train(model):
    # the recipe's images: all 50,000 training images (x_train holds 10,000)
    x_all, _ = zoo.training_data("conv_vae_2d")
    return model.fit(
        x_all,
        validation_data=(x_val,),
        epochs=profile.epochs(EPOCHS),
        batch_size=BATCH_SIZE,
        verbose=0,
        callbacks=[
            vaecourse.EpochLogger(),
            cosine_decay(LEARNING_RATE, profile.epochs(EPOCHS)),
        ],
    )


run = vaecourse.train_or_load(vae, "conv_vae_2d", train, retrain=RETRAIN)
print(run.describe())

shipped = json.loads(history_path("conv_vae_2d").read_text())
shipped_seconds = shipped["seconds_per_epoch"]
shipped_minutes = shipped_seconds * len(shipped["history"]["loss"]) / 60
print(
    f"the shipped run: {shipped_seconds:.0f} s per epoch, "
    f"{shipped_minutes:.0f} minutes in all"
)
vaecourse.glue("ch4_shipped_seconds_per_epoch", float(shipped_seconds))
vaecourse.glue("ch4_shipped_minutes", float(shipped_minutes))

# %% tags=["remove-cell"]
recipe = zoo.RECIPES["conv_vae_2d"]
assert (EPOCHS, BATCH_SIZE, LEARNING_RATE, WEIGHT_DECAY) == (
    recipe.epochs,
    recipe.batch_size,
    recipe.learning_rate,
    recipe.weight_decay,
)
assert recipe.shape == "image" and recipe.digits is None and recipe.cosine
assert len(shipped["history"]["loss"]) == EPOCHS
deep_recipe = zoo.RECIPES["dense_vae_2d_deep"]
assert (
    deep_recipe.epochs,
    deep_recipe.batch_size,
    deep_recipe.cosine,
    deep_recipe.learning_rate,
    deep_recipe.weight_decay,
) == (60, BATCH_SIZE, True, LEARNING_RATE, 0.0)

# %% mystnb={"figure": {"caption": "The convolutional VAE's loss per epoch (top) and its two terms (bottom), on the training images (solid) and the validation images (dashed).", "name": "fig-04-history"}, "image": {"alt": "Training and validation loss of the convolutional VAE, and below it its reconstruction and KL terms, over the epochs"}}
history = run.history
fig, axes = plt.subplots(2, 1, figsize=(6.8, 6.4), sharex=True)
plotting.plot_history(
    history, keys=("loss",), ax=axes[0], title="Convolutional VAE: loss"
)
plotting.plot_history(
    history,
    keys=("reconstruction", "kl"),
    ax=axes[1],
    title="The two terms of the loss",
)
axes[0].set_xlabel("")
fig.tight_layout()
plt.show()
print(
    f"loss (−ELBO, nats per image): first epoch {history['loss'][0]:.1f}, "
    f"last epoch {history['loss'][-1]:.1f}"
)

# %% tags=["remove-cell"]
assert history["loss"][-1] < history["loss"][0]
assert min(history["kl"]) > 0 and min(history["val_kl"]) > 0

# %% [markdown]
# In {numref}`fig-04-history`, solid lines are the losses on the training images, dashed
# lines on the validation images.
#
# ## How the recipe was chosen: weight decay, and two Dense layers
#
# The weight decay and the network were chosen on the validation images. The maintainer's
# command that trains the shipped weights, `python -m tools.train_all`, also trains two
# *candidates*, from the same seed: `conv_vae_2d_one_dense`, the first version of the
# network (one `Dense` layer each way, 40 epochs, AdamW), and `conv_vae_2d_adam`, the same
# with plain Adam (weight decay 0), everything else equal. It keeps only the candidates'
# histories, in `results/`, and it fails unless the recipe ends with a lower validation
# loss than each of them. {numref}`fig-04-weight-decay` shows the three runs, with solid
# lines for the loss on the training images and dashed lines for the loss on the validation
# images (the first epochs are left out, so that the last ones can be told apart):

# %% mystnb={"figure": {"caption": "The convolutional VAE trained with plain Adam and with AdamW, everything else equal: the loss per epoch on the training images (solid) and the validation images (dashed), the first epochs left out.", "name": "fig-04-weight-decay"}, "image": {"alt": "Training and validation loss per epoch of the convolutional VAE trained with plain Adam and with AdamW, everything else equal"}}
from vaecourse.training import RESULTS_DIR, read_history

runs = {
    "Adam": read_history("conv_vae_2d_adam", RESULTS_DIR),
    "AdamW": read_history("conv_vae_2d_one_dense", RESULTS_DIR),
    "two Dense layers (the recipe)": read_history("conv_vae_2d"),
}
FIRST_SHOWN = 5
fig, ax = plt.subplots(figsize=(6.8, 4.4))
for label, h in runs.items():
    epochs = np.arange(FIRST_SHOWN, len(h["loss"]) + 1)
    (line,) = ax.plot(
        epochs, h["loss"][FIRST_SHOWN - 1 :], label=f"{label}: training"
    )
    ax.plot(
        epochs,
        h["val_loss"][FIRST_SHOWN - 1 :],
        linestyle="--",
        color=line.get_color(),
        label=f"{label}: validation",
    )
ax.set_xlabel("epoch")
ax.set_ylabel("−ELBO (nats per image)")
ax.set_title("One Dense layer (Adam, AdamW) and two (AdamW)")
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2)
plt.show()

last = pd.DataFrame(
    {
        label: {"training": h["loss"][-1], "validation": h["val_loss"][-1]}
        for label, h in runs.items()
    }
).T
last["gap"] = last["validation"] - last["training"]
print("last epoch, nats per image (gap = validation − training):")
print(last.round(2).to_string())
adam, adamw = last.loc["Adam"], last.loc["AdamW"]
chosen = last.loc["two Dense layers (the recipe)"]
for key, value in [
    ("ch4_adam_val", adam["validation"]),
    ("ch4_adamw_val", adamw["validation"]),
    ("ch4_chosen_val", chosen["validation"]),
    ("ch4_adam_gap", adam["gap"]),
    ("ch4_adamw_gap", adamw["gap"]),
]:
    vaecourse.glue(key, float(value))
assert adamw["validation"] < adam["validation"]
assert adamw["gap"] < adam["gap"]
assert chosen["validation"] < adamw["validation"]

# epoch by epoch: where is AdamW's loss above or below Adam's?
h_adam, h_adamw = runs["Adam"], runs["AdamW"]
assert (np.array(h_adamw["loss"]) > np.array(h_adam["loss"])).all()
ahead = np.array(h_adamw["val_loss"]) < np.array(h_adam["val_loss"])
since = int(np.flatnonzero(~ahead)[-1]) + 2 if not ahead.all() else 1
adam_before = int(np.sum(~ahead[: since - 1]))
lr_then = h_adamw["learning_rate"][since - 1] / LEARNING_RATE
print(
    f"AdamW's validation loss is below Adam's at every epoch from epoch "
    f"{since} on\n(learning rate {lr_then:.0%} of its start); before, "
    f"Adam's was the lower\nat {adam_before} of {since - 1} epochs"
)
assert adam_before > (since - 1) / 2
vaecourse.glue("ch4_since", since)
vaecourse.glue("ch4_before", since - 1)
vaecourse.glue("ch4_adam_before", adam_before)
vaecourse.glue("ch4_lr_then", float(lr_then))

# %% tags=["remove-cell"]
assert [len(h["loss"]) for h in runs.values()] == [40, 40, EPOCHS]
one_dense = zoo.CANDIDATES["conv_vae_2d_one_dense"]
assert one_dense == dataclasses.replace(
    recipe, kwargs=zoo.CONV_VAE_ONE_DENSE_KWARGS, epochs=40
)
assert zoo.CANDIDATES["conv_vae_2d_adam"] == dataclasses.replace(
    one_dense, weight_decay=0.0
)

# %% [markdown]
# On the one-`Dense` network, AdamW's training loss (solid) lies above plain Adam's at
# every epoch: the shrinkage holds
# back the fit to the training images. On the validation images (dashed), weight decay did
# not help at first: in the first {glue:text}`ch4_before` epochs, plain Adam had the lower
# validation loss at {glue:text}`ch4_adam_before` of them. From epoch
# {glue:text}`ch4_since` on, when the learning rate had fallen to
# {glue:text}`ch4_lr_then:.0%` of its starting value, AdamW's validation loss is the lower
# at every epoch. At the last epoch it is {glue:text}`ch4_adamw_val:.2f` {term}`nats` per
# image against {glue:text}`ch4_adam_val:.2f` for plain Adam, and the gap between validation and
# training loss, a sign of over-fitting, is narrower: {glue:text}`ch4_adamw_gap:.2f` nats
# against {glue:text}`ch4_adam_gap:.2f`. That last validation loss is what the recipe was
# chosen by. The second `Dense` layer each way, with 20 more epochs, did more: the
# recipe's last validation loss is {glue:text}`ch4_chosen_val:.2f` nats. The cell asserts
# each of these orderings. Each is a single seeded run, and the
# course did not measure how much these numbers move from one seed to another: read the
# difference as the outcome of this comparison, not as a law.
#
# ## Saving and loading weights
#
# `train_or_load` read the shipped file `weights/conv_vae_2d.weights.h5` or, when you
# retrained, wrote yours to `my_weights/conv_vae_2d.weights.h5`. Underneath it is one call
# each way, `model.save_weights(path)` and `model.load_weights(path)`; the file
# name must end in `.weights.h5`. The weights fit any model with the same architecture, so a
# freshly built VAE, loaded from a file, encodes exactly as the trained one:

# %%
path = os.path.join(tempfile.mkdtemp(), "my_conv_vae.weights.h5")
vae.save_weights(path)

fresh = zoo.build("conv_vae_2d")
fresh_means_before = np.asarray(fresh.encoder(x_test[:8])[0])
fresh.load_weights(path)
means_trained = np.asarray(vae.encoder(x_test[:8])[0])
means_loaded = np.asarray(fresh.encoder(x_test[:8])[0])
print(f"file: {os.path.getsize(path) / 1e6:.1f} MB")
assert np.allclose(means_loaded, means_trained)
assert not np.allclose(fresh_means_before, means_trained)
print("the reloaded model gives the same posterior means as the trained one")

# %% [markdown]
# ## Dense versus convolutional, on identical measures
#
# The two dense VAEs of [chapter 3](03_dense_vae.ipynb) come from the zoo: the
# one-hidden-layer model (50 epochs at a constant learning rate), and the deeper one, with
# two hidden layers each way, trained with this network's schedule over 60 epochs and with
# plain Adam. All three have a 2-D {term}`latent space` and the same loss and were trained on the
# same 50,000 images; they are measured on the same test images by the same functions of
# `vaecourse.evaluation` ([chapter 3](03_dense_vae.ipynb) explains them):
#
# * **−ELBO** and its two terms, reconstruction and KL, in nats per image (lower is better).
#   The KL term is exact; the reconstruction term is averaged over four samples z ~ q(z|x)
#   per test image, which makes it less noisy than one sample would;
# * the **importance-weighted bound** on −log p(x) with {glue:text}`ch4_iw_k` samples per
#   image {cite:p}`burda2016importance`: an upper bound on −log p(x), as the −ELBO is, and a
#   tighter one (the cell checks that it lies below the −ELBO). Decoding that many samples
#   per image is the slow part, so it uses the first {glue:text}`ch4_n_iw:,.0f` test images;
#   the −ELBO of those same images is given beside it;
# * **seconds per epoch**, as recorded when the shipped weights were trained (each model's
#   history file in `weights/`). With `TIME_HERE = True` the cell times them on your
#   machine instead: a fresh copy of each model takes {glue:text}`ch4_timing_steps`
#   training steps with its recipe's batch size, three times over, and the fastest of the
#   three is scaled to the 50,000 training images of an epoch (other work on the CPU can
#   only slow a timing down). Building three training steps raises the kernel's memory by
#   about 0.3 GB, more than Binder's 1 GB leaves free, so it is off by default.

# %%
import time

TIME_HERE = False  # True: time the three models on this machine
TIMING_STEPS = profile.choose(reader=40, quick=10)


def seconds_per_epoch(name, x, steps=TIMING_STEPS, repeats=3):
    """Seconds per epoch of EPOCH_IMAGES images for the zoo's ``name``."""
    batch_size = zoo.RECIPES[name].batch_size
    model = zoo.build(name)
    zoo.compile_for(name, model)
    # a first fit builds the training step, so that it is not timed
    model.fit(x[: 2 * batch_size], batch_size=batch_size, verbose=0)
    timings = []
    for _ in range(repeats):  # the fastest is the least disturbed
        start = time.perf_counter()
        model.fit(x[: steps * batch_size], batch_size=batch_size, verbose=0)
        timings.append(time.perf_counter() - start)
    return min(timings) / steps * np.ceil(EPOCH_IMAGES / batch_size)


dense_vae, dense_run = zoo.pretrained("dense_vae_2d")
print(dense_run.describe())
deep_vae, deep_run = zoo.pretrained("dense_vae_2d_deep")
print(deep_run.describe())
x_test_flat = x_test.reshape(len(x_test), 784)
N_IW = profile.choose(reader=1000, quick=200)
K = profile.choose(reader=100, quick=10)
ELBO_SAMPLES = 4
IW_ROW = f"IW bound on −log p(x), k={K} (first {N_IW})"
ELBO_ROW = f"−ELBO (first {N_IW})"


def measure(name, model, x, run):
    reconstruction, kl = evaluation.elbo_terms(model, x, samples=ELBO_SAMPLES)
    iw = evaluation.importance_weighted_log_px(model, x[:N_IW], k=K)
    if TIME_HERE or profile.quick:  # the tests always time, on tiny data
        x_train_like_x = x_train.reshape((len(x_train),) + x.shape[1:])
        seconds = seconds_per_epoch(name, x_train_like_x)
    else:
        seconds = run.seconds_per_epoch
    return {
        "parameters": model.count_params(),
        "seconds per epoch": seconds,
        "epochs": run.epochs,
        "−ELBO": np.mean(reconstruction + kl),
        "reconstruction": np.mean(reconstruction),
        "KL": np.mean(kl),
        ELBO_ROW: np.mean((reconstruction + kl)[:N_IW]),
        IW_ROW: -np.mean(iw),
    }


table = pd.DataFrame(
    {
        "dense VAE": measure(
            "dense_vae_2d", dense_vae, x_test_flat, dense_run
        ),
        "deeper dense VAE": measure(
            "dense_vae_2d_deep", deep_vae, x_test_flat, deep_run
        ),
        "convolutional VAE": measure("conv_vae_2d", vae, x_test, run),
    }
)
for key, value in [
    ("ch4_iw_k", K),
    ("ch4_n_iw", N_IW),
    ("ch4_timing_steps", TIMING_STEPS),
]:
    vaecourse.glue(key, value)
print("nats per image on the test set (lower is better)")
padded(
    table.style.format(precision=1, thousands=",").format(
        "{:,.0f}", subset=pd.IndexSlice[["parameters", "epochs"], :]
    ),
    numbers=table.columns,
)

# %% tags=["remove-cell"]
dense_recipe = zoo.RECIPES["dense_vae_2d"]
assert (
    dense_recipe.epochs,
    dense_recipe.cosine,
    dense_recipe.weight_decay,
) == (50, False, 0.0)
assert dense_recipe.kwargs == {"latent_dim": 2}
assert (
    table.loc["epochs"].tolist()
    == [dense_recipe.epochs, deep_recipe.epochs, EPOCHS]
    or profile.quick
)
for col in table.values.T:
    assert np.isfinite(col).all()
headline("conv_vae_2d_test_neg_elbo", table["convolutional VAE"]["−ELBO"])
headline(
    "conv_vae_2d_test_neg_log_px_iw_first_1000",
    table["convolutional VAE"][IW_ROW],
)

# %% [markdown]
# Timings, recorded or timed here, change from run to run, and most when other work shares
# the CPU. The cell below checks what the next paragraphs say, and prints the numbers they
# quote.

# %%
conv, dense, deep = (
    table["convolutional VAE"],
    table["dense VAE"],
    table["deeper dense VAE"],
)
for col in (conv, dense, deep):
    assert np.isclose(col["−ELBO"], col["reconstruction"] + col["KL"])
    assert 0 < col["KL"] < 0.1 * col["−ELBO"]
    assert col[IW_ROW] < col[ELBO_ROW]
time_ratio = conv["seconds per epoch"] / max(
    dense["seconds per epoch"], deep["seconds per epoch"]
)
gaps = {
    name: r.history["val_loss"][-1] - r.history["loss"][-1]
    for name, r in [("convolutional", run), ("deeper dense", deep_run)]
}
if not profile.quick:
    assert conv["−ELBO"] < dense["−ELBO"], (conv["−ELBO"], dense["−ELBO"])
    assert conv["−ELBO"] < deep["−ELBO"], (conv["−ELBO"], deep["−ELBO"])
    assert conv[IW_ROW] < deep[IW_ROW], (conv[IW_ROW], deep[IW_ROW])
    assert time_ratio > 1
    assert (
        min(gaps.values()) > 0
    )  # both fit their training images more closely
    assert conv["parameters"] > deep["parameters"]
print("test −ELBO, nats per image:")
for name in table:
    print(f"  {name}: {table[name]['−ELBO']:.1f}")
print(f"{IW_ROW}:")
for name in table:
    print(f"  {name}: {table[name][IW_ROW]:.1f}")
print(
    f"an epoch of the convolutional VAE takes {time_ratio:.1f} times as "
    "long\nas one of the slower dense VAE"
)
print("last epoch, validation minus training loss:")
for name, gap in gaps.items():
    print(f"  {name}: {gap:.2f}")
for key, value in [
    ("ch4_conv_test", conv["−ELBO"]),
    ("ch4_dense_test", dense["−ELBO"]),
    ("ch4_deep_test", deep["−ELBO"]),
    ("ch4_conv_gain", deep["−ELBO"] - conv["−ELBO"]),
    ("ch4_conv_iw", conv[IW_ROW]),
    ("ch4_dense_iw", dense[IW_ROW]),
    ("ch4_deep_iw", deep[IW_ROW]),
    ("ch4_conv_kl", conv["KL"]),
    ("ch4_time_ratio", time_ratio),
    ("ch4_conv_gap", gaps["convolutional"]),
    ("ch4_deep_gap", gaps["deeper dense"]),
]:
    vaecourse.glue(key, float(value))

# %% [markdown]
# On the test images, the convolutional VAE's −ELBO is {glue:text}`ch4_conv_test:.1f` nats
# per image, lower than the one-hidden-layer dense VAE's {glue:text}`ch4_dense_test:.1f`.
# But that model is also shallower and trained with a constant learning rate. The fair rival
# is the deeper dense VAE: the same `Dense` layers as the convolutional network, trained
# with the same schedule for as many epochs (without weight decay). Its −ELBO,
# {glue:text}`ch4_deep_test:.1f`, is {glue:text}`ch4_conv_gain:.1f` nats higher: in front of
# and after the same `Dense` layers, the convolutions lowered the −ELBO. (Each number comes
# from one seeded run; the convolutional VAE also had weight decay.) The
# importance-weighted bounds on −log p(x) (first {glue:text}`ch4_n_iw:,.0f` images:
# convolutional {glue:text}`ch4_conv_iw:.1f`, dense {glue:text}`ch4_dense_iw:.1f`, deeper
# dense {glue:text}`ch4_deep_iw:.1f`) are upper bounds, not the values of −log p(x) itself.
# Most of the loss is the reconstruction term; the KL term, the price in nats of what the
# code tells about the image, is under a tenth of the −ELBO for all three models
# ({glue:text}`ch4_conv_kl:.1f` nats for the convolutional one).
#
# The convolutional model has more parameters than the deeper dense one. At the last epoch
# its validation loss exceeds its training loss by {glue:text}`ch4_conv_gap:.2f` nats per
# image, with weight decay; the deeper dense model's, trained as long without it, by
# {glue:text}`ch4_deep_gap:.2f`. An epoch of it took {glue:text}`ch4_time_ratio:.1f`
# times as long as one of the slower dense model, in the recorded timings of the table. Its parameters sit
# mostly in the wide `Dense` layers ({glue:text}`ch4_dense_params:.0%` of them), which do a
# minority of its arithmetic; the convolutions, each of whose few weights is used at every
# position of the image, do {glue:text}`ch4_conv_share:.0%` of it.
#
# ## Reconstructions and samples, side by side
#
# In {numref}`fig-04-samples`, at the top: ten test digits, then each model's
# reconstruction (the decoded posterior mean). At the bottom: ten draws z ~ N(0, I) from
# the {term}`prior`, the **same** ten for both decoders.

# %% mystnb={"figure": {"caption": "Ten test digits and their reconstructions by the dense and the convolutional VAE (top three rows); the same ten draws from the prior, decoded by each model (bottom two rows).", "name": "fig-04-samples"}, "image": {"alt": "Rows of test digits, their dense and convolutional reconstructions, and digits decoded by both models from the same ten prior samples"}}
z_prior = np.random.default_rng(0).standard_normal((10, LATENT_DIM))
z_prior = z_prior.astype("float32")
rows = [
    x_test[:10],
    dense_vae.reconstruct(x_test_flat[:10]),
    vae.reconstruct(x_test[:10]),
    np.asarray(dense_vae.decoder(z_prior)),
    np.asarray(vae.decoder(z_prior)),
]
plotting.plot_image_rows(
    rows,
    [
        "test digit",
        "dense",
        "convolutional",
        "dense: z ~ prior",
        "conv: same z",
    ],
    title="Reconstructions (top) and prior samples (bottom)",
    scale=0.65,
)
plt.show()

# %% tags=["remove-cell"]
assert all(np.asarray(r).reshape(10, -1).shape == (10, 784) for r in rows)

# %% [markdown]
# Both models reconstruct each digit from the two numbers of its code. The prior samples do
# not match one to one, and should not: each model lays out its own latent plane, so the
# same z may mean a different digit to each.
#
# ## The two latent planes
#
# The encoders' posterior means of the test digits, coloured by digit (the labels were never
# used in training), in {numref}`fig-04-latent`:

# %% mystnb={"figure": {"caption": "The test digits' posterior means in the latent plane, coloured by digit: the dense VAE (top) and the convolutional VAE (bottom).", "name": "fig-04-latent"}, "image": {"alt": "Two scatter plots of the test digits' 2-D posterior means, one above the other, dense VAE at the top and convolutional VAE at the bottom, coloured by digit"}}
fig, axes = plt.subplots(2, 1, figsize=(6.8, 9.6))
dense_means = evaluation.predict_in_batches(
    dense_vae.encoder, x_test_flat, batch_size=1000
)[0]
conv_means = evaluation.predict_in_batches(
    vae.encoder, x_test, batch_size=1000
)[0]
plotting.plot_latent(dense_means, y_test, ax=axes[0], title="Dense VAE")
plotting.plot_latent(
    conv_means, y_test, ax=axes[1], title="Convolutional VAE"
)
axes[1].get_legend().remove()  # one legend, beside the top panel
fig.tight_layout()
plt.show()
inside = {
    name: np.mean(np.abs(means).max(axis=1) < 3)
    for name, means in [("dense", dense_means), ("conv", conv_means)]
}
print(
    "posterior means within 3 of the origin in both coordinates:\n"
    f"dense {inside['dense']:.1%}, convolutional {inside['conv']:.1%}"
)
vaecourse.glue("ch4_dense_inside", float(inside["dense"]))
vaecourse.glue("ch4_conv_inside", float(inside["conv"]))
assert profile.quick or min(inside.values()) > 0.9

# %% tags=["remove-cell"]
assert conv_means.shape == (len(x_test), 2) and np.isfinite(conv_means).all()

# %% [markdown]
# Both planes are filled around the origin, as the KL term asks:
# {glue:text}`ch4_dense_inside:.1%` of the dense and {glue:text}`ch4_conv_inside:.1%` of the
# convolutional posterior means lie within 3 of it in both coordinates (the cell checks
# more than 90% for each).
#
# ## Summary
#
# * Convolutions look at neighbourhoods and share their weights across positions: far fewer
#   parameters than a dense layer, but each weight is used at every position.
# * A convolutional VAE only changes the encoder and the decoder: strided `Conv2D` layers down
#   to (μ, log σ²), `Conv2DTranspose` layers up to the pixel probabilities. Its training step
#   and loss are those of [chapter 3](03_dense_vae.ipynb).
# * With `padding="same"`, a stride-2 convolution takes a side to ⌈size / 2⌉ and a stride-2
#   transposed convolution doubles it: 28 → 14 → 7 → 14 → 28 comes back exactly, a third
#   halving (7 → 4) would not.
# * The cost of a convolution is set by the resolution it works at: the two layers at 28×28
#   do {glue:text}`ch4_full_res_share:.0%` of this network's arithmetic, more than all its
#   `Dense` layers, which hold {glue:text}`ch4_dense_params:.0%` of its parameters.
# * Measured the same way on the test images, the convolutional VAE has a lower −ELBO than
#   both dense VAEs with a 2-D latent space, also the deeper one with the same `Dense`
#   layers and schedule (the table above).
# * Weight decay (AdamW) holds back the fit to the training images. It was chosen over plain
#   Adam on the validation images, where its loss was the lower from epoch
#   {glue:text}`ch4_since` to the end.
# * `save_weights` and `load_weights` move trained weights between models of the same
#   architecture; `vaecourse.train_or_load` uses them to ship trained models with the course.
#
# [Chapter 7](07_anomaly_detection.ipynb) uses this network's first version (one `Dense`
# layer each way), trained on the digits 0–8 only, to detect the digit it never saw.
