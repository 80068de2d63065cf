# %% [markdown]
# # The dense VAE
#
# [Chapter 2](02_vae_theory.ipynb) derived the loss of a variational autoencoder. This
# chapter builds one in Keras 3 and trains it on MNIST: a small dense network shaped like
# the {term}`autoencoder` of [chapter 1](01_autoencoders.ipynb), one hidden layer each way
# (here of 512 units, where [chapter 1](01_autoencoders.ipynb) used 256), except that the
# {term}`encoder` outputs a *distribution* over a 2-D {term}`latent space` and a sampling
# layer sits between encoder and {term}`decoder` {cite:p}`kingma2014autoencoding`.
#
# In this chapter you will:
#
# * write the encoder and the sampling layer as Keras models, and the decoder yourself
#   ({ref}`exercise-3-1`);
# * meet the same VAE written three ways: functional encoder and decoder models, a
#   subclassed `keras.Model` with its own training step, and a hand-written
#   `tf.GradientTape` loop, for which you write the loss of one image
#   ({ref}`exercise-3-2`) and one training step ({ref}`exercise-3-3`);
# * train it, following the reconstruction and {term}`KL <KL divergence>` terms
#   separately;
# * compare its latent space with the plain autoencoder's, and with the {term}`prior`;
# * measure it on the 10,000 test images in {term}`nats` per image, with the negative
#   {term}`ELBO` and the negative {term}`importance-weighted bound` of
#   [chapter 2](02_vae_theory.ipynb)
#   ({ref}`exercise-3-4`), two upper bounds on $-\log p(x)$, and compare it with two more
#   VAEs trained with other recipes: one with a 20-D latent space, and a deeper network with
#   the same 2-D latent space.

# %% [markdown]
# ## Setting up

# %%
import inspect
import time

import matplotlib.pyplot as plt
import numpy as np

import vaecourse
from vaecourse import evaluation, losses, models, plotting, zoo
from vaecourse.results import headline

import keras
import tensorflow as tf
from keras import layers, ops

vaecourse.seed_everything(3)
profile = vaecourse.current_profile()
RETRAIN = False  # True: train the VAEs here, saved in my_weights/
print(f"Keras {keras.__version__}, profile: {profile.name}")

# %% [markdown]
# ## The data, and what the numbers will mean
#
# As in [chapter 1](01_autoencoders.ipynb), each image is a row of 784 grey levels scaled
# to $[0, 1]$. The decoder treats each pixel as a Bernoulli variable and the reconstruction
# term is the binary cross-entropy summed over the 784 pixels
# ([chapter 2](02_vae_theory.ipynb)). Note the convention: we feed the
# **continuous grey levels** to a Bernoulli likelihood, as most tutorials do; the papers use
# *binarised* MNIST, where each pixel is 0 or 1. With grey levels the "log-likelihood" is
# not that of a normalised density {cite:p}`loaiza2019continuous`, so the nats per image
# reported below are comparable with each other but not with published binarised-MNIST
# results.
#
# As in [chapter 1](01_autoencoders.ipynb), the 60,000 training images are split in two:
# the first 50,000 train the models, and the last 10,000 are the
# {term}`validation <validation split>` set, on which training is watched and the course's
# settings were chosen. The 10,000 test images serve only for the numbers the
# chapter reports about the trained models. As 32-bit floats the 50,000 training images
# take 157 MB, a sixth of the 1 GB Binder gives a notebook: the chapter keeps the first
# 10,000 at hand, and training loads all of them when it runs.

# %%
IN_VIEW = 10_000  # training images at hand; `train` below loads all of them
train, validation, test = vaecourse.load_mnist_splits(
    shape="flat", first={"train": IN_VIEW}
)
(x_train, y_train), (x_val, y_val), (x_test, y_test) = (
    profile.subset(x, y, quick=n)
    for (x, y), n in [(train, 3000), (validation, 500), (test, 500)]
)
del train, validation, test
print(
    "training:",
    x_train.shape,
    " validation:",
    x_val.shape,
    " test:",
    x_test.shape,
)

# %% tags=["remove-cell"]
assert x_train.shape[1] == 784
assert 0.0 <= x_train.min() and x_train.max() <= 1.0
# The data trained on in view is the recipe's (vaecourse.zoo), so that the
# model trained here is the one the other chapters load.
x_recipe, x_recipe_val = zoo.training_data("dense_vae_2d", first=5000)
assert np.array_equal(x_train[: len(x_recipe)], x_recipe)
assert np.array_equal(x_val[: len(x_recipe_val)], x_recipe_val)
assert profile.quick or (len(x_train), len(x_val)) == (IN_VIEW, 10_000)
del x_recipe, x_recipe_val

# %% [markdown]
# ## Way 1: functional encoder and decoder
#
# ### The encoder
#
# The encoder maps an image through 512 ReLU units to **two** outputs of the latent size:
# the mean $\mu$ and the log-variance $\log \sigma^2$ of the Gaussian $q(z \mid x)$, the
# {term}`approximate posterior`. Both layers are linear, since a mean and a log-variance
# can be any real number.

# %%
LATENT_DIM = 2

image = keras.Input(shape=(784,), name="image")
hidden = layers.Dense(512, activation="relu", name="enc_hidden")(image)
z_mean = layers.Dense(LATENT_DIM, name="z_mean")(hidden)
z_log_var = layers.Dense(LATENT_DIM, name="z_log_var")(hidden)
encoder = keras.Model(image, [z_mean, z_log_var], name="dense_encoder")
vaecourse.summary(encoder)


# %% [markdown]
# ### The sampling layer
#
# Between encoder and decoder sits the {term}`reparameterisation <Reparameterisation>` of
# [chapter 2](02_vae_theory.ipynb),
#
# $$
# z = \mu + \sigma \odot \varepsilon, \qquad \varepsilon \sim \mathcal{N}(0, I),
# $$ (eq-03-reparam)
#
# with $\sigma = \exp(\tfrac{1}{2} \log \sigma^2)$. In Keras 3 it is a small layer:
# `keras.random.normal` draws $\varepsilon$ with the batch's shape (whatever the batch
# size), and a `SeedGenerator` makes the draws reproducible.


# %%
class Sampling(layers.Layer):
    """z = mean + exp(½ log_var) * eps, eps ~ N(0, I): a sample of q(z|x)."""

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        mean, log_var = inputs
        eps = keras.random.normal(ops.shape(mean), seed=self.seed_generator)
        return mean + ops.exp(0.5 * log_var) * eps


# Check: many samples for one (mean, log variance) have that mean and
# standard deviation.
mean_check = np.tile([[1.0, -2.0]], (20000, 1)).astype("float32")
log_var_check = np.tile([[np.log(0.25), np.log(4.0)]], (20000, 1))
log_var_check = log_var_check.astype("float32")
z_check = np.asarray(Sampling(seed=0)([mean_check, log_var_check]))
print(
    "sample mean:",
    z_check.mean(axis=0).round(3),
    " sample std:",
    z_check.std(axis=0).round(3),
)
assert np.allclose(z_check.mean(axis=0), [1.0, -2.0], atol=0.05)
assert np.allclose(z_check.std(axis=0), [0.5, 2.0], atol=0.05)


