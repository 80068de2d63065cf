# %% [markdown]
# # 4. The convolutional VAE
#
# The dense VAE of chapter 3 flattens each image into a row of 784 numbers before it looks at
# it. Its first layer would learn exactly as well if the pixels were shuffled in a fixed
# order: nothing in it knows that pixel (3, 4) is next to pixel (3, 5). Images are not like
# that. A stroke is a few neighbouring pixels, and the same stroke can sit anywhere in the
# frame.
#
# A **convolutional** layer builds that knowledge in. It slides a small filter (here 3×3) over
# the image and computes the same weighted sum at every position, so it
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
#   28×28 down to 7×7 and back (Exercise 4.1);
# * count the arithmetic each layer does (Exercise 4.2), to choose a network that trains in
#   reasonable time on a laptop CPU, and say what it costs;
# * build an encoder of strided `Conv2D` layers that outputs (μ, log σ²), and a decoder of
#   `Conv2DTranspose` layers that goes back up to 28×28×1 pixel probabilities (Exercises 4.3
#   and 4.4);
# * compare it with the dense VAE on identical measures: parameters, seconds per epoch, the
#   test ELBO and an importance-weighted estimate of log p(x);
# * save and load its weights.

# %% [markdown]
# ## Setting up

# %%
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

# %% [markdown]
# A convolutional network takes images as images: `shape="image"` gives arrays of shape
# (n, 28, 28, 1), height × width × one grey channel.

# %%
(x_train, y_train), (x_test, y_test) = vaecourse.load_mnist(shape="image")
x_train, y_train = profile.subset(x_train, y_train, quick=2000)
x_test, y_test = profile.subset(x_test, y_test, quick=500)
print("training images:", x_train.shape, " test images:", x_test.shape)
assert x_train.shape[1:] == (28, 28, 1) and x_test.shape[1:] == (28, 28, 1)

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
for name, layer in [("Dense(512) on 784 pixels", dense_layer),
                    ("Conv2D(16, 3×3) on 28×28×1", conv_layer)]:
    print(f"{name + ':':<30}{layer.count_params():>7,} parameters")
assert conv_layer.count_params() == 16 * (9 + 1)

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
assert np.allclose(np.roll(maps, shift=(1, 1), axis=(1, 2))[:, 2:-1, 2:-1],
                   maps_shifted[:, 2:-1, 2:-1], atol=1e-5)
print("shift the digit by 2 pixels → the maps shift by 1 position "
      "(away from the border)")


# %% [markdown]
# ## The architecture, and what it costs on a CPU
#
# The network follows the usual pattern of convolutional autoencoders
# {cite:p}`kingma2014autoencoding`:
#
# * **encoder**: two `Conv2D` layers with 3×3 filters and stride 2 (32, then 64 filters;
#   28×28 → 14×14 → 7×7), flattened, a `Dense` layer of 256 ReLU units, then two linear
#   `Dense` heads for μ and log σ², as in the dense VAE;
# * **decoder**: a hidden `Dense` layer of 512 ReLU units, a `Dense` layer to 7×7×64 numbers,
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
# (exercise-4-1)=
# ### Exercise 4.1: the output size of a convolution
#
# Write `output_size(size, kernel, stride, padding, transposed=False)`: integers in, with
# `padding` either `"same"` or `"valid"` and `kernel ≥ stride` (as in every layer of this
# course); out, the side of the output, an integer: of a `Conv2D` when `transposed` is false,
# of a `Conv2DTranspose` when it is true. The checker compares your function with the sizes
# Keras computes for its own layers, and names the usual slips (rounding the wrong way, a
# window or a patch too few). The cell after it follows an image through the network with
# your function.

# %%
def output_size(size, kernel, stride, padding, transposed=False):
    """Output side of a Conv2D (or Conv2DTranspose) on size × size."""
    # Your code here.
    vaecourse.todo()


output_size = vaecourse.check("04_conv_vae_1_output_size", output_size)

# %% [markdown]
# ````{admonition} Solution to exercise 4.1
# :class: dropdown
#
# ```{literalinclude} ../solutions/04_conv_vae_1_output_size.py
# :language: python
# ```
# ````
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
    [(name, " → ".join(map(str, sides(*spec))),
      " → ".join(map(str, keras_sides(*spec))))
     for name, spec in stacks.items()],
    columns=["layers (3×3, stride 2)", "sides: output_size", "sides: Keras"])
