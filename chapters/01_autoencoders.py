# %% [markdown]
# # Autoencoders
#
# An **{term}`autoencoder`** is a pair of networks trained together: an {term}`encoder`
# that squeezes an image into a short vector, the **code**, and a {term}`decoder` that
# rebuilds the image from the code. The only training signal is the image itself: the
# output should equal the input.
#
# Copying an image would be trivial if the code were as wide as the image. The point is the
# **bottleneck**: the code is much narrower (here 2 numbers for 784 pixels), so the
# network has to find the few factors that explain most of the image, such as which digit it
# is, its slant and its thickness {cite:p}`hinton2006reducing`.
#
# In this chapter you will:
#
# * build a dense autoencoder with a 2-D code, the encoder and decoder as models of their own;
# * train it, look at its reconstructions, and compute its loss yourself;
# * see where it places the test digits in the code plane, and decode a grid of points
#   covering that plane;
# * find the holes between the clusters, and see what goes wrong there: the problem that the
#   variational autoencoder of the next chapters addresses.

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
from vaecourse.evaluation import predict_in_batches

import keras
from keras import layers

vaecourse.seed_everything(1)
profile = vaecourse.current_profile()
print(f"Keras {keras.__version__}, profile: {profile.name}")

# %% [markdown]
# The digits come from MNIST {cite:p}`lecun1998gradient`: 60,000 training and 10,000 test
# images of 28×28 grey pixels. We scale the pixels to [0, 1] and flatten each image into a
# row of 784 numbers, which is what a dense network takes.
#
# The last 10,000 training images are kept apart as a **validation** set (the
# {term}`validation split <Validation split>`): the course watches training on them and
# makes every choice (epochs, settings, thresholds) on them, so that the test images are
# used only for the numbers the chapters report.

# %%
train, validation, test = vaecourse.load_mnist_splits(shape="flat")
(x_train, y_train), (x_val, y_val), (x_test, y_test) = (
    profile.subset(x, y, quick=q)
    for (x, y), q in [(train, 5000), (validation, 500), (test, 500)]
)
print(
    "training:",
    x_train.shape,
    " validation:",
    x_val.shape,
    " test:",
    x_test.shape,
)
assert x_train.shape[1] == 784
assert 0.0 <= x_train.min() and x_train.max() <= 1.0

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

rebuilt = decoder(encoder(image))
autoencoder = keras.Model(image, rebuilt, name="autoencoder")
vaecourse.summary(autoencoder)

# %% [markdown]
# Later chapters compare the VAE with this autoencoder; they get it from
# `vaecourse.models.build_dense_autoencoder`, which builds this same network (a hidden cell
# of the notebook checks that, layer by layer).

# %% tags=["remove-cell"]
from vaecourse.models import architecture, build_dense_autoencoder

_, package_encoder, package_decoder = build_dense_autoencoder(
    code_dim=code_dim, hidden=256
)
assert architecture(encoder) == architecture(package_encoder)
assert architecture(decoder) == architecture(package_decoder)

# %% [markdown]
# ## Training
#
# Each pixel is a number in [0, 1], so we measure the reconstruction with the **binary
# cross-entropy** between input and output pixels, averaged over pixels and images. The
# autoencoder is trained to reproduce its input, so the input is also the target:
# `fit(x_train, x_train)`.
#
# The course ships trained weights, so by default this chapter loads them; set
# `RETRAIN = True` to train here instead (30 epochs; the shipped run's time per epoch is
# printed below). `vaecourse.train_or_load` makes that choice and says which happened; your
# own weights go to `my_weights/`, next to the course's `weights/`, which stay untouched.

# %%
RETRAIN = False
autoencoder.compile(
    optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy"
)


def train(model):
    return model.fit(
        x_train,
        x_train,
        validation_data=(x_val, x_val),
        epochs=profile.epochs(30),
        batch_size=128,
        verbose=0,
        callbacks=[vaecourse.EpochLogger()],
    )


run = vaecourse.train_or_load(
    autoencoder, "autoencoder_2d", train, retrain=RETRAIN
)
print(run.describe())
print(f"{run.seconds_per_epoch:.1f} s per epoch")

