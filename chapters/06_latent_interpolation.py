# %% [markdown]
# # Latent interpolation
#
# Take two images of digits. There are two ways to go from one to the other in small steps.
#
# * In **pixel space**: blend the pixels, $(1-t)\,x_0 + t\,x_1$ for $t$ from 0 to 1.
#   Half-way, both digits are drawn at half strength on top of each other.
# * In **{term}`latent space <Latent space>`**: encode both images, walk along the line
#   between their encodings, $(1-t)\,\mu_0 + t\,\mu_1$, and decode every point of the
#   walk.
#
# If the latent space of the VAE is a good map of digits, every point of the walk decodes
# to a plausible digit, and the walk morphs one digit into the other instead of fading one
# out while the other fades in.
#
# In this chapter you will:
#
# * compare the two kinds of path for two test digits, and see the latent path in the plane;
# * explore it with a slider, live in Jupyter and, on this page, without a kernel;
# * interpolate between the *average* encodings of two classes;
# * see why, in a latent space of many dimensions, a straight line between two samples of
#   the {term}`prior <Prior>` passes through points of atypically small length, and what to
#   use instead;
# * write the three paths yourself: the straight line ({ref}`exercise-6-1`), the path
#   between the mean encodings of two classes ({ref}`exercise-6-2`), and the spherical path
#   ({ref}`exercise-6-3`). The chapter's figures are drawn with your functions.

# %% [markdown]
# ## Setting up
#
# The model is the dense VAE of [chapter 3](03_dense_vae.ipynb) (2-D latent), loaded from
# the course's zoo. The chapter uses the test images, and, once, the codes of some training
# images.

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import display

import vaecourse
from vaecourse import evaluation, explorer, plotting, zoo

import keras

vaecourse.seed_everything(6)
profile = vaecourse.current_profile()
print(f"Keras {keras.__version__}, profile: {profile.name}")

# %%
vae, run = zoo.pretrained("dense_vae_2d")
print(run.describe())

*_, (x_test, y_test) = vaecourse.load_mnist_splits("flat", parts=("test",))
x_test, y_test = profile.subset(x_test, y_test, quick=1000)
test_means = vae.encoder.predict(x_test, verbose=0)[0]
print("test images:", x_test.shape, " encodings:", test_means.shape)

# %% tags=["remove-cell"]
assert vae.latent_dim == 2

# %% [markdown]
# ## Two digits, two paths
#
# We pick two test images, a 0 and a 1 (test images number 3 and 2), and encode them. As in
# the previous chapters, an image's encoding is the mean $\mu$ of its
# {term}`posterior <Approximate posterior>` $q(z\mid x)$. Both paths are the same straight
# line, $(1-t)\,a + t\,b$, drawn in two spaces: between the two images ($a$ and $b$ have
# 784 pixels), and between their encodings ($a$ and $b$ have 2 coordinates).
#
# ```{exercise-start} The straight line
# :label: exercise-6-1
# ```
#
# Write `linear_path(a, b, ts)`. In: `a` and `b`, NumPy arrays of shape `(d,)` (two images
# or two encodings), and `ts`, a 1-D array or a list of $n$ values of $t$. Out: a NumPy
# array of shape `(n, d)` whose row $i$ is $(1-t_i)\,a + t_i\,b$, so the row for $t = 0$
# is `a` and the row for $t = 1$ is `b`. No loop over `ts` is needed, but mind NumPy's
# broadcasting. The checker tries 2-D points, 784-pixel images, values of $t$ that are not
# evenly spaced and a `ts` given as a list, and names the usual slips: the ends swapped,
# weights that do not add up to 1, a `ts` that NumPy pairs with the coordinates instead of
# the points. The chapter then draws with your function both rows of
# {numref}`fig-06-two-paths`, the slider figure, and the straight paths of the last
# section.


# %%
def linear_path(a, b, ts):
    """Points (1 − t)·a + t·b from a to b, one row per t."""
    # Your code here.
    vaecourse.todo()


linear_path = vaecourse.check(
    "06_latent_interpolation_1_linear_path", linear_path
)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-6-1
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/06_latent_interpolation_1_linear_path.py
# :language: python
# ```
#
# ```{solution-end}
# ```
#
# The two paths, each with nine steps from $t=0$ to $t=1$ ({numref}`fig-06-two-paths`):

# %%
INDEX_A, INDEX_B = 3, 2
print("labels:", y_test[INDEX_A], "and", y_test[INDEX_B])

