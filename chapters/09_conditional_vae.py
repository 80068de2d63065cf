# %% [markdown]
# # The conditional VAE
#
# The VAEs so far draw digits at random. Sample $z$ from the prior, decode it, and you get
# some digit: a 3 or a 7, whichever part of the latent space $z$ fell into. To get a 7 you
# would have to know where the 7s live and aim there. A **{term}`conditional VAE`** makes
# the request part of the model: the label goes in as an input, next to the image in the
# {term}`encoder <Encoder>` and next to $z$ in the {term}`decoder <Decoder>`
# {cite:p}`sohn2015learning,kingma2014semi`. Asking for a 7 is then one input of the
# decoder.
#
# What does the latent code hold when the label is given? Not the class: the decoder has
# that already. What the label does not say is how the digit is written, its **style**:
# stroke thickness, slant, width. This chapter measures that.
#
# In this chapter you will:
#
# * write the input of a conditional network, the image and its one-hot label side by
#   side ({ref}`exercise-9-1`), and see that a one-hot input is a bias that depends on the
#   class;
# * compare the test {term}`ELBO` of a conditional dense VAE with that of the
#   unconditional one of the same size, and say exactly what each number bounds;
# * generate a chosen digit ({ref}`exercise-9-2`) and check with a classifier that the
#   decoder draws the digit asked for;
# * encode a real digit under its label and decode the same $z$ as every other digit
#   ({ref}`exercise-9-3`): style transfer, measured;
# * return to the 1s and 8s of [chapter 5](05_generation.ipynb) and measure what the
#   latent dimensions hold once the class is given.

# %% [markdown]
# ## Setting up
#
# The models come from the course's zoo, as in [chapter 5](05_generation.ipynb):
# `zoo.pretrained(name)` loads the weights shipped in `weights/` (or trains the model with
# its recipe and saves it in `my_weights/`). Every number below comes from the **test**
# set.

# %%
import inspect
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import vaecourse
from vaecourse import conditional, evaluation, models, plotting, zoo
from vaecourse.tables import styled

import keras

vaecourse.seed_everything(9)
profile = vaecourse.current_profile()
print(f"Keras {keras.__version__}, profile: {profile.name}")

# %% [markdown]
# ## The label as an input
#
# A conditional VAE models the image $x$ given its label $y$. The encoder sees both and
# gives the approximate posterior $q(z\mid x, y)$; the decoder sees $z$ and $y$ and gives
# the pixel probabilities $p(x\mid z, y)$; the prior stays $p(z) = \mathcal{N}(0, I)$, the
# same for every class. The derivation of [chapter 2](02_vae_theory.ipynb) goes through
# with $y$ carried along in every term, and gives a lower bound on $\log p(x\mid y)$:
#
# $$
# \begin{aligned}
# \log p(x\mid y) \;\ge\; & \mathbb{E}_{q(z\mid x, y)}\big[\log p(x\mid z, y)\big] \\
# & - \KL\big(q(z\mid x, y)\,\|\,p(z)\big).
# \end{aligned}
# $$ (eq-09-cvae-elbo)
#
# Training maximises this conditional ELBO over the pairs (image, label) of the training
# split: the loss per image is the reconstruction term plus the {term}`KL <KL divergence>`
# term, as before.
#
# Why should the code then hold the style? Averaged over the images, the KL term is at
# least the information the code carries about the image, in {term}`nats <Nats>` (the
# decomposition of [chapter 5](05_generation.ipynb)): every nat the code holds is paid for.
# A nat about the class buys nothing, since the decoder is given the class. So the
# objective favours codes that leave the class to the label and keep what the label does
# not say. That is an argument about what the loss rewards, not a
# proof about what training finds; the rest of the chapter measures what it found.
#
# The two networks are those of the dense VAE of [chapter 3](03_dense_vae.ipynb) with one
# change: a `Concatenate` layer joins the one-hot label to the 784 pixels on the way in,
# and to $z$ on the way out (`models.build_dense_cvae`).

# %%
cvae, cvae_run = zoo.pretrained("dense_cvae_2d")
print(cvae_run.describe())
vaecourse.summary(cvae.encoder, line_length=72)
vaecourse.summary(cvae.decoder, line_length=72)

# %% tags=["remove-cell"]
assert isinstance(cvae, models.ConditionalVAE) and cvae.latent_dim == 2
assert (
    zoo.RECIPES["dense_cvae_2d"].epochs == zoo.RECIPES["dense_vae_2d"].epochs
)
assert zoo.RECIPES["dense_cvae_2d"].epochs == 50  # the prose says so
assert zoo.RECIPES["dense_cvae_2d"].kwargs == {"latent_dim": 2}  # hidden 512

# %% [markdown]
# The model's class, `models.ConditionalVAE`, is the course's VAE class
# (`models.VariantVAE`, chapter 8's) with the label carried along: the same loss and
# training step, and four methods of its own, which say what a batch holds and what the
# two networks take besides $x$ and $z$:

# %%
for hook in ("one_hot", "unpack", "encode", "decode"):
    method = getattr(models.ConditionalVAE, hook)
    print(textwrap.dedent(inspect.getsource(method)))

# %% [markdown]
# ```{exercise-start} The image and its label, side by side
# :label: exercise-9-1
# ```
#
# Write `image_and_label(images, labels, n_classes=10)`: what the conditional encoder's
# `Concatenate` layer gives its first Dense layer. `images` holds $n$ images, flat
# `(n, 784)` or square `(n, 28, 28)`; `labels` holds their $n$ integer classes, from 0 to
# `n_classes - 1`. Return one array of shape `(n, 784 + n_classes)`: each image's 784
# pixels, unchanged, then its label **one-hot**, a row of `n_classes` values that are all
# 0 except a 1 in the column of the label. The image comes first, as in the model.
#
# The checker compares your rows with the output of a small conditional encoder's own
# `Concatenate` layer. The chapter then uses your function to compute the encoder's first
# layer by hand.