# %% mystnb={"figure": {"caption": "The autoencoder's binary cross-entropy per pixel on the training and the validation images, epoch by epoch.", "name": "fig-01-history"}, "image": {"alt": "Training and validation loss of the autoencoder falling over the epochs"}}
history = run.history
plotting.plot_history(
    history,
    keys=("loss",),
    title="Autoencoder training",
    ylabel="binary cross-entropy per pixel",
)
plt.show()
print(
    f"loss: first epoch {history['loss'][0]:.4f}, "
    f"last epoch {history['loss'][-1]:.4f}"
)

# %% [markdown]
# ## Originals and reconstructions
#
# The top row of {numref}`fig-01-reconstructions` shows test digits the network never
# trained on; the bottom row shows what came back through the 2-number bottleneck.

# %% mystnb={"figure": {"caption": "Ten test digits (top) and their reconstructions from a 2-D code (bottom).", "name": "fig-01-reconstructions"}, "image": {"alt": "Ten test digits above their blurry reconstructions from a 2-D code"}}
reconstructions = predict_in_batches(autoencoder, x_test)
plotting.plot_image_rows(
    [x_test, reconstructions],
    ["original", "reconstructed"],
    title="Test digits through a 2-D bottleneck",
    scale=0.66,
)
plt.show()

# %% [markdown]
# Two numbers cannot hold a whole digit, so the reconstructions are blurred typical shapes
# rather than copies. Still, most keep the identity of the digit.
#
# ```{exercise-start} The reconstruction loss, by hand
# :label: exercise-1-1
# ```
#
# Keras reported a loss while training; write it yourself, to know exactly what it measures.
# `reconstruction_bce(images, reconstructions)` takes two arrays of shape `(n, p)`: `n`
# images of `p` pixels in [0, 1], and what came back through the autoencoder. It returns
# shape `(n,)`: for each image, the binary cross-entropy of each pixel,
# $-[x \log \hat x + (1 - x) \log(1 - \hat x)]$ with $x$ the original pixel and $\hat x$ the
# reconstructed one, **averaged** over the image's `p` pixels. A float32 sigmoid can round a
# pixel to exactly 0 or 1, where a log is $-\infty$: clip $\hat x$ to
# $[10^{-7}, 1 - 10^{-7}]$ first, as Keras does.
#
# The checker tries your function on small hand-made cases. The chapter then averages it
# over the test images, to compare with the loss Keras reports for them, and uses the
# per-image values to find the digits the bottleneck serves best and worst.


# %%
def reconstruction_bce(images, reconstructions):
    """Binary cross-entropy of each image, averaged over its pixels."""
    # Your code here.
    vaecourse.todo()


reconstruction_bce = vaecourse.check(
    "01_autoencoders_1_reconstruction_bce", reconstruction_bce
)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-1-1
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/01_autoencoders_1_reconstruction_bce.py
# :language: python
# ```
#
# ```{solution-end}
# ```

# %%
test_bce = reconstruction_bce(x_test, reconstructions)  # one per image
keras_bce = autoencoder.evaluate(vaecourse.batches(x_test, x_test), verbose=0)
print(
    f"test binary cross-entropy per pixel: {test_bce.mean():.4f} "
    f"(Keras' evaluate: {keras_bce:.4f})"
)
assert abs(test_bce.mean() - keras_bce) < 1e-3 * keras_bce
perfect_bce = reconstruction_bce(x_test, x_test).mean()
print(f"the same loss for a perfect copy: {perfect_bce:.4f}")

# %% [markdown]
# The average and Keras' number agree to within a tenth of a percent (the cell asserts
# it). The second line is the floor: a perfect copy does not score 0, because MNIST has grey
# pixels along the edges of the strokes, and for a grey pixel even the best guess
# $\hat x = x$ costs $-[x \log x + (1 - x) \log(1 - x)] > 0$. Only the gap between the
# two numbers is left for a better reconstruction to win.
#
# The per-image values also tell us which digits the bottleneck serves best and worst
# ({numref}`fig-01-best-worst`).

