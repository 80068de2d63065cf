# %% [markdown]
# # VAE theory
#
# [Chapter 1](01_autoencoders.ipynb) ended with a plain {term}`autoencoder` whose code plane
# has holes: decode a point between the clusters and you get a smudge, so the model cannot
# make new digits. This chapter builds the model designed to fix it, the **variational
# autoencoder** (VAE) {cite:p}`kingma2014autoencoding,rezende2014stochastic`, from its
# probabilistic definition down to the loss that [chapter 3](03_dense_vae.ipynb) trains.
#
# In this chapter you will:
#
# * write down a generative model $p(x) = \int p(x \mid z)\, p(z)\, dz$ and see why its
#   posterior $p(z \mid x)$ is out of reach;
# * derive the {term}`evidence lower bound (ELBO) <ELBO>` twice, with Jensen's inequality
#   and with an exact identity that says how loose the bound is;
# * turn the ELBO into the per-image loss of a VAE: a reconstruction term plus a
#   {term}`KL <KL divergence>` term computed in closed form;
# * see what the KL term does to the codes of the whole data set, the
#   {term}`aggregate posterior`, and why it discourages holes without forbidding them;
# * see why sampling blocks gradients and how the
#   {term}`reparameterisation trick <Reparameterisation>` gets around it.
#
# The chapter uses the notation of {cite:t}`kingma2019introduction`, a longer treatment worth
# reading next. **Every formula below is checked by a cell that runs it in NumPy**: if a
# derivation were wrong, the chapter would fail.

# %% [markdown]
# ## Setting up
#
# This chapter is mostly NumPy, on toy models; the MNIST training images appear once.
# TensorFlow appears to show a gradient being blocked and then flowing.

# %%
import matplotlib.pyplot as plt
import numpy as np
from scipy import stats
from scipy.special import logsumexp

import vaecourse
from vaecourse import losses, plotting

import keras
from keras import ops
import tensorflow as tf

plotting.use_course_style()  # figures sized for the page
vaecourse.seed_everything(2)
profile = vaecourse.current_profile()
rng = np.random.default_rng(2)
# Monte Carlo sample size: large for tight checks, smaller when quick
N_MC = profile.choose(reader=400_000, quick=100_000)
print(
    f"Keras {keras.__version__}, profile: {profile.name}, "
    f"Monte Carlo samples: {N_MC:,}"
)

# %% [markdown]
# ## From codes to a model of the data
#
# An autoencoder gives each image a code, but says nothing about which codes are *likely*.
# A generative model starts from the other end. Pick a **latent variable**
# $z \in \mathbb{R}^d$ (a point of the {term}`latent space`) from a fixed **{term}`prior`**,
# the standard normal $p(z) = \mathcal{N}(0, I)$, and then draw an image from a
# **{term}`decoder`** distribution $p_\theta(x \mid z)$ whose parameters
# come from a neural network with weights $\theta$. For MNIST the decoder outputs, for each
# of the 784 pixels, a probability $\hat{x}_i(z)$ that the pixel is on.
#
# Drawing a new digit is then easy: sample $z \sim \mathcal{N}(0, I)$, decode. New digits
# come from the prior, a known cloud around the origin, so the model generates well only
# if the regions of that cloud decode to something plausible. The KL term of the loss
# derived below pushes training that way: it discourages the holes of
# [chapter 1](01_autoencoders.ipynb), but, as
# the section on the aggregate posterior shows, it does not forbid them.
#
# Training should make the real images probable. The probability the model gives an image
# is the **marginal likelihood** (or *evidence*), an average over every latent value that
# could have produced it:
#
# $$
# p_\theta(x) = \int p_\theta(x \mid z)\, p(z)\, dz .
# $$ (eq-evidence)
#
# We would like to maximise $\sum_n \log p_\theta(x_n)$ over the training images. Two things
# stand in the way.
#
# * **The integral {eq}`eq-evidence` has no closed form** when $p_\theta(x \mid z)$ is a
#   neural network, and in $d$ dimensions it is not cheap to approximate either: for a given
#   image almost every $z$ from the prior decodes to a different digit and contributes
#   nearly nothing, so a Monte Carlo average over the prior needs an enormous number of
#   samples.
# * **The posterior is intractable** for the same reason. The distribution of the codes that
#   could have produced $x$ is, by Bayes' rule,
#   $p_\theta(z \mid x) = p_\theta(x \mid z)\, p(z) / p_\theta(x)$, and its normaliser is
#   the very integral we cannot compute.
#
# The next cells make the first point concrete on a small model where the integral *is*
# known: the log of the average of $p(x \mid z)$ over a few samples from the prior
# badly underestimates $\log p(x)$, because the few samples that explain $x$ well are rarely
# drawn.

# %% [markdown]
# ### A toy model with an exact answer
#
# To check the theory we need a model where $\log p(x)$ and the posterior are known
# exactly. The **linear-Gaussian** model is one: a linear "decoder" with Gaussian noise,
#
# $$
# \begin{aligned}
# z &\sim \mathcal{N}(0, I_d), \\
# x \mid z &\sim \mathcal{N}(W z + b,\; s^2 I_D).
# \end{aligned}
# $$ (eq-toy-model)
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
    """log p(x) of the linear-Gaussian model: N(b, W Wᵀ + s² I)."""
    cov = W @ W.T + s**2 * np.eye(D)
    return stats.multivariate_normal(b, cov).logpdf(x)


def log_px_given_z(x, z):
    """log p(x|z) for z of shape (n, d): Gaussian around W z + b."""
    resid = x - (z @ W.T + b)
    log_norm = 0.5 * D * np.log(2 * np.pi * s**2)
    return -0.5 * np.sum(resid**2, axis=-1) / s**2 - log_norm


def true_posterior(x):
    S = np.linalg.inv(np.eye(d) + W.T @ W / s**2)
    return S @ W.T @ (x - b) / s**2, S


# one data point drawn from the model itself
z_true = rng.normal(size=d)
x0 = W @ z_true + b + s * rng.normal(size=D)
print(f"exact log p(x) = {log_px_exact(x0):.4f}")

# the naive estimate: log of the average of p(x|z) over prior samples z
naive = {}
print("prior samples   estimate of log p(x)   off by")
for n in (10, 1000):
    z = rng.normal(size=(n, d))
    naive[n] = logsumexp(log_px_given_z(x0, z)) - np.log(n)
    off = naive[n] - log_px_exact(x0)
    print(f"{n:>13}   {naive[n]:20.4f}   {off:+.4f}")
naive_miss = log_px_exact(x0) - naive[10]
vaecourse.glue("ch2_naive_miss", float(naive_miss))
assert naive_miss > 0.5  # ten prior samples: more than half a nat too low
assert abs(naive[1000] - log_px_exact(x0)) < naive_miss  # 1000 come closer


