# %% [markdown]
# # Discrete codes: the VQ-VAE
#
# Every model so far gave each image a code of real numbers, and a VAE a Gaussian cloud
# of them. The generators that made autoencoders matter again, image and speech models
# that write a picture as a sequence of tokens, use a different code: a **grid of
# symbols**, each picked from a finite codebook. The
# {term}`vector-quantised <Vector quantisation>` VAE (VQ-VAE) of
# {cite:t}`vandenoord2017neural` learns such a code. Its encoder is the convolutional
# encoder of [chapter 4](04_conv_vae.ipynb), stopped at a 7×7 grid; each of the 49 cells
# is replaced by the nearest of $K = 64$ learned vectors, and the decoder draws the
# digit from those.
#
# A discrete code changes two things. Training needs a gradient through a table lookup,
# which has none; and the prior over codes is no longer a fixed normal distribution but a
# model of its own, learned after the autoencoder, that predicts one cell of the grid at
# a time. That prior is where the samples come from, and this chapter measures them with
# [chapter 8](08_what_goes_wrong.ipynb)'s judge.
#
# In this chapter you will:
#
# * find each {term}`encoder` output's nearest code with one matrix product
#   ({ref}`exercise-10-1`);
# * pass the decoder's gradient through the lookup with the straight-through estimator
#   ({ref}`exercise-10-2`);
# * measure how much of the codebook a model uses, as a perplexity and a count of dead
#   codes ({ref}`exercise-10-3`), and compare three ways of learning the codebook;
# * train an autoregressive prior over the grid, bound −log p(x) with it, and sample
#   digits from it;
# * paint a grid of codes yourself and watch the decoder draw it, live in the page.

# %% [markdown]
# ## Setting up

# %%
import inspect

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import vaecourse
from vaecourse import diagnostics, explorer, plotting, vqvae, zoo
from vaecourse.data import to_unit_interval
from vaecourse.losses import bernoulli_nll
from vaecourse.paths import RESULTS_DIR
from vaecourse.results import headline, read_models
from vaecourse.training import read_history
from vaecourse.tables import styled

import keras
import tensorflow as tf
from keras import ops

vaecourse.seed_everything(10)
profile = vaecourse.current_profile()
print(f"Keras {keras.__version__}, profile: {profile.name}")

# %% [markdown]
# The split is the course's: the models trained on the first 50,000 training images,
# every choice below is made on the 10,000 validation images, and the test images give
# the numbers the chapter reports. The images stay as stored, bytes from 0 to 255 (a
# quarter of the memory of floats), and are scaled a batch at a time.

# %%
_, (x_val, _), (x_test, y_test) = vaecourse.load_mnist_splits(
    shape="image", parts=("validation", "test"), as_stored=True
)
x_val = profile.subset(x_val, quick=1000)
x_test, y_test = profile.subset(x_test, y_test, quick=1000)
print(f"validation {x_val.shape}, test {x_test.shape}, {x_test.dtype}")
assert x_test.dtype == np.uint8 and x_test.shape[1:] == (28, 28, 1)

# %% [markdown]
# ## A grid of codes
#
# The encoder (`vqvae.build_vq_encoder`) is two stride-2 convolutions, 28×28 to 14×14 to
# 7×7, and a 1×1 convolution that leaves $D = 16$ numbers in each of the 49 cells: the
# grid $z_e(x)$ of shape 7×7×16. The **codebook** holds $K = 64$ vectors $e_1, \dots,
# e_K$ of 16 numbers. **Quantisation** replaces each cell's vector $z_e$ by its nearest
# codebook vector,
#
# $$
# \begin{aligned}
# k^\ast &= \arg\min_k \lVert z_e - e_k \rVert^2, \\
# z_q &= e_{k^\ast},
# \end{aligned}
# $$ (eq-10-nearest)
#
# so that an image becomes 49 integers between 0 and 63, its **codes**. The decoder
# (`vqvae.build_vq_decoder`) is chapter 4's, started from the 7×7×16 grid of codebook
# vectors instead of a dense layer.
#
# The shipped model is the zoo's `vq_vae`; `RETRAIN = True` trains it here (about 13
# minutes on one core) and saves it in `my_weights/`, never over `weights/`.

# %%
RETRAIN = False  # True: train here; saved in my_weights/
vq, vq_run = zoo.pretrained("vq_vae", retrain=RETRAIN)
print(vq_run.describe())
K, D = vq.quantizer.num_codes, vq.quantizer.code_dim
vaecourse.models.summary(vq.encoder)
vaecourse.models.summary(vq.decoder)