# %% [markdown]
# The course's own `vaecourse.models.Sampling` is this layer, with one addition for
# numerical safety: it clips $\log \sigma^2$ to $[-30, 20]$ before exponentiating, so that a
# wild encoder output early in training cannot overflow.

# %% [markdown]
# ```{exercise-start} The decoder
# :label: exercise-3-1
# ```
#
# The decoder maps a point of the latent space back to an image. Mirror the encoder: one
# hidden layer of `hidden` ReLU units, then 784 outputs. Those outputs are the parameters of
# the likelihood $p(x \mid z)$ of [chapter 2](02_vae_theory.ipynb), one Bernoulli mean per
# pixel: each must be a probability in $(0, 1)$, whatever the others are. Choose the output
# activation to match.
#
# Write `build_decoder(latent_dim=2, hidden=512)`: a functional `keras.Model` from a latent
# vector of shape `(latent_dim,)` to the 784 pixel probabilities. Name the input `"z"`, the two
# `Dense` layers `"dec_hidden"` and `"pixel_probs"`, and the model `"dense_decoder"`: the
# weights the course ships are stored under these names. The checker builds your decoder
# for a 2-D and a 20-D latent space, compares its layers, sizes and activations with the
# expected ones, and names the usual slips (outputs that are not squashed into $(0, 1)$, a
# softmax over the pixels, a fixed hidden width). The rest of the chapter uses your decoder.


# %%
def build_decoder(latent_dim=2, hidden=512):
    """latent_dim → hidden (ReLU) → 784 pixel probabilities."""
    # Your code here.
    vaecourse.todo()


build_decoder = vaecourse.check("03_dense_vae_1_decoder", build_decoder)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-3-1
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/03_dense_vae_1_decoder.py
# :language: python
# ```
#
# ```{solution-end}
# ```
#
# The decoder of the 2-D VAE:

# %%
decoder = build_decoder(LATENT_DIM)
vaecourse.summary(decoder)

# %% [markdown]
# Later chapters load this VAE through `vaecourse.models.build_dense_vae`. The cell checks
# that the encoder and decoder written here are the same networks, layer by layer and name
# by name, so that the weights trained here fit there.

# %%
from vaecourse.models import architecture

package_vae = models.build_dense_vae(latent_dim=LATENT_DIM)
pairs = [(encoder, package_vae.encoder), (decoder, package_vae.decoder)]
for ours, theirs in pairs:
    assert architecture(ours) == architecture(theirs), architecture(ours)
    assert [l.name for l in ours.layers] == [l.name for l in theirs.layers]
n_params = encoder.count_params() + decoder.count_params()
assert n_params == package_vae.count_params()
print(
    f"encoder {encoder.count_params():,} + "
    f"decoder {decoder.count_params():,} = {n_params:,} parameters,"
)
print("the same as vaecourse.models.build_dense_vae")

# %% [markdown]
# ### Chaining them, and where the loss cannot go
#
# The three pieces chain into one functional model that takes an image and returns the
# pixel probabilities of a sampled reconstruction:

# %%
z = Sampling(seed=3, name="sampling")([z_mean, z_log_var])
vae_functional = keras.Model(image, decoder(z), name="vae_functional")
print(vae_functional(x_test[:4]).shape)

# %% [markdown]
# What the functional model cannot do is *train*. The VAE loss is not a function of the
# output and a target alone: its KL term depends on `z_mean` and `z_log_var`, tensors in the
# middle of the graph. Tutorials written for Keras 2 attach such a loss with
# `vae.add_loss(...)` on the symbolic tensors; **Keras 3 no longer supports that**, and the
# call fails, as the cell shows. Old notebooks break exactly here.

# %%
kl_symbolic = losses.gaussian_kl(z_mean, z_log_var)
try:
    vae_functional.add_loss(ops.mean(kl_symbolic))
    add_loss_failed = False
except NotImplementedError:
    add_loss_failed = True
print(
    "functional add_loss raises NotImplementedError in Keras 3:",
    add_loss_failed,
)
assert add_loss_failed

# %% [markdown]
# The fix is to say *how to train* in code, not in the graph: either a model class with its
# own training step (way 2) or a training loop of our own (way 3). Both reuse the encoder and
# decoder above unchanged.
#
# ## Way 2: a subclassed `keras.Model` with its own `train_step`
#
# ### The loss of one image
#
# Whoever drives the training needs the loss of [chapter 2](02_vae_theory.ipynb): the
# negative ELBO of each image, estimated with one sample $z \sim q(z \mid x)$,
#
# $$
# \begin{aligned}
# \ell(x) = {} & \underbrace{-\log p(x \mid z)}_{\text{reconstruction}} \\
#   & + \mathrm{KL}\big(q(z \mid x) \,\|\, \mathcal{N}(0, I)\big).
# \end{aligned}
# $$ (eq-loss)
#
# With Bernoulli pixels of means $p_i$, the decoder's outputs, the reconstruction term
# $-\log p(x \mid z)$ is the binary cross-entropy **summed** over the 784 pixels,
#
# $$
# \begin{aligned}
# -\sum_{i=1}^{784} \big[ & x_i \log p_i \\
#   & + (1 - x_i) \log(1 - p_i) \big],
# \end{aligned}
# $$ (eq-bce)
#
# so that it is counted in nats per image like the KL term, whose
# closed form [chapter 2](02_vae_theory.ipynb) derived.

# %% [markdown]
# ```{exercise-start} The loss per image
# :label: exercise-3-2
# ```
#
# Write `per_image_loss(x, probs, mean, log_var)`. In: the images `x` and the decoder's
# probabilities `probs`, both of shape `(n, 784)`, and the encoder's outputs `mean` and
# `log_var` ($\log \sigma^2$), both `(n, latent_dim)`. Out: $\ell$ of each image in nats,
# {eq}`eq-loss` with {eq}`eq-bce`, shape `(n,)`; the training step averages over the
# batch. Write it with `keras.ops`
# (`ops.log`, `ops.exp`, `ops.sum`, `ops.clip`), not NumPy, because the training step
# differentiates it. Clip `probs` into $[10^{-6}, 1 - 10^{-6}]$ before taking logs: a float32
# sigmoid does return exactly 0 or 1, and $0 \cdot \log 0$ is nan. The checker compares your
# loss with hand-computed values and with the course's, and names the usual slips (a mean
# over the pixels where the sum belongs, a sign, σ in place of σ², no clipping). The
# training loop of way 3 uses your function.


# %%
def per_image_loss(x, probs, mean, log_var):
    """−ELBO per image in nats: Bernoulli NLL + KL(q(z|x) ‖ N(0, I))."""
    # Your code here.
    vaecourse.todo()


