# %% [markdown]
# # 5. Generating digits
#
# A trained VAE is a **generative model**. Its prior says where latent points come from,
# $z \sim \mathcal{N}(0, I)$, and its decoder turns any latent point into the probabilities of
# the 784 pixels. So making a new digit takes two steps: draw $z$ from the prior, decode it.
# No image goes in.
#
# This works because training pulled every encoding $q(z\mid x)$ towards the prior: the
# region the prior covers is the region the decoder was trained on. The plain autoencoder of
# chapter 1 had no such guarantee, and decoding a random code gave smudges.
#
# In this chapter you will:
#
# * decode samples from the prior of the dense VAE of chapter 3, and write the one-sample
#   version yourself (Exercise 5.1);
# * write the function that decodes any chosen latent points in one batched call
#   (Exercise 5.2), and use it on a 15×15 grid laid on the quantiles of the prior, the
#   classic picture of the learned **manifold** of digits;
# * take a VAE with a 4-D latent trained on the digits 1 and 8 only, build the latent points
#   that move one coordinate at a time (Exercise 5.3), and *measure* what each coordinate
#   controls;
# * change the weight $\beta$ of the KL term and see what it does to samples and to the
#   latent layout.

# %% [markdown]
# ## Setting up
#
# The models come from the course's **zoo** (`vaecourse.zoo`): each has one training recipe,
# and `zoo.pretrained(name)` loads the weights shipped in `weights/` (or trains the model with
# its recipe when they are missing). This chapter trains nothing you have not seen before.

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from scipy.stats import norm

import vaecourse
from vaecourse import evaluation, plotting, zoo

import keras

vaecourse.seed_everything(5)
profile = vaecourse.current_profile()
print(f"Keras {keras.__version__}, profile: {profile.name}")

# %% [markdown]
# We use the dense VAE of chapter 3: 784 pixels, a hidden layer of 512 units, a 2-D latent.

# %%
vae, run = zoo.pretrained("dense_vae_2d")
print(run.describe())
decoder = vae.decoder
latent_dim = vae.latent_dim
assert latent_dim == 2

(x_train, y_train), (x_test, y_test) = vaecourse.load_mnist(shape="flat")
x_test, y_test = profile.subset(x_test, y_test, quick=1000)

# %% [markdown]
# ## Sampling from the prior
#
# Forty latent points drawn from $\mathcal{N}(0, I)$, decoded in one batched call. Each image
# shows the decoder's pixel *probabilities*, the mean of the Bernoulli distribution over
# pixels, rather than a random draw of black and white pixels: that is the usual way to show
# a VAE's samples, and it is why they look smooth.

# %% mystnb={"image": {"alt": "Four rows of ten digits decoded from random points of the prior of the 2-D dense VAE"}}
rng = np.random.default_rng(0)
z_prior = rng.standard_normal((40, latent_dim)).astype("float32")
samples = decoder.predict(z_prior, verbose=0)
assert 0.0 <= samples.min() and samples.max() <= 1.0  # probabilities

plotting.plot_image_rows(np.split(samples, 4), ["", "", "", ""],
                         title="Digits decoded from 40 draws of the prior")
plt.show()

# %% tags=["remove-cell"]
assert samples.shape == (40, 784)

# %% [markdown]
# Most samples are readable digits, some are blends of two classes. A 2-D latent is a very
# narrow bottleneck, so the samples are blurry; a wider latent (chapter 3's 20-D model) sharpens them.
#
# How do these samples compare with the codes of real digits? The cell below compares the
# spread of the test images' encodings (their posterior means) with that of the prior.

# %%
test_means, test_log_vars = vae.encoder.predict(x_test, verbose=0)
print("posterior means of the test images:",
      "mean", np.round(test_means.mean(axis=0), 2),
      " std", np.round(test_means.std(axis=0), 2))
