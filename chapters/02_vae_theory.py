# %% [markdown]
# # 2. VAE theory
#
# Chapter 1 ended with a plain autoencoder whose code plane has holes: decode a point between
# the clusters and you get a smudge, so the model cannot make new digits. This chapter builds
# the model that fixes it, the **variational autoencoder** (VAE)
# {cite:p}`kingma2014autoencoding,rezende2014stochastic`, from its probabilistic definition
# down to the loss that chapter 3 trains.
#
# In this chapter you will:
#
# * write down a generative model $p(x) = \int p(x \mid z)\, p(z)\, dz$ and see why its
#   posterior $p(z \mid x)$ is out of reach;
# * derive the evidence lower bound (ELBO) twice, with Jensen's inequality and with an exact
#   identity that says how loose the bound is;
# * turn the ELBO into the per-image loss of a VAE: a reconstruction term plus a KL term
#   computed in closed form;
# * see why sampling blocks gradients and how the reparameterisation trick gets around it.
#
# The chapter uses the notation of {cite:t}`kingma2019introduction`, a longer treatment worth
# reading next. **Every formula below is checked by a cell that runs it in NumPy**: if a
# derivation were wrong, the chapter would fail.

# %% [markdown]
# ## Setting up
#
# This chapter is mostly NumPy. TensorFlow appears once, to show a gradient being blocked.

# %%
import matplotlib.pyplot as plt
import numpy as np
from scipy import stats
from scipy.special import logsumexp

import vaecourse
from vaecourse import losses

import keras
from keras import ops
import tensorflow as tf

vaecourse.seed_everything(2)
profile = vaecourse.current_profile()
rng = np.random.default_rng(2)
# Monte Carlo sample size: large for tight checks, smaller in the quick profile
N_MC = profile.choose(reader=400_000, quick=100_000)
print(f"Keras {keras.__version__}, profile: {profile.name}, "
      f"Monte Carlo samples: {N_MC:,}")

# %% [markdown]
# ## From codes to a model of the data
#
# An autoencoder gives each image a code, but says nothing about which codes are *likely*.
# A generative model starts from the other end. Pick a **latent variable** $z \in
# \mathbb{R}^d$ from a fixed **prior**, the standard normal $p(z) = \mathcal{N}(0, I)$, and
# then draw an image from a **decoder** distribution $p_\theta(x \mid z)$ whose parameters
# come from a neural network with weights $\theta$. For MNIST the decoder outputs, for each
# of the 784 pixels, a probability $\hat{x}_i(z)$ that the pixel is on.
#
# Drawing a new digit is then easy: sample $z \sim \mathcal{N}(0, I)$, decode. Because the
# prior is a known cloud around the origin, training must make *every* region of that cloud
# decode to something plausible; there is no room for the holes of chapter 1.
#
# Training should make the real images probable. The probability the model gives an image
# is the **marginal likelihood** (or *evidence*), an average over every latent value that
# could have produced it:
#
# $$
# p_\theta(x) = \int p_\theta(x \mid z)\, p(z)\, dz .
# $$
#
# We would like to maximise $\sum_n \log p_\theta(x_n)$ over the training images. Two things
# stand in the way.
#
# * **The integral has no closed form** when $p_\theta(x \mid z)$ is a neural network, and in
#   $d$ dimensions it is not cheap to approximate either: for a given image almost every $z$
#   from the prior decodes to a different digit and contributes nearly nothing, so a Monte
#   Carlo average over the prior needs an enormous number of samples.
# * **The posterior is intractable** for the same reason. The distribution of the codes that
#   could have produced $x$ is, by Bayes' rule,
#   $p_\theta(z \mid x) = p_\theta(x \mid z)\, p(z) / p_\theta(x)$, and its normaliser is
#   the very integral we cannot compute.
#
# The next cells make the first point concrete on a small model where the integral *is*
# known: averaging $p(x \mid z)$ over samples from the prior
# badly underestimates $\log p(x)$, because the few samples that explain $x$ well are rarely
# drawn.

# %% [markdown]
# ### A toy model with an exact answer
#
# To check the theory we need a model where $\log p(x)$ and the posterior are known
# exactly. The **linear-Gaussian** model is one: a linear "decoder" with Gaussian noise,
#
# $$
# z \sim \mathcal{N}(0, I_d), \qquad x \mid z \sim \mathcal{N}(W z + b,\; s^2 I_D).
# $$
#
# Then $x$ is Gaussian too, $p(x) = \mathcal{N}(x;\, b,\; W W^\top + s^2 I_D)$, and the
# posterior is the Gaussian $\mathcal{N}(m, S)$ with
# $S = (I_d + W^\top W / s^2)^{-1}$ and $m = S\, W^\top (x - b) / s^2$ (completing the square
# in $\log p(x \mid z) + \log p(z)$). The toy below has a 2-D latent and 6-D data.