ts = np.linspace(0, 1, 9)
x_a, x_b = x_test[INDEX_A], x_test[INDEX_B]
z_a, z_b = test_means[INDEX_A], test_means[INDEX_B]
blends = linear_path(x_a, x_b, ts)  # between the images
path = linear_path(z_a, z_b, ts)  # between their encodings
decoded = vae.decoder.predict(path, verbose=0)

# %% tags=["remove-cell"]
assert (y_test[INDEX_A], y_test[INDEX_B]) == (0, 1)
assert blends.shape == decoded.shape == (len(ts), 784)
assert np.allclose(blends[0], x_a) and np.allclose(blends[-1], x_b)

# %% mystnb={"figure": {"caption": "Two paths from a test 0 to a test 1: blending the pixels (top), and decoding the points of the straight line between the two encodings (bottom).", "name": "fig-06-two-paths"}, "image": {"alt": "Top row: a 0 fading into a 1 by pixel blending; bottom row: the decoded latent path, a 0 changing shape step by step into a 1"}}
plotting.plot_image_rows(
    [blends, decoded],
    ["pixel blend", "latent path"],
    n=len(ts),
    title="From a 0 to a 1, t = 0 (left) to t = 1 (right)",
    scale=0.72,
)
plt.show()

# %% [markdown]
# The pixel blend is a double exposure: in the middle both digits are visible at half
# strength, a digit no one would write. The latent path changes the *shape*: each step is
# one stroke pattern, not two drawn on top of each other. The ends of the latent row are
# not the original images but their reconstructions through the 2-D bottleneck, hence the
# blur.
#
# Can we measure "is not a digit"? The VAE gives each image a loss, the negative
# {term}`ELBO`, an upper bound on $-\log p(x)$ (a bound, not the value): the lower it is,
# the more probable the model can show the image to be. The cell below scores the pixel
# blends (they are images, so the model can score them) and compares them with the test
# digits ({numref}`fig-06-blend-elbo`).


# %% mystnb={"figure": {"caption": "The negative ELBO of the pixel blends of the 0 and the 1, against the middle 90 % of the test digits' scores.", "name": "fig-06-blend-elbo"}, "image": {"alt": "Negative ELBO of the pixel blends against t: higher in the middle of the path than at either end, against the band of the test digits"}}
def negative_elbo(model, images):
    reconstruction, kl = evaluation.elbo_terms(model, images)
    return reconstruction + kl


blend_ts = np.linspace(0, 1, 21)
blend_scores = negative_elbo(vae, linear_path(x_a, x_b, blend_ts))
test_scores = negative_elbo(vae, x_test[:1000])