# %% tags=["remove-cell"]
assert (K, D) == (64, 16)
assert tuple(vq.encoder.outputs[0].shape[1:]) == (vqvae.GRID, vqvae.GRID, D)
assert tuple(vq.decoder.outputs[0].shape[1:]) == (28, 28, 1)

# %% [markdown]
# The quantiser finds the nearest code without forming the 49 × 64 differences of 16
# numbers for each image: $\lVert v - e \rVert^2 = \lVert v\rVert^2 - 2\, v\cdot e +
# \lVert e\rVert^2$, whose middle term, for every pair, is one matrix product. This is
# the package's code (`vqvae.VectorQuantizer`):

# %%
print(inspect.getsource(vqvae.squared_distances))
print(inspect.getsource(vqvae.VectorQuantizer.codes))

# %% [markdown]
# ```{exercise-start} The nearest code
# :label: exercise-10-1
# ```
#
# Write `nearest_codes(vectors, codebook)`. `vectors` is a NumPy array of $n$
# vectors, shape `(n, D)`, and `codebook` one of $K$ codebook vectors, shape `(K, D)`;
# either may be float32. Return, for each vector, the index of its nearest codebook
# vector (the row of `codebook`), by squared Euclidean distance: a NumPy array of $n$
# integers, shape `(n,)`. When two codes are equally near, take the lower index, as
# `np.argmin` does.
#
# Compute the distances as
# $\lVert v\rVert^2 - 2\, v \cdot e_k + \lVert e_k\rVert^2$: the middle terms of
# every pair are one matrix product, `vectors @ codebook.T`, of shape `(n, K)`, where
# the differences $v - e_k$ of every pair would make an array of shape `(n, K, D)`, 16
# times larger for the chapter's vectors.
#
# The checker tries a small case with ties, random cases (with $D = 1$ too), float32
# arrays, and 20,000 vectors of 16 numbers. Where two codes are equally near within
# float32 rounding, it accepts either. The chapter then uses your function on the
# encoder's outputs for 1,000 test images, 49,000 vectors, and compares your codes with
# the model's own.


# %%
def nearest_codes(vectors, codebook):
    """The index of the nearest codebook row (K, D) of each vector (n, D)."""
    # Your code here.
    vaecourse.todo()


nearest_codes = vaecourse.check(
    "10_vq_vae_1_nearest_codes",
    nearest_codes,
)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-10-1
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/10_vq_vae_1_nearest_codes.py
# :language: python
# ```
#
# ```{solution-end}
# ```

# %% [markdown]
# Your function now finds the codes of 1,000 test images, 49,000 vectors, and the cell
# compares them with the model's own. The two can differ only where two codes are equally
# near to within float32 rounding.

# %%
x_few = to_unit_interval(x_test[:1000])
z_e = ops.convert_to_numpy(vq.encoder(x_few)).reshape(-1, D)
codebook = ops.convert_to_numpy(vq.quantizer.codebook)
# a few thousand vectors at a time: a version that forms every difference
# (n, K, D) stays small too
mine = np.concatenate(
    [
        nearest_codes(z_e[i : i + 7000], codebook)
        for i in range(0, len(z_e), 7000)
    ]
)
theirs = ops.convert_to_numpy(vq.encode(x_few)).reshape(-1)
agree = float(np.mean(mine == theirs))
print(
    f"{len(z_e):,} vectors: your codes agree with the model's on {agree:.2%}"
)
assert agree > 0.999

# %% [markdown]
# ## Gradients through a lookup
#
# The argmin of {eq}`eq-10-nearest` is flat almost everywhere: move $z_e$ a little and
# the code does not change, so the gradient of anything computed from $z_q$ with respect
# to $z_e$ is zero, and the encoder would never learn. The VQ-VAE passes the gradient
# through the quantiser as if it were the identity, the
# {term}`straight-through estimator <Straight-through estimator>`
# {cite:p}`bengio2013estimating`: the decoder sees $z_q$, and the gradient it sends back
# to $z_q$ is handed to $z_e$ unchanged. It works because $z_q$ is close to $z_e$, which
# the loss below makes sure of.

# %% [markdown]
# ```{exercise-start} The straight-through estimator
# :label: exercise-10-2
# ```
#
# Write `straight_through(z_e, z_q)` with `keras.ops`. `z_e` is a tensor of encoder
# outputs and `z_q` the tensor of their codebook vectors, of the same shape (the
# chapter's is `(n, 7, 7, 16)`). Return a tensor that:
#
# * in the forward pass equals `z_q`, so that the decoder decodes the codebook vectors;
# * has, as its gradient with respect to `z_e`, the identity: the gradient the decoder
#   sends back to your output reaches `z_e` unchanged;
# * has no gradient with respect to `z_q`: the reconstruction does not move the
#   codebook.
#
# `ops.stop_gradient(t)` has the value of `t` and, to the gradient, is a constant.
#
# The checker compares your output with `z_q`, and computes, with `tf.GradientTape`, the
# gradients of $L = \sum w \cdot \text{out}$ for random weights $w$: it expects $w$ with
# respect to `z_e` and 0 with respect to `z_q`. It does so eagerly and inside
# `tf.function`, as the chapter's training step will run your function.