# %% [markdown]
# Even in two latent dimensions, ten prior samples miss $\log p(x)$ by
# {glue:text}`ch2_naive_miss:.1f` {term}`nats` (the cell asserts more than half a nat); a
# thousand come closer. On average this estimate is too low, never too high (it is the
# bound $\mathcal{L}_K$ of {eq}`eq-iw-bound` below, with the prior in the role of $q$),
# though a single run can land on either side. We need samples of $z$ that are *likely
# for this particular $x$*.
#
# ## The encoder: an amortised approximate posterior
#
# **Variational inference** replaces the intractable posterior by a simple distribution
# $q(z \mid x)$ that we fit, the {term}`approximate posterior`. The VAE makes two choices:
#
# * $q$ is a Gaussian with a **diagonal** covariance,
#
#   $$
#   \begin{aligned}
#   q_\phi(z \mid x) = \mathcal{N}\big(z;\; &\mu_\phi(x), \\
#     &\operatorname{diag} \sigma^2_\phi(x)\big);
#   \end{aligned}
#   $$
#
# * its parameters come from a neural network, the **{term}`encoder`**, with weights
#   $\phi$.
#
# Classical variational inference would fit a separate $(\mu, \sigma)$ for every training
# image. The encoder instead *predicts* them from the image: one network shared by all
# images, which also works on images it never saw. This is called
# **{term}`amortised inference`**: the cost of inference is paid once, during training, and
# afterwards one forward pass gives the approximate posterior of any image.
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
# &\log p_\theta(x) \\
#   &\quad = \log \int q_\phi(z \mid x)\, \frac{p_\theta(x \mid z)\, p(z)}{q_\phi(z \mid x)}\, dz \\
#   &\quad = \log \mathbb{E}_{q_\phi(z \mid x)}\!\left[\frac{p_\theta(x, z)}{q_\phi(z \mid x)}\right] \\
#   &\quad \ge \mathbb{E}_{q_\phi(z \mid x)}\!\left[\log \frac{p_\theta(x, z)}{q_\phi(z \mid x)}\right] \\
#   &\quad =: \mathcal{L}(\theta, \phi; x).
# \end{aligned}
# $$ (eq-elbo)
#
# $\mathcal{L}$, defined in {eq}`eq-elbo`, is the **evidence lower bound**. Unlike
# $\log p(x)$ it is an expectation under $q$, so it can be estimated by sampling from the
# encoder's distribution.
#
# ### Via an exact identity
#
# Jensen says the bound holds but not how loose it is. Write
# $p_\theta(x, z) = p_\theta(z \mid x)\, p_\theta(x)$ inside the ELBO:
#
# $$
# \begin{aligned}
# \mathcal{L}(\theta, \phi; x)
#   &= \mathbb{E}_{q}\!\left[\log p_\theta(x)\right] \\
#   &\quad + \mathbb{E}_{q}\!\left[\log \frac{p_\theta(z \mid x)}{q_\phi(z \mid x)}\right] \\
#   &= \log p_\theta(x) \\
#   &\quad - \mathrm{KL}\big(q_\phi(z \mid x) \,\|\, p_\theta(z \mid x)\big),
# \end{aligned}
# $$
#
# that is
#
# $$
# \begin{aligned}
# \log p_\theta(x) &= \mathcal{L}(\theta, \phi; x) \\
#   &\quad + \mathrm{KL}\big(q_\phi(z \mid x) \,\|\, p_\theta(z \mid x)\big).
# \end{aligned}
# $$ (eq-elbo-gap)
#
# By {eq}`eq-elbo-gap`, the gap between the evidence and the ELBO is exactly the KL
# divergence from the approximate posterior to the true one. A KL divergence is never
# negative and is zero only when the two distributions are equal. So maximising the ELBO
# over $\phi$ pulls $q$ towards the true posterior, maximising it over $\theta$ pushes up (a
# lower bound on) the likelihood, and the bound is tight exactly when
# $q(z \mid x) = p(z \mid x)$. {cite:t}`doersch2016tutorial` builds the VAE from this identity, with fewer
# symbols and more pictures; his tutorial is good further reading for this derivation.
#
# ### Checking both on the toy model
#
# For a Gaussian $q = \mathcal{N}(\mu, \Sigma)$ the toy model's ELBO has a closed form.
# The expected squared residual is
#
# $$
# \begin{aligned}
# &\mathbb{E}_q\big[\lVert x - W z - b \rVert^2\big] \\
# &\quad = \lVert x - W\mu - b \rVert^2 + \operatorname{tr}(W \Sigma W^\top),
# \end{aligned}
# $$
#
# and the KL between two Gaussians is known, so
#
# $$
# \begin{aligned}
# \mathcal{L} &= -\frac{D}{2}\log(2\pi s^2) \\
#   &\quad - \frac{\lVert x - W\mu - b\rVert^2 + \operatorname{tr}(W \Sigma W^\top)}{2 s^2} \\
#   &\quad - \frac{1}{2}\left(\operatorname{tr}\Sigma + \mu^\top\mu - d - \log\det\Sigma\right).
# \end{aligned}
# $$ (eq-toy-elbo)
#
# The ELBO is an expectation over $q$, so it can also be estimated by sampling: draw
# $z_1, \dots, z_n \sim q(z \mid x)$ and average the log weights,
#
# $$
# \begin{aligned}
# \mathcal{L} \approx \frac{1}{n} \sum_{i=1}^{n}
#   \big[&\log p(x \mid z_i) + \log p(z_i) \\
#   &- \log q(z_i \mid x)\big].
# \end{aligned}
# $$ (eq-elbo-monte-carlo)
#
# That estimate is what a VAE computes in training, with $n = 1$.
#
# ```{exercise-start} A Monte Carlo ELBO
# :label: exercise-2-1
# ```
#
# Write `elbo_monte_carlo(x, mu, Sigma, n, log_px_given_z, rng)`. It draws `n` samples of
# $z$ from $q = \mathcal{N}(\mu, \Sigma)$ with the generator `rng` (`rng.multivariate_normal`),
# computes the log weight of each,
#
# $$
# \begin{aligned}
# \log w &= \log p(x \mid z) + \log p(z) \\
#   &\quad - \log q(z \mid x)
# \end{aligned}
# $$
#
# (`log_px_given_z(x, z)` is the model's, for a batch of `z` of shape `(n, d)`; the prior is
# $\mathcal{N}(0, I)$; `multivariate_normal(...).logpdf` from `scipy.stats` gives
# Gaussian log densities), and returns their mean and its standard error,
# `std / sqrt(n)`. The checker runs it on a 1-D toy and a 2-D one whose ELBO and spread of
# log weights it knows exactly; the next cell uses your function.


# %%
def elbo_monte_carlo(x, mu, Sigma, n, log_px_given_z, rng):
    """Monte Carlo ELBO of q = N(mu, Sigma), and its standard error."""
    # Your code here.
    vaecourse.todo()


elbo_monte_carlo = vaecourse.check(
    "02_vae_theory_1_monte_carlo_elbo", elbo_monte_carlo
)

