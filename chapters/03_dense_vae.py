# %% [markdown]
# # 3. The dense VAE
#
# Chapter 2 derived the loss of a variational autoencoder. This chapter builds one in
# Keras 3 and trains it on MNIST: the same small dense network as the autoencoder of
# chapter 1, except that the encoder outputs a *distribution* over a 2-D latent space and a
# sampling layer sits between encoder and decoder {cite:p}`kingma2014autoencoding`.
#
# In this chapter you will:
#
# * write the encoder, the sampling layer and (as an exercise) the decoder as Keras models;
# * meet the same VAE written three ways: functional encoder and decoder models, a subclassed
#   `keras.Model` with its own training step, and a hand-written `tf.GradientTape` loop;
# * train it, following the reconstruction and KL terms separately;
# * compare its latent space with the plain autoencoder's;
# * measure it on the 10,000 test images in nats per image, with the ELBO and with an
#   importance-weighted estimate of $\log p(x)$, for a 2-D and a 20-D latent space, and for
#   a deeper network with the same 2-D latent space.

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
RETRAIN = False  # True: train the VAEs here instead of loading the shipped weights
print(f"Keras {keras.__version__}, profile: {profile.name}")

# %% [markdown]
# ## The data, and what the numbers will mean
#
# As in chapter 1, each image is a row of 784 grey levels scaled to $[0, 1]$. The decoder
# treats each pixel as a Bernoulli variable and the reconstruction term is the binary
# cross-entropy summed over the 784 pixels (chapter 2). Note the convention: we feed the
# **continuous grey levels** to a Bernoulli likelihood, as most tutorials do; the papers use
# *binarised* MNIST, where each pixel is 0 or 1. With grey levels the "log-likelihood" is
# not that of a normalised density {cite:p}`loaiza2019continuous`, so the nats per image
# reported below are comparable with each other but not with published binarised-MNIST
# results.

# %%
(x_train, y_train), (x_test, y_test) = vaecourse.load_mnist(shape="flat")
x_train, y_train = profile.subset(x_train, y_train, quick=3000)
x_test, y_test = profile.subset(x_test, y_test, quick=500)
print("training images:", x_train.shape, " test images:", x_test.shape)
assert x_train.shape[1] == 784 and 0.0 <= x_train.min() and x_train.max() <= 1.0

# %% [markdown]
# ## Way 1: functional encoder and decoder
#
# ### The encoder
#
# The encoder maps an image through 512 ReLU units to **two** outputs of the latent size:
# the mean $\mu$ and the log-variance $\log \sigma^2$ of the Gaussian $q(z \mid x)$. Both
# layers are linear, since a mean and a log-variance can be any real number.

# %%
LATENT_DIM = 2

image = keras.Input(shape=(784,), name="image")
hidden = layers.Dense(512, activation="relu", name="enc_hidden")(image)
z_mean = layers.Dense(LATENT_DIM, name="z_mean")(hidden)
z_log_var = layers.Dense(LATENT_DIM, name="z_log_var")(hidden)
encoder = keras.Model(image, [z_mean, z_log_var], name="dense_encoder")
encoder.summary()


# %% [markdown]
# ### The sampling layer
#
# Between encoder and decoder sits the reparameterisation of chapter 2,
# $z = \mu + \sigma \odot \varepsilon$ with $\sigma = \exp(\tfrac{1}{2} \log \sigma^2)$ and
# $\varepsilon \sim \mathcal{N}(0, I)$. In Keras 3 it is a small layer: `keras.random.normal`
# draws $\varepsilon$ with the batch's shape (whatever the batch size), and a
# `SeedGenerator` makes the draws reproducible.

# %%
class Sampling(layers.Layer):
    """z = mean + exp(½ log_var) * eps with eps ~ N(0, I): a sample of q(z|x)."""

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        mean, log_var = inputs
        eps = keras.random.normal(ops.shape(mean), seed=self.seed_generator)
        return mean + ops.exp(0.5 * log_var) * eps


# Check: many samples for one (mean, log variance) have that mean and standard deviation.
mean_check = np.tile([[1.0, -2.0]], (20000, 1)).astype("float32")
log_var_check = np.tile([[np.log(0.25), np.log(4.0)]], (20000, 1)).astype("float32")
z_check = np.asarray(Sampling(seed=0)([mean_check, log_var_check]))
print("sample mean:", z_check.mean(axis=0).round(3),
      " sample std:", z_check.std(axis=0).round(3))