per_image_loss = vaecourse.check("03_dense_vae_2_loss", per_image_loss)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-3-2
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/03_dense_vae_2_loss.py
# :language: python
# ```
#
# ```{solution-end}
# ```
#
# ### The course's VAE class
#
# `vaecourse.models.VAE` is the VAE the course uses everywhere. Its source, printed by the
# cell below, is short:
#
# * `loss_terms` encodes, samples, decodes, and returns the two terms of the loss *per
#   image*: the Bernoulli negative log-likelihood summed over pixels and the closed-form KL;
# * `train_step` computes their mean under a `tf.GradientTape`, applies the gradients, and
#   updates three running means (loss, reconstruction, KL), which `fit` logs separately;
# * `test_step` does the same without the update, for `validation_data`;
# * `reconstruct` decodes the mean $\mu$ of each image's $q(z \mid x)$: a deterministic
#   reconstruction for figures.
#
# Because `fit` drives it, everything Keras offers (callbacks, validation, saving weights)
# works as for any model.

# %%
print(inspect.getsource(models.VAE))

# %% [markdown]
# Its two loss functions are the two terms of your loss in `keras.ops`. Besides the
# probabilities, they clip $\log \sigma^2$ to $[-30, 20]$, so that a wild encoder output
# early in training cannot overflow:

# %%
print(inspect.getsource(losses.gaussian_kl))
print(inspect.getsource(losses.bernoulli_nll))

# %% [markdown]
# We wrap our encoder and decoder in it. The result has exactly the parameters of the
# functional model, and its per-image loss terms have the expected shapes and signs. For one
# draw of $z$, their sum is the loss your function computes (the cell asserts it):

# %%
vae = models.VAE(encoder, decoder, seed=3, name="dense_vae_2d")
assert (
    vae.count_params()
    == vae_functional.count_params()
    == package_vae.count_params()
)

x8 = x_test[:8]
mean8, log_var8 = vae.encoder(x8)
probs8 = vae.decoder(vae.sampling([mean8, log_var8]))
reconstruction = losses.bernoulli_nll(x8, probs8)
kl = losses.gaussian_kl(mean8, log_var8)
yours = per_image_loss(x8, probs8, mean8, log_var8)
print("reconstruction (nats):", np.round(np.asarray(reconstruction), 1))
print("KL (nats):            ", np.round(np.asarray(kl), 3))
print("per_image_loss:       ", np.round(np.asarray(yours), 1))
assert reconstruction.shape == kl.shape == (8,)
assert (np.asarray(kl) >= 0).all() and (np.asarray(reconstruction) > 0).all()
assert np.allclose(yours, reconstruction + kl, rtol=1e-5)

# %% [markdown]
# ## Way 3: a hand-written `tf.GradientTape` loop
#
# `fit` hides the loop. Written out, one training step is: take a batch, run the forward pass
# and the loss under a tape, ask the tape for the gradients, let the optimiser apply them.
# The tape records only what runs inside it, and gradients reach only the weights whose
# computations it recorded.

# %% [markdown]
# ```{exercise-start} One training step
# :label: exercise-3-3
# ```
#
# Write `train_step(model, optimizer, x, loss_fn)`. The `model` is a `vaecourse.models.VAE`:
# `model.encoder(x)` gives `(mean, log_var)`, `model.sampling([mean, log_var])` draws
# $z$ by {eq}`eq-03-reparam`, and `model.decoder(z)` gives the pixel
# probabilities. `x` is a batch of images, `(batch, 784)`, and `loss_fn(x, probs, mean,
# log_var)` a per-image loss such as yours. The step computes the batch's mean loss under a
# `tf.GradientTape`, takes its gradients with respect to `model.trainable_weights` (the
# encoder's and the decoder's), applies them with `optimizer.apply(gradients, weights)`, and
# returns the mean loss computed before the update, a scalar tensor. Which computations must
# run inside the tape for the encoder to learn too?
#
# The checker runs two steps of plain gradient descent on a tiny VAE (6 pixels, a 2-D latent
# space) and compares the losses and the updated weights with those of the course's
# `VAE.train_step`, eagerly and compiled with `tf.function`. It names the usual slips: the
# encoder outside the tape, the mean $\mu$ decoded instead of a sample $z$, the sum over the
# batch where the mean belongs, gradients computed but never applied. The next cell trains a
# fresh copy of the 2-D VAE with your step and your loss.


# %%
def train_step(model, optimizer, x, loss_fn):
    """One gradient step on the batch x; returns the batch's mean loss."""
    # Your code here.
    vaecourse.todo()


train_step = vaecourse.check("03_dense_vae_3_train_step", train_step)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-3-3
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/03_dense_vae_3_train_step.py
# :language: python
# ```
#
# ```{solution-end}
# ```
#
# Here are a few hundred steps of it on a fresh copy of the same architecture, on batches
# drawn from the training images at hand, with `per_image_loss` as the loss and Adam as the optimiser.
# `tf.function` compiles the step into a graph, as `fit` compiles its own.

# %%
loop_vae = models.build_dense_vae(LATENT_DIM, seed=4)
loop_optimizer = keras.optimizers.Adam(1e-3)
compiled_step = tf.function(train_step)

STEPS, BATCH = profile.choose(reader=300, quick=40), 128
rng = np.random.default_rng(3)
step_losses = []
start = time.perf_counter()
for step in range(STEPS):
    rows = rng.choice(len(x_train), BATCH, replace=False)
    batch = tf.constant(x_train[rows])
    loss = compiled_step(loop_vae, loop_optimizer, batch, per_image_loss)
    loss = float(loss)
    step_losses.append(loss)
    if step % 100 == 0 or step == STEPS - 1:
        print(f"step {step:>3}: loss {loss:7.2f} nats per image")
print(f"{STEPS} steps in {time.perf_counter() - start:.1f} s")
assert np.mean(step_losses[-20:]) < np.mean(step_losses[:20])

# %% [markdown]
# The three ways side by side:
#
# | | functional models | subclassed `keras.Model` | `GradientTape` loop |
# | --- | --- | --- | --- |
# | architecture | explicit graph, `summary()` | built from the functional parts | the same parts |
# | loss on inner tensors | not in Keras 3 (`add_loss` fails) | in `train_step` | in the step function |
# | training | — | `fit`, with callbacks, validation, logs | yours to write: batching, logging, stopping |
# | best for | inference: encode, decode | everyday training | unusual training schemes |
#
# All three are the same network with the same parameters (the assertions above compare the
# counts); they differ only in who drives the training.
#
# ## Training the VAE
#
# We train the subclassed VAE (way 2) with `fit` on the training images, with the
# validation images as `validation_data`: 50 epochs, batches of 128, and Adam with a
# constant learning rate of $10^{-3}$. These settings and data are the course's recipe for
# this model, `zoo.RECIPES["dense_vae_2d"]`, which later chapters load under that name. The
# course ships trained weights, so by default they are loaded; with `RETRAIN = True` the
# cell trains here (the shipped run's time per epoch is printed below) and saves your
# weights in `my_weights/`, leaving the course's `weights/` untouched.

