# %% [markdown]
# # Anomaly detection
#
# A VAE trained on some kind of data learns what that data looks like. Show it something of
# another kind and it should cope worse: the reconstruction should be poorer, the
# {term}`ELBO` lower, the code far from where the training data sits. That suggests an
# **anomaly detector** that needs no examples of anomalies to train: train on normal data
# only, and flag what the model finds unlikely {cite:p}`an2015variational`.
#
# This chapter puts that idea to a hard test. The VAEs are trained on the digits 0 to 8, and
# the digit **9** plays the anomaly. Nines are hard to tell apart: a 9 is a 4 with a closed
# top, or a 7 with a loop. {cite:t}`tonnaer2023linearly` (Table 3.3 of the thesis) reports
# an {term}`area under the ROC curve <AUROC>` of 0.66 for held-out nines, with a 2-D VAE
# scored by its ELBO, where 0.5 is chance and 1 is perfect; we compare our own number with
# it near the end.
#
# In this chapter you will:
#
# * see how the VAE reconstructs digits it never saw;
# * compare anomaly scores: reconstruction error (L2 and cross-entropy), the negative ELBO, an
#   {term}`importance-weighted bound` on −log p(x), and two scores in the
#   {term}`latent space`;
# * rate them with ROC and precision–recall curves, against a PCA baseline, and choose a
#   detector on validation data;
# * set a threshold at a stated false-positive rate on the {term}`validation split`'s
#   normal digits, use the test set once, and see why the test set's false-positive rate is
#   not the one aimed at;
# * find what makes the nines hard, and how the picture changes for each digit held out in
#   turn.
#
# Three pieces are yours to write, each checked as soon as you run its cell and used by the
# rest of the chapter: an anomaly score of your own design ({ref}`exercise-7-1`), the
# AUROC and {term}`AUPRC` that rate every score ({ref}`exercise-7-2`), and the threshold at a
# chosen false-positive rate ({ref}`exercise-7-3`).
#
# The numbers in the text are those the cells compute, and every ordering or bound the text
# states about them (this score above that one, a gap of more than so many standard errors)
# is checked by a hidden cell when the book is built; sentences about "your score" describe
# the book, which runs the reference solutions.

# %% [markdown]
# ## Setting up

# %%
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import LogLocator, NullFormatter, ScalarFormatter
from scipy.stats import spearmanr
from sklearn import metrics

import vaecourse
from vaecourse import anomaly, models, plotting, zoo
from vaecourse.results import headline
from vaecourse.tables import styled

import keras

vaecourse.seed_everything(7)
profile = vaecourse.current_profile()
print(f"Keras {keras.__version__}, profile: {profile.name}")

# %% [markdown]
# ## Normal data, validation data and anomalies
#
# MNIST has 60,000 training images and 10,000 test images. As everywhere in this course, the
# training images are split in two (`vaecourse.load_mnist_splits`):
#
# * **Training** images: the digits 0–8 among the first 50,000 training images,
#   {glue:text}`ch7_n_fit:,.0f` images. The models of this chapter train on these only.
# * **Validation** images: the last 10,000 training images, nines included:
#   {glue:text}`ch7_n_val_normal:,.0f` normal digits and {glue:text}`ch7_n_val_nines:,.0f`
#   nines. No model trains on them. Their normal digits set the threshold and the scale of
#   the scores; their nines, against those normal digits, are what we compare the scores on
#   and choose the detector with.
# * **Test** images: the 10,000 test images, {glue:text}`ch7_n_test_normal:,.0f` normal
#   digits and {glue:text}`ch7_n_test_nines:,.0f` nines. They are used once, at the end, for
#   the numbers we report.
# * **Noise**: 500 images of uniform random pixels, anomalies that look like no digit.
#
# Training and the threshold use no nine at all. Choosing among scores does need examples of
# the anomaly: those are the validation nines, never the test nines.

# %%
ANOMALY = 9
NORMAL_DIGITS = tuple(d for d in range(10) if d != ANOMALY)
# the first 50,000 training images without the nines (filtered as they
# load), kept as stored (uint8, 35 MB rather than 141 MB as floats)
(x_fit, y_fit), _, _ = vaecourse.load_mnist_splits(
    shape="flat", digits=NORMAL_DIGITS, parts=("train",), as_stored=True
)
_, (x_val, y_val), (x_test, y_test) = vaecourse.load_mnist_splits(
    shape="flat", parts=("validation", "test")
)
x_fit, y_fit = profile.subset(x_fit, y_fit, quick=2000)
x_val, y_val = profile.subset(x_val, y_val, quick=1000)
x_test, y_test = profile.subset(x_test, y_test, quick=1000)
val_nine, is_nine = y_val == ANOMALY, y_test == ANOMALY
n_noise = profile.choose(reader=500, quick=200)
x_noise = np.random.default_rng(0).uniform(size=(n_noise, 784))
x_noise = x_noise.astype("float32")
counts = {
    "fit": len(x_fit),
    "val_normal": int(np.sum(~val_nine)),
    "val_nines": int(np.sum(val_nine)),
    "test_normal": int(np.sum(~is_nine)),
    "test_nines": int(np.sum(is_nine)),
}
for key, n in counts.items():
    vaecourse.glue(f"ch7_n_{key}", n)
    print(f"{key:12} {n:6,d}")
print(f"{'noise':12} {len(x_noise):6,d}")

# %% tags=["remove-cell"]
assert ANOMALY not in set(y_fit)
assert len(y_test) == profile.choose(reader=10_000, quick=1000)
assert len(y_val) == profile.choose(reader=10_000, quick=1000)
assert val_nine.any() and (~val_nine).any() and is_nine.any()

# %% [markdown]
# ## A VAE that has never seen a 9
#
# The model is the dense VAE of [chapter 3](03_dense_vae.ipynb) (784–512–2), trained the
# same way but on the training images above only, and validated on the validation split's
# normal digits. Its
# recipe in the zoo is `dense_vae_no9`; the shipped weights are loaded unless
# `RETRAIN = True`, and a model you train here is saved in `my_weights/`, never over the
# shipped `weights/`.

# %%
RETRAIN = False  # True: train here; saved in my_weights/
LATENT_DIM, EPOCHS, BATCH_SIZE = 2, 30, 128
recipe = zoo.RECIPES["dense_vae_no9"]
vae = models.build_dense_vae(latent_dim=LATENT_DIM)
vae.compile(optimizer=keras.optimizers.Adam(recipe.learning_rate))


def train(model):
    # the recipe's images, loaded again: x_fit goes once the chapter has
    # fitted its latent references
    x_normal, _ = zoo.training_data("dense_vae_no9")
    return model.fit(
        x_normal,
        validation_data=(x_val[~val_nine],),
        epochs=profile.epochs(EPOCHS),
        batch_size=BATCH_SIZE,
        verbose=0,
        callbacks=[vaecourse.EpochLogger()],
    )


run = vaecourse.train_or_load(vae, "dense_vae_no9", train, retrain=RETRAIN)
print(run.describe())

# %% tags=["remove-cell"]
assert recipe.digits == NORMAL_DIGITS and recipe.shape == "flat"
assert (recipe.kwargs, recipe.epochs, recipe.batch_size) == (
    {"latent_dim": LATENT_DIM},
    EPOCHS,
    BATCH_SIZE,
)
assert not recipe.cosine and not recipe.weight_decay
assert run.history["loss"][-1] < run.history["loss"][0]

# %% [markdown]
# ## How it reconstructs the digit it never saw
#
# Eight normal validation digits and eight validation nines, each above its reconstruction
# ({numref}`fig-07-reconstructions`).

# %% mystnb={"figure": {"caption": "Normal validation digits and validation nines, each above its reconstruction by the 2-D VAE trained on the digits 0 to 8.", "name": "fig-07-reconstructions"}, "image": {"alt": "Normal validation digits and their reconstructions above validation nines and their reconstructions"}}
normal_examples = x_val[~val_nine][:8]
nine_examples = x_val[val_nine][:8]
plotting.plot_image_rows(
    [
        normal_examples,
        vae.reconstruct(normal_examples),
        nine_examples,
        vae.reconstruct(nine_examples),
    ],
    ["normal", "reconstructed", "nine", "reconstructed"],
    title="A VAE trained on 0–8: normal digits and nines through a 2-D code",
    n=8,
    scale=0.8,
)
plt.show()


# %% [markdown]
# **Question 1.** What do you notice about the reconstructions in the two cases? Is it what
# you would expect?
#
# ````{admonition} Answer
# :class: dropdown
#
# The normal digits come back blurred but as the right digit, as in
# [chapter 3](03_dense_vae.ipynb). A nine has no place of its own in the code: the
# {term}`decoder` can only draw what its training taught it, so
# every image, whatever it is, is explained as the closest normal digit, and a nine comes
# back as something like a 4, a 7 or a blur between digits. Look for it in
# {numref}`fig-07-reconstructions`. This is what reconstruction-based detection counts on:
# the gap between a nine and the "normal" digit drawn in its place.
#
# It is also why the task is hard. A nine and its reconstruction as a 4 or a 7 differ in the
# pixels of the loop, while a normal 2, 5 or 8 through a 2-D code loses detail too. Whether
# the gap for a nine stands out from the everyday blur of a normal digit is measured next.
# ````
#
# ## The reconstruction error of normal digits, nines and noise
#
# The simplest score is the distance between an image and its reconstruction, here the L2
# norm ‖x − x̂‖ with x̂ the decoded posterior mean. `vaecourse.anomaly` computes it and the other
# scores of this chapter in batched calls. In {numref}`fig-07-l2-errors` the x axis is
# logarithmic: noise is far away.

