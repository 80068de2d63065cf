"""The book reads each chapter from its text source, ``chapters/NN_name.py``.

The notebook beside it, ``chapters/NN_name.ipynb``, is the learner's rendering (plain
Jupyter, no MyST: ``tools/learner_notebook.py``), so the book must not read it:
``_config.yml`` excludes ``chapters/*.ipynb`` and maps ``.py`` to :func:`reads` through
MyST-NB's ``nb_custom_formats``. The launch buttons still open the ``.ipynb`` (the theme
prefers a notebook of the same name).
"""

from __future__ import annotations

import jupytext

KERNELSPEC = {
    "display_name": "Python 3 (ipykernel)",
    "language": "python",
    "name": "python3",
}


def reads(text: str, **_):
    """A chapter notebook from its ``py:percent`` text, with the Python 3 kernel (which
    the theme's launch buttons and MyST-NB's execution look for)."""
    nb = jupytext.reads(text, fmt="py:percent")
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def setup(app):
    return {"parallel_read_safe": True, "parallel_write_safe": True}
