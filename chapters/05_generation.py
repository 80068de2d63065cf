# %% [markdown]
# # Generating digits
#
# A trained VAE is a **generative model**. Its {term}`prior <Prior>` says where
# {term}`latent <Latent space>` points come from, $z \sim \mathcal{N}(0, I)$, and its
# {term}`decoder <Decoder>` turns any latent point into the probabilities of the 784
# pixels. So making a new digit takes two steps: draw $z$ from the prior, decode it. No
# image goes in.
#
# How good the decoded digits are depends on where the decoder was trained. It learnt from
# the codes $z \sim q(z\mid x)$ of the training images, and the {term}`KL <KL divergence>`
# term pulled each of these encodings $q(z\mid x)$ towards the prior. That pull does not
# make the codes, taken together, fill the prior exactly, and this chapter measures how far
# they do. The plain {term}`autoencoder <Autoencoder>` of
# [chapter 1](01_autoencoders.ipynb) had no such pull at all, and decoding a random code
# gave smudges.
#
# In this chapter you will:
#
# * decode samples from the prior of the dense VAE of [chapter 3](03_dense_vae.ipynb), and
#   write the one-sample version yourself ({ref}`exercise-5-1`);
# * compare where the codes of real digits lie, the
#   **{term}`aggregate posterior <Aggregate posterior>`**, with where the prior puts its
#   mass;
# * write the function that decodes any chosen latent points in one batched call
#   ({ref}`exercise-5-2`), and use it on a 15×15 grid laid on the quantiles of the prior,
#   the classic picture of the learned **manifold** of digits;
# * take a VAE with a 4-D latent trained on the digits 1 and 8 only, count the latent
#   dimensions it uses, build the latent points that move one coordinate at a time
#   ({ref}`exercise-5-3`), and *measure* what each coordinate controls;
# * change the weight $\beta$ of the KL term and see what it does to samples and to the
#   latent layout.

# %% [markdown]
# ## Setting up
#
# The models come from the course's **zoo** (`vaecourse.zoo`): each has one training recipe,
# and `zoo.pretrained(name)` loads the weights shipped in `weights/` (or, when they are
# missing, trains the model with its recipe and saves it in `my_weights/`, never over the
# shipped weights). This chapter trains nothing you have not seen before. Every number
# below comes from the **test** set, unless it is marked as a validation figure.

# %%
import inspect

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy.stats import chi2, norm

import vaecourse
from vaecourse import conditional, evaluation, explorer, models, plotting, zoo
from vaecourse.tables import styled

import keras

vaecourse.seed_everything(5)
profile = vaecourse.current_profile()
print(f"Keras {keras.__version__}, profile: {profile.name}")

# %% [markdown]
# We use the dense VAE of [chapter 3](03_dense_vae.ipynb): 784 pixels, a hidden layer of
# 512 units, a 2-D latent.

# %%
vae, run = zoo.pretrained("dense_vae_2d")
print(run.describe())
decoder = vae.decoder
latent_dim = vae.latent_dim
assert latent_dim == 2

_, (x_test, y_test) = vaecourse.load_mnist(shape="flat", train=False)
x_test, y_test = profile.subset(x_test, y_test, quick=1000)

# %% [markdown]
# ## Sampling from the prior
#
# Forty latent points drawn from $\mathcal{N}(0, I)$, decoded in one batched call. Each
# image shows the decoder's pixel *probabilities*, the mean of the Bernoulli distribution
# over pixels, rather than a random draw of black and white pixels: that is the usual way
# to show a VAE's samples, and it is one reason why they look smooth
# ({numref}`fig-05-prior-samples`).

# %% mystnb={"figure": {"caption": "Forty digits decoded from forty draws of the prior of the dense VAE with a 2-D latent.", "name": "fig-05-prior-samples"}, "image": {"alt": "Four rows of ten digits decoded from random points of the prior of the 2-D dense VAE"}}
rng = np.random.default_rng(0)
z_prior = rng.standard_normal((40, latent_dim)).astype("float32")
samples = decoder.predict(z_prior, verbose=0)
assert 0.0 <= samples.min() and samples.max() <= 1.0  # probabilities

plotting.plot_image_rows(
    np.split(samples, 4),
    ["", "", "", ""],
    title="Digits decoded from 40 draws of the prior",
    scale=0.66,
)
plt.show()

# %% tags=["remove-cell"]
assert samples.shape == (40, 784)

# %% [markdown]
# Look for readable digits and for blends of two classes in the rows of
# {numref}`fig-05-prior-samples`. A 2-D latent is a very narrow bottleneck:
# [chapter 3](03_dense_vae.ipynb) measured how much better a 20-D latent reconstructs the
# test digits.
#
# ### Where the codes of real digits lie
#
# The decoder was trained on codes $z \sim q(z\mid x)$, one Gaussian per training image.
# Taken together over the data, these codes follow the **aggregate posterior**
#
# $$
# q(z) = \mathbb{E}_{x}\big[q(z\mid x)\big],
# $$ (eq-05-aggregate-posterior)
#
# the average of all the encodings' Gaussians ([chapter 2](02_vae_theory.ipynb)). Sampling
# from the prior works where $q(z)$ and $p(z)$ agree: there, a prior draw is a code like
# those the decoder learnt from. The cell below draws one code $z \sim q(z\mid x)$ for each
# test image, a sample of $q(z)$, and compares it with the prior. One simple comparison is
# the share of points farther than 2 from the origin. Under the prior, $\lVert z\rVert^2$
# is a sum of two squared standard normals: it follows a chi-square distribution with 2
# degrees of freedom, and $P(\lVert z\rVert > 2) = P(\chi^2_2 > 4) = e^{-2}$.

# %%
test_means, test_log_vars = vae.encoder.predict(x_test, verbose=0)
sigma = np.exp(0.5 * test_log_vars)
# One draw z ~ q(z|x) per test image: a sample of the aggregate posterior.
eps = np.random.default_rng(1).standard_normal(test_means.shape)
codes = test_means + sigma * eps
print(
    "codes of the test images: mean",
    np.round(codes.mean(axis=0), 2),
    " std",
    np.round(codes.std(axis=0), 2),
)
print("average posterior std σ:", np.round(sigma.mean(axis=0), 3))

beyond_codes = float(np.mean(np.linalg.norm(codes, axis=1) > 2))
beyond_prior = float(chi2.sf(2**2, df=latent_dim))  # e^-2 in 2-D
print(
    f"beyond radius 2: {beyond_codes:.1%} of the codes, "
    f"{beyond_prior:.1%} of the prior"
)