# %% mystnb={"figure": {"caption": "The ten test digits with the lowest cross-entropy and the ten with the highest, each above its reconstruction.", "name": "fig-01-best-worst"}, "image": {"alt": "The ten best reconstructed test digits, all thin 1s, and the ten worst, bold or unusual shapes redrawn as a different digit"}}
order = np.argsort(test_bce)
best, worst = order[:10], order[::-1][:10]
plotting.plot_image_rows(
    [
        x_test[best],
        reconstructions[best],
        x_test[worst],
        reconstructions[worst],
    ],
    ["best", "reconstructed", "worst", "reconstructed"],
    title="Lowest and highest cross-entropy among the test digits",
    scale=0.66,
)
plt.show()
print("digits of the best: ", y_test[best])
print("digits of the worst:", y_test[worst])
per_digit = [test_bce[y_test == d].mean() for d in range(10)]
print("mean per digit:")
for digits in (range(5), range(5, 10)):
    print("   " + "   ".join(f"{d}: {per_digit[d]:.3f}" for d in digits))

# %% tags=["remove-cell"]
# The prose: the 1s have the lowest mean loss (with the shipped weights).
assert profile.quick or np.argmin(per_digit) == 1

# %% [markdown]
# A low loss partly reflects little ink. A 1 is a thin stroke on a white page, almost all of
# its pixels easy zeros, and the 1s have the lowest mean. At the other end are bold
# or unusual shapes, which the decoder redraws as the typical digit of wherever their code
# landed, sometimes another digit altogether.
#
# The cell below asserts the key results: the loss went down, and the test error is well
# below that of the best constant guess, the mean training image. This time the measure is
# the mean squared error.

# %%
test_mse = np.mean((x_test - reconstructions) ** 2)
baseline_mse = np.mean((x_test - x_train.mean(axis=0)) ** 2)
print(
    f"mean squared error: autoencoder {test_mse:.4f}, "
    f"mean image {baseline_mse:.4f}"
)
print(
    "autoencoder error relative to the mean image: "
    f"{test_mse / baseline_mse:.2f}"
)
assert history["loss"][-1] < history["loss"][0]
assert test_mse < profile.choose(reader=0.7, quick=0.95) * baseline_mse

# %% tags=["remove-cell"]
assert reconstructions.shape == x_test.shape
results.headline("autoencoder_2d_test_mse", test_mse)  # for tools.benchmark

# %% [markdown]
# ## The code plane
#
# The encoder alone maps each test image to a point of the plane, the code space (the
# {term}`latent space`) of this autoencoder. Colouring the points by the true digit, which
# the autoencoder never saw, shows what it learned ({numref}`fig-01-codes`).

# %% mystnb={"figure": {"caption": "The codes the encoder gives the test digits, coloured by the digit each image shows.", "name": "fig-01-codes"}, "image": {"alt": "Scatter of test codes in the plane, coloured by digit, forming elongated clusters of different sizes"}}
codes = predict_in_batches(encoder, x_test)
plotting.plot_latent(
    codes, y_test, title="Autoencoder codes of the test digits"
)
plt.show()
low, high = codes.min(axis=0), codes.max(axis=0)
print(
    f"code range: x from {low[0]:.1f} to {high[0]:.1f}, "
    f"y from {low[1]:.1f} to {high[1]:.1f}"
)

# %% tags=["remove-cell"]
assert codes.shape == (len(x_test), 2) and np.isfinite(codes).all()

# %% [markdown]
# Digits of one class gather, with no label ever given: the bottleneck forced the network to
# organise the plane by what makes digits differ. But look at the shape of the layout. The
# clusters are long streaks of very different sizes, some overlap, and the ranges of the two
# coordinates are whatever training happened to produce. Nothing asked the codes to fill a
# known region.
#
# ## What the decoder draws over the plane
#
# The decoder is a model of its own, so we can feed it any point of the plane, not only the
# codes of real images. To see what it draws over the whole box that holds the test codes,
# we decode a grid of points covering the box and lay the decoded images out as a mosaic,
# each tile at its point's place: the plane seen from above.
#
# ```{exercise-start} A grid over the code box
# :label: exercise-1-2
# ```
#
# Write `grid_over_codes(codes, n)`. It takes codes of shape `(k, 2)` and returns the
# `n × n` points of a grid over the box they span: `n` evenly spaced values from the
# smallest to the largest first coordinate, both ends included, and likewise for the second
# coordinate. Return the points as one array of shape `(n * n, 2)`, in the order of the
# mosaic's tiles, read like a page: row by row **from the top**, so the first `n` points
# share the largest second coordinate, and within a row the first coordinate grows from left
# to right.
#
# The chapter decodes all the points in one batched call and lays the images out in that
# order; a grid in another order would put each tile at the wrong place of the plane.


