"""Headline numbers a chapter records for the benchmark and the appendix."""

from __future__ import annotations


def headline(name: str, value: float) -> None:
    """Record ``value`` under ``name`` in the executed notebook (a hidden glue output).

    The benchmark (``python -m tools.benchmark``) collects these from executed chapters.
    Outside Jupyter Book's environment (e.g. a bare Colab) it records nothing. It returns
    nothing, so that a call on a cell's last line adds no output to the page.
    """
    try:
        from myst_nb import glue
    except ImportError:
        return
    glue(name, float(value), display=False)


def glue(name: str, value) -> None:
    """Make ``value`` quotable in the page's prose as ``{glue:text}`name:.1f```, so that a
    number in a sentence is the number this run computed. Hidden on the page; outside
    Jupyter Book's environment (e.g. a bare Colab) it does nothing."""
    try:
        from myst_nb import glue as _glue
    except ImportError:
        return
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        value = (
            value.item()
        )  # a NumPy scalar: its repr (np.float64(…)) takes no format spec
    _glue(name, value, display=False)


def read_models() -> list[dict]:
    """The shipped models' validation and test numbers, one dict per model, as
    ``python -m tools.model_report`` wrote them to ``results/models.json``."""
    import json

    from .paths import RESULTS_DIR, missing_file_hint

    path = RESULTS_DIR / "models.json"
    if not path.exists():
        raise FileNotFoundError(
            f"{missing_file_hint(path)} A maintainer writes it with "
            "`python -m tools.model_report`."
        )
    return json.loads(path.read_text())