vaecourse.glue("ch5_codes_std", float(codes.std(axis=0).mean()))
vaecourse.glue("ch5_sigma", float(sigma.mean()))
vaecourse.glue("ch5_beyond_codes", beyond_codes)
vaecourse.glue("ch5_beyond_prior", beyond_prior)
vaecourse.glue("ch5_within_prior", 1 - beyond_prior)
if not profile.quick:  # what the next paragraphs say
    assert np.all(np.abs(codes.mean(axis=0)) < 0.5)
    assert sigma.mean() < 0.25
    assert beyond_codes > beyond_prior

# %% tags=["remove-cell"]
assert np.isfinite(test_means).all()
assert np.isclose(beyond_prior, np.exp(-2.0))

# %% [markdown]
# The codes are centred near the origin, with a standard deviation of
# {glue:text}`ch5_codes_std:.2f` per axis on average, against 1 for the prior. Each
# individual posterior is much narrower than the prior: its σ averages
# {glue:text}`ch5_sigma:.3f`, so every image claims a small patch of the plane. But the
# patches do not fill the prior exactly: {glue:text}`ch5_beyond_codes:.1%` of the codes lie
# beyond radius 2, where the prior puts only {glue:text}`ch5_beyond_prior:.1%` of its mass
# (the cell asserts that the codes' share is the larger).
#
# Why does training leave such a gap? The KL term pulls each $q(z\mid x)$ towards the prior,
# not their aggregate $q(z)$ of {eq}`eq-05-aggregate-posterior`. Averaged over the data, it
# splits into two parts ([chapter 2](02_vae_theory.ipynb), {cite:p}`hoffman2016elbo`):
#
# $$
# \begin{aligned}
# &\mathbb{E}_x\big[\KL\big(q(z\mid x)\,\|\,p(z)\big)\big] \\
# &\qquad = I(x; z) + \KL\big(q(z)\,\|\,p(z)\big),
# \end{aligned}
# $$ (eq-kl-decomposition)
#
# the information the codes carry about their images, which reconstruction needs, plus the
# mismatch between the aggregate posterior and the prior. The objective pays for the
# mismatch like for any other cost, trading it against reconstruction; nothing forces it to
# zero, and in trained VAEs it is not zero {cite:p}`hoffman2016elbo,rosca2018distribution`.
#
# For sampling, this means two things. Prior draws fall beyond radius 2 less often than the
# codes of real digits do, so the digits encoded out there are generated less often than
# they occur in the data. And wherever the prior has mass but $q(z)$ is thin, for instance
# between the clusters of two classes, a prior draw is a code the decoder rarely saw in
# training, and nothing guarantees that it decodes to a plausible digit
# {cite:p}`rosca2018distribution`.

# %% [markdown]
# ```{exercise-start} One random latent, one digit
# :label: exercise-5-1
# ```
#
# Write `generate_single_sample(decoder, seed)`: draw **one** latent vector $z$ from the
# prior with `np.random.default_rng(seed)`, decode it, and return `(z, image)`, with `z` of
# shape `(latent_dim,)` and `image` the decoder's pixel probabilities, shape `(28, 28)`.
# Read the latent size from the decoder (`decoder.inputs[0].shape[-1]`) so that the function
# works for any VAE, and remember that Keras models take a *batch*, even of one point.
#
# The checker tries your function on a small decoder of a 128-D latent: the shapes, that
# the image is the decoding of the `z` you return, that a seed fixes the draw, and that the
# draws look standard normal. The cell after the solution then draws one digit with seed 7
# ({numref}`fig-05-single-sample`).


# %%
def generate_single_sample(decoder, seed):
    """Draw z ~ N(0, I) and decode it: (z, a 28×28 image)."""
    # Your code here.
    vaecourse.todo()


generate_single_sample = vaecourse.check(
    "05_generation_1_single_sample", generate_single_sample
)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-5-1
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/05_generation_1_single_sample.py
# :language: python
# ```
#
# ```{solution-end}
# ```

# %% mystnb={"figure": {"caption": "One digit decoded from one draw of the prior (seed 7), by the function of Exercise 5.1.", "name": "fig-05-single-sample"}, "image": {"alt": "A single digit decoded from one random point of the 2-D latent"}}
z, image = generate_single_sample(decoder, seed=7)
fig, ax = plt.subplots(figsize=(2.6, 2.8))
ax.imshow(image, cmap="gray_r", vmin=0, vmax=1)
ax.set_title(f"z = ({z[0]:.2f}, {z[1]:.2f})", fontsize=10)
ax.set_xticks([])
ax.set_yticks([])
plt.show()

# %% [markdown]
# ## The manifold of digits
#
# With a 2-D latent we can look at *all* of it at once: lay a grid over the plane and decode
# every point. Where to put the grid? The prior is a standard normal, so a grid of evenly
# spaced values would waste most of its tiles in the tails. Instead we space the grid by
# **probability**: each axis takes the normal quantiles of 0.05, 0.11, …, 0.95
# (`scipy.stats.norm.ppf`), so that every column (and row) covers about the same share of
# the prior's mass. The 225 points should be decoded in **one** batched call, not one call
# per tile: that is the next exercise.
#
# ```{exercise-start} Decode chosen latent points
# :label: exercise-5-2
# ```
#
# Write `decode_latents(decoder, points)`. `points` holds $n$ latent points, one per row,
# shape `(n, latent_dim)`: a NumPy array or a plain list of lists (a single chosen point is
# a list of one point, `[[z1, z2]]`). Return the $n$ decoded images, the decoder's pixel
# probabilities, as one array of shape `(n, 28, 28)`, image `i` decoded from `points[i]`.
# Give the decoder all the points in **one** call, as one batch (the checker counts the
# calls). The function must work for
# any decoder of 28×28 images: the dense decoder returns shape `(n, 784)`, the convolutional
# decoder used later in this chapter `(n, 28, 28, 1)`.
#
# The chapter then decodes the quantile grid with your function, and later the traversals
# of {ref}`exercise-5-3` and the samples of three models trained with different weights of
# the KL term.


# %%
def decode_latents(decoder, points):
    """Decode (n, latent_dim) points in one call → (n, 28, 28)."""
    # Your code here.
    vaecourse.todo()