# %% mystnb={"figure": {"caption": "The L2 reconstruction error of the 2-D VAE for normal validation digits, validation nines and uniform noise (densities, logarithmic x axis).", "name": "fig-07-l2-errors"}, "image": {"alt": "Histograms of the reconstruction error of normal validation digits, validation nines and noise images, on a logarithmic axis"}}
l2_val, _ = anomaly.reconstruction_errors(vae, x_val)
l2_noise, _ = anomaly.reconstruction_errors(vae, x_noise)
frame = pd.DataFrame(
    {
        "L2 reconstruction error": np.r_[
            l2_val[~val_nine], l2_val[val_nine], l2_noise
        ],
        "images": ["normal digits"] * int(np.sum(~val_nine))
        + ["nines"] * int(np.sum(val_nine))
        + ["uniform noise"] * len(l2_noise),
    }
)
fig, ax = plt.subplots(figsize=(6.6, 4))
sns.histplot(
    frame,
    x="L2 reconstruction error",
    hue="images",
    stat="density",
    common_norm=False,
    element="step",
    log_scale=True,
    bins=60,
    ax=ax,
)
# plain tick labels on the log axis: 1, 2, 3, 5, 10, 20
ax.xaxis.set_major_locator(LogLocator(subs=(1, 2, 3, 5)))
ax.xaxis.set_major_formatter(ScalarFormatter())
ax.xaxis.set_minor_formatter(NullFormatter())
ax.set_title("Reconstruction error of the VAE trained on 0–8 (validation)")
plt.show()
median_l2 = {
    "normal": np.median(l2_val[~val_nine]),
    "nines": np.median(l2_val[val_nine]),
    "noise": np.median(l2_noise),
}
l2_by_digit = pd.Series(l2_val[~val_nine]).groupby(y_val[~val_nine]).median()
l2_auroc = anomaly.roc_pr(l2_val[~val_nine], l2_val[val_nine])["AUROC"]
print("median L2 error:")
for key, value in median_l2.items():
    print(f"  {key:7} {value:6.2f}")
print("median L2 error of each normal digit:")
print(
    l2_by_digit.rename("median").to_frame().T.to_string(float_format="%.2f")
)
print(f"a nine's error above a normal digit's in {l2_auroc:.1%} of the pairs")
for key, value in median_l2.items():
    vaecourse.glue(f"ch7_median_l2_{key}", float(value))
vaecourse.glue("ch7_median_l2_ones", float(l2_by_digit.loc[1]))
vaecourse.glue("ch7_l2_auroc_2d", float(l2_auroc))
assert np.median(l2_noise) > 2 * median_l2["normal"]
assert np.min(l2_noise) > np.percentile(l2_val, 99)
assert l2_by_digit.idxmin() == 1
if not profile.quick:
    assert l2_auroc < 0.75

# %% [markdown]
# **Question 2.** What does the distribution of the reconstruction error say in each case,
# and what does it say about the VAE as a detector?
#
# ````{admonition} Answer
# :class: dropdown
#
# Noise is trivially detected: every noise image has a larger error than 99% of the digits
# (the cell checks it), since the decoder can only produce digit-like images and random
# pixels are nothing like them. A detector does not need a VAE for that, though; the mean
# pixel value would do.
#
# The nines are the real test, and their errors overlap with those of the normal digits:
# median {glue:text}`ch7_median_l2_nines:.2f` for the nines against
# {glue:text}`ch7_median_l2_normal:.2f` for the normal digits, and a nine has the larger
# error in only {glue:text}`ch7_l2_auroc_2d:.0%` of the (normal digit, nine) pairs, where
# 50% is chance. The reconstruction error measures how well the model can *explain* an
# image, and a 2-D model explains every digit with a visible blur. Worse, the error depends
# on how much the digit draws: a 1, with few pixels to get wrong, has the lowest median error
# of all the normal digits ({glue:text}`ch7_median_l2_ones:.2f`). A score that mostly
# measures "how much ink" cannot find nines; the section {ref}`ch07-ink` below measures how
# much the scores do, and the following sections look for better scores.
# ````
#
# ## Seven scores and yours, three models
#
# Each score is larger for images the model finds stranger:
#
# * **L2** and **BCE**: the reconstruction error, as a distance and as the binary
#   cross-entropy in {term}`nats` (the reconstruction term of the ELBO, at the posterior
#   mean);
# * **−ELBO**: the negative ELBO, averaged over ten samples z ~ q(z|x) (the
#   {term}`approximate posterior`), the same ten as the next score (so it costs no decoder
#   call of its own);
# * **−log p(x) (IW)**: the importance-weighted bound of [chapter 3](03_dense_vae.ipynb)
#   with 10 samples {cite:p}`burda2016importance`, an upper bound on −log p(x) that is
#   tighter than the −ELBO (in expectation); we call it the IW bound;
# * **IW − complexity**: the same, minus the length in nats of the binarised image compressed
#   with zlib. Likelihoods favour simple images {cite:p}`nalisnick2019deep`; subtracting a
#   generic measure of complexity is meant to keep what is specific to the model
#   {cite:p}`serra2020input`;
# * **latent density**: −log density of the image's posterior mean under a mixture of ten
#   Gaussians fitted to the posterior means of 10,000 training images drawn at random (to
#   save time);
# * **latent kNN**: the mean distance from the image's posterior mean to those of its ten
#   nearest training images (all of them).
#
# Besides the 2-D VAE, two models trained on the same images: the same dense VAE with a
# **16-D** latent space, and a **convolutional** VAE: the first version of the network of
# [chapter 4](04_conv_vae.ipynb), with one `Dense` layer each way (recipes
# `dense_vae_no9_16d` and `conv_vae_no9` in the zoo; the convolutional one trained for 15
# epochs to save time, and without chapter 4's weight decay).
#
# ```{exercise-start} A score of your own
# :label: exercise-7-1
# ```
#
# Before the chapter computes these, design an eighth. Write `my_anomaly_score(model, x)`:
# a VAE of this course and a batch of `n` images in the shape it takes (rows of 784 pixels
# for a dense model, 28×28×1 images for the convolutional one) in, one number per image out,
# shape `(n,)`, larger for the images the model explains worse. The rule is yours: another
# distance between `x` and `model.reconstruct(x)`, a term of the ELBO, something about the
# code (`model.encoder(x)` returns the posterior means and log-variances), or an idea from
# question 1's answer. Each image's score must depend on that image alone.
#
# The checker runs your function on two small VAEs built from 300 digits in a moment,
# without training (one takes rows of pixels, the other 28×28×1 images). It checks that
# you return one finite score per image, the same whatever other images share the batch,
# and that 40 noise images score above 40 digits, with a hint for the usual slips (a sign
# the wrong way round, a sum over the wrong axis, a log of 0). A third model, the first
# with the weights of its output layer multiplied by 50, gives probabilities of exactly 0
# or 1 for many pixels, as the trained models do for some: on it, your scores need only
# be finite. The next cell then computes your score for the three models, 200 images at a
# time, and every table, curve and threshold below includes it as "your score".


# %%
def my_anomaly_score(model, x):
    """One number per image, larger for stranger images."""
    # Your code here.
    vaecourse.todo()


my_anomaly_score = vaecourse.check(
    "07_anomaly_detection_1_my_score", my_anomaly_score
)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-7-1
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/07_anomaly_detection_1_my_score.py
# :language: python
# ```
#
# ```{solution-end}
# ```
#
# The book runs the reference solution, so in its tables "your score" is the sum of the 20
# largest pixel errors of each image. It follows question 1's answer: a nine differs from
# the 4 or 7 drawn in its place in a few pixels, and summing over every pixel drowns them
# in the blur of all the others.
#
# The cell below scores the validation images and the noise with every model. The test
# images wait until a detector has been chosen.

# %%
vae16, run16 = zoo.pretrained("dense_vae_no9_16d", retrain=RETRAIN)
conv, run_conv = zoo.pretrained("conv_vae_no9", retrain=RETRAIN)
for r in (run16, run_conv):
    print(r.describe())
detectors = {"dense 2-D": vae, "dense 16-D": vae16, "conv 2-D": conv}
ALL_SCORES = [*anomaly.SCORE_NAMES, "your score"]
# training images the latent mixture and the PCA baseline are fitted to
MIXTURE_SIZE = 10_000


# %%
# (A cell of its own: the memory freed by the models' loading is handed
# back before the references are built, which lowers the kernel's peak.)
def as_input(model, x):
    """Flat images for a dense model, 28×28×1 for a convolutional one."""
    return x.reshape((len(x),) + tuple(model.encoder.inputs[0].shape[1:]))


# the latent scores' reference: the codes of the training images only
references = {
    label: anomaly.LatentReference(
        model, as_input(model, x_fit), mixture_size=MIXTURE_SIZE
    )
    for label, model in detectors.items()
}
# the PCA baseline of a later section learns from the same training images
N_PCA = 16
pca = anomaly.fit_pca(x_fit, N_PCA, fit_size=MIXTURE_SIZE)
del x_fit


