"""Anomaly scores from a trained VAE, their evaluation, and the per-digit table of chapter 7.

Every score is "larger = more anomalous", per image:

* ``L2``: Euclidean distance between an image and its reconstruction (the decoded posterior mean);
* ``BCE``: binary cross-entropy of the same reconstruction, summed over pixels (nats);
* ``-ELBO``: the negative evidence lower bound, averaged over a few samples z ~ q(z|x) (with
  ``elbo_samples=None``, the draws of the importance-weighted bound: no decoder call of its
  own);
* ``-log p(x) (IW)``: the importance-weighted bound −L_k, an upper bound on −log p(x);
* ``IW - complexity``: the same minus the image's *complexity*, the length in nats of its
  binarised pixels compressed by zlib (after Serrà et al., 2020): simple images (few strokes)
  get a high likelihood under any model, and this takes that out;
* ``latent density``: −log density of the image's posterior mean under a Gaussian mixture
  fitted to the posterior means of the training images;
* ``latent kNN``: mean distance from the image's posterior mean to the posterior means of
  its 10 nearest training images.

The table of AUROCs with each digit held out in turn is too slow for a chapter (ten trainings):
``python -m tools.anomaly_table`` writes it to ``results/anomaly_per_digit.json``, which
chapter 7 loads.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.mixture import GaussianMixture

from . import evaluation
from .paths import RESULTS_DIR

RESULTS_PATH = RESULTS_DIR / "anomaly_per_digit.json"
SCORE_NAMES = (
    "L2",
    "BCE",
    "-ELBO",
    "-log p(x) (IW)",
    "IW - complexity",
    "latent density",
    "latent kNN",
)
#: images per encoder/decoder call: small enough that a convolutional model's activations
#: stay well under the 1.5 GB a chapter may use
BATCH_SIZE = 250


def encode_means(vae, x, batch_size: int = BATCH_SIZE) -> np.ndarray:
    """Posterior means μ(x) of a batch of images (batched calls, no progress bars)."""
    mean, _ = evaluation._encode(vae, x, batch_size)
    return mean


class LatentReference:
    """The posterior means of the normal training images, with a mixture and a kNN index.

    ``mixture_size`` fits the mixture to that many of the means, drawn at random (a full
    covariance mixture in 16 dimensions takes seconds per 10,000 points); the kNN index
    always holds them all. ``None`` fits it to all of them.
    """

    def __init__(
        self,
        vae,
        x_train,
        n_components: int = 10,
        k: int = 10,
        seed: int = 0,
        mixture_size: int | None = None,
    ):
        from sklearn.neighbors import NearestNeighbors

        self.means = encode_means(vae, x_train)
        fit_on = self.means
        if mixture_size is not None and mixture_size < len(self.means):
            rows = np.random.default_rng(seed).choice(
                len(self.means), mixture_size, replace=False
            )
            fit_on = self.means[np.sort(rows)]
        self.mixture = GaussianMixture(
            n_components=n_components,
            covariance_type="full",
            random_state=seed,
            reg_covar=1e-4,
        ).fit(fit_on)
        self.neighbours = NearestNeighbors(n_neighbors=k).fit(self.means)

    def density_score(self, means):
        return -self.mixture.score_samples(means)

    def knn_score(self, means):
        distances, _ = self.neighbours.kneighbors(means)
        return distances.mean(axis=1)


def fit_pca(x, n_components: int, fit_size: int | None = None, seed: int = 0):
    """A PCA of the images ``x`` (uint8 as stored, or floats in [0, 1]) fitted to
    ``fit_size`` of them drawn at random (all with ``None``): only those are converted to
    floats, 31 MB for 10,000 images where all of chapter 7's training images take
    141 MB, a seventh of Binder's 1 GB."""
    from sklearn.decomposition import PCA

    from .data import to_unit_interval

    rows = np.arange(len(x))
    if fit_size is not None and fit_size < len(x):
        rows = np.sort(
            np.random.default_rng(seed).choice(
                len(x), fit_size, replace=False
            )
        )
    return PCA(n_components=n_components, random_state=seed).fit(
        to_unit_interval(x[rows])
    )


def complexity(x) -> np.ndarray:
    """Per image: length in nats of its binarised pixels (x > ½, one byte each) after zlib.

    A generic, model-free measure of how much there is to describe in an image: long runs of
    background compress well, strokes do not. Binarising keeps it on the scale of a Bernoulli
    model's −log p(x), so that noise stays *more* complex than any digit yet not so complex
    that subtracting it would make noise look normal.
    """
    import zlib

    pixels = (np.asarray(x).reshape(len(x), -1) > 0.5).astype(np.uint8)
    return np.array(
        [8 * len(zlib.compress(row.tobytes(), 9)) for row in pixels]
    ) * np.log(2.0)