# %%
def straight_through(z_e, z_q):
    """z_q in the forward pass; the gradient goes to z_e unchanged."""
    # Your code here.
    vaecourse.todo()


straight_through = vaecourse.check(
    "10_vq_vae_2_straight_through",
    straight_through,
)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-10-2
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/10_vq_vae_2_straight_through.py
# :language: python
# ```
#
# ```{solution-end}
# ```

# %% [markdown]
# The next cell takes one gradient step's worth of gradients of the reconstruction term
# on 64 validation images, twice: decoding $z_q$ itself, and decoding your
# `straight_through(z_e, z_q)`. Only the second reaches the encoder's weights.


# %%
def encoder_gradient_norm(through):
    """The norm of the reconstruction's gradient with respect to the
    encoder's weights, when the decoder decodes through(z_e, z_q)."""
    x = to_unit_interval(x_val[:64])
    with tf.GradientTape() as tape:
        z_e = vq.encoder(x)
        z_q, _ = vq.quantizer(z_e)
        probs = vq.decoder(through(z_e, z_q))
        loss = ops.mean(bernoulli_nll(x, probs))
    grads = tape.gradient(loss, vq.encoder.trainable_weights)
    return float(
        sum(ops.sum(ops.square(g)) for g in grads if g is not None) ** 0.5
    )


norms = {
    "decode z_q": encoder_gradient_norm(lambda z_e, z_q: z_q),
    "decode straight_through(z_e, z_q)": encoder_gradient_norm(
        straight_through
    ),
}
for label, norm in norms.items():
    print(f"{label:36} gradient norm at the encoder: {norm:.3g}")
assert norms["decode z_q"] == 0 < norms["decode straight_through(z_e, z_q)"]

# %% [markdown]
# ## The loss, and who moves what
#
# With the straight-through estimator, the reconstruction trains the encoder and the
# decoder but not the codebook. Two more terms tie the codebook and the encoder outputs
# together, with $\operatorname{sg}$ for `stop_gradient`, summed over the 49 cells:
#
# $$
# \begin{aligned}
# J(x) = {}& -\log p(x \mid z_q(x)) \\
#   &+ \lVert \operatorname{sg}[z_e(x)] - z_q(x) \rVert^2 \\
#   &+ \beta \, \lVert z_e(x) - \operatorname{sg}[z_q(x)] \rVert^2 .
# \end{aligned}
# $$ (eq-10-loss)
#
# The first is chapter 3's Bernoulli reconstruction in nats. The second, the **codebook
# loss**, moves each used code towards the encoder outputs assigned to it; the encoder
# does not feel it. The third, the **commitment loss**, moves the encoder outputs towards
# their codes; the codes do not feel it. Only the third is weighted: the codebook term
# moves codes that nothing else trains, so any weight on it is only a learning rate,
# while β decides how hard the encoder is held to codes the reconstruction would like to
# leave. {cite:t}`vandenoord2017neural` found results robust for β from 0.1 to 2 and used
# 0.25, as here.
#
# The codebook loss can be replaced by moving averages (appendix A.1 of the paper;
# {cite:t}`razavi2019generating`): after each batch, each code becomes the running
# mean of the encoder outputs assigned to it. With $n_k$ the number of the batch's
# outputs whose nearest code is $k$, $\bar n_k$ their running count and $m_k$ their
# running sum, and a decay γ = 0.99:
#
# $$
# \begin{aligned}
# \bar n_k &\leftarrow \gamma \bar n_k + (1-\gamma)\, n_k, \\
# m_k &\leftarrow \gamma m_k
#   + (1-\gamma) \textstyle\sum_{i:\,k_i^\ast = k} z_{e,i}, \\
# e_k &= m_k / \bar n_k .
# \end{aligned}
# $$ (eq-10-ema)
#
# A code that no output picks, a **dead code**, would never move again. A common
# remedy **restarts** it: a code whose running count $\bar n_k$ falls below one output
# per batch is moved onto a random encoder output of the batch. Whether that helps is
# measured below.
# The training step, with its three terms (the codebook term only without moving
# averages), and the moving-average update with its optional restarts:

# %%
print(inspect.getsource(vqvae.VQVAE.loss_terms))
print(inspect.getsource(vqvae.VectorQuantizer.update))

# %% [markdown]
# ## How much of the codebook is used
#
# A codebook of 64 entries helps only if the encoder uses them. The
# {term}`perplexity <Codebook perplexity>` of the
# codes, $\exp(-\sum_k p_k \log p_k)$ with $p_k$ the share of cells given code $k$, counts
# the codes in use: 64 if all are used equally, 1 if one code does everything.

# %% [markdown]
# ```{exercise-start} How many codes are used?
# :label: exercise-10-3
# ```
#
# Write `codebook_usage(codes, num_codes)`. `codes` is a NumPy array of integer codes,
# from 0 to `num_codes - 1`, of any shape (the chapter's are grids, `(n, 7, 7)`). Return
# the pair `(perplexity, dead)`:
#
# * `perplexity`, $\exp\left(-\sum_k p_k \log p_k\right)$, where $p_k$ is the share of
#   the entries of `codes` equal to $k$ and a code with $p_k = 0$ adds 0 to the sum: it
#   is `num_codes` when every code is used equally often, and 1 when one code is used
#   for everything;
# * `dead`, the number of codes of `range(num_codes)` that `codes` never uses (the
#   largest codes may be among them).
#
# Return both as plain numbers (Python or NumPy scalars, `dead` an integer): the chapter
# prints them and puts them in a table. The checker tries uniform use, a single code, a
# few codes among many, and a grid of shape `(30, 7, 7)`.


# %%
def codebook_usage(codes, num_codes):
    """(perplexity, dead): how evenly the codes are used, and how many of
    range(num_codes) are never used."""
    # Your code here.
    vaecourse.todo()


codebook_usage = vaecourse.check(
    "10_vq_vae_3_codebook_usage",
    codebook_usage,
)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-10-3
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/10_vq_vae_3_codebook_usage.py
# :language: python
# ```
#
# ```{solution-end}
# ```

# %% [markdown]
# Three models were trained with the same recipe (10 epochs, the same encoder and
# decoder, β = 0.25) and differ only in how the codebook learns: by the codebook loss, by
# moving averages, and by moving averages with restarts. `python -m tools.train_all`
# trains all three; the two that were not chosen keep only their training histories, in
# `results/`. Their last epoch on the validation images:

# %%
histories = {
    "codebook loss": read_history("vq_vae_codebook_loss", RESULTS_DIR),
    "moving averages": vq_run.history,
    "moving averages, restarts": read_history("vq_vae_restarts", RESULTS_DIR),
}
usage_table = pd.DataFrame(
    {
        label: {
            "reconstruction (nats)": h["val_reconstruction"][-1],
            "commitment": h["val_commitment"][-1],
            "perplexity": h["val_perplexity"][-1],
        }
        for label, h in histories.items()
    }
).T
styled(usage_table, "{:.1f}")

# %% [markdown]
# The validation loss the recipe was chosen on is the reconstruction plus β times the
# commitment, the part of {eq}`eq-10-loss` all three versions share. (The perplexity
# during training is of each batch's codes; the next cell measures the chosen model's on
# all the validation images.)

# %%
val_codes, val_reconstruction = vqvae.codes_and_reconstruction(vq, x_val)
val_perplexity, val_dead = codebook_usage(val_codes, K)
print(
    f"the chosen model on {len(x_val):,} validation images:\n"
    f"perplexity {val_perplexity:.1f} of {K} codes, {val_dead} never used"
)
vaecourse.glue("ch10_val_perplexity", float(val_perplexity))
border = np.ones((vqvae.GRID, vqvae.GRID), bool)
border[1:-1, 1:-1] = False
border_codes = val_codes[:, border]
border_share = np.bincount(border_codes.ravel()).max() / border_codes.size
vaecourse.glue("ch10_border_share", float(border_share))
assert border_share > 0.5
vaecourse.glue("ch10_val_dead", int(val_dead))

# %% tags=["remove-cell"]
chosen = (
    usage_table["reconstruction (nats)"] + 0.25 * usage_table["commitment"]
)
if not profile.quick:
    assert chosen.idxmin() == "moving averages", chosen
    # restarts: more codes in use, a better reconstruction, a larger
    # commitment term
    assert usage_table["perplexity"].idxmax() == "moving averages, restarts"
    restarts = usage_table.loc["moving averages, restarts"]
    plain = usage_table.loc["moving averages"]
    assert restarts["reconstruction (nats)"] < plain["reconstruction (nats)"]
    assert restarts["commitment"] > plain["commitment"]