# %%
def image_and_label(images, labels, n_classes=10):
    """Flat images, then one-hot labels: (n, 784 + n_classes)."""
    # Your code here.
    vaecourse.todo()


image_and_label = vaecourse.check(
    "09_conditional_vae_1_image_and_label", image_and_label
)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-9-1
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/09_conditional_vae_1_image_and_label.py
# :language: python
# ```
#
# ```{solution-end}
# ```
#
# The encoder's first Dense layer multiplies this row by its kernel $W$ and adds its bias
# $b$. Split $W$ into the rows that meet the pixels, $W_x$, and those that meet the label,
# $W_y$: a one-hot row has a single 1, in column $y$, so
#
# $$
# \begin{aligned}
# &W^\top \begin{bmatrix} x \\ \mathrm{onehot}(y) \end{bmatrix} + b \\
# &\quad = W_x^\top x + \big(b + W_y[y]\big),
# \end{aligned}
# $$ (eq-09-class-bias)
#
# where $W_y[y]$ is the row of $W_y$ for the class $y$. The label adds a **bias that
# depends on the class**, and nothing else. The cell below computes the first hidden layer
# of the trained encoder from your `image_and_label` and checks it against the layer's own
# output, then does the same on the decoder's side: `conditional.class_decoder(decoder,
# y)` builds a plain decoder of $z$ alone whose first bias is $b + W_y[y]$, and its digits
# match those of the conditional decoder.

# %%
# The 10,000 test images, flat, and their labels.
_, (x_test, y_test) = vaecourse.load_mnist(shape="flat", train=False)
x_few, y_few = x_test[:5], y_test[:5]

first = cvae.encoder.get_layer("enc_hidden")
kernel, bias = first.get_weights()
by_hand = np.maximum(image_and_label(x_few, y_few) @ kernel + bias, 0.0)
hidden = keras.Model(cvae.encoder.inputs, first.output)
by_model = np.asarray(hidden([x_few, np.asarray(cvae.one_hot(y_few))]))
largest = np.abs(by_hand - by_model).max()
print(f"first layer, by hand vs model: {largest:.1e}")

z_some = np.random.default_rng(0).standard_normal((5, 2)).astype("float32")
sevens = np.asarray(cvae.decode(z_some, np.full(5, 7)))
plain_seven = conditional.class_decoder(cvae.decoder, 7)
gap = np.abs(np.asarray(plain_seven(z_some)) - sevens).max()
print(f"decoder with the class-7 bias vs conditional decoder: {gap:.1e}")
assert np.allclose(by_hand, by_model, atol=1e-4)
assert np.allclose(np.asarray(plain_seven(z_some)), sevens, atol=1e-5)

# %% [markdown]
# Both agree to rounding. So a conditional decoder holds ten decoders, one per class, that
# share every weight except the first layer's bias.
#
# ## Two models of the same size
#
# The unconditional VAE of [chapter 3](03_dense_vae.ipynb) (`dense_vae_2d`) and the
# conditional one have the same layers, the same 2-D latent and the same recipe: 50 epochs
# on the training split. The only difference is the label. The cell below computes the
# test $-$ELBO of both on all the test images (one posterior sample per image), and the
# {term}`importance-weighted bound <Importance-weighted bound>` with $k = 100$ on the
# first 1,000 of them.

# %%
vae, vae_run = zoo.pretrained("dense_vae_2d")
print(vae_run.describe())
n_iw = profile.choose(reader=1000, quick=200)
x_eval, y_eval = profile.subset(x_test, y_test, quick=1000)

rec_c, kl_c = evaluation.elbo_terms(cvae, x_eval, labels=y_eval)
rec_u, kl_u = evaluation.elbo_terms(vae, x_eval)
iw_c = evaluation.importance_weighted_log_px(
    cvae, x_eval[:n_iw], k=100, labels=y_eval[:n_iw]
)
iw_u = evaluation.importance_weighted_log_px(vae, x_eval[:n_iw], k=100)
log10 = np.log(10.0)
comparison = pd.DataFrame(
    {
        "reconstruction": [rec_u.mean(), rec_c.mean()],
        "KL": [kl_u.mean(), kl_c.mean()],
        "−ELBO": [(rec_u + kl_u).mean(), (rec_c + kl_c).mean()],
        "−ELBO, first 1,000": [
            (rec_u + kl_u)[:n_iw].mean(),
            (rec_c + kl_c)[:n_iw].mean(),
        ],
        "IW bound, first 1,000": [-iw_u.mean(), -iw_c.mean()],
    },
    index=["VAE: bounds −log p(x)", "CVAE: bounds −log p(x | y)"],
)
# A column per model: the five measures side by side would overflow the page.
styled(comparison.T, "{:.2f}")

# %% tags=["remove-cell"]
assert len(x_eval) == profile.choose(reader=10_000, quick=1000)
# The IW bound is the tighter one (in expectation; one ELBO sample each).
assert -iw_u.mean() < (rec_u + kl_u)[:n_iw].mean() + 1
assert -iw_c.mean() < (rec_c + kl_c)[:n_iw].mean() + 1