assert (paths["sides: output_size"] == paths["sides: Keras"]).all()
ENCODER_SIDES, DECODER_SIDES = sides(28, 2, "same"), sides(7, 2, "same", True)
assert ENCODER_SIDES == [28, 14, 7] and DECODER_SIDES == [7, 14, 28]
paths.style.hide(axis="index")

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
# into feature maps. The `Dense` layers next to the code do most of that, and they cost
# little time: they work on a few hundred numbers, not on images. So they are wide (256 in
# the encoder; 512, then the 3,136 numbers of the maps, in the decoder). The convolutions
# have few weights, but each weight is used at every position of the image, so their cost
# is set by the resolution they work at.
#
# (exercise-4-2)=
# ### Exercise 4.2: what each layer costs
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


multiply_adds = vaecourse.check(
    "04_conv_vae_2_multiply_adds", multiply_adds
)

# %% [markdown]
# ````{admonition} Solution to exercise 4.2
# :class: dropdown
#
# ```{literalinclude} ../solutions/04_conv_vae_2_multiply_adds.py
# :language: python
# ```
# ````

# %%
cost_model = zoo.build("conv_vae_2d")
costs = pd.DataFrame(
    [(part.name, layer.name, tuple(layer.output.shape[1:]),
      multiply_adds(layer))
     for part in (cost_model.encoder, cost_model.decoder)
     for layer in part.layers if multiply_adds(layer)],
    columns=["network", "layer", "output shape", "multiply-adds"])
costs["share"] = costs["multiply-adds"] / costs["multiply-adds"].sum()
full_resolution = costs["layer"].isin(["deconv_1", "pixel_probs"])
full_share = costs["share"][full_resolution].sum()
print(f"{costs['multiply-adds'].sum() / 1e6:.1f} million multiply-adds per "
      f"image; the two layers at 28×28 do {full_share:.0%} of them")
assert 0.3 < full_share < 0.6
costs.style.format({"multiply-adds": "{:,}", "share": "{:.1%}"}).hide(
    axis="index")


# %% [markdown]
# The 32 maps at 28×28 are the expensive part: two layers do about as much arithmetic as the
# rest of the network. They are worth it. A cheaper decoder whose last stride-2 transposed
# convolution is itself the output layer (one filter, `decoder_filters=(64,),
# upsample_output=True` in `models.build_conv_vae`) never computes those maps and trains
# about twice as fast, but, trained with the same schedule over 30 epochs, it levelled off
# more than two nats per image worse than this network: its output pixels are read straight
# off 14×14 maps, with no layer that works at full resolution to draw the strokes.
#
# ## Writing the encoder and the decoder
#
# Now the two networks, as Keras models built as described above (the encoder, with its two
# outputs, needs the functional API). Give the layers the names below, so that the weights
# shipped with the course fit your model, and use `padding="same"` everywhere (Exercise 4.1
# showed why). Each checker builds your network for two latent sizes and compares it, layer
# by layer (kind, output shape, parameters, activation, name), with the network of
# `vaecourse.models` that the rest of the course uses.
#
# (exercise-4-3)=
# ### Exercise 4.3: the encoder
#
# Write `build_encoder(latent_dim)`: a model whose input, named `image`, takes images of
# shape (n, 28, 28, 1), and whose output is the list `[z_mean, z_log_var]`, each of shape
# (n, latent_dim). Its layers: `conv_0` and `conv_1` (3×3, stride 2, 32 then 64 filters,
# ReLU), `flatten`, `enc_dense` (256 ReLU units), and the two linear heads `z_mean` and
# `z_log_var`. The next section puts it into the VAE.

# %%
def build_encoder(latent_dim=2):
    """Image → two stride-2 Conv2D → Dense(256) → [mean, log_var]."""
    # Your code here.
    vaecourse.todo()


build_encoder = vaecourse.check("04_conv_vae_3_encoder", build_encoder)

