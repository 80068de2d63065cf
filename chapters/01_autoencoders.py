# %% [markdown]
# # 1. Autoencoders
#
# An **autoencoder** is a pair of networks trained together: an *encoder* that squeezes an
# image into a short vector, the **code**, and a *decoder* that rebuilds the image from the
# code. The only training signal is the image itself: the output should equal the input.
#
# Copying an image would be trivial if the code were as wide as the image. The point is the
# **bottleneck**: the code is much narrower (here 2 numbers for 784 pixels), so the
# network has to find the few factors that explain most of the image, such as which digit it
# is, its slant and its thickness {cite:p}`hinton2006reducing`.
#
# In this chapter you will:
#
# * build a dense autoencoder with a 2-D code, the encoder and decoder as models of their own;
# * train it and look at its loss curve and its reconstructions;
# * see where it places the test digits in the code plane, and what its decoder draws over
#   that plane;
# * find out what goes wrong between the clusters, the problem that the variational
#   autoencoder of the next chapters solves.

# %% [markdown]
# ## Setting up
#
# The course's small helper package, `vaecourse`, holds what is not the lesson: loading
# MNIST, the execution profile, saving and loading weights, and plotting grids of images.
# Everything a chapter teaches is written out in the chapter.

# %%
import matplotlib.pyplot as plt
import numpy as np

import vaecourse
from vaecourse import plotting, results

import keras
from keras import layers

vaecourse.seed_everything(1)
profile = vaecourse.current_profile()
print(f"Keras {keras.__version__}, profile: {profile.name}")

# %% [markdown]
# The digits come from MNIST {cite:p}`lecun1998gradient`: 60,000 training and 10,000 test
# images of 28×28 grey pixels. We scale the pixels to [0, 1] and flatten each image into a
# row of 784 numbers, which is what a dense network takes.

# %%
(x_train, y_train), (x_test, y_test) = vaecourse.load_mnist(shape="flat")
x_train, y_train = profile.subset(x_train, y_train, quick=5000)
x_test, y_test = profile.subset(x_test, y_test, quick=500)
print("training images:", x_train.shape, " test images:", x_test.shape)
assert x_train.shape[1] == 784 and 0.0 <= x_train.min() and x_train.max() <= 1.0

# %% [markdown]
# ## Encoder, decoder, autoencoder
#
# The encoder maps 784 pixels through a hidden layer of 256 ReLU units to a **2-D code**;
# the code layer is linear, so codes can take any real value. The decoder mirrors it: from
# the code through 256 ReLU units back to 784 pixels. A sigmoid keeps each output pixel in
# (0, 1), like the input.
#
# We build the encoder and the decoder as two Keras models and then chain them. Keeping them
# separate is what lets us, later, encode images without decoding them, and decode codes that
# no image produced.

# %%
code_dim = 2

image = keras.Input(shape=(784,), name="image")
hidden = layers.Dense(256, activation="relu", name="enc_hidden")(image)
code = layers.Dense(code_dim, name="code")(hidden)
encoder = keras.Model(image, code, name="ae_encoder")

code_in = keras.Input(shape=(code_dim,), name="code_in")
hidden = layers.Dense(256, activation="relu", name="dec_hidden")(code_in)
pixels = layers.Dense(784, activation="sigmoid", name="pixels")(hidden)
decoder = keras.Model(code_in, pixels, name="ae_decoder")

autoencoder = keras.Model(image, decoder(encoder(image)), name="autoencoder")
autoencoder.summary()

# %% [markdown]
# Later chapters compare the VAE with this autoencoder; they get it from
# `vaecourse.models.build_dense_autoencoder`. The cell below checks that the two are the same
# network, layer by layer.

# %%
from vaecourse.models import architecture, build_dense_autoencoder

_, package_encoder, package_decoder = build_dense_autoencoder(code_dim=code_dim, hidden=256)
assert architecture(encoder) == architecture(package_encoder)
assert architecture(decoder) == architecture(package_decoder)
print(f"{autoencoder.count_params():,} parameters, same as vaecourse.models")