# %% [markdown]
# The two bottom-line numbers do not bound the same quantity. The VAE's are upper bounds on
# $-\log p(x)$, how unlikely the model finds the image. The conditional model's are upper
# bounds on $-\log p(x\mid y)$, how unlikely it finds the image *once told its class*,
# which is an easier question. How far apart can the two be? For the true distribution of
# the data, $p(x, y) = p(x)\,p(y\mid x) = p(y)\,p(x\mid y)$, so on average over the images
#
# $$
# \begin{aligned}
# \mathbb{E}\big[-\log p(x\mid y)\big] &= \mathbb{E}\big[-\log p(x)\big] \\
# &\quad - I(x; y),
# \end{aligned}
# $$ (eq-09-label-information)
#
# and the information the image carries about its label, $I(x; y)$, is at most the
# entropy of the label, which is at most $\log 10 \approx 2.30$ nats for ten classes.
# For the true distribution, knowing the label saves at most $\log 10$ nats per image on
# average.
#
# For the models, the link is exact. Give the conditional model a prior over the labels,
# $p(y) = 1/10$; it becomes a model of the image alone, a mixture of ten classes,
#
# $$
# \begin{aligned}
# p_C(x) &= \tfrac{1}{10} \textstyle\sum_{y'} p_C(x\mid y') \\
# &\ge \tfrac{1}{10}\, p_C(x\mid y),
# \end{aligned}
# $$ (eq-09-mixture)
#
# since every term of the sum is positive. Taking $-\log$ of both sides gives, for every
# image and its true label $y$,
#
# $$
# -\log p_C(x) \le -\log p_C(x\mid y) + \log 10.
# $$ (eq-09-log10-link)
#
# So the conditional model's bound plus $\log 10$ is an upper bound on the $-\log p(x)$ of
# the mixture model, a number that can stand next to the VAE's bound on its own
# $-\log p(x)$. The cell below makes that comparison.

# %%
neg_elbo_u, neg_elbo_c = comparison["−ELBO"]
iw_bound_u, iw_bound_c = comparison["IW bound, first 1,000"]
as_mixture = iw_bound_c + log10
print(f"VAE:  IW bound on −log p(x)           {iw_bound_u:7.2f}")
print(f"CVAE: IW bound on −log p(x | y)       {iw_bound_c:7.2f}")
print(f"CVAE: + log 10, bound on −log p_C(x)  {as_mixture:7.2f}")
print(f"−ELBO: VAE {neg_elbo_u:.2f}, CVAE {neg_elbo_c:.2f}")

for key, value in {
    "neg_elbo_u": neg_elbo_u,
    "neg_elbo_c": neg_elbo_c,
    "iw_u": iw_bound_u,
    "iw_c": iw_bound_c,
    "as_mixture": as_mixture,
    "elbo_gap": neg_elbo_u - neg_elbo_c,
    "mixture_gap": iw_bound_u - as_mixture,
    "kl_u": comparison["KL"].iloc[0],
    "kl_c": comparison["KL"].iloc[1],
}.items():
    vaecourse.glue(f"ch9_{key}", float(value))
vaecourse.glue("ch9_log10", float(log10))
if not profile.quick:  # what the next paragraph says
    assert neg_elbo_u - neg_elbo_c > log10
    assert as_mixture < iw_bound_u

# %% [markdown]
# The conditional model's test $-$ELBO is {glue:text}`ch9_neg_elbo_c:.2f` nats against
# {glue:text}`ch9_neg_elbo_u:.2f` for the VAE, {glue:text}`ch9_elbo_gap:.2f` nats lower:
# more than the $\log 10$ = {glue:text}`ch9_log10:.2f` nats that the label is worth to a
# perfect model by {eq}`eq-09-label-information`. So the conditional model is not only
# answering an easier question: as a model of the images alone (next paragraph) it is
# also the better one, as far as the bounds show. A likely reason, which the rest of the
# chapter measures: the unconditional VAE spends its two dimensions on telling ten classes
# apart (the scatter of [chapter 3](03_dense_vae.ipynb)), while the conditional one gets
# the class from the label and can spend them on style.
#
# By {eq}`eq-09-log10-link`, the conditional model's bound gives
# $-\log p_C(x) \le$ {glue:text}`ch9_as_mixture:.2f` nats on the first 1,000 test images,
# below the VAE's {glue:text}`ch9_iw_u:.2f` (the cell asserts both orderings). Both are
# upper bounds: this says that the conditional model *certifies* a better likelihood of the
# images than the VAE does, not by how much the true values differ, which are each below
# their bound by an unknown amount.
#
# ## Asking for a digit
#
# Generating a chosen digit takes the two steps of [chapter 5](05_generation.ipynb) with
# one more input: draw $z \sim \mathcal{N}(0, I)$, and decode it with the one-hot row of
# the digit you want.
#
# ```{exercise-start} Generate a chosen digit
# :label: exercise-9-2
# ```
#
# Write `generate_digit(decoder, digit, n, seed)`. Draw $n$ latent points from the prior
# with `np.random.default_rng(seed)`, shape `(n, latent_dim)`, and decode them all as the
# digit `digit` in **one** call of the conditional decoder. The decoder is a Keras model
# with two inputs, `decoder([z, one_hot])`: the latent points, and one one-hot row per
# point. Read the latent size from `decoder.inputs[0].shape[-1]` and the number of classes
# from `decoder.inputs[1].shape[-1]`. Return `(z, images)`: the points you drew and the
# decoder's pixel probabilities as `(n, 28, 28)`.
#
# The checker tries small dense decoders (a 3-D latent with 10 classes, and one with 4
# classes) and a small convolutional one, and counts the decoder's calls: one batch.
# Your `z` must depend on the seed alone (the chapter decodes the same draws as every
# digit, and calls `generate_digit(..., seed=3)`). The chapter then draws ten of every digit with your function, and 5,000 more for the
# classifier.