# %%
def all_scores(label, x, names=ALL_SCORES, chunk=200):
    """The scores `names` of the images x under the model `label`."""
    model = detectors[label]
    x = as_input(model, x)
    out = anomaly.scores(
        model,
        x,
        references[label],
        elbo_samples=None,
        names=[n for n in names if n != "your score"],
    )
    if "your score" in names:
        out["your score"] = np.concatenate(
            [
                np.asarray(
                    my_anomaly_score(model, x[i : i + chunk]), dtype=float
                )
                for i in range(0, len(x), chunk)
            ]
        )
    return out


val_scores = {label: all_scores(label, x_val) for label in detectors}
noise_scores = {label: all_scores(label, x_noise) for label in detectors}

# %% tags=["remove-cell"]
for name in ("dense_vae_no9_16d", "conv_vae_no9"):
    assert zoo.RECIPES[name].digits == NORMAL_DIGITS
assert zoo.RECIPES["conv_vae_no9"].epochs == 15
assert zoo.RECIPES["conv_vae_no9"].weight_decay == 0.0
assert zoo.RECIPES["conv_vae_no9"].kwargs == zoo.CONV_VAE_ONE_DENSE_KWARGS
for label, scores in val_scores.items():
    assert list(scores) == ALL_SCORES
    for name, s in scores.items():
        assert np.isfinite(s).all(), (label, name)
        # noise is stranger than normal digits for every score of the pixels
        if name in ("L2", "BCE", "-ELBO", "-log p(x) (IW)", "your score"):
            assert np.median(noise_scores[label][name]) > np.median(
                s[~val_nine]
            ), (label, name)

# %% [markdown]
# ## Rating a score: AUROC and AUPRC
#
# A good score gives the nines larger values than the normal digits, and two numbers
# summarise how well it does that, over every threshold one could choose. The area under the
# ROC curve (**AUROC**) is the probability that a random nine scores higher than a random
# normal digit: 1 is perfect, 0.5 is chance. The area under the precision–recall curve
# (**AUPRC**, computed as the average precision) is harder to read but more honest when
# anomalies are rare: {glue:text}`ch7_val_share_nines:.0%` of the validation images are
# nines, and that is the AUPRC of a score that says nothing.
#
# ```{exercise-start} AUROC and AUPRC
# :label: exercise-7-2
# ```
#
# Write `auroc_auprc(normal, anomalous)`: the scores of the normal images and those of the
# anomalies (two 1-D arrays, of any lengths) in, the dict `{"AUROC": ..., "AUPRC": ...}` of
# two floats out, the anomalies being the positives.
#
# * AUROC: the fraction of the (normal, anomalous) pairs in which the anomaly has the larger
#   score, a tie counting as half a pair.
# * AUPRC: rank all the images by score, largest first. At each anomaly, the precision is
#   the share of anomalies among the images ranked down to it; average these precisions over
#   the anomalies.
#
# Write them yourself, or call `sklearn.metrics` (`roc_auc_score`,
# `average_precision_score`) with the right labels. The checker compares your numbers with
# hand-counted ones on small cases, including ties, and names the usual slips: labels
# swapped, the AUROC returned as the AUPRC, the area under the precision–recall curve by
# trapezoids. The cell after it rates every score of every model on the validation images
# with your function.


# %%
def auroc_auprc(normal, anomalous):
    """AUROC and AUPRC; the anomalies are the positives."""
    # Your code here.
    vaecourse.todo()


auroc_auprc = vaecourse.check(
    "07_anomaly_detection_2_auroc_auprc", auroc_auprc
)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-7-2
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/07_anomaly_detection_2_auroc_auprc.py
# :language: python
# ```
#
# ```{solution-end}
# ```


# %%
def rate(score):
    """AUROC and AUPRC of a validation score, the nines as the anomalies."""
    return auroc_auprc(score[~val_nine], score[val_nine])


results = pd.DataFrame(
    {
        (label, measure): {
            name: rate(s)[measure] for name, s in scores.items()
        }
        for label, scores in val_scores.items()
        for measure in ("AUROC", "AUPRC")
    }
)
vaecourse.glue("ch7_val_share_nines", float(np.mean(val_nine)))
print(
    f"validation: {np.sum(val_nine)} nines among {len(x_val)} images "
    f"(an AUPRC of {np.mean(val_nine):.2f} is chance)"
)
# the best score of each column on a light background
styled(results, "{:.3f}").highlight_max(
    axis=0,
    props="background-color: #dff0d8; color: #1a1a1a; font-weight: bold",
)

# %%
auroc_table = results.xs("AUROC", axis=1, level=1)
best_score, best_model = auroc_table.stack().idxmax()
best_auroc = auroc_table.loc[best_score, best_model]
print(
    f"best single score on validation: {best_score!r} of the {best_model} "
    f"VAE,\n  AUROC {best_auroc:.3f}"
)
noise_auroc = {
    label: auroc_auprc(
        val_scores[label]["your score"][~val_nine],
        noise_scores[label]["your score"],
    )["AUROC"]
    for label in detectors
}
print("your score, noise against normal digits: AUROC")
for label, a in noise_auroc.items():
    print(f"  {label:10} {a:.3f}")
vaecourse.glue("ch7_noise_auroc_min", float(min(noise_auroc.values())))
vaecourse.glue("ch7_best_score", best_score)
vaecourse.glue("ch7_best_auroc", float(best_auroc))

# %% tags=["remove-cell"]
assert results.apply(lambda c: c.between(0, 1)).all().all()
assert best_auroc > profile.choose(reader=0.75, quick=0.3)
# The prose describes the book: "your score" is the reference solution's.
BOOK_SCORE = (
    not profile.quick
    and getattr(my_anomaly_score, "__code__", None) is not None
    and my_anomaly_score.__code__.co_filename.endswith(
        "07_anomaly_detection_1_my_score.py"
    )
)
if BOOK_SCORE:
    assert auroc_table["dense 2-D"].idxmax() == "your score"
    assert auroc_table["conv 2-D"].idxmax() == "your score"
    assert (
        auroc_table.loc["latent kNN", "dense 16-D"]
        > auroc_table.loc["your score", "dense 16-D"]
    )
    assert min(noise_auroc.values()) > 0.99
    assert best_model == "dense 16-D"
    assert best_score in ("latent kNN", "latent density")

# %% [markdown]
# Your score has a row of its own in the table. In the book it is the reference solution's,
# the sum of the 20 largest pixel errors. It is the best score of both 2-D models; for the
# 16-D model the latent kNN distance beats it, and the best single score of the table is
# a latent score of that model. Like the other
# pixel scores it also ranks the noise images above the normal digits (an AUROC of
# {glue:text}`ch7_noise_auroc_min:.3f` or more, printed above).

# %% [markdown]
# (ch07-ink)=
# ## Why nines are hard: ink
#
# The answer to question 2 suspected that the reconstruction error mostly measures how much
# ink a digit has. The cell below checks it: the rank correlation of each score with the
# total ink of the normal validation digits, and the AUROC of "less ink" itself as a nine
# detector.

# %%
ink = x_val.sum(axis=1)
ink_table = pd.DataFrame(
    {
        label: {
            name: spearmanr(s[~val_nine], ink[~val_nine])[0]
            for name, s in scores.items()
        }
        for label, scores in val_scores.items()
    }
)
mean_ink = {"normal": ink[~val_nine].mean(), "nines": ink[val_nine].mean()}
ink_by_digit = pd.Series(ink[~val_nine]).groupby(y_val[~val_nine]).mean()
less_ink_auroc = rate(-ink)["AUROC"]
print(
    f"mean ink: normal digits {mean_ink['normal']:.0f}, nines "
    f"{mean_ink['nines']:.0f} (sum of pixel values)"
)
print("mean ink of each normal digit:")
print(ink_by_digit.rename("ink").to_frame().T.to_string(float_format="%.0f"))
print(f"AUROC of −ink as a score: {less_ink_auroc:.3f}")
print("rank correlation of each score with ink, normal validation digits:")
for key, value in mean_ink.items():
    vaecourse.glue(f"ch7_mean_ink_{key}", float(value))
vaecourse.glue("ch7_less_ink_auroc", float(less_ink_auroc))
styled(ink_table, "{:.2f}")

# %% tags=["remove-cell"]
PIXEL_SCORES = ["L2", "BCE", "-ELBO", "-log p(x) (IW)"]
pixel_ink = ink_table.loc[PIXEL_SCORES]
vaecourse.glue("ch7_pixel_ink_min", float(pixel_ink.min().min()))
vaecourse.glue("ch7_pixel_ink_max", float(pixel_ink.max().max()))
assert mean_ink["nines"] < mean_ink["normal"]
assert ink_by_digit.idxmin() == 1  # used in the per-digit section
assert (pixel_ink > 0.2).all().all()
if BOOK_SCORE:
    assert (ink_table.loc["your score"] > 0.2).all()

# %% [markdown]
# Read the table against the previous one. The pixel scores (L2, BCE, −ELBO, the IW bound)
# are all positively correlated with ink, with rank correlations from
# {glue:text}`ch7_pixel_ink_min:.2f` to {glue:text}`ch7_pixel_ink_max:.2f`: they rank
# digits partly by how much they draw. A nine has less ink than the average normal digit
# ({glue:text}`ch7_mean_ink_nines:.0f` against {glue:text}`ch7_mean_ink_normal:.0f`; "less
# ink" alone, as a score, has an AUROC of {glue:text}`ch7_less_ink_auroc:.2f`), so the part
# of a pixel score that follows ink works *against* finding nines. Your score, the last
# row, is correlated with ink too (above 0.2 for every model in the book).
#
# ### The complexity correction
#
# IW − complexity was meant to take such effects out. The next cell sets it beside the IW
# bound it corrects.