sigma = np.exp(0.5 * test_log_vars)
print("average posterior std σ:", np.round(sigma.mean(axis=0), 3))
if not profile.quick:  # what the next paragraph says
    assert np.all(np.abs(test_means.mean(axis=0)) < 0.5)
    means_std = test_means.std(axis=0)
    assert np.all((0.5 < means_std) & (means_std < 2))
    assert np.all(sigma.mean(axis=0) < 0.5)


# %% [markdown]
# The encodings sit roughly where the prior puts its mass: centred near 0 with a spread
# of the order of 1 in each direction (the cell above prints the figures). Each
# individual posterior is much narrower than the prior (its σ is far below 1): every image
# claims a small patch, and the patches together tile the prior.

# %% tags=["remove-cell"]
assert np.isfinite(test_means).all()

# %% [markdown]
# (exercise-5-1)=
# ### Exercise 5.1: one random latent, one digit
#
# Write `generate_single_sample(decoder, seed)`: draw **one** latent vector $z$ from the
# prior with `np.random.default_rng(seed)`, decode it, and return `(z, image)`, with `z` of
# shape `(latent_dim,)` and `image` the decoder's pixel probabilities, shape `(28, 28)`.
# Read the latent size from the decoder (`decoder.inputs[0].shape[-1]`) so that the function
# works for any VAE, and remember that Keras models take a *batch*, even of one point.
#
# The checker tries your function on a small decoder of a 128-D latent: the shapes, that the
# image is the decoding of the `z` you return, that a seed fixes the draw, and that the draws
# look standard normal. The cell after the solution then draws one digit with seed 7.

# %%
def generate_single_sample(decoder, seed):
    """Draw z ~ N(0, I) and decode it: returns (z, a 28×28 image)."""
    # Your code here.
    vaecourse.todo()


generate_single_sample = vaecourse.check("05_generation_1_single_sample",
                                         generate_single_sample)

# %% [markdown]
# ````{admonition} Solution to exercise 5.1
# :class: dropdown
#
# ```{literalinclude} ../solutions/05_generation_1_single_sample.py
# :language: python
# ```
# ````

# %% mystnb={"image": {"alt": "A single digit decoded from one random point of the 2-D latent"}}
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
# (exercise-5-2)=
# ### Exercise 5.2: decode chosen latent points
#
# Write `decode_latents(decoder, points)`. `points` holds $n$ latent points, one per row,
# shape `(n, latent_dim)`: a NumPy array or a plain list of lists (a single chosen point is
# a list of one point, `[[z1, z2]]`). Return the $n$ decoded images, the decoder's pixel
# probabilities, as one array of shape `(n, 28, 28)`, image `i` decoded from `points[i]`.
# Give the decoder all the points in **one** call, as one batch. The function must work for
# any decoder of 28×28 images: the dense decoder returns shape `(n, 784)`, the convolutional
# decoder used later in this chapter `(n, 28, 28, 1)`.
#
# The chapter then decodes the quantile grid with your function, and later the traversals
# of Exercise 5.3 and the samples of three models trained with different weights of the KL
# term.

# %%
def decode_latents(decoder, points):
    """Decode (n, latent_dim) points in one call → (n, 28, 28)."""
    # Your code here.
    vaecourse.todo()


decode_latents = vaecourse.check("05_generation_2_decode_latents",
                                 decode_latents)

# %% [markdown]
# ````{admonition} Solution to exercise 5.2
# :class: dropdown
#
# ```{literalinclude} ../solutions/05_generation_2_decode_latents.py
# :language: python
# ```
# ````
#
# The grid's 225 points go through `decode_latents` at once; the tiles are then laid out
# with the largest $z_2$ in the top row, like the $y$ axis of a plot.