for key, label in [
    ("codebook_loss", "codebook loss"),
    ("restarts", "moving averages, restarts"),
    ("chosen", "moving averages"),
]:
    vaecourse.glue(
        f"ch10_val_loss_gap_{key}",
        float(chosen[label] - chosen["moving averages"]),
    )
    for column, name in [
        ("perplexity", "perplexity"),
        ("reconstruction (nats)", "reconstruction"),
        ("commitment", "commitment"),
    ]:
        vaecourse.glue(
            f"ch10_{name}_{key}", float(usage_table.loc[label, column])
        )

# %% [markdown]
# The validation loss chose **moving averages without restarts**: the codebook-loss model
# is {glue:text}`ch10_val_loss_gap_codebook_loss:.2f` nats worse, the model with restarts
# {glue:text}`ch10_val_loss_gap_restarts:.2f` nats. Restarts did what they are for: they
# kept more codes in use (a batch perplexity of
# {glue:text}`ch10_perplexity_restarts:.1f` against
# {glue:text}`ch10_perplexity_chosen:.1f`), and reconstructed the validation images
# slightly better ({glue:text}`ch10_reconstruction_restarts:.2f` nats against
# {glue:text}`ch10_reconstruction_chosen:.2f`); but their encoder outputs sat further from
# their codes (a commitment term of {glue:text}`ch10_commitment_restarts:.1f` against
# {glue:text}`ch10_commitment_chosen:.1f`), which cost more than the reconstruction
# gained. On all the validation images the chosen model's codes have a perplexity of
# {glue:text}`ch10_val_perplexity:.1f`, and {glue:text}`ch10_val_dead:.0f` of its 64 codes
# are never used: here, more codes in use did not make a better model by the validation
# loss.
#
# {numref}`fig-10-reconstructions` shows test digits, their grids of codes, and the
# decoded grids.

# %% mystnb={"figure": {"caption": "Test digits (top), their 7\u00d77 grids of codes, one shade per code (middle), and the decoded grids (bottom).", "name": "fig-10-reconstructions"}, "image": {"alt": "Eight handwritten test digits, under each its seven by seven grid of code numbers drawn as coloured squares, and under that the digit the decoder draws from the grid"}}
shown = to_unit_interval(x_test[:8])
grids = ops.convert_to_numpy(vq.encode(shown))
fig, axes = plt.subplots(3, 8, figsize=(5.9, 2.8))
for i in range(8):
    axes[0, i].imshow(shown[i, ..., 0], cmap="gray_r", vmin=0, vmax=1)
    axes[1, i].imshow(grids[i], cmap="tab20b", vmin=0, vmax=K - 1)
    decoded = vqvae.decode_codes(vq, grids[i : i + 1])[0, ..., 0]
    axes[2, i].imshow(decoded, cmap="gray_r", vmin=0, vmax=1)
for ax, label in zip(axes[:, 0], ["digit", "codes", "decoded"]):
    ax.set_ylabel(label)
for ax in axes.flat:
    ax.set_xticks([])
    ax.set_yticks([])
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Why the prior comes after
#
# The VQ-VAE is a latent-variable model like the VAE, with a prior over codes, $p(z)$,
# and the {term}`decoder`'s $p(x \mid z)$. Its "posterior" is a point mass:
# $q(z \mid x)$ puts all its probability on the grid $z_q(x)$ the encoder picks. The
# {term}`ELBO` of chapter 2 then has no sampling left in it, and the entropy of a point
# mass over a finite set is 0:
#
# $$
# \begin{aligned}
# -\log p(x) \le {}& -\log p(x \mid z_q(x)) \\
#   &- \log p(z_q(x)) .
# \end{aligned}
# $$ (eq-10-bound)
#
# During training the prior is **uniform**, $p(z) = K^{-49}$, so its term is the
# constant $49 \log K = 49 \log 64 \approx 203.8$ nats: the same for every image, it
# has no gradient, and training minimises the reconstruction alone (with the
# commitment and codebook terms). A uniform prior is a poor model of the codes, though: in the validation
# images' grids, {glue:text}`ch10_border_share:.0%` of the 24 border cells hold one and
# the same code, the background, while a uniform prior gives every code 1/64 of them.
# Sampling 49 codes uniformly draws noise.
#
# So the prior is learned **after** the autoencoder, on the codes of the training
# images, as a model of grids of symbols. The course's is a small **PixelCNN**
# {cite:p}`vandenoord2016conditional`: it writes $p(z) = \prod_{i} p(z_i \mid z_{<i})$
# over the 49 cells in raster order (row by row, left to right), and computes every
# conditional at once with **masked convolutions**: a filter that sees only the cells
# before the centre. The first layer's mask hides the centre too, so a cell's prediction
# never sees the cell itself.