decode_latents = vaecourse.check(
    "05_generation_2_decode_latents", decode_latents
)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-5-2
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/05_generation_2_decode_latents.py
# :language: python
# ```
#
# ```{solution-end}
# ```
#
# The grid's 225 points go through `decode_latents` at once; the tiles are then laid out
# with the largest $z_2$ in the top row, like the $y$ axis of a plot
# ({numref}`fig-05-manifold`).

# %% mystnb={"figure": {"caption": "The manifold of digits: the dense VAE's decoder over a 15\u00d715 grid of the prior's quantiles, 0.05 to 0.95 on each axis.", "name": "fig-05-manifold"}, "image": {"alt": "15 by 15 mosaic of digits decoded over the normal quantiles of the 2-D latent, changing smoothly from one class to the next"}}
n = 15
grid = norm.ppf(np.linspace(0.05, 0.95, n))
print(f"grid from {grid[0]:.2f} to {grid[-1]:.2f}")
z1, z2 = np.meshgrid(grid, grid[::-1])  # the top row has the largest z2
grid_points = np.column_stack([z1.ravel(), z2.ravel()])
tiles = decode_latents(decoder, grid_points)
# Tile (row r, column c) is image r·n + c: put the 28 pixel rows of each
# tile next to those of its neighbours before stacking the rows of tiles.
mosaic = tiles.reshape(n, n, 28, 28).swapaxes(1, 2).reshape(n * 28, n * 28)

plotting.plot_mosaic(
    mosaic, grid, grid, title="Dense VAE over the quantiles of the prior"
)
plt.show()

# %% tags=["remove-cell"]
assert tiles.shape == (n * n, 28, 28) and mosaic.shape == (n * 28, n * 28)
assert np.allclose(
    mosaic, plotting.decode_grid(decoder, grid, grid), atol=1e-5
)

# %% [markdown]
# Was the decoder trained near every tile? The cell below measures, for each grid point,
# the distance to the nearest encoding (posterior mean) of a test image, and, for each
# digit, which other class has the nearest centre of encodings.

# %%
offsets = grid_points[:, None, :] - test_means[None, :, :]
gaps = np.sqrt((offsets**2).sum(axis=-1)).min(axis=1)
print("distance from a grid point to the nearest test encoding:")
print(f"  median {np.median(gaps):.3f}, largest {gaps.max():.3f}")
print(f"  (average posterior σ: {sigma.mean():.3f})")

centres = np.array([test_means[y_test == d].mean(0) for d in range(10)])
between = np.linalg.norm(centres[:, None] - centres[None], axis=-1)
np.fill_diagonal(between, np.inf)
nearest = between.argmin(axis=1)
print("nearest class centre, for each digit:")
print("  " + ", ".join(f"{a} → {b}" for a, b in enumerate(nearest)))
mutual = [(a, b) for a, b in enumerate(nearest) if nearest[b] == a]
pairs = [f"{a} and {b}" for a, b in mutual if a < b]  # each pair once
print("pairs of mutually nearest classes:", "; ".join(pairs))

vaecourse.glue("ch5_grid_gap_median", float(np.median(gaps)))
vaecourse.glue("ch5_grid_gap_max", float(gaps.max()))
vaecourse.glue("ch5_mutual_pairs", "; ".join(pairs))
if not profile.quick:  # "less than five posterior σ"
    assert gaps.max() < 5 * sigma.mean()

# %% [markdown]
# The grid covers only the central 90 % of each axis of the prior, and there every grid
# point lies close to the encodings of real test digits: at most
# {glue:text}`ch5_grid_gap_max:.3f` from the nearest one (median
# {glue:text}`ch5_grid_gap_median:.3f`), less than five average posterior σ (asserted). So
# the decoder was trained on codes near every tile of {numref}`fig-05-manifold`, which the
# autoencoder of [chapter 1](01_autoencoders.ipynb) could not claim for its grid. Farther
# out, beyond radius 2, the prior and the codes part
# ways, as measured above.
#
# Neighbouring classes in the mosaic follow the layout of the encodings, the scatter of
# [chapter 3](03_dense_vae.ipynb). The pairs of classes whose centres are each other's
# nearest are {glue:text}`ch5_mutual_pairs`: compare them with the digits you find easy to
# confuse by eye.
#
# ## What does each latent dimension control?
#
# With two dimensions and ten digit classes, it is hard to tell what a coordinate does to
# the class apart from what it does to the style. To see a latent coordinate take on *one*
# factor of variation, we train a convolutional VAE with a **4-D** latent on the digits
# **1 and 8** only. Telling two classes apart is a single binary choice, which leaves the
# other dimensions free to encode how a digit is written.
#
# The model is `vaecourse.models.build_conv_vae` with its default layers and
# `latent_dim=4`; its recipe in the zoo trains it on the 1s and 8s of the training split.
# These defaults are *leaner* than the network of [chapter 4](04_conv_vae.ipynb)
# (`zoo.CONV_VAE_KWARGS`): the cell prints the settings that differ and the parameter
# counts.

# %%
name = "conv_vae_4d_1and8"
recipe18 = zoo.RECIPES[name]
print(f"recipe {name!r}:")
for key, value in vars(recipe18).items():
    print(f"  {key} = {value!r}")
vae18, run18 = zoo.pretrained(name)
print(run18.describe())

_, (x18_test, y18_test) = vaecourse.load_mnist(
    shape="image", digits=(1, 8), train=False
)
x18_test, y18_test = profile.subset(x18_test, y18_test, quick=600)
print(
    "test images of 1 and 8:",
    x18_test.shape,
    " counts:",
    np.bincount(y18_test)[[1, 8]],
)

# %%
signature = inspect.signature(models.build_conv_vae).parameters.values()
defaults = {
    p.name: p.default
    for p in signature
    if p.default is not inspect.Parameter.empty
}
here = {**defaults, **recipe18.kwargs}
chapter4 = {**defaults, **zoo.CONV_VAE_KWARGS}
for key in defaults:
    if here[key] != chapter4[key]:
        print(f"{key}: {here[key]} here, {chapter4[key]} in chapter 4")

vae_ch4 = models.build_conv_vae(**zoo.CONV_VAE_KWARGS)
params_here, params_ch4 = (
    m.encoder.count_params() + m.decoder.count_params()
    for m in (vae18, vae_ch4)
)
print(f"parameters: {params_here:,} here, {params_ch4:,} in chapter 4")


def widths(layers):
    """The Dense widths as a tuple: None → (), 16 → (16,)."""
    if layers is None:
        return ()
    return (layers,) if isinstance(layers, int) else tuple(layers)