# %% mystnb={"image": {"alt": "15 by 15 mosaic of digits decoded over the normal quantiles of the 2-D latent, changing smoothly from one class to the next"}}
n = 15
grid = norm.ppf(np.linspace(0.05, 0.95, n))
print(f"grid from {grid[0]:.2f} to {grid[-1]:.2f}")
z1, z2 = np.meshgrid(grid, grid[::-1])  # the top row has the largest z2
tiles = decode_latents(decoder, np.column_stack([z1.ravel(), z2.ravel()]))
# Tile (row r, column c) is image r·n + c: put the 28 pixel rows of each
# tile next to those of its neighbours before stacking the rows of tiles.
mosaic = tiles.reshape(n, n, 28, 28).swapaxes(1, 2).reshape(n * 28, n * 28)

plotting.plot_mosaic(mosaic, grid, grid,
                     title="Dense VAE over the quantiles of the prior")
plt.show()

# %% tags=["remove-cell"]
assert tiles.shape == (n * n, 28, 28) and mosaic.shape == (n * 28, n * 28)
assert np.allclose(mosaic, plotting.decode_grid(decoder, grid, grid),
                   atol=1e-5)

# %% [markdown]
# Unlike the autoencoder's grid in chapter 1, there are no empty smudges: every tile is a
# digit or a smooth blend of neighbouring ones, because every region of the prior was
# trained on. Neighbouring classes in the grid are digits that look alike (4 and 9, 3, 5 and
# 8), which is also how they sit in the latent scatter of chapter 3.
#
# ## What does each latent dimension control?
#
# Two dimensions for ten digit classes leave little room for anything but the class. To see
# a latent coordinate take on *one* factor of variation, we follow a classic experiment: a
# convolutional VAE with a **4-D** latent trained only on the digits **1 and 8**. Two classes
# need little capacity, so the other dimensions are free to encode how a digit is written.
#
# The model is a convolutional VAE (`vaecourse.models.build_conv_vae` with its default,
# wider filters: 32 and 64, rather than chapter 4's leaner network) with `latent_dim=4`; its
# recipe in the zoo trains it on the 1s and 8s of the training set.

# %%
name = "conv_vae_4d_1and8"
print(zoo.RECIPES[name])
vae18, run18 = zoo.pretrained(name)
print(run18.describe())

_, (x18_test, y18_test) = vaecourse.load_mnist(shape="image", digits=(1, 8))
x18_test, y18_test = profile.subset(x18_test, y18_test, quick=600)
print("test images of 1 and 8:", x18_test.shape,
      " counts:", np.bincount(y18_test)[[1, 8]])

# %% tags=["remove-cell"]
assert set(np.unique(y18_test)) == {1, 8}

# %% [markdown]
# ### How much each dimension is used
#
# First, a measurement that needs no guessing. The KL term of a test image is a sum over the
# latent dimensions, $\tfrac12\sum_j(\sigma_j^2+\mu_j^2-1-\log\sigma_j^2)$. A dimension whose
# KL is near zero for every image has $q(z_j\mid x)\approx\mathcal{N}(0,1)$ whatever the
# image: the encoder ignores it and the decoder cannot rely on it. Such a dimension is
# called **inactive** (or collapsed). Below, a dimension counts as *used* when it carries
# at least half a nat per image on average.

# %%
mu18, log_var18 = vae18.encoder.predict(x18_test, verbose=0)
kl_per_dim = 0.5 * (np.exp(log_var18) + mu18**2 - 1.0 - log_var18)
kl_dims = kl_per_dim.mean(axis=0)
for j, kl in enumerate(kl_dims):
    print(f"dimension {j}: average KL {kl:6.2f} nats, "
          f"std of the means {mu18[:, j].std():.2f}")
active = kl_dims > 0.5
print("used dimensions:", np.flatnonzero(active).tolist())

# %% tags=["remove-cell"]
assert (kl_per_dim >= -1e-6).all()
if not profile.quick:  # two epochs (quick profile) are too few to use any
    assert active.any()