# %% [markdown]
# ````{admonition} Solution to exercise 4.3
# :class: dropdown
#
# ```{literalinclude} ../solutions/04_conv_vae_3_encoder.py
# :language: python
# ```
# ````
#
# (exercise-4-4)=
# ### Exercise 4.4: the decoder
#
# Write `build_decoder(latent_dim)`: a model whose input, named `z`, takes codes of shape
# (n, latent_dim), and whose output is the pixel probabilities, shape (n, 28, 28, 1), each
# strictly between 0 and 1. Its layers: `dec_hidden` (512 ReLU units), `dec_dense` (ReLU,
# as many units as the 7×7×64 maps hold numbers), `to_maps` (a `Reshape` into those maps),
# `deconv_0` and `deconv_1` (3×3 `Conv2DTranspose`, stride 2, 64 then 32 filters, ReLU),
# and `pixel_probs` (a 3×3 `Conv2D` with one filter and a sigmoid).

# %%
def build_decoder(latent_dim=2):
    """z → Dense(512) → 7×7×64 maps → 14×14×64 → 28×28×32 → 28×28×1."""
    # Your code here.
    vaecourse.todo()


build_decoder = vaecourse.check("04_conv_vae_4_decoder", build_decoder)

# %% [markdown]
# ````{admonition} Solution to exercise 4.4
# :class: dropdown
#
# ```{literalinclude} ../solutions/04_conv_vae_4_decoder.py
# :language: python
# ```
# ````

# %% [markdown]
# ## The convolutional VAE
#
# The VAE itself does not change: the `VAE` model of chapter 3 (`vaecourse.models.VAE`)
# takes any encoder that outputs (μ, log σ²) and any decoder that outputs pixel
# probabilities. Its loss, the Bernoulli negative log-likelihood summed over the pixels plus
# the KL term, does not care whether the pixels come as a row or as a square.

# %%
LATENT_DIM = 2
encoder = build_encoder(LATENT_DIM)
decoder = build_decoder(LATENT_DIM)
vae = models.VAE(encoder, decoder, seed=0, name="conv_vae_2d")
print(f"convolutional VAE: {vae.count_params():,} parameters")

built_sides = [encoder.get_layer(name).output.shape[1]
               for name in ("conv_0", "conv_1")]
built_sides += [decoder.get_layer(name).output.shape[1]
                for name in ("deconv_0", "deconv_1")]
print("sides of the maps after conv_0, conv_1, deconv_0, deconv_1:",
      built_sides)
assert built_sides == ENCODER_SIDES[1:] + DECODER_SIDES[1:]
print("as output_size predicted:", ENCODER_SIDES, "and", DECODER_SIDES)

# %% tags=["remove-cell"]
package_vae = zoo.build("conv_vae_2d")
for mine, theirs in [(encoder, package_vae.encoder),
                     (decoder, package_vae.decoder)]:
    # a Sequential model (allowed for the decoder) lists no InputLayer
    assert ([row for row in models.architecture(mine)
             if row[0] != "InputLayer"]
            == models.architecture(theirs)[1:])
assert vae.count_params() == package_vae.count_params()

# %% [markdown]
# A diagram of the two networks: `keras.utils.plot_model` draws one when the `pydot` package
# and the Graphviz program `dot` are installed. They are optional, so the cell falls back to
# the text summary instead of failing.

# %%
import importlib.util
import os
import shutil
import tempfile

from IPython.display import Image, display


def show_model(model):
    """A diagram of ``model`` with pydot and Graphviz, its summary without."""
    if importlib.util.find_spec("pydot") and shutil.which("dot"):
        try:
            path = os.path.join(tempfile.mkdtemp(), f"{model.name}.png")
            keras.utils.plot_model(model, to_file=path, show_shapes=True,
                                   dpi=60)
            display(Image(filename=path))
            return "diagram"
        except Exception as err:  # a broken Graphviz: say so, then summary
            print(f"plot_model failed ({type(err).__name__}); the summary:")
    model.summary()
    return "summary"


for model in (encoder, decoder):
    show_model(model)