# %% [markdown]
# ## Training
#
# Each pixel is a number in [0, 1], so we measure the reconstruction with the **binary
# cross-entropy** between input and output pixels, averaged over pixels and images. The
# autoencoder is trained to reproduce its input, so the input is also the target:
# `fit(x_train, x_train)`.
#
# Training for 30 epochs takes about three minutes on a laptop CPU. The course ships trained
# weights, so by default this chapter loads them; set `RETRAIN = True` to train here instead.
# `vaecourse.train_or_load` makes that choice and says which happened.

# %%
RETRAIN = False
autoencoder.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy")


def train(model):
    return model.fit(
        x_train, x_train,
        validation_data=(x_test, x_test),
        epochs=profile.epochs(30), batch_size=128,
        verbose=0, callbacks=[vaecourse.EpochLogger()],
    )


run = vaecourse.train_or_load(autoencoder, "autoencoder_2d", train, retrain=RETRAIN)
print(run.describe())

# %% mystnb={"image": {"alt": "Training and validation loss of the autoencoder falling over the epochs"}}
history = run.history
plotting.plot_history(history, keys=("loss",), title="Autoencoder training",
                      ylabel="binary cross-entropy per pixel")
plt.show()
print(f"loss: first epoch {history['loss'][0]:.4f}, last epoch {history['loss'][-1]:.4f}")

# %% [markdown]
# ## Originals and reconstructions
#
# The top row shows test digits the network never trained on; the bottom row shows what
# came back through the 2-number bottleneck.

# %% mystnb={"image": {"alt": "Ten test digits above their blurry reconstructions from a 2-D code"}}
reconstructions = autoencoder.predict(x_test, verbose=0)
plotting.plot_image_rows([x_test, reconstructions], ["original", "reconstructed"],
                         title="Test digits through a 2-D bottleneck")
plt.show()

clipped = np.clip(reconstructions, 1e-7, 1 - 1e-7)  # keep log() finite
test_bce = -np.mean(x_test * np.log(clipped) + (1 - x_test) * np.log(1 - clipped))
test_mse = np.mean((x_test - reconstructions) ** 2)
print(f"test binary cross-entropy per pixel: {test_bce:.4f}, mean squared error: {test_mse:.4f}")

# %% [markdown]
# Two numbers cannot hold a whole digit, so the reconstructions are blurred typical shapes
# rather than copies. Still, most keep the identity of the digit. The cell below asserts the
# key results: the loss went down, and the test error is well below that of the best constant
# guess, the mean training image.

# %%
baseline_mse = np.mean((x_test - x_train.mean(axis=0)) ** 2)
print(f"mean image as the guess: mean squared error {baseline_mse:.4f}")
assert history["loss"][-1] < history["loss"][0]
assert reconstructions.shape == x_test.shape
print(f"autoencoder error relative to the mean image: {test_mse / baseline_mse:.2f}")
assert test_mse < profile.choose(reader=0.7, quick=0.95) * baseline_mse
results.headline("autoencoder_2d_test_mse", test_mse)

# %% [markdown]
# ## The code plane
#
# The encoder alone maps each test image to a point of the plane. Colouring the points by
# the true digit, which the autoencoder never saw, shows what it learned.

# %% mystnb={"image": {"alt": "Scatter of test codes in the plane, coloured by digit, forming elongated clusters of different sizes"}}
codes = encoder.predict(x_test, verbose=0)
assert codes.shape == (len(x_test), 2) and np.isfinite(codes).all()

plotting.plot_latent(codes, y_test, title="Autoencoder codes of the test digits")
plt.show()
print("code range: x from {:.1f} to {:.1f}, y from {:.1f} to {:.1f}".format(
    codes[:, 0].min(), codes[:, 0].max(), codes[:, 1].min(), codes[:, 1].max()))

# %% [markdown]
# Digits of one class gather, with no label ever given: the bottleneck forced the network to
# organise the plane by what makes digits differ. But look at the shape of the layout. The
# clusters are long streaks of very different sizes, some overlap, and the ranges of the two
# coordinates are whatever training happened to produce. Nothing asked the codes to fill a
# known region.
#
# ## What the decoder draws over the plane
#
# The decoder is a model of its own, so we can feed it any point of the plane. Below, a
# 15×15 grid spanning the box that holds the test codes is decoded in **one** batched call
# (`plotting.decode_grid`).