# %%
d, D, s = 2, 6, 0.3
W = rng.normal(size=(D, d))
b = rng.normal(size=D)


def log_px_exact(x):
    """log p(x) of the linear-Gaussian model: a Gaussian with covariance W Wᵀ + s² I."""
    return stats.multivariate_normal(b, W @ W.T + s**2 * np.eye(D)).logpdf(x)


def log_px_given_z(x, z):
    """log p(x|z) for a batch of z (shape (n, d)): Gaussian around W z + b."""
    resid = x - (z @ W.T + b)
    return -0.5 * np.sum(resid**2, axis=-1) / s**2 - 0.5 * D * np.log(2 * np.pi * s**2)


def true_posterior(x):
    S = np.linalg.inv(np.eye(d) + W.T @ W / s**2)
    return S @ W.T @ (x - b) / s**2, S


# one data point drawn from the model itself
z_true = rng.normal(size=d)
x0 = W @ z_true + b + s * rng.normal(size=D)
print(f"exact log p(x) = {log_px_exact(x0):.4f}")

# the naive estimate: average p(x|z) over samples z from the prior
for n in (10, 1000):
    z = rng.normal(size=(n, d))
    naive = logsumexp(log_px_given_z(x0, z)) - np.log(n)
    print(f"prior sampling with {n:>5} samples: log p(x) ≈ {naive:.4f}")
z = rng.normal(size=(10, d))
assert log_px_exact(x0) - (logsumexp(log_px_given_z(x0, z)) - np.log(10)) > 0.5


# %% [markdown]
# Even in two latent dimensions, ten prior samples miss $\log p(x)$ by a wide margin (the
# cell asserts by more than half a nat); with a 784-pixel decoder the mismatch is far worse.
# We need samples of $z$ that are *likely for this particular $x$*.
#
# ## The encoder: an amortised approximate posterior
#
# **Variational inference** replaces the intractable posterior by a simple distribution
# $q(z \mid x)$ that we fit. The VAE makes two choices:
#
# * $q$ is a Gaussian with a **diagonal** covariance,
#   $q_\phi(z \mid x) = \mathcal{N}\big(z;\; \mu_\phi(x),\; \operatorname{diag} \sigma^2_\phi(x)\big)$;
# * its parameters come from a neural network, the **encoder**, with weights $\phi$.
#
# Classical variational inference would fit a separate $(\mu, \sigma)$ for every training
# image. The encoder instead *predicts* them from the image: one network shared by all
# images, which also works on images it never saw. This is called **amortised** inference:
# the cost of inference is paid once, during training, and afterwards one forward pass gives
# the approximate posterior of any image.
#
# **One convention for the whole course**: the encoder outputs the mean $\mu$ and the
# *log-variance* $\ell = \log \sigma^2$ (a network output can be any real number, a variance
# cannot). The variance is $\sigma^2 = e^{\ell}$ and the standard deviation is
# $\sigma = e^{\ell / 2}$. Several older tutorials multiply the noise by $e^{\ell}$, which is
# the variance, not the standard deviation; that is a bug.
#
# ## The evidence lower bound (ELBO)
#
# ### Via Jensen's inequality
#
# Multiply and divide by $q(z \mid x)$ inside the integral, so that $p(x)$ becomes an
# expectation under $q$; then use that $\log$ is concave, so the log of an average is at
# least the average of the logs (Jensen's inequality):
#
# $$
# \begin{aligned}
# \log p_\theta(x)
#   &= \log \int q_\phi(z \mid x)\, \frac{p_\theta(x \mid z)\, p(z)}{q_\phi(z \mid x)}\, dz
#    = \log \mathbb{E}_{q_\phi(z \mid x)}\!\left[\frac{p_\theta(x, z)}{q_\phi(z \mid x)}\right] \\
#   &\ge \mathbb{E}_{q_\phi(z \mid x)}\!\left[\log \frac{p_\theta(x, z)}{q_\phi(z \mid x)}\right]
#    =: \mathcal{L}(\theta, \phi; x).
# \end{aligned}
# $$
#
# $\mathcal{L}$ is the **evidence lower bound**. Unlike $\log p(x)$ it is an expectation
# under $q$, so it can be estimated by sampling from the encoder's distribution.
#
# ### Via an exact identity
#
# Jensen says the bound holds but not how loose it is. Write
# $p_\theta(x, z) = p_\theta(z \mid x)\, p_\theta(x)$ inside the ELBO:
#
# $$
# \begin{aligned}
# \mathcal{L}(\theta, \phi; x)
#   &= \mathbb{E}_{q}\!\left[\log p_\theta(x)\right]
#    + \mathbb{E}_{q}\!\left[\log \frac{p_\theta(z \mid x)}{q_\phi(z \mid x)}\right] \\
#   &= \log p_\theta(x) - \mathrm{KL}\big(q_\phi(z \mid x) \,\|\, p_\theta(z \mid x)\big),
# \end{aligned}
# $$
#
# that is
#
# $$
# \log p_\theta(x) = \mathcal{L}(\theta, \phi; x)
#   + \mathrm{KL}\big(q_\phi(z \mid x) \,\|\, p_\theta(z \mid x)\big).
# $$
#
# The gap between the evidence and the ELBO is exactly the KL divergence from the
# approximate posterior to the true one. A KL divergence is never negative and is zero only
# when the two distributions are equal. So maximising the ELBO over $\phi$ pulls $q$ towards
# the true posterior, maximising it over $\theta$ pushes up (a lower bound on) the
# likelihood, and the bound is tight exactly when $q(z \mid x) = p(z \mid x)$.
#
# ### Checking both on the toy model
#
# For a Gaussian $q = \mathcal{N}(\mu, \Sigma)$ the toy model's ELBO has a closed form.
# The expected squared residual is
# $\mathbb{E}_q[\lVert x - W z - b \rVert^2] = \lVert x - W\mu - b \rVert^2 + \operatorname{tr}(W \Sigma W^\top)$,
# and the KL between two Gaussians is known, so
#
# $$
# \begin{aligned}
# \mathcal{L} &= -\frac{D}{2}\log(2\pi s^2)
#   - \frac{\lVert x - W\mu - b\rVert^2 + \operatorname{tr}(W \Sigma W^\top)}{2 s^2} \\
#   &\quad - \frac{1}{2}\left(\operatorname{tr}\Sigma + \mu^\top\mu - d - \log\det\Sigma\right).
# \end{aligned}
# $$
#
# The ELBO is an expectation over $q$, so it can also be estimated by sampling: draw
# $z_1, \dots, z_n \sim q(z \mid x)$ and average
# $\log p(x \mid z_i) + \log p(z_i) - \log q(z_i \mid x)$. That estimate is what a VAE
# computes in training, with $n = 1$.
#
# (exercise-2-1)=
# ### Exercise 2.1: a Monte Carlo ELBO
#
# Write `elbo_monte_carlo(x, mu, Sigma, n, log_px_given_z, rng)`. It draws `n` samples of
# $z$ from $q = \mathcal{N}(\mu, \Sigma)$ with the generator `rng` (`rng.multivariate_normal`),
# computes the log weight $\log p(x \mid z) + \log p(z) - \log q(z \mid x)$ of each
# (`log_px_given_z(x, z)` is the model's, for a batch of `z` of shape `(n, d)`; the prior is
# $\mathcal{N}(0, I)$; `scipy.stats.multivariate_normal(...).logpdf` gives Gaussian log
# densities), and returns their mean and its standard error, `std / sqrt(n)`. The checker
# runs it on a 1-D toy whose ELBO it knows exactly; the next cell uses your function.