# %%
def generate_digit(decoder, digit, n, seed):
    """n prior draws, decoded as the digit: (z, n images)."""
    # Your code here.
    vaecourse.todo()


generate_digit = vaecourse.check(
    "09_conditional_vae_2_generate_digit", generate_digit
)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-9-2
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/09_conditional_vae_2_generate_digit.py
# :language: python
# ```
#
# ```{solution-end}
# ```
#
# Ten draws of $z$ per digit, the same ten for every row (the same seed), so that each
# column shows one $z$ decoded as each digit ({numref}`fig-09-chosen-digits`).

# %% mystnb={"figure": {"caption": "The conditional VAE asked for each digit: row d decodes the same ten prior draws z with the label d.", "name": "fig-09-chosen-digits"}, "image": {"alt": "Ten rows of ten generated digits, each row a single class from 0 to 9"}}
chosen = [generate_digit(cvae.decoder, d, 10, seed=3) for d in range(10)]
assert all(np.array_equal(chosen[0][0], z) for z, _ in chosen)  # same z
plotting.plot_image_rows(
    [images for _, images in chosen],
    [str(d) for d in range(10)],
    title="Ten prior draws, decoded as each digit",
    scale=0.55,
)
plt.show()

# %% [markdown]
# Look down a column of {numref}`fig-09-chosen-digits`: the same $z$ gives ten different
# digits; compare their lean and their width along the column. Before measuring what they
# share, check that each row holds the digit asked for.
#
# ### Does the decoder draw the digit asked for?
#
# Judging thousands of digits by eye is not a measurement. The judge here is the small
# convolutional digit classifier of the zoo (`digit_classifier`: two convolutions, a
# Dense layer of 128 features and the ten class probabilities, trained on the training
# split). First its accuracy on the real test digits,
# then on 500 generated digits of each class: the share it assigns to the class that was
# asked for. The generated digits are the decoder's pixel probabilities, as shown above.

# %%
classifier, classifier_run = zoo.pretrained("digit_classifier")
print(classifier_run.describe())


def classify(images):
    """The classifier's class for each of n 28×28 images."""
    batch = np.asarray(images, "float32").reshape(-1, 28, 28, 1)
    probs = classifier.predict(batch, batch_size=500, verbose=0)
    return probs.argmax(axis=1)


real_accuracy = float(np.mean(classify(x_eval) == y_eval))
print(f"classifier on the real test digits: {real_accuracy:.2%}")

per_class = profile.choose(reader=500, quick=50)
recognised = {}
for d in range(10):
    _, images = generate_digit(cvae.decoder, d, per_class, seed=100 + d)
    recognised[d] = float(np.mean(classify(images) == d))
recognised = pd.Series(recognised, name="recognised")
overall = float(recognised.mean())
worst = int(recognised.idxmin())
print(f"generated digits recognised as asked: {overall:.2%} overall")
print(f"lowest: digit {worst}, {recognised[worst]:.1%}")

# The unconditional VAE, for contrast: which digits do its samples show?
z_free = np.random.default_rng(1).standard_normal((10 * per_class, 2))
free = vae.decoder.predict(z_free.astype("float32"), verbose=0)
free_counts = np.bincount(classify(free), minlength=10) / len(free)
print("unconditional VAE, share of its samples per class:")
print("  " + ", ".join(f"{d}: {s:.0%}" for d, s in enumerate(free_counts)))

vaecourse.glue("ch9_real_accuracy", real_accuracy)
vaecourse.glue("ch9_recognised", overall)
vaecourse.glue("ch9_per_class", per_class)
vaecourse.glue("ch9_worst_digit", worst)
vaecourse.glue("ch9_worst_share", float(recognised[worst]))
vaecourse.glue("ch9_best_share", float(recognised.max()))
vaecourse.glue("ch9_free_min", float(free_counts.min()))
vaecourse.glue("ch9_free_max", float(free_counts.max()))
if not profile.quick:  # the bar, and what the prose says
    assert real_accuracy > 0.98
    assert overall >= 0.95

# %%
# One row per digit: ten columns of percentages overflow the page.
styled(
    recognised.rename_axis("digit asked for").to_frame("recognised as asked"),
    "{:.1%}",
)

# %% [markdown]
# The classifier recognises {glue:text}`ch9_real_accuracy:.1%` of the real test digits,
# so it is a fair judge. Of the generated digits, {glue:text}`ch9_per_class:,d` per
# class, it recognises the class asked for in {glue:text}`ch9_recognised:.1%` (asserted
# to be at least 95 %). The share ranges from {glue:text}`ch9_worst_share:.1%` for the
# digit {glue:text}`ch9_worst_digit:d` to {glue:text}`ch9_best_share:.1%`. The
# unconditional VAE's samples, by contrast, fall into the classes as its latent layout
# decides, from {glue:text}`ch9_free_min:.0%` to {glue:text}`ch9_free_max:.0%` of them
# per class, and nothing in the model lets you ask.
#
# (ch09-explorer)=
# ### Pick the class, drag z
#
# Pick the class, drag z: the style stays, the digit changes. The explorer below holds
# this chapter's conditional decoder, running in your browser, over the square from −4 to
# 4 in both coordinates. The dots are the test digits' codes, each encoded under its own
# label and coloured by digit: the colours lie on top of one another, since the code does
# not need to say which digit it is. (Measured in the cell after the explorer: a
# 15-nearest-neighbour classifier tells the digit from the conditional code for
# {glue:text}`ch9_knn_cvae:.0%` of the test digits, near the 1 in 10 of guessing, and
# from the unconditional VAE's code for {glue:text}`ch9_knn_vae:.0%`.) Choose a digit in the menu and drag the ring (or
# click the plane and use the arrow keys); then keep the ring still and change the digit.
# The page holds one decoder and the ten first-layer biases $b + W_y[y]$ of
# {eq}`eq-09-class-bias`: changing the class swaps the bias, nothing else.