# %%
IW, CORRECTED = "-log p(x) (IW)", "IW - complexity"
complexity_val = anomaly.complexity(x_val)


def iqr(a):
    """Interquartile range: the spread of the middle half."""
    q1, q3 = np.percentile(a, [25, 75])
    return q3 - q1


correction = pd.DataFrame(
    {
        label: {
            "ink corr., IW": ink_table.loc[IW, label],
            "ink corr., IW − complexity": ink_table.loc[CORRECTED, label],
            "AUROC, IW": auroc_table.loc[IW, label],
            "AUROC, IW − complexity": auroc_table.loc[CORRECTED, label],
            "IQR of the IW bound (nats)": iqr(
                val_scores[label][IW][~val_nine]
            ),
            "corr. of IW − complexity with −complexity": spearmanr(
                val_scores[label][CORRECTED][~val_nine],
                -complexity_val[~val_nine],
            )[0],
        }
        for label in detectors
    }
).T
complexity_ink = spearmanr(complexity_val[~val_nine], ink[~val_nine])[0]
mean_complexity = {
    "normal": complexity_val[~val_nine].mean(),
    "nines": complexity_val[val_nine].mean(),
}
print(
    f"complexity of the normal digits: IQR "
    f"{iqr(complexity_val[~val_nine]):.0f} nats,\n"
    f"  rank correlation with ink {complexity_ink:.2f}\n"
    f"mean complexity: normal {mean_complexity['normal']:.0f} nats, "
    f"nines {mean_complexity['nines']:.0f} nats"
)
styled(correction.T, "{:.2f}")

# %% tags=["remove-cell"]
for key, value in {
    "ink_iw_min": correction["ink corr., IW"].min(),
    "ink_iw_max": correction["ink corr., IW"].max(),
    "ink_corrected_min": correction["ink corr., IW − complexity"].min(),
    "ink_corrected_max": correction["ink corr., IW − complexity"].max(),
    "corrected_auroc_max": correction["AUROC, IW − complexity"].max(),
    "iw_iqr_max": correction["IQR of the IW bound (nats)"].max(),
    "corrected_minus_cx_min": correction[
        "corr. of IW − complexity with −complexity"
    ].min(),
    "complexity_iqr": iqr(complexity_val[~val_nine]),
    "complexity_ink": complexity_ink,
    "complexity_normal": mean_complexity["normal"],
    "complexity_nines": mean_complexity["nines"],
}.items():
    vaecourse.glue(f"ch7_{key}", float(value))
# the correction reverses the sign of the relation with ink, for every model
assert (correction["ink corr., IW"] > 0).all()
assert (correction["ink corr., IW − complexity"] < 0).all()
# and makes the score worse at finding nines, below chance
assert (correction["AUROC, IW − complexity"] < correction["AUROC, IW"]).all()
vaecourse.glue(
    "ch7_corrected_below_half",
    int((correction["AUROC, IW − complexity"] < 0.5).sum()),
)
if not profile.quick:
    assert (correction["AUROC, IW − complexity"] < 0.55).all()
    # the complexity spreads wider than the bound it corrects, grows with ink
    assert (
        correction["IQR of the IW bound (nats)"]
        < iqr(complexity_val[~val_nine])
    ).all()
    assert complexity_ink > 0.3
    assert (
        correction["corr. of IW − complexity with −complexity"] > 0.6
    ).all()
# a nine is more complex than the average normal digit (from the data)
assert mean_complexity["nines"] > mean_complexity["normal"]

# %% [markdown]
# The correction does more than weaken the relation with ink: it reverses it. The IW bound
# rises with ink for every model (rank correlations from {glue:text}`ch7_ink_iw_min:.2f` to
# {glue:text}`ch7_ink_iw_max:.2f`), IW − complexity falls with it (from
# {glue:text}`ch7_ink_corrected_min:.2f` to {glue:text}`ch7_ink_corrected_max:.2f`). The
# numbers above say why: the complexity spreads wider across the normal digits than the
# bound it corrects (an interquartile range of {glue:text}`ch7_complexity_iqr:.0f` nats,
# against at most {glue:text}`ch7_iw_iqr_max:.0f` for the IW bound of any model) and rises
# with ink itself (rank correlation {glue:text}`ch7_complexity_ink:.2f`), so the difference
# is mostly minus the complexity: its rank correlation with −complexity is
# {glue:text}`ch7_corrected_minus_cx_min:.2f` or more (last row).
#
# Nor does it find nines: its AUROC is below the IW bound's for every model, and at most
# {glue:text}`ch7_corrected_auroc_max:.2f`, at or near chance. It is below 0.5 for
# {glue:text}`ch7_corrected_below_half:d` of the three models, which then rank nines as
# *more* normal than normal digits. A nine, with its loop, is more complex than the
# average normal digit ({glue:text}`ch7_complexity_nines:.0f` nats against
# {glue:text}`ch7_complexity_normal:.0f`) though it has less ink, and the correction
# subtracts that excess from the nines' scores.
#
# The latent scores do not look at pixels at all: they ask whether the *code* of the image
# lies where the codes of normal digits lie. The cell below asks where the nines' codes land:
# for each validation nine, the digits of its ten nearest training codes.

# %%
neighbour_digits = {}
for label, model in detectors.items():
    nine_codes = anomaly.encode_means(model, as_input(model, x_val[val_nine]))
    _, index = references[label].neighbours.kneighbors(nine_codes)
    neighbour_digits[label] = pd.Series(y_fit[index].ravel()).value_counts(
        normalize=True
    )
neighbours = pd.DataFrame(neighbour_digits).fillna(0.0).sort_index()
neighbours.index.name = "digit of a neighbour"
four_or_seven = neighbours.loc[[4, 7]].sum()
print("share of the nines' nearest training codes that are 4s or 7s:")
for label, share in four_or_seven.items():
    print(f"  {label:10} {share:.2f}")
styled(neighbours.T, "{:.2f}")

# %% tags=["remove-cell"]
vaecourse.glue("ch7_four_seven_min", float(four_or_seven.min()))
vaecourse.glue("ch7_four_seven_max", float(four_or_seven.max()))
knn_auroc = auroc_table.loc["latent kNN"]
vaecourse.glue("ch7_knn_auroc_16d", float(knn_auroc["dense 16-D"]))
vaecourse.glue(
    "ch7_knn_auroc_2d_max", float(knn_auroc.drop("dense 16-D").max())
)
if not profile.quick:
    assert (four_or_seven > 0.5).all()
    assert knn_auroc.drop("dense 16-D").max() < 0.6
    assert knn_auroc["dense 16-D"] > knn_auroc.drop("dense 16-D").max() + 0.1

# %% [markdown]
# For every model, most of a nine's nearest training codes are 4s and 7s (from
# {glue:text}`ch7_four_seven_min:.0%` to {glue:text}`ch7_four_seven_max:.0%` of them): the
# nines land among the digits they resemble. What differs is how close they land. In a 2-D
# plane there is no room to spare, and the latent kNN distance of the 2-D models is no
# detector (AUROC at most {glue:text}`ch7_knn_auroc_2d_max:.2f`). In 16 dimensions a nine
# can land near the 4s and 7s yet farther from any of them than a normal digit lies from its
# neighbours, and the distance to the nearest training codes finds that (AUROC
# {glue:text}`ch7_knn_auroc_16d:.2f`).

# %% [markdown]
# ## ROC and precision–recall curves
#
# {numref}`fig-07-roc-pr` shows the curves for the scores of the model with the best single
# score on validation, with the PCA baseline of {ref}`the next section <ch07-pca>` dashed.


# %%
def pca_error(x):
    return np.linalg.norm(x - pca.inverse_transform(pca.transform(x)), axis=1)


pca_val = pca_error(x_val)
pca_rates = rate(pca_val)
pca_ink = spearmanr(pca_val[~val_nine], ink[~val_nine])[0]
print(
    f"PCA with {N_PCA} components "
    f"({pca.explained_variance_ratio_.sum():.0%} of the variance):\n"
    f"  AUROC {pca_rates['AUROC']:.3f}, AUPRC {pca_rates['AUPRC']:.3f}, "
    f"rank correlation with ink {pca_ink:.2f}"
)
vaecourse.glue("ch7_pca_val_auroc", float(pca_rates["AUROC"]))
vaecourse.glue("ch7_pca_ink", float(pca_ink))

# %% mystnb={"figure": {"caption": "ROC curves (top) and precision\u2013recall curves (bottom) of every score of the VAE with the best single score, validation nines against normal validation digits, with the PCA baseline dashed.", "name": "fig-07-roc-pr"}, "image": {"alt": "ROC curves and precision-recall curves of every score of the best VAE for held-out nines on validation data, with the PCA baseline"}}
fig, (ax_roc, ax_pr) = plt.subplots(2, 1, figsize=(5.9, 9.0))
y_true = val_nine.astype(int)
for name, s in val_scores[best_model].items():
    metrics.RocCurveDisplay.from_predictions(y_true, s, name=name, ax=ax_roc)
    metrics.PrecisionRecallDisplay.from_predictions(
        y_true, s, name=name, ax=ax_pr
    )