dense_here, dense_ch4 = widths(here["dense"]), widths(chapter4["dense"])
hidden_here = widths(here["decoder_hidden"])
hidden_ch4 = widths(chapter4["decoder_hidden"])
vaecourse.glue("ch5_params_here", params_here)
vaecourse.glue("ch5_params_ch4", params_ch4)
vaecourse.glue("ch5_dense_here", " and ".join(map(str, dense_here)))
vaecourse.glue("ch5_dense_ch4", " and ".join(map(str, dense_ch4)))
vaecourse.glue("ch5_hidden_ch4", " and ".join(map(str, hidden_ch4)))
# What the next paragraph says.
for key in ("encoder_filters", "decoder_filters", "upsample_output"):
    assert here[key] == chapter4[key], key
assert len(dense_here) == 1 and max(dense_here) < min(dense_ch4)
assert hidden_here == () and hidden_ch4
assert params_here < params_ch4

# %% tags=["remove-cell"]
assert set(np.unique(y18_test)) == {1, 8}
assert here["latent_dim"] == 4
del vae_ch4

# %% [markdown]
# Both networks have the same convolutions (32 and 64 filters in the encoder, 64 and 32 in
# the decoder). They differ in their Dense layers: here the encoder has one Dense layer, of
# {glue:text}`ch5_dense_here` units, where that of [chapter 4](04_conv_vae.ipynb) has
# Dense layers of {glue:text}`ch5_dense_ch4` units, and the decoder goes from $z$ straight
# to its 7×7 feature maps, where the other decoder first passes through Dense layers of
# {glue:text}`ch5_hidden_ch4` units. In all, this model has
# {glue:text}`ch5_params_here:,d` parameters, the other
# {glue:text}`ch5_params_ch4:,d` (the cell asserts what this paragraph says).
#
# ### How much each dimension is used
#
# First, a measurement that needs no guessing. A dimension that the encoder ignores has
# $q(z_j\mid x)\approx\mathcal{N}(0,1)$ whatever the image: its posterior mean stays put
# from image to image, and the decoder cannot rely on it. Such a dimension is called
# **inactive** (or collapsed). The standard test is that of {cite:t}`burda2016importance`:
# dimension $j$ is **{term}`active <Active unit>`** when its *activity*, the variance over
# the images of its posterior mean,
#
# $$
# A_j = \operatorname{Var}_x\big(\mathbb{E}_{q(z\mid x)}[z_j]\big),
# $$ (eq-activity)
#
# exceeds 0.01. `evaluation.active_units` applies it. The test says *whether* a dimension is
# used, not *how much*. For that, the cell also prints each dimension's KL term,
# $\tfrac12(\sigma_j^2+\mu_j^2-1-\log\sigma_j^2)$, averaged over the test images: by the
# decomposition {eq}`eq-kl-decomposition`, applied to the coordinate $z_j$ alone, this
# average is an upper bound on the information (in {term}`nats <Nats>`) that $z_j$ carries
# about the image.

# %%
mu18, log_var18 = vae18.encoder.predict(x18_test, verbose=0)
activity = mu18.var(axis=0)  # the variance over images of E_q[z_j | x]
active = evaluation.active_units(mu18, threshold=0.01)
kl_per_dim = 0.5 * (np.exp(log_var18) + mu18**2 - 1.0 - log_var18)
kl_dims = kl_per_dim.mean(axis=0)
usage = pd.DataFrame(
    {
        "activity A_j": activity,
        "active (A_j > 0.01)": active,
        "mean σ_j": np.exp(0.5 * log_var18).mean(axis=0),
        "average KL (nats)": kl_dims,
    },
    index=[f"dim {j}" for j in range(4)],
)
print("active dimensions:", np.flatnonzero(active).tolist())

j_min, j_max = int(np.argmin(kl_dims)), int(np.argmax(kl_dims))
vaecourse.glue("ch5_n_active", int(active.sum()))
vaecourse.glue("ch5_kl_min_dim", j_min)
vaecourse.glue("ch5_kl_min", float(kl_dims[j_min]))
vaecourse.glue("ch5_kl_min_activity", float(activity[j_min]))
vaecourse.glue("ch5_kl_min_sigma", float(usage["mean σ_j"].iloc[j_min]))
vaecourse.glue("ch5_kl_max_dim", j_max)
vaecourse.glue("ch5_kl_max", float(kl_dims[j_max]))
if not profile.quick:  # two epochs (quick profile) are too few
    assert active.sum() >= 2  # the grid below varies two of them

styled(
    usage,
    {
        "activity A_j": "{:.3f}",
        "active (A_j > 0.01)": lambda a: "yes" if a else "no",
        "mean σ_j": "{:.3f}",
        "average KL (nats)": "{:.2f}",
    },
)

# %% tags=["remove-cell"]
assert (kl_per_dim >= -1e-6).all()
assert np.array_equal(active, activity > 0.01)

# %% [markdown]
# By this test, {glue:text}`ch5_n_active:d` of the 4 dimensions are active. How much they
# carry differs: the average KL ranges from {glue:text}`ch5_kl_min:.2f` nats (dimension
# {glue:text}`ch5_kl_min_dim:d`, whose activity is {glue:text}`ch5_kl_min_activity:.3f` and
# mean σ {glue:text}`ch5_kl_min_sigma:.2f`) to {glue:text}`ch5_kl_max:.2f` nats (dimension
# {glue:text}`ch5_kl_max_dim:d`). A dimension can pass the activity test and still carry
# little: when its σ stays close to 1, the codes of different images along it overlap
# almost entirely, even if their means move.
#
# ### Measured properties of the digits
#
# To name what a dimension encodes, we compare its value with properties we can compute from
# the pixels of each test image:
#
# * **class**: 1 or 8 (from the labels, which the VAE never saw);
# * **ink**: the sum of the pixel intensities, which grows with stroke thickness (and with
#   the size of the digit);
# * **slant**: how far the strokes lean, the intensity-weighted slope of the column position
#   against the row position (positive: the top leans to the right);
# * **width**: the intensity-weighted spread of the column positions.
#
# The class separates 1s from 8s, but ink and width do too: on average an 8 has more ink
# and is wider than a 1 (the cell prints the averages and asserts it). So ink, slant and
# width are compared *within* each class: the table gives the correlation among the 1s and
# among the 8s separately.
#
# The course measures the three with `vaecourse.conditional.digit_properties`
# ([chapter 9](09_conditional_vae.ipynb) measures its models with it too). Its code:

