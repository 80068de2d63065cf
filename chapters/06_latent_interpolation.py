# %% [markdown]
# # 6. Latent interpolation
#
# Take two images of digits. There are two ways to go from one to the other in small steps.
#
# * In **pixel space**: blend the pixels, $(1-t)\,x_0 + t\,x_1$ for $t$ from 0 to 1. Half-way,
#   both digits are drawn at half strength on top of each other.
# * In **latent space**: encode both images, walk along the line between their encodings,
#   $(1-t)\,\mu_0 + t\,\mu_1$, and decode every point of the walk.
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
#   the prior is not the best path, and what to use instead.

# %% [markdown]
# ## Setting up
#
# The model is the dense VAE of chapter 3 (2-D latent), loaded from the course's zoo.

# %%
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import HTML, display
from matplotlib.animation import FuncAnimation
from scipy.stats import chi2

import vaecourse
from vaecourse import evaluation, jsanimation, plotting, zoo

import keras

vaecourse.seed_everything(6)
profile = vaecourse.current_profile()
print(f"Keras {keras.__version__}, profile: {profile.name}")

# %%
vae, run = zoo.pretrained("dense_vae_2d")
print(run.describe())
assert vae.latent_dim == 2

(_, _), (x_test, y_test) = vaecourse.load_mnist(shape="flat")
x_test, y_test = profile.subset(x_test, y_test, quick=1000)
test_means = vae.encoder.predict(x_test, verbose=0)[0]
print("test images:", x_test.shape, " encodings:", test_means.shape)

# %% [markdown]
# ## Two digits, two paths
#
# We pick two test images, a 0 and a 1 (test images number 3 and 2), and encode them. As
# in the previous chapters, an image's encoding is the mean $\mu$ of its posterior
# $q(z\mid x)$. The two paths, each with nine steps from $t=0$ to $t=1$:

# %%
INDEX_A, INDEX_B = 3, 2
print("labels:", y_test[INDEX_A], "and", y_test[INDEX_B])
assert (y_test[INDEX_A], y_test[INDEX_B]) == (0, 1)


def pixel_path(x_a, x_b, ts):
    """The pixel blends (1 − t)·x_a + t·x_b, one row per t."""
    ts = np.asarray(ts, "float32")[:, None]
    return (1 - ts) * x_a + ts * x_b


def latent_path(z_a, z_b, ts):
    """The points (1 − t)·z_a + t·z_b of the line from z_a to z_b."""
    ts = np.asarray(ts, "float32")[:, None]
    return (1 - ts) * z_a + ts * z_b


ts = np.linspace(0, 1, 9)
x_a, x_b = x_test[INDEX_A], x_test[INDEX_B]
z_a, z_b = test_means[INDEX_A], test_means[INDEX_B]
blends = pixel_path(x_a, x_b, ts)
path = latent_path(z_a, z_b, ts)
decoded = vae.decoder.predict(path, verbose=0)
assert blends.shape == decoded.shape == (len(ts), 784)
assert np.allclose(blends[0], x_a) and np.allclose(blends[-1], x_b)

# %% mystnb={"image": {"alt": "Top row: a 0 fading into a 1 by pixel blending; bottom row: the decoded latent path, a 0 changing shape step by step into a 1"}}
plotting.plot_image_rows(
    [blends, decoded], ["pixel blend", "latent path"], n=len(ts),
    title="From a 0 to a 1, t = 0 (left) to t = 1 (right)")
plt.show()

# %% [markdown]
# The pixel blend is a double exposure: in the middle both digits are visible at half
# strength, and no step is a digit anyone would write. The latent path changes the *shape*:
# each step is a single, complete stroke pattern. The ends of the latent row are not the
# original images but their reconstructions through the 2-D bottleneck, hence the blur.
#
# Can we measure "is not a digit"? The VAE gives each image a loss, the negative ELBO, an
# upper bound on $-\log p(x)$: the lower, the more the model finds the image digit-like.
# The cell below scores the pixel blends (they are images, so the model can score them) and
# compares them with the test digits.