# %% [markdown]
# Follow the shapes in the summaries: 28×28×1 → 14×14×32 → 7×7×64 → 3,136 numbers → 256 → 2
# on the way down; 2 → 512 → 3,136 → 7×7×64 → 14×14×64 → 28×28×32 → 28×28×1 on the way up.
# Nearly all parameters sit in the two `Dense` layers next to the flattened maps; the
# convolutions have few, but do most of the arithmetic.
#
# ## Training, or loading the shipped weights
#
# The recipe is the zoo's `conv_vae_2d`: batches of 64 and a learning rate that starts at
# 10⁻³ and falls along a half cosine to 10⁻⁵ (`vaecourse.training.cosine_decay`), the schedule
# of chapter 3's deeper dense VAE, but over 60 epochs instead of 30: the convolutional network
# takes longer to converge, and the weight decay below pays off late in a run.
#
# One thing is new: the optimizer is **AdamW** {cite:p}`loshchilov2019decoupled`, Adam with
# *decoupled weight decay*. After each Adam step every weight w is also shrunk towards zero, w
# ← w − η λ w, with η the learning rate of that step and λ = 0.1 the weight decay. A weight
# that the training images keep pushing stays where they push it; a weight that only serves
# the quirks of a few images drifts back towards zero. It is a brake on over-fitting, which is
# this network's weak point (the next section shows what it does here). Adding a penalty λ‖w‖²
# to the loss is *not* the same thing with Adam: Adam divides every gradient by a running
# estimate of its scale, so the penalty's pull would be rescaled weight by weight, strongest
# on the weights that move least. AdamW applies the shrinkage outside that rescaling.
#
# By default the weights shipped in `weights/` are loaded; `RETRAIN = True` trains here (about
# 40 minutes on two CPU cores).

# %%
RETRAIN = False
EPOCHS, BATCH_SIZE, LEARNING_RATE, WEIGHT_DECAY = 60, 64, 1e-3, 0.1
vae.compile(optimizer=keras.optimizers.AdamW(LEARNING_RATE,
                                             weight_decay=WEIGHT_DECAY))


def train(model):
    return model.fit(
        x_train, validation_data=(x_test,),
        epochs=profile.epochs(EPOCHS), batch_size=BATCH_SIZE, verbose=0,
        callbacks=[vaecourse.EpochLogger(),
                   cosine_decay(LEARNING_RATE, profile.epochs(EPOCHS))],
    )


run = vaecourse.train_or_load(vae, "conv_vae_2d", train, retrain=RETRAIN)
print(run.describe())

# %% tags=["remove-cell"]
recipe = zoo.RECIPES["conv_vae_2d"]
assert (EPOCHS, BATCH_SIZE, LEARNING_RATE, WEIGHT_DECAY) == (
    recipe.epochs, recipe.batch_size, recipe.learning_rate,
    recipe.weight_decay)
assert recipe.shape == "image" and recipe.digits is None and recipe.cosine

# %% mystnb={"image": {"alt": "Training and validation loss of the convolutional VAE, and its reconstruction and KL terms, over the epochs"}}
history = run.history
fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
plotting.plot_history(history, keys=("loss",), ax=axes[0],
                      title="Convolutional VAE: loss")
plotting.plot_history(history, keys=("reconstruction", "kl"), ax=axes[1],
                      title="The two terms of the loss")
fig.tight_layout()
plt.show()
print(f"loss (−ELBO, nats per image): first epoch {history['loss'][0]:.1f}, "
      f"last epoch {history['loss'][-1]:.1f}")

# %% tags=["remove-cell"]
assert history["loss"][-1] < history["loss"][0]
assert min(history["kl"]) > 0 and min(history["val_kl"]) > 0

# %% [markdown]
# ## What weight decay changes
#
# Before the shipped run, the same network was trained for 40 epochs twice, once with plain
# Adam and once with AdamW, everything else equal. Only their histories are kept, in
# `results/`; the shipped run's history is saved beside its weights. Solid lines are the loss
# on the training images, dashed lines the loss on the test images (the first epochs are left
# out, so that the last ones can be told apart):

# %% mystnb={"image": {"alt": "Training and test loss per epoch of the convolutional VAE for three runs: plain Adam over 40 epochs, AdamW with weight decay over 40 epochs, and the shipped AdamW run over 60 epochs"}}
from vaecourse.training import RESULTS_DIR, read_history

runs = {
    "Adam, 40 epochs":
        read_history("conv_vae_2d_adam_40_epochs", RESULTS_DIR),
    "AdamW, 40 epochs":
        read_history("conv_vae_2d_adamw_40_epochs", RESULTS_DIR),
    f"AdamW, {EPOCHS} epochs (shipped)": read_history("conv_vae_2d"),
}
FIRST_SHOWN = 5
fig, ax = plt.subplots(figsize=(8, 4))
for label, h in runs.items():
    epochs = np.arange(FIRST_SHOWN, len(h["loss"]) + 1)
    line, = ax.plot(epochs, h["loss"][FIRST_SHOWN - 1:],
                    label=f"{label}: training")
    ax.plot(epochs, h["val_loss"][FIRST_SHOWN - 1:], linestyle="--",
            color=line.get_color(), label=f"{label}: test")