# %% mystnb={"image": {"alt": "15 by 15 mosaic of images decoded over the code box; some tiles are clear digits, others are smudges"}}
grid_x = np.linspace(codes[:, 0].min(), codes[:, 0].max(), 15)
grid_y = np.linspace(codes[:, 1].min(), codes[:, 1].max(), 15)
mosaic = plotting.decode_grid(decoder, grid_x, grid_y)
assert mosaic.shape == (15 * 28, 15 * 28)

plotting.plot_mosaic(mosaic, grid_x, grid_y, title="Autoencoder decoder over the code box",
                     xlabel="code 1", ylabel="code 2")
plt.show()


# %% [markdown]
# Where the grid falls on a cluster the tiles are clean digits. Elsewhere there are smudges,
# stretched strokes or blends that are no digit at all: the decoder was only ever trained on
# the codes of real images, and says nothing useful about the rest of the plane.
#
# ## Exercise 1: find the empty regions
#
# Which points of the plane are *between* the clusters? Write
# `farthest_from_codes(candidates, codes, n)`: given candidate points (an array of shape
# `(m, d)`) and the codes of the training images (shape `(k, d)`), return the `n` candidates
# whose distance to their **nearest** code is largest, farthest first.
#
# Hint: `scipy.spatial.cKDTree(codes).query(candidates)` returns each candidate's distance
# to its nearest code.

# %%
def farthest_from_codes(candidates, codes, n):
    """The n candidate points farthest from their nearest code, farthest first."""
    # Your code here. To see a solution: %load ../solutions/01_autoencoders_empty_regions.py
    vaecourse.todo("01_autoencoders_empty_regions.py")


# %% tags=["remove-cell"]
# Runs the reference solution so that the chapter goes on. Comment this line out to use yours.
# %run -i ../solutions/01_autoencoders_empty_regions.py

# %% [markdown]
# ````{admonition} Solution
# :class: dropdown
#
# ```{literalinclude} ../solutions/01_autoencoders_empty_regions.py
# :language: python
# ```
# ````
#
# The checker runs your function on small cases with known answers:

# %%
from vaecourse.checks.autoencoders import check_farthest_from_codes

check_farthest_from_codes(farthest_from_codes)

# %% [markdown]
# ## Decoding between the clusters
#
# Now decode the points of the plane that lie farthest from every training code, inside the
# box the codes span, next to points that sit right on a code. The codes of the first 10,000
# training images are plenty to map where the plane is occupied.

# %% mystnb={"image": {"alt": "Top row: digits decoded from points on the clusters; bottom row: unreadable shapes decoded from points between the clusters"}}
train_codes = encoder.predict(x_train[:10_000], verbose=0)
rng = np.random.default_rng(0)
low, high = train_codes.min(axis=0), train_codes.max(axis=0)
candidates = rng.uniform(low, high, size=(5000, 2))

empty_points = farthest_from_codes(candidates, train_codes, 10)
on_cluster_points = train_codes[rng.choice(len(train_codes), 10, replace=False)]

plotting.plot_image_rows(
    [decoder.predict(on_cluster_points, verbose=0), decoder.predict(empty_points, verbose=0)],
    ["on a cluster", "between"],
    title="Decoding the plane: where the training codes are, and where they are not",
)
plt.show()

# %% [markdown]
# The bottom row is the autoencoder's weakness. Its code plane has holes, and the decoder
# fills them with shapes that are not digits. So we cannot use it to **generate**: to draw a
# new digit we would need to pick a code, and we have no rule for picking one that lands on a
# cluster rather than in a hole. Nor can we walk smoothly from one digit to another, since
# the straight path between two codes may cross a hole.
#
# What we want is a code space with a known shape, say a standard normal cloud, that the
# encoder fills without gaps, so that *every* point we might draw decodes to a plausible
# digit. That is what the **variational autoencoder** provides: it makes the encoder output a
# small distribution instead of a point, and pulls those distributions towards a fixed prior.
# The next chapter derives it.
#
# ## Summary
#
# * An autoencoder learns to compress with no labels: a narrow code forces it to keep what
#   matters.
# * Its encoder and decoder can be used alone: to embed images, and to decode chosen codes.
# * The codes of a plain autoencoder cluster by digit but leave holes; decoding a hole gives
#   nonsense, so the model cannot generate. The VAE fixes this.
