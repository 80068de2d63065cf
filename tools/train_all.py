"""Train every model the book ships, from its zoo recipe, seeded: ``python -m tools.train_all``.

The maintainer's one command for ``weights/`` (a learner's training goes to ``my_weights/``).
Each recipe of :data:`vaecourse.zoo.RECIPES` is trained in a fresh process of its own, with
one TensorFlow thread (``VAECOURSE_THREADS=1``) and ``seed_everything(recipe.seed)``, so the
weights do not depend on how many cores the machine has; ``--jobs`` processes run side by
side. Every recipe trains on the first 50,000 training images and validates on the last
10,000. The candidates a recipe was chosen against (:data:`vaecourse.zoo.CANDIDATES`) are
trained the same way; only their histories are kept, in ``results/``, and the command fails
if a candidate ends with a lower validation loss than its recipe. The per-digit anomaly
table of chapter 7 is recomputed (``tools.anomaly_table``), as one more step; so is the
appendix's comparison with Burda et al. (2016) (``tools.papers_table``: the importance-weighted
estimate of the binarised test −log p(x) of ``burda_vae_50d``, in ``results/papers.json``),
which starts once that model is trained. Last, ``tools.model_report`` writes every shipped
model's validation and test numbers to ``results/models.md``, and ``tools.export_explorers``
packs the live explorers' decoders into ``weights/explorers/``.

It resumes: a step that finished in this run (``_build/train_all/progress.json``) is not run
again. ``--fresh`` starts a new run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from vaecourse.paths import RESULTS_DIR, ROOT, WEIGHTS_DIR

RUN_DIR = ROOT / "_build" / "train_all"
PROGRESS = RUN_DIR / "progress.json"
CANDIDATE_WEIGHTS = RUN_DIR / "candidates"
ANOMALY_TABLE = "anomaly_table"
PAPERS_TABLE = "papers_table"
#: Steps that need another step's weights: they start once it has finished.
AFTER = {PAPERS_TABLE: "burda_vae_50d", "vq_prior": "vq_vae"}
#: The steps that are commands of their own rather than a recipe's training.
COMMANDS = {
    ANOMALY_TABLE: "tools.anomaly_table",
    PAPERS_TABLE: "tools.papers_table",
}


def steps() -> list[str]:
    """Every step, longest first, so that two workers finish close together; the steps of
    :data:`AFTER`, which wait for another step, last."""
    from vaecourse import zoo

    def cost(name):
        if (
            name == ANOMALY_TABLE
        ):  # ten dense VAEs, ten epochs each, batches of 256
            return 10 * 10 * 0.5
        if name == PAPERS_TABLE:  # ~15 minutes of importance sampling
            return 100.0
        recipe = zoo.recipe_of(name)
        per_epoch = 3.0 if recipe.shape == "image" else 1.0
        return recipe.epochs * per_epoch * (64 / recipe.batch_size) ** 0.5

    names = sorted(
        [*zoo.RECIPES, *zoo.CANDIDATES, ANOMALY_TABLE, PAPERS_TABLE],
        key=cost,
        reverse=True,
    )
    # A step that waits for another goes last, so that it holds no worker
    # while the step it waits for trains.
    waiting = [name for name in names if name in AFTER]
    return [name for name in names if name not in AFTER] + waiting


def train_one(name: str) -> None:
    """Train ``name`` in this process (run by :func:`main` in a child process)."""
    from vaecourse import seed_everything, zoo

    candidate = name in zoo.CANDIDATES
    seed_everything(zoo.recipe_of(name).seed)
    save_dir = CANDIDATE_WEIGHTS if candidate else WEIGHTS_DIR
    _, run = zoo.pretrained(name, retrain=True, save_dir=save_dir)
    if candidate:
        RESULTS_DIR.mkdir(exist_ok=True)
        shutil.copy(
            save_dir / f"{name}.history.json",
            RESULTS_DIR / f"{name}.history.json",
        )
    print(run.describe(), flush=True)


def _load_progress(fresh: bool) -> dict:
    if PROGRESS.exists() and not fresh:
        return json.loads(PROGRESS.read_text())
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    return {"started": time.strftime("%Y-%m-%d %H:%M:%S"), "done": {}}


def _run_step(name: str, env: dict) -> float:
    start = time.perf_counter()
    if name in COMMANDS:
        command = [sys.executable, "-m", COMMANDS[name]]
    else:
        command = [sys.executable, "-m", "tools.train_all", "--one", name]
    log = RUN_DIR / f"{name}.log"
    with log.open("w") as out:
        result = subprocess.run(
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            check=False,
        )
    if result.returncode:
        raise RuntimeError(
            f"{name} failed (exit {result.returncode}); its log: {log}"
        )
    return time.perf_counter() - start


def check_candidates() -> list[str]:
    """Lines comparing each candidate's last validation loss with its recipe's."""
    from vaecourse import zoo
    from vaecourse.training import read_history

    lines, losers = [], []
    for candidate, recipe in zoo.CANDIDATE_OF.items():
        ours = read_history(recipe)["val_loss"][-1]
        theirs = read_history(candidate, RESULTS_DIR)["val_loss"][-1]
        lines.append(
            f"validation loss: {recipe} {ours:.2f}, candidate {candidate} {theirs:.2f}"
        )
        if theirs < ours:
            losers.append(recipe)
    if losers:
        raise SystemExit(
            "\n".join(lines)
            + f"\nthe recipes {losers} lost to a candidate on validation: "
            "change the recipe in vaecourse/zoo.py to the winner and run again with --fresh."
        )
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--jobs", type=int, default=2, help="processes side by side"
    )
    parser.add_argument(
        "--fresh", action="store_true", help="start a new run"
    )
    parser.add_argument("--only", nargs="*", help="only these steps")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        train_one(args.one)
        return 0

    progress = _load_progress(args.fresh)
    env = {
        **os.environ,
        "VAECOURSE_PROFILE": "reader",
        "VAECOURSE_THREADS": "1",
    }
    todo = [
        s
        for s in steps()
        if s not in progress["done"] and (not args.only or s in args.only)
    ]
    print(
        f"run started {progress['started']}; to do: {', '.join(todo) or 'nothing'}",
        flush=True,
    )

    finished = {name: threading.Event() for name in todo}

    def work(name):
        # wait for the step whose weights this one reads, if it runs now
        first = AFTER.get(name)
        if first in finished:
            finished[first].wait()
            if first not in progress["done"]:
                raise RuntimeError(f"{name} needs {first}, which failed")
        try:
            seconds = _run_step(name, env)
            progress["done"][name] = round(seconds, 1)
            PROGRESS.write_text(json.dumps(progress, indent=1) + "\n")
        finally:
            finished[name].set()
        print(f"{name}: {seconds:.0f} s", flush=True)

    with ThreadPoolExecutor(args.jobs) as pool:
        list(pool.map(work, todo))
    for line in check_candidates():
        print(line)
    # The shipped models' test numbers, next to the validation numbers they were chosen on.
    subprocess.run(
        [sys.executable, "-m", "tools.model_report"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    # The live explorers' decoders, packed anew from the new weights.
    subprocess.run(
        [sys.executable, "-m", "tools.export_explorers"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    size = sum(p.stat().st_size for p in WEIGHTS_DIR.glob("*")) / 2**20
    total = sum(progress["done"].values())
    print(
        f"weights/: {size:.1f} MB; {total:.0f} s of training in all (summed over steps)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