# %%
EPOCHS, BATCH_SIZE, LEARNING_RATE = 50, 128, 1e-3
vae.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE))


def train(model):
    # the recipe's images: all 50,000 training images (x_train holds 10,000)
    x_all, _ = zoo.training_data("dense_vae_2d")
    return model.fit(
        x_all,
        validation_data=(x_val,),
        epochs=profile.epochs(EPOCHS),
        batch_size=BATCH_SIZE,
        verbose=0,
        callbacks=[vaecourse.EpochLogger()],
    )


run = vaecourse.train_or_load(vae, "dense_vae_2d", train, retrain=RETRAIN)
print(run.describe())
if run.seconds_per_epoch:
    print(f"{run.seconds_per_epoch:.1f} s per epoch when it was trained")

# %% tags=["remove-cell"]
recipe = zoo.RECIPES["dense_vae_2d"]
assert (EPOCHS, BATCH_SIZE, LEARNING_RATE) == (
    recipe.epochs,
    recipe.batch_size,
    recipe.learning_rate,
)
assert recipe.kwargs == {"latent_dim": LATENT_DIM}
assert not recipe.cosine and recipe.weight_decay == 0.0  # constant Adam rate
assert recipe.digits is None and recipe.shape == "flat"

# %% [markdown]
# `fit` logged the two terms of the loss separately, for the training data and (dashed) for
# the validation data ({numref}`fig-03-history`):

# %% mystnb={"figure": {"caption": "The two terms of the loss per epoch, on the training images (solid) and the validation images (dashed).", "name": "fig-03-history"}, "image": {"alt": "Two panels of per-epoch curves for training and validation data, one above the other: the reconstruction term falls steeply and levels off; the KL term drops in the first epochs and then creeps up slowly"}}
history = run.history
fig, axes = plt.subplots(2, 1, figsize=(6.8, 6.4), sharex=True)
plotting.plot_history(
    history,
    keys=("reconstruction",),
    ax=axes[0],
    title="Reconstruction: −log p(x|z)",
)
plotting.plot_history(
    history, keys=("kl",), ax=axes[1], title="KL(q(z|x) ‖ p(z))"
)
axes[0].set_xlabel("")
fig.tight_layout()
plt.show()
for key in ("loss", "reconstruction", "kl"):
    first, last = history[key][0], history[key][-1]
    print(f"{key:>14}: first epoch {first:7.2f}, last epoch {last:7.2f}")
assert history["loss"][-1] < history["loss"][0]
assert min(history["kl"]) > 0 and min(history["val_kl"]) > 0

kl_low = int(np.argmin(history["kl"])) + 1  # the epoch of the lowest KL
print(f"training KL lowest at epoch {kl_low} of {len(history['kl'])}")
vaecourse.glue("ch3_kl_low_epoch", kl_low)
if not profile.quick:  # the shape of the curves, as the text tells it
    assert np.argmin(history["reconstruction"]) == len(history["kl"]) - 1
    assert kl_low <= len(history["kl"]) // 5
    assert history["kl"][-1] > min(history["kl"])

# %% [markdown]
# The two terms pull against each other. On the training data the reconstruction term
# falls to the end (its last epoch is its lowest), while the KL term, once the first epochs
# have tidied up the random initial encoder, slowly *rises*: it is lowest at epoch
# {glue:text}`ch3_kl_low_epoch:.0f` and higher at the end (the cell asserts both shapes).
# To reconstruct better the encoder must tell images apart more sharply, which means moving
# their $q(z \mid x)$ further from the prior and narrowing them, and that costs KL.
#
# How good a deal is it? With a KL term of 0, every $q(z \mid x)$ would be the prior and $z$
# would say nothing about the image: whatever the decoder drew could not depend on the
# input, and on average it could do no better than one fixed image for every input. For the
# summed cross-entropy the best fixed image is the average image. The next cell computes
# what that costs on the validation images and compares it with the model's two terms
# there, at the last epoch.

# %%
average_image = x_val.mean(axis=0, keepdims=True)
zero_kl_reconstruction = float(
    np.mean(
        evaluation.by_rows(
            losses.bernoulli_nll,
            x_val,
            np.broadcast_to(average_image, x_val.shape),
        )
    )
)
val_reconstruction = history["val_reconstruction"][-1]
val_kl = history["val_kl"][-1]
saved = zero_kl_reconstruction - val_reconstruction
print(
    f"validation, last epoch: reconstruction {val_reconstruction:.1f}, "
    f"KL {val_kl:.1f} nats per image"
)
print(
    f"decoding the average image, KL 0: reconstruction "
    f"{zero_kl_reconstruction:.1f}"
)
print(
    f"{val_kl:.1f} nats of KL save {saved:.1f} nats of reconstruction, "
    f"{saved / val_kl:.1f} times as many"
)
vaecourse.glue("ch3_val_kl", float(val_kl))
vaecourse.glue("ch3_val_reconstruction", float(val_reconstruction))
vaecourse.glue("ch3_zero_kl_reconstruction", zero_kl_reconstruction)
vaecourse.glue("ch3_kl_saves", float(saved))
vaecourse.glue("ch3_kl_saves_ratio", float(saved / val_kl))
assert profile.quick or saved > 3 * val_kl

# %% [markdown]
# Drawing the average image costs {glue:text}`ch3_zero_kl_reconstruction:.1f` nats per
# validation image. The trained VAE spends {glue:text}`ch3_val_kl:.1f` nats of KL and its
# reconstruction term falls to {glue:text}`ch3_val_reconstruction:.1f`: the KL buys a drop
# of {glue:text}`ch3_kl_saves:.1f` nats in reconstruction, {glue:text}`ch3_kl_saves_ratio:.1f`
# times what it costs (the cell asserts more than three times).
#
# ## Originals and reconstructions

# %% mystnb={"figure": {"caption": "Ten test digits (top), decoded from the mean of their posterior (middle) and from one random draw of it (bottom).", "name": "fig-03-reconstructions"}, "image": {"alt": "Three rows of ten test digits: the originals, their reconstructions from the posterior mean, and reconstructions from one random sample of z"}}
reconstructed_mean = vae.reconstruct(x_test[:10])
reconstructed_sample = np.asarray(vae(x_test[:10]))
plotting.plot_image_rows(
    [x_test[:10], reconstructed_mean, reconstructed_sample],
    ["original", "decoded μ", "decoded z ~ q"],
    title="Test digits through the VAE's 2-D latent space",
    scale=0.65,
)
plt.show()

# %% tags=["remove-cell"]
assert reconstructed_mean.shape == reconstructed_sample.shape == (10, 784)

# %% [markdown]
# Like the autoencoder's, the reconstructions from a 2-D latent space are blurred typical
# digits ({numref}`fig-03-reconstructions`). The third row decodes a random draw from
# $q(z \mid x)$ instead of its mean. How far is it from the decoded mean? The next cell
# measures it on the first 1,000 test images, as the mean absolute difference per pixel, and
# compares it with the difference between the decoded means of two consecutive test
# images.

