"""Our number next to the papers': ``python -m tools.papers_table`` writes ``results/papers.json``.

The appendix on papers' numbers compares the shipped ``burda_vae_50d`` (the model of Burda et
al. (2016), Table 1, first row: 784-200-200-50 with tanh, one stochastic layer, dynamically
binarised MNIST, trained with the plain ELBO) with the paper's 86.76 nats. This command
loads the shipped weights and, on the test images binarised once with a fixed seed
(:func:`vaecourse.zoo.test_data`), estimates −log p(x) with the paper's estimator: the
importance-weighted bound with ``k`` = 5,000 samples
(:func:`vaecourse.evaluation.importance_weighted_log_px`), which is an upper bound on
−log p(x) that tightens as k grows.

The estimate costs about 0.1–0.2 s per image on one core. It first times the first
``--probe`` images and, if all the test images would take longer than ``--budget-minutes``
of CPU time (one core's work, whatever else runs on the machine),
estimates the first images only: as many as fit, a multiple of 500 (or exactly ``--images``,
which makes the run independent of the machine's speed). The file says how many images and
which k were used, how long it took, and the model's training budget (epochs and wall time,
from ``weights/burda_vae_50d.history.json``). It also holds the test −ELBO (every test image),
the number of active latent units, and the k = 5,000 bound on the first ``--page-images``
images, the subset the appendix evaluates itself.

``python -m tools.train_all`` runs it as its step ``papers_table``, after the model's
training. ``--tiny`` runs the same code in a few seconds (a handful of images, small k), for
tests.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from vaecourse import evaluation, zoo
from vaecourse.paths import RESULTS_DIR
from vaecourse.profiles import current_profile

MODEL = "burda_vae_50d"
RESULTS_PATH = RESULTS_DIR / "papers.json"
#: The paper's estimator: k = 5,000 importance samples per test image.
PAPER_K = 5000
#: The images the appendix evaluates itself (the first of the test set).
PAGE_IMAGES = 500


def plan_images(
    seconds_per_image: float, n_total: int, budget_seconds: float, step=500
) -> int:
    """How many images fit the budget: all of them, or the largest multiple of ``step``
    (at least ``step``, or ``n_total`` if smaller)."""
    if seconds_per_image * n_total <= budget_seconds:
        return n_total
    fits = int(budget_seconds / seconds_per_image) // step * step
    return min(n_total, max(step, fits))


def estimate(
    vae,
    x,
    k: int,
    *,
    images: int | None = None,
    budget_seconds: float = 900.0,
    probe: int = 100,
    step: int = 500,
    seed: int = 0,
) -> dict:
    """The per-image bound log p(x) ≥ L_k on the first images of ``x``.

    Times ``probe`` images first; then the rest of ``images`` images (by default, as many as
    :func:`plan_images` finds fit ``budget_seconds`` of this process's CPU time, what one
    core would take, whatever else the machine runs). Returns the per-image values
    (``log_px``), how many images, the probe's CPU seconds per image, and the total wall
    and CPU seconds.
    """
    start, start_cpu = time.perf_counter(), time.process_time()
    probe = min(probe, len(x))
    first = evaluation.importance_weighted_log_px(
        vae, x[:probe], k=k, seed=seed
    )
    per_image = (time.process_time() - start_cpu) / probe
    if images is None:
        images = plan_images(per_image, len(x), budget_seconds, step=step)
    images = max(probe, min(images, len(x)))
    rest = evaluation.importance_weighted_log_px(
        vae, x[probe:images], k=k, seed=seed + 1
    )
    return {
        "log_px": np.concatenate([first, rest]),
        "images": int(images),
        "probe_cpu_seconds_per_image": per_image,
        "seconds": time.perf_counter() - start,
        "cpu_seconds": time.process_time() - start_cpu,
    }


def papers_table(
    k: int = PAPER_K,
    images: int | None = None,
    budget_minutes: float = 15.0,
    page_images: int = PAGE_IMAGES,
    probe: int = 100,
    step: int = 500,
) -> dict:
    """Every number of ``results/papers.json`` (see the module's docstring)."""
    vae, run = zoo.pretrained(MODEL)
    profile = current_profile()
    if run.source != "loaded" and not profile.quick:
        raise SystemExit(
            f"weights/{MODEL}.weights.h5 was missing, so the model was trained "
            "here; train it with `python -m tools.train_all --only "
            f"{MODEL}` first."
        )
    x_test, _ = zoo.test_data(MODEL)
    x_train, _ = zoo.training_data(MODEL)
    reconstruction, kl = evaluation.elbo_terms(vae, x_test)
    neg_elbo = reconstruction + kl
    mean, _ = evaluation._encode(vae, x_test, 1000)
    active = evaluation.active_units(mean)
    result = estimate(
        vae,
        x_test,
        k,
        images=images,
        budget_seconds=60.0 * budget_minutes,
        probe=probe,
        step=step,
    )
    nll = -result["log_px"]
    n = result["images"]
    page = min(page_images, n)
    history = run.history
    epochs = len(history["loss"])
    seconds_per_epoch = float(run.seconds_per_epoch or 0.0)
    return {
        "model": MODEL,
        "profile": profile.name,
        "k": int(k),
        "images": n,
        "test_images": len(x_test),
        "neg_log_px_bound": float(np.mean(nll)),
        "standard_error": float(np.std(nll, ddof=1) / np.sqrt(n)),
        "seconds": round(result["seconds"], 1),
        "cpu_seconds": round(result["cpu_seconds"], 1),
        "probe_images": int(min(probe, len(x_test))),
        "probe_cpu_seconds_per_image": round(
            result["probe_cpu_seconds_per_image"], 4
        ),
        "budget_minutes": float(budget_minutes),
        "page_images": int(page),
        "page_neg_log_px_bound": float(np.mean(nll[:page])),
        "neg_elbo": float(np.mean(neg_elbo)),
        "neg_elbo_same_images": float(np.mean(neg_elbo[:n])),
        "reconstruction": float(np.mean(reconstruction)),
        "kl": float(np.mean(kl)),
        "active_units": int(active.sum()),
        "latent_dim": int(mean.shape[1]),
        "training_images": len(x_train),
        "training_epochs": int(epochs),
        "training_batch_size": int(zoo.recipe_of(MODEL).batch_size),
        "training_seconds_per_epoch": round(seconds_per_epoch, 2),
        "training_seconds": round(seconds_per_epoch * epochs, 1),
        "validation_loss": float(history["val_loss"][-1]),
        "threads": int(os.environ.get("VAECOURSE_THREADS", "2")),
        "machine": platform.processor() or platform.machine(),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", default=str(RESULTS_PATH), help="JSON file to write"
    )
    parser.add_argument(
        "--k", type=int, default=PAPER_K, help="importance samples per image"
    )
    parser.add_argument(
        "--images",
        type=int,
        help="estimate exactly the first N test images (default: the budget)",
    )
    parser.add_argument(
        "--budget-minutes",
        type=float,
        default=15.0,
        help="the estimate's time budget, which sets how many images",
    )
    parser.add_argument(
        "--page-images",
        type=int,
        default=PAGE_IMAGES,
        help="the subset the appendix evaluates itself",
    )
    parser.add_argument(
        "--tiny",
        action="store_true",
        help="k = 20 on 30 images: a smoke test (use the quick profile)",
    )
    args = parser.parse_args(argv)
    sizes = {
        "k": args.k,
        "images": args.images,
        "budget_minutes": args.budget_minutes,
        "page_images": args.page_images,
    }
    if args.tiny:
        sizes.update(k=20, images=30, page_images=10, probe=10, step=10)
    table = papers_table(**sizes)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(table, indent=1) + "\n")
    print(json.dumps(table, indent=1))
    print("wrote", out)
    return table


if __name__ == "__main__":
    main()