assert np.allclose(z_check.mean(axis=0), [1.0, -2.0], atol=0.05)
assert np.allclose(z_check.std(axis=0), [0.5, 2.0], atol=0.05)


# %% [markdown]
# The course's own `vaecourse.models.Sampling` is this layer, with one addition for
# numerical safety: it clips $\log \sigma^2$ to $[-30, 20]$ before exponentiating, so that a
# wild encoder output early in training cannot overflow.
#
# ### Exercise 3: write the decoder
#
# Write `build_decoder(latent_dim=2, hidden=512)`: a functional Keras model from a latent
# vector of `latent_dim` numbers through `hidden` ReLU units to 784 outputs with a **sigmoid**,
# the probabilities that each pixel is on. Name the input `"z"`, the layers `"dec_hidden"` and
# `"pixel_probs"` and the model `"dense_decoder"`, so that its weights match the course's.

# %%
def build_decoder(latent_dim=2, hidden=512):
    """latent_dim → hidden (ReLU) → 784 (sigmoid): probability that each pixel is on."""
    # Your code here. To see a solution: %load ../solutions/03_dense_vae_decoder.py
    vaecourse.todo("03_dense_vae_decoder.py")


# %% tags=["remove-cell"]
# Runs the reference solution so that the chapter goes on. Comment this line out to use yours.
# %run -i ../solutions/03_dense_vae_decoder.py

# %% [markdown]
# ````{admonition} Solution
# :class: dropdown
#
# ```{literalinclude} ../solutions/03_dense_vae_decoder.py
# :language: python
# ```
# ````
#
# The checker builds your decoder for a 2-D and a 20-D latent space and compares it with
# the expected shapes and parameter counts:

# %%
from vaecourse.checks.dense_vae import check_build_decoder

check_build_decoder(build_decoder)
decoder = build_decoder(LATENT_DIM)
decoder.summary()

# %% [markdown]
# Later chapters load this VAE through `vaecourse.models.build_dense_vae`. The cell checks
# that the encoder and decoder written here are the same networks, layer by layer and name
# by name, so that the weights trained here fit there.

# %%
from vaecourse.models import architecture

package_vae = models.build_dense_vae(latent_dim=LATENT_DIM)
for ours, theirs in [(encoder, package_vae.encoder), (decoder, package_vae.decoder)]:
    assert architecture(ours) == architecture(theirs), architecture(ours)
    assert [l.name for l in ours.layers] == [l.name for l in theirs.layers]
n_params = encoder.count_params() + decoder.count_params()
assert n_params == package_vae.count_params()
print(f"encoder {encoder.count_params():,} + decoder {decoder.count_params():,} "
      f"= {n_params:,} parameters, same as vaecourse.models.build_dense_vae")

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
print("functional add_loss raises NotImplementedError in Keras 3:", add_loss_failed)
assert add_loss_failed

# %% [markdown]
# The fix is to say *how to train* in code, not in the graph: either a model class with its
# own training step (way 2) or a training loop of our own (way 3). Both reuse the encoder and
# decoder above unchanged.
#
# ## Way 2: a subclassed `keras.Model` with its own `train_step`
#
# This is the VAE the course uses everywhere, `vaecourse.models.VAE`. Its source, printed by
# the cell below, is short:
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
# The two loss functions are the formulas of chapter 2 in `keras.ops`, with the clipping that
# keeps them finite:

# %%
print(inspect.getsource(losses.gaussian_kl))
print(inspect.getsource(losses.bernoulli_nll))

# %% [markdown]
# We wrap our encoder and decoder in it. The result has exactly the parameters of the
# functional model, and its per-image loss terms have the expected shapes and signs:

# %%
vae = models.VAE(encoder, decoder, seed=3, name="dense_vae_2d")
assert vae.count_params() == vae_functional.count_params() == package_vae.count_params()

reconstruction, kl = vae.loss_terms(x_test[:8])
print("reconstruction (nats):", np.round(np.asarray(reconstruction), 1))
print("KL (nats):            ", np.round(np.asarray(kl), 3))
assert reconstruction.shape == kl.shape == (8,)
assert (np.asarray(kl) >= 0).all() and (np.asarray(reconstruction) > 0).all()

# %% [markdown]
# ## Way 3: a hand-written `tf.GradientTape` loop
#
# `fit` hides the loop. Written out, one training step is: take a batch, run the forward pass
# and the loss under a tape, ask the tape for the gradients, let the optimiser apply them.
# Here are a few hundred steps on a fresh copy of the same architecture, with the same loss
# functions; `tf.function` compiles the step into a graph so that it runs at `fit`'s speed.