# %%
print(inspect.getsource(vqvae.MaskedConv2D.build))
prior, prior_run = zoo.pretrained("vq_prior", retrain=RETRAIN)
print(prior_run.describe())

# %% [markdown]
# The cell below checks the masks where it matters: changing the code of one cell
# changes the predictions of the cells after it and none before it, nor its own.

# %%
grid = val_codes[:1].copy()
before = ops.convert_to_numpy(prior(grid))
grid[0, 3, 3] = (grid[0, 3, 3] + 1) % K
after = ops.convert_to_numpy(prior(grid))
changed = np.abs(after - before).max(axis=-1)[0] > 0
order = np.arange(49).reshape(7, 7)
print("cells whose prediction changed (raster order):")
print(order[changed])
assert changed.any() and (order[changed] > order[3, 3]).all()

# %% [markdown]
# ## −log p(x), bounded
#
# With both priors, {eq}`eq-10-bound` bounds −log p(x) on the test images. The table puts
# them next to the −ELBO of the dense 20-D VAE of chapter 8 and the convolutional VAE of
# chapter 4 on the same images (written by `python -m tools.model_report` into
# `results/models.json`), all with the same Bernoulli score of the grey pixels.

# %%
test_codes, test_reconstruction = vqvae.codes_and_reconstruction(vq, x_test)
learned = -vqvae.log_prior(prior, test_codes)
uniform = -vqvae.uniform_log_prior(K)
reported = {row["model"]: row for row in read_models()}
bounds = pd.DataFrame(
    {
        "VQ-VAE, uniform prior": [
            test_reconstruction.mean(),
            uniform,
            test_reconstruction.mean() + uniform,
        ],
        "VQ-VAE, PixelCNN prior": [
            test_reconstruction.mean(),
            learned.mean(),
            (test_reconstruction + learned).mean(),
        ],
        **{
            label: [
                reported[name]["test_reconstruction"],
                reported[name]["test_kl"],
                reported[name]["test_neg_elbo"],
            ]
            for label, name in [
                ("dense VAE, 20-D", "dense_vae_20d"),
                ("conv VAE, 2-D", "conv_vae_2d"),
            ]
        },
    },
    index=["reconstruction", "prior term (KL)", "bound on −log p(x)"],
).T
styled(bounds, "{:.1f}")

# %% tags=["remove-cell"]
vq_rec = float(test_reconstruction.mean())
vq_bound = float((test_reconstruction + learned).mean())
vaecourse.glue("ch10_test_reconstruction", vq_rec)
vaecourse.glue("ch10_prior_nats", float(learned.mean()))
vaecourse.glue("ch10_bound_learned", vq_bound)
vaecourse.glue("ch10_bound_uniform", vq_rec + uniform)
vaecourse.glue("ch10_uniform_nats", uniform)
vaecourse.glue(
    "ch10_vae20_rec", reported["dense_vae_20d"]["test_reconstruction"]
)
vaecourse.glue("ch10_vae20_elbo", reported["dense_vae_20d"]["test_neg_elbo"])
headline("vq_test_reconstruction", vq_rec)
headline("vq_test_bound", vq_bound)
if not profile.quick:
    assert vq_rec < reported["dense_vae_20d"]["test_reconstruction"]
    assert vq_rec < reported["conv_vae_2d"]["test_reconstruction"]
    assert vq_rec + uniform > reported["dense_vae_20d"]["test_neg_elbo"]
    assert learned.mean() < uniform
    # "still above the 20-D VAE's −ELBO", and the trade it makes
    vae20 = reported["dense_vae_20d"]
    assert vq_bound > vae20["test_neg_elbo"]
    assert learned.mean() > vae20["test_kl"]

# %% [markdown]
# What the table shows, and what it does not:
#
# * The VQ-VAE **reconstructs** better than either VAE:
#   {glue:text}`ch10_test_reconstruction:.1f` nats against
#   {glue:text}`ch10_vae20_rec:.1f` for the 20-D VAE. Its code carries more: 49 symbols of
#   6 bits are up to 294 bits, while the VAE's KL term, the price of its code, is a few
#   dozen nats.
# * With the **uniform** prior its bound, {glue:text}`ch10_bound_uniform:.1f` nats, is far
#   worse than the VAE's −ELBO ({glue:text}`ch10_vae20_elbo:.1f`): the constant
#   {glue:text}`ch10_uniform_nats:.1f` nats is what it costs to name 49 codes without
#   knowing which are likely.
# * The **PixelCNN** prior names them in {glue:text}`ch10_prior_nats:.1f` nats on
#   average, and the bound falls to {glue:text}`ch10_bound_learned:.1f` nats: still above
#   the 20-D VAE's −ELBO. The VQ-VAE saves nats on the reconstruction and spends more on
#   naming its codes than the VAE spends on its KL term.
# * These are bounds, and of different kinds: the VAE's is an ELBO with a Gaussian
#   posterior, the VQ-VAE's that of a point-mass posterior, whose gap to −log p(x) nobody
#   here measured. The ordering of the bounds is measured; the ordering of the true
#   likelihoods is not.