def reconstruction_errors(vae, x, batch_size: int = BATCH_SIZE):
    """Per-image (L2 distance, summed binary cross-entropy) of the decoded posterior mean."""
    x_flat = np.asarray(x, np.float32).reshape(len(x), -1)
    l2, bce = [], []
    # a batch at a time: the reconstructions and the squared errors of 10,000
    # images would take 31 MB each at once (Binder gives the kernel 1 GB)
    for start in range(0, len(x), batch_size):
        rows = slice(start, start + batch_size)
        recon = np.asarray(
            vae.reconstruct(x[rows], batch_size=batch_size), np.float32
        ).reshape(-1, x_flat.shape[1])
        l2.append(np.sqrt(np.sum((x_flat[rows] - recon) ** 2, axis=1)))
        bce.append(-evaluation._log_bernoulli(x_flat[rows], recon))
    return np.concatenate(l2), np.concatenate(bce)


def importance_samples(vae, x, k: int = 10, seed: int = 0):
    """``k`` draws z ~ q(z|x) per image: per image and draw, log p(x|z) and the log weight
    log p(x|z) + log p(z) − log q(z|x), and per image the closed-form KL(q(z|x) ‖ N(0, I)).

    The draws are those of :func:`vaecourse.evaluation.importance_weighted_log_px` with the
    same ``k`` and ``seed``, so that ``logsumexp(log_w, 1) − log k`` is its bound; the mean of
    ``log_px_z`` minus ``kl`` is the ELBO averaged over the same ``k`` draws.
    """
    mean, log_var = evaluation._encode(vae, x, batch_size=1000)
    log_px_z, log_pz, log_qz = evaluation.log_weight_terms(
        vae, x, k, seed, encoded=(mean, log_var)
    )
    kl = 0.5 * np.sum(np.exp(log_var) + mean**2 - 1.0 - log_var, axis=-1)
    return log_px_z, log_px_z + log_pz - log_qz, kl


def scores(
    vae,
    x,
    reference: LatentReference | None = None,
    elbo_samples: int | None = 3,
    iw_samples: int = 10,
    seed: int = 0,
    names=None,
) -> dict[str, np.ndarray]:
    """Every anomaly score of :data:`SCORE_NAMES` for the images ``x`` (larger = stranger).

    ``reference`` is the :class:`LatentReference` of the training images; without it the latent
    scores are left out. ``iw_samples=0`` leaves out the importance-weighted scores.
    ``elbo_samples=None`` averages the ELBO over the ``iw_samples`` draws of the
    importance-weighted bound (no decoder call of its own); a number draws that many
    samples of its own. ``names`` computes only those scores.
    """
    from scipy.special import logsumexp

    wanted = list(SCORE_NAMES if names is None else names)
    unknown = set(wanted) - set(SCORE_NAMES)
    if unknown:
        raise ValueError(
            f"no score called {sorted(unknown)}; the scores are {SCORE_NAMES}"
        )
    if not iw_samples:
        wanted = [
            n
            for n in wanted
            if n not in ("-log p(x) (IW)", "IW - complexity")
        ]
    if reference is None:
        wanted = [
            n for n in wanted if n not in ("latent density", "latent kNN")
        ]
    if elbo_samples is None and not iw_samples and "-ELBO" in wanted:
        raise ValueError(
            "elbo_samples=None averages the ELBO over the importance samples: "
            "give iw_samples > 0, or a number of ELBO samples"
        )
    out = {}
    if {"L2", "BCE"} & set(wanted):
        out["L2"], out["BCE"] = reconstruction_errors(vae, x)
    if "-ELBO" in wanted and elbo_samples is not None:
        reconstruction, kl = evaluation.elbo_terms(
            vae, x, batch_size=BATCH_SIZE, seed=seed, samples=elbo_samples
        )
        out["-ELBO"] = reconstruction + kl
    if {"-log p(x) (IW)", "IW - complexity"} & set(wanted) or (
        "-ELBO" in wanted and elbo_samples is None
    ):
        log_px_z, log_w, kl = importance_samples(
            vae, x, k=iw_samples, seed=seed
        )
        if elbo_samples is None:
            out["-ELBO"] = -log_px_z.mean(axis=1) + kl
        out["-log p(x) (IW)"] = -(
            logsumexp(log_w, axis=1) - np.log(iw_samples)
        )
        out["IW - complexity"] = out["-log p(x) (IW)"] - complexity(x)
    if {"latent density", "latent kNN"} & set(wanted):
        means = encode_means(vae, x)
        out["latent density"] = reference.density_score(means)
        out["latent kNN"] = reference.knn_score(means)
    return {name: out[name] for name in SCORE_NAMES if name in wanted}