# %% [markdown]
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
# The class separates 1s from 8s, but ink and width do too (an 8 has more ink and is wider
# than a 1). So ink, slant and width are compared *within* each class: the table gives the
# correlation among the 1s and among the 8s separately.

# %%
ROWS, COLS = np.mgrid[0:28, 0:28]


def digit_properties(images):
    """Ink, slant and width of each image (n images of 28×28 pixels)."""
    x = np.asarray(images, "float64").reshape(len(images), 28, 28)
    ink = x.sum(axis=(1, 2))
    w = x / ink[:, None, None]
    row_mean = (w * ROWS).sum(axis=(1, 2))
    col_mean = (w * COLS).sum(axis=(1, 2))
    d_row = ROWS[None] - row_mean[:, None, None]
    d_col = COLS[None] - col_mean[:, None, None]
    # Rows grow downwards: a digit leaning right has its columns *decrease*
    # as the row grows, hence the minus sign.
    covariance = (w * d_row * d_col).sum(axis=(1, 2))
    slant = -covariance / (w * d_row**2).sum(axis=(1, 2))
    width = np.sqrt((w * d_col**2).sum(axis=(1, 2)))
    return {"ink": ink, "slant": slant, "width": width}


props = digit_properties(x18_test)
is_eight = (y18_test == 8).astype(float)


def corr(a, b):
    return float(np.corrcoef(a, b)[0, 1])


table = {}
for j in range(4):
    row = {"KL": kl_dims[j],
           "class": corr(mu18[:, j], is_eight)}
    for prop in ("ink", "slant", "width"):
        for digit in (1, 8):
            keep = y18_test == digit
            r = corr(mu18[keep, j], props[prop][keep])
            row[f"{prop} ({digit}s)"] = r
    table[f"dim {j}"] = row
table = pd.DataFrame(table).T
table.round(2)


# %% [markdown]
# Each row is a latent dimension. "KL" is its average KL term in nats; every other entry is
# a correlation coefficient between the dimension's posterior mean and one property: the
# class (over all test images, positive when 8s have larger values), or ink, slant and width
# among the 1s only and among the 8s only. The sign only says in which direction the
# dimension runs. The cell below names
# each dimension by its strongest correlation: the class if that is strongest, otherwise the
# property whose correlation, averaged over the two classes, is largest. Dimensions that
# are not used are named as such, whatever their correlations: a dimension can correlate
# with a property and still carry almost no information about it, when its posterior is
# nearly as wide as the prior.

# %%
def name_dimension(row, is_active):
    if not is_active:
        return "unused"
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
# (exercise-5-3)=
# ### Exercise 5.3: the points of a traversal
#
# Write `traversal_points(anchor, dim, steps)`. `anchor` is one latent point, shape
# `(latent_dim,)` (an array or a list); `dim` is the coordinate to vary, counted from 0;
# `steps` holds the $k$ values it takes. Return an array of shape `(k, latent_dim)`: row `i`
# is the anchor with coordinate `dim` *set* to `steps[i]` (not moved by it), every other
# coordinate at the anchor's value. Leave `anchor` itself unchanged: the next row, and the
# next dimension, start from it again.
#
# The cell after the solution builds one row of 11 points for each of the 4 dimensions and
# decodes the 44 points with your `decode_latents` of Exercise 5.2.

# %%
def traversal_points(anchor, dim, steps):
    """The anchor, with coordinate dim set to each step in turn."""
    # Your code here.
    vaecourse.todo()


traversal_points = vaecourse.check("05_generation_3_traversal_points",
                                   traversal_points)

# %% [markdown]
# ````{admonition} Solution to exercise 5.3
# :class: dropdown
#
# ```{literalinclude} ../solutions/05_generation_3_traversal_points.py
# :language: python
# ```
# ````