# %% [markdown]
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-2-1
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/02_vae_theory_1_monte_carlo_elbo.py
# :language: python
# ```
#
# ```{solution-end}
# ```
#
# The cell checks, for many random choices of $q$: the closed form {eq}`eq-toy-elbo` agrees
# with your Monte Carlo estimate {eq}`eq-elbo-monte-carlo`; the ELBO never exceeds
# $\log p(x)$; the gap equals $\mathrm{KL}(q \,\|\, p(z \mid x))$, as {eq}`eq-elbo-gap`
# says; and with $q$ set to the true posterior the bound is met with equality.


# %%
def gaussian_kl_full(mu0, S0, mu1, S1):
    """KL( N(mu0, S0) ‖ N(mu1, S1) ) for full covariance matrices."""
    S1_inv = np.linalg.inv(S1)
    diff = mu1 - mu0
    return 0.5 * (
        np.trace(S1_inv @ S0)
        + diff @ S1_inv @ diff
        - len(mu0)
        + np.linalg.slogdet(S1)[1]
        - np.linalg.slogdet(S0)[1]
    )


def elbo_closed_form(x, mu, Sigma):
    resid = x - W @ mu - b
    squared = resid @ resid + np.trace(W @ Sigma @ W.T)
    log_norm = 0.5 * D * np.log(2 * np.pi * s**2)
    expected_loglik = -log_norm - squared / (2 * s**2)
    kl = gaussian_kl_full(mu, Sigma, np.zeros(d), np.eye(d))
    return expected_loglik - kl


log_px = log_px_exact(x0)
post_mean, post_cov = true_posterior(x0)
gaps = []
for trial in range(200):
    mu = post_mean + rng.normal(scale=0.5, size=d)
    A = rng.normal(scale=0.3, size=(d, d))
    Sigma = A @ A.T + 0.01 * np.eye(d)
    elbo = elbo_closed_form(x0, mu, Sigma)
    assert elbo <= log_px + 1e-9, "the ELBO exceeded log p(x)"
    gap_kl = gaussian_kl_full(mu, Sigma, post_mean, post_cov)
    assert np.isclose(log_px - elbo, gap_kl), (
        "log p(x) - ELBO is not KL(q ‖ posterior)"
    )
    gaps.append(log_px - elbo)
    if trial < 3:  # Monte Carlo agrees with the closed form
        mc, se = elbo_monte_carlo(
            x0, mu, Sigma, N_MC // 10, log_px_given_z, rng
        )
        assert abs(mc - elbo) < 5 * se + 1e-6, (mc, elbo, se)

elbo_at_posterior = elbo_closed_form(x0, post_mean, post_cov)
print(f"log p(x) = {log_px:.6f}")
print(f"ELBO with q = true posterior = {elbo_at_posterior:.6f}")
print(
    f"200 random q: gap log p(x) - ELBO from {min(gaps):.3f} "
    f"to {max(gaps):.3f} nats"
)
assert np.isclose(elbo_at_posterior, log_px, atol=1e-9)
assert min(gaps) > 0

# at the true posterior, every sample's log weight is log p(x)
z_post = rng.multivariate_normal(post_mean, post_cov, size=5)
log_w_post = (
    log_px_given_z(x0, z_post)
    + stats.norm.logpdf(z_post).sum(1)
    - stats.multivariate_normal(post_mean, post_cov).logpdf(z_post)
)
assert np.allclose(log_w_post, log_px)

# %% [markdown]
# Every random $q$ gave a positive gap, exactly its KL divergence from the true posterior as
# {eq}`eq-elbo-gap` says, and the true posterior closed the gap. The Monte Carlo estimate
# also says something useful: at the true posterior, the ratio $p(x, z) / q(z \mid x)$
# equals $p(x)$ for *every* $z$, so even a single sample gives $\log p(x)$ exactly (the cell
# checks five samples).
#
# ### Tighter bounds from more samples
#
# Averaging $K$ importance ratios *before* taking the log gives a family of bounds, the
# {term}`importance-weighted bounds <Importance-weighted bound>`,
#
# $$
# \begin{aligned}
# \mathcal{L}_K &= \mathbb{E}\left[\log \frac{1}{K} \sum_{k=1}^{K}
#   \frac{p(x, z_k)}{q(z_k \mid x)}\right], \\
# z_k &\sim q(z \mid x),
# \end{aligned}
# $$ (eq-iw-bound)
#
# with $\mathcal{L}_1 = \mathcal{L}$. Every $\mathcal{L}_K$ is a lower bound on $\log p(x)$;
# it never decreases as $K$ grows, and when the ratio $p(x, z) / q(z \mid x)$ is bounded it
# converges to $\log p(x)$ {cite:p}`burda2016importance`. [Chapter 3](03_dense_vae.ipynb)
# reports its negative, $-\mathcal{L}_K$, for the trained VAE: an **upper bound on
# $-\log p(x)$**, tighter than the negative ELBO, never the value itself. The toy model has the
# exact $\log p(x)$, so here the bounds can be compared with the value they bound. The cell
# uses a deliberately poor diagonal $q$ and estimates each $\mathcal{L}_K$ by averaging over
# 4096 repeats:

# %%
mu_q, var_q = post_mean + 0.3, np.diag(post_cov) * 2.0
# 4096 repeats of K = 64 samples
z = mu_q + np.sqrt(var_q) * rng.standard_normal((4096, 64, d))
log_w = (
    log_px_given_z(x0, z.reshape(-1, d)).reshape(4096, 64)
    + stats.norm.logpdf(z).sum(-1)
    - stats.norm.logpdf(z, mu_q, np.sqrt(var_q)).sum(-1)
)
bounds = {
    K: np.mean(logsumexp(log_w[:, :K], axis=1) - np.log(K))
    for K in (1, 4, 16, 64)
}
print(f"exact log p(x) = {log_px:.4f}, so -log p(x) = {-log_px:.4f}")
print(" K   L_K <= log p(x)   -L_K >= -log p(x)")
for K, value in bounds.items():
    print(f"{K:>2}   {value:15.4f}   {-value:17.4f}")
values = list(bounds.values())
assert all(a < c for a, c in zip(values, values[1:]))  # rise with K
assert values[-1] < log_px
vaecourse.glue("ch2_iw_gap_k1", float(log_px - values[0]))
vaecourse.glue("ch2_iw_gap_k64", float(log_px - values[-1]))

# %% [markdown]
# Every estimated $\mathcal{L}_K$ lies below the exact $\log p(x)$, and they rise with $K$
# (the cell asserts both): the gap falls from {glue:text}`ch2_iw_gap_k1:.1f` nats at
# $K = 1$, the ELBO, to {glue:text}`ch2_iw_gap_k64:.2f` nats at $K = 64$. Read as losses,
# the $-\mathcal{L}_K$ are upper bounds on $-\log p(x)$ that come down towards it.