fig, ax = plt.subplots(figsize=(6.5, 3.5))
ax.plot(blend_ts, blend_scores, marker=".", label="pixel blend at t")
ax.axhspan(
    *np.percentile(test_scores, [5, 95]),
    color="grey",
    alpha=0.25,
    label="test digits, 5th to 95th percentile",
)
ax.set_xlabel("t")
ax.set_ylabel("negative ELBO (nats per image)")
ax.set_title("How digit-like the VAE finds each pixel blend")
ax.legend()
plt.show()
middle = blend_scores[len(blend_ts) // 2]
test_median = np.median(test_scores)
print(
    f"negative ELBO: x_a {blend_scores[0]:.0f}, "
    f"x_b {blend_scores[-1]:.0f}, the blend at t = 0.5 {middle:.0f}"
)
print(f"test digits: median {test_median:.0f}")
for name, value in [
    ("ch6_blend_a", blend_scores[0]),
    ("ch6_blend_b", blend_scores[-1]),
    ("ch6_blend_mid", middle),
    ("ch6_test_median", test_median),
]:
    vaecourse.glue(name, float(value))
# An untrained model (quick profile) has no idea of a digit yet.
if not profile.quick:
    assert middle > max(blend_scores[0], blend_scores[-1], test_median)

# %% [markdown]
# The half-way blend's negative ELBO, {glue:text}`ch6_blend_mid:.0f` nats, is higher than
# that of either end ({glue:text}`ch6_blend_a:.0f` and {glue:text}`ch6_blend_b:.0f`) and
# than the median test digit's ({glue:text}`ch6_test_median:.0f`); the cell asserts both.
# These are bounds, not values of $-\log p(x)$: they say how probable the model can show
# each image to be, and it shows the double exposure to be less so than either digit. The
# images of the latent path need no such test: they are what the {term}`decoder <Decoder>`
# draws, by construction the model's idea of a digit.
#
# ### The path in the latent plane
#
# The straight line between the two encodings, over the encodings of the test digits
# ({numref}`fig-06-latent-path`):

# %% mystnb={"figure": {"caption": "The nine points of the latent path from the 0 to the 1, over the encodings of the test digits.", "name": "fig-06-latent-path"}, "image": {"alt": "Scatter of test encodings by digit with the straight path from the 0 to the 1 drawn across it"}}
ax = plotting.plot_latent(
    test_means, y_test, title="The latent path over the test encodings"
)
ax.plot(path[:, 0], path[:, 1], "-o", color="black", ms=4, lw=1.5)
for label, point in (("start", z_a), ("end", z_b)):
    ax.annotate(
        label,
        point,
        xytext=(8, 8),
        textcoords="offset points",
        weight="bold",
    )
plt.show()

# %% [markdown]
# Which classes does the path cross? For each of its nine points, the cell below takes the
# 25 test encodings nearest to it and prints their most common label.

# %%
neighbour_labels = []
for point in path:
    nearest = np.argsort(np.linalg.norm(test_means - point, axis=1))[:25]
    counts = np.bincount(y_test[nearest], minlength=10)
    neighbour_labels.append(int(counts.argmax()))
print("most common label near each point of the path:", neighbour_labels)
end_labels = (y_test[INDEX_A], y_test[INDEX_B])
crossed = [c for c in neighbour_labels if c not in end_labels]
crossed_text = ", ".join(str(c) for c in sorted(set(crossed)))
vaecourse.glue("ch6_crossed", crossed_text or "none")
if not profile.quick:
    assert crossed, "the path crosses no other class"

# %% [markdown]
# The path runs through the region of at least one other class (digits:
# {glue:text}`ch6_crossed`; the cell asserts that there is one), and the decoded steps of
# {numref}`fig-06-two-paths` show it on the way. That is no flaw: in two dimensions, going
# from one cluster to another *has* to cross whatever lies between.
#
# (ch06-explorer)=
# ## Explore it yourself
#
# ### On this page, without a kernel
#
# The explorer below holds this chapter's decoder, running in your browser. Pick two test
# digits, A and B, by clicking them on the plane (first A, then B) or in the two menus, and
# move $t$: on the left the pixel blend $(1-t)\,x_A + t\,x_B$, on the right the decoded
# point $(1-t)\,\mu_A + t\,\mu_B$ of the latent path, drawn as a line on the plane. It
# starts with the pair above, the 0 and the 1. Try pairs of different classes, and pairs of
# the same class.

# %%
explorer.latent_path(
    vae.decoder,
    test_means,
    y_test,
    x_test,
    model="dense_vae_2d",
    start=(INDEX_A, INDEX_B),
    title="Two test digits, two paths",
)

# %% [markdown]
# ### Live, with a kernel
#
# One function draws the whole comparison with matplotlib, for any pair of test images and
# a value of $t$: the pixel blend, the decoded latent point, and the latent plane with the
# path and the current point.

# %%
background = np.random.default_rng(0).choice(
    len(x_test), size=min(2000, len(x_test)), replace=False
)


def comparison_figure(index_a, index_b, dpi=100):
    """A figure comparing the two paths between two test images.

    Returns (fig, update): update(t) moves the figure to the point t of both
    paths.
    """
    xa, xb = x_test[index_a], x_test[index_b]
    za, zb = test_means[index_a], test_means[index_b]
    fig, (ax_pix, ax_lat, ax_plane) = plt.subplots(
        1,
        3,
        figsize=(6.8, 3.0),
        dpi=dpi,
        gridspec_kw={"width_ratios": [1, 1, 1.3]},
    )
    pix = ax_pix.imshow(xa.reshape(28, 28), cmap="gray_r", vmin=0, vmax=1)
    lat = ax_lat.imshow(xa.reshape(28, 28), cmap="gray_r", vmin=0, vmax=1)
    for ax in (ax_pix, ax_lat):
        ax.set_xticks([])
        ax.set_yticks([])
    codes, labels = test_means[background], y_test[background]
    for digit in range(10):
        keep = labels == digit
        ax_plane.scatter(
            codes[keep, 0],
            codes[keep, 1],
            s=2,
            alpha=0.5,
            color=plotting.DIGIT_COLOURS[digit],
        )
    ax_plane.plot([za[0], zb[0]], [za[1], zb[1]], color="black", lw=1)
    (point,) = ax_plane.plot(
        [], [], "o", ms=9, mfc="white", mec="black", mew=2
    )
    ax_plane.set_xlabel("latent dimension 1")
    ax_plane.set_ylabel("latent dimension 2")
    ax_pix.set_title("pixel blend")
    ax_lat.set_title("decoded point")
    ax_plane.set_title("latent plane")
    title = fig.suptitle("", y=0.98)
    name_a = f"test image {index_a} (a {y_test[index_a]})"
    name_b = f"test image {index_b} (a {y_test[index_b]})"

    def update(t):
        z = linear_path(za, zb, [t])  # one row: the point t of the path
        pix.set_data(linear_path(xa, xb, [t]).reshape(28, 28))
        image = vae.decoder(z, training=False)
        lat.set_data(np.asarray(image).reshape(28, 28))
        point.set_data(z[:, 0], z[:, 1])
        title.set_text(f"{name_a} → {name_b},   t = {t:.2f}")
        return pix, lat, point, title

    fig.tight_layout(rect=(0, 0, 1, 0.93))
    return fig, update


# %% [markdown]
# Running this notebook in Jupyter, Binder or Colab, the cell below gives a slider for $t$
# and two boxes for the indices of the test images (any of the 10,000). The slider needs a
# running Python kernel, so the book's build skips this cell (its tag `skip-execution`) and
# this page shows only its code; on the page, use the explorer above.

# %% tags=["skip-execution"]
import ipywidgets as widgets


def show_comparison(index_a, index_b, t):
    fig, update = comparison_figure(index_a, index_b)
    update(t)
    plt.show()


last = len(x_test) - 1
live = widgets.interactive(
    show_comparison,
    index_a=widgets.BoundedIntText(
        value=INDEX_A, min=0, max=last, description="image A"
    ),
    index_b=widgets.BoundedIntText(
        value=INDEX_B, min=0, max=last, description="image B"
    ),
    t=widgets.FloatSlider(
        value=0.5,
        min=0.0,
        max=1.0,
        step=0.05,
        description="t",
        continuous_update=False,
    ),
)
display(live)

# %% [markdown]
# ## Between two classes
#
# The average of the encodings of all the test 3s is a point of the latent plane; decoded,
# it is the model's "typical 3". The same for the 7s. Walking from one to the other is a
# walk between two typical digits. Compare the decoded average encoding with the *pixel*
# average of the class, at the left and right ends of the two rows of
# {numref}`fig-06-class-means`: the pixel average superimposes every way of writing the
# digit, while the decoded average encoding is one way of writing it, drawn with the blur
# of the 2-D model.
#
# ```{exercise-start} The path between two classes
# :label: exercise-6-2
# ```
#
# Write `class_mean_path(encodings, labels, class_a, class_b, ts)`. In: `encodings`, an
# array of shape `(N, d)` with one row per image; `labels`, the `N` digit labels (a NumPy
# array of integers); two digits `class_a` and `class_b`; and `ts` as in
# {ref}`exercise-6-1`. Out: the straight path, shape `(n, d)`, from the mean encoding of
# the images labelled `class_a` to that of the images labelled `class_b` (you may call your
# `linear_path`). The checker names the usual slips: row number `class_a` taken for the
# class, the mean of every row whatever its label, a sum divided by the number of all
# images, a mean over the wrong axis, the ends swapped. Nothing in the function is about
# encodings: the next cell calls it on the test encodings, and also on the test *images*,
# where the mean of a class is its pixel average.


# %%
def class_mean_path(encodings, labels, class_a, class_b, ts):
    """The line from the mean encoding of class_a to class_b's."""
    # Your code here.
    vaecourse.todo()


class_mean_path = vaecourse.check(
    "06_latent_interpolation_2_class_mean_path", class_mean_path
)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-6-2
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/06_latent_interpolation_2_class_mean_path.py
# :language: python
# ```
#
# ```{solution-end}
# ```

# %% mystnb={"figure": {"caption": "From the 3s to the 7s: blends of the two classes' pixel averages (top), and the decoded straight path between their mean encodings (bottom).", "name": "fig-06-class-means"}, "image": {"alt": "Top row: the pixel averages of the 3s and the 7s and their blends; bottom row: the decoded path between the mean encodings of the 3s and the 7s"}}
CLASS_A, CLASS_B = 3, 7
class_codes = class_mean_path(test_means, y_test, CLASS_A, CLASS_B, ts)
class_pixels = class_mean_path(x_test, y_test, CLASS_A, CLASS_B, ts)
class_path = vae.decoder.predict(class_codes, verbose=0)
plotting.plot_image_rows(
    [class_pixels, class_path],
    ["pixel averages", "mean encodings"],
    n=len(ts),
    title=f"From the average {CLASS_A} to the average {CLASS_B}",
    scale=0.72,
)
plt.show()
mean_a, mean_b = class_codes[0], class_codes[-1]  # t = 0 and t = 1
print(
    f"mean encoding of the {CLASS_A}s: {np.round(mean_a, 2)}, "
    f"of the {CLASS_B}s: {np.round(mean_b, 2)}"
)


# %% [markdown]
# A simple number measures the difference: how grey an image is, the average of
# $4p(1-p)$ over its pixels (0 for pure black and white, 1 for all pixels at 0.5). The
# cell below asserts that the decoded average encodings are less grey than the pixel
# averages.


# %%
def greyness(images):
    p = np.asarray(images).reshape(len(images), -1)
    return (4 * p * (1 - p)).mean(axis=1)


grey_pixel = greyness(class_pixels[[0, -1]])
grey_decoded = greyness(class_path[[0, -1]])
print(f"greyness of the {CLASS_A}s and the {CLASS_B}s:")
print("  pixel averages:        ", np.round(grey_pixel, 3))
print("  decoded mean encodings:", np.round(grey_decoded, 3))
if not profile.quick:
    assert grey_decoded.mean() < grey_pixel.mean()


# %% [markdown]
# ## Straight lines in many dimensions
#
# In two dimensions the straight line is the natural path. In a wider latent space it has a
# catch. The density of the prior $\mathcal{N}(0, I)$ is highest at the origin, yet a draw
# almost never lands near it. A standard normal vector in $d$ dimensions has a squared
# length that is a sum of $d$ squared standard normals, so its length concentrates near
# $\sqrt d$, within a band whose width does not grow with $d$
# {cite:p}`vershynin2018high`: there is too little volume near the origin for the high
# density there to matter, and the prior's mass lies in a thin **shell** of radius about
# $\sqrt d$. The origin is not improbable (it is the density's mode); it is *atypical in
# length*: hardly any draw is that short. The midpoint of two independent draws is
# $\tfrac12(z_0+z_1)$, a normal vector of variance ½ per coordinate, so its length is near
# $\sqrt{d/2}$: the middle of a straight line between two typical draws is atypically
# short, *inside* the shell.
#
# The **spherical** interpolation ({term}`slerp <Slerp>`) {cite:p}`white2016sampling`
# follows the great circle between the two points instead. For two points of equal length
# it keeps that length all the way; for two typical draws, whose lengths are close, it
# stays near them:
#
# $$
# \begin{aligned}
# &\operatorname{slerp}(z_0, z_1; t) \\
# &\qquad = \frac{\sin((1-t)\,\Omega)}{\sin \Omega}\, z_0 \\
# &\qquad \phantom{=}\; + \frac{\sin(t\,\Omega)}{\sin \Omega}\, z_1,
# \end{aligned}
# $$ (eq-slerp)
#
# where $\Omega$ is the angle between the two points:
# $\cos\Omega = z_0\cdot z_1 / (\lVert z_0\rVert\,\lVert z_1\rVert)$.
#
# ```{exercise-start} Spherical interpolation
# :label: exercise-6-3
# ```
#
# Write `slerp(z0, z1, ts)`, with the shapes of `linear_path`: `z0` and `z1` of shape
# `(d,)`, `ts` a 1-D array or a list of $n$ values, a NumPy array of shape `(n, d)` out
# whose row $i$ is {eq}`eq-slerp` at $t_i$. Handle the **zero angle**: when `z0` and
# `z1` point the same way, $\Omega = 0$ and the formula divides 0 by 0. As $\Omega \to 0$
# the two weights tend to $1-t$ and $t$, so there, when $\sin\Omega$ is (nearly) 0,
# return the straight line. The checker compares your path with the formula for two
# orthogonal unit vectors, two vectors of different lengths and two 20-D draws of the
# prior, and tries three pairs at zero angle, in one of which rounding makes the computed
# $\cos\Omega$ a little larger than 1. It names the usual slips: the straight line, the
# ends swapped, unit vectors in place of `z0` and `z1`, a missing division by
# $\sin\Omega$, an angle taken from the dot product of vectors that are not unit vectors,
# a zero angle left unhandled. The next cells measure and decode spherical paths with it.


# %%
def slerp(z0, z1, ts):
    """Spherical interpolation from z0 to z1, one row per t."""
    # Your code here.
    vaecourse.todo()


slerp = vaecourse.check("06_latent_interpolation_3_slerp", slerp)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-6-3
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/06_latent_interpolation_3_slerp.py
# :language: python
# ```
#
# ```{solution-end}
# ```
#
# The cell below draws 1000 pairs from a 20-D prior and measures the length of the
# midpoint ($t = ½$) of each pair's straight and spherical paths, against the lengths of
# 100,000 prior draws.


# %%
def midpoints(path_fn, starts, ends):
    """The point t = ½ of path_fn(start, end, ts) for each pair of rows."""
    return np.stack([path_fn(a, b, [0.5])[0] for a, b in zip(starts, ends)])


d = 20
rng = np.random.default_rng(20)
z0s, z1s = rng.standard_normal((2, 1000, d))
prior_norms = np.linalg.norm(rng.standard_normal((100_000, d)), axis=1)
linear_mid = np.linalg.norm(midpoints(linear_path, z0s, z1s), axis=1)
slerp_mid = np.linalg.norm(midpoints(slerp, z0s, z1s), axis=1)
low = np.percentile(prior_norms, 5)
median_linear_mid = np.median(linear_mid)
print(f"length of a prior draw in {d}-D:")
print(
    f"  median {np.median(prior_norms):.2f} (√d = {np.sqrt(d):.2f}), "
    f"5th percentile {low:.2f}"
)
print("median length of the midpoint:")
print(
    f"  straight line {median_linear_mid:.2f} "
    f"(√(d/2) = {np.sqrt(d / 2):.2f}), slerp {np.median(slerp_mid):.2f}"
)
prior_shorter = (prior_norms < median_linear_mid).mean()
print(
    f"prior draws shorter than the median straight midpoint: "
    f"{prior_shorter:.1%}"
)
share_linear = (linear_mid < low).mean()
share_slerp = (slerp_mid < low).mean()
print(
    f"midpoints shorter than 95 % of prior draws: "
    f"straight {share_linear:.0%}, slerp {share_slerp:.0%}"
)
assert share_linear > 0.5 and share_slerp < 0.15 and prior_shorter < 0.1
assert abs(median_linear_mid / np.sqrt(d / 2) - 1) < 0.1  # near √(d/2)
for name, value in [
    ("ch6_prior_median", np.median(prior_norms)),
    ("ch6_sqrt_d", np.sqrt(d)),
    ("ch6_linear_mid", median_linear_mid),
    ("ch6_sqrt_half_d", np.sqrt(d / 2)),
    ("ch6_slerp_mid", np.median(slerp_mid)),
    ("ch6_prior_shorter", prior_shorter),
    ("ch6_share_linear", share_linear),
    ("ch6_share_slerp", share_slerp),
]:
    vaecourse.glue(name, float(value))

# %% tags=["remove-cell"]
from scipy.stats import chi2

# The median length of a prior draw is the square root of chi²'s median.
assert abs(np.median(prior_norms) - np.sqrt(chi2.ppf(0.5, d))) < 0.05

# %% [markdown]
# A prior draw in 20-D has a median length of {glue:text}`ch6_prior_median:.2f`, close to
# $\sqrt d =$ {glue:text}`ch6_sqrt_d:.2f`. The straight midpoints have a median length of
# {glue:text}`ch6_linear_mid:.2f`, close to $\sqrt{d/2} =$
# {glue:text}`ch6_sqrt_half_d:.2f` (within 10 %, asserted), and only
# {glue:text}`ch6_prior_shorter:.1%` of prior draws are that short (asserted: less than
# 10 %). {glue:text}`ch6_share_linear:.0%` of the straight midpoints are shorter than
# 95 % of prior draws, against {glue:text}`ch6_share_slerp:.0%` of the spherical ones,
# whose median length is {glue:text}`ch6_slerp_mid:.2f` (asserted: more than half, less
# than 15 %).
#
# How much this matters depends on the dimension. The cell below repeats the measurement
# for a 2-D, a 20-D and a 100-D prior: the median lengths relative to $\sqrt d$, and the
# share of straight midpoints shorter than 95 % of prior draws (for prior draws
# themselves that share is 5 %).

# %%
# The columns of the table: median lengths relative to √d, and a share.
PRIOR = "prior draw: median length / √d"
MIDPOINT = "straight midpoint: median length / √d"
SHORT = "straight midpoints shorter than 95 % of prior draws"
shares, by_dim = {}, {}
for dim in (2, 20, 100):
    dim_rng = np.random.default_rng(dim)
    starts, ends = dim_rng.standard_normal((2, 1000, dim))  # as above
    # 100,000 prior draws, 10,000 at a time (the same draws, 160 MB fewer)
    norms = np.concatenate(
        [
            np.linalg.norm(dim_rng.standard_normal((10_000, dim)), axis=1)
            for _ in range(10)
        ]
    )
    mids = np.linalg.norm(midpoints(linear_path, starts, ends), axis=1)
    shares[dim] = (mids < np.percentile(norms, 5)).mean()
    by_dim[f"d = {dim}"] = {
        PRIOR: np.median(norms) / np.sqrt(dim),
        MIDPOINT: np.median(mids) / np.sqrt(dim),
        SHORT: shares[dim],
    }
assert shares[2] < shares[20] < shares[100]
assert shares[2] < 0.2 and shares[20] > 0.5
for dim, share in shares.items():
    vaecourse.glue(f"ch6_share_{dim}d", float(share))

# A table for the page: padded cells, numbers right-aligned.
CELLS = "padding: 0.3em 0.6em; text-align: right;"
ROW_NAMES = "text-align: left; white-space: nowrap;"
pd.DataFrame(by_dim).T.style.format(
    {PRIOR: "{:.2f}", MIDPOINT: "{:.2f}", SHORT: "{:.0%}"}
).set_table_styles(
    [
        {"selector": "th, td", "props": CELLS},
        {"selector": "th.row_heading", "props": ROW_NAMES},
    ]
)

# %% [markdown]
# In 2-D the effect is weak: {glue:text}`ch6_share_2d:.0%` of straight midpoints are
# shorter than 95 % of prior draws, not far from the 5 % of prior draws themselves. The
# share grows with the dimension: {glue:text}`ch6_share_20d:.0%` in 20-D,
# {glue:text}`ch6_share_100d:.0%` in 100-D (the cell asserts the growth, a share below
# 20 % in 2-D and above half in 20-D).
#
# ### Where the decoder was trained
#
# A point of atypical length matters because of what the decoder learned. It was not
# trained on prior draws but on codes drawn from the {term}`encoder <Encoder>`,
# $z \sim q(z \mid x)$ for the training images: draws from the
# {term}`aggregate posterior <Aggregate posterior>` of [chapter 2](02_vae_theory.ipynb),
# which the {term}`KL <KL divergence>` term pulls towards the prior without forcing it
# there. For the decoder, the question is where those codes lie. The next cells load the
# dense VAE with a **20-D** latent from the zoo (the model of
# [chapter 3](03_dense_vae.ipynb) with a wider latent), draw one code from $q(z \mid x)$
# for each of the first training images, and measure their lengths against the straight
# midpoints.

# %%
vae20, run20 = zoo.pretrained("dense_vae_20d")
print(run20.describe())

# %% tags=["remove-cell"]
assert vae20.latent_dim == d

# %%
(x_codes, _), _, _ = vaecourse.load_mnist_splits(
    "flat", parts=("train",), first=profile.choose(reader=10_000, quick=1000)
)
mean20, log_var20 = (
    np.asarray(a) for a in vae20.encoder.predict(x_codes, verbose=0)
)
eps20 = rng.standard_normal(mean20.shape)
codes20 = mean20 + np.exp(0.5 * log_var20) * eps20
code_norms = np.linalg.norm(codes20, axis=1)
codes_shorter = (code_norms < median_linear_mid).mean()
print(f"codes drawn from q(z|x) for {len(x_codes):,} training images:")
print(
    f"  median length {np.median(code_norms):.2f}, "
    f"5th percentile {np.percentile(code_norms, 5):.2f}"
)
cut = f"{median_linear_mid:.2f}"
print(f"shorter than the median straight midpoint ({cut}):")
print(f"  codes {codes_shorter:.1%}, prior draws {prior_shorter:.1%}")
vaecourse.glue("ch6_n_codes", len(x_codes))
vaecourse.glue("ch6_code_median", float(np.median(code_norms)))
vaecourse.glue("ch6_codes_shorter", float(codes_shorter))
# An untrained encoder (quick profile) says nothing about training.
if not profile.quick:
    assert codes_shorter < 0.1
    assert abs(np.median(code_norms) / np.sqrt(d) - 1) < 0.2

# %% [markdown]
# The codes of {glue:text}`ch6_n_codes:,.0f` training images have a median length of
# {glue:text}`ch6_code_median:.2f`, close to $\sqrt d$ like the prior draws (the cell
# asserts within 20 %), and only {glue:text}`ch6_codes_shorter:.1%` of them are shorter
# than the median straight midpoint (asserted: less than 10 %). The middle of a straight
# path between two prior draws lies where the decoder was hardly trained.
#
# Now take both paths between two prior draws: their lengths along the way
# ({numref}`fig-06-lengths`), and what that model decodes from them
# ({numref}`fig-06-prior-paths`).

# %% mystnb={"figure": {"caption": "The length of the latent point along the straight and the spherical path between two draws of the 20-D prior, against the lengths of the prior's draws.", "name": "fig-06-lengths"}, "image": {"alt": "Length of the latent point along the straight and the spherical path: the straight one dips well below the prior's shell in the middle, the spherical one stays in it"}}
z0, z1 = z0s[0].astype("float32"), z1s[0].astype("float32")
straight, spherical = linear_path(z0, z1, ts), slerp(z0, z1, ts)
both = np.asarray(vae20.decoder(np.concatenate([straight, spherical])))

fig, ax = plt.subplots(figsize=(6.5, 3.8))
fine = np.linspace(0, 1, 51)
for name, path_fn in (("straight line", linear_path), ("slerp", slerp)):
    ax.plot(fine, np.linalg.norm(path_fn(z0, z1, fine), axis=1), label=name)
ax.axhspan(
    *np.percentile(prior_norms, [5, 95]),
    color="grey",
    alpha=0.25,
    label="prior draws, 5th to 95th percentile",
)
ax.axhline(np.sqrt(d), color="black", ls=":", lw=1, label="√d")
ax.set_xlabel("t")
ax.set_ylabel("length of z")
ax.set_title(f"Length along the two paths in {d}-D")
# Below the axes, so that it covers none of the curves.
ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2)
plt.show()