pca_fpr, pca_tpr, _ = metrics.roc_curve(y_true, pca_val)
pca_precision, pca_recall, _ = metrics.precision_recall_curve(y_true, pca_val)
ax_roc.plot(
    pca_fpr,
    pca_tpr,
    color="black",
    linestyle="--",
    label=f"PCA ({N_PCA}) (AUC = {pca_rates['AUROC']:.2f})",
)
ax_pr.plot(
    pca_recall,
    pca_precision,
    color="black",
    linestyle="--",
    drawstyle="steps-post",
    label=f"PCA ({N_PCA}) (AP = {pca_rates['AUPRC']:.2f})",
)
ax_roc.plot([0, 1], [0, 1], color="black", linewidth=0.5)
ax_roc.set_title(f"ROC, {best_model} VAE, validation")
ax_roc.set_xlabel("false-positive rate (normal digits flagged)")
ax_roc.set_ylabel("true-positive rate (nines caught)")
ax_pr.axhline(np.mean(val_nine), color="black", linewidth=0.5)
ax_pr.set_title(f"Precision–recall, {best_model} VAE, validation")
ax_pr.set_xlabel("recall (nines caught)")
ax_pr.set_ylabel("precision (nines among the flagged)")
for ax in (ax_roc, ax_pr):  # the legends beside the curves, not on them
    ax.legend(loc="center left", bbox_to_anchor=(1.02, 0.5), frameon=False)
fig.tight_layout()
plt.show()

# %% tags=["remove-cell"]
if not profile.quick:
    assert pca_ink > 0.2 and pca_rates["AUROC"] < best_auroc - 0.1

# %% [markdown]
# (ch07-pca)=
# ## The PCA baseline
#
# Principal component analysis is the linear {term}`autoencoder`: project onto the first
# principal components of the training images and back. Its reconstruction error is the
# classical anomaly score, and the fair baseline for everything above. It was fitted with
# 16 components, the size of the larger latent space, beside the latent references (both
# learn from the training images); the cell before the curves prints its AUROC ({glue:text}`ch7_pca_val_auroc:.2f`) and AUPRC. It is cheap, and it shares the
# weakness of the pixel scores: its error too rises with ink (rank correlation
# {glue:text}`ch7_pca_ink:.2f`).
#
# ## Combining scores
#
# The scores look at different things, the pixels and the code, so it is tempting to add
# them, once each is put on a common scale. We standardise each score with the normal
# validation digits: subtract their median, divide by their interquartile range. Then a sum
# of two scores weighs them equally. The cell below adds the reconstruction error L2 to the
# latent kNN distance.

# %%
COMBINED = ("L2", "latent kNN")


def combined(label, scores):
    """The sum of the COMBINED scores of the model `label`, each standardised
    on the model's normal validation digits."""
    return sum(
        anomaly.standardise(scores[p], val_scores[label][p][~val_nine])
        for p in COMBINED
    )


combined_val = {
    label: combined(label, val_scores[label]) for label in detectors
}
combined_table = pd.DataFrame(
    {label: rate(s) for label, s in combined_val.items()}
).T
combined_table["better part (AUROC)"] = auroc_table.loc[list(COMBINED)].max()
print(
    f"{' + '.join(COMBINED)}, standardised on the normal validation digits:"
)
styled(combined_table, "{:.3f}")

# %% tags=["remove-cell"]
vaecourse.glue(
    "ch7_combined_16d", float(combined_table.loc["dense 16-D", "AUROC"])
)
if not profile.quick:
    assert (
        combined_table.loc["dense 16-D", "AUROC"]
        < auroc_table.loc["latent kNN", "dense 16-D"]
    )

# %% [markdown]
# For the 16-D model, the sum ({glue:text}`ch7_combined_16d:.2f`) does *not* reach its latent
# kNN distance alone ({glue:text}`ch7_knn_auroc_16d:.2f`): the L2 error is partly a measure
# of ink, which says little about nines, and adding it dilutes the latent distance. For the
# 2-D models, whose two parts are both weak, compare the last two columns. Combining scores
# helps when each carries information the other lacks; averaging in a weak score is not
# free.
#
# ## The convolutional VAE as a detector
#
# The convolutional VAE fits digits better than the dense 2-D VAE: its −ELBO on the normal validation digits, an upper bound on −log p(x), is lower
# ({glue:text}`ch7_mean_elbo_conv:.1f` nats against {glue:text}`ch7_mean_elbo_dense:.1f`).
# Does it find nines better? {numref}`fig-07-conv-elbo` shows the −ELBO of all three models,
# each standardised on its own normal validation digits, for normal digits and nines.

# %% mystnb={"figure": {"caption": "The \u2212ELBO of each VAE, standardised on its own normal validation digits: density of the normal validation digits and of the validation nines, one model a panel, with the AUROC of the \u2212ELBO in the panel's title.", "name": "fig-07-conv-elbo"}, "image": {"alt": "Density curves of the standardised negative ELBO for normal validation digits and nines, for the three VAEs, one panel above the other"}}
fig, axes = plt.subplots(3, 1, figsize=(6.4, 7.8), sharex=True, sharey=True)
for ax, label in zip(axes, detectors):
    s = anomaly.standardise(
        val_scores[label]["-ELBO"], val_scores[label]["-ELBO"][~val_nine]
    )
    sns.kdeplot(
        x=s[~val_nine], ax=ax, label="normal digits", fill=True, clip=(-5, 15)
    )
    sns.kdeplot(x=s[val_nine], ax=ax, label="nines", fill=True, clip=(-5, 15))
    ax.set_xlim(-4, 8)
    ax.set_title(f"{label} VAE (AUROC {auroc_table.loc['-ELBO', label]:.2f})")
axes[-1].set_xlabel("−ELBO, standardised on the normal validation digits")
axes[0].legend(loc="upper right")
fig.tight_layout()
plt.show()

# %%
mean_elbo = {
    label: val_scores[label]["-ELBO"][~val_nine].mean() for label in detectors
}
print("mean −ELBO of the normal validation digits (nats):")
for label, value in mean_elbo.items():
    print(f"  {label:10} {value:6.1f}")
print("AUROC of the pixel scores:")
pixel_auroc = auroc_table.loc[PIXEL_SCORES]
styled(pixel_auroc, "{:.3f}")

# %% tags=["remove-cell"]
vaecourse.glue("ch7_mean_elbo_conv", float(mean_elbo["conv 2-D"]))
vaecourse.glue("ch7_mean_elbo_dense", float(mean_elbo["dense 2-D"]))
vaecourse.glue("ch7_conv_pixel_min", float(pixel_auroc["conv 2-D"].min()))
vaecourse.glue("ch7_conv_pixel_max", float(pixel_auroc["conv 2-D"].max()))
vaecourse.glue("ch7_dense_pixel_min", float(pixel_auroc["dense 2-D"].min()))
vaecourse.glue("ch7_dense_pixel_max", float(pixel_auroc["dense 2-D"].max()))
pixel_2d_max = pixel_auroc[["dense 2-D", "conv 2-D"]].max().max()
vaecourse.glue("ch7_pixel_2d_max", float(pixel_2d_max))
vaecourse.glue("ch7_elbo_auroc_max", float(auroc_table.loc["-ELBO"].max()))
assert mean_elbo["conv 2-D"] < mean_elbo["dense 2-D"]
if not profile.quick:
    assert (
        abs(pixel_auroc["conv 2-D"] - pixel_auroc["dense 2-D"]) < 0.1
    ).all()
    assert pixel_2d_max < knn_auroc["dense 16-D"] - 0.1
    assert auroc_table.loc["-ELBO"].max() < 0.65

# %% [markdown]
# Not much better. Its four pixel scores have AUROCs from
# {glue:text}`ch7_conv_pixel_min:.2f` to {glue:text}`ch7_conv_pixel_max:.2f`, those of the
# dense 2-D VAE from {glue:text}`ch7_dense_pixel_min:.2f` to
# {glue:text}`ch7_dense_pixel_max:.2f` (the table; each pair within 0.1 of each other), all
# far below the latent kNN distance of the 16-D model ({glue:text}`ch7_knn_auroc_16d:.2f`).
# A better fit to the digits did not make a much better detector of nines. In
# {numref}`fig-07-conv-elbo` the nines' curve sits close to the normal digits' for every
# model: the best −ELBO of the three has an AUROC of {glue:text}`ch7_elbo_auroc_max:.2f`.

# %% [markdown]
# ## A threshold at a chosen false-positive rate
#
# An AUROC summarises every possible threshold; a detector in use needs one. We fix the
# **false-positive rate** we accept on normal data, 5%, and set the threshold so that 5% of
# the normal **validation** digits, which played no part in training, score above it.
#
# ```{exercise-start} A threshold at a chosen false-positive rate
# :label: exercise-7-3
# ```
#
# Write `threshold_at_fpr(validation_scores, fpr)`: the scores of normal validation images
# (a 1-D array) and a rate `fpr` strictly between 0 and 1 in, one number out, the threshold.
# An image is flagged as an anomaly when its score is *above* the threshold, and a fraction
# `fpr` of the validation scores must be. The checker tries skewed scores and negative ones
# at three rates, and names the usual slips: the `fpr` quantile in place of the `1 − fpr`
# one, a percentage for a fraction, a normal distribution assumed. The comparison of the
# three models below and the test of the chosen detector use your threshold.