# %%
from vaecourse import explorer

test_codes, _ = cvae.encode(x_eval, y_eval)
explorer.class_plane(
    cvae.decoder,
    np.asarray(test_codes),
    y_eval,
    model="dense_cvae_2d",
    start=7,
    limit=4.0,
    title="The conditional VAE's latent plane",
)

# %%
# How well the digit can be told from the 2-D code: a 15-nearest-neighbour
# classifier, 5-fold cross-validated on the test codes (nothing is tuned).
from sklearn.model_selection import cross_val_score
from sklearn.neighbors import KNeighborsClassifier

knn = KNeighborsClassifier(n_neighbors=15)
plain_codes = np.asarray(vae.encoder(x_eval)[0])
cvae_codes = np.asarray(cvae.encode(x_eval, y_eval)[0])
told = {
    "VAE": cross_val_score(knn, plain_codes, y_eval, cv=5).mean(),
    "CVAE": cross_val_score(knn, cvae_codes, y_eval, cv=5).mean(),
}
for m, share in told.items():
    print(f"{m}: digit told from the code for {share:.1%} of test digits")
    vaecourse.glue(f"ch9_knn_{m.lower()}", float(share))
if not profile.quick:  # what the text above says
    assert told["CVAE"] < 0.2 and told["VAE"] > told["CVAE"] + 0.4

# %% [markdown]
# ## The same style, every digit
#
# The columns of {numref}`fig-09-chosen-digits` started from random $z$. Starting from a
# real digit instead gives **style transfer**: encode a test digit under its own label,
# keep its code $z$, and decode $z$ under every other label. If the code holds the style,
# the digit's thickness and slant should carry over.
#
# ```{exercise-start} One style, ten digits
# :label: exercise-9-3
# ```
#
# Write `style_grid(vae, images, labels)`. For each of the $n$ images, encode it under its
# **own** label, `vae.encode(images, labels)` (it returns the posterior mean and log
# variance), and take the posterior **mean** as its code $z$. Then decode all $n$ codes
# under the label 0, then all under the label 1, and so on up to `vae.n_classes - 1`,
# with `vae.decode(z, labels_of_the_points)`; both methods take integer labels, one per
# image. Return an array of shape `(n_classes, n, 28, 28)`: row $c$ holds every image
# drawn as the digit $c$, in the order of `images`.
#
# The checker tries a small dense and a small convolutional conditional VAE. The chapter
# then draws a grid of real test digits as all ten digits, and measures the style carried
# over on 500 test digits.


# %%
def style_grid(vae, images, labels):
    """Each image's z, decoded as each class: (k, n, 28, 28)."""
    # Your code here.
    vaecourse.todo()


style_grid = vaecourse.check(
    "09_conditional_vae_3_style_grid",
    style_grid,
)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-9-3
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/09_conditional_vae_3_style_grid.py
# :language: python
# ```
#
# ```{solution-end}
# ```
#
# The cell below picks test digits of different styles by their measured properties
# (the ink, slant and width of [chapter 5](05_generation.ipynb), in units of their spread
# within the digit's class): the thinnest and the thickest, the two that lean most to the
# left and to the right, the narrowest and the widest, and the first two test digits, each
# digit once (one digit can win two of these; the cell prints the digits it picked). The top
# row of {numref}`fig-09-style-grid` shows them; each row below draws all of them as one
# digit.

# %%
pool, pool_y = x_eval[:1000], y_eval[:1000]
props = conditional.digit_properties(pool)


def within_class(values, labels):
    """Each value in standard deviations from the mean of its class."""
    out = np.empty(len(values))
    for d in np.unique(labels):
        keep = labels == d
        mean, std = values[keep].mean(), values[keep].std()
        out[keep] = (values[keep] - mean) / std
    return out


style = {p: within_class(props[p], pool_y) for p in conditional.PROPERTIES}
picks = [
    np.argmin(style["ink"]),
    np.argmax(style["ink"]),
    np.argmax(style["slant"]),
    np.argmin(style["slant"]),
    np.argmin(style["width"]),
    np.argmax(style["width"]),
    0,
    1,
]
picks = list(dict.fromkeys(int(i) for i in picks))  # each digit once
print("picked test digits:", pool_y[picks].tolist())
grid = style_grid(cvae, pool[picks], pool_y[picks])

# %% mystnb={"figure": {"caption": "Style transfer with the conditional VAE: each test digit of the top row is encoded under its own label, and its code z decoded as each digit (rows 0 to 9).", "name": "fig-09-style-grid"}, "image": {"alt": "Eleven rows of digits: real test digits on top, and below them the same styles drawn as each digit from 0 to 9"}}
plotting.plot_image_rows(
    [pool[picks]] + list(grid),
    ["test digit"] + [f"as {d}" for d in range(10)],
    n=len(picks),
    title="One code per column, decoded as every digit",
    scale=0.55,
)
plt.show()

# %% [markdown]
# In {numref}`fig-09-style-grid`, read each column down and compare it with the test
# digit on top: its lean, its width, the weight of its stroke. To measure it, the cell below
# runs `style_grid` on 500 test digits and, for each target digit $c$, correlates a
# property of the source digit (in standard deviations from the mean of its own class, so
# that a thin 8 counts as thin) with the same property of its copy drawn as $c$.