# %% mystnb={"image": {"alt": "Four rows of decoded digits, one per latent dimension, each varying one coordinate from -2.5 to 2.5 with the others fixed"}}
steps = np.linspace(-2.5, 2.5, 11).astype("float32")
anchor = mu18[np.flatnonzero(y18_test == 8)[0]]
rows = [traversal_points(anchor, j, steps) for j in range(4)]
traversal = decode_latents(vae18.decoder, np.concatenate(rows))
traversal = traversal.reshape(4, len(steps), 28, 28)  # dimension, step

plotting.plot_image_rows(
    list(traversal),
    [f"dim {j}: {names[j].split(' (')[0]}" for j in range(4)],
    n=len(steps),
    title="One coordinate at a time, from −2.5 (left) to 2.5 (right)")
plt.show()
print("anchor (encoding of a test 8):", np.round(anchor, 2))

# %% tags=["remove-cell"]
assert np.isfinite(traversal).all()

# %% [markdown]
# Now the same properties measured on the *decoded* images of each row. For each dimension,
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
    p = digit_properties(decoded)
    row = {}
    for prop in ("ink", "slant", "width"):
        change = p[prop][-1] - p[prop][0]
        row[f"Δ {prop}"] = change / props[prop].std()
    e = eightness(decoded)
    row["Δ class"] = e[-1] - e[0]
    row["r(ink, z)"] = corr(steps, p["ink"])
    effects[f"dim {j}"] = row
effects = pd.DataFrame(effects).T
effects.round(2)

# %% [markdown]
# Read the two tables together. A dimension is well named when the encoder side (which
# images land where) and the decoder side (what moving along it draws) agree. The cell
# below checks both things for this model: each used dimension changes the property it is
# named after more than any other dimension does, and the unused dimensions change the
# decoded image less than the used ones (largest change of a pixel along the row).

# %%
pixel_change = np.abs(traversal[:, -1] - traversal[:, 0]).max(axis=(1, 2))
for j in range(4):
    print(f"dim {j} ({names[j]}): largest pixel change {pixel_change[j]:.2f}")
for j in np.flatnonzero(active):
    prop = names[j].split()[0]
    changes = np.abs(effects[f"Δ {prop}"].to_numpy())
    print(f"dim {j} is named {prop}; the dimension that changes the decoded "
          f"{prop} most is dim {int(np.argmax(changes))}")
    assert int(np.argmax(changes)) == j
if active.any() and not active.all():
    assert pixel_change[~active].max() < pixel_change[active].min()

# %% [markdown]
# ### Two dimensions at once
#
# A grid over two dimensions shows how factors combine. We take the two most used
# dimensions (largest average KL), keep the others at the anchor's values, and decode a 9×9
# grid over −2…2. `plotting.decode_grid` does what the quantile-grid cell above did, with the
# two varied dimensions and the fixed coordinates as arguments.

# %% mystnb={"image": {"alt": "9 by 9 grid of digits decoded while varying the two most used latent dimensions of the 1-and-8 VAE"}}
dim_a, dim_b = (int(d) for d in np.argsort(kl_dims)[::-1][:2])
values = np.linspace(-2, 2, 9)
mosaic18 = plotting.decode_grid(vae18.decoder, values, values, fixed=anchor,
                                dims=(dim_a, dim_b))
plotting.plot_mosaic(mosaic18, values, values,
                     title="1-and-8 VAE: two latent dimensions at once",
                     xlabel=f"dimension {dim_a}: {names[dim_a]}",
                     ylabel=f"dimension {dim_b}: {names[dim_b]}")
plt.show()

# %% tags=["remove-cell"]
assert mosaic18.shape == (9 * 28, 9 * 28)