# %%
def threshold_at_fpr(validation_scores, fpr):
    """Score above which a fraction fpr of the scores lie."""
    # Your code here.
    vaecourse.todo()


threshold_at_fpr = vaecourse.check(
    "07_anomaly_detection_3_threshold", threshold_at_fpr
)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-7-3
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/07_anomaly_detection_3_threshold.py
# :language: python
# ```
#
# ```{solution-end}
# ```
#
# A detector in use works at one threshold, so compare the models there too. For each model
# and three scores, the table gives the validation AUROC (your `auroc_auprc`) and the share
# of the validation nines caught at 5% false positives, the threshold set on that model's
# normal validation digits (your `threshold_at_fpr`).

# %%
FPR = 0.05


def caught_at_fpr(label, name, fpr=FPR):
    """Share of the validation nines above a threshold set on the normal
    validation digits."""
    s = val_scores[label][name]
    return np.mean(s[val_nine] > threshold_at_fpr(s[~val_nine], fpr))


WORKING_SCORES = ("-ELBO", "your score", "latent kNN")
working_point = pd.DataFrame(
    {
        (name, measure): {
            label: (
                auroc_table.loc[name, label]
                if measure == "AUROC"
                else caught_at_fpr(label, name)
            )
            for label in detectors
        }
        for name in WORKING_SCORES
        for measure in ("AUROC", f"nines caught at {FPR:.0%} FP")
    }
)
styled(working_point.T, "{:.3f}")

# %% tags=["remove-cell"]
caught = working_point.xs(f"nines caught at {FPR:.0%} FP", axis=1, level=1)
for key, value in {
    "elbo_caught_min": caught["-ELBO"].min(),
    "elbo_caught_max": caught["-ELBO"].max(),
    "knn_caught_16d": caught.loc["dense 16-D", "latent kNN"],
    "yours_caught_min": caught["your score"].min(),
    "yours_caught_max": caught["your score"].max(),
}.items():
    vaecourse.glue(f"ch7_{key}", float(value))
others = caught.stack().drop(("dense 16-D", "latent kNN"))
vaecourse.glue("ch7_others_caught_max", float(others.max()))
if not profile.quick:
    assert caught["-ELBO"].max() < 0.08
if BOOK_SCORE:
    assert caught.loc["dense 16-D", "latent kNN"] > others.max()

# %% [markdown]
# At 5% false positives the −ELBO catches from {glue:text}`ch7_elbo_caught_min:.1%` to
# {glue:text}`ch7_elbo_caught_max:.1%` of the nines with the three models. A score blind to
# nines would catch about 5%, since 5% of *any* images scored like normal digits lie above
# the threshold: a better model of digits does not make the −ELBO a detector of nines. In
# the book, your score, the 20 largest pixel errors, catches from
# {glue:text}`ch7_yours_caught_min:.1%` to {glue:text}`ch7_yours_caught_max:.1%`. The latent
# kNN distance of the 16-D model catches {glue:text}`ch7_knn_caught_16d:.1%`, more than
# any other entry of the table (at most {glue:text}`ch7_others_caught_max:.1%`).
#
# ## Choosing the detector
#
# Everything so far was measured on validation data, and that is where we choose: the model
# and score (or the combined score) with the largest validation AUROC. Its threshold is the
# one at 5% false positives on the normal validation digits.

# %%
candidates = {
    (label, name): auroc_table.loc[name, label]
    for label in detectors
    for name in auroc_table.index
}
candidates.update(
    {
        (label, "combined"): combined_table.loc[label, "AUROC"]
        for label in detectors
    }
)
(chosen_model, chosen_score), chosen_val_auroc = max(
    candidates.items(), key=lambda kv: kv[1]
)
if chosen_score == "combined":
    val_s = combined_val[chosen_model]
else:
    val_s = val_scores[chosen_model][chosen_score]
threshold = threshold_at_fpr(val_s[~val_nine], FPR)
course_threshold = anomaly.threshold_at_fpr(val_s[~val_nine], FPR)
val_fpr = np.mean(val_s[~val_nine] > threshold)
val_recall = np.mean(val_s[val_nine] > threshold)
print(
    f"chosen: {chosen_score!r} of the {chosen_model} VAE, validation AUROC "
    f"{chosen_val_auroc:.3f}"
)
print("normal validation digits above the threshold:")
for who, t in [("yours", threshold), ("the course's", course_threshold)]:
    print(
        f"  {who:12} threshold {t:.4f}: "
        f"{np.mean(val_s[~val_nine] > t):.2%} of them"
    )
print(f"  validation nines above your threshold: {val_recall:.1%}")
vaecourse.glue("ch7_chosen_model", chosen_model)
vaecourse.glue("ch7_chosen_score", chosen_score)
vaecourse.glue("ch7_chosen_val_auroc", float(chosen_val_auroc))

# %% [markdown]
# The chosen detector is the **{glue:text}`ch7_chosen_score`** score of the
# **{glue:text}`ch7_chosen_model`** VAE, with a validation AUROC of
# {glue:text}`ch7_chosen_val_auroc:.3f`.
#
# ## The test set, once
#
# Now, and only now, the test images: the chosen score is computed for them, rated, and
# thresholded at the threshold set on validation data. The PCA baseline is rated beside it.


# %% mystnb={"figure": {"caption": "The test images flagged by the chosen detector at the threshold set on the normal validation digits: true class against the detector's verdict.", "name": "fig-07-confusion"}, "image": {"alt": "Confusion matrix of normal test digits and test nines flagged by the chosen detector at its validation threshold"}}
def on_test(label, name):
    """The score `name` of the model `label` on the test images."""
    if name == "combined":
        return combined(label, all_scores(label, x_test, COMBINED))
    return all_scores(label, x_test, [name])[name]


test_s = on_test(chosen_model, chosen_score)
test_rates = auroc_auprc(test_s[~is_nine], test_s[is_nine])
pca_test = pca_error(x_test)
pca_test_rates = auroc_auprc(pca_test[~is_nine], pca_test[is_nine])
flagged = test_s > threshold
matrix = metrics.confusion_matrix(is_nine, flagged)
(tn, fp), (fn, tp) = matrix
test_fpr, test_recall = fp / (fp + tn), tp / (tp + fn)
test_precision = tp / max(tp + fp, 1)
print(
    f"{chosen_score!r} of the {chosen_model} VAE on the test set:\n"
    f"  AUROC {test_rates['AUROC']:.3f}, AUPRC {test_rates['AUPRC']:.3f} "
    f"(validation: AUROC {chosen_val_auroc:.3f})"
)
print(f"PCA baseline on the test set: AUROC {pca_test_rates['AUROC']:.3f}")
print(
    f"at the validation threshold:\n"
    f"  false-positive rate {test_fpr:.1%} (aimed at {FPR:.0%})\n"
    f"  nines caught {test_recall:.1%}, precision {test_precision:.1%}"
)
metrics.ConfusionMatrixDisplay(
    matrix, display_labels=["normal (0–8)", "nine"]
).plot(cmap="Blues", values_format="d")
plt.title(f"Test images flagged at {FPR:.0%} false positives on validation")
plt.xlabel("predicted")
plt.ylabel("true")
plt.show()

# %% tags=["remove-cell"]
assert matrix.sum() == len(x_test)
headline("held_out_9_best_auroc", test_rates["AUROC"])
headline("held_out_9_pca_auroc", pca_test_rates["AUROC"])
for key, value in {
    "test_auroc": test_rates["AUROC"],
    "test_auprc": test_rates["AUPRC"],
    "pca_test_auroc": pca_test_rates["AUROC"],
    "test_fpr": test_fpr,
    "test_recall": test_recall,
    "test_precision": test_precision,
    "val_fpr": val_fpr,
    "val_recall": val_recall,
}.items():
    vaecourse.glue(f"ch7_{key}", float(value))
if not profile.quick:
    assert test_rates["AUROC"] > 0.75
    assert test_rates["AUROC"] > pca_test_rates["AUROC"] + 0.1

# %% [markdown]
# On the test set the chosen detector has an AUROC of {glue:text}`ch7_test_auroc:.3f` and an
# AUPRC of {glue:text}`ch7_test_auprc:.3f`; the PCA baseline's AUROC is
# {glue:text}`ch7_pca_test_auroc:.3f`. These are the chapter's reported numbers: the
# detector was fixed before the test set was looked at, so they are not flattered by the
# choice, as the validation AUROC of the best of many candidates may be. At the threshold
# ({numref}`fig-07-confusion`), the detector catches {glue:text}`ch7_test_recall:.1%` of the
# test nines ({glue:text}`ch7_val_recall:.1%` of the validation nines), and
# {glue:text}`ch7_test_precision:.1%` of the images it flags are nines. How many nines are
# caught at the accepted false-positive rate is the honest figure of merit of a deployed
# detector.
#
# ## The false-positive rate on new writers
#
# The threshold was set so that {glue:text}`ch7_val_fpr:.1%` of the normal validation digits
# lie above it, 5% by construction. On the normal test digits the rate is
# {glue:text}`ch7_test_fpr:.1%`. Is that a sampling accident? The cell below compares the
# gap with the binomial standard error of a rate of 5% measured on that many images, and
# with the standard error of the gap itself, which adds the threshold's own uncertainty
# from the validation sample.