# %%
x_some = x_test[:1000]
from_mean = vae.reconstruct(x_some)
from_sample = np.asarray(vae.predict(x_some, batch_size=1000, verbose=0))
sample_vs_mean = np.mean(np.abs(from_sample - from_mean))
image_vs_next = np.mean(np.abs(from_mean - np.roll(from_mean, 1, axis=0)))
print(
    f"mean |pixel difference|: sample vs mean {sample_vs_mean:.4f},\n"
    f"one image vs the next {image_vs_next:.4f}"
)
vaecourse.glue("ch3_sample_vs_mean", float(sample_vs_mean))
vaecourse.glue("ch3_image_vs_next", float(image_vs_next))
assert profile.quick or sample_vs_mean < image_vs_next / 4

# %% [markdown]
# A sample's reconstruction differs from the mean's by {glue:text}`ch3_sample_vs_mean:.3f`
# per pixel on average, against {glue:text}`ch3_image_vs_next:.3f` between the
# reconstructions of two consecutive test images (the cell asserts less than a quarter):
# each $q(z \mid x)$ is narrow, and a draw from it decodes to an image close to the decoded
# mean.
#
# ## The latent space, next to the autoencoder's
#
# Each test image's $q(z \mid x)$ is summarised by its mean. In {numref}`fig-03-latent`, at
# the top, the means of the VAE; at the bottom, the codes of
# [chapter 1](01_autoencoders.ipynb)'s autoencoder, loaded from the course's shared models
# with `zoo.pretrained("autoencoder_2d")`. The two differ in more than the KL term: the
# autoencoder's hidden layers are half as wide, and it was trained for 30 epochs instead
# of 50.

# %% mystnb={"figure": {"caption": "The test images in the latent plane, coloured by digit: the VAE's posterior means (top) and the autoencoder's codes (bottom). Mind the different scales of the axes.", "name": "fig-03-latent"}, "image": {"alt": "Two scatter plots of test images coloured by digit, one above the other: the VAE means form a compact cloud around the origin, the autoencoder codes form long streaks over a much wider range"}}
test_means, test_log_vars = evaluation.predict_in_batches(
    vae.encoder, x_test, batch_size=1000
)
autoencoder, ae_run = zoo.pretrained("autoencoder_2d")
ae_codes = evaluation.predict_in_batches(
    autoencoder.encoder, x_test, batch_size=1000
)

fig, axes = plt.subplots(2, 1, figsize=(6.8, 9.6))
plotting.plot_latent(
    test_means, y_test, ax=axes[0], title="VAE: means of q(z|x)"
)
plotting.plot_latent(ae_codes, y_test, ax=axes[1], title="Autoencoder: codes")
axes[1].get_legend().remove()  # one legend, beside the top panel
fig.tight_layout()
plt.show()

inside_3 = np.mean(np.linalg.norm(test_means, axis=1) < 3)
means_std = test_means.std(axis=0)
ae_std = ae_codes.std(axis=0)
print(
    f"VAE means: std per dimension {means_std.round(2)},\n"
    f"{inside_3:.1%} within distance 3 of the origin"
)
print(f"autoencoder codes: std per dimension {ae_std.round(2)}")
typical_sigma = np.exp(0.5 * test_log_vars).mean(axis=0)
print(f"typical posterior std σ: {typical_sigma.round(3)}")
# q(z), the mixture of the q(z|x): per dimension, its variance is the
# variance of the means plus the average posterior variance σ².
q_z_var = test_means.var(axis=0) + np.exp(test_log_vars).mean(axis=0)
print(f"variance of q(z) per dimension: {q_z_var.round(2)} (N(0, I) has 1)")
for i in range(LATENT_DIM):
    vaecourse.glue(f"ch3_means_std_{i}", float(means_std[i]))
    vaecourse.glue(f"ch3_ae_std_{i}", float(ae_std[i]))
    vaecourse.glue(f"ch3_sigma_{i}", float(typical_sigma[i]))
    vaecourse.glue(f"ch3_q_z_var_{i}", float(q_z_var[i]))
prior_outside_3 = np.exp(-(3**2) / 2)  # P(|z| > 3), z ~ N(0, I) in 2-D
print(
    f"beyond distance 3: {1 - inside_3:.1%} of the means, "
    f"{prior_outside_3:.1%} of the prior"
)
vaecourse.glue("ch3_inside_3", float(inside_3))
vaecourse.glue("ch3_outside_3", float(1 - inside_3))
vaecourse.glue("ch3_prior_outside_3", float(prior_outside_3))
assert inside_3 > profile.choose(reader=0.9, quick=0.05)
if not profile.quick:  # the claims of the next paragraphs
    assert ((0.5 < means_std) & (means_std < 2)).all()
    assert (ae_std > 5 * means_std).all()
    assert (q_z_var > 1).all() and 1 - inside_3 > prior_outside_3
    assert (typical_sigma < means_std / 5).all()

# %% tags=["remove-cell"]
assert np.isfinite(test_means).all() and np.isfinite(ae_codes).all()
ae_recipe = zoo.RECIPES["autoencoder_2d"]
assert 2 * ae_recipe.kwargs["hidden"] == 512 and ae_recipe.epochs == 30

# %% [markdown]
# The digits cluster in both, with no label ever given. The difference is in the layout. The
# VAE's means lie in a compact cloud around the origin, on the scale of the prior
# $\mathcal{N}(0, I)$: their standard deviations are {glue:text}`ch3_means_std_0:.2f` and
# {glue:text}`ch3_means_std_1:.2f`, and {glue:text}`ch3_inside_3:.1%` of them lie within
# distance 3 of the origin. The autoencoder's codes spread over whatever range training
# happened to produce, in long streaks: standard deviations
# {glue:text}`ch3_ae_std_0:.1f` and {glue:text}`ch3_ae_std_1:.1f` (the cell asserts more
# than five times the VAE's).
#
# Does the KL term make the codes *fill* the prior, without holes? Not by itself. It pulls
# each $q(z \mid x)$ towards $\mathcal{N}(0, I)$, one image at a time. What a point drawn
# from the prior should land on is the {term}`aggregate posterior` of
# [chapter 2](02_vae_theory.ipynb),
# $q(z) = \mathbb{E}_x\, q(z \mid x)$, the mixture of all the images' posteriors: the
# region the decoder was trained on. The average KL term is the mutual information between
# $x$ and $z$ plus $\mathrm{KL}(q(z) \,\|\, p(z))$ {cite:p}`hoffman2016elbo`: a model whose
# codes tell images apart must pay the first part, and only the second asks $q(z)$ to be
# the prior.
#
# The cell measures the mismatch in the second moments. Per dimension, the variance of the
# mixture $q(z)$ is the variance of the means plus the average posterior variance
# $\sigma^2$; for $q(z)$ to be $\mathcal{N}(0, I)$, that sum would have to be 1 in each
# dimension. Over the test images it is {glue:text}`ch3_q_z_var_0:.2f` and
# {glue:text}`ch3_q_z_var_1:.2f` (the cell asserts more than 1 in both): $q(z)$ is wider
# than the prior. Its tails show it too: {glue:text}`ch3_outside_3:.1%` of the means lie
# farther than 3 from the origin, a region where the prior puts only
# {glue:text}`ch3_prior_outside_3:.1%` of its mass (asserted). And $q(z)$ is a mixture of
# narrow bumps: the typical $\sigma$ is {glue:text}`ch3_sigma_0:.3f` and
# {glue:text}`ch3_sigma_1:.3f`, less than a fifth of the spread of the means (asserted).
# The decoder is trained on points drawn around each mean at that scale, not on the whole
# plane, and whether the bumps cover every region where the prior puts mass is not
# something the KL term guarantees. [Chapter 5](05_generation.ipynb) decodes this plane to
# generate digits.
#
# (ch03-explorer)=
# ### Explore the plane yourself
#
# The explorer below holds this VAE's decoder, running in your browser, over the square
# from −4 to 4 in both coordinates. Drag the ring (or click the plane and use the arrow
# keys) and compare with the autoencoder's plane in [chapter 1](01_autoencoders.ipynb)'s
# explorer: here the digits change gradually over a plane of known scale, and the ring
# can be moved out beyond the codes, where the prior still puts some mass.