# %%
print(inspect.getsource(conditional.digit_properties))

# %%
props = conditional.digit_properties(x18_test)
is_eight = (y18_test == 8).astype(float)
for prop in ("ink", "width"):
    ones, eights = (props[prop][y18_test == d].mean() for d in (1, 8))
    print(f"average {prop}: {ones:.2f} for the 1s, {eights:.2f} for the 8s")
    assert eights > ones  # an 8 has more ink and is wider than a 1


def corr(a, b):
    return float(np.corrcoef(a, b)[0, 1])


table = {}
for j in range(4):
    row = {"average KL": kl_dims[j], "class": corr(mu18[:, j], is_eight)}
    for prop in ("ink", "slant", "width"):
        for digit in (1, 8):
            keep = y18_test == digit
            r = corr(mu18[keep, j], props[prop][keep])
            row[f"{prop} ({digit}s)"] = r
    table[f"dim {j}"] = row
table = pd.DataFrame(table).T
styled(table, "{:.2f}")


# %% [markdown]
# Each row is a latent dimension. "average KL" repeats its average KL term in nats, from the
# table above; every other entry is a correlation coefficient between the dimension's
# posterior mean and one property: the class (over all test images, positive when 8s have
# larger values), or ink, slant and width among the 1s only and among the 8s only. The sign
# only says in which direction the dimension runs. The cell below names each active
# dimension by its strongest correlation: the class if that is strongest, otherwise the
# property whose correlation, averaged over the two classes, is largest. An inactive
# dimension is named as such. A correlation can be strong for a dimension that carries
# little (a small average KL): its means follow the property, but its posterior is nearly
# as wide as the prior. So these names are only hypotheses, tested on the decoder below.


# %%
def name_dimension(row, is_active):
    if not is_active:
        return "inactive"
    scores = {"class": abs(row["class"])}
    for prop in ("ink", "slant", "width"):
        both = abs(row[f"{prop} (1s)"]) + abs(row[f"{prop} (8s)"])
        scores[prop] = both / 2
    best = max(scores, key=scores.get)
    return f"{best} (|r| = {scores[best]:.2f})"


names = [name_dimension(table.iloc[j], active[j]) for j in range(4)]
for j, label in enumerate(names):
    print(f"dimension {j}: {label}")

# %% [markdown]
# A correlation is a statement about the *encoder*: which images land where. To see what the
# *decoder* does with a dimension, we move along it.
#
# ### Traversing one dimension
#
# Start from the encoding of one test 8, the **anchor**, then vary a single coordinate from
# −2.5 to 2.5 while the other three stay at the anchor's values: a **traversal** of that
# coordinate. One row per dimension, all 4 × 11 points decoded in one call.
#
# ```{exercise-start} The points of a traversal
# :label: exercise-5-3
# ```
#
# Write `traversal_points(anchor, dim, steps)`. `anchor` is one latent point, shape
# `(latent_dim,)` (an array or a list); `dim` is the coordinate to vary, counted from 0;
# `steps` holds the $k$ values it takes. Return an array of shape `(k, latent_dim)`: row `i`
# is the anchor with coordinate `dim` *set* to `steps[i]` (not moved by it), every other
# coordinate at the anchor's value. Leave `anchor` itself unchanged: the next row, and the
# next dimension, start from it again.
#
# The cell after the solution builds one row of 11 points for each of the 4 dimensions and
# decodes the 44 points with your `decode_latents` of {ref}`exercise-5-2`
# ({numref}`fig-05-traversals`).


# %%
def traversal_points(anchor, dim, steps):
    """The anchor, with coordinate dim set to each step in turn."""
    # Your code here.
    vaecourse.todo()


traversal_points = vaecourse.check(
    "05_generation_3_traversal_points", traversal_points
)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-5-3
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/05_generation_3_traversal_points.py
# :language: python
# ```
#
# ```{solution-end}
# ```

# %% mystnb={"figure": {"caption": "Traversals of the 1-and-8 VAE: each row decodes the encoding of one test 8 with one latent coordinate set from \u22122.5 to 2.5, named after its strongest correlation.", "name": "fig-05-traversals"}, "image": {"alt": "Four rows of decoded digits, one per latent dimension, each varying one coordinate from -2.5 to 2.5 with the others fixed"}}
steps = np.linspace(-2.5, 2.5, 11).astype("float32")
anchor = mu18[np.flatnonzero(y18_test == 8)[0]]
rows = [traversal_points(anchor, j, steps) for j in range(4)]
traversal = decode_latents(vae18.decoder, np.concatenate(rows))
traversal = traversal.reshape(4, len(steps), 28, 28)  # dimension, step

plotting.plot_image_rows(
    list(traversal),
    [f"dim {j}: {names[j].split(' (')[0]}" for j in range(4)],
    n=len(steps),
    title="One coordinate at a time, from −2.5 (left) to 2.5 (right)",
    scale=0.6,
)
plt.show()
print("anchor (encoding of a test 8):", np.round(anchor, 2))

# %% tags=["remove-cell"]
assert np.isfinite(traversal).all()

# %% [markdown]
# Now the same properties measured on the *decoded* images of each row of
# {numref}`fig-05-traversals`. For each dimension,
# "Δ ink", "Δ slant" and "Δ width" give how much that property of the decoded image changes
# from the left end of the row to the right end, in units of the property's standard
# deviation over the real test digits. "Δ class" is the change of a class score that is 0
# at the average 1 and 1 at the average 8 (the position of the image on the line between
# the two average images). "r(ink, z)" is the correlation between the coordinate and the
# decoded ink along the row: near ±1 when the ink changes steadily in one direction.

# %%
mean_one = x18_test[y18_test == 1].reshape(-1, 784).mean(axis=0)
mean_eight = x18_test[y18_test == 8].reshape(-1, 784).mean(axis=0)


def eightness(images):
    """Position on the line from the mean 1 (at 0) to the mean 8 (at 1)."""
    direction = mean_eight - mean_one
    offset = images.reshape(len(images), -1) - mean_one
    return offset @ direction / (direction @ direction)


effects = {}
for j in range(4):
    decoded = traversal[j]
    p = conditional.digit_properties(decoded)
    row = {}
    for prop in ("ink", "slant", "width"):
        change = p[prop][-1] - p[prop][0]
        row[f"Δ {prop}"] = change / props[prop].std()
    e = eightness(decoded)
    row["Δ class"] = e[-1] - e[0]
    row["r(ink, z)"] = corr(steps, p["ink"])
    effects[f"dim {j}"] = row
