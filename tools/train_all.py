"""Train every model the book uses, in the reader profile, seeded: ``python -m tools.train_all``.

Each chapter is executed top to bottom in a fresh kernel with ``VAECOURSE_TRAINED_AFTER`` set
to the start time, so the first chapter that needs a model trains it (with the code the reader
sees) and saves ``weights/NAME.weights.h5`` and ``NAME.history.json``; later chapters load
those fresh files. Models that no chapter trained are then trained from their zoo recipe.
Finally the per-digit anomaly table of chapter 7 is recomputed (``tools.anomaly_table``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from vaecourse.paths import ROOT, WEIGHTS_DIR
from vaecourse.training import TRAINED_AFTER_ENV

from .book import chapter_notebooks
from .execute import execute_notebook


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--chapters", nargs="*", help="only these chapter files (stems)"
    )
    args = parser.parse_args(argv)
    start = time.time()
    env = {"VAECOURSE_PROFILE": "reader", TRAINED_AFTER_ENV: f"{start:.3f}"}
    for path in chapter_notebooks():
        if args.chapters and path.stem not in args.chapters:
            continue
        print(f"== {path.name}", flush=True)
        _, seconds = execute_notebook(path, **env)
        print(f"   done in {seconds:.0f} s", flush=True)

    if not args.chapters:
        code = (
            "from vaecourse import zoo\n"
            "for name in zoo.RECIPES:\n"
            "    print(name, '->', zoo.pretrained(name)[1].describe(), flush=True)\n"
        )
        subprocess.run(
            [sys.executable, "-c", code],
            check=True,
            cwd=ROOT,
            env={**os.environ, **env},
        )
        subprocess.run(
            [sys.executable, "-m", "tools.anomaly_table"],
            check=True,
            cwd=ROOT,
            env={**os.environ, **env},
        )

    size = sum(p.stat().st_size for p in WEIGHTS_DIR.glob("*")) / 2**20
    print(f"weights/: {size:.1f} MB, {time.time() - start:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