# %% [markdown]
# ## From the ELBO to the VAE loss
#
# Split the joint, $p_\theta(x, z) = p_\theta(x \mid z)\, p(z)$, and the ELBO falls into two
# parts with a clear meaning:
#
# $$
# \begin{aligned}
# \mathcal{L}(\theta, \phi; x)
#   &= \mathbb{E}_{q_\phi(z \mid x)}\big[\log p_\theta(x \mid z)\big] \\
#   &\quad - \mathrm{KL}\big(q_\phi(z \mid x) \,\|\, p(z)\big).
# \end{aligned}
# $$ (eq-elbo-terms)
#
# A VAE minimises the negative ELBO, averaged over the training images. For one image the
# **loss** is
#
# $$
# \begin{aligned}
# \ell(\theta, \phi; x)
#   &= \underbrace{-\,\mathbb{E}_{q_\phi(z \mid x)}\big[\log p_\theta(x \mid z)\big]}_{\text{reconstruction}} \\
#   &\quad + \underbrace{\mathrm{KL}\big(q_\phi(z \mid x) \,\|\, p(z)\big)}_{\text{regulariser}} .
# \end{aligned}
# $$ (eq-vae-loss)
#
# * The **reconstruction** term is the expected negative log-likelihood of the image when its
#   code is drawn from the encoder's distribution: encode, sample, decode, score. It is the
#   autoencoder's loss, made noisy.
# * The **KL** term pulls every image's $q(z \mid x)$ towards the prior $\mathcal{N}(0, I)$:
#   means towards the origin, spreads towards 1. It keeps the encoder from shrinking
#   $\sigma$ to zero and falling back to a plain autoencoder (the KL grows without bound
#   as $\sigma \to 0$), and it draws the codes into the prior's cloud. It discourages holes
#   in that cloud; it does not forbid them, as the section on the aggregate posterior shows.
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
# &\mathrm{KL}(q \,\|\, p) \\
#   &\quad = \mathbb{E}_q\big[\log q(z) - \log p(z)\big] \\
#   &\quad = \mathbb{E}_q\bigg[-\tfrac{1}{2}\log(2\pi\sigma^2) - \frac{(z - \mu)^2}{2\sigma^2} \\
#   &\qquad\qquad + \tfrac{1}{2}\log(2\pi) + \frac{z^2}{2}\bigg] \\
#   &\quad = -\tfrac{1}{2}\log\sigma^2 - \tfrac{1}{2} + \tfrac{1}{2}\left(\sigma^2 + \mu^2\right),
# \end{aligned}
# $$ (eq-kl-1d)
#
# using $\mathbb{E}_q[(z - \mu)^2] = \sigma^2$ and $\mathbb{E}_q[z^2] = \sigma^2 + \mu^2$.
# Summing over dimensions and writing it with the encoder's output $\ell_j = \log \sigma_j^2$:
#
# $$
# \begin{aligned}
# &\mathrm{KL}\big(q(z \mid x) \,\|\, \mathcal{N}(0, I)\big) \\
#   &\quad = \frac{1}{2} \sum_{j=1}^{d} \left( \sigma_j^2 + \mu_j^2 - 1 - \log \sigma_j^2 \right) \\
#   &\quad = \frac{1}{2} \sum_{j=1}^{d} \left( e^{\ell_j} + \mu_j^2 - 1 - \ell_j \right).
# \end{aligned}
# $$ (eq-kl-closed-form)
#
# Each term $e^{\ell} - 1 - \ell$ is at least 0 and is 0 only at $\ell = 0$, and $\mu_j^2 \ge 0$,
# so the KL is never negative and vanishes only when $q$ *is* the prior.
#
# ```{exercise-start} The closed-form KL
# :label: exercise-2-2
# ```
#
# Write `kl_to_standard_normal(mean, log_var)`: NumPy arrays of shape `(n, d)` in, the
# KL divergence {eq}`eq-kl-closed-form` of each row's Gaussian from $\mathcal{N}(0, I)$
# out, shape `(n,)`. Mind the
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
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-2-2
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/02_vae_theory_2_kl.py
# :language: python
# ```
#
# ```{solution-end}
# ```

# %% [markdown]
# ### Checking the closed form against sampling
#
# The KL is an expectation, $\mathbb{E}_q[\log q(z) - \log p(z)]$, so a Monte Carlo average
# over samples from $q$ must agree with the formula. The cell draws samples for a few
# Gaussians, including narrow and wide ones, and asserts that each closed-form value lies
# within five standard errors of its estimate. It also checks that the course's Keras version,
# `vaecourse.losses.gaussian_kl` (the one [chapter 3](03_dense_vae.ipynb) trains with),
# gives the same numbers.

# %%
means = np.array([[0.0, 0.0], [1.5, -0.5], [0.2, 3.0], [-1.0, 0.7]])
log_vars = np.array(
    [[0.0, 0.0], [-2.0, 1.0], [np.log(0.05), 0.3], [1.5, -4.0]]
)
closed = kl_to_standard_normal(means, log_vars)

pair = "({:5.2f}, {:5.2f})"
print(f"{'mean':<17}{'log variance':<17}{'closed form':>11}   Monte Carlo")
for mu, lv, kl in zip(means, log_vars, closed):
    sigma = np.exp(0.5 * lv)  # standard deviation: exp(½ log σ²)
    z = mu + sigma * rng.standard_normal((N_MC, len(mu)))
    log_q = stats.norm.logpdf(z, mu, sigma)
    log_ratio = (log_q - stats.norm.logpdf(z)).sum(axis=1)
    estimate, se = log_ratio.mean(), log_ratio.std() / np.sqrt(N_MC)
    print(
        f"{pair.format(*mu)}   {pair.format(*lv)}   {kl:11.4f}   "
        f"{estimate:.4f} ± {se:.4f}"
    )
    assert abs(estimate - kl) < 5 * se + 1e-9

means32, log_vars32 = means.astype("float32"), log_vars.astype("float32")
keras_kl = np.asarray(losses.gaussian_kl(means32, log_vars32))
assert np.allclose(keras_kl, closed, rtol=1e-5, atol=1e-5)
assert closed[0] == 0.0 and (closed >= 0).all()