# %%
def elbo_monte_carlo(x, mu, Sigma, n, log_px_given_z, rng):
    """Monte Carlo ELBO of q = N(mu, Sigma), and its standard error."""
    # Your code here.
    vaecourse.todo()


elbo_monte_carlo = vaecourse.check(
    "02_vae_theory_1_monte_carlo_elbo", elbo_monte_carlo
)

# %% [markdown]
# ````{admonition} Solution to exercise 2.1
# :class: dropdown
#
# ```{literalinclude} ../solutions/02_vae_theory_1_monte_carlo_elbo.py
# :language: python
# ```
# ````
#
# The cell checks, for many random choices of $q$: the closed form agrees with your Monte
# Carlo estimate; the ELBO never exceeds $\log p(x)$; the gap equals
# $\mathrm{KL}(q \,\|\, p(z \mid x))$; and with $q$ set to the true posterior the bound is
# met with equality.

# %%
def gaussian_kl_full(mu0, S0, mu1, S1):
    """KL( N(mu0, S0) ‖ N(mu1, S1) ) for full covariance matrices."""
    S1_inv = np.linalg.inv(S1)
    diff = mu1 - mu0
    return 0.5 * (np.trace(S1_inv @ S0) + diff @ S1_inv @ diff - len(mu0)
                  + np.linalg.slogdet(S1)[1] - np.linalg.slogdet(S0)[1])


def elbo_closed_form(x, mu, Sigma):
    resid = x - W @ mu - b
    expected_loglik = (-0.5 * D * np.log(2 * np.pi * s**2)
                       - (resid @ resid + np.trace(W @ Sigma @ W.T)) / (2 * s**2))
    return expected_loglik - gaussian_kl_full(mu, Sigma, np.zeros(d), np.eye(d))