ax.set_xlabel("epoch")
ax.set_ylabel("−ELBO (nats per image)")
ax.set_title("The convolutional VAE with and without weight decay")
ax.legend(fontsize=8)
plt.show()

last = pd.DataFrame({
    label: {"training": h["loss"][-1], "test": h["val_loss"][-1]}
    for label, h in runs.items()}).T
last["gap"] = last["test"] - last["training"]
print("last epoch, nats per image (gap = test − training):")
print(last.round(2).to_string())
adam, adamw, shipped = last.index
assert last.loc[adamw, "test"] < last.loc[adam, "test"]
assert last.loc[adamw, "gap"] < last.loc[adam, "gap"]
assert last.loc[shipped, "test"] < last.loc[adamw, "test"]

# %% tags=["remove-cell"]
assert len(runs[shipped]["loss"]) == EPOCHS

# %% [markdown]
# For most of the run, weight decay changes little on the test images: it holds back the fit
# to the training images (AdamW's solid line sits above plain Adam's) and the test loss
# follows about the same path. The difference comes at the end, when the learning rate is
# small: plain Adam's test loss levels off while AdamW's keeps falling, and it ends lower,
# with a narrower gap between training and test loss (the table's last column). A longer
# schedule gives AdamW more of those steps: the shipped recipe stretches the same cosine over
# 60 epochs, and it ends lower still on the test images, though with more epochs it also fits
# the training images more closely, and the gap widens again. These are single seeded runs,
# and the differences are tenths of a nat: read them as a tendency, not a law.

# %% [markdown]
# ## Saving and loading weights
#
# `train_or_load` saved (or read) the file `weights/conv_vae_2d.weights.h5`. Underneath it is
# one call each way, `model.save_weights(path)` and `model.load_weights(path)`; the file
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
# The two dense VAEs of chapter 3 come from the zoo: the one-hidden-layer model, and the
# deeper one trained with the same schedule as this network (over 30 epochs). All three
# have a 2-D latent space and the same loss; they are measured on the same test images by
# the same functions of `vaecourse.evaluation` (chapter 3 explains them):
#
# * **−ELBO** and its two terms, reconstruction and KL, in nats per image (lower is better).
#   The KL term is exact; the reconstruction term is averaged over four samples z ~ q(z|x)
#   per test image, which keeps the sampling noise of the mean to about 0.02 nat, so that
#   differences of a tenth of a nat are real;
# * **−log p(x)**, the importance-weighted estimate with 100 samples per image
#   {cite:p}`burda2016importance`, a tighter bound than the ELBO. Decoding 100 samples per
#   image is the slow part, so it uses the first 1,000 test images; the −ELBO of those same
#   images is given beside it;
# * **seconds per epoch**, timed here, on your machine: a fresh copy of each model takes 40
#   training steps with its recipe's batch size, and the time is scaled to the 60,000
#   training images of an epoch.

# %%
import time


def seconds_per_epoch(name, x, steps=profile.choose(reader=40, quick=10)):
    """Seconds per epoch of 60,000 images for the zoo's ``name``."""
    batch_size = zoo.RECIPES[name].batch_size
    model = zoo.build(name)
    zoo.compile_for(name, model)
    # a first fit builds the training step, so that it is not timed
    model.fit(x[: 2 * batch_size], batch_size=batch_size, verbose=0)
    start = time.perf_counter()
    model.fit(x[: steps * batch_size], batch_size=batch_size, verbose=0)
    seconds_per_step = (time.perf_counter() - start) / steps
    return seconds_per_step * np.ceil(60_000 / batch_size)


dense_vae, dense_run = zoo.pretrained("dense_vae_2d")
print(dense_run.describe())
deep_vae, deep_run = zoo.pretrained("dense_vae_2d_deep")
print(deep_run.describe())
x_test_flat = x_test.reshape(len(x_test), 784)
N_IW = profile.choose(reader=1000, quick=200)
K = profile.choose(reader=100, quick=10)
ELBO_SAMPLES = 4