# %% mystnb={"figure": {"caption": "Top: the false-positive rate on the normal test digits at every rate aimed at on the normal validation digits, with the diagonal and a band of two standard errors. Bottom: the chosen score of the normal validation and normal test digits, with the threshold.", "name": "fig-07-fpr-drift"}, "image": {"alt": "Top: false-positive rate on the normal test digits against the rate aimed at on validation, with the diagonal and a band of two standard errors. Bottom: the distribution of the chosen score for normal validation and normal test digits, with the threshold"}}
normal_val_s, normal_test_s = val_s[~val_nine], test_s[~is_nine]
n_val, n_test = len(normal_val_s), len(normal_test_s)
se_test = np.sqrt(FPR * (1 - FPR) / n_test)
se_gap = np.sqrt(FPR * (1 - FPR) * (1 / n_val + 1 / n_test))
gap_in_se = (test_fpr - val_fpr) / se_gap
print(
    f"false-positive rate: validation {val_fpr:.2%} (by construction), "
    f"test {test_fpr:.2%}"
)
print(
    f"standard error of a 5% rate on {n_test:,} test images: {se_test:.2%}\n"
    f"standard error of the gap: {se_gap:.2%}; "
    f"the gap is {gap_in_se:.1f} of them"
)

# the same comparison at every rate one could aim at
aims = np.linspace(0.01, 0.20, 39)
achieved = [
    np.mean(normal_test_s > threshold_at_fpr(normal_val_s, a)) for a in aims
]
band = 2 * np.sqrt(aims * (1 - aims) * (1 / n_val + 1 / n_test))
fig, (ax_rate, ax_hist) = plt.subplots(2, 1, figsize=(6.6, 8.4))
ax_rate.fill_between(
    aims,
    aims - band,
    aims + band,
    color="grey",
    alpha=0.3,
    label="validation rate ± 2 standard errors",
)
ax_rate.plot(aims, aims, color="black", linewidth=0.8)
ax_rate.plot(aims, achieved, marker=".", label="normal test digits")
ax_rate.set_xlabel("false-positive rate on the normal validation digits")
ax_rate.set_ylabel("rate on the normal test digits")
ax_rate.set_title("False positives: validation against test")
ax_rate.legend(loc="upper left")
low, high = np.percentile(np.r_[normal_val_s, normal_test_s], [0.5, 99.5])
bins = np.linspace(low, high, 60)
ax_hist.hist(
    normal_val_s,
    bins=bins,
    density=True,
    histtype="step",
    label="normal validation digits",
)
ax_hist.hist(
    normal_test_s,
    bins=bins,
    density=True,
    histtype="step",
    label="normal test digits",
)
ax_hist.axvline(threshold, color="black", linestyle="--", label="threshold")
ax_hist.set_xlabel(f"{chosen_score} ({chosen_model} VAE)")
ax_hist.set_ylabel("density")
ax_hist.set_title("The chosen score of normal digits")
ax_hist.legend(loc="upper right")
fig.tight_layout()
plt.show()

# %%
# is it the mix of digits? each digit's test rate, weighted as in validation
per_digit_fpr = pd.DataFrame(
    {
        "validation": pd.Series(normal_val_s > threshold)
        .groupby(y_val[~val_nine])
        .mean(),
        "test": pd.Series(normal_test_s > threshold)
        .groupby(y_test[~is_nine])
        .mean(),
    }
)
val_mix = pd.Series(y_val[~val_nine]).value_counts(normalize=True)
test_fpr_val_mix = float((per_digit_fpr["test"] * val_mix).sum())
# how often a normal test digit outscores a normal validation digit, and
# the standard error of that share if both were scored alike
shift_auroc = anomaly.roc_pr(normal_val_s, normal_test_s)["AUROC"]
shift_se = np.sqrt((n_val + n_test + 1) / (12 * n_val * n_test))
shift_in_se = abs(shift_auroc - 0.5) / shift_se
# the first and the last half of the test set
first = np.arange(len(x_test)) < len(x_test) // 2
fpr_halves = [
    np.mean(test_s[~is_nine & half] > threshold) for half in (first, ~first)
]
n_halves = [np.sum(~is_nine & half) for half in (first, ~first)]
se_halves = np.sqrt(FPR * (1 - FPR) * (1 / n_halves[0] + 1 / n_halves[1]))
halves_in_se = abs(fpr_halves[0] - fpr_halves[1]) / se_halves
print(f"test rate with the validation mix of digits: {test_fpr_val_mix:.2%}")
print(
    f"a normal test digit scores above a normal validation digit\n"
    f"  in {shift_auroc:.1%} of the pairs "
    f"({shift_in_se:.1f} standard errors from 50%)"
)
print(
    f"test rate of the first half {fpr_halves[0]:.2%}, "
    f"of the last half {fpr_halves[1]:.2%}:\n"
    f"  {halves_in_se:.1f} standard errors apart"
)
print("rate of each normal digit above the threshold:")
styled(per_digit_fpr.T, "{:.1%}")

# %% tags=["remove-cell"]
for key, value in {
    "se_test": se_test,
    "se_gap": se_gap,
    "gap_in_se": abs(gap_in_se),
    "fpr_val_mix": test_fpr_val_mix,
    "shift_auroc": shift_auroc,
    "shift_in_se": shift_in_se,
    "fpr_first_half": fpr_halves[0],
    "fpr_last_half": fpr_halves[1],
    "halves_in_se": halves_in_se,
}.items():
    vaecourse.glue(f"ch7_{key}", float(value))
if abs(gap_in_se) >= 3:
    verdict = "far more than the choice of test images alone would give"
elif abs(gap_in_se) >= 2:
    verdict = "more than the choice of test images alone is likely to give"
else:
    verdict = "within what the choice of test images alone could give"
vaecourse.glue("ch7_gap_verdict", verdict)
vaecourse.glue(
    "ch7_gap_direction", "above" if test_fpr > val_fpr else "below"
)
assert abs(val_fpr - FPR) < 2 / n_val  # 5% by construction, up to ties
# the book's detector (not a learner's own score, if that one won)
BOOK_DETECTOR = not profile.quick and (
    BOOK_SCORE or chosen_score != "your score"
)
if BOOK_DETECTOR:
    assert halves_in_se > 3
    assert abs(test_fpr_val_mix - test_fpr) < 2 * se_test

# %% [markdown]
# The test rate lies {glue:text}`ch7_gap_direction` the validation rate by
# {glue:text}`ch7_gap_in_se:.1f` standard errors of the gap
# ({glue:text}`ch7_se_gap:.2%`; a 5% rate measured on the normal test digits alone has a
# standard error of {glue:text}`ch7_se_test:.2%`): {glue:text}`ch7_gap_verdict`.
#
# Where does a gap come from? The validation digits are part of MNIST's training set; the
# test digits were written by other people, the two sets of writers being disjoint, and the
# test set itself mixes two NIST collections of digits written by two different groups
# {cite:p}`lecun1998gradient`. Scores depend on the hand as well as on the digit, and the
# test set shows it within itself: at the same threshold its first 5,000 images have a
# false-positive rate of {glue:text}`ch7_fpr_first_half:.1%`, its last 5,000
# {glue:text}`ch7_fpr_last_half:.1%`, {glue:text}`ch7_halves_in_se:.1f` standard errors
# apart. Between the validation and the test digits as wholes, a normal test digit scores
# above a normal validation digit in {glue:text}`ch7_shift_auroc:.1%` of the pairs, where
# 50% would mean the two are scored alike ({glue:text}`ch7_shift_in_se:.1f` standard errors
# away), and the top panel of {numref}`fig-07-fpr-drift` compares the two rates at every rate
# one could aim at. The mix
# of digits is not the cause: with the test digits weighted like the validation digits, the
# test rate would be {glue:text}`ch7_fpr_val_mix:.1%`.
#
# What does a practitioner do about it? A rate measured on validation data holds for data
# like the validation data, and a detector in use meets new writers, new sensors, new
# customers. So: set, or at least check, the threshold on normal data from the population
# the detector will run on, kept out of training (here: digits by writers the models never
# saw); report the false-positive rate with its uncertainty, and aim lower than the rate
# that must not be exceeded; and once the detector runs, count its flags on data known to be
# normal and re-set the threshold when the rate drifts.
#
# ## Comparing with the published number
#
# {cite:t}`tonnaer2023linearly` (Table 3.3 of the thesis) reports an AUROC of 0.66 for
# held-out nines with a 2-D VAE and its ELBO as the score. The same setting here is the
# −ELBO of the dense 2-D VAE, and its test AUROC is computed below, with a bootstrap
# standard error (the spread of the AUROC over test sets drawn with replacement from ours).

# %%
elbo_2d_test = on_test("dense 2-D", "-ELBO")
elbo_2d_auroc = metrics.roc_auc_score(is_nine, elbo_2d_test)
rng = np.random.default_rng(0)
normal_rows, nine_rows = np.flatnonzero(~is_nine), np.flatnonzero(is_nine)
boot = []
for _ in range(200):
    rows = np.r_[
        rng.choice(normal_rows, len(normal_rows)),
        rng.choice(nine_rows, len(nine_rows)),
    ]
    boot.append(metrics.roc_auc_score(is_nine[rows], elbo_2d_test[rows]))