# %% [markdown]
# ## Sampling from the prior
#
# The PixelCNN draws a grid one cell at a time (ancestral sampling): cell 1 from
# $p(z_1)$, cell 2 from $p(z_2 \mid z_1)$, and so on, 49 calls of the prior for a batch of
# grids; the decoder draws each grid. The uniform prior draws every cell independently.
# {numref}`fig-10-samples` shows both, with digits sampled from chapter 8's 20-D VAE for
# comparison.

# %%
N_SAMPLES = profile.choose(reader=5000, quick=200)
learned_codes = vqvae.sample_codes(prior, N_SAMPLES, seed=1)
uniform_codes = np.random.default_rng(2).integers(
    0, K, size=learned_codes.shape
)
vae20, _ = zoo.pretrained("dense_vae_20d")
z_prior = np.random.default_rng(3).standard_normal((N_SAMPLES, 20))


# each set is decoded when it is needed, one at a time: 5,000 images of
# 28×28 floats are 16 MB
def draw(label, n):
    """The first n images of a set of samples."""
    if label == "VQ-VAE, PixelCNN prior":
        return vqvae.decode_codes(vq, learned_codes[:n])
    if label == "VQ-VAE, uniform prior":
        return vqvae.decode_codes(vq, uniform_codes[:n])
    return diagnostics.decode_means(vae20, z_prior[:n])


SAMPLED = [
    "VQ-VAE, PixelCNN prior",
    "VQ-VAE, uniform prior",
    "dense VAE, 20-D",
]

# %% mystnb={"figure": {"caption": "Digits drawn by the VQ-VAE from grids sampled by the PixelCNN prior (top) and by the uniform prior (middle), and by chapter 8's 20-D VAE from its normal prior (bottom).", "name": "fig-10-samples"}, "image": {"alt": "Three rows of eight generated digits: clear digits from the learned prior, noise-like scribbles from the uniform prior, and blurrier digits from the VAE"}}
fig = plotting.plot_image_rows(
    [draw(label, 8) for label in SAMPLED],
    ["PixelCNN", "uniform", "VAE 20-D"],
    n=8,
    scale=0.72,
)
plt.show()

# %% [markdown]
# ## How good are the samples?
#
# Chapter 8's judge rates them: a digit classifier's features, summarised by their mean
# and covariance, and the Fréchet distance {cite:p}`heusel2017gans` between those of a set
# of images and those of the first 5,000 test images; and the share of each class the
# classifier sees. Each set below has {glue:text}`ch10_n_samples:,d` images, and so does
# a set of real training digits, which tells what "as good as real digits" scores at
# this size (a finite set never scores 0).