# %%
loop_encoder = models.build_dense_encoder(LATENT_DIM)
loop_decoder = models.build_dense_decoder(LATENT_DIM)
loop_sampling = Sampling(seed=4)
loop_optimizer = keras.optimizers.Adam(1e-3)
loop_weights = loop_encoder.trainable_weights + loop_decoder.trainable_weights


@tf.function
def train_step(x):
    with tf.GradientTape() as tape:
        mean, log_var = loop_encoder(x, training=True)
        probs = loop_decoder(loop_sampling([mean, log_var]), training=True)
        reconstruction = losses.bernoulli_nll(x, probs)
        kl = losses.gaussian_kl(mean, log_var)
        loss = ops.mean(reconstruction + kl)
    gradients = tape.gradient(loss, loop_weights)
    loop_optimizer.apply(gradients, loop_weights)
    return loss, ops.mean(reconstruction), ops.mean(kl)


STEPS, BATCH = profile.choose(reader=300, quick=40), 128
rng = np.random.default_rng(3)
step_losses = []
start = time.perf_counter()
for step in range(STEPS):
    batch = x_train[rng.choice(len(x_train), BATCH, replace=False)]
    loss, rec, kl = (float(v) for v in train_step(tf.constant(batch)))
    step_losses.append(loss)
    if step % 100 == 0 or step == STEPS - 1:
        print(f"step {step:>3}: loss {loss:7.2f} = reconstruction {rec:7.2f}"
              f" + KL {kl:5.2f}")
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
# We train the subclassed VAE (way 2) with `fit` for 50 epochs, batches of 128 and Adam with
# learning rate $10^{-3}$. These settings are the course's recipe for this model, which later
# chapters load under the name `dense_vae_2d`; the cell checks that they agree. The course
# ships trained weights, so by default they are loaded; with `RETRAIN = True` the cell trains
# (a few seconds per epoch on a laptop CPU).

# %%
EPOCHS, BATCH_SIZE, LEARNING_RATE = 50, 128, 1e-3
recipe = zoo.RECIPES["dense_vae_2d"]
assert (EPOCHS, BATCH_SIZE, LEARNING_RATE) == (recipe.epochs, recipe.batch_size,
                                               recipe.learning_rate)
assert recipe.kwargs == {"latent_dim": LATENT_DIM}

vae.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE))


def train(model):
    return model.fit(
        x_train, validation_data=(x_test,),
        epochs=profile.epochs(EPOCHS), batch_size=BATCH_SIZE,
        verbose=0, callbacks=[vaecourse.EpochLogger()],
    )


run = vaecourse.train_or_load(vae, "dense_vae_2d", train, retrain=RETRAIN)
print(run.describe())
if run.seconds_per_epoch:
    print(f"{run.seconds_per_epoch:.1f} s per epoch when it was trained")

# %% [markdown]
# `fit` logged the two terms of the loss separately, for the training data and (dashed) for
# the test data:

# %% mystnb={"image": {"alt": "Two panels of per-epoch curves for training and test data: the reconstruction term falls steeply and levels off; the KL term drops in the first epochs and then creeps up slowly"}}
history = run.history
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6))
plotting.plot_history(history, keys=("reconstruction",), ax=axes[0],
                      title="Reconstruction: −log p(x|z)")
plotting.plot_history(history, keys=("kl",), ax=axes[1], title="KL(q(z|x) ‖ p(z))")
fig.tight_layout()
plt.show()
for key in ("loss", "reconstruction", "kl"):
    first, last = history[key][0], history[key][-1]
    print(f"{key:>14}: first epoch {first:7.2f}, last epoch {last:7.2f}")
assert history["loss"][-1] < history["loss"][0]
assert min(history["kl"]) > 0 and min(history["val_kl"]) > 0

# %% [markdown]
# The two terms pull against each other. The reconstruction term keeps falling, while the KL
# term, once the first epochs have tidied up the random initial encoder, slowly *rises*: to
# reconstruct better the encoder must tell images apart more sharply, which means moving
# their $q(z \mid x)$ further from the prior and narrowing them, and that costs KL. Training
# settles on a trade-off in which a few nats of KL buy a much larger drop in reconstruction
# error (the cell above prints both).
#
# ## Originals and reconstructions