def standardise(score, reference):
    """``score`` in units of the spread of ``reference`` (normal images): (s − median) / IQR."""
    q1, median, q3 = np.percentile(reference, [25, 50, 75])
    return (np.asarray(score) - median) / max(q3 - q1, 1e-12)


def roc_pr(normal, anomalous) -> dict[str, float]:
    """AUROC and AUPRC (average precision) of a score, the anomalies being the positives."""
    y = np.r_[np.zeros(len(normal)), np.ones(len(anomalous))]
    s = np.r_[normal, anomalous]
    return {
        "AUROC": float(roc_auc_score(y, s)),
        "AUPRC": float(average_precision_score(y, s)),
    }


def threshold_at_fpr(validation_scores, fpr: float = 0.05) -> float:
    """The threshold that flags a fraction ``fpr`` of held-out *normal* images as anomalies."""
    if not 0.0 < fpr < 1.0:
        raise ValueError(
            f"fpr={fpr}: the false-positive rate must lie strictly between 0 and 1"
        )
    return float(np.quantile(np.asarray(validation_scores), 1.0 - fpr))


# ----------------------------------------------------------------------------------------
# The per-digit table: hold out each digit in turn
# ----------------------------------------------------------------------------------------
def per_digit_table(
    digits=range(10),
    latent_dim: int = 16,
    epochs: int = 10,
    batch_size: int = 256,
    n_train: int | None = None,
    n_test: int | None = None,
    iw_samples: int = 10,
    seed: int = 0,
    log=print,
) -> dict:
    """Train a dense VAE on the nine other digits for each held-out digit; AUROC per score.

    The normal test images are the test images of the nine digits, the anomalies those of the
    held-out digit. ``n_train``/``n_test`` cut the data (for the tiny quick-profile run).
    """
    import keras

    from .data import load_mnist
    from .models import build_dense_vae
    from .profiles import seed_everything

    (x_train_all, y_train_all), (x_test_all, y_test_all) = load_mnist(
        shape="flat"
    )
    rows, start = {}, time.perf_counter()
    for digit in digits:
        seed_everything(seed + int(digit))
        x_train = x_train_all[y_train_all != digit][:n_train]
        keep = np.arange(len(x_test_all))[:n_test]
        x_test, y_test = x_test_all[keep], y_test_all[keep]
        vae = build_dense_vae(latent_dim=latent_dim, seed=seed)
        vae.compile(optimizer=keras.optimizers.Adam(1e-3))
        vae.fit(x_train, epochs=epochs, batch_size=batch_size, verbose=0)
        reference = LatentReference(vae, x_train, seed=seed)
        s = scores(
            vae,
            x_test,
            reference,
            elbo_samples=1,
            iw_samples=iw_samples,
            seed=seed,
        )
        held_out = y_test == digit
        rows[str(int(digit))] = {
            name: roc_pr(values[~held_out], values[held_out])["AUROC"]
            for name, values in s.items()
        }
        log(
            f"held-out digit {digit}: "
            + ", ".join(
                f"{k} {v:.3f}" for k, v in rows[str(int(digit))].items()
            )
            + f"  ({time.perf_counter() - start:.0f} s)"
        )
    return {
        "description": "AUROC of each anomaly score with one digit held out of training; "
        "dense VAE 784-512-latent, trained on the other nine digits.",
        "settings": {
            "latent_dim": latent_dim,
            "epochs": epochs,
            "batch_size": batch_size,
            "n_train": n_train,
            "n_test": n_test,
            "iw_samples": iw_samples,
            "seed": seed,
        },
        "seconds": round(time.perf_counter() - start, 1),
        "auroc": rows,
    }


def write_table(table: dict, path: Path = RESULTS_PATH) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(table, indent=1) + "\n")
    return path


def load_table(path: Path = RESULTS_PATH) -> dict:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(
            f"{path} does not exist: produce it with `python -m tools.anomaly_table` "
            f"(about ten minutes on two CPU cores)."
        )
    return json.loads(path.read_text())