log_px = log_px_exact(x0)
post_mean, post_cov = true_posterior(x0)
gaps = []
for trial in range(200):
    mu = post_mean + rng.normal(scale=0.5, size=d)
    A = rng.normal(scale=0.3, size=(d, d))
    Sigma = A @ A.T + 0.01 * np.eye(d)
    elbo = elbo_closed_form(x0, mu, Sigma)
    assert elbo <= log_px + 1e-9, "the ELBO exceeded log p(x)"
    assert np.isclose(log_px - elbo, gaussian_kl_full(mu, Sigma, post_mean, post_cov)), \
        "log p(x) - ELBO is not KL(q ‖ posterior)"
    gaps.append(log_px - elbo)
    if trial < 3:  # Monte Carlo agrees with the closed form (a few trials suffice)
        mc, se = elbo_monte_carlo(
            x0, mu, Sigma, N_MC // 10, log_px_given_z, rng
        )
        assert abs(mc - elbo) < 5 * se + 1e-6, (mc, elbo, se)

elbo_at_posterior = elbo_closed_form(x0, post_mean, post_cov)
print(f"log p(x) = {log_px:.6f}")
print(f"ELBO with q = true posterior = {elbo_at_posterior:.6f}")
print(f"200 random q: gap log p(x) - ELBO from {min(gaps):.3f} to {max(gaps):.3f} nats")
assert np.isclose(elbo_at_posterior, log_px, atol=1e-9)

# %% [markdown]
# Every random $q$ gave a positive gap, exactly its KL divergence from the true posterior,
# and the true posterior closed the gap. The Monte Carlo estimate also says something useful:
# at the true posterior, the ratio $p(x, z) / q(z \mid x)$ equals $p(x)$ for *every* $z$,
# so even a single sample gives $\log p(x)$ exactly.
#
# ### Tighter bounds from more samples
#
# Averaging $K$ importance ratios *before* taking the log gives a family of bounds,
#
# $$
# \mathcal{L}_K = \mathbb{E}\left[\log \frac{1}{K} \sum_{k=1}^{K}
#   \frac{p(x, z_k)}{q(z_k \mid x)}\right], \qquad z_k \sim q(z \mid x),
# $$
#
# with $\mathcal{L}_1 = \mathcal{L}$ and $\mathcal{L}_K$ rising towards $\log p(x)$ as $K$
# grows {cite:p}`burda2016importance`. Chapter 3 reports this importance-weighted bound for
# the trained VAE: a lower bound on $\log p(x)$, tighter than the ELBO, never the value
# itself. Here is the toy model with a deliberately poor diagonal $q$:

# %%
mu_q, var_q = post_mean + 0.3, np.diag(post_cov) * 2.0
z = mu_q + np.sqrt(var_q) * rng.standard_normal((4096, 64, d))  # 4096 repeats of K = 64
log_w = (log_px_given_z(x0, z.reshape(-1, d)).reshape(4096, 64)
         + stats.norm.logpdf(z).sum(-1)
         - stats.norm.logpdf(z, mu_q, np.sqrt(var_q)).sum(-1))
bounds = {K: np.mean(logsumexp(log_w[:, :K], axis=1) - np.log(K)) for K in (1, 4, 16, 64)}
for K, value in bounds.items():
    print(f"K = {K:>2}: bound {value:9.4f}   (log p(x) = {log_px:.4f})")
values = list(bounds.values())
assert all(a < c for a, c in zip(values, values[1:])) and values[-1] < log_px


