import numpy as np
from scipy import stats


def elbo_monte_carlo(x, mu, Sigma, n, log_px_given_z, rng):
    """Monte Carlo ELBO of q = N(mu, Sigma), and its standard error."""
    z = rng.multivariate_normal(mu, Sigma, size=n)  # z ~ q(z | x)
    prior = stats.multivariate_normal(np.zeros(len(mu)))  # N(0, I)
    log_prior = prior.logpdf(z)
    log_q = stats.multivariate_normal(mu, Sigma).logpdf(z)
    # log w = log p(x, z) - log q(z | x)
    log_w = log_px_given_z(x, z) + log_prior - log_q
    return log_w.mean(), log_w.std() / np.sqrt(n)