# %%
n_style = profile.choose(reader=500, quick=200)
src, src_y = x_eval[:n_style], y_eval[:n_style]
copies = style_grid(cvae, src, src_y)  # (10, n_style, 28, 28)
src_style = {
    p: within_class(v, src_y)
    for p, v in conditional.digit_properties(src).items()
}
carried = {}
for c in range(10):
    copy_props = conditional.digit_properties(copies[c])
    carried[f"as {c}"] = {
        p: float(np.corrcoef(src_style[p], copy_props[p])[0, 1])
        for p in conditional.PROPERTIES
    }
carried = pd.DataFrame(carried).T
styled(carried.T, "{:.2f}")

# %%
mean_r = carried.mean()
print("correlation, averaged over the ten target digits:")
for p, r in mean_r.items():
    print(f"  {p}: {r:.2f} (lowest {carried[p].min():.2f})")
for p in conditional.PROPERTIES:
    vaecourse.glue(f"ch9_carried_{p}", float(mean_r[p]))
    vaecourse.glue(f"ch9_carried_{p}_min", float(carried[p].min()))
if not profile.quick:  # what the next paragraph says
    assert mean_r["slant"] > mean_r["width"] > 0.5 > mean_r["ink"]
    assert carried["slant"].min() > 0.5 and carried["width"].min() > 0.3

# %% [markdown]
# Averaged over the ten target digits, the correlation between the source digit's style
# and its copies' is {glue:text}`ch9_carried_slant:.2f` for the slant and
# {glue:text}`ch9_carried_width:.2f` for the width, and the lowest for any single target
# digit is {glue:text}`ch9_carried_slant_min:.2f` and
# {glue:text}`ch9_carried_width_min:.2f`: the slant and the width carry over, class to
# class. The ink, which grows with the stroke's thickness, carries over much less: its
# average correlation is {glue:text}`ch9_carried_ink:.2f` (the cell asserts the order
# slant, width, ink, and that the first two exceed 0.5 and the ink does not). Two latent
# dimensions hold two factors of style here, and the stroke's thickness is not one of
# them. The 1-and-8 model below has four.
#
# ## The 1s and 8s again
#
# [Chapter 5](05_generation.ipynb) trained a convolutional VAE with a 4-D latent on the
# 1s and 8s (`conv_vae_4d_1and8`) and asked what each latent dimension controls. One of
# its dimensions followed the class. Here is the conditional version of the same network
# (`conv_cvae_4d_1and8`, `models.build_conv_cvae`): the same convolutions and Dense
# layers, the label joined to the feature maps on the way in and to $z$ on the way out,
# the same data and the same 15 epochs. The cell below measures both models as chapter 5
# does, on the test 1s and 8s (the measurements are in `vaecourse.conditional`): the
# activity of each dimension, its average KL, the correlation of its posterior mean with
# the class, and the correlations with the ink, slant and width *within* each class
# (absolute values, averaged over the 1s and the 8s). "named" is chapter 5's name for the
# dimension: its strongest correlation, or "inactive" when it is not
# {term}`active <Active unit>`.

# %%
vae18, run18 = zoo.pretrained("conv_vae_4d_1and8")
cvae18, crun18 = zoo.pretrained("conv_cvae_4d_1and8")
print(run18.describe())
print(crun18.describe())
_, (x18, y18) = vaecourse.load_mnist(
    shape="image", digits=(1, 8), train=False
)
x18, y18 = profile.subset(x18, y18, quick=600)

mu_u, log_var_u = (np.asarray(a) for a in vae18.encoder(x18))
mu_c, log_var_c = (np.asarray(a) for a in cvae18.encode(x18, y18))
usage = {
    "VAE": conditional.latent_usage(mu_u, log_var_u, y18, x18),
    "CVAE": conditional.latent_usage(mu_c, log_var_c, y18, x18),
}
for table in usage.values():
    table["named"] = [
        conditional.name_dimension(r) for _, r in table.iterrows()
    ]
# Shown without the "active" column ("named" says "inactive") and without
# the index's names: their header row and column would widen the table.
both = pd.concat(usage).drop(columns="active")
styled(
    both,
    {
        "activity": "{:.3f}",
        "average KL": "{:.2f}",
        "class": "{:+.2f}",
        "ink": "{:.2f}",
        "slant": "{:.2f}",
        "width": "{:.2f}",
    },
)

# %% tags=["remove-cell"]
recipe_u = zoo.RECIPES["conv_vae_4d_1and8"]
recipe_c = zoo.RECIPES["conv_cvae_4d_1and8"]
assert recipe_c.epochs == recipe_u.epochs and recipe_c.digits == (1, 8)
assert recipe_c.kwargs["latent_dim"] == recipe_u.kwargs["latent_dim"] == 4
assert set(np.unique(y18)) == {1, 8}
assert recipe_c.epochs == 15  # the prose says so
# The same convolutions and Dense layer as chapter 5's network.
for key in ("encoder_filters", "dense", "decoder_filters"):
    defaults = [
        inspect.signature(build).parameters[key].default
        for build in (models.build_conv_vae, models.build_conv_cvae)
    ]
    assert defaults[0] == defaults[1], key
assert "dense" not in recipe_c.kwargs and "dense" not in recipe_u.kwargs

# %% [markdown]
# The cell below sums up the two tables, and adds a measurement that does not depend on
# how the code's axes are turned: how much of each property a straight-line fit on the
# whole 4-D posterior mean explains within each class, its $R^2$ (1: all of it; the
# average of the 1s' and the 8s'), and the same for the class over all the images. It also
# prints both test $-$ELBOs.


