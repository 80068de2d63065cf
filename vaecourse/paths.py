"""Where the course's files are. Every path the package and the maintainer tools use is
computed here, once.

The package may run from the repository (an editable install, or a chapter that imports it
from ``chapters/``) or from an installed copy in ``site-packages`` (``pip install .``). Either
way the data, weights and solutions stay in the repository, which is found, in this order:

1. ``VAECOURSE_HOME``, when it is set;
2. the folder above the package, when it holds ``_toc.yml`` (a source checkout);
3. the working directory or one of its parents, when it holds ``_toc.yml`` (a chapter runs
   from ``chapters/``).
"""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "VAECOURSE_HOME"
_MARKER = "_toc.yml"


def _find_root() -> Path:
    override = os.environ.get(HOME_ENV)
    if override:
        return Path(override).expanduser().resolve()
    here = Path(__file__).resolve().parents[1]
    cwd = Path.cwd().resolve()
    for candidate in (here, cwd, *cwd.parents):
        if (candidate / _MARKER).is_file():
            return candidate
    # Not found: keep a definite path; whatever reads from it explains what to do.
    return here


ROOT = _find_root()
CHAPTERS_DIR = ROOT / "chapters"
DATA_DIR = ROOT / "data"
#: The shipped weights: written only by the maintainer command ``python -m tools.train_all``.
WEIGHTS_DIR = ROOT / "weights"
#: The live explorers' decoders, packed for the browser from the shipped
#: weights: written only by ``python -m tools.export_explorers``.
EXPLORERS_DIR = WEIGHTS_DIR / "explorers"
#: Where a learner's own training runs are saved (git-ignored), so they never overwrite
#: the shipped weights.
MY_WEIGHTS_DIR = ROOT / "my_weights"
#: Results of runs too long for a chapter, and histories of runs whose weights are not shipped.
RESULTS_DIR = ROOT / "results"
SOLUTIONS_DIR = ROOT / "solutions"


def missing_file_hint(path: Path) -> str:
    """What to do when a course file is not where the package looked for it."""
    return (
        f"{path} does not exist. The course's files were looked for in {ROOT}; run from the "
        f"course's folder (or its chapters/), or set {HOME_ENV} to the folder that holds "
        f"{_MARKER}."
    )