def measure(name, model, x, run):
    reconstruction, kl = evaluation.elbo_terms(model, x, samples=ELBO_SAMPLES)
    iw = evaluation.importance_weighted_log_px(model, x[:N_IW], k=K)
    x_train_like_x = x_train.reshape((len(x_train),) + x.shape[1:])
    return {
        "parameters": model.count_params(),
        "seconds per epoch": seconds_per_epoch(name, x_train_like_x),
        "epochs": run.epochs,
        "−ELBO": np.mean(reconstruction + kl),
        "reconstruction": np.mean(reconstruction),
        "KL": np.mean(kl),
        f"−ELBO (first {N_IW})": np.mean((reconstruction + kl)[:N_IW]),
        f"−log p(x), IW k={K} (first {N_IW})": -np.mean(iw),
    }


table = pd.DataFrame({
    "dense VAE": measure("dense_vae_2d", dense_vae, x_test_flat, dense_run),
    "deeper dense VAE": measure("dense_vae_2d_deep", deep_vae, x_test_flat,
                                deep_run),
    "convolutional VAE": measure("conv_vae_2d", vae, x_test, run),
})
print("nats per image on the test set (lower is better)")
table.style.format(precision=1, thousands=",").format(
    "{:,.0f}", subset=pd.IndexSlice[["parameters", "epochs"], :])

# %% [markdown]
# The seconds per epoch were timed just now, on this machine, so they change from run to run
# (and grow when other work shares the CPU); the ratios between the models are what to read.
# The checks below pin the results: with the same 2-D latent space, the convolutional VAE
# reaches a test −ELBO of at most 142 nats per image, several nats below the one-hidden-layer
# dense VAE, and an epoch of it costs more time than one of either dense model.

# %%
conv, dense, deep = (table["convolutional VAE"], table["dense VAE"],
                     table["deeper dense VAE"])
for col in (conv, dense, deep):
    assert np.isclose(col["−ELBO"], col["reconstruction"] + col["KL"])
    assert col["KL"] > 0
    assert (col[f"−log p(x), IW k={K} (first {N_IW})"]
            < col[f"−ELBO (first {N_IW})"])
assert conv["−ELBO"] <= profile.choose(reader=142.0, quick=600.0), (
    conv["−ELBO"])
if not profile.quick:
    assert conv["−ELBO"] < dense["−ELBO"] - 4, (conv["−ELBO"], dense["−ELBO"])
    assert conv["seconds per epoch"] > max(dense["seconds per epoch"],
                                           deep["seconds per epoch"])
    assert deep["−ELBO"] < conv["−ELBO"]
gaps = {name: r.history["val_loss"][-1] - r.history["loss"][-1]
        for name, r in [("convolutional", run), ("deeper dense", deep_run)]}
print("last epoch, validation minus training loss:",
      ", ".join(f"{name} {gap:.1f}" for name, gap in gaps.items()))
if not profile.quick:
    assert gaps["convolutional"] > gaps["deeper dense"]
print(f"test −ELBO in nats per image: convolutional {conv['−ELBO']:.1f}, "
      f"dense {dense['−ELBO']:.1f}, deeper dense {deep['−ELBO']:.1f}")

# %% tags=["remove-cell"]
headline("conv_vae_2d_test_neg_elbo", conv["−ELBO"])
headline("conv_vae_2d_test_neg_log_px_iw_first_1000",
         conv[f"−log p(x), IW k={K} (first {N_IW})"])

# %% [markdown]
# Read the table with the training budgets in mind. The convolutional VAE is clearly better
# than the one-hidden-layer dense VAE, but that model is also shallower and trained with a
# constant learning rate. The fair rival is the deeper dense VAE, trained with the same
# schedule, and it wins, in half the epochs: with a 2-D bottleneck, convolutions buy
# nothing here. Most of the loss is the reconstruction term, and from two numbers no decoder
# can draw much more than a typical digit in a typical style; what decides the result is how
# well the decoder unfolds the plane into images. The dense decoder's last layer can place
# every pixel freely, while the transposed convolutions build the image from small local
# patches.
#
# The convolutional model also fits its training images better than its test images by a wider
# margin (the cell prints the gap between the last epoch's validation and training losses),
# and in the training curves above its validation loss flattens while the training loss keeps
# falling: with more parameters it over-fits more, even with weight decay, and longer training
# mostly improves the fit to the training images. The KL terms are all small, because two
# latent dimensions cannot carry much information. An epoch of the convolutional model costs
# several times the time of a dense one. Its parameters sit mostly in the wide `Dense` layers,
# which are cheap to run; its time goes to the convolutions, each of whose few weights is used
# at every position of the image.
#
# ## Reconstructions and samples, side by side
#
# Top: ten test digits, then each model's reconstruction (the decoded posterior mean).
# Bottom: ten draws z ~ N(0, I) from the prior, the **same** ten for both decoders.