# %% [markdown]
# ## From the ELBO to the VAE loss
#
# Split the joint, $p_\theta(x, z) = p_\theta(x \mid z)\, p(z)$, and the ELBO falls into two
# parts with a clear meaning:
#
# $$
# \mathcal{L}(\theta, \phi; x)
#   = \mathbb{E}_{q_\phi(z \mid x)}\big[\log p_\theta(x \mid z)\big]
#   - \mathrm{KL}\big(q_\phi(z \mid x) \,\|\, p(z)\big).
# $$
#
# A VAE minimises the negative ELBO, averaged over the training images. For one image the
# **loss** is
#
# $$
# \ell(\theta, \phi; x) =
#   \underbrace{-\,\mathbb{E}_{q_\phi(z \mid x)}\big[\log p_\theta(x \mid z)\big]}_{\text{reconstruction}}
#   \;+\; \underbrace{\mathrm{KL}\big(q_\phi(z \mid x) \,\|\, p(z)\big)}_{\text{regulariser}} .
# $$
#
# * The **reconstruction** term is the expected negative log-likelihood of the image when its
#   code is drawn from the encoder's distribution: encode, sample, decode, score. It is the
#   autoencoder's loss, made noisy.
# * The **KL** term pulls every image's $q(z \mid x)$ towards the prior $\mathcal{N}(0, I)$:
#   means towards the origin, spreads towards 1. This is what packs the codes into the prior's
#   cloud with no holes, and keeps the encoder from shrinking $\sigma$ to zero and falling
#   back to a plain autoencoder.
#
# Both are in **nats per image** (natural-log units). That scale matters: the two terms are
# added with no weight between them, so each must be the full log-density of one image, not
# an average per pixel. The rest of this chapter works out each term.
#
# ## The KL term in closed form
#
# With a diagonal $q$ and a standard normal prior, both densities factorise over the $d$
# latent dimensions, so the KL is a sum of one-dimensional KLs. For one dimension with
# $q = \mathcal{N}(\mu, \sigma^2)$ and $p = \mathcal{N}(0, 1)$:
#
# $$
# \begin{aligned}
# \mathrm{KL}(q \,\|\, p)
#   &= \mathbb{E}_q\big[\log q(z) - \log p(z)\big] \\
#   &= \mathbb{E}_q\!\left[-\tfrac{1}{2}\log(2\pi\sigma^2) - \frac{(z - \mu)^2}{2\sigma^2}
#       + \tfrac{1}{2}\log(2\pi) + \frac{z^2}{2}\right] \\
#   &= -\tfrac{1}{2}\log\sigma^2 - \tfrac{1}{2} + \tfrac{1}{2}\left(\sigma^2 + \mu^2\right),
# \end{aligned}
# $$
#
# using $\mathbb{E}_q[(z - \mu)^2] = \sigma^2$ and $\mathbb{E}_q[z^2] = \sigma^2 + \mu^2$.
# Summing over dimensions and writing it with the encoder's output $\ell_j = \log \sigma_j^2$:
#
# $$
# \begin{aligned}
# \mathrm{KL}\big(q(z \mid x) \,\|\, \mathcal{N}(0, I)\big)
#   &= \frac{1}{2} \sum_{j=1}^{d} \left( \sigma_j^2 + \mu_j^2 - 1 - \log \sigma_j^2 \right) \\
#   &= \frac{1}{2} \sum_{j=1}^{d} \left( e^{\ell_j} + \mu_j^2 - 1 - \ell_j \right).
# \end{aligned}
# $$
#
# Each term $e^{\ell} - 1 - \ell$ is at least 0 and is 0 only at $\ell = 0$, and $\mu_j^2 \ge 0$,
# so the KL is never negative and vanishes only when $q$ *is* the prior.
#
# (exercise-2-2)=
# ### Exercise 2.2: the closed-form KL
#
# Write `kl_to_standard_normal(mean, log_var)`: NumPy arrays of shape `(n, d)` in, the
# KL divergence of each row's Gaussian from $\mathcal{N}(0, I)$ out, shape `(n,)`. Mind the
# convention: `log_var` is $\log \sigma^2$. Replace `vaecourse.todo()` with your code and run
# the cell: the checker compares your function with hand-computed values and catches the
# usual slips (σ in place of σ², a mean instead of a sum). The rest of the chapter uses your
# function once it passes.

# %%
def kl_to_standard_normal(mean, log_var):
    """KL(N(mean, diag exp(log_var)) ‖ N(0, I)), one per row."""
    # Your code here.
    vaecourse.todo()


kl_to_standard_normal = vaecourse.check(
    "02_vae_theory_2_kl", kl_to_standard_normal
)

# %% [markdown]
# ````{admonition} Solution to exercise 2.2
# :class: dropdown
#
# ```{literalinclude} ../solutions/02_vae_theory_2_kl.py
# :language: python
# ```
# ````

# %% [markdown]
# ### Checking the closed form against sampling
#
# The KL is an expectation, $\mathbb{E}_q[\log q(z) - \log p(z)]$, so a Monte Carlo average
# over samples from $q$ must agree with the formula. The cell draws samples for a few
# Gaussians, including narrow and wide ones, and asserts that each closed-form value lies
# within five standard errors of its estimate. It also checks that the course's Keras version,
# `vaecourse.losses.gaussian_kl` (the one chapter 3 trains with), gives the same numbers.

# %%
means = np.array([[0.0, 0.0], [1.5, -0.5], [0.2, 3.0], [-1.0, 0.7]])
log_vars = np.array([[0.0, 0.0], [-2.0, 1.0], [np.log(0.05), 0.3], [1.5, -4.0]])
closed = kl_to_standard_normal(means, log_vars)

for mu, lv, kl in zip(means, log_vars, closed):
    sigma = np.exp(0.5 * lv)  # standard deviation: exp(½ log σ²)
    z = mu + sigma * rng.standard_normal((N_MC, len(mu)))
    log_ratio = (stats.norm.logpdf(z, mu, sigma) - stats.norm.logpdf(z)).sum(axis=1)
    estimate, se = log_ratio.mean(), log_ratio.std() / np.sqrt(N_MC)
    print(f"mu={mu}, log var={np.round(lv, 2)}: closed form {kl:.4f}, "
          f"Monte Carlo {estimate:.4f} ± {se:.4f}")
    assert abs(estimate - kl) < 5 * se + 1e-9