# %%
classifier, _ = zoo.pretrained("digit_classifier")
half = min(5000, len(x_test) // 2)
reference, _ = diagnostics.features_and_classes(
    classifier, to_unit_interval(x_test[:half])
)
ref_mean, ref_cov = reference.mean(axis=0), np.cov(reference, rowvar=False)
(x_real, _), _, _ = vaecourse.load_mnist_splits(
    shape="image", parts=("train",), first=N_SAMPLES, as_stored=True
)
fd, shares = {}, {}
for label in ["real training digits", *SAMPLED]:
    if label == "real training digits":
        images = to_unit_interval(x_real)
    else:
        images = draw(label, N_SAMPLES)
    features, shares[label] = diagnostics.features_and_classes(
        classifier, images
    )
    del images
    fd[label] = diagnostics.frechet_distance(
        ref_mean,
        ref_cov,
        features.mean(axis=0),
        np.cov(features, rowvar=False),
    )
    print(f"{label:24} Fréchet distance {fd[label]:7.1f}")
vaecourse.glue("ch10_n_samples", int(N_SAMPLES))

# %% tags=["remove-cell"]
for key, label in [
    ("real", "real training digits"),
    ("learned", "VQ-VAE, PixelCNN prior"),
    ("uniform", "VQ-VAE, uniform prior"),
    ("vae20", "dense VAE, 20-D"),
]:
    vaecourse.glue(f"ch10_fd_{key}", float(fd[label]))
headline("vq_fd_learned_prior", float(fd["VQ-VAE, PixelCNN prior"]))
gap = abs(fd["VQ-VAE, PixelCNN prior"] - fd["real training digits"])
vaecourse.glue("ch10_fd_gap", float(gap))
vaecourse.glue(
    "ch10_fd_vae_ratio",
    float(fd["dense VAE, 20-D"] / fd["real training digits"]),
)
if not profile.quick:
    # "at the level of real digits": within a quarter of their distance
    assert gap < 0.25 * fd["real training digits"]
    assert fd["VQ-VAE, PixelCNN prior"] < fd["dense VAE, 20-D"] / 2
    assert fd["VQ-VAE, uniform prior"] > fd["dense VAE, 20-D"]

# %% mystnb={"figure": {"caption": "The share of each class the classifier sees among real training digits and the samples of each model (the bars of each digit in the legend's order).", "name": "fig-10-classes"}, "image": {"alt": "Grouped bars of the share of each digit class, 0 to 9, for real digits and the samples of the three models: the PixelCNN samples spread over all classes like real digits"}}
fig, ax = plt.subplots(figsize=(6.4, 4.4))
width = 0.8 / len(shares)
for i, (label, share) in enumerate(shares.items()):
    offset = i * width - 0.4 + width / 2
    ax.bar(np.arange(10) + offset, share, width, label=label)
ax.set_xticks(range(10))
ax.set_xlabel("class the classifier sees")
ax.set_ylabel("share of the images")
ax.legend(ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.18))
fig.tight_layout()
plt.show()

# %% [markdown]
# The PixelCNN's samples are at a Fréchet distance of
# {glue:text}`ch10_fd_learned:.1f` from the test digits, where real training digits are at
# {glue:text}`ch10_fd_real:.1f` and chapter 8's 20-D VAE at {glue:text}`ch10_fd_vae20:.1f`
# (sets of the same size). The samples are within {glue:text}`ch10_fd_gap:.1f` of the real
# digits' distance: at the level of real digits by this measure, where the VAE's samples
# are {glue:text}`ch10_fd_vae_ratio:.0f` times as far. The uniform prior's grids decode to
# images at
# {glue:text}`ch10_fd_uniform:.1f`, further than the VAE's: the decoder is the same, so
# the difference between the first two rows of {numref}`fig-10-samples` is all in the
# prior. {numref}`fig-10-classes` shows the classes.

# %% [markdown]
# ## Paint a grid
#
# The explorer below runs the decoder in your browser. Pick a code from the palette (each
# drawn as the digit a grid full of it decodes to), then click or tap cells of the 7×7
# grid, or move over them with the arrow keys and press Enter; start from the codes of a
# test digit with the menu. Try changing a few cells of a digit's grid, or drawing a
# digit from scratch on a grid of the background code.

# %%
explorer.code_grid(
    vq,
    test_codes[:8],
    y_test[:8],
    model="vq_vae",
    title="Paint the VQ-VAE's grid of codes",
)

# %% [markdown]
# ## Where it leads
#
# Discrete codes learned by an autoencoder, then a second model over the codes: this
# two-stage recipe is how most of today's image generators work. VQ-VAE-2
# {cite:p}`razavi2019generating` stacks two grids of codes; VQGAN
# {cite:p}`esser2021taming` trains the autoencoder with an adversarial and a perceptual
# loss so that a few hundred codes describe a large image, and models them with a
# transformer; latent diffusion {cite:p}`rombach2022high` keeps a continuous code, mildly
# regularised towards a normal distribution (a KL term as in this course's VAEs, or a
# quantiser), and learns the prior with a diffusion model. In all of them the
# autoencoder does what this chapter's does: it turns an image into a much smaller grid
# that a second model finds easy to learn.
#
# ## Summary
#
# * A VQ-VAE codes an image as a grid of symbols from a learned codebook: nearest-code
#   lookup, one matrix product ({ref}`exercise-10-1`).
# * The lookup has no gradient; the straight-through estimator hands the decoder's to the
#   encoder ({ref}`exercise-10-2`), and the codebook and commitment losses keep codes and
#   encoder outputs together. Restarting dead codes kept more codes in use
#   ({ref}`exercise-10-3`), yet the validation loss chose moving averages without them.
# * Trained with a uniform prior, the model is then given a learned one: a PixelCNN over
#   the grid, which both bounds −log p(x) far better and draws samples that chapter 8's
#   judge rates at the level of real digits, where a VAE's are far from them.