# %% [markdown]
# Check the grid against the names in the axis labels: along each axis one property
# changes, and the two changes combine. That is what makes a latent dimension
# *interpretable*. Nothing forced the
# VAE to align one factor with one coordinate, though. The prior $\mathcal{N}(0, I)$ looks
# the same in every rotated frame, so a factor can just as well be spread over two
# coordinates; then both correlate with it and the traversals mix factors. The names above
# are measured for this trained model and can change when it is retrained.
#
# How many dimensions a VAE uses depends on the weight of the KL term, the subject of the
# next section. Each used dimension costs KL, so with the standard weight a 4-D latent for
# two classes need not use all four. The original version of this experiment weighted
# the KL term less than the standard VAE does, which leaves room for more dimensions (such
# the original found one for stroke thickness).
#
# ## The weight of the KL term
#
# The VAE minimises, per image, the reconstruction term plus the KL term. Weighting the KL
# term by a factor $\beta$,
#
# $$
# \mathcal{L}_\beta(x) = -\mathbb{E}_{q(z\mid x)}[\log p(x\mid z)]
#   + \beta\,\KL\big(q(z\mid x)\,\|\,p(z)\big),
# $$
#
# gives the **β-VAE** of {cite:t}`higgins2017betavae`. With $\beta = 1$ this is the negative
# ELBO; other values trade reconstruction against staying close to the prior. A large
# $\beta$ makes every encoding pay more for carrying information, so the encodings overlap
# more and the decoder draws blurrier, more average images; Higgins et al. found that this
# pressure also favours latent dimensions that each capture one independent factor
# ("disentangled"). A small $\beta$ lets the encodings spread out and sharpen, which helps
# reconstruction but lets the encodings drift away from the prior, so that samples drawn
# from the prior no longer land where the data are. The models below are the dense 2-D VAE
# trained with $\beta = 0.1$ and $\beta = 4$ (recipes in the zoo), next to the $\beta = 1$
# model used above. The β = 1 model was trained for more epochs than the other two (the
# cell prints each recipe's epochs); further down, its training history shows how much
# of the difference the extra epochs explain.

# %%
betas = {0.1: "dense_vae_2d_beta0.1", 1.0: "dense_vae_2d",
         4.0: "dense_vae_2d_beta4"}
models, runs = {}, {}
for beta, model_name in betas.items():
    model, model_run = zoo.pretrained(model_name)
    models[beta], runs[beta] = model, model_run
    epochs = zoo.RECIPES[model_name].epochs
    print(f"β = {beta}: {epochs} epochs in the recipe. "
          f"{model_run.describe()}")

# %% tags=["remove-cell"]
for beta, model in models.items():
    assert model.beta == beta, (betas[beta], model.beta)

# %% [markdown]
# Each is evaluated on the same test images: the two terms of the loss (nats per image, one
# posterior sample per image); the spread of the encodings (standard deviation of the
# posterior means, averaged over the two axes); the average posterior standard deviation
# σ; and the share of test encodings farther than 2 from the origin. Under the prior itself
# that share is $e^{-2}$, about 14 %.

# %%
x_eval = x_test[: profile.choose(reader=2000, quick=500)]
rows, codes = {}, {}
for beta, model in models.items():
    reconstruction, kl = evaluation.elbo_terms(model, x_eval)
    mean, log_var = (np.asarray(a) for a in model.encoder(x_test))
    codes[beta] = mean
    rows[f"β = {beta}"] = {
        "reconstruction": reconstruction.mean(), "KL": kl.mean(),
        "spread of means": mean.std(axis=0).mean(),
        "mean σ": np.exp(0.5 * log_var).mean(),
        "beyond radius 2": (np.linalg.norm(mean, axis=1) > 2).mean(),
    }
beta_table = pd.DataFrame(rows).T
beta_table.round(3)

# %% tags=["remove-cell"]
assert (beta_table["KL"] >= 0).all()
assert np.isfinite(beta_table.to_numpy()).all()

# %% [markdown]
# As β grows, the KL term falls and the reconstructions get worse: the weight moves the
# balance between the two terms. The cell below asserts the KL order for the three models
# and the other trends between the two ends, β = 0.1 and β = 4. The β = 1 model had more
# epochs; its training history, printed at the end, gives its validation figures after as
# many epochs as the other two had.