keras_kl = np.asarray(losses.gaussian_kl(means.astype("float32"),
                                          log_vars.astype("float32")))
assert np.allclose(keras_kl, closed, rtol=1e-5, atol=1e-5)
assert closed[0] == 0.0 and (closed >= 0).all()

# %% [markdown]
# ## The reconstruction term: what the decoder's output means
#
# $\log p_\theta(x \mid z)$ depends on the distribution we choose for the pixels given the
# decoder's output. The two common choices give the two common losses.
#
# ### Bernoulli pixels: binary cross-entropy, summed
#
# Treat each pixel as a coin that is on with probability $\hat{x}_i = \hat{x}_i(z)$, the
# decoder's sigmoid output, independently of the others. Then
#
# $$
# -\log p_\theta(x \mid z) = -\sum_{i=1}^{784}
#   \Big( x_i \log \hat{x}_i + (1 - x_i) \log (1 - \hat{x}_i) \Big),
# $$
#
# the **binary cross-entropy summed over the 784 pixels**. Keras's
# `keras.losses.binary_crossentropy` *averages* over the pixels instead; used as is, it
# weighs the reconstruction 784 times too lightly against the KL term. The course's
# `vaecourse.losses.bernoulli_nll` sums, and clips $\hat{x}$ away from 0 and 1 so the logs
# stay finite.
#
# MNIST pixels are grey levels in $[0, 1]$, not 0 or 1. Like most tutorials (and unlike the
# papers, which binarise the images) this course plugs the grey levels into the formula
# anyway. The loss still rewards outputs close to the input, but it is no longer the log of a
# normalised density over $[0, 1]$, so its values are not comparable with published results
# on binarised MNIST {cite:p}`loaiza2019continuous`. Chapter 3 states this next to its
# numbers.

# %%
pixels = rng.integers(0, 2, size=(5, 784)).astype(float)  # binary images
probs = rng.uniform(0.01, 0.99, size=(5, 784))  # decoder outputs
bce_sum = -np.sum(pixels * np.log(probs) + (1 - pixels) * np.log(1 - probs), axis=1)
log_pmf = stats.bernoulli.logpmf(pixels, probs).sum(axis=1)
keras_mean = np.asarray(keras.losses.binary_crossentropy(pixels, probs))
course = np.asarray(losses.bernoulli_nll(pixels.astype("float32"), probs.astype("float32")))
print("summed BCE:           ", np.round(bce_sum, 2))
print("Keras BCE (averaged): ", np.round(keras_mean, 4))
assert np.allclose(bce_sum, -log_pmf)  # summed BCE is -log p(x|z) for Bernoulli pixels
assert np.allclose(keras_mean * 784, bce_sum, rtol=1e-4)  # Keras averages over the pixels
assert np.allclose(course, bce_sum, rtol=1e-4)

# %% [markdown]
# ### Gaussian pixels: squared error, and the variance it assumes
#
# Treat each pixel instead as Gaussian around the decoder's output with a **fixed** variance
# $s^2$: $p_\theta(x \mid z) = \mathcal{N}(x;\, \hat{x}(z),\, s^2 I)$. Then
#
# $$
# -\log p_\theta(x \mid z) = \frac{1}{2 s^2} \sum_{i=1}^{784} (x_i - \hat{x}_i)^2
#   + \frac{784}{2} \log (2 \pi s^2),
# $$
#
# a **squared error** plus a constant. So a squared-error reconstruction loss is a Gaussian
# likelihood with a fixed variance, and the variance is set, without saying so, by the
# weight of the squared error against the KL term. Summing the squared error over pixels
# (weight 1) means $1 / (2s^2) = 1$, that is $s^2 = 1/2$. Averaging it over the pixels, as
# `keras.losses.MeanSquaredError` does, divides by 784 and means $s^2 = 392$: a pixel noise
# with standard deviation near 20 on pixels that range over $[0, 1]$. With such a weak
# reconstruction term the KL term wins, the codes carry little information and the
# reconstructions come out as blurred averages. That is what happens in tutorials that add a
# per-pixel MSE to a per-image KL.

# %%
x_img, x_hat = rng.uniform(size=784), rng.uniform(size=784)
sq = np.sum((x_img - x_hat) ** 2)
for s2, name, loss in [(0.5, "summed squared error", sq),
                       (392.0, "mean squared error", sq / 784)]:
    nll = -stats.norm.logpdf(x_img, x_hat, np.sqrt(s2)).sum()
    constant = 784 / 2 * np.log(2 * np.pi * s2)
    print(f"{name:>21}: {loss:8.4f}  = -log N(x; x̂, s² I) - const with s² = {s2:g}")
    assert np.isclose(nll - constant, loss)