# %% [markdown]
# ## The KL term over the whole data set: the aggregate posterior
#
# To generate, we draw $z$ from the prior and decode it. The decoder, though, is trained on
# other codes: those drawn from the encoder, $z \sim q(z \mid x_n)$, for the training images
# $x_n$. Pooled over the $N$ training images, they are draws from the **aggregate
# posterior**
#
# $$
# q(z) = \frac{1}{N} \sum_{n=1}^{N} q(z \mid x_n),
# $$ (eq-aggregate-posterior)
#
# the mixture of all the images' posteriors (the average of $q(z \mid x)$ over the data,
# here over the training set). Where $q(z)$ has mass, training taught the decoder to draw
# digits. Where the prior has mass but $q(z)$ is thin, the decoder was hardly trained:
# nothing in the loss made those points decode to good digits, and a prior draw that lands
# there may decode to a poor one. Those thin regions are a VAE's holes. So generation
# depends on how well $q(z)$ matches $p(z)$, and the KL term of the loss does not compare
# these two: it compares each image's $q(z \mid x_n)$ with $p(z)$.
#
# Averaged over the data set, the KL term splits into two parts {cite:p}`hoffman2016elbo`.
# Treat the index $n$ of the image as a random variable, uniform on $1, \dots, N$; with
# $z \sim q(z \mid x_n)$, the pair $(n, z)$ has the joint distribution
# $q(n, z) = q(z \mid x_n) / N$, whose marginal over $z$ is $q(z)$. Inside each KL, add
# and subtract $\log q(z)$:
#
# $$
# \begin{aligned}
# &\frac{1}{N} \sum_{n=1}^{N} \mathrm{KL}\big(q(z \mid x_n) \,\|\, p(z)\big) \\
#   &\quad = \frac{1}{N} \sum_{n=1}^{N} \mathbb{E}_{q(z \mid x_n)}\!\left[
#        \log \frac{q(z \mid x_n)}{q(z)}\right] \\
#   &\qquad + \frac{1}{N} \sum_{n=1}^{N} \mathbb{E}_{q(z \mid x_n)}\!\left[
#        \log \frac{q(z)}{p(z)}\right] \\
#   &\quad = I(x; z) + \mathrm{KL}\big(q(z) \,\|\, p(z)\big).
# \end{aligned}
# $$ (eq-kl-split)
#
# The second average draws $n$, then $z \sim q(z \mid x_n)$: that is a draw from $q(z)$,
# hence the KL of the aggregate posterior.
#
# * $I(x; z)$ is the **mutual information** between an image, drawn uniformly from the
#   $N$ images (that is, by its index $n$), and its code under $q$: how much the code
#   tells about which image it came from. It is at most $\log N$, the
#   entropy of the index, and a VAE that reconstructs well needs plenty of it: codes that
#   do not tell the images apart cannot be decoded back into them.
# * $\mathrm{KL}(q(z) \,\|\, p(z))$ is the mismatch between the aggregate posterior and the
#   prior: the only part of the KL term that compares the codes of the whole data set
#   with the prior, and so the only part that is about holes.
#
# So the loss, averaged over the data, is the reconstruction term, plus the information
# the codes carry, plus the mismatch. Training does push $q(z)$ towards the prior, but only
# as one term of a trade-off: the ELBO also pays for the mutual information that
# reconstruction needs, and nothing in it forces the mismatch to zero. The KL term
# discourages holes; it does not forbid them. {cite:t}`rosca2018distribution` find that
# trained VAEs consistently leave their aggregate posterior different from the prior.
#
# ### Checking it on the toy model
#
# The toy model shows the split {eq}`eq-kl-split` with the best encoder there is. The cell
# draws $N = 200$ points from the model and gives each its exact posterior as
# $q(z \mid x_n)$: the ELBO then equals $\log p(x_n)$ for every point, and no encoder
# could raise it. It computes the average KL term in closed form, estimates the two parts
# by Monte Carlo ($q(z)$ is a mixture of 200 Gaussians, whose log density is a
# `logsumexp`), checks that they add up, and measures how much of the prior falls where
# $q(z)$ is thin: the share of prior draws at which $q(z)$ is below a tenth of $p(z)$.

# %%
n_data = 200
z_data = rng.normal(size=(n_data, d))
x_data = z_data @ W.T + b + s * rng.normal(size=(n_data, D))
# exact posteriors N(m_n, S): the covariance S is the same for every point
m_post = np.stack([true_posterior(x)[0] for x in x_data])
S_post = true_posterior(x_data[0])[1]
centred = stats.multivariate_normal(np.zeros(d), S_post)  # N(0, S)
prior = stats.multivariate_normal(np.zeros(d), np.eye(d))


def log_q_aggregate(z, chunk=5000):
    """log q(z), q the mixture of the N(m_n, S), for each row of z."""
    parts = []
    for start in range(0, len(z), chunk):
        rows = z[start : start + chunk]
        diff = rows[:, None, :] - m_post[None]  # (rows, N, d)
        parts.append(logsumexp(centred.logpdf(diff), axis=1))
    return np.concatenate(parts) - np.log(n_data)


avg_kl = np.mean(
    [gaussian_kl_full(m, S_post, np.zeros(d), np.eye(d)) for m in m_post]
)
n_samples = N_MC // 4
which = rng.integers(n_data, size=n_samples)  # a random point n ...
z = m_post[which] + centred.rvs(size=n_samples, random_state=rng)  # its z
log_q_agg = log_q_aggregate(z)
info_terms = centred.logpdf(z - m_post[which]) - log_q_agg
mismatch_terms = log_q_agg - prior.logpdf(z)
mutual_info, marginal_kl = info_terms.mean(), mismatch_terms.mean()
total_se = (info_terms + mismatch_terms).std() / np.sqrt(n_samples)
mismatch_se = mismatch_terms.std() / np.sqrt(n_samples)