# %%
def explained(means, target):
    """R² of the least-squares fit of target on the means."""
    design = np.column_stack([means, np.ones(len(means))])
    coef, *_ = np.linalg.lstsq(design, target, rcond=None)
    return 1.0 - np.var(target - design @ coef) / np.var(target)


props18 = conditional.digit_properties(x18)
codes = {"VAE": mu_u, "CVAE": mu_c}
fits = {}
for m, mu in codes.items():
    row = {"class": explained(mu, (y18 == 8).astype(float))}
    for p in conditional.PROPERTIES:
        row[p] = np.mean(
            [explained(mu[y18 == d], props18[p][y18 == d]) for d in (1, 8)]
        )
    fits[m] = row
fits = pd.DataFrame(fits).T

rec_u18, kl_u18 = evaluation.elbo_terms(vae18, x18)
rec_c18, kl_c18 = evaluation.elbo_terms(cvae18, x18, labels=y18)
elbo18 = {
    "VAE": (rec_u18 + kl_u18).mean(),
    "CVAE": (rec_c18 + kl_c18).mean(),
}
carrying = {m: int((usage[m]["average KL"] > 1.0).sum()) for m in usage}
class_r = {m: float(usage[m]["class"].abs().max()) for m in usage}
for m in usage:
    print(
        f"{m}: test −ELBO {elbo18[m]:.2f}, "
        f"{usage[m]['active'].sum()} active dimensions, "
        f"{carrying[m]} with more than 1 nat of KL,\n"
        f"      named {usage[m]['named'].tolist()}"
    )
print("R² of a straight-line fit on the 4-D code:")
styled(fits, "{:.2f}")

# %%
for m in usage:
    key = m.lower()
    vaecourse.glue(f"ch9_elbo18_{key}", float(elbo18[m]))
    vaecourse.glue(f"ch9_carrying_{key}", carrying[m])
    vaecourse.glue(f"ch9_class_r_{key}", class_r[m])
    vaecourse.glue(f"ch9_active_{key}", int(usage[m]["active"].sum()))
    for p in ("class", *conditional.PROPERTIES):
        vaecourse.glue(f"ch9_r2_{p}_{key}", float(fits.loc[m, p]))
# What the label alone can be worth: -log p(y) for the rarer of the two
# classes, p(y) their shares among these test images.
label_worth = float(-np.log(np.bincount(y18)[[1, 8]].min() / len(y18)))
vaecourse.glue("ch9_label_worth", label_worth)
carrying_c = usage["CVAE"][usage["CVAE"]["average KL"] > 1.0]
strength = carrying_c[["class", *conditional.PROPERTIES]].abs().max(axis=1)
vaecourse.glue("ch9_weakest_named_r", float(strength.min()))
named_u, named_c = (usage[m]["named"].tolist() for m in ("VAE", "CVAE"))
if not profile.quick:  # what the next paragraphs say
    assert "class" in named_u and "class" not in named_c
    assert "ink" not in named_u and "ink" not in named_c
    assert class_r["VAE"] > 0.8 and class_r["CVAE"] < class_r["VAE"] - 0.2
    assert carrying["CVAE"] > carrying["VAE"]
    ink_width = fits[["ink", "width"]]
    assert (ink_width.loc["CVAE"] > ink_width.loc["VAE"]).all()
    assert abs(fits.loc["CVAE", "slant"] - fits.loc["VAE", "slant"]) < 0.03
    assert fits.loc["CVAE", "class"] < fits.loc["VAE", "class"]
    assert (strength > 0.8).sum() == len(strength) - 1
    assert strength.min() < 0.3
    assert elbo18["VAE"] - elbo18["CVAE"] > label_worth

# %% [markdown]
# What changed once the class is given:
#
# * **No dimension is the class any more.** The VAE has a dimension named after the class
#   (|r| = {glue:text}`ch9_class_r_vae:.2f`); the conditional model has none, and its
#   largest |r| with the class is {glue:text}`ch9_class_r_cvae:.2f`.
# * **More dimensions carry style.** {glue:text}`ch9_carrying_cvae:d` of the conditional
#   model's dimensions carry more than 1 nat of KL, against
#   {glue:text}`ch9_carrying_vae:d` of the VAE's. All but one of them correlate at more
#   than 0.8 with the width or the slant they are named after; the last one's strongest
#   correlation is {glue:text}`ch9_weakest_named_r:.2f`: chapter 5's rule gives it a
#   name, but it follows none of the three properties measured.
# * **The code explains more of the style.** Within each class, a straight-line fit on the
#   code explains a share {glue:text}`ch9_r2_ink_cvae:.2f` of the ink and
#   {glue:text}`ch9_r2_width_cvae:.2f` of the width, against
#   {glue:text}`ch9_r2_ink_vae:.2f` and {glue:text}`ch9_r2_width_vae:.2f` for the VAE's
#   code; the slant is explained equally well by both ({glue:text}`ch9_r2_slant_cvae:.2f`
#   and {glue:text}`ch9_r2_slant_vae:.2f`).
# * **A lower −ELBO, by more than the label is worth.** The test $-$ELBO falls from
#   {glue:text}`ch9_elbo18_vae:.2f` to {glue:text}`ch9_elbo18_cvae:.2f` nats. The two
#   bound different quantities, $-\log p(x)$ and $-\log p(x\mid y)$. Since
#   $\log p(x) = \log p(x\mid y) + \log p(y) - \log p(y\mid x)$, the label can make
#   the second smaller than the first by at most $-\log p(y)$, here at most
#   {glue:text}`ch9_label_worth:.2f` nats (the rarer class's share of these test
#   images); the gap between the bounds is far larger.
#
# Two cautions, both visible in the tables. The conditional code still tells the classes
# apart to a degree: a straight-line fit explains {glue:text}`ch9_r2_class_cvae:.2f` of
# the class from it ({glue:text}`ch9_r2_class_vae:.2f` for the VAE). Nothing in the
# objective makes the code independent of the label: 1s and 8s are written differently,
# so their codes may sit in different places; what the loss removes is the *need* to
# store the class. And no single coordinate isolates the ink (the stroke's thickness, which
# chapter 5's model did not isolate either): the strongest within-class correlation with
# the ink belongs to a dimension named after another property. The code predicts the ink
# better as a whole, spread over its axes.
#
# As in chapter 5, a correlation describes the encoder. To see what the decoder does with
# each dimension, traverse it: start from the code of one test 8 (encoded under its label),
# set one coordinate from −2.5 to 2.5, and decode the points as an 8, and the very same
# points as a 1 ({numref}`fig-09-traversals`).