# %% [markdown]
# ## The reparameterisation trick
#
# Training needs the gradient of the reconstruction term with respect to both networks'
# weights. With respect to the decoder's weights $\theta$ there is no difficulty: sample $z$,
# then differentiate $\log p_\theta(x \mid z)$ as usual. The encoder's weights $\phi$ are the
# problem: they enter only through the *distribution* the sample is drawn from,
#
# $$
# \nabla_\phi\, \mathbb{E}_{q_\phi(z \mid x)}\big[f(z)\big], \qquad
# f(z) = \log p_\theta(x \mid z),
# $$
#
# and a sample is just a number: once drawn, it carries no record of how it depends on
# $\mu$ and $\sigma$. Backpropagation through "draw $z$ from
# $\mathcal{N}(\mu, \sigma^2)$" has nothing to differentiate. In TensorFlow this shows up as
# a gradient of `None`:

# %%
mu_t = tf.Variable([0.5, -1.0])
log_var_t = tf.Variable([0.0, -0.5])
with tf.GradientTape() as tape:
    # a sample drawn outside the computation (here by NumPy) is a constant to the tape
    z_drawn = tf.constant(rng.normal(mu_t.numpy(), np.exp(0.5 * log_var_t.numpy())),
                          dtype=tf.float32)
    loss = tf.reduce_sum(tf.cos(z_drawn))
blocked = tape.gradient(loss, [mu_t, log_var_t])
print("gradient through a drawn sample:", blocked)
assert blocked == [None, None]

# %% [markdown]
# The trick {cite:p}`kingma2014autoencoding,rezende2014stochastic` moves the randomness into
# an input that has no parameters. Draw $\varepsilon \sim \mathcal{N}(0, I)$ and set
#
# $$
# z = \mu + \sigma \odot \varepsilon, \qquad \sigma = e^{\ell / 2} ,
# $$
#
# which has exactly the distribution $\mathcal{N}(\mu, \operatorname{diag}\sigma^2)$. Now $z$
# is a differentiable function of $\mu$ and $\ell$, and the expectation is over a
# distribution that does not depend on $\phi$, so the gradient moves inside:
#
# $$
# \nabla_\mu\, \mathbb{E}_q[f(z)] = \mathbb{E}_{\varepsilon}\big[\nabla_z f(z)\big], \qquad
# \nabla_{\ell}\, \mathbb{E}_q[f(z)]
#   = \mathbb{E}_{\varepsilon}\!\left[\nabla_z f(z) \odot \varepsilon \odot \tfrac{\sigma}{2}\right],
# $$
#
# using $\partial z_j / \partial \mu_j = 1$ and
# $\partial z_j / \partial \ell_j = \varepsilon_j\, \partial \sigma_j / \partial \ell_j
# = \varepsilon_j \sigma_j / 2$. The chain rule then carries these on to the encoder's
# weights. In a network, a `Sampling` layer computes `mean + exp(0.5 * log_var) * eps`;
# chapter 3 writes it.
#
# (exercise-2-3)=
# ### Exercise 2.3: the reparameterised sample
#
# Write `reparameterised_sample(mean, log_var, eps)`: $z = \mu + \sigma \odot \varepsilon$
# with $\sigma = e^{\ell/2}$, for the noise `eps` it is given (broadcast over rows). It must
# work on NumPy arrays and on TensorFlow tensors alike, with gradients reaching `mean` and
# `log_var`: write it with `keras.ops` (`ops.exp`), which accepts both. The checker tries
# both; the two cells after it use your function.

# %%
def reparameterised_sample(mean, log_var, eps):
    """z = mean + exp(log_var / 2) * eps, for arrays or tensors."""
    # Your code here.
    vaecourse.todo()


reparameterised_sample = vaecourse.check(
    "02_vae_theory_3_reparameterised_sample", reparameterised_sample
)

# %% [markdown]
# ````{admonition} Solution to exercise 2.3
# :class: dropdown
#
# ```{literalinclude} ../solutions/02_vae_theory_3_reparameterised_sample.py
# :language: python
# ```
# ````
#
# ### Checking the gradient
#
# Take $f(z) = \sum_j \cos z_j$. For $z_j \sim \mathcal{N}(\mu_j, \sigma_j^2)$,
# $\mathbb{E}[\cos z_j] = \cos(\mu_j)\, e^{-\sigma_j^2 / 2}$, so the exact gradients are
#
# $$
# \frac{\partial}{\partial \mu_j} = -\sin(\mu_j)\, e^{-\sigma_j^2/2}, \qquad
# \frac{\partial}{\partial \ell_j} = -\tfrac{1}{2}\sigma_j^2 \cos(\mu_j)\, e^{-\sigma_j^2/2}
# \quad (\sigma_j^2 = e^{\ell_j}).
# $$
#
# The cell estimates both with the reparameterised formulas above, in NumPy, and compares.
# It also computes the other classical estimator, the *score function* (REINFORCE)
# estimator $\mathbb{E}_q[f(z)\, \nabla_\mu \log q(z)]$, which needs no gradient of $f$ but
# is noisier, the more so the narrower $q$ is. The spreads $\sigma_j$ are below 1, as in a
# trained encoder, and the cell prints the standard error of each estimate.