z_prior = rng.standard_normal((n_samples // 5, d))
thin = log_q_aggregate(z_prior) - prior.logpdf(z_prior) < np.log(0.1)
info_se = info_terms.std() / np.sqrt(n_samples)
for label, value in [
    ("average KL term (closed form)", f"{avg_kl:.4f} nats"),
    ("mutual information I(x; z)", f"{mutual_info:.4f} ± {info_se:.4f}"),
    ("  at most log N", f"{np.log(n_data):.4f}"),
    ("KL(q(z) ‖ p(z))", f"{marginal_kl:.4f} ± {mismatch_se:.4f}"),
    ("sum of the two", f"{mutual_info + marginal_kl:.4f}"),
    ("prior draws where q(z) < p(z) / 10", f"{thin.mean():.1%}"),
]:
    print(f"{label + ':':<37}{value}")

assert abs(mutual_info + marginal_kl - avg_kl) < 5 * total_se + 1e-9
assert 0 < mutual_info <= np.log(n_data)
assert marginal_kl > 5 * mismatch_se  # the mismatch is not zero
assert mutual_info > marginal_kl and thin.mean() > 0
for name, value in [
    ("ch2_avg_kl", avg_kl),
    ("ch2_mutual_info", mutual_info),
    ("ch2_log_n", np.log(n_data)),
    ("ch2_marginal_kl", marginal_kl),
    ("ch2_thin_share", thin.mean()),
]:
    vaecourse.glue(name, float(value))

# for chapter 5's comparison: P(|z| > 2) under the 2-D prior is e^{-2}
beyond_r2 = stats.chi2.sf(2**2, df=2)
assert np.isclose(beyond_r2, np.exp(-2))
vaecourse.glue("ch2_prior_beyond_r2", float(beyond_r2))

# %% mystnb={"figure": {"caption": "Density of the prior p(z) (left) and of the toy model's aggregate posterior q(z), the mixture of the exact posteriors of 200 points (right), on one colour scale.", "name": "fig-02-aggregate"}, "image": {"alt": "Two density maps of the latent plane: the smooth standard normal prior, and the toy model's aggregate posterior, a mixture of 200 narrow bumps with thin regions between them"}}
grid = np.linspace(-3, 3, 121)
g1, g2 = np.meshgrid(grid, grid)
points = np.column_stack([g1.ravel(), g2.ravel()])
densities = {
    "prior p(z)": prior.pdf(points),
    f"aggregate q(z), N = {n_data}": np.exp(log_q_aggregate(points)),
}
top = max(v.max() for v in densities.values())
fig, axes = plt.subplots(1, 2, figsize=(6.6, 3.6))
for ax, (title, density) in zip(axes, densities.items()):
    ax.imshow(
        density.reshape(g1.shape),
        extent=(-3, 3, -3, 3),
        origin="lower",
        cmap="magma",
        vmin=0,
        vmax=top,
    )
    for radius in (1, 2):
        ax.add_patch(
            plt.Circle(
                (0, 0), radius, fill=False, ls="--", color="white", lw=1
            )
        )
    ax.set_title(title)
    ax.set_xlabel("$z_1$")
axes[0].set_ylabel("$z_2$")
fig.suptitle("Same colour scale; dashed circles: radius 1 and 2")
fig.tight_layout()
plt.show()

# %% [markdown]
# The two parts add up to the closed-form average KL term,
# {glue:text}`ch2_avg_kl:.2f` nats per point (the cell asserts it, within five standard
# errors). Most of it is mutual information, {glue:text}`ch2_mutual_info:.2f` nats of at
# most $\log 200 =$ {glue:text}`ch2_log_n:.2f`: the price of codes that tell 200 points
# apart. The mismatch $\mathrm{KL}(q(z) \,\|\, p(z))$ is
# {glue:text}`ch2_marginal_kl:.2f` nats, not zero (asserted), although the encoder is the
# exact posterior and no encoder could raise the ELBO: a maximal ELBO does not require
# $q(z) = p(z)$. The mismatch comes from the finite data set: the exact posteriors of all
# possible $x$, weighted by $p(x)$, average to the prior exactly
# ($\int p(z\mid x)\,p(x)\,dx = p(z)$), and 200 points are a small sample of them; with
# more points the mixture fills in. {numref}`fig-02-aggregate` shows the mismatch: $q(z)$ is a mixture of
# 200 narrow bumps, thin between them, and {glue:text}`ch2_thin_share:.1%` of prior draws
# land where $q(z)$ is below a tenth of $p(z)$.
#
# For sampling this means: a prior draw lands where the prior puts it, not where the decoder
# was trained. Where the prior puts mass that the aggregate posterior leaves thin, the draw
# goes through parts of the decoder that training hardly visited. The next chapters measure
# the mismatch on trained VAEs: [chapter 5](05_generation.ipynb) compares the share of test
# encodings farther than 2 from the origin with the share of prior draws there,
# {glue:text}`ch2_prior_beyond_r2:.1%` ($e^{-2}$ in two dimensions), and
# [chapter 6](06_latent_interpolation.ipynb) compares the lengths of a 20-D model's
# training codes with those of prior draws, and decodes paths between prior draws.

# %% [markdown]
# ## The reconstruction term: what the decoder's output means
#
# The term $\log p_\theta(x \mid z)$ depends on the distribution we choose for the pixels
# given the decoder's output. The two common choices give the two common losses.
#
# ### Bernoulli pixels: binary cross-entropy, summed
#
# Treat each pixel as a coin that is on with probability $\hat{x}_i = \hat{x}_i(z)$, the
# decoder's sigmoid output, independently of the others. Then
#
# $$
# \begin{aligned}
# &-\log p_\theta(x \mid z) \\
#   &\quad = -\sum_{i=1}^{784} \Big( x_i \log \hat{x}_i \\
#   &\qquad\qquad + (1 - x_i) \log (1 - \hat{x}_i) \Big),
# \end{aligned}
# $$ (eq-bernoulli-nll)
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
# on binarised MNIST {cite:p}`loaiza2019continuous`. [Chapter 3](03_dense_vae.ipynb)
# states this next to its numbers.

# %%
pixels = rng.integers(0, 2, size=(5, 784)).astype(float)  # binary images
probs = rng.uniform(0.01, 0.99, size=(5, 784))  # decoder outputs
bce_sum = -np.sum(
    pixels * np.log(probs) + (1 - pixels) * np.log(1 - probs), axis=1
)
log_pmf = stats.bernoulli.logpmf(pixels, probs).sum(axis=1)
keras_mean = np.asarray(keras.losses.binary_crossentropy(pixels, probs))
course = np.asarray(
    losses.bernoulli_nll(pixels.astype("float32"), probs.astype("float32"))
)
print("summed BCE:           ", np.round(bce_sum, 2))
print("Keras BCE (averaged): ", np.round(keras_mean, 4))
# summed BCE is -log p(x|z) for Bernoulli pixels
assert np.allclose(bce_sum, -log_pmf)
# Keras averages over the pixels
assert np.allclose(keras_mean * 784, bce_sum, rtol=1e-4)
assert np.allclose(course, bce_sum, rtol=1e-4)

# %% [markdown]
# ### Gaussian pixels: squared error, and the variance it assumes
#
# Treat each pixel instead as Gaussian around the decoder's output with a **fixed** variance
# $s^2$: $p_\theta(x \mid z) = \mathcal{N}(x;\, \hat{x}(z),\, s^2 I)$. Then
#
# $$
# \begin{aligned}
# -\log p_\theta(x \mid z) &= \frac{1}{2 s^2} \sum_{i=1}^{784} (x_i - \hat{x}_i)^2 \\
#   &\quad + \frac{784}{2} \log (2 \pi s^2),
# \end{aligned}
# $$ (eq-gaussian-nll)
#
# a **squared error** plus a constant. So a squared-error reconstruction loss is a Gaussian
# likelihood with a fixed variance, and the variance is set, without saying so, by the
# weight of the squared error against the KL term. Summing the squared error over pixels
# (weight 1) means $1 / (2s^2) = 1$, that is $s^2 = 1/2$. Averaging it over the pixels, as
# `keras.losses.MeanSquaredError` does, divides by 784 and means $s^2 = 392$: a pixel noise
# with standard deviation near 20 on pixels that range over $[0, 1]$. Against such a weak
# reconstruction term the KL term wins, as the second cell below measures on MNIST.

# %%
x_img, x_hat = rng.uniform(size=784), rng.uniform(size=784)
sq = np.sum((x_img - x_hat) ** 2)
print("each is -log N(x; x̂, s² I) less its constant:")
for s2, name, loss in [
    (0.5, "summed squared error", sq),
    (392.0, "mean squared error", sq / 784),
]:
    nll = -stats.norm.logpdf(x_img, x_hat, np.sqrt(s2)).sum()
    constant = 784 / 2 * np.log(2 * np.pi * s2)
    label = f"{name}, s² = {s2:g}:"
    print(f"{label:<33}{loss:9.4f}")
    assert np.isclose(nll - constant, loss)

# %% [markdown]
# How much can a code be worth under each weight? A decoder that ignores its code and
# always draws the average training image pays no KL, and its reconstruction term (less
# the constant) is the images' squared distance from that average, divided by $2s^2$.
# The cell computes it on the 50,000 MNIST training images.

# %%
(x_train, _), _, _ = vaecourse.load_mnist_splits(
    shape="flat", parts=("train",)
)
# mean over the images of Σ_i (x_i - x̄_i)²: the sum of the pixel variances,
# 56 pixels at a time (all 784 at once: a 314 MB float64 copy of the images)
pixel_variances = np.concatenate(
    [
        x_train[:, i : i + 56].var(axis=0, dtype=np.float64)
        for i in range(0, 784, 56)
    ]
)
spread = pixel_variances.sum()
cost_of_average = {s2: spread / (2 * s2) for s2 in (0.5, 392.0)}
for s2, cost in cost_of_average.items():
    print(
        f"s² = {s2:>5g}: always drawing the average image costs "
        f"{cost:.3f} nats per image"
    )
assert cost_of_average[392.0] < np.log(10) < cost_of_average[0.5]
vaecourse.glue("ch2_average_cost_summed", float(cost_of_average[0.5]))
vaecourse.glue("ch2_average_cost_mean", float(cost_of_average[392.0]))
vaecourse.glue("ch2_log10", float(np.log(10)))
del x_train

# %% [markdown]
# With the summed squared error, the average image costs
# {glue:text}`ch2_average_cost_summed:.1f` nats per image, so codes that improve on it are
# worth many nats of KL. With the averaged one it costs only
# {glue:text}`ch2_average_cost_mean:.3f` nats. Less its constant, the reconstruction term
# is never negative, so the loss is never below the KL term; the optimum of the averaged
# loss is no worse than the average image, so there the KL term is at most
# {glue:text}`ch2_average_cost_mean:.3f` nats per image, on average over the images. And
# the information the codes carry about the image, the mutual information $I(x; z)$ of
# {eq}`eq-kl-split`, is at most the average KL term (the other part of it is a
# KL divergence, never negative). That is less than the
# $\log 10 =$ {glue:text}`ch2_log10:.1f` nats it takes just to name the digit (the cell
# asserts it): the codes barely tell the images apart, so the decoded images can depend on
# the input only a little. This is the trap of adding a per-pixel MSE to a per-image KL.

# %% [markdown]
# ## The reparameterisation trick
#
# Training needs the gradient of the reconstruction term with respect to both networks'
# weights. With respect to the decoder's weights $\theta$ there is no difficulty: sample $z$,
# then differentiate $\log p_\theta(x \mid z)$ as usual. The encoder's weights $\phi$ are the
# problem: they enter only through the *distribution* the sample is drawn from,
#
# $$
# \begin{aligned}
# &\nabla_\phi\, \mathbb{E}_{q_\phi(z \mid x)}\big[f(z)\big], \\
# &f(z) = \log p_\theta(x \mid z),
# \end{aligned}
# $$ (eq-encoder-gradient)
#
# and a sample is just a number: once drawn, it carries no record of how it depends on
# $\mu$ and $\sigma$. Backpropagation through "draw $z$ from
# $\mathcal{N}(\mu, \sigma^2)$" has nothing to differentiate. In TensorFlow this shows up as
# a gradient of `None`:

# %%
mu_t = tf.Variable([0.5, -1.0])
log_var_t = tf.Variable([0.0, -0.5])
with tf.GradientTape() as tape:
    # a sample drawn outside the computation (here by NumPy) is a
    # constant to the tape
    sigma_np = np.exp(0.5 * log_var_t.numpy())
    z_drawn = tf.constant(
        rng.normal(mu_t.numpy(), sigma_np), dtype=tf.float32
    )
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
# $$ (eq-reparam)
#
# which has exactly the distribution $\mathcal{N}(\mu, \operatorname{diag}\sigma^2)$. Now $z$
# is a differentiable function of $\mu$ and $\ell$, and the expectation is over a
# distribution that does not depend on $\phi$, so the gradient moves inside:
#
# $$
# \begin{aligned}
# \nabla_\mu\, \mathbb{E}_q[f(z)]
#   &= \mathbb{E}_{\varepsilon}\big[\nabla_z f(z)\big], \\
# \nabla_{\ell}\, \mathbb{E}_q[f(z)]
#   &= \mathbb{E}_{\varepsilon}\!\left[\nabla_z f(z) \odot \varepsilon \odot \tfrac{\sigma}{2}\right],
# \end{aligned}
# $$ (eq-reparam-gradients)
#
# using $\partial z_j / \partial \mu_j = 1$ and
# $\partial z_j / \partial \ell_j = \varepsilon_j\, \partial \sigma_j / \partial \ell_j
# = \varepsilon_j \sigma_j / 2$. The chain rule then carries these on to the encoder's
# weights. In a network, a `Sampling` layer computes `mean + exp(0.5 * log_var) * eps`;
# [chapter 3](03_dense_vae.ipynb) writes it.
#
# ```{exercise-start} The reparameterised sample
# :label: exercise-2-3
# ```
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
# ```{exercise-end}
# ```
#
# ```{solution-start} exercise-2-3
# :class: dropdown
# ```
#
# ```{literalinclude} ../solutions/02_vae_theory_3_reparameterised_sample.py
# :language: python
# ```
#
# ```{solution-end}
# ```
#
# ### Checking the gradient
#
# To check the formulas we need a function whose expected value is known exactly. Take
# $f(z) = \sum_j \cos z_j$. For $z_j \sim \mathcal{N}(\mu_j, \sigma_j^2)$,
# $\mathbb{E}[\cos z_j] = \cos(\mu_j)\, e^{-\sigma_j^2 / 2}$, so the exact gradients are
#
# $$
# \begin{aligned}
# \frac{\partial}{\partial \mu_j}\, \mathbb{E}[f(z)]
#   &= -\sin(\mu_j)\, e^{-\sigma_j^2/2}, \\
# \frac{\partial}{\partial \ell_j}\, \mathbb{E}[f(z)]
#   &= -\tfrac{1}{2}\sigma_j^2 \cos(\mu_j)\, e^{-\sigma_j^2/2} \\
#   &\qquad (\sigma_j^2 = e^{\ell_j}).
# \end{aligned}
# $$ (eq-cos-gradients)
#
# The cell estimates both with the reparameterised formulas {eq}`eq-reparam-gradients`, in
# NumPy, and compares. It also computes the other classical estimator, the
# *score-function* (REINFORCE) estimator, which needs no gradient of $f$. It rests on
#
# $$
# \nabla_\mu\, \mathbb{E}_q[f(z)] = \mathbb{E}_q\big[f(z)\, \nabla_\mu \log q(z)\big],
# $$ (eq-score-function)
#
# and for a diagonal Gaussian $\partial \log q(z) / \partial \mu_j = (z_j - \mu_j) / \sigma_j^2$,
# the *score*. The cell computes it in two forms:
#
# * **whole $f$**: each sample gives $f(z)\,(z_j - \mu_j) / \sigma_j^2$, the estimator as
#   written;
# * **per coordinate**: each sample gives $\cos z_j\,(z_j - \mu_j) / \sigma_j^2$. This is
#   valid because $f$ is a sum of per-coordinate terms: a term $\cos z_k$ with $k \ne j$ is
#   independent of $z_j$, whose score has mean zero, so its product with the score has
#   mean zero too and can be dropped. Each coordinate's score is multiplied by the part of
#   $f$ that depends on that coordinate; the mean stays, the noise of the other terms goes.
#
# The spreads $\sigma_j$ are below 1, as in a trained encoder, and shrink from the first
# coordinate to the third. The cell prints each estimate next to the exact value
# {eq}`eq-cos-gradients`, with its standard error, then the standard deviation of one
# sample of each estimator of $\partial / \partial \mu_j$.

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
score_of_q = (z - mu) / var  # ∂/∂μ_j log q(z), one column per j
f_z = np.cos(z).sum(axis=1, keepdims=True)  # f(z), one per sample
score_whole = f_z * score_of_q  # f(z) × score_j
score_coord = np.cos(z) * score_of_q  # cos z_j × score_j

print(f"{'estimator':<27} j  estimate     exact  std. error")
for name, samples, exact in [
    ("d/d mu (reparam.)", g_mu, exact_mu),
    ("d/d log var (reparam.)", g_log_var, exact_log_var),
    ("d/d mu (score, whole f)", score_whole, exact_mu),
    ("d/d mu (score, per coord.)", score_coord, exact_mu),
]:
    estimate = samples.mean(axis=0)
    se = samples.std(axis=0) / np.sqrt(N_MC)
    for j in range(len(mu)):
        print(
            f"{name if j == 0 else '':<27}{j + 1:>2}"
            f"{estimate[j]:10.4f}{exact[j]:10.4f}{se[j]:12.4f}"
        )
    assert np.all(np.abs(estimate - exact) < 5 * se + 1e-9)


def row(label, values, digits):
    """A label, then one column per coordinate j."""
    return f"{label:<27}" + "".join(f"{v:10.{digits}f}" for v in values)


spreads = {
    "reparameterised": g_mu.std(axis=0),
    "score, per coordinate": score_coord.std(axis=0),
    "score, whole f": score_whole.std(axis=0),
}
print("\nstandard deviation of one sample of d/d mu_j:")
print(" " * 27 + "     j = 1     j = 2     j = 3")
print(row("sigma_j", sigma, 2))
for name, spread_j in spreads.items():
    print(row(name, spread_j, 3))
ratio = spreads["score, per coordinate"] / spreads["reparameterised"]
sd_reparam, sd_coord, sd_whole = spreads.values()
assert np.all(sd_reparam < sd_coord) and np.all(sd_coord < sd_whole)
assert np.all(np.diff(sigma) < 0) and np.all(np.diff(ratio) > 0)
for name, value in [
    ("ch2_sigma_wide", sigma[0]),
    ("ch2_ratio_wide", ratio[0]),
    ("ch2_sigma_narrow", sigma[-1]),
    ("ch2_ratio_narrow", ratio[-1]),
]:
    vaecourse.glue(name, float(value))

# %% [markdown]
# All the estimates land within five standard errors of the exact gradients (asserted):
# the estimators are unbiased. Their spreads differ, in the order the cell asserts for
# every coordinate: reparameterised, then score function per coordinate, then score
# function with the whole $f$. Dropping the terms of $f$ that do not involve $z_j$ removes
# noise, but the reparameterised estimator, which uses the gradient of $f$, is less noisy
# still, and the gap widens as $q$ narrows: the score
# $(z_j - \mu_j) / \sigma_j^2 = \varepsilon_j / \sigma_j$ grows like $1 / \sigma_j$. The
# per-coordinate score-function estimate spreads {glue:text}`ch2_ratio_wide:.1f` times as
# wide as the reparameterised one at $\sigma = $ {glue:text}`ch2_sigma_wide:.2f`, and
# {glue:text}`ch2_ratio_narrow:.1f` times as wide at $\sigma = $
# {glue:text}`ch2_sigma_narrow:.2f` (the cell asserts that the ratio grows as $\sigma$
# shrinks). With reparameterised gradients, {cite:t}`kingma2014autoencoding` found a
# *single* sample of $z$ per image and per step enough, with batches of 100 images.
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
print("autodiff through z = mu + sigma * eps:")
print("   d/d mu:     ", np.round(grad_mu.numpy(), 4))
print("   d/d log var:", np.round(grad_log_var.numpy(), 4))
assert np.allclose(grad_mu.numpy(), g_mu[:50_000].mean(axis=0), atol=1e-4)
assert np.allclose(
    grad_log_var.numpy(), g_log_var[:50_000].mean(axis=0), atol=1e-4
)

# %% [markdown]
# ## Summary
#
# * A VAE is a latent-variable model, $p(x) = \int p_\theta(x \mid z)\, p(z)\, dz$ with
#   $p(z) = \mathcal{N}(0, I)$ and a neural decoder, fitted together with an encoder
#   $q_\phi(z \mid x)$ that approximates the intractable posterior for every image at once.
# * By {eq}`eq-elbo-gap`, $\log p(x) = \mathrm{ELBO} + \mathrm{KL}(q \,\|\, p(z \mid x))$:
#   the ELBO is a lower bound, tight when $q$ is the true posterior. More importance
#   samples tighten it, as in {eq}`eq-iw-bound`; as a loss, $-\mathcal{L}_K$ is an upper
#   bound on $-\log p(x)$, not its value.
# * The loss per image {eq}`eq-vae-loss`, in nats, is
#
#   $$
#   \begin{aligned}
#   &-\mathbb{E}_q[\log p(x \mid z)] \\
#   &+ \mathrm{KL}(q(z \mid x) \,\|\, p(z)),
#   \end{aligned}
#   $$
#
#   with the KL equal to $\tfrac{1}{2}\sum_j (e^{\ell_j} + \mu_j^2 - 1 - \ell_j)$, as in
#   {eq}`eq-kl-closed-form`, for an encoder that outputs $\ell = \log\sigma^2$.
# * Averaged over the data, the KL term is the mutual information between image and code
#   plus $\mathrm{KL}(q(z) \,\|\, p(z))$, the mismatch between the aggregate posterior and
#   the prior: the split {eq}`eq-kl-split` of {cite:t}`hoffman2016elbo`. Training pushes
#   $q(z)$ towards the prior without forcing a match: the KL term discourages holes, it does
#   not forbid them, and prior draws that land where $q(z)$ is thin go through parts of the
#   decoder that training hardly visited.
# * Bernoulli pixels make the reconstruction term a binary cross-entropy summed over pixels;
#   Gaussian pixels make it a squared error whose weight fixes an assumed pixel variance;
#   averaged over the pixels, it leaves the codes almost no information worth paying for.
# * The reparameterisation {eq}`eq-reparam`, $z = \mu + \sigma \odot \varepsilon$, lets
#   gradients reach the encoder; in the chapter's check its variance is lower than the
#   score-function estimator's {eq}`eq-score-function`, even in the latter's
#   per-coordinate form.
#
# [Chapter 3](03_dense_vae.ipynb) builds this model in Keras and trains it on MNIST.