# %%
columns = ("KL", "reconstruction", "spread of means", "mean σ")
kls, recs, spread, sigma = (beta_table[c].to_numpy() for c in columns)
print("KL by β:", np.round(kls, 2),
      " reconstruction by β:", np.round(recs, 1))
if not profile.quick:
    assert kls[0] > kls[1] > kls[2]
    assert recs[0] < recs[2] and spread[0] > spread[2] and sigma[0] < sigma[2]

# The β = 1 model after as many epochs as the other two, from its history.
history, short = runs[1.0].history, zoo.RECIPES["dense_vae_2d_beta4"].epochs
if len(history.get("val_kl", [])) > short:
    for epoch in (short, len(history["val_kl"])):
        print(f"β = 1 after {epoch} epochs: validation KL "
              f"{history['val_kl'][epoch - 1]:.2f}, reconstruction "
              f"{history['val_reconstruction'][epoch - 1]:.1f}")

# %% mystnb={"image": {"alt": "Three scatters of test encodings coloured by digit for beta 0.1, 1 and 4, with the unit circle of the prior drawn on each"}}
fig, axes = plt.subplots(1, 3, figsize=(15, 4.8))
for ax, (beta, c) in zip(axes, codes.items()):
    plotting.plot_latent(c, y_test, ax=ax, title=f"β = {beta}")
    for radius in (1, 2):
        ax.add_patch(plt.Circle((0, 0), radius, fill=False, ls="--", lw=1,
                                color="black"))
    ax.set_aspect("equal", adjustable="datalim")
    if ax is not axes[-1]:
        ax.get_legend().remove()
fig.suptitle("Test encodings; dashed circles: radius 1 and 2 of the prior")
fig.tight_layout()
plt.show()

# %% [markdown]
# And samples from the prior, decoded by each of the three models from the *same* 12 draws
# of $z$:

# %% mystnb={"image": {"alt": "Three rows of twelve digits decoded from the same prior draws by the models with beta 0.1, 1 and 4"}}
z_shared = np.random.default_rng(1).standard_normal((12, 2))
z_shared = z_shared.astype("float32")
sample_rows = [decode_latents(models[beta].decoder, z_shared)
               for beta in betas]
plotting.plot_image_rows(sample_rows, [f"β = {beta}" for beta in betas], n=12,
                         title="The same 12 prior draws, three decoders")
plt.show()

# %% [markdown]
# Compare the three rows with the scatters and the table above:
#
# * with the **small** β the encodings spread far beyond the dashed circles: many more of
#   them lie beyond radius 2 than the prior puts there (table). Draws from the prior land in
#   the central part of this layout only, so the digits encoded far out are rarely
#   generated: the prior no longer describes where the encodings are;
# * with the **large** β each posterior is wide (the mean σ in the table) and the
#   encodings spread about as widely as the prior, but with fewer nats per image the classes overlap
#   more in the layout, and the decoder has less to tell neighbouring digits apart.
#
# β = 1 is the only value for which the loss is the negative ELBO, a bound on
# $-\log p(x)$. The other values are knobs: useful, but what they optimise is no longer a
# bound on the likelihood.
#
# ## Summary
#
# * Generating with a VAE is two lines: draw $z \sim \mathcal{N}(0, I)$, decode. Every
#   region of the prior decodes to a plausible digit because training pulled the encodings
#   onto the prior.
# * A grid on the prior's quantiles shows the whole learned manifold of a 2-D latent;
#   decode it in one batched call.
# * In a VAE trained on 1s and 8s with a 4-D latent, some dimensions carry the class,
#   others how the digit is written, and some are unused. Measuring (KL per dimension,
#   correlations with pixel properties, traversals) names them; looking alone can mislead.
# * The weight β of the KL term trades reconstruction against a latent layout that matches
#   the prior: the β-VAE.