# %%
mu = np.array([0.5, -1.0, 2.0])
log_var = np.array([-0.3, -1.0, -2.0])  # σ < 1, as for a trained encoder
sigma, var = np.exp(0.5 * log_var), np.exp(log_var)

exact_mu = -np.sin(mu) * np.exp(-var / 2)
exact_log_var = -0.5 * var * np.cos(mu) * np.exp(-var / 2)

eps = rng.standard_normal((N_MC, len(mu)))
z = np.asarray(reparameterised_sample(mu, log_var, eps))  # your function
df_dz = -np.sin(z)  # gradient of f(z) = Σ cos z_j
g_mu, g_log_var = df_dz, df_dz * eps * sigma / 2
score = np.cos(z) * (z - mu) / var  # f(z) ∂/∂μ log q(z), per dimension

for name, samples, exact in [("d/d mu (reparam.)", g_mu, exact_mu),
                             ("d/d log var (reparam.)", g_log_var, exact_log_var),
                             ("d/d mu (score function)", score, exact_mu)]:
    estimate, se = samples.mean(axis=0), samples.std(axis=0) / np.sqrt(N_MC)
    print(f"{name:>24}: estimate {np.round(estimate, 4)}, exact {np.round(exact, 4)}, "
          f"standard error {np.round(se, 4)}")
    assert np.all(np.abs(estimate - exact) < 5 * se + 1e-9)

assert np.all(g_mu.std(axis=0) < score.std(axis=0))  # reparameterisation has lower variance

# %% [markdown]
# Both estimators are unbiased, but for these narrow Gaussians the reparameterised one has
# the smaller spread in every coordinate (the score-function estimate divides by $\sigma^2$).
# That low variance is why a VAE can be trained with a *single* sample of $z$ per image and
# per step.
#
# The same gradient comes out of automatic differentiation when the sample is written as
# $\mu + \sigma \odot \varepsilon$ inside the tape (here with your function); this is all a
# VAE's sampling layer does:

# %%
eps_t = tf.constant(eps[:50_000], dtype=tf.float32)
mu_v = tf.Variable(mu, dtype=tf.float32)
log_var_v = tf.Variable(log_var, dtype=tf.float32)
with tf.GradientTape() as tape:
    z_t = reparameterised_sample(mu_v, log_var_v, eps_t)
    objective = tf.reduce_mean(tf.reduce_sum(tf.cos(z_t), axis=1))
grad_mu, grad_log_var = tape.gradient(objective, [mu_v, log_var_v])
print("autodiff through z = mu + sigma * eps:", np.round(grad_mu.numpy(), 4),
      np.round(grad_log_var.numpy(), 4))
assert np.allclose(grad_mu.numpy(), g_mu[:50_000].mean(axis=0), atol=1e-4)
assert np.allclose(grad_log_var.numpy(), g_log_var[:50_000].mean(axis=0), atol=1e-4)

# %% [markdown]
# ## Summary
#
# * A VAE is a latent-variable model, $p(x) = \int p_\theta(x \mid z)\, p(z)\, dz$ with
#   $p(z) = \mathcal{N}(0, I)$ and a neural decoder, fitted together with an encoder
#   $q_\phi(z \mid x)$ that approximates the intractable posterior for every image at once.
# * $\log p(x) = \mathrm{ELBO} + \mathrm{KL}(q \,\|\, p(z \mid x))$: the ELBO is a lower bound,
#   tight when $q$ is the true posterior. More importance samples tighten it.
# * Loss per image, in nats: $-\mathbb{E}_q[\log p(x \mid z)] + \mathrm{KL}(q(z \mid x) \,\|\, p(z))$,
#   with the KL equal to $\tfrac{1}{2}\sum_j (e^{\ell_j} + \mu_j^2 - 1 - \ell_j)$ for an
#   encoder that outputs $\ell = \log\sigma^2$.
# * Bernoulli pixels make the reconstruction term a binary cross-entropy summed over pixels;
#   Gaussian pixels make it a squared error whose weight fixes an assumed pixel variance.
# * The reparameterisation $z = \mu + \sigma \odot \varepsilon$ lets gradients reach the
#   encoder, with low variance.
#
# Chapter 3 builds this model in Keras and trains it on MNIST.