# %%
def grid_over_codes(codes, n):
    """n × n points over the box of the codes, row by row from the top."""
    # Your code here.
    vaecourse.todo()


grid_over_codes = vaecourse.check(
    "01_autoencoders_2_code_grid", grid_over_codes
)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-1-2
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/01_autoencoders_2_code_grid.py
# :language: python
# ```
#
# ```{solution-end}
# ```
#
# The decoder turns the 225 points of a 15 × 15 grid into 225 images. Image `i * n + j` is
# the tile of row `i` (from the top) and column `j`; `reshape` and `transpose` put each
# tile's 28 pixel rows next to those of the other tiles of its row, so that the mosaic is
# one big image.

# %% mystnb={"figure": {"caption": "What the decoder draws at the 225 points of a 15 \u00d7 15 grid over the box of the test codes, each tile at its point's place.", "name": "fig-01-mosaic"}, "image": {"alt": "15 by 15 mosaic of images decoded over the code box: clean digits over whole corners that no code reaches, blends where clusters meet, broken strokes in one corner"}}
n = 15
grid_points = grid_over_codes(codes, n)
tiles = decoder.predict(grid_points, verbose=0).reshape(n, n, 28, 28)
mosaic = tiles.transpose(0, 2, 1, 3).reshape(n * 28, n * 28)

# the grid's values along each axis, for the tick labels
grid_x, grid_y = grid_points[:n, 0], grid_points[::n, 1][::-1]
plotting.plot_mosaic(
    mosaic,
    grid_x,
    grid_y,
    title="Autoencoder decoder over the code box",
    xlabel="code 1",
    ylabel="code 2",
)
plt.show()

# %% tags=["remove-cell"]
# plotting.decode_grid, which later chapters use, draws the same mosaic.
same = plotting.decode_grid(decoder, grid_x, grid_y)
assert np.allclose(mosaic, same, atol=1e-5)

# %% [markdown]
# Compare the mosaic, {numref}`fig-01-mosaic`, with the scatter plot of the codes,
# {numref}`fig-01-codes`. Over the large clusters the tiles are that
# cluster's digit. But the decoder does not stop where the codes stop: whole regions of the
# box that no test code reaches are filled with the digit of the nearest cluster, where
# clusters meet one digit blends into the next, and some tiles are broken strokes. The
# decoder was only ever trained on the codes of real images; what it draws anywhere else is
# whatever its weights happen to give.
#
# ## Holes in the plane
#
# The clusters leave holes: regions inside the box, between the clusters, where no image has
# its code. Where they lie matters as soon as we draw codes at random, or walk in a straight
# line from the code of one digit to the code of another.
#
# ```{exercise-start} Find the empty regions
# :label: exercise-1-3
# ```
#
# Write `farthest_from_codes(candidates, codes, n)`: given candidate points, an array of
# shape `(m, d)`, and the codes of training images, shape `(k, d)`, return the `n`
# candidates whose distance to their **nearest** code is largest, farthest first, as an
# array of shape `(n, d)`. The chapter will give it points halfway between two training
# codes, and decode the ones that fall deepest into a hole.
#
# Hint: with `cKDTree` from `scipy.spatial`, `cKDTree(codes).query(candidates)` returns
# each candidate's distance to its nearest code (and that code's index).


# %%
def farthest_from_codes(candidates, codes, n):
    """The n candidates farthest from any code, farthest first."""
    # Your code here.
    vaecourse.todo()


farthest_from_codes = vaecourse.check(
    "01_autoencoders_3_empty_regions", farthest_from_codes
)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-1-3
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/01_autoencoders_3_empty_regions.py
# :language: python
# ```
#
# ```{solution-end}
# ```
#
# ## Decoding the holes
#
# The codes of the first 10,000 training images are plenty to map where the plane is
# occupied. We take 5,000 random pairs of them and the point halfway between the two codes
# of each pair: the middle of a straight walk from one digit to another. Your function picks
# the 10 midpoints farthest from every training code; we decode them next to 10 codes of
# real training images.

# %% mystnb={"figure": {"caption": "Images decoded from ten codes of training images (top) and from the ten midpoints farthest from every training code (bottom).", "name": "fig-01-holes"}, "image": {"alt": "Top row: digits decoded from the codes of training images; bottom row: digit-like shapes decoded from midpoints that fall in the holes between the clusters"}}
train_codes = predict_in_batches(encoder, x_train[:10_000])
rng = np.random.default_rng(0)
first, second = rng.integers(len(train_codes), size=(2, 5000))
midpoints = (train_codes[first] + train_codes[second]) / 2