# %% mystnb={"figure": {"caption": "The 20-D dense VAE decodes the nine points of the straight path (top) and of the spherical path (bottom) between the same two draws of the prior.", "name": "fig-06-prior-paths"}, "image": {"alt": "Two rows of nine digits decoded along the straight path and along the spherical path between two draws of the 20-D prior"}}
plotting.plot_image_rows(
    [both[: len(ts)], both[len(ts) :]],
    ["straight", "slerp"],
    n=len(ts),
    title=f"Between two draws of the {d}-D prior",
    scale=0.72,
)
plt.show()

# %% tags=["remove-cell"]
# The alt text: the straight path dips below the prior's 5th percentile.
assert np.linalg.norm(straight[len(ts) // 2]) < low

# %% [markdown]
# One pair shows little. The cell below decodes the midpoints of 200 pairs and measures
# how grey they are (more undecided pixels, by the greyness of the class averages above).

# %%
pairs = 200
mid_straight = midpoints(linear_path, z0s[:pairs], z1s[:pairs])
mid_slerp = midpoints(slerp, z0s[:pairs], z1s[:pairs])
grey_straight = greyness(vae20.decoder(mid_straight))
grey_slerp = greyness(vae20.decoder(mid_slerp))
print(
    f"average greyness of decoded midpoints: "
    f"straight {grey_straight.mean():.3f}, slerp {grey_slerp.mean():.3f}"
)
vaecourse.glue("ch6_grey_straight", float(grey_straight.mean()))
vaecourse.glue("ch6_grey_slerp", float(grey_slerp.mean()))
if not profile.quick:
    assert grey_straight.mean() > grey_slerp.mean()

# %% [markdown]
# The decoded straight midpoints are greyer on average than the spherical ones,
# {glue:text}`ch6_grey_straight:.3f` against {glue:text}`ch6_grey_slerp:.3f` (the cell
# asserts the order): fed points of atypically small length, where it was hardly trained,
# the decoder draws less decided images.
#
# Why it matters: interpolations are how one shows that a generative model has learned a
# smooth space rather than a list of training images. A straight line between two typical
# points of a wide Gaussian latent passes through points of atypically small length, so it
# can make the model look worse than it is; slerp keeps the path at typical lengths
# {cite:p}`white2016sampling`. With the 2-D latent of the first sections the difference is
# small, as the table by dimension showed.
#
# ## Summary
#
# * A pixel blend of two digits is a double exposure; a path through the latent space,
#   decoded, morphs one digit into another, through the classes that lie between them.
# * The VAE gives the half-way pixel blend a higher negative ELBO, a worse bound on
#   $-\log p(x)$, than either digit.
# * A figure can be made explorable twice: live with ipywidgets when a kernel runs, and on
#   a static page with the decoder itself running in the browser.
# * The decoded mean encoding of a class is one typical way of writing the digit; the mean
#   of its pixels superimposes all of them.
# * In a $d$-dimensional Gaussian latent, the origin is the density's mode, but the length
#   of a draw concentrates near $\sqrt d$ {cite:p}`vershynin2018high`, and so do the codes
#   the decoder was trained on. A straight line between two draws passes through points of
#   atypically small length, near $\sqrt{d/2}$ half-way; interpolate along great circles
#   (slerp) instead.