effects = pd.DataFrame(effects).T
styled(effects, "{:+.2f}")

# %% [markdown]
# Read the two tables together. A dimension is well named when the encoder side (which
# images land where) and the decoder side (what moving along it draws) agree: the property
# it is named after changes more along its row than along any other row. The cell below
# checks this for every active dimension, most KL first, and prints each dimension's largest
# change of a pixel along its row.

# %%
pixel_change = np.abs(traversal[:, -1] - traversal[:, 0]).max(axis=(1, 2))
by_kl = np.argsort(kl_dims)[::-1]  # the dimension with the most KL first
confirmed = np.zeros(4, bool)
for j in by_kl:
    prop = names[j].split()[0]
    print(
        f"dim {j}: average KL {kl_dims[j]:5.2f} nats, largest pixel "
        f"change {pixel_change[j]:.2f}, named {prop}"
    )
    if active[j]:
        changes = np.abs(effects[f"Δ {prop}"].to_numpy())
        confirmed[j] = int(np.argmax(changes)) == j
        print(
            f"       the row that changes the decoded {prop} most: "
            f"dim {int(np.argmax(changes))}"
        )
top_two = by_kl[:2]
print("names confirmed by the decoder:", np.flatnonzero(confirmed).tolist())

vaecourse.glue("ch5_n_confirmed", int(confirmed.sum()))
if not profile.quick:  # what the next paragraph says
    assert confirmed[top_two].all()
    others = np.delete(pixel_change, top_two)
    assert pixel_change[top_two].min() > others.max()

# %% [markdown]
# The decoder confirms {glue:text}`ch5_n_confirmed:d` of the
# {glue:text}`ch5_n_active:d` names, among them those of the two dimensions that carry the
# most KL, and these two dimensions also change the decoded image the most (largest pixel
# change); the cell asserts both. Where the decoder does not confirm a name, another
# dimension changes the named property more: the encoder's means follow the property, but
# the decoder draws it along another axis.
#
# ### Two dimensions at once
#
# A grid over two dimensions shows how factors combine. We take the two dimensions with the
# largest average KL, keep the others at the anchor's values, and decode a 9×9 grid over
# −2…2 ({numref}`fig-05-two-dims`). `plotting.decode_grid` does what the quantile-grid cell
# above did, with the two varied dimensions and the fixed coordinates as arguments.

# %% mystnb={"figure": {"caption": "The 1-and-8 VAE's decoder over a 9\u00d79 grid of its two dimensions with the most KL, the other two at the values of the anchor 8.", "name": "fig-05-two-dims"}, "image": {"alt": "9 by 9 grid of digits decoded while varying the two latent dimensions of the 1-and-8 VAE with the largest KL"}}
dim_a, dim_b = (int(d) for d in top_two)
values = np.linspace(-2, 2, 9)
mosaic18 = plotting.decode_grid(
    vae18.decoder, values, values, fixed=anchor, dims=(dim_a, dim_b)
)
plotting.plot_mosaic(
    mosaic18,
    values,
    values,
    title="1-and-8 VAE: two latent dimensions at once",
    xlabel=f"dimension {dim_a}: {names[dim_a]}",
    ylabel=f"dimension {dim_b}: {names[dim_b]}",
)
plt.show()

# %% tags=["remove-cell"]
assert mosaic18.shape == (9 * 28, 9 * 28)

# %% [markdown]
# Check the grid of {numref}`fig-05-two-dims` against the names in the axis labels: along
# each axis, look for the named property, and for how the two changes combine. When one
# coordinate changes one property, the dimension is *interpretable*.
#
# Why would a factor line up with a coordinate axis at all? Not because of the prior:
# $\mathcal{N}(0, I)$ looks the same in every rotated frame, so rotating all the codes (and
# undoing the rotation in the decoder's first layer) leaves the prior's density, and the
# data's likelihood, unchanged. What is *not* rotation invariant is the encoder's posterior:
# a Gaussian with a **diagonal** covariance, one σ per coordinate. A rotated diagonal
# Gaussian is in general no longer diagonal, so the encoder can only express posteriors
# whose axes are the coordinate axes, and the ELBO does depend on the frame.
# {cite:t}`rolinek2019variational` show that this pushes a VAE's decoder towards locally
# orthogonal, PCA-like directions aligned with the coordinates, by accident of the diagonal
# approximation rather than by design. It is a tendency, not a guarantee: a factor can still
# be spread over two coordinates, so that both correlate with it and the traversals mix
# factors. {cite:t}`locatello2019challenging` prove that without inductive biases on the
# model and the data, disentangled representations cannot be identified from unlabelled
# data, and find in a large study that random seeds and hyperparameters matter more for
# disentanglement than the choice among VAE variants. The names above are measured for this
# trained model and can change when it is retrained.
#
# (ch05-explorer)=
# ### All four dimensions, live
#
# The explorer below holds the 1-and-8 VAE's convolutional decoder, running in your
# browser: one slider per latent dimension, from −3 to 3, and the digit decoded at that
# point. Start from the origin, move one slider at a time and compare with the properties
# measured above; then combine two.

# %%
explorer.latent_sliders(
    vae18.decoder, model=name, title="The 1-and-8 VAE's four dimensions"
)

# %% [markdown]
# How much each dimension carries depends on the weight of the KL term, the subject of the
# next section: every nat of KL a dimension carries costs the loss $\beta$ nats.
#
# ## The weight of the KL term
#
# The VAE minimises, per image, the reconstruction term plus the KL term. Weighting the KL
# term by a factor $\beta$,
#
# $$
# \begin{aligned}
# J_\beta(x) = {} & -\mathbb{E}_{q(z\mid x)}[\log p(x\mid z)] \\
# & + \beta\,\KL\big(q(z\mid x)\,\|\,p(z)\big),
# \end{aligned}
# $$ (eq-beta-vae)
#
# gives the **{term}`β-VAE`** of {cite:t}`higgins2017betavae`. With $\beta = 1$ this is the
# negative {term}`ELBO`, $J_1 = -\mathcal{L}$ (the course writes $J$ for a training loss
# and $\mathcal{L}$ for the ELBO: see the [notation](../appendix/notation.md)); other
# values trade reconstruction against staying close to the
# prior. A large $\beta$ makes every encoding pay more for carrying information, so the
# encodings overlap more and the decoder, which must serve every image whose encoding
# covers a point, draws more average images; Higgins et al. found that this pressure also
# favours latent dimensions that each capture one independent factor ("disentangled"). A
# small $\beta$ lets the encodings spread out and sharpen, which helps reconstruction but
# lets the aggregate posterior drift away from the prior, so that samples drawn from the
# prior match the codes of the data less well. The models below are the dense 2-D VAE
# trained with $\beta = 0.1$ and $\beta = 4$ (recipes in the zoo), next to the $\beta = 1$
# model used above. The β = 1 model was trained for more epochs than the other two (the
# cell prints each recipe's epochs and asserts it); further down, the validation figures of
# all three after the same number of epochs check that the comparison does not hinge on the
# extra epochs.