hole_points = farthest_from_codes(midpoints, train_codes, 10)
picked = rng.choice(len(train_codes), 10, replace=False)
on_cluster_points = train_codes[picked]
on_cluster_images = decoder.predict(on_cluster_points, verbose=0)
hole_images = decoder.predict(hole_points, verbose=0)

plotting.plot_image_rows(
    [on_cluster_images, hole_images],
    ["on a cluster", "in a hole"],
    title="Decoding the plane: on the training codes, and between them",
    scale=0.66,
)
plt.show()

# %% [markdown]
# The bottom row of {numref}`fig-01-holes` looks like digits, some of them smudged. A hole
# does not announce itself: the decoder draws *something* there, but no training image
# decided what. One way to see it is to send each decoded image back through the encoder. An
# image that belongs at its point should get a code close to that point again; the cell
# prints how far the round trip lands from where it started.


# %%
def round_trip_distance(points, images):
    """How far the encoder puts each decoded image from its point."""
    back = encoder.predict(images, verbose=0)
    return np.linalg.norm(back - points, axis=1)


on_cluster_trip = round_trip_distance(on_cluster_points, on_cluster_images)
hole_trip = round_trip_distance(hole_points, hole_images)
for start, trip in [
    ("a code on a cluster", on_cluster_trip),
    ("a point in a hole", hole_trip),
]:
    print(f"round trip from {start}:\n   {np.round(trip, 1)}")
print(
    f"medians: {np.median(on_cluster_trip):.1f} on a cluster, "
    f"{np.median(hole_trip):.1f} in a hole"
)

ratio = np.median(hole_trip) / np.median(on_cluster_trip)
print(f"the median round trip from a hole is {ratio:.1f} times longer")
vaecourse.glue("ch1_round_trip_ratio", ratio)
assert ratio > profile.choose(reader=3, quick=1)

# %% [markdown]
# From a code on a cluster the round trip comes back close to where it started; from a point
# in a hole it lands {glue:text}`ch1_round_trip_ratio:.1f` times farther away (the median;
# the cell asserts more than 3): the image the decoder draws in a hole is one that the
# encoder places somewhere else. The hole has no images of its own.
#
# That is the autoencoder's weakness. We cannot use it to **generate**: to draw a new digit
# we would need to pick a code, and we have no rule for picking one that lands on a cluster
# rather than in a hole, in a box whose size and shape training chose. Nor can we walk
# smoothly from one digit to another, since the straight path between two codes may cross a
# hole, as the midpoints above did.
#
# (ch01-explorer)=
# ## Explore the plane yourself
#
# The explorer below holds this chapter's decoder, running in your browser. Drag the ring
# over the code plane (or click the plane and use the arrow keys) and watch the digit it
# decodes: along a cluster, across the border between two clusters, and out into the
# empty corners of the box, where no training code lies. The readout names the digit of
# the nearest test code, which is not always the digit drawn.

# %%
from vaecourse import explorer

explorer.latent_plane(
    decoder,
    codes,
    y_test,
    model="autoencoder_2d",
    limit=None,  # a square around the codes: this plane has no fixed scale
    title="The autoencoder's code plane",
)

# %% [markdown]
# What we want is a code space with a known shape, say a standard normal cloud, that the
# codes of the training images cover, so that a point we draw from it decodes to a plausible
# digit. The **variational autoencoder** is built for that: it makes the encoder output a
# small distribution instead of a point, and pulls each of those distributions towards a
# fixed {term}`prior`. The next chapter derives it, and shows that the pull discourages
# holes without forbidding them: how well the codes cover the prior is something to
# measure, and [chapter 5](05_generation.ipynb) measures it.
#
# ## Summary
#
# * An autoencoder learns to compress with no labels: a narrow code forces it to keep what
#   matters. Its loss, the binary cross-entropy per pixel, has a floor above zero for grey
#   pixels.
# * Its encoder and decoder can be used alone: to embed images, and to decode chosen codes,
#   such as a grid over the plane.
# * The codes of a plain autoencoder cluster by digit but leave holes; what the decoder
#   draws in a hole belongs to no code there, so the model cannot generate. The VAE is
#   designed against this.