elbo_2d_se = np.std(boot)
print(
    f"−ELBO of the dense 2-D VAE: test AUROC {elbo_2d_auroc:.3f}\n"
    f"  (bootstrap standard error {elbo_2d_se:.3f}); Tonnaer: 0.66"
)
print("AUROC of the −ELBO on validation:")
for label, value in auroc_table.loc["-ELBO"].items():
    print(f"  {label:10} {value:.3f}")

# %% tags=["remove-cell"]
TONNAER_AUROC = 0.66  # Tonnaer (2023), Table 3.3, 2-D latent space, digit 9
vaecourse.glue("ch7_elbo_2d_test_auroc", float(elbo_2d_auroc))
vaecourse.glue("ch7_elbo_2d_se", float(elbo_2d_se))
vaecourse.glue("ch7_elbo_val_min", float(auroc_table.loc["-ELBO"].min()))
elbo_spread = auroc_table.loc["-ELBO"].max() - auroc_table.loc["-ELBO"].min()
if not profile.quick:
    assert elbo_2d_auroc < TONNAER_AUROC - 4 * elbo_2d_se
    assert elbo_spread < TONNAER_AUROC - elbo_2d_auroc

# %% [markdown]
# Our number, {glue:text}`ch7_elbo_2d_test_auroc:.2f`, is well below 0.66, by more than four
# of its standard errors ({glue:text}`ch7_elbo_2d_se:.3f`): the choice of test images does
# not explain the gap. The two settings differ in more than the digit held out. Tonnaer's
# VAE is convolutional (VGG-like blocks with batch normalisation, a 64-unit hidden layer),
# has a Gaussian likelihood with a fixed variance, so that its reconstruction term is a
# squared error rather than our cross-entropy, trains for 50 epochs, and averages its ELBO
# over 128 samples; ours is dense, with a Bernoulli likelihood, 30 epochs and 10 samples.
# A single held-out digit's AUROC does move with such choices: in Tonnaer's own table it
# falls from 0.66 to 0.58 when the latent space grows from 2 to 32 dimensions. The choices
# varied in this chapter move ours less than the gap: the −ELBO of the three VAEs scores
# from {glue:text}`ch7_elbo_val_min:.2f` to {glue:text}`ch7_elbo_auroc_max:.2f` on the
# validation nines (the per-digit heat map below, {numref}`fig-07-per-digit`, holds a
# fourth, a 16-D VAE trained on all the training images). Which of the differences matters
# most, and how much two training runs of one recipe differ, we have not measured: no model
# here was retrained with another seed.

# %% [markdown]
# ## Every digit held out in turn
#
# Nines may be a particularly hard case. To see, hold out each digit in turn, train on the nine
# others, and rate every score. Ten trainings do not fit in a chapter, so the script
# `python -m tools.anomaly_table` does it and writes `results/anomaly_per_digit.json`, which
# this cell loads. Its protocol is simpler than the rest of the chapter's: a dense VAE with a
# 16-D latent space, trained for {glue:text}`ch7_table_epochs:d` epochs on all the training
# images of the nine other digits ({glue:text}`ch7_table_minutes:.0f` minutes for the ten
# when the table was made), every score rated on the test set. Nothing is chosen from it. In
# the quick profile the same code runs here at a tiny scale, on two digits.

# %%
if profile.quick:
    table = anomaly.per_digit_table(
        digits=(9, 1), n_train=1000, n_test=500, epochs=2
    )
else:
    table = anomaly.load_table()
print(textwrap.fill(table["description"], width=72))
settings = ", ".join(f"{k} {v}" for k, v in table["settings"].items())
print(textwrap.fill(f"settings: {settings}", width=72))
per_digit = pd.DataFrame(table["auroc"]).T
per_digit.index.name = "held-out digit"
assert list(per_digit.columns) == list(anomaly.SCORE_NAMES)
assert ((per_digit >= 0) & (per_digit <= 1)).all().all()
if not profile.quick:
    assert list(per_digit.index) == [str(d) for d in range(10)]

# %% mystnb={"figure": {"caption": "The test AUROC of each anomaly score (columns) with each digit held out of training in turn (rows): a dense VAE with a 16-D latent space, trained on the nine other digits.", "name": "fig-07-per-digit"}, "image": {"alt": "Heat map of the AUROC of each anomaly score for each held-out digit"}}
fig, ax = plt.subplots(figsize=(6.8, 5.6))
sns.heatmap(
    per_digit.astype(float),
    annot=True,
    fmt=".2f",
    cmap="RdYlGn",
    vmin=0,
    vmax=1,
    cbar_kws={"label": "AUROC"},
    ax=ax,
)
ax.set_title("AUROC per held-out digit (dense VAE, 16-D), test set")
ax.set_xlabel("anomaly score")
ax.tick_params(axis="x", labelrotation=35)
plt.setp(ax.get_xticklabels(), ha="right", rotation_mode="anchor")
ax.tick_params(axis="y", labelrotation=0)
plt.show()
print("mean AUROC over the held-out digits:")
print(per_digit.mean().round(3).to_string())

# %% tags=["remove-cell"]
vaecourse.glue("ch7_table_epochs", int(table["settings"]["epochs"]))
vaecourse.glue("ch7_table_minutes", float(table["seconds"]) / 60)
best_per_digit = per_digit.max(axis=1)
nine = str(ANOMALY)
vaecourse.glue("ch7_table_nine_best", float(best_per_digit[nine]))
vaecourse.glue(
    "ch7_table_easier",
    int((best_per_digit.drop(nine) > best_per_digit[nine]).sum()),
)
vaecourse.glue("ch7_table_nine_elbo", float(per_digit.loc[nine, "-ELBO"]))
ones = per_digit.loc["1"]  # held out in the quick profile's table too
vaecourse.glue("ch7_table_ones_pixel_max", float(ones[PIXEL_SCORES].max()))
vaecourse.glue("ch7_table_ones_corrected", float(ones[CORRECTED]))
vaecourse.glue(
    "ch7_table_ones_latent_min",
    float(ones[["latent density", "latent kNN"]].min()),
)
if not profile.quick:
    assert (ones[PIXEL_SCORES] < 0.5).all()
    assert ones[CORRECTED] > max(0.8, ones[IW])
    assert (ones[["latent density", "latent kNN"]] > 0.7).all()
    assert (best_per_digit.drop(nine) > best_per_digit[nine]).sum() >= 6

# %% [markdown]
# The heat map ({numref}`fig-07-per-digit`) shows how uneven the task is. The nine is among
# the hard cases: the best score for it, {glue:text}`ch7_table_nine_best:.2f`, is below the
# best score for {glue:text}`ch7_table_easier:d` of the other nine digits. (Its −ELBO here,
# {glue:text}`ch7_table_nine_elbo:.2f`, is the fourth VAE's number mentioned above.) Look
# at the held-out **1**: a 1 has less ink than any other digit, and every pixel score ranks
# ones as *more normal* than the normal digits, with AUROCs of at most
# {glue:text}`ch7_table_ones_pixel_max:.2f`. That is the ink effect in its purest form. For
# the held-out 1 the complexity correction pays off (an AUROC of
# {glue:text}`ch7_table_ones_corrected:.2f`), and the latent scores, which ignore the ink,
# reach {glue:text}`ch7_table_ones_latent_min:.2f` or more.
#
# ## What got the best score
#
# Putting the chapter's numbers together (all printed by the cells above, on validation
# unless said otherwise):
#
# * The pixel scores of the 2-D VAEs, reconstruction error and −ELBO alike, stay far
#   below the best (AUROC at most {glue:text}`ch7_pixel_2d_max:.2f`; the PCA baseline
#   {glue:text}`ch7_pca_val_auroc:.2f`): they partly measure ink. The convolutional VAE, a
#   better model of digits, is not much different with these scores.
# * In the book, looking at the few worst-reconstructed pixels instead of all of them (the
#   reference solution of {ref}`exercise-7-1`) is the best score of both 2-D models, whose
#   latent plane has no room for the nines.
# * A larger latent space (16-D) lets the codes of nines land farther from those of the
#   normal digits. In the book, the best single score of the chapter is a latent score of
#   that model, its **{glue:text}`ch7_best_score`** ({glue:text}`ch7_best_auroc:.3f`); the
#   latent kNN distance is how far an image's code is from the codes of its ten nearest
#   training images.
# * The complexity correction made things worse, and adding L2 to the latent kNN distance of
#   the 16-D model did not improve on it.
# * The detector chosen on validation, the {glue:text}`ch7_chosen_score` score of the
#   {glue:text}`ch7_chosen_model` VAE, has a test AUROC of
#   {glue:text}`ch7_test_auroc:.3f`, and on the test set its false-positive rate is
#   {glue:text}`ch7_test_fpr:.1%` where 5% was aimed at.
#
# None of this used a single nine in training or in setting the threshold; the validation
# nines chose the score, and the test nines were used once, for the reported numbers.
#
# ## Summary
#
# * A VAE trained on normal data gives anomaly scores for free: reconstruction error, −ELBO,
#   an importance-weighted bound on −log p(x), and scores on its latent codes.
# * Images nothing like the training data (noise) are easy. Near misses (a 9 among 0–8) are
#   hard, and a low reconstruction error does not mean "normal": it often means "little ink".
# * Rate scores with AUROC and AUPRC and choose among them on validation data; set
#   thresholds on held-out *normal* data at a chosen false-positive rate; compare with a PCA
#   baseline before trusting a deep model; and check the false-positive rate on data from
#   the population the detector will meet, whose scores may not be those of the validation
#   data.