# %% mystnb={"image": {"alt": "Three rows of ten test digits: the originals, their reconstructions from the posterior mean, and reconstructions from one random sample of z"}}
reconstructed_mean = vae.reconstruct(x_test[:10])
reconstructed_sample = np.asarray(vae(x_test[:10]))
plotting.plot_image_rows(
    [x_test[:10], reconstructed_mean, reconstructed_sample],
    ["original", "decoded μ", "decoded z ~ q"],
    title="Test digits through the VAE's 2-D latent space",
)
plt.show()
assert reconstructed_mean.shape == reconstructed_sample.shape == (10, 784)

# %% [markdown]
# Like the autoencoder's, the reconstructions from a 2-D latent space are blurred typical
# digits. The third row decodes a random draw from $q(z \mid x)$ instead of its mean: it is
# usually the same digit, slightly different, because $q$ is narrow compared with the
# distances between digit classes.
#
# ## The latent space, next to the autoencoder's
#
# Each test image's $q(z \mid x)$ is summarised by its mean. On the left, the means of the
# VAE; on the right, the codes of chapter 1's autoencoder, loaded from the course's shared
# models with `zoo.pretrained("autoencoder_2d")`.

# %% mystnb={"image": {"alt": "Two scatter plots of test images coloured by digit: the VAE means form a round cloud around the origin, the autoencoder codes form long streaks over a wide range"}}
test_means, test_log_vars = vae.encoder.predict(x_test, batch_size=1000, verbose=0)
autoencoder, ae_run = zoo.pretrained("autoencoder_2d")
ae_codes = autoencoder.encoder.predict(x_test, batch_size=1000, verbose=0)
assert np.isfinite(test_means).all() and np.isfinite(ae_codes).all()

fig, axes = plt.subplots(1, 2, figsize=(13, 5.5))
plotting.plot_latent(test_means, y_test, ax=axes[0], title="VAE: means of q(z|x)")
plotting.plot_latent(ae_codes, y_test, ax=axes[1], title="Autoencoder: codes")
axes[0].get_legend().remove()
fig.tight_layout()
plt.show()

inside_3 = np.mean(np.linalg.norm(test_means, axis=1) < 3)
print(f"VAE means: std per dimension {test_means.std(axis=0).round(2)}, "
      f"{inside_3:.1%} within distance 3 of the origin")
print(f"autoencoder codes: std per dimension {ae_codes.std(axis=0).round(2)}")
print(f"typical posterior std σ: {np.exp(0.5 * test_log_vars).mean(axis=0).round(3)}")
assert inside_3 > profile.choose(reader=0.9, quick=0.05)

# %% [markdown]
# The digits cluster in both, with no label ever given. The difference is in the layout. The
# KL term holds the VAE's means in a compact cloud around the origin, on the scale of the
# prior $\mathcal{N}(0, I)$; the autoencoder's codes spread over whatever range training
# happened to produce, in long streaks. Because every image's $q(z \mid x)$ has some width
# (the cell prints the typical $\sigma$), neighbouring regions of the VAE's plane are trained
# to decode to similar images, and the space between clusters is covered. Chapter 5 decodes
# this plane to generate digits.
#
# ## How good is the model? Test numbers in nats per image
#
# Two numbers describe a VAE on held-out data, both in nats per image (lower is better):
#
# * the **negative ELBO**, the training loss itself: reconstruction plus KL, with one sample
#   of $z$ per image;
# * an **importance-weighted estimate** of $-\log p(x)$ {cite:p}`burda2016importance`, which
#   averages $K$ samples of $p(x, z) / q(z \mid x)$ before taking the log (chapter 2).
#
# `vaecourse.evaluation.evaluate_vae` computes both on all test images. For comparison we
# load two more models from the course's shared ones, each changing one thing:
#
# * a **20-D** latent space, trained with the same recipe apart from the latent size;
# * a **deeper** network with the same **2-D** latent space: two hidden layers each way
#   (784–512–256–2 in the encoder, 2–256–512–784 in the decoder, `hidden=(512, 256)` in
#   `models.build_dense_vae`), trained for 30 epochs on batches of 64 while the learning
#   rate falls along a half cosine from $10^{-3}$ to $10^{-5}$
#   (`vaecourse.training.cosine_decay`).

# %%
K = profile.choose(reader=100, quick=8)
recipe_20d = zoo.RECIPES["dense_vae_20d"]
assert recipe_20d.kwargs == {"latent_dim": 20}
assert (recipe_20d.epochs, recipe_20d.batch_size, recipe_20d.learning_rate) == (
    EPOCHS, BATCH_SIZE, LEARNING_RATE)