# %%
from vaecourse import explorer

explorer.latent_plane(
    vae.decoder,
    test_means,
    y_test,
    model="dense_vae_2d",
    limit=4.0,
    title="The VAE's latent plane",
)

# %% [markdown]
# ## How good is the model? Test numbers in nats per image
#
# Two numbers describe a VAE on held-out data, both in nats per image (lower is better):
#
# * the **negative ELBO**, the training loss {eq}`eq-loss` itself: reconstruction plus KL,
#   with one sample of $z$ per image;
# * the negative of the **importance-weighted bound** $\mathcal{L}_K$ of
#   [chapter 2](02_vae_theory.ipynb) {cite:p}`burda2016importance`, which draws $K$ samples
#   $z_k \sim q(z \mid x)$ and averages their importance weights $w_k$ before taking the
#   log:
#
# $$
# \begin{gathered}
# w_k = \frac{p(x \mid z_k)\, p(z_k)}{q(z_k \mid x)}, \\
# \mathcal{L}_K = \mathbb{E}\Big[\log \frac{1}{K} \sum_{k=1}^{K} w_k\Big].
# \end{gathered}
# $$ (eq-03-iw-bound)
#
# Both are lower bounds on $\log p(x)$, so their negatives are upper bounds on
# $-\log p(x)$, the number we would like to report. $\mathcal{L}_1$ is the ELBO, and
# $\mathcal{L}_K$ rises towards $\log p(x)$ as $K$ grows. Neither gives $\log p(x)$ itself:
# what a finite $K$ reports is a bound, tighter than the ELBO.
#
# %% [markdown]
# ```{exercise-start} The importance-weighted bound
# :label: exercise-3-4
# ```
#
# Write `iw_bound(log_px_z, log_pz, log_qz)`. In: three NumPy arrays of shape `(n, K)`, for
# `n` images and `K` samples $z_k \sim q(z \mid x)$ of each: $\log p(x \mid z_k)$,
# $\log p(z_k)$ and $\log q(z_k \mid x)$. Out: for each image, the estimate
# $\log \frac{1}{K} \sum_k w_k$ whose expectation is $\mathcal{L}_K$ in {eq}`eq-03-iw-bound`,
# shape `(n,)`. Mind the scale: the log weights of an MNIST image lie tens to hundreds of
# nats below zero (the next cell prints their range for the 2-D VAE), and a poorer model or
# a larger image pushes them so low that $e^{\log w}$ underflows to 0, even in float64.
# Compute the log of the mean from the log weights without ever forming such a small
# weight. The checker compares your function with hand-computed values, including log
# weights near $-1000$, and names the usual slips (the mean of the log weights, which
# estimates the ELBO instead; a missing $-\log K$; $q$ multiplying where it divides). The
# next cell uses your function.


# %%
def iw_bound(log_px_z, log_pz, log_qz):
    """Per image: log (1/K) Σ_k p(x|z_k) p(z_k) / q(z_k|x), from logs."""
    # Your code here.
    vaecourse.todo()


iw_bound = vaecourse.check("03_dense_vae_4_iw_bound", iw_bound)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-3-4
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/03_dense_vae_4_iw_bound.py
# :language: python
# ```
#
# ```{solution-end}
# ```
#
# ### The bound tightens with $K$
#
# For the 2-D VAE and the first test images, the next cell draws 1,000 samples of
# $z \sim q(z \mid x)$ per image and computes the three log terms of each. The two Gaussian
# log densities are written out: $\log p(z)$ for the prior $\mathcal{N}(0, I)$, and
# $\log q(z \mid x)$ with $(z - \mu) / \sigma = \varepsilon$, the noise that drew $z$. To
# estimate $\mathcal{L}_K$ it cuts each image's samples into groups of $K$, applies your
# `iw_bound` to every group and averages: $1{,}000 / K$ estimates per image. It also
# computes, for the same images, the $-$ELBO with its closed-form KL and the bound of
# `vaecourse.evaluation.importance_weighted_log_px`, the course's version, which the
# comparison of three models below uses with $K = 100$. The course computes the three log
# terms with `vaecourse.evaluation.log_weight_terms`; with the same seed it makes the same
# draws as the function below, and the cell asserts that the two agree on a few images.

# %%
from vaecourse.losses import LOG_2PI  # log 2π