# %%
betas = {
    0.1: "dense_vae_2d_beta0.1",
    1.0: "dense_vae_2d",
    4.0: "dense_vae_2d_beta4",
}
models_by_beta, runs = {}, {}
for beta, model_name in betas.items():
    model, model_run = zoo.pretrained(model_name)
    models_by_beta[beta], runs[beta] = model, model_run
    epochs = zoo.RECIPES[model_name].epochs
    print(f"β = {beta}: {epochs} epochs in the recipe")
    print(model_run.describe())
recipe_epochs = [zoo.RECIPES[m].epochs for m in betas.values()]
assert recipe_epochs[1] > max(recipe_epochs[0], recipe_epochs[2])

# %% tags=["remove-cell"]
for beta, model in models_by_beta.items():
    assert model.beta == beta, (betas[beta], model.beta)

# %% [markdown]
# Each is evaluated on the same test images: the two terms of the loss (nats per image, one
# posterior sample per image), the loss each model was trained to minimise,
# reconstruction + β·KL as in {eq}`eq-beta-vae`, and the $-$ELBO (reconstruction + KL); the
# spread of the encodings (standard deviation of the posterior means, averaged over the two
# axes); the average posterior standard deviation σ; and, as above, the share of codes
# $z \sim q(z\mid x)$ farther than 2 from the origin, which is
# {glue:text}`ch5_beyond_prior:.1%` under the prior.

# %%
x_eval = x_test[: profile.choose(reader=2000, quick=500)]
rows, codes_by_beta = {}, {}
for beta, model in models_by_beta.items():
    reconstruction, kl = evaluation.elbo_terms(model, x_eval)
    mean, log_var = (np.asarray(a) for a in model.encoder(x_test))
    codes_by_beta[beta] = mean
    eps = np.random.default_rng(1).standard_normal(mean.shape)
    z_codes = mean + np.exp(0.5 * log_var) * eps
    radii = np.linalg.norm(z_codes, axis=1)
    rows[f"β = {beta}"] = {
        "reconstruction": reconstruction.mean(),
        "KL": kl.mean(),
        "β-weighted loss": (reconstruction + beta * kl).mean(),
        "−ELBO": (reconstruction + kl).mean(),
        "spread of means": mean.std(axis=0).mean(),
        "mean σ": np.exp(0.5 * log_var).mean(),
        "codes beyond radius 2": np.mean(radii > 2),
    }
beta_table = pd.DataFrame(rows).T

# Shown with one column per model, one row per measure (nats, or a share).
NO_WRAP = [{"selector": "th", "props": "white-space: nowrap"}]
shown = styled(beta_table.T).set_table_styles(NO_WRAP, overwrite=False)
for measure, fmt in {
    "reconstruction": "{:.1f}",
    "KL": "{:.2f}",
    "β-weighted loss": "{:.1f}",
    "−ELBO": "{:.1f}",
    "spread of means": "{:.2f}",
    "mean σ": "{:.3f}",
    "codes beyond radius 2": "{:.1%}",
}.items():
    shown = shown.format(fmt, subset=pd.IndexSlice[measure, :])
shown

# %% tags=["remove-cell"]
assert (beta_table["KL"] >= 0).all()
assert np.isfinite(beta_table.to_numpy()).all()
assert np.allclose(
    beta_table["−ELBO"], beta_table["reconstruction"] + beta_table["KL"]
)

# %% [markdown]
# As β grows, the KL term falls, and the reconstruction term is larger at β = 4 than at
# β = 0.1: the weight moves the balance between the two terms. On the test set the β = 1
# model, trained for more epochs, need not lie between the two ends (the table shows where
# it lies). The cell below asserts the KL order for the three models and the other trends
# between the two ends, β = 0.1 and β = 4. Because the β = 1 model had
# more epochs, it also prints the validation figures of all three models after the same
# number of epochs, from their training histories, and asserts that there the KL falls and
# the reconstruction term grows from β = 0.1 to 1 to 4.

# %%
columns = (
    "KL",
    "reconstruction",
    "spread of means",
    "mean σ",
    "codes beyond radius 2",
)
kls, recs, spread, sigmas, beyond = (
    beta_table[c].to_numpy() for c in columns
)
print("by β = 0.1, 1, 4:")
print("  KL", np.round(kls, 2), " reconstruction", np.round(recs, 1))
off_prior = np.abs(beyond - beyond_prior)  # distance from the prior's share
print(
    "  codes beyond radius 2",
    np.round(beyond, 3),
    f" (prior: {beyond_prior:.3f})",
)

# The validation figures of the three models after the same epochs.
same = min(len(runs[beta].history["val_kl"]) for beta in betas)
val_kl, val_rec = (
    np.array([runs[beta].history[key][same - 1] for beta in betas])
    for key in ("val_kl", "val_reconstruction")
)
for beta, k, r in zip(betas, val_kl, val_rec):
    print(
        f"β = {beta} after {same} epochs: validation KL {k:.2f}, "
        f"reconstruction {r:.1f}"
    )

for label, share in zip(("01", "1", "4"), beyond):
    vaecourse.glue(f"ch5_beyond_beta{label}", float(share))
vaecourse.glue("ch5_within_beta01", float(1 - beyond[0]))
vaecourse.glue("ch5_same_epochs", int(same))
if not profile.quick:  # what the prose around this cell says
    assert kls[0] > kls[1] > kls[2]
    assert recs[0] < recs[2] and spread[0] > spread[2]
    assert sigmas[0] < sigmas[2]
    assert val_kl[0] > val_kl[1] > val_kl[2]
    assert val_rec[0] < val_rec[1] < val_rec[2]
    assert beyond[0] > 2 * beyond_prior
    assert off_prior[0] > off_prior[1] > off_prior[2]