# %% mystnb={"image": {"alt": "Rows of test digits, their dense and convolutional reconstructions, and digits decoded by both models from the same ten prior samples"}}
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
    rows, ["test digit", "dense", "convolutional", "dense: z ~ prior",
           "conv: same z"],
    title="Reconstructions (top) and prior samples (bottom)")
plt.show()

# %% tags=["remove-cell"]
assert all(np.asarray(r).reshape(10, -1).shape == (10, 784) for r in rows)

# %% [markdown]
# Reconstructions of both models are blurred, typical versions of each digit: two numbers
# cannot hold more. The convolutional decoder tends to draw cleaner strokes. The prior
# samples do not match one to one, and should not: each model lays out its own latent
# plane, so the same z means a different digit to each.
#
# ## The two latent planes
#
# The encoders' posterior means of the test digits, coloured by digit (the labels were never
# used in training):

# %% mystnb={"image": {"alt": "Two scatter plots of the test digits' 2-D posterior means, dense VAE left and convolutional VAE right, coloured by digit"}}
fig, axes = plt.subplots(1, 2, figsize=(13, 5.5))
dense_means = np.asarray(dense_vae.encoder.predict(
    x_test_flat, batch_size=1000, verbose=0)[0])
conv_means = np.asarray(vae.encoder.predict(
    x_test, batch_size=1000, verbose=0)[0])
plotting.plot_latent(dense_means, y_test, ax=axes[0], title="Dense VAE")
plotting.plot_latent(conv_means, y_test, ax=axes[1],
                     title="Convolutional VAE")
axes[0].get_legend().remove()
fig.tight_layout()
plt.show()
print(f"posterior means within 3 of the origin: dense "
      f"{np.mean(np.abs(dense_means).max(axis=1) < 3):.1%}, convolutional "
      f"{np.mean(np.abs(conv_means).max(axis=1) < 3):.1%}")

# %% tags=["remove-cell"]
assert conv_means.shape == (len(x_test), 2) and np.isfinite(conv_means).all()

# %% [markdown]
# Both planes are filled around the origin, as the KL term asks, with one region per digit.
#
# ## Summary
#
# * Convolutions look at neighbourhoods and share their weights across positions: far fewer
#   parameters than a dense layer, but more arithmetic per parameter.
# * A convolutional VAE only changes the encoder and the decoder: strided `Conv2D` layers down
#   to (μ, log σ²), `Conv2DTranspose` layers up to the pixel probabilities. Its training step
#   and loss are those of chapter 3.
# * With `padding="same"`, a stride-2 convolution takes a side to ⌈size / 2⌉ and a stride-2
#   transposed convolution doubles it: 28 → 14 → 7 → 14 → 28 comes back exactly, a third
#   halving (7 → 4) would not.
# * On a CPU, the cost of a convolution is set by the resolution it works at: the two layers
#   at 28×28 do about as much arithmetic as the rest of the network, and pay for it in
#   quality. Wide `Dense` layers next to the latent space add capacity for little time.
# * Measured the same way, the convolutional VAE fits the test digits much better than the
#   one-hidden-layer dense VAE, but a dense network with the same depth and schedule does
#   better still with a 2-D latent space (the table above).
# * Weight decay (AdamW) holds back the fit to the training images; here it paid off only
#   late in a long run, as a smaller gap between training and test loss.
# * `save_weights` and `load_weights` move trained weights between models of the same
#   architecture; `vaecourse.train_or_load` uses them to ship trained models with the course.
#
# Chapter 7 uses this model, trained on the digits 0–8 only, to detect the digit it never saw.