def log_weight_terms(vae, x, k, seed=0):
    """log p(x|z), log p(z), log q(z|x) for k draws z ~ q(z|x) per image."""
    rng = np.random.default_rng(seed)
    chunk = max(1, 4_000 // k)  # images per batch: 4,000 decoded points
    parts = []
    for start in range(0, len(x), chunk):
        xb = x[start : start + chunk]
        mean, log_var = (np.asarray(t, "float64") for t in vae.encoder(xb))
        eps = rng.standard_normal((len(xb), k, mean.shape[1]))
        z = mean[:, None] + np.exp(0.5 * log_var)[:, None] * eps
        probs = vae.decoder(z.reshape(len(xb) * k, -1).astype("float32"))
        nll = losses.bernoulli_nll(np.repeat(xb, k, axis=0), probs)
        log_px_z = -np.asarray(nll, "float64").reshape(len(xb), k)
        log_pz = -0.5 * np.sum(LOG_2PI + z**2, axis=-1)
        log_qz = -0.5 * np.sum(LOG_2PI + log_var[:, None] + eps**2, axis=-1)
        parts.append((log_px_z, log_pz, log_qz))
    return [np.concatenate(part) for part in zip(*parts)]


def mean_bound(terms, k):
    """L_k averaged over images, from each image's samples in groups of k."""
    n, k_max = terms[0].shape
    return np.mean(iw_bound(*(t.reshape(n * (k_max // k), k) for t in terms)))


N_IMAGES, K_MAX = profile.choose(reader=200, quick=50), 1000
x_few = x_test[:N_IMAGES]
start = time.perf_counter()
terms = log_weight_terms(vae, x_few, K_MAX)
log_w = terms[0] + terms[1] - terms[2]
neg_bounds = {k: -mean_bound(terms, k) for k in (1, 10, 100, 1000)}
reconstruction, kl = evaluation.elbo_terms(vae, x_few, samples=10)
course_100 = -np.mean(
    evaluation.importance_weighted_log_px(vae, x_few, k=100)
)
print(
    f"{N_IMAGES} test images, {K_MAX:,} samples each "
    f"({time.perf_counter() - start:.0f} s);\nlog weights from "
    f"{log_w.min():.0f} to {log_w.max():.0f} nats, "
    f"median {np.median(log_w):.0f}"
)
vaecourse.glue("ch3_log_w_min", float(log_w.min()))
vaecourse.glue("ch3_log_w_max", float(log_w.max()))
neg_elbo = np.mean(reconstruction + kl)
print("Upper bounds on −log p(x), nats per image:")
print(f"−ELBO, closed-form KL: {neg_elbo:7.2f}")
for k, value in neg_bounds.items():
    print(f"−L_K, K = {k:>4}:       {value:7.2f}")
print(f"course's −L_K, K = 100: {course_100:7.2f}")
drops = -np.diff(list(neg_bounds.values()))
print("drop per tenfold K:", np.round(drops, 2))
assert profile.quick or -1000 < log_w.min() < log_w.max() < -10
assert (drops > 0).all() and (np.diff(drops) < 0).all()
assert abs(neg_bounds[1] - neg_elbo) < 1.0
assert abs(neg_bounds[100] - course_100) < profile.choose(
    reader=0.5, quick=2.0
)
# the same draws (seed, K): the same terms as the course's, up to float32
for mine, course in zip(
    log_weight_terms(vae, x_few[:20], 100),
    evaluation.log_weight_terms(vae, x_few[:20], 100),
):
    assert np.allclose(mine, course, rtol=1e-5, atol=1e-4)

# %% [markdown]
# The log weights of these images run from {glue:text}`ch3_log_w_min:.0f` to
# {glue:text}`ch3_log_w_max:.0f` nats (the cell asserts that they lie between $-1000$ and
# $-10$): far too low to exponentiate carelessly.
#
# The cell prints the bound for growing $K$. At $K = 1$ it is the $-$ELBO, up to sampling
# noise (the cell asserts that the two agree to within a nat): a single importance weight
# gives the ELBO back. Each tenfold $K$ then lowers $-\mathcal{L}_K$, the upper bound on
# $-\log p(x)$, and each by less than the one before (the cell prints the drops and asserts
# that they shrink): the bound approaches $-\log p(x)$ ever more slowly, and what the table
# below reports at $K = 100$ is still a bound, not $-\log p(x)$ itself. At $K = 100$, your
# bound and the course's agree up to sampling noise (the cell asserts that they differ by
# less than half a nat), as they should: they compute the same estimate from different draws.
#
# ### Three models on the whole test set
#
# `vaecourse.evaluation.evaluate_vae` computes the $-$ELBO and $-\mathcal{L}_{100}$ on all
# test images. For comparison we load two more models from the course's shared ones. Each
# was trained with its own recipe in `zoo.RECIPES`, on the same training and validation
# images, and each differs from `dense_vae_2d` in **more than one** setting (the next cell
# prints the settings of the three recipes and marks those that differ):
#
# * `dense_vae_20d`: a **20-D** latent space, and a learning rate that falls along a half
#   cosine from $10^{-3}$ towards $10^{-5}$ (`vaecourse.training.cosine_decay`) instead of
#   staying constant;
# * `dense_vae_2d_deep`: a **deeper** network with the same **2-D** latent space, two hidden
#   layers each way (784–512–256–2 in the encoder, 2–256–512–784 in the decoder,
#   `hidden=(512, 256)` in `models.build_dense_vae`), with the same cosine schedule, for 60
#   epochs instead of 50, on batches of 64 instead of 128.
#
# The deeper model's epochs and optimiser were chosen on the validation split: the course's
# training command also trained it for 30 epochs, and for 60 with AdamW, and shipped the run
# with the lowest validation loss (the second cell below prints the three).

# %%
BUILDER_DEFAULTS = {
    name: parameter.default
    for name, parameter in inspect.signature(
        models.build_dense_vae
    ).parameters.items()
    if name in ("latent_dim", "hidden", "beta")
}


def settings(name):
    """A dense VAE recipe's settings, the builder's defaults filled in."""
    recipe = zoo.RECIPES[name]
    return {
        **BUILDER_DEFAULTS,
        **recipe.kwargs,
        "digits": recipe.digits,
        "epochs": recipe.epochs,
        "batch_size": recipe.batch_size,
        "learning_rate": recipe.learning_rate,
        "schedule": "cosine" if recipe.cosine else "constant",
        "weight_decay": recipe.weight_decay,
    }


names = ["dense_vae_2d", "dense_vae_20d", "dense_vae_2d_deep"]
table = {name: settings(name) for name in names}
base = table["dense_vae_2d"]
changed = {
    name: {k: v for k, v in table[name].items() if v != base[k]}
    for name in names[1:]
}
print(f"{'':>14}" + "".join(f"{name:>20}" for name in names))
for key in base:
    cells = [
        str(table[name][key])
        + ("*" if name in changed and key in changed[name] else " ")
        for name in names
    ]
    print(f"{key:>14}" + "".join(f"{cell:>20}" for cell in cells))
print("* differs from dense_vae_2d")

# %% tags=["remove-cell"]
# The list above the cell names these changes: keep it in step with the zoo.
assert set(changed["dense_vae_20d"]) == {"latent_dim", "schedule"}
assert set(changed["dense_vae_2d_deep"]) == {
    "hidden",
    "epochs",
    "batch_size",
    "schedule",
}
assert changed["dense_vae_2d_deep"]["hidden"] == (512, 256)
assert (
    changed["dense_vae_2d_deep"]["epochs"],
    changed["dense_vae_2d_deep"]["batch_size"],
) == (60, 64)
for name in ("dense_vae_2d", "dense_vae_20d", "dense_vae_2d_deep"):
    recipe = zoo.RECIPES[name]
    assert recipe.builder == "build_dense_vae" and recipe.shape == "flat"
    assert not recipe.autoencoder

# %%
from vaecourse.paths import RESULTS_DIR
from vaecourse.training import read_history

shipped = read_history("dense_vae_2d_deep")["val_loss"][-1]
print(f"validation −ELBO after the last epoch: shipped {shipped:.2f}")
for candidate, recipe in zoo.CANDIDATE_OF.items():
    if recipe == "dense_vae_2d_deep":
        val = read_history(candidate, RESULTS_DIR)["val_loss"][-1]
        print(f"  {candidate}: {val:.2f}")
        assert shipped < val  # the choice was made on these numbers

# %%
K = profile.choose(reader=100, quick=8)
vae_20d, run_20d = zoo.pretrained("dense_vae_20d", retrain=RETRAIN)
print(run_20d.describe())
vae_deep, run_deep = zoo.pretrained("dense_vae_2d_deep", retrain=RETRAIN)
print(run_deep.describe())

start = time.perf_counter()
results = {
    "dense_vae_2d": evaluation.evaluate_vae(vae, x_test, k=K),
    "dense_vae_20d": evaluation.evaluate_vae(vae_20d, x_test, k=K),
    "dense_vae_2d_deep": evaluation.evaluate_vae(vae_deep, x_test, k=K),
}
print(
    f"evaluated in {time.perf_counter() - start:.0f} s, "
    f"K = {K} importance samples, {len(x_test):,} test images\n"
)
print(
    f"{'test set, nats per image':>24} {'reconstruction':>15} {'KL':>7}"
    f" {'−ELBO':>8} {f'−L_{K}':>8}"
)
for name, r in results.items():
    print(
        f"{name:>24} {r['reconstruction']:15.2f} {r['kl']:7.2f} "
        f"{r['neg_elbo']:8.2f} {r['neg_log_px_iw']:8.2f}"
    )
print(f"−ELBO and −L_{K} are upper bounds on −log p(x), −L_{K} the tighter.")

r2, r20, r2_deep = results.values()
for tag, r in zip(("2d", "20d", "2d_deep"), results.values()):
    vaecourse.glue(f"ch3_test_neg_elbo_{tag}", r["neg_elbo"])
    vaecourse.glue(f"ch3_test_iw_bound_{tag}", r["neg_log_px_iw"])
vaecourse.glue(
    "ch3_20d_reconstruction_drop",
    r2["reconstruction"] - r20["reconstruction"],
)
vaecourse.glue("ch3_20d_kl_rise", r20["kl"] - r2["kl"])
for r in results.values():
    assert r["kl"] > 0 and r["neg_log_px_iw"] < r["neg_elbo"]
if not profile.quick:  # two epochs on 3,000 images would prove nothing
    assert r20["reconstruction"] < r2["reconstruction"]
    assert r20["kl"] > r2["kl"]
    assert r20["neg_elbo"] < r2["neg_elbo"]
    assert r20["neg_log_px_iw"] < r2["neg_log_px_iw"]
    assert r2_deep["neg_elbo"] < r2["neg_elbo"]
    assert r2_deep["neg_log_px_iw"] < r2["neg_log_px_iw"]
    assert r20["neg_elbo"] < r2_deep["neg_elbo"]
    assert r20["neg_log_px_iw"] < r2_deep["neg_log_px_iw"]

# %% tags=["remove-cell"]
for model_name, r in results.items():
    assert np.isclose(r["neg_elbo"], r["reconstruction"] + r["kl"])
    headline(f"{model_name}_test_neg_elbo", r["neg_elbo"])
    headline(f"{model_name}_test_neg_log_px_iw", r["neg_log_px_iw"])
# Quality bars of the shipped models (test −ELBO, nats per image).
assert r2["neg_elbo"] <= profile.choose(reader=152.0, quick=400.0)
assert profile.quick or r2_deep["neg_elbo"] <= 140.0
assert profile.quick or r20["neg_elbo"] <= 102.0

# %% [markdown]
# Read the table row by row (the cell above prints it; every number is on the 10,000 test
# images, which played no part in training the models).
#
# * For every model the bound $-\mathcal{L}_{100}$ is lower than the $-$ELBO (the cell
#   asserts it): it is the tighter of the two upper bounds on $-\log p(x)$. The ELBO falls
#   short of $\log p(x)$ by $\mathrm{KL}(q(z \mid x) \,\|\, p(z \mid x))$, the mismatch
#   between the Gaussian encoder and the true posterior, and averaging $K$ importance
#   weights recovers part of that gap.
# * `dense_vae_2d` has a $-$ELBO of {glue:text}`ch3_test_neg_elbo_2d:.1f` nats per image;
#   $-\mathcal{L}_{100}$, an upper bound on $-\log p(x)$, is
#   {glue:text}`ch3_test_iw_bound_2d:.1f`.
# * `dense_vae_20d` has a $-$ELBO of {glue:text}`ch3_test_neg_elbo_20d:.1f` and a bound of
#   {glue:text}`ch3_test_iw_bound_20d:.1f`. Its reconstruction term is
#   {glue:text}`ch3_20d_reconstruction_drop:.1f` nats lower and its KL term
#   {glue:text}`ch3_20d_kl_rise:.1f` nats higher than those of `dense_vae_2d`: its posteriors
#   sit further from the prior, which costs nats of KL but saves more in reconstruction, so
#   both the $-$ELBO and the bound are lower (the cell asserts these orderings). The model
#   changed two things at once, the latent size and the learning-rate schedule, so this
#   comparison alone cannot say how much of the gain each one brings.
# * `dense_vae_2d_deep`, with the same two latent dimensions, has a $-$ELBO of
#   {glue:text}`ch3_test_neg_elbo_2d_deep:.1f` and a bound of
#   {glue:text}`ch3_test_iw_bound_2d_deep:.1f`, lower than `dense_vae_2d` on both numbers
#   (asserted). So the two latent dimensions were not all that held the first model back.
#   Which of its four changes (a second hidden layer, the cosine schedule, more epochs,
#   smaller batches) made the difference, this comparison cannot tell either.
# * The 20-D model is lower than the deeper 2-D model on both numbers (asserted).
#
# The one-hidden-layer 2-D model remains the one to *look at*: its latent space is the plane
# of {numref}`fig-03-latent`, and [chapters 5](05_generation.ipynb) and
# [6](06_latent_interpolation.ipynb) decode and walk through it.
#
# ## Summary
#
# * A dense VAE has the shape of the autoencoder of [chapter 1](01_autoencoders.ipynb), with
#   two changes: the encoder outputs $(\mu, \log\sigma^2)$ and a sampling layer draws
#   $z = \mu + \sigma \odot \varepsilon$ {eq}`eq-03-reparam`; the loss {eq}`eq-loss` adds a KL
#   term to a binary cross-entropy summed over the pixels.
# * In Keras 3 write it as a subclassed `keras.Model` with its own `train_step`, or with your
#   own `GradientTape` loop; the functional `add_loss` of older tutorials no longer works.
# * The VAE's latent means lie in a compact cloud around the origin, on the scale of the
#   prior, unlike the autoencoder's codes. The KL term pulls each $q(z \mid x)$ towards the
#   prior, not their mixture $q(z)$: here $q(z)$ is wider than $\mathcal{N}(0, I)$, a
#   mixture of narrow bumps.
# * On the test set, the ELBO is a lower bound on $\log p(x)$ and the importance-weighted
#   bound $\mathcal{L}_K$ {eq}`eq-03-iw-bound` tightens it as $K$ grows; both remain bounds,
#   not $\log p(x)$ itself. The 20-D model and the deeper 2-D model have lower values of both than the
#   first 2-D model, each after several changes to its recipe at once.