# %% mystnb={"figure": {"caption": "The test encodings (posterior means) of the three models, coloured by digit; dashed circles at radius 1 and 2 of the prior. Each panel has its own scale.", "name": "fig-05-beta-encodings"}, "image": {"alt": "Three scatters of test encodings coloured by digit for beta 0.1, 1 and 4, with the unit circle of the prior drawn on each"}}
# Three scatters in a 2 × 2 grid, the fourth cell for the legend.
fig, axes = plt.subplots(2, 2, figsize=(6.8, 6.8))
for ax, (beta, c) in zip(axes.flat, codes_by_beta.items()):
    plotting.plot_latent(c, y_test, ax=ax, title=f"β = {beta}", s=2)
    for radius in (1, 2):
        ax.add_patch(
            plt.Circle(
                (0, 0), radius, fill=False, ls="--", lw=1, color="black"
            )
        )
    ax.set_aspect("equal", adjustable="datalim")
    ax.get_legend().remove()
legend_ax = axes[1, 1]
legend_ax.axis("off")
handles, labels = axes[0, 0].get_legend_handles_labels()
legend_ax.legend(
    handles, labels, title="digit", markerscale=4, ncol=2, loc="center"
)
fig.suptitle("Test encodings by β, with circles of radius 1 and 2")
fig.tight_layout()
plt.show()

# %% [markdown]
# And samples from the prior, decoded by each of the three models from the *same* 12 draws
# of $z$ ({numref}`fig-05-beta-samples`):

# %% mystnb={"figure": {"caption": "The same 12 draws of the prior, decoded by the models trained with \u03b2 = 0.1, 1 and 4.", "name": "fig-05-beta-samples"}, "image": {"alt": "Three rows of twelve digits decoded from the same prior draws by the models with beta 0.1, 1 and 4"}}
z_shared = np.random.default_rng(1).standard_normal((12, 2))
z_shared = z_shared.astype("float32")
sample_rows = [
    decode_latents(models_by_beta[beta].decoder, z_shared) for beta in betas
]
plotting.plot_image_rows(
    sample_rows,
    [f"β = {beta}" for beta in betas],
    n=12,
    title="The same 12 prior draws, three decoders",
    scale=0.55,
)
plt.show()

# %% [markdown]
# Compare the three rows of {numref}`fig-05-beta-samples` with the scatters of
# {numref}`fig-05-beta-encodings` and the table above (the cell before the scatters
# asserts every comparison below):
#
# * with the **small** β the encodings spread far beyond the dashed circles:
#   {glue:text}`ch5_beyond_beta01:.1%` of the codes lie beyond radius 2, more than twice
#   the prior's {glue:text}`ch5_beyond_prior:.1%`. Prior draws land within radius 2
#   {glue:text}`ch5_within_prior:.1%` of the time, where only
#   {glue:text}`ch5_within_beta01:.1%` of the codes are, so the digits encoded far out are
#   generated less than half as often as they occur: the prior no longer describes where
#   the codes are. Of the three models, this one's share beyond radius 2 is the farthest
#   from the prior's;
# * with the **large** β each posterior is wider than at β = 0.1 (mean σ) and the share of
#   codes beyond radius 2, {glue:text}`ch5_beyond_beta4:.1%`, is the closest of the three
#   to the prior's
#   (against {glue:text}`ch5_beyond_beta1:.1%` at β = 1). But each code carries fewer nats
#   (the KL is the lowest of the three), and the average KL bounds the information the codes
#   carry about their images ([chapter 2](02_vae_theory.ipynb)): the codes of different
#   images overlap more, and the reconstruction term is larger than at β = 0.1;
# * after the same {glue:text}`ch5_same_epochs:d` epochs, on the validation split, the KL
#   falls and the reconstruction term grows from β = 0.1 to 1 to 4, so these orders do not
#   come from the β = 1 model's extra epochs.
#
# Is the loss still a bound on the likelihood? The KL term is never negative, so for
# $\beta \ge 1$
#
# $$
# \begin{aligned}
# J_\beta(x) \;\ge\; J_1(x) &= -\text{ELBO}(x) \\
# &\ge -\log p(x):
# \end{aligned}
# $$ (eq-beta-bound)
#
# the β-weighted loss remains an upper bound on $-\log p(x)$, the tightest at $\beta = 1$
# and looser for $\beta > 1$. Only for $\beta < 1$ is the guarantee lost: then
# $J_\beta(x) \le -\text{ELBO}(x)$, and the training loss can fall below
# $-\log p(x)$, so minimising it no longer pushes down a bound on $-\log p(x)$. Whatever β
# a model was trained with, its own ELBO is still a lower bound on its $\log p(x)$, since
# the ELBO is one for any encoder: the table's $-$ELBO row is an upper bound on
# $-\log p(x)$ for each of the three models (estimated with one posterior sample per
# image).
#
# ## Summary
#
# * Generating with a VAE is two lines: draw $z \sim \mathcal{N}(0, I)$, decode.
# * Training pulls each encoding $q(z\mid x)$ towards the prior, but not their aggregate
#   $q(z) = \mathbb{E}_x[q(z\mid x)]$ onto it: the average KL is the information the codes
#   carry plus $\KL(q(z)\,\|\,p(z))$, and nothing forces the second part to zero. For the
#   β = 1 model, {glue:text}`ch5_beyond_codes:.1%` of the test codes lie beyond radius 2,
#   against {glue:text}`ch5_beyond_prior:.1%` of the prior. Prior draws under-sample the
#   codes out there, and can land where the decoder was rarely trained.
# * A grid on the prior's quantiles shows the whole learned manifold of a 2-D latent;
#   decode it in one batched call.
# * In a VAE trained on 1s and 8s with a 4-D latent, {glue:text}`ch5_n_active:d` of the 4
#   dimensions are active by the test of Burda et al. (the variance of the posterior means
#   above 0.01); their average KL, which bounds the information each carries, ranges from
#   {glue:text}`ch5_kl_min:.2f` to {glue:text}`ch5_kl_max:.2f` nats. Correlations with
#   pixel properties name the dimensions, and traversals of the decoder confirm or refute
#   the names; looking alone can mislead. The pull of factors towards the coordinate axes
#   comes from the diagonal posterior, not from the prior, and is no guarantee.
# * The weight β of the KL term trades reconstruction against a latent layout that matches
#   the prior: the β-VAE. For β > 1 its loss is still an upper bound on $-\log p(x)$, a
#   looser one than the $-$ELBO; for β < 1 it is not.