vae_20d, run_20d = zoo.pretrained("dense_vae_20d", retrain=RETRAIN)
print(run_20d.describe())
recipe_deep = zoo.RECIPES["dense_vae_2d_deep"]
assert recipe_deep.kwargs == {"latent_dim": 2, "hidden": (512, 256)} and recipe_deep.cosine
vae_deep, run_deep = zoo.pretrained("dense_vae_2d_deep", retrain=RETRAIN)
print(run_deep.describe())

start = time.perf_counter()
results = {"2-D latent": evaluation.evaluate_vae(vae, x_test, k=K),
           "20-D latent": evaluation.evaluate_vae(vae_20d, x_test, k=K),
           "2-D, deeper": evaluation.evaluate_vae(vae_deep, x_test, k=K)}
print(f"evaluated in {time.perf_counter() - start:.0f} s, K = {K} importance samples, "
      f"{len(x_test):,} test images\n")
print(f"{'nats per image':>16} {'reconstruction':>15} {'KL':>7} {'−ELBO':>8}"
      f" {'−log p(x), IW':>14}")
for name, r in results.items():
    print(f"{name:>16} {r['reconstruction']:15.2f} {r['kl']:7.2f} {r['neg_elbo']:8.2f} "
          f"{r['neg_log_px_iw']:14.2f}")

r2, r20, r2_deep = results["2-D latent"], results["20-D latent"], results["2-D, deeper"]
for model_name, r in zip(["dense_vae_2d", "dense_vae_20d", "dense_vae_2d_deep"], results.values()):
    assert np.isclose(r["neg_elbo"], r["reconstruction"] + r["kl"])
    assert r["kl"] > 0 and r["neg_log_px_iw"] < r["neg_elbo"]
    headline(f"{model_name}_test_neg_elbo", r["neg_elbo"])
    headline(f"{model_name}_test_neg_log_px_iw", r["neg_log_px_iw"])
assert r2["neg_elbo"] <= profile.choose(reader=152.0, quick=400.0), r2["neg_elbo"]
assert r2_deep["neg_elbo"] <= profile.choose(reader=145.0, quick=400.0), r2_deep["neg_elbo"]
if not profile.quick:
    assert r20["neg_elbo"] < r2["neg_elbo"]
    assert r20["reconstruction"] < r2["reconstruction"]
    assert r20["kl"] > r2["kl"]
    assert r2_deep["neg_elbo"] < r2["neg_elbo"] and r2_deep["reconstruction"] < r2["reconstruction"]

# %% [markdown]
# Read the table row by row (the cell above prints it).
#
# * The importance-weighted estimate is lower than the $-$ELBO for both models because the
#   ELBO falls short of $\log p(x)$ by $\mathrm{KL}(q(z \mid x) \,\|\, p(z \mid x))$, the
#   mismatch between the Gaussian encoder and the true posterior, and averaging $K$ importance
#   weights recovers part of that gap.
# * Going from 2 to 20 latent dimensions, the reconstruction term drops a lot and the KL term
#   rises: the code carries more information about each image, which costs more nats of KL
#   but saves many more in reconstruction, so both the $-$ELBO and the importance-weighted
#   estimate improve.
#
# * The deeper 2-D model beats the one-hidden-layer 2-D model on both numbers, with the
#   same two latent dimensions (the assertions check it). So the 2-D latent space was not all
#   that held the first model back: a single layer of 512 units cannot turn a point of the
#   plane into every style of every digit, and a second layer plus a learning rate that
#   settles at the end do better. A wider latent space helps far more, though: the image has
#   more to say than two numbers can carry.
#
# The one-hidden-layer 2-D model remains the one to *look at*: its latent space is the plane
# plotted above, and chapters 5 and 6 decode and walk through it.
#
# ## Summary
#
# * A dense VAE is the autoencoder of chapter 1 with two changes: the encoder outputs
#   $(\mu, \log\sigma^2)$ and a sampling layer draws $z = \mu + \sigma \odot \varepsilon$;
#   the loss adds a KL term to a summed binary cross-entropy.
# * In Keras 3 write it as a subclassed `keras.Model` with its own `train_step`, or with your
#   own `GradientTape` loop; the functional `add_loss` of older tutorials no longer works.
# * The KL term keeps the latent means in a compact cloud around the origin, unlike the
#   autoencoder's codes.
# * On the test set, the ELBO is a lower bound on $\log p(x)$ and an importance-weighted
#   estimate tightens it; a wider latent space lowers both.