# %% mystnb={"figure": {"caption": "Traversals of the conditional 1-and-8 VAE: each coordinate of the code of a test 8 set from \u22122.5 to 2.5, decoded as an 8 (top four rows) and as a 1 (bottom four rows).", "name": "fig-09-traversals"}, "image": {"alt": "Eight rows of decoded digits: four traversals drawn as an 8, then the same four drawn as a 1"}}
steps = np.linspace(-2.5, 2.5, 11).astype("float32")
anchor = mu_c[np.flatnonzero(y18 == 8)[0]]
points = np.repeat(anchor[None], 4 * len(steps), axis=0)
for j in range(4):
    points[j * len(steps) : (j + 1) * len(steps), j] = steps
traversal = {
    d: np.asarray(cvae18.decode(points, np.full(len(points), d))).reshape(
        4, len(steps), 28, 28
    )
    for d in (8, 1)
}
plotting.plot_image_rows(
    [traversal[d][j] for d in (8, 1) for j in range(4)],
    [f"as {d}, dim {j}" for d in (8, 1) for j in range(4)],
    n=len(steps),
    title="One coordinate at a time, from −2.5 (left) to 2.5 (right)",
    scale=0.55,
)
plt.show()

# %% [markdown]
# Measured on the decoded images, as in chapter 5: the change of each property from the
# left end of a row to the right end, in units of the property's standard deviation over
# the real test digits, for each dimension drawn as an 8 and as a 1.

# %%
effects = {}
for j in range(4):
    row = {}
    for d in (8, 1):
        decoded = conditional.digit_properties(traversal[d][j])
        for p in conditional.PROPERTIES:
            change = decoded[p][-1] - decoded[p][0]
            row[f"Δ {p} ({d})"] = change / props18[p].std()
    effects[f"dim {j}"] = row
effects = pd.DataFrame(effects).T
styled(effects, "{:+.2f}")

# %%
top_two = np.argsort(usage["CVAE"]["average KL"].to_numpy())[::-1][:2]
agree, moves = True, True
for j in top_two:
    large = []
    for p in conditional.PROPERTIES:
        as8, as1 = (
            effects.iloc[j][f"Δ {p} (8)"],
            effects.iloc[j][f"Δ {p} (1)"],
        )
        if abs(as8) > 1 and abs(as1) > 1:
            large.append(p)
            agree &= bool(np.sign(as8) == np.sign(as1))
    moves &= len(large) >= 2
    print(
        f"dim {j}: changes {', '.join(large)} by more than 1 std,"
        " as an 8 and as a 1"
    )
vaecourse.glue(
    "ch9_top_two", " and ".join(str(int(j)) for j in sorted(top_two))
)
if not profile.quick:  # what the next paragraph says
    assert agree and moves

# %% [markdown]
# The two dimensions that carry the most KL, {glue:text}`ch9_top_two`, each change at least
# two properties by more than one standard deviation, and they change them in the same
# direction whether the code is drawn as an 8 or as a 1 (the cell asserts both). A
# coordinate of the conditional code is a change of style that applies to either digit.
#
# ## Summary
#
# * A conditional VAE gives the label to the encoder, $q(z\mid x, y)$, and to the decoder,
#   $p(x\mid z, y)$; its ELBO {eq}`eq-09-cvae-elbo` is a lower bound on $\log p(x\mid y)$.
#   A one-hot input is a class-dependent bias of the first layer.
# * Its test $-$ELBO, {glue:text}`ch9_neg_elbo_c:.2f` nats, bounds $-\log p(x\mid y)$, not
#   $-\log p(x)$. With $p(y) = 1/10$ the model is a mixture whose $-\log p(x)$ is at most
#   the conditional bound plus $\log 10$: {glue:text}`ch9_as_mixture:.2f` nats on the
#   first 1,000 test images, against the unconditional VAE's bound of
#   {glue:text}`ch9_iw_u:.2f`.
# * Asked for a digit, the decoder draws one the classifier recognises as that digit in
#   {glue:text}`ch9_recognised:.1%` of the cases.
# * The code holds the style: decoded under other labels, a digit's slant and width carry
#   over (average correlations {glue:text}`ch9_carried_slant:.2f` and
#   {glue:text}`ch9_carried_width:.2f`); with two dimensions, the ink much less
#   ({glue:text}`ch9_carried_ink:.2f`). On the 1s and 8s, no dimension follows the class
#   any more, more dimensions carry style, and the code explains more of the ink and the
#   width within each class.