# %% mystnb={"image": {"alt": "Negative ELBO of the pixel blends against t: highest in the middle of the path, well above the typical test digit"}}
blend_ts = np.linspace(0, 1, 21)
def negative_elbo(model, images):
    reconstruction, kl = evaluation.elbo_terms(model, images)
    return reconstruction + kl


blend_scores = negative_elbo(vae, pixel_path(x_a, x_b, blend_ts))
test_scores = negative_elbo(vae, x_test[:1000])

fig, ax = plt.subplots(figsize=(6.5, 3.5))
ax.plot(blend_ts, blend_scores, marker=".", label="pixel blend at t")
ax.axhspan(*np.percentile(test_scores, [5, 95]), color="grey", alpha=0.25,
           label="test digits, 5th to 95th percentile")
ax.set_xlabel("t")
ax.set_ylabel("negative ELBO (nats per image)")
ax.set_title("How digit-like the VAE finds each pixel blend")
ax.legend()
plt.show()
middle = blend_scores[len(blend_ts) // 2]
print(f"negative ELBO: x_a {blend_scores[0]:.0f}, "
      f"x_b {blend_scores[-1]:.0f}, the blend at t = 0.5 {middle:.0f}")
print(f"test digits: median {np.median(test_scores):.0f}")
# An untrained model (quick profile) has no idea of a digit yet.
if not profile.quick:
    assert middle > max(blend_scores[0], blend_scores[-1])

# %% [markdown]
# The half-way blend scores worse than either end (the cell asserts it): to the model, a
# double exposure is less probable than either digit. The images of the latent path need no
# such test: they are what the decoder draws, by construction the model's idea of a digit.
#
# ### The path in the latent plane
#
# The straight line between the two encodings, over the encodings of the test digits:

# %% mystnb={"image": {"alt": "Scatter of test encodings by digit with the straight path from the 0 to the 1 drawn across it"}}
ax = plotting.plot_latent(test_means, y_test,
                          title="The latent path over the test encodings")
ax.plot(path[:, 0], path[:, 1], "-o", color="black", ms=4, lw=1.5)
for label, point in (("start", z_a), ("end", z_b)):
    ax.annotate(label, point, xytext=(8, 8), textcoords="offset points",
                weight="bold")
plt.show()

# %% [markdown]
# The path runs through the regions of other classes, and the decoded steps above show
# those classes on the way. That is no flaw: in two dimensions, going from one cluster to
# another *has* to cross whatever lies between.
#
# ## Explore it yourself
#
# One function draws the whole comparison for a pair of images and a value of $t$: the pixel
# blend, the decoded latent point, and the latent plane with the path and the current point.
# The slider below and the animation after it both use it.

# %%
background = np.random.default_rng(0).choice(
    len(x_test), size=min(2000, len(x_test)), replace=False)


def comparison_figure(index_a, index_b, dpi=100):
    """A figure comparing the two paths between two test images.

    Returns (fig, update): update(t) moves the figure to the point t of both
    paths.
    """
    xa, xb = x_test[index_a], x_test[index_b]
    za, zb = test_means[index_a], test_means[index_b]
    fig, (ax_pix, ax_lat, ax_plane) = plt.subplots(
        1, 3, figsize=(9.5, 3.6), dpi=dpi,
        gridspec_kw={"width_ratios": [1, 1, 1.25]})
    pix = ax_pix.imshow(xa.reshape(28, 28), cmap="gray_r", vmin=0, vmax=1)
    lat = ax_lat.imshow(xa.reshape(28, 28), cmap="gray_r", vmin=0, vmax=1)
    for ax in (ax_pix, ax_lat):
        ax.set_xticks([])
        ax.set_yticks([])
    codes, labels = test_means[background], y_test[background]
    for digit in range(10):
        keep = labels == digit
        ax_plane.scatter(codes[keep, 0], codes[keep, 1], s=2, alpha=0.5,
                         color=plotting.DIGIT_COLOURS[digit])
    ax_plane.plot([za[0], zb[0]], [za[1], zb[1]], color="black", lw=1)
    point, = ax_plane.plot([], [], "o", ms=9, mfc="white", mec="black",
                           mew=2)
    ax_plane.set_xlabel("latent dimension 1")
    ax_plane.set_ylabel("latent dimension 2")
    ax_pix.set_title("pixel blend")
    ax_lat.set_title("decoded latent point")
    ax_plane.set_title("latent plane")
    title = fig.suptitle("", y=0.98)
    name_a = f"test image {index_a} (a {y_test[index_a]})"
    name_b = f"test image {index_b} (a {y_test[index_b]})"

    def update(t):
        z = (1 - t) * za + t * zb
        pix.set_data(((1 - t) * xa + t * xb).reshape(28, 28))
        image = vae.decoder(z[None].astype("float32"), training=False)
        lat.set_data(np.asarray(image).reshape(28, 28))
        point.set_data([z[0]], [z[1]])
        title.set_text(f"{name_a} → {name_b},   t = {t:.2f}")
        return pix, lat, point, title

    fig.tight_layout(rect=(0, 0, 1, 0.93))
    return fig, update


# %% [markdown]
# ### Live, with a kernel
#
# Running this notebook in Jupyter, Binder or Colab, the cell below gives a slider for $t$
# and two boxes for the indices of the test images (any of the test images: try pairs of
# different classes, and pairs of the same class). The slider needs a running Python kernel,
# so the book's build skips this cell (its tag `skip-execution`) and this page shows only its
# code; here, use the animation further down instead.

# %% tags=["skip-execution"]
import ipywidgets as widgets


def show_comparison(index_a, index_b, t):
    fig, update = comparison_figure(index_a, index_b)
    update(t)
    plt.show()


last = len(x_test) - 1
live = widgets.interactive(
    show_comparison,
    index_a=widgets.BoundedIntText(value=INDEX_A, min=0, max=last,
                                   description="image A"),
    index_b=widgets.BoundedIntText(value=INDEX_B, min=0, max=last,
                                   description="image B"),
    t=widgets.FloatSlider(value=0.5, min=0.0, max=1.0, step=0.05,
                          description="t", continuous_update=False),
)
display(live)

# %% [markdown]
# ### On this page, without a kernel
#
# The same figure, pre-rendered for 21 values of $t$ and packed into the page as a small
# JavaScript animation (`matplotlib.animation.FuncAnimation(...).to_jshtml()`, through a
# helper, `vaecourse.jsanimation.page_html`, that fits it to the book's pages). Drag its
# slider, or use the buttons to step through the frames or play them. It works in any
# browser, with no Python behind it; the price is that the two digits are fixed.

# %% mystnb={"image": {"alt": "Animation with a slider: the pixel blend, the decoded latent point and the point moving along the path in the latent plane, for t from 0 to 1"}}
FRAMES = 21
frame_ts = np.linspace(0, 1, FRAMES)
fig, update = comparison_figure(INDEX_A, INDEX_B, dpi=72)
animation = FuncAnimation(fig, lambda i: update(frame_ts[i]), frames=FRAMES)
# to_jshtml(), plus a text alternative for the frames and no outside stylesheet
page_animation = jsanimation.page_html(
    animation, alt="Pixel blend, decoded latent point and latent plane at one t")
plt.close(fig)  # the animation replaces the still figure
print(f"{FRAMES} frames, {len(page_animation) / 1e6:.2f} MB of HTML")
assert page_animation.count("data:image/png;base64") == FRAMES
display(HTML(page_animation))

# %% [markdown]
# ## Between two classes
#
# The average of the encodings of all the test 3s is a point of the latent plane; decoded,
# it is the model's "typical 3". The same for the 7s. Walking from one to the other is a walk
# between two typical digits. Compare the decoded average encoding with the *pixel* average
# of the class, at the left and right ends of the two rows: the pixel average superimposes
# every way of writing the digit, while the decoded average encoding is one way of writing
# it, drawn with the blur of the 2-D model.

# %% mystnb={"image": {"alt": "Top row: the pixel averages of the 3s and the 7s and their blends; bottom row: the decoded path between the mean encodings of the 3s and the 7s"}}
CLASS_A, CLASS_B = 3, 7
mean_a = test_means[y_test == CLASS_A].mean(axis=0)
mean_b = test_means[y_test == CLASS_B].mean(axis=0)
pixel_mean_a = x_test[y_test == CLASS_A].mean(axis=0)
pixel_mean_b = x_test[y_test == CLASS_B].mean(axis=0)
class_path = vae.decoder.predict(latent_path(mean_a, mean_b, ts), verbose=0)
plotting.plot_image_rows(
    [pixel_path(pixel_mean_a, pixel_mean_b, ts), class_path],
    ["pixel averages", "mean encodings"], n=len(ts),
    title=f"From the average {CLASS_A} to the average {CLASS_B}")
plt.show()
print(f"mean encoding of the {CLASS_A}s: {np.round(mean_a, 2)}, "
      f"of the {CLASS_B}s: {np.round(mean_b, 2)}")


# %% [markdown]
# A simple number measures the difference: how grey an image is, the average of
# $4p(1-p)$ over its pixels (0 for pure black and white, 1 for all pixels at 0.5). The
# cell below asserts that the decoded average encodings are less grey than the pixel
# averages.

# %%
def greyness(images):
    p = np.asarray(images).reshape(len(images), -1)
    return (4 * p * (1 - p)).mean(axis=1)


grey_pixel = greyness(np.stack([pixel_mean_a, pixel_mean_b]))
grey_decoded = greyness(class_path[[0, -1]])
print("greyness of the pixel averages:", np.round(grey_pixel, 3),
      " of the decoded mean encodings:", np.round(grey_decoded, 3))
if not profile.quick:
    assert grey_decoded.mean() < grey_pixel.mean()


# %% [markdown]
# ## Straight lines in many dimensions
#
# In two dimensions the straight line is the natural path. In a wider latent space it has a
# catch. A standard normal vector in $d$ dimensions has a squared length that is a sum of
# $d$ squared standard normals: its length concentrates near $\sqrt d$ and almost never comes
# close to 0. The prior's mass lies in a thin **shell**, not at its centre. The midpoint of
# two independent draws is $\tfrac12(z_0+z_1)$, a normal vector of variance ½ per
# coordinate, so its length is near $\sqrt{d/2}$: *inside* the shell, in a region the
# prior, and thus the decoder's training, hardly ever visits.
#
# The **spherical** interpolation (slerp) {cite:p}`white2016sampling` follows the great
# circle between the two points instead, which keeps the length near that of its ends:
#
# $$
# \operatorname{slerp}(z_0, z_1; t) = \frac{\sin((1-t)\,\Omega)}{\sin \Omega}\, z_0
#   + \frac{\sin(t\,\Omega)}{\sin \Omega}\, z_1,
# \qquad \cos\Omega = \frac{z_0\cdot z_1}{\lVert z_0\rVert\,\lVert z_1\rVert}.
# $$
#
# We use the dense VAE with a **20-D** latent from the zoo (the model of chapter 3 with a
# wider latent).

# %%
def slerp(z0, z1, ts):
    """Spherical interpolation from z0 to z1, one row per t.

    Falls back to the straight line when z0 and z1 are parallel.
    """
    z0, z1 = np.asarray(z0, "float64"), np.asarray(z1, "float64")
    cos = np.dot(z0, z1) / (np.linalg.norm(z0) * np.linalg.norm(z1))
    omega = np.arccos(np.clip(cos, -1.0, 1.0))
    ts = np.asarray(ts, "float64")[:, None]
    if np.sin(omega) < 1e-6:
        return ((1 - ts) * z0 + ts * z1).astype("float32")
    path = np.sin((1 - ts) * omega) * z0 + np.sin(ts * omega) * z1
    return (path / np.sin(omega)).astype("float32")


d = 20
rng = np.random.default_rng(20)
z0s, z1s = rng.standard_normal((2, 1000, d))
prior_norms = np.linalg.norm(rng.standard_normal((100_000, d)), axis=1)
linear_mid = np.linalg.norm((z0s + z1s) / 2, axis=1)
slerp_mid = np.array([np.linalg.norm(slerp(a, b, [0.5])[0])
                      for a, b in zip(z0s, z1s)])
low = np.percentile(prior_norms, 5)
print(f"length of a prior draw in {d}-D: "
      f"median {np.median(prior_norms):.2f} "
      f"(√d = {np.sqrt(d):.2f}), 5th percentile {low:.2f}")
print(f"median length of the midpoint: straight line "
      f"{np.median(linear_mid):.2f}, slerp {np.median(slerp_mid):.2f}")
share_linear = (linear_mid < low).mean()
share_slerp = (slerp_mid < low).mean()
print(f"midpoints shorter than 95 % of prior draws: "
      f"straight {share_linear:.0%}, slerp {share_slerp:.0%}")
assert abs(np.median(prior_norms) - np.sqrt(chi2.ppf(0.5, d))) < 0.05
assert share_linear > 0.5 and share_slerp < 0.15

# %% [markdown]
# Now decode both paths between two prior draws with the 20-D model.

# %%
vae20, run20 = zoo.pretrained("dense_vae_20d")
print(run20.describe())
assert vae20.latent_dim == d

# %% mystnb={"image": {"alt": "Left: length of the latent point along the straight and the spherical path, the straight one dipping well below the prior's shell; right: the decoded images of both paths"}}
z0, z1 = z0s[0].astype("float32"), z1s[0].astype("float32")
straight, spherical = latent_path(z0, z1, ts), slerp(z0, z1, ts)
both = np.asarray(vae20.decoder(np.concatenate([straight, spherical])))

fig, ax = plt.subplots(figsize=(6.5, 3.4))
fine = np.linspace(0, 1, 51)
for name, path_fn in (("straight line", latent_path), ("slerp", slerp)):
    ax.plot(fine, np.linalg.norm(path_fn(z0, z1, fine), axis=1), label=name)
ax.axhspan(*np.percentile(prior_norms, [5, 95]), color="grey", alpha=0.25,
           label="prior draws, 5th to 95th percentile")
ax.set_xlabel("t")
ax.set_ylabel("length of z")
ax.set_title(f"Length along the two paths in {d}-D")
ax.legend(loc="lower left")
plt.show()

plotting.plot_image_rows([both[: len(ts)], both[len(ts):]],
                         ["straight", "slerp"], n=len(ts),
                         title=f"Between two draws of the {d}-D prior")
plt.show()

# %% [markdown]
# Over many pairs, the decoded midpoints of the straight paths are greyer (more
# undecided pixels) than those of the spherical paths: the decoder, fed a point inside the
# shell, hedges. The cell below measures it on 200 pairs.

# %%
pairs = 200
mid_straight = ((z0s[:pairs] + z1s[:pairs]) / 2).astype("float32")
mid_slerp = np.stack([slerp(a, b, [0.5])[0]
                      for a, b in zip(z0s[:pairs], z1s[:pairs])])
grey_straight = greyness(vae20.decoder(mid_straight))
grey_slerp = greyness(vae20.decoder(mid_slerp))
print(f"average greyness of decoded midpoints: "
      f"straight {grey_straight.mean():.3f}, slerp {grey_slerp.mean():.3f}")
if not profile.quick:
    assert grey_straight.mean() > grey_slerp.mean()

# %% [markdown]
# Why it matters: interpolations are how one shows that a generative model has learned a
# smooth space rather than a list of training images, and straight lines through a wide
# Gaussian latent pass through its improbable centre, so they make the model look worse
# than it is (and, used for data augmentation or editing, they produce atypical images).
# With the 2-D latent above the effect is weak, since in 2-D the shell is thick; it grows
# with the dimension.
#
# ## Summary
#
# * A pixel blend of two digits is a double exposure; a path through the latent space,
#   decoded, morphs one digit into another, through the classes that lie between them.
# * The VAE scores the half-way pixel blend as less probable than either digit.
# * A figure can be made explorable twice: live with ipywidgets when a kernel runs, and as a
#   pre-rendered JavaScript animation on a static page.
# * The decoded mean encoding of a class is one typical way of writing the digit; the mean
#   of its pixels superimposes all of them.
# * In a $d$-dimensional Gaussian latent, samples lie near the shell of radius $\sqrt d$:
#   interpolate between them along great circles (slerp), not straight lines.
