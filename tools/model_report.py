"""The shipped models' numbers: ``python -m tools.model_report`` writes ``results/models.md``.

For every recipe of :mod:`vaecourse.zoo`: the last epoch's training and validation loss from
its history (the numbers the recipe was chosen on), and on the test set (the digits it was
trained on) the −ELBO with its two terms, averaged over every test image, and the
importance-weighted bound −L_k ≥ −log p(x) on the first ``--iw-images`` of them.
"""

from __future__ import annotations

import argparse
import functools
import json
import time

import numpy as np

from vaecourse import evaluation, zoo
from vaecourse.paths import RESULTS_DIR
from vaecourse.training import read_history


@functools.lru_cache
def _test_data(name: str):
    return zoo.test_data(name)


def _vq_numbers(name: str, model) -> dict:
    """Chapter 10's models on the test images: the VQ-VAE's reconstruction and its bound
    on −log p(x) with the uniform prior of training; for the PixelCNN prior, the bound
    with it (``test_kl``: the prior's term, −log p(codes))."""
    from vaecourse import vqvae

    recipe = zoo.RECIPES[name]
    vq = model if not recipe.codes_of else zoo.pretrained(recipe.codes_of)[0]
    start = time.perf_counter()
    x_test, _ = _test_data(recipe.codes_of or name)
    codes, reconstruction = vqvae.codes_and_reconstruction(vq, x_test)
    if recipe.codes_of:
        prior_nats = -vqvae.log_prior(model, codes)
    else:
        prior_nats = np.full(
            len(codes), -vqvae.uniform_log_prior(vq.num_codes)
        )
    return {
        "test_neg_elbo": float(np.mean(reconstruction + prior_nats)),
        "test_reconstruction": float(np.mean(reconstruction)),
        "test_kl": float(np.mean(prior_nats)),
        "test_images": len(x_test),
        "seconds": round(time.perf_counter() - start, 1),
    }


def report(names, k: int, iw_images: int) -> list[dict]:
    rows = []
    for name in names:
        recipe = zoo.RECIPES[name]
        model, _ = zoo.pretrained(name)
        history = read_history(name)
        row = {
            "model": name,
            "epochs": len(history["loss"]),
            "train_loss": history["loss"][-1],
            "validation_loss": history["val_loss"][-1],
        }
        if recipe.codes_of or recipe.builder == "build_vq_vae":
            rows.append({**row, **_vq_numbers(name, model)})
            print(json.dumps(rows[-1]), flush=True)
            continue
        x_test, y_test = _test_data(name)
        if recipe.classifier:
            probs = model.predict(x_test, batch_size=1000, verbose=0)
            row["test_accuracy"] = float(np.mean(probs.argmax(1) == y_test))
        elif not recipe.autoencoder:
            labels = y_test if recipe.labels else None
            start = time.perf_counter()
            reconstruction, kl = evaluation.elbo_terms(
                model, x_test, labels=labels
            )
            iw = evaluation.importance_weighted_log_px(
                model,
                x_test[:iw_images],
                k=k,
                labels=None if labels is None else labels[:iw_images],
            )
            row.update(
                test_neg_elbo=float(np.mean(reconstruction + kl)),
                test_reconstruction=float(np.mean(reconstruction)),
                test_kl=float(np.mean(kl)),
                test_iw_bound=float(-np.mean(iw)),
                test_neg_elbo_same_images=float(
                    np.mean((reconstruction + kl)[:iw_images])
                ),
                test_images=len(x_test),
                seconds=round(time.perf_counter() - start, 1),
            )
        rows.append(row)
        print(json.dumps(row), flush=True)
    return rows


def markdown(rows, k: int, iw_images: int) -> str:
    lines = [
        "# The shipped models",
        "",
        "Written by `python -m tools.model_report`. Loss columns in nats per image (the",
        "autoencoder's: binary cross-entropy per pixel). Training and validation: the last",
        "epoch's loss of the shipped run, the loss it was trained on (β-weighted for the β",
        "models; validation = the last 10,000 training images). Test: every",
        f"test image of the model's digits; the IW bound −L_{k} (an upper bound on −log p(x))",
        f"on the first {iw_images:,} of them, next to the −ELBO of the same images.",
        "The Gaussian-pixel models (`_gaussian`, `_sigma`) give densities of continuous",
        "pixels: their nats are not comparable with the Bernoulli models'. The conditional",
        "VAEs (`cvae`) bound −log p(x | y). `burda_vae_50d` is scored on binarised test",
        "images (one fixed draw). The classifier's column is its test accuracy.",
        "Chapter 10's `vq_vae` and `vq_prior`: the bound −log p(x | z_q) − log p(z_q)",
        "in the −ELBO column, with the uniform prior and with the PixelCNN prior; the",
        "prior's term in the KL column.",
        "",
        (
            "| model | epochs | training | validation | test −ELBO | test rec. | test KL "
            f"| −ELBO, first {iw_images:,} | −L_{k}, first {iw_images:,} |"
        ),
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        test = (
            f"{r['test_neg_elbo']:.2f} | {r['test_reconstruction']:.2f} | "
            f"{r['test_kl']:.2f} | "
            + " | ".join(
                f"{r[key]:.2f}" if key in r else "–"
                for key in ("test_neg_elbo_same_images", "test_iw_bound")
            )
            if "test_neg_elbo" in r
            else f"accuracy {r['test_accuracy']:.2%} | – | – | – | –"
            if "test_accuracy" in r
            else "– | – | – | – | –"
        )
        lines.append(
            f"| `{r['model']}` | {r['epochs']} | {r['train_loss']:.4g} | "
            f"{r['validation_loss']:.4g} | {test} |"
        )
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--k", type=int, default=100, help="importance samples"
    )
    parser.add_argument("--iw-images", type=int, default=1000)
    parser.add_argument(
        "--only",
        nargs="*",
        help="only these models (their rows replace theirs in the report)",
    )
    args = parser.parse_args(argv)
    rows = report(args.only or list(zoo.RECIPES), args.k, args.iw_images)
    saved = RESULTS_DIR / "models.json"
    if args.only and saved.exists():
        # the other models' rows stay as they were; every row in the zoo's order
        by_name = {row["model"]: row for row in json.loads(saved.read_text())}
        by_name.update({row["model"]: row for row in rows})
        rows = [by_name[name] for name in zoo.RECIPES if name in by_name]
    RESULTS_DIR.mkdir(exist_ok=True)
    (RESULTS_DIR / "models.json").write_text(
        json.dumps(rows, indent=1) + "\n"
    )
    path = RESULTS_DIR / "models.md"
    path.write_text(markdown(rows, args.k, args.iw_images))
    print("wrote", path)


if __name__ == "__main__":
    main()
